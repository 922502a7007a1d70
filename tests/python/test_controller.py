# gst-workers: GstWorker.Controller driven from Python.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json

from gi.repository import GLib, Gst, GstWorker
import pytest

from conftest import entry, report_json

CHAIN = ("testworkersrc name=src ! queue name=q1 max-size-buffers=3 "
         "! pytestworker name=py ! queue name=q2 max-size-buffers=3 "
         "! testworkersink name=out")


def test_pause_holds_data_resume_and_drain_balances(run):
    r = run(CHAIN, heartbeat_interval=30)
    out = r.element("out")
    r.ctrl.start()
    r.until(lambda: r.signals("started"), what="started")
    assert sorted(r.ctrl.list_workers()) == ["out", "py", "src"]
    r.until(lambda: out.props.count > 20, what="items at the sink")

    # a paused worker holds data: its input queue fills, the source blocks
    r.ctrl.pause_worker("py")
    r.until(lambda: r.worker("py")["state"] == "paused"
            and r.worker("src")["state"] == "blocked"
            and entry(r.status(), "queues", "q1")["level"] == 3
            and entry(r.status(), "queues", "q2")["level"] == 0,
            what="py paused, src blocked on a full q1, q2 drained")
    held = out.props.count
    status = r.ctrl.get_status()
    assert status.get_name() == "worker-controller-status"
    r.until(lambda: r.ctrl.get_heartbeat("py") is not None
            and r.ctrl.get_heartbeat("py").get_value("state")
            == GstWorker.State.PAUSED, what="a heartbeat saying paused")
    # five heartbeats of the paused worker later, nothing more came out
    beats = r.worker("py")["heartbeats"]
    r.until(lambda: r.worker("py")["heartbeats"] >= beats + 5,
            what="five more heartbeats")
    assert out.props.count == held

    # the whole system, then resume everything
    r.ctrl.pause()
    assert r.ctrl.is_paused()
    r.ctrl.resume()
    assert not r.ctrl.is_paused()
    r.ctrl.resume_worker("py")
    r.until(lambda: out.props.count > held + 20, what="items after resume")

    r.ctrl.exit_drain(20000)
    report = r.finish()
    assert report.get_name() == "worker-controller-report"
    assert report.get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED
    rep = report_json(r)
    assert rep["outcome"] == "drained" and rep["balanced"]
    for q in rep["queues"]:
        assert q["items-in"] == q["items-out"], q
    py = entry(rep, "workers", "py")
    assert py["items-in"] == py["items-out"] == \
        entry(rep, "workers", "src")["items-out"] == out.props.count
    assert out.get_property("out-of-order") == 0
    assert not r.signals("pipeline-error")


def test_exit_now_reports_what_was_discarded(run):
    r = run(CHAIN)
    r.ctrl.start()
    r.until(lambda: r.element("out").props.count > 10)
    r.ctrl.pause_worker("out")
    r.until(lambda: r.worker("src")["state"] == "blocked")
    report = r.ctrl.exit_now()
    assert report.get_value("outcome") == GstWorker.ControllerOutcome.STOPPED
    rep = report_json(r)
    assert rep["items-discarded"] > 0
    assert r.ctrl.is_finished()
    assert r.ctrl.get_outcome() == GstWorker.ControllerOutcome.STOPPED
    assert json.loads(GstWorker.structure_to_json(report, False)) == rep


def test_unknown_worker_is_a_gerror(run):
    r = run(CHAIN)
    r.ctrl.start()
    with pytest.raises(GLib.Error) as err:
        r.ctrl.pause_worker("nope")
    assert err.value.matches(GstWorker.ControllerError.quark(),
                             GstWorker.ControllerError.UNKNOWN_WORKER)
    with pytest.raises(GLib.Error):
        GstWorker.Controller.new_from_description("nosuchelement ! fakesink")


def test_controller_of_an_application_pipeline(run):
    pipeline = Gst.parse_launch(
        "pytestworkersrc num-items=50 ! queue ! pytestworker name=py "
        "! queue ! pytestworkersink name=out")
    ctrl = GstWorker.Controller.new(pipeline)
    finished = []
    ctrl.connect("finished", lambda c, rep: finished.append(rep.copy()))
    ctrl.start()
    ctx = GLib.MainContext.default()
    while not finished:
        ctx.iteration(True)
    assert finished[0].get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED
    assert pipeline.get_by_name("out").props.count == 50


def test_list_workers_names_the_workers_inside_children(run):
    """list_workers() names the workers inside a process pool's children
    as the status does ("p_r0/NAME"), and each name it gives can be
    paused and resumed: a menu built from it reaches them."""
    r = run("testworkersrc name=src ! queue ! workerpool name=p size=2 "
            "isolation=process worker=testworker ! queue "
            "! testworkersink name=out")
    r.ctrl.start()

    def inner():
        return [n for n in r.ctrl.list_workers() if "/" in n]

    r.until(lambda: {n.split("/")[0] for n in inner()} == {"p_r0", "p_r1"},
            60, "the workers inside both children")
    listed = set(r.ctrl.list_workers())
    status = {w["name"] for w in r.status()["workers"]}
    assert set(inner()) <= status, (inner(), status)
    assert {"src", "out", "p_r0", "p_r1"} <= listed
    for name in inner():
        r.ctrl.pause_worker(name)
        r.ctrl.resume_worker(name)


def test_set_element_property_inside_a_child(run):
    """Issue 13, B13: a property of a worker inside a process replica's
    child is set while it runs, by the name the status lists."""
    r = run("testworkersrc name=src ! queue ! processreplica name=r "
            "worker=\"testworker name=w\" ! queue ! testworkersink name=out")
    r.ctrl.start()
    r.until(lambda: any(w["name"] == "r/w" for w in r.status()["workers"]),
            what="the child's worker in the status")
    assert r.worker("r/w")["items-dropped"] == 0
    assert r.ctrl.set_element_property("r/w", "drop-every", "2")
    r.until(lambda: r.worker("r/w")["items-dropped"] > 0,
            what="the child's worker dropping items")
    with pytest.raises(GLib.Error) as err:
        r.ctrl.set_element_property("r/w", "crash-signal", "100")
    assert err.value.matches(GstWorker.ControllerError.quark(),
                             GstWorker.ControllerError.PROPERTY)
    assert err.value.message == ("r/w: bad value \"100\" for property "
                                 "'crash-signal': it must be from 1 to 64")
    with pytest.raises(GLib.Error) as err:
        r.ctrl.set_element_property("r/nosuch", "drop-every", "2")
    assert err.value.matches(GstWorker.ControllerError.quark(),
                             GstWorker.ControllerError.UNKNOWN_WORKER)


def test_worker_restarted_signal(run):
    """Issue 13, C3: a child's crash and restart reaches the application
    as a signal: the replica, its restarts, how the child ended."""
    r = run("testworkersrc name=src ! queue ! processreplica name=r "
            "restart-delay=0 worker=\"testworker crash-after=5\" ! queue "
            "! testworkersink name=out")
    r.ctrl.start()
    r.until(lambda: r.signals("worker-restarted"), what="worker-restarted")
    worker, restarts, reason = r.signals("worker-restarted")[0]
    assert (worker, restarts) == ("r", 1)
    assert "was killed by signal SIGSEGV" in reason, reason
