/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkersink
 * @title: GstWorkerSink
 * @short_description: base class for workers writing to a driver
 *
 * A #GstBaseSink whose subclass implements #GstWorkerSinkClass.consume. It
 * gets heartbeats, statistics and a pause that holds: while paused it
 * consumes nothing and its input queue fills. A flush or going to READY
 * wakes it. Items are held before the base class's preroll lock, so
 * pipeline state changes go through while the worker is paused.
 *
 * Its `stats` property is the worker's, with GstBaseSink's own `stats`
 * fields (`rendered`, `dropped`, `average-rate`) added, which it would
 * otherwise hide.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkersink.h"
#include "gstworkercore.h"
#include "gstworkerfloating.h"

GST_DEBUG_CATEGORY_STATIC (worker_sink_debug);
#define GST_CAT_DEFAULT worker_sink_debug

typedef struct
{
  GstWorkerCore *core;
} GstWorkerSinkPrivate;

static void gst_worker_sink_worker_init (GstWorkerInterface * iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstWorkerSink, gst_worker_sink,
    GST_TYPE_BASE_SINK,
    G_ADD_PRIVATE (GstWorkerSink);
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_worker_sink_worker_init);
    GST_DEBUG_CATEGORY_INIT (worker_sink_debug, "workersink", 0,
        "gst-workers sink worker base class"));

#define CORE(self) \
  (((GstWorkerSinkPrivate *) \
    gst_worker_sink_get_instance_private (GST_WORKER_SINK (self)))->core)

static GstWorkerCore *
gst_worker_sink_get_core (GstWorker * worker)
{
  return CORE (worker);
}

static void
gst_worker_sink_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_worker_sink_get_core;
}

static void
gst_worker_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* GstBaseSink's own `stats` (rendered, dropped, average-rate), which the
 * worker's `stats` overrides, go into it. */
static void
add_base_sink_stats (GObject * object, GValue * value)
{
  GstStructure *s = g_value_dup_boxed (value);
  GstStructure *base = gst_base_sink_get_stats (GST_BASE_SINK (object));
  guint i;

  for (i = 0; base && i < (guint) gst_structure_n_fields (base); i++) {
    const gchar *name = gst_structure_nth_field_name (base, i);

    gst_structure_set_value (s, name, gst_structure_get_value (base, name));
  }
  if (base)
    gst_structure_free (base);
  g_value_take_boxed (value, s);
}

static void
gst_worker_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else if (prop_id == GST_WORKER_CORE_PROP_STATS)
    add_base_sink_stats (object, value);
}

static void
gst_worker_sink_finalize (GObject * object)
{
  gst_worker_core_free (CORE (object));
  G_OBJECT_CLASS (gst_worker_sink_parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_worker_sink_change_state (GstElement * element, GstStateChange transition)
{
  gst_worker_core_change_state (CORE (element), transition);
  return GST_ELEMENT_CLASS (gst_worker_sink_parent_class)->change_state
      (element, transition);
}

/* The pause holds items here, before GstBaseSink's chain takes its
 * preroll lock: render runs with that lock held, and state changes
 * (PAUSED to PLAYING) take it, so waiting in render would block them. */
static GstPadProbeReturn
gst_worker_sink_hold (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  /* when flushing, GstBaseSink's chain refuses the item */
  gst_worker_core_wait_unpaused (user_data);
  return GST_PAD_PROBE_OK;
}

static gboolean
gst_worker_sink_event (GstBaseSink * sink, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START)
    gst_worker_core_set_flushing (CORE (sink), TRUE);
  else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    gst_worker_core_set_flushing (CORE (sink), FALSE);

  return GST_BASE_SINK_CLASS (gst_worker_sink_parent_class)->event (sink,
      event);
}

static void
gst_worker_sink_constructed (GObject * object)
{
  G_OBJECT_CLASS (gst_worker_sink_parent_class)->constructed (object);
  gst_worker_keep_floating (object);

  gst_pad_add_probe (GST_BASE_SINK_PAD (object),
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      gst_worker_sink_hold, CORE (object), NULL);
}

static GstFlowReturn
gst_worker_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  GstWorkerSink *self = GST_WORKER_SINK (sink);
  GstWorkerCore *core = CORE (self);
  GstFlowReturn ret;

  /* the pause was waited for before the base class's locks */
  gst_worker_core_start_item (core, 1);
  ret = GST_WORKER_SINK_GET_CLASS (self)->consume (self, buffer);
  gst_worker_core_end_item (core);
  gst_worker_core_fail_item (core, ret);
  if (ret == GST_FLOW_OK)
    gst_worker_core_count (core, 0, 1, 0);
  return ret;
}

static GstFlowReturn
gst_worker_sink_default_consume (GstWorkerSink * self, GstBuffer * buffer)
{
  GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
      ("Worker %s cannot consume items.", GST_OBJECT_NAME (self)),
      ("%s does not implement GstWorkerSinkClass.consume",
          G_OBJECT_TYPE_NAME (self)));
  return GST_FLOW_NOT_SUPPORTED;
}

static void
gst_worker_sink_class_init (GstWorkerSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_worker_sink_set_property;
  gobject_class->get_property = gst_worker_sink_get_property;
  gobject_class->constructed = gst_worker_sink_constructed;
  gobject_class->finalize = gst_worker_sink_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_worker_sink_change_state);

  basesink_class->event = GST_DEBUG_FUNCPTR (gst_worker_sink_event);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_worker_sink_render);

  klass->consume = GST_DEBUG_FUNCPTR (gst_worker_sink_default_consume);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_SINK, 0);
}

static void
gst_worker_sink_init (GstWorkerSink * self)
{
  GstWorkerSinkPrivate *priv = gst_worker_sink_get_instance_private (self);

  priv->core = gst_worker_core_new (GST_ELEMENT (self));
}

/**
 * gst_worker_sink_drop:
 * @self: a #GstWorkerSink
 * @n: how many items
 *
 * Counts items the worker decided not to hand to the driver, in
 * `items-dropped`. Return %GST_FLOW_OK from consume after it.
 *
 * Since: 0.1
 */
void
gst_worker_sink_drop (GstWorkerSink * self, guint n)
{
  gst_worker_core_count (CORE (self), 0, 0, n);
}
