/* gst-workers: MAVLink telemetry messages as odometry values
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What flightlink's src pad makes of the vehicle's telemetry, as pure
 * functions (no link, no element): a GLOBAL_POSITION_INT,
 * LOCAL_POSITION_NED or ATTITUDE frame decoded into the odometry fields
 * it sets, then merged into the item being built, the local position
 * counted from home. Table-tested in tests/check/mavlinktelemetry.c.
 */
#pragma once

#include <glib.h>
#include <gst/autonomy/autonomy.h>

#include "mavlink-codec.h"

G_BEGIN_DECLS

typedef enum {
  MAVLINK_TELEMETRY_NONE,       /* not a telemetry message */
  MAVLINK_TELEMETRY_VALID,
  MAVLINK_TELEMETRY_INVALID,    /* values that are not finite */
} MavlinkTelemetryKind;

typedef struct {
  guint32 msgid;
  const gchar *what;            /* the message's name */
  guint32 time_boot_ms;
  /* the message's values, in the fields it sets; the local position as
   * the vehicle sends it (from the EKF origin) */
  GstOdometry values;
} MavlinkTelemetry;

MavlinkTelemetryKind mavlink_telemetry_decode (const MavlinkFrame * frame,
    MavlinkTelemetry * t);

void mavlink_telemetry_apply (const MavlinkTelemetry * t,
    const gdouble home_offset[3], GstOdometry * odo);

G_END_DECLS
