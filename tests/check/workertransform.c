/* gst-workers: GstWorkerTransform tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/worker/worker.h>
#include "testitem.h"

static GstHarness *
worker_harness (const gchar * factory)
{
  GstHarness *h = gst_harness_new (factory);

  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);
  return h;
}

static void
push_items (GstHarness * h, guint64 from, guint n)
{
  guint64 i;

  for (i = from; i < from + n; i++)
    fail_unless_equals_int (gst_harness_push (h, test_item_new (i,
                i * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
}

static guint64
pull_seq (GstHarness * h, GstClockTime * pts, GstClockTime * dur)
{
  GstBuffer *buf = gst_harness_pull (h);
  guint64 seq = G_MAXUINT64;

  fail_unless (buf != NULL);
  fail_unless (test_item_get_seq (buf, &seq));
  if (pts)
    *pts = GST_BUFFER_PTS (buf);
  if (dur)
    *dur = GST_BUFFER_DURATION (buf);
  gst_buffer_unref (buf);
  return seq;
}

static void
assert_counts (GstElement * element, guint64 in, guint64 out, guint64 dropped)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (element));
  guint64 v;

  fail_unless (gst_structure_has_name (s, GST_WORKER_STATS_NAME));
  fail_unless (gst_structure_get_uint64 (s, "items-in", &v));
  fail_unless_equals_uint64 (v, in);
  fail_unless (gst_structure_get_uint64 (s, "items-out", &v));
  fail_unless_equals_uint64 (v, out);
  fail_unless (gst_structure_get_uint64 (s, "items-dropped", &v));
  fail_unless_equals_uint64 (v, dropped);
  gst_structure_free (s);
}

GST_START_TEST (test_one_to_one)
{
  GstHarness *h = worker_harness ("testworker");
  guint64 i;

  fail_unless (GST_IS_WORKER (h->element));
  push_items (h, 0, 100);
  for (i = 0; i < 100; i++) {
    GstClockTime pts;

    fail_unless_equals_uint64 (pull_seq (h, &pts, NULL), i);
    fail_unless_equals_uint64 (pts, i * GST_MSECOND);
  }
  assert_counts (h->element, 100, 100, 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_one_per_seven)
{
  GstHarness *h = worker_harness ("testworker");
  guint64 k;

  gst_harness_set (h, "testworker", "inputs-per-output", 7, NULL);
  push_items (h, 0, 75);
  fail_unless_equals_int (gst_harness_buffers_received (h), 10);
  for (k = 0; k < 10; k++) {
    GstClockTime pts, dur;

    /* the last input of each group, spanning the whole group */
    fail_unless_equals_uint64 (pull_seq (h, &pts, &dur), 7 * k + 6);
    fail_unless_equals_uint64 (pts, 7 * k * GST_MSECOND);
    fail_unless_equals_uint64 (dur, 7 * GST_MSECOND);
  }
  /* EOS: the partial group of 5 is dropped by decision, and counted */
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  assert_counts (h->element, 75, 10, 5);
  fail_unless_equals_int (gst_harness_buffers_received (h), 10);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_three_per_input)
{
  GstHarness *h = worker_harness ("testworker");
  GstClockTime last_pts = 0;
  guint64 k;

  gst_harness_set (h, "testworker", "outputs-per-input", 3, NULL);
  push_items (h, 0, 10);
  fail_unless_equals_int (gst_harness_buffers_received (h), 30);
  for (k = 0; k < 30; k++) {
    GstClockTime pts, dur;

    fail_unless_equals_uint64 (pull_seq (h, &pts, &dur), k);
    fail_unless_equals_uint64 (dur, GST_MSECOND / 3);
    fail_unless_equals_uint64 (pts, (k / 3) * GST_MSECOND +
        (k % 3) * (GST_MSECOND / 3));
    fail_unless (k == 0 || pts > last_pts);
    last_pts = pts;
  }
  assert_counts (h->element, 10, 30, 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_two_outputs_of_different_types)
{
  GstHarness *h = gst_harness_new ("testworkersplit");
  GstHarness *odd = gst_harness_new_with_element (h->element, NULL, "odd");
  GstCaps *caps, *expected;
  GstEvent *ev;
  guint64 i;

  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);
  push_items (h, 0, 20);
  fail_unless_equals_int (gst_harness_buffers_received (h), 10);
  fail_unless_equals_int (gst_harness_buffers_received (odd), 10);
  for (i = 0; i < 10; i++) {
    fail_unless_equals_uint64 (pull_seq (h, NULL, NULL), 2 * i);
    fail_unless_equals_uint64 (pull_seq (odd, NULL, NULL), 2 * i + 1);
  }

  /* the odd output has its own stream and caps */
  caps = gst_pad_get_current_caps (odd->sinkpad);
  expected = gst_caps_from_string (TEST_ODD_CAPS);
  fail_unless (caps && gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  ev = gst_pad_get_sticky_event (odd->sinkpad, GST_EVENT_STREAM_START, 0);
  fail_unless (ev != NULL);
  gst_event_unref (ev);

  /* EOS reaches both outputs */
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  ev = gst_pad_get_sticky_event (odd->sinkpad, GST_EVENT_EOS, 0);
  fail_unless (ev != NULL);
  gst_event_unref (ev);

  assert_counts (h->element, 20, 20, 0);
  gst_harness_teardown (odd);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_unlinked_output_counts_drops)
{
  GstHarness *h = gst_harness_new ("testworkersplit");

  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);
  push_items (h, 0, 10);
  fail_unless_equals_int (gst_harness_buffers_received (h), 5);
  assert_counts (h->element, 10, 5, 5);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_drop_by_decision)
{
  GstHarness *h = worker_harness ("testworker");

  gst_harness_set (h, "testworker", "drop-every", (gint64) 4, NULL);
  push_items (h, 0, 20);
  fail_unless_equals_int (gst_harness_buffers_received (h), 15);
  assert_counts (h->element, 20, 15, 5);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_error_names_worker)
{
  GstHarness *h = worker_harness ("testworker");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (h->element, bus);
  gst_harness_set (h, "testworker", "error-after", (gint64) 2, NULL);
  push_items (h, 0, 2);
  fail_unless_equals_int (gst_harness_push (h, test_item_new (2, 0, 0)),
      GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (h->element));
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (err != NULL);
  g_error_free (err);
  gst_message_unref (msg);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stats_property)
{
  GstHarness *h = worker_harness ("testworker");
  GstStructure *s = NULL;
  GstWorkerState state;

  push_items (h, 0, 3);
  g_object_get (h->element, "stats", &s, NULL);
  fail_unless (s != NULL);
  fail_unless (gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE,
          (gint *) & state));
  fail_unless_equals_int (state, GST_WORKER_STATE_IDLE);
  fail_unless (gst_structure_has_field_typed (s, "proc-time-avg",
          G_TYPE_UINT64));
  fail_unless (gst_structure_has_field_typed (s, "proc-time-max",
          G_TYPE_UINT64));
  fail_unless (gst_structure_has_field_typed (s, "state-time", G_TYPE_UINT64));
  fail_unless_equals_string (gst_structure_get_string (s, "worker"),
      GST_OBJECT_NAME (h->element));
  gst_structure_free (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The drain at EOS is no item: one item's processing time stays the
 * average (it was halved: the drain counted as a second item of no
 * time). */
GST_START_TEST (test_drain_is_not_an_item)
{
  GstHarness *h = worker_harness ("testworker");
  GstStructure *s;
  guint64 avg = 0, max = 0;

  g_object_set (h->element, "process-time", (guint64) 10 * GST_MSECOND, NULL);
  push_items (h, 0, 1);
  fail_unless_equals_uint64 (pull_seq (h, NULL, NULL), 0);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  s = gst_worker_get_stats (GST_WORKER (h->element));
  fail_unless (gst_structure_get_uint64 (s, "proc-time-avg", &avg));
  fail_unless (gst_structure_get_uint64 (s, "proc-time-max", &max));
  fail_unless (max >= 10 * GST_MSECOND, "max %" GST_TIME_FORMAT,
      GST_TIME_ARGS (max));
  fail_unless (avg >= max, "avg %" GST_TIME_FORMAT " < max %"
      GST_TIME_FORMAT " for one item", GST_TIME_ARGS (avg),
      GST_TIME_ARGS (max));
  gst_structure_free (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* testworkersink's digest may be read at any time (a pipeline graph dump
 * reads every property): reading it does not end it. */
static gchar *
sink_digest (gboolean read_midway)
{
  GstHarness *h = worker_harness ("testworkersink");
  gchar *digest = NULL;

  push_items (h, 0, 5);
  if (read_midway) {
    g_object_get (h->element, "digest", &digest, NULL);
    g_free (digest);
  }
  push_items (h, 5, 5);
  g_object_get (h->element, "digest", &digest, NULL);
  gst_harness_teardown (h);
  return digest;
}

GST_START_TEST (test_sink_digest_read_midway)
{
  gchar *plain = sink_digest (FALSE), *read = sink_digest (TRUE);

  fail_unless_equals_string (read, plain);
  g_free (plain);
  g_free (read);
}

GST_END_TEST;

/* A worker sink's stats are the worker's and GstBaseSink's own, which the
 * worker's `stats` property would hide otherwise. */
GST_START_TEST (test_sink_stats_keep_base_sink_fields)
{
  GstHarness *h = worker_harness ("testworkersink");
  GstStructure *s = NULL;
  guint64 v = 0;

  push_items (h, 0, 5);
  g_object_get (h->element, "stats", &s, NULL);
  fail_unless (s != NULL);
  fail_unless (gst_structure_get_uint64 (s, "items-in", &v));
  fail_unless_equals_uint64 (v, 5);
  fail_unless (gst_structure_get_uint64 (s, "rendered", &v));
  fail_unless_equals_uint64 (v, 5);
  fail_unless (gst_structure_has_field (s, "dropped"));
  fail_unless (gst_structure_has_field (s, "average-rate"));
  gst_structure_free (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
workertransform_suite (void)
{
  Suite *s = suite_create ("workertransform");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_one_to_one);
  tcase_add_test (tc, test_one_per_seven);
  tcase_add_test (tc, test_three_per_input);
  tcase_add_test (tc, test_two_outputs_of_different_types);
  tcase_add_test (tc, test_unlinked_output_counts_drops);
  tcase_add_test (tc, test_drop_by_decision);
  tcase_add_test (tc, test_error_names_worker);
  tcase_add_test (tc, test_stats_property);
  tcase_add_test (tc, test_drain_is_not_an_item);
  tcase_add_test (tc, test_sink_digest_read_midway);
  tcase_add_test (tc, test_sink_stats_keep_base_sink_fields);
  return s;
}

GST_CHECK_MAIN (workertransform);
