/* gst-workers: benchmark elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-benchsink
 * @title: benchsink
 *
 * The sink of every benchmark: notes when each item of its `source` (a
 * #GstBenchSrc) arrives, and fails the run with an error if an item comes
 * out of order, twice, or is not one of the source's. Whether all of them
 * arrived is for the application to check after EOS, with
 * gst_bench_sink_get_count().
 *
 * It does not sync to the clock: items are taken as fast as they come.
 *
 * The element is registered by the `workerbench` program only, which sets
 * `source`:
 * |[
 * workerbench benchsrc num-buffers=1000 ! queue ! benchsink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstbenchelements.h"
#include "gstbenchsink.h"
#include "gstbenchsrc.h"

GST_DEBUG_CATEGORY_STATIC (bench_sink_debug);
#define GST_CAT_DEFAULT bench_sink_debug

struct _GstBenchSink
{
  GstBaseSink parent;

  /* protected by the object lock */
  GstBenchSrc *source;

  /* set up in start() */
  GstBenchSrc *src;             /* this run's source, reffed */
  guint64 n_items;

  /* streaming thread; read by the application after EOS */
  guint64 count;
  gint64 *arrived;              /* monotonic ns, per item */
};

enum
{
  PROP_0,
  PROP_SOURCE,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstBenchSink, gst_bench_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (benchsink, "benchsink", GST_RANK_NONE,
    GST_TYPE_BENCH_SINK);

static gboolean
gst_bench_sink_start (GstBaseSink * base)
{
  GstBenchSink *self = GST_BENCH_SINK (base);
  gint num_buffers = 0;

  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->src, (GstObject *) self->source);
  GST_OBJECT_UNLOCK (self);

  if (!self->src) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The benchmark sink has no source to check items against."),
        ("the source property is not set"));
    return FALSE;
  }
  /* sinks start before sources: ask the source's property, not the
   * source */
  g_object_get (self->src, "num-buffers", &num_buffers, NULL);
  self->n_items = MAX (num_buffers, 0);
  self->count = 0;
  g_free (self->arrived);
  self->arrived = g_new0 (gint64, MAX (self->n_items, 1));
  return TRUE;
}

static gboolean
gst_bench_sink_stop (GstBaseSink * base)
{
  GstBenchSink *self = GST_BENCH_SINK (base);

  gst_clear_object (&self->src);
  return TRUE;
}

static GstFlowReturn
gst_bench_sink_render (GstBaseSink * base, GstBuffer * buf)
{
  GstBenchSink *self = GST_BENCH_SINK (base);
  gint64 now = (gint64) gst_util_get_timestamp ();
  guint64 seq;

  if (!gst_bench_src_item_seq (self->src, buf, &seq)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Item %" G_GUINT64_FORMAT " is not one of the benchmark source's.",
            self->count), ("buffer %" GST_PTR_FORMAT, buf));
    return GST_FLOW_ERROR;
  }
  if (seq != self->count) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Items out of order: item %" G_GUINT64_FORMAT " arrived where %"
            G_GUINT64_FORMAT " was expected.", seq, self->count), (NULL));
    return GST_FLOW_ERROR;
  }
  self->arrived[seq] = now;
  self->count++;
  gst_bench_src_item_done (self->src);
  return GST_FLOW_OK;
}

/**
 * gst_bench_sink_get_count:
 *
 * Returns: how many items arrived in the current run
 */
guint64
gst_bench_sink_get_count (GstBenchSink * self)
{
  return self->count;
}

/**
 * gst_bench_sink_get_arrived:
 *
 * Returns: (transfer none): the arrival time of every item of the run, in
 * ns of the monotonic clock; read it after EOS and before the sink goes
 * back to READY and starts again
 */
const gint64 *
gst_bench_sink_get_arrived (GstBenchSink * self)
{
  return self->arrived;
}

static void
gst_bench_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBenchSink *self = GST_BENCH_SINK (object);

  switch (prop_id) {
    case PROP_SOURCE:{
      GstObject *src = g_value_get_object (value);

      GST_OBJECT_LOCK (self);
      gst_object_replace ((GstObject **) & self->source, src);
      GST_OBJECT_UNLOCK (self);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_bench_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBenchSink *self = GST_BENCH_SINK (object);

  switch (prop_id) {
    case PROP_SOURCE:
      GST_OBJECT_LOCK (self);
      g_value_set_object (value, self->source);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_bench_sink_finalize (GObject * object)
{
  GstBenchSink *self = GST_BENCH_SINK (object);

  gst_clear_object (&self->source);
  gst_clear_object (&self->src);
  g_free (self->arrived);
  G_OBJECT_CLASS (gst_bench_sink_parent_class)->finalize (object);
}

static void
gst_bench_sink_class_init (GstBenchSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (bench_sink_debug, "benchsink", 0,
      "gst-workers benchmark sink");

  gobject_class->set_property = gst_bench_sink_set_property;
  gobject_class->get_property = gst_bench_sink_get_property;
  gobject_class->finalize = gst_bench_sink_finalize;

  g_object_class_install_property (gobject_class, PROP_SOURCE,
      g_param_spec_object ("source", "Source",
          "The benchsrc whose items this sink checks and times",
          GST_TYPE_BENCH_SRC,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "Benchmark sink", "Sink",
      "Times and checks the items of a benchsrc",
      "gst-workers <https://github.com/gst-workers/gst-workers>");

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_bench_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_bench_sink_stop);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_bench_sink_render);
}

static void
gst_bench_sink_init (GstBenchSink * self)
{
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
}
