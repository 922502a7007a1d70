# gst-workers: a Python test worker with several inputs
# (GstWorker.Aggregator).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytestworkermerge: merges its inputs (`sink_%u`) in pts order: each
time, the item with the lowest pts among the inputs goes out.

Example: gst-launch-1.0 pytestworkermerge name=m ! pytestworkersink
pytestworkersrc num-items=10 ! m.  pytestworkersrc num-items=10 ! m.
"""
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstBase", "1.0")
try:
    gi.require_version("GstWorker", "1.0")
except ValueError:
    raise ImportError(
        "pytestworkermerge needs the GstWorker-1.0 typelib: run in "
        "`meson devenv -C build` or set GI_TYPELIB_PATH (README, "
        "Quick start)") from None
from gi.repository import GObject, Gst, GstBase, GstWorker  # noqa: E402


class PyTestWorkerMerge(GstWorker.Aggregator):
    __gtype_name__ = "GstPyTestWorkerMerge"
    __gstmetadata__ = ("Python test merge worker", "Generic",
                       "Merges its inputs in pts order", "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new_with_gtype(
            "sink_%u", Gst.PadDirection.SINK, Gst.PadPresence.REQUEST,
            Gst.Caps.new_any(), GstBase.AggregatorPad.__gtype__),
        Gst.PadTemplate.new_with_gtype(
            "src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS,
            Gst.Caps.new_any(), GstBase.AggregatorPad.__gtype__),
    )

    def do_aggregate(self, timeout):
        best = None
        for pad in self.sinkpads:
            buf = pad.peek_buffer()
            if buf is not None and (best is None or buf.pts < best[1].pts):
                best = (pad, buf)
        if best is None:
            return Gst.FlowReturn.EOS
        best[0].drop_buffer()
        return self.finish_buffer(best[1])


GObject.type_register(PyTestWorkerMerge)
__gstelementfactory__ = ("pytestworkermerge", Gst.Rank.NONE,
                         PyTestWorkerMerge)
