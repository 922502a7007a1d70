# gst-workers: a Python test worker (GstWorker.Transform).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytestworker: passes its items on, one output per input, or misbehaves
on purpose (`mode`) at item `at` (counting from 0 in each run), for the
tests:

- ``pass``: never misbehaves
- ``raise``: raises ZeroDivisionError
- ``push-string``: pushes a str instead of a Gst.Buffer
- ``return-string``: returns a str from do_process
- ``hang``: never returns (until the element is shut down)
- ``print``: prints a line for every item, ``pytestworker PID NAME item
  N`` (where print() goes)

Example: gst-launch-1.0 videotestsrc num-buffers=10 ! pytestworker !
fakesink
"""
import os
import threading

import gi

gi.require_version("Gst", "1.0")
try:
    gi.require_version("GstWorker", "1.0")
except ValueError:
    raise ImportError(
        "pytestworker needs the GstWorker-1.0 typelib: run in "
        "`meson devenv -C build` or set GI_TYPELIB_PATH (README, "
        "Quick start)") from None
from gi.repository import GLib, GObject, Gst, GstWorker  # noqa: E402

MODES = ("pass", "raise", "push-string", "return-string", "hang", "print")


class PyTestWorker(GstWorker.Transform):
    __gtype_name__ = "GstPyTestWorker"
    __gstmetadata__ = ("Python test worker", "Filter",
                       "Passes items on; misbehaves on purpose for tests",
                       "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
    )
    __gproperties__ = {
        "mode": (str, "Mode", "How to misbehave at item `at`: "
                 + ", ".join(MODES), "pass", GObject.ParamFlags.READWRITE),
        "at": (int, "At", "The item (from 0) to misbehave at", 0,
               GLib.MAXINT, 0, GObject.ParamFlags.READWRITE),
    }

    def __init__(self):
        super().__init__()
        self.mode = "pass"
        self.at = 0
        self.n = 0
        self.release = threading.Event()

    def do_get_property(self, prop):
        return getattr(self, prop.name)

    def do_set_property(self, prop, value):
        if prop.name == "mode":
            if value not in MODES:
                raise ValueError("mode must be one of " + ", ".join(MODES))
            if value == "hang":
                self.release.clear()
            else:
                self.release.set()  # a hanging worker returns
        setattr(self, prop.name, value)

    def do_process(self, buf):
        n = self.n
        self.n += 1
        if self.mode == "print":
            print("pytestworker", os.getpid(), self.get_name(), "item", n)
        elif self.mode != "pass" and n == self.at:
            if self.mode == "raise":
                return n / 0
            if self.mode == "push-string":
                return self.push("not a buffer")
            if self.mode == "return-string":
                return "done"
            if self.mode == "hang":
                self.release.wait()
        return self.push(buf)

    def do_start(self):
        self.n = 0  # each run (and restart) counts from 0
        return True

    def do_stop(self):
        self.release.set()
        return True


GObject.type_register(PyTestWorker)
__gstelementfactory__ = ("pytestworker", Gst.Rank.NONE, PyTestWorker)
