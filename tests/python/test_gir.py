# gst-workers: GstWorker-1.0 and GstAutonomy-1.0 as Python sees them.
# SPDX-License-Identifier: LGPL-2.1-or-later
from gi.repository import Gst, GstAutonomy, GstWorker


def test_worker_classes_have_natural_names():
    assert GstWorker.Controller.__gtype__.name == "GstWorkerController"
    assert GstWorker.Transform.__gtype__.name == "GstWorkerTransform"
    assert GstWorker.Src.__gtype__.name == "GstWorkerSrc"
    assert GstWorker.Sink.__gtype__.name == "GstWorkerSink"
    assert GstWorker.Aggregator.__gtype__.name == "GstWorkerAggregator"
    assert GstWorker.Worker.__gtype__.name == "GstWorker"
    assert GstWorker.State.BLOCKED.value_nick == "blocked"
    assert issubclass(GstWorker.Transform, GstWorker.Worker)


def test_odometry_round_trip_through_a_buffer():
    odo = GstAutonomy.Odometry()
    odo.init()
    odo.fields = GstAutonomy.OdometryFields.LOCAL
    odo.north, odo.east, odo.down = 12.5, -3.25, -40.0
    buf = odo.to_buffer(42 * Gst.MSECOND)
    assert buf.pts == 42 * Gst.MSECOND
    ok, back = GstAutonomy.odometry_from_buffer(buf)
    assert ok
    assert (back.north, back.east, back.down) == (12.5, -3.25, -40.0)
    ok, _ = GstAutonomy.odometry_from_buffer(Gst.Buffer.new_wrapped(b"junk"))
    assert not ok


def test_odometry_meta_read_without_pointers():
    odo = GstAutonomy.Odometry()
    odo.init()
    odo.north = 7.0
    frame = Gst.Buffer.new()
    ok, _ = GstAutonomy.odometry_from_meta(frame)
    assert not ok
    GstAutonomy.buffer_add_odometry_meta(frame, odo)
    ok, back = GstAutonomy.odometry_from_meta(frame)
    assert ok and back.north == 7.0


def test_ground_targets_round_trip():
    targets = []
    for i in range(3):
        t = GstAutonomy.GroundTarget()
        t.north, t.east = float(i), 2.0 * i
        targets.append(t)
    buf = GstAutonomy.ground_targets_to_buffer(targets, 5 * Gst.SECOND)
    ok, frame_time, back = GstAutonomy.ground_targets_from_buffer(buf)
    assert ok and frame_time == 5 * Gst.SECOND
    assert [(t.north, t.east) for t in back] == [(0.0, 0.0), (1.0, 2.0),
                                                 (2.0, 4.0)]


def test_merge_meta_accessors():
    merged = Gst.Buffer.new()
    item = Gst.Buffer.new_wrapped(b"odometry")
    meta = GstWorker.buffer_add_worker_merge_meta(merged)
    meta.add_item("sink_1", item)
    assert GstWorker.buffer_get_worker_merge_meta(merged).get_n_items() == 1
    got, name = meta.get_nth_item(0)
    assert name == "sink_1"
    assert got.extract_dup(0, got.get_size()) == b"odometry"
    assert GstWorker.buffer_get_merged_item(merged, "sink_1") is not None
    assert GstWorker.buffer_get_merged_item(merged, "sink_2") is None
