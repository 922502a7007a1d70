/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* How a GstWorkerController run ends: the drain (EOS from a thread into
 * every source, then a wait for EOS on every element's inputs, bounded by
 * the drain timeout), the stop (freeze every worker, stop the pipeline and
 * account, queue by queue and worker by worker, for every item that was
 * discarded), and the end of the run: its report kept, the finished
 * signal. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/base/gstaggregator.h>

#include "gstworkercontrollerprivate.h"
#include "gstworkervalue.h"

/* after a pipeline's EOS that no drain asked for, how long EOS may take to
 * reach the inputs that do not lead to a sink */
#define EOS_SETTLE_MS 2000

/* ---------------------------------------------------------------------- */
/* run control */

/* A source blocked pushing into a full queue keeps its stream lock, and
 * GstBaseSrc takes that lock to handle an EOS sent to it (holding the
 * element's state lock meanwhile). So the EOS goes from a thread of its
 * own, one source at a time: the controller's context never blocks, and
 * the pipeline's state lock stays free for a stop. */
gpointer
controller_send_eos_thread (gpointer data)
{
  GPtrArray *sources = data;
  guint i;

  for (i = 0; i < sources->len; i++) {
    GstElement *src = g_ptr_array_index (sources, i);

    GST_DEBUG_OBJECT (src, "sending EOS");
    gst_element_send_event (src, gst_event_new_eos ());
  }
  g_ptr_array_unref (sources);
  return NULL;
}

/* Unblocks whatever the drain's EOS thread waits on (a flush from every
 * source downstream wakes blocked pushes and hung test workers alike), and
 * joins it. Call with the system frozen, before going to NULL. */
void
controller_join_eos_thread (GstWorkerController * self, gboolean flush)
{
  GThread *thread;

  GST_OBJECT_LOCK (self);
  thread = self->eos_thread;
  self->eos_thread = NULL;
  GST_OBJECT_UNLOCK (self);
  if (!thread)
    return;

  if (flush) {
    GPtrArray *sources = worker_topology_list_sources (self->topology);
    guint i;

    for (i = 0; i < sources->len; i++) {
      GstElement *src = g_ptr_array_index (sources, i);
      GstIterator *it = gst_element_iterate_src_pads (src);
      GValue item = G_VALUE_INIT;

      while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
        gst_pad_push_event (g_value_get_object (&item),
            gst_event_new_flush_start ());
        g_value_reset (&item);
      }
      g_value_unset (&item);
      gst_iterator_free (it);
    }
    g_ptr_array_unref (sources);
  }
  g_thread_join (thread);
}

/* Every worker's stats now. */
static GPtrArray *
snapshot_workers (GstWorkerController * self)
{
  GPtrArray *snap = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gst_structure_free);
  guint i;

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    g_ptr_array_add (snap, gst_worker_get_stats (GST_WORKER (w->element)));
  }
  return snap;
}

#define SETTLE_TIMEOUT_US (100 * 1000)

/* Stops the pipeline after freezing the system: every worker is paused,
 * so none starts a new item, and the controller waits (a bounded 100 ms)
 * for those in the middle of one to finish it, or to block. Then nothing
 * moves but hung or slow workers, and the counts taken after the stop
 * tell where every item was. */
StopSnapshot
controller_freeze_and_stop (GstWorkerController * self)
{
  StopSnapshot snap;
  gboolean *was_paused = g_new0 (gboolean, self->workers->len + 1);
  gint64 deadline;
  guint i;

  snap.doing = snapshot_workers (self);
  for (i = 0; i < self->workers->len; i++) {
    GstWorker *w = GST_WORKER (((WorkerRec *)
            g_ptr_array_index (self->workers, i))->element);

    was_paused[i] = gst_worker_get_paused (w);
    gst_worker_set_paused (w, TRUE);
  }
  deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_US;
  for (;;) {
    gboolean busy = FALSE;

    for (i = 0; i < self->workers->len && !busy; i++) {
      GstWorker *w = GST_WORKER (((WorkerRec *)
              g_ptr_array_index (self->workers, i))->element);
      busy = gst_worker_get_state (w) == GST_WORKER_STATE_BUSY;
    }
    if (!busy || g_get_monotonic_time () >= deadline)
      break;
    g_usleep (500);
  }
  snap.frozen = snapshot_workers (self);

  controller_join_eos_thread (self, TRUE);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);

  for (i = 0; i < self->workers->len; i++) {
    GstWorker *w = GST_WORKER (((WorkerRec *)
            g_ptr_array_index (self->workers, i))->element);
    gst_worker_set_paused (w, was_paused[i]);
  }
  g_free (was_paused);
  return snap;
}

void
controller_stop_snapshot_clear (StopSnapshot * snap)
{
  g_ptr_array_unref (snap->doing);
  g_ptr_array_unref (snap->frozen);
}

static guint64
items_passed (const GstStructure * s)
{
  return controller_stats_u64 (s, "items-out") + controller_stats_u64 (s,
      "items-dropped");
}

/* After a stop: where the items that were inside went. Queues: what went
 * in and did not come out (exact, from the pad probes; it includes an item
 * a blocked writer was pushing in). Workers: items handed over by their
 * input queues that they never started (held by a paused worker, say),
 * and the item in hand of a worker still busy when frozen that passed
 * nothing on afterwards (a hung one). Adds `holder` entries to @holders
 * (with what each worker was doing before the freeze); returns the
 * total. */
guint64
controller_account_discards (GstWorkerController * self, StopSnapshot * snap,
    GValue * holders)
{
  guint64 total = 0;
  guint i, j;

  for (i = 0; i < self->queues->len; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);
    guint64 in, out;
    GValue readers = G_VALUE_INIT;
    GstStructure *h;

    worker_queue_counts (q, &in, &out);
    in += worker_queue_initial (q);
    if (in <= out)
      continue;
    total += in - out;
    h = gst_structure_new ("holder",
        "name", G_TYPE_STRING, q->name,
        "kind", G_TYPE_STRING, "queue",
        "items", G_TYPE_UINT64, in - out, NULL);
    worker_topology_queue_names (self->topology, q, NULL, &readers);
    controller_structure_take_array (h, "readers", &readers);
    worker_array_take_structure (holders, h);
  }

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    GstStructure *was = g_ptr_array_index (snap->doing, i);
    GstStructure *frozen = g_ptr_array_index (snap->frozen, i);
    GstStructure *now = gst_worker_get_stats (GST_WORKER (w->element));
    GstWorkerState state = controller_stats_state (was);
    guint64 handed = 0, started =
        controller_stats_u64 (now, "items-in"), items = 0;
    GPtrArray *in;
    GstStructure *h;

    in = worker_topology_dup_inputs (self->topology, w);
    for (j = 0; j < in->len; j++) {
      guint64 qin, qout;

      worker_queue_counts (g_ptr_array_index (in, j), &qin, &qout);
      handed += qout;
    }
    if (in->len && handed > started)
      items += handed - started;
    /* a source busy producing holds no item yet */
    if (controller_stats_state (frozen) == GST_WORKER_STATE_BUSY &&
        w->element->numsinkpads > 0 && items_passed (now) == items_passed
        (frozen))
      items += 1;
    g_ptr_array_unref (in);

    total += items;
    if (items || state != GST_WORKER_STATE_IDLE) {
      h = gst_structure_new ("holder",
          "name", G_TYPE_STRING, w->name,
          "kind", G_TYPE_STRING, "worker",
          "items", G_TYPE_UINT64, items,
          "state", GST_TYPE_WORKER_STATE, state,
          "state-time", GST_TYPE_CLOCK_TIME, controller_stats_time (was,
              "state-time"), NULL);
      if (gst_structure_has_field (was, "blocked-on"))
        gst_structure_set (h, "blocked-on", G_TYPE_STRING,
            gst_structure_get_string (was, "blocked-on"), NULL);
      worker_array_take_structure (holders, h);
    }
    gst_structure_free (now);
  }
  return total;
}

static gboolean
emit_finished (gpointer user_data)
{
  GstWorkerController *self = user_data;
  GstStructure *report;

  GST_OBJECT_LOCK (self);
  report = gst_structure_copy (self->report);
  GST_OBJECT_UNLOCK (self);
  g_signal_emit (self, controller_signals[SIGNAL_FINISHED], 0, report);
  gst_structure_free (report);
  return G_SOURCE_REMOVE;
}

/* Ends the run; @report is taken. */
void
controller_finish (GstWorkerController * self, GstStructure * report,
    gboolean emit_here)
{
  GstWorkerControllerOutcome outcome = GST_WORKER_CONTROLLER_OUTCOME_NONE;

  gst_structure_get_enum (report, "outcome",
      GST_TYPE_WORKER_CONTROLLER_OUTCOME, (gint *) & outcome);

  GST_OBJECT_LOCK (self);
  self->phase = PHASE_FINISHED;
  self->playing = FALSE;
  self->outcome = outcome;
  if (self->report)
    gst_structure_free (self->report);
  self->report = report;
  controller_cancel_timer (&self->drain_timer);
  controller_cancel_timer (&self->restart_timer);
  controller_cancel_timer (&self->deadlock_timer);
  GST_OBJECT_UNLOCK (self);
  g_source_set_ready_time (self->watchdog, -1);

  GST_INFO_OBJECT (self, "finished: %" GST_PTR_FORMAT, report);
  if (emit_here)
    emit_finished (self);
  else
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
        emit_finished, gst_object_ref (self), gst_object_unref);
}

/* Stops the pipeline and reports what it held. */
GstStructure *
controller_stop_and_report (GstWorkerController * self,
    GstWorkerControllerOutcome outcome)
{
  StopSnapshot snap = controller_freeze_and_stop (self);
  GValue holders = G_VALUE_INIT;
  guint64 discarded;
  GstStructure *report;

  controller_new_array (&holders);
  discarded = controller_account_discards (self, &snap, &holders);
  report = controller_build_report (self, outcome);
  gst_structure_set (report, "items-discarded", G_TYPE_UINT64, discarded,
      NULL);
  controller_structure_take_array (report, "holders", &holders);
  controller_stop_snapshot_clear (&snap);
  return report;
}

/* Whether EOS reached every linked input of every element, not only every
 * sink. The pipeline's EOS can come first: a merge ends its output at the
 * end of its main input and still reads its other inputs to their end,
 * dropping (and counting) what comes, and the last items of a feedback
 * loop may still be on their way back into it. */
static gboolean
every_input_ended (GstWorkerController * self)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  GValue item = G_VALUE_INIT;
  gboolean ended = TRUE, done = FALSE;

  while (!done && ended) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);
        GList *l;

        if (GST_IS_BIN (e)) {
          g_value_reset (&item);
          break;
        }
        GST_OBJECT_LOCK (e);
        for (l = e->sinkpads; l && ended; l = l->next) {
          GstPad *pad = l->data;

          if (!gst_pad_is_linked (pad))
            continue;
          /* an aggregator's input has ended once the items before its
           * EOS were taken */
          ended = GST_IS_AGGREGATOR_PAD (pad) ?
              gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad)) :
              GST_PAD_IS_EOS (pad);
          if (!ended)
            GST_DEBUG_OBJECT (pad, "no EOS yet");
        }
        GST_OBJECT_UNLOCK (e);
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return ended;
}

typedef struct
{
  GstWorkerController *self;
  gint64 since;                 /* when the pipeline's EOS came */
} EosWait;

static void eos_wait_free (gpointer data);
static gboolean eos_wait_cb (gpointer data);

static void
handle_eos_since (GstWorkerController * self, gint64 since)
{
  GstStructure *report;
  gboolean draining;

  GST_OBJECT_LOCK (self);
  if (self->phase != PHASE_RUNNING && self->phase != PHASE_DRAINING) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  draining = self->phase == PHASE_DRAINING;
  GST_OBJECT_UNLOCK (self);

  /* a drain waits, bounded by its timeout, for every input to end; a run
   * that ended by itself waits a little */
  if (!every_input_ended (self) && (draining || g_get_monotonic_time () -
          since < EOS_SETTLE_MS * G_TIME_SPAN_MILLISECOND)) {
    GSource *check = g_timeout_source_new (5);
    EosWait *wait = g_new (EosWait, 1);

    wait->self = gst_object_ref (self);
    wait->since = since;
    g_source_set_callback (check, eos_wait_cb, wait, eos_wait_free);
    g_source_attach (check, self->context);
    g_source_unref (check);
    return;
  }

  GST_OBJECT_LOCK (self);
  controller_cancel_timer (&self->drain_timer);
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "EOS: every item drained");
  /* the EOS reached every sink: the thread that sent it is done */
  controller_join_eos_thread (self, FALSE);
  report =
      controller_build_report (self, GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
  controller_finish (self, report, TRUE);
}

static void
eos_wait_free (gpointer data)
{
  EosWait *wait = data;

  gst_object_unref (wait->self);
  g_free (wait);
}

static gboolean
eos_wait_cb (gpointer data)
{
  EosWait *wait = data;

  handle_eos_since (wait->self, wait->since);
  return G_SOURCE_REMOVE;
}

void
controller_handle_eos (GstWorkerController * self)
{
  handle_eos_since (self, g_get_monotonic_time ());
}

gboolean
controller_drain_timeout_cb (gpointer user_data)
{
  GstWorkerController *self = user_data;
  GstStructure *report;

  GST_OBJECT_LOCK (self);
  if (self->phase != PHASE_DRAINING) {
    GST_OBJECT_UNLOCK (self);
    return G_SOURCE_REMOVE;
  }
  g_clear_pointer (&self->drain_timer, g_source_unref);
  GST_OBJECT_UNLOCK (self);

  report = controller_stop_and_report (self,
      GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT);
  GST_WARNING_OBJECT (self, "drain timed out: %" GST_PTR_FORMAT, report);
  controller_finish (self, report, TRUE);
  return G_SOURCE_REMOVE;
}
