/* gst-workers: the worker pool's dispatcher
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * Inside a workerpool: one sink pad, one src pad per replica, each linked
 * to that replica's input queue. Each item goes to a replica whose queue
 * has room, followed by a mark (a serialized custom event) that ends it.
 * Sticky events go to every replica; other serialized events are in-band
 * items of their own; EOS goes to every replica, after the order book
 * learnt that what the replicas drain comes after every item.
 *
 * It is a worker (#GstWorker, named `<pool>_dispatch`): `items-in` counts
 * the items that entered the pool, `items-out` those handed to replicas;
 * `blocked` means every replica's queue is full; `paused` holds the pool's
 * input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gstpooldispatch.h"

#define GST_CAT_DEFAULT gst_worker_pool_debug

struct _GstPoolDispatch
{
  GstElement parent;

  /* fixed after construction */
  GstPad *sinkpad;
  GstPad **srcpads;
  guint n;
  GstPoolOrder *order;
  GstWorkerCore *core;
  GstElement *pool;             /* not reffed: our parent */
  gchar *description;
  gchar **queue_names;          /* each replica's input queue */

  /* protected by the object lock */
  GstEventType last_up_type;
  guint32 last_up_seqnum;

  /* atomic; reset when a run starts */
  gint negotiation_failed;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%u",
    GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);

static void gst_pool_dispatch_worker_init (GstWorkerInterface * iface);

G_DEFINE_TYPE_WITH_CODE (GstPoolDispatch, gst_pool_dispatch,
    GST_TYPE_ELEMENT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_pool_dispatch_worker_init));

static GstWorkerCore *
gst_pool_dispatch_get_core (GstWorker * worker)
{
  return GST_POOL_DISPATCH (worker)->core;
}

static void
gst_pool_dispatch_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_pool_dispatch_get_core;
}

/* A replica that cannot negotiate returns not-negotiated to its input
 * queue, which hands it back to us: say, once, which pool failed. */
static GstFlowReturn
check_flow (GstPoolDispatch * self, guint replica, GstFlowReturn ret)
{
  if (ret == GST_FLOW_NOT_NEGOTIATED &&
      g_atomic_int_compare_and_exchange (&self->negotiation_failed, 0, 1))
    GST_ELEMENT_ERROR (self->pool, CORE, NEGOTIATION,
        ("Worker pool %s: its workers (\"%s\") could not agree on a format "
            "with the elements before or after the pool.",
            GST_OBJECT_NAME (self->pool), self->description),
        ("replica %u returned not-negotiated", replica));
  return ret;
}

/* Pushing one of the pool's events into a replica's input queue failed:
 * the queue only refuses events once its stream stopped. Returns why: what
 * the replica returned to the queue (the queue or the replica posted the
 * error), or flushing. */
static GstFlowReturn
event_refused (GstPoolDispatch * self, guint replica)
{
  GstFlowReturn ret = gst_pool_order_get_flow (self->order);
  GstPad *peer, *queue_src = NULL;
  GstElement *queue = NULL;

  if (ret != GST_FLOW_OK)
    return ret;
  if (GST_PAD_IS_FLUSHING (self->sinkpad))
    return GST_FLOW_FLUSHING;

  peer = gst_pad_get_peer (self->srcpads[replica]);
  if (peer)
    queue = gst_pad_get_parent_element (peer);
  if (queue)
    queue_src = gst_element_get_static_pad (queue, "src");
  ret = queue_src ? gst_pad_get_last_flow_return (queue_src) : GST_FLOW_ERROR;
  if (ret == GST_FLOW_OK)
    ret = GST_FLOW_FLUSHING;
  GST_DEBUG_OBJECT (self, "replica %u stopped: %s", replica,
      gst_flow_get_name (ret));
  gst_clear_object (&queue_src);
  gst_clear_object (&queue);
  gst_clear_object (&peer);
  return check_flow (self, replica, ret);
}

/* How often a dispatcher waiting for room looks whether a replica
 * stopped: a replica's input queue says so only in its last flow. */
#define REPLICA_CHECK_US (50 * G_TIME_SPAN_MILLISECOND)

/* The first replica whose input queue stopped on an error (not-linked,
 * not-negotiated, error), in @replica; GST_FLOW_OK if none. A stopped
 * replica reads no more: when every queue is full, waiting for room
 * would never end. */
static GstFlowReturn
replica_failed (GstPoolDispatch * self, guint * replica)
{
  GstFlowReturn ret = GST_FLOW_OK;

  for (guint r = 0; r < self->n && ret == GST_FLOW_OK; r++) {
    GstPad *peer = gst_pad_get_peer (self->srcpads[r]), *queue_src = NULL;
    GstElement *queue = peer ? gst_pad_get_parent_element (peer) : NULL;
    GstFlowReturn flow;

    if (queue)
      queue_src = gst_element_get_static_pad (queue, "src");
    flow = queue_src ? gst_pad_get_last_flow_return (queue_src) :
        GST_FLOW_OK;
    if (flow == GST_FLOW_NOT_LINKED || flow < GST_FLOW_EOS) {
      GST_DEBUG_OBJECT (self, "replica %u stopped: %s", r,
          gst_flow_get_name (flow));
      *replica = r;
      ret = flow;
    }
    gst_clear_object (&queue_src);
    gst_clear_object (&queue);
    gst_clear_object (&peer);
  }
  return ret;
}

/* Once per run, after stream-start and before anything else: lets the
 * collector check that every replica passes serialized custom events
 * before it emits anything. */
static GstFlowReturn
say_hello (GstPoolDispatch * self)
{
  if (!gst_pool_order_begin_run (self->order))
    return GST_FLOW_OK;
  for (guint r = 0; r < self->n; r++)
    if (!gst_pad_push_event (self->srcpads[r],
            gst_pool_order_new_hello (self->order)))
      return event_refused (self, r);
  return GST_FLOW_OK;
}

static GstFlowReturn
dispatch_buffer (GstPoolDispatch * self, GstBuffer * buf)
{
  GstFlowReturn ret;
  guint64 index;
  guint failed = 0;
  gint r;

  if ((ret = say_hello (self)) != GST_FLOW_OK) {
    gst_buffer_unref (buf);
    return ret;
  }

  gst_worker_core_enter_push (self->core);
  r = gst_pool_order_pick (self->order);
  if (r < 0) {
    /* every replica's queue is full: a blocking write, whichever queue
     * gets room first takes the item */
    gst_worker_core_enter_wait (self->core, GST_WORKER_STATE_BLOCKED,
        self->queue_names[gst_pool_order_next (self->order)]);
    GST_LOG_OBJECT (self, "every replica's queue is full, waiting");
    while ((r = gst_pool_order_pick (self->order)) < 0) {
      if ((ret = replica_failed (self, &failed)) != GST_FLOW_OK)
        break;
      if (!gst_pool_order_wait_room (self->order, REPLICA_CHECK_US))
        break;
    }
    gst_worker_core_leave_wait (self->core);
  }
  if (r < 0) {
    gst_worker_core_leave_push (self->core);
    gst_buffer_unref (buf);
    if (ret == GST_FLOW_OK)
      ret = gst_pool_order_get_flow (self->order);
    if (ret == GST_FLOW_OK)
      ret = GST_FLOW_FLUSHING;
    return check_flow (self, failed, ret);
  }

  index = gst_pool_order_add_item (self->order, r);
  GST_LOG_OBJECT (self, "item %" G_GUINT64_FORMAT " to replica %d", index, r);
  ret = gst_pad_push (self->srcpads[r], buf);
  gst_worker_core_leave_push (self->core);
  if (ret != GST_FLOW_OK)
    return check_flow (self, r, ret);
  gst_worker_core_count (self->core, 0, 1, 0);

  if (!gst_pad_push_event (self->srcpads[r],
          gst_pool_order_new_mark (self->order, index)))
    return event_refused (self, r);
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_pool_dispatch_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (parent);
  GstFlowReturn ret;

  /* waits while paused */
  if (!gst_worker_core_begin_item (self->core, 1)) {
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  ret = dispatch_buffer (self, buf);
  gst_worker_core_end_item (self->core);
  return ret;
}

/* A serialized event that is not sticky (gap, custom, stream-group-done...)
 * is an in-band item: one replica handles it, in its place in the stream. */
static gboolean
dispatch_event (GstPoolDispatch * self, GstEvent * event)
{
  gboolean res;
  guint64 index;
  guint r;

  if (say_hello (self) != GST_FLOW_OK) {
    gst_event_unref (event);
    return FALSE;
  }
  index = gst_pool_order_add_event (self->order, &r);
  GST_LOG_OBJECT (self, "event %" GST_PTR_FORMAT " (%" G_GUINT64_FORMAT
      ") to replica %u", event, index, r);
  res = gst_pad_push_event (self->srcpads[r], event);
  if (!gst_pad_push_event (self->srcpads[r],
          gst_pool_order_new_mark (self->order, index))) {
    event_refused (self, r);
    return FALSE;
  }
  return res;
}

static gboolean
gst_pool_dispatch_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (parent);
  gboolean res;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      gst_pool_order_set_flushing (self->order, TRUE);
      gst_worker_core_set_flushing (self->core, TRUE);
      return gst_pad_event_default (pad, parent, event);
    case GST_EVENT_FLUSH_STOP:
      /* reaches the collector through every replica before it returns */
      res = gst_pad_event_default (pad, parent, event);
      gst_pool_order_reset (self->order);
      gst_worker_core_set_flushing (self->core, FALSE);
      return res;
    case GST_EVENT_STREAM_START:
      /* a new stream after EOS starts a new run */
      if (gst_pool_order_is_finished (self->order))
        gst_pool_order_reset (self->order);
      res = gst_pad_event_default (pad, parent, event);
      /* the hello goes right after stream-start, before caps: an element
       * that emits something when it gets caps emits it after the hello */
      if (res && say_hello (self) != GST_FLOW_OK)
        res = FALSE;
      return res;
    case GST_EVENT_EOS:
      /* a paused pool holds EOS like any item */
      if (!gst_worker_core_wait_unpaused (self->core) ||
          say_hello (self) != GST_FLOW_OK) {
        gst_event_unref (event);
        return FALSE;
      }
      gst_pool_order_add_drains (self->order, gst_event_get_seqnum (event));
      /* to every replica */
      return gst_pad_event_default (pad, parent, event);
    default:
      if (GST_EVENT_IS_SERIALIZED (event) && !GST_EVENT_IS_STICKY (event))
        return dispatch_event (self, event);
      /* sticky events (and caps, as the sink pad proxies caps) and
       * out-of-band events: to every replica */
      return gst_pad_event_default (pad, parent, event);
  }
}

static gboolean
forward_drain (GstPoolDispatch * self, GstQuery * query)
{
  gboolean res = TRUE;

  for (guint r = 0; r < self->n; r++)
    res &= gst_pad_peer_query (self->srcpads[r], query);
  return res;
}

static gboolean
gst_pool_dispatch_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      /* what every replica accepts */
      return gst_pool_order_query_caps (self->order, GST_PAD_SINK, query);
    case GST_QUERY_DRAIN:
      return forward_drain (self, query);
    default:
      /* accept-caps: every replica must (the pad proxies caps);
       * allocation: the first replica answers */
      return gst_pad_query_default (pad, parent, query);
  }
}

/* An upstream event (seek, QoS...) reaches us through every replica; it
 * goes upstream once. */
static gboolean
gst_pool_dispatch_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (parent);
  guint32 seqnum = gst_event_get_seqnum (event);
  gboolean seen;

  GST_OBJECT_LOCK (self);
  seen = self->last_up_type == GST_EVENT_TYPE (event) &&
      self->last_up_seqnum == seqnum;
  self->last_up_type = GST_EVENT_TYPE (event);
  self->last_up_seqnum = seqnum;
  GST_OBJECT_UNLOCK (self);

  if (seen) {
    GST_DEBUG_OBJECT (pad, "%s already sent upstream",
        GST_EVENT_TYPE_NAME (event));
    gst_event_unref (event);
    return TRUE;
  }
  return gst_pad_push_event (self->sinkpad, event);
}

static GstStateChangeReturn
gst_pool_dispatch_change_state (GstElement * element,
    GstStateChange transition)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (element);

  gst_worker_core_change_state (self->core, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    g_atomic_int_set (&self->negotiation_failed, 0);
    GST_OBJECT_LOCK (self);
    self->last_up_type = GST_EVENT_UNKNOWN;
    self->last_up_seqnum = GST_SEQNUM_INVALID;
    GST_OBJECT_UNLOCK (self);
  }
  return GST_ELEMENT_CLASS (gst_pool_dispatch_parent_class)->change_state
      (element, transition);
}

static void
gst_pool_dispatch_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (GST_POOL_DISPATCH (object)->core, prop_id,
          value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_pool_dispatch_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (GST_POOL_DISPATCH (object)->core, prop_id,
          value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_pool_dispatch_finalize (GObject * object)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (object);

  gst_worker_core_free (self->core);
  if (self->order)
    gst_pool_order_unref (self->order);
  g_free (self->srcpads);
  g_free (self->description);
  g_strfreev (self->queue_names);
  G_OBJECT_CLASS (gst_pool_dispatch_parent_class)->finalize (object);
}

static void
gst_pool_dispatch_class_init (GstPoolDispatchClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_pool_dispatch_set_property;
  gobject_class->get_property = gst_pool_dispatch_get_property;
  gobject_class->finalize = gst_pool_dispatch_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_pool_dispatch_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Worker pool dispatcher", "Generic",
      "Gives each item to a replica of a workerpool that has room",
      "gst-workers");
}

static void
gst_pool_dispatch_init (GstPoolDispatch * self)
{
  self->core = gst_worker_core_new (GST_ELEMENT (self));

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_pool_dispatch_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_pool_dispatch_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_pool_dispatch_sink_query));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
}

/**
 * gst_pool_dispatch_new:
 * @order: (transfer none): the pool's order book
 * @pool: the workerpool, named in errors
 * @description: the replicas' description, for errors
 * @queue_names: the name of each replica's input queue
 *
 * Returns: (transfer floating): a dispatcher with one src pad per replica
 */
GstElement *
gst_pool_dispatch_new (const gchar * name, GstPoolOrder * order,
    GstElement * pool, const gchar * description,
    const gchar * const *queue_names)
{
  GstPoolDispatch *self = g_object_new (GST_TYPE_POOL_DISPATCH, "name", name,
      NULL);

  self->order = gst_pool_order_ref (order);
  self->n = gst_pool_order_get_size (order);
  self->pool = pool;
  self->description = g_strdup (description);
  self->queue_names = g_strdupv ((gchar **) queue_names);
  self->srcpads = g_new0 (GstPad *, self->n);
  for (guint r = 0; r < self->n; r++) {
    gchar *pad_name = g_strdup_printf ("src_%u", r);
    GstPad *pad = gst_pad_new_from_static_template (&src_template, pad_name);

    gst_pad_set_event_function (pad,
        GST_DEBUG_FUNCPTR (gst_pool_dispatch_src_event));
    GST_PAD_SET_PROXY_CAPS (pad);
    gst_element_add_pad (GST_ELEMENT (self), pad);
    self->srcpads[r] = pad;
    g_free (pad_name);
  }
  return GST_ELEMENT (self);
}

GstPad *
gst_pool_dispatch_get_srcpad (GstPoolDispatch * self, guint replica)
{
  g_return_val_if_fail (replica < self->n, NULL);
  return self->srcpads[replica];
}
