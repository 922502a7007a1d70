/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's watchdog: a source of the controller's context
 * whose ready time is the next moment anything can change without a
 * heartbeat. It finds lost workers (heartbeats stopped) and stalled ones
 * (busy or blocked too long, unless blocked behind a paused worker), and
 * emits worker-stalled, worker-lost and worker-recovered. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkercontrollerprivate.h"

/* ---------------------------------------------------------------------- */
/* watchdog */

static gboolean
worker_is_paused (WorkerRec * w)
{
  return gst_worker_get_paused (GST_WORKER (w->element)) ||
      gst_worker_get_state (GST_WORKER (w->element)) ==
      GST_WORKER_STATE_PAUSED;
}

/* A worker blocked on a full queue is waiting for a pause when the chain of
 * full queues it waits on ends at a paused worker. */
static gboolean
blocked_by_pause (GstWorkerController * self, const gchar * queue_name,
    guint depth)
{
  QueueRec *q = worker_topology_find_queue_by_name (self->topology,
      queue_name);
  GPtrArray *readers;
  gboolean ret = FALSE;
  guint i;

  if (!q || depth > 16)
    return FALSE;
  readers = worker_topology_dup_readers (self->topology, q);

  for (i = 0; i < readers->len && !ret; i++) {
    WorkerRec *r = g_ptr_array_index (readers, i);
    GstStructure *s;

    if (worker_is_paused (r)) {
      ret = TRUE;
      break;
    }
    s = gst_worker_get_stats (GST_WORKER (r->element));
    if (controller_stats_state (s) == GST_WORKER_STATE_BLOCKED)
      ret = blocked_by_pause (self, gst_structure_get_string (s, "blocked-on"),
          depth + 1);
    gst_structure_free (s);
  }
  g_ptr_array_unref (readers);
  return ret;
}

typedef enum
{
  EVENT_STALLED,
  EVENT_LOST,
  EVENT_RECOVERED,
} EventType;

typedef struct
{
  EventType type;
  gchar *worker;
  GstWorkerState state;
  GstClockTime duration;
  gchar *blocked_on;
  gboolean was_lost;
} WatchEvent;

static void
watch_event_free (WatchEvent * ev)
{
  g_free (ev->worker);
  g_free (ev->blocked_on);
  g_free (ev);
}

static void
emit_watch_events (GstWorkerController * self, GPtrArray * events)
{
  guint i;

  for (i = 0; i < events->len; i++) {
    WatchEvent *ev = g_ptr_array_index (events, i);

    switch (ev->type) {
      case EVENT_STALLED:{
        gchar *chain = gst_worker_controller_explain_wait (self, ev->worker);

        if (ev->blocked_on)
          GST_WARNING_OBJECT (self, "worker %s stalled: %s for %.1f s on "
              "full queue %s (%s)", ev->worker,
              controller_state_nick (ev->state),
              (gdouble) ev->duration / GST_SECOND, ev->blocked_on,
              chain ? chain : "?");
        else
          GST_WARNING_OBJECT (self, "worker %s stalled: %s for %.1f s",
              ev->worker, controller_state_nick (ev->state),
              (gdouble) ev->duration / GST_SECOND);
        g_free (chain);
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_STALLED], 0,
            ev->worker, ev->state, (guint64) ev->duration, ev->blocked_on);
        break;
      }
      case EVENT_LOST:
        GST_WARNING_OBJECT (self, "worker %s lost: no heartbeat for %.1f s "
            "(last state %s)", ev->worker, (gdouble) ev->duration / GST_SECOND,
            controller_state_nick (ev->state));
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_LOST], 0,
            ev->worker, (guint64) ev->duration);
        break;
      case EVENT_RECOVERED:
        GST_INFO_OBJECT (self, "worker %s recovered (was %s)", ev->worker,
            ev->was_lost ? "lost" : "stalled");
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_RECOVERED], 0,
            ev->worker, ev->was_lost);
        break;
    }
  }
}

gint64
controller_min_deadline (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

/* Checks every worker; queues the events and returns the next time
 * anything can change without a heartbeat (-1: none). */
static gint64
watchdog_check (GstWorkerController * self, GPtrArray * events)
{
  gint64 now = g_get_monotonic_time (), next = -1;
  guint hb_timeout, stall_timeout, i;
  gboolean active;

  GST_OBJECT_LOCK (self);
  hb_timeout = self->heartbeat_timeout;
  stall_timeout = self->stall_timeout;
  active = self->playing && !self->system_paused &&
      (self->phase == PHASE_RUNNING || self->phase == PHASE_DRAINING);
  GST_OBJECT_UNLOCK (self);
  if (!active)
    return -1;

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *rec = g_ptr_array_index (self->workers, i);
    WatchRec *w = &self->watch[i];
    GstStructure *s = gst_worker_get_stats (GST_WORKER (rec->element));
    GstWorkerState state = controller_stats_state (s);
    GstClockTime state_time = controller_stats_time (s, "state-time");
    const gchar *blocked_on = gst_structure_get_string (s, "blocked-on");
    gboolean long_wait, excused = FALSE;
    guint interval;
    WatchEvent *ev = NULL;

    g_object_get (rec->element, "heartbeat-interval", &interval, NULL);
    long_wait = stall_timeout && (state == GST_WORKER_STATE_BUSY ||
        state == GST_WORKER_STATE_BLOCKED) &&
        state_time >= stall_timeout * GST_MSECOND;
    if (long_wait && state == GST_WORKER_STATE_BLOCKED)
      excused = blocked_by_pause (self, blocked_on, 0);

    GST_OBJECT_LOCK (self);
    /* lost: heartbeats stopped */
    if (hb_timeout && interval) {
      gint64 due = w->heartbeat_at + (gint64) hb_timeout * 1000;

      if (!w->lost && now >= due) {
        w->lost = TRUE;
        ev = g_new0 (WatchEvent, 1);
        ev->type = EVENT_LOST;
        ev->worker = g_strdup (rec->name);
        ev->state = state;
        ev->duration = (now - w->heartbeat_at) * GST_USECOND;
        g_ptr_array_add (events, ev);
      } else if (!w->lost) {
        next = controller_min_deadline (next, due);
      }
    }

    /* stalled: busy or blocked for too long */
    if (long_wait && !excused && !w->stalled) {
      w->stalled = TRUE;
      ev = g_new0 (WatchEvent, 1);
      ev->type = EVENT_STALLED;
      ev->worker = g_strdup (rec->name);
      ev->state = state;
      ev->duration = state_time;
      ev->blocked_on = g_strdup (blocked_on);
      g_ptr_array_add (events, ev);
    } else if (!long_wait && w->stalled) {
      w->stalled = FALSE;
      ev = g_new0 (WatchEvent, 1);
      ev->type = EVENT_RECOVERED;
      ev->worker = g_strdup (rec->name);
      g_ptr_array_add (events, ev);
    }
    if (!long_wait && stall_timeout && (state == GST_WORKER_STATE_BUSY ||
            state == GST_WORKER_STATE_BLOCKED))
      next =
          controller_min_deadline (next,
          now + (gint64) (stall_timeout * GST_MSECOND - state_time) / 1000);
    GST_OBJECT_UNLOCK (self);
    gst_structure_free (s);
  }
  return next;
}

static void
watchdog_run (GstWorkerController * self)
{
  GPtrArray *events = g_ptr_array_new_with_free_func
      ((GDestroyNotify) watch_event_free);
  gint64 next = watchdog_check (self, events);

  g_source_set_ready_time (self->watchdog, next);
  emit_watch_events (self, events);
  g_ptr_array_unref (events);
}

static gboolean
watchdog_dispatch (GSource * source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

GSourceFuncs controller_watchdog_funcs = {
  NULL, NULL, watchdog_dispatch, NULL, NULL, NULL
};

gboolean
controller_watchdog_cb (gpointer user_data)
{
  GstWorkerController *self = gst_object_ref (user_data);

  watchdog_run (self);
  gst_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* Brings the watchdog's next check forward to @at (monotonic us). */
void
controller_watchdog_wake_at (GstWorkerController * self, gint64 at)
{
  gint64 cur = g_source_get_ready_time (self->watchdog);

  if (cur < 0 || at < cur)
    g_source_set_ready_time (self->watchdog, MAX (at, 0));
}
