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
 *
 * A replica the pool adds while it runs is joined here, in the streaming
 * thread, before the next item: a src pad linked to its input queue, the
 * stream's sticky events, then the hello. A retired replica's pad is
 * removed by the pool.
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
  guint n;                      /* room for replicas */
  GstPoolOrder *order;
  GstWorkerCore *core;
  GstElement *pool;             /* not reffed: our parent */
  gchar *description;
  gchar *prefix;                /* the pool's name: queues are
                                 * <prefix>_r<i>_in */

  /* protected by the object lock */
  gboolean joining;             /* linking a new replica (streaming
                                 * thread) */
  GstPad **srcpads;             /* per replica, or NULL */
  GstPad **offered;             /* per replica: the input queue's sink pad
                                 * of a replica to join, reffed, or NULL */
  GstEventType last_up_type;
  guint32 last_up_seqnum;
  guint64 discarded;            /* this run: items given to no replica */

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

/* the items it gave to no replica (see lose_item()) */
static void
gst_pool_dispatch_add_stats (GstWorker * worker, GstStructure * stats)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (worker);

  gst_pool_order_add_discarded (GST_OBJECT (self), &self->discarded, stats,
      "the pool stopped before a replica took them");
}

static void
gst_pool_dispatch_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_pool_dispatch_get_core;
  iface->add_stats = gst_pool_dispatch_add_stats;
}

/* Returns: (transfer full) (nullable): replica @r's pad */
static GstPad *
ref_srcpad (GstPoolDispatch * self, guint r)
{
  GstPad *pad;

  GST_OBJECT_LOCK (self);
  pad = self->srcpads[r] ? gst_object_ref (self->srcpads[r]) : NULL;
  GST_OBJECT_UNLOCK (self);
  return pad;
}

static gchar *
queue_name (GstPoolDispatch * self, guint r)
{
  return g_strdup_printf ("%s_r%u_in", self->prefix, r);
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

  {
    GstPad *src = ref_srcpad (self, replica);

    peer = src ? gst_pad_get_peer (src) : NULL;
    gst_clear_object (&src);
  }
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
    GstPad *src = gst_pool_order_is_active (self->order, r) ?
        ref_srcpad (self, r) : NULL;
    GstPad *peer = src ? gst_pad_get_peer (src) : NULL, *queue_src = NULL;
    GstElement *queue = peer ? gst_pad_get_parent_element (peer) : NULL;
    GstFlowReturn flow;

    gst_clear_object (&src);

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
  for (guint r = 0; r < self->n; r++) {
    GstPad *src = gst_pool_order_is_active (self->order, r) ?
        ref_srcpad (self, r) : NULL;
    gboolean ok;

    if (!src)
      continue;
    ok = gst_pad_push_event (src, gst_pool_order_new_hello (self->order));
    gst_object_unref (src);
    if (!ok)
      return event_refused (self, r);
  }
  return GST_FLOW_OK;
}

static gboolean
store_sticky (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  GstPad *src = user_data;

  if (GST_EVENT_TYPE (*event) != GST_EVENT_EOS)
    gst_pad_store_sticky_event (src, *event);
  return TRUE;
}

static GstPad *add_srcpad (GstPoolDispatch * self, guint r);

/* Joins the replicas the pool added since the last item: each gets a pad,
 * the stream's sticky events and, once the run started, the hello; then
 * it takes items. Sends EOS into those the pool retires, after their last
 * item. In the streaming thread, so nothing the stream sends passes a new
 * replica by, and nothing follows a retired one's EOS (a queue starts
 * again on a new segment after EOS). */
static GstFlowReturn
reshape_replicas (GstPoolDispatch * self)
{
  gint r;

  while ((r = gst_pool_order_take_eos_due (self->order)) >= 0) {
    GstPad *src = ref_srcpad (self, r);

    GST_DEBUG_OBJECT (self, "replica %d retires: EOS", r);
    if (src) {
      gst_pad_push_event (src, gst_event_new_eos ());
      gst_object_unref (src);
    }
  }

  while ((r = gst_pool_order_take_ready (self->order)) >= 0) {
    GstPad *queue_sink, *src;
    GstPadLinkReturn link;
    gboolean started, ok;

    GST_OBJECT_LOCK (self);
    queue_sink = self->offered[r];
    self->offered[r] = NULL;
    GST_OBJECT_UNLOCK (self);
    g_return_val_if_fail (queue_sink != NULL, GST_FLOW_ERROR);

    src = add_srcpad (self, r);
    /* the link's reconfigure event stays here: the new replica is like
     * the others, and a renegotiation upstream would send an allocation
     * query through the replicas in mid-stream */
    GST_OBJECT_LOCK (self);
    self->joining = TRUE;
    GST_OBJECT_UNLOCK (self);
    /* no caps check: the replica's description is the others', whose
     * caps the stream has, and a process replica's child answers caps
     * queries only once it runs (the sticky caps below then negotiate,
     * or fail as not-negotiated with the element named) */
    link = gst_pad_link_full (src, queue_sink, GST_PAD_LINK_CHECK_HIERARCHY);
    GST_OBJECT_LOCK (self);
    self->joining = FALSE;
    GST_OBJECT_UNLOCK (self);
    if (GST_PAD_LINK_FAILED (link)) {
      GST_ELEMENT_ERROR (self->pool, CORE, PAD,
          ("Worker pool %s: a replica added while it runs cannot be linked.",
              self->prefix), ("%" GST_PTR_FORMAT " to %" GST_PTR_FORMAT,
              src, queue_sink));
      gst_object_unref (queue_sink);
      gst_object_unref (src);
      return GST_FLOW_ERROR;
    }
    gst_object_unref (queue_sink);
    gst_pad_sticky_events_foreach (self->sinkpad, store_sticky, src);
    /* before the run starts, say_hello() greets every active replica */
    started = gst_pool_order_run_started (self->order);
    gst_pool_order_activate_replica (self->order, r);
    GST_DEBUG_OBJECT (self, "replica %d joined", r);
    ok = !started || gst_pad_push_event (src,
        gst_pool_order_new_hello (self->order));
    gst_pool_order_pushed (self->order);
    gst_object_unref (src);
    if (!ok)
      return event_refused (self, r);
  }
  return GST_FLOW_OK;
}

/* The item in hand goes to no replica (an error, a stop or a flush ended
 * the wait for room): it is lost here, in no queue's count, so the
 * worker's `items-discarded` counts it and a stop's discard count has it
 * (not `items-failed`: the dispatcher did not fail, a replica or the stop
 * ended its wait). */
static void
lose_item (GstPoolDispatch * self, GstBuffer * buf)
{
  GST_DEBUG_OBJECT (self, "item %" GST_PTR_FORMAT " given to no replica", buf);
  gst_buffer_unref (buf);
  GST_OBJECT_LOCK (self);
  self->discarded++;
  GST_OBJECT_UNLOCK (self);
}

static GstFlowReturn
dispatch_buffer (GstPoolDispatch * self, GstBuffer * buf)
{
  GstFlowReturn ret;
  guint64 index;
  guint failed = 0;
  GstPad *src;
  gint r;

  if ((ret = reshape_replicas (self)) != GST_FLOW_OK ||
      (ret = say_hello (self)) != GST_FLOW_OK) {
    lose_item (self, buf);
    return ret;
  }

  gst_worker_core_enter_push (self->core);
  r = gst_pool_order_pick (self->order);
  if (r < 0) {
    /* every replica's queue is full: a blocking write, whichever queue
     * gets room first (or a replica the pool adds) takes the item */
    gchar *waiting_on = queue_name (self, gst_pool_order_next (self->order));

    gst_worker_core_enter_wait (self->core, GST_WORKER_STATE_BLOCKED,
        waiting_on);
    g_free (waiting_on);
    GST_LOG_OBJECT (self, "every replica's queue is full, waiting");
    while ((r = gst_pool_order_pick (self->order)) < 0) {
      if ((ret = reshape_replicas (self)) != GST_FLOW_OK)
        break;
      if ((r = gst_pool_order_pick (self->order)) >= 0)
        break;
      if ((ret = replica_failed (self, &failed)) != GST_FLOW_OK)
        break;
      if (!gst_pool_order_wait_room (self->order, REPLICA_CHECK_US))
        break;
    }
    gst_worker_core_leave_wait (self->core);
  }
  if (r < 0) {
    gst_worker_core_leave_push (self->core);
    lose_item (self, buf);
    if (ret == GST_FLOW_OK)
      ret = gst_pool_order_get_flow (self->order);
    if (ret == GST_FLOW_OK)
      ret = GST_FLOW_FLUSHING;
    return check_flow (self, failed, ret);
  }

  /* until gst_pool_order_pushed(), replica r cannot be retired */
  index = gst_pool_order_add_item (self->order, r);
  GST_LOG_OBJECT (self, "item %" G_GUINT64_FORMAT " to replica %d", index, r);
  src = ref_srcpad (self, r);
  ret = gst_pad_push (src, buf);
  gst_worker_core_leave_push (self->core);
  if (ret != GST_FLOW_OK) {
    gst_pool_order_pushed (self->order);
    gst_object_unref (src);
    return check_flow (self, r, ret);
  }
  gst_worker_core_count (self->core, 0, 1, 0);

  if (!gst_pad_push_event (src, gst_pool_order_new_mark (self->order,
              index)))
    ret = event_refused (self, r);
  gst_pool_order_pushed (self->order);
  gst_object_unref (src);
  return ret;
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
  GstPad *src;
  guint r;

  if (reshape_replicas (self) != GST_FLOW_OK || say_hello (self) != GST_FLOW_OK) {
    gst_event_unref (event);
    return FALSE;
  }
  /* until gst_pool_order_pushed(), replica r cannot be retired */
  index = gst_pool_order_add_event (self->order, &r);
  GST_LOG_OBJECT (self, "event %" GST_PTR_FORMAT " (%" G_GUINT64_FORMAT
      ") to replica %u", event, index, r);
  src = ref_srcpad (self, r);
  res = gst_pad_push_event (src, event);
  if (!gst_pad_push_event (src, gst_pool_order_new_mark (self->order,
              index))) {
    event_refused (self, r);
    res = FALSE;
  }
  gst_pool_order_pushed (self->order);
  gst_object_unref (src);
  return res;
}

/* A serialized event for every replica: those that take items (a
 * retiring replica has had its EOS; one that joins later gets the sticky
 * events then). */
static gboolean
forward_to_active (GstPoolDispatch * self, GstEvent * event)
{
  gboolean res = FALSE, any = FALSE;
  gboolean sticky = GST_EVENT_IS_STICKY (event) &&
      GST_EVENT_TYPE (event) != GST_EVENT_EOS;

  for (guint r = 0; r < self->n; r++) {
    GstPad *src = gst_pool_order_is_active (self->order, r) ?
        ref_srcpad (self, r) : NULL;

    if (!src)
      continue;
    any = TRUE;
    res |= gst_pad_push_event (src, gst_event_ref (event));
    gst_object_unref (src);
  }
  gst_event_unref (event);
  /* as gst_pad_event_default(): a sticky event is kept (on our sink pad,
   * for the replicas that join later; on each src pad until data flows),
   * whether or not it went further now */
  return res || sticky || !any;
}

static gboolean
gst_pool_dispatch_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstPoolDispatch *self = GST_POOL_DISPATCH (parent);
  guint64 drains;
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
      res = reshape_replicas (self) == GST_FLOW_OK &&
          forward_to_active (self, event);
      /* the hello goes right after stream-start, before caps: an element
       * that emits something when it gets caps emits it after the hello */
      if (res && say_hello (self) != GST_FLOW_OK)
        res = FALSE;
      return res;
    case GST_EVENT_EOS:
      /* a paused pool holds EOS like any item */
      if (!gst_worker_core_wait_unpaused (self->core) ||
          reshape_replicas (self) != GST_FLOW_OK ||
          say_hello (self) != GST_FLOW_OK) {
        gst_event_unref (event);
        return FALSE;
      }
      /* to every replica that drains now (a retired one had its EOS) */
      drains = gst_pool_order_add_drains (self->order,
          gst_event_get_seqnum (event));
      res = FALSE;
      for (guint r = 0; r < self->n; r++) {
        GstPad *src = drains & (G_GUINT64_CONSTANT (1) << r) ?
            ref_srcpad (self, r) : NULL;

        if (src) {
          res |= gst_pad_push_event (src, gst_event_ref (event));
          gst_object_unref (src);
        }
      }
      gst_event_unref (event);
      gst_pool_order_pushed (self->order);
      return res;
    default:
      if (GST_EVENT_IS_SERIALIZED (event) && !GST_EVENT_IS_STICKY (event))
        return dispatch_event (self, event);
      /* sticky events (and caps, as the sink pad proxies caps): to every
       * replica that takes items; out-of-band events: to every replica */
      if (GST_EVENT_IS_SERIALIZED (event))
        return forward_to_active (self, event);
      return gst_pad_event_default (pad, parent, event);
  }
}

static gboolean
forward_drain (GstPoolDispatch * self, GstQuery * query)
{
  gboolean res = TRUE;

  for (guint r = 0; r < self->n; r++) {
    GstPad *src = gst_pool_order_is_linked (self->order, r) ?
        ref_srcpad (self, r) : NULL;

    if (src) {
      res &= gst_pad_peer_query (src, query);
      gst_object_unref (src);
    }
  }
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
  if (self->joining && GST_EVENT_TYPE (event) == GST_EVENT_RECONFIGURE) {
    GST_OBJECT_UNLOCK (self);
    gst_event_unref (event);
    return TRUE;
  }
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
    self->discarded = 0;
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
  for (guint r = 0; r < self->n; r++) {
    gst_clear_object (&self->srcpads[r]);
    gst_clear_object (&self->offered[r]);
  }
  g_free (self->srcpads);
  g_free (self->offered);
  g_free (self->description);
  g_free (self->prefix);
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

/* Adds replica @r's pad (active at once if we are). Returns: (transfer
 * full): the pad */
static GstPad *
add_srcpad (GstPoolDispatch * self, guint r)
{
  gchar *pad_name = g_strdup_printf ("src_%u", r);
  GstPad *pad = gst_pad_new_from_static_template (&src_template, pad_name);

  g_free (pad_name);
  gst_pad_set_event_function (pad,
      GST_DEBUG_FUNCPTR (gst_pool_dispatch_src_event));
  GST_PAD_SET_PROXY_CAPS (pad);
  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->srcpads[r], GST_OBJECT (pad));
  GST_OBJECT_UNLOCK (self);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return gst_object_ref (pad);
}

/**
 * gst_pool_dispatch_new:
 * @order: (transfer none): the pool's order book; its active replicas get
 *   a pad each
 * @pool: the workerpool, named in errors
 * @description: the replicas' description, for errors
 *
 * Returns: (transfer floating): a dispatcher
 */
GstElement *
gst_pool_dispatch_new (const gchar * name, GstPoolOrder * order,
    GstElement * pool, const gchar * description)
{
  GstPoolDispatch *self = g_object_new (GST_TYPE_POOL_DISPATCH, "name", name,
      NULL);

  self->order = gst_pool_order_ref (order);
  self->n = gst_pool_order_get_capacity (order);
  self->pool = pool;
  self->description = g_strdup (description);
  self->prefix = gst_object_get_name (GST_OBJECT (pool));
  self->srcpads = g_new0 (GstPad *, self->n);
  self->offered = g_new0 (GstPad *, self->n);
  for (guint r = 0; r < self->n; r++)
    if (gst_pool_order_is_active (order, r))
      gst_object_unref (add_srcpad (self, r));
  return GST_ELEMENT (self);
}

/* Returns: (transfer none) (nullable): replica @replica's pad, for the
 * pool to link while it is not running */
GstPad *
gst_pool_dispatch_get_srcpad (GstPoolDispatch * self, guint replica)
{
  g_return_val_if_fail (replica < self->n, NULL);
  return self->srcpads[replica];
}

/**
 * gst_pool_dispatch_reshape_now:
 *
 * Joins the replicas the pool added and sends EOS into those it retired
 * now, rather than with the next item: a retired replica goes even while
 * the pool's input is idle. Takes the input's stream lock, so it waits
 * for an item being dispatched (or held by a pause) and never runs beside
 * the streaming thread. Not from a streaming thread of the pool.
 */
void
gst_pool_dispatch_reshape_now (GstPoolDispatch * self)
{
  GST_PAD_STREAM_LOCK (self->sinkpad);
  if (!GST_PAD_IS_FLUSHING (self->sinkpad) && reshape_replicas (self) !=
      GST_FLOW_OK)
    GST_DEBUG_OBJECT (self, "a replica could not join or retire now");
  GST_PAD_STREAM_UNLOCK (self->sinkpad);
}

/**
 * gst_pool_dispatch_offer_replica:
 * @queue_sink: the sink pad of the new replica's input queue
 *
 * The pool built replica @replica and linked everything after its input
 * queue: the dispatcher joins it to the stream before its next item.
 */
void
gst_pool_dispatch_offer_replica (GstPoolDispatch * self, guint replica,
    GstPad * queue_sink)
{
  g_return_if_fail (replica < self->n);

  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->offered[replica],
      GST_OBJECT (queue_sink));
  GST_OBJECT_UNLOCK (self);
  gst_pool_order_replica_ready (self->order, replica);
}

/* A replica in a child process, offered once its child runs. */
typedef struct
{
  GstPoolDispatch *dispatcher;  /* reffed */
  GstPad *queue_sink;           /* reffed */
  guint replica;
  gint offered;                 /* atomic */
} Joiner;

static void
joiner_free (gpointer data, GClosure * closure)
{
  Joiner *j = data;

  gst_object_unref (j->dispatcher);
  gst_object_unref (j->queue_sink);
  g_free (j);
}

/* notify::starting of a processreplica: its start ended (in its start
 * thread). A child that did not start posted its error. */
static void
on_replica_started (GObject * element, GParamSpec * pspec, Joiner * j)
{
  gboolean starting = TRUE;

  g_object_get (element, "starting", &starting, NULL);
  if (!starting && g_atomic_int_compare_and_exchange (&j->offered, 0, 1))
    gst_pool_dispatch_offer_replica (j->dispatcher, j->replica,
        j->queue_sink);
}

/**
 * gst_pool_dispatch_offer_when_started:
 * @element: the replica, a processreplica, not started yet
 *
 * As gst_pool_dispatch_offer_replica(), once @element's child process
 * runs (its `starting` ends): a replica the pool adds while it runs takes
 * no item before, so the others do not wait for its start. Call before
 * the replica starts.
 */
void
gst_pool_dispatch_offer_when_started (GstPoolDispatch * self, guint replica,
    GstPad * queue_sink, GstElement * element)
{
  Joiner *j = g_new0 (Joiner, 1);

  j->dispatcher = gst_object_ref (self);
  j->queue_sink = gst_object_ref (queue_sink);
  j->replica = replica;
  g_signal_connect_data (element, "notify::starting",
      G_CALLBACK (on_replica_started), j, joiner_free, 0);
}

/* Removes replica @replica's pad (it retired, or never joined). */
void
gst_pool_dispatch_remove_replica (GstPoolDispatch * self, guint replica)
{
  GstPad *pad, *offered;

  g_return_if_fail (replica < self->n);

  GST_OBJECT_LOCK (self);
  pad = self->srcpads[replica];
  self->srcpads[replica] = NULL;
  offered = self->offered[replica];
  self->offered[replica] = NULL;
  GST_OBJECT_UNLOCK (self);
  if (pad) {
    gst_element_remove_pad (GST_ELEMENT (self), pad);
    gst_object_unref (pad);
  }
  gst_clear_object (&offered);
}
