# gst-workers: gst-worker-launch --pause of a worker inside a child process.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess
import threading

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
    assert "(its workers: p_r0/testworker0)" in out.stderr, out.stderr


def test_set_and_pause_inside_a_child_whose_replica_is_blocked():
    """newuser E2: downstream paused, the replica blocks pushing into its
    full output queue, so it cannot read its child's answers: `set` and
    `pause` of the worker inside still answer ok at once (the child gets
    them; unconfirmed). Before: 5 s each, then "its process did not answer
    within 5 s" and "No worker named 'p_r0/testworker0'" (the main loop
    frozen meanwhile)."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    proc = subprocess.Popen(
        [tool, "--status-interval", "100000", "testworkersrc",
         "num-buffers=-1", "!", "queue", "!", "workerpool", "name=p",
         "size=1", "isolation=process", "worker=testworker", "!", "queue",
         "max-size-buffers=2", "!", "testworker", "name=down", "!",
         "testworkersink"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    bound = threading.Timer(120, proc.kill)
    bound.start()

    def command(line):
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        for answer in proc.stdout:
            return json.loads(answer)
        raise AssertionError("the tool ended")

    def status_until(condition):
        while True:
            status = command("status")["status"]
            if condition(workers(status)):
                return status

    try:
        status_until(lambda w: "p_r0/testworker0" in w)
        assert command("pause down")["ok"]
        status_until(lambda w: w["p_r0"]["state"] == "blocked")
        answer = command("set p_r0/testworker0 drop-every=2")
        assert answer["ok"], answer
        answer = command("pause p_r0/testworker0")
        assert answer["ok"], answer
        answer = command("resume p_r0/testworker0")
        assert answer["ok"], answer
        assert command("resume down")["ok"]
        # the child took the set: it drops once the items flow again
        status_until(lambda w: w.get("p_r0/testworker0", {}).get(
            "items-dropped", 0) > 0)
        command("exit-now")
        proc.communicate(timeout=120)
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
