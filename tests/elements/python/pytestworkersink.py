# gst-workers: a Python test sink worker (GstWorker.Sink).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytestworkersink: counts its items (`count`) and those whose pts is
before the previous one's (`out-of-order`).

Example: gst-launch-1.0 pytestworkersrc num-items=100 ! pytestworkersink
"""
import gi

gi.require_version("Gst", "1.0")
try:
    gi.require_version("GstWorker", "1.0")
except ValueError:
    raise ImportError(
        "pytestworkersink needs the GstWorker-1.0 typelib: run in "
        "`meson devenv -C build` or set GI_TYPELIB_PATH (README, "
        "Quick start)") from None
from gi.repository import GLib, GObject, Gst, GstWorker  # noqa: E402


class PyTestWorkerSink(GstWorker.Sink):
    __gtype_name__ = "GstPyTestWorkerSink"
    __gstmetadata__ = ("Python test sink worker", "Sink",
                       "Counts items and checks their order", "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
    )
    __gproperties__ = {
        "count": (GObject.TYPE_UINT64, "Count", "Items received", 0,
                  GLib.MAXUINT64, 0, GObject.ParamFlags.READABLE),
        "out-of-order": (GObject.TYPE_UINT64, "Out of order",
                         "Items whose pts is before the previous one's",
                         0, GLib.MAXUINT64, 0,
                         GObject.ParamFlags.READABLE),
    }

    def __init__(self):
        super().__init__()
        self.set_sync(False)
        self.count = 0
        self.out_of_order = 0
        self.last = -1

    def do_get_property(self, prop):
        return getattr(self, prop.name.replace("-", "_"))

    def do_consume(self, buf):
        if buf.pts < self.last:
            self.out_of_order += 1
        self.last = buf.pts
        self.count += 1


GObject.type_register(PyTestWorkerSink)
__gstelementfactory__ = ("pytestworkersink", Gst.Rank.NONE, PyTestWorkerSink)
