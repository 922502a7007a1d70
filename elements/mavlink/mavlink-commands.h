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
} MavlinkCommandMessage;

/* SET_POSITION_TARGET_*: position (and yaw) only */
#define MAVLINK_SETPOINT_POSITION_ONLY (POSITION_TARGET_TYPEMASK_VX_IGNORE | \
    POSITION_TARGET_TYPEMASK_VY_IGNORE | POSITION_TARGET_TYPEMASK_VZ_IGNORE | \
    POSITION_TARGET_TYPEMASK_AX_IGNORE | POSITION_TARGET_TYPEMASK_AY_IGNORE | \
    POSITION_TARGET_TYPEMASK_AZ_IGNORE | \
    POSITION_TARGET_TYPEMASK_YAW_RATE_IGNORE)

const MavlinkMessageInfo * mavlink_command_from_flight_command (
    const GstFlightCommand * cmd, guint8 target_system,
    guint8 target_component, guint32 time_boot_ms,
    MavlinkCommandMessage * msg, const gchar ** why);

G_END_DECLS
