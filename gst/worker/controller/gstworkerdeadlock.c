/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Deadlocks of bounded queues: the wait-for graph and its analysis.
 *
 * The pipeline is seen as a Kahn process network. Its channels are the
 * `queue` and `queue2` elements; its processes are what lies between
 * them: each maximal set of elements linked to one another without a
 * queue in between (a source and its tee, a compositor and its sink, a
 * worker), plus an empty process for a queue linked straight into another.
 * Every channel has one writer process (upstream of its sink pad) and one
 * reader process (downstream of its src pad).
 *
 * Each sample reads every channel's levels and limits and the counts the
 * controller keeps on its pads, and every worker's state. From them:
 *
 * - a process *waits to write* channel c when c is full and an item is
 *   being pushed into it: the count of items into c's sink pad exceeds
 *   what left its src pad plus what it holds (the pad probe counts an
 *   item before the queue blocks on it), or a worker of the process says
 *   `blocked` on c. That is exact, for stock elements too.
 * - a process *waits to read* channel c when c is empty to its reader
 *   (no buffer, or fewer than its min-threshold), c has not seen EOS, no
 *   worker of the process is busy and the process writes nowhere. For
 *   stock elements this is inferred: such a process may also be busy with
 *   its last item, so it counts only once nothing it does has moved for
 *   the settle time. A process with an element that is a source and
 *   a sink (flightlink: commands in, the vehicle's telemetry out) makes
 *   data of its own: it never waits to read.
 *
 * An edge goes from each waiting process to the process at the other end
 * of the channel it waits on. A deadlock is a cycle (a strongly connected
 * component) of processes that all wait and none of which moved for the
 * settle time; it is *global* when no process of the pipeline moves, and
 * *local* (Geilen and Basten) when others still do. A cycle with a full
 * channel is artificial: growing the smallest full channel on it by one
 * item (Parks) lets its writer go on. A cycle of reads only is a true
 * deadlock: no growth can help. Waits that end at a process that is busy,
 * paused, running or idle (a live source between items, a source that
 * ended) are no deadlock: at most the system is starved.
 *
 * A growth changes a queue's max-size-buffers (and max-size-bytes or
 * max-size-time when they bind too) to hold one more item than it holds;
 * GstQueue wakes its writer when its limits change. The next growth on
 * the same cycle waits until the writer used the room it was given; when
 * every wait on the cycle is certain (blocked writes, and reads by
 * processes made of workers only), the cycle needs to be still for only a
 * quarter of the settle time (at least three sampling periods) before it.
 * A queue grown again with no other growth in between gets twice the room
 * of its last growth (1, 2, 4, 8, ... items, within max-queue-growth and
 * max-total-growth), so a deadlock that needs n items of room is resolved
 * in about log2 n growths instead of n. Still only the smallest full queue
 * on a cycle grows (Parks), and the items that come out do not depend on
 * the sizes (Kahn): the sizes reached are the smallest that let the
 * network go on when one growth sufficed, less than twice the needed
 * room over the queue's size otherwise.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkerdeadlock.h"
#include "gstworkerchannel.h"
#include "gstworkergraph.h"
#include "gstworkertopology.h"
#include "gstworkervalue.h"
#include "gstworkerenums.h"

GST_DEBUG_CATEGORY_STATIC (worker_deadlock_debug);
#define GST_CAT_DEFAULT worker_deadlock_debug

typedef enum
{
  PROC_RUNNING,                 /* waits on nothing, moved lately */
  PROC_BUSY,                    /* a worker of it is busy */
  PROC_PAUSED,                  /* a worker of it is paused */
  PROC_IDLE,                    /* waits on nothing, still (or its workers
                                 * say idle) */
  PROC_WRITING,                 /* waits to write a full channel */
  PROC_READING,                 /* waits to read an empty channel */
  PROC_BLOCKED,                 /* a worker waits on something else */
  PROC_PREROLLED,               /* its sink prerolled: waits for PLAYING */
  PROC_STARTING,                /* a worker of it is a child process that
                                 * starts (or restarts after a crash): no
                                 * wait, as for a pause */
} ProcState;

static const gchar *const proc_state_names[] = {
  "running", "busy", "paused", "idle", "writing", "reading", "blocked",
  "prerolled", "starting"
};

typedef enum
{
  WAIT_READ,                    /* an empty channel */
  WAIT_WRITE,                   /* a full channel */
  WAIT_PREROLL,                 /* a process whose sink still prerolls */
} WaitKind;

typedef struct
{
  WaitKind kind;
  guint chan;                   /* read, write */
  gint proc;                    /* preroll */
} Wait;

/* A process the detector watches. */
typedef struct
{
  /* the topology's WorkerProcess, read-only (shared refs) */
  gchar *name;
  GPtrArray *elements;          /* GstElement, upstream first */
  GPtrArray *workers;           /* GstElement */
  GArray *inputs;               /* guint channel indexes */
  GArray *outputs;
  gboolean exact;               /* only workers: their states are its own */
  gboolean produces;            /* a source of its own: never waits to read */
  GPtrArray *sinks;             /* GstElement: its sink elements */

  /* the latest sample */
  guint64 worker_items;
  gint64 moved_at;
  gint64 grown_at;              /* a growth on its cycle, or 0 */
  ProcState state;
  gboolean prerolling;          /* a sink of it prerolls */
  gboolean prerolled;           /* a sink of it prerolled, not PLAYING */
  gchar *blocked_on;            /* PROC_BLOCKED: what, in the worker's words */
  GArray *waits;                /* Wait */

  /* the latest check */
  gboolean candidate;           /* waits, still long enough */
  gint scc;                     /* its strongly connected component, or -1 */
} Proc;

struct _GstWorkerDeadlock
{
  GstWorkerTopology *topology;  /* not owned; outlives the detector */

  GMutex lock;

  /* protected by lock */
  GPtrArray *chans;             /* WorkerChannel, the topology's order */
  GPtrArray *procs;             /* Proc */
  GHashTable *worker_proc;      /* GstElement -> process index + 1 */
  gint64 started_at;
  gint64 sampled_at;            /* 0: never */
  gint64 settle;                /* us, the latest check's */
  guint total_growth;
  GPtrArray *growths;           /* GstStructure "growth" */
  GHashTable *reported;         /* signatures of the episodes reported */
  GPtrArray *cycles;            /* GstStructure "deadlock": the latest */
  GstStructure *last;           /* the latest deadlock reported */
  GstStructure *fatal;          /* the one that stopped the run */
  const gchar *system_state;
  gchar *system_text;
  WorkerGraph *graph;           /* during a check: the wait-for graph */
};

/* ---------------------------------------------------------------------- */
/* set-up */

static void
proc_free (Proc * p)
{
  g_free (p->name);
  g_ptr_array_unref (p->elements);
  g_ptr_array_unref (p->workers);
  g_array_unref (p->inputs);
  g_array_unref (p->outputs);
  g_array_unref (p->waits);
  g_ptr_array_unref (p->sinks);
  g_free (p->blocked_on);
  g_free (p);
}

/* A process to watch: the topology's @wp (read-only, shared) and this
 * detector's samples of it. */
static Proc *
proc_new (const WorkerProcess * wp)
{
  Proc *p = g_new0 (Proc, 1);

  p->name = g_strdup (wp->name);
  p->elements = g_ptr_array_ref (wp->elements);
  p->workers = g_ptr_array_ref (wp->workers);
  p->inputs = g_array_ref (wp->inputs);
  p->outputs = g_array_ref (wp->outputs);
  p->exact = wp->exact;
  p->produces = wp->produces;
  p->sinks = g_ptr_array_ref (wp->sinks);
  p->waits = g_array_new (FALSE, FALSE, sizeof (Wait));
  return p;
}

GstWorkerDeadlock *
gst_worker_deadlock_new (GstWorkerTopology * topology)
{
  GstWorkerDeadlock *dl = g_new0 (GstWorkerDeadlock, 1);
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (worker_deadlock_debug, "workerdeadlock", 0,
        "gst-workers deadlock detection");
    g_once_init_leave (&done, 1);
  }

  dl->topology = topology;
  g_mutex_init (&dl->lock);
  dl->chans = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_channel_free);
  dl->procs = g_ptr_array_new_with_free_func ((GDestroyNotify) proc_free);
  dl->worker_proc = g_hash_table_new (NULL, NULL);
  dl->growths = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  dl->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  dl->cycles = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  dl->system_state = "running";
  dl->settle = G_USEC_PER_SEC;
  return dl;
}

void
gst_worker_deadlock_free (GstWorkerDeadlock * dl)
{
  g_ptr_array_unref (dl->chans);
  g_ptr_array_unref (dl->procs);
  g_hash_table_unref (dl->worker_proc);
  g_ptr_array_unref (dl->growths);
  g_hash_table_unref (dl->reported);
  g_ptr_array_unref (dl->cycles);
  if (dl->last)
    gst_structure_free (dl->last);
  if (dl->fatal)
    gst_structure_free (dl->fatal);
  g_free (dl->system_text);
  g_mutex_clear (&dl->lock);
  g_free (dl);
}

/**
 * gst_worker_deadlock_set_topology:
 *
 * Takes the processes between the topology's channels, as the topology's
 * latest walk found them. The first call creates the channels; later ones
 * (the same channels) keep their growth.
 */
void
gst_worker_deadlock_set_topology (GstWorkerDeadlock * dl)
{
  GPtrArray *queues = worker_topology_queues (dl->topology);
  WorkerProcesses *found = worker_topology_dup_processes (dl->topology);
  guint n_channels, i;

  g_return_if_fail (found != NULL);
  /* the channels the walk saw: one added since (a running pool's new
   * replica) joins at the next walk */
  n_channels = found->writer->len;

  g_mutex_lock (&dl->lock);
  if (dl->chans->len != n_channels) {
    g_ptr_array_set_size (dl->chans, 0);
    for (i = 0; i < n_channels; i++) {
      g_ptr_array_add (dl->chans,
          worker_channel_new (g_ptr_array_index (queues, i)));
    }
  }
  g_ptr_array_set_size (dl->procs, 0);
  g_hash_table_remove_all (dl->worker_proc);
  for (i = 0; i < found->processes->len; i++)
    g_ptr_array_add (dl->procs, proc_new (g_ptr_array_index
            (found->processes, i)));
  for (i = 0; i < dl->chans->len; i++) {
    WorkerChannel *c = g_ptr_array_index (dl->chans, i);

    c->writer = g_array_index (found->writer, gint, i);
    c->reader = g_array_index (found->reader, gint, i);
  }

  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);
    guint j;

    p->moved_at = g_get_monotonic_time ();
    for (j = 0; j < p->workers->len; j++)
      g_hash_table_insert (dl->worker_proc, g_ptr_array_index (p->workers,
              j), GINT_TO_POINTER (i + 1));
    GST_DEBUG ("process %s: %u inputs, %u outputs, %u workers", p->name,
        p->inputs->len, p->outputs->len, p->workers->len);
  }
  g_mutex_unlock (&dl->lock);
  worker_processes_unref (found);
}

/**
 * gst_worker_deadlock_reset:
 *
 * A new run: forgets the history, the growths and what was reported (the
 * queues keep the sizes they were given).
 */
void
gst_worker_deadlock_reset (GstWorkerDeadlock * dl)
{
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_mutex_lock (&dl->lock);
  dl->started_at = now;
  dl->sampled_at = 0;
  dl->total_growth = 0;
  g_ptr_array_set_size (dl->growths, 0);
  g_hash_table_remove_all (dl->reported);
  g_ptr_array_set_size (dl->cycles, 0);
  g_clear_pointer (&dl->last, gst_structure_free);
  g_clear_pointer (&dl->fatal, gst_structure_free);
  dl->system_state = "running";
  g_clear_pointer (&dl->system_text, g_free);
  for (i = 0; i < dl->chans->len; i++) {
    WorkerChannel *c = g_ptr_array_index (dl->chans, i);

    c->growth = c->last_step = c->grown_as = 0;
    c->grown_at = 0;
    c->in = c->out = 0;
    c->in_moved_at = c->out_moved_at = now;
  }
  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);

    p->moved_at = now;
    p->grown_at = 0;
    p->worker_items = 0;
    p->state = PROC_RUNNING;
    g_array_set_size (p->waits, 0);
  }
  g_mutex_unlock (&dl->lock);
}

/**
 * gst_worker_deadlock_touch:
 *
 * Counts every process as moving now: after a pause, a resume or a state
 * change, stillness is measured again from scratch.
 */
void
gst_worker_deadlock_touch (GstWorkerDeadlock * dl)
{
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_mutex_lock (&dl->lock);
  for (i = 0; i < dl->procs->len; i++)
    ((Proc *) g_ptr_array_index (dl->procs, i))->moved_at = now;
  g_mutex_unlock (&dl->lock);
}

/**
 * gst_worker_deadlock_tick_ms:
 *
 * Returns: how often to check, for a settle time of @settle_ms
 */
guint
gst_worker_deadlock_tick_ms (guint settle_ms)
{
  return CLAMP (settle_ms / 10, 10, 100);
}

/* ---------------------------------------------------------------------- */
/* sampling */

static void
add_wait (Proc * p, WaitKind kind, guint chan, gint proc)
{
  Wait w = { kind, chan, proc };
  guint i;

  for (i = 0; i < p->waits->len; i++) {
    Wait *o = &g_array_index (p->waits, Wait, i);

    if (o->kind == kind && o->chan == chan && o->proc == proc)
      return;
  }
  g_array_append_val (p->waits, w);
}

/* Whether a sink of @p prerolls (READY to PAUSED, waiting for data) or
 * prerolled (PAUSED, holding its thread until the pipeline plays). Sinks
 * that do not take part in the preroll (async=false, as feedbacksink)
 * neither. */
static void
sample_sinks (Proc * p)
{
  guint i;

  p->prerolling = p->prerolled = FALSE;
  for (i = 0; i < p->sinks->len; i++) {
    GstElement *e = g_ptr_array_index (p->sinks, i);
    GstState cur, next, pending;
    gboolean async = TRUE;

    if (g_object_class_find_property (G_OBJECT_GET_CLASS (e), "async"))
      g_object_get (e, "async", &async, NULL);
    if (!async)
      continue;
    GST_OBJECT_LOCK (e);
    cur = GST_STATE (e);
    next = GST_STATE_NEXT (e);
    pending = GST_STATE_PENDING (e);
    GST_OBJECT_UNLOCK (e);
    if (cur < GST_STATE_PAUSED && next == GST_STATE_PAUSED)
      p->prerolling = TRUE;
    else if (cur == GST_STATE_PAUSED && pending == GST_STATE_VOID_PENDING)
      p->prerolled = TRUE;
  }
}

static gint
find_output (GstWorkerDeadlock * dl, Proc * p, const gchar * name)
{
  guint i;

  for (i = 0; name && i < p->outputs->len; i++) {
    guint c = g_array_index (p->outputs, guint, i);

    if (g_str_equal (((WorkerChannel *) g_ptr_array_index (dl->chans, c))->name, name))
      return c;
  }
  return -1;
}

static void
sample_proc (GstWorkerDeadlock * dl, Proc * p, gint64 now)
{
  gboolean paused = FALSE, busy = FALSE, starting = FALSE;
  guint64 items = 0;
  guint i;

  g_array_set_size (p->waits, 0);
  g_clear_pointer (&p->blocked_on, g_free);

  for (i = 0; i < p->workers->len; i++) {
    GstWorker *w = g_ptr_array_index (p->workers, i);
    GstStructure *s = gst_worker_get_stats (w);
    gint state = GST_WORKER_STATE_IDLE;
    gboolean pushing = FALSE;
    guint64 v;

    gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state);
    /* busy pushing: the elements after it work, or wait */
    if (state == GST_WORKER_STATE_BUSY &&
        gst_structure_get_boolean (s, "pushing", &pushing) && pushing)
      state = GST_WORKER_STATE_IDLE;
    if (gst_structure_get_uint64 (s, "items-in", &v))
      items += v;
    if (gst_structure_get_uint64 (s, "items-out", &v))
      items += v;
    if (gst_structure_get_uint64 (s, "items-dropped", &v))
      items += v;
    /* a process replica waiting for a worker paused in its child too */
    if (gst_worker_get_paused (w) || state == GST_WORKER_STATE_PAUSED ||
        worker_stats_child_paused (s))
      paused = TRUE;
    else if (state == GST_WORKER_STATE_STARTING)
      starting = TRUE;          /* a child process that starts: no wait */
    else if (state == GST_WORKER_STATE_BUSY)
      busy = TRUE;
    else if (state == GST_WORKER_STATE_BLOCKED) {
      const gchar *on = gst_structure_get_string (s, "blocked-on");
      gint c = find_output (dl, p, on);

      if (c >= 0)
        add_wait (p, WAIT_WRITE, c, -1);
      else if (!p->blocked_on)
        p->blocked_on = g_strdup (on ? on : "?");
    }
    gst_structure_free (s);
  }
  if (items != p->worker_items)
    p->moved_at = now;
  p->worker_items = items;

  /* what it does on its channels: outputs written, inputs read */
  for (i = 0; i < p->outputs->len; i++) {
    WorkerChannel *c = g_ptr_array_index (dl->chans, g_array_index (p->outputs, guint,
            i));

    p->moved_at = MAX (p->moved_at, c->in_moved_at);
  }
  for (i = 0; i < p->inputs->len; i++) {
    WorkerChannel *c = g_ptr_array_index (dl->chans, g_array_index (p->inputs, guint,
            i));

    p->moved_at = MAX (p->moved_at, c->out_moved_at);
  }

  if (paused || starting) {
    g_array_set_size (p->waits, 0);
    p->state = paused ? PROC_PAUSED : PROC_STARTING;
    return;
  }

  /* a blocked write is exact: the queue holds less than came in */
  for (i = 0; i < p->outputs->len; i++) {
    guint ci = g_array_index (p->outputs, guint, i);
    WorkerChannel *c = g_ptr_array_index (dl->chans, ci);

    if (c->writer_blocked)
      add_wait (p, WAIT_WRITE, ci, -1);
  }
  if (p->waits->len) {
    p->state = PROC_WRITING;
    return;
  }
  if (busy) {
    p->state = PROC_BUSY;
    return;
  }
  if (p->blocked_on) {
    p->state = PROC_BLOCKED;
    return;
  }

  /* a prerolled sink holds the thread until the pipeline plays, that is
   * until every other sink prerolled */
  if (p->prerolled) {
    for (i = 0; i < dl->procs->len; i++) {
      Proc *o = g_ptr_array_index (dl->procs, i);

      if (o != p && o->prerolling)
        add_wait (p, WAIT_PREROLL, 0, i);
    }
    p->state = PROC_PREROLLED;
    return;
  }

  /* a process that writes nowhere waits for its empty inputs, unless a
   * source of its own feeds it (flightlink: the vehicle's telemetry) */
  for (i = 0; i < p->inputs->len && !p->produces; i++) {
    guint ci = g_array_index (p->inputs, guint, i);
    WorkerChannel *c = g_ptr_array_index (dl->chans, ci);

    if (c->empty && !c->eos)
      add_wait (p, WAIT_READ, ci, -1);
  }
  if (p->waits->len)
    p->state = PROC_READING;
  else if (!p->exact && now - p->moved_at < dl->settle)
    p->state = PROC_RUNNING;
  else
    p->state = PROC_IDLE;
}

/* What the pad probes counted on every channel. */
static WorkerChannelCounts *
channel_counts (GstWorkerDeadlock * dl)
{
  GPtrArray *queues = worker_topology_queues (dl->topology);
  /* channels may be added meanwhile: those there now */
  guint n = g_atomic_int_get ((gint *) & queues->len), i;
  WorkerChannelCounts *counts = g_new0 (WorkerChannelCounts, n + 1);

  for (i = 0; i < n; i++) {
    QueueRec *q = g_ptr_array_index (queues, i);

    worker_queue_counts (q, &counts[i].in, &counts[i].out);
    /* initial items are in the channel from the start */
    counts[i].in += worker_queue_initial (q);
    counts[i].eos = worker_queue_eos (q);
  }
  return counts;
}

static void
sample_locked (GstWorkerDeadlock * dl, const WorkerChannelCounts * counts,
    gint64 now)
{
  guint i;

  for (i = 0; i < dl->chans->len; i++)
    worker_channel_sample (g_ptr_array_index (dl->chans, i), &counts[i], now);
  for (i = 0; i < dl->procs->len; i++)
    sample_sinks (g_ptr_array_index (dl->procs, i));
  for (i = 0; i < dl->procs->len; i++)
    sample_proc (dl, g_ptr_array_index (dl->procs, i), now);
  dl->sampled_at = now;
}

/**
 * gst_worker_deadlock_sample:
 *
 * Takes a sample without acting on it (for the status and explanations).
 */
void
gst_worker_deadlock_sample (GstWorkerDeadlock * dl)
{
  WorkerChannelCounts *counts = channel_counts (dl);

  g_mutex_lock (&dl->lock);
  sample_locked (dl, counts, g_get_monotonic_time ());
  g_mutex_unlock (&dl->lock);
  g_free (counts);
}

/* ---------------------------------------------------------------------- */
/* words */


static const gchar *
proc_name (GstWorkerDeadlock * dl, gint idx)
{
  if (idx < 0)
    return "nobody";
  return ((Proc *) g_ptr_array_index (dl->procs, idx))->name;
}

/* "P waits to write q1 (full: 2/2 buffers), read by R" */
static void
append_wait (GString * s, GstWorkerDeadlock * dl, Proc * p, const Wait * w)
{
  WorkerChannel *c;
  gboolean write = w->kind == WAIT_WRITE;

  if (w->kind == WAIT_PREROLL) {
    g_string_append_printf (s, "%s waits for the pipeline to play (its sink "
        "prerolled), so for %s to preroll", p->name, proc_name (dl, w->proc));
    return;
  }
  c = g_ptr_array_index (dl->chans, w->chan);
  g_string_append_printf (s, "%s waits to %s %s (", p->name,
      write ? "write" : "read", c->name);
  worker_channel_append_level (s, c, write);
  g_string_append_printf (s, "), %s by %s", write ? "read" : "written",
      proc_name (dl, write ? c->reader : c->writer));
}

static gint
wait_peer (GstWorkerDeadlock * dl, const Wait * w)
{
  WorkerChannel *c;

  if (w->kind == WAIT_PREROLL)
    return w->proc;
  c = g_ptr_array_index (dl->chans, w->chan);
  return w->kind == WAIT_WRITE ? c->reader : c->writer;
}

static const gchar *
wait_role (const Wait * w)
{
  switch (w->kind) {
    case WAIT_WRITE:
      return "writer";
    case WAIT_READ:
      return "reader";
    default:
      return "preroll";
  }
}

static GstStructure *
step_structure (GstWorkerDeadlock * dl, gint pi, const Wait * w, gint64 now)
{
  Proc *p = g_ptr_array_index (dl->procs, pi);
  WorkerChannel *c = w->kind == WAIT_PREROLL ? NULL :
      g_ptr_array_index (dl->chans, w->chan);
  GValue workers = G_VALUE_INIT;
  GstStructure *s;
  guint i;

  g_value_init (&workers, GST_TYPE_ARRAY);
  for (i = 0; i < p->workers->len; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, GST_OBJECT_NAME (g_ptr_array_index (p->workers,
                i)));
    gst_value_array_append_and_take_value (&workers, &v);
  }
  s = gst_structure_new ("step",
      "process", G_TYPE_STRING, p->name,
      "state", G_TYPE_STRING, proc_state_names[p->state],
      "still", GST_TYPE_CLOCK_TIME,
      (GstClockTime) (now - p->moved_at) * GST_USECOND,
      "role", G_TYPE_STRING, wait_role (w),
      "peer", G_TYPE_STRING, proc_name (dl, wait_peer (dl, w)), NULL);
  if (c)
    gst_structure_set (s, "queue", G_TYPE_STRING, c->name,
        "level", G_TYPE_UINT, c->level_buffers,
        "level-bytes", G_TYPE_UINT, c->level_bytes,
        "level-time", GST_TYPE_CLOCK_TIME, c->level_time,
        "max-size-buffers", G_TYPE_UINT, c->max_buffers,
        "max-size-bytes", G_TYPE_UINT, c->max_bytes,
        "max-size-time", GST_TYPE_CLOCK_TIME, c->max_time,
        "min-threshold-buffers", G_TYPE_UINT, c->min_buffers,
        "full", G_TYPE_BOOLEAN, c->full,
        "growth", G_TYPE_UINT, c->growth, NULL);
  gst_structure_take_value (s, "workers", &workers);
  return s;
}

/* ---------------------------------------------------------------------- */
/* analysis */

static gboolean
proc_running (Proc * p, gint64 now, gint64 settle)
{
  return p->state == PROC_BUSY || p->state == PROC_STARTING ||
      (p->state != PROC_PAUSED && !p->candidate &&
      now - p->moved_at < settle);
}

static gboolean
in_scc (GstWorkerDeadlock * dl, gint pi, gint scc)
{
  Proc *p;

  if (pi < 0)
    return FALSE;
  p = g_ptr_array_index (dl->procs, pi);
  return p->candidate && p->scc == scc;
}

/* The initial items the channels of cycle @scc started the run with (a
 * feedback loop's initial-items). */
static guint64
initial_items_on_cycle (GstWorkerDeadlock * dl, gint scc)
{
  GPtrArray *queues = worker_topology_queues (dl->topology);
  guint64 initial = 0;

  for (guint i = 0; i < dl->chans->len && i < queues->len; i++) {
    WorkerChannel *c = g_ptr_array_index (dl->chans, i);

    if (c->writer >= 0 && c->reader >= 0 && in_scc (dl, c->writer, scc) &&
        in_scc (dl, c->reader, scc))
      initial += worker_queue_initial (g_ptr_array_index (queues, i));
  }
  return initial;
}

/* Why no growth can resolve a true deadlock of cycle @scc, appended to
 * @text. */
static void
append_why_true (GstWorkerDeadlock * dl, gint scc, GString * text)
{
  guint64 initial = initial_items_on_cycle (dl, scc);

  g_string_append (text, "; no queue on the cycle is full, so no growth "
      "can resolve it");
  if (!initial) {
    g_string_append (text, " (a cycle with no initial items)");
    return;
  }
  g_string_append_printf (text, ": the cycle started with %" G_GUINT64_FORMAT
      " initial item%s, and none is on its way round any more: an element "
      "on it holds or drops what goes round (a merge that waits for a "
      "later time than the loop's items bring, say: each turn of a loop "
      "must advance time)", initial, initial == 1 ? "" : "s");
}

/* The write wait of @pi on @c, as a path step. */
static void
write_step (GstWorkerDeadlock * dl, gint pi, WorkerChannel * c, gint step[2])
{
  Proc *p = g_ptr_array_index (dl->procs, pi);
  guint j;

  step[0] = pi;
  step[1] = 0;
  for (j = 0; j < p->waits->len; j++) {
    Wait *w = &g_array_index (p->waits, Wait, j);

    if (w->kind == WAIT_WRITE && g_ptr_array_index (dl->chans, w->chan) == c)
      step[1] = j;
  }
}

/* One deadlocked component: what it is, in words and as a structure, and
 * what the policy does about it (a growth happens here). */
static GstStructure *
handle_scc (GstWorkerDeadlock * dl, gint scc, gboolean global,
    const GstWorkerDeadlockPolicy * policy, gint64 now, GHashTable * current,
    gboolean * stop)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (gint));
  GString *sig = g_string_new (NULL), *text = g_string_new (NULL);
  WorkerChannel *smallest = NULL, *growable = NULL, *named;
  gint named_writer = -1, named_reader = -1;
  gint s_writer = -1, s_reader = -1, g_writer = -1, g_reader = -1;
  guint i, j;
  GArray *path;
  GValue steps = G_VALUE_INIT, procs = G_VALUE_INIT;
  GstStructure *s;
  const gchar *action;
  gboolean artificial, pending_growth = FALSE;

  for (i = 0; i < dl->procs->len; i++) {
    if (in_scc (dl, i, scc)) {
      g_array_append_val (members, i);
      g_string_append_printf (sig, "%u,", i);
    }
  }

  /* the full channels on the cycle: the smallest, and the smallest that
   * may still grow */
  for (i = 0; i < members->len; i++) {
    gint pi = g_array_index (members, gint, i);
    Proc *p = g_ptr_array_index (dl->procs, pi);

    for (j = 0; j < p->waits->len; j++) {
      Wait *w = &g_array_index (p->waits, Wait, j);
      gint v = wait_peer (dl, w);
      WorkerChannel *c;

      if (w->kind != WAIT_WRITE || !in_scc (dl, v, scc))
        continue;
      c = g_ptr_array_index (dl->chans, w->chan);
      /* its last growth not used yet: its writer has not run since */
      if (c->grown_at && c->in_moved_at <= c->grown_at)
        pending_growth = TRUE;
      if (!smallest || worker_channel_compare_size (c, smallest) < 0) {
        smallest = c;
        s_writer = pi;
        s_reader = v;
      }
      if (c->growth < policy->max_queue_growth &&
          (!growable || worker_channel_compare_size (c, growable) < 0)) {
        growable = c;
        g_writer = pi;
        g_reader = v;
      }
    }
  }
  artificial = smallest != NULL;
  if (growable && dl->total_growth >= policy->max_total_growth)
    growable = NULL;
  if (pending_growth) {
    /* not a deadlock yet: a writer has room it did not use */
    g_array_unref (members);
    g_string_free (sig, TRUE);
    g_string_free (text, TRUE);
    return NULL;
  }

  /* the cycle to name: through the queue to grow, or the smallest full
   * one, or any */
  named = growable ? growable : smallest;
  if (named) {
    named_writer = growable ? g_writer : s_writer;
    named_reader = growable ? g_reader : s_reader;
  }
  if (named && named_reader == named_writer) {
    gint step[2];

    path = g_array_new (FALSE, FALSE, sizeof (gint) * 2);
    write_step (dl, named_writer, named, step);
    g_array_append_vals (path, step, 1);
  } else if (named) {
    path = worker_graph_path (dl->graph, scc, named_reader, named_writer);
    if (path) {
      gint step[2];

      write_step (dl, named_writer, named, step);
      g_array_prepend_vals (path, step, 1);
    }
  } else {
    gint start = g_array_index (members, gint, 0);

    path = worker_graph_path (dl->graph, scc, start, start);
  }

  g_value_init (&steps, GST_TYPE_ARRAY);
  g_value_init (&procs, GST_TYPE_ARRAY);
  g_string_append_printf (text, "%s %s deadlock: ", global ? "global" :
      "local", artificial ? "artificial" : "true");
  for (i = 0; path && i < path->len; i++) {
    gint *step = &g_array_index (path, gint, i * 2);
    Proc *p = g_ptr_array_index (dl->procs, step[0]);
    Wait *w = &g_array_index (p->waits, Wait, step[1]);

    if (i)
      g_string_append (text, "; ");
    append_wait (text, dl, p, w);
    worker_array_take_structure (&steps, step_structure (dl, step[0], w, now));
  }
  for (i = 0; i < members->len; i++)
    worker_array_add_string (&procs, proc_name (dl, g_array_index (members,
                gint, i)));
  if (!global) {
    guint running = 0;

    for (i = 0; i < dl->procs->len; i++)
      running += proc_running (g_ptr_array_index (dl->procs, i), now,
          (gint64) policy->settle_ms * 1000);
    g_string_append_printf (text, " (while %u other process%s run%s)",
        running, running == 1 ? "" : "es", running == 1 ? "s" : "");
  }

  s = gst_structure_new ("deadlock",
      "kind", G_TYPE_STRING, artificial ? "artificial" : "true",
      "scope", G_TYPE_STRING, global ? "global" : "local",
      "time", GST_TYPE_CLOCK_TIME,
      (GstClockTime) (now - dl->started_at) * GST_USECOND, NULL);
  gst_structure_take_value (s, "cycle", &steps);
  gst_structure_take_value (s, "processes", &procs);

  *stop = FALSE;
  if (policy->mode == GST_WORKER_DEADLOCK_MODE_RESOLVE && growable) {
    GstStructure *growth = gst_structure_new ("growth",
        "time", GST_TYPE_CLOCK_TIME,
        (GstClockTime) (now - dl->started_at) * GST_USECOND, NULL);
    GString *how = g_string_new (NULL);
    guint from = growable->max_buffers, step = 1;

    /* grown again with no other growth since: twice the room of the last
     * time, within the limits */
    if (growable->last_step && growable->grown_as == dl->growths->len)
      step = MIN (2 * growable->last_step, MIN (policy->max_queue_growth -
              growable->growth, policy->max_total_growth - dl->total_growth));
    action = "grow";
    worker_channel_grow (growable, step, growth, how);
    growable->grown_at = now;
    dl->total_growth += step;
    gst_structure_set (growth, "growth", G_TYPE_UINT, growable->growth,
        "total-growth", G_TYPE_UINT, dl->total_growth, NULL);
    g_string_append_printf (text, "; resolved by growing %s, the smallest "
        "full queue on the cycle: %s", growable->name, how->str);
    gst_structure_set (s, "queue", G_TYPE_STRING, growable->name,
        "from", G_TYPE_UINT, from, "to", G_TYPE_UINT, growable->max_buffers,
        "growth", G_TYPE_UINT, growable->growth,
        "total-growth", G_TYPE_UINT, dl->total_growth, NULL);
    gst_structure_set (growth, "deadlock", G_TYPE_STRING, text->str, NULL);
    g_ptr_array_add (dl->growths, growth);
    growable->grown_as = dl->growths->len;
    g_string_free (how, TRUE);
    for (i = 0; i < members->len; i++)
      ((Proc *) g_ptr_array_index (dl->procs, g_array_index (members, gint,
                  i)))->grown_at = now;
  } else if (policy->mode == GST_WORKER_DEADLOCK_MODE_RESOLVE) {
    action = "stop";
    *stop = TRUE;
    if (!artificial) {
      append_why_true (dl, scc, text);
      g_string_append (text, ": stopping");
    } else if (smallest->growth >= policy->max_queue_growth)
      g_string_append_printf (text, "; %s, the smallest full queue on the "
          "cycle, may not grow any more (grown by %u item%s, "
          "max-queue-growth %u): stopping", smallest->name, smallest->growth,
          smallest->growth == 1 ? "" : "s", policy->max_queue_growth);
    else
      g_string_append_printf (text, "; the queues may not grow any more "
          "(grown by %u item%s in all, max-total-growth %u): stopping",
          dl->total_growth, dl->total_growth == 1 ? "" : "s",
          policy->max_total_growth);
    gst_structure_set (s, "reason", G_TYPE_STRING, artificial ?
        "growth limit" : "true deadlock", NULL);
  } else if (artificial) {
    action = "report";
    g_string_append_printf (text, "; not resolved (deadlock-mode is "
        "report): Parks' rule would grow %s, the smallest full queue on the "
        "cycle", smallest->name);
  } else {
    action = "report";
    append_why_true (dl, scc, text);
  }
  gst_structure_set (s, "action", G_TYPE_STRING, action,
      "text", G_TYPE_STRING, text->str, NULL);

  /* a growth is news every time; the rest once per episode */
  g_string_append (sig, artificial ? "a" : "t");
  if (!g_str_equal (action, "grow") &&
      g_hash_table_contains (dl->reported, sig->str))
    gst_structure_set (s, "repeat", G_TYPE_BOOLEAN, TRUE, NULL);
  g_hash_table_add (current, g_strdup (sig->str));
  g_hash_table_add (dl->reported, g_string_free (sig, FALSE));

  if (path)
    g_array_unref (path);
  g_array_unref (members);
  g_string_free (text, TRUE);
  return s;
}

/* The system's state when no cycle waits: running, starved (every wait a
 * read), blocked (behind something that is not a deadlock) or idle. */
static GstStructure *
update_system_state (GstWorkerDeadlock * dl, gboolean any_running,
    gboolean deadlocked)
{
  const gchar *state;
  gboolean reads = FALSE, writes = FALSE, all_eos = TRUE;
  GString *text = g_string_new (NULL);
  GstStructure *ev = NULL;
  guint i, j;

  for (i = 0; i < dl->chans->len; i++)
    all_eos &= ((WorkerChannel *) g_ptr_array_index (dl->chans, i))->eos;

  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);

    for (j = 0; j < p->waits->len; j++) {
      Wait *w = &g_array_index (p->waits, Wait, j);

      if (w->kind == WAIT_WRITE)
        writes = TRUE;
      else if (w->kind == WAIT_READ)
        reads = TRUE;
      if (text->len)
        g_string_append (text, "; ");
      append_wait (text, dl, p, w);
    }
  }

  if (deadlocked)
    state = "deadlocked";
  else if (any_running)
    state = "running";
  else if (all_eos && dl->chans->len)
    state = "finished";
  else if (writes)
    state = "blocked";
  else if (reads)
    state = "starved";
  else
    state = "idle";

  if (!g_str_equal (state, dl->system_state) &&
      (g_str_equal (state, "starved") || g_str_equal (state, "blocked"))) {
    ev = gst_structure_new ("idle", "state", G_TYPE_STRING, state,
        "text", G_TYPE_STRING, text->str, NULL);
  }
  dl->system_state = state;
  g_free (dl->system_text);
  dl->system_text = g_string_free (text, FALSE);
  return ev;
}

/**
 * gst_worker_deadlock_check:
 *
 * Samples, finds the deadlocked cycles and, as @policy says, grows a
 * queue on each or reports them.
 *
 * Returns: (transfer full): the news: `deadlock` structures (with
 * `action` grow, report or stop; `repeat` set for one reported before)
 * and `idle` structures (the system became starved or blocked)
 */
GPtrArray *
gst_worker_deadlock_check (GstWorkerDeadlock * dl,
    const GstWorkerDeadlockPolicy * policy)
{
  WorkerChannelCounts *counts = channel_counts (dl);
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  gint64 now = g_get_monotonic_time ();
  gint64 settle = (gint64) policy->settle_ms * 1000;
  gint64 resettle = MAX (3 * (gint64) gst_worker_deadlock_tick_ms
      (policy->settle_ms) * 1000, settle / 4);
  gboolean any_running = FALSE;
  GHashTable *seen, *current;
  GHashTableIter iter;
  gpointer key;
  GstStructure *idle;
  guint i;

  g_mutex_lock (&dl->lock);
  dl->settle = settle;
  sample_locked (dl, counts, now);

  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);
    gint64 since = MAX (p->moved_at, p->grown_at);
    /* a blocked write is certain, and so is the read of a process made of
     * workers only (they say idle); a stock element waiting to read may be
     * busy with its last item, but not one found waiting for a whole
     * settle time before a growth of its cycle that has not moved since:
     * growing a queue again and again then takes a short wait each time,
     * not a settle time */
    gboolean unmoved = p->grown_at && p->moved_at <= p->grown_at;
    gboolean certain = p->state == PROC_WRITING ||
        (p->state == PROC_READING && p->exact) || unmoved;
    gint64 need = certain && p->grown_at && now - p->grown_at < 2 * settle ?
        resettle : settle;

    p->candidate = (p->state == PROC_WRITING || p->state == PROC_READING ||
            p->state == PROC_PREROLLED) && p->waits->len &&
        now - since >= need;
  }
  for (i = 0; i < dl->procs->len; i++)
    any_running |= proc_running (g_ptr_array_index (dl->procs, i), now,
        settle);

  /* the wait-for graph of the candidates: its cycles are deadlocks */
  dl->graph = worker_graph_new (dl->procs->len);
  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);
    guint k;

    worker_graph_set_active (dl->graph, i, p->candidate);
    for (k = 0; k < p->waits->len; k++)
      worker_graph_add_edge (dl->graph, i, wait_peer (dl,
              &g_array_index (p->waits, Wait, k)));
  }
  worker_graph_find_components (dl->graph);
  for (i = 0; i < dl->procs->len; i++)
    ((Proc *) g_ptr_array_index (dl->procs, i))->scc =
        worker_graph_component (dl->graph, i);

  g_ptr_array_set_size (dl->cycles, 0);
  seen = g_hash_table_new (NULL, NULL);
  current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; i < dl->procs->len; i++) {
    Proc *p = g_ptr_array_index (dl->procs, i);
    gboolean cyclic = FALSE, stop = FALSE;
    guint j, k, size = 0;

    if (!p->candidate || g_hash_table_contains (seen,
            GINT_TO_POINTER (p->scc + 1)))
      continue;
    g_hash_table_add (seen, GINT_TO_POINTER (p->scc + 1));
    for (j = 0; j < dl->procs->len; j++) {
      Proc *q = g_ptr_array_index (dl->procs, j);

      if (!in_scc (dl, j, p->scc))
        continue;
      size++;
      for (k = 0; k < q->waits->len; k++)
        cyclic |= wait_peer (dl, &g_array_index (q->waits, Wait, k)) ==
            (gint) j;
    }
    if (size > 1 || cyclic) {
      GstStructure *s = handle_scc (dl, p->scc, !any_running, policy, now,
          current, &stop);

      if (!s)
        continue;
      GST_DEBUG ("%" GST_PTR_FORMAT, s);
      g_ptr_array_add (dl->cycles, gst_structure_copy (s));
      if (!gst_structure_has_field (s, "repeat")) {
        if (dl->last)
          gst_structure_free (dl->last);
        dl->last = gst_structure_copy (s);
      }
      if (stop && !dl->fatal)
        dl->fatal = gst_structure_copy (s);
      g_ptr_array_add (events, s);
    }
  }
  g_hash_table_unref (seen);
  g_clear_pointer (&dl->graph, worker_graph_free);

  /* an episode ends when its cycle is gone */
  g_hash_table_iter_init (&iter, dl->reported);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    if (!g_hash_table_contains (current, key))
      g_hash_table_iter_remove (&iter);
  }
  g_hash_table_unref (current);

  idle = update_system_state (dl, any_running, dl->cycles->len > 0);
  if (idle)
    g_ptr_array_add (events, idle);
  g_mutex_unlock (&dl->lock);
  g_free (counts);
  return events;
}

/* ---------------------------------------------------------------------- */
/* status */

static void
chan_names (GstWorkerDeadlock * dl, GValue * v, GArray * idx)
{
  guint i;

  g_value_init (v, GST_TYPE_ARRAY);
  for (i = 0; i < idx->len; i++)
    worker_array_add_string (v, ((WorkerChannel *) g_ptr_array_index (dl->chans,
                g_array_index (idx, guint, i)))->name);
}

static GstStructure *
proc_structure (GstWorkerDeadlock * dl, Proc * p, gint64 now)
{
  GValue elements = G_VALUE_INIT, workers = G_VALUE_INIT;
  GValue inputs = G_VALUE_INIT, outputs = G_VALUE_INIT, waits = G_VALUE_INIT;
  GstStructure *s;
  guint i;

  g_value_init (&elements, GST_TYPE_ARRAY);
  for (i = 0; i < p->elements->len; i++)
    worker_array_add_string (&elements,
        GST_OBJECT_NAME (g_ptr_array_index (p->elements, i)));
  g_value_init (&workers, GST_TYPE_ARRAY);
  for (i = 0; i < p->workers->len; i++)
    worker_array_add_string (&workers,
        GST_OBJECT_NAME (g_ptr_array_index (p->workers, i)));
  chan_names (dl, &inputs, p->inputs);
  chan_names (dl, &outputs, p->outputs);
  g_value_init (&waits, GST_TYPE_ARRAY);
  for (i = 0; i < p->waits->len; i++) {
    Wait *w = &g_array_index (p->waits, Wait, i);
    GstStructure *ws = gst_structure_new ("wait",
        "role", G_TYPE_STRING, wait_role (w),
        "peer", G_TYPE_STRING, proc_name (dl, wait_peer (dl, w)), NULL);

    if (w->kind != WAIT_PREROLL) {
      WorkerChannel *c = g_ptr_array_index (dl->chans, w->chan);

      gst_structure_set (ws, "queue", G_TYPE_STRING, c->name,
          "level", G_TYPE_UINT, c->level_buffers,
          "max-size-buffers", G_TYPE_UINT, c->max_buffers, NULL);
    }
    worker_array_take_structure (&waits, ws);
  }

  s = gst_structure_new ("process",
      "name", G_TYPE_STRING, p->name,
      "state", G_TYPE_STRING, proc_state_names[p->state],
      "still", GST_TYPE_CLOCK_TIME, dl->sampled_at ?
      (GstClockTime) (now - p->moved_at) * GST_USECOND : 0, NULL);
  if (p->blocked_on)
    gst_structure_set (s, "blocked-on", G_TYPE_STRING, p->blocked_on, NULL);
  gst_structure_take_value (s, "elements", &elements);
  gst_structure_take_value (s, "workers", &workers);
  gst_structure_take_value (s, "inputs", &inputs);
  gst_structure_take_value (s, "outputs", &outputs);
  gst_structure_take_value (s, "waits", &waits);
  return s;
}

/**
 * gst_worker_deadlock_add_wait_for:
 *
 * Adds `processes` (each process of the wait-for graph: its elements,
 * workers, channels, state and waits) and `cycles` (the deadlocks found
 * by the latest check) to a `wait-for` structure.
 */
void
gst_worker_deadlock_add_wait_for (GstWorkerDeadlock * dl,
    GstStructure * wait_for)
{
  GValue procs = G_VALUE_INIT, cycles = G_VALUE_INIT;
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_value_init (&procs, GST_TYPE_ARRAY);
  g_value_init (&cycles, GST_TYPE_ARRAY);
  g_mutex_lock (&dl->lock);
  for (i = 0; i < dl->procs->len; i++)
    worker_array_take_structure (&procs, proc_structure (dl,
            g_ptr_array_index (dl->procs, i), now));
  for (i = 0; i < dl->cycles->len; i++)
    worker_array_take_structure (&cycles,
        gst_structure_copy (g_ptr_array_index (dl->cycles, i)));
  g_mutex_unlock (&dl->lock);
  gst_structure_take_value (wait_for, "processes", &procs);
  gst_structure_take_value (wait_for, "cycles", &cycles);
}

static void
growths_value (GstWorkerDeadlock * dl, GValue * v)
{
  guint i;

  g_value_init (v, GST_TYPE_ARRAY);
  for (i = 0; i < dl->growths->len; i++)
    worker_array_take_structure (v, gst_structure_copy (g_ptr_array_index
            (dl->growths, i)));
}

/**
 * gst_worker_deadlock_get_status:
 *
 * Returns: (transfer full): a `deadlock` structure: `mode`, `settle`,
 * `max-queue-growth`, `max-total-growth`, `state` (running, starved,
 * blocked, finished, idle or deadlocked), `text` (the waits, in words),
 * `total-growth`, `growths` and, once there was one, `last` (the latest
 * deadlock)
 */
GstStructure *
gst_worker_deadlock_get_status (GstWorkerDeadlock * dl,
    const GstWorkerDeadlockPolicy * policy)
{
  GstStructure *s;
  GValue growths = G_VALUE_INIT;

  g_mutex_lock (&dl->lock);
  s = gst_structure_new ("deadlock",
      "mode", GST_TYPE_WORKER_DEADLOCK_MODE, policy->mode,
      "settle", G_TYPE_UINT, policy->settle_ms,
      "max-queue-growth", G_TYPE_UINT, policy->max_queue_growth,
      "max-total-growth", G_TYPE_UINT, policy->max_total_growth,
      "state", G_TYPE_STRING, policy->mode == GST_WORKER_DEADLOCK_MODE_OFF ?
      "off" : dl->system_state,
      "text", G_TYPE_STRING, dl->system_text ? dl->system_text : "",
      "total-growth", G_TYPE_UINT, dl->total_growth, NULL);
  growths_value (dl, &growths);
  if (dl->last)
    gst_structure_set (s, "last", GST_TYPE_STRUCTURE, dl->last, NULL);
  g_mutex_unlock (&dl->lock);
  gst_structure_take_value (s, "growths", &growths);
  return s;
}

/**
 * gst_worker_deadlock_add_to_report:
 *
 * Adds `queue-growths`, `total-queue-growth` and, if one stopped the run
 * or was reported, `deadlock` to a report.
 */
void
gst_worker_deadlock_add_to_report (GstWorkerDeadlock * dl,
    GstStructure * report)
{
  GValue growths = G_VALUE_INIT;

  g_mutex_lock (&dl->lock);
  growths_value (dl, &growths);
  gst_structure_set (report, "total-queue-growth", G_TYPE_UINT,
      dl->total_growth, NULL);
  if (dl->fatal || dl->last)
    gst_structure_set (report, "deadlock", GST_TYPE_STRUCTURE,
        dl->fatal ? dl->fatal : dl->last, NULL);
  g_mutex_unlock (&dl->lock);
  gst_structure_take_value (report, "queue-growths", &growths);
}

/* @worker's process, if a sample saw it; else -1. */
static gint
sampled_proc_locked (GstWorkerDeadlock * dl, GstElement * worker)
{
  gint pi = GPOINTER_TO_INT (g_hash_table_lookup (dl->worker_proc,
          worker)) - 1;

  return dl->sampled_at ? pi : -1;
}

/* The first process in @state that the waits from @pi reach (depth
 * first), or -1. */
static gint
reach_state (GstWorkerDeadlock * dl, gint pi, ProcState state,
    gboolean * seen)
{
  Proc *p;
  gint found = -1;

  if (pi < 0 || seen[pi])
    return -1;
  seen[pi] = TRUE;
  p = g_ptr_array_index (dl->procs, pi);
  if (p->state == state)
    return pi;
  for (guint i = 0; i < p->waits->len && found < 0; i++)
    found = reach_state (dl, wait_peer (dl, &g_array_index (p->waits, Wait,
                i)), state, seen);
  return found;
}

/* The process in @state that @worker's process waits for, through queues
 * and the processes at their other ends, from the latest sample; or -1.
 * With the lock. */
static gint
waits_on_locked (GstWorkerDeadlock * dl, GstElement * worker,
    ProcState state)
{
  gint pi = sampled_proc_locked (dl, worker), found = -1;
  gboolean *seen;

  if (pi < 0)
    return -1;
  seen = g_new0 (gboolean, dl->procs->len);
  /* its own process is the one that waits */
  seen[pi] = TRUE;
  {
    Proc *p = g_ptr_array_index (dl->procs, pi);

    for (guint i = 0; i < p->waits->len && found < 0; i++)
      found = reach_state (dl, wait_peer (dl, &g_array_index (p->waits, Wait,
                  i)), state, seen);
  }
  g_free (seen);
  return found;
}

/* Whether @worker's process waits, through queues and the processes at
 * their other ends (a pool's collector waiting for one replica's output
 * among them), for a paused worker, or one whose child process starts:
 * from the latest sample. */
gboolean
gst_worker_deadlock_waits_on_pause (GstWorkerDeadlock * dl,
    GstElement * worker)
{
  gint found;

  g_mutex_lock (&dl->lock);
  /* its own thread holds the pause (a worker pushing straight into a
   * paused one, or into a replica whose child starts) */
  found = sampled_proc_locked (dl, worker);
  if (found >= 0) {
    ProcState state = ((Proc *) g_ptr_array_index (dl->procs,
            found))->state;

    if (state != PROC_PAUSED && state != PROC_STARTING)
      found = -1;
  }
  if (found < 0)
    found = waits_on_locked (dl, worker, PROC_PAUSED);
  /* a child process that starts holds what waits for it as a pause */
  if (found < 0)
    found = waits_on_locked (dl, worker, PROC_STARTING);
  g_mutex_unlock (&dl->lock);
  return found >= 0;
}

/* The busy worker @worker's process waits for (the same way), from the
 * latest sample. Returns: (transfer full) (nullable): it */
GstElement *
gst_worker_deadlock_waits_on_busy (GstWorkerDeadlock * dl,
    GstElement * worker)
{
  GstElement *busy = NULL;
  gint found;

  g_mutex_lock (&dl->lock);
  found = waits_on_locked (dl, worker, PROC_BUSY);
  if (found >= 0) {
    Proc *p = g_ptr_array_index (dl->procs, found);

    for (guint i = 0; i < p->workers->len && !busy; i++) {
      GstElement *w = g_ptr_array_index (p->workers, i);

      if (gst_worker_get_state (GST_WORKER (w)) == GST_WORKER_STATE_BUSY)
        busy = gst_object_ref (w);
    }
  }
  g_mutex_unlock (&dl->lock);
  return busy;
}

/**
 * gst_worker_deadlock_explain:
 * @worker: a worker element
 *
 * Follows the waits from @worker's process, from the latest sample: "a2
 * waits to write q2 (full: 3/3 buffers), read by out, which is paused".
 *
 * Returns: (transfer full) (nullable): the chain of waits, or %NULL if
 * @worker is in no process or nothing was sampled
 */
gchar *
gst_worker_deadlock_explain (GstWorkerDeadlock * dl, GstElement * worker)
{
  GString *text;
  gint pi;
  gboolean *seen;
  guint guard = 0;

  g_mutex_lock (&dl->lock);
  if ((pi = sampled_proc_locked (dl, worker)) < 0) {
    g_mutex_unlock (&dl->lock);
    return NULL;
  }
  seen = g_new0 (gboolean, dl->procs->len);
  text = g_string_new (NULL);
  while (pi >= 0 && guard++ <= dl->procs->len) {
    Proc *p = g_ptr_array_index (dl->procs, pi);

    if (seen[pi]) {
      g_string_append (text, ", which closes the cycle");
      break;
    }
    seen[pi] = TRUE;
    if (!p->waits->len) {
      if (text->len)
        g_string_append (text, ", which ");
      else
        g_string_append_printf (text, "%s ", p->name);
      if (p->state == PROC_BLOCKED)
        g_string_append_printf (text, "is blocked on %s", p->blocked_on);
      else
        g_string_append_printf (text, "is %s", proc_state_names[p->state]);
      break;
    }
    if (text->len)
      g_string_append (text, ", which: ");
    append_wait (text, dl, p, &g_array_index (p->waits, Wait, 0));
    pi = wait_peer (dl, &g_array_index (p->waits, Wait, 0));
  }
  g_free (seen);
  g_mutex_unlock (&dl->lock);
  return g_string_free (text, FALSE);
}
