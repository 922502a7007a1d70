# gst-workers: gst-worker-launch --pause of a worker inside a child process.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess

from conftest import tool_until

POOL = ["testworkersrc", "num-buffers=100000", "!", "queue", "!",
        "workerpool", "name=p", "size=2", "isolation=process",
        "worker=testworker", "!", "queue", "!", "testworkersink"]


def workers(status):
    return {w["name"]: w for w in status["workers"]}


def test_pause_a_worker_inside_a_child_at_start():
    """--pause p_r0/testworker0, the name the table and the pause command
    use: the replica holds its input until its child runs, then the worker
    inside is paused and the replica resumed: nothing comes out of it,
    while p_r1 works. (Before: refused at start, exit 2.)"""
    seen = {}

    def until(line):
        w = workers(json.loads(line)) if '"status"' in line else {}
        inner = w.get("p_r0/testworker0", {})
        if (inner.get("state") == "paused" and w["p_r0"]["state"] != "paused"
                and w["p_r1"]["items-out"] > 0):
            seen.update(w)
        return bool(seen)

    err = tool_until(["--status-format=json", "--status-interval=20",
                      "--pause", "p_r0/testworker0"] + POOL, until,
                     "exit-now")
    assert seen, err
    assert seen["p_r0/testworker0"]["items-out"] == 0, seen


def test_pause_an_unknown_worker_inside_a_child():
    """--pause p_r0/nosuch: once p_r0's child runs, an error naming it, the
    system stopped, exit 2 (a usage error), nothing hangs."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    out = subprocess.run(
        [tool, "--quiet", "--pause", "p_r0/nosuch"] + POOL,
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "--pause p_r0/nosuch" in out.stderr, out.stderr
