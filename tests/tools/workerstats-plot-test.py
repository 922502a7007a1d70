#!/usr/bin/python3
"""The workerstats tracer in stock gst-launch-1.0, and workerstats-plot.py
on its trace: exact counts in the table, three PNG files; bad parameters
are a warning, the pipeline still runs. Arguments: the plot script."""

import os
import subprocess
import sys
import tempfile

PLOT = sys.argv[1]
# a sanitized build's plugin loads into stock gst-launch-1.0 only with the
# sanitizer runtimes preloaded
PRELOAD = sys.argv[2] if len(sys.argv) > 2 else ""
PIPELINE = ("fakesrc num-buffers=300 sizetype=fixed filltype=nothing ! "
            "queue name=qa max-size-buffers=5 max-size-bytes=0 max-size-time=0 ! "
            "identity name=slow sleep-time=1000 ! fakesink name=sink").split()


def launch(tracers, log, warns=False):
    env = dict(os.environ, GST_TRACERS=tracers, GST_DEBUG="GST_TRACER:7",
               GST_DEBUG_FILE=log, GST_DEBUG_NO_COLOR="1")
    if PRELOAD:
        env["LD_PRELOAD"] = PRELOAD
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    if warns:
        # the run is expected to print a GLib warning: not fatal there
        env.pop("G_DEBUG", None)
    return subprocess.run(["gst-launch-1.0", "-q"] + PIPELINE, env=env,
                          capture_output=True, text=True, timeout=120)


def fail(text):
    print("FAIL: " + text)
    sys.exit(1)


with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "trace.log")
    run = launch("workerstats(period=50)", log)
    if run.returncode != 0:
        fail("gst-launch-1.0 failed: " + run.stderr)
    out = os.path.join(tmp, "plots")
    plot = subprocess.run([PLOT, log, out], capture_output=True, text=True, timeout=120)
    print(plot.stdout, plot.stderr)
    if plot.returncode != 0:
        fail("the plot script failed")
    rows = {line.split()[0]: line.split() for line in plot.stdout.splitlines() if line}
    slow = next((v for k, v in rows.items() if k.endswith("/slow")), None)
    qa = next((v for k, v in rows.items() if k.endswith("/qa")), None)
    if not slow or slow[1:3] != ["300", "300"]:
        fail(f"slow's row: {slow}")
    if not qa or qa[1:3] != ["300", "300"] or qa[5] != "5" or qa[6:8] != ["100%", "buffers"]:
        fail(f"qa's row: {qa}")
    if float(slow[2 + 2]) < 1.0:
        fail(f"slow's average processing time {slow[4]} ms, below its 1 ms sleep")
    for name in ("queues.png", "elements.png", "proctime.png"):
        with open(os.path.join(out, name), "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                fail(name + " is not a PNG")

    # bad parameters: a warning naming the problem, the pipeline runs
    run = launch("workerstats(period=soon)", os.path.join(tmp, "bad.log"),
                 warns=True)
    if run.returncode != 0 or "period must be a whole number" not in run.stderr:
        fail(f"bad period: exit {run.returncode}, {run.stderr}")
    run = launch("workerstats(clock=fast)", os.path.join(tmp, "badclock.log"),
                 warns=True)
    if run.returncode != 0 or "clock must be auto or monotonic" not in run.stderr:
        fail(f"bad clock: exit {run.returncode}, {run.stderr}")

    # a queue that reached its time limit, not its buffer limit, says so
    timed = os.path.join(tmp, "timed.log")
    with open(timed, "w") as f:
        for ts, level_time in ((100000000, 500000000), (200000000, 1000000000)):
            f.write(f"0:00:00.1 1 0x1 TRACE GST_TRACER :0:: workerstats-queue, "
                    f"ts=(guint64){ts}, queue=(string)qt, path=(string)p/qt, "
                    f"level-buffers=(uint)31, peak-buffers=(uint)31, level-bytes=(uint)0, "
                    f"level-time=(guint64){level_time}, max-size-buffers=(uint)200, "
                    f"max-size-bytes=(uint)10485760, max-size-time=(guint64)1000000000, "
                    f"items-in=(guint64)40, items-out=(guint64)9;\n")
    plot = subprocess.run([PLOT, "--no-plots", timed, out], capture_output=True, text=True)
    qt = next((line.split() for line in plot.stdout.splitlines() if line.startswith("p/qt")), None)
    if plot.returncode != 0 or not qt or qt[4:8] != ["31", "200", "100%", "time"]:
        fail(f"a queue full by time: exit {plot.returncode}, row {qt}, {plot.stderr}")

    # a trace without records: a clear error
    empty = os.path.join(tmp, "empty.log")
    open(empty, "w").close()
    plot = subprocess.run([PLOT, empty, out], capture_output=True, text=True)
    if plot.returncode != 1 or "no workerstats records" not in plot.stderr:
        fail(f"empty trace: exit {plot.returncode}, {plot.stderr}")
print("OK")
