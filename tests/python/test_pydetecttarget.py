# gst-workers: the target detector written in Python (pydetecttarget)
# against the C one (detecttarget), and the autonomy system with it.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import math
import os

from gi.repository import GLib, Gst, GstApp, GstVideo  # noqa: F401
import pytest

from conftest import report_json

PIPELINES = os.path.join(os.path.dirname(__file__), "..", "..", "pipelines")
FIELDS = ("x", "y", "area", "confidence", "fill", "elongation")


def targets_of(buf):
    found = []
    i = 0
    while True:
        meta = GstVideo.buffer_get_video_region_of_interest_meta_id(buf, i)
        if meta is None:
            return found
        assert GLib.quark_to_string(meta.roi_type) == "target"
        params = meta.get_param("detection")
        found.append(((meta.x, meta.y, meta.w, meta.h),
                      tuple(params.get_value(f) for f in FIELDS)))
        i += 1


def detections(source, detector):
    """The targets of every frame of source through detector."""
    pipe = Gst.parse_launch("%s ! %s ! appsink name=out sync=false"
                            % (source, detector))
    out = pipe.get_by_name("out")
    pipe.set_state(Gst.State.PLAYING)
    frames = []
    try:
        while True:
            sample = out.try_pull_sample(30 * Gst.SECOND)
            if sample is None:
                break
            frames.append(targets_of(sample.get_buffer()))
        msg = pipe.get_bus().pop_filtered(Gst.MessageType.ERROR)
        assert msg is None, msg.parse_error()
    finally:
        pipe.set_state(Gst.State.NULL)
    return frames


def assert_same(c_frames, py_frames):
    assert len(c_frames) == len(py_frames) > 0
    assert sum(len(f) for f in c_frames) > 0
    for c, py in zip(c_frames, py_frames):
        assert [box for box, _ in c] == [box for box, _ in py]
        for (_, cv), (_, pv) in zip(c, py):
            assert pv == pytest.approx(cv, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("fmt", ["I420", "NV12", "GRAY8", "RGB", "BGRx"])
def test_same_targets_as_detecttarget(fmt):
    source = ("videotestsrc pattern=ball num-buffers=8 ! video/x-raw,"
              "format=%s,width=320,height=240" % fmt)
    props = "min-area=20"
    assert_same(detections(source, "detecttarget " + props),
                detections(source, "pydetecttarget " + props))


def test_same_targets_on_the_simulated_flight():
    source = ("flightsimsrc num-buffers=150 targets=\"10,20;-15,-25;30,-5\" "
              "! video/x-raw,format=I420,width=960,height=540 "
              "! videorate drop-only=true ! video/x-raw,framerate=2/1")
    props = "threshold-mode=adaptive max-targets=2"
    assert_same(detections(source, "detecttarget " + props),
                detections(source, "pydetecttarget " + props))


def test_bad_threshold_mode_is_refused():
    det = Gst.ElementFactory.make("pydetecttarget")
    det.props.threshold_mode = "nonsense"
    assert det.props.threshold_mode == "fixed"


# The outputs of each autonomy system file played below, by file name
PLAYED = {}


def play(run, tmp_path, name):
    """Plays pipelines/NAME to its end; its estimates and commands (bytes),
    and the truth it flew over."""
    if name in PLAYED:
        return PLAYED[name]
    path = os.path.join(PIPELINES, name)
    with open(path) as f:
        assert 'worker="pydetecttarget"' in f.read()
    r = run(path)
    out = tmp_path / name
    out.mkdir()
    for sink, file in (("estimates-out", "estimates.jsonl"),
                       ("commands-out", "commands.jsonl")):
        r.element(sink).props.location = str(out / file)
    truth = [tuple(float(v) for v in t.split(","))
             for t in r.element("camera").props.targets.split(";")]
    assert len(truth) == 6
    isolation = r.element("detect").get_property("isolation").value_nick
    r.ctrl.start()
    r.finish(timeout=240)
    rep = report_json(r)
    assert rep["outcome"] == "drained" and rep["balanced"], rep["outcome"]
    PLAYED[name] = ((out / "estimates.jsonl").read_bytes(),
                    (out / "commands.jsonl").read_bytes(), truth, isolation)
    return PLAYED[name]


@pytest.mark.parametrize("name", ["autonomy-python.pipeline",
                                  "autonomy-python-processes.pipeline"])
def test_autonomy_python_system_finds_every_target(run, tmp_path, name):
    estimates, commands, truth, _ = play(run, tmp_path, name)
    finals = [e for e in map(json.loads, estimates.splitlines())
              if e.get("final")]
    # every target once, within 1.5 m, nothing else
    assert len(finals) == len(truth)
    for north, east in truth:
        near = [e for e in finals
                if math.hypot(e["north"] - north, e["east"] - east) <= 1.5]
        assert len(near) == 1, (north, east, finals)
    assert len(commands.splitlines()) == len(truth)


def test_autonomy_python_detectors_in_processes_same_bytes(run, tmp_path):
    """The detectors in child processes of their own (parallel Python, a
    crash contained) give the very bytes the detectors in threads give."""
    threads = play(run, tmp_path, "autonomy-python.pipeline")
    processes = play(run, tmp_path, "autonomy-python-processes.pipeline")
    assert (threads[3], processes[3]) == ("thread", "process")
    assert processes[:2] == threads[:2]
