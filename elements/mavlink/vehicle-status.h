/* gst-workers: what flightlink knows of the vehicle's state
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The vehicle's mode, arming, landed state, battery, GPS fix and home,
 * taken from its messages: a plain struct updated by pure functions, so
 * that it can be unit-tested with frames made up by the test.
 */
#pragma once

#include <gst/gst.h>
#include "mavlink-codec.h"

G_BEGIN_DECLS

/**
 * VehicleStatus:
 * @mode: HEARTBEAT custom_mode (the autopilot's own mode number)
 * @armed: HEARTBEAT base_mode has MAV_MODE_FLAG_SAFETY_ARMED
 * @system_status: HEARTBEAT system_status (MAV_STATE)
 * @landed_state: EXTENDED_SYS_STATE landed_state (MAV_LANDED_STATE; 0:
 *   undefined or not heard)
 * @battery_remaining: SYS_STATUS, percent (-1: not known)
 * @voltage_mv: SYS_STATUS battery voltage, millivolts (0: not known)
 * @gps_fix: GPS_RAW_INT fix_type (GPS_FIX_TYPE; 0: no GPS)
 * @satellites: GPS_RAW_INT satellites_visible (255: not known)
 * @have_home: a HOME_POSITION was heard
 * @home_latitude: degrees
 * @home_longitude: degrees
 * @home_altitude: metres above mean sea level
 * @home_north: home in the vehicle's local frame (from its EKF origin)
 * @home_east: metres
 * @home_down: metres
 */
typedef struct {
  guint32 mode;
  gboolean armed;
  guint8 system_status;
  guint8 landed_state;
  gint8 battery_remaining;
  guint16 voltage_mv;
  guint8 gps_fix;
  guint8 satellites;
  gboolean have_home;
  gdouble home_latitude, home_longitude, home_altitude;
  gdouble home_north, home_east, home_down;
} VehicleStatus;

typedef enum {
  VEHICLE_STATUS_UNCHANGED = 0,
  VEHICLE_STATUS_CHANGED = 1 << 0,       /* mode, arming, landed, fix, ... */
  VEHICLE_STATUS_HOME = 1 << 1,          /* home is new or moved */
} VehicleStatusChange;

void               vehicle_status_init (VehicleStatus * state);

VehicleStatusChange vehicle_status_update (VehicleStatus * state,
                                         const MavlinkFrame * frame);

GstStructure *     vehicle_status_to_structure (const VehicleStatus * state,
                                               const gchar * name);

const gchar *      vehicle_landed_state_name (guint8 landed_state);

G_END_DECLS
