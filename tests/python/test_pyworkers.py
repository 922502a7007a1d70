# gst-workers: workers written in Python are full workers.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import subprocess

from gi.repository import Gst, GstWorker

from conftest import entry, report_json


def test_python_worker_heartbeats_stats_and_pause():
    pipe = Gst.parse_launch(
        "testworkersrc ! queue max-size-buffers=3 "
        "! pytestworker name=py heartbeat-interval=20 ! fakesink")
    py = pipe.get_by_name("py")
    assert isinstance(py, GstWorker.Worker)
    assert isinstance(py, GstWorker.Transform)
    pipe.set_state(Gst.State.PLAYING)
    try:
        check_heartbeats_and_pause(pipe.get_bus(), py)
    finally:
        pipe.set_state(Gst.State.NULL)


def check_heartbeats_and_pause(bus, py):
    beats = []
    while len(beats) < 3:
        msg = bus.timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.ELEMENT
                                     | Gst.MessageType.ERROR)
        assert msg is not None and msg.type == Gst.MessageType.ELEMENT
        if GstWorker.message_is_heartbeat(msg):
            s = msg.get_structure()
            if s.get_value("worker") == "py":
                beats.append(s.copy())
    assert [b.get_value("seq") for b in beats] == [0, 1, 2] or \
        beats[1].get_value("seq") > beats[0].get_value("seq")
    assert beats[-1].get_value("items-in") > 0

    py.set_paused(True)
    assert py.get_paused() and py.props.paused
    # Gst.Element has a get_state() of its own: the worker's is called so
    while GstWorker.Worker.get_state(py) != GstWorker.State.PAUSED:
        bus.timed_pop_filtered(100 * Gst.MSECOND, Gst.MessageType.ELEMENT)
    n = py.get_stats().get_value("items-in")
    for _ in range(5):  # five heartbeats later, nothing more came in
        msg = bus.timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.ELEMENT)
        assert msg is not None
    assert py.get_stats().get_value("items-in") == n
    assert py.props.stats.get_value("state") == GstWorker.State.PAUSED
    py.set_paused(False)
    while py.get_stats().get_value("items-in") <= n:
        bus.timed_pop_filtered(100 * Gst.MSECOND, Gst.MessageType.ELEMENT)


def test_python_source_merge_and_sink(run):
    r = run("pytestworkermerge name=m ! queue name=q3 ! pytestworkersink "
            "name=out pytestworkersrc name=a num-items=40 ! queue name=q1 "
            "! m. pytestworkersrc name=b num-items=25 ! queue name=q2 ! m.")
    r.ctrl.start()
    assert sorted(r.ctrl.list_workers()) == ["a", "b", "m", "out"]
    r.finish()
    rep = report_json(r)
    assert rep["outcome"] == "drained" and rep["balanced"]
    assert entry(rep, "workers", "m")["items-in"] == 65
    assert entry(rep, "workers", "out")["items-in"] == 65
    assert r.element("out").props.count == 65
    assert r.element("out").get_property("out-of-order") == 0


def test_pool_of_python_workers_keeps_order(run):
    r = run("testworkersrc name=src num-buffers=300 ! queue name=q1 "
            "! workerpool name=pool size=3 worker=\"pytestworker\" "
            "! queue name=q2 ! testworkersink name=out")
    r.ctrl.start()
    workers = r.ctrl.list_workers()
    assert len([w for w in workers if "pytestworker" in w]) == 3, workers
    r.finish()
    rep = report_json(r)
    assert rep["outcome"] == "drained" and rep["balanced"]
    out = r.element("out")
    assert out.props.count == 300
    assert out.get_property("out-of-order") == 0
    assert out.props.gaps == 0
    replicas = [w for w in rep["workers"] if "pytestworker" in w["name"]]
    assert sum(w["items-in"] for w in replicas) == 300
    assert all(w["items-in"] > 0 for w in replicas)


def test_python_workers_in_gst_worker_launch():
    """The tool's table and report list Python workers like C ones, pool
    replicas included, and the drain accounts for every item."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    out = subprocess.run(
        [tool, "--status-interval", "100", "pytestworkersrc", "num-items=400",
         "!", "queue", "name=q1", "!", "pytestworker", "name=py", "!",
         "queue", "!", "workerpool", "size=2", "worker=pytestworker",
         "name=pool", "!", "queue", "!", "pytestworkersink", "name=out"],
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    table = out.stdout[out.stdout.index("WORKER"):out.stdout.index("QUEUE")]
    rows = {line.split()[0]: line.split()[1:4]
            for line in table.splitlines()[1:] if line.strip()}
    assert rows["pytestworkersrc0"][:2] == ["400", "400"]
    assert rows["py"][:2] == ["400", "400"]
    assert rows["out"][:2] == ["400", "400"]
    replicas = [r for name, r in rows.items() if name.startswith("pool_r")]
    assert len(replicas) == 2 and sum(int(r[0]) for r in replicas) == 400
    assert "every queue gave out every item it took in" in out.stdout


Q = "max-size-bytes=0 max-size-time=0"


def test_deadlock_through_a_python_worker_is_found_and_resolved(run):
    """A fork and a merge where the merge is a Python worker: branch b
    gives one item per 4, so the merge waits on it while qa fills and the
    source blocks: an artificial deadlock, resolved by growing qa."""
    r = run("testworkersrc name=fs num-buffers=40 ! tee name=t "
            f"t. ! queue name=qa max-size-buffers=2 {Q} ! m. "
            f"t. ! queue name=qb max-size-buffers=2 {Q} ! testworker name=b "
            f"inputs-per-output=4 ! queue name=qb2 max-size-buffers=2 {Q} "
            f"! m. pytestworkermerge name=m ! queue name=qm max-size-buffers=2 "
            f"{Q} ! pytestworkersink name=out",
            deadlock_mode=GstWorker.DeadlockMode.RESOLVE)
    r.ctrl.start()
    report = r.finish()
    deadlocks = r.signals("deadlock")
    assert deadlocks, "no deadlock found"
    d = deadlocks[0][0]
    assert d.get_value("kind") == "artificial"
    assert d.get_value("action") == "grow"
    assert d.get_value("queue") == "qa"
    assert "m waits to read qb2" in d.get_value("text"), d.get_value("text")
    assert report.get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED
    assert r.element("out").props.count == 50


def test_gst_worker_launch_refuses_bad_values_after_a_python_worker():
    """A Python element loads PyGObject, which takes GLib-GObject's
    warnings for Python's: the tool still refuses a value out of range
    (exit 2 naming the element and the range), and a negative one for an
    unsigned property."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    for props, says in (
            (["workerpool", "name=p", "size=0", "worker=testworker"],
             "bad value \"0\" for property 'size' of p: it must be from 1 to 64"),
            (["testworker", "name=w", "process-time=-5"],
             "bad value \"-5\" for property 'process-time' of w")):
        out = subprocess.run(
            [tool, "testworkersrc", "num-buffers=20", "!", "queue", "!",
             "pytestworker", "!"] + props + ["!", "queue", "!", "testworkersink"],
            capture_output=True, text=True, timeout=120)
        assert out.returncode == 2, out.stdout + out.stderr
        assert says in out.stderr, out.stdout + out.stderr
