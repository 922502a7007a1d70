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
 * It lives in the test plugin (not installed), so stock tools measure it
 * too; from the build tree:
 * |[
 * GST_PLUGIN_PATH=build/tests/elements gst-launch-1.0 fakesrc num-buffers=100000 ! \
 *     queue ! benchworker ! queue ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttestworkers.h"
#include "gstbenchworker.h"

GST_DEBUG_CATEGORY_STATIC (bench_worker_debug);
#define GST_CAT_DEFAULT bench_worker_debug

struct _GstBenchWorker
{
  GstWorkerTransform parent;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstBenchWorker, gst_bench_worker, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (benchworker, "benchworker", GST_RANK_NONE,
    GST_TYPE_BENCH_WORKER);

static GstFlowReturn
gst_bench_worker_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  return gst_worker_transform_push (base, inbuf);
}

static void
gst_bench_worker_class_init (GstBenchWorkerClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (bench_worker_debug, "benchworker", 0,
      "gst-workers no-op benchmark worker");

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "No-op benchmark worker", "Generic",
      "Passes every item on untouched, through the worker base class",
      "gst-workers <https://github.com/gst-workers/gst-workers>");

  worker_class->process = GST_DEBUG_FUNCPTR (gst_bench_worker_process);
}

static void
gst_bench_worker_init (GstBenchWorker * self)
{
}
