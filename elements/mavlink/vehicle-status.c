/* gst-workers: what flightlink knows of the vehicle's state
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "vehicle-status.h"

void
vehicle_status_init (VehicleStatus * state)
{
  memset (state, 0, sizeof (*state));
  state->battery_remaining = -1;
  state->satellites = 255;
}

/**
 * vehicle_status_update:
 * @frame: a frame from the vehicle (any message)
 *
 * Takes in HEARTBEAT, SYS_STATUS, GPS_RAW_INT, EXTENDED_SYS_STATE and
 * HOME_POSITION; other messages change nothing.
 *
 * Returns: what changed; a battery level changes it by a whole percent,
 * the voltage alone does not
 */
VehicleStatusChange
vehicle_status_update (VehicleStatus * state, const MavlinkFrame * frame)
{
  VehicleStatus before = *state;

  switch (frame->msgid) {
    case MAVLINK_MSG_ID_HEARTBEAT:{
      MavlinkHeartbeat m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      state->mode = m.custom_mode;
      state->armed = (m.base_mode & MAV_MODE_FLAG_SAFETY_ARMED) != 0;
      state->system_status = m.system_status;
      break;
    }
    case MAVLINK_MSG_ID_SYS_STATUS:{
      MavlinkSysStatus m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      state->battery_remaining = m.battery_remaining;
      state->voltage_mv = m.voltage_battery == G_MAXUINT16 ? 0 :
          m.voltage_battery;
      before.voltage_mv = state->voltage_mv;
      break;
    }
    case MAVLINK_MSG_ID_GPS_RAW_INT:{
      MavlinkGpsRawInt m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      state->gps_fix = m.fix_type;
      state->satellites = m.satellites_visible;
      break;
    }
    case MAVLINK_MSG_ID_EXTENDED_SYS_STATE:{
      MavlinkExtendedSysState m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      state->landed_state = m.landed_state;
      break;
    }
    case MAVLINK_MSG_ID_HOME_POSITION:{
      MavlinkHomePosition m;

      mavlink_frame_decode (frame, frame->msgid, &m);
      state->home_latitude = m.latitude / 1e7;
      state->home_longitude = m.longitude / 1e7;
      state->home_altitude = m.altitude / 1000.0;
      state->home_north = m.x;
      state->home_east = m.y;
      state->home_down = m.z;
      state->have_home = TRUE;
      if (!before.have_home || before.home_latitude != state->home_latitude ||
          before.home_longitude != state->home_longitude ||
          before.home_altitude != state->home_altitude ||
          before.home_north != state->home_north ||
          before.home_east != state->home_east ||
          before.home_down != state->home_down)
        return VEHICLE_STATUS_HOME;
      return VEHICLE_STATUS_UNCHANGED;
    }
    default:
      return VEHICLE_STATUS_UNCHANGED;
  }
  return memcmp (&before, state, sizeof (before)) ? VEHICLE_STATUS_CHANGED :
      VEHICLE_STATUS_UNCHANGED;
}

/**
 * vehicle_landed_state_name:
 *
 * Returns: "undefined", "on-ground", "in-air", "takeoff", "landing" (a
 * MAV_LANDED_STATE), or "unknown"
 */
const gchar *
vehicle_landed_state_name (guint8 landed_state)
{
  static const gchar *const names[] = { "undefined", "on-ground", "in-air",
    "takeoff", "landing"
  };

  return landed_state < G_N_ELEMENTS (names) ? names[landed_state] :
      "unknown";
}

/**
 * vehicle_status_to_structure:
 *
 * Returns: (transfer full): a structure named @name with fields `mode`,
 * `armed`, `system-status`, `landed-state` (string), `battery-remaining`
 * (int, -1 unknown), `voltage` (double, V), `gps-fix`, `satellites`, and
 * with a home `home-latitude`, `home-longitude`, `home-altitude`
 */
GstStructure *
vehicle_status_to_structure (const VehicleStatus * state, const gchar * name)
{
  GstStructure *s = gst_structure_new (name,
      "mode", G_TYPE_UINT, state->mode,
      "armed", G_TYPE_BOOLEAN, state->armed,
      "system-status", G_TYPE_UINT, (guint) state->system_status,
      "landed-state", G_TYPE_STRING,
      vehicle_landed_state_name (state->landed_state),
      "battery-remaining", G_TYPE_INT, (gint) state->battery_remaining,
      "voltage", G_TYPE_DOUBLE, state->voltage_mv / 1000.0,
      "gps-fix", G_TYPE_UINT, (guint) state->gps_fix,
      "satellites", G_TYPE_UINT, (guint) state->satellites, NULL);

  if (state->have_home)
    gst_structure_set (s, "home-latitude", G_TYPE_DOUBLE,
        state->home_latitude, "home-longitude", G_TYPE_DOUBLE,
        state->home_longitude, "home-altitude", G_TYPE_DOUBLE,
        state->home_altitude, NULL);
  return s;
}
