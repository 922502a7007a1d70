# gst-workers: a Python worker that fails or misbehaves gets a clear
# error naming it, or is reported stalled; nothing crashes.
# SPDX-License-Identifier: LGPL-2.1-or-later
from gi.repository import GstWorker

SYSTEM = ("testworkersrc name=src ! queue name=q1 max-size-buffers=3 "
          "! pytestworker name=py mode=%s at=5 ! queue name=q2 "
          "! testworkersink name=out")


def errors(r):
    return [(elem, err, debug) for elem, err, debug, _ in
            r.signals("pipeline-error")]


def test_exception_is_an_error_with_the_traceback_and_restarts(run):
    r = run(SYSTEM % "raise", error_policy=GstWorker.ErrorPolicy.RESTART,
            max_restarts=1, restart_backoff=10)
    r.ctrl.start()
    report = r.finish()
    errs = errors(r)
    assert len(errs) == 2, errs  # the first run and the one restart
    elem, err, debug = errs[0]
    assert elem == "py"
    assert "py" in err.message and "ZeroDivisionError" in err.message
    assert "Traceback (most recent call last)" in debug
    assert "pytestworker.py" in debug and "do_process" in debug
    assert [a[0] for a in r.signals("restarted")] == [1]
    assert report.get_value("outcome") == GstWorker.ControllerOutcome.ERROR


def test_pushing_something_else_than_a_buffer(run):
    r = run(SYSTEM % "push-string")
    r.ctrl.start()
    r.finish()
    (elem, err, debug), = errors(r)
    assert elem == "py"
    assert "push() takes a Gst.Buffer, not str" in err.message
    assert "Traceback" in debug


def test_returning_a_wrong_type(run):
    r = run(SYSTEM % "return-string")
    r.ctrl.start()
    r.finish()
    (elem, err, debug), = errors(r)
    assert elem == "py"
    assert "do_process returned 'done'" in err.message
    assert "Gst.FlowReturn" in err.message


def test_never_returning_is_reported_stalled(run):
    # a heartbeat timeout far above the test's length: on a loaded machine
    # a heartbeat can come seconds late, which is loss, not what is tested
    r = run(SYSTEM % "hang", stall_timeout=300, heartbeat_interval=50,
            heartbeat_timeout=60000)
    r.ctrl.start()
    r.until(lambda: r.signals("worker-stalled"), what="a stall")
    worker, state, duration, blocked_on = r.signals("worker-stalled")[0]
    assert worker == "py" and state == GstWorker.State.BUSY
    assert duration >= 300 * 1000000
    assert r.worker("py")["stalled"]
    # the worker still sends heartbeats: stalled, not lost
    assert not r.signals("worker-lost")
    r.element("py").props.mode = "pass"  # let it return
    r.until(lambda: r.signals("worker-recovered"), what="the recovery")
    r.ctrl.exit_drain(20000)
    assert r.finish().get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED
