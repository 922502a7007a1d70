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
import math

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
gi.require_version("GstWorker", "1.0")
from gi.repository import GLib, GObject, Gst, GstVideo, GstWorker  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

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


def adaptive_threshold(luma, sigma, floor):
    """Mean plus sigma standard deviations on every 4th pixel of every 4th
    row, at least floor."""
    sample = luma[::4, ::4].astype(np.float64)
    mean = sample.mean()
    var = max((sample * sample).mean() - mean * mean, 0.0)
    return int(min(max(math.ceil(mean + sigma * math.sqrt(var)), floor), 255))


def detect(luma, t, min_area, max_area, min_fill, max_elongation,
           max_targets):
    """The targets of one frame: a list of dicts in raster order."""
    if int(luma.max()) < t:
        return []
    mask = (luma >= t).view(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask, connectivity=8, ltype=cv2.CV_32S)
    # filters on the bounding box first, all at once
    area = stats[1:, cv2.CC_STAT_AREA]
    bw = stats[1:, cv2.CC_STAT_WIDTH]
    bh = stats[1:, cv2.CC_STAT_HEIGHT]
    keep = area >= min_area
    if max_area:
        keep &= area <= max_area
    keep &= area >= min_fill * bw * bh
    found = []
    for i in np.nonzero(keep)[0] + 1:
        x0, y0, w, h, a = (int(v) for v in stats[i])
        inside = labels[y0:y0 + h, x0:x0 + w] == i
        ys, xs = np.nonzero(inside)
        weight = luma[y0:y0 + h, x0:x0 + w][inside].astype(np.int64) - t + 1
        xs64 = xs.astype(np.float64) + x0
        ys64 = ys.astype(np.float64) + y0
        mx, my = xs64.mean(), ys64.mean()
        vx = (xs64 * xs64).mean() - mx * mx + 1.0 / 12
        vy = (ys64 * ys64).mean() - my * my + 1.0 / 12
        cxy = (xs64 * ys64).mean() - mx * my
        half = (vx + vy) / 2
        d = math.sqrt((vx - vy) * (vx - vy) / 4 + cxy * cxy)
        elongation = math.sqrt((half + d) / max(half - d, 1e-12))
        if elongation > max_elongation:
            continue
        sum_w = int(weight.sum())
        found.append({
            "first": (y0 + int(ys[0]), x0 + int(xs[0])),
            "box": (x0, y0, w, h),
            "x": float((weight * xs64).sum() / sum_w),
            "y": float((weight * ys64).sum() / sum_w),
            "area": float(a),
            "confidence": sum_w / (a * (256.0 - t)),
            "fill": a / float(w * h),
            "elongation": elongation,
        })
    found.sort(key=lambda c: c["first"])
    if max_targets and len(found) > max_targets:
        order = sorted(range(len(found)), key=lambda k: -found[k]["area"])
        kept = sorted(order[:max_targets])
        found = [found[k] for k in kept]
    return found


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
