/* gst-workers: gst-worker-child, the process a process replica starts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gst-worker-child FD NAME DESCRIPTION
 * gst-worker-child tcp:HOST:PORT NAME DESCRIPTION
 *
 * Builds DESCRIPTION (one free input, one free output) in a pipeline of
 * its own, then serves the replica NAME on the unix socket FD, or on a TCP
 * connection it makes to HOST:PORT (gstprocwire.h):
 * items from the replica are pushed into the worker one at a time, each
 * answered by DONE once the worker returned it (together with the item's
 * last output, in one message, when there is one); what the worker outputs,
 * its bus messages (errors, heartbeats) and its caps queries go back. Not
 * meant to be run by hand: `processreplica` starts it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include "gstprocchannel.h"
#include "gst/worker/controller/gstworkerpropset.h"
#include "gstprocshm.h"
#include "gstprocpython.h"
#include "gstprocstart.h"
#include "gstprocfreeze.h"

GST_DEBUG_CATEGORY_STATIC (child_debug);
#define GST_CAT_DEFAULT child_debug

/* how long the answer to a freeze waits for an item on its way back to
 * serve() (a worker failed on it): a push that returns, not work */
#define IN_TRANSIT_WAIT (2 * G_TIME_SPAN_SECOND)

typedef struct
{
  guint64 id;
  GstBuffer *buffer;
  GstEvent *event;
  gboolean quit;
} Item;

typedef struct
{
  GstProcChannel *channel;
  GstElement *pipeline;
  GstPad *srcpad;               /* ours, into the worker */
  GstPad *sinkpad;              /* ours, out of the worker */
  GAsyncQueue *items;
  gint flushing;                /* atomic */
  GstProcFreeze *freeze;        /* fixed once the worker is built: what
                                 * each element holds */

  GMutex answer_lock;
  /* protected by answer_lock */
  GstStructure *frozen;         /* the answer to the freeze, kept: every
                                 * later stats query gets it */

  GMutex out_lock;              /* the worker's outputs, one at a time */
  GCond served;                 /* serve()'s push returned */
  /* protected by out_lock */
  GThread *serving;             /* serve(), while it pushes an item */
  gboolean serving_buffer;      /* ... and the item is a buffer */
  guint served_count;           /* pushes of serve() that returned */
  gboolean answered;            /* the answer to the freeze is made */
  guint64 failed_unsent;        /* buffers the worker failed on whose DONE
                                 * the freeze kept, before its answer */
  GstBuffer *held;              /* its last output so far: sent with the
                                 * item's DONE, or before the next output */
} Child;

static void
item_free (Item * item)
{
  gst_clear_buffer (&item->buffer);
  gst_clear_event (&item->event);
  g_free (item);
}

/* A TCP connection to "tcp:HOST:PORT", or -1. */
static int
connect_tcp (const gchar * where)
{
  gchar **parts = g_strsplit (where + 4, ":", 2);
  struct addrinfo hints = { 0 }, *res = NULL, *ai;
  int fd = -1, one = 1;

  hints.ai_socktype = SOCK_STREAM;
  if (parts[0] && parts[1] && getaddrinfo (parts[0], parts[1], &hints,
          &res) == 0) {
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
      fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
          ai->ai_protocol);
      if (fd >= 0 && connect (fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        close (fd);
        fd = -1;
      }
    }
    freeaddrinfo (res);
  }
  if (fd >= 0)
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
  g_strfreev (parts);
  return fd;
}

static void
fail (GstProcChannel * channel, const gchar * message)
{
  GstStructure *s = gst_structure_new ("failed", "message", G_TYPE_STRING,
      message, NULL);

  gst_proc_channel_send_structure (channel, GST_PROC_MSG_FAILED, 0, s);
  gst_structure_free (s);
}

/* the worker's one free input and one free output */
static gboolean
find_free_pads (GstBin * bin, GstPad ** sink, GstPad ** src, gchar ** error)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue v = G_VALUE_INIT;
  guint n_sink = 0, n_src = 0;

  *sink = *src = NULL;
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *child = g_value_get_object (&v);
    GList *p;

    if (!GST_IS_BIN (child)) {
      GST_OBJECT_LOCK (child);
      for (p = child->pads; p; p = p->next) {
        GstPad *pad = p->data;

        if (gst_pad_is_linked (pad))
          continue;
        if (GST_PAD_IS_SINK (pad)) {
          n_sink++;
          gst_object_replace ((GstObject **) sink, GST_OBJECT (pad));
        } else {
          n_src++;
          gst_object_replace ((GstObject **) src, GST_OBJECT (pad));
        }
      }
      GST_OBJECT_UNLOCK (child);
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  if (n_sink == 1 && n_src == 1)
    return TRUE;
  *error = g_strdup_printf ("a worker needs exactly one free input and one "
      "free output, and this one has %u free input%s and %u free output%s",
      n_sink, n_sink == 1 ? "" : "s", n_src, n_src == 1 ? "" : "s");
  gst_clear_object (sink);
  gst_clear_object (src);
  return FALSE;
}

/* Whether an element of @bin pushes from a thread of its own (a queue:
 * an item's outputs may come after the child said it is done). */
static gboolean
runs_threads (GstBin * bin)
{
  static const gchar *bases[] = {
    "GstQueue", "GstQueue2", "GstMultiQueue", "GstAggregator"
  };
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue v = G_VALUE_INIT;
  gboolean found = FALSE;

  while (!found && gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GObject *e = g_value_get_object (&v);

    for (guint i = 0; i < G_N_ELEMENTS (bases) && !found; i++) {
      GType base = g_type_from_name (bases[i]);

      found = base && g_type_is_a (G_OBJECT_TYPE (e), base);
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return found;
}

/* ---------------------------------------------------------------------- */
/* the worker's side */

/* Sends the output held back, if any (with out_lock). */
static gboolean
send_held (Child * child)
{
  gboolean ok = TRUE;

  if (child->held) {
    ok = gst_proc_channel_send_buffer (child->channel, 0, child->held, NULL);
    gst_clear_buffer (&child->held);
  }
  return ok;
}

static GstFlowReturn
out_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  Child *child = gst_pad_get_element_private (pad);
  gboolean ok;

  g_mutex_lock (&child->out_lock);
  ok = send_held (child);
  if (child->serving == g_thread_self ()) {
    /* made while the item is pushed: it may be the item's last output,
     * which goes with the item's DONE */
    child->held = buffer;
  } else {
    /* from a thread of the worker's own, after its item was done */
    ok = gst_proc_channel_send_buffer (child->channel, 0, buffer, NULL) && ok;
    gst_buffer_unref (buffer);
  }
  g_mutex_unlock (&child->out_lock);
  return ok ? GST_FLOW_OK : GST_FLOW_ERROR;
}

static gboolean
out_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  Child *child = gst_pad_get_element_private (pad);
  gboolean ok = TRUE;

  /* the replica flushes downstream itself */
  if (GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_START &&
      GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_STOP) {
    g_mutex_lock (&child->out_lock);
    ok = send_held (child);
    ok = gst_proc_channel_send_event (child->channel, 0, event) && ok;
    g_mutex_unlock (&child->out_lock);
  }
  gst_event_unref (event);
  return ok;
}

static gboolean
pad_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  Child *child = gst_pad_get_element_private (pad);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:
      /* what is before or after the replica decides */
      return gst_proc_channel_query (child->channel, query,
          GST_PAD_DIRECTION (pad));
    case GST_QUERY_ALLOCATION:{
      GstAllocator *shm = gst_proc_shm_allocator_get ();

      /* outputs in shared memory cross with no copy */
      gst_query_add_allocation_param (query, shm, NULL);
      gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
      gst_object_unref (shm);
      return TRUE;
    }
    case GST_QUERY_LATENCY:
      gst_query_set_latency (query, FALSE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_DRAIN:
      return TRUE;
    default:
      return FALSE;
  }
}

static gboolean
in_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* upstream events (QoS, reconfigure): the replica answers its own */
  gst_event_unref (event);
  return TRUE;
}

static GstBusSyncReply
on_bus (GstBus * bus, GstMessage * message, gpointer user_data)
{
  Child *child = user_data;
  GstStructure *s = NULL;
  gchar *src = GST_MESSAGE_SRC (message) ?
      gst_object_get_path_string (GST_MESSAGE_SRC (message)) : g_strdup ("");

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;
      gchar *debug = NULL;
      gboolean error = GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR;

      if (error)
        gst_message_parse_error (message, &err, &debug);
      else
        gst_message_parse_warning (message, &err, &debug);
      s = gst_structure_new ("message",
          "type", G_TYPE_STRING, error ? "error" : "warning",
          "src", G_TYPE_STRING, src,
          "domain", G_TYPE_STRING, g_quark_to_string (err->domain),
          "code", G_TYPE_INT, err->code,
          "text", G_TYPE_STRING, err->message,
          "debug", G_TYPE_STRING, debug ? debug : "", NULL);
      g_clear_error (&err);
      g_free (debug);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *ms = gst_message_get_structure (message);
      gchar *str = ms ? gst_proc_wire_serialize_structure (ms) : NULL;

      if (str)
        s = gst_structure_new ("message",
            "type", G_TYPE_STRING, "element",
            "src", G_TYPE_STRING, src,
            "structure", G_TYPE_STRING, str, NULL);
      g_free (str);
      break;
    }
    default:
      break;
  }
  if (s) {
    gst_proc_channel_send_structure (child->channel, GST_PROC_MSG_MESSAGE, 0,
        s);
    gst_structure_free (s);
  }
  g_free (src);
  gst_message_unref (message);
  return GST_BUS_DROP;
}

/* ---------------------------------------------------------------------- */
/* the replica's side: its reader thread */

static void
on_message (GstProcChannel * channel, GstProcMessage * msg, gpointer user_data)
{
  Child *child = user_data;
  Item *item;

  if (msg->type == GST_PROC_MSG_EVENT &&
      GST_EVENT_TYPE (msg->event) == GST_EVENT_FLUSH_START) {
    /* out of band: wakes the worker's streaming thread, drops what
     * waits */
    g_atomic_int_set (&child->flushing, 1);
    /* (pushes a freeze holds drop their buffer) */
    if (child->freeze)
      gst_proc_freeze_set_flushing (child->freeze, TRUE);
    gst_pad_push_event (child->srcpad, gst_event_new_flush_start ());
    while ((item = g_async_queue_try_pop (child->items)))
      item_free (item);
    return;
  }
  if (msg->type != GST_PROC_MSG_BUFFER && msg->type != GST_PROC_MSG_EVENT)
    return;
  if (msg->type == GST_PROC_MSG_BUFFER && child->freeze)
    gst_proc_freeze_received (child->freeze, msg->id);
  item = g_new0 (Item, 1);
  item->id = msg->id;
  item->buffer = g_steal_pointer (&msg->buffer);
  item->event = g_steal_pointer (&msg->event);
  g_async_queue_push (child->items, item);
}

static void
collect_worker (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);

  if (GST_IS_WORKER (element) || (!GST_IS_BIN (element) &&
          g_object_class_find_property (G_OBJECT_GET_CLASS (element),
              "current-level-buffers")))
    g_ptr_array_add (user_data, gst_object_ref (element));
}

/* How long a rate is measured over, at least (the replica asks for the
 * stats often, at every read of its own) */
#define RATE_WINDOW (G_USEC_PER_SEC)

/* Items in per second of a worker in here, measured between two answers
 * RATE_WINDOW apart at least: its `rate`, as the controller gives each of
 * its own workers from their heartbeats. */
typedef struct
{
  gint64 since;                 /* monotonic us the window began */
  guint64 items;                /* items-in then */
  gdouble rate;                 /* of the last window */
  gboolean known;               /* a whole window was measured */
} Rate;

G_LOCK_DEFINE_STATIC (rates);
static GHashTable *rates;       /* worker's name -> Rate; under the lock */

static void
add_rate (GstStructure * s)
{
  const gchar *name = gst_structure_get_string (s, "worker");
  gint64 now = g_get_monotonic_time ();
  guint64 items = 0;
  Rate *r;

  if (!name)
    return;
  gst_structure_get_uint64 (s, "items-in", &items);
  G_LOCK (rates);
  if (!rates)
    rates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r = g_hash_table_lookup (rates, name);
  if (!r) {
    r = g_new0 (Rate, 1);
    r->since = now;
    r->items = items;
    g_hash_table_insert (rates, g_strdup (name), r);
  } else if (now - r->since >= RATE_WINDOW) {
    r->rate = (items - r->items) * (gdouble) G_USEC_PER_SEC /
        (now - r->since);
    r->since = now;
    r->items = items;
    r->known = TRUE;
  } else if (!r->known && now > r->since) {
    /* the first window, so far */
    gst_structure_set (s, "rate", G_TYPE_DOUBLE, (items - r->items) *
        (gdouble) G_USEC_PER_SEC / (now - r->since), NULL);
  }
  /* no rate at the first sight of a worker: unknown, not 0 */
  if (r->known)
    gst_structure_set (s, "rate", G_TYPE_DOUBLE, r->rate, NULL);
  G_UNLOCK (rates);
}

/* What @e (a worker) held when its child was frozen, from @h (see
 * gstprocfreeze.c) and its stats @s then: the items pushed into it that
 * it did not start (paused), and the one in hand if its output did not
 * go on (it counts an output once its push returned: one that went on,
 * its push not back yet -- into a full queue, say, or out of the child
 * -- is no longer its). */
static guint64
worker_held (const GstProcFreezeHeld * h, const GstStructure * s)
{
  guint64 started = 0, out = 0;
  gint state = GST_WORKER_STATE_IDLE;
  guint64 held;

  gst_structure_get_uint64 (s, "items-in", &started);
  gst_structure_get_uint64 (s, "items-out", &out);
  gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state);
  held = h && h->arrivals > started ? h->arrivals - started : 0;
  if (state == GST_WORKER_STATE_BUSY && (!h || h->departures <= out))
    held++;
  return held;
}

static void
append_serialized (GValue * array, GstStructure * s)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_STRING);
  g_value_take_string (&v, gst_proc_wire_serialize_structure (s));
  gst_value_array_append_and_take_value (array, &v);
}

/* The stats of the workers in here into @answer: `workers` (each one's
 * stats, serialised), `queues` (the items each queue in here holds, "queue,
 * name=, items=" structures, serialised) and `entry`, the element the
 * replica's items go into. With @held (frozen, see gstprocfreeze.c): the
 * items each one held then, exactly: `held` of each worker, the queues'
 * items, `others` (elements neither workers nor queues holding items:
 * "element, name=, items="). Returns: with @held, the items held in here
 * in all. */
static guint64
build_answer (Child * child, GstStructure * answer, GHashTable * held)
{
  GPtrArray *workers = g_ptr_array_new_with_free_func (gst_object_unref);
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (child->pipeline));
  GValue array = G_VALUE_INIT, queues = G_VALUE_INIT, others = G_VALUE_INIT;
  GstPad *entry = gst_pad_get_peer (child->srcpad);
  GstElement *entry_element = entry ? gst_pad_get_parent_element (entry) :
      NULL;
  GHashTableIter hit;
  gpointer key, value;
  guint64 total = 0;

  while (gst_iterator_foreach (it, collect_worker, workers) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_set_size (workers, 0);
  }
  gst_iterator_free (it);

  g_value_init (&array, GST_TYPE_ARRAY);
  g_value_init (&queues, GST_TYPE_ARRAY);
  /* a bin lists its children last added first: upstream first is the
   * other way round */
  for (guint i = workers->len; i > 0; i--) {
    GstElement *e = g_ptr_array_index (workers, i - 1);
    const GstProcFreezeHeld *h = held ? g_hash_table_lookup (held, e) : NULL;
    GstStructure *s;

    if (GST_IS_WORKER (e)) {
      s = gst_worker_get_stats (GST_WORKER (e));
      /* paused by the controller, maybe still busy with its item: the
       * waits behind it are excused at once */
      gst_structure_set (s, "paused", G_TYPE_BOOLEAN,
          gst_worker_get_paused (GST_WORKER (e)), NULL);
      add_rate (s);
      if (held) {
        guint64 n = worker_held (h, s);

        gst_structure_set (s, "held", G_TYPE_UINT64, n, NULL);
        total += n;
      }
    } else {
      guint level = 0;
      guint64 n;

      g_object_get (e, "current-level-buffers", &level, NULL);
      n = !held ? (guint64) level : h && h->arrivals > h->departures ?
          h->arrivals - h->departures : 0;
      s = gst_structure_new ("queue", "name", G_TYPE_STRING,
          GST_OBJECT_NAME (e), "items", G_TYPE_UINT64, n, NULL);
      total += held ? n : 0;
    }
    append_serialized (GST_IS_WORKER (e) ? &array : &queues, s);
    gst_structure_free (s);
  }
  gst_structure_take_value (answer, "workers", &array);
  gst_structure_take_value (answer, "queues", &queues);
  if (held) {
    g_value_init (&others, GST_TYPE_ARRAY);
    g_hash_table_iter_init (&hit, held);
    while (g_hash_table_iter_next (&hit, &key, &value)) {
      const GstProcFreezeHeld *h = value;
      GstStructure *s;

      if (g_ptr_array_find (workers, key, NULL) || !h->waiting)
        continue;
      s = gst_structure_new ("element", "name", G_TYPE_STRING,
          GST_OBJECT_NAME (key), "items", G_TYPE_UINT64, (guint64) h->waiting,
          NULL);
      append_serialized (&others, s);
      gst_structure_free (s);
      total += h->waiting;
    }
    gst_structure_take_value (answer, "others", &others);
    gst_structure_set (answer, "frozen", G_TYPE_BOOLEAN, TRUE, NULL);
  }
  if (entry_element)
    gst_structure_set (answer, "entry", G_TYPE_STRING,
        GST_OBJECT_NAME (entry_element), NULL);
  gst_clear_object (&entry_element);
  gst_clear_object (&entry);
  g_ptr_array_unref (workers);
  return total;
}

/* Fills the query @qs with @answer's fields. */
static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

/* The replica asks for the stats of the workers in here (to show them and
 * account for what they hold): answered from the query's thread, so even
 * while a worker hangs (see build_answer()). Once frozen, the answer to
 * the freeze, and `input-held`: the items the replica sent that its
 * worker did not take (some may come after the freeze), with
 * `received-id`, the replica's id of the last one that came. */
static gboolean
answer_stats (Child * child, GstQuery * query)
{
  GstStructure *qs = gst_query_writable_structure (query);

  g_mutex_lock (&child->answer_lock);
  if (child->frozen) {
    guint64 held, received_id;

    gst_structure_foreach (child->frozen, copy_field, qs);
    g_mutex_unlock (&child->answer_lock);
    held = gst_proc_freeze_input_held (child->freeze, &received_id);
    gst_structure_set (qs, "input-held", G_TYPE_UINT64, held,
        "received-id", G_TYPE_UINT64, received_id, NULL);
    return TRUE;
  }
  g_mutex_unlock (&child->answer_lock);
  build_answer (child, qs, NULL);
  return TRUE;
}

/* Whether the freeze holds a push (@held: see gstprocfreeze.c). */
static gboolean
holds_push (GHashTable * held)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, held);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (((GstProcFreezeHeld *) value)->waiting)
      return TRUE;
  return FALSE;
}

/* The answer to the freeze (see answer_freeze()). The item serve()
 * pushes is held by an element in here, waits in the freeze, or is on
 * its way back: a worker that failed on it returns its error, which
 * serve() counts (`input-failed`: the freeze keeps its DONE from the
 * replica, so the replica does not count it); an answer made meanwhile
 * would count it nowhere. So an answer that finds nothing held and no
 * push waiting while serve() pushes a buffer is made again once the
 * push returned (bounded: IN_TRANSIT_WAIT). */
static GstStructure *
freeze_answer (Child * child)
{
  gint64 deadline = g_get_monotonic_time () + IN_TRANSIT_WAIT;

  for (;;) {
    GstStructure *answer = gst_structure_new_empty ("frozen");
    GHashTable *held;
    guint64 total;
    guint count;
    gboolean late;

    g_mutex_lock (&child->out_lock);
    count = child->served_count;
    g_mutex_unlock (&child->out_lock);
    held = gst_proc_freeze_stop (child->freeze);
    total = build_answer (child, answer, held) +
        gst_proc_freeze_input_held (child->freeze, NULL) + holds_push (held);
    g_hash_table_unref (held);

    g_mutex_lock (&child->out_lock);
    late = g_get_monotonic_time () >= deadline;
    /* (a push that returned while it was made: made again) */
    if (late || (count == child->served_count && (total ||
                !child->serving || !child->serving_buffer))) {
      child->answered = TRUE;
      gst_structure_set (answer, "input-failed", G_TYPE_UINT64,
          child->failed_unsent, NULL);
      g_mutex_unlock (&child->out_lock);
      return answer;
    }
    while (count == child->served_count &&
        g_cond_wait_until (&child->served, &child->out_lock, deadline));
    g_mutex_unlock (&child->out_lock);
    gst_structure_free (answer);
  }
}

/* A controller's exit now (GST_PROC_CHILD_FREEZE_QUERY): no item moves
 * in here from now on, none goes out, and the answer says, exactly, what
 * each worker, queue and other element holds (see gstprocfreeze.c) and
 * how many of the replica's items its worker failed on meanwhile
 * (`input-failed`); it stands for every later stats query. */
static gboolean
answer_freeze (Child * child, GstQuery * query)
{
  g_mutex_lock (&child->answer_lock);
  if (!child->frozen)
    child->frozen = freeze_answer (child);
  g_mutex_unlock (&child->answer_lock);
  return answer_stats (child, query);
}

/* The controller sets a property of an element in here, by name, with
 * the rules an element of its own pipeline has (gstworkerpropset.c):
 * answered with `ok`, `found` and `error` (GST_PROC_CHILD_SET_QUERY). */
static gboolean
answer_set (Child * child, GstQuery * query)
{
  GstStructure *qs = gst_query_writable_structure (query);
  const gchar *name = gst_structure_get_string (qs, "element");
  const gchar *who = gst_structure_get_string (qs, "who");
  const gchar *property = gst_structure_get_string (qs, "property");
  const gchar *value = gst_structure_get_string (qs, "value");
  GstElement *e = name ? gst_bin_get_by_name (GST_BIN (child->pipeline),
      name) : NULL;
  gchar *why = NULL;
  gboolean ok;

  if (!e || !property || !value) {
    gst_structure_set (qs, "ok", G_TYPE_BOOLEAN, FALSE, "found",
        G_TYPE_BOOLEAN, FALSE, NULL);
    gst_clear_object (&e);
    return TRUE;
  }
  ok = worker_prop_set (e, who ? who : name, property, value, &why);
  gst_structure_set (qs, "ok", G_TYPE_BOOLEAN, ok, "found", G_TYPE_BOOLEAN,
      TRUE, NULL);
  if (why)
    gst_structure_set (qs, "error", G_TYPE_STRING, why, NULL);
  g_free (why);
  gst_object_unref (e);
  return TRUE;
}

static gboolean
on_query (GstProcChannel * channel, GstQuery * query, GstPadDirection dir,
    gpointer user_data)
{
  Child *child = user_data;
  const GstStructure *qs = gst_query_get_structure (query);

  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_STATS_QUERY))
    return answer_stats (child, query);
  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_FREEZE_QUERY))
    return answer_freeze (child, query);
  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_SET_QUERY))
    return answer_set (child, query);
  if (GST_QUERY_TYPE (query) == GST_QUERY_CUSTOM && qs &&
      gst_structure_has_name (qs, GST_PROC_CHILD_PAUSE_QUERY)) {
    /* the controller pauses or resumes a worker in here, by name */
    const gchar *name = gst_structure_get_string (qs, "worker");
    GstElement *e = name ? gst_bin_get_by_name (GST_BIN (child->pipeline),
        name) : NULL;
    gboolean paused = FALSE, found = e && GST_IS_WORKER (e);

    gst_structure_get_boolean (qs, "paused", &paused);
    if (found)
      gst_worker_set_paused (GST_WORKER (e), paused);
    gst_clear_object (&e);
    /* answered either way: whether it has such a worker */
    gst_structure_set (gst_query_writable_structure (query), "found",
        G_TYPE_BOOLEAN, found, NULL);
    return TRUE;
  }

  /* the replica's sink pad asks about the worker's input, its src pad
   * about the worker's output */
  if (dir == GST_PAD_SINK)
    return gst_pad_peer_query (child->srcpad, query);
  if (dir == GST_PAD_SRC)
    return gst_pad_peer_query (child->sinkpad, query);
  return FALSE;
}

static void
on_closed (GstProcChannel * channel, gboolean garbage, const gchar * why,
    gpointer user_data)
{
  Child *child = user_data;
  Item *item = g_new0 (Item, 1);

  /* the replica only sees its child close: say why here, and to the
   * replica (its death text says it) */
  if (garbage) {
    gchar *reason = g_strdup_printf ("the replica sent what this child "
        "cannot read: %s", why);
    GstStructure *bye = gst_structure_new ("bye", "reason", G_TYPE_STRING,
        reason, NULL);

    g_printerr ("gst-worker-child %s: %s; it ends\n", child->pipeline ?
        GST_OBJECT_NAME (child->pipeline) : "?", reason);
    gst_proc_channel_send_structure (channel, GST_PROC_MSG_BYE, 0, bye);
    gst_structure_free (bye);
    g_free (reason);
  }
  /* the replica went away: nothing more to do */
  item->quit = TRUE;
  g_atomic_int_set (&child->flushing, 1);
  if (child->freeze)
    gst_proc_freeze_set_flushing (child->freeze, TRUE);
  gst_pad_push_event (child->srcpad, gst_event_new_flush_start ());
  g_async_queue_push_front (child->items, item);
}

static void
serve (Child * child)
{
  for (;;) {
    Item *item = g_async_queue_pop (child->items);
    GstFlowReturn flow = GST_FLOW_OK;
    gboolean res = TRUE;
    GstStructure *done;

    if (item->quit) {
      item_free (item);
      return;
    }
    g_mutex_lock (&child->out_lock);
    child->serving = g_thread_self ();
    child->serving_buffer = item->buffer != NULL;
    g_mutex_unlock (&child->out_lock);
    if (item->buffer) {
      flow = gst_pad_push (child->srcpad, g_steal_pointer (&item->buffer));
    } else {
      if (GST_EVENT_TYPE (item->event) == GST_EVENT_FLUSH_STOP) {
        g_atomic_int_set (&child->flushing, 0);
        gst_proc_freeze_set_flushing (child->freeze, FALSE);
      }
      res = gst_pad_push_event (child->srcpad, g_steal_pointer (&item->event));
    }
    g_mutex_lock (&child->out_lock);
    child->serving = NULL;
    child->served_count++;
    g_cond_broadcast (&child->served);
    if (item->id && gst_proc_freeze_is_frozen (child->freeze)) {
      /* frozen (an exit now): the replica sends nothing more, its item
       * is counted where it is in here (an output made before goes); one
       * the worker failed on before the freeze's answer was made, in it
       * (freeze_answer()) */
      send_held (child);
      if (child->serving_buffer && flow < GST_FLOW_EOS && !child->answered)
        child->failed_unsent++;
    } else if (item->id && child->held && flow == GST_FLOW_OK && res) {
      /* its last output and its DONE: one message */
      gst_proc_channel_send_buffer_done (child->channel, item->id,
          child->held);
      gst_clear_buffer (&child->held);
    } else {
      send_held (child);
      if (item->id) {
        done = gst_structure_new ("done", "flow", G_TYPE_INT, flow,
            "result", G_TYPE_BOOLEAN, res, NULL);
        gst_proc_channel_send_structure (child->channel, GST_PROC_MSG_DONE,
            item->id, done);
        gst_structure_free (done);
      }
    }
    g_mutex_unlock (&child->out_lock);
    item_free (item);
  }
}

/* GST_DEBUG_FILE names the parent's log (the workerstats tracer's records
 * go there too). GStreamer opens it anew, truncated, in each process: a
 * child that inherited a name without `%p` (GStreamer's pid) or `%r` would
 * write over the parent's lines. Such a child writes a file of its own
 * beside it instead: the name with "-REPLICA-PID" before its extension
 * (trace.log -> trace-p_r0-4242.log). Before gst_init(), which opens it. */
static void
own_debug_file (const gchar * replica)
{
  const gchar *file = g_getenv ("GST_DEBUG_FILE"), *base, *dot;
  gchar *name, *own;

  if (!file || !file[0] || g_str_equal (file, "-") || strstr (file, "%p") ||
      strstr (file, "%r"))
    return;
  base = strrchr (file, '/') ? strrchr (file, '/') + 1 : file;
  dot = strrchr (base, '.');
  if (!dot || dot == base)
    dot = base + strlen (base);
  /* a file name, and no format of GStreamer's */
  name = g_strdup (replica);
  g_strdelimit (name, "/%", '_');
  own = g_strdup_printf ("%.*s-%s-%d%s", (gint) (dot - file), file, name,
      (gint) getpid (), dot);
  g_setenv ("GST_DEBUG_FILE", own, TRUE);
  g_free (own);
  g_free (name);
}

int
main (int argc, char **argv)
{
  static const GstProcChannelCallbacks callbacks = {
    on_message, on_query, on_closed
  };
  Child child = { 0 };
  GError *err = NULL;
  GstElement *bin;
  GstPad *wsink = NULL, *wsrc = NULL;
  gchar *why = NULL;
  GstBus *bus;
  GstStructure *hello;
  gboolean stream, started = FALSE;
  const gchar *parent;
  int fd, ret = 1;

  /* die with the replica's process (the replica forks from a thread that
   * lives as long as its process: gstprocstart.c) */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (argc != 4) {
    g_printerr ("usage: %s FD|tcp:HOST:PORT NAME DESCRIPTION (started by "
        "processreplica)\n", argv[0]);
    return 2;
  }
  /* gone before the line above: reparented (to init or a subreaper) */
  parent = g_getenv (GST_PROC_START_PARENT_ENV);
  if (parent ? getppid () != (pid_t) atoi (parent) : getppid () == 1)
    return 1;
  g_unsetenv (GST_PROC_START_PARENT_ENV);
  /* the C workers' printf/g_print too: line by line */
  setvbuf (stdout, NULL, _IOLBF, 0);
  own_debug_file (argv[2]);
  gst_init (NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (child_debug, "workerchild", 0,
      "process replica child");
  /* types that cross as names in structures */
  g_type_ensure (GST_TYPE_WORKER_STATE);

  stream = g_str_has_prefix (argv[1], "tcp:");
  fd = stream ? connect_tcp (argv[1]) : atoi (argv[1]);
  if (fd < 0) {
    g_printerr ("gst-worker-child: cannot connect to %s\n", argv[1]);
    return 1;
  }
  g_mutex_init (&child.out_lock);
  g_cond_init (&child.served);
  g_mutex_init (&child.answer_lock);
  child.items = g_async_queue_new_full ((GDestroyNotify) item_free);
  child.channel = gst_proc_channel_new (fd, stream, &callbacks, &child);

  bin = gst_parse_bin_from_description_full (argv[3], FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (!bin) {
    fail (child.channel, err->message);
    g_clear_error (&err);
    goto out;
  }
  /* the Python workers (if any) are loaded now: their print() reaches
   * the replica's stdout as from a worker in the replica's process,
   * line by line (gstprocpython.c) */
  gst_proc_python_line_buffered ();
  gst_object_set_name (GST_OBJECT (bin), argv[2]);
  child.pipeline = gst_pipeline_new (argv[2]);
  gst_bin_add (GST_BIN (child.pipeline), bin);
  if (!find_free_pads (GST_BIN (bin), &wsink, &wsrc, &why)) {
    fail (child.channel, why);
    g_free (why);
    goto out;
  }

  child.srcpad = gst_pad_new ("src", GST_PAD_SRC);
  gst_pad_set_element_private (child.srcpad, &child);
  gst_pad_set_query_function (child.srcpad, pad_query);
  gst_pad_set_event_function (child.srcpad, in_event);
  child.sinkpad = gst_pad_new ("sink", GST_PAD_SINK);
  gst_pad_set_element_private (child.sinkpad, &child);
  gst_pad_set_chain_function (child.sinkpad, out_chain);
  gst_pad_set_event_function (child.sinkpad, out_event);
  gst_pad_set_query_function (child.sinkpad, pad_query);
  /* no caps check: the replica answers caps queries only once it runs */
  if (GST_PAD_LINK_FAILED (gst_pad_link_full (child.srcpad, wsink,
              GST_PAD_LINK_CHECK_NOTHING)) ||
      GST_PAD_LINK_FAILED (gst_pad_link_full (wsrc, child.sinkpad,
              GST_PAD_LINK_CHECK_NOTHING))) {
    fail (child.channel, "its free pads could not be linked");
    goto out;
  }
  gst_pad_set_active (child.srcpad, TRUE);
  gst_pad_set_active (child.sinkpad, TRUE);
  /* what each element holds, for an exit now (a freeze) */
  child.freeze = gst_proc_freeze_new (child.srcpad);
  gst_proc_freeze_watch (child.freeze, GST_BIN (bin));

  bus = gst_element_get_bus (child.pipeline);
  gst_bus_set_sync_handler (bus, on_bus, &child, NULL);
  gst_object_unref (bus);
  if (gst_element_set_state (child.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    fail (child.channel, "it could not start (see the error before)");
    goto out;
  }

  hello = gst_structure_new ("hello", "pid", G_TYPE_INT, (gint) getpid (),
      "threads", G_TYPE_BOOLEAN, runs_threads (GST_BIN (child.pipeline)),
      NULL);
  gst_proc_channel_send_structure (child.channel, GST_PROC_MSG_HELLO, 0,
      hello);
  gst_structure_free (hello);
  if (!gst_proc_channel_start (child.channel, "worker-child-reader"))
    goto out;
  started = TRUE;

  serve (&child);
  ret = 0;

out:
  /* the same end on every path, so that nothing is left to the exit
   * (pushes a freeze holds drop their buffer) */
  if (child.freeze)
    gst_proc_freeze_set_flushing (child.freeze, TRUE);
  if (child.pipeline)
    gst_element_set_state (child.pipeline, GST_STATE_NULL);
  if (child.srcpad)
    gst_pad_set_active (child.srcpad, FALSE);
  if (child.sinkpad)
    gst_pad_set_active (child.sinkpad, FALSE);
  if (started)
    gst_proc_channel_close (child.channel);
  gst_proc_channel_unref (child.channel);
  gst_clear_object (&wsink);
  gst_clear_object (&wsrc);
  gst_clear_object (&child.pipeline);
  if (child.freeze)
    gst_proc_freeze_free (child.freeze);
  if (child.frozen)
    gst_structure_free (child.frozen);
  g_mutex_clear (&child.answer_lock);
  gst_clear_object (&child.srcpad);
  gst_clear_object (&child.sinkpad);
  g_async_queue_unref (child.items);
  gst_clear_buffer (&child.held);
  g_mutex_clear (&child.out_lock);
  g_cond_clear (&child.served);
  gst_proc_python_flush ();
  return ret;
}
