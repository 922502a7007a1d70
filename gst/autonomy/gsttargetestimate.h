/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>

G_BEGIN_DECLS

/**
 * GST_TARGET_ESTIMATE_CAPS:
 *
 * Caps of target estimate items: one #GstTargetEstimate per buffer.
 *
 * Since: 0.1
 */
#define GST_TARGET_ESTIMATE_CAPS "application/x-target-estimate"

/**
 * GST_TARGET_ESTIMATE_SIZE:
 *
 * Size in bytes of one estimate on the wire: `guint32` magic ("EST1"),
 * `guint32` id, `guint32` count, `guint32` #GstTargetEstimateFlags, then
 * @north, @east, @down, @spread, @std_north, @std_east as `gdouble`, then
 * @first_seen and @last_seen as `guint64` nanoseconds, all little-endian.
 *
 * Since: 0.1
 */
#define GST_TARGET_ESTIMATE_SIZE 80

/**
 * GstTargetEstimateFlags:
 * @GST_TARGET_ESTIMATE_CONFIRMED: the first estimate of a newly confirmed
 *   target
 * @GST_TARGET_ESTIMATE_FINAL: the last estimate of the target, at the end
 *   of the stream
 *
 * What kind of update an estimate is. An estimate with neither flag is an
 * update of a target confirmed before.
 *
 * Since: 0.1
 */
typedef enum {
  GST_TARGET_ESTIMATE_CONFIRMED = (1 << 0),
  GST_TARGET_ESTIMATE_FINAL = (1 << 1),
} GstTargetEstimateFlags;

/**
 * GstTargetEstimate:
 * @id: the target's number, from 1, the same in every estimate of it
 * @count: how many detections support the estimate
 * @flags: what kind of update this is
 * @north: metres north of home (local NED): the mean of the detections
 * @east: metres east of home
 * @down: the ground's `down` the detections were projected onto
 * @spread: metres: the root mean square distance of the detections from
 *   (@north, @east), sqrt (@std_north² + @std_east²)
 * @std_north: metres: the standard deviation of the detections' north
 * @std_east: metres: the standard deviation of the detections' east
 * @first_seen: the frame time of the earliest supporting detection, or
 *   %GST_CLOCK_TIME_NONE
 * @last_seen: the frame time of the latest supporting detection, or
 *   %GST_CLOCK_TIME_NONE
 *
 * Where a target on the ground is believed to be, from many detections.
 *
 * Since: 0.1
 */
typedef struct {
  guint32 id;
  guint32 count;
  GstTargetEstimateFlags flags;
  gdouble north, east, down;
  gdouble spread, std_north, std_east;
  GstClockTime first_seen, last_seen;
} GstTargetEstimate;

GST_AUTONOMY_API
void        gst_target_estimate_init (GstTargetEstimate * est);

GST_AUTONOMY_API
GstBuffer * gst_target_estimate_to_buffer (const GstTargetEstimate * est,
                                           GstClockTime pts);

GST_AUTONOMY_API
gboolean    gst_target_estimate_from_buffer (GstBuffer * buffer,
                                             GstTargetEstimate * est);

G_END_DECLS
