/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>

G_BEGIN_DECLS

/**
 * GstCameraModel:
 * @width: image width in pixels
 * @height: image height in pixels
 * @fx: focal length in pixels, horizontal
 * @fy: focal length in pixels, vertical
 * @cx: principal point, pixels from the left (centre of the top-left
 *   pixel is 0)
 * @cy: principal point, pixels from the top
 * @mount_roll: camera roll relative to the body, radians
 * @mount_pitch: camera pitch relative to the body, radians (-pi/2: looking
 *   straight down, the top of the image towards the nose)
 * @mount_yaw: camera yaw relative to the body, radians
 *
 * A pinhole camera (no lens distortion) mounted on the drone. With all
 * mount angles 0 the camera looks forward along the body x axis, image
 * right is body right. The mount rotation is applied as yaw, then pitch,
 * then roll (Z-Y-X), like the body's attitude in #GstOdometry.
 *
 * Pixel coordinates (u, v) are continuous: the centre of the top-left
 * pixel is (0, 0), u grows to the right, v downwards.
 *
 * Since: 0.1
 */
typedef struct {
  guint width, height;
  gdouble fx, fy, cx, cy;
  gdouble mount_roll, mount_pitch, mount_yaw;
} GstCameraModel;

GST_AUTONOMY_API
void     gst_camera_model_init (GstCameraModel * cam, guint width,
                                guint height, gdouble hfov);

GST_AUTONOMY_API
void     gst_camera_model_set_mount (GstCameraModel * cam, gdouble roll,
                                     gdouble pitch, gdouble yaw);

GST_AUTONOMY_API
gboolean gst_camera_model_project (const GstCameraModel * cam,
                                   const GstOdometry * pose,
                                   gdouble north, gdouble east, gdouble down,
                                   gdouble * u, gdouble * v);

GST_AUTONOMY_API
gboolean gst_camera_model_pixel_to_ground (const GstCameraModel * cam,
                                           const GstOdometry * pose,
                                           gdouble u, gdouble v,
                                           gdouble ground_down,
                                           gdouble * north, gdouble * east);

GST_AUTONOMY_API
void     gst_rotation_from_euler (gdouble roll, gdouble pitch, gdouble yaw,
                                  gdouble r[3][3]);

G_END_DECLS
