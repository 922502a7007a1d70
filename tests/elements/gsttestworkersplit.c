/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-testworkersplit
 * @title: testworkersplit
 *
 * A test worker with two outputs of different types on
 * #GstWorkerTransform: even-numbered items go to `src`, odd-numbered ones
 * to `odd` as application/x-worker-test-odd.
 *
 * |[
 * gst-launch-1.0 testworkersrc num-buffers=100 ! testworkersplit name=s \
 *     s.src ! queue ! testworkersink  s.odd ! queue ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gsttestworkers.h"

#define GST_TYPE_TEST_WORKER_SPLIT (gst_test_worker_split_get_type ())
G_DECLARE_FINAL_TYPE (GstTestWorkerSplit, gst_test_worker_split, GST,
    TEST_WORKER_SPLIT, GstWorkerTransform);

struct _GstTestWorkerSplit
{
  GstWorkerTransform parent;
  GstPad *odd;                  /* set once in constructed */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ITEM_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ITEM_CAPS));
static GstStaticPadTemplate odd_template = GST_STATIC_PAD_TEMPLATE ("odd",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ODD_CAPS));

G_DEFINE_TYPE (GstTestWorkerSplit, gst_test_worker_split,
    GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (testworkersplit, "testworkersplit",
    GST_RANK_NONE, GST_TYPE_TEST_WORKER_SPLIT);

static GstFlowReturn
gst_test_worker_split_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstTestWorkerSplit *self = GST_TEST_WORKER_SPLIT (base);
  guint64 seq = 0;

  test_item_get_seq (inbuf, &seq);
  if (seq % 2)
    return gst_worker_transform_push_to (base, self->odd, inbuf);
  return gst_worker_transform_push (base, inbuf);
}

static void
gst_test_worker_split_constructed (GObject * object)
{
  GstTestWorkerSplit *self = GST_TEST_WORKER_SPLIT (object);

  G_OBJECT_CLASS (gst_test_worker_split_parent_class)->constructed (object);
  self->odd = gst_worker_transform_get_output (GST_WORKER_TRANSFORM (self),
      "odd");
}

static void
gst_test_worker_split_class_init (GstTestWorkerSplitClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->constructed = gst_test_worker_split_constructed;

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &odd_template);
  gst_element_class_set_static_metadata (element_class, "Test split worker",
      "Filter/Test", "Test-only worker with two outputs of different types",
      "gst-workers");

  GST_WORKER_TRANSFORM_CLASS (klass)->process = gst_test_worker_split_process;
}

static void
gst_test_worker_split_init (GstTestWorkerSplit * self)
{
}
