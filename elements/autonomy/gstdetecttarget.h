/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

/**
 * GstDetectTargetThresholdMode:
 * @GST_DETECT_TARGET_THRESHOLD_FIXED: pixels at least `threshold` bright
 * @GST_DETECT_TARGET_THRESHOLD_ADAPTIVE: pixels at least the frame's mean
 *   brightness plus `adaptive-sigma` standard deviations, and never less
 *   than `threshold`
 *
 * How detecttarget decides which pixels are bright.
 */
typedef enum {
  GST_DETECT_TARGET_THRESHOLD_FIXED,
  GST_DETECT_TARGET_THRESHOLD_ADAPTIVE,
} GstDetectTargetThresholdMode;

#define GST_TYPE_DETECT_TARGET_THRESHOLD_MODE \
  (gst_detect_target_threshold_mode_get_type ())
GType gst_detect_target_threshold_mode_get_type (void);

#define GST_TYPE_DETECT_TARGET (gst_detect_target_get_type ())
G_DECLARE_FINAL_TYPE (GstDetectTarget, gst_detect_target, GST, DETECT_TARGET,
    GstWorkerTransform);

G_END_DECLS
