/* gst-workers: flightlink's commander, the commands it sends the vehicle
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "flightlink-commander.h"

GST_DEBUG_CATEGORY_EXTERN (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

/* PX4 OFFBOARD: how long a setpoint stream runs before the mode change */
#define OFFBOARD_PRIME_US (1 * G_TIME_SPAN_SECOND)

struct _FlightLinkCommander
{
  GstElement *owner;            /* not a reference: it owns us */
  FlightLinkSendFunc send;
  FlightLinkRouteFunc route;

  /* lock and cond guard the fields below */
  GMutex lock;
  GCond cond;
  GCond stream_cond;            /* wakes the stream's thread */
  guint command_timeout;        /* ms, 0: not waited for */
  guint command_retries;
  guint setpoint_rate;          /* Hz, 0: no stream */
  gboolean flushing;            /* the sink side is flushing */
  FlightLinkCommanderCounts counts;
  /* the command awaiting its COMMAND_ACK: its MAV_CMD (0: none), and the
   * answer the reader puts here */
  guint16 ack_wanted;
  gboolean ack_in;
  guint8 ack_result;
  gint64 ack_progress_at;       /* monotonic time of an IN_PROGRESS */
  /* the setpoint streamed (PX4 OFFBOARD needs >= 2 Hz): its message */
  gboolean stream_active;
  const MavlinkMessageInfo *stream_info;
  MavlinkCommandMessage stream_msg;
  GThread *stream_thread;       /* while stream_active, and until joined */
  gboolean stream_running;      /* the stream's thread sends one */
  gboolean have_local;          /* last_local is set */
  GstOdometry last_local;       /* the latest local position */
  gboolean armed;               /* the vehicle's, from its heartbeat */
  guint8 landed_state;          /* MAV_LANDED_STATE, 0: not known */
};

FlightLinkCommander *
flight_link_commander_new (GstElement * owner, FlightLinkSendFunc send,
    FlightLinkRouteFunc route)
{
  FlightLinkCommander *c = g_new0 (FlightLinkCommander, 1);

  c->owner = owner;
  c->send = send;
  c->route = route;
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  g_cond_init (&c->stream_cond);
  return c;
}

void
flight_link_commander_free (FlightLinkCommander * c)
{
  if (!c)
    return;
  flight_link_commander_stop_stream (c);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_cond_clear (&c->stream_cond);
  g_free (c);
}

/* A new run: the settings, no command awaited, nothing streamed, the
 * counts at 0. */
void
flight_link_commander_reset (FlightLinkCommander * c,
    guint command_timeout, guint command_retries, guint setpoint_rate)
{
  /* (a stream a failed state change left) */
  flight_link_commander_stop_stream (c);
  g_mutex_lock (&c->lock);
  c->command_timeout = command_timeout;
  c->command_retries = command_retries;
  c->setpoint_rate = setpoint_rate;
  memset (&c->counts, 0, sizeof (c->counts));
  c->ack_wanted = 0;
  c->ack_in = FALSE;
  c->have_local = FALSE;
  c->armed = FALSE;
  c->landed_state = 0;
  g_mutex_unlock (&c->lock);
}

/* Flushing wakes a command waiting for its answer or priming OFFBOARD. */
void
flight_link_commander_set_flushing (FlightLinkCommander * c,
    gboolean flushing)
{
  g_mutex_lock (&c->lock);
  c->flushing = flushing;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

void
flight_link_commander_counts (FlightLinkCommander * c,
    FlightLinkCommanderCounts * counts)
{
  g_mutex_lock (&c->lock);
  *counts = c->counts;
  g_mutex_unlock (&c->lock);
}

/* A COMMAND_ACK for us (reader thread): counted, and handed to the
 * command that waits for it. Returns TRUE when it is a refusal. */
gboolean
flight_link_commander_ack (FlightLinkCommander * c, guint16 command,
    guint8 result)
{
  gboolean refused = FALSE;

  g_mutex_lock (&c->lock);
  if (result == MAV_RESULT_ACCEPTED) {
    c->counts.accepted++;
  } else if (result != MAV_RESULT_IN_PROGRESS) {
    c->counts.refused++;
    refused = TRUE;
  }
  /* the answer to the command the sink side waits for */
  if (c->ack_wanted && command == c->ack_wanted) {
    if (result == MAV_RESULT_IN_PROGRESS) {
      c->ack_progress_at = g_get_monotonic_time ();
    } else {
      c->ack_in = TRUE;
      c->ack_result = result;
    }
    g_cond_broadcast (&c->cond);
  }
  g_mutex_unlock (&c->lock);
  return refused;
}

/* The latest local position (reader thread): what a hold setpoint holds. */
void
flight_link_commander_set_local (FlightLinkCommander * c,
    const GstOdometry * local)
{
  g_mutex_lock (&c->lock);
  c->last_local = *local;
  c->have_local = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

/* The vehicle's arming and landed state (reader thread): what tells
 * that a landing is over. */
void
flight_link_commander_set_vehicle (FlightLinkCommander * c, gboolean armed,
    guint8 landed_state)
{
  g_mutex_lock (&c->lock);
  c->armed = armed;
  c->landed_state = landed_state;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

/* ---------------------------------------------------------------------- */
/* commands done: a takeoff is done at its height, a land on the ground */

#define MAV_LANDED_STATE_ON_GROUND 1

/* With lock: whether the vehicle did what @cmd (accepted) asked. */
static gboolean
done_locked (FlightLinkCommander * c, const GstFlightCommand * cmd)
{
  if (cmd->type == GST_FLIGHT_COMMAND_TAKEOFF)
    /* dronekit's rule: 95 % of the height */
    return c->have_local && -c->last_local.down >= -cmd->down * 0.95;
  /* a land: disarmed, and on the ground when the vehicle says */
  return !c->armed && (c->landed_state == 0 ||
      c->landed_state == MAV_LANDED_STATE_ON_GROUND);
}

/* Waits, at most @timeout_ms, until the vehicle did what @cmd asked:
 * for a takeoff with a height (local down), climbed to 95 % of it; for a
 * land, disarmed on the ground. Other commands are done at once. On
 * NOT_DONE, @where (new string) says where the vehicle is instead. */
FlightLinkDone
flight_link_commander_wait_done (FlightLinkCommander * c,
    const GstFlightCommand * cmd, guint timeout_ms, gchar ** where)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  FlightLinkDone done = FLIGHT_LINK_DONE;

  if (cmd->type != GST_FLIGHT_COMMAND_LAND &&
      (cmd->type != GST_FLIGHT_COMMAND_TAKEOFF ||
          !(cmd->flags & GST_FLIGHT_COMMAND_HAS_LOCAL)))
    return FLIGHT_LINK_DONE;

  g_mutex_lock (&c->lock);
  while (!c->flushing && !done_locked (c, cmd))
    if (!g_cond_wait_until (&c->cond, &c->lock, until))
      break;
  if (c->flushing) {
    done = FLIGHT_LINK_DONE_FLUSHING;
  } else if (!done_locked (c, cmd)) {
    done = FLIGHT_LINK_NOT_DONE;
    if (cmd->type == GST_FLIGHT_COMMAND_TAKEOFF && c->have_local)
      *where = g_strdup_printf ("it is %.1f m above home",
          -c->last_local.down);
    else if (cmd->type == GST_FLIGHT_COMMAND_TAKEOFF)
      *where = g_strdup ("its local position is not known");
    else
      *where = g_strdup_printf ("it is %s, landed state %u",
          c->armed ? "armed" : "disarmed", c->landed_state);
  }
  g_mutex_unlock (&c->lock);
  return done;
}

/* ---------------------------------------------------------------------- */
/* the setpoint stream: PX4 follows OFFBOARD setpoints only while they
 * come at 2 Hz or more, and leaves OFFBOARD when they stop. The stream
 * has a thread of its own: on the system clock's one thread (every
 * worker's heartbeat, and what the bus's sync handlers do with it) any
 * slow callback would hold the setpoints up, and the vehicle would leave
 * OFFBOARD. */

static gint64
stream_period_us (FlightLinkCommander * c)
{
  return G_TIME_SPAN_SECOND / MAX (c->setpoint_rate, 1);
}

/* Sends the setpoint streamed (@info, @msg), stamped now, and counts it. */
static void
send_streamed (FlightLinkCommander * c, const MavlinkMessageInfo * info,
    MavlinkCommandMessage * msg)
{
  GSocketAddress *peer = NULL;
  guint version;
  GError *err = NULL;

  version = c->route (c->owner, &peer);
  /* a setpoint of now */
  if (info->id == MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED)
    msg->local.time_boot_ms = (guint32) (g_get_monotonic_time () / 1000);
  else
    msg->global.time_boot_ms = (guint32) (g_get_monotonic_time () / 1000);
  if (c->send (c->owner, version, info, msg, peer, FALSE, &err)) {
    g_mutex_lock (&c->lock);
    c->counts.setpoints_sent++;
    g_mutex_unlock (&c->lock);
  } else {
    GST_DEBUG_OBJECT (c->owner, "streamed setpoint not sent: %s",
        err->message);
    g_clear_error (&err);
  }
  g_clear_object (&peer);
}

/* The stream's thread: the setpoint streamed, at setpoint-rate (one at
 * once after a hold-up, then in step again), until the stream stops. */
static gpointer
stream_thread (gpointer data)
{
  FlightLinkCommander *c = data;
  gint64 next;

  g_mutex_lock (&c->lock);
  next = g_get_monotonic_time () + stream_period_us (c);
  while (c->stream_active) {
    const MavlinkMessageInfo *info;
    MavlinkCommandMessage msg;
    gint64 now;

    if (g_cond_wait_until (&c->stream_cond, &c->lock, next) ||
        !c->stream_active)
      continue;                 /* woken: stopped, or by chance */
    info = c->stream_info;
    msg = c->stream_msg;
    c->stream_running = TRUE;
    g_mutex_unlock (&c->lock);
    send_streamed (c, info, &msg);
    g_mutex_lock (&c->lock);
    c->stream_running = FALSE;
    g_cond_broadcast (&c->cond);
    now = g_get_monotonic_time ();
    next += stream_period_us (c);
    if (next < now)
      next = now + stream_period_us (c);
  }
  g_mutex_unlock (&c->lock);
  return NULL;
}

/* Streams the setpoint @info / @msg from now on (replacing the one
 * streamed). With lock. */
static void
stream_setpoint_locked (FlightLinkCommander * c,
    const MavlinkMessageInfo * info, const MavlinkCommandMessage * msg)
{
  GError *err = NULL;

  c->stream_info = info;
  c->stream_msg = *msg;
  if (c->stream_active || c->setpoint_rate == 0)
    return;
  /* (the last one ended with stop_stream(), which joined it) */
  g_assert (c->stream_thread == NULL);
  c->stream_thread = g_thread_try_new ("flightlink-setpoints", stream_thread,
      c, &err);
  if (c->stream_thread) {
    c->stream_active = TRUE;
  } else {
    GST_WARNING_OBJECT (c->owner, "no setpoint stream: %s", err->message);
    g_clear_error (&err);
  }
}

/* Stops the stream and waits for its thread to end (a setpoint it is
 * sending first). Not from the stream's thread. */
void
flight_link_commander_stop_stream (FlightLinkCommander * c)
{
  GThread *t;

  g_mutex_lock (&c->lock);
  c->stream_active = FALSE;
  t = c->stream_thread;
  c->stream_thread = NULL;
  g_cond_broadcast (&c->stream_cond);
  g_mutex_unlock (&c->lock);
  if (t)
    g_thread_join (t);
}

/* Sends a setpoint (no answer comes) and counts it; @stream: resend it
 * at setpoint-rate from now on (PX4). The stream takes the new setpoint
 * before it is written, once a stream callback at work (with the old
 * one) is done: the old one never follows the new one. */
gboolean
flight_link_commander_send_setpoint (FlightLinkCommander * c,
    const MavlinkMessageInfo * info, const MavlinkCommandMessage * msg,
    guint version, GSocketAddress * peer, gboolean stream, GError ** error)
{
  if (stream) {
    g_mutex_lock (&c->lock);
    while (c->stream_running)
      g_cond_wait (&c->cond, &c->lock);
    stream_setpoint_locked (c, info, msg);
    g_mutex_unlock (&c->lock);
  }
  if (!c->send (c->owner, version, info, msg, peer, TRUE, error))
    return FALSE;
  g_mutex_lock (&c->lock);
  c->counts.setpoints_sent++;
  g_mutex_unlock (&c->lock);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* acknowledged commands */

/* Waits (with lock) for the answer to the command awaited, until
 * @deadline (monotonic; an IN_PROGRESS answer moves it on by @timeout).
 * Returns FALSE when flushing. */
static gboolean
wait_ack_locked (FlightLinkCommander * c, gint64 deadline, gint64 timeout)
{
  while (!c->flushing && !c->ack_in) {
    if (c->ack_progress_at + timeout > deadline)
      deadline = c->ack_progress_at + timeout;
    if (!g_cond_wait_until (&c->cond, &c->lock, deadline) &&
        g_get_monotonic_time () >= deadline &&
        c->ack_progress_at + timeout <= deadline)
      break;
  }
  return !c->flushing;
}

/* Sends a COMMAND_LONG / COMMAND_INT and waits for its COMMAND_ACK,
 * sending it again (COMMAND_LONG's confirmation counting) when none comes
 * within command-timeout, command-retries times at most; a refusal is
 * never sent again. Fills @res (outcome 0: not waited for). Returns
 * FLUSHING when woken or the write was cancelled, ERROR with @error when
 * the write failed. */
GstFlowReturn
flight_link_commander_send_acknowledged (FlightLinkCommander * c,
    const MavlinkMessageInfo * info, MavlinkCommandMessage * msg,
    guint version, GSocketAddress * peer, GstFlightCommandResult * res,
    GError ** error)
{
  gint64 timeout;
  guint16 number = mavlink_command_number (info, msg);
  guint attempt, max;
  GError *err = NULL;
  gboolean answered = FALSE;

  res->mav_command = number;
  g_mutex_lock (&c->lock);
  timeout = c->command_timeout * G_TIME_SPAN_MILLISECOND;
  max = c->command_retries + 1;
  c->ack_wanted = number;
  c->ack_in = FALSE;
  c->ack_progress_at = 0;
  g_mutex_unlock (&c->lock);

  for (attempt = 1; attempt <= max && !answered; attempt++) {
    mavlink_command_set_confirmation (info, msg, attempt - 1);
    if (!c->send (c->owner, version, info, msg, peer, TRUE, &err)) {
      g_mutex_lock (&c->lock);
      c->ack_wanted = 0;
      g_mutex_unlock (&c->lock);
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_clear_error (&err);
        return GST_FLOW_FLUSHING;
      }
      g_propagate_error (error, err);
      return GST_FLOW_ERROR;
    }
    res->attempts = attempt;
    if (attempt > 1) {
      g_mutex_lock (&c->lock);
      c->counts.retried++;
      g_mutex_unlock (&c->lock);
      GST_INFO_OBJECT (c->owner, "%s sent again (attempt %u)", info->name,
          attempt);
    }
    if (!timeout)
      return GST_FLOW_OK;       /* not waited for */

    g_mutex_lock (&c->lock);
    if (!wait_ack_locked (c, g_get_monotonic_time () + timeout, timeout)) {
      c->ack_wanted = 0;
      g_mutex_unlock (&c->lock);
      return GST_FLOW_FLUSHING;
    }
    answered = c->ack_in;
    res->mav_result = c->ack_result;
    g_mutex_unlock (&c->lock);
  }

  g_mutex_lock (&c->lock);
  c->ack_wanted = 0;
  if (!answered)
    c->counts.timed_out++;
  g_mutex_unlock (&c->lock);

  if (!answered) {
    res->outcome = GST_FLIGHT_COMMAND_TIMED_OUT;
    res->mav_result = 0;
  } else if (res->mav_result == MAV_RESULT_ACCEPTED) {
    res->outcome = GST_FLIGHT_COMMAND_ACCEPTED;
  } else if (res->mav_result == MAV_RESULT_FAILED) {
    res->outcome = GST_FLIGHT_COMMAND_FAILED;
  } else {
    res->outcome = GST_FLIGHT_COMMAND_REFUSED;
  }
  return GST_FLOW_OK;
}

/* PX4 enters OFFBOARD only with a setpoint stream already running: if
 * none runs, hold the vehicle where it is for OFFBOARD_PRIME_US first.
 * Returns FALSE (with @why) when no position is known to hold; FLUSHING
 * in @ret when woken. */
gboolean
flight_link_commander_prime_offboard (FlightLinkCommander * c,
    const MavlinkTarget * target, GstFlowReturn * ret, const gchar ** why)
{
  GstFlightCommand hold;
  MavlinkCommandMessage msg;
  const MavlinkMessageInfo *info;
  gint64 until;

  *ret = GST_FLOW_OK;
  g_mutex_lock (&c->lock);
  if (c->stream_active) {
    g_mutex_unlock (&c->lock);
    return TRUE;
  }
  if (!c->have_local || !c->setpoint_rate) {
    *why = c->setpoint_rate ? "PX4 enters OFFBOARD only with a "
        "setpoint stream, and no local position is known yet to hold" :
        "PX4 enters OFFBOARD only with a setpoint stream, and setpoint-rate "
        "is 0";
    g_mutex_unlock (&c->lock);
    return FALSE;
  }
  gst_flight_command_init (&hold, GST_FLIGHT_COMMAND_GOTO);
  hold.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
  hold.north = c->last_local.north;
  hold.east = c->last_local.east;
  hold.down = c->last_local.down;
  info = mavlink_command_from_flight_command (&hold, target,
      (guint32) (g_get_monotonic_time () / 1000), &msg, why);
  if (!info) {
    g_mutex_unlock (&c->lock);
    return FALSE;
  }
  GST_DEBUG_OBJECT (c->owner, "streaming a hold setpoint before OFFBOARD");
  stream_setpoint_locked (c, info, &msg);
  until = g_get_monotonic_time () + OFFBOARD_PRIME_US;
  while (!c->flushing && g_cond_wait_until (&c->cond, &c->lock, until));
  if (c->flushing)
    *ret = GST_FLOW_FLUSHING;
  g_mutex_unlock (&c->lock);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* a command item, from the mapping to its result */

/* Sends @cmd to @target: as an acknowledged command (ArduPilot's and
 * PX4's guided mode first primed on PX4; the stream ended by the
 * commands that leave the guided mode; the completion waited for, up to
 * @completion_timeout ms) or as a setpoint (streamed on PX4). Fills @ex;
 * returns FLUSHING when woken, ERROR when the write failed. */
GstFlowReturn
flight_link_commander_execute (FlightLinkCommander * c,
    const GstFlightCommand * cmd, const MavlinkTarget * target,
    guint version, GSocketAddress * peer, guint completion_timeout,
    FlightLinkExecution * ex)
{
  MavlinkCommandMessage msg;
  GstFlowReturn ret = GST_FLOW_OK;

  memset (ex, 0, sizeof (*ex));
  ex->res.type = cmd->type;
  ex->res.target_id = cmd->target_id;
  if (cmd->type != GST_FLIGHT_COMMAND_GUIDED ||
      target->family != MAVLINK_FAMILY_PX4 ||
      flight_link_commander_prime_offboard (c, target, &ret, &ex->why))
    ex->info = mavlink_command_from_flight_command (cmd, target,
        (guint32) (g_get_monotonic_time () / 1000), &msg, &ex->why);
  if (ret != GST_FLOW_OK)
    return ret;
  if (!ex->info) {
    ex->res.outcome = GST_FLIGHT_COMMAND_NOT_SENT;
    return GST_FLOW_OK;
  }
  ex->why = NULL;

  if (!mavlink_command_number (ex->info, &msg)) {
    /* a setpoint: no answer; PX4 needs it streamed */
    if (flight_link_commander_send_setpoint (c, ex->info, &msg, version, peer,
            target->family == MAVLINK_FAMILY_PX4, &ex->error)) {
      ex->sent = TRUE;
      return GST_FLOW_OK;
    }
    if (g_error_matches (ex->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_clear_error (&ex->error);
      return GST_FLOW_FLUSHING;
    }
    return GST_FLOW_ERROR;
  }

  /* commands that take the vehicle out of the guided mode end the
   * setpoint stream */
  if (cmd->type == GST_FLIGHT_COMMAND_LAND ||
      cmd->type == GST_FLIGHT_COMMAND_RETURN ||
      cmd->type == GST_FLIGHT_COMMAND_LOITER ||
      cmd->type == GST_FLIGHT_COMMAND_DISARM)
    flight_link_commander_stop_stream (c);
  ret = flight_link_commander_send_acknowledged (c, ex->info, &msg, version,
      peer, &ex->res, &ex->error);
  if (ret != GST_FLOW_OK)
    return ret;
  ex->sent = TRUE;
  if (ex->res.outcome != GST_FLIGHT_COMMAND_ACCEPTED || !completion_timeout)
    return GST_FLOW_OK;
  switch (flight_link_commander_wait_done (c, cmd, completion_timeout,
          &ex->where)) {
    case FLIGHT_LINK_DONE:
      break;
    case FLIGHT_LINK_DONE_FLUSHING:
      return GST_FLOW_FLUSHING;
    case FLIGHT_LINK_NOT_DONE:
      ex->res.outcome = GST_FLIGHT_COMMAND_TIMED_OUT;
      break;
  }
  return GST_FLOW_OK;
}
