# gst-workers: pytest set-up shared by the Python tests.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstWorker", "1.0")
gi.require_version("GstAutonomy", "1.0")
from gi.repository import GLib, Gst, GstWorker  # noqa: E402
import pytest  # noqa: E402

Gst.init(None)

SIGNALS = ("started", "worker-stalled", "worker-lost", "worker-recovered",
           "pipeline-error", "restarted", "finished", "deadlock",
           "worker-restarted")


class Run:
    """A controller on the default main context, with every signal it
    emitted recorded as (name, args) in `events`."""

    def __init__(self, description, **props):
        if description.endswith(".pipeline"):  # a file
            self.ctrl = GstWorker.Controller.new_from_file(description)
        else:
            self.ctrl = GstWorker.Controller.new_from_description(description)
        for name, value in props.items():
            self.ctrl.set_property(name.replace("_", "-"), value)
        self.events = []
        self.report = None
        for name in SIGNALS:
            self.ctrl.connect(name, self._on_signal, name)

    def _on_signal(self, ctrl, *args):
        *args, name = args
        # the structures of finished and deadlock live for the emission
        args = tuple(a.copy() if isinstance(a, Gst.Structure) else a
                     for a in args)
        if name == "finished":
            self.report = args[0]
        self.events.append((name, args))

    def signals(self, name):
        return [args for n, args in self.events if n == name]

    def until(self, condition, timeout=30.0, what="the condition"):
        """Runs the main context until condition() holds."""
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail("timed out waiting for %s; events: %r"
                            % (what, [n for n, _ in self.events]))
            ctx.iteration(False) or time.sleep(0.005)

    def finish(self, timeout=60.0):
        self.until(lambda: self.report is not None, timeout, "the end")
        return self.report

    def element(self, name):
        return self.ctrl.get_pipeline().get_by_name(name)

    def status(self):
        return json.loads(self.ctrl.get_status_json())

    def worker(self, name):
        for w in self.status()["workers"]:
            if w["name"] == name:
                return w
        pytest.fail("no worker %s" % name)


@pytest.fixture
def run():
    runs = []

    def make(description, **props):
        r = Run(description, **props)
        runs.append(r)
        return r

    yield make
    for r in runs:
        if not r.ctrl.is_finished():
            r.ctrl.exit_now()


def report_json(run):
    return json.loads(run.ctrl.get_report_json())


def entry(report, kind, name):
    for e in report[kind]:
        if e["name"] == name:
            return e
    raise KeyError("no %s %s in %r" % (kind, name, report[kind]))


def tool_until(args, until, command):
    """Runs gst-worker-launch ARGS, commands on its standard input, until
    until(line) holds for a line of its standard output, then sends
    COMMAND and waits for its end; bounded (120 s), so that a failure
    cannot hang the suite. Returns its standard error."""
    proc = subprocess.Popen([os.environ["GST_WORKER_LAUNCH"]] + args,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    bound = threading.Timer(120, proc.kill)
    bound.start()
    try:
        for line in proc.stdout:
            if until(line):
                break
        try:
            proc.stdin.write(command + "\n")
            proc.stdin.flush()
        except BrokenPipeError:  # it ended already
            pass
        return proc.communicate(timeout=120)[1]
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
