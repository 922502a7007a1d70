/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's side of deadlock detection: the counts and
 * topology it gives the wait-for graph (gstworkerdeadlock.c), and the
 * periodic check that reports deadlocks, lets that code resolve them, and
 * stops the run on one that cannot be resolved. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkercontrollerprivate.h"

/* ---------------------------------------------------------------------- */
/* deadlock detection: inputs */

/* What the pad probes counted on every queue, for the wait-for graph. */
static GstWorkerChannelCounts *
channel_counts (GstWorkerController * self)
{
  GstWorkerChannelCounts *counts = g_new0 (GstWorkerChannelCounts,
      self->queues->len + 1);
  guint i;

  for (i = 0; i < self->queues->len; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    worker_queue_counts (q, &counts[i].in, &counts[i].out);
    /* initial items are in the channel from the start */
    counts[i].in += worker_queue_initial (q);
    g_mutex_lock (&q->lock);
    counts[i].eos = q->eos;
    g_mutex_unlock (&q->lock);
  }
  return counts;
}

void
controller_deadlock_policy (GstWorkerController * self,
    GstWorkerDeadlockPolicy * policy)
{
  GST_OBJECT_LOCK (self);
  policy->mode = self->deadlock_mode;
  policy->settle_ms = self->deadlock_settle;
  policy->max_queue_growth = self->max_queue_growth;
  policy->max_total_growth = self->max_total_growth;
  GST_OBJECT_UNLOCK (self);
}

/* A fresh sample of the wait-for graph, acting on nothing. */
void
controller_sample_deadlock (GstWorkerController * self)
{
  GstWorkerChannelCounts *counts = channel_counts (self);

  gst_worker_deadlock_sample (self->deadlock, counts);
  g_free (counts);
}

void
controller_set_deadlock_topology (GstWorkerController * self)
{
  GstWorkerChannel *channels = g_new0 (GstWorkerChannel,
      self->queues->len + 1);
  guint i;

  for (i = 0; i < self->queues->len; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    channels[i].element = q->element;
    channels[i].name = q->name;
    channels[i].sinkpad = q->sinkpad;
    channels[i].srcpad = q->srcpad;
    channels[i].is_element = q->is_element;
  }
  gst_worker_deadlock_set_topology (self->deadlock, self->pipeline, channels,
      self->queues->len);
  g_free (channels);
}

/* ---------------------------------------------------------------------- */
/* deadlocks */

static void
handle_deadlock_events (GstWorkerController * self, GPtrArray * events)
{
  gboolean stop = FALSE;
  guint i;

  for (i = 0; i < events->len; i++) {
    GstStructure *ev = g_ptr_array_index (events, i);
    const gchar *text = gst_structure_get_string (ev, "text");
    const gchar *action;

    if (gst_structure_has_name (ev, "idle")) {
      GST_INFO_OBJECT (self, "no deadlock, the system is %s: %s",
          gst_structure_get_string (ev, "state"), text);
      continue;
    }
    if (gst_structure_has_field (ev, "repeat"))
      continue;
    action = gst_structure_get_string (ev, "action");
    if (g_str_equal (action, "stop")) {
      GST_ERROR_OBJECT (self, "%s", text);
      stop = TRUE;
    } else {
      GST_WARNING_OBJECT (self, "%s", text);
    }
    g_signal_emit (self, controller_signals[SIGNAL_DEADLOCK], 0, ev);
  }

  if (stop) {
    gboolean running;

    GST_OBJECT_LOCK (self);
    running = self->phase == PHASE_RUNNING || self->phase == PHASE_DRAINING;
    controller_cancel_timer (&self->drain_timer);
    GST_OBJECT_UNLOCK (self);
    if (running)
      controller_finish (self, controller_stop_and_report (self,
              GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK), TRUE);
  }
}

/* Every few milliseconds while the system runs (before PLAYING too: a
 * deadlock can stop a pipeline prerolling): sample the wait-for graph and
 * act on deadlocks. */
gboolean
controller_deadlock_tick (gpointer user_data)
{
  GstWorkerController *self = gst_object_ref (user_data);
  GstWorkerDeadlockPolicy policy;
  GstWorkerChannelCounts *counts;
  GPtrArray *events;
  gboolean active;

  controller_deadlock_policy (self, &policy);
  GST_OBJECT_LOCK (self);
  active = (self->phase == PHASE_RUNNING || self->phase == PHASE_DRAINING) &&
      !self->system_paused && policy.mode != GST_WORKER_DEADLOCK_MODE_OFF;
  GST_OBJECT_UNLOCK (self);

  if (active) {
    counts = channel_counts (self);
    events = gst_worker_deadlock_check (self->deadlock, counts, &policy);
    g_free (counts);
    handle_deadlock_events (self, events);
    g_ptr_array_unref (events);
  }
  gst_object_unref (self);
  return G_SOURCE_CONTINUE;
}
