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
 * mavlink_autopilot_family:
 * @autopilot: HEARTBEAT's autopilot field (MAV_AUTOPILOT)
 *
 * Returns: the family of that autopilot
 */
MavlinkAutopilotFamily
mavlink_autopilot_family (guint8 autopilot)
{
  switch (autopilot) {
    case MAV_AUTOPILOT_ARDUPILOTMEGA:
      return MAVLINK_FAMILY_ARDUPILOT;
    case MAV_AUTOPILOT_PX4:
      return MAVLINK_FAMILY_PX4;
    default:
      return MAVLINK_FAMILY_GENERIC;
  }
}

/**
 * mavlink_autopilot_family_name:
 * @family: an autopilot family
 *
 * Returns: "ardupilot", "px4" or "generic"
 */
const gchar *
mavlink_autopilot_family_name (MavlinkAutopilotFamily family)
{
  switch (family) {
    case MAVLINK_FAMILY_ARDUPILOT:
      return "ardupilot";
    case MAVLINK_FAMILY_PX4:
      return "px4";
    default:
      return "generic";
  }
}

/* ArduPilot's GUIDED is mode 4 in Copter (and Sub), 15 in Plane (VTOLs
 * included) and Rover. */
static guint
ardupilot_guided_mode (guint8 vehicle_type)
{
  if (vehicle_type == MAV_TYPE_FIXED_WING ||
      vehicle_type == MAV_TYPE_GROUND_ROVER ||
      vehicle_type == MAV_TYPE_SURFACE_BOAT ||
      (vehicle_type >= MAV_TYPE_VTOL_TAILSITTER_DUOROTOR &&
          vehicle_type <= MAV_TYPE_VTOL_RESERVED5))
    return ARDUPLANE_MODE_GUIDED;
  return ARDUCOPTER_MODE_GUIDED;
}

/* MAV_CMD_NAV_TAKEOFF: param7 is the height above home on ArduPilot, an
 * altitude above mean sea level on PX4 (NaN: its default height); the
 * height comes from the command's local down (or its global altitude and
 * home's). */
static const MavlinkMessageInfo *
takeoff (const GstFlightCommand * cmd, const MavlinkTarget * target,
    MavlinkCommandLong * c, const gchar ** why)
{
  gboolean global = (cmd->flags & GST_FLIGHT_COMMAND_HAS_GLOBAL) != 0;
  gboolean local = (cmd->flags & GST_FLIGHT_COMMAND_HAS_LOCAL) != 0;
  gdouble height = NAN, amsl = NAN;

  if (local) {
    height = -cmd->down;
    if (target->have_home)
      amsl = target->home_altitude + height;
  } else if (global) {
    amsl = cmd->altitude;
    if (target->have_home)
      height = cmd->altitude - target->home_altitude;
  }
  if ((local || global) && !(isfinite (height) || isfinite (amsl))) {
    *why = "takeoff height not finite";
    return NULL;
  }

  c->target_system = target->system;
  c->target_component = target->component;
  c->command = MAV_CMD_NAV_TAKEOFF;
  c->param4 = NAN;
  if (target->family == MAVLINK_FAMILY_PX4) {
    c->param5 = c->param6 = NAN;
    c->param7 = amsl;
  } else {
    if (!isfinite (height) || height <= 0) {
      *why = "a takeoff needs a height above home: a local position with "
          "down below 0 (or a global altitude once home is known)";
      return NULL;
    }
    c->param7 = height;
  }
  return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
}

/* The mapping, positions from the vehicle's EKF origin. */
static const MavlinkMessageInfo *
from_flight_command (const GstFlightCommand * cmd,
    const MavlinkTarget * target, guint32 time_boot_ms,
    MavlinkCommandMessage * m, const gchar ** why)
{
  guint8 target_system = target->system;
  guint8 target_component = target->component;
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
      if (target->goto_reposition) {
        MavlinkCommandInt *c = &m->command_int;

        if (!global) {
          *why = "a reposition needs a global position";
          return NULL;
        }
        c->target_system = target_system;
        c->target_component = target_component;
        c->frame = MAV_FRAME_GLOBAL;
        c->command = MAV_CMD_DO_REPOSITION;
        c->param1 = -1;         /* the default ground speed */
        c->param2 = MAV_DO_REPOSITION_FLAGS_CHANGE_MODE;
        c->param3 = 0;
        c->param4 = yaw_deg;
        scale_to_int32 (cmd->latitude, 1e7, &c->x);
        scale_to_int32 (cmd->longitude, 1e7, &c->y);
        c->z = cmd->altitude;
        return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_INT);
      }
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

    case GST_FLIGHT_COMMAND_ARM:
    case GST_FLIGHT_COMMAND_DISARM:{
      MavlinkCommandLong *c = &m->command_long;

      c->target_system = target_system;
      c->target_component = target_component;
      c->command = MAV_CMD_COMPONENT_ARM_DISARM;
      c->param1 = cmd->type == GST_FLIGHT_COMMAND_ARM ? 1 : 0;
      return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
    }

    case GST_FLIGHT_COMMAND_TAKEOFF:
      return takeoff (cmd, target, &m->command_long, why);

    case GST_FLIGHT_COMMAND_GUIDED:{
      MavlinkCommandLong *c = &m->command_long;

      c->target_system = target_system;
      c->target_component = target_component;
      c->command = MAV_CMD_DO_SET_MODE;
      c->param1 = MAV_MODE_FLAG_CUSTOM_MODE_ENABLED;
      switch (target->family) {
        case MAVLINK_FAMILY_ARDUPILOT:
          c->param2 = ardupilot_guided_mode (target->vehicle_type);
          break;
        case MAVLINK_FAMILY_PX4:
          c->param2 = PX4_CUSTOM_MAIN_MODE_OFFBOARD;
          break;
        default:
          *why = "the autopilot is neither ArduPilot nor PX4, and its "
              "guided mode is not known (set the autopilot property)";
          return NULL;
      }
      return mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
    }
  }
  *why = "unknown command type";
  return NULL;
}

/**
 * mavlink_command_from_flight_command:
 * @cmd: the command item
 * @target: the vehicle
 * @time_boot_ms: the sender's time, for the setpoints' `time_boot_ms`
 * @msg: (out caller-allocates): the message
 * @why: (out): why it cannot be sent, when it returns %NULL
 *
 * Turns a command into a MAVLink message (see the table in flightlink's
 * documentation). A local position is from home: once @target has its
 * home, it is sent from the vehicle's EKF origin.
 *
 * Returns: (nullable): the description of the message written in @msg, or
 * %NULL (with @why set) when the command cannot be sent
 */
const MavlinkMessageInfo *
mavlink_command_from_flight_command (const GstFlightCommand * cmd,
    const MavlinkTarget * target, guint32 time_boot_ms,
    MavlinkCommandMessage * m, const gchar ** why)
{
  GstFlightCommand from_origin;

  /* local positions are from home; the vehicle's local frame is from its
   * EKF origin (a takeoff's height stays above home) */
  if (target->have_home && (cmd->flags & GST_FLIGHT_COMMAND_HAS_LOCAL) &&
      cmd->type != GST_FLIGHT_COMMAND_TAKEOFF) {
    from_origin = *cmd;
    from_origin.north += target->home_north;
    from_origin.east += target->home_east;
    from_origin.down += target->home_down;
    cmd = &from_origin;
  }
  return from_flight_command (cmd, target, time_boot_ms, m, why);
}

/**
 * mavlink_command_number:
 *
 * Returns: the MAV_CMD of a COMMAND_LONG or COMMAND_INT (what its
 * COMMAND_ACK names), 0 for another message (a setpoint: no answer)
 */
guint16
mavlink_command_number (const MavlinkMessageInfo * info,
    const MavlinkCommandMessage * msg)
{
  if (info->id == MAVLINK_MSG_ID_COMMAND_LONG)
    return msg->command_long.command;
  if (info->id == MAVLINK_MSG_ID_COMMAND_INT)
    return msg->command_int.command;
  return 0;
}

/**
 * mavlink_command_set_confirmation:
 *
 * A COMMAND_LONG sent again counts its retries in `confirmation`
 * (COMMAND_INT has no such field: it goes again as it was).
 */
void
mavlink_command_set_confirmation (const MavlinkMessageInfo * info,
    MavlinkCommandMessage * msg, guint8 confirmation)
{
  if (info->id == MAVLINK_MSG_ID_COMMAND_LONG)
    msg->command_long.confirmation = confirmation;
}

/**
 * mavlink_result_name:
 *
 * Returns: "accepted", "temporarily-rejected", "denied", "unsupported",
 * "failed", "in-progress", "cancelled" for a MAV_RESULT, or "unknown"
 */
const gchar *
mavlink_result_name (guint8 result)
{
  static const gchar *const names[] = { "accepted", "temporarily-rejected",
    "denied", "unsupported", "failed", "in-progress", "cancelled"
  };

  return result < G_N_ELEMENTS (names) ? names[result] : "unknown";
}

static void
message_interval (MavlinkOutMessage * out, const MavlinkTarget * target,
    guint32 msgid, gdouble hz)
{
  MavlinkCommandLong *c = &out->msg.command_long;

  memset (out, 0, sizeof (*out));
  out->info = mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG);
  c->target_system = target->system;
  c->target_component = target->component;
  c->command = MAV_CMD_SET_MESSAGE_INTERVAL;
  c->param1 = msgid;
  c->param2 = (gfloat) round (1e6 / hz);
}

static void
data_stream (MavlinkOutMessage * out, const MavlinkTarget * target,
    guint8 stream, guint16 hz)
{
  MavlinkRequestDataStream *r = &out->msg.request_data_stream;

  memset (out, 0, sizeof (*out));
  out->info = mavlink_message_info (MAVLINK_MSG_ID_REQUEST_DATA_STREAM);
  r->target_system = target->system;
  r->target_component = target->component;
  r->req_stream_id = stream;
  r->req_message_rate = hz;
  r->start_stop = 1;
}

/**
 * mavlink_rate_requests:
 * @rate_hz: the odometry's rate (GLOBAL_POSITION_INT, ATTITUDE,
 *   LOCAL_POSITION_NED); the state (SYS_STATUS, GPS_RAW_INT,
 *   EXTENDED_SYS_STATE, HOME_POSITION) comes at 1 Hz
 * @out: (out caller-allocates): room for %MAVLINK_RATE_REQUESTS_MAX
 *
 * The messages that ask the vehicle for its telemetry:
 * MAV_CMD_SET_MESSAGE_INTERVAL for each message, and for ArduPilot
 * (whose older versions know only those) REQUEST_DATA_STREAM of
 * MAV_DATA_STREAM_POSITION and EXTRA1 at @rate_hz and EXTENDED_STATUS at
 * 2 Hz (they override the SRn_ parameters).
 *
 * Returns: how many
 */
guint
mavlink_rate_requests (const MavlinkTarget * target, guint rate_hz,
    MavlinkOutMessage * out)
{
  static const guint32 fast[] = { MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
    MAVLINK_MSG_ID_ATTITUDE, MAVLINK_MSG_ID_LOCAL_POSITION_NED
  };
  static const guint32 slow[] = { MAVLINK_MSG_ID_SYS_STATUS,
    MAVLINK_MSG_ID_GPS_RAW_INT, MAVLINK_MSG_ID_EXTENDED_SYS_STATE,
    MAVLINK_MSG_ID_HOME_POSITION
  };
  guint n = 0, i;

  if (!rate_hz)
    return 0;
  for (i = 0; i < G_N_ELEMENTS (fast); i++)
    message_interval (&out[n++], target, fast[i], rate_hz);
  for (i = 0; i < G_N_ELEMENTS (slow); i++)
    message_interval (&out[n++], target, slow[i], 1);
  if (target->family == MAVLINK_FAMILY_ARDUPILOT) {
    data_stream (&out[n++], target, 6, MIN (rate_hz, G_MAXUINT16));
    data_stream (&out[n++], target, 10, MIN (rate_hz, G_MAXUINT16));
    data_stream (&out[n++], target, 2, 2);
  }
  g_assert (n <= MAVLINK_RATE_REQUESTS_MAX);
  return n;
}
