/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>

G_BEGIN_DECLS

/**
 * GST_ODOMETRY_META_API_TYPE:
 *
 * The API type of #GstOdometryMeta.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_META_API_TYPE (gst_odometry_meta_api_get_type ())

/**
 * GST_ODOMETRY_META_INFO:
 *
 * The #GstMetaInfo of #GstOdometryMeta.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_META_INFO (gst_odometry_meta_get_info ())

/**
 * GstOdometryMeta:
 * @meta: the parent #GstMeta
 * @odometry: where the drone was when the buffer was captured
 *
 * The drone's odometry at the time of a buffer (typically a video frame),
 * carried by the buffer itself: what geolocate reads to locate the
 * frame's targets. A camera driver with its own attitude source or an
 * application pushing frames can attach it directly.
 *
 * Since: 0.1
 */
typedef struct {
  GstMeta meta;
  GstOdometry odometry;
} GstOdometryMeta;

GST_AUTONOMY_API
GType               gst_odometry_meta_api_get_type (void);

GST_AUTONOMY_API
const GstMetaInfo * gst_odometry_meta_get_info (void);

GST_AUTONOMY_API
GstOdometryMeta *   gst_buffer_add_odometry_meta (GstBuffer * buffer,
                                                  const GstOdometry * odo);

GST_AUTONOMY_API
gboolean            gst_odometry_from_meta (GstBuffer * buffer,
                                            GstOdometry * odo);

/**
 * gst_buffer_get_odometry_meta:
 * @b: a #GstBuffer
 *
 * Finds the pose attached to a frame with gst_buffer_add_odometry_meta().
 *
 * Returns: (transfer none) (nullable): the #GstOdometryMeta of @b
 *
 * Since: 0.1
 */
#define gst_buffer_get_odometry_meta(b) \
  ((GstOdometryMeta *) gst_buffer_get_meta ((b), GST_ODOMETRY_META_API_TYPE))

G_END_DECLS
