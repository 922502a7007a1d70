/* gst-workers: flightlink's vehicle watch, and its own heartbeat
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flightlink-vehicle.h"

GST_DEBUG_CATEGORY_EXTERN (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

#define HEARTBEAT_PERIOD GST_SECOND

typedef enum
{
  VEHICLE_WAITING,
  VEHICLE_OK,
  VEHICLE_LOST,
} VehicleState;

struct _FlightLinkVehicle
{
  GstElement *owner;            /* not a reference: it owns us */
  FlightLinkSendFunc send;
  FlightLinkVehicleEventFunc event;

  /* lock and cond guard the fields below */
  GMutex lock;
  GCond cond;
  FlightLinkVehicleConfig cfg;
  GstClock *clock;              /* for heartbeats and the timeout */
  gboolean datagram;            /* UDP: write to a peer */
  gboolean fixed;               /* the peer is the remote address set */
  GSocketAddress *peer;         /* where to write, NULL until known */
  VehicleState state;
  guint8 sysid;
  guint8 compid;
  guint version;                /* its heartbeat's MAVLink version */
  guint8 type;                  /* its HEARTBEAT's type (MAV_TYPE) */
  MavlinkAutopilotFamily family;        /* detected, or the config's */
  VehicleStatus status;         /* mode, arming, battery, home... */
  GstClockTime seen;            /* clock time of its last heartbeat */
  GstClockTime listening_since; /* clock time of the first PLAYING */
  gboolean absent_warned;       /* ABSENT told */
  guint64 heartbeats_sent;
  GstClockID tick_id;
  gboolean tick_running;        /* a tick callback is at work */
};

FlightLinkVehicle *
flight_link_vehicle_new (GstElement * owner, FlightLinkSendFunc send,
    FlightLinkVehicleEventFunc event)
{
  FlightLinkVehicle *v = g_new0 (FlightLinkVehicle, 1);

  v->owner = owner;
  v->send = send;
  v->event = event;
  g_mutex_init (&v->lock);
  g_cond_init (&v->cond);
  vehicle_status_init (&v->status);
  return v;
}

void
flight_link_vehicle_free (FlightLinkVehicle * v)
{
  if (!v)
    return;
  flight_link_vehicle_stop (v);
  gst_clear_object (&v->clock);
  g_mutex_clear (&v->lock);
  g_cond_clear (&v->cond);
  g_free (v);
}

/* A new run: no vehicle heard, flightlink's heartbeats not counted yet;
 * a UDP link with a remote address writes there (@fixed_peer). */
void
flight_link_vehicle_reset (FlightLinkVehicle * v,
    const FlightLinkVehicleConfig * cfg, GstClock * clock,
    GSocketAddress * fixed_peer, gboolean datagram)
{
  g_mutex_lock (&v->lock);
  v->cfg = *cfg;
  gst_object_replace ((GstObject **) & v->clock, GST_OBJECT (clock));
  v->datagram = datagram;
  g_set_object (&v->peer, fixed_peer);
  v->fixed = fixed_peer != NULL;
  v->state = VEHICLE_WAITING;
  v->sysid = v->compid = 0;
  v->version = 2;
  v->seen = GST_CLOCK_TIME_NONE;
  v->listening_since = GST_CLOCK_TIME_NONE;
  v->absent_warned = FALSE;
  v->heartbeats_sent = 0;
  v->type = 0;
  v->family = MAVLINK_FAMILY_GENERIC;
  vehicle_status_init (&v->status);
  g_mutex_unlock (&v->lock);
}

static const gchar *
state_name (VehicleState state)
{
  switch (state) {
    case VEHICLE_WAITING:
      return "waiting";
    case VEHICLE_OK:
      return "ok";
    case VEHICLE_LOST:
      return "lost";
  }
  return "unknown";
}

/* The version to write in, with lock. */
static guint
out_version_locked (FlightLinkVehicle * v)
{
  if (v->cfg.version)
    return v->cfg.version;
  return v->state != VEHICLE_WAITING ? v->version : 2;
}

/* ---------------------------------------------------------------------- */
/* flightlink's heartbeat, once a second */

/* Sends flightlink's HEARTBEAT and counts it. */
gboolean
flight_link_vehicle_send_heartbeat (FlightLinkVehicle * v, guint version,
    GSocketAddress * peer, gboolean may_block, GError ** error)
{
  MavlinkHeartbeat hb = { 0 };

  hb.type = MAV_TYPE_ONBOARD_CONTROLLER;
  hb.autopilot = MAV_AUTOPILOT_INVALID;
  hb.system_status = MAV_STATE_ACTIVE;
  hb.mavlink_version = 3;
  if (!v->send (v->owner, version,
          mavlink_message_info (MAVLINK_MSG_ID_HEARTBEAT), &hb, peer,
          may_block, error))
    return FALSE;
  g_mutex_lock (&v->lock);
  v->heartbeats_sent++;
  g_mutex_unlock (&v->lock);
  return TRUE;
}

static gboolean tick_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data);

static void
unref_owner (gpointer user_data)
{
  FlightLinkVehicle *v = user_data;

  gst_object_unref (v->owner);
}

/* The tick: a single-shot id on the clock, holding a reference to the
 * element (which owns the watch). With lock. */
static void
schedule_tick_locked (FlightLinkVehicle * v, GstClockTime at)
{
  if (v->tick_id)
    gst_clock_id_unref (v->tick_id);
  v->tick_id = gst_clock_new_single_shot_id (v->clock, at);
  gst_object_ref (v->owner);
  gst_clock_id_wait_async (v->tick_id, tick_cb, v, unref_owner);
}

/* PLAYING: listening from now (for ABSENT), a heartbeat now and then once
 * a second. */
void
flight_link_vehicle_start_ticks (FlightLinkVehicle * v)
{
  GstClockTime now;

  g_mutex_lock (&v->lock);
  now = gst_clock_get_time (v->clock);
  if (!GST_CLOCK_TIME_IS_VALID (v->listening_since))
    v->listening_since = now;
  schedule_tick_locked (v, now);
  g_mutex_unlock (&v->lock);
}

/* Stops the ticks and waits for a callback at work: after it, nothing
 * touches the link from the clock's thread. */
void
flight_link_vehicle_stop_ticks (FlightLinkVehicle * v)
{
  GstClockID id;

  g_mutex_lock (&v->lock);
  id = v->tick_id;
  v->tick_id = NULL;
  g_mutex_unlock (&v->lock);
  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
  g_mutex_lock (&v->lock);
  while (v->tick_running)
    g_cond_wait (&v->cond, &v->lock);
  g_mutex_unlock (&v->lock);
}

/* The end of a run: no ticks, no address. */
void
flight_link_vehicle_stop (FlightLinkVehicle * v)
{
  flight_link_vehicle_stop_ticks (v);
  g_mutex_lock (&v->lock);
  g_clear_object (&v->peer);
  g_mutex_unlock (&v->lock);
}

static gboolean
tick_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  FlightLinkVehicle *v = user_data;
  FlightLinkVehicleEvents events = 0;
  GSocketAddress *peer = NULL;
  gboolean can_send;
  guint8 sysid = 0;
  guint version, timeout;
  GError *err = NULL;

  g_mutex_lock (&v->lock);
  if (v->tick_id != id) {
    g_mutex_unlock (&v->lock);
    return TRUE;
  }
  timeout = v->cfg.timeout;
  if (v->state == VEHICLE_OK && timeout > 0 &&
      time >= v->seen + timeout * GST_MSECOND) {
    v->state = VEHICLE_LOST;
    sysid = v->sysid;
    events |= FLIGHT_LINK_VEHICLE_LOST;
  }
  /* a vehicle never heard at all is worth saying too, once */
  if (v->state == VEHICLE_WAITING && timeout > 0 && !v->absent_warned
      && GST_CLOCK_TIME_IS_VALID (v->listening_since) &&
      time >= v->listening_since + timeout * GST_MSECOND) {
    v->absent_warned = TRUE;
    events |= FLIGHT_LINK_VEHICLE_ABSENT;
  }
  if (v->peer)
    peer = g_object_ref (v->peer);
  can_send = peer || !v->datagram;
  version = out_version_locked (v);
  schedule_tick_locked (v, time + HEARTBEAT_PERIOD);
  v->tick_running = TRUE;
  g_mutex_unlock (&v->lock);

  if (events)
    v->event (v->owner, events, sysid, timeout);

  if (can_send && !flight_link_vehicle_send_heartbeat (v, version, peer,
          FALSE, &err)) {
    GST_DEBUG_OBJECT (v->owner, "heartbeat not sent: %s", err->message);
    g_clear_error (&err);
  }
  g_clear_object (&peer);

  g_mutex_lock (&v->lock);
  v->tick_running = FALSE;
  g_cond_broadcast (&v->cond);
  g_mutex_unlock (&v->lock);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the vehicle's heartbeat and state */

static gboolean
same_address (GSocketAddress * a, GSocketAddress * b)
{
  GInetSocketAddress *ia = G_INET_SOCKET_ADDRESS (a);
  GInetSocketAddress *ib = G_INET_SOCKET_ADDRESS (b);

  return g_inet_socket_address_get_port (ia) ==
      g_inet_socket_address_get_port (ib) &&
      g_inet_address_equal (g_inet_socket_address_get_address (ia),
      g_inet_socket_address_get_address (ib));
}

/* A HEARTBEAT (@f, decoded in @hb) came from @from: is it the vehicle
 * (found, back), is it the one awaited? Over UDP without a remote
 * address, the vehicle's address is where its heartbeats come from. */
FlightLinkVehicleEvents
flight_link_vehicle_heartbeat (FlightLinkVehicle * v, const MavlinkFrame * f,
    GSocketAddress * from, MavlinkHeartbeat * hb)
{
  FlightLinkVehicleEvents events = 0;

  mavlink_frame_decode (f, f->msgid, hb);

  g_mutex_lock (&v->lock);
  if (v->state == VEHICLE_WAITING) {
    gboolean wanted;

    /* the system asked for (any, by default), and in it the component
     * asked for, or else the autopilot: not a gimbal, a camera or a
     * ground station of that system that happened to beat first */
    wanted = !v->cfg.target_system || f->sysid == v->cfg.target_system;
    if (v->cfg.target_component)
      wanted = wanted && f->compid == v->cfg.target_component;
    else
      wanted = wanted && hb->autopilot != MAV_AUTOPILOT_INVALID &&
          hb->type != MAV_TYPE_GCS;
    if (wanted) {
      v->sysid = f->sysid;
      v->compid = f->compid;
      v->version = f->version;
      v->state = VEHICLE_OK;
      v->type = hb->type;
      v->family = v->cfg.force_family ? v->cfg.family :
          mavlink_autopilot_family (hb->autopilot);
      events |= FLIGHT_LINK_VEHICLE_FOUND;
    }
  }
  if (v->state != VEHICLE_WAITING && f->sysid == v->sysid &&
      f->compid == v->compid) {
    events |= FLIGHT_LINK_VEHICLE_OURS;
    v->seen = gst_clock_get_time (v->clock);
    if (v->state == VEHICLE_LOST) {
      v->state = VEHICLE_OK;
      events |= FLIGHT_LINK_VEHICLE_BACK;
    }
    if (from && !v->fixed &&
        (!v->peer || !same_address (v->peer, from))) {
      g_set_object (&v->peer, from);
      GST_DEBUG_OBJECT (v->owner, "vehicle's address changed");
    }
  }
  g_mutex_unlock (&v->lock);
  return events;
}

/* Whether @f is the vehicle's own. */
gboolean
flight_link_vehicle_is_it (FlightLinkVehicle * v, const MavlinkFrame * f)
{
  gboolean ours;

  g_mutex_lock (&v->lock);
  ours = v->state != VEHICLE_WAITING && f->sysid == v->sysid &&
      f->compid == v->compid;
  g_mutex_unlock (&v->lock);
  return ours;
}

/* One of the vehicle's state messages (its heartbeat too): what changed,
 * and the state now in @status. */
VehicleStatusChange
flight_link_vehicle_update (FlightLinkVehicle * v, const MavlinkFrame * f,
    VehicleStatus * status)
{
  VehicleStatusChange change;

  g_mutex_lock (&v->lock);
  change = vehicle_status_update (&v->status, f);
  *status = v->status;
  g_mutex_unlock (&v->lock);
  return change;
}

/* The vehicle's state as the element message "flightlink-vehicle-state"
 * (vehicle-status.c has its fields, with `autopilot` besides). */
GstStructure *
flight_link_vehicle_state_message (FlightLinkVehicle * v)
{
  GstStructure *s;

  g_mutex_lock (&v->lock);
  s = vehicle_status_to_structure (&v->status, "flightlink-vehicle-state");
  gst_structure_set (s, "autopilot", G_TYPE_STRING,
      mavlink_autopilot_family_name (v->family), NULL);
  g_mutex_unlock (&v->lock);
  return s;
}

/* ---------------------------------------------------------------------- */
/* writing to the vehicle */

/* Whether a command can be written: the vehicle was heard, and over UDP
 * we know where to write. */
gboolean
flight_link_vehicle_reachable (FlightLinkVehicle * v)
{
  gboolean reachable;

  g_mutex_lock (&v->lock);
  reachable = v->state != VEHICLE_WAITING && (!v->datagram || v->peer);
  g_mutex_unlock (&v->lock);
  return reachable;
}

/* The version to write in now and where (@peer: a new reference or
 * NULL). */
guint
flight_link_vehicle_route (FlightLinkVehicle * v, GSocketAddress ** peer)
{
  guint version;

  g_mutex_lock (&v->lock);
  *peer = v->peer ? g_object_ref (v->peer) : NULL;
  version = out_version_locked (v);
  g_mutex_unlock (&v->lock);
  return version;
}

/* The vehicle as the command mapping needs it, the version and peer to
 * write to it, and whether flightlink has sent no heartbeat yet
 * (@first). Returns whether it can be written to. */
gboolean
flight_link_vehicle_target (FlightLinkVehicle * v, MavlinkTarget * target,
    guint * version, GSocketAddress ** peer, gboolean * first)
{
  gboolean reachable;

  g_mutex_lock (&v->lock);
  reachable = v->state != VEHICLE_WAITING && (!v->datagram || v->peer);
  target->system = v->sysid;
  target->component = v->compid;
  target->family = v->family;
  target->vehicle_type = v->type;
  target->have_home = v->status.have_home;
  target->home_altitude = v->status.home_altitude;
  target->home_north = v->status.home_north;
  target->home_east = v->status.home_east;
  target->home_down = v->status.home_down;
  *version = out_version_locked (v);
  *peer = v->peer ? g_object_ref (v->peer) : NULL;
  *first = v->heartbeats_sent == 0;
  g_mutex_unlock (&v->lock);
  return reachable;
}

/* For the statistics. */
void
flight_link_vehicle_snapshot (FlightLinkVehicle * v,
    FlightLinkVehicleSnapshot * snap)
{
  g_mutex_lock (&v->lock);
  snap->state = state_name (v->state);
  snap->sysid = v->sysid;
  snap->compid = v->compid;
  snap->heartbeat_age = GST_CLOCK_TIME_NONE;
  if (v->state != VEHICLE_WAITING && v->clock) {
    GstClockTime now = gst_clock_get_time (v->clock);

    snap->heartbeat_age = now > v->seen ? now - v->seen : 0;
  }
  snap->heartbeats_sent = v->heartbeats_sent;
  snap->family = v->family;
  snap->status = v->status;
  g_mutex_unlock (&v->lock);
}
