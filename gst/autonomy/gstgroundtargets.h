/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>

G_BEGIN_DECLS

/**
 * GST_GROUND_TARGETS_CAPS:
 *
 * Caps of ground target items: the targets of one video frame, projected
 * to the ground, in one buffer whose PTS is the frame's.
 *
 * Since: 0.1
 */
#define GST_GROUND_TARGETS_CAPS "application/x-ground-targets"

/**
 * GST_GROUND_TARGETS_HEADER_SIZE:
 *
 * Size in bytes of the header of a ground targets item: a `guint32` magic
 * ("GTG1"), a `guint32` number of targets, a `guint64` frame time in
 * nanoseconds (%GST_CLOCK_TIME_NONE when unknown), all little-endian.
 *
 * Since: 0.1
 */
#define GST_GROUND_TARGETS_HEADER_SIZE 16

/**
 * GST_GROUND_TARGET_SIZE:
 *
 * Size in bytes of one target after the header: the seven `gdouble`s of
 * #GstGroundTarget in declaration order, little-endian. An item of n
 * targets is %GST_GROUND_TARGETS_HEADER_SIZE + n * %GST_GROUND_TARGET_SIZE
 * bytes.
 *
 * Since: 0.1
 */
#define GST_GROUND_TARGET_SIZE 56

/**
 * GST_GROUND_TARGETS_MAX:
 *
 * Most targets one item may hold.
 *
 * Since: 0.1
 */
#define GST_GROUND_TARGETS_MAX 65536

/**
 * GstGroundTarget:
 * @north: metres north of home (local NED), where the target's pixel ray
 *   meets the ground
 * @east: metres east of home
 * @down: the ground plane's `down` it was projected onto
 * @confidence: the detector's confidence, 0 to 1
 * @area: the target's area in the frame, pixels
 * @pixel_x: the target's centre in the frame, pixels from the left (the
 *   centre of the top-left pixel is 0)
 * @pixel_y: the target's centre in the frame, pixels from the top
 *
 * One detected target, located on the ground.
 *
 * Since: 0.1
 */
typedef struct {
  gdouble north, east, down;
  gdouble confidence, area;
  gdouble pixel_x, pixel_y;
} GstGroundTarget;

GST_AUTONOMY_API
GstBuffer * gst_ground_targets_to_buffer (const GstGroundTarget * targets,
                                          guint n_targets,
                                          GstClockTime frame_time);

GST_AUTONOMY_API
gboolean    gst_ground_targets_from_buffer (GstBuffer * buffer,
                                            GstClockTime * frame_time,
                                            GstGroundTarget ** targets,
                                            guint * n_targets);

G_END_DECLS
