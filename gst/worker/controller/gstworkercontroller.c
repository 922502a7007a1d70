/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkercontroller
 * @title: GstWorkerController
 * @short_description: supervise a system of workers: pause, resume,
 *   watchdog, exit without losing an item
 *
 * The design's worker controller. It runs a #GstPipeline of workers (every
 * element implementing #GstWorker, inside bins too) joined by `queue`
 * elements, and:
 *
 * - keeps each worker's latest `worker-heartbeat` and returns the whole
 *   status as a #GstStructure (gst_worker_controller_get_status()) or as
 *   JSON (gst_worker_controller_get_status_json());
 * - pauses and resumes one worker by name (its `paused` property: a pause
 *   that holds data), or the whole system (pipeline PAUSED / PLAYING, so
 *   live sources stop producing);
 * - watches: a worker whose heartbeats stop for `heartbeat-timeout` ms is
 *   *lost* (one that posted them while the controller's thread was held
 *   up, so that they wait on the bus, as its stats say, is given another
 *   `heartbeat-timeout` for them); one `busy` or `blocked` for longer
 *   than `stall-timeout` ms is *stalled*
 *   (#GstWorkerController::worker-stalled and a warning in the
 *   `workercontroller` debug category naming the worker, its state, for
 *   how long and, when blocked, the full queue). Waiting for input (`idle`)
 *   is never a stall, nor is being blocked behind a worker that was
 *   paused on purpose;
 * - counts every buffer into and out of every `queue` (pad probes), and of
 *   the FIFO of every `feedbacksink`/`feedbacksrc` pair (named "channel
 *   NAME"), so an exit proves, edge by edge, that nothing was lost;
 * - finds deadlocks of these bounded channels, explains them and resolves
 *   those that growing a queue can resolve (`deadlock-mode`,
 *   #GstWorkerController::deadlock);
 * - exits with drain (gst_worker_controller_exit_drain(): resume, EOS into
 *   every source, wait for EOS, report), or now
 *   (gst_worker_controller_exit_now(): stop and report what was discarded,
 *   and where);
 * - on an ERROR message, stops or restarts the pipeline
 *   (#GstWorkerErrorPolicy), with bounded retries and backoff.
 *
 * The controller watches the pipeline's bus (do not add another watch to
 * it) from the #GMainContext that was the thread-default one when it was
 * made; that context must run (a #GMainLoop, say). Its timers are sources
 * of that context too: nothing polls. Every function may be called from
 * any thread. Signals are emitted from the controller's context, except
 * #GstWorkerController::finished, which gst_worker_controller_exit_now()
 * and a failed gst_worker_controller_start() emit from their caller.
 *
 * |[<!-- language="C" -->
 * GstWorkerController *ctrl = gst_worker_controller_new_from_file
 *     ("pipelines/chain.pipeline", &error);
 * g_signal_connect (ctrl, "finished", G_CALLBACK (on_finished), loop);
 * gst_worker_controller_start (ctrl, &error);
 * g_main_loop_run (loop);
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkercontrollerprivate.h"
#include "gstworkervalue.h"
#include "gstworkerstartcheck.h"

GST_DEBUG_CATEGORY (worker_controller_debug);

#define DEFAULT_HEARTBEAT_TIMEOUT 3000
#define DEFAULT_STALL_TIMEOUT 5000
#define DEFAULT_HEARTBEAT_INTERVAL 0
#define DEFAULT_ERROR_POLICY GST_WORKER_ERROR_POLICY_STOP
#define DEFAULT_STALL_POLICY GST_WORKER_STALL_POLICY_REPORT
#define DEFAULT_MAX_RESTARTS 3
#define DEFAULT_RESTART_BACKOFF 500
#define DEFAULT_DEADLOCK_MODE GST_WORKER_DEADLOCK_MODE_RESOLVE
#define DEFAULT_DEADLOCK_SETTLE 1000
#define DEFAULT_MAX_QUEUE_GROWTH 64
#define DEFAULT_MAX_TOTAL_GROWTH 256

enum
{
  PROP_0,
  PROP_PIPELINE,
  PROP_HEARTBEAT_TIMEOUT,
  PROP_STALL_TIMEOUT,
  PROP_HEARTBEAT_INTERVAL,
  PROP_ERROR_POLICY,
  PROP_STALL_POLICY,
  PROP_MAX_RESTARTS,
  PROP_RESTART_BACKOFF,
  PROP_DEADLOCK_MODE,
  PROP_DEADLOCK_SETTLE,
  PROP_MAX_QUEUE_GROWTH,
  PROP_MAX_TOTAL_GROWTH,
  /* tune, tune-max-replicas: gstworkerreshape.c */
  PROP_RESHAPE_FIRST,
};

enum
{
  SIGNAL_STARTED,
  SIGNAL_WORKER_STALLED,
  SIGNAL_WORKER_LOST,
  SIGNAL_WORKER_RECOVERED,
  SIGNAL_PIPELINE_ERROR,
  SIGNAL_RESTARTED,
  SIGNAL_FINISHED,
  SIGNAL_DEADLOCK,
  LAST_SIGNAL
};

static guint controller_signals[LAST_SIGNAL];

G_DEFINE_QUARK (gst-worker-controller-error-quark, gst_worker_controller_error);

G_DEFINE_TYPE_WITH_CODE (GstWorkerController, gst_worker_controller,
    GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (worker_controller_debug, "workercontroller", 0,
        "gst-workers controller"));

/* ---------------------------------------------------------------------- */
/* the run's events and what it asks */

/* Only the controller emits signals: the run returns events. */
static void
run_event (GstObject * owner, const WorkerRunEvent * ev)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (owner);

  switch (ev->type) {
    case WORKER_RUN_EVENT_STARTED:
      g_signal_emit (self, controller_signals[SIGNAL_STARTED], 0);
      break;
    case WORKER_RUN_EVENT_ERROR:
      g_signal_emit (self, controller_signals[SIGNAL_PIPELINE_ERROR], 0,
          ev->element, ev->error, ev->debug, ev->restarting);
      break;
    case WORKER_RUN_EVENT_RESTARTED:
      g_signal_emit (self, controller_signals[SIGNAL_RESTARTED], 0,
          ev->restarts);
      break;
    case WORKER_RUN_EVENT_FINISHED:
      g_signal_emit (self, controller_signals[SIGNAL_FINISHED], 0,
          ev->report);
      break;
  }
}

static void
run_policy (GstObject * owner, WorkerRunPolicy * policy)
{
  controller_run_policy (GST_WORKER_CONTROLLER (owner), policy);
}

static GstStructure *
run_report (GstObject * owner, GstWorkerControllerOutcome outcome)
{
  return controller_build_report (GST_WORKER_CONTROLLER (owner), outcome);
}

static const WorkerRunHooks run_hooks = { run_event, run_policy, run_report };

/* ---------------------------------------------------------------------- */
/* the watchdog's events */

/* Only the controller emits signals: the watchdog returns events. */
static void
emit_watch_events (GstWorkerController * self, GPtrArray * events)
{
  guint i;

  for (i = 0; i < events->len; i++) {
    WorkerWatchEvent *ev = g_ptr_array_index (events, i);
    gchar *what = worker_watch_event_describe (ev);

    switch (ev->type) {
      case WORKER_WATCH_STALLED:{
        gchar *chain = gst_worker_controller_explain_wait (self, ev->worker);

        if (ev->blocked_on)
          GST_WARNING_OBJECT (self, "worker %s stalled: %s (%s)", ev->worker,
              what, chain ? chain : "?");
        else
          GST_WARNING_OBJECT (self, "worker %s stalled: %s", ev->worker, what);
        g_free (chain);
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_STALLED], 0,
            ev->worker, ev->state, (guint64) ev->duration, ev->blocked_on);
        worker_run_handle_stall (self->run, ev->worker, what,
            ev->duration);
        break;
      }
      case WORKER_WATCH_LOST:
        GST_WARNING_OBJECT (self, "worker %s lost: %s", ev->worker, what);
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_LOST], 0,
            ev->worker, (guint64) ev->duration);
        break;
      case WORKER_WATCH_RECOVERED:
        GST_INFO_OBJECT (self, "worker %s recovered (was %s)", ev->worker,
            ev->was_lost ? "lost" : "stalled");
        g_signal_emit (self, controller_signals[SIGNAL_WORKER_RECOVERED], 0,
            ev->worker, ev->was_lost);
        break;
    }
    g_free (what);
  }
}

/* The watchdog's timeouts, as set now. */
static void
watch_timeouts (GstWorkerController * self, WorkerWatchTimeouts * t)
{
  GST_OBJECT_LOCK (self);
  t->heartbeat_timeout = self->heartbeat_timeout;
  t->stall_timeout = self->stall_timeout;
  GST_OBJECT_UNLOCK (self);
}

/* The watchdog's timer fired: its checks while the system runs, prerolling
 * too (a worker busy on its first item can stall), not while it is paused;
 * then its events. */
static gboolean
watchdog_cb (gpointer user_data)
{
  GstWorkerController *self = gst_object_ref (user_data);
  WorkerWatchTimeouts t;
  gboolean paused, playing, active;
  GPtrArray *events;

  watch_timeouts (self, &t);
  active = worker_run_is_active (self->run, &paused, &playing) && !paused;
  t.playing = playing;
  events = worker_watchdog_run (self->watch, active ? &t : NULL);
  emit_watch_events (self, events);
  g_ptr_array_unref (events);
  gst_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* the deadlock detector's checks and events */

/* Only the controller emits signals: the detector returns events. */
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

  if (stop)
    worker_run_stop_on_deadlock (self->run);
}

/* Every few milliseconds while the system runs (before PLAYING too: a
 * deadlock can stop a pipeline prerolling): sample the wait-for graph and
 * act on deadlocks. */
static gboolean
deadlock_tick (gpointer user_data)
{
  GstWorkerController *self = gst_object_ref (user_data);
  GstWorkerDeadlockPolicy policy;
  GPtrArray *events;
  gboolean paused;

  controller_deadlock_policy (self, &policy);
  if (worker_run_is_active (self->run, &paused, NULL) && !paused &&
      policy.mode != GST_WORKER_DEADLOCK_MODE_OFF) {
    events = gst_worker_deadlock_check (self->deadlock, &policy);
    handle_deadlock_events (self, events);
    g_ptr_array_unref (events);
  }
  gst_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* the bus: heartbeats here; errors, state changes and EOS for the run */

static void
handle_heartbeat (GstWorkerController * self, GstMessage * msg)
{
  WorkerRec *w = worker_topology_find_worker_by_element (self->topology,
      GST_MESSAGE_SRC (msg));
  WorkerWatchTimeouts t;

  if (!w)
    return;

  watch_timeouts (self, &t);
  t.playing = TRUE;
  if (!worker_run_is_active (self->run, NULL, NULL))
    return;
  if (worker_watchdog_heartbeat (self->watch, w,
          gst_message_get_structure (msg), &t)) {
    GST_INFO_OBJECT (self, "worker %s: heartbeats again", w->name);
    g_signal_emit (self, controller_signals[SIGNAL_WORKER_RECOVERED], 0,
        w->name, TRUE);
  }
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  /* a handler of a signal emitted from here may drop the last ref */
  GstWorkerController *self = gst_object_ref (user_data);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      if (gst_worker_message_is_heartbeat (msg))
        handle_heartbeat (self, msg);
      else
        controller_handle_child_message (self, msg);
      break;
    case GST_MESSAGE_EOS:
      worker_run_handle_eos (self->run);
      break;
    case GST_MESSAGE_ERROR:
      worker_run_handle_error (self->run, msg);
      break;
    case GST_MESSAGE_WARNING:{
      gchar *debug = NULL;
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, &debug);
      GST_WARNING_OBJECT (self, "warning from %s: %s",
          GST_MESSAGE_SRC_NAME (msg), err ? err->message : "?");
      g_clear_error (&err);
      g_free (debug);
      break;
    }
    case GST_MESSAGE_STATE_CHANGED:
      worker_run_handle_state_changed (self->run, msg);
      break;
    default:
      break;
  }
  gst_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
gst_worker_controller_constructed (GObject * object)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (object);
  GstBus *bus;

  G_OBJECT_CLASS (gst_worker_controller_parent_class)->constructed (object);

  g_assert (self->pipeline != NULL);
  self->context = g_main_context_ref_thread_default ();
  self->topology = worker_topology_new (self->pipeline);
  self->workers = worker_topology_workers (self->topology);
  self->queues = worker_topology_queues (self->topology);
  self->deadlock = gst_worker_deadlock_new (self->topology);
  self->watch = worker_watchdog_new (self->topology, self->deadlock);
  self->exit = worker_exit_new (self->topology);
  worker_topology_update (self->topology);
  gst_worker_deadlock_set_topology (self->deadlock);
  controller_reshape_init (self);

  bus = gst_pipeline_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) bus_cb, self, NULL);
  g_source_attach (self->bus_source, self->context);
  gst_object_unref (bus);

  worker_watchdog_attach (self->watch, self->context, watchdog_cb, self);

  {
    WorkerRunParts parts = { GST_OBJECT (self), &run_hooks, self->pipeline,
      self->context, self->topology, self->exit, self->watch,
      self->deadlock
    };

    self->run = worker_run_new (&parts);
  }

  GST_INFO_OBJECT (self, "%u workers, %u queues", self->workers->len,
      self->queues->len);
}

static void
gst_worker_controller_dispose (GObject * object)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (object);

  if (self->bus_source) {
    g_source_destroy (self->bus_source);
    g_clear_pointer (&self->bus_source, g_source_unref);
  }
  if (self->watch)
    worker_watchdog_detach (self->watch);
  if (self->run) {
    worker_run_shut_down (self->run);
    g_clear_pointer (&self->run, worker_run_free);
  }

  if (self->topology) {
    controller_reshape_dispose (self);
    g_clear_pointer (&self->watch, worker_watchdog_free);
    g_clear_pointer (&self->deadlock, gst_worker_deadlock_free);
    g_clear_pointer (&self->exit, worker_exit_free);
    self->workers = self->queues = NULL;
    g_clear_pointer (&self->topology, worker_topology_free);
  }
  gst_clear_object (&self->pipeline);

  G_OBJECT_CLASS (gst_worker_controller_parent_class)->dispose (object);
}

static void
gst_worker_controller_finalize (GObject * object)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (object);

  if (self->context)
    g_main_context_unref (self->context);
  G_OBJECT_CLASS (gst_worker_controller_parent_class)->finalize (object);
}

static void
gst_worker_controller_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_PIPELINE:
      self->pipeline = g_value_dup_object (value);
      break;
    case PROP_HEARTBEAT_TIMEOUT:
      self->heartbeat_timeout = g_value_get_uint (value);
      break;
    case PROP_STALL_TIMEOUT:
      self->stall_timeout = g_value_get_uint (value);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      self->heartbeat_interval = g_value_get_uint (value);
      break;
    case PROP_STALL_POLICY:
      self->stall_policy = g_value_get_enum (value);
      break;
    case PROP_ERROR_POLICY:
      self->error_policy = g_value_get_enum (value);
      break;
    case PROP_MAX_RESTARTS:
      self->max_restarts = g_value_get_uint (value);
      break;
    case PROP_RESTART_BACKOFF:
      self->restart_backoff = g_value_get_uint (value);
      break;
    case PROP_DEADLOCK_MODE:
      self->deadlock_mode = g_value_get_enum (value);
      break;
    case PROP_DEADLOCK_SETTLE:
      self->deadlock_settle = g_value_get_uint (value);
      break;
    case PROP_MAX_QUEUE_GROWTH:
      self->max_queue_growth = g_value_get_uint (value);
      break;
    case PROP_MAX_TOTAL_GROWTH:
      self->max_total_growth = g_value_get_uint (value);
      break;
    default:
      GST_OBJECT_UNLOCK (self);
      if (!controller_reshape_set_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      GST_OBJECT_LOCK (self);
      break;
  }
  GST_OBJECT_UNLOCK (self);

  /* a new timeout may make a check due sooner */
  if ((prop_id == PROP_HEARTBEAT_TIMEOUT || prop_id == PROP_STALL_TIMEOUT) &&
      self->watch)
    worker_watchdog_wake (self->watch, g_get_monotonic_time ());
}

static void
gst_worker_controller_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstWorkerController *self = GST_WORKER_CONTROLLER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    case PROP_HEARTBEAT_TIMEOUT:
      g_value_set_uint (value, self->heartbeat_timeout);
      break;
    case PROP_STALL_TIMEOUT:
      g_value_set_uint (value, self->stall_timeout);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      g_value_set_uint (value, self->heartbeat_interval);
      break;
    case PROP_STALL_POLICY:
      g_value_set_enum (value, self->stall_policy);
      break;
    case PROP_ERROR_POLICY:
      g_value_set_enum (value, self->error_policy);
      break;
    case PROP_MAX_RESTARTS:
      g_value_set_uint (value, self->max_restarts);
      break;
    case PROP_RESTART_BACKOFF:
      g_value_set_uint (value, self->restart_backoff);
      break;
    case PROP_DEADLOCK_MODE:
      g_value_set_enum (value, self->deadlock_mode);
      break;
    case PROP_DEADLOCK_SETTLE:
      g_value_set_uint (value, self->deadlock_settle);
      break;
    case PROP_MAX_QUEUE_GROWTH:
      g_value_set_uint (value, self->max_queue_growth);
      break;
    case PROP_MAX_TOTAL_GROWTH:
      g_value_set_uint (value, self->max_total_growth);
      break;
    default:
      GST_OBJECT_UNLOCK (self);
      if (!controller_reshape_get_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      GST_OBJECT_LOCK (self);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_worker_controller_class_init (GstWorkerControllerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->constructed = gst_worker_controller_constructed;
  gobject_class->dispose = gst_worker_controller_dispose;
  gobject_class->finalize = gst_worker_controller_finalize;
  gobject_class->set_property = gst_worker_controller_set_property;
  gobject_class->get_property = gst_worker_controller_get_property;

  g_object_class_install_property (gobject_class, PROP_PIPELINE,
      g_param_spec_object ("pipeline", "Pipeline",
          "The pipeline the controller runs", GST_TYPE_PIPELINE,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_HEARTBEAT_TIMEOUT,
      g_param_spec_uint ("heartbeat-timeout", "Heartbeat timeout",
          "Milliseconds without a heartbeat after which a worker is lost "
          "(0 = never)", 0, G_MAXUINT, DEFAULT_HEARTBEAT_TIMEOUT, flags));
  g_object_class_install_property (gobject_class, PROP_STALL_TIMEOUT,
      g_param_spec_uint ("stall-timeout", "Stall timeout",
          "Milliseconds busy, or blocked on a full queue, after which a "
          "worker is stalled (0 = never); idle is never a stall", 0,
          G_MAXUINT, DEFAULT_STALL_TIMEOUT, flags));
  g_object_class_install_property (gobject_class, PROP_HEARTBEAT_INTERVAL,
      g_param_spec_uint ("heartbeat-interval", "Heartbeat interval",
          "heartbeat-interval (ms) given to every worker at start "
          "(0 = leave the workers' own)", 0, G_MAXUINT,
          DEFAULT_HEARTBEAT_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_ERROR_POLICY,
      g_param_spec_enum ("error-policy", "Error policy",
          "What an ERROR message does: stop the system, or restart the "
          "pipeline", GST_TYPE_WORKER_ERROR_POLICY, DEFAULT_ERROR_POLICY,
          flags));
  g_object_class_install_property (gobject_class, PROP_STALL_POLICY,
      g_param_spec_enum ("stall-policy", "Stall policy",
          "What a stalled worker does: report it, or restart the pipeline "
          "(within max-restarts, as the error policy's restarts)",
          GST_TYPE_WORKER_STALL_POLICY, DEFAULT_STALL_POLICY, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_RESTARTS,
      g_param_spec_uint ("max-restarts", "Max restarts",
          "Restarts allowed by the restart policy before the system stops",
          0, G_MAXUINT, DEFAULT_MAX_RESTARTS, flags));
  g_object_class_install_property (gobject_class, PROP_RESTART_BACKOFF,
      g_param_spec_uint ("restart-backoff", "Restart backoff",
          "Milliseconds before the first restart; doubled before each next "
          "one (at most 30 s)", 0, G_MAXUINT, DEFAULT_RESTART_BACKOFF, flags));
  g_object_class_install_property (gobject_class, PROP_DEADLOCK_MODE,
      g_param_spec_enum ("deadlock-mode", "Deadlock mode",
          "What to do about deadlocks of the bounded queues: nothing (off), "
          "explain them (report), or explain them and grow the smallest "
          "full queue on the cycle (resolve)", GST_TYPE_WORKER_DEADLOCK_MODE,
          DEFAULT_DEADLOCK_MODE, flags));
  g_object_class_install_property (gobject_class, PROP_DEADLOCK_SETTLE,
      g_param_spec_uint ("deadlock-settle", "Deadlock settle time",
          "Milliseconds in which nothing on a cycle of waits may move before "
          "it is a deadlock (longer than the slowest item of a stock "
          "element on such a cycle)", 1, G_MAXUINT, DEFAULT_DEADLOCK_SETTLE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_GROWTH,
      g_param_spec_uint ("max-queue-growth", "Max queue growth",
          "Items of room a deadlock may add to one queue in a run; past "
          "it (and max-total-growth) a deadlock stops the system", 0,
          G_MAXUINT, DEFAULT_MAX_QUEUE_GROWTH, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_TOTAL_GROWTH,
      g_param_spec_uint ("max-total-growth", "Max total growth",
          "Items of room deadlocks may add to all queues together in a run",
          0, G_MAXUINT, DEFAULT_MAX_TOTAL_GROWTH, flags));
  controller_reshape_install_properties (gobject_class, PROP_RESHAPE_FIRST);
  controller_children_install_signals (gobject_class);

  /**
   * GstWorkerController::started:
   *
   * The pipeline reached PLAYING, at start and after each restart.
   */
  controller_signals[SIGNAL_STARTED] = g_signal_new ("started",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  /**
   * GstWorkerController::worker-stalled:
   * @self: the controller
   * @worker: the worker's name
   * @state: #GST_WORKER_STATE_BUSY or #GST_WORKER_STATE_BLOCKED
   * @duration: nanoseconds in that state so far
   * @blocked_on: (nullable): when blocked, the full queue it waits on
   *
   * A worker has been busy, or blocked on a full queue, for longer than
   * `stall-timeout`. Emitted once per episode.
   */
  controller_signals[SIGNAL_WORKER_STALLED] = g_signal_new ("worker-stalled",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 4, G_TYPE_STRING, GST_TYPE_WORKER_STATE, G_TYPE_UINT64,
      G_TYPE_STRING);

  /**
   * GstWorkerController::worker-lost:
   * @self: the controller
   * @worker: the worker's name
   * @silence: nanoseconds since its last heartbeat
   *
   * A worker sent no heartbeat for `heartbeat-timeout` (one whose
   * heartbeats wait on the bus unhandled, as its stats say, after another
   * `heartbeat-timeout`).
   */
  controller_signals[SIGNAL_WORKER_LOST] = g_signal_new ("worker-lost",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT64);

  /**
   * GstWorkerController::worker-recovered:
   * @self: the controller
   * @worker: the worker's name
   * @was_lost: %TRUE if it was lost, %FALSE if stalled
   *
   * A lost worker sent a heartbeat again, or a stalled one moved on.
   */
  controller_signals[SIGNAL_WORKER_RECOVERED] =
      g_signal_new ("worker-recovered", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
      G_TYPE_BOOLEAN);

  /**
   * GstWorkerController::pipeline-error:
   * @self: the controller
   * @element: the name of the element that posted the error
   * @error: the error
   * @debug: (nullable): its debug text
   * @will_restart: %TRUE if the restart policy restarts the pipeline
   *
   * An element posted an ERROR message; or, with stall-policy restart, a
   * worker stalled (@element is the worker, @debug "stall-policy=restart").
   */
  controller_signals[SIGNAL_PIPELINE_ERROR] = g_signal_new ("pipeline-error",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_ERROR, G_TYPE_STRING,
      G_TYPE_BOOLEAN);

  /**
   * GstWorkerController::restarted:
   * @self: the controller
   * @restarts: restarts so far
   *
   * The restart policy set the pipeline back to PLAYING.
   */
  controller_signals[SIGNAL_RESTARTED] = g_signal_new ("restarted",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * GstWorkerController::finished:
   * @self: the controller
   * @report: the report (see gst_worker_controller_get_report())
   *
   * The run ended: drained, stopped, failed or timed out draining. The
   * pipeline is in NULL.
   */
  /* gst_structure_get_type(), not GST_TYPE_STRUCTURE: that is 0 until
   * gst_init(), and the class may be made before it (the docs' scanner,
   * Python before Gst.init()) */
  controller_signals[SIGNAL_FINISHED] = g_signal_new ("finished",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1,
      gst_structure_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstWorkerController::deadlock:
   * @self: the controller
   * @deadlock: a `deadlock` structure: `kind` ("artificial": a queue on the
   *   cycle is full; "true": every process on it waits to read), `scope`
   *   ("global": nothing else moves; "local": other processes still run),
   *   `action` ("grow", "report" or "stop"), `text` (the whole cycle in
   *   words), `cycle` (one `step` structure per process on it: `process`,
   *   `workers`, `state`, `role` (writer or reader), `queue`, `level`,
   *   `level-bytes`, `level-time`, `max-size-buffers`, `max-size-bytes`,
   *   `max-size-time`, `min-threshold-buffers`, `full`, `growth`, `peer`:
   *   the process at the queue's other end), `processes` (every process of
   *   the deadlocked component) and `time` (since the start); for a
   *   growth, `queue`, `from` and `to` (its max-size-buffers), `growth`
   *   (items added to it this run) and `total-growth`; for a stop,
   *   `reason` ("true deadlock" or "growth limit")
   *
   * A cycle of waits did not move for `deadlock-settle` ms. Emitted for
   * each growth, and once per deadlock otherwise. After one with action
   * "stop", the run ends with %GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK.
   */
  controller_signals[SIGNAL_DEADLOCK] = g_signal_new ("deadlock",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1,
      gst_structure_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_ERROR_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_STALL_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_DEADLOCK_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_CONTROLLER_OUTCOME, 0);
}

static void
gst_worker_controller_init (GstWorkerController * self)
{
  self->heartbeat_timeout = DEFAULT_HEARTBEAT_TIMEOUT;
  self->stall_timeout = DEFAULT_STALL_TIMEOUT;
  self->heartbeat_interval = DEFAULT_HEARTBEAT_INTERVAL;
  self->error_policy = DEFAULT_ERROR_POLICY;
  self->stall_policy = DEFAULT_STALL_POLICY;
  self->max_restarts = DEFAULT_MAX_RESTARTS;
  self->restart_backoff = DEFAULT_RESTART_BACKOFF;
  self->deadlock_mode = DEFAULT_DEADLOCK_MODE;
  self->deadlock_settle = DEFAULT_DEADLOCK_SETTLE;
  self->max_queue_growth = DEFAULT_MAX_QUEUE_GROWTH;
  self->max_total_growth = DEFAULT_MAX_TOTAL_GROWTH;
}

/* ---------------------------------------------------------------------- */
/* public API */

/**
 * gst_worker_controller_new:
 * @pipeline: (transfer none): a pipeline of workers, linked
 *
 * Makes a controller for @pipeline, which it will start, run and stop.
 * Its bus is watched from the thread-default main context of the caller.
 *
 * Returns: (transfer full): a new controller
 *
 * Since: 0.1
 */
GstWorkerController *
gst_worker_controller_new (GstPipeline * pipeline)
{
  GstWorkerController *self;

  g_return_val_if_fail (GST_IS_PIPELINE (pipeline), NULL);

  self = g_object_new (GST_TYPE_WORKER_CONTROLLER, "pipeline", pipeline,
      NULL);
  gst_object_ref_sink (self);
  return self;
}

/**
 * gst_worker_controller_new_from_description:
 * @description: a gst-launch-1.0 pipeline description
 * @error: return location for a #GError, or %NULL
 *
 * Parses @description (an unknown element or property, or a malformed
 * description, is an error in the %GST_PARSE_ERROR domain naming it) and
 * makes a controller for it. GStreamer must be initialised (gst_init();
 * in Python `Gst.init(None)`): before that, the error is
 * %GST_WORKER_CONTROLLER_ERROR_STATE saying so.
 *
 * Returns: (transfer full) (nullable): a new controller, or %NULL
 *
 * Since: 0.1
 */
GstWorkerController *
gst_worker_controller_new_from_description (const gchar * description,
    GError ** error)
{
  GstElement *parsed;
  GstPipeline *pipeline;
  GstWorkerController *self;
  GError *err = NULL;

  g_return_val_if_fail (description != NULL, NULL);

  /* without it every element is "no element": blame the real cause */
  if (!gst_is_initialized ()) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "GStreamer is not initialised: "
        "call gst_init() first (in Python: Gst.init(None)).");
    return NULL;
  }

  if (strspn (description, " \t\r\n") == strlen (description)) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_EMPTY, "The pipeline description is "
        "empty.");
    return NULL;
  }

  parsed = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (!parsed || err) {
    if (parsed)
      gst_object_unref (gst_object_ref_sink (parsed));
    if (!err)
      err = g_error_new (GST_PARSE_ERROR, GST_PARSE_ERROR_SYNTAX,
          "Could not parse the pipeline description.");
    g_propagate_error (error, err);
    return NULL;
  }

  if (GST_IS_PIPELINE (parsed)) {
    pipeline = GST_PIPELINE (parsed);
  } else {
    pipeline = GST_PIPELINE (gst_pipeline_new (NULL));
    gst_bin_add (GST_BIN (pipeline), parsed);
  }
  gst_object_ref_sink (pipeline);
  self = gst_worker_controller_new (pipeline);
  gst_object_unref (pipeline);
  return self;
}

/**
 * gst_worker_controller_new_from_file:
 * @path: a pipeline file, as in `pipelines/`
 * @error: return location for a #GError, or %NULL
 *
 * Reads a pipeline description from @path: lines whose first non-blank
 * character is `#` are comments, the other lines are joined into one
 * description.
 *
 * Returns: (transfer full) (nullable): a new controller, or %NULL
 *
 * Since: 0.1
 */
GstWorkerController *
gst_worker_controller_new_from_file (const gchar * path, GError ** error)
{
  gchar *contents = NULL, **lines;
  GString *desc;
  GError *err = NULL;
  GstWorkerController *self;
  guint i;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, &err)) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_FILE,
        "Cannot read pipeline file %s: %s", path, err->message);
    g_error_free (err);
    return NULL;
  }

  desc = g_string_new (NULL);
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);

    if (*line == '\0' || *line == '#')
      continue;
    if (desc->len)
      g_string_append_c (desc, ' ');
    g_string_append (desc, line);
  }
  g_strfreev (lines);
  g_free (contents);

  self = gst_worker_controller_new_from_description (desc->str, &err);
  if (!self) {
    g_propagate_prefixed_error (error, err, "%s: ", path);
  }
  g_string_free (desc, TRUE);
  return self;
}

/**
 * gst_worker_controller_get_pipeline:
 * @self: a #GstWorkerController
 *
 * The pipeline the controller runs.
 *
 * Returns: (transfer full): the pipeline
 *
 * Since: 0.1
 */
GstPipeline *
gst_worker_controller_get_pipeline (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  return gst_object_ref (self->pipeline);
}

/**
 * gst_worker_controller_list_workers:
 * @self: a #GstWorkerController
 *
 * The workers of the pipeline, inside bins too, and after a process
 * replica the workers inside its child once it answered, "REPLICA/NAME".
 *
 * Returns: (transfer full): the workers' names, sorted by path
 *
 * Since: 0.1
 */
gchar **
gst_worker_controller_list_workers (GstWorkerController * self)
{
  GStrvBuilder *b;
  gchar **names;
  guint i;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);

  b = g_strv_builder_new ();
  for (i = 0; i < self->workers->len; i++)
    if (!worker_rec_is_retired (g_ptr_array_index (self->workers, i)))
      controller_add_worker_names (b, g_ptr_array_index (self->workers, i));
  names = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return names;
}

/**
 * gst_worker_controller_start:
 * @self: a #GstWorkerController
 * @error: return location for a #GError, or %NULL
 *
 * Starts the system: the pipeline goes to PLAYING. If it does not start
 * (a missing file or device, say), the run ends with
 * %GST_WORKER_CONTROLLER_OUTCOME_ERROR and @error, in the
 * %GST_WORKER_CONTROLLER_ERROR_START code, names the element, the problem
 * and the path the element was given. A system that could never start
 * fails the same way before the pipeline leaves NULL: an element that
 * takes input (no source) with nothing linked to any input, or with no
 * input pad at all (a merge whose pads nobody requested), would never get
 * an item, nor could the system drain.
 *
 * Returns: %TRUE if the pipeline is starting
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_start (GstWorkerController * self, GError ** error)
{
  guint settle, interval, timeout, i;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);

  if (!worker_run_start (self->run, error))
    return FALSE;

  worker_topology_update (self->topology);
  gst_worker_deadlock_set_topology (self->deadlock);
  GST_OBJECT_LOCK (self);
  interval = self->heartbeat_interval;
  timeout = self->heartbeat_timeout;
  settle = self->deadlock_settle;
  GST_OBJECT_UNLOCK (self);
  worker_watchdog_set_interval (self->watch, GST_OBJECT (self), interval,
      timeout);
  for (i = 0; i < self->queues->len; i++)
    worker_queue_reset_counts (g_ptr_array_index (self->queues, i));
  gst_worker_deadlock_reset (self->deadlock);
  worker_run_add_tick (self->run, gst_worker_deadlock_tick_ms (settle),
      deadlock_tick);

  /* the elements' own set-up first: an element that cannot be built (a
   * pool's worker) says why itself, and leaves its neighbours unlinked */
  if (!worker_run_ready (self->run, error))
    return FALSE;

  {
    /* an element nothing can reach: the run could never drain */
    gchar *element = NULL;
    gchar *text = worker_start_check (GST_BIN (self->pipeline), &element);

    if (text)
      return worker_run_fail_start (self->run, element, text, error);
  }

  return worker_run_play (self->run, error);
}

/**
 * gst_worker_controller_pause_worker:
 * @self: a #GstWorkerController
 * @name: a worker's name, or its path below the pipeline ("bin/name")
 * @error: return location for a #GError, or %NULL
 *
 * Pauses one worker (its `paused` property): it finishes the item in hand
 * and holds the rest in its input queue; upstream blocks when that is
 * full. Workers blocked behind a paused worker are not stalled. A worker
 * inside a process replica's child is named as the status lists it,
 * "REPLICA/NAME". A pool's worker has its name in the other isolation's
 * scheme too: "p_r0/testworker0" with `isolation=thread` is the pool's
 * "p_r0_testworker", and "p_r0_testworker" with `isolation=process` the
 * child's "p_r0/testworker0" (once the child runs). Its replica keeps the pause: a child started again
 * after a crash has it paused too; while the child is still starting (the
 * replica is `starting`), the pause is queued and the child pauses the
 * worker before its first item (a name it does not have is then a
 * WARNING of the replica); while the replica's reader is held in a push
 * the pause is sent unconfirmed (see
 * gst_worker_controller_set_element_property()).
 *
 * Returns: %FALSE, with @error set, if no worker has that name
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_pause_worker (GstWorkerController * self,
    const gchar * name, GError ** error)
{
  return controller_set_worker_paused (self, name, TRUE, error);
}

/**
 * gst_worker_controller_resume_worker:
 * @self: a #GstWorkerController
 * @name: a worker's name, or its path below the pipeline
 * @error: return location for a #GError, or %NULL
 *
 * Resumes a worker paused with gst_worker_controller_pause_worker().
 *
 * Returns: %FALSE, with @error set, if no worker has that name
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_resume_worker (GstWorkerController * self,
    const gchar * name, GError ** error)
{
  return controller_set_worker_paused (self, name, FALSE, error);
}

/**
 * gst_worker_controller_pause:
 * @self: a #GstWorkerController
 * @error: return location for a #GError, or %NULL
 *
 * Pauses the whole system: the pipeline goes to PAUSED, so live sources
 * stop producing and sinks stop consuming. Heartbeats stop meanwhile; the
 * watchdog waits for gst_worker_controller_resume().
 *
 * Returns: %FALSE, with @error set, if the system is not running
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_pause (GstWorkerController * self, GError ** error)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  return worker_run_pause (self->run, error);
}

/**
 * gst_worker_controller_resume:
 * @self: a #GstWorkerController
 * @error: return location for a #GError, or %NULL
 *
 * Resumes the whole system after gst_worker_controller_pause().
 *
 * Returns: %FALSE, with @error set, if the run ended
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_resume (GstWorkerController * self, GError ** error)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  return worker_run_resume (self->run, error);
}

/**
 * gst_worker_controller_is_paused:
 * @self: a #GstWorkerController
 *
 * Whether the whole system is paused (gst_worker_controller_pause()).
 *
 * Returns: %TRUE while the whole system is paused
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_is_paused (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  return worker_run_is_paused (self->run);
}

/**
 * gst_worker_controller_get_status:
 * @self: a #GstWorkerController
 *
 * The whole system's status, a %GST_WORKER_CONTROLLER_STATUS_NAME
 * structure:
 *
 * - `phase` (string): ready, running, draining, restarting or finished;
 *   `system-paused` (boolean); `uptime` (GstClockTime);
 * - `restarts`, `max-restarts` (guint), `error-policy`
 *   (#GstWorkerErrorPolicy), `discarded-by-restarts` (guint64);
 * - while draining: `drain-waits-for-start` (boolean: a worker is
 *   `starting`, the drain's timeout does not count now) and
 *   `drain-start-wait` (GstClockTime: how long the drain waited for
 *   starting workers so far; see gst_worker_controller_exit_drain());
 * - `workers`: an array of `worker` structures, upstream workers first
 *   (by the longest chain of queues from a source), the worker's `stats` now
 *   (state, state-time, items-in, items-out, items-dropped,
 *   proc-time-avg, proc-time-max, blocked-on) plus `name`, `path`,
 *   `paused`, `system-paused` (the whole system is paused: the worker
 *   waits for the resume, it is not jammed), `rate` (items in per second
 *   between its last two
 *   heartbeats), `heartbeats` (received this run), `heartbeat-age`,
 *   `lost`, `stalled`, `input-queues` (names), `pool` (the name of the
 *   workerpool it is a part of, a replica or the pool's dispatcher or
 *   collector; absent for a worker in no pool) and, for a worker fed by
 *   queues, `input-level` / `input-max` of its fullest input queue;
 * - `queues`: an array of `queue` structures: `name`, `writers` and
 *   `readers` (worker names), `items-in`, `items-out` (counted on its
 *   pads this run), `initial-items` (what the channel held before
 *   anything was written to it: the `initial-items` null tokens of a
 *   feedback channel's `feedbacksrc`, 0 for a queue), `held`
 *   (items-in + initial-items - items-out), `level`
 *   (current-level-buffers) and `max-size-buffers`;
 * - `wait-for`: the structure gst_worker_controller_get_wait_for()
 *   returns;
 * - `deadlock`: the deadlock detector's `mode`, `settle`,
 *   `max-queue-growth`, `max-total-growth`, `state` ("running", "starved":
 *   every wait is for input, "blocked": a wait ends at something that does
 *   not move, "finished", "idle", "deadlocked", or "off"), `text` (every
 *   wait now, in words), `total-growth`, `growths` (one `growth` structure
 *   per item of room added: `queue`, `from`, `to`, `time`, `deadlock`: the
 *   cycle in words) and `last`, the latest #GstWorkerController::deadlock
 *   structure.
 *
 * Returns: (transfer full): the status
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_controller_get_status (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  return controller_build_status (self);
}

/**
 * gst_worker_controller_get_status_json:
 * @self: a #GstWorkerController
 *
 * gst_worker_controller_get_status() as JSON (see
 * gst_worker_structure_to_json()).
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 0.1
 */
gchar *
gst_worker_controller_get_status_json (GstWorkerController * self)
{
  GstStructure *s = gst_worker_controller_get_status (self);
  gchar *json = gst_worker_structure_to_json (s, TRUE);

  gst_structure_free (s);
  return json;
}

/**
 * gst_worker_controller_get_heartbeat:
 * @self: a #GstWorkerController
 * @name: a worker's name
 *
 * The latest heartbeat of one worker.
 *
 * Returns: (transfer full) (nullable): the latest `worker-heartbeat` of
 * that worker this run, or %NULL
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_controller_get_heartbeat (GstWorkerController * self,
    const gchar * name)
{
  WorkerRec *w;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  w = worker_topology_find_worker_by_name (self->topology, name);
  if (!w)
    return NULL;
  return worker_watchdog_dup_heartbeat (self->watch, w);
}

/**
 * gst_worker_controller_get_wait_for:
 * @self: a #GstWorkerController
 *
 * Who waits on which queue, now: a `wait-for` structure whose `edges`
 * array holds one `wait` structure per waiting worker and queue:
 * `worker`, `role` ("writer": blocked pushing into a full queue;
 * "reader": idle, its input queue empty), `queue`, `level`,
 * `max-size-buffers` and `for` (GstClockTime in that state).
 *
 * The same for stock elements: `processes` holds one `process` structure
 * per process of the pipeline (what lies between its queues: a source and
 * its tee, a compositor and its sink, a worker): `name`, `elements`,
 * `workers`, `inputs` and `outputs` (queues), `state` ("writing",
 * "reading", "prerolled", "busy", "paused", "blocked", "running" or
 * "idle"), `still` (GstClockTime since it last moved) and `waits` (`role`:
 * writer, reader or preroll; `queue`, `level`, `max-size-buffers`; `peer`:
 * the process at the other end). `cycles` holds the deadlocks found by the
 * latest check (see #GstWorkerController::deadlock).
 *
 * Returns: (transfer full): the wait-for structure
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_controller_get_wait_for (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  return controller_wait_for_structure (self);
}

/**
 * gst_worker_controller_explain_wait:
 * @self: a #GstWorkerController
 * @name: a worker's name, or its path below the pipeline
 *
 * What a worker waits for, now, in words: the chain of waits from its
 * process, through each queue and the process at its other end, up to one
 * that waits on no queue (busy, paused, running, idle), or back to one
 * already named (a deadlock). For example "a2 waits to write q2 (full: 3/3
 * buffers), read by out, which is paused".
 *
 * Returns: (transfer full) (nullable): the explanation, or %NULL if no
 * worker has that name or it touches no queue
 *
 * Since: 0.1
 */
gchar *
gst_worker_controller_explain_wait (GstWorkerController * self,
    const gchar * name)
{
  WorkerRec *w;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  w = worker_topology_find_worker_by_name (self->topology, name);
  if (!w)
    return NULL;
  gst_worker_deadlock_sample (self->deadlock);
  return gst_worker_deadlock_explain (self->deadlock, w->element);
}

/**
 * gst_worker_controller_exit_drain:
 * @self: a #GstWorkerController
 * @timeout_ms: how long the drain may take
 *
 * Exits with drain: resumes the system and every paused worker (a paused
 * worker holds EOS like any item), sends EOS into every source and waits
 * for EOS on the bus, then for EOS to reach every element's inputs (a
 * merge's other inputs and a feedback loop can end after the pipeline's
 * output). Then #GstWorkerController::finished gives a report
 * with %GST_WORKER_CONTROLLER_OUTCOME_DRAINED, per-worker counts, and
 * per-queue counts showing every item that went in came out.
 *
 * The timeout counts the drain's work, not a start: while a worker is in
 * state `starting` (a process replica whose child has not said hello yet,
 * right after gst_worker_controller_start() or while a crashed child
 * starts again) the items waiting for it cannot move, so the drain waits
 * for it without counting that time (the status says so:
 * `drain-waits-for-start`, `drain-start-wait`), and @timeout_ms counts
 * from when no worker is starting. That wait is bounded by the replicas'
 * own `start-timeout` (a child that does not start in time is that
 * replica's failure, not the drain's). A replica a pool grew whose child
 * still starts has no item and nothing links it to the stream yet: the
 * drain ends without it. If the drain
 * takes longer than @timeout_ms, the report
 * (%GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT) lists in `holders` which
 * queues and workers still held items, in what state, and the system is
 * stopped. Does nothing before gst_worker_controller_start(), after the
 * run ended, or while a drain is going on.
 *
 * Since: 0.1
 */
void
gst_worker_controller_exit_drain (GstWorkerController * self,
    guint timeout_ms)
{
  g_return_if_fail (GST_IS_WORKER_CONTROLLER (self));
  worker_run_drain (self->run, timeout_ms);
}

/**
 * gst_worker_controller_exit_now:
 * @self: a #GstWorkerController
 *
 * Exits now: stops the pipeline (queues flush) and reports, with
 * %GST_WORKER_CONTROLLER_OUTCOME_STOPPED, how many items were discarded
 * (`items-discarded`) and where (`holders`: each queue with the items that
 * went in and never came out, each worker with the item it was processing
 * and those handed to it but not started, and its state). Works during a
 * drain too. #GstWorkerController::finished is emitted before this
 * returns if called from the controller's context.
 *
 * Returns: (transfer full): the report
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_controller_exit_now (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  return worker_run_stop (self->run);
}

/**
 * gst_worker_controller_is_finished:
 * @self: a #GstWorkerController
 *
 * Whether the run ended (drained, stopped, failed or deadlocked).
 *
 * Returns: %TRUE once the run ended
 *
 * Since: 0.1
 */
gboolean
gst_worker_controller_is_finished (GstWorkerController * self)
{
  return gst_worker_controller_get_outcome (self) !=
      GST_WORKER_CONTROLLER_OUTCOME_NONE;
}

/**
 * gst_worker_controller_get_outcome:
 * @self: a #GstWorkerController
 *
 * How the run ended, once it has.
 *
 * Returns: how the run ended, or %GST_WORKER_CONTROLLER_OUTCOME_NONE
 *
 * Since: 0.1
 */
GstWorkerControllerOutcome
gst_worker_controller_get_outcome (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self),
      GST_WORKER_CONTROLLER_OUTCOME_NONE);
  return worker_run_outcome (self->run);
}

/**
 * gst_worker_controller_get_report:
 * @self: a #GstWorkerController
 *
 * The report of the ended run, a %GST_WORKER_CONTROLLER_REPORT_NAME
 * structure: `outcome` (#GstWorkerControllerOutcome), `duration`,
 * `restarts`, `discarded-by-restarts`, `balanced` (every queue gave out
 * exactly what it took in plus its initial items), `workers` (each worker's final stats, as in the
 * status), `queues` (each queue's counts), `error` (a structure with
 * `element`, `path`, `message`, `debug`, after an error) and, when the
 * system was stopped (exit now, drain timeout, error, deadlock),
 * `items-discarded` and `holders` (see gst_worker_controller_exit_now());
 * `queue-growths` and `total-queue-growth` (the room deadlocks added, see
 * gst_worker_controller_get_status()) and `deadlock`: the deadlock that
 * stopped the run, or else the latest one reported.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL while running
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_controller_get_report (GstWorkerController * self)
{
  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), NULL);
  return worker_run_dup_report (self->run);
}

/**
 * gst_worker_controller_get_report_json:
 * @self: a #GstWorkerController
 *
 * gst_worker_controller_get_report() as JSON (see
 * gst_worker_structure_to_json()).
 *
 * Returns: (transfer full) (nullable): the report as JSON, or %NULL while
 * running
 *
 * Since: 0.1
 */
gchar *
gst_worker_controller_get_report_json (GstWorkerController * self)
{
  GstStructure *report = gst_worker_controller_get_report (self);
  gchar *json;

  if (!report)
    return NULL;
  json = gst_worker_structure_to_json (report, TRUE);
  gst_structure_free (report);
  return json;
}
