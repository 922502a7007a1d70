/* gst-workers: where a worker pool's items enter a replica
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * Between a replica's input queue and the replica, in the replica's own
 * thread (a probe on the queue's src pad). The queue pushes the mark that
 * follows an item only once the replica returned from the item; a replica
 * that holds no items and runs no thread of its own (a transform, a JPEG
 * or PNG decoder, an audio decoder...) has by then emitted all that the
 * item makes, into its output queue. So its marks do not enter it: each
 * one goes into the output queue as a "return" mark, right behind those
 * outputs, and ends the item there. What the replica does with serialized
 * events (a video decoder holds them until its next frame, others merge
 * or drop them) then cannot delay or lose an item's end.
 *
 * A replica that holds items (it reports a latency: an encoder with
 * look-ahead) or runs threads of its own (a queue inside it; in a child
 * process, a queue in its description) emits an item's outputs after it
 * returned: its marks go through it, in order with its data, as
 * serialized events do.
 *
 * Which of the two is decided at the replica's first mark of each run,
 * once it processed its first item (decoders learn their latency from
 * it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpoolentry.h"
#include "gstpoolcollect.h"

#define GST_CAT_DEFAULT gst_worker_pool_debug

typedef struct
{
  GstPoolOrder *order;
  guint replica;
  GstElement *element;          /* the replica */
  GstPad *out_sink;             /* its output queue's sink pad */
} Entry;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  gst_pool_order_unref (entry->order);
  gst_object_unref (entry->element);
  gst_object_unref (entry->out_sink);
  g_free (entry);
}

static gboolean
has_task (GstElement * element)
{
  gboolean found = FALSE;

  GST_OBJECT_LOCK (element);
  for (GList * l = element->srcpads; l && !found; l = l->next)
    found = GST_PAD_TASK (l->data) != NULL;
  GST_OBJECT_UNLOCK (element);
  return found;
}

/* Does any element of the replica push from a thread of its own (a queue,
 * an aggregator, a source pad task)? In a child process: one of its
 * description (see gst_pool_collect_model_runs_threads()). */
static gboolean
runs_own_threads (GstElement * element)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;
  gboolean found = has_task (element) ||
      gst_pool_collect_model_runs_threads (element), done = FALSE;

  if (found || !GST_IS_BIN (element))
    return found;
  it = gst_bin_iterate_recurse (GST_BIN (element));
  while (!done && !found) {
    switch (gst_iterator_next (it, &v)) {
      case GST_ITERATOR_OK:
        found = has_task (g_value_get_object (&v));
        g_value_reset (&v);
        break;
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return found;
}

/* The minimum latency a latency query on @pad (or its peer) reports, or
 * GST_CLOCK_TIME_NONE if it fails. */
static GstClockTime
query_min_latency (GstPad * pad, gboolean peer)
{
  GstQuery *query = gst_query_new_latency ();
  GstClockTime min = GST_CLOCK_TIME_NONE, max;
  gboolean live;

  if (peer ? gst_pad_peer_query (pad, query) : gst_pad_query (pad, query))
    gst_query_parse_latency (query, &live, &min, &max);
  gst_query_unref (query);
  return min;
}

/* Does the replica report that it holds items (a latency of its own)? */
static gboolean
holds_items (Entry * entry)
{
  GstPad *sink = gst_element_get_static_pad (entry->element, "sink");
  GstPad *src = gst_element_get_static_pad (entry->element, "src");
  GstClockTime before = GST_CLOCK_TIME_NONE, after = GST_CLOCK_TIME_NONE;
  gboolean holds;

  /* the replica's own pad: a ghost pad sums up latencies only when live */
  if (src && GST_IS_GHOST_PAD (src)) {
    GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (src));

    gst_object_unref (src);
    src = target;
  }
  if (sink)
    before = query_min_latency (sink, TRUE);
  if (src)
    after = query_min_latency (src, FALSE);
  GST_DEBUG_OBJECT (entry->element, "latency before %" GST_TIME_FORMAT
      ", after %" GST_TIME_FORMAT, GST_TIME_ARGS (before),
      GST_TIME_ARGS (after));
  if (GST_CLOCK_TIME_IS_VALID (before))
    /* it added latency, or could not answer what its upstream answers */
    holds = !GST_CLOCK_TIME_IS_VALID (after) || after > before;
  else
    holds = GST_CLOCK_TIME_IS_VALID (after) && after > 0;
  gst_clear_object (&sink);
  gst_clear_object (&src);
  return holds;
}

static GstPoolOrderEnds
decide (Entry * entry)
{
  GstPoolOrderEnds ends = GST_POOL_ORDER_ENDS_BY_RETURNS;

  if (runs_own_threads (entry->element)) {
    GST_DEBUG_OBJECT (entry->element, "runs threads of its own: its marks "
        "go through it");
    ends = GST_POOL_ORDER_ENDS_BY_MARKS;
  } else if (holds_items (entry)) {
    GST_DEBUG_OBJECT (entry->element, "holds items: its marks go through "
        "it");
    ends = GST_POOL_ORDER_ENDS_BY_MARKS;
  } else {
    GST_DEBUG_OBJECT (entry->element, "its items end when it returns from "
        "them");
  }
  return ends;
}

static GstPadProbeReturn
on_mark (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Entry *entry = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstPoolOrderEnds ends;
  GstPoolOrderMark mark;
  guint64 index;

  mark = gst_pool_order_parse_mark (entry->order, event, &index);
  if (mark == GST_POOL_ORDER_MARK_HELLO) {
    /* before its first item: a replica with threads of its own may emit
     * that item's outputs before it returned from it, and they must wait
     * for the hello */
    if (gst_pool_order_get_ends (entry->order, entry->replica) ==
        GST_POOL_ORDER_ENDS_UNDECIDED && runs_own_threads (entry->element)) {
      GST_DEBUG_OBJECT (entry->element, "runs threads of its own: its marks "
          "go through it");
      gst_pool_order_set_ends (entry->order, entry->replica,
          GST_POOL_ORDER_ENDS_BY_MARKS);
    }
    return GST_PAD_PROBE_OK;
  }
  if (mark != GST_POOL_ORDER_MARK_END)
    return GST_PAD_PROBE_OK;

  ends = gst_pool_order_get_ends (entry->order, entry->replica);
  if (ends == GST_POOL_ORDER_ENDS_UNDECIDED) {
    ends = decide (entry);
    gst_pool_order_set_ends (entry->order, entry->replica, ends);
  }
  if (ends == GST_POOL_ORDER_ENDS_BY_MARKS)
    return GST_PAD_PROBE_OK;

  /* the replica returned from the item: what it made is in its output
   * queue, and the item ends right behind it */
  GST_LOG_OBJECT (entry->element, "returned from %" G_GUINT64_FORMAT, index);
  if (!gst_pad_send_event (entry->out_sink,
          gst_pool_order_new_return (entry->order, index)))
    GST_DEBUG_OBJECT (entry->element, "output queue refused the end of %"
        G_GUINT64_FORMAT, index);
  return GST_PAD_PROBE_DROP;
}

typedef struct
{
  GstPoolOrder *order;
  guint replica;
} QueueWatch;

static void
queue_watch_free (gpointer data)
{
  QueueWatch *watch = data;

  gst_pool_order_unref (watch->order);
  g_free (watch);
}

static QueueWatch *
queue_watch_new (GstPoolOrder * order, guint replica)
{
  QueueWatch *watch = g_new0 (QueueWatch, 1);

  watch->order = gst_pool_order_ref (order);
  watch->replica = replica;
  return watch;
}

/* An item left a replica's input queue: it has room again. */
static GstPadProbeReturn
on_dequeued (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  QueueWatch *watch = user_data;

  gst_pool_order_dequeued (watch->order, watch->replica);
  return GST_PAD_PROBE_OK;
}

/* A replica finished what it had. */
static void
on_queue_empty (GstElement * queue, gpointer user_data)
{
  QueueWatch *watch = user_data;

  gst_pool_order_idle (watch->order, watch->replica);
}

/* Someone (the application, the controller) resized an input queue. */
static void
on_queue_resized (GObject * queue, GParamSpec * pspec, gpointer user_data)
{
  QueueWatch *watch = user_data;
  guint size;

  g_object_get (queue, "max-size-buffers", &size, NULL);
  gst_pool_order_set_limit (watch->order, watch->replica, size);
}

/**
 * gst_pool_entry_watch:
 * @in_queue: the replica's input queue
 * @element: the replica, between @in_queue and @out_queue
 * @out_queue: its output queue
 *
 * Ends replica @replica's items in the order book the way that suits it
 * (see above).
 */
void
gst_pool_entry_watch (GstPoolOrder * order, guint replica,
    GstElement * in_queue, GstElement * element, GstElement * out_queue)
{
  Entry *entry = g_new0 (Entry, 1);
  GstPad *pad = gst_element_get_static_pad (in_queue, "src");

  entry->order = gst_pool_order_ref (order);
  entry->replica = replica;
  entry->element = gst_object_ref (element);
  entry->out_sink = gst_element_get_static_pad (out_queue, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_mark,
      entry, entry_free);
  gst_object_unref (pad);
}

/**
 * gst_pool_entry_watch_queue:
 * @in_queue: replica @replica's input queue
 *
 * Keeps the order book's count of @in_queue: an item left it (it has room
 * again), it ran empty (the replica finished what it had), its bound
 * changed (the application or a controller resized it).
 */
void
gst_pool_entry_watch_queue (GstPoolOrder * order, guint replica,
    GstElement * in_queue)
{
  GstPad *pad = gst_element_get_static_pad (in_queue, "src");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_dequeued,
      queue_watch_new (order, replica), queue_watch_free);
  gst_object_unref (pad);
  g_signal_connect_data (in_queue, "notify::max-size-buffers",
      G_CALLBACK (on_queue_resized), queue_watch_new (order, replica),
      (GClosureNotify) queue_watch_free, 0);
  g_signal_connect_data (in_queue, "underrun", G_CALLBACK (on_queue_empty),
      queue_watch_new (order, replica), (GClosureNotify) queue_watch_free, 0);
}
