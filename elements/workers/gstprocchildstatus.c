/* gst-workers: what a process replica knows of the workers in its child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * The workers inside a processreplica's child are seen from the parent
 * through this object: the child's answer to a stats query (every worker
 * there, its queues' levels and the element its items go into), the
 * heartbeats of its workers, and when it last answered. The query runs on
 * a thread of its own, one at a time: a read of the replica's stats takes
 * the last answer at once while it is fresh (STATS_FRESH), the answer to
 * the query it sends is for the next read; else it waits for the answer
 * at most STATS_TIMEOUT after the query went out (after the child's EOS,
 * for its final counts: until the query's end, once), then takes the last
 * answer; while a query is unanswered (the child is
 * stopped, or the replica's reader is held by a full queue downstream), a
 * read takes the last answer at once, so a controller reading the stats on
 * its main loop is never held by a child (issue 13, B15/B21); a heartbeat
 * (the clock's thread) and a read while the replica's reader pushes never
 * wait. The replica adds them to its stats (`child-workers`,
 * `child-queues`, `child-entry`, `child-stats-age`, `child-state`,
 * `child-items-in`, `child-items-out`), from which a controller lists the
 * workers inside as its own ("REPLICA/NAME"), accounts for what they hold
 * and watches them. A controller's pause of a worker inside goes to the
 * child the same way (gst_proc_child_status_forward_pause()), and so does
 * a set of a property there (gst_proc_child_status_forward_set()). Both
 * are kept and given to every new child before any item (a child started
 * again after a crash, and one still starting: a pause or set asked while
 * the child starts is queued for it, answered at once, and a refusal
 * then is a WARNING of the replica).
 *
 * It holds no reference to the replica, nor to a channel: the replica
 * gives it the channel of each new child (gst_proc_child_status_start())
 * and the channel to ask; an answer that comes from a child no longer
 * current is kept, but does not make the current one look alive.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gstprocchildstatus.h"

/* How long a stats call waits for the child's answer (then: its last) */
#define STATS_TIMEOUT (100 * G_TIME_SPAN_MILLISECOND)
/* How old the last answer may be for a stats call to take it at once
 * (asking again in the background): a controller's watchdog reads every
 * worker's stats at every tick, its status too, on its main loop */
#define STATS_FRESH (2 * G_TIME_SPAN_SECOND)
/* How long the asking thread waits for the child's answer (then it ends;
 * the next read asks again) */
#define ASK_TIMEOUT (5 * G_TIME_SPAN_SECOND)
/* How long a pause of a worker inside (or a set of a property there)
 * waits for the child's answer */
#define PAUSE_TIMEOUT (5 * G_TIME_SPAN_SECOND)
/* ... unless the replica's reader of the child's messages has been this
 * long in one push of an output (into a full queue, a paused worker): the
 * answer can come only once it moves, so it is not waited for longer;
 * the child still gets the query and does what it asks (a freeze instead
 * relieves such a reader: it passes nothing on) */
#define HELD_MS 200

struct _GstProcChildStatus
{
  gint refs;                    /* atomic: the replica's, the asking
                                 * thread's */
  GMutex lock;
  GCond cond;                   /* an answer came, or the asking ended */
  /* protected by lock */
  gboolean asking;              /* a query is out (its thread runs) */
  gint64 asked_at;              /* monotonic us it went out */
  GstProcChannel *current;      /* not reffed, only compared: the channel
                                 * of the child there is */
  GstStructure *heartbeat;      /* the last of the child's workers' */
  GHashTable *beats;            /* worker name -> Beat: the last heartbeat
                                 * of each worker in a child (the one
                                 * before, while a child restarts) */
  GValue workers;               /* GST_TYPE_ARRAY: the child's last answer
                                 * to a stats query, or unset */
  GValue queues;                /* GST_TYPE_ARRAY: the same answer's queues
                                 * ("queue, name=, items="), or unset */
  gchar *entry;                 /* the same answer's entry element */
  GValue others;                /* GST_TYPE_ARRAY: a frozen answer's other
                                 * elements holding items ("element, name=,
                                 * items="), or unset */
  gboolean frozen;              /* that answer is the current child's
                                 * answer to a freeze (exact; it stands) */
  guint64 input_held;           /* a frozen answer's `input-held` */
  guint64 input_failed;         /* ... and its `input-failed` */
  guint64 received_id;          /* ... and its `received-id` */
  gboolean discarding;          /* a freeze was asked: the child's outputs
                                 * are not passed on any more */
  guint64 discarded;            /* outputs not passed on so (this run) */
  GPid pid;                     /* the child's, as last asked */
  gint64 workers_at;            /* monotonic us that answer came */
  gint64 ended_at;              /* monotonic us the current child's EOS
                                 * came, 0: none (an answer before it is
                                 * not its final counts) */
  gboolean final_given_up;      /* a read waited for the answer after that
                                 * EOS until its asking ended, and none
                                 * came: later reads do not wait for it */
  gint64 answer_at;             /* monotonic us of the current child's last
                                 * answer (its hello first), 0: none */

  GstElement *owner;            /* the replica; not reffed: it owns this
                                 * (what a new child refused is its
                                 * warning) */
  GstProcChildReaderPushing reader_pushing;     /* fixed after the start */
  gpointer reader_data;

  GMutex set_lock;              /* one set, pause (or replay of them) at a
                                 * time; taken before lock, never after */
  /* protected by set_lock */
  GPtrArray *settings;          /* GstStructure "set, element=, property=,
                                 * value=", `queued` if its child was not
                                 * running then: what the controller set
                                 * in a child, given again to each new one */
  GHashTable *pauses;           /* names of the workers the controller
                                 * paused in a child: paused in each new
                                 * one; value: TRUE if queued (the child
                                 * did not run then) */
  GstProcChannel *live;         /* the child the last replay reached (it
                                 * has every setting), or NULL */
};

typedef struct
{
  gint64 at;                    /* monotonic us it came */
  guint64 seq;
} Beat;

GstProcChildStatus *
gst_proc_child_status_new (GstElement * owner)
{
  GstProcChildStatus *self = g_new0 (GstProcChildStatus, 1);

  self->beats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);

  self->refs = 1;
  self->owner = owner;
  self->pauses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->set_lock);
  self->settings = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  return self;
}

/* The owner's @pushing says how long its reader has been in one push: a
 * pause or set query to the child waits for no answer behind a push held
 * HELD_MS (a freeze relieves the reader instead). */
void
gst_proc_child_status_set_reader_probe (GstProcChildStatus * self,
    GstProcChildReaderPushing pushing, gpointer data)
{
  self->reader_pushing = pushing;
  self->reader_data = data;
}

static void
status_unref (GstProcChildStatus * self)
{
  if (!g_atomic_int_dec_and_test (&self->refs))
    return;
  if (self->heartbeat)
    gst_structure_free (self->heartbeat);
  g_hash_table_unref (self->beats);
  if (G_IS_VALUE (&self->workers))
    g_value_unset (&self->workers);
  if (G_IS_VALUE (&self->queues))
    g_value_unset (&self->queues);
  if (G_IS_VALUE (&self->others))
    g_value_unset (&self->others);
  g_free (self->entry);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_ptr_array_unref (self->settings);
  g_hash_table_unref (self->pauses);
  if (self->live)
    gst_proc_channel_unref (self->live);
  g_mutex_clear (&self->set_lock);
  g_free (self);
}

/* The replica is done with it (an asking thread may still hold it). */
void
gst_proc_child_status_free (GstProcChildStatus * self)
{
  status_unref (self);
}

/* A new child, reached through @channel: it has not answered yet. */
void
gst_proc_child_status_start (GstProcChildStatus * self,
    GstProcChannel * channel)
{
  g_mutex_lock (&self->lock);
  self->current = channel;
  self->answer_at = 0;
  self->ended_at = 0;
  self->final_given_up = FALSE;
  self->frozen = FALSE;
  self->discarding = FALSE;
  g_mutex_unlock (&self->lock);
}

/* A new run (READY to PAUSED): the outputs discarded in the run before
 * are not counted again. Not in gst_proc_child_status_start(): a child
 * restarted after a crash keeps the run's count. */
void
gst_proc_child_status_reset_counts (GstProcChildStatus * self)
{
  g_mutex_lock (&self->lock);
  self->discarded = 0;
  g_mutex_unlock (&self->lock);
}

/* The child of @channel answered (said hello, say). */
void
gst_proc_child_status_answered (GstProcChildStatus * self,
    GstProcChannel * channel)
{
  g_mutex_lock (&self->lock);
  if (channel == self->current)
    self->answer_at = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
}

/* A heartbeat of a worker in the child (taken). */
void
gst_proc_child_status_take_heartbeat (GstProcChildStatus * self,
    GstStructure * heartbeat)
{
  const gchar *worker = gst_structure_get_string (heartbeat, "worker");
  Beat *beat = g_new0 (Beat, 1);

  beat->at = g_get_monotonic_time ();
  gst_structure_get_uint64 (heartbeat, "seq", &beat->seq);
  g_mutex_lock (&self->lock);
  if (worker)
    g_hash_table_insert (self->beats, g_strdup (worker), beat);
  else
    g_free (beat);
  if (self->heartbeat)
    gst_structure_free (self->heartbeat);
  self->heartbeat = heartbeat;
  g_mutex_unlock (&self->lock);
}

/* The child's answer @answer (an array of serialised structures) into
 * @into (a GST_TYPE_ARRAY of structures): those with a string @key; with
 * @pid, as worker stats with the child's pid. */
static void
parse_answer (const GValue * answer, const gchar * key, GPid pid,
    GValue * into)
{
  for (guint i = 0; answer && GST_VALUE_HOLDS_ARRAY (answer) &&
      i < gst_value_array_get_size (answer); i++) {
    const GValue *v = gst_value_array_get_value (answer, i);
    GstStructure *s = G_VALUE_HOLDS_STRING (v) ?
        gst_structure_from_string (g_value_get_string (v), NULL) : NULL;
    GValue sv = G_VALUE_INIT;

    if (!s || !gst_structure_get_string (s, key)) {
      if (s)
        gst_structure_free (s);
      continue;
    }
    if (pid) {
      gst_structure_set_name (s, GST_WORKER_STATS_NAME);
      gst_structure_set (s, "pid", G_TYPE_INT, (gint) pid, NULL);
    }
    g_value_init (&sv, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&sv, s);
    gst_value_array_append_and_take_value (into, &sv);
  }
}

typedef struct
{
  GstProcChildStatus *status;
  GstProcChannel *channel;
  GPid pid;
} Ask;

static void
replace_value (GValue * kept, GValue * value)
{
  if (G_IS_VALUE (kept))
    g_value_unset (kept);
  *kept = *value;
}

/* With the lock: keeps @qs, the answer of the child of @channel (process
 * @pid) to a stats or freeze query: the items its queues hold, its
 * workers' stats, its entry element; a frozen one, the rest of it. Once
 * the current child answered a freeze, that answer stands (an answer
 * asked before it may come after it). */
static void
keep_answer_locked (GstProcChildStatus * self, const GstStructure * qs,
    GstProcChannel * channel, GPid pid)
{
  GValue queues = G_VALUE_INIT, workers = G_VALUE_INIT, others =
      G_VALUE_INIT;
  gboolean frozen = FALSE;

  gst_structure_get_boolean (qs, "frozen", &frozen);
  if (self->frozen && channel == self->current && !frozen)
    return;
  g_value_init (&queues, GST_TYPE_ARRAY);
  parse_answer (gst_structure_get_value (qs, "queues"), "name", 0, &queues);
  replace_value (&self->queues, &queues);
  g_value_init (&workers, GST_TYPE_ARRAY);
  parse_answer (gst_structure_get_value (qs, "workers"), "worker", pid,
      &workers);
  replace_value (&self->workers, &workers);
  g_free (self->entry);
  self->entry = g_strdup (gst_structure_get_string (qs, "entry"));
  self->workers_at = g_get_monotonic_time ();
  if (channel == self->current)
    self->answer_at = g_get_monotonic_time ();
  self->frozen = frozen && channel == self->current;
  if (self->frozen) {
    g_value_init (&others, GST_TYPE_ARRAY);
    parse_answer (gst_structure_get_value (qs, "others"), "name", 0,
        &others);
    replace_value (&self->others, &others);
    self->input_held = self->input_failed = self->received_id = 0;
    gst_structure_get_uint64 (qs, "input-held", &self->input_held);
    gst_structure_get_uint64 (qs, "received-id", &self->received_id);
    gst_structure_get_uint64 (qs, "input-failed", &self->input_failed);
  }
}

/* The asking thread: asks the child of ask->channel for its workers'
 * stats (within ASK_TIMEOUT) and keeps the answer. */
static gpointer
ask_child (gpointer data)
{
  Ask *ask = data;
  GstProcChildStatus *self = ask->status;
  GstQuery *query = gst_query_new_custom (GST_QUERY_CUSTOM,
      gst_structure_new_empty (GST_PROC_CHILD_STATS_QUERY));
  gboolean answered = gst_proc_channel_query_timed (ask->channel, query,
      GST_PAD_UNKNOWN, ASK_TIMEOUT);

  g_mutex_lock (&self->lock);
  if (answered)
    keep_answer_locked (self, gst_query_get_structure (query), ask->channel,
        ask->pid);
  self->asking = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  gst_query_unref (query);
  gst_proc_channel_unref (ask->channel);
  status_unref (self);
  g_free (ask);
  return NULL;
}

/* Asks the child of @channel (process @pid) for its workers' stats, and
 * keeps the answer: `child-workers`, an array of `worker-stats`
 * structures, each with the worker's name (`worker`) and `pid`; its
 * queues; its entry element. The query runs on a thread of its own (one
 * at a time). While the last answer is fresh (STATS_FRESH), this does not
 * wait: the answer asked now is for the next call (a child that answers
 * slowly holds no reader, flake-findings S7-1); else it waits for the
 * answer until STATS_TIMEOUT after it went out, so at most that long once
 * for a child that does not answer (after the child's EOS: until the
 * asking ends, its final counts); not at all unless @wait (a heartbeat,
 * on the clock's one thread; a reader held pushing, that cannot read the
 * answer). Not with a lock of the caller's that the channel's threads
 * take. */
void
gst_proc_child_status_refresh (GstProcChildStatus * self,
    GstProcChannel * channel, GPid pid, gboolean wait)
{
  gint64 deadline;
  gboolean fresh, final;

  g_mutex_lock (&self->lock);
  self->pid = pid;
  /* once the child's EOS came, only an answer after it (its final
   * counts: the report of a drained run) */
  fresh = self->workers_at && self->workers_at > self->ended_at &&
      g_get_monotonic_time () - self->workers_at < STATS_FRESH;
  if (!self->asking) {
    Ask *ask = g_new0 (Ask, 1);
    GThread *thread;

    ask->status = self;
    ask->channel = gst_proc_channel_ref (channel);
    ask->pid = pid;
    g_atomic_int_inc (&self->refs);
    thread = g_thread_try_new ("procchildstats", ask_child, ask, NULL);
    if (!thread) {
      g_mutex_unlock (&self->lock);
      gst_proc_channel_unref (ask->channel);
      status_unref (self);
      g_free (ask);
      return;
    }
    g_thread_unref (thread);
    self->asking = TRUE;
    self->asked_at = g_get_monotonic_time ();
  }
  if (fresh || !wait) {
    g_mutex_unlock (&self->lock);
    return;
  }
  /* after the child's EOS, its final counts are waited for until the
   * asking ends (an answer, or ASK_TIMEOUT), not STATS_TIMEOUT: a child
   * slow to answer under load is not reported with counts from before
   * its end; a child that gives no answer then is not waited for again */
  final = self->ended_at && self->workers_at <= self->ended_at &&
      !self->final_given_up;
  deadline = MAX (self->asked_at, self->ended_at) +
      (final ? ASK_TIMEOUT : STATS_TIMEOUT);
  while (self->asking &&
      g_cond_wait_until (&self->cond, &self->lock, deadline));
  if (final && self->workers_at <= self->ended_at)
    self->final_given_up = TRUE;
  g_mutex_unlock (&self->lock);
}

/* The current child's EOS came out: a stats read from now on waits for
 * an answer that came after it (until its asking ends: ASK_TIMEOUT at
 * most, and once only for a child that does not answer). */
void
gst_proc_child_status_ended (GstProcChildStatus * self)
{
  g_mutex_lock (&self->lock);
  self->ended_at = g_get_monotonic_time ();
  self->final_given_up = FALSE;
  g_mutex_unlock (&self->lock);
}

/* With the lock: the child's workers' stats into @stats (`child-workers`),
 * each with `heartbeats` and `heartbeat-age` as a worker of this process
 * has them in a controller's status, from the heartbeats that came from
 * it (@running: the current child runs; else no age, unless the replica
 * starts one again). While the replica starts a child (state `starting`
 * in @stats), the entries a child before it gave say `starting`, with
 * the replica's pid (in @stats). */
static void
add_workers_locked (GstProcChildStatus * self, GstStructure * stats,
    gboolean running)
{
  GValue workers = G_VALUE_INIT;
  gint64 now = g_get_monotonic_time ();
  gboolean starting;
  gint pid = 0, state = GST_WORKER_STATE_IDLE;

  gst_structure_get_int (stats, "pid", &pid);
  /* the replica starts a child (after a crash, its delay first): what a
   * child before it answered is no more (once the new one runs, until it
   * answers, those entries stay as they were: a watchdog follows a wait
   * to a busy worker in there) */
  starting = gst_structure_get_enum (stats, "state", GST_TYPE_WORKER_STATE,
      &state) && state == GST_WORKER_STATE_STARTING;

  g_value_init (&workers, GST_TYPE_ARRAY);
  for (guint i = 0; i < gst_value_array_get_size (&self->workers); i++) {
    const GValue *v = gst_value_array_get_value (&self->workers, i);
    GstStructure *w = gst_structure_copy (gst_value_get_structure (v));
    const gchar *name = gst_structure_get_string (w, "worker");
    Beat *beat = name ? g_hash_table_lookup (self->beats, name) : NULL;
    GValue wv = G_VALUE_INIT;

    gst_structure_set (w, "heartbeats", G_TYPE_UINT64, beat ? beat->seq + 1 :
        0, NULL);
    /* while a child starts again: since the one before last beat */
    if (beat && (running || starting))
      gst_structure_set (w, "heartbeat-age", GST_TYPE_CLOCK_TIME,
          (GstClockTime) (now - beat->at) * GST_USECOND, NULL);
    if (starting)
      gst_structure_set (w, "state", GST_TYPE_WORKER_STATE,
          GST_WORKER_STATE_STARTING, "pid", G_TYPE_INT, pid, NULL);
    g_value_init (&wv, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&wv, w);
    gst_value_array_append_and_take_value (&workers, &wv);
  }
  gst_structure_take_value (stats, "child-workers", &workers);
}

/* With the lock: the latest known of the child's worker (the one whose
 * heartbeat came last, else the first of a stats answer): its heartbeat,
 * or its entry in a stats answer that came after it (a read of the
 * replica's stats asks, so at the end of a run, once answered: its final
 * counts, not those of its last heartbeat), or NULL. */
static const GstStructure *
fresher_locked (GstProcChildStatus * self)
{
  const gchar *name = self->heartbeat ?
      gst_structure_get_string (self->heartbeat, "worker") : NULL;
  Beat *beat = name ? g_hash_table_lookup (self->beats, name) : NULL;

  if (!G_IS_VALUE (&self->workers) || (beat && self->workers_at <= beat->at))
    return self->heartbeat;
  for (guint i = 0; i < gst_value_array_get_size (&self->workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (&self->workers,
            i));

    if (!name || !g_strcmp0 (gst_structure_get_string (w, "worker"), name))
      return w;
  }
  return self->heartbeat;
}

/* Adds what is known of the child to the replica's @stats; @running: the
 * current child runs (else how long since it answered means nothing). */
void
gst_proc_child_status_add_stats (GstProcChildStatus * self,
    GstStructure * stats, gboolean running)
{
  const GstStructure *from;

  g_mutex_lock (&self->lock);
  if (G_IS_VALUE (&self->workers))
    add_workers_locked (self, stats, running);
  if (G_IS_VALUE (&self->queues))
    gst_structure_set_value (stats, "child-queues", &self->queues);
  if (self->entry)
    gst_structure_set (stats, "child-entry", G_TYPE_STRING, self->entry,
        NULL);
  if (self->discarded)
    gst_structure_set (stats, "items-discarded", G_TYPE_UINT64,
        self->discarded, "discarded-reason", G_TYPE_STRING, "outputs its "
        "child made before an exit now froze it, not passed on", NULL);
  /* frozen by an exit now: exact, what each held (the workers' `held`) */
  if (self->frozen)
    gst_structure_set (stats, "child-frozen", G_TYPE_BOOLEAN, TRUE,
        "child-input-held", G_TYPE_UINT64, self->input_held,
        "child-input-failed", G_TYPE_UINT64, self->input_failed,
        "child-received-id", G_TYPE_UINT64, self->received_id, NULL);
  if (self->frozen && G_IS_VALUE (&self->others))
    gst_structure_set_value (stats, "child-others", &self->others);
  if (self->answer_at && running)
    gst_structure_set (stats, "child-stats-age", GST_TYPE_CLOCK_TIME,
        (GstClockTime) (g_get_monotonic_time () - self->answer_at) *
        GST_USECOND, NULL);
  if ((from = fresher_locked (self))) {
    const GValue *v;
    guint64 n;

    v = gst_structure_get_value (from, "state");
    if (v)
      gst_structure_set_value (stats, "child-state", v);
    if (gst_structure_get_uint64 (from, "items-in", &n))
      gst_structure_set (stats, "child-items-in", G_TYPE_UINT64, n, NULL);
    if (gst_structure_get_uint64 (from, "items-out", &n))
      gst_structure_set (stats, "child-items-out", G_TYPE_UINT64, n, NULL);
  }
  g_mutex_unlock (&self->lock);
}

typedef enum
{
  ANSWERED,
  UNSURE,                       /* sent; the answer waits behind the
                                 * replica's held reader */
  NO_ANSWER
} Asked;

typedef struct
{
  GstProcChildStatus *status;
  gint64 sent;                  /* monotonic us the query went out */
} Query;

/* Whether the owner's reader has been held in one push HELD_MS or more
 * since the query went out: an answer behind it cannot come now (a push
 * that began long before it gives it HELD_MS all the same: a slow one
 * may move) */
static gboolean
reader_held (gpointer data)
{
  Query *q = data;
  GstProcChildStatus *self = q->status;
  guint since_sent = (g_get_monotonic_time () - q->sent) / 1000;

  return self->reader_pushing &&
      MIN (self->reader_pushing (self->reader_data), since_sent) >= HELD_MS;
}

/* Asks @ch @query, waiting PAUSE_TIMEOUT at most, less while the owner's
 * reader is held (@held then). */
static gboolean
query_child (GstProcChildStatus * self, GstProcChannel * ch,
    GstQuery * query, gboolean * held)
{
  Query q = { self, g_get_monotonic_time () };

  return gst_proc_channel_query_until (ch, query, GST_PAD_UNKNOWN,
      PAUSE_TIMEOUT, reader_held, &q, held);
}

/* Asks the running child (@ch) @query (the child answers with `ok` or
 * `found`): within PAUSE_TIMEOUT, less if the replica's reader is held in
 * a push (query_child(): then no answer is no refusal: the query is taken
 * as done, `unconfirmed`). With set_lock. */
static Asked
ask_child_locked (GstProcChildStatus * self, GstProcChannel * ch,
    GstQuery * query)
{
  const GstStructure *qs;
  gboolean held = FALSE;

  if (query_child (self, ch, query, &held))
    return ANSWERED;
  qs = gst_query_get_structure (query);
  if (gst_structure_has_field (qs, "ok") ||
      gst_structure_has_field (qs, "found"))
    return ANSWERED;
  if (!held || gst_proc_channel_is_closed (ch))
    return NO_ANSWER;
  gst_structure_set (gst_query_writable_structure (query), "unconfirmed",
      G_TYPE_BOOLEAN, TRUE, NULL);
  return UNSURE;
}

/* The running child that has every setting, if there is one now (a new
 * one is not, before its replay): reffed. With set_lock. */
static GstProcChannel *
live_child_locked (GstProcChildStatus * self)
{
  GstProcChannel *ch = NULL;

  g_mutex_lock (&self->lock);
  if (self->live && self->live == self->current &&
      !gst_proc_channel_is_closed (self->live))
    ch = gst_proc_channel_ref (self->live);
  g_mutex_unlock (&self->lock);
  return ch;
}

/* A controller's exit now (GST_PROC_CHILD_FREEZE_QUERY): given to the
 * running child, which stops every item where it is and answers what
 * each element there held, exactly; kept as the child's stats from then
 * on (a later answer asked before it does not replace it). From now on
 * the replica passes no output of the child on: each is counted
 * discarded (gst_proc_child_status_discard_output()), its events are not
 * pushed either (gst_proc_child_status_discarding()), and a reader of the
 * channel held in a push (into a full queue, a hung or paused worker) is
 * relieved (gst_proc_channel_relieve_reader()): a new one reads what the
 * child wrote behind that push, those outputs (discarded) and then the
 * answer, which is exact. (Before, the freeze gave up on a held reader
 * after HELD_MS and those outputs were counted by no one: stress run 10
 * on 285bd8d.) Waits for the answer PAUSE_TIMEOUT; without one (a child
 * that does not answer: the stats stay the last answer), outputs pass on
 * again. Returns: whether the child froze and answered. */
gboolean
gst_proc_child_status_freeze (GstProcChildStatus * self, GstQuery * query)
{
  gboolean frozen = FALSE, current;
  GstProcChannel *ch;

  g_mutex_lock (&self->set_lock);
  ch = live_child_locked (self);
  g_mutex_unlock (&self->set_lock);
  if (!ch)
    return FALSE;
  /* what it made before it froze is not passed on either: then no reader
   * of its messages needs to push, and a held one can be relieved (not
   * for a child gone meanwhile: the next one's outputs pass on) */
  g_mutex_lock (&self->lock);
  current = ch == self->current;
  if (current)
    self->discarding = TRUE;
  g_mutex_unlock (&self->lock);
  if (current)
    gst_proc_channel_relieve_reader (ch);
  if (current && gst_proc_channel_query_timed (ch, query, GST_PAD_UNKNOWN,
          PAUSE_TIMEOUT)) {
    const GstStructure *qs = gst_query_get_structure (query);

    g_mutex_lock (&self->lock);
    keep_answer_locked (self, qs, ch, self->pid);
    frozen = self->frozen;
    g_mutex_unlock (&self->lock);
  } else {
    /* no answer: the stats stay the last answer, which counts what the
     * child held; its outputs pass on again, else they would be counted
     * twice, there and discarded (what was discarded stays counted) */
    g_mutex_lock (&self->lock);
    if (ch == self->current && !self->frozen)
      self->discarding = FALSE;
    g_mutex_unlock (&self->lock);
    /* (waited for in vain: an exit does not ask it again) */
    if (current && !gst_proc_channel_is_closed (ch))
      gst_structure_set (gst_query_writable_structure (query), "unanswered",
          G_TYPE_BOOLEAN, TRUE, NULL);
  }
  gst_proc_channel_unref (ch);
  return frozen;
}

/* Whether the child's outputs and events are not passed on (it was
 * frozen: gst_proc_child_status_freeze()); counts nothing. */
gboolean
gst_proc_child_status_discarding (GstProcChildStatus * self)
{
  gboolean discarding;

  g_mutex_lock (&self->lock);
  discarding = self->discarding;
  g_mutex_unlock (&self->lock);
  return discarding;
}

/* An output of the child came: whether it is to be discarded (then it is
 * counted): the child was frozen by an exit now. */
gboolean
gst_proc_child_status_discard_output (GstProcChildStatus * self)
{
  gboolean discard;

  g_mutex_lock (&self->lock);
  discard = self->discarding;
  if (discard)
    self->discarded++;
  g_mutex_unlock (&self->lock);
  return discard;
}

/* A controller's pause (or resume) of a worker inside the child
 * (GST_PROC_CHILD_PAUSE_QUERY, naming it): given to the running child,
 * its answer (`found`) within PAUSE_TIMEOUT, else the reason in the
 * query's `error` (once the replica's reader is held HELD_MS in a push:
 * sent, TRUE and `unconfirmed`); the pause is kept
 * for the next children. While no child runs (it starts, or starts again after a
 * crash), it is queued: the query answered TRUE with `queued`, the child
 * paused by name before its first item (gst_proc_child_status_replay()).
 * Returns: whether the child has (or will have) such a worker. */
gboolean
gst_proc_child_status_forward_pause (GstProcChildStatus * self,
    GstQuery * query)
{
  const GstStructure *qs = gst_query_get_structure (query);
  /* (a copy: the child's answer replaces the query's structure) */
  gchar *name = g_strdup (gst_structure_get_string (qs, "worker"));
  gboolean paused = FALSE, res = TRUE, unsure = FALSE;
  GstProcChannel *ch;
  Asked asked;

  if (!name)
    return FALSE;
  gst_structure_get_boolean (qs, "paused", &paused);
  g_mutex_lock (&self->set_lock);
  ch = live_child_locked (self);
  if (ch) {
    /* the answer: found or not; none: a child that does not answer, or
     * one whose answer waits behind the replica's held reader */
    asked = ask_child_locked (self, ch, query);
    unsure = asked == UNSURE;
    res = FALSE;
    if (asked == ANSWERED)
      gst_structure_get_boolean (gst_query_get_structure (query), "found",
          &res);
    else if (unsure)
      res = TRUE;
    else
      gst_structure_set (gst_query_writable_structure (query), "error",
          G_TYPE_STRING, "its process did not answer within 5 s", NULL);
  } else {
    gst_structure_set (gst_query_writable_structure (query), "queued",
        G_TYPE_BOOLEAN, TRUE, NULL);
  }
  if (res && paused)
    g_hash_table_insert (self->pauses, g_strdup (name),
        GINT_TO_POINTER (ch == NULL || unsure));
  else if (res)
    g_hash_table_remove (self->pauses, name);
  g_mutex_unlock (&self->set_lock);
  if (ch)
    gst_proc_channel_unref (ch);
  g_free (name);
  return res;
}

/* Keeps @qs (a set query's structure, done or @queued) for the next
 * children: the newest value of each element's property. With set_lock. */
static void
keep_setting_locked (GstProcChildStatus * self, const GstStructure * qs,
    gboolean queued)
{
  const gchar *element = gst_structure_get_string (qs, "element");
  const gchar *property = gst_structure_get_string (qs, "property");

  for (guint i = 0; i < self->settings->len; i++) {
    const GstStructure *k = g_ptr_array_index (self->settings, i);

    if (!g_strcmp0 (gst_structure_get_string (k, "element"), element) &&
        !g_strcmp0 (gst_structure_get_string (k, "property"), property)) {
      g_ptr_array_remove_index (self->settings, i);
      break;
    }
  }
  g_ptr_array_add (self->settings, gst_structure_new ("set", "element",
          G_TYPE_STRING, element, "property", G_TYPE_STRING, property,
          "value", G_TYPE_STRING, gst_structure_get_string (qs, "value"),
          "queued", G_TYPE_BOOLEAN, queued, NULL));
}

/* A controller's set of a property of an element inside the child
 * (GST_PROC_CHILD_SET_QUERY): given to the running child, its answer
 * within PAUSE_TIMEOUT, else the reason in the query's `error` (while
 * the replica's reader is held HELD_MS in a push: sent, `ok` and
 * `unconfirmed`). While no
 * child runs (it starts, or starts again after a crash), it is queued:
 * `ok` and `queued`, the child gets it before its first item. What was
 * set is kept: every new child gets it (gst_proc_child_status_replay()).
 * Returns: TRUE (answered either way). */
gboolean
gst_proc_child_status_forward_set (GstProcChildStatus * self,
    GstQuery * query)
{
  GstStructure *qs;
  GstProcChannel *ch;
  gboolean ok = FALSE;
  Asked asked = NO_ANSWER;

  g_mutex_lock (&self->set_lock);
  ch = live_child_locked (self);
  if (ch)
    asked = ask_child_locked (self, ch, query);
  if (!ch || asked == UNSURE) {
    /* for the child that starts; or sent to the running one, whose
     * answer waits: kept unconfirmed (a refusal shows with a new child) */
    qs = gst_query_writable_structure (query);
    keep_setting_locked (self, qs, TRUE);
    gst_structure_set (qs, "ok", G_TYPE_BOOLEAN, TRUE, ch ? NULL : "queued",
        G_TYPE_BOOLEAN, TRUE, NULL);
  } else if (asked == ANSWERED) {
    if (gst_structure_get_boolean (gst_query_get_structure (query), "ok",
            &ok) && ok)
      keep_setting_locked (self, gst_query_get_structure (query), FALSE);
  } else {
    gst_structure_set (gst_query_writable_structure (query), "ok",
        G_TYPE_BOOLEAN, FALSE, "error", G_TYPE_STRING,
        "its process did not answer within 5 s", NULL);
  }
  g_mutex_unlock (&self->set_lock);
  if (ch)
    gst_proc_channel_unref (ch);
  return TRUE;
}

/* Gives the settings to a new child (of @channel). With set_lock. */
static void
replay_settings_locked (GstProcChildStatus * self, GstProcChannel * channel)
{
  guint i = 0;

  while (i < self->settings->len) {
    GstStructure *kept = g_ptr_array_index (self->settings, i);
    GstStructure *qs = gst_structure_copy (kept);
    const gchar *why;
    gboolean ok = FALSE, found = TRUE, queued = FALSE;
    GstQuery *q;

    gst_structure_get_boolean (kept, "queued", &queued);
    gst_structure_remove_field (qs, "queued");
    gst_structure_set_name (qs, GST_PROC_CHILD_SET_QUERY);
    gst_structure_set (qs, "who", G_TYPE_STRING,
        gst_structure_get_string (qs, "element"), NULL);
    q = gst_query_new_custom (GST_QUERY_CUSTOM, qs);
    if (gst_proc_channel_query_timed (channel, q, GST_PAD_UNKNOWN,
            PAUSE_TIMEOUT))
      gst_structure_get_boolean (gst_query_get_structure (q), "ok", &ok);
    gst_structure_get_boolean (gst_query_get_structure (q), "found", &found);
    why = gst_structure_get_string (gst_query_get_structure (q), "error");
    if (ok) {
      gst_structure_set (kept, "queued", G_TYPE_BOOLEAN, FALSE, NULL);
      i++;
    } else if (queued) {
      /* asked while the child started: the first answer is now */
      GST_ELEMENT_WARNING (self->owner, CORE, FAILED, ("Worker process "
              "%s: `set %s %s=%s`, asked while its child started, was "
              "refused by the child: %s", GST_OBJECT_NAME (self->owner),
              gst_structure_get_string (kept, "element"),
              gst_structure_get_string (kept, "property"),
              gst_structure_get_string (kept, "value"), !found ?
              "it has no element of that name" : why ? why :
              "it did not answer"), (NULL));
      g_ptr_array_remove_index (self->settings, i);
    } else {
      GST_WARNING ("a new child did not take %" GST_PTR_FORMAT ": %s", kept,
          why);
      i++;
    }
    gst_query_unref (q);
  }
}

/* Pauses the workers of a new child (of @channel) the controller paused
 * in the ones before it, or while it started. With set_lock. */
static void
replay_pauses_locked (GstProcChildStatus * self, GstProcChannel * channel)
{
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, self->pauses);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    GstQuery *q = gst_query_new_custom (GST_QUERY_CUSTOM,
        gst_structure_new (GST_PROC_CHILD_PAUSE_QUERY, "worker",
            G_TYPE_STRING, key, "paused", G_TYPE_BOOLEAN, TRUE, NULL));
    gboolean found = FALSE;

    if (gst_proc_channel_query_timed (channel, q, GST_PAD_UNKNOWN,
            PAUSE_TIMEOUT))
      gst_structure_get_boolean (gst_query_get_structure (q), "found",
          &found);
    if (found) {
      g_hash_table_iter_replace (&it, GINT_TO_POINTER (FALSE));
    } else if (GPOINTER_TO_INT (value)) {
      GST_ELEMENT_WARNING (self->owner, CORE, FAILED, ("Worker process "
              "%s: `pause %s/%s`, asked while its child started (or could "
              "not answer): the child has no worker of that name", GST_OBJECT_NAME (self->owner),
              GST_OBJECT_NAME (self->owner), (const gchar *) key), (NULL));
      g_hash_table_iter_remove (&it);
    } else {
      GST_WARNING_OBJECT (self->owner, "a new child did not pause %s",
          (const gchar *) key);
    }
    gst_query_unref (q);
  }
}

/* Gives a new child (of @channel, said hello, no item yet) what the
 * controller set and paused in the ones before it, in the order it was
 * set, and what it asked while this one started; from then on it is the
 * running child sets and pauses go to. */
void
gst_proc_child_status_replay (GstProcChildStatus * self,
    GstProcChannel * channel)
{
  g_mutex_lock (&self->set_lock);
  replay_settings_locked (self, channel);
  replay_pauses_locked (self, channel);
  if (self->live)
    gst_proc_channel_unref (self->live);
  self->live = gst_proc_channel_ref (channel);
  g_mutex_unlock (&self->set_lock);
}

/* What the controller set in the children so far, kept for the next ones:
 * a copy ("set" structures: element, property, value, in the order set),
 * for a pool that builds this replica again. */
GPtrArray *
gst_proc_child_status_dup_settings (GstProcChildStatus * self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);

  g_mutex_lock (&self->set_lock);
  for (guint i = 0; i < self->settings->len; i++)
    g_ptr_array_add (copy,
        gst_structure_copy (g_ptr_array_index (self->settings, i)));
  g_mutex_unlock (&self->set_lock);
  return copy;
}

/* Keeps @setting (a "set" structure as above) as if the controller had
 * set it in a child: each child started from now on gets it. */
void
gst_proc_child_status_keep_setting (GstProcChildStatus * self,
    const GstStructure * setting)
{
  gboolean queued = FALSE;

  /* (one a child had not confirmed yet stays to be confirmed) */
  gst_structure_get_boolean (setting, "queued", &queued);
  g_mutex_lock (&self->set_lock);
  keep_setting_locked (self, setting, queued);
  g_mutex_unlock (&self->set_lock);
}
