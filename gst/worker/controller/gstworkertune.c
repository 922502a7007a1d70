/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's tuner (see gstworkertune.h). The design: "it is
 * better for the downstream workers to block on empty queues (waiting for
 * input) rather than upstream workers to block on full queues (waiting
 * for output)". So: sample every worker's state, add up the time each
 * spends busy, idle (waiting on an empty input), blocked (on a full
 * output) and paused; the bottleneck is the busiest worker (a workerpool
 * counts as one, its replicas' mean). Each window (half a second), a pool
 * whose replicas are nearly always busy (and not blocked on their output:
 * then the bottleneck is downstream) while its dispatcher waits on their
 * full queues is the bottleneck that more replicas would widen; a pool
 * whose work would fit in one replica less is too wide. `report` says so;
 * `auto` resizes the pool (a step, doubling when far from enough, then a
 * window to settle), within `tune-max-replicas`. A queue that is full
 * while its reader has time to spare (it waits for input elsewhere, or
 * is paused, part of the time: the items come in bursts) is too short to
 * smooth them; `auto` doubles it, up to QUEUE_MAX_FACTOR times its size
 * when the tuner first saw it. Queue sizes only grow: by Parks' rule a
 * larger channel never makes a Kahn network deadlock, while a smaller
 * one can (the deadlock detector grows a queue for that reason, and a
 * shrink could undo it). Not a feedback channel (its size is the loop's
 * latency), nor a queue inside a workerpool (the pool's own). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkertune.h"
#include "gstworkervalue.h"
#include "gstworkerstate.h"
#include "gstworkerenums.h"

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

#define WINDOW_US (G_USEC_PER_SEC / 2)
/* a pool is the bottleneck: replicas this busy (and hardly ever blocked
 * on their output: then the bottleneck is downstream), dispatcher this
 * blocked on their full queues */
#define GROW_BUSY 0.7
#define GROW_BLOCKED 0.3
#define GROW_OUT_BLOCKED 0.1
/* far from enough: double */
#define DOUBLE_BUSY 0.9
#define DOUBLE_BLOCKED 0.6
/* a pool is too wide: its work would keep one replica less this busy */
#define SHRINK_BUSY 0.5
/* a queue is too short: full this much of the window, while its readers
 * are busy or blocked less than this (they have time to spare) */
#define QUEUE_GROW_FULL 0.3
#define QUEUE_GROW_READERS 0.7
/* the largest size auto gives a queue, in times its first size */
#define QUEUE_MAX_FACTOR 8
#define N_STATES 4

typedef struct
{
  guint64 run[N_STATES];        /* us in each GstWorkerState, this run */
  guint64 win[N_STATES];        /* the same, this window */
} TuneRec;

/* A queue as the tuner sees it. */
typedef struct
{
  gboolean seen;                /* base set */
  gboolean skip;                /* a feedback channel, in a pool, or
                                 * without a buffer limit */
  guint base;                   /* max-size-buffers when first seen */
  guint64 full_win;             /* us full, this window */
} QueueTune;

struct _GstWorkerTuner
{
  GstWorkerTopology *topology;  /* not owned; outlives the tuner */
  GPtrArray *workers;           /* the topology's WorkerRec; never moves */

  GMutex lock;
  /* protected by lock */
  TuneRec *recs;                /* by WorkerRec index, with room for the
                                 * workers a reshape adds */
  GPtrArray *queues;            /* the topology's QueueRec; never moves */
  QueueTune *qrecs;             /* by index in queues, with room */
  gint64 last;                  /* monotonic us of the last sample, or 0 */
  gint64 window_start;
  guint windows;
  guint settle_until;           /* auto: no change before this window */
  gchar *suggestion;            /* the last window's advice, or NULL */
  gchar *shrink_seen;           /* the last window's shrink advice: a
                                 * shrink waits for a second window */
  GPtrArray *actions;           /* gchar *: what auto changed, in order */
};

GstWorkerTuner *
worker_tuner_new (GstWorkerTopology * topology)
{
  GstWorkerTuner *t = g_new0 (GstWorkerTuner, 1);

  t->topology = topology;
  t->workers = worker_topology_workers (topology);
  t->recs = g_new0 (TuneRec, t->workers->len + WORKER_TOPOLOGY_SPARE + 1);
  t->queues = worker_topology_queues (topology);
  t->qrecs = g_new0 (QueueTune, t->queues->len + WORKER_TOPOLOGY_SPARE + 1);
  t->actions = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&t->lock);
  return t;
}

void
worker_tuner_free (GstWorkerTuner * t)
{
  g_free (t->recs);
  g_free (t->qrecs);
  g_free (t->suggestion);
  g_free (t->shrink_seen);
  g_ptr_array_unref (t->actions);
  g_mutex_clear (&t->lock);
  g_free (t);
}

/* ---------------------------------------------------------------------- */
/* pools */

/* One workerpool, or one worker alone, as the tuner sees it. */
typedef struct
{
  GstElement *pool;             /* owned, or NULL: a worker alone */
  const gchar *name;            /* the pool's, or the worker's */
  guint replicas;               /* workers inside replicas */
  gdouble busy;                 /* their busy shares, summed */
  gdouble blocked;              /* their blocked shares, summed */
  gdouble run_busy;             /* the same over the run */
  gdouble dispatch_blocked;     /* the dispatcher's share blocked */
} Unit;

static void
unit_free (Unit * u)
{
  gst_clear_object (&u->pool);
  g_free (u);
}

static gdouble
share (const guint64 * t, GstWorkerState state)
{
  guint64 total = 0;

  for (guint i = 0; i < N_STATES; i++)
    total += t[i];
  return total ? (gdouble) t[state] / total : 0;
}

/* Whether @w is @pool's own dispatcher or collector (`POOL_dispatch`,
 * `POOL_collect`, children of the pool); a process replica is a child of
 * the pool too, and a replica. */
static gboolean
pool_own_worker (GstElement * pool, WorkerRec * w)
{
  const gchar *name = GST_OBJECT_NAME (w->element);
  gsize n = strlen (GST_OBJECT_NAME (pool));

  return GST_OBJECT_PARENT (w->element) == GST_OBJECT (pool) &&
      g_str_has_prefix (name, GST_OBJECT_NAME (pool)) &&
      (g_str_equal (name + n, "_dispatch") ||
      g_str_equal (name + n, "_collect"));
}

/* The units of the live workers, with their shares: this window's and
 * the run's. Under the lock. */
static GPtrArray *
units_locked (GstWorkerTuner * t)
{
  GPtrArray *units = g_ptr_array_new_with_free_func ((GDestroyNotify)
      unit_free);
  GHashTable *by_pool = g_hash_table_new (NULL, NULL);
  guint n = g_atomic_int_get ((gint *) & t->workers->len);

  for (guint i = 0; i < n; i++) {
    WorkerRec *w = g_ptr_array_index (t->workers, i);
    TuneRec *r = &t->recs[i];
    GstElement *pool;
    Unit *u;

    if (worker_rec_is_retired (w))
      continue;
    pool = worker_topology_pool_of (w->element);
    u = pool ? g_hash_table_lookup (by_pool, pool) : NULL;
    if (!u) {
      u = g_new0 (Unit, 1);
      u->pool = pool ? gst_object_ref (pool) : NULL;
      u->name = pool ? GST_OBJECT_NAME (pool) : w->name;
      if (pool)
        g_hash_table_insert (by_pool, pool, u);
      g_ptr_array_add (units, u);
    }
    if (pool && pool_own_worker (pool, w)) {
      /* the pool's own dispatcher or collector */
      if (g_str_has_suffix (w->name, "_dispatch"))
        u->dispatch_blocked = share (r->win, GST_WORKER_STATE_BLOCKED);
    } else {
      u->replicas++;
      u->busy += share (r->win, GST_WORKER_STATE_BUSY);
      u->blocked += share (r->win, GST_WORKER_STATE_BLOCKED);
      u->run_busy += share (r->run, GST_WORKER_STATE_BUSY);
    }
    gst_clear_object (&pool);
  }
  g_hash_table_unref (by_pool);
  return units;
}

/* What to do with pool @u now: its new size, or its size. */
static guint
advise (const Unit * u, guint size, guint max, gchar ** why)
{
  gdouble busy = u->replicas ? u->busy / u->replicas : 0;
  gdouble out_blocked = u->replicas ? u->blocked / u->replicas : 0;

  if (busy >= GROW_BUSY && u->dispatch_blocked >= GROW_BLOCKED &&
      out_blocked < GROW_OUT_BLOCKED && size < max) {
    guint to = busy >= DOUBLE_BUSY && u->dispatch_blocked >= DOUBLE_BLOCKED ?
        MIN (size * 2, max) : size + 1;

    *why = g_strdup_printf ("grow %s from %u to %u replicas: they are busy "
        "%.0f%% of the time and its dispatcher waits on their full queues "
        "%.0f%%", u->name, size, to, busy * 100, u->dispatch_blocked * 100);
    return to;
  }
  if (size > 1 && busy * size / (size - 1) <= SHRINK_BUSY) {
    *why = g_strdup_printf ("shrink %s from %u to %u replicas: they are busy "
        "%.0f%% of the time, one less would do", u->name, size, size - 1,
        busy * 100);
    return size - 1;
  }
  return size;
}

/* ---------------------------------------------------------------------- */
/* queues */

/* Whether the tuner leaves @q alone: a feedback channel, a queue of a
 * workerpool, a queue without a buffer limit. */
static gboolean
queue_skipped (QueueRec * q, guint max)
{
  GstElement *pool;
  gboolean in_pool;

  if (q->kind == WORKER_CHANNEL_FEEDBACK || max == 0)
    return TRUE;
  pool = worker_topology_pool_of (q->element);
  in_pool = pool != NULL;
  gst_clear_object (&pool);
  return in_pool;
}

/* Samples whether each queue is full now (its writer cannot push). */
static void
sample_queues (GstWorkerTuner * t, gint64 dt)
{
  guint n = g_atomic_int_get ((gint *) & t->queues->len);

  for (guint i = 0; i < n; i++) {
    QueueRec *q = g_ptr_array_index (t->queues, i);
    QueueTune *qt = &t->qrecs[i];
    guint level = 0, max = 0;

    if (qt->skip)
      continue;
    worker_queue_levels (q, &level, &max);
    if (!qt->seen) {
      qt->seen = TRUE;
      qt->base = max;
      qt->skip = queue_skipped (q, max);
      if (qt->skip)
        continue;
    }
    if (max && level >= max) {
      g_mutex_lock (&t->lock);
      qt->full_win += dt;
      g_mutex_unlock (&t->lock);
    }
  }
}

/* The share of the window @q's readers were busy or blocked (the mean),
 * or -1 without readers. Under the lock. */
static gdouble
readers_occupied_locked (GstWorkerTuner * t, QueueRec * q)
{
  GPtrArray *readers = worker_topology_dup_readers (t->topology, q);
  gdouble sum = 0;
  guint n = 0;

  for (guint i = 0; i < readers->len; i++) {
    WorkerRec *w = g_ptr_array_index (readers, i);

    if (worker_rec_is_retired (w))
      continue;
    sum += share (t->recs[w->index].win, GST_WORKER_STATE_BUSY) +
        share (t->recs[w->index].win, GST_WORKER_STATE_BLOCKED);
    n++;
  }
  g_ptr_array_unref (readers);
  return n ? sum / n : -1;
}

/* The first queue too short for its bursts: its new size in @to, the
 * advice in @why; NULL when none. Under the lock, before the window's
 * shares are cleared; clears the queues' window. */
static QueueRec *
advise_queue_locked (GstWorkerTuner * t, gint64 window_us, guint * to,
    gchar ** why)
{
  guint n = g_atomic_int_get ((gint *) & t->queues->len);
  QueueRec *found = NULL;

  for (guint i = 0; i < n; i++) {
    QueueRec *q = g_ptr_array_index (t->queues, i);
    QueueTune *qt = &t->qrecs[i];
    gdouble full = window_us > 0 ? (gdouble) qt->full_win / window_us : 0;
    gdouble readers;
    guint max = 0, cap;

    qt->full_win = 0;
    if (found || !qt->seen || qt->skip || full < QUEUE_GROW_FULL)
      continue;
    readers = readers_occupied_locked (t, q);
    if (readers < 0 || readers >= QUEUE_GROW_READERS)
      continue;
    g_object_get (q->element, "max-size-buffers", &max, NULL);
    cap = MAX (qt->base, 1) * QUEUE_MAX_FACTOR;
    if (max == 0 || max >= cap)
      continue;
    *to = MIN (max * 2, cap);
    /* the readers' share cut, not rounded: below the 70% of the rule */
    *why = g_strdup_printf ("grow queue %s from %u to %u items: it is full "
        "%.0f%% of the time while its reader is busy or blocked %u%%",
        q->name, max, *to, MIN (full, 1.0) * 100, (guint) (readers * 100));
    found = q;
  }
  return found;
}

/* Gives @q @to items of room (and its byte and time limits as much more,
 * when they are set). */
static void
resize_queue (QueueRec * q, guint to)
{
  guint max = 0, bytes = 0;
  guint64 time = 0;

  g_object_get (q->element, "max-size-buffers", &max, "max-size-bytes",
      &bytes, "max-size-time", &time, NULL);
  if (max == 0 || to <= max)
    return;
  if (bytes)
    bytes = (guint) MIN ((guint64) bytes * to / max, G_MAXUINT);
  if (time)
    time = gst_util_uint64_scale (time, to, max);
  g_object_set (q->element, "max-size-buffers", to, "max-size-bytes", bytes,
      "max-size-time", time, NULL);
}

/* The end of a window: advice, and in auto the change. */
static void
end_window (GstWorkerTuner * t, const WorkerTunePolicy * policy,
    gint64 window_us)
{
  GPtrArray *units;
  gchar *advice = NULL;
  GstElement *resize = NULL;
  QueueRec *queue = NULL;
  gchar *queue_advice = NULL;
  guint to = 0, queue_to = 0;
  gboolean settling;

  g_mutex_lock (&t->lock);
  units = units_locked (t);
  queue = advise_queue_locked (t, window_us, &queue_to, &queue_advice);
  t->windows++;
  settling = t->windows < t->settle_until;
  for (guint i = 0; i < t->workers->len + 1; i++)
    memset (t->recs[i].win, 0, sizeof (t->recs[i].win));
  g_mutex_unlock (&t->lock);

  for (guint i = 0; i < units->len && !advice; i++) {
    Unit *u = g_ptr_array_index (units, i);
    guint size = 1, max = policy->max_replicas, next;
    GParamSpec *spec;

    if (!u->pool || !u->replicas)
      continue;
    spec = g_object_class_find_property (G_OBJECT_GET_CLASS (u->pool),
        "size");
    if (!spec || spec->value_type != G_TYPE_UINT)
      continue;
    g_object_get (u->pool, "size", &size, NULL);
    max = MIN (max, ((GParamSpecUInt *) spec)->maximum);
    next = advise (u, size, max, &advice);
    if (next != size) {
      resize = gst_object_ref (u->pool);
      to = next;
    }
  }
  g_ptr_array_unref (units);
  /* a pool's advice first: it changes the work the queues see */
  if (!advice && queue) {
    advice = queue_advice;
    queue_advice = NULL;
  } else {
    queue = NULL;
  }
  g_free (queue_advice);

  g_mutex_lock (&t->lock);
  g_free (t->suggestion);
  t->suggestion = g_strdup (advice);
  /* a pool shrinks only when two windows in a row say so: a replica
   * less costs a drain, and a short lull is not a trend */
  if (resize && advice && g_str_has_prefix (advice, "shrink")) {
    gboolean again = g_strcmp0 (t->shrink_seen, advice) == 0;

    g_free (t->shrink_seen);
    t->shrink_seen = g_strdup (advice);
    if (!again)
      gst_clear_object (&resize);
  } else {
    g_clear_pointer (&t->shrink_seen, g_free);
  }
  if ((resize || queue) && policy->act && !settling) {
    g_ptr_array_add (t->actions, g_strdup (advice));
    /* the new replicas start and their queues fill: judge after that */
    t->settle_until = t->windows + 2;
  } else {
    gst_clear_object (&resize);
    queue = NULL;
  }
  g_mutex_unlock (&t->lock);

  if (resize) {
    GST_INFO ("tune: %s", advice);
    g_object_set (resize, "size", to, NULL);
    gst_object_unref (resize);
  } else if (queue) {
    GST_INFO ("tune: %s", advice);
    resize_queue (queue, queue_to);
  }
  g_free (advice);
}

/* ---------------------------------------------------------------------- */

/* Counts the time since the last sample in each worker's state now; ends
 * a window once a second. From the controller's context, while the
 * system runs. */
void
worker_tuner_sample (GstWorkerTuner * t, const WorkerTunePolicy * policy)
{
  gint64 now = g_get_monotonic_time (), dt, window_us;
  guint n = g_atomic_int_get ((gint *) & t->workers->len);
  GstWorkerState *states = g_new (GstWorkerState, n + 1);
  gboolean window_over;

  for (guint i = 0; i < n; i++) {
    WorkerRec *w = g_ptr_array_index (t->workers, i);

    states[i] = worker_rec_is_retired (w) ? N_STATES :
        gst_worker_get_state (GST_WORKER (w->element));
  }

  g_mutex_lock (&t->lock);
  if (!t->last) {
    t->last = t->window_start = now;
    g_mutex_unlock (&t->lock);
    g_free (states);
    return;
  }
  dt = now - t->last;
  t->last = now;
  for (guint i = 0; i < n; i++) {
    if (states[i] >= N_STATES)
      continue;
    t->recs[i].run[states[i]] += dt;
    t->recs[i].win[states[i]] += dt;
  }
  window_us = now - t->window_start;
  window_over = window_us >= WINDOW_US;
  if (window_over)
    t->window_start = now;
  g_mutex_unlock (&t->lock);
  g_free (states);
  sample_queues (t, dt);

  if (window_over)
    end_window (t, policy, window_us);
}

static GstStructure *
shares_structure (const gchar * name, const guint64 * run)
{
  return gst_structure_new ("worker", "name", G_TYPE_STRING, name,
      "busy", G_TYPE_DOUBLE, share (run, GST_WORKER_STATE_BUSY),
      "idle", G_TYPE_DOUBLE, share (run, GST_WORKER_STATE_IDLE),
      "blocked", G_TYPE_DOUBLE, share (run, GST_WORKER_STATE_BLOCKED),
      "paused", G_TYPE_DOUBLE, share (run, GST_WORKER_STATE_PAUSED), NULL);
}

/* The `tuning` structure of the status and the report: each live
 * worker's shares of the run busy, idle, blocked and paused; the
 * bottleneck (the busiest worker, a pool counting as its replicas' mean);
 * the last window's advice; what auto changed; how many windows were
 * judged (`windows`). */
GstStructure *
worker_tuner_get_status (GstWorkerTuner * t, const WorkerTunePolicy * policy)
{
  GstStructure *s = gst_structure_new ("tuning", "mode", G_TYPE_STRING,
      policy->act ? "auto" : "report", "max-replicas", G_TYPE_UINT,
      policy->max_replicas, NULL);
  GValue workers = G_VALUE_INIT, actions = G_VALUE_INIT;
  guint n = g_atomic_int_get ((gint *) & t->workers->len);
  const Unit *neck = NULL;
  GPtrArray *units;

  g_value_init (&workers, GST_TYPE_ARRAY);
  g_value_init (&actions, GST_TYPE_ARRAY);
  g_mutex_lock (&t->lock);
  for (guint i = 0; i < n; i++) {
    WorkerRec *w = g_ptr_array_index (t->workers, i);

    if (!worker_rec_is_retired (w))
      worker_array_take_structure (&workers, shares_structure (w->name,
              t->recs[i].run));
  }
  units = units_locked (t);
  gst_structure_set (s, "windows", G_TYPE_UINT, t->windows, NULL);
  for (guint i = 0; i < t->actions->len; i++)
    worker_array_add_string (&actions, g_ptr_array_index (t->actions, i));
  if (t->suggestion)
    gst_structure_set (s, "suggestion", G_TYPE_STRING, t->suggestion, NULL);
  g_mutex_unlock (&t->lock);

  for (guint i = 0; i < units->len; i++) {
    const Unit *u = g_ptr_array_index (units, i);

    if (u->replicas && (!neck || u->run_busy / u->replicas >
            neck->run_busy / neck->replicas))
      neck = u;
  }
  if (neck)
    gst_structure_set (s, "bottleneck", G_TYPE_STRING, neck->name,
        "bottleneck-busy", G_TYPE_DOUBLE, neck->run_busy / neck->replicas,
        NULL);
  g_ptr_array_unref (units);
  gst_structure_take_value (s, "workers", &workers);
  gst_structure_take_value (s, "actions", &actions);
  return s;
}
