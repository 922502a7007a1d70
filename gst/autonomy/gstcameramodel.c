/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstcameramodel
 * @title: GstCameraModel
 * @short_description: pinhole camera on a drone: ground to pixel and back
 *
 * The camera model the simulated flight renders with and geolocation
 * inverts. Frames:
 *
 * - local NED: x north, y east, z down, metres from home;
 * - body: x forward, y right, z down, rotated from NED by the attitude of
 *   #GstOdometry (yaw, then pitch, then roll);
 * - camera: x image right, y image down, z along the optical axis, rotated
 *   from the body by the mount angles (yaw, pitch, roll) from the neutral
 *   forward-looking mount.
 *
 * gst_camera_model_project() takes a ground point to a pixel;
 * gst_camera_model_pixel_to_ground() intersects a pixel's ray with the
 * horizontal plane at a given `down`.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include "gstcameramodel.h"

/**
 * gst_rotation_from_euler:
 * @roll: radians, about x
 * @pitch: radians, about y
 * @yaw: radians, about z
 * @r: (out): the rotation matrix R = Rz(yaw) Ry(pitch) Rx(roll), which
 *   takes vectors from the rotated frame to the reference frame
 *
 * The rotation matrix of Euler angles applied Z-Y-X (yaw, then pitch, then
 * roll), as #GstOdometry's attitude and #GstCameraModel's mount are.
 *
 * Since: 0.1
 */
void
gst_rotation_from_euler (gdouble roll, gdouble pitch, gdouble yaw,
    gdouble r[3][3])
{
  gdouble cr = cos (roll), sr = sin (roll);
  gdouble cp = cos (pitch), sp = sin (pitch);
  gdouble cy = cos (yaw), sy = sin (yaw);

  r[0][0] = cy * cp;
  r[0][1] = cy * sp * sr - sy * cr;
  r[0][2] = cy * sp * cr + sy * sr;
  r[1][0] = sy * cp;
  r[1][1] = sy * sp * sr + cy * cr;
  r[1][2] = sy * sp * cr - cy * sr;
  r[2][0] = -sp;
  r[2][1] = cp * sr;
  r[2][2] = cp * cr;
}

/**
 * gst_camera_model_init:
 * @cam: the camera to set up
 * @width: image width in pixels
 * @height: image height in pixels
 * @hfov: horizontal field of view, radians (0 < hfov < pi)
 *
 * A camera with square pixels, the principal point at the image centre and
 * the neutral mount (looking forward).
 *
 * Since: 0.1
 */
void
gst_camera_model_init (GstCameraModel * cam, guint width, guint height,
    gdouble hfov)
{
  g_return_if_fail (cam != NULL);
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (hfov > 0 && hfov < G_PI);

  cam->width = width;
  cam->height = height;
  cam->fx = cam->fy = (width / 2.0) / tan (hfov / 2.0);
  cam->cx = (width - 1) / 2.0;
  cam->cy = (height - 1) / 2.0;
  cam->mount_roll = cam->mount_pitch = cam->mount_yaw = 0;
}

/**
 * gst_camera_model_set_mount:
 * @cam: a #GstCameraModel
 * @roll: radians
 * @pitch: radians (-pi/2: looking straight down, the top of the image
 *   towards the nose)
 * @yaw: radians
 *
 * Sets how the camera is mounted on the body, relative to the neutral
 * mount looking forward (see #GstCameraModel).
 *
 * Since: 0.1
 */
void
gst_camera_model_set_mount (GstCameraModel * cam, gdouble roll,
    gdouble pitch, gdouble yaw)
{
  g_return_if_fail (cam != NULL);
  cam->mount_roll = roll;
  cam->mount_pitch = pitch;
  cam->mount_yaw = yaw;
}

/* Camera to NED: R_ned_body * R_body_mount * C, where C takes camera axes
 * (right, down, forward) to the neutral mount's body axes (y, z, x). */
static void
camera_to_ned (const GstCameraModel * cam, const GstOdometry * pose,
    gdouble m[3][3])
{
  gdouble body[3][3], mount[3][3], bm[3][3];
  gint i, j, k;

  gst_rotation_from_euler (pose->roll, pose->pitch, pose->yaw, body);
  gst_rotation_from_euler (cam->mount_roll, cam->mount_pitch, cam->mount_yaw,
      mount);
  for (i = 0; i < 3; i++)
    for (j = 0; j < 3; j++) {
      bm[i][j] = 0;
      for (k = 0; k < 3; k++)
        bm[i][j] += body[i][k] * mount[k][j];
    }
  /* columns: camera x = body y, camera y = body z, camera z = body x */
  for (i = 0; i < 3; i++) {
    m[i][0] = bm[i][1];
    m[i][1] = bm[i][2];
    m[i][2] = bm[i][0];
  }
}

/**
 * gst_camera_model_project:
 * @cam: a #GstCameraModel
 * @pose: the drone's local position and attitude
 * @north: the point, metres north of home
 * @east: metres east of home
 * @down: metres below home
 * @u: (out): pixel column
 * @v: (out): pixel row
 *
 * Projects a point of the local NED frame into the image of a camera on a
 * drone at @pose.
 *
 * Returns: %FALSE if the point is behind the camera (it may still be
 * outside the image: check @u and @v against the size).
 *
 * Since: 0.1
 */
gboolean
gst_camera_model_project (const GstCameraModel * cam,
    const GstOdometry * pose, gdouble north, gdouble east, gdouble down,
    gdouble * u, gdouble * v)
{
  gdouble m[3][3], d[3], c[3];
  gint i;

  g_return_val_if_fail (cam != NULL && pose != NULL, FALSE);

  camera_to_ned (cam, pose, m);
  d[0] = north - pose->north;
  d[1] = east - pose->east;
  d[2] = down - pose->down;
  /* NED to camera is the transpose */
  for (i = 0; i < 3; i++)
    c[i] = m[0][i] * d[0] + m[1][i] * d[1] + m[2][i] * d[2];
  if (c[2] <= 1e-9)
    return FALSE;
  *u = cam->fx * c[0] / c[2] + cam->cx;
  *v = cam->fy * c[1] / c[2] + cam->cy;
  return TRUE;
}

/**
 * gst_camera_model_pixel_to_ground:
 * @cam: a #GstCameraModel
 * @pose: (transfer none): where the drone is, and its attitude
 * @u: pixel column
 * @v: pixel row
 * @ground_down: the ground plane's `down` (0 for ground at home's height)
 * @north: (out): where the pixel's ray meets the ground
 * @east: (out): the same point's `east`
 *
 * Where on the ground the pixel looks: the ray of pixel (@u, @v) meets
 * the horizontal plane at @ground_down.
 *
 * Returns: %FALSE if the ray does not reach the ground in front of the
 * camera (it points at or above the horizon).
 *
 * Since: 0.1
 */
gboolean
gst_camera_model_pixel_to_ground (const GstCameraModel * cam,
    const GstOdometry * pose, gdouble u, gdouble v, gdouble ground_down,
    gdouble * north, gdouble * east)
{
  gdouble m[3][3], ray_c[3], ray[3], t;
  gint i;

  g_return_val_if_fail (cam != NULL && pose != NULL, FALSE);

  camera_to_ned (cam, pose, m);
  ray_c[0] = (u - cam->cx) / cam->fx;
  ray_c[1] = (v - cam->cy) / cam->fy;
  ray_c[2] = 1.0;
  for (i = 0; i < 3; i++)
    ray[i] = m[i][0] * ray_c[0] + m[i][1] * ray_c[1] + m[i][2] * ray_c[2];
  if (ray[2] <= 1e-9)
    return FALSE;
  t = (ground_down - pose->down) / ray[2];
  if (t <= 0)
    return FALSE;
  *north = pose->north + t * ray[0];
  *east = pose->east + t * ray[1];
  return TRUE;
}
