/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>

G_BEGIN_DECLS

/**
 * GST_ODOMETRY_CAPS:
 *
 * Caps of odometry items: one #GstOdometry per buffer, its time in the
 * buffer's PTS.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_CAPS "application/x-odometry"

/**
 * GST_ODOMETRY_SIZE:
 *
 * Size in bytes of one odometry item on the wire: a `guint32` magic
 * ("ODO1"), a `guint32` of #GstOdometryFields, a `guint64` source time in
 * microseconds, then the twelve `gdouble`s of #GstOdometry in declaration
 * order, all little-endian.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_SIZE 112

/**
 * GstOdometryFields:
 * @GST_ODOMETRY_HAS_LOCAL: @north, @east, @down are set
 * @GST_ODOMETRY_HAS_GLOBAL: @latitude, @longitude, @altitude are set
 * @GST_ODOMETRY_HAS_ATTITUDE: @roll, @pitch, @yaw are set
 * @GST_ODOMETRY_HAS_VELOCITY: @vn, @ve, @vd are set
 *
 * Which parts of a #GstOdometry are valid.
 *
 * Since: 0.1
 */
typedef enum {
  GST_ODOMETRY_HAS_LOCAL = (1 << 0),
  GST_ODOMETRY_HAS_GLOBAL = (1 << 1),
  GST_ODOMETRY_HAS_ATTITUDE = (1 << 2),
  GST_ODOMETRY_HAS_VELOCITY = (1 << 3),
} GstOdometryFields;

/**
 * GstOdometry:
 * @fields: which of the following are valid
 * @source_time_us: the vehicle's own clock (e.g. MAVLink time_boot_ms *
 *   1000), or 0
 * @north: metres north of home (local NED frame)
 * @east: metres east of home
 * @down: metres below home (negative when flying)
 * @latitude: degrees, WGS84
 * @longitude: degrees, WGS84
 * @altitude: metres above mean sea level
 * @roll: radians, right wing down positive
 * @pitch: radians, nose up positive
 * @yaw: radians, clockwise from north
 * @vn: m/s north
 * @ve: m/s east
 * @vd: m/s down
 *
 * Where the drone is and how it is oriented at one instant: the telemetry
 * item of the autonomy system. Angles are the aerospace Z-Y-X (yaw, pitch,
 * roll) Euler angles of the body frame (x forward, y right, z down)
 * relative to local NED.
 *
 * Since: 0.1
 */
typedef struct {
  GstOdometryFields fields;
  guint64 source_time_us;
  gdouble north, east, down;
  gdouble latitude, longitude, altitude;
  gdouble roll, pitch, yaw;
  gdouble vn, ve, vd;
} GstOdometry;

GST_AUTONOMY_API
void        gst_odometry_init (GstOdometry * odo);

GST_AUTONOMY_API
GstBuffer * gst_odometry_to_buffer (const GstOdometry * odo, GstClockTime pts);

GST_AUTONOMY_API
gboolean    gst_odometry_from_buffer (GstBuffer * buffer, GstOdometry * odo);

G_END_DECLS
