/* gst-workers: MAVLink telemetry messages as odometry values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "mavlink-telemetry.h"

/* Decodes @frame into @t: VALID with its values, INVALID (@t->what says
 * which) when a float is not finite, NONE when it is no telemetry. */
MavlinkTelemetryKind
mavlink_telemetry_decode (const MavlinkFrame * frame, MavlinkTelemetry * t)
{
  GstOdometry *v = &t->values;

  gst_odometry_init (v);
  t->msgid = frame->msgid;
  t->what = NULL;
  t->time_boot_ms = 0;
  switch (frame->msgid) {
    case MAVLINK_MSG_ID_GLOBAL_POSITION_INT:{
      MavlinkGlobalPositionInt m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      t->what = "GLOBAL_POSITION_INT";
      t->time_boot_ms = m.time_boot_ms;
      v->latitude = m.lat / 1e7;
      v->longitude = m.lon / 1e7;
      v->altitude = m.alt / 1000.0;
      v->vn = m.vx / 100.0;
      v->ve = m.vy / 100.0;
      v->vd = m.vz / 100.0;
      v->fields = GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY;
      return MAVLINK_TELEMETRY_VALID;
    }
    case MAVLINK_MSG_ID_LOCAL_POSITION_NED:{
      MavlinkLocalPositionNed m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      t->what = "LOCAL_POSITION_NED";
      t->time_boot_ms = m.time_boot_ms;
      if (!isfinite (m.x) || !isfinite (m.y) || !isfinite (m.z) ||
          !isfinite (m.vx) || !isfinite (m.vy) || !isfinite (m.vz))
        return MAVLINK_TELEMETRY_INVALID;
      v->north = m.x;
      v->east = m.y;
      v->down = m.z;
      v->vn = m.vx;
      v->ve = m.vy;
      v->vd = m.vz;
      v->fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_VELOCITY;
      return MAVLINK_TELEMETRY_VALID;
    }
    case MAVLINK_MSG_ID_ATTITUDE:{
      MavlinkAttitude m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      t->what = "ATTITUDE";
      t->time_boot_ms = m.time_boot_ms;
      if (!isfinite (m.roll) || !isfinite (m.pitch) || !isfinite (m.yaw))
        return MAVLINK_TELEMETRY_INVALID;
      v->roll = m.roll;
      v->pitch = m.pitch;
      v->yaw = m.yaw;
      v->fields = GST_ODOMETRY_HAS_ATTITUDE;
      return MAVLINK_TELEMETRY_VALID;
    }
    default:
      return MAVLINK_TELEMETRY_NONE;
  }
}

/* Merges a VALID @t into @odo: the fields it sets replace the item's,
 * the local position minus @home_offset (home in the local frame). */
void
mavlink_telemetry_apply (const MavlinkTelemetry * t,
    const gdouble home_offset[3], GstOdometry * odo)
{
  const GstOdometry *v = &t->values;

  if (v->fields & GST_ODOMETRY_HAS_GLOBAL) {
    odo->latitude = v->latitude;
    odo->longitude = v->longitude;
    odo->altitude = v->altitude;
  }
  if (v->fields & GST_ODOMETRY_HAS_LOCAL) {
    odo->north = v->north - home_offset[0];
    odo->east = v->east - home_offset[1];
    odo->down = v->down - home_offset[2];
  }
  if (v->fields & GST_ODOMETRY_HAS_VELOCITY) {
    odo->vn = v->vn;
    odo->ve = v->ve;
    odo->vd = v->vd;
  }
  if (v->fields & GST_ODOMETRY_HAS_ATTITUDE) {
    odo->roll = v->roll;
    odo->pitch = v->pitch;
    odo->yaw = v->yaw;
  }
  odo->fields |= v->fields;
}
