/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>

G_BEGIN_DECLS

/**
 * GST_FLIGHT_COMMAND_CAPS:
 *
 * Caps of flight command items: one #GstFlightCommand per buffer.
 *
 * Since: 0.1
 */
#define GST_FLIGHT_COMMAND_CAPS "application/x-flight-command"

/**
 * GST_FLIGHT_COMMAND_SIZE:
 *
 * Size in bytes of one command on the wire: `guint32` magic ("CMD1"),
 * `guint32` type, `guint32` target id, `guint32` #GstFlightCommandFlags,
 * then @north, @east, @down, @latitude, @longitude, @altitude, @yaw as
 * `gdouble`, all little-endian.
 *
 * Since: 0.1
 */
#define GST_FLIGHT_COMMAND_SIZE 72

/**
 * GstFlightCommandType:
 * @GST_FLIGHT_COMMAND_GOTO: fly to the position
 * @GST_FLIGHT_COMMAND_LOITER: hold at the position
 * @GST_FLIGHT_COMMAND_LAND: land at the position (or here)
 * @GST_FLIGHT_COMMAND_RETURN: return to launch
 * @GST_FLIGHT_COMMAND_ARM: arm the motors (Since: 0.2)
 * @GST_FLIGHT_COMMAND_DISARM: disarm the motors (Since: 0.2)
 * @GST_FLIGHT_COMMAND_TAKEOFF: take off to the height above home that
 *   `-down` gives (with %GST_FLIGHT_COMMAND_HAS_LOCAL), or to the
 *   autopilot's default height (Since: 0.2)
 * @GST_FLIGHT_COMMAND_GUIDED: hand the flight to the companion computer:
 *   the mode in which the vehicle follows its setpoints (ArduPilot GUIDED,
 *   PX4 OFFBOARD) (Since: 0.2)
 *
 * What a flight command asks the flight controller to do.
 */
typedef enum {
  GST_FLIGHT_COMMAND_GOTO = 1,
  GST_FLIGHT_COMMAND_LOITER = 2,
  GST_FLIGHT_COMMAND_LAND = 3,
  GST_FLIGHT_COMMAND_RETURN = 4,
  GST_FLIGHT_COMMAND_ARM = 5,
  GST_FLIGHT_COMMAND_DISARM = 6,
  GST_FLIGHT_COMMAND_TAKEOFF = 7,
  GST_FLIGHT_COMMAND_GUIDED = 8,
} GstFlightCommandType;

/**
 * GstFlightCommandFlags:
 * @GST_FLIGHT_COMMAND_HAS_LOCAL: @north, @east, @down are set
 * @GST_FLIGHT_COMMAND_HAS_GLOBAL: @latitude, @longitude, @altitude are set
 * @GST_FLIGHT_COMMAND_HAS_YAW: @yaw is set
 *
 * Which of a command's positions are set.
 *
 * Since: 0.1
 */
typedef enum {
  GST_FLIGHT_COMMAND_HAS_LOCAL = (1 << 0),
  GST_FLIGHT_COMMAND_HAS_GLOBAL = (1 << 1),
  GST_FLIGHT_COMMAND_HAS_YAW = (1 << 2),
} GstFlightCommandFlags;

/**
 * GstFlightCommand:
 * @type: what to do
 * @target_id: the target estimate it answers, or 0
 * @flags: which positions are set
 * @north: metres north of home (local NED)
 * @east: metres east of home
 * @down: metres below home
 * @latitude: degrees, WGS84
 * @longitude: degrees, WGS84
 * @altitude: metres above mean sea level
 * @yaw: radians, clockwise from north
 *
 * A command for the flight controller: the item on the feedback edge of
 * the autonomy system.
 *
 * Since: 0.1
 */
typedef struct {
  GstFlightCommandType type;
  guint32 target_id;
  GstFlightCommandFlags flags;
  gdouble north, east, down;
  gdouble latitude, longitude, altitude;
  gdouble yaw;
} GstFlightCommand;

GST_AUTONOMY_API
void        gst_flight_command_init (GstFlightCommand * cmd,
                                     GstFlightCommandType type);

GST_AUTONOMY_API
GstBuffer * gst_flight_command_to_buffer (const GstFlightCommand * cmd,
                                          GstClockTime pts);

GST_AUTONOMY_API
gboolean    gst_flight_command_from_buffer (GstBuffer * buffer,
                                            GstFlightCommand * cmd);

GST_AUTONOMY_API
const gchar * gst_flight_command_type_to_string (GstFlightCommandType type);

G_END_DECLS
