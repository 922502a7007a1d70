# gst-workers: the README's commands. Each does all of its own set-up, and
# running it again does only what is left to do.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_ARM64 ?= build-arm64
DURATION   ?= 20
RUNS       ?= 20
RESHAPE_RUNS ?= 500

.PHONY: all deps setup build run test test-valgrind test-asan bench clean \
  fuzz-smoke test-install cross-arm64 test-stress test-reshape-random \
  run-python-app docs docs-check

all: build

deps:
	@./.ci/deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

setup: deps $(BUILD)/build.ninja

build: setup
	ninja -C $(BUILD)

PIPELINE ?= pipelines/autonomy.pipeline
export GST_PLUGIN_PATH := $(CURDIR)/$(BUILD)/elements:$(CURDIR)/$(BUILD)/tests/elements
# GstWorker-1.0 and GstAutonomy-1.0 and the GstWorker override from the
# build tree, for Python and the Python workers; only for the targets that
# run them (the tests set their own, test-install must not see them).
GI_LIBS := $(CURDIR)/$(BUILD)/gst/worker:$(CURDIR)/$(BUILD)/gst/autonomy
PY_TARGETS := run run-python-app bench
$(PY_TARGETS): export GI_TYPELIB_PATH := $(GI_LIBS)$(if $(GI_TYPELIB_PATH),:$(GI_TYPELIB_PATH))
$(PY_TARGETS): export LD_LIBRARY_PATH := $(GI_LIBS)$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
$(PY_TARGETS): export PYTHONPATH := $(CURDIR)/python$(if $(PYTHONPATH),:$(PYTHONPATH))
# the registry `meson devenv` uses too: made with the Python workers found
$(PY_TARGETS): export GST_REGISTRY_1_0 := $(CURDIR)/$(BUILD)/registry.bin

# The project's main job: the default pipeline under the worker controller
# for at most DURATION seconds (then an exit with drain, itself bounded),
# with a live status and the final per-worker and per-queue counts.
# The autonomy pipelines write their estimates and commands as JSON Lines
# in the current directory; after the run, the last ones are summed up.
RUN_OUTPUTS = autonomy-estimates.jsonl autonomy-commands.jsonl

run: build
	@rm -f $(RUN_OUTPUTS)
	timeout --signal=INT --kill-after=10 $$(( $(DURATION) + 30 )) \
	  $(BUILD)/gst/tools/gst-worker-launch --duration $(DURATION) \
	  -f $(PIPELINE)
	@if [ -e autonomy-estimates.jsonl ]; then \
	  echo "Final target estimates (autonomy-estimates.jsonl):"; \
	  jq -r 'select(.final) | "  target \(.id): north \(.north * 100 | round / 100) m, east \(.east * 100 | round / 100) m, \(.count) detections, spread \(.spread * 100 | round / 100) m"' autonomy-estimates.jsonl; \
	fi
	@if [ -e autonomy-commands.jsonl ]; then \
	  echo "Commands to the flight controller (autonomy-commands.jsonl):"; \
	  jq -r '"  at \(.pts / 1e9) s: \(.command) target \(.target_id): north \(.north * 100 | round / 100) m, east \(.east * 100 | round / 100) m, down \(.down) m"' autonomy-commands.jsonl; \
	fi

# The Python example application (python/examples/autonomy-app.py): the
# autonomy system with its detector written in Python, supervised from
# Python, for at most DURATION seconds.
run-python-app: build
	@rm -f $(RUN_OUTPUTS)
	timeout --signal=INT --kill-after=10 $$(( $(DURATION) + 30 )) \
	  /usr/bin/python3 python/examples/autonomy-app.py --duration $(DURATION)

test: build
	meson test -C $(BUILD) --print-errorlogs

# Install to a fresh prefix (build-prefix/prefix) and use it from there: the
# plugins load with GST_PLUGIN_PATH, the tool runs with no LD_LIBRARY_PATH.
test-install: deps
	tests/install/check-prefix.sh $(CURDIR)/build-prefix

test-valgrind: build
	meson test -C $(BUILD) --setup valgrind --print-errorlogs --suite unit \
	  --no-suite python

# The whole suite RUNS times in a row (20) while stress-ng loads both cores
# and 512 MB of memory: each failure with its test and message, then the
# count. Long (RUNS times a loaded suite); RUNS=3 while trying a fix.
# The random swap/insert/remove runs (100 of them are in `make test`),
# RESHAPE_RUNS times with other seeds.
test-reshape-random: build
	GST_WORKERS_RANDOM_RESHAPES=$(RESHAPE_RUNS) CK_TIMEOUT_MULTIPLIER=20 \
	  GST_CHECKS=test_random_reshapes meson test -C $(BUILD) workerreshape \
	  -t 20 --print-errorlogs

test-stress: build
	/usr/bin/python3 tests/stress.py --build $(BUILD) --runs $(RUNS)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false

# Not the benchmarks' smoke run: their timings mean nothing under ASan.
# (LeakSanitizer's tracer crashing at exit, "Tracer caught signal 11", was
# the runtime misreading dynamic TLS: see the asan test setup, meson.build.)
test-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	meson test -C $(BUILD_ASAN) --setup asan --print-errorlogs \
	  --no-suite bench-smoke

# libFuzzer on the MAVLink parser for 60 s (clang); any crash fails it.
# Only the fuzz target is built in $(BUILD_FUZZ).
$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dfuzzing=true

fuzz-smoke: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) tests/fuzz/mavlink-parser-fuzzer
	meson test -C $(BUILD_FUZZ) --no-rebuild --suite fuzz --print-errorlogs

# Everything (plugins, libraries, tool, tests, benchmarks) built for arm64,
# the companion computer, with the cross compiler and Debian's arm64
# libraries (.ci/cross-arm64 installs them) and the same warnings as
# errors. Nothing is run: the check is that it builds.
$(BUILD_ARM64)/build.ninja:
	meson setup $(BUILD_ARM64) --cross-file .ci/arm64.cross

cross-arm64:
	@./.ci/cross-arm64
	$(MAKE) $(BUILD_ARM64)/build.ninja
	ninja -C $(BUILD_ARM64)

# Benchmarks (tests/bench/): ours against stock GStreamer and the Python
# model, results in tests/bench/results/ and README.md. About 10 minutes;
# run it on a quiet machine.
bench: build
	/usr/bin/python3 tests/bench/run.py --workerbench $(BUILD)/tests/bench/workerbench
	$(BUILD)/tests/bench/tunebench
	$(BUILD)/tests/bench/clusterbench

# What changed: the newest two runs kept in tests/bench/results/history/
# (make bench keeps one per commit), per row old vs new median and ratio.
.PHONY: bench-compare
bench-compare:
	/usr/bin/python3 tests/bench/compare.py

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_ARM64) build-prefix

# The manual (gtk-doc, HTML in build/docs/html/) and gst-worker-launch's
# man page (build/docs/gst-worker-launch.1); needs gtk-doc-tools and
# help2man.
docs: build
	@# gtkdoc-scan writes the sections file only when there is none: a
	@# stale one misses the headers added since (their pages fail)
	rm -f $(BUILD)/docs/gst-workers-sections.txt
	ninja -C $(BUILD) docs

# CI: the manual builds, the man page is there, no public symbol lacks a
# doc or has an incomplete one (the internal ones gtk-doc still lists are
# named in docs/undocumented-internal.txt)
docs-check: docs
	test -s $(BUILD)/docs/html/index.html
	test -s $(BUILD)/docs/gst-worker-launch.1
	grep -q '^0 symbols incomplete' $(BUILD)/docs/gst-workers-undocumented.txt
	sed -n '/^$$/,$$p' $(BUILD)/docs/gst-workers-undocumented.txt \
	  | grep -v '^$$' | grep -v ':' | LC_ALL=C sort \
	  | LC_ALL=C comm -23 - docs/undocumented-internal.txt > $(BUILD)/docs/missing.txt
	@if [ -s $(BUILD)/docs/missing.txt ]; then \
	  echo "public symbols without docs:"; cat $(BUILD)/docs/missing.txt; \
	  exit 1; fi
	@# the headers scanned are the installed ones (docs/meson.build)
	sed -n 's|^<FILE>\(.*\)</FILE>$$|\1|p' \
	  $(BUILD)/docs/gst-workers-decl-list.txt | LC_ALL=C sort -u \
	  | LC_ALL=C comm -23 - $(BUILD)/docs/api-headers.txt \
	  > $(BUILD)/docs/not-api.txt
	@if [ -s $(BUILD)/docs/not-api.txt ]; then \
	  echo "headers scanned as API that are not installed:"; \
	  cat $(BUILD)/docs/not-api.txt; \
	  echo "(meson setup --reconfigure $(BUILD) ignores them)"; exit 1; fi
