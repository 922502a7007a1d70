# gst-workers: the target detector's numpy/OpenCV core, without GStreamer.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What pydetecttarget does to a frame's brightness, as plain functions:
the element (pydetecttarget.py) and the Python worker model's detector
(tests/bench/python) call the same code. Not an element: gst-python's
plugin loader imports it beside pydetecttarget and registers nothing.
"""
import math

import cv2
import numpy as np


def adaptive_threshold(luma, sigma, floor):
    """Mean plus sigma standard deviations on every 4th pixel of every 4th
    row, at least floor."""
    sample = luma[::4, ::4].astype(np.float64)
    mean = sample.mean()
    var = max((sample * sample).mean() - mean * mean, 0.0)
    return int(min(max(math.ceil(mean + sigma * math.sqrt(var)), floor), 255))


def bands(luma, t):
    """The parts of the frame that hold pixels at least t bright: (y, x,
    mask) for each run of rows with any, cut to the columns with any, the
    mask 1 on those pixels. No component crosses a row without a bright
    pixel, so each band's components are the frame's; a dark frame costs
    one pass over it, and a sparse one labels only its bands."""
    rows = np.flatnonzero(luma.max(axis=1) >= t)
    if rows.size == 0:
        return
    cuts = np.flatnonzero(np.diff(rows) > 1)
    starts = np.concatenate(([rows[0]], rows[cuts + 1]))
    ends = np.concatenate((rows[cuts], [rows[-1]])) + 1
    for y0, y1 in zip(starts.tolist(), ends.tolist()):
        cols = np.flatnonzero(luma[y0:y1].max(axis=0) >= t)
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        # pixels at least t bright (above t - 1): 1, others 0
        mask = cv2.threshold(np.ascontiguousarray(luma[y0:y1, x0:x1]),
                             t - 1, 1, cv2.THRESH_BINARY)[1]
        yield y0, x0, mask


def detect(luma, t, min_area, max_area, min_fill, max_elongation,
           max_targets):
    """The targets of one frame: a list of dicts in raster order."""
    found = []
    for by, bx, band in bands(luma, t):
        found += band_targets(luma, t, by, bx, band, min_area, max_area,
                              min_fill, max_elongation)
    return keep_largest(found, max_targets)


def band_targets(luma, t, by, bx, band, min_area, max_area, min_fill,
                 max_elongation):
    """The targets of one band (its top-left pixel at by, bx)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        band, connectivity=8, ltype=cv2.CV_32S)
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
        lx, ly, w, h, a = (int(v) for v in stats[i])
        x0, y0 = lx + bx, ly + by
        inside = labels[ly:ly + h, lx:lx + w] == i
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
    return found


def keep_largest(found, max_targets):
    """found in raster order, at most max_targets of the largest."""
    found.sort(key=lambda c: c["first"])
    if max_targets and len(found) > max_targets:
        order = sorted(range(len(found)), key=lambda k: -found[k]["area"])
        kept = sorted(order[:max_targets])
        found = [found[k] for k in kept]
    return found
