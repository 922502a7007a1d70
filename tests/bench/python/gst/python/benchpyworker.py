# gst-workers: a GIL-bound Python worker for the benchmarks.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""benchpyworker: passes each item on after `work` turns of a pure-Python
loop (bench_item.spin, copied here: the plugin loader imports this file
alone), which holds the interpreter lock the whole time, as Python code
that numpy or OpenCV does not release it for. Two of them in one process
take turns on one lock; in a `workerpool isolation=process`, each has its
own.

Example (run.py puts this folder on GST_PLUGIN_PATH):
gst-launch-1.0 fakesrc num-buffers=100 ! benchpyworker work=20000 !
fakesink
"""
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWorker", "1.0")
from gi.repository import GLib, GObject, Gst, GstWorker  # noqa: E402


def spin(work: int) -> int:
    """The work: the same loop as bench_item.spin."""
    total = 0
    for i in range(work):
        total += i * i % 7
    return total


class BenchPyWorker(GstWorker.Transform):
    __gtype_name__ = "GstBenchPyWorker"
    __gstmetadata__ = ("Benchmark Python worker", "Filter",
                       "Passes items on after a pure-Python loop that holds "
                       "the GIL", "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC,
                            Gst.PadPresence.ALWAYS, Gst.Caps.new_any()),
    )
    __gproperties__ = {
        "work": (int, "Work", "Turns of the pure-Python loop per item", 0,
                 GLib.MAXINT, 20000, GObject.ParamFlags.READWRITE),
    }

    def __init__(self):
        super().__init__()
        self.work = 20000

    def do_get_property(self, prop):
        return getattr(self, prop.name)

    def do_set_property(self, prop, value):
        setattr(self, prop.name, value)

    def do_process(self, buf):
        spin(self.work)
        return self.push(buf)


GObject.type_register(BenchPyWorker)
__gstelementfactory__ = ("benchpyworker", Gst.Rank.NONE, BenchPyWorker)
