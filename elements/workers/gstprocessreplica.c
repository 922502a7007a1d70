/* gst-workers: processreplica, a worker run in a child process
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-processreplica
 * @title: processreplica
 *
 * Runs a worker (`worker`, a bin description with one free input and one
 * free output, as for #GstWorkerPool) in a child process of its own, and
 * behaves as that worker: a crash of the worker (a segfault in a vision
 * library, an abort, the OOM killer) does not end the pipeline, and
 * workers written in Python run on their own interpreter lock. It is what
 * `workerpool isolation=process` puts in place of each replica; a pool of
 * size 1 isolates a single worker.
 *
 * The child, `gst-worker-child` (installed beside the plugin or in the
 * libexec directory; `GST_WORKER_CHILD` names another), builds the
 * description in a pipeline of its own when the element goes to READY, and
 * ends when it goes back to NULL (or when this process dies). The state
 * change only starts the child and does not wait for it (a Python worker
 * may take seconds to load): until the child says it runs, the element's
 * state is `starting` (neither a stall nor a loss for a controller's
 * watchdog), and the stream (its caps, its first item) waits for the
 * child on the streaming thread, so preroll ends once the child runs. A
 * state change to NULL meanwhile kills the child at once. A child that
 * dies while it starts, or does not start within `start-timeout` (then
 * it is killed), is restarted as after a crash (below). Children are
 * forked by a thread that lives as long as the process (a child dies
 * with its parent: PR_SET_PDEATHSIG, which fires when the forking thread
 * ends).
 *
 * Items cross one at a time, in order, with their timestamps, flags and
 * the metas the workers use (video regions of interest, video layout,
 * the merge meta, odometry, custom metas); events cross in order with
 * them; caps and accept-caps queries are answered by the worker. Frames do
 * not cross as bytes: the element proposes upstream (allocation query) an
 * allocator of shared memory (memfd), and a frame in such memory crosses
 * as a file descriptor; a frame in other memory is copied once (counted in
 * the `payload-copies` statistic). The child's outputs come back the same
 * way, and a frame the worker passes on is this process's own memory
 * again. Memory received from the other side is read-only (a worker that
 * writes into a frame writes into a copy).
 *
 * The element is a worker itself (#GstWorker): it has heartbeats, `paused`
 * holds its input (the item is not sent to the child), and its state is
 * `busy` while the child holds an item. Its statistics add `pid` (the
 * child's process id), `restarts`, `items-retried`, `items-lost` (with
 * `items-lost-reason`, why the last one was),
 * `payload-copies`, `child-workers` (the stats of every worker inside the
 * child, asked of the child when the stats are read: a read takes the
 * child's last answer while it is under 2 s old, and waits for a new one
 * at most 100 ms otherwise (after the child's EOS, for its final counts,
 * until the child answers or 5 s, once; a heartbeat never waits); each
 * with its name
 * in `worker` and the `pid`: a #GstWorkerController lists them as workers
 * of their own, "REPLICA/NAME", pauses them and sets their properties
 * by that name while they run -- the element keeps both for a child
 * started again, and queues them while its child starts: the child has
 * them before its first item, and what it refuses then is a warning --
 * and an exit now finds the item in hand
 * with the one that holds it), `child-queues` (the items each queue inside
 * the child holds, "queue, name=, items=": an exit now counts them
 * discarded; frozen by an exit now, `child-frozen`, `child-input-held`,
 * `child-input-failed`, `child-received-id` and `child-input-unsent`
 * say exactly where the items sent to it are, and `item-in-hand` whether
 * the replica began an item whose end the child has not sent),
 * `child-entry` (the
 * element inside the child that the items
 * go into), `child-stats-age` (how long since the child last answered: a
 * controller's watchdog takes the workers inside for lost past its
 * heartbeat-timeout, and reports their stalls as any worker's) and, from
 * the heartbeats of the workers inside the child, `child-state`, `child-items-in` and `child-items-out`
 * (the first of them). Errors and warnings inside the child come out as this
 * element's, their text prefixed with the element's name and the pid;
 * other element messages are posted again by this element.
 *
 * Faults: when the child dies (a signal, an exit) or does not answer for
 * `hang-timeout` ms (then it is killed), a new child is started (at once,
 * also when the element has no item in hand) after a
 * back-off (`restart-delay`, doubled at each crash in a row, at most 2 s),
 * with a warning naming the element, the child's pid, how it ended (the
 * signal by name) and the count of restarts (and an element message
 * `worker-process-restarted` with `reason` and `restarts`: a
 * #GstWorkerController's signal "worker-restarted"); it is given the stream's sticky events again (stream-start, caps,
 * segment), then the items the dead child held, in order, once more:
 * the one in hand and, with a queue inside, those waiting in it (kept
 * until their outputs are out: a mark follows each item through the
 * worker); outputs an item already made are not made twice. If the item kills the new
 * child too, it is counted lost (`items-lost`, the element's
 * `items-dropped`) and a warning says why; the stream goes on with the
 * next item. A child that crashes more than `max-restarts` times in a row
 * without finishing an item is an error naming the element. With a worker
 * that crashes now and then and makes the same outputs for the same
 * inputs, the output is the same as with no crash. Without a queue
 * inside, an item counts as finished when the worker returns it: a worker
 * that holds items across calls (a video encoder) loses what it held when
 * it crashes.
 *
 * With `transport=tcp` the child connects to the replica over TCP on the
 * loopback instead, and every frame's bytes travel in the stream (several
 * copies: for small items, or to try the protocol as it would run to a
 * child on another host); `payload-copies` counts each frame sent (over
 * 16 kB: smaller items travel in the message with either transport).
 *
 * A description that does not build in the child is an error naming the
 * element at once (posted by the thread that waits for the child, after
 * the state change to READY succeeded, and before the stream can see the
 * start failed: the first error is the element's); a child program that
 * is not there fails the state change. A child that dies, writes what the
 * protocol does not allow or misses `start-timeout` is a crash: restarted,
 * an error naming the element past `max-restarts`. Nothing waits for
 * ever.
 *
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! \
 *     processreplica worker="videoconvert ! jpegenc" ! \
 *     multifilesink location=frame%05d.jpg
 * ]|
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include <gst/worker/gstworkercore.h>
#include "gstworkerselements.h"
#include "gstprocessreplica.h"
#include "gstprocchannel.h"
#include "gstprocchild.h"
#include "gstprocchildstatus.h"
#include "gstprocinflight.h"
#include "gstprocreader.h"
#include "gstprocshm.h"
#include "gstprocstart.h"

GST_DEBUG_CATEGORY_STATIC (gst_process_replica_debug);
#define GST_CAT_DEFAULT gst_process_replica_debug

#define DEFAULT_WORKER NULL
#define DEFAULT_MAX_RESTARTS 5
#define DEFAULT_RESTART_DELAY 10
#define DEFAULT_HANG_TIMEOUT 0
#define DEFAULT_TRANSPORT GST_PROCESS_REPLICA_TRANSPORT_UNIX
#define MAX_RESTART_DELAY 2000
#define DEFAULT_START_TIMEOUT 30000

enum
{
  PROP_WORKER = GST_WORKER_CORE_PROP_LAST + 1,
  PROP_MAX_RESTARTS,
  PROP_RESTART_DELAY,
  PROP_HANG_TIMEOUT,
  PROP_TRANSPORT,
  PROP_PID,
  PROP_STARTING,
  PROP_START_TIMEOUT,
};

struct _GstProcessReplica
{
  GstElement parent;

  GstPad *sinkpad;              /* fixed */
  GstPad *srcpad;               /* fixed */
  GstWorkerCore *core;          /* fixed */
  GstProcChildStatus *children; /* fixed; own lock: the workers inside the
                                 * child, as it last said */

  /* protected by the object lock */
  gchar *worker;
  guint max_restarts;
  guint restart_delay;          /* ms */
  guint hang_timeout;           /* ms, 0: never */
  guint start_timeout;          /* ms */
  GstProcessReplicaTransport transport;

  GstProcChild *child;          /* fixed; own lock: the child process,
                                 * its start, its end */
  GstProcReader *reader;        /* fixed: what the child sends on */

  GMutex lock;
  GCond cond;
  /* protected by lock */
  gboolean item_waits;          /* an item waits for the start */
  gboolean replay_pending;      /* the stream's sticky events are due to
                                 * the child (restarted between items) */
  gboolean flushing;
  guint64 next_id;
  guint64 wait_id;              /* the item the child holds, 0: none */
  gboolean in_hand;             /* the chain began an item whose end the
                                 * child has not sent (read) yet */
  guint64 sending_id;           /* the id of the buffer in hand last sent
                                 * (G_MAXUINT64: not yet; 0: none) */
  gboolean done;                /* the child finished wait_id */
  GstFlowReturn done_flow;
  gboolean done_result;
  GstFlowReturn downstream;     /* the last push that failed, or OK */
  guint outputs;                /* buffers pushed since the items before
                                 * the oldest one kept were done */
  guint skip;                   /* outputs a retried item made already */
  GstProcInflight *inflight;    /* the items the child holds */
  guint kept_gen;               /* the child the items kept went to */
  guint64 items_retried;
  guint64 items_lost;
  gchar *lost_reason;           /* why the last item lost was, or NULL */
  guint copies;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void gst_process_replica_worker_init (GstWorkerInterface * iface);

G_DEFINE_TYPE_WITH_CODE (GstProcessReplica, gst_process_replica,
    GST_TYPE_ELEMENT, G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER,
        gst_process_replica_worker_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (processreplica, "processreplica",
    GST_RANK_NONE, GST_TYPE_PROCESS_REPLICA,
    GST_DEBUG_CATEGORY_INIT (gst_process_replica_debug, "processreplica", 0,
        "a worker in a child process"));

/* ---------------------------------------------------------------------- */
/* the child */

/* The items sent up to @upto made all their outputs (with the lock). */
static void
retire_locked (GstProcessReplica * self, guint64 upto)
{
  guint n = gst_proc_inflight_retire (self->inflight, upto);

  GST_LOG_OBJECT (self, "up to %" G_GUINT64_FORMAT ": %u items done, %u "
      "held", upto, n, gst_proc_inflight_length (self->inflight));
  if (!n)
    return;
  self->outputs = 0;
  self->skip = 0;
  /* (an item sent alone waits for it) */
  g_cond_broadcast (&self->cond);
}

/* The child finished item @id (with the lock). */
static void
item_done (GstProcessReplica * self, guint64 id, GstFlowReturn flow,
    gboolean result)
{
  if (!id || id != self->wait_id)
    return;
  if (!gst_proc_child_has_threads (self->child))
    retire_locked (self, id);
  self->done_flow = flow;
  self->done_result = result;
  self->done = TRUE;
  g_cond_broadcast (&self->cond);
}

/* The reader's push probe of the child's status (a
 * GstProcChildReaderPushing) */
static guint
reader_pushing_ms (gpointer reader)
{
  return gst_proc_reader_pushing_ms (reader);
}

/* A message of the running child: an item's end, an output, an event, a
 * message of its bus. */
static void
on_child_message (GstProcChannel * ch, GstProcMessage * msg, GPid pid,
    gpointer data)
{
  GstProcessReplica *self = data;
  GstFlowReturn flow;

  g_mutex_lock (&self->lock);
  /* the end of the item in hand: its outputs are out (or in this one) */
  if ((msg->type == GST_PROC_MSG_DONE ||
          msg->type == GST_PROC_MSG_BUFFER_DONE) && msg->id &&
      msg->id == self->sending_id)
    self->in_hand = FALSE;
  switch (msg->type) {
    case GST_PROC_MSG_DONE:{
      gint f = GST_FLOW_ERROR;
      gboolean result = FALSE;

      gst_structure_get_int (msg->structure, "flow", &f);
      gst_structure_get_boolean (msg->structure, "result", &result);
      item_done (self, msg->id, f, result);
      g_mutex_unlock (&self->lock);
      return;
    }
    case GST_PROC_MSG_BUFFER:
    case GST_PROC_MSG_BUFFER_DONE:
      if (self->skip) {
        /* made already, before the child that retries this item */
        self->skip--;
      } else if (gst_proc_child_status_discard_output (self->children)) {
        /* its child was frozen (an exit now): counted discarded, even
         * when read as the stop flushes (its answer does not count it) */
      } else if (self->flushing) {
        /* not pushed; the item is done all the same */
      } else {
        self->outputs++;
        g_mutex_unlock (&self->lock);
        flow = gst_proc_reader_push_output (self->reader, ch, msg->buffer);
        g_mutex_lock (&self->lock);
        if (flow != GST_FLOW_OK)
          self->downstream = flow;
      }
      /* the last output and the end of its item in one message */
      if (msg->type == GST_PROC_MSG_BUFFER_DONE)
        item_done (self, msg->id, GST_FLOW_OK, TRUE);
      g_mutex_unlock (&self->lock);
      return;
    case GST_PROC_MSG_EVENT:{
      guint64 marked;

      /* the replica's own mark: what was sent before it is done */
      if (gst_proc_inflight_parse_mark (msg->event, &marked)) {
        retire_locked (self, marked);
        g_mutex_unlock (&self->lock);
        return;
      }
      if (GST_EVENT_TYPE (msg->event) == GST_EVENT_EOS) {
        retire_locked (self, G_MAXUINT64);
        gst_proc_child_status_ended (self->children);
      }
      g_mutex_unlock (&self->lock);
      /* a frozen child's events are not pushed either (the reader pushes
       * nothing: a relieved one may still be held in a push); its sticky
       * ones are kept for a push after it (a freeze without an answer) */
      if (gst_proc_child_status_discarding (self->children))
        gst_proc_reader_keep_event (self->reader, msg->event);
      else
        gst_proc_reader_push_event (self->reader, msg->event);
      return;
    }
    case GST_PROC_MSG_MESSAGE:
      /* a message of the child's bus */
      g_mutex_unlock (&self->lock);
      gst_proc_reader_post_message (self->reader, ch, msg->structure, pid);
      return;
    default:
      g_mutex_unlock (&self->lock);
      return;
  }
}

static gboolean
on_child_query (GstProcChannel * ch, GstQuery * query, GstPadDirection dir,
    gpointer data)
{
  GstProcessReplica *self = data;

  /* the worker's input asks what comes before the replica, its output
   * what comes after */
  if (dir == GST_PAD_SRC)
    return gst_pad_peer_query (self->sinkpad, query);
  if (dir == GST_PAD_SINK)
    return gst_pad_peer_query (self->srcpad, query);
  return FALSE;
}

static gpointer resend_held (gpointer data);

/* The child ended (@death): marked dead with what the replica holds (under
 * its lock); one that died between items is restarted at once, and the
 * items it held in its queues go to the next child at once. */
static void
on_child_closed (GstProcChild * child, const gchar * death, gpointer data)
{
  GstProcessReplica *self = data;
  gboolean restart, resend;

  g_mutex_lock (&self->lock);
  restart = gst_proc_child_died (child, death, !self->wait_id);
  if (restart)
    self->replay_pending = TRUE;
  resend = restart && gst_proc_inflight_length (self->inflight);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (restart)
    gst_worker_core_set_starting (self->core, TRUE);
  if (resend) {
    GThread *t = g_thread_try_new ("worker-process-resend", resend_held,
        gst_object_ref (self), NULL);

    if (t)
      g_thread_unref (t);
    else
      gst_object_unref (self);
  }
}

static void
child_settings (GstProcChildSettings * settings, gpointer data)
{
  GstProcessReplica *self = data;

  GST_OBJECT_LOCK (self);
  settings->worker = g_strdup (self->worker);
  settings->tcp = self->transport == GST_PROCESS_REPLICA_TRANSPORT_TCP;
  settings->start_timeout = self->start_timeout;
  settings->max_restarts = self->max_restarts;
  settings->restart_delay = self->restart_delay;
  GST_OBJECT_UNLOCK (self);
}

static void
child_starting (gboolean starting, gboolean notify, gpointer data)
{
  GstProcessReplica *self = data;

  if (notify)
    g_object_notify (G_OBJECT (self), "starting");
  gst_worker_core_set_starting (self->core, starting);
}

static void
child_changed (gpointer data)
{
  GstProcessReplica *self = data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static const GstProcChildCallbacks child_callbacks = {
  child_settings, on_child_message, on_child_query, on_child_closed,
  child_starting, child_changed
};

/* Ends the child (gst_proc_child_stop()): the stream's sticky events are
 * not due to it any more. Not with the lock. */
static void
stop_child (GstProcessReplica * self)
{
  gst_proc_child_stop (self->child);
  g_mutex_lock (&self->lock);
  self->replay_pending = FALSE;
  g_mutex_unlock (&self->lock);
}

static gboolean
spawn_or_error (GstProcessReplica * self)
{
  GError *err = NULL;

  if (gst_proc_child_spawn (self->child, &err))
    return TRUE;
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_error (GST_OBJECT (self), err, NULL));
  g_error_free (err);
  return FALSE;
}

/* Waits (with the lock) until the child's start ended, or a flush. An
 * item in hand meanwhile is @holding it. Returns: %FALSE if flushing
 * came first. */
static gboolean
wait_started_locked (GstProcessReplica * self, gboolean holding)
{
  if (holding)
    self->item_waits = gst_proc_child_is_starting (self->child);
  while (gst_proc_child_is_starting (self->child) && !self->flushing)
    g_cond_wait (&self->cond, &self->lock);
  if (holding)
    self->item_waits = FALSE;
  return !gst_proc_child_is_starting (self->child);
}

/* ---------------------------------------------------------------------- */
/* items */

/* how long an item sent alone after a crash waits for the ones before it
 * and for its own outputs (a worker that holds items, an encoder, keeps
 * their marks until its next frame: then it goes on) */
#define CAREFUL_WAIT (G_TIME_SPAN_SECOND)

/* Whether an item sent alone still waits for its outputs (with the lock). */
static gboolean
careful_waits (GstProcessReplica * self, gint64 end)
{
  return gst_proc_inflight_length (self->inflight) && !self->outputs &&
      g_get_monotonic_time () < end;
}

static gboolean send_and_wait (GstProcessReplica * self, GstBuffer * buffer,
    GstEvent * event, gint keep, gboolean mine, GstFlowReturn * flow,
    gboolean * result, gboolean * died);

typedef struct
{
  GstProcessReplica *self;
  gboolean ok;
} Replay;

static gboolean
replay_sticky (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  Replay *r = user_data;
  GstFlowReturn flow;
  gboolean result, died = FALSE;

  if (GST_EVENT_TYPE (*event) == GST_EVENT_EOS)
    return TRUE;
  send_and_wait (r->self, NULL, gst_event_ref (*event), -1, FALSE, &flow,
      &result, &died);
  if (died)
    r->ok = FALSE;
  return !died;
}

/* A running child: the one there is (once started: @holding, an item
 * waits for it meanwhile), or a new one after a crash (with the back-off,
 * the bound, and the stream's sticky events given again). Returns: %FALSE
 * if flushing or, having posted an error, if it cannot. */
static gboolean
ensure_child (GstProcessReplica * self, gboolean holding)
{
  guint max_restarts, delay, restarts, in_a_row;
  gint64 deadline;
  gchar *death = NULL;
  gboolean flushing;

  for (;;) {
    Replay replay = { self, TRUE };

    g_mutex_lock (&self->lock);
    /* a child that starts: its first item waits here, on the streaming
     * thread, not the state change */
    if (!wait_started_locked (self, holding) ||
        gst_proc_child_start_failed (self->child)) {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
    if (gst_proc_child_is_running (self->child)) {
      gboolean due = self->replay_pending;

      /* restarted between items: the stream's sticky events first */
      self->replay_pending = FALSE;
      g_mutex_unlock (&self->lock);
      if (due)
        gst_pad_sticky_events_foreach (self->sinkpad, replay_sticky, &replay);
      if (replay.ok) {
        g_free (death);
        return TRUE;
      }
      continue;
    }
    if (self->flushing) {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
    g_free (death);
    death = gst_proc_child_dup_death (self->child);
    if (!death)
      death = g_strdup ("it is not running");
    if (!gst_proc_child_count_crash (self->child, &delay, &max_restarts,
            &in_a_row)) {
      gchar *text = gst_proc_child_gives_up_text (self->child, in_a_row,
          max_restarts, death);

      g_mutex_unlock (&self->lock);
      GST_ELEMENT_ERROR (self, CORE, FAILED, ("%s", text), (NULL));
      g_free (text);
      g_free (death);
      return FALSE;
    }
    deadline = g_get_monotonic_time () + delay * G_TIME_SPAN_MILLISECOND;
    while (!self->flushing && g_cond_wait_until (&self->cond, &self->lock,
            deadline));
    flushing = self->flushing;
    restarts = gst_proc_child_count_restart (self->child, &in_a_row);
    g_mutex_unlock (&self->lock);
    if (flushing) {
      g_free (death);
      return FALSE;
    }
    gst_proc_child_announce_restart (self->child, death, restarts, in_a_row,
        max_restarts);
    stop_child (self);
    if (!spawn_or_error (self)) {
      g_free (death);
      return FALSE;
    }
    g_mutex_lock (&self->lock);
    if (!wait_started_locked (self, holding) ||
        gst_proc_child_start_failed (self->child)) {
      flushing = self->flushing;
      g_mutex_unlock (&self->lock);
      /* flushing: it has nothing of the stream yet, no need to wait for it */
      if (flushing)
        stop_child (self);
      g_free (death);
      return FALSE;
    }
    g_mutex_unlock (&self->lock);
    gst_pad_sticky_events_foreach (self->sinkpad, replay_sticky, &replay);
    if (replay.ok) {
      g_free (death);
      return TRUE;
    }
  }
}

/* Sends one item (@buffer or @event, taken) and waits until the child has
 * handled it. @keep >= 0: kept until its outputs are all out (with @keep
 * crashes counted against it). @died: the child died holding it.
 * Returns: %FALSE if there was no child to send it to. */
static gboolean
send_and_wait (GstProcessReplica * self, GstBuffer * buffer,
    GstEvent * event, gint keep, gboolean mine, GstFlowReturn * flow,
    gboolean * result, gboolean * died)
{
  GstProcChannel *ch;
  GstProcChild *child = self->child;
  guint64 id;
  guint hang;
  gint64 deadline = 0;
  gboolean sent, is_buffer = buffer != NULL, mark = FALSE, careful;
  gint64 careful_end;
  guint copies = 0;

  *died = FALSE;
  *flow = GST_FLOW_OK;
  *result = TRUE;
  GST_OBJECT_LOCK (self);
  hang = self->hang_timeout;
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  /* an item a crash was charged with goes into a worker with queues
   * alone, and is done when its outputs are out: if the child dies
   * meanwhile, it was this one */
  careful = keep >= 1 && gst_proc_child_has_threads (child);
  /* (bounded: an encoder holds the marks until its next frame) */
  careful_end = g_get_monotonic_time () + CAREFUL_WAIT;
  while (careful && gst_proc_inflight_length (self->inflight) &&
      !gst_proc_child_is_dead (child) && !self->flushing &&
      g_cond_wait_until (&self->cond, &self->lock, careful_end));
  ch = self->flushing ? NULL : gst_proc_child_dup_channel (child, FALSE,
      NULL);
  if (!ch) {
    *flow = self->flushing ? GST_FLOW_FLUSHING : GST_FLOW_ERROR;
    *died = !self->flushing;
    g_mutex_unlock (&self->lock);
    gst_clear_buffer (&buffer);
    gst_clear_event (&event);
    return FALSE;
  }
  id = ++self->next_id;
  self->wait_id = id;
  if (mine)
    self->sending_id = id;
  self->done = FALSE;
  if (keep >= 0) {
    gst_proc_inflight_keep (self->inflight, id, buffer, event, keep);
    self->kept_gen = gst_proc_child_generation (child);
    /* (an event too: once out, it is not sent again; EOS ends all) */
    mark = gst_proc_child_has_threads (child) && (buffer ||
        GST_EVENT_TYPE (event) != GST_EVENT_EOS);
  }
  g_mutex_unlock (&self->lock);

  if (buffer)
    sent = gst_proc_channel_send_buffer (ch, id, buffer, &copies);
  else
    sent = gst_proc_channel_send_event (ch, id, event);
  /* a queue inside may still hold it when the child says it is done: the
   * mark after it comes out when its outputs did (no answer awaited) */
  if (sent && mark) {
    GstEvent *m = gst_proc_inflight_new_mark (id);

    sent = gst_proc_channel_send_event (ch, 0, m);
    gst_event_unref (m);
  }
  gst_clear_buffer (&buffer);
  gst_clear_event (&event);
  gst_proc_channel_unref (ch);

  g_mutex_lock (&self->lock);
  self->copies += copies;
  if (hang)
    deadline = g_get_monotonic_time () + hang * G_TIME_SPAN_MILLISECOND;
  careful_end = g_get_monotonic_time () + CAREFUL_WAIT;
  while (sent && (!self->done || (careful && careful_waits (self,
                  careful_end))) && !gst_proc_child_is_dead (child) &&
      !self->flushing) {
    if (careful && self->done) {
      g_cond_wait_until (&self->cond, &self->lock, careful_end);
    } else if (!deadline) {
      g_cond_wait (&self->cond, &self->lock);
    } else if (!g_cond_wait_until (&self->cond, &self->lock, deadline)) {
      /* the watchdog: a child that holds an item too long is killed */
      gchar *death = g_strdup_printf ("its process (pid %d) hung: no "
          "answer for %u ms (hang-timeout), so it was killed",
          (gint) gst_proc_child_get_pid (child), hang);

      gst_proc_child_kill (child, death);
      g_free (death);
      deadline = 0;
    }
  }
  self->wait_id = 0;
  if (self->done && !(careful && gst_proc_child_is_dead (child))) {
    *flow = self->done_flow;
    *result = self->done_result;
    if (self->downstream != GST_FLOW_OK) {
      *flow = self->downstream;
      *result = FALSE;
    }
    if (is_buffer)
      /* an item finished: not crashing in a row */
      gst_proc_child_not_crashing (child);
  } else if (self->flushing) {
    *flow = GST_FLOW_FLUSHING;
    *result = FALSE;
  } else {
    *died = TRUE;
    if (!sent && !gst_proc_child_is_dead (child)) {
      /* could not write: the child is going, or the item cannot be sent
       * (too big a message); either way this child is done with */
      gint64 until = g_get_monotonic_time () + G_TIME_SPAN_SECOND;

      while (!gst_proc_child_is_dead (child) && !self->flushing &&
          g_cond_wait_until (&self->cond, &self->lock, until));
      if (!gst_proc_child_is_dead (child) && !self->flushing) {
        gchar *death = g_strdup_printf ("the item could not be sent to "
            "its process (pid %d), so it was killed",
            (gint) gst_proc_child_get_pid (child));

        gst_proc_child_kill (child, death);
        g_free (death);
      }
      while (!gst_proc_child_is_dead (child) && !self->flushing)
        g_cond_wait (&self->cond, &self->lock);
    }
  }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* The child died: what it held (every item kept, oldest first), charged
 * with the crash (the oldest, and the one sent with @in_hand), goes before
 * @todo; an item charged twice is lost, counted, with a warning (with the
 * lock, released and taken again). */
static GList *
take_crashed_locked (GstProcessReplica * self, guint64 in_hand, GList * todo)
{
  GList *crashed = gst_proc_inflight_take_crashed (self->inflight, in_hand);
  GList *l = crashed, *next;
  gboolean head = TRUE;

  GST_DEBUG_OBJECT (self, "the child held %u items, %u outputs made",
      g_list_length (crashed), self->outputs);
  /* what the oldest made already is not made twice */
  self->skip = self->outputs;
  self->outputs = 0;
  while (l) {
    GstProcInflightItem *item = l->data;
    gchar *death;

    next = l->next;
    if (item->crashes < 2) {
      if (item->buffer)
        self->items_retried++;
      head = FALSE;
      l = next;
      continue;
    }
    if (head)
      self->skip = 0;
    head = FALSE;
    crashed = g_list_delete_link (crashed, l);
    death = gst_proc_child_dup_death (self->child);
    if (item->buffer) {
      self->items_lost++;
      g_free (self->lost_reason);
      self->lost_reason = g_strdup_printf ("its child died with it twice; "
          "the last time %s", death);
    }
    g_mutex_unlock (&self->lock);
    if (item->buffer) {
      gst_worker_core_count (self->core, 0, 0, 1);
      GST_ELEMENT_WARNING (self, CORE, FAILED,
          ("Worker process %s lost an item (pts %" GST_TIME_FORMAT "): "
              "its child died with it twice; the last time %s.",
              GST_OBJECT_NAME (self),
              GST_TIME_ARGS (GST_BUFFER_PTS (item->buffer)), death), (NULL));
    } else {
      GST_ELEMENT_WARNING (self, CORE, FAILED,
          ("Worker process %s: its child died twice with a %s event; the "
              "last time %s.", GST_OBJECT_NAME (self),
              GST_EVENT_TYPE_NAME (item->event), death), (NULL));
    }
    g_free (death);
    gst_proc_inflight_item_free (item);
    g_mutex_lock (&self->lock);
    l = next;
  }
  return g_list_concat (crashed, todo);
}

static gint
inflight_item_is_buffer (gconstpointer item, gconstpointer buffer)
{
  return ((const GstProcInflightItem *) item)->buffer == buffer ? 0 : 1;
}

/* Sends @buffer or @event to the child, restarting it when it died and
 * sending again, in order, what it held (its queues included), each item
 * once more. */
static GstFlowReturn
process_item (GstProcessReplica * self, GstBuffer * buffer, GstEvent * event,
    gboolean * result)
{
  GstFlowReturn flow = GST_FLOW_OK;
  GstProcInflightItem *mine = g_new0 (GstProcInflightItem, 1);
  gboolean restart, hand = buffer != NULL;
  GList *todo;

  *result = TRUE;
  mine->buffer = buffer;
  mine->event = event;
  todo = g_list_append (NULL, mine);
  if (!buffer && !event)
    todo = g_list_delete_link (todo, todo);     /* only what was held */
  g_free (todo ? NULL : mine);
  for (;;) {
    GstProcInflightItem *item;
    gboolean is_mine, r, died, sent;
    GstFlowReturn f;

    g_mutex_lock (&self->lock);
    /* the caller's buffer, begun: an exit now counts it in hand
     * (`item-in-hand`) until its end is read, not a replica busy pushing
     * an earlier item's output */
    if (hand) {
      self->in_hand = TRUE;
      hand = FALSE;
    }
    /* a child that died between items held these */
    if (gst_proc_inflight_length (self->inflight) &&
        (gst_proc_child_is_dead (self->child) ||
            self->kept_gen != gst_proc_child_generation (self->child)))
      todo = take_crashed_locked (self, 0, todo);
    g_mutex_unlock (&self->lock);
    if (!todo)
      break;
    item = todo->data;
    /* (compared, never used: the caller's item, or one sent before) */
    is_mine = item->buffer ? item->buffer == buffer : item->event == event;

    if (!ensure_child (self, item->buffer != NULL)) {
      gboolean flushing;

      g_mutex_lock (&self->lock);
      flushing = self->flushing;
      self->sending_id = 0;
      self->in_hand = FALSE;
      g_mutex_unlock (&self->lock);
      g_list_free_full (todo, (GDestroyNotify) gst_proc_inflight_item_free);
      *result = FALSE;
      return flushing ? GST_FLOW_FLUSHING : GST_FLOW_ERROR;
    }
    /* the caller's buffer is not in the child until sent (again, after a
     * crash): an exit now counts it the replica's */
    if (buffer && !is_mine && g_list_find_custom (todo, buffer,
            inflight_item_is_buffer)) {
      g_mutex_lock (&self->lock);
      self->sending_id = G_MAXUINT64;
      g_mutex_unlock (&self->lock);
    }
    sent = send_and_wait (self, item->buffer ? gst_buffer_ref (item->buffer) :
        NULL, item->event ? gst_event_ref (item->event) : NULL,
        item->crashes, buffer && is_mine, &f, &r, &died);
    /* the child died before it got the item (between items): no retry,
     * the first attempt is on its successor */
    if (died && !sent)
      continue;
    /* sent: the item kept has it now */
    todo = g_list_delete_link (todo, todo);
    gst_proc_inflight_item_free (item);
    if (died) {
      g_mutex_lock (&self->lock);
      todo = take_crashed_locked (self, self->next_id, todo);
      g_mutex_unlock (&self->lock);
      continue;
    }
    if (is_mine || f != GST_FLOW_OK) {
      /* (an item sent again that failed: the stream's flow says so) */
      flow = f;
      *result = r;
    }
    if (f != GST_FLOW_OK) {
      g_list_free_full (todo, (GDestroyNotify) gst_proc_inflight_item_free);
      break;
    }
  }
  g_mutex_lock (&self->lock);
  /* (the caller's buffer, if any, is done with) */
  self->sending_id = 0;
  self->in_hand = FALSE;
  self->downstream = GST_FLOW_OK;
  /* a child that died with the item in hand whose answer had come (or all
   * it held was out) is restarted by no retry: at once, as one that died
   * between items (after a flow error, what it held waits for the next
   * item) */
  restart = !self->flushing && gst_proc_child_restart_dead (self->child);
  if (restart)
    self->replay_pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (restart)
    gst_worker_core_set_starting (self->core, TRUE);
  return flow;
}

/* A child that died between items held items (in its queues): they go to
 * the next child now, not with the next item (there may be none: an EOS
 * held). In the stream's turn (its lock). */
static gpointer
resend_held (gpointer data)
{
  GstProcessReplica *self = data;
  gboolean result;

  GST_PAD_STREAM_LOCK (self->sinkpad);
  process_item (self, NULL, NULL, &result);
  GST_PAD_STREAM_UNLOCK (self->sinkpad);
  gst_object_unref (self);
  return NULL;
}

static GstFlowReturn
gst_process_replica_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (parent);
  GstFlowReturn flow;
  gboolean result;

  /* (before it is busy with it: an exit now counts it the replica's) */
  g_mutex_lock (&self->lock);
  self->sending_id = G_MAXUINT64;
  g_mutex_unlock (&self->lock);
  if (!gst_worker_core_begin_item (self->core, 1)) {
    g_mutex_lock (&self->lock);
    self->sending_id = 0;
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buffer);
    return GST_FLOW_FLUSHING;
  }
  /* (holds it in hand from its first lock, and clears sending_id and
   * in_hand as it ends, under locks it takes anyway) */
  flow = process_item (self, buffer, NULL, &result);
  gst_worker_core_end_item (self->core);
  /* an item the child's worker failed on (an error of its own) is lost
   * here: counted, so that a stop accounts for it */
  gst_worker_core_fail_item (self->core, flow);
  return flow;
}

static void
set_flushing (GstProcessReplica * self, gboolean flushing)
{
  g_mutex_lock (&self->lock);
  self->flushing = flushing;
  self->downstream = GST_FLOW_OK;
  if (flushing) {
    /* what the child held is flushed */
    gst_proc_inflight_clear (self->inflight);
    self->outputs = 0;
    self->skip = 0;
  }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  gst_worker_core_set_flushing (self->core, flushing);
}

static void
send_oob (GstProcessReplica * self, GstEvent * event)
{
  GstProcChannel *ch = NULL;

  ch = gst_proc_child_dup_channel (self->child, FALSE, NULL);
  if (ch) {
    gst_proc_channel_send_event (ch, 0, event);
    gst_proc_channel_unref (ch);
  }
  gst_event_unref (event);
}

static gboolean
gst_process_replica_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (parent);
  gboolean result;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      set_flushing (self, TRUE);
      send_oob (self, gst_event_ref (event));
      return gst_pad_push_event (self->srcpad, event);
    case GST_EVENT_FLUSH_STOP:
      send_oob (self, gst_event_ref (event));
      set_flushing (self, FALSE);
      return gst_pad_push_event (self->srcpad, event);
    case GST_EVENT_EOS:
      /* a paused worker holds EOS like any item */
      if (!gst_worker_core_wait_unpaused (self->core)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    default:
      break;
  }
  if (!GST_EVENT_IS_SERIALIZED (event)) {
    send_oob (self, event);
    return TRUE;
  }
  process_item (self, NULL, event, &result);
  return result;
}

static gboolean
gst_process_replica_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:{
      GstProcChannel *ch = NULL;
      gboolean res;

      g_mutex_lock (&self->lock);
      /* the worker answers once its child runs: a streaming thread waits
       * for that; a query on an inactive pad (a link made in READY, on the
       * application's thread) gets the default answer meanwhile */
      if (!gst_proc_child_is_starting (self->child) ||
          !GST_PAD_IS_FLUSHING (pad))
        wait_started_locked (self, FALSE);
      if (!gst_proc_child_is_starting (self->child))
        ch = gst_proc_child_dup_channel (self->child, FALSE, NULL);
      g_mutex_unlock (&self->lock);
      if (!ch)
        break;
      res = gst_proc_channel_query (ch, query, GST_PAD_DIRECTION (pad));
      gst_proc_channel_unref (ch);
      return res;
    }
    case GST_QUERY_ALLOCATION:{
      GstAllocator *shm;

      if (GST_PAD_DIRECTION (pad) != GST_PAD_SINK)
        break;
      /* frames in shared memory cross with no copy */
      shm = gst_proc_shm_allocator_get ();
      gst_query_add_allocation_param (query, shm, NULL);
      gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
      gst_object_unref (shm);
      return TRUE;
    }
    default:
      break;
  }
  return gst_pad_query_default (pad, parent, query);
}

/* Element queries: the controller's pause of a worker inside the child
 * (GST_PROC_CHILD_PAUSE_QUERY), or set of a property there
 * (GST_PROC_CHILD_SET_QUERY), goes to the child. */
static gboolean
gst_process_replica_element_query (GstElement * element, GstQuery * query)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (element);
  const GstStructure *qs = gst_query_get_structure (query);
  gboolean set = qs && gst_structure_has_name (qs, GST_PROC_CHILD_SET_QUERY);

  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_KILL_QUERY)) {
    /* a controller's stall policy: a child holding an item is ended as a
     * hung one (the crash path restarts it and retries the item) */
    gboolean killed = FALSE;

    g_mutex_lock (&self->lock);
    /* (already ended, or starting again: the replica is on it) */
    if (gst_proc_child_is_dead (self->child) ||
        gst_proc_child_is_starting (self->child))
      killed = TRUE;
    else if (self->wait_id) {
      gchar *death = g_strdup_printf ("its process (pid %d) hung: %s, so "
          "it was killed", (gint) gst_proc_child_get_pid (self->child),
          gst_structure_get_string (qs, "reason"));

      killed = gst_proc_child_kill (self->child, death);
      g_free (death);
    }
    g_mutex_unlock (&self->lock);
    return killed;
  }
  /* a controller's exit now: the child stops every item where it is */
  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_FREEZE_QUERY))
    return gst_proc_child_status_freeze (self->children, query);
  if (GST_QUERY_TYPE (query) != GST_QUERY_CUSTOM || !qs || (!set &&
          !gst_structure_has_name (qs, GST_PROC_CHILD_PAUSE_QUERY)))
    return GST_ELEMENT_CLASS (gst_process_replica_parent_class)->query
        (element, query);
  /* to the running child; queued for one that starts */
  if (set)
    return gst_proc_child_status_forward_set (self->children, query);
  return gst_proc_child_status_forward_pause (self->children, query);
}

/* What the controller set in this replica's children (`set REPLICA/NAME
 * prop=v`), each child started gets it again: a copy, "set" structures
 * (element, property, value), for a pool that builds its replicas again. */
GPtrArray *
gst_process_replica_dup_child_settings (GstProcessReplica * self)
{
  return gst_proc_child_status_dup_settings (self->children);
}

/* Gives @self's children (the next ones: call it before the start) what
 * @setting, as gst_process_replica_dup_child_settings() gives it, says. */
void
gst_process_replica_keep_child_setting (GstProcessReplica * self,
    const GstStructure * setting)
{
  gst_proc_child_status_keep_setting (self->children, setting);
}

/* ---------------------------------------------------------------------- */
/* the worker interface */

static GstWorkerCore *
gst_process_replica_get_core (GstWorker * worker)
{
  return GST_PROCESS_REPLICA (worker)->core;
}

/* Asks the child for its workers' stats now (bounded): see
 * gst_proc_child_status_refresh(); for a heartbeat, or while the reader
 * pushes (the answer waits behind it), the answer is for the next read. */
static void
refresh_child_workers (GstProcessReplica * self, gboolean heartbeat)
{
  GPid pid = 0;
  GstProcChannel *ch = gst_proc_child_dup_channel (self->child, TRUE, &pid);

  if (!ch)
    return;
  gst_proc_child_status_refresh (self->children, ch, pid, !heartbeat &&
      !gst_proc_reader_pushing_ms (self->reader));
  gst_proc_channel_unref (ch);
}

static void
gst_process_replica_add_stats (GstWorker * worker, GstStructure * stats)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (worker);
  gboolean running;
  guint64 sending, received_id;
  gboolean in_hand;

  refresh_child_workers (self, gst_structure_has_name (stats,
          GST_WORKER_HEARTBEAT_NAME));
  g_mutex_lock (&self->lock);
  running = gst_proc_child_is_running (self->child);
  if (self->lost_reason)
    gst_structure_set (stats, "items-lost-reason", G_TYPE_STRING,
        self->lost_reason, NULL);
  gst_structure_set (stats,
      "pid", G_TYPE_INT, (gint) (gst_proc_child_is_dead (self->child) ? 0 :
          gst_proc_child_get_pid (self->child)),
      "restarts", G_TYPE_UINT, gst_proc_child_restarts (self->child),
      "items-retried", G_TYPE_UINT64, self->items_retried,
      "items-lost", G_TYPE_UINT64, self->items_lost,
      "payload-copies", G_TYPE_UINT, self->copies, NULL);
  /* state starting: whether it has an item (an exit now counts it) */
  if (gst_proc_child_is_starting (self->child))
    gst_structure_set (stats, "waits-for-child", G_TYPE_BOOLEAN,
        self->item_waits, NULL);
  g_mutex_unlock (&self->lock);
  gst_proc_child_status_add_stats (self->children, stats, running);
  /* frozen: whether the item in hand reached the child before its last
   * answer (an exit now counts it in there), or not (the replica holds
   * it: sent after the answer, or not yet); read after the answer (it
   * goes from none yet to its id, then 0; after a crash, to none yet
   * again and a new id) */
  g_mutex_lock (&self->lock);
  sending = self->sending_id;
  in_hand = self->in_hand;
  g_mutex_unlock (&self->lock);
  gst_structure_set (stats, "item-in-hand", G_TYPE_BOOLEAN, in_hand, NULL);
  if (sending && gst_structure_get_uint64 (stats, "child-received-id",
          &received_id))
    gst_structure_set (stats, "child-input-unsent", G_TYPE_BOOLEAN,
        sending > received_id, NULL);
}

static void
gst_process_replica_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_process_replica_get_core;
  iface->add_stats = gst_process_replica_add_stats;
}

/* ---------------------------------------------------------------------- */
/* the element */

static GstStateChangeReturn
gst_process_replica_change_state (GstElement * element,
    GstStateChange transition)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      gst_proc_child_not_crashing (self->child);
      /* spawned only: the hello is awaited off this thread */
      if (!spawn_or_error (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      set_flushing (self, FALSE);
      /* (as the core's counts) */
      gst_proc_child_status_reset_counts (self->children);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      set_flushing (self, TRUE);
      break;
    default:
      break;
  }
  gst_worker_core_change_state (self->core, transition);
  ret = GST_ELEMENT_CLASS (gst_process_replica_parent_class)->change_state
      (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* the child's pads forget the stream (and its EOS) */
      send_oob (self, gst_event_new_flush_start ());
      send_oob (self, gst_event_new_flush_stop (TRUE));
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      stop_child (self);
      break;
    default:
      break;
  }
  return ret;
}

static void
gst_process_replica_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (object);

  if (gst_worker_core_set_property (self->core, prop_id, value))
    return;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_WORKER:
      g_free (self->worker);
      self->worker = g_value_dup_string (value);
      break;
    case PROP_MAX_RESTARTS:
      self->max_restarts = g_value_get_uint (value);
      break;
    case PROP_RESTART_DELAY:
      self->restart_delay = g_value_get_uint (value);
      break;
    case PROP_HANG_TIMEOUT:
      self->hang_timeout = g_value_get_uint (value);
      break;
    case PROP_TRANSPORT:
      self->transport = g_value_get_enum (value);
      break;
    case PROP_START_TIMEOUT:
      self->start_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_process_replica_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (object);

  if (gst_worker_core_get_property (self->core, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_PID:
      g_value_set_int (value, gst_proc_child_is_dead (self->child) ? 0 :
          (gint) gst_proc_child_get_pid (self->child));
      return;
    case PROP_STARTING:
      g_value_set_boolean (value, gst_proc_child_is_starting (self->child));
      return;
    default:
      break;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_WORKER:
      g_value_set_string (value, self->worker);
      break;
    case PROP_MAX_RESTARTS:
      g_value_set_uint (value, self->max_restarts);
      break;
    case PROP_RESTART_DELAY:
      g_value_set_uint (value, self->restart_delay);
      break;
    case PROP_HANG_TIMEOUT:
      g_value_set_uint (value, self->hang_timeout);
      break;
    case PROP_TRANSPORT:
      g_value_set_enum (value, self->transport);
      break;
    case PROP_START_TIMEOUT:
      g_value_set_uint (value, self->start_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_process_replica_finalize (GObject * object)
{
  GstProcessReplica *self = GST_PROCESS_REPLICA (object);

  stop_child (self);
  g_object_unref (self->child);
  gst_proc_reader_free (self->reader);
  gst_worker_core_free (self->core);
  gst_proc_child_status_free (self->children);
  gst_proc_inflight_free (self->inflight);
  g_free (self->lost_reason);
  g_free (self->worker);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_process_replica_parent_class)->finalize (object);
}

static void
gst_process_replica_class_init (GstProcessReplicaClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_process_replica_set_property;
  gobject_class->get_property = gst_process_replica_get_property;
  gobject_class->finalize = gst_process_replica_finalize;

  g_object_class_install_property (gobject_class, PROP_WORKER,
      g_param_spec_string ("worker", "Worker",
          "The worker to run in a child process, as a gst-launch-1.0 bin "
          "description with one free input and one free output, e.g. "
          "\"jpegenc\" (required; read when going to READY)", DEFAULT_WORKER,
          flags | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_RESTARTS,
      g_param_spec_uint ("max-restarts", "Max restarts",
          "Crashes in a row, without an item finished, after which the "
          "replica gives up with an error", 0, G_MAXINT, DEFAULT_MAX_RESTARTS,
          flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_RESTART_DELAY,
      g_param_spec_uint ("restart-delay", "Restart delay",
          "Milliseconds before the first restart after a crash; doubled at "
          "each crash in a row, at most 2000", 0, MAX_RESTART_DELAY,
          DEFAULT_RESTART_DELAY, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_HANG_TIMEOUT,
      g_param_spec_uint ("hang-timeout", "Hang timeout",
          "Milliseconds the child may hold one item before it is killed and "
          "restarted (0: no limit)", 0, G_MAXINT, DEFAULT_HANG_TIMEOUT,
          flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_START_TIMEOUT,
      g_param_spec_uint ("start-timeout", "Start timeout",
          "Milliseconds a child may take to start (build and run its "
          "worker, or connect over TCP) before it is killed and restarted "
          "as after a crash (max-restarts, restart-delay); the state "
          "change does not wait for it", 1, G_MAXINT, DEFAULT_START_TIMEOUT,
          flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_TRANSPORT,
      g_param_spec_enum ("transport", "Transport",
          "How the child is reached: unix (a unix socket, frames in shared "
          "memory) or tcp (a TCP connection on the loopback, frames in the "
          "stream: the protocol as it would run to another host)",
          GST_TYPE_PROCESS_REPLICA_TRANSPORT, DEFAULT_TRANSPORT,
          flags | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_STARTING,
      g_param_spec_boolean ("starting", "Starting",
          "Whether the child was started and has not said it runs yet "
          "(notified when the start ends, in a thread of the element's)",
          FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PID,
      g_param_spec_int ("pid", "Process id",
          "The child's process id (0 when there is none)", 0, G_MAXINT, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  gst_worker_core_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Worker in a child process", "Generic",
      "Runs a worker in a child process of its own: a crash of the worker "
      "is contained and restarted", "gst-workers");
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_process_replica_change_state);
  element_class->query =
      GST_DEBUG_FUNCPTR (gst_process_replica_element_query);

  /* types that cross as names in structures */
  g_type_ensure (GST_TYPE_WORKER_STATE);
  gst_type_mark_as_plugin_api (GST_TYPE_PROCESS_REPLICA_TRANSPORT, 0);
}

static void
gst_process_replica_init (GstProcessReplica * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->children = gst_proc_child_status_new (GST_ELEMENT (self));
  self->child = gst_proc_child_new (GST_ELEMENT (self), self->children,
      &child_callbacks, self);
  self->inflight = gst_proc_inflight_new ();
  self->worker = g_strdup (DEFAULT_WORKER);
  self->max_restarts = DEFAULT_MAX_RESTARTS;
  self->restart_delay = DEFAULT_RESTART_DELAY;
  self->hang_timeout = DEFAULT_HANG_TIMEOUT;
  self->transport = DEFAULT_TRANSPORT;
  self->start_timeout = DEFAULT_START_TIMEOUT;
  self->downstream = GST_FLOW_OK;

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_process_replica_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_process_replica_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_process_replica_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_process_replica_query));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->core = gst_worker_core_new (GST_ELEMENT (self));
  gst_worker_core_set_main_srcpad (self->core, self->srcpad);
  self->reader = gst_proc_reader_new (GST_ELEMENT (self), self->srcpad,
      self->core, self->children);
  gst_proc_child_status_set_reader_probe (self->children, reader_pushing_ms,
      self->reader);
}
