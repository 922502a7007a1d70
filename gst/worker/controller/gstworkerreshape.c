/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkerreshape
 * @title: Reshaping a running system
 * @short_description: swap, insert and remove workers while the system
 *   runs, losing nothing
 *
 * The design's system "is modular as the workers can be inserted,
 * removed, or swapped, as long as the inputs and outputs remain the same".
 * These #GstWorkerController methods do it while the system runs:
 *
 * - gst_worker_controller_swap_worker(): replace a worker by another
 *   element (an element description, as gst-launch-1.0 takes);
 * - gst_worker_controller_insert_worker(): put a worker, with a queue of
 *   its own behind it, right after a queue;
 * - gst_worker_controller_remove_worker(): take a worker out, its input
 *   joined to its output.
 *
 * How: the pad that feeds the place is held idle (a blocking pad probe,
 * between two items); a worker that leaves is drained first (an EOS sent
 * into it, kept from going further: everything it had is pushed on, in
 * order); then the pads are relinked, the new elements started, and the
 * held pad lets items go again. Nothing is lost, duplicated or reordered:
 * when the workers are equivalent the output is the one of the final
 * system run from the start (a Kahn network does not depend on timing).
 *
 * A change that cannot fit is refused before anything moves, with
 * %GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
 * %GST_WORKER_CONTROLLER_ERROR_UNKNOWN_QUEUE or
 * %GST_WORKER_CONTROLLER_ERROR_RESHAPE (caps that cannot pass, an element
 * with several inputs or outputs, a paused worker, a replica of a
 * `workerpool`, a name already taken), or %GST_PARSE_ERROR for a
 * description that does not parse; the system is then exactly as it was.
 * One limit is timing: the place must become idle within 10 s (a worker
 * busy on one item for longer, or held behind a paused one, is refused).
 *
 * Workers taken out stay in the status and the report (`retired-workers`,
 * with the counts they had), so counts stay balanced; so do the queues a
 * `workerpool`'s shrink takes out, in `queues` with `retired` %TRUE (a
 * later replica's queue may have the same name). Only one reshape
 * runs at a time; they may be called from any thread, and block until
 * done (milliseconds, unless the place is busy).
 *
 * |[<!-- language="C" -->
 * if (!gst_worker_controller_swap_worker (ctrl, "detect",
 *         "detecttarget name=detect threshold=0.6", &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkercontrollerprivate.h"
#include "gstworkerreshape.h"
#include "gstworkervalue.h"

/* how long a place may stay busy before a reshape is refused */
#define IDLE_TIMEOUT_US (10 * G_USEC_PER_SEC)
/* how long a leaving worker may take to push out what it holds */
#define DRAIN_TIMEOUT_US (60 * G_USEC_PER_SEC)

/* one reshape at a time, of any controller */
static GMutex reshape_lock;

/* ---------------------------------------------------------------------- */
/* the gate: a pad held idle, and the EOS of a drain caught */

typedef struct
{
  GMutex lock;
  GCond cond;
  /* protected by lock */
  gboolean idle;
  gboolean drained;
  gboolean released;
} Gate;

static Gate *
gate_new (void)
{
  Gate *g = g_atomic_rc_box_new0 (Gate);

  g_mutex_init (&g->lock);
  g_cond_init (&g->cond);
  return g;
}

static void
gate_clear (Gate * g)
{
  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
}

static void
gate_unref (gpointer g)
{
  g_atomic_rc_box_release_full (g, (GDestroyNotify) gate_clear);
}

/* Sets @flag, one of @g's, and wakes gate_wait(). */
static void
gate_set (Gate * g, gboolean * flag)
{
  g_mutex_lock (&g->lock);
  *flag = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

/* The pad is idle: no push is in progress; the next one will wait in
 * the blocking probe. */
static GstPadProbeReturn
gate_idle_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Gate *g = user_data;

  gate_set (g, &g->idle);
  return GST_PAD_PROBE_REMOVE;
}

/* Whatever comes next waits here, until the probe is removed. */
static GstPadProbeReturn
gate_block_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return GST_PAD_PROBE_OK;
}

/* An item already past the blocking probes when the hold began waits
 * here for the release. GStreamer runs a pad's other probes (a queue's
 * counting probe, say) with the pad unlocked, after the blocking ones
 * and before it reads the pad's peer, and it counts a push as "in
 * progress" for the idle probe only from that read on: a thread inside
 * such a probe is neither blocked nor waited for, and would read the
 * peer in the middle of the relink (none: not-linked; the drained
 * worker: its EOS; the new element not started yet: flushing). Probes
 * added while a thread is in that pass are called by it next, so it
 * lands here. Gives up when the pad flushes (the system stops). */
static GstPadProbeReturn
gate_catch_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Gate *g = user_data;

  g_mutex_lock (&g->lock);
  if (!g->released)
    GST_DEBUG_OBJECT (pad, "an item past the block waits for the release");
  while (!g->released && !GST_PAD_IS_FLUSHING (pad))
    g_cond_wait_until (&g->cond, &g->lock,
        g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&g->lock);
  return GST_PAD_PROBE_OK;
}

/* The drain's EOS came out of the leaving worker: it goes no further. */
static GstPadProbeReturn
gate_eos_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Gate *g = user_data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  gate_set (g, &g->drained);
  return GST_PAD_PROBE_DROP;
}

/* The RECONFIGURE a relink sends upstream stops at the held pad: the
 * caps flowing there do not change (checked before), and a renegotiation
 * upstream mid-stream would send an allocation query through the queues,
 * which can wait for ever behind the items they hold. */
static GstPadProbeReturn
keep_reconfigure_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_RECONFIGURE)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

/* Waits until *@flag or @timeout_us, giving up early when @pad flushes
 * (the system stopped). */
static gboolean
gate_wait (Gate * g, gboolean * flag, gint64 timeout_us, GstPad * pad)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean ret;

  g_mutex_lock (&g->lock);
  while (!*flag && g_get_monotonic_time () < end &&
      !(pad && GST_PAD_IS_FLUSHING (pad)))
    g_cond_wait_until (&g->cond, &g->lock,
        MIN (end, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND));
  ret = *flag;
  g_mutex_unlock (&g->lock);
  return ret;
}

/* Holds @pad idle (between two items). FALSE, and nothing held, when it
 * did not become idle in time. */
typedef struct
{
  GstPad *pad;
  Gate *gate;
  gulong block;
  gulong catch;
  gulong keep;
} Hold;

static gboolean
send_sticky_cb (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  if (GST_EVENT_TYPE (*event) != GST_EVENT_EOS)
    gst_pad_send_event (user_data, gst_event_ref (*event));
  return TRUE;
}

/* The held pad @up was relinked to @to: the stream's sticky events
 * (stream-start, caps, segment...) go into @to, in their order, before
 * the next item. The held thread may be stopped between two of them (a
 * caps sent, the segment waiting), and would otherwise give the new peer
 * that segment before any caps; what it sends after this repeats what @to
 * has. @up's own streaming thread sends them (a probe, once), not the
 * caller: a process replica's pads wait for its child's start (E11). A
 * later relink of @up before any item leaves it to that relink. */
static GstPadProbeReturn
resend_sticky_cb (GstPad * up, GstPadProbeInfo * info, gpointer to)
{
  GstPad *peer = gst_pad_get_peer (up);

  if (peer == to)
    gst_pad_sticky_events_foreach (up, send_sticky_cb, to);
  gst_clear_object (&peer);
  return GST_PAD_PROBE_REMOVE;
}

static void
resend_sticky (GstPad * up, GstPad * to)
{
  gst_pad_add_probe (up, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM, resend_sticky_cb,
      gst_object_ref (to), gst_object_unref);
}

/* Lets items go through the held pad again. */
static void
release (Hold * hold)
{
  if (hold->gate)
    gate_set (hold->gate, &hold->gate->released);
  if (hold->keep)
    gst_pad_remove_probe (hold->pad, hold->keep);
  if (hold->catch)
    gst_pad_remove_probe (hold->pad, hold->catch);
  if (hold->block)
    gst_pad_remove_probe (hold->pad, hold->block);
  hold->keep = hold->catch = hold->block = 0;
  hold->gate = NULL;
}

/* Holds @pad between two items: what comes next waits (a blocking
 * probe), an item already past that waits before it reads the peer (a
 * catching probe), and the push in progress, if any, is over (an idle
 * probe). FALSE, and nothing held, when the push did not end in time. */
static gboolean
hold_idle (GstPad * pad, Gate * g, Hold * hold)
{
  gulong idle;

  hold->pad = pad;
  hold->gate = g;
  hold->block = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
      gate_block_cb, NULL, NULL);
  hold->catch = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
      gate_catch_cb, g_atomic_rc_box_acquire (g), gate_unref);
  hold->keep = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      keep_reconfigure_cb, NULL, NULL);
  idle = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, gate_idle_cb,
      g_atomic_rc_box_acquire (g), gate_unref);
  if (gate_wait (g, &g->idle, IDLE_TIMEOUT_US, NULL))
    return TRUE;
  if (idle)
    gst_pad_remove_probe (pad, idle);
  release (hold);
  return FALSE;
}


/* Sends EOS into @sinkpad and waits for it to come out of @srcpad (and
 * stop there): what the element between them held is pushed on. */
static gboolean
drain_through (GstPad * sinkpad, GstPad * srcpad, Gate * g)
{
  gulong probe = gst_pad_add_probe (srcpad,
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, gate_eos_cb,
      g_atomic_rc_box_acquire (g), gate_unref);
  gboolean ret;

  gst_pad_send_event (sinkpad, gst_event_new_eos ());
  ret = gate_wait (g, &g->drained, DRAIN_TIMEOUT_US, srcpad);
  gst_pad_remove_probe (srcpad, probe);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* checks, before anything moves */

static gboolean
refuse (GError ** error, gint code, const gchar * format, ...)
G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError ** error, gint code, const gchar * format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GST_WORKER_CONTROLLER_ERROR, code, text);
  GST_INFO ("reshape refused: %s", text);
  g_free (text);
  return FALSE;
}

/* The run must be going: not before start, nor during an exit. */
static gboolean
check_running (GstWorkerController * self, GError ** error)
{
  if (worker_run_phase (self->run) == WORKER_RUN_RUNNING)
    return TRUE;
  return refuse (error, GST_WORKER_CONTROLLER_ERROR_STATE,
      "the system is not running (it has not started, is exiting or "
      "restarting): it cannot be reshaped now");
}

/* The one sink and one src pad of @element, or FALSE. */
static gboolean
one_in_one_out (GstElement * element, GstPad ** sinkpad, GstPad ** srcpad)
{
  gboolean ret = FALSE;

  GST_OBJECT_LOCK (element);
  if (element->numsinkpads == 1 && element->numsrcpads == 1) {
    *sinkpad = gst_object_ref (element->sinkpads->data);
    *srcpad = gst_object_ref (element->srcpads->data);
    ret = TRUE;
  }
  GST_OBJECT_UNLOCK (element);
  return ret;
}

static gboolean
refuse_pads (GError ** error, GstElement * element, const gchar * what)
{
  return refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
      "%s %s has %u inputs and %u outputs: one input and one output are "
      "needed to %s", GST_IS_WORKER (element) ? "worker" : "element",
      GST_OBJECT_NAME (element), element->numsinkpads, element->numsrcpads,
      what);
}

/* The direct peer of @pad, in the same bin as @pad's element: a pad to
 * relink. NULL for none, or through a ghost pad. */
static GstPad *
plain_peer (GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);
  GstElement *a, *b;
  GstObject *pa = NULL, *pb = NULL;
  gboolean ok;

  if (!peer)
    return NULL;
  a = gst_pad_get_parent_element (pad);
  b = gst_pad_get_parent_element (peer);
  if (a)
    pa = gst_object_get_parent (GST_OBJECT (a));
  if (b)
    pb = gst_object_get_parent (GST_OBJECT (b));
  /* a bin's ghost pad (a workerpool's input) is linked from outside like
   * an element's pad; another proxy pad belongs inside a bin */
  ok = a && b && pa && pa == pb && (!GST_IS_PROXY_PAD (peer) ||
      GST_IS_GHOST_PAD (peer));
  gst_clear_object (&a);
  gst_clear_object (&b);
  gst_clear_object (&pa);
  gst_clear_object (&pb);
  if (!ok)
    gst_clear_object (&peer);
  return peer;
}

/* The caps that flow out of @pad now, or those it can produce. */
static GstCaps *
flowing_caps (GstPad * pad)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);

  return caps ? caps : gst_pad_query_caps (pad, NULL);
}

/* Whether @sinkpad takes the caps flowing out of @from. */
static gboolean
takes_caps (GstPad * from, GstPad * sinkpad)
{
  GstCaps *caps = flowing_caps (from);
  gboolean ok;

  if (gst_caps_is_fixed (caps)) {
    ok = gst_pad_query_accept_caps (sinkpad, caps);
  } else {
    GstCaps *theirs = gst_pad_query_caps (sinkpad, NULL);

    ok = gst_caps_can_intersect (caps, theirs);
    gst_caps_unref (theirs);
  }
  gst_caps_unref (caps);
  return ok;
}

/* Whether what @srcpad can produce may go into @sinkpad. */
static gboolean
caps_meet (GstPad * srcpad, GstPad * sinkpad)
{
  GstCaps *out = gst_pad_query_caps (srcpad, NULL);
  GstCaps *in = gst_pad_query_caps (sinkpad, NULL);
  gboolean ok = gst_caps_can_intersect (out, in);

  gst_caps_unref (out);
  gst_caps_unref (in);
  return ok;
}

static gboolean
refuse_caps (GError ** error, GstPad * from, GstElement * to,
    const gchar * what)
{
  GstCaps *caps = flowing_caps (from);
  gchar *text = gst_caps_to_string (caps);

  refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
      "cannot %s: %s does not take the caps %s (%s)", what,
      GST_OBJECT_NAME (to), GST_OBJECT_NAME (GST_OBJECT_PARENT (from)), text);
  g_free (text);
  gst_caps_unref (caps);
  return FALSE;
}

/* Whether @name is a workerpool of the system. */
static gboolean
names_a_pool (GstWorkerController * self, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (self->pipeline), name);
  GstElementFactory *f = e ? gst_element_get_factory (e) : NULL;
  gboolean pool = f && g_str_equal (GST_OBJECT_NAME (f), "workerpool");

  gst_clear_object (&e);
  return pool;
}

/* A live worker of the system, by name. */
static WorkerRec *
find_worker (GstWorkerController * self, const gchar * name, GError ** error)
{
  WorkerRec *w = name ?
      worker_topology_find_worker_by_name (self->topology, name) : NULL;

  if (!w && name && names_a_pool (self, name))
    refuse (error, GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
        "%s is a workerpool, not a worker: change its replicas with its "
        "size (set %s size=N); swap, insert and remove take single workers",
        name, name);
  else if (!w)
    refuse (error, GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
        "no worker is named '%s'", name ? name : "(null)");
  return w;
}

/* Where a leaving worker is: its pads and their peers. */
typedef struct
{
  GstPad *sink, *src;           /* the worker's */
  GstPad *up, *down;            /* their peers */
} Place;

static void
place_clear (Place * place)
{
  gst_clear_object (&place->sink);
  gst_clear_object (&place->src);
  gst_clear_object (&place->up);
  gst_clear_object (&place->down);
}

/* A worker that leaves: it must have one input and one output, linked in
 * its bin, not be paused (it would hold the drain) nor be a replica. */
static gboolean
check_leaving (WorkerRec * w, const gchar * what, Place * place,
    GError ** error)
{
  GstPad **sinkpad = &place->sink, **srcpad = &place->src;
  GstPad **up = &place->up, **down = &place->down;
  GstElement *pool = worker_topology_pool_of (w->element);

  if (pool) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "worker %s is a replica of workerpool %s: a pool changes as a "
        "whole, with its size (set %s size=N), not one replica at a time "
        "(cannot %s it)", w->name, GST_OBJECT_NAME (pool),
        GST_OBJECT_NAME (pool), what);
    gst_object_unref (pool);
    return FALSE;
  }
  if (!one_in_one_out (w->element, sinkpad, srcpad))
    return refuse_pads (error, w->element, what);
  *up = plain_peer (*sinkpad);
  *down = plain_peer (*srcpad);
  if (!*up || !*down) {
    gst_clear_object (up);
    gst_clear_object (down);
    gst_clear_object (sinkpad);
    gst_clear_object (srcpad);
    return refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "worker %s is not linked to elements of its own bin on both sides: "
        "cannot %s it", w->name, what);
  }
  if (gst_worker_get_paused (GST_WORKER (w->element))) {
    gst_clear_object (up);
    gst_clear_object (down);
    gst_clear_object (sinkpad);
    gst_clear_object (srcpad);
    return refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "worker %s is paused: it would hold what it has; resume it first, "
        "then %s it", w->name, what);
  }
  return TRUE;
}

/* Whether @description sets the element's name. */
static gboolean
names_itself (const gchar * description)
{
  return g_regex_match_simple ("(^|\\s)name\\s*=", description, 0, 0);
}

/* The element of @description, floating ref sunk, checked: one input,
 * one output, named @name unless it names itself, brought to READY. */
static GstElement *
make_element (const gchar * description, const gchar * name,
    GstPad ** sinkpad, GstPad ** srcpad, GError ** error)
{
  GstElement *e;

  e = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      error);
  if (!e)
    return NULL;
  gst_object_ref_sink (e);
  if (name && !names_itself (description) && !gst_object_set_name
      (GST_OBJECT (e), name)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot name the new element %s", name);
    gst_object_unref (e);
    return NULL;
  }
  if (!one_in_one_out (e, sinkpad, srcpad)) {
    refuse_pads (error, e, "put it into the system");
    gst_object_unref (e);
    return NULL;
  }
  if (gst_element_set_state (e, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "element %s (%s) cannot start", GST_OBJECT_NAME (e), description);
    gst_element_set_state (e, GST_STATE_NULL);
    gst_clear_object (sinkpad);
    gst_clear_object (srcpad);
    gst_object_unref (e);
    return NULL;
  }
  return e;
}

/* Links a reshape's pads. Caps were checked before anything moved
 * (takes_caps(), caps_meet()); the link itself checks none: a process
 * replica's child answers caps queries only once it plays, and before
 * that a caps check fails the link and stops the system (not-linked). */
static gboolean
link_pads (GstPad * src, GstPad * sink)
{
  return gst_pad_link_full (src, sink, GST_PAD_LINK_CHECK_HIERARCHY) ==
      GST_PAD_LINK_OK;
}

static void
drop_element (GstElement * e)
{
  if (e) {
    gst_element_set_state (e, GST_STATE_NULL);
    gst_object_unref (e);
  }
}

/* Whether @bin holds an element named @name other than @except. */
static gboolean
name_taken (GstBin * bin, const gchar * name, GstElement * except)
{
  GstElement *e = gst_bin_get_by_name (bin, name);
  gboolean taken = e && e != except;

  gst_clear_object (&e);
  return taken;
}

/* ---------------------------------------------------------------------- */
/* the controller's records, after a change */

typedef struct
{
  WorkerRec *w;
  GPtrArray *inputs;
} InputsOf;

static void
inputs_of_free (InputsOf * io)
{
  g_ptr_array_unref (io->inputs);
  g_free (io);
}

/* Every live worker's inputs, to see afterwards whose changed. */
static GPtrArray *
snapshot_inputs (GstWorkerController * self)
{
  GPtrArray *snap = g_ptr_array_new_with_free_func
      ((GDestroyNotify) inputs_of_free);
  GPtrArray *order = worker_topology_dup_order (self->topology);

  for (guint i = 0; i < order->len; i++) {
    InputsOf *io = g_new0 (InputsOf, 1);

    io->w = g_ptr_array_index (order, i);
    io->inputs = worker_topology_dup_inputs (self->topology, io->w);
    g_ptr_array_add (snap, io);
  }
  g_ptr_array_unref (order);
  return snap;
}

static gboolean
same_inputs (GPtrArray * a, GPtrArray * b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_ptr_array_find (b, g_ptr_array_index (a, i), NULL))
      return FALSE;
  return TRUE;
}

/* Records the workers in @element (itself, or those inside a bin). */
static void
add_workers (GstWorkerController * self, GstElement * element, guint interval)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (gst_object_unref);

  if (GST_IS_WORKER (element))
    g_ptr_array_add (found, gst_object_ref (element));
  if (GST_IS_BIN (element)) {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (element));
    GValue item = G_VALUE_INIT;

    while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
      GstElement *e = g_value_get_object (&item);

      if (GST_IS_WORKER (e))
        g_ptr_array_add (found, gst_object_ref (e));
      g_value_reset (&item);
    }
    g_value_unset (&item);
    gst_iterator_free (it);
  }
  for (guint i = 0; i < found->len; i++) {
    GstElement *e = g_ptr_array_index (found, i);
    WorkerRec *w = worker_topology_add_worker (self->topology, e);

    if (!w) {
      GST_WARNING_OBJECT (self, "no room left to watch worker %s",
          GST_OBJECT_NAME (e));
      continue;
    }
    if (interval)
      g_object_set (e, "heartbeat-interval", interval, NULL);
    worker_watchdog_add (self->watch, w);
  }
  g_ptr_array_unref (found);
}

/* After the pads changed, while the place is still held: the records
 * follow (new workers and queues recorded, retired ones kept aside),
 * workers whose inputs changed count from now on, the deadlock detector
 * sees the new graph. */
static void
update_records (GstWorkerController * self, GPtrArray * before)
{
  GPtrArray *order;

  worker_topology_update (self->topology);
  order = worker_topology_dup_order (self->topology);
  for (guint i = 0; i < order->len; i++) {
    WorkerRec *w = g_ptr_array_index (order, i);
    GPtrArray *now = worker_topology_dup_inputs (self->topology, w);
    gboolean changed = TRUE;

    for (guint j = 0; j < before->len; j++) {
      InputsOf *io = g_ptr_array_index (before, j);

      if (io->w == w) {
        changed = !same_inputs (io->inputs, now);
        break;
      }
    }
    if (changed)
      worker_topology_rebase (self->topology, w);
    g_ptr_array_unref (now);
  }
  g_ptr_array_unref (order);
  gst_worker_deadlock_set_topology (self->deadlock);
  gst_worker_deadlock_touch (self->deadlock);
}

static guint
heartbeat_interval (GstWorkerController * self)
{
  guint interval;

  GST_OBJECT_LOCK (self);
  interval = self->heartbeat_interval;
  GST_OBJECT_UNLOCK (self);
  return interval;
}

/* Unlinks the drained worker @w and takes it out of its bin; its record
 * stays. */
static void
take_out (GstWorkerController * self, WorkerRec * w, Place * place)
{
  GstObject *bin = gst_object_get_parent (GST_OBJECT (w->element));

  gst_pad_unlink (place->up, place->sink);
  gst_pad_unlink (place->src, place->down);

  worker_topology_retire_worker (self->topology, w);
  gst_element_set_state (w->element, GST_STATE_NULL);
  if (bin) {
    gst_bin_remove (GST_BIN (bin), w->element);
    gst_object_unref (bin);
  }
}

static gboolean
refuse_busy (GError ** error, GstPad * pad, const gchar * what)
{
  return refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
      "cannot %s: %s did not pause between two items within %d s (a "
      "worker busy on one item, or held behind a paused one?); nothing "
      "changed", what, GST_OBJECT_NAME (GST_OBJECT_PARENT (pad)),
      (int) (IDLE_TIMEOUT_US / G_USEC_PER_SEC));
}

/* Whether the stream already ended at @pad (EOS went through it). */
static gboolean
ended (GstPad * pad, const gchar * what, GError ** error)
{
  GstEvent *eos = gst_pad_get_sticky_event (pad, GST_EVENT_EOS, 0);

  if (!eos)
    return FALSE;
  gst_event_unref (eos);
  refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
      "cannot %s: the stream already ended at %s:%s", what,
      GST_DEBUG_PAD_NAME (pad));
  return TRUE;
}

static gboolean
fail_drain (GstWorkerController * self, GstPad * pad, GError ** error,
    WorkerRec * w)
{
  if (GST_PAD_IS_FLUSHING (pad) || !check_running (self, NULL))
    return refuse (error, GST_WORKER_CONTROLLER_ERROR_STATE,
        "the system stopped while worker %s was being taken out", w->name);
  return refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
      "worker %s did not push out what it held within %d s (the system "
      "stopped, or a worker downstream holds it): it stays, ended", w->name,
      (int) (DRAIN_TIMEOUT_US / G_USEC_PER_SEC));
}

/* Holds the input of the leaving worker @w between two items, then
 * drains it: everything it held is pushed on. Refused, nothing held, when
 * the place stays busy or its stream already ended. */
static gboolean
hold_and_drain (GstWorkerController * self, WorkerRec * w, const gchar * what,
    Place * place, Gate * g, Hold * hold, GPtrArray ** before,
    GError ** error)
{
  if (!hold_idle (place->up, g, hold))
    return refuse_busy (error, place->up, what);
  if (ended (place->sink, what, error))
    return FALSE;
  *before = snapshot_inputs (self);
  if (!drain_through (place->sink, place->src, g))
    return fail_drain (self, place->src, error, w);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* swap */

/**
 * gst_worker_controller_swap_worker:
 * @self: a #GstWorkerController
 * @name: the worker to replace (name or path)
 * @description: the element that replaces it, as gst-launch-1.0 takes it
 *   (`testworker process-time=2000`); unless it sets `name=`, the new
 *   element takes @name's name
 * @error: where to put the reason of a refusal
 *
 * Replaces a running worker: its input is held between two items, the
 * worker pushes out everything it holds (an EOS drains it and stops
 * behind it), the new element takes its place and its input goes on.
 * The new element must take the caps flowing into the worker and produce
 * caps its downstream takes. The old worker's counts stay in the status
 * and the report (`retired-workers`). Refused, with nothing changed, for
 * an unknown worker, an element that does not have one input and one
 * output, caps that cannot pass, a paused worker or a replica of a
 * `workerpool`.
 *
 * Returns: %TRUE when the new element runs in its place
 *
 * Since: 0.2
 */
gboolean
gst_worker_controller_swap_worker (GstWorkerController * self,
    const gchar * name, const gchar * description, GError ** error)
{
  WorkerRec *w;
  GstElement *bin = NULL, *e = NULL;
  Place place = { NULL, NULL, NULL, NULL };
  GstPad *esink = NULL, *esrc = NULL;
  GPtrArray *before = NULL;
  Gate *g = NULL;
  Hold hold = { NULL, NULL, 0, 0, 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  g_return_val_if_fail (description != NULL, FALSE);

  g_mutex_lock (&reshape_lock);
  if (!check_running (self, error) || !(w = find_worker (self, name, error))
      || !check_leaving (w, "swap", &place, error))
    goto out;
  bin = GST_ELEMENT (gst_object_get_parent (GST_OBJECT (w->element)));
  e = make_element (description, w->name, &esink, &esrc, error);
  if (!e)
    goto out;
  if (name_taken (GST_BIN (bin), GST_OBJECT_NAME (e), w->element)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot swap %s: an element named %s is already in %s", w->name,
        GST_OBJECT_NAME (e), GST_OBJECT_NAME (bin));
    goto out;
  }
  if (!takes_caps (place.up, esink)) {
    refuse_caps (error, place.up, e, "swap");
    goto out;
  }
  if (!caps_meet (esrc, place.down)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot swap %s: what %s produces cannot go into %s", w->name,
        GST_OBJECT_NAME (e),
        GST_OBJECT_NAME (GST_OBJECT_PARENT (place.down)));
    goto out;
  }

  g = gate_new ();
  if (!hold_and_drain (self, w, "swap", &place, g, &hold, &before, error))
    goto out;
  GST_INFO_OBJECT (self, "swapping %s for %s (%s)", w->name,
      GST_OBJECT_NAME (e), description);
  take_out (self, w, &place);
  /* not floating: the bin takes a reference of its own */
  gst_bin_add (GST_BIN (bin), e);
  if (!link_pads (place.up, esink) || !link_pads (esrc, place.down))
    GST_ERROR_OBJECT (self, "cannot link %s in place of %s",
        GST_OBJECT_NAME (e), w->name);
  gst_element_sync_state_with_parent (e);
  resend_sticky (place.up, esink);
  add_workers (self, e, heartbeat_interval (self));
  update_records (self, before);
  ok = TRUE;

out:
  release (&hold);
  g_mutex_unlock (&reshape_lock);
  if (!ok)
    drop_element (e);
  else
    gst_object_unref (e);
  if (g)
    gate_unref (g);
  if (before)
    g_ptr_array_unref (before);
  gst_clear_object (&bin);
  place_clear (&place);
  gst_clear_object (&esink);
  gst_clear_object (&esrc);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* insert */

/* A queue like @like (the same limits), named @name. */
static GstElement *
make_queue_like (GstElement * like, const gchar * name)
{
  GstElement *q = gst_element_factory_make ("queue", name);
  guint buffers, bytes;
  guint64 time;

  g_object_get (like, "max-size-buffers", &buffers, "max-size-bytes", &bytes,
      "max-size-time", &time, NULL);
  g_object_set (q, "max-size-buffers", buffers, "max-size-bytes", bytes,
      "max-size-time", time, NULL);
  return gst_object_ref_sink (q);
}

/**
 * gst_worker_controller_insert_worker:
 * @self: a #GstWorkerController
 * @after_queue: the queue after which the worker goes
 * @description: the element to insert, as gst-launch-1.0 takes it
 * @error: where to put the reason of a refusal
 *
 * Inserts a worker, with a queue of its own behind it, right after a
 * queue: `q ! next` becomes `q ! new ! new_queue ! next`, where the new
 * queue (named after the element, `NAME_queue`) has the limits of @q. The
 * queue's output is held between two items while the pads change:
 * nothing is lost. The new element must take the caps that flow out of
 * @after_queue and produce caps `next` takes. Refused, with nothing
 * changed, for an unknown queue (or a feedback channel), an element that
 * does not have one input and one output, caps that cannot pass or a
 * name already taken.
 *
 * Returns: %TRUE when the new element runs
 *
 * Since: 0.2
 */
gboolean
gst_worker_controller_insert_worker (GstWorkerController * self,
    const gchar * after_queue, const gchar * description, GError ** error)
{
  QueueRec *q;
  GstElement *bin = NULL, *e = NULL, *nq = NULL;
  GstPad *up = NULL, *down = NULL, *esink = NULL, *esrc = NULL;
  GstPad *nqsink = NULL, *nqsrc = NULL;
  GPtrArray *before = NULL;
  gchar *qname = NULL;
  Gate *g = NULL;
  Hold hold = { NULL, NULL, 0, 0, 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  g_return_val_if_fail (description != NULL, FALSE);

  g_mutex_lock (&reshape_lock);
  if (!check_running (self, error))
    goto out;
  q = worker_topology_find_queue_by_name (self->topology, after_queue);
  if (!q || q->kind == WORKER_CHANNEL_FEEDBACK) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_UNKNOWN_QUEUE, q ?
        "%s is a feedback channel: insert after a queue" :
        "no queue is named '%s'", after_queue ? after_queue : "(null)");
    goto out;
  }
  up = gst_object_ref (q->srcpad);
  down = plain_peer (up);
  if (!down) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "queue %s does not feed an element of its own bin: cannot insert "
        "after it", q->name);
    goto out;
  }
  bin = GST_ELEMENT (gst_object_get_parent (GST_OBJECT (q->element)));
  e = make_element (description, NULL, &esink, &esrc, error);
  if (!e)
    goto out;
  qname = g_strdup_printf ("%s_queue", GST_OBJECT_NAME (e));
  if (name_taken (GST_BIN (bin), GST_OBJECT_NAME (e), NULL) ||
      name_taken (GST_BIN (bin), qname, NULL)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot insert %s: an element named %s or %s is already in %s",
        GST_OBJECT_NAME (e), GST_OBJECT_NAME (e), qname,
        GST_OBJECT_NAME (bin));
    goto out;
  }
  if (!takes_caps (up, esink)) {
    refuse_caps (error, up, e, "insert");
    goto out;
  }
  if (!caps_meet (esrc, down)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot insert %s: what it produces cannot go into %s",
        GST_OBJECT_NAME (e), GST_OBJECT_NAME (GST_OBJECT_PARENT (down)));
    goto out;
  }
  nq = make_queue_like (q->element, qname);
  nqsink = gst_element_get_static_pad (nq, "sink");
  nqsrc = gst_element_get_static_pad (nq, "src");

  g = gate_new ();
  if (!hold_idle (up, g, &hold)) {
    refuse_busy (error, up, "insert");
    goto out;
  }
  if (ended (up, "insert", error))
    goto out;
  before = snapshot_inputs (self);
  GST_INFO_OBJECT (self, "inserting %s (%s) after %s", GST_OBJECT_NAME (e),
      description, q->name);
  gst_pad_unlink (up, down);
  /* not floating: the bin takes references of its own */
  gst_bin_add_many (GST_BIN (bin), e, nq, NULL);
  if (!link_pads (up, esink) || !link_pads (esrc, nqsink) ||
      !link_pads (nqsrc, down))
    GST_ERROR_OBJECT (self, "cannot link %s after %s", GST_OBJECT_NAME (e),
        q->name);
  /* downstream first */
  gst_element_sync_state_with_parent (nq);
  gst_element_sync_state_with_parent (e);
  resend_sticky (up, esink);
  worker_topology_add_queue (self->topology, nq);
  add_workers (self, e, heartbeat_interval (self));
  update_records (self, before);
  ok = TRUE;

out:
  release (&hold);
  g_mutex_unlock (&reshape_lock);
  if (!ok) {
    drop_element (e);
    drop_element (nq);
  } else {
    gst_object_unref (e);
    gst_object_unref (nq);
  }
  if (g)
    gate_unref (g);
  if (before)
    g_ptr_array_unref (before);
  g_free (qname);
  gst_clear_object (&bin);
  gst_clear_object (&up);
  gst_clear_object (&down);
  gst_clear_object (&esink);
  gst_clear_object (&esrc);
  gst_clear_object (&nqsink);
  gst_clear_object (&nqsrc);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* remove */

/**
 * gst_worker_controller_remove_worker:
 * @self: a #GstWorkerController
 * @name: the worker to remove (name or path)
 * @error: where to put the reason of a refusal
 *
 * Removes a running worker, joining its input to its output: `a ! w ! b`
 * becomes `a ! b` (the queues on both sides stay: `q1 ! w ! q2` becomes
 * `q1 ! q2`). Its input is held between two items, the worker pushes out
 * everything it holds (an EOS drains it and stops behind it), then it
 * leaves; its counts stay in the status and the report
 * (`retired-workers`). Refused, with nothing changed, for an unknown
 * worker, a worker without one input and one output, one whose output
 * caps differ from its input's (its downstream would not take them), a
 * paused worker or a replica of a `workerpool`.
 *
 * Returns: %TRUE when the worker is out
 *
 * Since: 0.2
 */
gboolean
gst_worker_controller_remove_worker (GstWorkerController * self,
    const gchar * name, GError ** error)
{
  WorkerRec *w;
  Place place = { NULL, NULL, NULL, NULL };
  GPtrArray *before = NULL;
  Gate *g = NULL;
  Hold hold = { NULL, NULL, 0, 0, 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);

  g_mutex_lock (&reshape_lock);
  if (!check_running (self, error) || !(w = find_worker (self, name, error))
      || !check_leaving (w, "remove", &place, error))
    goto out;
  if (!takes_caps (place.up, place.down)) {
    refuse (error, GST_WORKER_CONTROLLER_ERROR_RESHAPE,
        "cannot remove %s: %s does not take what flows into it "
        "(the worker changes the caps)", w->name,
        GST_OBJECT_NAME (GST_OBJECT_PARENT (place.down)));
    goto out;
  }

  g = gate_new ();
  if (!hold_and_drain (self, w, "remove", &place, g, &hold, &before, error))
    goto out;
  GST_INFO_OBJECT (self, "removing %s", w->name);
  take_out (self, w, &place);
  if (gst_pad_link (place.up, place.down) != GST_PAD_LINK_OK)
    GST_ERROR_OBJECT (self, "cannot join the input and output of %s",
        w->name);
  else
    resend_sticky (place.up, place.down);
  update_records (self, before);
  ok = TRUE;

out:
  release (&hold);
  g_mutex_unlock (&reshape_lock);
  if (g)
    gate_unref (g);
  if (before)
    g_ptr_array_unref (before);
  place_clear (&place);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* workers that come and go on their own (a workerpool's replicas) */

/* In the controller's context: links the records of the workers and
 * queues added since, and shows the deadlock detector the new graph. */
static gboolean
follow_update_cb (gpointer user_data)
{
  GstWorkerController *self = user_data;

  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->follow_update, g_source_unref);
  GST_OBJECT_UNLOCK (self);
  worker_topology_update (self->topology);
  gst_worker_deadlock_set_topology (self->deadlock);
  gst_worker_deadlock_touch (self->deadlock);
  return G_SOURCE_REMOVE;
}

static void
follow_element (GstWorkerController * self, GstElement * element,
    gboolean added)
{
  if (GST_IS_WORKER (element)) {
    WorkerRec *w;

    if (added) {
      add_workers (self, element, heartbeat_interval (self));
    } else if ((w = worker_topology_find_worker_by_element (self->topology,
                GST_OBJECT (element)))) {
      GST_INFO_OBJECT (self, "worker %s left the system", w->name);
      worker_topology_retire_worker (self->topology, w);
    }
  } else if (added && worker_topology_add_queue (self->topology, element)) {
    GST_DEBUG_OBJECT (self, "queue %s joined", GST_OBJECT_NAME (element));
  } else if (!added && worker_topology_retire_queue (self->topology,
          element)) {
    GST_DEBUG_OBJECT (self, "queue %s left", GST_OBJECT_NAME (element));
  }
}

/* An element added to (or removed from) the pipeline or a bin in it, in
 * the thread that adds it: a worker is recorded (watched, listed) before
 * anything flows through it, a queue counted; a worker removed is kept
 * aside with its counts. The links follow in the controller's context. */
static void
on_deep_element (GstBin * pipeline, GstBin * bin, GstElement * element,
    GstWorkerController * self, gboolean added)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (gst_object_unref);

  g_ptr_array_add (found, gst_object_ref (element));
  if (GST_IS_BIN (element)) {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (element));
    GValue item = G_VALUE_INIT;

    while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
      g_ptr_array_add (found, g_value_dup_object (&item));
      g_value_reset (&item);
    }
    g_value_unset (&item);
    gst_iterator_free (it);
  }
  for (guint i = 0; i < found->len; i++)
    follow_element (self, g_ptr_array_index (found, i), added);
  g_ptr_array_unref (found);

  GST_OBJECT_LOCK (self);
  if (!self->follow_update) {
    self->follow_update = g_idle_source_new ();
    g_source_set_callback (self->follow_update, follow_update_cb, self, NULL);
    g_source_attach (self->follow_update, self->context);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
on_deep_element_added (GstBin * pipeline, GstBin * bin, GstElement * element,
    GstWorkerController * self)
{
  on_deep_element (pipeline, bin, element, self, TRUE);
}

static void
on_deep_element_removed (GstBin * pipeline, GstBin * bin,
    GstElement * element, GstWorkerController * self)
{
  on_deep_element (pipeline, bin, element, self, FALSE);
}

/* From construction on, workers and queues that join the pipeline are
 * recorded, and workers that leave it are kept aside with their counts:
 * the replicas a `workerpool` adds and retires while it runs are listed,
 * watched and counted like the others. */
static void
follow_elements (GstWorkerController * self)
{
  g_signal_connect (self->pipeline, "deep-element-added",
      G_CALLBACK (on_deep_element_added), self);
  g_signal_connect (self->pipeline, "deep-element-removed",
      G_CALLBACK (on_deep_element_removed), self);
}

static void
unfollow_elements (GstWorkerController * self)
{
  g_signal_handlers_disconnect_by_func (self->pipeline,
      on_deep_element_added, self);
  g_signal_handlers_disconnect_by_func (self->pipeline,
      on_deep_element_removed, self);
  GST_OBJECT_LOCK (self);
  if (self->follow_update) {
    g_source_destroy (self->follow_update);
    g_clear_pointer (&self->follow_update, g_source_unref);
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* status */

/* Adds `retired-workers` to a status or report @s: each worker a reshape
 * took out, with the counts it had then. Nothing when there is none. */
static void
add_retired (GstWorkerController * self, GstStructure * s)
{
  GPtrArray *workers = self->workers;
  guint n = g_atomic_int_get ((gint *) & workers->len);
  GValue retired = G_VALUE_INIT;
  gboolean any = FALSE;

  g_value_init (&retired, GST_TYPE_ARRAY);
  for (guint i = 0; i < n; i++) {
    WorkerRec *w = g_ptr_array_index (workers, i);
    GstStructure *r;

    if (!worker_rec_is_retired (w))
      continue;
    r = worker_rec_get_stats (w);
    gst_structure_set_name (r, "worker");
    gst_structure_set (r, "name", G_TYPE_STRING, w->name, "path",
        G_TYPE_STRING, w->path, "retired", G_TYPE_BOOLEAN, TRUE, NULL);
    gst_structure_remove_field (r, "worker");
    worker_array_take_structure (&retired, r);
    any = TRUE;
  }
  if (any)
    gst_structure_take_value (s, "retired-workers", &retired);
  else
    g_value_unset (&retired);
}

/* ---------------------------------------------------------------------- */
/* tuning */

#define DEFAULT_TUNE GST_WORKER_TUNE_MODE_OFF
#define DEFAULT_TUNE_MAX_REPLICAS 0
#define TUNE_SAMPLE_MS 50

enum
{
  PROP_TUNE,
  PROP_TUNE_MAX_REPLICAS,
};

static guint prop_first;

/* With the object lock: the tuner's policy now. */
static void
tune_policy_locked (GstWorkerController * self, WorkerTunePolicy * policy)
{
  policy->act = self->tune_mode == GST_WORKER_TUNE_MODE_AUTO;
  policy->max_replicas = self->tune_max_replicas ? self->tune_max_replicas :
      g_get_num_processors ();
}

static gboolean
tune_tick (gpointer user_data)
{
  GstWorkerController *self = user_data;
  WorkerTunePolicy policy;
  gboolean paused = FALSE, playing = FALSE, running;

  running = worker_run_phase (self->run) == WORKER_RUN_RUNNING &&
      worker_run_is_active (self->run, &paused, &playing) && playing &&
      !paused;
  GST_OBJECT_LOCK (self);
  tune_policy_locked (self, &policy);
  GST_OBJECT_UNLOCK (self);
  if (running)
    worker_tuner_sample (self->tuner, &policy);
  return G_SOURCE_CONTINUE;
}

/* The sampling timer runs while tune is on. */
static void
apply_tune (GstWorkerController * self)
{
  GST_OBJECT_LOCK (self);
  if (self->tune_mode != GST_WORKER_TUNE_MODE_OFF && !self->tune_timer &&
      self->context) {
    self->tune_timer = g_timeout_source_new (TUNE_SAMPLE_MS);
    g_source_set_callback (self->tune_timer, tune_tick, self, NULL);
    g_source_attach (self->tune_timer, self->context);
  } else if (self->tune_mode == GST_WORKER_TUNE_MODE_OFF && self->tune_timer) {
    g_source_destroy (self->tune_timer);
    g_clear_pointer (&self->tune_timer, g_source_unref);
  }
  GST_OBJECT_UNLOCK (self);
}

void
controller_reshape_install_properties (GObjectClass * klass,
    guint first_prop_id)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  prop_first = first_prop_id;
  /**
   * GstWorkerController:tune:
   *
   * The tuner (#GstWorkerTuneMode): off; report, which measures each
   * worker's share of time busy, idle (waiting on an empty input), blocked
   * (on a full output) and paused, names the bottleneck and says what
   * would widen it (`tuning` in the status and the report); auto, which
   * also resizes workerpools, at most every second window (0.5 s): it grows the pool
   * whose replicas are busy while its dispatcher waits on their full
   * queues, and shrinks a pool whose work would fit in one replica less;
   * and it doubles a queue that is full while its reader has time to
   * spare (busy or blocked less than 70% of the window), up to 8 times
   * its first size (not a feedback channel, nor a queue in a pool).
   * Queue sizes only grow: a larger channel never makes a Kahn network
   * deadlock (Parks), a smaller one can.
   *
   * Since: 0.2
   */
  g_object_class_install_property (klass, prop_first + PROP_TUNE,
      g_param_spec_enum ("tune", "Tune", "Find the bottleneck (report) and "
          "resize workerpools and queues to follow it (auto)",
          GST_TYPE_WORKER_TUNE_MODE,
          DEFAULT_TUNE, flags));
  /**
   * GstWorkerController:tune-max-replicas:
   *
   * The largest size `tune=auto` gives a workerpool (0: the number of
   * processors).
   *
   * Since: 0.2
   */
  g_object_class_install_property (klass, prop_first + PROP_TUNE_MAX_REPLICAS,
      g_param_spec_uint ("tune-max-replicas", "Tune max replicas",
          "Largest pool size tune=auto sets (0 = the number of processors)",
          0, 64, DEFAULT_TUNE_MAX_REPLICAS, flags));
  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_TUNE_MODE, 0);
}

gboolean
controller_reshape_set_property (GstWorkerController * self, guint prop_id,
    const GValue * value)
{
  switch (prop_id - prop_first) {
    case PROP_TUNE:
      GST_OBJECT_LOCK (self);
      self->tune_mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      apply_tune (self);
      return TRUE;
    case PROP_TUNE_MAX_REPLICAS:
      GST_OBJECT_LOCK (self);
      self->tune_max_replicas = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      return TRUE;
    default:
      return FALSE;
  }
}

gboolean
controller_reshape_get_property (GstWorkerController * self, guint prop_id,
    GValue * value)
{
  gboolean ret = TRUE;

  GST_OBJECT_LOCK (self);
  switch (prop_id - prop_first) {
    case PROP_TUNE:
      g_value_set_enum (value, self->tune_mode);
      break;
    case PROP_TUNE_MAX_REPLICAS:
      g_value_set_uint (value, self->tune_max_replicas);
      break;
    default:
      ret = FALSE;
      break;
  }
  GST_OBJECT_UNLOCK (self);
  return ret;
}

/* At construction: follow the elements, make the tuner. */
void
controller_reshape_init (GstWorkerController * self)
{
  follow_elements (self);
  self->tuner = worker_tuner_new (self->topology);
  apply_tune (self);
}

void
controller_reshape_dispose (GstWorkerController * self)
{
  unfollow_elements (self);
  GST_OBJECT_LOCK (self);
  if (self->tune_timer) {
    g_source_destroy (self->tune_timer);
    g_clear_pointer (&self->tune_timer, g_source_unref);
  }
  GST_OBJECT_UNLOCK (self);
  g_clear_pointer (&self->tuner, worker_tuner_free);
}

/* What reshaping adds to a status or report @s: `retired-workers`, and
 * `tuning` while tune is on. */
void
controller_add_reshape_status (GstWorkerController * self, GstStructure * s)
{
  WorkerTunePolicy policy;
  gboolean tune;

  add_retired (self, s);
  GST_OBJECT_LOCK (self);
  tune = self->tune_mode != GST_WORKER_TUNE_MODE_OFF && self->tuner;
  tune_policy_locked (self, &policy);
  GST_OBJECT_UNLOCK (self);
  if (tune) {
    GstStructure *t = worker_tuner_get_status (self->tuner, &policy);

    gst_structure_set (s, "tuning", GST_TYPE_STRUCTURE, t, NULL);
    gst_structure_free (t);
  }
}
