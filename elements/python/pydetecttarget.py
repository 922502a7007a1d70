# gst-workers: the target detector as a worker written in Python.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pydetecttarget: finds bright targets in video frames, with numpy and
OpenCV, and attaches each one to its frame as a
GstVideoRegionOfInterestMeta of type "target", exactly as the C
``detecttarget`` does (same properties, same "detection" parameters: x, y,
area, confidence, fill, elongation), so either can feed ``geolocate``.

A worker written in Python (a ``GstWorker.Transform`` subclass, loaded by
gst-python's plugin loader from a ``python/`` folder on GST_PLUGIN_PATH):
it has heartbeats, ``paused``, ``stats``, and shows in gst-worker-launch
like any worker. Frames pass through; only metas are added.

The detector: the frame's luma (the Y plane; for RGB the BT.601 luma
``(77 R + 150 G + 29 B + 128) >> 8``), pixels at least ``threshold`` bright
(or, ``threshold-mode=adaptive``, the frame's mean plus ``adaptive-sigma``
standard deviations, never below ``threshold``), 8-connected components
(``cv2.connectedComponentsWithStats``), filtered by area, fill ratio of
the bounding box and elongation (the square root of the ratio of the
principal second moments, pixels as unit squares), at most ``max-targets``
of the largest, in raster order of their first pixels. The centroid is
weighted by ``I - t + 1``.

Example::

    gst-launch-1.0 videotestsrc pattern=ball num-buffers=30 ! \\
        video/x-raw,format=I420,width=640,height=480 ! \\
        pydetecttarget min-area=20 ! fakesink silent=false -v
"""
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
try:
    gi.require_version("GstWorker", "1.0")
except ValueError:
    raise ImportError(
        "pydetecttarget needs the GstWorker-1.0 typelib: run in "
        "`meson devenv -C build` or set GI_TYPELIB_PATH (README, "
        "Quick start)") from None
from gi.repository import GLib, GObject, Gst, GstVideo, GstWorker  # noqa: E402

import numpy as np  # noqa: E402

from targetdetector import adaptive_threshold, detect  # noqa: E402

FORMATS = ("GRAY8, I420, YV12, NV12, NV21, Y41B, Y42B, Y444, RGB, BGR, "
           "RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, ARGB, ABGR")
CAPS = Gst.Caps.from_string("video/x-raw, format=(string){ %s }" % FORMATS)
MODES = ("fixed", "adaptive")
COPY_SHALLOW = (Gst.BufferCopyFlags.FLAGS | Gst.BufferCopyFlags.TIMESTAMPS
                | Gst.BufferCopyFlags.META | Gst.BufferCopyFlags.MEMORY)


def luma_of(info, data):
    """The frame's brightness as a height x width uint8 array (a view of
    the Y plane, or computed from packed RGB)."""
    w, h = info.width, info.height
    stride, offset = info.stride[0], info.offset[0]
    plane = np.frombuffer(data, np.uint8, count=stride * h, offset=offset)
    plane = plane.reshape(h, stride)
    finfo = info.finfo
    if not finfo.flags & GstVideo.VideoFormatFlags.RGB:
        return plane[:, :w]
    ps = finfo.pixel_stride[0]
    px = plane[:, :w * ps].reshape(h, w, ps)
    r, g, b = (px[:, :, finfo.poffset[c]].astype(np.uint16)
               for c in range(3))
    return ((77 * r + 150 * g + 29 * b + 128) >> 8).astype(np.uint8)


def attach(buf, targets):
    for i, c in enumerate(targets):
        x, y, w, h = c["box"]
        meta = GstVideo.buffer_add_video_region_of_interest_meta(
            buf, "target", x, y, w, h)
        meta.id = i
        meta.parent_id = -1
        params = Gst.Structure.new_empty("detection")
        for field in ("confidence", "area", "x", "y", "fill", "elongation"):
            params.set_value(field, c[field])
        meta.add_param(params)


class PyDetectTarget(GstWorker.Transform):
    __gtype_name__ = "GstPyDetectTarget"
    __gstmetadata__ = (
        "Target detector (Python)", "Filter/Analyzer/Video",
        "Finds bright targets in video frames with numpy and OpenCV and "
        "attaches each as a region-of-interest meta, like detecttarget",
        "gst-workers")
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK,
                            Gst.PadPresence.ALWAYS, CAPS),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC,
                            Gst.PadPresence.ALWAYS, CAPS),
    )
    __gproperties__ = PROPERTIES = {
        "threshold": (int, "Threshold",
                      "Brightness (0-255) of a target's pixels; the floor "
                      "of the adaptive threshold", 0, 255, 200,
                      GObject.ParamFlags.READWRITE),
        "threshold-mode": (str, "Threshold mode",
                           "fixed: `threshold`; adaptive: the frame's mean "
                           "plus `adaptive-sigma` standard deviations",
                           "fixed", GObject.ParamFlags.READWRITE),
        "adaptive-sigma": (float, "Adaptive sigma",
                           "Standard deviations above the mean (adaptive)",
                           0.0, 100.0, 4.0, GObject.ParamFlags.READWRITE),
        "min-area": (int, "Minimum area", "Smallest target, in pixels",
                     1, GLib.MAXINT, 4, GObject.ParamFlags.READWRITE),
        "max-area": (int, "Maximum area",
                     "Largest target, in pixels (0: no limit)",
                     0, GLib.MAXINT, 0, GObject.ParamFlags.READWRITE),
        "min-fill": (float, "Minimum fill",
                     "Smallest share of its bounding box a target fills",
                     0.0, 1.0, 0.5, GObject.ParamFlags.READWRITE),
        "max-elongation": (float, "Maximum elongation",
                           "Largest ratio of a target's principal axes",
                           1.0, 1000.0, 3.0, GObject.ParamFlags.READWRITE),
        "max-targets": (int, "Maximum targets",
                        "At most this many of the largest targets per frame "
                        "(0: all)", 0, GLib.MAXINT, 64,
                        GObject.ParamFlags.READWRITE),
    }

    def __init__(self):
        super().__init__()
        # the defaults (second to last in each property's tuple)
        self.props_ = {name: spec[-2] for name, spec in PROPERTIES.items()}
        self.info = None

    def do_get_property(self, prop):
        return self.props_[prop.name]

    def do_set_property(self, prop, value):
        if prop.name == "threshold-mode" and value not in MODES:
            raise ValueError("threshold-mode is fixed or adaptive, not %r"
                             % value)
        self.props_[prop.name] = value

    def do_set_caps(self, incaps, outcaps):
        self.info = GstVideo.VideoInfo.new_from_caps(incaps)
        return self.info is not None

    def do_process(self, buf):
        p = dict(self.props_)
        ok, mapped = buf.map(Gst.MapFlags.READ)
        if not ok:
            raise RuntimeError("cannot read a frame of %dx%d"
                               % (self.info.width, self.info.height))
        try:
            luma = luma_of(self.info, mapped.data)
            t = p["threshold"]
            if p["threshold-mode"] == "adaptive":
                t = adaptive_threshold(luma, p["adaptive-sigma"], t)
            targets = detect(luma, t, p["min-area"], p["max-area"],
                             p["min-fill"], p["max-elongation"],
                             p["max-targets"])
            del luma
        finally:
            buf.unmap(mapped)
        if targets:
            # Metas need a writable buffer, and Python cannot tell whether
            # this one is (its wrappers hold references of their own): a
            # new buffer, the same memory (no pixel is copied).
            buf = buf.copy_region(COPY_SHALLOW, 0, buf.get_size())
            attach(buf, targets)
        return self.push(buf)


PROPERTIES = PyDetectTarget.PROPERTIES
GObject.type_register(PyDetectTarget)
__gstelementfactory__ = ("pydetecttarget", Gst.Rank.NONE, PyDetectTarget)
