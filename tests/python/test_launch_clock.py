# gst-workers: gst-worker-launch's status lines: one clock, rates known or -.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import re
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


def test_status_line_rate_unknown_is_a_dash():
    """A worker inside a child process has no rate (no heartbeats of its
    own reach the controller): its status line says `rate=-`, not a
    false 0.0, while its replica's says how many items a second."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    proc = subprocess.Popen(
        [tool, "--status-interval=20", "testworkersrc", "num-buffers=20000",
         "!", "queue", "!", "workerpool", "name=p", "size=1",
         "isolation=process", "worker=testworker process-time=1000000", "!",
         "queue", "!", "testworkersink"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    seen = {}
    try:
        for line in proc.stdout:
            for name in ("p_r0", "p_r0/testworker0"):
                m = re.search(r"\] %s: .* rate=(\S+) " % re.escape(name), line)
                if m:
                    seen[name] = m.group(1)
            if len(seen) == 2 and seen["p_r0"] != "0.0/s":
                break
        proc.stdin.write("exit\n")
        proc.stdin.flush()
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert seen.get("p_r0/testworker0") == "-", seen
    assert re.match(r"^\d+\.\d/s$", seen.get("p_r0", "")), seen
