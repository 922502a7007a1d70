/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkeraggregator
 * @title: GstWorkerAggregator
 * @short_description: base class for workers with several inputs
 *
 * A #GstAggregator whose subclass implements
 * #GstWorkerAggregatorClass.aggregate. It gets heartbeats, statistics and a
 * pause that holds: while paused it aggregates nothing and its inputs fill.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkeraggregator.h"
#include "gstworkercore.h"
#include "gstworkerfloating.h"

GST_DEBUG_CATEGORY_STATIC (worker_aggregator_debug);
#define GST_CAT_DEFAULT worker_aggregator_debug

typedef struct
{
  GstWorkerCore *core;
} GstWorkerAggregatorPrivate;

static void gst_worker_aggregator_worker_init (GstWorkerInterface * iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstWorkerAggregator, gst_worker_aggregator,
    GST_TYPE_AGGREGATOR,
    G_ADD_PRIVATE (GstWorkerAggregator);
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER,
        gst_worker_aggregator_worker_init);
    GST_DEBUG_CATEGORY_INIT (worker_aggregator_debug, "workeraggregator", 0,
        "gst-workers several-input worker base class"));

#define CORE(self) \
  (((GstWorkerAggregatorPrivate *) gst_worker_aggregator_get_instance_private \
    (GST_WORKER_AGGREGATOR (self)))->core)

static GstWorkerCore *
gst_worker_aggregator_get_core (GstWorker * worker)
{
  return CORE (worker);
}

static void
gst_worker_aggregator_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_worker_aggregator_get_core;
}

static void
gst_worker_aggregator_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_worker_aggregator_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static GstPadProbeReturn
count_input (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstWorkerCore *core = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_worker_core_count (core,
        gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)), 0, 0);
  else
    gst_worker_core_count (core, 1, 0, 0);
  return GST_PAD_PROBE_OK;
}

static void
watch_sink_pad (GstElement * element, GstPad * pad, gpointer user_data)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SINK)
    return;
  gst_pad_add_probe (pad,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, count_input,
      CORE (element), NULL);
}

static void
gst_worker_aggregator_constructed (GObject * object)
{
  GstWorkerCore *core = CORE (object);
  GList *l;

  G_OBJECT_CLASS (gst_worker_aggregator_parent_class)->constructed (object);
  gst_worker_keep_floating (object);

  gst_worker_core_set_main_srcpad (core, GST_AGGREGATOR_SRC_PAD (object));
  gst_worker_core_add_template_outputs (core);

  /* sink pads made so far, then those requested later */
  GST_OBJECT_LOCK (object);
  for (l = GST_ELEMENT (object)->sinkpads; l; l = l->next)
    watch_sink_pad (GST_ELEMENT (object), l->data, NULL);
  GST_OBJECT_UNLOCK (object);
  g_signal_connect (object, "pad-added", G_CALLBACK (watch_sink_pad), NULL);
}

static void
gst_worker_aggregator_finalize (GObject * object)
{
  gst_worker_core_free (CORE (object));
  G_OBJECT_CLASS (gst_worker_aggregator_parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_worker_aggregator_change_state (GstElement * element,
    GstStateChange transition)
{
  gst_worker_core_change_state (CORE (element), transition);
  return GST_ELEMENT_CLASS (gst_worker_aggregator_parent_class)->change_state
      (element, transition);
}

static gboolean
gst_worker_aggregator_sink_event (GstAggregator * agg,
    GstAggregatorPad * pad, GstEvent * event)
{
  /* wake a paused aggregate before the base class stops its task */
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START)
    gst_worker_core_set_flushing (CORE (agg), TRUE);
  else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    gst_worker_core_set_flushing (CORE (agg), FALSE);

  return GST_AGGREGATOR_CLASS (gst_worker_aggregator_parent_class)->sink_event
      (agg, pad, event);
}

static GstFlowReturn
gst_worker_aggregator_aggregate (GstAggregator * agg, gboolean timeout)
{
  GstWorkerAggregator *self = GST_WORKER_AGGREGATOR (agg);
  GstWorkerCore *core = CORE (self);
  GstFlowReturn ret;

  if (!gst_worker_core_begin_item (core, 0))
    return GST_FLOW_FLUSHING;
  ret = GST_WORKER_AGGREGATOR_GET_CLASS (self)->aggregate (self, timeout);
  gst_worker_core_end_item (core);
  return ret;
}

static GstFlowReturn
gst_worker_aggregator_finish_buffer (GstAggregator * agg, GstBuffer * buffer)
{
  GstWorkerCore *core = CORE (agg);
  GstFlowReturn ret;

  gst_worker_core_enter_push (core);
  ret = GST_AGGREGATOR_CLASS (gst_worker_aggregator_parent_class)
      ->finish_buffer (agg, buffer);
  gst_worker_core_leave_push (core);
  if (ret == GST_FLOW_OK)
    gst_worker_core_count (core, 0, 1, 0);
  return ret;
}

static GstFlowReturn
gst_worker_aggregator_default_aggregate (GstWorkerAggregator * self,
    gboolean timeout)
{
  GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
      ("Worker %s cannot merge items.", GST_OBJECT_NAME (self)),
      ("%s does not implement GstWorkerAggregatorClass.aggregate",
          G_OBJECT_TYPE_NAME (self)));
  return GST_FLOW_NOT_SUPPORTED;
}

static void
gst_worker_aggregator_class_init (GstWorkerAggregatorClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);

  gobject_class->set_property = gst_worker_aggregator_set_property;
  gobject_class->get_property = gst_worker_aggregator_get_property;
  gobject_class->constructed = gst_worker_aggregator_constructed;
  gobject_class->finalize = gst_worker_aggregator_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_worker_aggregator_change_state);

  agg_class->sink_event = GST_DEBUG_FUNCPTR (gst_worker_aggregator_sink_event);
  agg_class->aggregate = GST_DEBUG_FUNCPTR (gst_worker_aggregator_aggregate);
  agg_class->finish_buffer =
      GST_DEBUG_FUNCPTR (gst_worker_aggregator_finish_buffer);

  klass->aggregate = GST_DEBUG_FUNCPTR (gst_worker_aggregator_default_aggregate);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_AGGREGATOR, 0);
}

static void
gst_worker_aggregator_init (GstWorkerAggregator * self)
{
  GstWorkerAggregatorPrivate *priv =
      gst_worker_aggregator_get_instance_private (self);

  priv->core = gst_worker_core_new (GST_ELEMENT (self));
}

/**
 * gst_worker_aggregator_push_to:
 * @self: a #GstWorkerAggregator
 * @pad: one of the worker's outputs other than `src`
 * @buffer: (transfer full): an item
 *
 * Pushes an item on an extra output, from
 * #GstWorkerAggregatorClass.aggregate. An output nobody linked drops the
 * item and counts it in `items-dropped`.
 *
 * Since: 0.1
 */
/* GstAggregator sends its output's segment with its first output item;
 * the extra outputs mirror it then. One used before needs it now. */
static void
ensure_segment (GstWorkerAggregator * self, GstPad * pad)
{
  GstEvent *segment = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  GstAggregatorPad *srcpad;
  GstSegment seg;

  if (segment) {
    gst_event_unref (segment);
    return;
  }
  srcpad = GST_AGGREGATOR_PAD (GST_AGGREGATOR_SRC_PAD (self));
  GST_OBJECT_LOCK (srcpad);
  seg = srcpad->segment;
  GST_OBJECT_UNLOCK (srcpad);
  GST_DEBUG_OBJECT (pad, "used before the main output's first item: "
      "segment %" GST_SEGMENT_FORMAT, &seg);
  gst_pad_push_event (pad, gst_event_new_segment (&seg));
}

GstFlowReturn
gst_worker_aggregator_push_to (GstWorkerAggregator * self, GstPad * pad,
    GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_WORKER_AGGREGATOR (self), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_PAD (pad), GST_FLOW_ERROR);

  ensure_segment (self, pad);
  return gst_worker_core_push (CORE (self), pad, buffer);
}

/**
 * gst_worker_aggregator_push_gap:
 * @self: a #GstWorkerAggregator
 * @pad: the worker's `src` or one of its extra outputs
 * @timestamp: the running time up to which @pad has nothing
 *
 * Sends a GAP event at @timestamp on @pad, from
 * #GstWorkerAggregatorClass.aggregate: "nothing on this output before
 * this time". A worker whose outputs are sparse sends it for each input
 * item that gave an output nothing, so that sinks preroll and a worker
 * downstream that merges by timestamp does not wait for the next item.
 * Does nothing before the output has its caps (the aggregator's first
 * negotiation) or for an invalid @timestamp.
 *
 * Since: 0.1
 */
void
gst_worker_aggregator_push_gap (GstWorkerAggregator * self, GstPad * pad,
    GstClockTime timestamp)
{
  g_return_if_fail (GST_IS_WORKER_AGGREGATOR (self));
  g_return_if_fail (GST_IS_PAD (pad));

  if (!GST_CLOCK_TIME_IS_VALID (timestamp) || !gst_pad_has_current_caps (pad))
    return;
  ensure_segment (self, pad);
  gst_pad_push_event (pad, gst_event_new_gap (timestamp,
          GST_CLOCK_TIME_NONE));
}

/**
 * gst_worker_aggregator_get_output:
 * @self: a #GstWorkerAggregator
 * @name: the output's name (its pad template's name)
 *
 * Finds one of the worker's extra outputs by name.
 *
 * Returns: (transfer none) (nullable): the extra output named @name
 *
 * Since: 0.1
 */
GstPad *
gst_worker_aggregator_get_output (GstWorkerAggregator * self,
    const gchar * name)
{
  return gst_worker_core_get_output (CORE (self), name);
}

/**
 * gst_worker_aggregator_drop:
 * @self: a #GstWorkerAggregator
 * @buffer: (transfer full): an input item the worker decided not to use
 *
 * Drops an item by the worker's own decision, counted in `items-dropped`.
 *
 * Since: 0.1
 */
void
gst_worker_aggregator_drop (GstWorkerAggregator * self, GstBuffer * buffer)
{
  gst_worker_core_count (CORE (self), 0, 0, 1);
  gst_buffer_unref (buffer);
}
