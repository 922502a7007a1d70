#!/usr/bin/python3
# gst-workers: a Python application supervising a worker system.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an autonomy system (by default pipelines/autonomy-python.pipeline,
whose detector is itself written in Python) under a GstWorker.Controller,
as gst-worker-launch does, and shows what an application can do from
Python:

- load the system, start it, list its workers;
- every signal of the controller (started, worker-stalled, worker-lost,
  worker-recovered, pipeline-error, restarted, deadlock, finished);
- the status each second (as JSON), a pause of the whole system and of
  one worker (--pause), and the exit: with drain on Ctrl-C or after
  --duration, now on a second Ctrl-C;
- the items on the way: the drone's odometry that the timestamp merge
  attached to a frame (the merge meta), and the target estimates,
  decoded with GstAutonomy.

From the build tree (the Makefile sets the paths):

    make run-python-app
"""
import argparse
import json
import os
import signal
import sys

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gst", "1.0")
gi.require_version("GstWorker", "1.0")
gi.require_version("GstAutonomy", "1.0")
from gi.repository import GLib, Gst, GstAutonomy, GstWorker  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "pipelines",
                       "autonomy-python.pipeline")


def log(fmt, *args):
    print(fmt % args, flush=True)


class App:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.ctrl = GstWorker.Controller.new_from_file(args.pipeline)
        self.ctrl.props.stall_timeout = 5000
        self.outcome = None
        self.frames = 0
        self.ctrl.connect("started", lambda c: log("started"))
        self.ctrl.connect("worker-stalled", self.on_stalled)
        self.ctrl.connect("worker-lost", lambda c, w, silence: log(
            "worker %s lost: silent for %.1f s", w, silence / 1e9))
        self.ctrl.connect("worker-recovered", lambda c, w, lost: log(
            "worker %s recovered", w))
        self.ctrl.connect("pipeline-error", self.on_error)
        self.ctrl.connect("restarted", lambda c, n: log("restart %d", n))
        self.ctrl.connect("deadlock", lambda c, d: log(
            "deadlock: %s", d.get_value("text")))
        self.ctrl.connect("finished", self.on_finished)
        self.watch_items()

    # -- the items on the way ------------------------------------------

    def watch_items(self):
        pipeline = self.ctrl.get_pipeline()
        locate = pipeline.get_by_name("locate")
        estimates = pipeline.get_by_name("estimates")
        if locate:
            locate.get_static_pad("sink").add_probe(
                Gst.PadProbeType.BUFFER, self.on_merged_frame)
        if estimates:
            estimates.get_static_pad("sink").add_probe(
                Gst.PadProbeType.BUFFER, self.on_estimate)

    def on_merged_frame(self, pad, info):
        frame = info.get_buffer()
        self.frames += 1
        meta = GstWorker.buffer_get_worker_merge_meta(frame)
        if meta is None or self.frames % 100:
            return Gst.PadProbeReturn.OK
        for i in range(meta.get_n_items()):
            item, name = meta.get_nth_item(i)
            ok, odo = GstAutonomy.odometry_from_buffer(item)
            if ok:
                log("frame %d at %.1f s: drone at north %.1f m, east %.1f m, "
                    "%.1f m up (odometry from %s)", self.frames,
                    frame.pts / Gst.SECOND, odo.north, odo.east, -odo.down,
                    name)
        return Gst.PadProbeReturn.OK

    def on_estimate(self, pad, info):
        ok, est = GstAutonomy.target_estimate_from_buffer(info.get_buffer())
        if ok:
            log("target %d: north %.2f m, east %.2f m, %d detections%s",
                est.id, est.north, est.east, est.count,
                " (final)" if est.flags & GstAutonomy.TargetEstimateFlags.FINAL
                else "")
        return Gst.PadProbeReturn.OK

    # -- the controller's signals --------------------------------------

    def on_stalled(self, ctrl, worker, state, duration, blocked_on):
        log("worker %s stalled: %s for %.1f s%s", worker, state.value_nick,
            duration / 1e9, " on " + blocked_on if blocked_on else "")

    def on_error(self, ctrl, element, error, debug, will_restart):
        log("error from %s: %s%s", element, error.message,
            " (restarting)" if will_restart else "")

    def on_finished(self, ctrl, report):
        self.outcome = report.get_value("outcome")
        rep = json.loads(ctrl.get_report_json())
        log("finished: %s after %.2f s, every queue balanced: %s",
            rep["outcome"], rep["duration"] / 1e9, rep.get("balanced"))
        for w in rep["workers"]:
            log("  %-40s in %6d  out %6d  dropped %d", w["name"],
                w["items-in"], w["items-out"], w["items-dropped"])
        self.loop.quit()

    # -- status, pause, exit -------------------------------------------

    def show_status(self):
        status = json.loads(self.ctrl.get_status_json())
        busy = ["%s=%s" % (w["name"], w["state"]) for w in status["workers"]
                if w["state"] != "idle"]
        log("[%5.1f s] %s%s", status["uptime"] / 1e9, status["phase"],
            ": " + ", ".join(busy) if busy else "")
        return GLib.SOURCE_CONTINUE

    def pause_demo(self):
        worker = self.ctrl.list_workers()[-1]
        log("pausing the whole system, then %s alone", worker)
        self.ctrl.pause()
        assert self.ctrl.is_paused()
        self.ctrl.resume()
        self.ctrl.pause_worker(worker)
        GLib.timeout_add(1000, self.resume_demo, worker)
        return GLib.SOURCE_REMOVE

    def resume_demo(self, worker):
        log("resuming %s: %s", worker,
            self.ctrl.explain_wait(worker) or "")
        self.ctrl.resume_worker(worker)
        return GLib.SOURCE_REMOVE

    def on_sigint(self):
        if self.ctrl.get_status().get_value("phase") == "draining":
            log("exit now")
            self.ctrl.exit_now()
        else:
            log("exit with drain (Ctrl-C again: exit now)")
            self.ctrl.exit_drain(10000)
        return GLib.SOURCE_CONTINUE

    def run(self):
        self.ctrl.start()
        log("workers: %s", ", ".join(self.ctrl.list_workers()))
        GLib.timeout_add(1000, self.show_status)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT,
                             self.on_sigint)
        if self.args.pause:
            GLib.timeout_add(int(self.args.pause * 1000), self.pause_demo)
        if self.args.duration:
            GLib.timeout_add(int(self.args.duration * 1000),
                             lambda: self.ctrl.exit_drain(10000))
        self.loop.run()
        return 0 if self.outcome == GstWorker.ControllerOutcome.DRAINED \
            else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pipeline", default=DEFAULT,
                        help="the system to run (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=0,
                        help="exit with drain after this many seconds")
    parser.add_argument("--pause", type=float, default=2.0,
                        help="pause the system, then one worker for a "
                        "second, this many seconds in (0: never)")
    args = parser.parse_args()
    Gst.init(None)
    try:
        return App(args).run()
    except GLib.Error as err:
        print("autonomy-app: %s" % err.message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
