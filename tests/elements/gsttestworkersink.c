/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-testworkersink
 * @title: testworkersink
 *
 * A test sink worker on #GstWorkerSink: checks that numbered items arrive
 * in increasing order and keeps a digest of what it saw, including the
 * items a merge attached to them.
 *
 * |[
 * gst-launch-1.0 testworkersrc num-buffers=100 ! testworkersink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/worker/worker.h>
#include "gsttestworkers.h"

#define GST_TYPE_TEST_WORKER_SINK (gst_test_worker_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstTestWorkerSink, gst_test_worker_sink, GST,
    TEST_WORKER_SINK, GstWorkerSink);

struct _GstTestWorkerSink
{
  GstWorkerSink parent;

  /* protected by the object lock */
  guint64 consume_time;
  guint64 count;
  guint64 out_of_order;
  guint64 gaps;
  gint64 last_seq;
  GChecksum *digest;
};

enum
{
  PROP_0,
  PROP_CONSUME_TIME,
  PROP_COUNT,
  PROP_OUT_OF_ORDER,
  PROP_GAPS,
  PROP_LAST_SEQ,
  PROP_DIGEST,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstTestWorkerSink, gst_test_worker_sink, GST_TYPE_WORKER_SINK);
GST_ELEMENT_REGISTER_DEFINE (testworkersink, "testworkersink", GST_RANK_NONE,
    GST_TYPE_TEST_WORKER_SINK);

/* Items a merge attached (GstWorkerMergeMeta) count in the digest too:
 * input name, then the item's number, or "null" for a null token, and its
 * timestamp. */
static void
digest_merged_items (GChecksum * digest, GstBuffer * buf)
{
  GstWorkerMergeMeta *meta = gst_buffer_get_worker_merge_meta (buf);
  guint i;

  for (i = 0; meta && i < gst_worker_merge_meta_get_n_items (meta); i++) {
    const gchar *name;
    GstBuffer *item = gst_worker_merge_meta_get_nth_item (meta, i, &name);
    guint64 seq = G_MAXUINT64, pts = GST_BUFFER_PTS (item);

    g_checksum_update (digest, (const guchar *) name, strlen (name));
    if (gst_worker_buffer_is_null_token (item))
      g_checksum_update (digest, (const guchar *) "null", 4);
    else
      test_item_get_seq (item, &seq);
    g_checksum_update (digest, (const guchar *) &seq, sizeof (seq));
    g_checksum_update (digest, (const guchar *) &pts, sizeof (pts));
  }
}

static GstFlowReturn
gst_test_worker_sink_consume (GstWorkerSink * base, GstBuffer * buf)
{
  GstTestWorkerSink *self = GST_TEST_WORKER_SINK (base);
  guint64 seq = 0, ctime, pts = GST_BUFFER_PTS (buf);
  GstMapInfo map;

  test_item_get_seq (buf, &seq);

  GST_OBJECT_LOCK (self);
  ctime = self->consume_time;
  self->count++;
  if ((gint64) seq <= self->last_seq)
    self->out_of_order++;
  else if ((gint64) seq > self->last_seq + 1)
    self->gaps++;
  self->last_seq = seq;
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_checksum_update (self->digest, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  g_checksum_update (self->digest, (const guchar *) &pts, sizeof (pts));
  digest_merged_items (self->digest, buf);
  GST_OBJECT_UNLOCK (self);

  if (ctime)
    g_usleep (ctime / 1000);
  return GST_FLOW_OK;
}

static gboolean
gst_test_worker_sink_start (GstBaseSink * sink)
{
  GstTestWorkerSink *self = GST_TEST_WORKER_SINK (sink);

  GST_OBJECT_LOCK (self);
  self->count = self->out_of_order = self->gaps = 0;
  self->last_seq = -1;
  g_checksum_reset (self->digest);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static void
gst_test_worker_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTestWorkerSink *self = GST_TEST_WORKER_SINK (object);

  switch (prop_id) {
    case PROP_CONSUME_TIME:
      GST_OBJECT_LOCK (self);
      self->consume_time = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_test_worker_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTestWorkerSink *self = GST_TEST_WORKER_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONSUME_TIME:
      g_value_set_uint64 (value, self->consume_time);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    case PROP_OUT_OF_ORDER:
      g_value_set_uint64 (value, self->out_of_order);
      break;
    case PROP_GAPS:
      g_value_set_uint64 (value, self->gaps);
      break;
    case PROP_LAST_SEQ:
      g_value_set_int64 (value, self->last_seq);
      break;
    case PROP_DIGEST:{
      /* of a copy: getting the string closes a checksum to updates, and
       * the digest is read while items still come (a dot dump of the
       * pipeline reads every property) */
      GChecksum *so_far = g_checksum_copy (self->digest);

      g_value_set_string (value, g_checksum_get_string (so_far));
      g_checksum_free (so_far);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_test_worker_sink_finalize (GObject * object)
{
  g_checksum_free (GST_TEST_WORKER_SINK (object)->digest);
  G_OBJECT_CLASS (gst_test_worker_sink_parent_class)->finalize (object);
}

static void
gst_test_worker_sink_class_init (GstTestWorkerSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_test_worker_sink_set_property;
  gobject_class->get_property = gst_test_worker_sink_get_property;
  gobject_class->finalize = gst_test_worker_sink_finalize;

  g_object_class_install_property (gobject_class, PROP_CONSUME_TIME,
      g_param_spec_uint64 ("consume-time", "Consume time",
          "Nanoseconds spent on each item", 0, G_MAXUINT64, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_COUNT,
      g_param_spec_uint64 ("count", "Count", "Items received", 0,
          G_MAXUINT64, 0, ro));
  g_object_class_install_property (gobject_class, PROP_OUT_OF_ORDER,
      g_param_spec_uint64 ("out-of-order", "Out of order",
          "Items not after the previous one (reordered or repeated)", 0,
          G_MAXUINT64, 0, ro));
  g_object_class_install_property (gobject_class, PROP_GAPS,
      g_param_spec_uint64 ("gaps", "Gaps", "Jumps over missing numbers", 0,
          G_MAXUINT64, 0, ro));
  g_object_class_install_property (gobject_class, PROP_LAST_SEQ,
      g_param_spec_int64 ("last-seq", "Last seq", "Last number seen", -1,
          G_MAXINT64, -1, ro));
  g_object_class_install_property (gobject_class, PROP_DIGEST,
      g_param_spec_string ("digest", "Digest",
          "SHA-256 of every item's bytes and timestamp, and of the items "
          "merged with it (input, number, timestamp), in order, so far",
          NULL, ro));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class, "Test sink worker",
      "Sink/Test", "Test-only sink checking numbered items", "gst-workers");

  GST_BASE_SINK_CLASS (klass)->start = gst_test_worker_sink_start;
  GST_WORKER_SINK_CLASS (klass)->consume = gst_test_worker_sink_consume;
}

static void
gst_test_worker_sink_init (GstTestWorkerSink * self)
{
  self->digest = g_checksum_new (G_CHECKSUM_SHA256);
  self->last_seq = -1;
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
}
