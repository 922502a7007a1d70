# gst-workers: gst-worker-launch while a process pool's children start
# (B6, B25): its loop answers, the status says `starting`, Ctrl-C stops it;
# a drain waits for the start without counting it (C11).
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import signal
import subprocess
import threading

from gi.repository import GstWorker

from conftest import entry, report_json

# the drain's timeout in these tests (ms): the start is held longer; once
# the children run, the drain has it all (loaded machines: 3 s)
DRAIN_MS = 3000
# how long the status must say the drain waited for the start (ns): past
# its timeout
WAITED_NS = DRAIN_MS * 1e6 + 5e8


def answers(proc):
    """The JSON answers on the tool's standard output, one a line."""
    for line in proc.stdout:
        try:
            yield json.loads(line)
        except ValueError:
            continue


def test_tool_answers_and_stops_while_children_start(tmp_path):
    """The children are held (testworker start-gate: a file that never
    appears): the tool answers `status` with each replica `starting`, and
    two SIGINTs (drain, then stop now) end it; before, its loop waited for
    the children's start (up to start-timeout) and answered nothing."""
    gate = tmp_path / "never"
    tool = os.environ["GST_WORKER_LAUNCH"]
    proc = subprocess.Popen(
        [tool, "testworkersrc", "num-buffers=-1", "!", "queue", "!",
         "workerpool", "name=p", "size=2", "isolation=process",
         "start-timeout=600000", "worker=testworker start-gate=%s" % gate,
         "!", "queue", "!", "testworkersink"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        states = {}
        proc.stdin.write("status\n")
        proc.stdin.flush()
        for answer in answers(proc):
            if answer.get("command") != "status":
                continue
            states = {w["name"]: w["state"]
                      for w in answer["status"]["workers"]}
            if states.get("p_r0") == "starting" and \
                    states.get("p_r1") == "starting":
                break
            proc.stdin.write("status\n")
            proc.stdin.flush()
        else:
            raise AssertionError("no status answer")
        # the first: a drain (which waits for the start); the second, once
        # the first is seen: stop now
        proc.send_signal(signal.SIGINT)
        err = ""
        for line in proc.stderr:
            err += line
            if "draining (again to stop now)" in line:
                break
        proc.send_signal(signal.SIGINT)
        err += proc.stderr.read()
        assert proc.wait() == 3, err
        assert "interrupted again: stopping now" in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def held_pool(gate, *args):
    """gst-worker-launch ARGS with a pool of 2 children held by GATE."""
    return subprocess.Popen(
        [os.environ["GST_WORKER_LAUNCH"], "--status-interval", "100000"] +
        list(args) +
        ["testworkersrc", "num-buffers=20", "!", "queue", "!",
         "workerpool", "name=p", "size=2", "isolation=process",
         "start-timeout=600000", "worker=testworker start-gate=%s" % gate,
         "!", "queue", "!", "testworkersink"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def status_until(proc, condition):
    """Asks the tool for its status until condition(status) holds."""
    proc.stdin.write("status\n")
    proc.stdin.flush()
    for answer in answers(proc):
        if answer.get("command") != "status":
            continue
        if condition(answer["status"]):
            return answer["status"]
        proc.stdin.write("status\n")
        proc.stdin.flush()
    raise AssertionError("the tool ended")


def starting(status, *names):
    states = {w["name"]: w["state"] for w in status["workers"]}
    return all(states.get(n) == "starting" for n in names)


def test_drain_waits_for_children_start(tmp_path):
    """C11: Ctrl-C while the children start. The drain waits for them
    without counting that time: the start is held for longer than
    --drain-timeout (the status says how long the drain waited), then the
    gate opens: drained, exit 0, nothing discarded. Before: the drain
    timer ran during the start: "the drain did not finish", exit 3 and a
    "0 items discarded:" list."""
    gate = tmp_path / "gate"
    proc = held_pool(gate, "--drain-timeout", str(DRAIN_MS))
    bound = threading.Timer(120, proc.kill)
    bound.start()
    try:
        status_until(proc, lambda s: starting(s, "p_r0", "p_r1"))
        proc.send_signal(signal.SIGINT)
        err = ""
        for line in proc.stderr:
            err += line
            if "the drain waits for p_r0, p_r1 to start" in line:
                break
        else:
            raise AssertionError(err)
        # longer than the drain's timeout, still starting
        status = status_until(
            proc, lambda s: s.get("drain-start-wait", 0) > WAITED_NS)
        assert status["phase"] == "draining"
        assert status["drain-waits-for-start"]
        assert starting(status, "p_r0", "p_r1")
        gate.write_text("")
        # (after the first answer, the tool's own lines and its report
        # go to standard error)
        rest = proc.communicate(timeout=120)[1]
        err += rest
        assert proc.returncode == 0, err
        assert "drained after" in rest, err
        assert "discarded" not in rest, err
        assert "did not finish" not in err, err
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_no_empty_discard_list(tmp_path):
    """A stop while the children start discards nothing: the report says
    so and lists what the workers did, under no "0 items discarded:"."""
    proc = held_pool(tmp_path / "never")
    bound = threading.Timer(120, proc.kill)
    bound.start()
    try:
        status_until(proc, lambda s: starting(s, "p_r0", "p_r1"))
        proc.stdin.write("exit-now\n")
        proc.stdin.flush()
        err = proc.communicate(timeout=120)[1]
        assert "0 items discarded" not in err, err
        assert "no item discarded; at the stop:\n  worker p_r0: 0 items, " \
            "was starting for" in err, err
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_controller_drain_waits_for_start(run, tmp_path):
    """C11 through the application API: exit_drain() while the children
    start waits for them (not counted in its timeout), then drains."""
    gate = tmp_path / "gate"
    r = run("testworkersrc num-buffers=20 ! queue ! workerpool name=p "
            "size=2 isolation=process start-timeout=600000 "
            "worker=\"testworker start-gate=%s\" ! queue ! "
            "testworkersink name=out" % gate)
    r.ctrl.start()
    r.until(lambda: r.worker("p_r0")["state"] == "starting" and
            r.worker("p_r1")["state"] == "starting", what="the start")
    r.ctrl.exit_drain(DRAIN_MS)
    r.until(lambda: r.report is not None or
            r.status().get("drain-start-wait", 0) > WAITED_NS,
            what="a wait longer than the timeout")
    assert r.report is None, r.report.to_string()
    assert r.status()["drain-waits-for-start"]
    gate.write_text("")
    report = r.finish()
    assert report.get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED, report.to_string()
    assert r.element("out").props.count == \
        r.worker("testworkersrc0")["items-out"]


def command(proc, line):
    """Sends LINE, returns its answer (the next one: no other command is
    out)."""
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    for answer in answers(proc):
        return answer
    raise AssertionError("the tool ended")


def test_set_and_pause_while_children_start(tmp_path):
    """`set` and `pause` of a worker inside a child still starting are
    queued, answered ok at once (before: "its process is not running now
    (starting, ...)" and "No worker named 'p_r0/testworker0'"); the child
    has them before its first item: paused with none taken, and once
    resumed it drops every second item from its first."""
    gate = tmp_path / "gate"
    proc = held_pool(gate)
    bound = threading.Timer(120, proc.kill)
    bound.start()
    try:
        status_until(proc, lambda s: starting(s, "p_r0", "p_r1"))
        answer = command(proc, "set p_r0/testworker0 drop-every=2")
        assert answer["ok"], answer
        answer = command(proc, "pause p_r0/testworker0")
        assert answer["ok"], answer
        gate.write_text("")

        def inner(status):
            return {w["name"]: w for w in status["workers"]}.get(
                "p_r0/testworker0", {})
        status = status_until(proc, lambda s: inner(s).get("paused"))
        assert inner(status)["items-in"] == 0, status
        assert command(proc, "resume p_r0/testworker0")["ok"]
        # the source's 20 items end the run by themselves
        err = proc.communicate(timeout=120)[1]
        assert proc.returncode == 0, err
        row = [line.split() for line in err.splitlines()
               if line.startswith("p_r0/testworker0 ")]
        assert row, err
        items_in, dropped = int(row[0][1]), int(row[0][3])
        assert items_in > 0 and dropped == items_in // 2, err
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_drain_while_a_grown_replica_starts(run, tmp_path):
    """newuser E5: a drain while a replica the pool grew still starts
    (the dispatcher never linked it: no item, no EOS can reach it) ends
    once the running replicas are empty: drained, every item out, without
    waiting for that start. Before: the drain waited for EOS on its
    inputs: drain-timeout."""
    gate = tmp_path / "gate"
    gate.write_text("")
    r = run("testworkersrc name=src num-buffers=-1 ! queue ! workerpool name=p "
            "size=2 isolation=process start-timeout=600000 "
            "worker=\"testworker process-time=1000000 start-gate=%s\" ! "
            "queue ! testworkersink name=out" % gate)
    r.ctrl.start()
    r.until(lambda: r.element("out").props.count > 10, what="items")
    gate.unlink()
    r.element("p").set_property("size", 3)
    r.until(lambda: any(w["name"] == "p_r2" and w["state"] == "starting"
                        for w in r.status()["workers"]), what="p_r2")
    r.ctrl.exit_drain(DRAIN_MS)
    report = r.finish()
    assert report.get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED, report.to_string()
    assert report.get_value("balanced"), report.to_string()
    assert r.element("out").props.count == \
        entry(report_json(r), "workers", "src")["items-out"]


def test_pool_worker_names_of_either_isolation(run):
    """A pool's worker is `p_r0_testworker` in threads and
    `p_r0/testworker0` in a child: pause and set take either name in
    both isolations (before: "No worker named ..." for the other one)."""
    for isolation, listed, other in (
            ("thread", "p_r0_testworker", "p_r0/testworker0"),
            ("process", "p_r0/testworker0", "p_r0_testworker")):
        r = run("testworkersrc num-buffers=-1 ! queue ! workerpool name=p "
                "size=1 isolation=%s worker=testworker ! queue ! "
                "testworkersink" % isolation)
        r.ctrl.start()
        r.until(lambda: listed in r.ctrl.list_workers(), what=listed)
        r.ctrl.pause_worker(other)
        r.until(lambda: r.worker(listed)["paused"], what="the pause")
        r.ctrl.set_element_property(other, "drop-every", "2")
        r.ctrl.resume_worker(other)
        r.until(lambda: not r.worker(listed)["paused"] and
                r.worker(listed)["items-dropped"] > 0, what="the set")
        r.ctrl.exit_now()


def test_tool_survives_child_killed_while_starting(tmp_path):
    """C10 with the tool: a child killed (kill -9) while it starts is
    restarted with a warning naming its replica, and the run drains,
    exit 0; before, it was an error that ended the run, exit 1."""
    gate = tmp_path / "gate"
    proc = held_pool(gate)
    bound = threading.Timer(120, proc.kill)
    bound.start()
    try:
        status = status_until(proc, lambda s: starting(s, "p_r0", "p_r1"))
        pid = entry(status, "workers", "p_r1")["pid"]
        assert pid > 0, status
        os.kill(pid, signal.SIGKILL)
        # a new child, still held
        status_until(proc, lambda s: starting(s, "p_r1") and entry(
            s, "workers", "p_r1").get("pid", 0) not in (0, pid))
        gate.write_text("")
        err = proc.communicate(timeout=120)[1]
        assert proc.returncode == 0, err
        assert "Worker process p_r1: its child (" in err, err
        assert "did not start: its process (pid %d) was killed by signal " \
            "SIGKILL" % pid in err, err
        assert "restarting it (restart 1 of p_r1;" in err, err
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
