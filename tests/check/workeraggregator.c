/* gst-workers: GstWorkerAggregator tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/worker/worker.h>
#include "testitem.h"

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* testworkermerge with split-odd, its outputs `src` and `odd` in two
 * harnesses, its input sink_0 fed by the first. */
typedef struct
{
  GstHarness *in;               /* sink_0 -> src */
  GstHarness *odd;              /* -> odd */
} Split;

static Split
split_new (void)
{
  Split s;

  s.in = gst_harness_new_with_padnames ("testworkermerge", "sink_0", "src");
  g_object_set (s.in->element, "split-odd", TRUE, NULL);
  s.odd = gst_harness_new_with_element (s.in->element, NULL, "odd");
  gst_harness_set_src_caps_str (s.in, TEST_ITEM_CAPS);
  return s;
}

static void
split_free (Split * s)
{
  gst_harness_teardown (s->odd);
  gst_harness_teardown (s->in);
}

/* The next event a harness received, by type. */
static void
assert_next_event (GstHarness * h, GstEventType type)
{
  GstEvent *ev = gst_harness_pull_event (h);

  fail_unless (ev != NULL, "no %s event", gst_event_type_get_name (type));
  fail_unless_equals_string (GST_EVENT_TYPE_NAME (ev),
      gst_event_type_get_name (type));
  gst_event_unref (ev);
}

/* An extra output used before the main one: GstAggregator sends its
 * output's segment with its first output item, so the extra output must
 * have one of its own by then, or downstream sees an item outside any
 * segment (a merge there would drop it). */
GST_START_TEST (test_extra_output_first)
{
  Split s = split_new ();
  GstBuffer *buf;
  GstEvent *ev;
  const GstSegment *seg;

  fail_unless_equals_int (gst_harness_push (s.in, test_item_new (1,
              10 * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
  buf = gst_harness_pull (s.odd);
  fail_unless (buf != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 10 * GST_MSECOND);
  gst_buffer_unref (buf);

  assert_next_event (s.odd, GST_EVENT_STREAM_START);
  assert_next_event (s.odd, GST_EVENT_CAPS);
  ev = gst_harness_pull_event (s.odd);
  fail_unless (ev != NULL && GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT,
      "no segment before the first item");
  gst_event_parse_segment (ev, &seg);
  fail_unless_equals_int (seg->format, GST_FORMAT_TIME);
  fail_unless_equals_uint64 (gst_segment_to_running_time (seg,
          GST_FORMAT_TIME, 10 * GST_MSECOND), 10 * GST_MSECOND);
  gst_event_unref (ev);

  /* then the main output starts, and both go on */
  fail_unless_equals_int (gst_harness_push (s.in, test_item_new (2,
              20 * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (s.in, test_item_new (3,
              30 * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
  buf = gst_harness_pull (s.in);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  buf = gst_harness_pull (s.odd);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  /* the worker counts an item out once its push returned: the EOS that
   * follows says it did */
  fail_unless (gst_harness_push_event (s.in, gst_event_new_eos ()));
  while ((ev = gst_harness_pull_event (s.odd))
      && GST_EVENT_TYPE (ev) != GST_EVENT_EOS)
    gst_event_unref (ev);
  fail_unless (ev != NULL, "no EOS");
  gst_event_unref (ev);
  fail_unless_equals_uint64 (stat_u64 (s.in->element, "items-in"), 3);
  fail_unless_equals_uint64 (stat_u64 (s.in->element, "items-out"), 3);
  split_free (&s);
}

GST_END_TEST;

/* In a pipeline: items on both outputs, in order, all counted. */
GST_START_TEST (test_two_outputs_in_pipeline)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch ("testworkermerge name=m split-odd=true "
      "m.src ! queue ! testworkersink name=even  m.odd ! queue ! "
      "testworkersink name=odd  testworkersrc num-buffers=50 ! m. "
      "testworkersrc num-buffers=50 ! testworker pts-offset=500000 ! m.",
      &err);
  GstElement *even, *odd, *m;
  GstBus *bus;
  GstMessage *msg;
  guint64 n_even, n_odd;

  fail_unless (pipe != NULL, "%s", err ? err->message : "?");
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  even = gst_bin_get_by_name (GST_BIN (pipe), "even");
  odd = gst_bin_get_by_name (GST_BIN (pipe), "odd");
  m = gst_bin_get_by_name (GST_BIN (pipe), "m");
  g_object_get (even, "count", &n_even, NULL);
  g_object_get (odd, "count", &n_odd, NULL);
  /* each source gives 25 even and 25 odd items */
  fail_unless_equals_uint64 (n_even, 50);
  fail_unless_equals_uint64 (n_odd, 50);
  fail_unless_equals_uint64 (stat_u64 (m, "items-in"), 100);
  fail_unless_equals_uint64 (stat_u64 (m, "items-out"), 100);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (even);
  gst_object_unref (odd);
  gst_object_unref (m);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
workeraggregator_suite (void)
{
  Suite *s = suite_create ("workeraggregator");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_extra_output_first);
  tcase_add_test (tc, test_two_outputs_in_pipeline);
  return s;
}

GST_CHECK_MAIN (workeraggregator);
