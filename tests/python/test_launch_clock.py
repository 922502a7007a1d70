# gst-workers: gst-worker-launch's status lines: one clock, rates known or -.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import re
import subprocess

from conftest import tool_until


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
    """A worker inside a child process whose rate the status does not know
    (its heartbeats stay in the child) says `rate=-` in the status lines,
    not a false 0.0/s while it passes items; its replica says how many
    items a second."""
    line_of = re.compile(r"\] (p_r0|p_r0/testworker0): .* out=(\d+) "
                         r"rate=(\S+) ")
    seen = {}

    def until(line):
        m = line_of.search(line)
        if m:
            seen[m.group(1)] = (int(m.group(2)), m.group(3))
        return (seen.get("p_r0/testworker0", (0,))[0] > 0
                and seen.get("p_r0", (0, "0.0/s"))[1] != "0.0/s")

    tool_until(["--status-interval=20", "testworkersrc", "num-buffers=20000",
                "!", "queue", "!", "workerpool", "name=p", "size=1",
                "isolation=process", "worker=testworker process-time=1000000",
                "!", "queue", "!", "testworkersink"], until, "exit")
    # "-" where the status has no rate (a rate the child measures, if the
    # status has one, is a number), never 0.0/s for a worker passing items
    assert re.match(r"^(-|\d+\.\d/s)$", seen["p_r0/testworker0"][1]), seen
    assert seen["p_r0/testworker0"][1] != "0.0/s", seen
    assert re.match(r"^\d+\.\d/s$", seen["p_r0"][1]), seen
