/* gst-workers: the workerpool tests' helpers (workerpool.c,
 * workerpoolelement.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"
#include "poolrecord.h"

guint64
stat_u64 (GstElement * pipe, const gchar * worker, const gchar * field)
{
  GstElement *e = test_pipeline_get (pipe, worker);
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  fail_unless (GST_IS_WORKER (e), "%s is not a worker", worker);
  s = gst_worker_get_stats (GST_WORKER (e));
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  gst_object_unref (e);
  return v;
}

/* Sum of @field over the replicas' workers named <pool>_r<i>_<name>. */
guint64
replicas_u64 (GstElement * pipe, const gchar * pool, guint size,
    const gchar * name, const gchar * field)
{
  guint64 sum = 0;

  for (guint r = 0; r < size; r++) {
    gchar *worker = g_strdup_printf ("%s_r%u_%s", pool, r, name);

    sum += stat_u64 (pipe, worker, field);
    g_free (worker);
  }
  return sum;
}

GstMessage *
run (GstElement * pipe, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_object_unref (bus);
  fail_unless (msg != NULL, "neither EOS nor an error");
  return msg;
}

void
run_to_eos (GstElement * pipe)
{
  test_message_expect_eos (run (pipe, GST_CLOCK_TIME_NONE));
}

/* Runs until an error, which it returns (the message's source in @src). */
GError *
run_to_error (GstElement * pipe, gchar ** src)
{
  GstMessage *msg = run (pipe, GST_CLOCK_TIME_NONE);
  GError *err = NULL;

  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  *src = gst_object_get_name (GST_MESSAGE_SRC (msg));
  gst_message_unref (msg);
  return err;
}

GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Record *rec = user_data;
  guint64 seq = G_MAXUINT64 - 2;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    fail_unless (test_item_get_seq (GST_PAD_PROBE_INFO_BUFFER (info), &seq));
  } else {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_FLUSH_STOP)
      seq = FLUSH;
    else if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM ||
        GST_EVENT_TYPE (ev) == GST_EVENT_GAP)
      seq = EVENT;
    else
      return GST_PAD_PROBE_OK;
  }
  g_mutex_lock (&rec->lock);
  g_array_append_val (rec->seqs, seq);
  g_mutex_unlock (&rec->lock);
  return GST_PAD_PROBE_OK;
}

Record *
record_new (GstElement * pipe, const gchar * pool)
{
  Record *rec = g_new0 (Record, 1);
  GstElement *e = test_pipeline_get (pipe, pool);
  GstPad *src = gst_element_get_static_pad (e, "src");

  g_mutex_init (&rec->lock);
  rec->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      record_probe, rec, NULL);
  gst_object_unref (src);
  gst_object_unref (e);
  return rec;
}

guint
record_len (Record * rec)
{
  guint n;

  g_mutex_lock (&rec->lock);
  n = rec->seqs->len;
  g_mutex_unlock (&rec->lock);
  return n;
}

guint64
record_at (Record * rec, guint i)
{
  return g_array_index (rec->seqs, guint64, i);
}

void
record_free (Record * rec)
{
  g_array_unref (rec->seqs);
  g_mutex_clear (&rec->lock);
  g_free (rec);
}

void
assert_sequence (Record * rec, const guint64 * expected, guint n)
{
  fail_unless_equals_int (record_len (rec), n);
  for (guint i = 0; i < n; i++)
    fail_unless (record_at (rec, i) == expected[i],
        "output %u is %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT, i,
        record_at (rec, i), expected[i]);
}

void
assert_range (Record * rec, guint64 first, guint n)
{
  guint64 *expected = g_new (guint64, n);

  for (guint i = 0; i < n; i++)
    expected[i] = first + i;
  assert_sequence (rec, expected, n);
  g_free (expected);
}

void
assert_increasing (Record * rec)
{
  for (guint i = 1; i < record_len (rec); i++)
    fail_unless (record_at (rec, i) > record_at (rec, i - 1),
        "output %u (%" G_GUINT64_FORMAT ") after %" G_GUINT64_FORMAT, i,
        record_at (rec, i), record_at (rec, i - 1));
}
