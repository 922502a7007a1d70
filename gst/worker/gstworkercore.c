/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkercore
 * @title: GstWorkerCore
 * @short_description: the behaviour every worker shares
 *
 * One #GstWorkerCore lives inside every worker element. It carries what the
 * worker model asks of all workers, whatever their pads look like:
 *
 * - the worker's state (#GstWorkerState) and statistics: items in, out and
 *   dropped, processing time;
 * - a pause that holds data: gst_worker_core_begin_item() waits while the
 *   `paused` property is set, so the input queue fills and upstream blocks;
 *   flushing and going to READY wake it;
 * - heartbeats: a `worker-heartbeat` element message every
 *   `heartbeat-interval` ms while PLAYING, driven by asynchronous waits on
 *   the default system clock (one clock thread for all workers);
 * - knowing when it is blocked: while a worker pushes, a full `queue`
 *   downstream in the same thread emits "overrun"; the core notes which
 *   queue, and reports the worker `blocked` until the push returns (it
 *   listens only to the queues a worker's thread may push into: a queue
 *   fed by a plain source costs nothing more than without workers);
 * - extra output pads: src pads beside the base class's own, which mirror
 *   its stream-start, segment, flush and EOS events.
 *
 * The base classes (#GstWorkerTransform, #GstWorkerSrc, #GstWorkerSink,
 * #GstWorkerAggregator) call it at the right places. An element with pad
 * logic of its own embeds a core with gst_worker_core_new(), implements
 * #GstWorker and calls the same functions.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/base/gstbasesrc.h>
#include "gstworkercore.h"
#include "gstworkerqueuefeed.h"
#include "gstworkergate.h"

GST_DEBUG_CATEGORY_STATIC (worker_core_debug);
#define GST_CAT_DEFAULT worker_core_debug

struct _GstWorkerCore
{
  GstElement *element;          /* not reffed: the core lives inside it */
  GstWorkerGate *gate;          /* its own lock; new to free */
  GstWorkerCoreWakeFunc wake;   /* set once before use */
  gpointer wake_data;
  GstPad *main_srcpad;          /* not reffed; set once before use */
  GList *outputs;               /* extra src pads; set up before use */
  gboolean probing;             /* main src pad probes added; set up before
                                 * use */

  GMutex lock;
  GCond cond;

  /* protected by lock */
  gboolean paused;
  gboolean starting;            /* gst_worker_core_set_starting() */
  gboolean flushing;
  gboolean eos_ends_holds;      /* an EOS asked ends waits while paused */
  gboolean in_item;
  gboolean in_drain;            /* the step in hand is a drain, not an
                                 * item: no proc-time sample of its own */
  guint in_push;
  gchar *blocked_on;
  gboolean waiting;             /* in gst_worker_core_enter_wait() */
  GstWorkerState wait_state;    /* idle or blocked, while waiting */
  gchar *wait_on;               /* what a blocked wait waits on */
  GstClockTime wait_start;
  GstWorkerState state;
  GstClockTime state_since;

  guint64 items_in;
  guint64 items_out;
  guint64 items_dropped;
  guint64 items_failed;
  GstFlowReturn push_error;     /* what a push of the current item
                                 * returned, if not OK */
  guint64 proc_count;
  GstClockTime proc_total;
  GstClockTime proc_max;
  GstClockTime item_start;
  GstClockTime push_start;
  GstClockTime push_total;      /* time pushing during the current item */

  guint heartbeat_interval;     /* ms */
  gboolean playing;
  guint64 seq;
  GstClockID hb_id;
  GstClock *clock;
  gboolean plain_clock;         /* see clock_is_plain() */

  guint32 last_seek_seqnum;

  /* streaming thread only */
  GstWorkerCore *tls_prev;
};

/* The core pushing in this thread, for queue "overrun" handlers. A plain
 * thread-local variable, not a GPrivate: it is set and reset twice an item,
 * and pthread_setspecific() costs a tenth of a no-op worker's hop. */
static __thread GstWorkerCore *current_pusher;
static GQuark overrun_hooked_quark;

static void
gst_worker_core_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (worker_core_debug, "workercore", 0,
        "gst-workers shared worker core");
    overrun_hooked_quark =
        g_quark_from_static_string ("gst-worker-overrun-hooked");
    g_once_init_leave (&done, 1);
  }
}

/* The default system clock, monotonic and never calibrated, reads what
 * gst_util_get_timestamp() does. Every item is timed four times, and
 * gst_clock_get_time() costs two type checks and a calibration besides
 * (about a fifth of a no-op worker's time per item); a test clock, or any
 * other, is read through its vfuncs as usual. */
static gboolean
clock_is_plain (GstClock * clock)
{
  GstClockType type;
  GstClockTime internal, external, num, denom;

  if (G_OBJECT_TYPE (clock) != GST_TYPE_SYSTEM_CLOCK)
    return FALSE;
  g_object_get (clock, "clock-type", &type, NULL);
  gst_clock_get_calibration (clock, &internal, &external, &num, &denom);
  return type == GST_CLOCK_TYPE_MONOTONIC && internal == external &&
      num == denom;
}

/**
 * gst_worker_core_new: (skip)
 * @element: (transfer none): the element that embeds the core
 *
 * Makes the core an element embeds to be a worker: call it from the
 * element's instance init.
 *
 * Returns: (transfer full): a new core; free it with gst_worker_core_free()
 * from the element's finalize.
 *
 * Since: 0.1
 */
GstWorkerCore *
gst_worker_core_new (GstElement * element)
{
  GstWorkerCore *core;

  gst_worker_core_init_once ();

  core = g_new0 (GstWorkerCore, 1);
  core->element = element;
  core->gate = gst_worker_gate_new (element);
  g_mutex_init (&core->lock);
  g_cond_init (&core->cond);
  core->heartbeat_interval = GST_WORKER_DEFAULT_HEARTBEAT_INTERVAL;
  core->state = GST_WORKER_STATE_IDLE;
  core->state_since = GST_CLOCK_TIME_NONE;
  core->clock = gst_system_clock_obtain ();
  core->plain_clock = clock_is_plain (core->clock);
  return core;
}

static void stop_heartbeats (GstWorkerCore * core);
static void wake_element (GstWorkerCore * core);


/**
 * gst_worker_core_free: (skip)
 * @core: a #GstWorkerCore
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
void
gst_worker_core_free (GstWorkerCore * core)
{
  if (!core)
    return;
  stop_heartbeats (core);
  gst_worker_gate_free (core->gate);
  g_list_free (core->outputs);
  g_free (core->blocked_on);
  g_free (core->wait_on);
  gst_clear_object (&core->clock);
  g_mutex_clear (&core->lock);
  g_cond_clear (&core->cond);
  g_free (core);
}

static inline GstClockTime
core_now (GstWorkerCore * core)
{
  if (G_LIKELY (core->plain_clock))
    return gst_util_get_timestamp ();
  return gst_clock_get_time (core->clock);
}

/* Derives the reported state from what the worker is doing and restarts
 * `state-time` when it changes. */
static void
update_state_locked (GstWorkerCore * core, GstClockTime now)
{
  GstWorkerState state;

  if (core->blocked_on)
    state = GST_WORKER_STATE_BLOCKED;
  else if (core->waiting)
    state = core->wait_state;
  else if (core->starting)
    state = GST_WORKER_STATE_STARTING;
  else if (core->in_item || core->in_push)
    state = GST_WORKER_STATE_BUSY;
  else if (core->paused)
    state = GST_WORKER_STATE_PAUSED;
  else
    state = GST_WORKER_STATE_IDLE;

  if (state != core->state || !GST_CLOCK_TIME_IS_VALID (core->state_since)) {
    core->state = state;
    core->state_since = now;
  }
}

/* ---------------------------------------------------------------------- */
/* properties */

/**
 * gst_worker_core_install_properties: (skip)
 * @klass: the class of an element that implements #GstWorker
 *
 * Installs `paused`, `heartbeat-interval` and `stats` (from the #GstWorker
 * interface) with the ids of #GstWorkerCoreProperty.
 *
 * Since: 0.1
 */
void
gst_worker_core_install_properties (GObjectClass * klass)
{
  g_object_class_override_property (klass, GST_WORKER_CORE_PROP_PAUSED,
      "paused");
  g_object_class_override_property (klass,
      GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL, "heartbeat-interval");
  g_object_class_override_property (klass, GST_WORKER_CORE_PROP_STATS,
      "stats");
}

static void start_heartbeats_locked (GstWorkerCore * core);

/**
 * gst_worker_core_set_property: (skip)
 * @core: a #GstWorkerCore
 * @prop_id: the property id, one of #GstWorkerCoreProperty
 * @value: the value to set
 *
 * Sets one of the properties the core installed
 * (gst_worker_core_install_properties()): call it from the element's
 * set_property() for those ids.
 *
 * Returns: %TRUE if @prop_id is one of the core's properties.
 *
 * Since: 0.1
 */
gboolean
gst_worker_core_set_property (GstWorkerCore * core, guint prop_id,
    const GValue * value)
{
  switch (prop_id) {
    case GST_WORKER_CORE_PROP_PAUSED:
      gst_worker_core_set_paused (core, g_value_get_boolean (value));
      return TRUE;
    case GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL:{
      guint interval = g_value_get_uint (value);
      gboolean restart;

      g_mutex_lock (&core->lock);
      restart = core->playing && core->heartbeat_interval == 0 && interval;
      core->heartbeat_interval = interval;
      if (restart)
        start_heartbeats_locked (core);
      g_mutex_unlock (&core->lock);
      return TRUE;
    }
    default:
      return FALSE;
  }
}


/**
 * gst_worker_core_get_property: (skip)
 * @core: a #GstWorkerCore
 * @prop_id: the property id, one of #GstWorkerCoreProperty
 * @value: where to put its value
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
gboolean
gst_worker_core_get_property (GstWorkerCore * core, guint prop_id,
    GValue * value)
{
  switch (prop_id) {
    case GST_WORKER_CORE_PROP_PAUSED:
      g_value_set_boolean (value, gst_worker_core_get_paused (core));
      return TRUE;
    case GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL:
      g_mutex_lock (&core->lock);
      g_value_set_uint (value, core->heartbeat_interval);
      g_mutex_unlock (&core->lock);
      return TRUE;
    case GST_WORKER_CORE_PROP_STATS:
      g_value_take_boxed (value, gst_worker_core_get_stats (core));
      return TRUE;
    default:
      return FALSE;
  }
}

/* ---------------------------------------------------------------------- */
/* pause */


/**
 * gst_worker_core_set_paused: (skip)
 * @core: a #GstWorkerCore
 * @paused: %TRUE to pause, %FALSE to resume
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
void
gst_worker_core_set_paused (GstWorkerCore * core, gboolean paused)
{
  g_mutex_lock (&core->lock);
  if (core->paused != paused) {
    GST_INFO_OBJECT (core->element, "%s", paused ? "pausing" : "resuming");
    core->paused = paused;
    update_state_locked (core, core_now (core));
    g_cond_broadcast (&core->cond);
  }
  g_mutex_unlock (&core->lock);
}


/**
 * gst_worker_core_get_paused: (skip)
 * @core: a #GstWorkerCore
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
gboolean
gst_worker_core_get_paused (GstWorkerCore * core)
{
  gboolean paused;

  g_mutex_lock (&core->lock);
  paused = core->paused;
  g_mutex_unlock (&core->lock);
  return paused;
}

/**
 * gst_worker_core_set_flushing: (skip)
 * @core: a #GstWorkerCore
 * @flushing: %TRUE to wake and refuse waits, %FALSE to allow them again
 *
 * Called on FLUSH_START / FLUSH_STOP, from a source's or sink's unlock /
 * unlock_stop, and by gst_worker_core_change_state() on PAUSED to READY.
 *
 * Since: 0.1
 */
void
gst_worker_core_set_flushing (GstWorkerCore * core, gboolean flushing)
{
  g_mutex_lock (&core->lock);
  core->flushing = flushing;
  g_cond_broadcast (&core->cond);
  g_mutex_unlock (&core->lock);
  gst_worker_gate_set_flushing (core->gate, flushing);
  if (flushing)
    wake_element (core);
}

static gboolean
wait_unpaused_locked (GstWorkerCore * core)
{
  while (core->paused && !core->flushing && !core->eos_ends_holds) {
    GST_DEBUG_OBJECT (core->element, "paused: holding");
    g_cond_wait (&core->cond, &core->lock);
  }
  return !core->flushing && !core->eos_ends_holds;
}

/**
 * gst_worker_core_wait_unpaused: (skip)
 * @core: a #GstWorkerCore
 *
 * Waits while the worker is paused.
 *
 * Returns: %FALSE if the wait was cut short by flushing (or by an EOS
 * asked with gst_worker_core_request_eos() that ends holds).
 *
 * Since: 0.1
 */
gboolean
gst_worker_core_wait_unpaused (GstWorkerCore * core)
{
  gboolean ret;

  g_mutex_lock (&core->lock);
  ret = wait_unpaused_locked (core);
  g_mutex_unlock (&core->lock);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* the source gate (its state: gstworkergate.c) */

/* called with no lock held, after the gate closed */
static void
wake_element (GstWorkerCore * core)
{
  if (core->wake)
    core->wake (core, core->wake_data);
}

/**
 * gst_worker_core_set_wake_func: (skip)
 * @core: a #GstWorkerCore
 * @func: (nullable): what wakes the element's own blocking call
 * @user_data: passed to @func
 *
 * Sets what the core calls when the source gate closes (see
 * #GstWorkerCoreWakeFunc). Set it once, from the element's instance init.
 *
 * Since: 0.2
 */
void
gst_worker_core_set_wake_func (GstWorkerCore * core,
    GstWorkerCoreWakeFunc func, gpointer user_data)
{
  core->wake = func;
  core->wake_data = user_data;
}

/**
 * gst_worker_core_request_eos: (skip)
 * @core: a #GstWorkerCore
 * @end_holds: %TRUE if the EOS ends the whole worker: a wait while paused
 *   (gst_worker_core_begin_item()) gives way and returns %FALSE; %FALSE
 *   for an element that is a sink too, whose EOS ends only its source side
 *
 * For an element's send_event() on an EOS: the gate's waits return
 * %GST_FLOW_EOS until the next run; the element's wake function is called.
 *
 * Since: 0.2
 */
void
gst_worker_core_request_eos (GstWorkerCore * core, gboolean end_holds)
{
  gst_worker_gate_request_eos (core->gate);
  if (end_holds) {
    g_mutex_lock (&core->lock);
    core->eos_ends_holds = TRUE;
    g_cond_broadcast (&core->cond);
    g_mutex_unlock (&core->lock);
  }
  wake_element (core);
}

/**
 * gst_worker_core_eos_requested: (skip)
 * @core: a #GstWorkerCore
 *
 * Whether gst_worker_core_request_eos() was called in this run.
 *
 * Returns: %TRUE if an EOS was asked
 *
 * Since: 0.2
 */
gboolean
gst_worker_core_eos_requested (GstWorkerCore * core)
{
  return gst_worker_gate_eos_requested (core->gate);
}

/**
 * gst_worker_core_wait_playing: (skip)
 * @core: a #GstWorkerCore
 * @running_time: a live source's next running time, to wait for on the
 *   element's clock once PLAYING; %GST_CLOCK_TIME_NONE to wait for PLAYING
 *   only
 *
 * The source gate, for an element's own streaming task (a live source, or
 * the source side of an element that is a sink too) before it produces:
 * waits until PLAYING, an EOS asked (gst_worker_core_request_eos()) or
 * flushing (gst_worker_core_set_flushing()), then for @running_time.
 * Leaving PLAYING cuts the clock wait short; it starts again once PLAYING
 * again. Needs gst_worker_core_change_state() on every state change.
 *
 * Returns: %GST_FLOW_FLUSHING if flushing (before all else), else
 * %GST_FLOW_EOS if an EOS was asked (PLAYING or not), else %GST_FLOW_OK.
 *
 * Since: 0.2
 */
GstFlowReturn
gst_worker_core_wait_playing (GstWorkerCore * core, GstClockTime running_time)
{
  return gst_worker_gate_wait (core->gate, running_time);
}

/* ---------------------------------------------------------------------- */
/* items */

static void
start_item_locked (GstWorkerCore * core, guint n_in)
{
  GstClockTime now = core_now (core);

  core->in_item = TRUE;
  core->in_drain = FALSE;
  core->items_in += n_in;
  core->item_start = now;
  core->push_total = 0;
  core->push_error = GST_FLOW_OK;
  update_state_locked (core, now);
}

/**
 * gst_worker_core_begin_item: (skip)
 * @core: a #GstWorkerCore
 * @n_in: how many input items this step consumes (added to `items-in`)
 *
 * Marks the start of processing: waits while paused, then reports the
 * worker `busy`. Never call it with a lock held that a state change needs
 * (a base sink's preroll lock, say): wait with
 * gst_worker_core_wait_unpaused() before taking such a lock, then call
 * gst_worker_core_start_item().
 *
 * Returns: %FALSE if flushing (nothing is counted; return
 * %GST_FLOW_FLUSHING).
 *
 * Since: 0.1
 */
gboolean
gst_worker_core_begin_item (GstWorkerCore * core, guint n_in)
{
  g_mutex_lock (&core->lock);
  if (G_UNLIKELY (!wait_unpaused_locked (core))) {
    g_mutex_unlock (&core->lock);
    return FALSE;
  }
  start_item_locked (core, n_in);
  g_mutex_unlock (&core->lock);
  return TRUE;
}

/**
 * gst_worker_core_begin_drain: (skip)
 * @core: a #GstWorkerCore
 *
 * As gst_worker_core_begin_item() for the work a worker does at EOS (it
 * emits what it still holds): it waits while paused and reports the
 * worker `busy`, but the drain is no item: its time goes to the items'
 * total, and `proc-time-avg` stays the time per item taken in (a drain
 * counted as an item of its own, often of no time, lowered it).
 * End it with gst_worker_core_end_item().
 *
 * Returns: %FALSE if flushing
 *
 * Since: 0.2
 */
gboolean
gst_worker_core_begin_drain (GstWorkerCore * core)
{
  g_mutex_lock (&core->lock);
  if (G_UNLIKELY (!wait_unpaused_locked (core))) {
    g_mutex_unlock (&core->lock);
    return FALSE;
  }
  start_item_locked (core, 0);
  core->in_drain = TRUE;
  g_mutex_unlock (&core->lock);
  return TRUE;
}

/**
 * gst_worker_core_start_item: (skip)
 * @core: a #GstWorkerCore
 * @n_in: how many input items this step consumes
 *
 * Marks the start of processing without waiting for a pause: for callers
 * that already waited with gst_worker_core_wait_unpaused().
 *
 * Since: 0.1
 */
void
gst_worker_core_start_item (GstWorkerCore * core, guint n_in)
{
  g_mutex_lock (&core->lock);
  start_item_locked (core, n_in);
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_end_item: (skip)
 * @core: a #GstWorkerCore
 *
 * Marks the end of processing and accounts its time, not counting time
 * spent in gst_worker_core_push().
 *
 * Since: 0.1
 */
void
gst_worker_core_end_item (GstWorkerCore * core)
{
  GstClockTime now, proc;

  g_mutex_lock (&core->lock);
  if (G_LIKELY (core->in_item)) {
    now = core_now (core);
    proc = GST_CLOCK_DIFF (core->item_start, now);
    proc = proc > core->push_total ? proc - core->push_total : 0;
    core->proc_total += proc;
    if (!core->in_drain) {
      core->proc_count++;
      core->proc_max = MAX (core->proc_max, proc);
    }
    core->in_item = core->in_drain = FALSE;
    update_state_locked (core, now);
  }
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_fail_item: (skip)
 * @core: a #GstWorkerCore
 * @ret: what processing the item in hand returned
 *
 * Call after gst_worker_core_end_item(). An item the worker took in and
 * failed on (an error of its own, not one that pushing an output returned:
 * that item is lost further on) is lost inside the worker: counted in
 * `items-failed`, so that a stop accounts for it.
 *
 * Since: 0.2
 */
void
gst_worker_core_fail_item (GstWorkerCore * core, GstFlowReturn ret)
{
  if (ret >= GST_FLOW_EOS || ret == GST_FLOW_FLUSHING)
    return;
  g_mutex_lock (&core->lock);
  if (ret != core->push_error)
    core->items_failed++;
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_count: (skip)
 * @core: a #GstWorkerCore
 * @n_in: items taken
 * @n_out: items handed on
 * @n_dropped: items dropped by the worker's own decision
 *
 * Adds to the `items-in`, `items-out` and `items-dropped` counters. A worker
 * that drops an item by its own documented decision counts it here.
 *
 * Since: 0.1
 */
void
gst_worker_core_count (GstWorkerCore * core, guint n_in, guint n_out,
    guint n_dropped)
{
  g_mutex_lock (&core->lock);
  core->items_in += n_in;
  core->items_out += n_out;
  core->items_dropped += n_dropped;
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_enter_wait: (skip)
 * @core: a #GstWorkerCore
 * @state: %GST_WORKER_STATE_IDLE (waiting for input, e.g. on an empty
 *   channel) or %GST_WORKER_STATE_BLOCKED (waiting for room in a full one)
 * @on: (nullable): what a blocked worker waits on, reported as `blocked-on`
 *
 * Marks the start of a wait the worker does itself, on a channel other than
 * a `queue` element (those the core notices alone). Until
 * gst_worker_core_leave_wait() the worker is reported in @state, and the
 * time spent does not count as processing time.
 *
 * Since: 0.1
 */
void
gst_worker_core_enter_wait (GstWorkerCore * core, GstWorkerState state,
    const gchar * on)
{
  g_return_if_fail (state == GST_WORKER_STATE_IDLE ||
      state == GST_WORKER_STATE_BLOCKED);

  g_mutex_lock (&core->lock);
  core->waiting = TRUE;
  core->wait_state = state;
  g_free (core->wait_on);
  core->wait_on = g_strdup (on ? on : "");
  core->wait_start = core_now (core);
  update_state_locked (core, core->wait_start);
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_set_starting: (skip)
 * @core: a #GstWorkerCore
 * @starting: whether the worker's work is not ready yet
 *
 * Marks the time the worker's work gets ready in the background (a child
 * process that starts): until called again with %FALSE the worker is
 * reported %GST_WORKER_STATE_STARTING, also while an item waits for it.
 *
 * Since: 0.2
 */
void
gst_worker_core_set_starting (GstWorkerCore * core, gboolean starting)
{
  g_mutex_lock (&core->lock);
  core->starting = starting;
  update_state_locked (core, core_now (core));
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_leave_wait: (skip)
 * @core: a #GstWorkerCore
 *
 * Ends a wait started with gst_worker_core_enter_wait().
 *
 * Since: 0.1
 */
void
gst_worker_core_leave_wait (GstWorkerCore * core)
{
  GstClockTime now;

  g_mutex_lock (&core->lock);
  if (core->waiting) {
    now = core_now (core);
    if (core->in_item)
      core->push_total += GST_CLOCK_DIFF (core->wait_start, now);
    core->waiting = FALSE;
    g_clear_pointer (&core->wait_on, g_free);
    update_state_locked (core, now);
  }
  g_mutex_unlock (&core->lock);
}

/**
 * gst_worker_core_enter_push: (skip)
 * @core: a #GstWorkerCore
 *
 * Marks the start of a push done by this thread on the worker's behalf (by
 * the base class, or by gst_worker_core_push()). A full queue reached while
 * pushing reports the worker `blocked`.
 *
 * Since: 0.1
 */
/* Both take the lock themselves; gst_worker_core_push() does the same work
 * with one lock for entering and one for leaving and counting. */
static inline void
enter_push_locked (GstWorkerCore * core)
{
  core->in_push++;
  core->push_start = core_now (core);
  if (!core->in_item)
    update_state_locked (core, core->push_start);
}

/* Returns FALSE if no push was entered. */
static inline gboolean
leave_push_locked (GstWorkerCore * core)
{
  GstClockTime now;

  if (core->in_push == 0)
    return FALSE;
  now = core_now (core);
  core->in_push--;
  if (core->in_item)
    core->push_total += GST_CLOCK_DIFF (core->push_start, now);
  if (G_UNLIKELY (core->blocked_on)) {
    g_clear_pointer (&core->blocked_on, g_free);
    update_state_locked (core, now);
  } else if (!core->in_item) {
    update_state_locked (core, now);
  }
  return TRUE;
}

void
gst_worker_core_enter_push (GstWorkerCore * core)
{
  core->tls_prev = current_pusher;
  current_pusher = core;

  g_mutex_lock (&core->lock);
  enter_push_locked (core);
  g_mutex_unlock (&core->lock);
}


/**
 * gst_worker_core_leave_push: (skip)
 * @core: a #GstWorkerCore
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
void
gst_worker_core_leave_push (GstWorkerCore * core)
{
  gboolean entered;

  g_mutex_lock (&core->lock);
  entered = leave_push_locked (core);
  g_mutex_unlock (&core->lock);
  if (!entered)
    return;

  current_pusher = core->tls_prev;
  core->tls_prev = NULL;
}

/**
 * gst_worker_core_push: (skip)
 * @core: a #GstWorkerCore
 * @pad: the main src pad or one of the core's outputs
 * @buffer: (transfer full): the item
 *
 * Pushes one output item and counts it in `items-out`. Pushing to an extra
 * output that is not linked drops the item and counts it in
 * `items-dropped`.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_worker_core_push (GstWorkerCore * core, GstPad * pad, GstBuffer * buffer)
{
  GstFlowReturn ret;
  GstWorkerCore *prev = current_pusher;
  gboolean dropped;

  current_pusher = core;
  g_mutex_lock (&core->lock);
  enter_push_locked (core);
  g_mutex_unlock (&core->lock);

  ret = gst_pad_push (pad, buffer);

  dropped = ret == GST_FLOW_NOT_LINKED && pad != core->main_srcpad;
  g_mutex_lock (&core->lock);
  leave_push_locked (core);
  if (ret == GST_FLOW_OK) {
    core->items_out++;
  } else {
    core->push_error = ret;
    if (dropped)
      core->items_dropped++;
  }
  g_mutex_unlock (&core->lock);
  current_pusher = prev;

  if (dropped) {
    GST_LOG_OBJECT (pad, "output not linked, item dropped");
    return GST_FLOW_OK;
  }
  return ret;
}

/* ---------------------------------------------------------------------- */
/* blocked on a full queue */

static void
on_queue_overrun (GstElement * queue, gpointer user_data)
{
  GstWorkerCore *core = current_pusher;

  if (!core)
    return;

  g_mutex_lock (&core->lock);
  if (core->in_push && !core->blocked_on) {
    core->blocked_on = gst_object_get_name (GST_OBJECT (queue));
    GST_DEBUG_OBJECT (core->element, "blocked on full %s", core->blocked_on);
    update_state_locked (core, core_now (core));
  }
  g_mutex_unlock (&core->lock);
}

/* Hooks only the queues a worker's thread may push into: a queue with a
 * handler pays a whole signal emission each time it is full, and one kept
 * full by a faster source is full at every item. */
static void
hook_queue (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);

  if (!gst_worker_is_queue (element))
    return;
  if (g_object_get_qdata (G_OBJECT (element), overrun_hooked_quark))
    return;
  if (!gst_worker_queue_fed_by (element, GST_TYPE_WORKER)) {
    GST_DEBUG_OBJECT (element, "fed by no worker: not watched");
    return;
  }
  g_object_set_qdata (G_OBJECT (element), overrun_hooked_quark,
      GINT_TO_POINTER (1));
  g_signal_connect (element, "overrun", G_CALLBACK (on_queue_overrun), NULL);
}

/* Connects to "overrun" of every queue of the top-level bin that a worker
 * may push into, once. Queue elements emit it from the pushing thread,
 * before they block. Every worker's start looks again (a worker added to a
 * running system is seen then); a queue whose input is not linked yet is
 * hooked, as a worker may be linked to it later. */
static void
hook_queues (GstWorkerCore * core)
{
  GstObject *top = gst_object_ref (GST_OBJECT (core->element));
  GstObject *parent;
  GstIterator *it;
  static GMutex hook_lock;

  while ((parent = gst_object_get_parent (top))) {
    gst_object_unref (top);
    top = parent;
  }
  if (GST_IS_BIN (top)) {
    g_mutex_lock (&hook_lock);
    it = gst_bin_iterate_recurse (GST_BIN (top));
    while (gst_iterator_foreach (it, hook_queue, NULL) == GST_ITERATOR_RESYNC)
      gst_iterator_resync (it);
    gst_iterator_free (it);
    g_mutex_unlock (&hook_lock);
  }
  gst_object_unref (top);
}

/* ---------------------------------------------------------------------- */
/* statistics and heartbeats */

static GstStructure *
build_stats_locked (GstWorkerCore * core, const gchar * name, GstClockTime now)
{
  GstStructure *s;
  gchar *worker = gst_object_get_name (GST_OBJECT (core->element));
  GstClockTime avg = core->proc_count ? core->proc_total / core->proc_count : 0;

  update_state_locked (core, now);
  s = gst_structure_new (name,
      "worker", G_TYPE_STRING, worker,
      "state", GST_TYPE_WORKER_STATE, core->state,
      "state-time", GST_TYPE_CLOCK_TIME,
      GST_CLOCK_DIFF (core->state_since, now),
      "items-in", G_TYPE_UINT64, core->items_in,
      "items-out", G_TYPE_UINT64, core->items_out,
      "items-dropped", G_TYPE_UINT64, core->items_dropped,
      "items-failed", G_TYPE_UINT64, core->items_failed,
      "proc-time-avg", GST_TYPE_CLOCK_TIME, avg,
      "proc-time-max", GST_TYPE_CLOCK_TIME, core->proc_max,
      "pushing", G_TYPE_BOOLEAN, core->in_push > 0 && !core->blocked_on &&
      !core->waiting, NULL);
  if (core->blocked_on)
    gst_structure_set (s, "blocked-on", G_TYPE_STRING, core->blocked_on, NULL);
  else if (core->waiting && core->wait_state == GST_WORKER_STATE_BLOCKED)
    gst_structure_set (s, "blocked-on", G_TYPE_STRING, core->wait_on, NULL);
  g_free (worker);
  return s;
}

/* Lets the element add its own fields (GstWorkerInterface.add_stats);
 * called without the core's lock. */
static void
add_element_stats (GstWorkerCore * core, GstStructure * s)
{
  GstWorkerInterface *iface;

  if (!GST_IS_WORKER (core->element))
    return;
  iface = GST_WORKER_GET_IFACE (core->element);
  if (iface->add_stats)
    iface->add_stats (GST_WORKER (core->element), s);
}

/**
 * gst_worker_core_get_stats: (skip)
 * @core: a #GstWorkerCore
 *
 * The worker's statistics now, as its `stats` property returns them.
 *
 * Returns: (transfer full): a `worker-stats` structure with the heartbeat's
 * fields (see %GST_WORKER_HEARTBEAT_NAME) but `seq`, with
 * `heartbeats-posted` (guint64: the heartbeats posted this run; a
 * watchdog that has handled fewer knows that the others are on their
 * way), and the element's own (#GstWorkerInterface.add_stats).
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_core_get_stats (GstWorkerCore * core)
{
  GstStructure *s;

  g_mutex_lock (&core->lock);
  s = build_stats_locked (core, GST_WORKER_STATS_NAME, core_now (core));
  gst_structure_set (s, "heartbeats-posted", G_TYPE_UINT64, core->seq, NULL);
  g_mutex_unlock (&core->lock);
  add_element_stats (core, s);
  return s;
}


/**
 * gst_worker_core_get_state: (skip)
 * @core: a #GstWorkerCore
 *
 * For C elements that embed a core.
 *
 * Since: 0.1
 */
GstWorkerState
gst_worker_core_get_state (GstWorkerCore * core)
{
  GstWorkerState state;

  g_mutex_lock (&core->lock);
  update_state_locked (core, core_now (core));
  state = core->state;
  g_mutex_unlock (&core->lock);
  return state;
}

static gboolean heartbeat_cb (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);

/* Called with the lock. The clock's thread calls heartbeat_cb() without
 * holding any clock lock, so the order is always core lock -> clock lock. The
 * wait holds a ref on the element, dropped when the clock entry goes. */
static void
schedule_heartbeat_locked (GstWorkerCore * core, GstClockTime at)
{
  if (core->hb_id)
    gst_clock_id_unref (core->hb_id);
  core->hb_id = gst_clock_new_single_shot_id (core->clock, at);
  gst_clock_id_wait_async (core->hb_id, heartbeat_cb,
      gst_object_ref (core->element), gst_object_unref);
}

static void
start_heartbeats_locked (GstWorkerCore * core)
{
  if (core->heartbeat_interval == 0 || core->hb_id)
    return;
  schedule_heartbeat_locked (core,
      core_now (core) + core->heartbeat_interval * GST_MSECOND);
}

static void
stop_heartbeats (GstWorkerCore * core)
{
  GstClockID id;

  g_mutex_lock (&core->lock);
  core->playing = FALSE;
  id = core->hb_id;
  core->hb_id = NULL;
  g_mutex_unlock (&core->lock);

  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}

static gboolean
heartbeat_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstElement *element = GST_ELEMENT (user_data);
  GstWorkerCore *core = gst_worker_get_core (GST_WORKER (element));
  GstStructure *s;
  GstClockTime now;

  g_mutex_lock (&core->lock);
  if (core->hb_id != id || !core->playing) {
    g_mutex_unlock (&core->lock);
    return TRUE;
  }
  now = core_now (core);
  s = build_stats_locked (core, GST_WORKER_HEARTBEAT_NAME, now);
  gst_structure_set (s, "seq", G_TYPE_UINT64, core->seq++, NULL);
  if (core->heartbeat_interval) {
    /* keep a steady period; after a long hiccup, restart from now */
    GstClockTime at = time + core->heartbeat_interval * GST_MSECOND;
    if (at <= now)
      at = now + core->heartbeat_interval * GST_MSECOND;
    schedule_heartbeat_locked (core, at);
  } else {
    gst_clock_id_unref (core->hb_id);
    core->hb_id = NULL;
  }
  g_mutex_unlock (&core->lock);

  add_element_stats (core, s);
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* state changes */

/**
 * gst_worker_core_change_state: (skip)
 * @core: a #GstWorkerCore
 * @transition: the state change
 *
 * Call from the element's change_state before chaining up. Resets the
 * statistics and the source gate when a run starts (READY to PAUSED),
 * starts and stops heartbeats and opens and closes the gate around
 * PLAYING, and wakes a paused worker when going to READY.
 *
 * Since: 0.1
 */
void
gst_worker_core_change_state (GstWorkerCore * core, GstStateChange transition)
{
  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      GstClock *clock = gst_system_clock_obtain ();

      g_mutex_lock (&core->lock);
      gst_object_replace ((GstObject **) & core->clock, GST_OBJECT (clock));
      core->plain_clock = clock_is_plain (clock);
      core->flushing = FALSE;
      core->eos_ends_holds = FALSE;
      core->items_in = core->items_out = core->items_dropped = 0;
      core->items_failed = 0;
      core->proc_count = core->proc_total = core->proc_max = 0;
      core->seq = 0;
      core->in_item = FALSE;
      core->in_push = 0;
      g_clear_pointer (&core->blocked_on, g_free);
      core->waiting = FALSE;
      g_clear_pointer (&core->wait_on, g_free);
      core->state_since = GST_CLOCK_TIME_NONE;
      update_state_locked (core, core_now (core));
      core->last_seek_seqnum = GST_SEQNUM_INVALID;
      g_mutex_unlock (&core->lock);
      gst_object_unref (clock);
      gst_worker_gate_reset (core->gate);
      hook_queues (core);
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      g_mutex_lock (&core->lock);
      core->playing = TRUE;
      start_heartbeats_locked (core);
      g_mutex_unlock (&core->lock);
      gst_worker_gate_set_playing (core->gate, TRUE);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      stop_heartbeats (core);
      gst_worker_gate_set_playing (core->gate, FALSE);
      wake_element (core);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_worker_core_set_flushing (core, TRUE);
      break;
    default:
      break;
  }
}

/* ---------------------------------------------------------------------- */
/* extra outputs */

static GstWorkerCore *
core_of_pad (GstPad * pad)
{
  return gst_pad_get_element_private (pad);
}

static gboolean
output_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstWorkerCore *core = core_of_pad (pad);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      gst_query_parse_caps (query, &filter);
      caps = gst_pad_get_current_caps (pad);
      if (!caps)
        caps = gst_pad_get_pad_template_caps (pad);
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full (filter, caps,
            GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (caps);
        caps = tmp;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:{
      GstCaps *caps, *templ = gst_pad_get_pad_template_caps (pad);

      gst_query_parse_accept_caps (query, &caps);
      gst_query_set_accept_caps_result (query,
          gst_caps_is_subset (caps, templ));
      gst_caps_unref (templ);
      return TRUE;
    }
    default:
      /* position, duration, latency, ...: answer as the main output does */
      if (core->main_srcpad)
        return gst_pad_query (core->main_srcpad, query);
      return gst_pad_query_default (pad, parent, query);
  }
}

/* A seek reaching the element through several outputs is done once. */
static gboolean
seen_seek (GstWorkerCore * core, GstEvent * event)
{
  guint32 seqnum = gst_event_get_seqnum (event);
  gboolean seen;

  g_mutex_lock (&core->lock);
  seen = core->last_seek_seqnum == seqnum;
  core->last_seek_seqnum = seqnum;
  g_mutex_unlock (&core->lock);
  return seen;
}

static gboolean
output_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstWorkerCore *core = core_of_pad (pad);

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK && seen_seek (core, event)) {
    GST_DEBUG_OBJECT (pad, "seek already handled");
    gst_event_unref (event);
    return TRUE;
  }
  if (core->main_srcpad)
    return gst_pad_send_event (core->main_srcpad, event);
  return gst_pad_event_default (pad, parent, event);
}

static void
push_output_stream_start (GstWorkerCore * core, GstPad * out, GstEvent * ev)
{
  const gchar *id;
  gchar *out_id;
  guint group;
  GstEvent *start;
  GstCaps *templ;

  gst_event_parse_stream_start (ev, &id);
  out_id = g_strdup_printf ("%s/%s", id, GST_PAD_NAME (out));
  start = gst_event_new_stream_start (out_id);
  if (gst_event_parse_group_id (ev, &group))
    gst_event_set_group_id (start, group);
  gst_event_set_seqnum (start, gst_event_get_seqnum (ev));
  gst_pad_push_event (out, start);
  g_free (out_id);

  /* an output whose template is fixed gets its caps right away */
  templ = gst_pad_get_pad_template_caps (out);
  if (gst_caps_is_fixed (templ) && !gst_pad_has_current_caps (out))
    gst_pad_push_event (out, gst_event_new_caps (templ));
  gst_caps_unref (templ);
}

static GstPadProbeReturn
mirror_events (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstWorkerCore *core = user_data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  GList *l;

  switch (GST_EVENT_TYPE (ev)) {
    case GST_EVENT_STREAM_START:
      for (l = core->outputs; l; l = l->next)
        push_output_stream_start (core, l->data, ev);
      break;
    case GST_EVENT_EOS:
      /* a source's last push ends here */
      gst_worker_core_leave_push (core);
      /* fall through */
    case GST_EVENT_SEGMENT:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      for (l = core->outputs; l; l = l->next)
        gst_pad_push_event (l->data, gst_event_ref (ev));
      break;
    default:
      break;
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
dedupe_seeks (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstWorkerCore *core = user_data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (ev) == GST_EVENT_SEEK && core->outputs &&
      seen_seek (core, ev)) {
    GST_DEBUG_OBJECT (pad, "seek already handled");
    return GST_PAD_PROBE_HANDLED;
  }
  return GST_PAD_PROBE_OK;
}

/* Any probe on a pad makes every buffer pushed through it walk the pad's
 * probe list (about a fifth of a no-op worker's time per item), so the main
 * src pad gets its event probes only when they have work: with extra
 * outputs, or on a source, whose last push ends at EOS. */
static void
add_main_srcpad_probes (GstWorkerCore * core)
{
  if (core->probing || !core->main_srcpad)
    return;
  core->probing = TRUE;
  gst_pad_add_probe (core->main_srcpad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      mirror_events, core, NULL);
  gst_pad_add_probe (core->main_srcpad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      dedupe_seeks, core, NULL);
}

/**
 * gst_worker_core_set_main_srcpad: (skip)
 * @core: a #GstWorkerCore
 * @srcpad: (transfer none): the base class's own src pad
 *
 * Tells the core which pad is the worker's main output. Extra outputs
 * mirror its stream-start, segment, flush and EOS events and answer
 * queries as it does.
 *
 * Since: 0.1
 */
void
gst_worker_core_set_main_srcpad (GstWorkerCore * core, GstPad * srcpad)
{
  core->main_srcpad = srcpad;
  if (core->outputs || GST_IS_BASE_SRC (core->element))
    add_main_srcpad_probes (core);
}

/**
 * gst_worker_core_add_output: (skip)
 * @core: a #GstWorkerCore
 * @templ: a src pad template of the element's class
 * @name: (nullable): the pad's name, or %NULL for the template's
 *
 * Adds an extra output src pad. Its caps are the template's if fixed, or
 * what the element sets with gst_pad_push_event() / gst_pad_set_caps().
 *
 * Returns: (transfer none): the new pad
 *
 * Since: 0.1
 */
GstPad *
gst_worker_core_add_output (GstWorkerCore * core, GstPadTemplate * templ,
    const gchar * name)
{
  GstPad *pad;

  pad = gst_pad_new_from_template (templ, name ? name :
      GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
  gst_pad_set_element_private (pad, core);
  gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (output_query));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (output_event));
  gst_pad_set_active (pad, FALSE);
  core->outputs = g_list_append (core->outputs, pad);
  add_main_srcpad_probes (core);
  gst_element_add_pad (core->element, pad);
  return pad;
}

/**
 * gst_worker_core_add_template_outputs: (skip)
 * @core: a #GstWorkerCore
 *
 * Adds an output for every always-present src pad template of the element's
 * class other than the main src pad's.
 *
 * Since: 0.1
 */
void
gst_worker_core_add_template_outputs (GstWorkerCore * core)
{
  GList *l = gst_element_class_get_pad_template_list
      (GST_ELEMENT_GET_CLASS (core->element));

  for (; l; l = l->next) {
    GstPadTemplate *templ = l->data;

    if (GST_PAD_TEMPLATE_DIRECTION (templ) != GST_PAD_SRC ||
        GST_PAD_TEMPLATE_PRESENCE (templ) != GST_PAD_ALWAYS)
      continue;
    if (core->main_srcpad &&
        g_strcmp0 (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ),
            GST_PAD_NAME (core->main_srcpad)) == 0)
      continue;
    gst_worker_core_add_output (core, templ, NULL);
  }
}

/**
 * gst_worker_core_get_output: (skip)
 * @core: a #GstWorkerCore
 * @name: the output's name
 *
 * Finds one of the worker's extra outputs by name.
 *
 * Returns: (transfer none) (nullable): the extra output named @name
 *
 * Since: 0.1
 */
GstPad *
gst_worker_core_get_output (GstWorkerCore * core, const gchar * name)
{
  GList *l;

  for (l = core->outputs; l; l = l->next)
    if (g_strcmp0 (GST_PAD_NAME (l->data), name) == 0)
      return l->data;
  return NULL;
}
