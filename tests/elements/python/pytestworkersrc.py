# gst-workers: a Python test source worker (GstWorker.Src).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytestworkersrc: produces `num-items` items, each 8 bytes holding its
number (little-endian), with pts = number * 10 ms, then ends the stream.

Example: gst-launch-1.0 pytestworkersrc num-items=100 ! pytestworkersink
"""
import struct

import gi

gi.require_version("Gst", "1.0")
try:
    gi.require_version("GstWorker", "1.0")
except ValueError:
    raise ImportError(
        "pytestworkersrc needs the GstWorker-1.0 typelib: run in "
        "`meson devenv -C build` or set GI_TYPELIB_PATH (README, "
        "Quick start)") from None
from gi.repository import GLib, GObject, Gst, GstWorker  # noqa: E402


class PyTestWorkerSrc(GstWorker.Src):
    __gtype_name__ = "GstPyTestWorkerSrc"
    __gstmetadata__ = ("Python test source worker", "Source",
                       "Produces numbered items", "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
    )
    __gproperties__ = {
        "num-items": (int, "Items", "How many items to produce", 0,
                      GLib.MAXINT, 100, GObject.ParamFlags.READWRITE),
    }

    def __init__(self):
        super().__init__()
        self.num_items = 100
        self.n = 0

    def do_get_property(self, prop):
        return self.num_items

    def do_set_property(self, prop, value):
        self.num_items = value

    def do_start(self):
        self.n = 0
        return True

    def do_produce(self):
        if self.n >= self.num_items:
            return None
        buf = Gst.Buffer.new_wrapped(struct.pack("<Q", self.n))
        buf.pts = self.n * 10 * Gst.MSECOND
        buf.duration = 10 * Gst.MSECOND
        self.n += 1
        return buf


GObject.type_register(PyTestWorkerSrc)
__gstelementfactory__ = ("pytestworkersrc", Gst.Rank.NONE, PyTestWorkerSrc)
