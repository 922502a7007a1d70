/* gst-workers: a workerpool's items in the controller's stop accounting:
 * the outputs its collector holds (finished out of order, waiting for an
 * earlier one) and the item its dispatcher gave to no replica, in thread
 * and process pools, on an exit now and on an error stop
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testpipeline.h"
#include "controllerrun.h"

#define Q "max-size-bytes=0 max-size-time=0 "

/* Whether the pool's collector holds an output that waits for an earlier
 * item (taken in, not sent). */
static gboolean
collector_holds (gpointer run, gconstpointer data)
{
  Run *r = run;
  GstStructure *status = gst_worker_controller_get_status (r->ctrl);
  gboolean ok = worker_u64 (status, "p_collect", "items-in") >=
      worker_u64 (status, "p_collect", "items-out") + 1;

  gst_structure_free (status);
  return ok;
}

/* The report's holders, and the pool's workers, as text (valid until the
 * next call) */
static const gchar *
books (const GstStructure * report)
{
  static gchar *text;
  gchar *h = gst_value_serialize (gst_structure_get_value (report,
          "holders"));

  g_free (text);
  text = g_strdup_printf ("discarded %" G_GUINT64_FORMAT "; src out %"
      G_GUINT64_FORMAT "; out in %" G_GUINT64_FORMAT "; p_collect %"
      G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "; holders %.3000s",
      u64 (report, "items-discarded"), worker_u64 (report, "src",
          "items-out"), worker_u64 (report, "out", "items-in"),
      worker_u64 (report, "p_collect", "items-in"), worker_u64 (report,
          "p_collect", "items-out"), h);
  g_free (h);
  return text;
}

/* The books balance: what the source made is what the sink took plus what
 * the report says was discarded, and the holders add up to that. */
static void
assert_balanced (const GstStructure * report)
{
  const GValue *holders = gst_structure_get_value (report, "holders");
  guint64 total = 0;
  guint i;

  for (i = 0; holders && i < gst_value_array_get_size (holders); i++)
    total += u64 (gst_value_get_structure (gst_value_array_get_value
            (holders, i)), "items");
  fail_unless (total == u64 (report, "items-discarded"), "%s",
      books (report));
  fail_unless (worker_u64 (report, "src", "items-out") ==
      worker_u64 (report, "out", "items-in") + u64 (report,
          "items-discarded"), "%s", books (report));
}

/* One replica paused with items waiting for it, the other one working:
 * its output reaches the collector and waits there for the paused
 * replica's item. Exit now: those outputs are in the collector's holder line, with
 * why, and the books balance. */
static void
exit_now_with_collector_backlog (const gchar * isolation, const gchar * held)
{
  gchar *desc = g_strdup_printf ("testworkersrc name=src ! queue name=q1 "
      "max-size-buffers=8 " Q "! workerpool name=p size=2 queue-size=3 "
      "isolation=%s worker=\"testworker name=w\" ! queue name=q2 "
      "max-size-buffers=100 " Q "! testworkersink name=out", isolation);
  GstWorkerController *ctrl = controller (desc);
  GstStructure *report;
  const GstStructure *h;
  GError *err = NULL;
  guint64 waiting;
  Run r;

  g_free (desc);
  run_init (&r, ctrl);
  start (ctrl);
  fail_unless (gst_worker_controller_pause_worker (ctrl, held, &err), "%s",
      err ? err->message : "?");
  run_until (&r, collector_holds, NULL, 60000);

  report = gst_worker_controller_exit_now (ctrl);
  fail_unless_equals_int (outcome (report),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  waiting = worker_u64 (report, "p_collect", "items-in") -
      worker_u64 (report, "p_collect", "items-out");
  fail_unless (waiting >= 1, "%s", books (report));
  h = entry (report, "holders", "p_collect");
  fail_unless (h != NULL, "%s", books (report));
  fail_unless_equals_uint64 (u64 (h, "items"), waiting);
  fail_unless (strstr (gst_structure_get_string (h, "reason"),
          "waited for an earlier item") != NULL, "%s", books (report));
  assert_balanced (report);
  gst_structure_free (report);
  run_clear (&r);
}

GST_START_TEST (test_exit_now_collector_thread)
{
  exit_now_with_collector_backlog ("thread", "p_r0_w");
}

GST_END_TEST;

GST_START_TEST (test_exit_now_collector_process)
{
  exit_now_with_collector_backlog ("process", "p_r0");
}

GST_END_TEST;

/* A replica fails on an item: the system stops on the error, and the
 * books balance (the other replica's outputs that waited for the failed
 * item included); the dispatcher, if it held an item no replica took, is
 * not said to have failed. */
/* On q2's input: the first segment comes 500 ms late (the collector is
 * between its turn and its first push meanwhile) */
static GstPadProbeReturn
late_first_segment (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gint *seen = data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_SEGMENT &&
      g_atomic_int_add (seen, 1) == 0)
    g_usleep (500 * 1000);
  return GST_PAD_PROBE_OK;
}

/* @stall: the collector's first item is held up before its push (see
 * late_first_segment()) until the error stopped the system */
static void
error_stop_balances (const gchar * isolation, gboolean stall)
{
  gchar *desc = g_strdup_printf ("testworkersrc name=src num-buffers=50 "
      "! queue name=q1 " Q "! workerpool name=p size=2 isolation=%s "
      "worker=\"testworker error-after=5\" ! queue name=q2 " Q
      "! testworkersink name=out", isolation);
  GstWorkerController *ctrl = controller (desc);
  const GstStructure *h;
  gint seen = 0;
  Run r;

  g_free (desc);
  if (stall) {
    GstElement *q2 = element (ctrl, "q2");
    GstPad *pad = gst_element_get_static_pad (q2, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        late_first_segment, &seen, NULL);
    gst_object_unref (pad);
    gst_object_unref (q2);
  }
  run_init (&r, ctrl);
  start (ctrl);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  assert_balanced (r.report);
  h = entry (r.report, "holders", "p_dispatch");
  if (h && gst_structure_has_field (h, "reason"))
    fail_if (strstr (gst_structure_get_string (h, "reason"), "failed"),
        "%s", books (r.report));
  run_clear (&r);
}

GST_START_TEST (test_error_stop_thread)
{
  error_stop_balances ("thread", FALSE);
}

GST_END_TEST;

GST_START_TEST (test_error_stop_process)
{
  error_stop_balances ("process", FALSE);
}

GST_END_TEST;

/* The collector's first item, held up between its turn and its push
 * (its sticky events go first) until the error's stop refused the push:
 * the collector's holder has it (stress run 10 on eacfe2f: 'src out 50;
 * out in 0; discarded 49', p_collect 2 in, 0 out, 1 discarded: the other
 * one counted by no one, the collector idle meanwhile). */
GST_START_TEST (test_error_stop_collector_push_held)
{
  error_stop_balances ("thread", TRUE);
}

GST_END_TEST;

/* The dispatcher holds an item no replica took (its only replica paused,
 * that replica's queue full) when an error stops the system: the item is
 * its holder line's, as given to no replica, not as one it failed on. */
GST_START_TEST (test_dispatcher_not_blamed)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "num-buffers=200 ! queue name=q1 " Q "! workerpool name=p size=1 "
      "queue-size=2 worker=\"testworker name=w\" ! queue name=q2 " Q
      "! testworkersink name=out");
  StateWant want = { "p_dispatch", GST_WORKER_STATE_BLOCKED, NULL, 0 };
  const GstStructure *h;
  GstElement *out;
  GError *err = NULL;

  run_init (&r, ctrl);
  start (ctrl);
  fail_unless (gst_worker_controller_pause_worker (ctrl, "p_r0_w", &err));
  run_until (&r, worker_in_state, &want, 20000);
  out = element (ctrl, "out");
  err = g_error_new_literal (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
      "Test sink failed on purpose.");
  gst_element_post_message (out, gst_message_new_error (GST_OBJECT (out),
          err, "posted by the test"));
  g_clear_error (&err);
  gst_object_unref (out);
  run_until_finished (&r, 60);
  h = entry (r.report, "holders", "p_dispatch");
  fail_unless (h != NULL, "%s", books (r.report));
  fail_unless (u64 (h, "items") == 1, "%s", books (r.report));
  fail_unless (strstr (gst_structure_get_string (h, "reason"),
          "before a replica took") != NULL, "%s", books (r.report));
  fail_if (strstr (gst_structure_get_string (h, "reason"), "failed"),
      "%s", books (r.report));
  assert_balanced (r.report);
  run_clear (&r);
}

GST_END_TEST;

static Suite *
poolexit_suite (void)
{
  Suite *s = suite_create ("poolexit");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, NULL, run_stop_left);
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_exit_now_collector_thread);
  tcase_add_test (tc, test_exit_now_collector_process);
  tcase_add_test (tc, test_error_stop_thread);
  tcase_add_test (tc, test_error_stop_process);
  tcase_add_test (tc, test_error_stop_collector_push_held);
  tcase_add_test (tc, test_dispatcher_not_blamed);
  return s;
}

GST_CHECK_MAIN (poolexit);
