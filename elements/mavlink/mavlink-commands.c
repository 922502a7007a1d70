/* gst-workers: flight command items as MAVLink messages
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include "mavlink-commands.h"

static gboolean
scale_to_int32 (gdouble v, gdouble scale, gint32 * out)
{
  gdouble s = round (v * scale);

  if (!(s >= G_MININT32 && s <= G_MAXINT32))
    return FALSE;
  *out = (gint32) s;
  return TRUE;
}

/**
 * mavlink_command_from_flight_command:
 * @cmd: the command item
 * @target_system: the vehicle's system id
 * @target_component: the vehicle's autopilot component id
 * @time_boot_ms: the sender's time, for the setpoints' `time_boot_ms`
 * @msg: (out caller-allocates): the message
 * @why: (out): why it cannot be sent, when it returns %NULL
 *
 * Turns a command into a MAVLink message (see the table in flightlink's
 * documentation).
 *
 * Returns: (nullable): the description of the message written in @msg, or
 * %NULL (with @why set) when the command cannot be sent
 */
const MavlinkMessageInfo *
mavlink_command_from_flight_command (const GstFlightCommand * cmd,
    guint8 target_system, guint8 target_component, guint32 time_boot_ms,
    MavlinkCommandMessage * m, const gchar ** why)
{
  gboolean global = (cmd->flags & GST_FLIGHT_COMMAND_HAS_GLOBAL) != 0;
  gboolean local = (cmd->flags & GST_FLIGHT_COMMAND_HAS_LOCAL) != 0;
  gboolean has_yaw = (cmd->flags & GST_FLIGHT_COMMAND_HAS_YAW) != 0;
  gfloat yaw_deg = has_yaw ? (gfloat) (cmd->yaw * 180.0 / G_PI) : NAN;
  guint16 command;

  memset (m, 0, sizeof (*m));
  if (global && (fabs (cmd->latitude) > 90.0 ||
          fabs (cmd->longitude) > 180.0)) {
    *why = "latitude or longitude out of range";
    return NULL;
  }

  switch (cmd->type) {
    case GST_FLIGHT_COMMAND_GOTO:
      if (global) {
        MavlinkSetPositionTargetGlobalInt *g = &m->global;

        g->time_boot_ms = time_boot_ms;
        g->target_system = target_system;
        g->target_component = target_component;
        g->coordinate_frame = MAV_FRAME_GLOBAL_INT;
        g->type_mask = MAVLINK_SETPOINT_POSITION_ONLY |
            (has_yaw ? 0 : POSITION_TARGET_TYPEMASK_YAW_IGNORE);
        scale_to_int32 (cmd->latitude, 1e7, &g->lat_int);
        scale_to_int32 (cmd->longitude, 1e7, &g->lon_int);
        g->alt = cmd->altitude;
        g->yaw = has_yaw ? cmd->yaw : 0;
        return mavlink_message_info
            (MAVLINK_MSG_ID_SET_POSITION_TARGET_GLOBAL_INT);
      }
      if (local) {
        MavlinkSetPositionTargetLocalNed *l = &m->local;

        l->time_boot_ms = time_boot_ms;
        l->target_system = target_system;
        l->target_component = target_component;
        l->coordinate_frame = MAV_FRAME_LOCAL_NED;
        l->type_mask = MAVLINK_SETPOINT_POSITION_ONLY |
            (has_yaw ? 0 : POSITION_TARGET_TYPEMASK_YAW_IGNORE);
        l->x = cmd->north;
        l->y = cmd->east;
        l->z = cmd->down;
        l->yaw = has_yaw ? cmd->yaw : 0;
        return mavlink_message_info
            (MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED);
      }
      *why = "a goto needs a global or a local position";
      return NULL;

    case GST_FLIGHT_COMMAND_LOITER:
    case GST_FLIGHT_COMMAND_LAND:
      command = cmd->type == GST_FLIGHT_COMMAND_LOITER ?
          MAV_CMD_NAV_LOITER_UNLIM : MAV_CMD_NAV_LAND;
      if (global || local) {
        MavlinkCommandInt *c = &m->command_int;

        c->target_system = target_system;
        c->target_component = target_component;
        c->command = command;
        c->param4 = yaw_deg;
        if (global) {
          c->frame = MAV_FRAME_GLOBAL;
          scale_to_int32 (cmd->latitude, 1e7, &c->x);
          scale_to_int32 (cmd->longitude, 1e7, &c->y);
          c->z = cmd->altitude;
        } else {
          c->frame = MAV_FRAME_LOCAL_NED;
          if (!scale_to_int32 (cmd->north, 1e4, &c->x) ||
              !scale_to_int32 (cmd->east, 1e4, &c->y)) {
            *why = "local position out of range";
            return NULL;
          }
          c->z = cmd->down;
        }
        return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_INT);
      } else {
        MavlinkCommandLong *c = &m->command_long;

        c->target_system = target_system;
        c->target_component = target_component;
        c->command = command;
        c->param4 = yaw_deg;
        c->param5 = c->param6 = c->param7 = NAN;
        return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
      }

    case GST_FLIGHT_COMMAND_RETURN:{
      MavlinkCommandLong *c = &m->command_long;

      c->target_system = target_system;
      c->target_component = target_component;
      c->command = MAV_CMD_NAV_RETURN_TO_LAUNCH;
      return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
    }
  }
  *why = "unknown command type";
  return NULL;
}
