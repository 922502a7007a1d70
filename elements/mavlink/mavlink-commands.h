/* gst-workers: flight command items as MAVLink messages
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The mapping flightlink's sink pad applies: pure functions of the command
 * item and the vehicle's ids, so they can be table-tested (and fuzzed)
 * without a link or an element. The table is in flightlink's
 * documentation (gst-inspect-1.0 flightlink).
 */
#pragma once

#include <glib.h>
#include <gst/autonomy/autonomy.h>
#include "mavlink-messages.h"

G_BEGIN_DECLS

/**
 * MavlinkCommandMessage:
 *
 * Room for any message a flight command becomes.
 */
typedef union {
  MavlinkCommandLong command_long;
  MavlinkCommandInt command_int;
  MavlinkSetPositionTargetGlobalInt global;
  MavlinkSetPositionTargetLocalNed local;
  MavlinkRequestDataStream request_data_stream;
} MavlinkCommandMessage;

/**
 * MavlinkOutMessage:
 * @info: which message
 * @msg: the message
 */
typedef struct {
  const MavlinkMessageInfo *info;
  MavlinkCommandMessage msg;
} MavlinkOutMessage;

#define MAVLINK_RATE_REQUESTS_MAX 10

/* SET_POSITION_TARGET_*: position (and yaw) only */
#define MAVLINK_SETPOINT_POSITION_ONLY (POSITION_TARGET_TYPEMASK_VX_IGNORE | \
    POSITION_TARGET_TYPEMASK_VY_IGNORE | POSITION_TARGET_TYPEMASK_VZ_IGNORE | \
    POSITION_TARGET_TYPEMASK_AX_IGNORE | POSITION_TARGET_TYPEMASK_AY_IGNORE | \
    POSITION_TARGET_TYPEMASK_AZ_IGNORE | \
    POSITION_TARGET_TYPEMASK_YAW_RATE_IGNORE)

/**
 * MavlinkAutopilotFamily:
 * @MAVLINK_FAMILY_GENERIC: an autopilot of neither family: the common
 *   commands only
 * @MAVLINK_FAMILY_ARDUPILOT: ArduPilot (HEARTBEAT autopilot 3)
 * @MAVLINK_FAMILY_PX4: PX4 (HEARTBEAT autopilot 12)
 */
typedef enum {
  MAVLINK_FAMILY_GENERIC,
  MAVLINK_FAMILY_ARDUPILOT,
  MAVLINK_FAMILY_PX4,
} MavlinkAutopilotFamily;

/**
 * MavlinkTarget:
 * @system: the vehicle's system id
 * @component: its autopilot's component id
 * @family: the autopilot's family: modes and takeoff differ
 * @vehicle_type: its HEARTBEAT type (MAV_TYPE): ArduPilot's GUIDED mode
 *   number depends on it
 * @have_home: @home_altitude is known (HOME_POSITION)
 * @home_altitude: home's altitude above mean sea level, metres
 * @home_north: with @have_home, home in the vehicle's local frame (from
 *   its EKF origin): a command's local position, from home, is sent from
 *   the EKF origin
 * @home_east: metres
 * @home_down: metres
 * @goto_reposition: send a goto as COMMAND_INT MAV_CMD_DO_REPOSITION (a
 *   one-shot, acknowledged command: PX4's alternative to OFFBOARD
 *   setpoints) instead of a setpoint
 */
typedef struct {
  guint8 system;
  guint8 component;
  MavlinkAutopilotFamily family;
  guint8 vehicle_type;
  gboolean have_home;
  gdouble home_altitude;
  gdouble home_north, home_east, home_down;
  gboolean goto_reposition;
} MavlinkTarget;

MavlinkAutopilotFamily mavlink_autopilot_family (guint8 autopilot);

const gchar *mavlink_autopilot_family_name (MavlinkAutopilotFamily family);

const MavlinkMessageInfo * mavlink_command_from_flight_command (
    const GstFlightCommand * cmd, const MavlinkTarget * target,
    guint32 time_boot_ms, MavlinkCommandMessage * msg, const gchar ** why);

guint16       mavlink_command_number (const MavlinkMessageInfo * info,
                                      const MavlinkCommandMessage * msg);

void          mavlink_command_set_confirmation (
    const MavlinkMessageInfo * info, MavlinkCommandMessage * msg,
    guint8 confirmation);

const gchar * mavlink_result_name (guint8 result);

guint         mavlink_rate_requests (const MavlinkTarget * target,
                                     guint rate_hz, MavlinkOutMessage * out);

G_END_DECLS
