# gst-workers: the README's commands. Each does all of its own set-up, and
# running it again does only what is left to do.

BUILD      ?= build
BUILD_ASAN ?= build-asan
DURATION   ?= 20

.PHONY: all deps setup build run test test-valgrind test-asan bench clean

all: build

deps:
	@./.ci/deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

setup: deps $(BUILD)/build.ninja

build: setup
	ninja -C $(BUILD)

PIPELINE ?= pipelines/chain.pipeline
export GST_PLUGIN_PATH := $(CURDIR)/$(BUILD)/elements:$(CURDIR)/$(BUILD)/tests/elements

# The project's main job: the default pipeline, for a bounded time, with
# every worker's last heartbeat.
run: build
	timeout --signal=INT $(DURATION) gst-launch-1.0 -e -m \
	  $$(grep -v '^[[:space:]]*#' $(PIPELINE)) \
	  | grep -E 'worker-heartbeat|EOS|ERROR|Execution ended' | tail -n 12

test: build
	meson test -C $(BUILD) --print-errorlogs

test-valgrind: build
	meson test -C $(BUILD) --setup valgrind --print-errorlogs --suite unit

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false

test-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	meson test -C $(BUILD_ASAN) --setup asan --print-errorlogs

# Benchmarks (tests/bench/): ours against stock GStreamer and the Python
# model, results in tests/bench/results/ and README.md. About 5 minutes;
# run it on a quiet machine.
bench: build
	/usr/bin/python3 tests/bench/run.py --workerbench $(BUILD)/tests/bench/workerbench

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
