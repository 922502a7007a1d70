/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's settings, copied for its parts, and its status
 * and report structures: one structure per worker (its stats, rate,
 * heartbeats, lost or stalled, input levels) and per queue (counts,
 * levels, writers and readers), the wait-for structure (who waits on which
 * queue), the whole status and the common part of the report of a run. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkercontrollerprivate.h"
#include "gstworkervalue.h"

/* ---------------------------------------------------------------------- */
/* settings */

/* The deadlock detector's settings, for one call. */
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

/* The run's restart settings, for one decision. */
void
controller_run_policy (GstWorkerController * self, WorkerRunPolicy * policy)
{
  GST_OBJECT_LOCK (self);
  policy->error_policy = self->error_policy;
  policy->stall_policy = self->stall_policy;
  policy->max_restarts = self->max_restarts;
  policy->restart_backoff = self->restart_backoff;
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* structures */

void
controller_structure_take_array (GstStructure * s, const gchar * field,
    GValue * array)
{
  gst_structure_take_value (s, field, array);
}

GValue *
controller_new_array (GValue * v)
{
  g_value_init (v, GST_TYPE_ARRAY);
  return v;
}

GstWorkerState
controller_stats_state (const GstStructure * s)
{
  gint state = GST_WORKER_STATE_IDLE;

  gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state);
  return state;
}

GstClockTime
controller_stats_time (const GstStructure * s, const gchar * field)
{
  GstClockTime t = 0;

  gst_structure_get_clock_time (s, field, &t);
  return t;
}

guint64
controller_stats_u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, field, &v);
  return v;
}

/* One queue's counts and levels. */
GstStructure *
controller_queue_structure (GstWorkerController * self, QueueRec * q)
{
  guint64 in, out, initial = worker_queue_initial (q);
  guint level = 0, max = 0;
  GstStructure *s;
  GValue writers = G_VALUE_INIT, readers = G_VALUE_INIT;

  worker_queue_counts (q, &in, &out);
  worker_queue_levels (q, &level, &max);
  s = gst_structure_new ("queue",
      "name", G_TYPE_STRING, q->name,
      "items-in", G_TYPE_UINT64, in,
      "initial-items", G_TYPE_UINT64, initial,
      "items-out", G_TYPE_UINT64, out,
      "held", G_TYPE_UINT64, in + initial >= out ? in + initial - out : 0,
      "level", G_TYPE_UINT, level, "max-size-buffers", G_TYPE_UINT, max, NULL);
  /* a queue that left the pipeline (a pool's shrink): its name may be
   * another's now */
  if (worker_queue_is_retired (q))
    gst_structure_set (s, "retired", G_TYPE_BOOLEAN, TRUE, NULL);
  worker_topology_queue_names (self->topology, q, &writers, &readers);
  controller_structure_take_array (s, "writers", &writers);
  controller_structure_take_array (s, "readers", &readers);
  return s;
}

GstStructure *
controller_worker_structure (GstWorkerController * self, WorkerRec * w,
    gboolean with_heartbeat)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (w->element));
  GValue inputs = G_VALUE_INIT;
  QueueRec *fullest = NULL;
  guint best_level = 0, best_max = 0, i;
  GstElement *pool;
  GPtrArray *in;

  gst_structure_set_name (s, "worker");
  gst_structure_set (s, "name", G_TYPE_STRING, w->name,
      "path", G_TYPE_STRING, w->path,
      "paused", G_TYPE_BOOLEAN, gst_worker_get_paused (GST_WORKER (w->element)),
      "system-paused", G_TYPE_BOOLEAN, worker_run_is_paused (self->run),
      NULL);
  gst_structure_remove_field (s, "worker");
  pool = worker_topology_pool_of (w->element);
  if (pool) {
    gst_structure_set (s, "pool", G_TYPE_STRING, GST_OBJECT_NAME (pool), NULL);
    gst_object_unref (pool);
  }

  in = worker_topology_dup_inputs (self->topology, w);
  if (with_heartbeat) {
    gboolean playing;

    worker_run_is_active (self->run, NULL, &playing);
    worker_watchdog_add_status (self->watch, w, s, playing);
  }

  controller_new_array (&inputs);
  for (i = 0; i < in->len; i++) {
    QueueRec *q = g_ptr_array_index (in, i);
    guint level, max;

    worker_array_add_string (&inputs, q->name);
    worker_queue_levels (q, &level, &max);
    if (!fullest || (guint64) level * MAX (best_max, 1) >
        (guint64) best_level * MAX (max, 1)) {
      fullest = q;
      best_level = level;
      best_max = max;
    }
  }
  controller_structure_take_array (s, "input-queues", &inputs);
  if (fullest)
    gst_structure_set (s, "input-level", G_TYPE_UINT, best_level,
        "input-max", G_TYPE_UINT, best_max, NULL);
  g_ptr_array_unref (in);
  return s;
}

/* Adds @s (taken), a worker's entry, to @workers; then the workers
 * running in its child process, if it has one (a processreplica's
 * `child-workers`: their stats as the child gave them when @s was made),
 * as entries of their own named "REPLICA/NAME", with `process-of` (the
 * replica), `pid` and the replica's `pool`. */
void
controller_take_worker (GValue * workers, GstStructure * s)
{
  GValue children = G_VALUE_INIT;
  gchar *name, *path, *pool;
  guint i;

  if (!gst_structure_has_field_typed (s, "child-workers", GST_TYPE_ARRAY)) {
    worker_array_take_structure (workers, s);
    return;
  }
  name = g_strdup (gst_structure_get_string (s, "name"));
  path = g_strdup (gst_structure_get_string (s, "path"));
  pool = g_strdup (gst_structure_get_string (s, "pool"));
  g_value_init (&children, GST_TYPE_ARRAY);
  g_value_copy (gst_structure_get_value (s, "child-workers"), &children);
  gst_structure_remove_field (s, "child-workers");
  worker_array_take_structure (workers, s);

  for (i = 0; i < gst_value_array_get_size (&children); i++) {
    const GValue *v = gst_value_array_get_value (&children, i);
    const gchar *inner;
    GstStructure *c;
    gchar *cname, *cpath;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    inner = gst_structure_get_string (gst_value_get_structure (v), "worker");
    cname = g_strdup_printf ("%s/%s", name, inner);
    cpath = g_strdup_printf ("%s/%s", path, inner);
    c = gst_structure_copy (gst_value_get_structure (v));
    gst_structure_set_name (c, "worker");
    gst_structure_set (c, "name", G_TYPE_STRING, cname,
        "path", G_TYPE_STRING, cpath,
        "process-of", G_TYPE_STRING, name, NULL);
    if (pool)
      gst_structure_set (c, "pool", G_TYPE_STRING, pool, NULL);
    gst_structure_remove_field (c, "worker");
    worker_array_take_structure (workers, c);
    g_free (cname);
    g_free (cpath);
  }
  g_value_unset (&children);
  g_free (name);
  g_free (path);
  g_free (pool);
}

/* Adds @w's name to @b; then, if it is a process replica, the workers
 * running in its child process (its `child-workers`, as the child last
 * gave them), named "REPLICA/NAME" as in the status. */
void
controller_add_worker_names (GStrvBuilder * b, WorkerRec * w)
{
  const gchar *name = w->name;
  GstStructure *s = gst_worker_get_stats (GST_WORKER (w->element));
  const GValue *children = gst_structure_get_value (s, "child-workers");
  guint i;

  g_strv_builder_add (b, name);
  for (i = 0; children && GST_VALUE_HOLDS_ARRAY (children) &&
      i < gst_value_array_get_size (children); i++) {
    const GValue *v = gst_value_array_get_value (children, i);
    const gchar *inner = GST_VALUE_HOLDS_STRUCTURE (v) ?
        gst_structure_get_string (gst_value_get_structure (v), "worker") :
        NULL;
    gchar *cname = inner ? g_strdup_printf ("%s/%s", name, inner) : NULL;

    if (cname)
      g_strv_builder_add (b, cname);
    g_free (cname);
  }
  gst_structure_free (s);
}

/* Who waits on which queue: a writer on a full one, a reader on an empty
 * one. The raw material of deadlock detection. */
GstStructure *
controller_wait_for_structure (GstWorkerController * self)
{
  GstStructure *s = gst_structure_new_empty ("wait-for");
  GValue edges = G_VALUE_INIT;
  gboolean off;
  guint i, j;

  controller_new_array (&edges);
  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    GstStructure *stats;
    GstWorkerState state;
    GPtrArray *in;

    if (worker_rec_is_retired (w))
      continue;
    stats = gst_worker_get_stats (GST_WORKER (w->element));
    state = controller_stats_state (stats);

    if (state == GST_WORKER_STATE_BLOCKED) {
      const gchar *qname = gst_structure_get_string (stats, "blocked-on");
      QueueRec *q = worker_topology_find_queue_by_name (self->topology,
          qname);
      guint level = 0, max = 0;

      if (q)
        worker_queue_levels (q, &level, &max);
      worker_array_take_structure (&edges, gst_structure_new ("wait",
              "worker", G_TYPE_STRING, w->name,
              "role", G_TYPE_STRING, "writer",
              "queue", G_TYPE_STRING, qname,
              "level", G_TYPE_UINT, level,
              "max-size-buffers", G_TYPE_UINT, max,
              "for", GST_TYPE_CLOCK_TIME, controller_stats_time (stats,
                  "state-time"), NULL));
    } else if (state == GST_WORKER_STATE_IDLE) {
      in = worker_topology_dup_inputs (self->topology, w);
      for (j = 0; j < in->len; j++) {
        QueueRec *q = g_ptr_array_index (in, j);
        guint level, max;

        worker_queue_levels (q, &level, &max);
        if (level > 0)
          continue;
        worker_array_take_structure (&edges, gst_structure_new ("wait",
                "worker", G_TYPE_STRING, w->name,
                "role", G_TYPE_STRING, "reader",
                "queue", G_TYPE_STRING, q->name,
                "level", G_TYPE_UINT, level,
                "max-size-buffers", G_TYPE_UINT, max,
                "for", GST_TYPE_CLOCK_TIME, controller_stats_time (stats,
                    "state-time"), NULL));
      }
      g_ptr_array_unref (in);
    }
    gst_structure_free (stats);
  }
  controller_structure_take_array (s, "edges", &edges);

  /* every process, stock elements too, and the deadlocked cycles */
  GST_OBJECT_LOCK (self);
  off = self->deadlock_mode == GST_WORKER_DEADLOCK_MODE_OFF;
  GST_OBJECT_UNLOCK (self);
  off |= worker_run_phase (self->run) == WORKER_RUN_READY;
  if (off)
    gst_worker_deadlock_sample (self->deadlock);
  gst_worker_deadlock_add_wait_for (self->deadlock, s);
  return s;
}

/* The report's common part: outcome, per-worker and per-queue counts. */
GstStructure *
controller_build_report (GstWorkerController * self,
    GstWorkerControllerOutcome outcome)
{
  GPtrArray *order;
  GstStructure *r;
  GValue workers = G_VALUE_INIT, queues = G_VALUE_INIT;
  gboolean balanced = TRUE;
  guint i;

  controller_new_array (&workers);
  order = worker_topology_dup_order (self->topology);
  for (i = 0; i < order->len; i++)
    controller_take_worker (&workers,
        controller_worker_structure (self, g_ptr_array_index (order, i),
            FALSE));
  g_ptr_array_unref (order);

  controller_new_array (&queues);
  for (i = 0; i < self->queues->len; i++) {
    GstStructure *q =
        controller_queue_structure (self, g_ptr_array_index (self->queues,
            i));

    /* nothing held, and nothing came out that did not go in */
    if (controller_stats_u64 (q, "items-in") + controller_stats_u64 (q,
            "initial-items") != controller_stats_u64 (q, "items-out"))
      balanced = FALSE;
    worker_array_take_structure (&queues, q);
  }

  r = worker_run_new_report (self->run, outcome, balanced);

  controller_structure_take_array (r, "workers", &workers);
  controller_structure_take_array (r, "queues", &queues);
  controller_add_reshape_status (self, r);
  gst_worker_deadlock_add_to_report (self->deadlock, r);
  return r;
}

/* The whole status (see gst_worker_controller_get_status()). */
GstStructure *
controller_build_status (GstWorkerController * self)
{
  GstStructure *s, *wait_for, *deadlock;
  GstWorkerDeadlockPolicy policy;
  WorkerRunPolicy run;
  GValue workers = G_VALUE_INIT, queues = G_VALUE_INIT;
  GPtrArray *order;
  guint i;

  controller_new_array (&workers);
  order = worker_topology_dup_order (self->topology);
  for (i = 0; i < order->len; i++)
    controller_take_worker (&workers,
        controller_worker_structure (self, g_ptr_array_index (order, i), TRUE));
  g_ptr_array_unref (order);
  controller_new_array (&queues);
  for (i = 0; i < self->queues->len; i++)
    worker_array_take_structure (&queues, controller_queue_structure (self,
            g_ptr_array_index (self->queues, i)));

  controller_run_policy (self, &run);
  s = worker_run_new_status (self->run, GST_WORKER_CONTROLLER_STATUS_NAME,
      &run);

  controller_structure_take_array (s, "workers", &workers);
  controller_structure_take_array (s, "queues", &queues);
  controller_add_reshape_status (self, s);
  wait_for = controller_wait_for_structure (self);
  gst_structure_set (s, "wait-for", GST_TYPE_STRUCTURE, wait_for, NULL);
  gst_structure_free (wait_for);
  controller_deadlock_policy (self, &policy);
  deadlock = gst_worker_deadlock_get_status (self->deadlock, &policy);
  gst_structure_set (s, "deadlock", GST_TYPE_STRUCTURE, deadlock, NULL);
  gst_structure_free (deadlock);
  return s;
}
