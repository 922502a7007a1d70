/* gst-workers: heartbeat tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"

static GstClock *test_clock;

static void
use_test_clock (void)
{
  test_clock = gst_test_clock_new ();
  gst_system_clock_set_default (test_clock);
}

static void
restore_clock (void)
{
  gst_system_clock_set_default (NULL);
  gst_clear_object (&test_clock);
}

static GstMessage *
pop_heartbeat (GstBus * bus)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    if (gst_worker_message_is_heartbeat (msg))
      return msg;
    gst_message_unref (msg);
  }
  return NULL;
}

static guint64
field_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, name, &v), "no field %s", name);
  return v;
}

static GstWorkerState
field_state (const GstStructure * s)
{
  gint v = -1;

  fail_unless (gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &v));
  return v;
}

/* Heartbeats every 100 ms of the (test) clock, with exact fields. */
GST_START_TEST (test_heartbeat_fields_and_count)
{
  GstHarness *h;
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  const GstStructure *s;
  guint64 i;

  use_test_clock ();
  h = gst_harness_new_parse ("testworker name=w heartbeat-interval=100");
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);

  for (i = 0; i < 10; i++) {
    if (i == 5) {
      guint64 k;
      for (k = 0; k < 4; k++)
        gst_harness_push (h, test_item_new (k, 0, 0));
    }
    gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
    fail_unless_equals_uint64 (gst_clock_get_time (test_clock),
        (i + 1) * 100 * GST_MSECOND);
    msg = pop_heartbeat (bus);
    fail_unless (msg != NULL, "no heartbeat %" G_GUINT64_FORMAT, i);
    fail_unless (pop_heartbeat (bus) == NULL);
    s = gst_message_get_structure (msg);
    fail_unless_equals_string (gst_structure_get_name (s),
        GST_WORKER_HEARTBEAT_NAME);
    fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "w");
    fail_unless_equals_string (gst_structure_get_string (s, "worker"), "w");
    fail_unless_equals_uint64 (field_u64 (s, "seq"), i);
    fail_unless_equals_int (field_state (s), GST_WORKER_STATE_IDLE);
    fail_unless_equals_uint64 (field_u64 (s, "items-in"), i < 5 ? 0 : 4);
    fail_unless_equals_uint64 (field_u64 (s, "items-out"), i < 5 ? 0 : 4);
    fail_unless_equals_uint64 (field_u64 (s, "items-dropped"), 0);
    /* no time passes between begin and end on the test clock */
    fail_unless_equals_uint64 (field_u64 (s, "proc-time-avg"), 0);
    fail_unless_equals_uint64 (field_u64 (s, "proc-time-max"), 0);
    /* idle since the last item, or since the start */
    fail_unless_equals_uint64 (field_u64 (s, "state-time"),
        i < 5 ? (i + 1) * 100 * GST_MSECOND : (i - 4) * 100 * GST_MSECOND);
    fail_if (gst_structure_has_field (s, "blocked-on"));
    gst_message_unref (msg);
  }

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  restore_clock ();
}

GST_END_TEST;

GST_START_TEST (test_heartbeat_while_paused)
{
  GstHarness *h;
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  use_test_clock ();
  h = gst_harness_new_parse ("testworker heartbeat-interval=50");
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);

  gst_harness_set (h, "testworker", "paused", TRUE, NULL);
  gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
  msg = pop_heartbeat (bus);
  fail_unless (msg != NULL);
  fail_unless_equals_int (field_state (gst_message_get_structure (msg)),
      GST_WORKER_STATE_PAUSED);
  gst_message_unref (msg);

  /* and they keep coming; paused since the start */
  gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
  msg = pop_heartbeat (bus);
  fail_unless (msg != NULL);
  fail_unless_equals_int (field_state (gst_message_get_structure (msg)),
      GST_WORKER_STATE_PAUSED);
  fail_unless_equals_uint64 (field_u64 (gst_message_get_structure (msg),
          "state-time"), 100 * GST_MSECOND);
  gst_message_unref (msg);

  gst_harness_set (h, "testworker", "paused", FALSE, NULL);
  gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
  msg = pop_heartbeat (bus);
  fail_unless (msg != NULL);
  fail_unless_equals_int (field_state (gst_message_get_structure (msg)),
      GST_WORKER_STATE_IDLE);
  gst_message_unref (msg);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  restore_clock ();
}

GST_END_TEST;

GST_START_TEST (test_heartbeat_off_and_on)
{
  GstHarness *h;
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  use_test_clock ();
  h = gst_harness_new_parse ("testworker heartbeat-interval=0");
  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 0);

  /* turning them on while PLAYING starts them */
  gst_harness_set (h, "testworker", "heartbeat-interval", 10, NULL);
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 1);
  gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
  msg = pop_heartbeat (bus);
  fail_unless (msg != NULL);
  gst_message_unref (msg);

  /* and off again: the pending one is the last */
  gst_harness_set (h, "testworker", "heartbeat-interval", 0, NULL);
  gst_test_clock_crank (GST_TEST_CLOCK (test_clock));
  msg = pop_heartbeat (bus);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 0);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  restore_clock ();
}

GST_END_TEST;

/* Only while PLAYING: none pending once the element is back in PAUSED. */
GST_START_TEST (test_heartbeat_stops_when_not_playing)
{
  GstHarness *h;

  use_test_clock ();
  h = gst_harness_new_parse ("testworker heartbeat-interval=10");
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 1);
  fail_unless_equals_int (gst_element_set_state (h->element,
          GST_STATE_PAUSED), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 0);
  fail_unless_equals_int (gst_element_set_state (h->element,
          GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_test_clock_peek_id_count (GST_TEST_CLOCK
          (test_clock)), 1);
  gst_harness_teardown (h);
  restore_clock ();
}

GST_END_TEST;

/* Behind a sink that stopped consuming, the worker is blocked on the full
 * queue, and its heartbeats say so. Real clock, bounded waits. */
GST_START_TEST (test_heartbeat_while_blocked)
{
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  gboolean seen_blocked = FALSE;
  gint64 deadline = test_deadline (20);

  pipe = gst_parse_launch ("testworkersrc ! queue max-size-buffers=2 "
      "max-size-bytes=0 max-size-time=0 ! testworker name=w "
      "heartbeat-interval=20 ! queue name=full max-size-buffers=3 "
      "max-size-bytes=0 max-size-time=0 ! testworkersink name=sink "
      "paused=true async=false", NULL);
  fail_unless (pipe != NULL);
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);

  while (!seen_blocked && g_get_monotonic_time () < deadline) {
    msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    if (!msg)
      continue;
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
    if (gst_worker_message_is_heartbeat (msg) &&
        g_str_equal (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "w")) {
      const GstStructure *s = gst_message_get_structure (msg);

      if (field_state (s) == GST_WORKER_STATE_BLOCKED) {
        fail_unless_equals_string (gst_structure_get_string (s,
                "blocked-on"), "full");
        seen_blocked = TRUE;
      }
    }
    gst_message_unref (msg);
  }
  fail_unless (seen_blocked, "worker never reported blocked");

  /* the sink is paused too, and says so; its worker stats agree */
  {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
    fail_unless_equals_int (gst_worker_get_state (GST_WORKER (sink)),
        GST_WORKER_STATE_PAUSED);
    gst_object_unref (sink);
  }

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Whether the core listens to queue @name's "overrun" (nothing else here
 * does); its level, in items, in @level unless NULL. */
static gboolean
watched (GstElement * pipe, const gchar * name, guint * level)
{
  GstElement *q = gst_bin_get_by_name (GST_BIN (pipe), name);
  gboolean pending;

  fail_unless (q != NULL, "no element %s", name);
  pending = g_signal_has_handler_pending (q, g_signal_lookup ("overrun",
          G_OBJECT_TYPE (q)), 0, FALSE);
  if (level)
    g_object_get (q, "current-level-buffers", level, NULL);
  gst_object_unref (q);
  return pending;
}

/* The queues a worker's thread may push into are watched for "overrun",
 * through tees, funnels, other elements and bins; a queue fed by a plain
 * source is not (a handler costs a signal emission every time it is
 * full), and one whose input is not linked yet is. */
GST_START_TEST (test_watches_only_queues_workers_feed)
{
  GstElement *pipe = gst_parse_launch ("fakesrc num-buffers=1 "
      "! queue name=stock ! testworker ! tee name=t "
      "t. ! queue name=after_tee ! fakesink async=false "
      "t. ! identity ! queue name=after_identity ! fakesink async=false "
      "fakesrc num-buffers=1 ! queue name=plain ! identity "
      "! queue name=plain2 ! fakesink async=false "
      "fakesrc num-buffers=1 ! " TEST_ITEM_CAPS " ! funnel name=f "
      "! queue name=after_funnel ! fakesink async=false "
      "testworkersrc num-buffers=1 ! f. "
      "fakesrc num-buffers=1 ! ( name=b testworker ) "
      "! queue name=after_bin ! fakesink async=false "
      "testworkersrc num-buffers=1 ! ( name=b2 identity "
      "! queue name=in_bin ! fakesink async=false ) "
      "queue name=unlinked ! fakesink async=false", NULL);

  fail_unless (pipe != NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_if (watched (pipe, "stock", NULL));
  fail_if (watched (pipe, "plain", NULL));
  fail_if (watched (pipe, "plain2", NULL));
  fail_unless (watched (pipe, "after_tee", NULL));
  fail_unless (watched (pipe, "after_identity", NULL));
  fail_unless (watched (pipe, "after_funnel", NULL));
  fail_unless (watched (pipe, "after_bin", NULL));
  fail_unless (watched (pipe, "in_bin", NULL));
  fail_unless (watched (pipe, "unlinked", NULL));
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Fed by a plain source, the worker still says it is blocked on the full
 * queue behind it, while the full queue in front of it, which the core
 * does not watch, costs no handler. */
GST_START_TEST (test_blocked_behind_stock_fed_queue)
{
  GstElement *pipe, *w;
  GstStructure *s = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  guint level = 0;

  pipe = gst_parse_launch ("fakesrc ! queue name=stock max-size-buffers=2 "
      "max-size-bytes=0 max-size-time=0 ! testworker name=w "
      "! queue name=full max-size-buffers=3 max-size-bytes=0 "
      "max-size-time=0 ! testworkersink paused=true async=false", NULL);
  fail_unless (pipe != NULL);
  w = gst_bin_get_by_name (GST_BIN (pipe), "w");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (g_get_monotonic_time () < deadline) {
    watched (pipe, "stock", &level);
    if (level == 2 &&
        gst_worker_get_state (GST_WORKER (w)) == GST_WORKER_STATE_BLOCKED)
      break;
    g_usleep (1000);
  }

  s = gst_worker_get_stats (GST_WORKER (w));
  fail_unless_equals_int (field_state (s), GST_WORKER_STATE_BLOCKED);
  fail_unless_equals_string (gst_structure_get_string (s, "blocked-on"),
      "full");
  fail_unless (watched (pipe, "full", NULL));
  fail_if (watched (pipe, "stock", &level));
  fail_unless_equals_int (level, 2);
  gst_structure_free (s);
  gst_object_unref (w);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
workerheartbeat_suite (void)
{
  Suite *s = suite_create ("workerheartbeat");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_heartbeat_fields_and_count);
  tcase_add_test (tc, test_heartbeat_while_paused);
  tcase_add_test (tc, test_heartbeat_off_and_on);
  tcase_add_test (tc, test_heartbeat_stops_when_not_playing);
  tcase_add_test (tc, test_heartbeat_while_blocked);
  tcase_add_test (tc, test_watches_only_queues_workers_feed);
  tcase_add_test (tc, test_blocked_behind_stock_fed_queue);
  return s;
}

GST_CHECK_MAIN (workerheartbeat);
