/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* How a run ends (see gstworkerexit.h): the drain's EOS from a thread
 * into every source; whether EOS reached every element's inputs; and the
 * stop: freeze every worker, stop the pipeline and account, queue by
 * queue and worker by worker, for every item that was discarded. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/base/gstaggregator.h>

#include "gstworkerexit.h"
#include "gstworkerenums.h"
#include "gstworkervalue.h"
#include "gstworkerpeer.h"

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

struct _GstWorkerExit
{
  GstWorkerTopology *topology;  /* not owned; outlives it */
  GPtrArray *workers;           /* the topology's WorkerRec; fixed */
  GPtrArray *queues;            /* the topology's QueueRec; fixed */

  GMutex lock;                  /* taken after the controller's object
                                 * lock, never before it */
  /* protected by lock */
  GThread *eos_thread;          /* sends the drain's EOS; joined at stop */
};

/* What a stop needs to account for every item. */
typedef struct
{
  GPtrArray *doing;             /* stats before the freeze: what each did */
  GPtrArray *frozen;            /* stats once frozen: who still had an item */
} StopSnapshot;

GstWorkerExit *
worker_exit_new (GstWorkerTopology * topology)
{
  GstWorkerExit *self = g_new0 (GstWorkerExit, 1);

  self->topology = topology;
  self->workers = worker_topology_workers (topology);
  self->queues = worker_topology_queues (topology);
  g_mutex_init (&self->lock);
  return self;
}

/* Call once the EOS thread was joined. */
void
worker_exit_free (GstWorkerExit * self)
{
  g_assert (self->eos_thread == NULL);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* ---------------------------------------------------------------------- */
/* the drain */

/* A source blocked pushing into a full queue keeps its stream lock, and
 * GstBaseSrc takes that lock to handle an EOS sent to it (holding the
 * element's state lock meanwhile). So the EOS goes from a thread of its
 * own, one source at a time: the controller's context never blocks, and
 * the pipeline's state lock stays free for a stop. */
static gpointer
send_eos_thread (gpointer data)
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

/* Starts sending EOS into every source, unless that was started already:
 * a drain. */
void
worker_exit_send_eos (GstWorkerExit * self)
{
  g_mutex_lock (&self->lock);
  if (!self->eos_thread)
    self->eos_thread =
        g_thread_new ("worker-drain-eos", send_eos_thread,
        worker_topology_list_sources (self->topology));
  g_mutex_unlock (&self->lock);
}

/* Unblocks whatever the drain's EOS thread waits on (a flush from every
 * source downstream wakes blocked pushes and hung test workers alike), and
 * joins it. Call with the system frozen, before going to NULL. */
void
worker_exit_join_eos (GstWorkerExit * self, gboolean flush)
{
  GThread *thread;

  g_mutex_lock (&self->lock);
  thread = self->eos_thread;
  self->eos_thread = NULL;
  g_mutex_unlock (&self->lock);
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

enum
{
  FED = 1,
  UNFED
};

/* Whether anything can feed @element: it is a source (no input pad), or
 * one of its inputs is linked to an element something feeds. An element
 * on a loop counts as fed. @seen: element -> FED or UNFED (not reffed:
 * the pipeline holds them). */
static gboolean
element_is_fed (GstElement * element, GHashTable * seen)
{
  gpointer known;
  GList *pads = NULL;
  gboolean fed;

  if (g_hash_table_lookup_extended (seen, element, NULL, &known))
    return GPOINTER_TO_INT (known) == FED;
  g_hash_table_insert (seen, element, GINT_TO_POINTER (FED));
  GST_OBJECT_LOCK (element);
  for (GList * l = element->sinkpads; l; l = l->next)
    pads = g_list_prepend (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (element);
  fed = pads == NULL;
  for (GList * l = pads; l && !fed; l = l->next) {
    GstPad *peer = gst_worker_real_peer (l->data);
    GstElement *up = peer ? gst_pad_get_parent_element (peer) : NULL;

    if (up)
      fed = element_is_fed (up, seen);
    gst_clear_object (&up);
    gst_clear_object (&peer);
  }
  g_list_free_full (pads, gst_object_unref);
  g_hash_table_insert (seen, element, GINT_TO_POINTER (fed ? FED : UNFED));
  return fed;
}

/* Whether something feeds @pad (an input): nothing does, when it comes
 * from elements whose inputs lead to nothing -- a pool's replica grown
 * while the pool drained, whose child still started: the dispatcher
 * never linked it, so no item nor EOS can reach it. */
static gboolean
input_is_fed (GstPad * pad, GHashTable * seen)
{
  GstPad *peer = gst_worker_real_peer (pad);
  GstElement *up = peer ? gst_pad_get_parent_element (peer) : NULL;
  gboolean fed = up && element_is_fed (up, seen);

  gst_clear_object (&up);
  gst_clear_object (&peer);
  return fed;
}

/* Whether EOS reached every linked input of every element, not only every
 * sink (an input nothing feeds cannot end, and holds nothing: not waited
 * for). The pipeline's EOS can come first: a merge ends its output at the
 * end of its main input and still reads its other inputs to their end,
 * dropping (and counting) what comes, and the last items of a feedback
 * loop may still be on their way back into it. */
gboolean
worker_exit_every_input_ended (GstWorkerExit * self)
{
  GstIterator *it =
      gst_bin_iterate_recurse (GST_BIN (worker_topology_pipeline
          (self->topology)));
  GValue item = G_VALUE_INIT;
  gboolean ended = TRUE, done = FALSE;
  GHashTable *seen = NULL;
  GList *waiting = NULL;

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
        for (l = e->sinkpads; l; l = l->next) {
          GstPad *pad = l->data;

          if (!gst_pad_is_linked (pad))
            continue;
          /* an aggregator's input has ended once the items before its
           * EOS were taken */
          if (!(GST_IS_AGGREGATOR_PAD (pad) ?
                  gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad)) :
                  GST_PAD_IS_EOS (pad)))
            waiting = g_list_prepend (waiting, gst_object_ref (pad));
        }
        GST_OBJECT_UNLOCK (e);
        g_value_reset (&item);
        /* (outside the element's lock: the look upstream takes others) */
        while (waiting && ended) {
          GstPad *pad = waiting->data;

          if (!seen)
            seen = g_hash_table_new (NULL, NULL);
          ended = !input_is_fed (pad, seen);
          if (!ended)
            GST_DEBUG_OBJECT (pad, "no EOS yet");
          waiting = g_list_delete_link (waiting, waiting);
          gst_object_unref (pad);
        }
        g_list_free_full (waiting, gst_object_unref);
        waiting = NULL;
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
  if (seen)
    g_hash_table_unref (seen);
  return ended;
}

/* ---------------------------------------------------------------------- */
/* the stop */

/* Every worker's stats now. */
static GPtrArray *
snapshot_workers (GstWorkerExit * self)
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

/* Freezes the child of @data, a WorkerRec (a reader of its messages
 * held in a push is relieved by the replica, so the answer comes: see
 * gst_proc_child_status_freeze() in elements/workers/gstprocchildstatus.c).
 * Returns: whether to ask it again (not if it did not answer in time). */
static gpointer
freeze_child (gpointer data)
{
  WorkerRec *w = data;
  GstQuery *q = gst_query_new_custom (GST_QUERY_CUSTOM,
      gst_structure_new_empty ("worker-child-freeze"));
  gboolean frozen = gst_element_query (w->element, q);
  gboolean unanswered = FALSE;

  gst_structure_get_boolean (gst_query_get_structure (q), "unanswered",
      &unanswered);
  gst_query_unref (q);
  if (!frozen)
    GST_DEBUG ("the child of %s was not frozen%s: its last stats stand",
        w->name, unanswered ? " (no answer)" : "");
  return GINT_TO_POINTER (!unanswered);
}

/* Freezes the child processes of the workers that have one (a
 * processreplica's: its stats @doing list workers in a child), all at
 * once: from then on nothing moves in there and nothing comes out, and
 * the replica's stats say exactly what each element there held
 * ("worker-child-freeze", GST_PROC_CHILD_FREEZE_QUERY in
 * elements/workers/gstprocwire.h). Else the workers inside run on after
 * their stats were read, and deliver items counted as held (newuser E8).
 * Asked again (@again), a child says the same, and counts the items its
 * replica sent meanwhile; one that did not answer in time is not asked
 * again (5 s each time: @ask_again, by worker, one for each of @doing). */
static void
freeze_children (GstWorkerExit * self, GPtrArray * doing,
    gboolean * ask_again, gboolean again)
{
  GPtrArray *threads = g_ptr_array_new ();
  GArray *asked = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < MIN (doing->len, self->workers->len); i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);

    if (worker_rec_is_retired (w) || (again && !ask_again[i]) ||
        !gst_structure_has_field (g_ptr_array_index (doing, i),
            "child-workers"))
      continue;
    g_ptr_array_add (threads, g_thread_new ("worker-freeze", freeze_child,
            w));
    g_array_append_val (asked, i);
  }
  for (guint i = 0; i < threads->len; i++)
    ask_again[g_array_index (asked, guint, i)] =
        GPOINTER_TO_INT (g_thread_join (g_ptr_array_index (threads, i)));
  g_ptr_array_unref (threads);
  g_array_unref (asked);
}

/* Stops the pipeline after freezing the system: every worker is paused,
 * so none starts a new item, and the controller waits (a bounded 100 ms)
 * for those in the middle of one to finish it, or to block (child
 * processes are frozen before that). Then nothing moves but hung or slow
 * workers, and the counts taken after the stop tell where every item
 * was. */
static StopSnapshot
freeze_and_stop (GstWorkerExit * self)
{
  StopSnapshot snap;
  /* (the workers as they are now: one added meanwhile is not paused) */
  guint n = self->workers->len;
  gboolean *was_paused = g_new0 (gboolean, n + 1);
  gboolean *ask_again;
  gint64 deadline;
  guint i;

  snap.doing = snapshot_workers (self);
  ask_again = g_new0 (gboolean, snap.doing->len + 1);
  /* the children first, while what they made before can still go on
   * (a paused worker after their replica would hold the replica's reader,
   * to be relieved for their answer) */
  freeze_children (self, snap.doing, ask_again, FALSE);
  for (i = 0; i < MIN (n, self->workers->len); i++) {
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
  /* again: what a replica sent its child meanwhile waits there (a child
   * that did not answer is not waited for again) */
  freeze_children (self, snap.doing, ask_again, TRUE);
  snap.frozen = snapshot_workers (self);

  worker_exit_join_eos (self, TRUE);
  gst_element_set_state (GST_ELEMENT (worker_topology_pipeline
          (self->topology)), GST_STATE_NULL);

  for (i = 0; i < MIN (n, self->workers->len); i++) {
    GstWorker *w = GST_WORKER (((WorkerRec *)
            g_ptr_array_index (self->workers, i))->element);
    gst_worker_set_paused (w, was_paused[i]);
  }
  g_free (was_paused);
  g_free (ask_again);
  return snap;
}

static void
stop_snapshot_clear (StopSnapshot * snap)
{
  g_ptr_array_unref (snap->doing);
  g_ptr_array_unref (snap->frozen);
}

static guint64
items_passed (const GstStructure * s)
{
  return worker_stats_u64 (s, "items-out") + worker_stats_u64 (s, "items-dropped");
}

/* The `reason` of worker holder @h, from its stats @now: the items it
 * failed on, and those it dropped unsent at the stop (and why). */
static void
set_reason (GstStructure * h, const GstStructure * now)
{
  guint64 failed = worker_stats_u64 (now, "items-failed");
  guint64 discarded = worker_stats_u64 (now, "items-discarded");
  const gchar *why = gst_structure_get_string (now, "discarded-reason");
  GString *reason = g_string_new (NULL);

  if (failed)
    g_string_append_printf (reason, "it failed with an error on %"
        G_GUINT64_FORMAT, failed);
  if (discarded)
    g_string_append_printf (reason, "%s%" G_GUINT64_FORMAT " dropped unsent "
        "at the stop%s%s", failed ? "; " : "", discarded, why ? ": " : "",
        why ? why : "");
  if (reason->len)
    gst_structure_set (h, "reason", G_TYPE_STRING, reason->str, NULL);
  g_string_free (reason, TRUE);
}

/* The workers @w runs in a child process, if it does (a processreplica:
 * its stats list them in `child-workers`, as the child gave them when
 * frozen, its queues in `child-queues`, and the element its items go into
 * in `child-entry`): `holder` entries for the workers not idle, named
 * "REPLICA/NAME", and for the queues (and, frozen, other elements) that
 * hold items. Returns the items they hold.
 *
 * A child frozen by the exit (`child-frozen`) said exactly what each of
 * its elements held (a worker's `held`): the item in hand of @w
 * (@in_hand) is one of them, or among the items it sent that the child
 * did not take (@input; @given TRUE), or one its worker failed on whose
 * answer the freeze kept from @w (@failed: @w did not count it). Else (a
 * child that did not answer
 * the freeze: its last answer) the item in hand is held by the entry
 * worker if that one is busy (@given; else @w still has it: pushing into
 * a full queue, say); a busy worker further in holds one item of its
 * own, and a queue its level. */
static guint64
account_child_workers (WorkerRec * w, const GstStructure * frozen,
    gboolean in_hand, GValue * holders, gboolean * given, guint64 * input,
    guint64 * failed)
{
  const GValue *children = gst_structure_get_value (frozen, "child-workers");
  const GValue *queues = gst_structure_get_value (frozen, "child-queues");
  const GValue *others = gst_structure_get_value (frozen, "child-others");
  const gchar *entry = gst_structure_get_string (frozen, "child-entry");
  gboolean exact = FALSE, unsent = FALSE;
  guint64 held = 0;

  *input = *failed = 0;
  gst_structure_get_boolean (frozen, "child-frozen", &exact);
  if (exact) {
    gst_structure_get_uint64 (frozen, "child-input-held", input);
    gst_structure_get_uint64 (frozen, "child-input-failed", failed);
  }
  /* (an item in hand that reached the child after its answer, or not
   * yet, is @w's own) */
  gst_structure_get_boolean (frozen, "child-input-unsent", &unsent);
  *given = exact && in_hand && !unsent;
  for (guint i = 0; children && GST_VALUE_HOLDS_ARRAY (children) &&
      i < gst_value_array_get_size (children); i++) {
    const GValue *v = gst_value_array_get_value (children, i);
    const GstStructure *c;
    GstStructure *h;
    GstWorkerState state;
    guint64 items = 0;
    const gchar *cname;
    gchar *name;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    c = gst_value_get_structure (v);
    cname = gst_structure_get_string (c, "worker");
    state = worker_stats_state (c);
    if (exact)
      gst_structure_get_uint64 (c, "held", &items);
    if (state == GST_WORKER_STATE_IDLE && !items)
      continue;
    if (!exact && state == GST_WORKER_STATE_BUSY) {
      if (!entry || g_strcmp0 (entry, cname) == 0) {
        /* what the replica handed in */
        if (in_hand && !*given) {
          *given = TRUE;
          items = 1;
        }
      } else {
        /* an item of its own, from a queue in the child */
        items = 1;
      }
    }
    held += items;
    name = g_strdup_printf ("%s/%s", w->name, cname);
    h = gst_structure_new ("holder",
        "name", G_TYPE_STRING, name,
        "kind", G_TYPE_STRING, "worker",
        "process-of", G_TYPE_STRING, w->name,
        "items", G_TYPE_UINT64, items,
        "state", GST_TYPE_WORKER_STATE, state,
        "state-time", GST_TYPE_CLOCK_TIME, worker_stats_time (c,
            "state-time"), NULL);
    /* (the item the worker inside failed on: the replica counts it only
     * if its answer came before the stop's flush) */
    set_reason (h, c);
    worker_array_take_structure (holders, h);
    g_free (name);
  }
  for (guint k = 0; k < 2; k++) {
    const GValue *list = k ? others : queues;

    for (guint i = 0; list && GST_VALUE_HOLDS_ARRAY (list) &&
        i < gst_value_array_get_size (list); i++) {
      const GValue *v = gst_value_array_get_value (list, i);
      const GstStructure *q;
      guint64 items = 0;
      gchar *name;

      if (!GST_VALUE_HOLDS_STRUCTURE (v))
        continue;
      q = gst_value_get_structure (v);
      if (!gst_structure_get_uint64 (q, "items", &items) || items == 0)
        continue;
      held += items;
      name = g_strdup_printf ("%s/%s", w->name,
          gst_structure_get_string (q, "name"));
      worker_array_take_structure (holders, gst_structure_new ("holder",
              "name", G_TYPE_STRING, name,
              "kind", G_TYPE_STRING, k ? "element" : "queue",
              "process-of", G_TYPE_STRING, w->name,
              "items", G_TYPE_UINT64, items,
              "reason", G_TYPE_STRING, k ? "in an element inside the child "
              "process when it was stopped" : "in a queue inside the child "
              "process when it was stopped", NULL));
      g_free (name);
    }
  }
  return held;
}

/* After a stop: where the items that were inside went. Queues: what went
 * in and did not come out (exact, from the pad probes; it includes an item
 * a blocked writer was pushing in). Workers: items handed over by their
 * input queues that they never started (held by a paused worker, say),
 * the items it failed on with an error (`items-failed`), those it took and
 * dropped unsent at the stop (`items-discarded`), and the item in
 * hand of a worker still busy when frozen that passed nothing on
 * afterwards (a hung one; a replica says whether it has one,
 * `item-in-hand`). Adds `holder` entries to @holders
 * (with what each worker was doing before the freeze); returns the
 * total. */
static guint64
account_discards (GstWorkerExit * self, StopSnapshot * snap, GValue * holders)
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
        "kind", G_TYPE_STRING, "queue", "items", G_TYPE_UINT64, in - out, NULL);
    worker_topology_queue_names (self->topology, q, NULL, &readers);
    gst_structure_take_value (h, "readers", &readers);
    worker_array_take_structure (holders, h);
  }

  for (i = 0; i < MIN (snap->doing->len, snap->frozen->len); i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    GstStructure *was = g_ptr_array_index (snap->doing, i);
    GstStructure *frozen = g_ptr_array_index (snap->frozen, i);
    GstStructure *now = gst_worker_get_stats (GST_WORKER (w->element));
    GstWorkerState state = worker_stats_state (was);
    guint64 handed = 0, started = worker_stats_u64 (now, "items-in"), items = 0;
    gboolean in_hand = FALSE, waits, given;
    guint64 child_held, input, failed;
    gint64 handed_offset;
    GPtrArray *in;
    GstStructure *h;

    /* a worker a reshape took out was drained first: it held nothing */
    if (worker_rec_is_retired (w)) {
      gst_structure_free (now);
      continue;
    }
    in = worker_topology_dup_inputs (self->topology, w);
    handed_offset = worker_topology_handed_offset (self->topology, w);
    for (j = 0; j < in->len; j++) {
      guint64 qin, qout;

      worker_queue_counts (g_ptr_array_index (in, j), &qin, &qout);
      handed += qout;
    }
    /* what its inputs handed out before it read them (a reshape) */
    handed = (gint64) handed > handed_offset ? handed - handed_offset : 0;
    if (in->len && handed > started)
      items += handed - started;
    /* the items it failed on (the error's own item), and those it took
     * and dropped unsent when the stop came (a pool's collector: outputs
     * that waited for an earlier item; its dispatcher: an item no replica
     * took) */
    items += worker_stats_u64 (now, "items-failed");
    items += worker_stats_u64 (now, "items-discarded");
    /* a source busy producing holds no item yet; a worker whose child
     * process starts may hold one, waiting for it (a replica that says
     * `item-in-hand` counts that one in it) */
    waits = FALSE;
    gst_structure_get_boolean (frozen, "waits-for-child", &waits);
    /* (a replica says whether it has an item in hand: busy, it may only
     * push an earlier item's output, a relieved reader of its child held
     * there; blocked, it may have begun one) */
    if (!gst_structure_get_boolean (frozen, "item-in-hand", &in_hand))
      in_hand = worker_stats_state (frozen) == GST_WORKER_STATE_BUSY || waits;
    in_hand = in_hand && w->element->numsinkpads > 0 &&
        items_passed (now) == items_passed (frozen);
    g_ptr_array_unref (in);
    /* in a child process, a worker there may have it, and hold more;
     * what it sent that the child did not take is its own */
    child_held = account_child_workers (w, frozen, in_hand, holders, &given,
        &input, &failed);
    if (in_hand && !given)
      items += 1;
    items += input;
    /* (failed in its child, as if it had counted them) */
    items += failed;
    if (failed)
      gst_structure_set (now, "items-failed", G_TYPE_UINT64,
          worker_stats_u64 (now, "items-failed") + failed, NULL);
    total += child_held;

    total += items;
    if (items || state != GST_WORKER_STATE_IDLE) {
      h = gst_structure_new ("holder",
          "name", G_TYPE_STRING, w->name,
          "kind", G_TYPE_STRING, "worker",
          "items", G_TYPE_UINT64, items,
          "state", GST_TYPE_WORKER_STATE, state,
          "state-time", GST_TYPE_CLOCK_TIME, worker_stats_time (was,
              "state-time"), NULL);
      if (gst_structure_has_field (was, "blocked-on"))
        gst_structure_set (h, "blocked-on", G_TYPE_STRING,
            gst_structure_get_string (was, "blocked-on"), NULL);
      set_reason (h, now);
      worker_array_take_structure (holders, h);
    }
    gst_structure_free (now);
  }
  return total;
}

/* Freezes the system, stops the pipeline and accounts for what it held:
 * adds `holder` entries to @holders (a GST_TYPE_ARRAY value) and returns
 * the number of items discarded. */
guint64
worker_exit_stop (GstWorkerExit * self, GValue * holders)
{
  StopSnapshot snap = freeze_and_stop (self);
  guint64 discarded = account_discards (self, &snap, holders);

  stop_snapshot_clear (&snap);
  return discarded;
}
