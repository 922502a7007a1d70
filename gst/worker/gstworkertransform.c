/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkertransform
 * @title: GstWorkerTransform
 * @short_description: base class for workers with one input
 *
 * Subclass it, implement #GstWorkerTransformClass.process, and the worker
 * gets heartbeats, a pause that holds data and statistics. A worker that
 * emits one output for every seven inputs:
 *
 * |[<!-- language="C" -->
 * static GstFlowReturn
 * my_worker_process (GstWorkerTransform * base, GstBuffer * inbuf)
 * {
 *   MyWorker *self = MY_WORKER (base);
 *
 *   self->sum += my_value (inbuf);
 *   gst_buffer_unref (inbuf);
 *   if (++self->n % 7)
 *     return GST_FLOW_OK;
 *   return gst_worker_transform_push (base, my_output (self->sum));
 * }
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkertransform.h"
#include "gstworkercore.h"
#include "gstworkerfloating.h"

GST_DEBUG_CATEGORY_STATIC (worker_transform_debug);
#define GST_CAT_DEFAULT worker_transform_debug

typedef struct
{
  GstWorkerCore *core;
} GstWorkerTransformPrivate;

static void gst_worker_transform_worker_init (GstWorkerInterface * iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstWorkerTransform, gst_worker_transform,
    GST_TYPE_BASE_TRANSFORM,
    G_ADD_PRIVATE (GstWorkerTransform);
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_worker_transform_worker_init);
    GST_DEBUG_CATEGORY_INIT (worker_transform_debug, "workertransform", 0,
        "gst-workers one-input worker base class"));

#define CORE(self) \
  (((GstWorkerTransformPrivate *) \
    gst_worker_transform_get_instance_private (GST_WORKER_TRANSFORM (self)))->core)
/* the same on the per-item path, where the type is known: no type check */
#define CORE_FAST(self) \
  (((GstWorkerTransformPrivate *) \
    gst_worker_transform_get_instance_private ((GstWorkerTransform *) (self)))->core)

static GstWorkerCore *
gst_worker_transform_get_core (GstWorker * worker)
{
  return CORE (worker);
}

static void
gst_worker_transform_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_worker_transform_get_core;
}

static void
gst_worker_transform_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_worker_transform_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_worker_transform_constructed (GObject * object)
{
  GstWorkerCore *core = CORE (object);

  G_OBJECT_CLASS (gst_worker_transform_parent_class)->constructed (object);
  gst_worker_keep_floating (object);

  gst_worker_core_set_main_srcpad (core, GST_BASE_TRANSFORM_SRC_PAD (object));
  gst_worker_core_add_template_outputs (core);
}

static void
gst_worker_transform_finalize (GObject * object)
{
  gst_worker_core_free (CORE (object));
  G_OBJECT_CLASS (gst_worker_transform_parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_worker_transform_change_state (GstElement * element,
    GstStateChange transition)
{
  gst_worker_core_change_state (CORE (element), transition);
  return GST_ELEMENT_CLASS (gst_worker_transform_parent_class)->change_state
      (element, transition);
}

static GstFlowReturn
gst_worker_transform_submit_input_buffer (GstBaseTransform * trans,
    gboolean is_discont, GstBuffer * input)
{
  /* the base class calls this with its own type: no casts checked here */
  GstWorkerTransform *self = (GstWorkerTransform *) trans;
  GstWorkerTransformClass *klass =
      (GstWorkerTransformClass *) G_OBJECT_GET_CLASS (trans);
  GstWorkerCore *core = CORE_FAST (self);
  GstFlowReturn ret;
  GstBuffer *inbuf;

  /* negotiation and reconfiguration checks of the base class */
  ret = GST_BASE_TRANSFORM_CLASS (gst_worker_transform_parent_class)
      ->submit_input_buffer (trans, is_discont, input);
  if (ret == GST_BASE_TRANSFORM_FLOW_DROPPED) {
    /* only with qos=true, the user's choice */
    gst_worker_core_count (core, 1, 0, 1);
    return ret;
  }
  if (ret != GST_FLOW_OK)
    return ret;

  inbuf = trans->queued_buf;
  trans->queued_buf = NULL;
  if (!inbuf)
    return GST_FLOW_OK;

  if (!gst_worker_core_begin_item (core, 1)) {
    gst_buffer_unref (inbuf);
    return GST_FLOW_FLUSHING;
  }
  ret = klass->process (self, inbuf);
  gst_worker_core_end_item (core);
  gst_worker_core_fail_item (core, ret);

  if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING && ret != GST_FLOW_EOS)
    GST_DEBUG_OBJECT (self, "process returned %s", gst_flow_get_name (ret));
  return ret;
}

static GstFlowReturn
gst_worker_transform_generate_output (GstBaseTransform * trans,
    GstBuffer ** outbuf)
{
  /* process() pushed everything already */
  *outbuf = NULL;
  return GST_FLOW_OK;
}

static gboolean
gst_worker_transform_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstWorkerTransform *self = GST_WORKER_TRANSFORM (trans);
  GstWorkerTransformClass *klass = GST_WORKER_TRANSFORM_GET_CLASS (self);
  GstWorkerCore *core = CORE (self);
  GstFlowReturn ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      gst_worker_core_set_flushing (core, TRUE);
      break;
    case GST_EVENT_FLUSH_STOP:
      if (klass->flush)
        klass->flush (self);
      gst_worker_core_set_flushing (core, FALSE);
      break;
    case GST_EVENT_EOS:
      /* a paused worker holds EOS like any item */
      if (!klass->drain) {
        if (!gst_worker_core_wait_unpaused (core)) {
          gst_event_unref (event);
          return FALSE;
        }
        break;
      }
      if (!gst_worker_core_begin_drain (core)) {
        gst_event_unref (event);
        return FALSE;
      }
      ret = klass->drain (self);
      gst_worker_core_end_item (core);
      if (ret != GST_FLOW_OK)
        GST_DEBUG_OBJECT (self, "drain returned %s", gst_flow_get_name (ret));
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (gst_worker_transform_parent_class)
      ->sink_event (trans, event);
}

static GstFlowReturn
gst_worker_transform_default_process (GstWorkerTransform * self,
    GstBuffer * inbuf)
{
  gst_buffer_unref (inbuf);
  GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
      ("Worker %s cannot process items.", GST_OBJECT_NAME (self)),
      ("%s does not implement GstWorkerTransformClass.process",
          G_OBJECT_TYPE_NAME (self)));
  return GST_FLOW_NOT_SUPPORTED;
}

static void
gst_worker_transform_class_init (GstWorkerTransformClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_worker_transform_set_property;
  gobject_class->get_property = gst_worker_transform_get_property;
  gobject_class->constructed = gst_worker_transform_constructed;
  gobject_class->finalize = gst_worker_transform_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_worker_transform_change_state);

  trans_class->submit_input_buffer =
      GST_DEBUG_FUNCPTR (gst_worker_transform_submit_input_buffer);
  trans_class->generate_output =
      GST_DEBUG_FUNCPTR (gst_worker_transform_generate_output);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_worker_transform_sink_event);

  klass->process = GST_DEBUG_FUNCPTR (gst_worker_transform_default_process);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_TRANSFORM, 0);
}

static void
gst_worker_transform_init (GstWorkerTransform * self)
{
  GstWorkerTransformPrivate *priv =
      gst_worker_transform_get_instance_private (self);

  priv->core = gst_worker_core_new (GST_ELEMENT (self));
}

/**
 * gst_worker_transform_push:
 * @self: a #GstWorkerTransform
 * @outbuf: (transfer full): an output item
 *
 * Pushes @outbuf on the `src` pad, from #GstWorkerTransformClass.process or
 * #GstWorkerTransformClass.drain.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_worker_transform_push (GstWorkerTransform * self, GstBuffer * outbuf)
{
  g_return_val_if_fail (GST_IS_WORKER_TRANSFORM (self), GST_FLOW_ERROR);

  return gst_worker_core_push (CORE_FAST (self),
      ((GstBaseTransform *) self)->srcpad, outbuf);
}

/**
 * gst_worker_transform_push_to:
 * @self: a #GstWorkerTransform
 * @pad: the `src` pad or another output of the worker
 * @outbuf: (transfer full): an output item
 *
 * Pushes @outbuf on one of the worker's outputs. An output nobody linked
 * drops the item and counts it in `items-dropped`.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_worker_transform_push_to (GstWorkerTransform * self, GstPad * pad,
    GstBuffer * outbuf)
{
  g_return_val_if_fail (GST_IS_WORKER_TRANSFORM (self), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_PAD (pad), GST_FLOW_ERROR);

  return gst_worker_core_push (CORE (self), pad, outbuf);
}

/**
 * gst_worker_transform_get_output:
 * @self: a #GstWorkerTransform
 * @name: the output's name (its pad template's name)
 *
 * Finds one of the worker's extra outputs by name.
 *
 * Returns: (transfer none) (nullable): the extra output named @name
 *
 * Since: 0.1
 */
GstPad *
gst_worker_transform_get_output (GstWorkerTransform * self, const gchar * name)
{
  return gst_worker_core_get_output (CORE (self), name);
}

/**
 * gst_worker_transform_drop:
 * @self: a #GstWorkerTransform
 * @buffer: (transfer full): an item the worker decided not to pass on
 *
 * Drops an item by the worker's own decision, counted in `items-dropped`.
 *
 * Since: 0.1
 */
void
gst_worker_transform_drop (GstWorkerTransform * self, GstBuffer * buffer)
{
  gst_worker_core_count (CORE (self), 0, 0, 1);
  gst_buffer_unref (buffer);
}

/**
 * gst_worker_transform_template_caps:
 * @trans: a worker whose `sink` and `src` pad templates say what it takes
 *   and what it gives, whatever the other side's caps
 * @direction: the direction of @caps
 * @caps: the caps on that side (unused)
 * @filter: (nullable): caps to intersect the result with, first
 *
 * A #GstBaseTransformClass.transform_caps() for a worker that turns one
 * kind of item into another (frames into ground targets, estimates into
 * JSON lines): the caps of the other side are its pad template's. Set it
 * in class_init: `trans_class->transform_caps =
 * gst_worker_transform_template_caps;`.
 *
 * Returns: (transfer full): the caps of the other side's template,
 *   intersected with @filter
 *
 * Since: 0.2
 */
GstCaps *
gst_worker_transform_template_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstPadTemplate *templ;
  GstCaps *res;

  g_return_val_if_fail (GST_IS_WORKER_TRANSFORM (trans), NULL);

  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (trans),
      direction == GST_PAD_SINK ? "src" : "sink");
  g_return_val_if_fail (templ != NULL, NULL);
  res = gst_pad_template_get_caps (templ);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, res,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (res);
    res = tmp;
  }
  return res;
}
