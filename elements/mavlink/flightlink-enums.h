/* gst-workers: flightlink's enum types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The values of flightlink's enum properties, for the element and the
 * parts that hold or use them (its settings); gstflightlink.h includes
 * them.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * GstFlightLinkVersion:
 * @GST_FLIGHT_LINK_VERSION_AUTO: MAVLink 2, or MAVLink 1 if the vehicle's
 *   heartbeat comes in MAVLink 1
 * @GST_FLIGHT_LINK_VERSION_1: always MAVLink 1
 * @GST_FLIGHT_LINK_VERSION_2: always MAVLink 2
 *
 * The MAVLink version flightlink writes in. It reads both.
 */
typedef enum {
  GST_FLIGHT_LINK_VERSION_AUTO = 0,
  GST_FLIGHT_LINK_VERSION_1 = 1,
  GST_FLIGHT_LINK_VERSION_2 = 2,
} GstFlightLinkVersion;

#define GST_TYPE_FLIGHT_LINK_VERSION (gst_flight_link_version_get_type ())
GType gst_flight_link_version_get_type (void);

/**
 * GstFlightLinkTimestampMode:
 * @GST_FLIGHT_LINK_TIMESTAMP_ARRIVAL: the running time at which flightlink
 *   read the message
 * @GST_FLIGHT_LINK_TIMESTAMP_VEHICLE: the message's time on the vehicle's
 *   clock (`time_boot_ms`), mapped to the running time by the smallest
 *   offset seen
 *
 * How flightlink timestamps its odometry items.
 */
typedef enum {
  GST_FLIGHT_LINK_TIMESTAMP_ARRIVAL = 0,
  GST_FLIGHT_LINK_TIMESTAMP_VEHICLE = 1,
} GstFlightLinkTimestampMode;

#define GST_TYPE_FLIGHT_LINK_TIMESTAMP_MODE \
    (gst_flight_link_timestamp_mode_get_type ())
GType gst_flight_link_timestamp_mode_get_type (void);

/**
 * GstFlightLinkAutopilot:
 * @GST_FLIGHT_LINK_AUTOPILOT_AUTO: from the vehicle's HEARTBEAT
 *   (`autopilot` 3: ArduPilot, 12: PX4, else generic)
 * @GST_FLIGHT_LINK_AUTOPILOT_ARDUPILOT: ArduPilot
 * @GST_FLIGHT_LINK_AUTOPILOT_PX4: PX4
 * @GST_FLIGHT_LINK_AUTOPILOT_GENERIC: neither: the common commands only
 *
 * The autopilot family flightlink speaks to: the guided mode, the takeoff
 * and the setpoint stream differ.
 */
typedef enum {
  GST_FLIGHT_LINK_AUTOPILOT_AUTO = 0,
  GST_FLIGHT_LINK_AUTOPILOT_ARDUPILOT = 1,
  GST_FLIGHT_LINK_AUTOPILOT_PX4 = 2,
  GST_FLIGHT_LINK_AUTOPILOT_GENERIC = 3,
} GstFlightLinkAutopilot;

#define GST_TYPE_FLIGHT_LINK_AUTOPILOT (gst_flight_link_autopilot_get_type ())
GType gst_flight_link_autopilot_get_type (void);

/**
 * GstFlightLinkGotoCommand:
 * @GST_FLIGHT_LINK_GOTO_SETPOINT: SET_POSITION_TARGET_GLOBAL_INT or
 *   _LOCAL_NED (ArduPilot GUIDED, PX4 OFFBOARD: streamed)
 * @GST_FLIGHT_LINK_GOTO_REPOSITION: COMMAND_INT MAV_CMD_DO_REPOSITION, a
 *   global position, acknowledged (PX4's one-shot alternative in HOLD)
 *
 * How flightlink sends a goto.
 */
typedef enum {
  GST_FLIGHT_LINK_GOTO_SETPOINT = 0,
  GST_FLIGHT_LINK_GOTO_REPOSITION = 1,
} GstFlightLinkGotoCommand;

#define GST_TYPE_FLIGHT_LINK_GOTO_COMMAND \
    (gst_flight_link_goto_command_get_type ())
GType gst_flight_link_goto_command_get_type (void);

G_END_DECLS
