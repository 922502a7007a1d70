/* gst-workers: flightlink's vehicle watch, and its own heartbeat
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which vehicle flightlink speaks to, and how it is: the choice of the
 * autopilot among the heartbeats heard, its ids, MAVLink version and
 * autopilot family, its address (UDP), when it was last heard (lost,
 * back, never heard), its state (mode, arming, landed state, home...),
 * and flightlink's own HEARTBEAT, sent once a second by a clock timer.
 * An object with its own lock. It posts nothing: what happened comes
 * back as events, from the timer through the owner's event function.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "flightlink-commander.h"
#include "mavlink-commands.h"
#include "vehicle-status.h"

G_BEGIN_DECLS

typedef struct _FlightLinkVehicle FlightLinkVehicle;

typedef struct
{
  guint8 target_system;         /* 0: any system */
  guint8 target_component;      /* 0: the autopilot */
  guint timeout;                /* ms without its heartbeat: lost (0: never) */
  gboolean force_family;        /* family below, not from the heartbeat */
  MavlinkAutopilotFamily family;
  guint version;                /* to write in: 1, 2, or 0: the vehicle's */
} FlightLinkVehicleConfig;

typedef enum
{
  FLIGHT_LINK_VEHICLE_FOUND = 1 << 0,   /* heard for the first time */
  FLIGHT_LINK_VEHICLE_BACK = 1 << 1,    /* heard again after lost */
  FLIGHT_LINK_VEHICLE_OURS = 1 << 2,    /* the heartbeat is the vehicle's */
  FLIGHT_LINK_VEHICLE_LOST = 1 << 3,    /* silent for the timeout */
  FLIGHT_LINK_VEHICLE_ABSENT = 1 << 4,  /* never heard in the timeout */
} FlightLinkVehicleEvents;

/* From the heartbeat timer (the clock's thread): LOST or ABSENT, with the
 * vehicle's system id and the timeout. */
typedef void (*FlightLinkVehicleEventFunc) (GstElement * owner,
    FlightLinkVehicleEvents events, guint8 sysid, guint timeout);

typedef struct
{
  const gchar *state;           /* "waiting", "ok", "lost" */
  guint8 sysid, compid;
  GstClockTime heartbeat_age;   /* NONE until heard */
  guint64 heartbeats_sent;
  MavlinkAutopilotFamily family;
  VehicleStatus status;
} FlightLinkVehicleSnapshot;

FlightLinkVehicle * flight_link_vehicle_new (GstElement * owner,
    FlightLinkSendFunc send, FlightLinkVehicleEventFunc event);

void          flight_link_vehicle_free (FlightLinkVehicle * v);

void          flight_link_vehicle_reset (FlightLinkVehicle * v,
    const FlightLinkVehicleConfig * cfg, GstClock * clock,
    GSocketAddress * fixed_peer, gboolean datagram);

void          flight_link_vehicle_start_ticks (FlightLinkVehicle * v);

void          flight_link_vehicle_stop_ticks (FlightLinkVehicle * v);

void          flight_link_vehicle_stop (FlightLinkVehicle * v);

FlightLinkVehicleEvents flight_link_vehicle_heartbeat (FlightLinkVehicle * v,
    const MavlinkFrame * f, GSocketAddress * from, MavlinkHeartbeat * hb);

gboolean      flight_link_vehicle_is_it (FlightLinkVehicle * v,
    const MavlinkFrame * f);

VehicleStatusChange flight_link_vehicle_update (FlightLinkVehicle * v,
    const MavlinkFrame * f, VehicleStatus * status);

GstStructure * flight_link_vehicle_state_message (FlightLinkVehicle * v);

gboolean      flight_link_vehicle_reachable (FlightLinkVehicle * v);

guint         flight_link_vehicle_route (FlightLinkVehicle * v,
    GSocketAddress ** peer);

gboolean      flight_link_vehicle_target (FlightLinkVehicle * v,
    MavlinkTarget * target, guint * version, GSocketAddress ** peer,
    gboolean * first);

gboolean      flight_link_vehicle_send_heartbeat (FlightLinkVehicle * v,
    guint version, GSocketAddress * peer, gboolean may_block,
    GError ** error);

void          flight_link_vehicle_snapshot (FlightLinkVehicle * v,
    FlightLinkVehicleSnapshot * snap);

G_END_DECLS
