/* gst-workers: flightlink's enum types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The GTypes of the enums of flightlink-enums.h (its properties' values).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flightlink-enums.h"

/* The GType of an enum, registered once. */
static GType
register_enum (gsize * type, const gchar * name, const GEnumValue * values)
{
  if (g_once_init_enter (type)) {
    GType t = g_enum_register_static (name, values);
    g_once_init_leave (type, t);
  }
  return *type;
}

GType
gst_flight_link_version_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_FLIGHT_LINK_VERSION_AUTO,
        "MAVLink 2, or 1 if the vehicle's heartbeat is MAVLink 1", "auto"},
    {GST_FLIGHT_LINK_VERSION_1, "MAVLink 1", "1"},
    {GST_FLIGHT_LINK_VERSION_2, "MAVLink 2", "2"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstFlightLinkVersion", values);
}

GType
gst_flight_link_timestamp_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_FLIGHT_LINK_TIMESTAMP_ARRIVAL,
          "The running time at which flightlink read the message; one item "
          "per message", "arrival"},
    {GST_FLIGHT_LINK_TIMESTAMP_VEHICLE,
          "The vehicle's time of the message (time_boot_ms), mapped to the "
          "running time by the smallest offset seen; one item per vehicle "
          "time", "vehicle"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstFlightLinkTimestampMode", values);
}

GType
gst_flight_link_autopilot_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_FLIGHT_LINK_AUTOPILOT_AUTO,
        "From the vehicle's HEARTBEAT (autopilot 3: ArduPilot, 12: PX4, else "
          "generic)", "auto"},
    {GST_FLIGHT_LINK_AUTOPILOT_ARDUPILOT, "ArduPilot", "ardupilot"},
    {GST_FLIGHT_LINK_AUTOPILOT_PX4, "PX4", "px4"},
    {GST_FLIGHT_LINK_AUTOPILOT_GENERIC,
        "Neither: the common commands only (no guided mode)", "generic"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstFlightLinkAutopilot", values);
}

GType
gst_flight_link_goto_command_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_FLIGHT_LINK_GOTO_SETPOINT,
        "A position setpoint (SET_POSITION_TARGET_*), streamed on PX4",
          "setpoint"},
    {GST_FLIGHT_LINK_GOTO_REPOSITION,
          "COMMAND_INT MAV_CMD_DO_REPOSITION to a global position, "
          "acknowledged", "reposition"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstFlightLinkGotoCommand", values);
}
