# gst-workers: swap, insert and remove workers from Python (the GIR).
# SPDX-License-Identifier: LGPL-2.1-or-later
from gi.repository import GLib, GstWorker
import pytest

from conftest import entry, report_json

CHAIN = ("testworkersrc name=src num-buffers=1000000 ! queue name=q1 "
         "max-size-buffers=3 ! testworker name=w process-time=200000 ! "
         "queue name=q2 max-size-buffers=3 ! testworkersink name=out")


def test_swap_insert_remove_keep_every_item(run):
    r = run(CHAIN)
    out = r.element("out")
    r.ctrl.start()
    r.until(lambda: r.signals("started"), what="started")
    r.until(lambda: out.props.count > 10, what="items at the sink")
    # items flow all along: the stream is long, only exit_drain ends it
    assert r.ctrl.swap_worker("w", "testworker process-time=100000")
    assert r.ctrl.insert_worker("q1", "testworker name=x")
    assert sorted(r.ctrl.list_workers()) == ["out", "src", "w", "x"]
    with pytest.raises(GLib.Error) as err:
        r.ctrl.remove_worker("nope")
    assert err.value.matches(GstWorker.ControllerError.quark(),
                             GstWorker.ControllerError.UNKNOWN_WORKER)
    with pytest.raises(GLib.Error) as err:
        r.ctrl.swap_worker("x", "capsfilter caps=audio/x-raw")
    assert err.value.matches(GstWorker.ControllerError.quark(),
                             GstWorker.ControllerError.RESHAPE)
    assert "caps" in err.value.message
    assert r.ctrl.remove_worker("x")
    r.ctrl.exit_drain(20000)

    report = r.finish()
    assert report.get_value("outcome") == \
        GstWorker.ControllerOutcome.DRAINED
    rep = report_json(r)
    assert rep["balanced"]
    n = entry(rep, "workers", "src")["items-out"]
    assert out.props.count == n
    assert out.get_property("out-of-order") == 0
    assert out.get_property("gaps") == 0
    retired = rep["retired-workers"]
    assert sorted(w["name"] for w in retired) == ["w", "x"]
    old = entry(rep, "retired-workers", "w")
    assert old["items-in"] + entry(rep, "workers", "w")["items-in"] == n
