#!/bin/sh
# Builds and installs gst-workers into a fresh prefix, then uses it as a
# user would: the plugins load from <prefix> with GST_PLUGIN_PATH (none
# blacklisted), and <prefix>/bin/gst-worker-launch runs a pool with no
# LD_LIBRARY_PATH. Usage: check-prefix.sh [WORK_DIR] (default
# build-prefix/, made anew).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$src/build-prefix}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
prefix=$work/prefix

meson setup "$work/build" "$src" --prefix="$prefix" -Dtests=disabled \
  -Dbenchmarks=disabled >"$work/setup.log" 2>&1 ||
  { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" install >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }

plugins=$(dirname "$(find "$prefix" -name libgstworkers.so)")
case "$plugins" in
  "$prefix"/*) ;;
  *) echo "FAIL: plugins installed outside $prefix"; exit 1 ;;
esac

unset LD_LIBRARY_PATH GST_PLUGIN_PATH_1_0 GST_REGISTRY_1_0
export GST_PLUGIN_PATH="$plugins"
export GST_REGISTRY="$work/registry.bin"
for p in workers autonomy mavlink; do
  if ! gst-inspect-1.0 "$p" >/dev/null 2>&1; then
    echo "FAIL: plugin $p does not load from $plugins:"
    gst-inspect-1.0 -b
    exit 1
  fi
done
# every plugin installed there, those added later too
for so in "$plugins"/libgst*.so; do
  if ! gst-inspect-1.0 "$so" >/dev/null 2>&1; then
    echo "FAIL: $so does not load:"
    gst-inspect-1.0 "$so"
    exit 1
  fi
done
"$prefix/bin/gst-worker-launch" --quiet videotestsrc num-buffers=20 ! \
  workerpool size=2 worker=jpegenc ! fakesink ||
  { echo "FAIL: $prefix/bin/gst-worker-launch"; exit 1; }
echo "installed to $prefix: the tool runs, $(ls "$plugins"/libgst*.so | wc -l) plugins load"
