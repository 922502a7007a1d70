#!/bin/sh
# gst-workers: the autonomy loop on a loaded machine (issue 16, item 2)
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# usage: tests/interop/loop-soak.sh BUILD_DIR [CPU_HOGS [HOG_NICENESS]]
#
# Flies autonomy-loop-soak.pipeline (a survey of 517 s, 20 targets, the
# whole mission: take-off, survey, a GOTO per target, land) with the
# autonomyloop test (ArduPilot vehicle, vehicle-survey.mjs) while
# stress-ng runs CPU_HOGS (4) CPU hogs, HOG_NICENESS (0) nicer than the
# loop, and prints the load average every 30 s. Passes when the vehicle got one GOTO per
# target, each within 1.5 m of a target none went to before, and the
# final estimates are one per target, within 1.5 m: no false target.
# Long (about 9 minutes): not part of `make test`.
set -eu
build=${1:?usage: $0 BUILD_DIR [CPU_HOGS]}
hogs=${2:-4}
src=$(cd "$(dirname "$0")/../.." && pwd)
nice -n "${3:-0}" stress-ng --cpu "$hogs" --timeout 900s --quiet &
hog=$!
( while sleep 30; do echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"; done ) &
watch=$!
trap 'kill $hog $watch 2>/dev/null || true' EXIT
cd "$build/tests"
GST_PLUGIN_PATH_1_0="$build/elements:$build/tests/elements" \
GI_TYPELIB_PATH="$build/gst/worker:$build/gst/autonomy" \
LD_LIBRARY_PATH="$build/gst/worker:$build/gst/autonomy" \
GST_REGISTRY_1_0="$build/tests/registry-soak.bin" \
GST_CHECKS=test_autonomy_loop_ardupilot CK_TIMEOUT_MULTIPLIER=6 \
  "$build/tests/interop/autonomyloop" "$(command -v node)" \
  "$build/tests/interop/vehicle-survey.mjs" yes \
  "$src/tests/interop/autonomy-loop-soak.pipeline"
