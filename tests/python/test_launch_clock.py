# gst-workers: gst-worker-launch's times are the run's (one clock).
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess


def test_status_times_are_the_runs_uptime():
    """The time of each status line (the label of the text lines, `time`
    of the JSON ones) is the status's own `uptime`, and the report's the
    run's `duration`: one clock, from the controller's start, which
    --duration counts on too."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    out = subprocess.run(
        [tool, "--status-format=json", "--status-interval=20",
         "testworkersrc", "num-buffers=100", "!", "queue",
         "!", "testworker", "process-time=5000000", "!", "queue", "!",
         "testworkersink"],
        capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    status = [s for s in lines if s["kind"] == "status"]
    report = [s for s in lines if s["kind"] == "report"]
    assert status and len(report) == 1, out.stdout
    for s in status:
        assert abs(s["time"] - s["uptime"] / 1e9) < 1e-6, s
    assert abs(report[0]["time"] - report[0]["duration"] / 1e9) < 1e-6
