/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's watchdog (see gstworkerwatchdog.h): each worker's
 * latest heartbeat and rate, lost and stalled, and the checks that change
 * them. Its timer, a source of the controller's context, is due at the
 * next moment anything can change without a heartbeat; the controller
 * runs the checks then and emits worker-stalled, worker-lost and
 * worker-recovered for the events they return. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerwatchdog.h"
#include "gstworkervalue.h"
#include "gstworkerenums.h"

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

/* One worker, by its index in the topology. */
typedef struct
{
  GstStructure *heartbeat;      /* latest, or NULL */
  gint64 heartbeat_at;          /* monotonic us: latest, or run start */
  guint64 rate_items;
  gint64 rate_at;
  gdouble rate;                 /* items-in per second */
  gboolean lost;
  gint64 awaited_at;            /* monotonic us: the first look that found
                                 * it due to be lost with heartbeats posted
                                 * and not handled (0: none since the last
                                 * one handled) */
  gboolean stalled;
  gboolean starting;            /* its child process started, at the last
                                 * look (a process replica) */
  gboolean deaf;                /* blocked at the last look: deaf to its
                                 * child (a process replica) */
  gint64 heard_at;              /* monotonic us: the first look that found
                                 * it no longer deaf (0: none) */
  GHashTable *children;         /* the workers in its child process (a
                                 * processreplica's), "REPLICA/NAME" ->
                                 * CHILD_LOST | CHILD_STALLED, or NULL */
} WatchRec;

#define CHILD_LOST 1
#define CHILD_STALLED 2

struct _GstWorkerWatchdog
{
  GstWorkerTopology *topology;  /* not owned; outlives the watchdog */
  GstWorkerDeadlock *deadlock;  /* not owned; outlives the watchdog: its
                                 * wait-for graph tells who waits for a
                                 * pause */
  GPtrArray *workers;           /* the topology's WorkerRec; fixed */

  GMutex lock;                  /* taken after the controller's object
                                 * lock, never before it */
  /* protected by lock */
  WatchRec *recs;               /* one per worker, with room for those a
                                 * reshape adds */
  gint64 resumed_at;            /* monotonic us: a worker was resumed */
  gint64 system_resumed_at;     /* monotonic us: the whole system was
                                 * resumed (0: never this run) */
  guint n_recs;                 /* fixed: the room */

  GSource *timer;               /* set by worker_watchdog_attach(), cleared
                                 * by worker_watchdog_detach(); its ready
                                 * time (GLib locks it) is the next check */
};

GstWorkerWatchdog *
worker_watchdog_new (GstWorkerTopology * topology,
    GstWorkerDeadlock * deadlock)
{
  GstWorkerWatchdog *wd = g_new0 (GstWorkerWatchdog, 1);

  wd->topology = topology;
  wd->deadlock = deadlock;
  wd->workers = worker_topology_workers (topology);
  wd->n_recs = wd->workers->len + WORKER_TOPOLOGY_SPARE + 1;
  wd->recs = g_new0 (WatchRec, wd->n_recs);
  g_mutex_init (&wd->lock);
  return wd;
}

void
worker_watchdog_free (GstWorkerWatchdog * wd)
{
  guint i;

  for (i = 0; i < wd->n_recs; i++) {
    g_clear_pointer (&wd->recs[i].heartbeat, gst_structure_free);
    g_clear_pointer (&wd->recs[i].children, g_hash_table_unref);
  }
  g_free (wd->recs);
  g_mutex_clear (&wd->lock);
  g_free (wd);
}

/* ---------------------------------------------------------------------- */
/* the timer */

static gboolean
timer_dispatch (GSource * source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  NULL, NULL, timer_dispatch, NULL, NULL, NULL
};

/* The watchdog's timer, a source of @context that calls @fire (@data) when
 * a check is due: the owner gathers what the checks need and calls
 * worker_watchdog_run(). Asleep until worker_watchdog_wake(). */
void
worker_watchdog_attach (GstWorkerWatchdog * wd, GMainContext * context,
    GSourceFunc fire, gpointer data)
{
  wd->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (wd->timer, fire, data, NULL);
  g_source_set_ready_time (wd->timer, -1);
  g_source_attach (wd->timer, context);
}

/* The timer is destroyed: no check fires any more. */
void
worker_watchdog_detach (GstWorkerWatchdog * wd)
{
  if (wd->timer) {
    g_source_destroy (wd->timer);
    g_clear_pointer (&wd->timer, g_source_unref);
  }
}

/* Brings the next check forward to @at (monotonic us). */
void
worker_watchdog_wake (GstWorkerWatchdog * wd, gint64 at)
{
  gint64 cur;

  if (!wd->timer)
    return;
  cur = g_source_get_ready_time (wd->timer);
  if (cur < 0 || at < cur)
    g_source_set_ready_time (wd->timer, MAX (at, 0));
}

/* No check until worker_watchdog_wake(). */
void
worker_watchdog_sleep (GstWorkerWatchdog * wd)
{
  if (wd->timer)
    g_source_set_ready_time (wd->timer, -1);
}

/* ---------------------------------------------------------------------- */
/* events */

static void
watch_event_free (WorkerWatchEvent * ev)
{
  g_free (ev->worker);
  g_free (ev->blocked_on);
  g_free (ev);
}

static GPtrArray *
watch_events_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) watch_event_free);
}

/* A state's nick: "busy", "blocked". */
static const gchar *
state_nick (GstWorkerState state)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_WORKER_STATE);
  GEnumValue *v = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return v ? v->value_nick : "unknown";
}

/* What a stalled or lost event says of its worker, in words: "busy for
 * 1.0 s", "blocked for 5.2 s on full queue q", "no heartbeat for 3.0 s
 * (last state busy)". */
gchar *
worker_watch_event_describe (const WorkerWatchEvent * ev)
{
  gdouble secs = (gdouble) ev->duration / GST_SECOND;

  if (ev->type == WORKER_WATCH_LOST)
    return g_strdup_printf ("no heartbeat for %.1f s (last state %s)", secs,
        state_nick (ev->state));
  if (ev->blocked_on)
    return g_strdup_printf ("%s for %.1f s on full queue %s",
        state_nick (ev->state), secs, ev->blocked_on);
  return g_strdup_printf ("%s for %.1f s", state_nick (ev->state), secs);
}

/* A new run: no heartbeat yet, none lost or stalled, heartbeats due from
 * now. */
void
worker_watchdog_reset (GstWorkerWatchdog * wd)
{
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_mutex_lock (&wd->lock);
  wd->resumed_at = wd->system_resumed_at = 0;
  for (i = 0; i < wd->workers->len; i++) {
    WatchRec *w = &wd->recs[i];

    if (w->heartbeat)
      gst_structure_free (w->heartbeat);
    w->heartbeat = NULL;
    w->heartbeat_at = now;
    w->awaited_at = 0;
    w->rate = 0;
    w->rate_items = 0;
    w->rate_at = now;
    w->lost = w->stalled = w->starting = w->deaf = FALSE;
    w->heard_at = 0;
    g_clear_pointer (&w->children, g_hash_table_unref);
  }
  g_mutex_unlock (&wd->lock);
}

/* @w joined the running system (a reshape): its heartbeats are due from
 * now on. */
void
worker_watchdog_add (GstWorkerWatchdog * wd, WorkerRec * w)
{
  gint64 now = g_get_monotonic_time ();
  WatchRec *h = &wd->recs[w->index];

  g_mutex_lock (&wd->lock);
  h->heartbeat_at = h->rate_at = now;
  h->awaited_at = 0;
  g_mutex_unlock (&wd->lock);
}

/* A paused worker was resumed: those blocked behind it waited for a
 * pause until now, and are stalled only if still blocked stall-timeout
 * from now (their state-time counts the pause). */
void
worker_watchdog_resumed (GstWorkerWatchdog * wd)
{
  g_mutex_lock (&wd->lock);
  wd->resumed_at = g_get_monotonic_time ();
  g_mutex_unlock (&wd->lock);
}

/* The whole system was resumed (or drains after a pause): every wait,
 * busy or blocked, that spanned the pause counts from now; a paused
 * system is not stalled. */
void
worker_watchdog_system_resumed (GstWorkerWatchdog * wd)
{
  g_mutex_lock (&wd->lock);
  wd->system_resumed_at = g_get_monotonic_time ();
  g_mutex_unlock (&wd->lock);
}

/* How long a worker has been busy or blocked (@state_time, as its stats
 * say) as the watchdog counts it: not before the system's resume. With
 * wd->lock. */
static GstClockTime
since_system_resume_locked (GstWorkerWatchdog * wd, GstClockTime state_time,
    gint64 now)
{
  if (wd->system_resumed_at)
    state_time = MIN (state_time,
        (GstClockTime) (now - wd->system_resumed_at) * GST_USECOND);
  return state_time;
}

/* The system went to PLAYING: heartbeats are due from now on. */
void
worker_watchdog_playing (GstWorkerWatchdog * wd)
{
  gint64 now = g_get_monotonic_time ();
  guint i;

  g_mutex_lock (&wd->lock);
  for (i = 0; i < wd->workers->len; i++) {
    wd->recs[i].heartbeat_at = now;
    wd->recs[i].awaited_at = 0;
  }
  g_mutex_unlock (&wd->lock);
}

gint64
worker_min_deadline (gint64 a, gint64 b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return MIN (a, b);
}

/* A heartbeat @s of @w: keeps it, updates the rate, and brings the timer
 * forward to when the watchdog must look at @w next. Returns: whether the
 * worker was lost (it recovered). */
gboolean
worker_watchdog_heartbeat (GstWorkerWatchdog * wd, WorkerRec * rec,
    const GstStructure * s, const WorkerWatchTimeouts * t)
{
  gboolean recovered = FALSE;
  gint64 now = g_get_monotonic_time (), due = -1;
  guint64 items_in = worker_stats_u64 (s, "items-in");
  GstWorkerState state = worker_stats_state (s);
  GstClockTime state_time = worker_stats_time (s, "state-time");
  WatchRec *w = &wd->recs[rec->index];

  g_mutex_lock (&wd->lock);
  state_time = since_system_resume_locked (wd, state_time, now);
  if (w->heartbeat)
    gst_structure_free (w->heartbeat);
  w->heartbeat = gst_structure_copy (s);
  w->heartbeat_at = now;
  w->awaited_at = 0;
  if (now > w->rate_at && items_in >= w->rate_items) {
    w->rate = (items_in - w->rate_items) * 1e6 / (now - w->rate_at);
  }
  w->rate_items = items_in;
  w->rate_at = now;
  if (w->lost) {
    w->lost = FALSE;
    recovered = TRUE;
  }
  if (t->stall_timeout && !w->stalled && (state == GST_WORKER_STATE_BUSY
          || state == GST_WORKER_STATE_BLOCKED))
    due = now + ((gint64) t->stall_timeout * GST_MSECOND -
        (gint64) state_time) / 1000;
  /* a stalled worker that waits no more, or whose wait began since (it
   * went on, then waits again: a child the stall policy restarted that
   * hangs again at once) is looked at now: recovered, then watched
   * afresh */
  else if (w->stalled && ((state != GST_WORKER_STATE_BUSY &&
              state != GST_WORKER_STATE_BLOCKED) || (t->stall_timeout &&
              state_time < t->stall_timeout * GST_MSECOND)))
    due = now;
  if (t->heartbeat_timeout)
    due = worker_min_deadline (due, now + (gint64) t->heartbeat_timeout * 1000);
  g_mutex_unlock (&wd->lock);
  if (due >= 0)
    worker_watchdog_wake (wd, due);
  return recovered;
}

/* Gives every worker @interval ms between heartbeats (0: each keeps its
 * own), and warns, as @owner, of a worker that beats too seldom to be
 * heard within @timeout ms (0: none). */
void
worker_watchdog_set_interval (GstWorkerWatchdog * wd, GstObject * owner,
    guint interval, guint timeout)
{
  guint i;

  for (i = 0; i < wd->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (wd->workers, i);
    guint own;

    if (interval)
      g_object_set (w->element, "heartbeat-interval", interval, NULL);
    g_object_get (w->element, "heartbeat-interval", &own, NULL);
    if (timeout && own >= timeout)
      GST_WARNING_OBJECT (owner, "worker %s beats every %u ms, not within "
          "heartbeat-timeout (%u ms): it will be reported lost", w->name,
          own, timeout);
  }
}

/* The latest heartbeat of @w this run (a copy), or NULL. */
GstStructure *
worker_watchdog_dup_heartbeat (GstWorkerWatchdog * wd, WorkerRec * w)
{
  GstStructure *s = NULL;

  g_mutex_lock (&wd->lock);
  if (wd->recs[w->index].heartbeat)
    s = gst_structure_copy (wd->recs[w->index].heartbeat);
  g_mutex_unlock (&wd->lock);
  return s;
}

/* Adds to a worker's status structure what the watchdog knows of it:
 * rate, heartbeats, heartbeat-age (none unless @playing), lost, stalled. */
void
worker_watchdog_add_status (GstWorkerWatchdog * wd, WorkerRec * w,
    GstStructure * s, gboolean playing)
{
  WatchRec *h = &wd->recs[w->index];
  guint64 seq = 0;

  g_mutex_lock (&wd->lock);
  if (h->heartbeat)
    gst_structure_get_uint64 (h->heartbeat, "seq", &seq);
  gst_structure_set (s, "rate", G_TYPE_DOUBLE, h->rate,
      "heartbeats", G_TYPE_UINT64, h->heartbeat ? seq + 1 : 0,
      "heartbeat-age", GST_TYPE_CLOCK_TIME, playing ?
      (GstClockTime) (g_get_monotonic_time () - h->heartbeat_at) *
      GST_USECOND : GST_CLOCK_TIME_NONE,
      "lost", G_TYPE_BOOLEAN, h->lost,
      "stalled", G_TYPE_BOOLEAN, h->stalled, NULL);
  g_mutex_unlock (&wd->lock);
}

/* Whether @w is paused, or (a process replica) waits for a worker paused
 * inside its child, or for its child process to start (after a crash: a
 * Python child takes seconds), which holds what waits behind it as a
 * pause does (@s: @w's stats) */
static gboolean
worker_is_paused (WorkerRec * w, const GstStructure * s)
{
  return gst_worker_get_paused (GST_WORKER (w->element)) ||
      worker_stats_state (s) == GST_WORKER_STATE_PAUSED ||
      worker_stats_state (s) == GST_WORKER_STATE_STARTING ||
      worker_stats_child_paused (s);
}

/* A child process that started since the last look: the waits behind it
 * count from now, as after a resume. */
static void
note_started (GstWorkerWatchdog * wd, gint64 now)
{
  for (guint i = 0; i < wd->workers->len; i++) {
    WorkerRec *rec = g_ptr_array_index (wd->workers, i);
    gboolean starting = !worker_rec_is_retired (rec) &&
        gst_worker_get_state (GST_WORKER (rec->element)) ==
        GST_WORKER_STATE_STARTING;

    g_mutex_lock (&wd->lock);
    if (wd->recs[i].starting && !starting)
      wd->resumed_at = now;
    wd->recs[i].starting = starting;
    g_mutex_unlock (&wd->lock);
  }
}

/* Whether the idle @r is a part of a workerpool one of whose replicas
 * starts: the thread of the full queue @r reads waits inside the pool
 * for that child (a pool inserted while the system runs: the stream's
 * caps go in before any item, E11), as an item would. */
static gboolean
pool_part_waits_start (GstWorkerWatchdog * wd, WorkerRec * r,
    const GstStructure * s)
{
  GstElement *pool = worker_stats_state (s) == GST_WORKER_STATE_IDLE ?
      worker_topology_pool_of (r->element) : NULL;
  gboolean ret = FALSE;

  for (guint i = 0; pool && i < wd->workers->len && !ret; i++) {
    WorkerRec *rec = g_ptr_array_index (wd->workers, i);
    GstElement *of;

    if (worker_rec_is_retired (rec) || gst_worker_get_state (GST_WORKER
            (rec->element)) != GST_WORKER_STATE_STARTING)
      continue;
    of = worker_topology_pool_of (rec->element);
    ret = of == pool;
    gst_clear_object (&of);
  }
  gst_clear_object (&pool);
  return ret;
}

/* A worker blocked on a full queue is waiting for a pause when the chain of
 * full queues it waits on ends at a paused worker. */
static gboolean
blocked_by_pause (GstWorkerWatchdog * wd, const gchar * queue_name, guint depth)
{
  QueueRec *q = worker_topology_find_queue_by_name (wd->topology,
      queue_name);
  GPtrArray *readers;
  gboolean ret = FALSE;
  guint i;

  if (!q || depth > 16)
    return FALSE;
  readers = worker_topology_dup_readers (wd->topology, q);

  for (i = 0; i < readers->len && !ret; i++) {
    WorkerRec *r = g_ptr_array_index (readers, i);
    GstStructure *s = gst_worker_get_stats (GST_WORKER (r->element));

    if (worker_is_paused (r, s) || pool_part_waits_start (wd, r, s))
      ret = TRUE;
    else if (worker_stats_state (s) == GST_WORKER_STATE_BLOCKED)
      ret = blocked_by_pause (wd, gst_structure_get_string (s, "blocked-on"),
          depth + 1);
    gst_structure_free (s);
  }
  g_ptr_array_unref (readers);
  return ret;
}

static void
add_event (GPtrArray * events, WorkerWatchEventType type, const gchar * name,
    GstWorkerState state, GstClockTime duration, const gchar * blocked_on,
    gboolean was_lost)
{
  WorkerWatchEvent *ev = g_new0 (WorkerWatchEvent, 1);

  ev->type = type;
  ev->worker = g_strdup (name);
  ev->state = state;
  ev->duration = duration;
  ev->blocked_on = g_strdup (blocked_on);
  ev->was_lost = was_lost;
  g_ptr_array_add (events, ev);
}

/* The workers in @rec's child process (@s: @rec's stats, a processreplica's
 * `child-workers`, and `child-stats-age`, how old they are): stalled as
 * any worker (busy or blocked past stall-timeout), lost when the child has
 * not answered for heartbeat-timeout (a hung or stopped process), unless
 * @rec is blocked on a full queue (its reader waits there and reads
 * nothing of the child meanwhile: no news is no sign). Events name them
 * "REPLICA/NAME"; with wd->lock. Returns the next time to look (-1:
 * none). */
static gint64
check_children_locked (GstWorkerWatchdog * wd, WatchRec * w, WorkerRec * rec,
    const GstStructure * s, const WorkerWatchTimeouts * t, gint64 now,
    GPtrArray * events)
{
  const GValue *children = gst_structure_get_value (s, "child-workers");
  gboolean has_age = gst_structure_has_field (s, "child-stats-age");
  GstClockTime age = worker_stats_time (s, "child-stats-age");
  gboolean deaf = worker_stats_state (s) == GST_WORKER_STATE_BLOCKED;
  gint64 timeout_us = (gint64) t->heartbeat_timeout * 1000;
  gboolean child_lost = t->heartbeat_timeout && has_age &&
      age >= t->heartbeat_timeout * GST_MSECOND;
  gint64 next = -1;

  if (!children || !GST_VALUE_HOLDS_ARRAY (children))
    return -1;
  if (!w->children)
    w->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        NULL);
  /* the time it was deaf is no silence of the child's: after a wait on a
   * full queue the child has heartbeat-timeout to be heard again (its
   * backlog is read once the wait ends, a moment after its state says
   * so: issue 13, S6-1) */
  if (!deaf && w->deaf)
    w->heard_at = now;
  w->deaf = deaf;
  if (deaf) {
    /* no news is no sign (below) */
  } else if (child_lost && w->heard_at && now - w->heard_at < timeout_us) {
    child_lost = FALSE;
    next = w->heard_at + timeout_us;
  } else if (t->heartbeat_timeout && has_age && !child_lost)
    next = now + (gint64) (t->heartbeat_timeout * GST_MSECOND - age) / 1000;

  for (guint i = 0; i < gst_value_array_get_size (children); i++) {
    const GValue *v = gst_value_array_get_value (children, i);
    const GstStructure *c;
    GstWorkerState state;
    GstClockTime state_time;
    const gchar *blocked_on;
    gboolean long_wait;
    gchar *name, *on = NULL;
    guint flags;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    c = gst_value_get_structure (v);
    state = worker_stats_state (c);
    state_time = since_system_resume_locked (wd, worker_stats_time (c,
            "state-time"), now);
    blocked_on = gst_structure_get_string (c, "blocked-on");
    name = g_strdup_printf ("%s/%s", rec->name,
        gst_structure_get_string (c, "worker"));
    flags = GPOINTER_TO_UINT (g_hash_table_lookup (w->children, name));
    if (blocked_on)
      on = g_strdup_printf ("%s/%s", rec->name, blocked_on);

    /* its child answers no more: its heartbeats stopped */
    if (deaf) {
      /* as it was, until it can hear its child again */
    } else if (child_lost && !(flags & CHILD_LOST)) {
      flags |= CHILD_LOST;
      add_event (events, WORKER_WATCH_LOST, name, state, age, NULL, FALSE);
    } else if (!child_lost && (flags & CHILD_LOST)) {
      flags &= ~CHILD_LOST;
      add_event (events, WORKER_WATCH_RECOVERED, name, state, 0, NULL, TRUE);
    }
    /* a paused worker is not stalled; nor is one blocked inside the child
     * (its queues are not the controller's to follow) */
    long_wait = t->stall_timeout && state == GST_WORKER_STATE_BUSY &&
        state_time >= t->stall_timeout * GST_MSECOND;
    if (long_wait && !(flags & CHILD_STALLED)) {
      flags |= CHILD_STALLED;
      add_event (events, WORKER_WATCH_STALLED, name, state, state_time, on,
          FALSE);
    } else if (!long_wait && (flags & CHILD_STALLED)) {
      flags &= ~CHILD_STALLED;
      add_event (events, WORKER_WATCH_RECOVERED, name, state, 0, NULL, FALSE);
    }
    if (!long_wait && t->stall_timeout && state == GST_WORKER_STATE_BUSY)
      next = worker_min_deadline (next,
          now + (gint64) (t->stall_timeout * GST_MSECOND - state_time) / 1000);
    g_hash_table_insert (w->children, name, GUINT_TO_POINTER (flags));
    g_free (on);
  }
  return next;
}

/* Whether blocked @w waits for a paused worker: along the full queues it
 * waits on (blocked_by_pause()), or through any element between them (a
 * pool's collector waits for the output of one replica, which waits for a
 * paused worker), as the wait-for graph sees it. @sampled: whether the
 * graph was sampled in this check. */
static gboolean
waits_on_pause (GstWorkerWatchdog * wd, WorkerRec * w, const gchar * blocked_on,
    gboolean * sampled)
{
  if (blocked_by_pause (wd, blocked_on, 0))
    return TRUE;
  if (!wd->deadlock)
    return FALSE;
  if (!*sampled) {
    gst_worker_deadlock_sample (wd->deadlock);
    *sampled = TRUE;
  }
  return gst_worker_deadlock_waits_on_pause (wd->deadlock, w->element);
}

/* A blocked @w that waits for a busy worker (its wait chain ends there:
 * a source blocked on the full queue of a hung worker) is stalled only
 * once that busy worker is: the root is reported first, and a stall
 * policy acts on it, however close the two waits began. A @w whose wait
 * ended since its stats were read (the sample finds it busy, its own
 * root, no longer blocked: a2 blocked on q2, then busy on its next item)
 * is looked at again too: its stats were stale. Returns: whether @w's
 * stall waits for its root's, or for a fresh look. */
static gboolean
root_not_yet_stalled (GstWorkerWatchdog * wd, WorkerRec * w,
    gboolean * sampled)
{
  GstElement *busy;
  WorkerRec *root;
  gboolean wait = FALSE;

  if (!wd->deadlock)
    return FALSE;
  if (!*sampled) {
    gst_worker_deadlock_sample (wd->deadlock);
    *sampled = TRUE;
  }
  busy = gst_worker_deadlock_waits_on_busy (wd->deadlock, w->element);
  if (!busy)
    return FALSE;
  root = worker_topology_find_worker_by_element (wd->topology,
      GST_OBJECT (busy));
  if (root && root != w) {
    g_mutex_lock (&wd->lock);
    wait = !wd->recs[root->index].stalled;
    g_mutex_unlock (&wd->lock);
  } else if (root == w) {
    wait = gst_worker_get_state (GST_WORKER (w->element)) !=
        GST_WORKER_STATE_BLOCKED;
  }
  gst_object_unref (busy);
  return wait;
}

/* Whether @s, a worker's stats now, says it posted heartbeats that @w has
 * not handled (with the lock): they wait on the bus behind a controller's
 * thread held up (a loaded machine), the worker is not lost. */
static gboolean
heartbeats_on_the_way_locked (const WatchRec * w, const GstStructure * s)
{
  guint64 posted = 0, seq = 0;

  if (!gst_structure_get_uint64 (s, "heartbeats-posted", &posted))
    return FALSE;
  if (w->heartbeat && !gst_structure_get_uint64 (w->heartbeat, "seq", &seq))
    return FALSE;
  return posted > (w->heartbeat ? seq + 1 : 0);
}

/* How soon a stall waiting for its root's is looked at again. */
#define ROOT_CHECK_US (10 * G_TIME_SPAN_MILLISECOND)

/* How often a prerolling system is looked at: no heartbeat brings the
 * next check forward then. */
#define PREROLL_CHECK_US (100 * G_TIME_SPAN_MILLISECOND)

/* Checks every worker while the system runs (or prerolls, with
 * @t->playing %FALSE: a worker busy on its first item, loading a model or
 * waiting for a camera, stalls there too); adds the events to @events
 * and returns the next time anything can change without a heartbeat (-1:
 * none). */
static gint64
check_workers (GstWorkerWatchdog * wd, const WorkerWatchTimeouts * t,
    GPtrArray * events)
{
  gint64 now = g_get_monotonic_time (), next = -1;
  guint hb_timeout = t->playing ? t->heartbeat_timeout : 0;
  guint stall_timeout = t->stall_timeout;
  gboolean sampled = FALSE;
  GstClockTime since_resume;
  /* for the children: no heartbeats are due while prerolling */
  WorkerWatchTimeouts ct = *t;
  guint i;

  ct.heartbeat_timeout = hb_timeout;

  note_started (wd, now);
  g_mutex_lock (&wd->lock);
  since_resume = wd->resumed_at ?
      (GstClockTime) (now - wd->resumed_at) * GST_USECOND :
      GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&wd->lock);

  /* while prerolling, a worker may become busy at any time */
  if (!t->playing && stall_timeout)
    next = now + MIN ((gint64) stall_timeout * 1000 / 4, PREROLL_CHECK_US);

  for (i = 0; i < wd->workers->len; i++) {
    WorkerRec *rec = g_ptr_array_index (wd->workers, i);
    WatchRec *w = &wd->recs[i];
    GstStructure *s = gst_worker_get_stats (GST_WORKER (rec->element));
    GstWorkerState state = worker_stats_state (s);
    GstClockTime state_time = worker_stats_time (s, "state-time");
    const gchar *blocked_on = gst_structure_get_string (s, "blocked-on");
    gboolean long_wait, excused = FALSE, deferred = FALSE, pushing = FALSE;
    guint interval;
    WorkerWatchEvent *ev = NULL;

    /* a worker a reshape took out beats no more */
    if (worker_rec_is_retired (rec)) {
      gst_structure_free (s);
      continue;
    }
    g_object_get (rec->element, "heartbeat-interval", &interval, NULL);
    /* a wait that began behind a pause (or a child's start) counts from
     * the resume: a blocked worker's; a process replica's busy waiting for
     * its child (a pause in there); a worker's busy pushing into the
     * elements after it in its thread (a source with no queue before a
     * replica whose child just started) */
    gst_structure_get_boolean (s, "pushing", &pushing);
    if (state == GST_WORKER_STATE_BLOCKED || (state == GST_WORKER_STATE_BUSY
            && (pushing || gst_structure_has_field (s, "child-workers"))))
      state_time = MIN (state_time, since_resume);
    g_mutex_lock (&wd->lock);
    state_time = since_system_resume_locked (wd, state_time, now);
    g_mutex_unlock (&wd->lock);
    /* while prerolling, blocked is waiting for the sinks to preroll */
    long_wait = stall_timeout && (state == GST_WORKER_STATE_BUSY ||
        (t->playing && state == GST_WORKER_STATE_BLOCKED)) &&
        state_time >= stall_timeout * GST_MSECOND;
    if (long_wait && state == GST_WORKER_STATE_BLOCKED)
      excused = waits_on_pause (wd, rec, blocked_on, &sampled);
    /* a process replica waiting for a worker paused in its child; a
     * worker busy pushing into the elements after it in its thread (a
     * source with no queue before a pool) that wait for a pause or a
     * child's start */
    else if (long_wait && state == GST_WORKER_STATE_BUSY)
      excused = worker_stats_child_paused (s) ||
          (pushing && waits_on_pause (wd, rec, NULL, &sampled));
    if (long_wait && !excused && state == GST_WORKER_STATE_BLOCKED &&
        !w->stalled && root_not_yet_stalled (wd, rec, &sampled)) {
      long_wait = FALSE;
      deferred = TRUE;
      next = worker_min_deadline (next, now + ROOT_CHECK_US);
    }

    g_mutex_lock (&wd->lock);
    /* a worker recorded a moment ago (a reshape, a pool's new replica),
     * before worker_watchdog_add(): its heartbeats are due from now */
    if (!w->heartbeat_at)
      w->heartbeat_at = w->rate_at = now;
    /* lost: heartbeats stopped (not when they were posted and wait to be
     * handled, for another heartbeat-timeout at most) */
    if (hb_timeout && interval) {
      gint64 due = w->heartbeat_at + (gint64) hb_timeout * 1000;

      if (!w->lost && now >= due && heartbeats_on_the_way_locked (w, s) &&
          (!w->awaited_at ||
              now < w->awaited_at + (gint64) hb_timeout * 1000)) {
        if (!w->awaited_at)
          w->awaited_at = now;
        /* (a heartbeat handled wakes the timer) */
        next = worker_min_deadline (next, w->awaited_at +
            (gint64) hb_timeout * 1000);
      } else if (!w->lost && now >= due) {
        w->lost = TRUE;
        ev = g_new0 (WorkerWatchEvent, 1);
        ev->type = WORKER_WATCH_LOST;
        ev->worker = g_strdup (rec->name);
        ev->state = state;
        ev->duration = (now - w->heartbeat_at) * GST_USECOND;
        g_ptr_array_add (events, ev);
      } else if (!w->lost) {
        next = worker_min_deadline (next, due);
      }
    }

    /* stalled: busy or blocked for too long */
    if (long_wait && !excused && !w->stalled) {
      w->stalled = TRUE;
      ev = g_new0 (WorkerWatchEvent, 1);
      ev->type = WORKER_WATCH_STALLED;
      ev->worker = g_strdup (rec->name);
      ev->state = state;
      ev->duration = state_time;
      ev->blocked_on = g_strdup (blocked_on);
      g_ptr_array_add (events, ev);
    } else if (!long_wait && !deferred && w->stalled) {
      w->stalled = FALSE;
      ev = g_new0 (WorkerWatchEvent, 1);
      ev->type = WORKER_WATCH_RECOVERED;
      ev->worker = g_strdup (rec->name);
      g_ptr_array_add (events, ev);
    }
    if (!long_wait && !deferred && stall_timeout &&
        (state == GST_WORKER_STATE_BUSY || state == GST_WORKER_STATE_BLOCKED))
      next =
          worker_min_deadline (next,
          now + (gint64) (stall_timeout * GST_MSECOND - state_time) / 1000);
    /* the workers in its child process, if it has one */
    next = worker_min_deadline (next, check_children_locked (wd, w, rec, s, &ct,
            now, events));
    g_mutex_unlock (&wd->lock);
    gst_structure_free (s);
  }
  return next;
}

/* The checks the timer fired for: with @t, those of check_workers(), and
 * the timer set for the next; without @t (the system does not run, or is
 * paused), none, and the timer asleep. Returns: the events
 * (WorkerWatchEvent), for the owner to signal. */
GPtrArray *
worker_watchdog_run (GstWorkerWatchdog * wd, const WorkerWatchTimeouts * t)
{
  GPtrArray *events = watch_events_new ();
  gint64 next = t ? check_workers (wd, t, events) : -1;

  if (wd->timer)
    g_source_set_ready_time (wd->timer, next);
  return events;
}
