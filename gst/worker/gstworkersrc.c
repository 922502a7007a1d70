/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkersrc
 * @title: GstWorkerSrc
 * @short_description: base class for workers reading from a driver
 *
 * The design's hardware-driver worker (camera, files, a library): a
 * #GstPushSrc whose subclass implements #GstWorkerSrcClass.produce. It gets
 * heartbeats, statistics and a pause that holds: while paused it produces
 * nothing. An EOS sent to the element, a flushing seek or going to READY
 * wakes a paused source.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkersrc.h"
#include "gstworkercore.h"
#include "gstworkerfloating.h"

GST_DEBUG_CATEGORY_STATIC (worker_src_debug);
#define GST_CAT_DEFAULT worker_src_debug

typedef struct
{
  GstWorkerCore *core;
} GstWorkerSrcPrivate;

static void gst_worker_src_worker_init (GstWorkerInterface * iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstWorkerSrc, gst_worker_src,
    GST_TYPE_PUSH_SRC,
    G_ADD_PRIVATE (GstWorkerSrc);
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_worker_src_worker_init);
    GST_DEBUG_CATEGORY_INIT (worker_src_debug, "workersrc", 0,
        "gst-workers source worker base class"));

#define CORE(self) \
  (((GstWorkerSrcPrivate *) \
    gst_worker_src_get_instance_private (GST_WORKER_SRC (self)))->core)

static GstWorkerCore *
gst_worker_src_get_core (GstWorker * worker)
{
  return CORE (worker);
}

static void
gst_worker_src_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_worker_src_get_core;
}

static void
gst_worker_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_worker_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (CORE (object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static GstPadProbeReturn
count_out (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint n = 1;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    n = gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  gst_worker_core_count (user_data, 0, n, 0);
  return GST_PAD_PROBE_OK;
}

static void
gst_worker_src_constructed (GObject * object)
{
  GstWorkerCore *core = CORE (object);

  G_OBJECT_CLASS (gst_worker_src_parent_class)->constructed (object);
  gst_worker_keep_floating (object);

  gst_pad_add_probe (GST_BASE_SRC_PAD (object), GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_out, core, NULL);
  gst_worker_core_set_main_srcpad (core, GST_BASE_SRC_PAD (object));
}

static void
gst_worker_src_finalize (GObject * object)
{
  gst_worker_core_free (CORE (object));
  G_OBJECT_CLASS (gst_worker_src_parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_worker_src_change_state (GstElement * element, GstStateChange transition)
{
  gst_worker_core_change_state (CORE (element), transition);
  return GST_ELEMENT_CLASS (gst_worker_src_parent_class)->change_state
      (element, transition);
}

static gboolean
gst_worker_src_unlock (GstBaseSrc * src)
{
  gst_worker_core_set_flushing (CORE (src), TRUE);
  return TRUE;
}

static gboolean
gst_worker_src_unlock_stop (GstBaseSrc * src)
{
  gst_worker_core_set_flushing (CORE (src), FALSE);
  return TRUE;
}

static GstFlowReturn
gst_worker_src_create (GstPushSrc * psrc, GstBuffer ** buf)
{
  GstWorkerSrc *self = GST_WORKER_SRC (psrc);
  GstWorkerSrcClass *klass = GST_WORKER_SRC_GET_CLASS (self);
  GstWorkerCore *core = CORE (self);
  GstFlowReturn ret;

  /* the base class pushed the previous item */
  gst_worker_core_leave_push (core);

  if (!gst_worker_core_begin_item (core, 0))
    return GST_FLOW_FLUSHING;
  ret = klass->produce (self, buf);
  gst_worker_core_end_item (core);

  if (ret == GST_FLOW_OK && *buf) {
    /* out is counted when the item leaves (count_out()): GstBaseSrc drops
     * an item it is about to push when an EOS is sent to the element */
    gst_worker_core_count (core, 1, 0, 0);
    /* GstBaseSrc pushes it once we return */
    gst_worker_core_enter_push (core);
  }
  return ret;
}

static GstFlowReturn
gst_worker_src_default_produce (GstWorkerSrc * self, GstBuffer ** buf)
{
  GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
      ("Worker %s cannot produce items.", GST_OBJECT_NAME (self)),
      ("%s does not implement GstWorkerSrcClass.produce",
          G_OBJECT_TYPE_NAME (self)));
  return GST_FLOW_NOT_SUPPORTED;
}

static void
gst_worker_src_class_init (GstWorkerSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  gobject_class->set_property = gst_worker_src_set_property;
  gobject_class->get_property = gst_worker_src_get_property;
  gobject_class->constructed = gst_worker_src_constructed;
  gobject_class->finalize = gst_worker_src_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_worker_src_change_state);

  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_worker_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_worker_src_unlock_stop);

  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_worker_src_create);

  klass->produce = GST_DEBUG_FUNCPTR (gst_worker_src_default_produce);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_SRC, 0);
}

static void
gst_worker_src_init (GstWorkerSrc * self)
{
  GstWorkerSrcPrivate *priv = gst_worker_src_get_instance_private (self);

  priv->core = gst_worker_core_new (GST_ELEMENT (self));
}

/**
 * gst_worker_src_drop:
 * @self: a #GstWorkerSrc
 * @buffer: (transfer full): an item read but not passed on
 *
 * Drops an item by the worker's own decision (a corrupt frame, say),
 * counted in `items-in` and `items-dropped`.
 *
 * Since: 0.1
 */
void
gst_worker_src_drop (GstWorkerSrc * self, GstBuffer * buffer)
{
  gst_worker_core_count (CORE (self), 1, 0, 1);
  gst_buffer_unref (buffer);
}
