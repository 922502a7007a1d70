/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-testworkermerge
 * @title: testworkermerge
 *
 * A test worker with several inputs on #GstWorkerAggregator: merges its
 * inputs in timestamp order (earliest first, lowest pad on ties). With
 * `split-odd`, odd-numbered items go to its second output, `odd`, as
 * application/x-worker-test-odd (gst_worker_aggregator_push_to()).
 *
 * |[
 * gst-launch-1.0 testworkermerge name=m ! testworkersink \
 *     testworkersrc num-buffers=10 ! m.  testworkersrc num-buffers=10 ! m.
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gsttestworkers.h"

#define GST_TYPE_TEST_WORKER_MERGE (gst_test_worker_merge_get_type ())
G_DECLARE_FINAL_TYPE (GstTestWorkerMerge, gst_test_worker_merge, GST,
    TEST_WORKER_MERGE, GstWorkerAggregator);

struct _GstTestWorkerMerge
{
  GstWorkerAggregator parent;

  GstPad *odd;                  /* set once in constructed */

  /* protected by the object lock */
  gboolean split_odd;
};

enum
{
  PROP_0,
  PROP_SPLIT_ODD,
};

static GstStaticPadTemplate sink_template =
GST_STATIC_PAD_TEMPLATE ("sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS (TEST_ITEM_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ITEM_CAPS));
static GstStaticPadTemplate odd_template = GST_STATIC_PAD_TEMPLATE ("odd",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ODD_CAPS));

G_DEFINE_TYPE (GstTestWorkerMerge, gst_test_worker_merge,
    GST_TYPE_WORKER_AGGREGATOR);
GST_ELEMENT_REGISTER_DEFINE (testworkermerge, "testworkermerge",
    GST_RANK_NONE, GST_TYPE_TEST_WORKER_MERGE);

static GstFlowReturn
gst_test_worker_merge_aggregate (GstWorkerAggregator * base, gboolean timeout)
{
  GstTestWorkerMerge *self = GST_TEST_WORKER_MERGE (base);
  GstAggregator *agg = GST_AGGREGATOR (base);
  GstAggregatorPad *best = NULL;
  GstClockTime best_ts = GST_CLOCK_TIME_NONE;
  gboolean all_eos = TRUE, split_odd;
  guint64 seq = 0;
  GstBuffer *buf;
  GList *l;

  GST_OBJECT_LOCK (agg);
  for (l = GST_ELEMENT (agg)->sinkpads; l; l = l->next) {
    GstAggregatorPad *pad = l->data;
    GstBuffer *peek = gst_aggregator_pad_peek_buffer (pad);

    if (!peek) {
      if (!gst_aggregator_pad_is_eos (pad))
        all_eos = FALSE;
      continue;
    }
    all_eos = FALSE;
    if (!best || GST_BUFFER_PTS (peek) < best_ts) {
      gst_clear_object (&best);
      best = gst_object_ref (pad);
      best_ts = GST_BUFFER_PTS (peek);
    }
    gst_buffer_unref (peek);
  }
  GST_OBJECT_UNLOCK (agg);

  if (all_eos)
    return GST_FLOW_EOS;
  if (!best)
    return GST_FLOW_OK;

  buf = gst_aggregator_pad_pop_buffer (best);
  gst_object_unref (best);
  GST_OBJECT_LOCK (self);
  split_odd = self->split_odd;
  GST_OBJECT_UNLOCK (self);
  if (split_odd && test_item_get_seq (buf, &seq) && seq % 2)
    return gst_worker_aggregator_push_to (base, self->odd, buf);
  if (!gst_pad_has_current_caps (GST_AGGREGATOR_SRC_PAD (agg))) {
    GstCaps *caps = gst_caps_from_string (TEST_ITEM_CAPS);
    gst_aggregator_set_src_caps (agg, caps);
    gst_caps_unref (caps);
  }
  return gst_aggregator_finish_buffer (agg, buf);
}

static void
gst_test_worker_merge_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTestWorkerMerge *self = GST_TEST_WORKER_MERGE (object);

  if (prop_id == PROP_SPLIT_ODD) {
    GST_OBJECT_LOCK (self);
    self->split_odd = g_value_get_boolean (value);
    GST_OBJECT_UNLOCK (self);
  } else {
    G_OBJECT_CLASS (gst_test_worker_merge_parent_class)->set_property
        (object, prop_id, value, pspec);
  }
}

static void
gst_test_worker_merge_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTestWorkerMerge *self = GST_TEST_WORKER_MERGE (object);

  if (prop_id == PROP_SPLIT_ODD) {
    GST_OBJECT_LOCK (self);
    g_value_set_boolean (value, self->split_odd);
    GST_OBJECT_UNLOCK (self);
  } else {
    G_OBJECT_CLASS (gst_test_worker_merge_parent_class)->get_property
        (object, prop_id, value, pspec);
  }
}

static void
gst_test_worker_merge_constructed (GObject * object)
{
  GstTestWorkerMerge *self = GST_TEST_WORKER_MERGE (object);

  G_OBJECT_CLASS (gst_test_worker_merge_parent_class)->constructed (object);
  self->odd = gst_worker_aggregator_get_output (GST_WORKER_AGGREGATOR (self),
      "odd");
}

static void
gst_test_worker_merge_class_init (GstTestWorkerMergeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_test_worker_merge_set_property;
  gobject_class->get_property = gst_test_worker_merge_get_property;
  gobject_class->constructed = gst_test_worker_merge_constructed;
  g_object_class_install_property (gobject_class, PROP_SPLIT_ODD,
      g_param_spec_boolean ("split-odd", "Split odd",
          "Send odd-numbered items to the odd output", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template (element_class, &odd_template);
  gst_element_class_set_static_metadata (element_class, "Test merge worker",
      "Filter/Test", "Test-only worker merging inputs by timestamp",
      "gst-workers");

  GST_WORKER_AGGREGATOR_CLASS (klass)->aggregate =
      gst_test_worker_merge_aggregate;
}

static void
gst_test_worker_merge_init (GstTestWorkerMerge * self)
{
}
