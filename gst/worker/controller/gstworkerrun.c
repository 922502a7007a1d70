/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One run of a pipeline of workers, for GstWorkerController: the phase
 * and the state asked of the whole system, errors and restarts with their
 * backoff, the drain with its timeout, the end and its report. Its timers
 * are sources of the owner's context and hold a ref on the owner; the
 * deadlock detector's tick is the owner's (no ref: the owner's dispose
 * ends it). Events go to the owner, which emits the signals. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkerrun.h"

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

#define MAX_RESTART_BACKOFF_MS 30000

/* after a pipeline's EOS that no drain asked for, how long EOS may take to
 * reach the inputs that do not lead to a sink */
#define EOS_SETTLE_MS 2000

/* while a drain waits for workers in state `starting`, how often it looks
 * whether they run */
#define START_WAIT_POLL_MS 20

struct _GstWorkerRun
{
  WorkerRunParts parts;         /* set once */

  GMutex lock;                  /* taken after the owner's object lock,
                                 * never before it */
  /* protected by lock */
  WorkerRunPhase phase;
  gboolean system_paused;
  GstState system_state;        /* PAUSED or PLAYING: see
                                 * set_system_state() */
  gboolean playing;
  gboolean started_emitted;
  gint64 started_at;
  guint restarts;
  guint64 discarded_by_restarts;
  GSource *drain_timer;         /* the drain's timeout, or its look at
                                 * the starting workers meanwhile */
  guint drain_timeout_ms;
  gint64 start_wait_since;      /* monotonic us the drain began to wait
                                 * for starting workers; 0: it does not */
  GstClockTime start_waited;    /* how long it waited for them before */
  gint64 child_restart_at;      /* monotonic us the stall policy last
                                 * restarted a child process */
  GSource *restart_timer;
  GSource *deadlock_timer;
  GstStructure *last_error;
  GstWorkerControllerOutcome outcome;
  GstStructure *report;
  GHashTable *paused_children;  /* "REPLICA/NAME" of the workers paused
                                 * inside children: the drain resumes them */
};

static const gchar *const phase_names[] = {
  "ready", "running", "draining", "restarting", "finished"
};

GstWorkerRun *
worker_run_new (const WorkerRunParts * parts)
{
  GstWorkerRun *run = g_new0 (GstWorkerRun, 1);

  run->parts = *parts;
  g_mutex_init (&run->lock);
  run->phase = WORKER_RUN_READY;
  run->paused_children = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  return run;
}

void
worker_run_free (GstWorkerRun * run)
{
  if (run->last_error)
    gst_structure_free (run->last_error);
  if (run->report)
    gst_structure_free (run->report);
  g_hash_table_unref (run->paused_children);
  g_mutex_clear (&run->lock);
  g_free (run);
}

const gchar *
worker_run_phase_name (WorkerRunPhase phase)
{
  return phase_names[phase];
}

static void
emit (GstWorkerRun * run, const WorkerRunEvent * ev)
{
  run->parts.hooks->event (run->parts.owner, ev);
}

/* ---------------------------------------------------------------------- */
/* timers */

/* A timer's data: the run, and a ref on its owner. */
typedef struct
{
  GstWorkerRun *run;
  GstObject *owner;
  gint64 since;                 /* the EOS wait's: when EOS came */
} RunRef;

static gpointer
run_ref (GstWorkerRun * run)
{
  RunRef *r = g_new0 (RunRef, 1);

  r->run = run;
  r->owner = gst_object_ref (run->parts.owner);
  return r;
}

static void
run_unref (gpointer data)
{
  RunRef *r = data;

  gst_object_unref (r->owner);
  g_free (r);
}

static GSource *
run_timeout (GstWorkerRun * run, guint ms, GSourceFunc cb, gpointer data)
{
  GSource *timer = g_timeout_source_new (ms);

  g_source_set_callback (timer, cb, data, run_unref);
  g_source_attach (timer, run->parts.context);
  return timer;
}

static void
cancel_timer (GSource ** timer)
{
  if (*timer) {
    g_source_destroy (*timer);
    g_source_unref (*timer);
    *timer = NULL;
  }
}

/* The owner's deadlock check, every @ms while the run lasts. */
void
worker_run_add_tick (GstWorkerRun * run, guint ms, GSourceFunc tick)
{
  g_mutex_lock (&run->lock);
  run->deadlock_timer = g_timeout_source_new (ms);
  /* no ref: the owner's dispose destroys it */
  g_source_set_callback (run->deadlock_timer, tick, run->parts.owner, NULL);
  g_source_attach (run->deadlock_timer, run->parts.context);
  g_mutex_unlock (&run->lock);
}

/* ---------------------------------------------------------------------- */
/* the phase */

WorkerRunPhase
worker_run_phase (GstWorkerRun * run)
{
  WorkerRunPhase phase;

  g_mutex_lock (&run->lock);
  phase = run->phase;
  g_mutex_unlock (&run->lock);
  return phase;
}

/* Whether the run is running or draining, and (if asked) whether the
 * whole system is paused and the pipeline plays. */
gboolean
worker_run_is_active (GstWorkerRun * run, gboolean * paused,
    gboolean * playing)
{
  gboolean active;

  g_mutex_lock (&run->lock);
  active = run->phase == WORKER_RUN_RUNNING ||
      run->phase == WORKER_RUN_DRAINING;
  if (paused)
    *paused = run->system_paused;
  if (playing)
    *playing = run->playing;
  g_mutex_unlock (&run->lock);
  return active;
}

gboolean
worker_run_is_paused (GstWorkerRun * run)
{
  gboolean paused;

  g_mutex_lock (&run->lock);
  paused = run->system_paused;
  g_mutex_unlock (&run->lock);
  return paused;
}

static void
reset_run_locked (GstWorkerRun * run)
{
  run->playing = FALSE;
  run->started_emitted = FALSE;
  run->system_state = GST_STATE_PLAYING;
  worker_watchdog_reset (run->parts.watch);
}

/* ---------------------------------------------------------------------- */
/* error messages */

/* "name: message (detail) [location=...]" for an ERROR message: the
 * user-facing text, the last line of the debug text (where elements put
 * the file name or errno), and the path the element was given. */
static gchar *
describe_error (GstMessage * msg, GError ** error_out, gchar ** debug_out)
{
  GError *err = NULL;
  gchar *debug = NULL, *detail = NULL, *path = NULL;
  GString *text = g_string_new (NULL);
  GstObject *src = GST_MESSAGE_SRC (msg);
  static const gchar *const props[] = { "location", "device", NULL };

  gst_message_parse_error (msg, &err, &debug);
  g_string_append_printf (text, "%s: %s", src ? GST_OBJECT_NAME (src) : "?",
      err ? err->message : "unknown error");

  if (debug) {
    const gchar *last = strrchr (debug, '\n');

    detail = g_strstrip (g_strdup (last ? last + 1 : debug));
    if (*detail && !strstr (text->str, detail))
      g_string_append_printf (text, " (%s)", detail);
  }

  if (src && GST_IS_ELEMENT (src) && err &&
      err->domain == GST_RESOURCE_ERROR) {
    for (guint i = 0; props[i] && !path; i++) {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
          (src), props[i]);
      gchar *val = NULL;

      if (!pspec || pspec->value_type != G_TYPE_STRING ||
          !(pspec->flags & G_PARAM_READABLE))
        continue;
      g_object_get (src, props[i], &val, NULL);
      if (val && *val && !strstr (text->str, val))
        path = g_strdup_printf ("%s=%s", props[i], val);
      g_free (val);
    }
    if (path)
      g_string_append_printf (text, " [%s]", path);
  }

  if (error_out)
    *error_out = err;
  else
    g_clear_error (&err);
  if (debug_out)
    *debug_out = debug;
  else
    g_free (debug);
  g_free (detail);
  g_free (path);
  return g_string_free (text, FALSE);
}

/* With the lock: the run's error, for the report. */
static void
set_last_error_locked (GstWorkerRun * run, const gchar * element,
    const gchar * path, const gchar * message, const gchar * debug)
{
  if (run->last_error)
    gst_structure_free (run->last_error);
  run->last_error = gst_structure_new ("error",
      "element", G_TYPE_STRING, element,
      "path", G_TYPE_STRING, path,
      "message", G_TYPE_STRING, message,
      "debug", G_TYPE_STRING, debug, NULL);
}

/* ---------------------------------------------------------------------- */
/* the end of a run */

static void
emit_finished (GstWorkerRun * run)
{
  GstStructure *report;
  WorkerRunEvent ev = { WORKER_RUN_EVENT_FINISHED };

  g_mutex_lock (&run->lock);
  report = gst_structure_copy (run->report);
  g_mutex_unlock (&run->lock);
  ev.report = report;
  emit (run, &ev);
  gst_structure_free (report);
}

static gboolean
emit_finished_cb (gpointer data)
{
  emit_finished (((RunRef *) data)->run);
  return G_SOURCE_REMOVE;
}

/* Ends the run; @report is taken. The owner is told from here, or from
 * its context. */
static void
run_finish (GstWorkerRun * run, GstStructure * report, gboolean emit_here)
{
  GstWorkerControllerOutcome outcome = GST_WORKER_CONTROLLER_OUTCOME_NONE;

  gst_structure_get_enum (report, "outcome",
      GST_TYPE_WORKER_CONTROLLER_OUTCOME, (gint *) & outcome);

  g_mutex_lock (&run->lock);
  run->phase = WORKER_RUN_FINISHED;
  run->playing = FALSE;
  run->outcome = outcome;
  if (run->report)
    gst_structure_free (run->report);
  run->report = report;
  cancel_timer (&run->drain_timer);
  cancel_timer (&run->restart_timer);
  cancel_timer (&run->deadlock_timer);
  g_mutex_unlock (&run->lock);
  worker_watchdog_sleep (run->parts.watch);

  GST_INFO_OBJECT (run->parts.owner, "finished: %" GST_PTR_FORMAT, report);
  if (emit_here)
    emit_finished (run);
  else
    g_main_context_invoke_full (run->parts.context, G_PRIORITY_DEFAULT,
        emit_finished_cb, run_ref (run), run_unref);
}

/* Stops the pipeline and reports what it held. */
static GstStructure *
stop_and_report (GstWorkerRun * run, GstWorkerControllerOutcome outcome)
{
  GValue holders = G_VALUE_INIT;
  guint64 discarded;
  GstStructure *report;

  g_value_init (&holders, GST_TYPE_ARRAY);
  discarded = worker_exit_stop (run->parts.exit, &holders);
  report = run->parts.hooks->report (run->parts.owner, outcome);
  gst_structure_set (report, "items-discarded", G_TYPE_UINT64, discarded,
      NULL);
  gst_structure_take_value (report, "holders", &holders);
  return report;
}

static gboolean eos_wait_cb (gpointer data);
static void set_system_state (GstWorkerRun * run, GstState state);

static void
handle_eos_since (GstWorkerRun * run, gint64 since)
{
  GstStructure *report;
  gboolean draining;

  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_RUNNING && run->phase != WORKER_RUN_DRAINING) {
    g_mutex_unlock (&run->lock);
    return;
  }
  draining = run->phase == WORKER_RUN_DRAINING;
  g_mutex_unlock (&run->lock);

  /* a drain waits, bounded by its timeout, for every input to end; a run
   * that ended by itself waits a little */
  if (!worker_exit_every_input_ended (run->parts.exit) && (draining ||
          g_get_monotonic_time () - since <
          EOS_SETTLE_MS * G_TIME_SPAN_MILLISECOND)) {
    RunRef *wait = run_ref (run);

    wait->since = since;
    g_source_unref (run_timeout (run, 5, eos_wait_cb, wait));
    return;
  }

  g_mutex_lock (&run->lock);
  cancel_timer (&run->drain_timer);
  g_mutex_unlock (&run->lock);

  GST_INFO_OBJECT (run->parts.owner, "EOS: every item drained");
  /* the EOS reached every sink: the thread that sent it is done */
  worker_exit_join_eos (run->parts.exit, FALSE);
  report = run->parts.hooks->report (run->parts.owner,
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  gst_element_set_state (GST_ELEMENT (run->parts.pipeline), GST_STATE_NULL);
  run_finish (run, report, TRUE);
}

static gboolean
eos_wait_cb (gpointer data)
{
  RunRef *wait = data;

  handle_eos_since (wait->run, wait->since);
  return G_SOURCE_REMOVE;
}

/* The pipeline's EOS came. */
void
worker_run_handle_eos (GstWorkerRun * run)
{
  handle_eos_since (run, g_get_monotonic_time ());
}

/* Whether a worker is in state `starting` (a process replica whose child
 * has not said hello yet): the items that wait for it have not begun. */
static gboolean
any_worker_starting (GstWorkerRun * run)
{
  GPtrArray *workers = worker_topology_workers (run->parts.topology);

  for (guint i = 0; i < workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (workers, i);

    if (!worker_rec_is_retired (w) &&
        gst_worker_get_state (GST_WORKER (w->element)) ==
        GST_WORKER_STATE_STARTING)
      return TRUE;
  }
  return FALSE;
}

static gboolean drain_timeout_cb (gpointer data);
static gboolean drain_start_wait_cb (gpointer data);

/* The drain's clock, with the lock: while a worker starts (@starting)
 * the drain waits for it and looks again every START_WAIT_POLL_MS, the
 * time not counted; once none starts, it has its whole timeout. */
static void
arm_drain_clock_locked (GstWorkerRun * run, gboolean starting)
{
  gint64 now = g_get_monotonic_time ();

  cancel_timer (&run->drain_timer);
  if (starting) {
    if (!run->start_wait_since) {
      run->start_wait_since = now;
      GST_INFO_OBJECT (run->parts.owner, "drain: waiting for workers to "
          "start (not counted in the drain's timeout)");
    }
    run->drain_timer = run_timeout (run, START_WAIT_POLL_MS,
        drain_start_wait_cb, run_ref (run));
    return;
  }
  if (run->start_wait_since) {
    run->start_waited += (now - run->start_wait_since) * GST_USECOND;
    run->start_wait_since = 0;
    GST_INFO_OBJECT (run->parts.owner, "drain: every worker runs, %u ms "
        "from now", run->drain_timeout_ms);
  }
  run->drain_timer = run_timeout (run, run->drain_timeout_ms,
      drain_timeout_cb, run_ref (run));
}

/* Whether the drain goes on (and its clock was looked at): a worker that
 * starts holds the clock. */
static gboolean
drain_clock_held (GstWorkerRun * run, gboolean timed_out)
{
  gboolean starting = any_worker_starting (run);

  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_DRAINING) {
    g_mutex_unlock (&run->lock);
    return TRUE;
  }
  g_clear_pointer (&run->drain_timer, g_source_unref);
  if (starting || !timed_out) {
    arm_drain_clock_locked (run, starting);
    g_mutex_unlock (&run->lock);
    return TRUE;
  }
  g_mutex_unlock (&run->lock);
  return FALSE;
}

static gboolean
drain_start_wait_cb (gpointer data)
{
  drain_clock_held (((RunRef *) data)->run, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
drain_timeout_cb (gpointer data)
{
  GstWorkerRun *run = ((RunRef *) data)->run;
  GstStructure *report;

  if (drain_clock_held (run, TRUE))
    return G_SOURCE_REMOVE;

  report = stop_and_report (run, GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT);
  GST_WARNING_OBJECT (run->parts.owner, "drain timed out: %" GST_PTR_FORMAT,
      report);
  run_finish (run, report, TRUE);
  return G_SOURCE_REMOVE;
}

/* Pauses or resumes @worker inside the child of @replica (a
 * processreplica: "worker-child-pause", see gstprocwire.h). Returns:
 * whether it did (or queued it); FALSE: no such worker, or (with @why,
 * if given) the child could not be asked. */
static gboolean
send_child_pause (GstElement * replica, const gchar * worker,
    gboolean paused, gchar ** why)
{
  GstQuery *q = gst_query_new_custom (GST_QUERY_CUSTOM,
      gst_structure_new ("worker-child-pause", "worker", G_TYPE_STRING,
          worker, "paused", G_TYPE_BOOLEAN, paused, NULL));
  gboolean res = gst_element_query (replica, q);
  const gchar *error = gst_structure_get_string (gst_query_get_structure (q),
      "error");

  if (error) {
    res = FALSE;
    if (why)
      *why = g_strdup (error);
  }
  gst_query_unref (q);
  return res;
}

/* Pauses or resumes the worker @name ("REPLICA/NAME") inside the child of
 * @replica, and remembers the ones left paused: a drain resumes them (a
 * paused worker holds EOS like any item). Returns: whether the child
 * did it (or its replica queued it); FALSE: it has no such worker, or
 * (@why set) it could not be asked. */
gboolean
worker_run_set_child_paused (GstWorkerRun * run, GstElement * replica,
    const gchar * name, gboolean paused, gchar ** why)
{
  const gchar *worker = strrchr (name, '/') + 1;
  gboolean late = FALSE;

  if (!send_child_pause (replica, worker, paused, why))
    return FALSE;
  g_mutex_lock (&run->lock);
  if (!paused)
    g_hash_table_remove (run->paused_children, name);
  else if (run->phase == WORKER_RUN_DRAINING)
    late = TRUE;
  else
    g_hash_table_add (run->paused_children, g_strdup (name));
  g_mutex_unlock (&run->lock);
  /* a drain began meanwhile: it resumed every worker it knew of */
  if (late)
    send_child_pause (replica, worker, FALSE, NULL);
  return TRUE;
}

/* The drain resumes the workers paused inside children: by name, in the
 * replica of that name now (it keeps them for a child started again, and
 * drops them with this resume). */
static void
resume_child_workers (GstWorkerRun * run)
{
  GHashTable *names;
  GHashTableIter it;
  gpointer key;

  g_mutex_lock (&run->lock);
  names = run->paused_children;
  run->paused_children = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  g_mutex_unlock (&run->lock);
  g_hash_table_iter_init (&it, names);
  while (g_hash_table_iter_next (&it, &key, NULL)) {
    const gchar *name = key, *slash = strrchr (name, '/');
    gchar *outer = g_strndup (name, slash - name);
    WorkerRec *w = worker_topology_find_worker_by_name (run->parts.topology,
        outer);

    GST_INFO_OBJECT (run->parts.owner, "drain: resuming worker %s", name);
    if (w && !send_child_pause (w->element, slash + 1, FALSE, NULL))
      GST_INFO_OBJECT (run->parts.owner, "the child of %s did not resume "
          "%s (started again?)", outer, slash + 1);
    g_free (outer);
  }
  g_hash_table_unref (names);
}

/* Exit with drain (see gst_worker_controller_exit_drain()). */
void
worker_run_drain (GstWorkerRun * run, guint timeout_ms)
{
  GPtrArray *workers = worker_topology_workers (run->parts.topology);
  gboolean was_paused, starting = any_worker_starting (run);
  guint i;

  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_RESTARTING) {
    /* the pipeline is down already: nothing left to drain */
    g_mutex_unlock (&run->lock);
    run_finish (run, stop_and_report (run,
            GST_WORKER_CONTROLLER_OUTCOME_ERROR), FALSE);
    return;
  }
  if (run->phase != WORKER_RUN_RUNNING) {
    g_mutex_unlock (&run->lock);
    return;
  }
  run->phase = WORKER_RUN_DRAINING;
  was_paused = run->system_paused;
  run->system_paused = FALSE;
  run->drain_timeout_ms = timeout_ms;
  run->start_wait_since = 0;
  run->start_waited = 0;
  arm_drain_clock_locked (run, starting);
  g_mutex_unlock (&run->lock);

  GST_INFO_OBJECT (run->parts.owner, "exit with drain, timeout %u ms",
      timeout_ms);
  if (was_paused) {
    worker_watchdog_system_resumed (run->parts.watch);
    set_system_state (run, GST_STATE_PLAYING);
  }
  for (i = 0; i < workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (workers, i);
    gst_worker_set_paused (GST_WORKER (w->element), FALSE);
  }
  resume_child_workers (run);
  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_DRAINING)
    worker_exit_send_eos (run->parts.exit);
  g_mutex_unlock (&run->lock);
}

/* Exit now (see gst_worker_controller_exit_now()). */
GstStructure *
worker_run_stop (GstWorkerRun * run)
{
  GstStructure *report;

  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_FINISHED) {
    report = gst_structure_copy (run->report);
    g_mutex_unlock (&run->lock);
    return report;
  }
  cancel_timer (&run->drain_timer);
  cancel_timer (&run->restart_timer);
  g_mutex_unlock (&run->lock);

  GST_INFO_OBJECT (run->parts.owner, "exit now");
  report = stop_and_report (run, GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  run_finish (run, gst_structure_copy (report), FALSE);
  return report;
}

/* A deadlock that nothing can resolve ends the run. */
void
worker_run_stop_on_deadlock (GstWorkerRun * run)
{
  gboolean running;

  g_mutex_lock (&run->lock);
  running = run->phase == WORKER_RUN_RUNNING ||
      run->phase == WORKER_RUN_DRAINING;
  cancel_timer (&run->drain_timer);
  g_mutex_unlock (&run->lock);
  if (running)
    run_finish (run, stop_and_report (run,
            GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK), TRUE);
}

/* The owner goes: no more timers; a started pipeline stops. */
void
worker_run_shut_down (GstWorkerRun * run)
{
  gboolean started;

  g_mutex_lock (&run->lock);
  cancel_timer (&run->drain_timer);
  cancel_timer (&run->restart_timer);
  cancel_timer (&run->deadlock_timer);
  started = run->phase != WORKER_RUN_READY;
  g_mutex_unlock (&run->lock);

  if (started) {
    worker_exit_join_eos (run->parts.exit, TRUE);
    gst_element_set_state (GST_ELEMENT (run->parts.pipeline), GST_STATE_NULL);
  }
}

GstWorkerControllerOutcome
worker_run_outcome (GstWorkerRun * run)
{
  GstWorkerControllerOutcome outcome;

  g_mutex_lock (&run->lock);
  outcome = run->outcome;
  g_mutex_unlock (&run->lock);
  return outcome;
}

/* Returns: (transfer full) (nullable): the report, once the run ended */
GstStructure *
worker_run_dup_report (GstWorkerRun * run)
{
  GstStructure *report = NULL;

  g_mutex_lock (&run->lock);
  if (run->report)
    report = gst_structure_copy (run->report);
  g_mutex_unlock (&run->lock);
  return report;
}

/* ---------------------------------------------------------------------- */
/* errors and restarts */

static gboolean
restart_cb (gpointer data)
{
  GstWorkerRun *run = ((RunRef *) data)->run;
  GPtrArray *queues = worker_topology_queues (run->parts.topology);
  WorkerRunEvent ev = { WORKER_RUN_EVENT_RESTARTED };
  guint restarts, i;

  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_RESTARTING) {
    g_mutex_unlock (&run->lock);
    return G_SOURCE_REMOVE;
  }
  g_clear_pointer (&run->restart_timer, g_source_unref);
  restarts = ++run->restarts;
  run->phase = WORKER_RUN_RUNNING;
  reset_run_locked (run);
  g_mutex_unlock (&run->lock);

  for (i = 0; i < queues->len; i++)
    worker_queue_reset_counts (g_ptr_array_index (queues, i));
  /* the queues keep what they grew, and it counts against the bounds */
  gst_worker_deadlock_touch (run->parts.deadlock);

  GST_WARNING_OBJECT (run->parts.owner, "restarting the pipeline "
      "(restart %u)", restarts);
  ev.restarts = restarts;
  emit (run, &ev);
  /* a failure posts an ERROR, handled by the policy again */
  gst_element_set_state (GST_ELEMENT (run->parts.pipeline),
      GST_STATE_PLAYING);
  return G_SOURCE_REMOVE;
}

/* With the lock: whether the run restarts (the policy wants it, a restart
 * is left, the system runs), and then its @backoff; the phase is then
 * restarting. */
static gboolean
begin_restart_locked (GstWorkerRun * run, const WorkerRunPolicy * policy,
    gboolean wanted, guint * backoff)
{
  guint64 b;

  if (!wanted || run->restarts >= policy->max_restarts ||
      run->phase != WORKER_RUN_RUNNING)
    return FALSE;
  b = (guint64) policy->restart_backoff << MIN (run->restarts, 16);
  *backoff = (guint) MIN (b, MAX_RESTART_BACKOFF_MS);
  run->phase = WORKER_RUN_RESTARTING;
  run->playing = FALSE;
  return TRUE;
}

/* Stops the pipeline and restarts it after @backoff ms, or ends the run
 * in error. */
static void
restart_or_stop (GstWorkerRun * run, gboolean restart, guint backoff)
{
  if (restart) {
    GValue holders = G_VALUE_INIT;
    guint64 discarded;

    worker_watchdog_sleep (run->parts.watch);
    g_value_init (&holders, GST_TYPE_ARRAY);
    discarded = worker_exit_stop (run->parts.exit, &holders);
    g_value_unset (&holders);

    g_mutex_lock (&run->lock);
    run->discarded_by_restarts += discarded;
    if (run->phase == WORKER_RUN_RESTARTING)
      run->restart_timer = run_timeout (run, backoff, restart_cb,
          run_ref (run));
    g_mutex_unlock (&run->lock);
  } else {
    run_finish (run, stop_and_report (run,
            GST_WORKER_CONTROLLER_OUTCOME_ERROR), TRUE);
  }
}

/* Under stall-policy=restart, a stalled process replica (@worker, or a
 * worker inside its child, "REPLICA/NAME") has its child ended as a hung
 * one: the replica restarts it with its back-off and retries the item
 * (GST_PROC_CHILD_KILL_QUERY, elements/workers/gstprocwire.h), and the
 * pipeline runs on. Returns: whether a replica did. */
static gboolean
restart_child (GstWorkerRun * run, const gchar * worker, const gchar * what)
{
  const gchar *slash = strrchr (worker, '/');
  gchar *outer = slash ? g_strndup (worker, slash - worker) : g_strdup (worker);
  WorkerRec *w = worker_topology_find_worker_by_name (run->parts.topology,
      outer);
  gboolean done = FALSE;

  if (w) {
    gchar *reason = g_strdup_printf ("%s stalled: %s (the controller's "
        "stall-policy=restart)", worker, what);
    GstQuery *q = gst_query_new_custom (GST_QUERY_CUSTOM,
        gst_structure_new ("worker-child-kill", "reason", G_TYPE_STRING,
            reason, NULL));

    done = gst_element_query (w->element, q);
    gst_query_unref (q);
    g_free (reason);
  }
  if (done)
    GST_WARNING_OBJECT (run->parts.owner, "worker %s stalled: %s; the "
        "child process of %s is restarted", worker, what, outer);
  g_free (outer);
  return done;
}

/* The stall policy restarts: a stalled worker is handled as an error of
 * its own (the report's error names it). */
void
worker_run_handle_stall (GstWorkerRun * run, const gchar * worker,
    const gchar * what, GstClockTime duration)
{
  WorkerRec *w = worker_topology_find_worker_by_name (run->parts.topology,
      worker);
  gchar *path = w ? g_strdup (w->path) : g_strdup (worker);
  gchar *text = g_strdup_printf ("worker %s stalled: %s", worker, what);
  WorkerRunEvent ev = { WORKER_RUN_EVENT_ERROR };
  WorkerRunPolicy policy;
  gboolean restart, draining;
  guint backoff = 0;
  GError *err;

  run->parts.hooks->policy (run->parts.owner, &policy);
  g_mutex_lock (&run->lock);
  if (policy.stall_policy != GST_WORKER_STALL_POLICY_RESTART ||
      (run->phase != WORKER_RUN_RUNNING &&
          run->phase != WORKER_RUN_DRAINING)) {
    g_mutex_unlock (&run->lock);
    g_free (path);
    g_free (text);
    return;
  }
  draining = run->phase == WORKER_RUN_DRAINING;
  g_mutex_unlock (&run->lock);
  /* the smallest unit holding the stall: a process replica's child (also
   * while draining: the replica resends the item, the drain goes on) */
  if (restart_child (run, worker, what)) {
    g_mutex_lock (&run->lock);
    run->child_restart_at = g_get_monotonic_time ();
    g_mutex_unlock (&run->lock);
    g_free (path);
    g_free (text);
    return;
  }
  /* no restart of the whole pipeline while it drains: the drain's
   * timeout ends it */
  if (draining) {
    g_free (path);
    g_free (text);
    return;
  }
  g_mutex_lock (&run->lock);
  /* stalled since before that restart: waits behind the hung child (the
   * watchdog excuses it once the replica says `starting`) */
  if (run->child_restart_at && g_get_monotonic_time () -
      (gint64) (duration / GST_USECOND) <= run->child_restart_at) {
    g_mutex_unlock (&run->lock);
    GST_INFO_OBJECT (run->parts.owner, "%s: waits behind a child process "
        "the stall policy restarted", text);
    g_free (path);
    g_free (text);
    return;
  }
  set_last_error_locked (run, worker, path, text, "stall-policy=restart");
  restart = begin_restart_locked (run, &policy, TRUE, &backoff);
  g_mutex_unlock (&run->lock);

  GST_WARNING_OBJECT (run->parts.owner, "%s%s", text, restart ?
      ", restarting" : ", no restart left: stopping");
  err = g_error_new_literal (GST_CORE_ERROR, GST_CORE_ERROR_FAILED, text);
  ev.element = worker;
  ev.error = err;
  ev.debug = "stall-policy=restart";
  ev.restarting = restart;
  emit (run, &ev);
  g_error_free (err);
  restart_or_stop (run, restart, backoff);
  g_free (path);
  g_free (text);
}

/* An ERROR message: the error policy stops or restarts the pipeline. */
void
worker_run_handle_error (GstWorkerRun * run, GstMessage * msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;
  gboolean restart;
  guint backoff = 0;
  GstObject *src = GST_MESSAGE_SRC (msg);
  gchar *src_name = src ? gst_object_get_name (src) : g_strdup ("?");
  gchar *src_path = src ? gst_object_get_path_string (src) : g_strdup ("?");
  WorkerRunEvent ev = { WORKER_RUN_EVENT_ERROR };
  WorkerRunPolicy policy;

  text = describe_error (msg, &err, &debug);

  run->parts.hooks->policy (run->parts.owner, &policy);
  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_FINISHED ||
      run->phase == WORKER_RUN_RESTARTING || run->phase == WORKER_RUN_READY) {
    g_mutex_unlock (&run->lock);
    GST_DEBUG_OBJECT (run->parts.owner, "ignoring error after the run: %s",
        text);
    goto out;
  }
  set_last_error_locked (run, src_name, src_path, text, debug);
  restart = begin_restart_locked (run, &policy,
      policy.error_policy == GST_WORKER_ERROR_POLICY_RESTART, &backoff);
  g_mutex_unlock (&run->lock);

  GST_WARNING_OBJECT (run->parts.owner, "error from %s%s", text,
      restart ? ", restarting" : ", stopping");
  ev.element = src_name;
  ev.error = err;
  ev.debug = debug;
  ev.restarting = restart;
  emit (run, &ev);
  restart_or_stop (run, restart, backoff);

out:
  g_clear_error (&err);
  g_free (debug);
  g_free (text);
  g_free (src_name);
  g_free (src_path);
}

/* ---------------------------------------------------------------------- */
/* the start */

/* Returns: %FALSE, with @error set, if the run was started already */
gboolean
worker_run_start (GstWorkerRun * run, GError ** error)
{
  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_READY) {
    g_mutex_unlock (&run->lock);
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "The system was already started.");
    return FALSE;
  }
  run->phase = WORKER_RUN_RUNNING;
  run->started_at = g_get_monotonic_time ();
  reset_run_locked (run);
  g_mutex_unlock (&run->lock);
  return TRUE;
}

/* Before the pipeline starts: @element (its name, freed here) can never
 * start, @text (freed here) says why. The run ends in error. */
gboolean
worker_run_fail_start (GstWorkerRun * run, gchar * element, gchar * text,
    GError ** error)
{
  GstStructure *report;

  g_mutex_lock (&run->lock);
  set_last_error_locked (run, element, element, text,
      "checked before the start");
  g_mutex_unlock (&run->lock);
  GST_WARNING_OBJECT (run->parts.owner, "could not start: %s", text);
  g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
      GST_WORKER_CONTROLLER_ERROR_START, "Could not start: %s", text);
  report = stop_and_report (run, GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  run_finish (run, report, TRUE);
  g_free (element);
  g_free (text);
  return FALSE;
}

/* The pipeline goes to @state; if it does not, the run ends in error,
 * which @error names: the error an element posted (the first one). */
static gboolean
set_state_or_fail (GstWorkerRun * run, GstState state, GError ** error)
{
  GstStateChangeReturn ret;
  GstBus *bus;
  GstMessage *msg;
  gchar *text = NULL, *debug = NULL;
  GstStructure *report;

  ret = gst_element_set_state (GST_ELEMENT (run->parts.pipeline), state);
  if (ret != GST_STATE_CHANGE_FAILURE)
    return TRUE;

  bus = gst_pipeline_get_bus (run->parts.pipeline);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg) {
    gchar *src_path = gst_object_get_path_string (GST_MESSAGE_SRC (msg));

    text = describe_error (msg, NULL, &debug);
    g_mutex_lock (&run->lock);
    set_last_error_locked (run, GST_MESSAGE_SRC_NAME (msg), src_path, text,
        debug);
    g_mutex_unlock (&run->lock);
    g_free (src_path);
    gst_message_unref (msg);
  } else {
    text = g_strdup ("the pipeline refused to start");
  }
  gst_object_unref (bus);
  GST_WARNING_OBJECT (run->parts.owner, "could not start: %s", text);
  g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
      GST_WORKER_CONTROLLER_ERROR_START, "Could not start: %s", text);
  report = stop_and_report (run, GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  run_finish (run, report, TRUE);
  g_free (text);
  g_free (debug);
  return FALSE;
}

/* The pipeline goes to READY: the elements' own set-up (a pool builds its
 * replicas); if it fails, the run ends with the error an element posted,
 * which @error names. Before the check of what can never start, whose
 * guess (an element with nothing linked to its input) a failed set-up
 * causes. */
gboolean
worker_run_ready (GstWorkerRun * run, GError ** error)
{
  return set_state_or_fail (run, GST_STATE_READY, error);
}

/* The pipeline goes to PLAYING; if it does not, the run ends in error,
 * which @error names. */
gboolean
worker_run_play (GstWorkerRun * run, GError ** error)
{
  return set_state_or_fail (run, GST_STATE_PLAYING, error);
}

/* ---------------------------------------------------------------------- */
/* the state of the whole system */

/* Goes to the system state (PAUSED or PLAYING) last asked for, unless the
 * pipeline is still on its way somewhere: then the pipeline's next
 * state-changed message that ends a change calls this again.
 *
 * GstBin loses a state change asked for while it completes an asynchronous
 * one: the sinks' async-done commits PAUSED and schedules the rest (PAUSED
 * to PLAYING) on another thread; a new target set in between makes that
 * continuation give up ("intervening change"), while
 * gst_element_set_state() sees a change in progress and only records the
 * target. The pipeline then stays in PAUSED for good, nothing left to
 * finish the change: a pause and a resume a few milliseconds apart on a
 * loaded machine did it, and the drain after them timed out. */
static void
apply_system_state (GstWorkerRun * run)
{
  GstState current, pending, wanted;
  GstStateChangeReturn ret;

  g_mutex_lock (&run->lock);
  wanted = run->system_state;
  g_mutex_unlock (&run->lock);

  ret = gst_element_get_state (GST_ELEMENT (run->parts.pipeline), &current,
      &pending, 0);
  if (ret == GST_STATE_CHANGE_ASYNC || pending != GST_STATE_VOID_PENDING) {
    GST_DEBUG_OBJECT (run->parts.owner, "pipeline on its way to %s: %s when "
        "it is there", gst_element_state_get_name (pending),
        gst_element_state_get_name (wanted));
    return;
  }
  if (current != wanted && current >= GST_STATE_PAUSED)
    gst_element_set_state (GST_ELEMENT (run->parts.pipeline), wanted);
}

static void
set_system_state (GstWorkerRun * run, GstState state)
{
  g_mutex_lock (&run->lock);
  run->system_state = state;
  g_mutex_unlock (&run->lock);
  apply_system_state (run);
}

/* The whole system pauses (see gst_worker_controller_pause()). */
gboolean
worker_run_pause (GstWorkerRun * run, GError ** error)
{
  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_RUNNING) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "Cannot pause: the system is %s.",
        phase_names[run->phase]);
    g_mutex_unlock (&run->lock);
    return FALSE;
  }
  run->system_paused = TRUE;
  run->playing = FALSE;
  g_mutex_unlock (&run->lock);

  GST_INFO_OBJECT (run->parts.owner, "pausing the system");
  worker_watchdog_sleep (run->parts.watch);
  set_system_state (run, GST_STATE_PAUSED);
  return TRUE;
}

/* The whole system resumes (see gst_worker_controller_resume()). */
gboolean
worker_run_resume (GstWorkerRun * run, GError ** error)
{
  gboolean was_paused;

  g_mutex_lock (&run->lock);
  if (run->phase != WORKER_RUN_RUNNING && run->phase != WORKER_RUN_DRAINING) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "Cannot resume: the system is %s.",
        phase_names[run->phase]);
    g_mutex_unlock (&run->lock);
    return FALSE;
  }
  was_paused = run->system_paused;
  run->system_paused = FALSE;
  g_mutex_unlock (&run->lock);

  if (was_paused) {
    GST_INFO_OBJECT (run->parts.owner, "resuming the system");
    gst_worker_deadlock_touch (run->parts.deadlock);
    worker_watchdog_system_resumed (run->parts.watch);
    set_system_state (run, GST_STATE_PLAYING);
  }
  return TRUE;
}

/* Returns: %FALSE, with @error set, if no worker may be paused now (the
 * system drains or finished) */
gboolean
worker_run_check_pause_worker (GstWorkerRun * run, const gchar * name,
    GError ** error)
{
  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_DRAINING || run->phase == WORKER_RUN_FINISHED) {
    g_mutex_unlock (&run->lock);
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "Cannot pause %s: the system "
        "is %s.", name, phase_names[run->phase]);
    return FALSE;
  }
  g_mutex_unlock (&run->lock);
  return TRUE;
}

/* The pipeline's state-changed message. */
void
worker_run_handle_state_changed (GstWorkerRun * run, GstMessage * msg)
{
  GstState old, new_state, pending;
  gboolean emit_started = FALSE, running, playing = FALSE;

  if (GST_MESSAGE_SRC (msg) != GST_OBJECT (run->parts.pipeline))
    return;
  gst_message_parse_state_changed (msg, &old, &new_state, &pending);

  g_mutex_lock (&run->lock);
  if (run->phase == WORKER_RUN_RUNNING || run->phase == WORKER_RUN_DRAINING) {
    if (new_state == GST_STATE_PLAYING) {
      run->playing = playing = TRUE;
      if (!run->started_emitted)
        emit_started = run->started_emitted = TRUE;
    } else {
      run->playing = FALSE;
    }
  }
  running = run->phase == WORKER_RUN_RUNNING ||
      run->phase == WORKER_RUN_DRAINING;
  g_mutex_unlock (&run->lock);
  /* heartbeats are due from now on */
  if (playing)
    worker_watchdog_playing (run->parts.watch);

  /* a pause or resume asked for on the way waited for this */
  if (running && pending == GST_STATE_VOID_PENDING)
    apply_system_state (run);

  /* prerolling too: a worker busy on its first item can stall (the
   * watchdog looks at nothing else until the pipeline plays, nor while
   * the system is paused) */
  if (new_state == GST_STATE_PLAYING || running)
    worker_watchdog_wake (run->parts.watch, g_get_monotonic_time ());
  else
    worker_watchdog_sleep (run->parts.watch);
  /* pads linked since the start (decodebin, say) join the wait-for graph */
  if (emit_started) {
    worker_topology_update_processes (run->parts.topology);
    gst_worker_deadlock_set_topology (run->parts.deadlock);
  }
  gst_worker_deadlock_touch (run->parts.deadlock);
  if (emit_started) {
    WorkerRunEvent ev = { WORKER_RUN_EVENT_STARTED };

    GST_INFO_OBJECT (run->parts.owner, "system running");
    emit (run, &ev);
  }
}

/* ---------------------------------------------------------------------- */
/* status and report */

/* The status's run part (see gst_worker_controller_get_status()). */
GstStructure *
worker_run_new_status (GstWorkerRun * run, const gchar * name,
    const WorkerRunPolicy * policy)
{
  GstStructure *s;

  g_mutex_lock (&run->lock);
  s = gst_structure_new (name,
      "phase", G_TYPE_STRING, phase_names[run->phase],
      "system-paused", G_TYPE_BOOLEAN, run->system_paused,
      "uptime", GST_TYPE_CLOCK_TIME, run->started_at ?
      (GstClockTime) (g_get_monotonic_time () - run->started_at) *
      GST_USECOND : 0,
      "restarts", G_TYPE_UINT, run->restarts,
      "max-restarts", G_TYPE_UINT, policy->max_restarts,
      "error-policy", GST_TYPE_WORKER_ERROR_POLICY, policy->error_policy,
      "discarded-by-restarts", G_TYPE_UINT64, run->discarded_by_restarts,
      NULL);
  if (run->phase == WORKER_RUN_DRAINING)
    gst_structure_set (s, "drain-start-wait", GST_TYPE_CLOCK_TIME,
        run->start_waited + (run->start_wait_since ? (GstClockTime)
            (g_get_monotonic_time () - run->start_wait_since) * GST_USECOND :
            0), "drain-waits-for-start", G_TYPE_BOOLEAN,
        run->start_wait_since != 0, NULL);
  g_mutex_unlock (&run->lock);
  return s;
}

/* The report's run part (see gst_worker_controller_get_report()). */
GstStructure *
worker_run_new_report (GstWorkerRun * run,
    GstWorkerControllerOutcome outcome, gboolean balanced)
{
  GstStructure *r;

  g_mutex_lock (&run->lock);
  r = gst_structure_new (GST_WORKER_CONTROLLER_REPORT_NAME,
      "outcome", GST_TYPE_WORKER_CONTROLLER_OUTCOME, outcome,
      "duration", GST_TYPE_CLOCK_TIME, run->started_at ?
      (GstClockTime) (g_get_monotonic_time () - run->started_at) *
      GST_USECOND : 0,
      "restarts", G_TYPE_UINT, run->restarts,
      "discarded-by-restarts", G_TYPE_UINT64, run->discarded_by_restarts,
      "balanced", G_TYPE_BOOLEAN, balanced, NULL);
  if (run->last_error)
    gst_structure_set (r, "error", GST_TYPE_STRUCTURE, run->last_error, NULL);
  g_mutex_unlock (&run->lock);
  return r;
}
