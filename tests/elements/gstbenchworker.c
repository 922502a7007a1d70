/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-benchworker
 * @title: benchworker
 *
 * The smallest worker there is: a #GstWorkerTransform whose process pushes
 * its input. What it costs is what the worker core and base class cost,
 * which is what the hop benchmark compares with stock `identity`.
 *
 * With #GstBenchWorker:touch it does work on the data too: it maps each
 * buffer for reading and reads one byte of every 64-byte cache line,
 * adding them up (#GstBenchWorker:checksum); the Python model's
 * pass-through worker does the same with `--touch` (`sum(data[::64])`).
 * That is what the "every stage reads every cache line" benchmark rows
 * measure, next to the pointer-only rows.
 *
 * It lives in the test plugin (not installed), so stock tools measure it
 * too; from the build tree:
 * |[
 * GST_PLUGIN_PATH=build/tests/elements gst-launch-1.0 fakesrc num-buffers=100000 ! \
 *     queue ! benchworker ! queue ! fakesink
 * GST_PLUGIN_PATH=build/tests/elements gst-launch-1.0 videotestsrc num-buffers=300 ! \
 *     video/x-raw,width=1920,height=1080 ! queue ! benchworker touch=true ! \
 *     queue ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttestworkers.h"
#include "gstbenchworker.h"

GST_DEBUG_CATEGORY_STATIC (bench_worker_debug);
#define GST_CAT_DEFAULT bench_worker_debug

/* the stride of the reads: a cache line */
#define TOUCH_STRIDE 64

enum
{
  PROP_0,
  PROP_TOUCH,
  PROP_CHECKSUM,
};

struct _GstBenchWorker
{
  GstWorkerTransform parent;

  gint touch;                   /* atomic: read every cache line of each item */
  guint64 checksum;             /* object lock: sum of the bytes read */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstBenchWorker, gst_bench_worker, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (benchworker, "benchworker", GST_RANK_NONE,
    GST_TYPE_BENCH_WORKER);

/* One byte of every cache line, added up: every line of the item is
 * fetched from memory (or cache), which is what reading a frame costs. */
static guint64
touch_bytes (const guint8 * data, gsize size)
{
  guint64 sum = 0;
  gsize i;

  for (i = 0; i < size; i += TOUCH_STRIDE)
    sum += data[i];
  return sum;
}

static GstFlowReturn
gst_bench_worker_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstBenchWorker *self = GST_BENCH_WORKER (base);
  GstMapInfo map;
  guint64 sum;

  if (g_atomic_int_get (&self->touch)) {
    if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
      gst_buffer_unref (inbuf);
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("Could not read an item to touch its data."),
          ("gst_buffer_map (READ) failed"));
      return GST_FLOW_ERROR;
    }
    sum = touch_bytes (map.data, map.size);
    gst_buffer_unmap (inbuf, &map);
    GST_OBJECT_LOCK (self);
    self->checksum += sum;
    GST_OBJECT_UNLOCK (self);
  }
  return gst_worker_transform_push (base, inbuf);
}

static void
gst_bench_worker_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBenchWorker *self = GST_BENCH_WORKER (object);

  switch (prop_id) {
    case PROP_TOUCH:
      g_atomic_int_set (&self->touch, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_bench_worker_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstBenchWorker *self = GST_BENCH_WORKER (object);

  switch (prop_id) {
    case PROP_TOUCH:
      g_value_set_boolean (value, g_atomic_int_get (&self->touch));
      break;
    case PROP_CHECKSUM:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->checksum);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_bench_worker_class_init (GstBenchWorkerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (bench_worker_debug, "benchworker", 0,
      "gst-workers no-op benchmark worker");

  gobject_class->set_property = gst_bench_worker_set_property;
  gobject_class->get_property = gst_bench_worker_get_property;

  /**
   * GstBenchWorker:touch:
   *
   * Map each item for reading and read one byte of every 64-byte cache
   * line (the work the "touched" benchmark rows measure); off, the item
   * passes by reference and its data is never read.
   */
  g_object_class_install_property (gobject_class, PROP_TOUCH,
      g_param_spec_boolean ("touch", "Touch",
          "Read one byte of every 64-byte cache line of each item",
          FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstBenchWorker:checksum:
   *
   * The sum of the bytes read with #GstBenchWorker:touch, over all items
   * (proof the data was read, and what it held).
   */
  g_object_class_install_property (gobject_class, PROP_CHECKSUM,
      g_param_spec_uint64 ("checksum", "Checksum",
          "Sum of the bytes read with touch=true, over all items",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "No-op benchmark worker", "Generic",
      "Passes every item on through the worker base class, untouched "
      "or with every cache line read",
      "gst-workers <https://github.com/gst-workers/gst-workers>");

  worker_class->process = GST_DEBUG_FUNCPTR (gst_bench_worker_process);
}

static void
gst_bench_worker_init (GstBenchWorker * self)
{
}
