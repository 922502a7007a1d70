/* gst-workers: exit with drain through the workers plugin's elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Sources that never end, stopped by the controller's exit with drain
 * (gst_worker_controller_exit_drain(), what gst-worker-launch does on
 * SIGINT) in mid-stream, through a workerpool, a timestampmerge and a
 * feedback loop: the report says every queue gave out every item it took
 * in, and each worker's counts match its neighbours': nothing lost. */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>

#define Q(name, size) " ! queue name=" name " max-size-buffers=" #size \
  " max-size-bytes=0 max-size-time=0 ! "
#define DRAIN_TIMEOUT_MS 20000

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  GstStructure *report;
  const gchar *watch;           /* the sink whose count starts the exit */
  guint64 exit_after;           /* items */
  gboolean exiting;
} Run;

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report, Run * r)
{
  fail_unless (r->report == NULL, "finished twice");
  r->report = gst_structure_copy (report);
  g_main_loop_quit (r->loop);
}

static GstElement *
element (Run * r, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (r->ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  gst_object_unref (pipe);
  fail_unless (e != NULL, "no element %s", name);
  return e;
}

static guint64
prop_u64 (Run * r, const gchar * name, const gchar * prop)
{
  GstElement *e = element (r, name);
  guint64 v;

  g_object_get (e, prop, &v, NULL);
  gst_object_unref (e);
  return v;
}

/* Exits with drain once the watched sink has seen enough items: the
 * sources are in mid-stream, every queue holds something. */
static gboolean
maybe_exit (gpointer user_data)
{
  Run *r = user_data;

  if (r->exiting || r->report)
    return G_SOURCE_REMOVE;
  if (prop_u64 (r, r->watch, "count") < r->exit_after)
    return G_SOURCE_CONTINUE;
  r->exiting = TRUE;
  gst_worker_controller_exit_drain (r->ctrl, DRAIN_TIMEOUT_MS);
  return G_SOURCE_REMOVE;
}

static gboolean
too_long (gpointer user_data)
{
  fail ("the run did not end in time");
  return G_SOURCE_REMOVE;
}

/* Runs @desc under a controller until @exit_after items reached @watch,
 * then exits with drain; returns when the controller finished. */
static void
run_and_drain (Run * r, const gchar * desc, const gchar * watch,
    guint64 exit_after)
{
  GError *err = NULL;
  guint check, timeout;

  memset (r, 0, sizeof (*r));
  r->ctrl = gst_worker_controller_new_from_description (desc, &err);
  fail_unless (r->ctrl != NULL, "%s", err ? err->message : "?");
  r->loop = g_main_loop_new (NULL, FALSE);
  r->watch = watch;
  r->exit_after = exit_after;
  g_signal_connect (r->ctrl, "finished", G_CALLBACK (on_finished), r);
  fail_unless (gst_worker_controller_start (r->ctrl, &err), "%s",
      err ? err->message : "?");
  check = g_timeout_add (5, maybe_exit, r);
  timeout = g_timeout_add_seconds (60, too_long, NULL);
  g_main_loop_run (r->loop);
  g_source_remove (timeout);
  if (!r->exiting)
    g_source_remove (check);
  fail_unless (r->exiting, "the system ended before the exit");
  fail_unless (r->report != NULL);
}

static void
run_clear (Run * r)
{
  gst_structure_free (r->report);
  g_main_loop_unref (r->loop);
  gst_object_unref (r->ctrl);
}

/* ---------------------------------------------------------------------- */
/* the report */

static const GstStructure *
entry (const GstStructure * report, const gchar * field, const gchar * name)
{
  const GValue *array = gst_structure_get_value (report, field);
  guint i;

  fail_unless (array != NULL, "no %s in the report", field);
  for (i = 0; i < gst_value_array_get_size (array); i++) {
    const GstStructure *s =
        gst_value_get_structure (gst_value_array_get_value (array, i));

    if (g_strcmp0 (gst_structure_get_string (s, "name"), name) == 0)
      return s;
  }
  fail ("no %s named %s in the report", field, name);
  return NULL;
}

static guint64
field_u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s in %"
      GST_PTR_FORMAT, field, s);
  return v;
}

static guint64
worker_u64 (Run * r, const gchar * worker, const gchar * field)
{
  return field_u64 (entry (r->report, "workers", worker), field);
}

static guint64
queue_in (Run * r, const gchar * queue)
{
  return field_u64 (entry (r->report, "queues", queue), "items-in");
}

/* Drained, and every queue (the pools' own too) gave out what it took
 * in, a feedback channel ("channel NAME") what it took in plus its
 * initial items; returns how many queues the report has. */
static guint
assert_drained_balanced (Run * r)
{
  const GValue *queues = gst_structure_get_value (r->report, "queues");
  gboolean balanced = FALSE;
  gint outcome = -1;
  guint i, n;

  fail_unless (gst_structure_get_enum (r->report, "outcome",
          GST_TYPE_WORKER_CONTROLLER_OUTCOME, &outcome));
  fail_unless_equals_int (outcome, GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless (gst_structure_get_boolean (r->report, "balanced", &balanced));
  if (!balanced) {
    gchar *text = gst_structure_to_string (r->report);

    /* (on stderr: check's messages are short) */
    g_printerr ("the exit's report: %s\n", text);
    g_free (text);
    fail ("the exit's report is not balanced; it is on stderr");
  }
  fail_unless (queues != NULL);
  n = gst_value_array_get_size (queues);
  for (i = 0; i < n; i++) {
    const GstStructure *q =
        gst_value_get_structure (gst_value_array_get_value (queues, i));

    const gchar *name = gst_structure_get_string (q, "name");
    guint64 initial = field_u64 (q, "initial-items");

    if (!g_str_has_prefix (name, "channel "))
      fail_unless_equals_uint64 (initial, 0);
    fail_unless_equals_uint64 (field_u64 (q, "items-in") + initial,
        field_u64 (q, "items-out"));
    fail_unless_equals_uint64 (field_u64 (q, "held"), 0);
    fail_unless (field_u64 (q, "items-in") > 0, "queue %s saw nothing",
        gst_structure_get_string (q, "name"));
  }
  return n;
}

/* A test sink received @n items, numbered 0 .. n - 1, in order. */
static void
assert_sink_got (Run * r, const gchar * sink, guint64 n)
{
  fail_unless_equals_uint64 (prop_u64 (r, sink, "count"), n);
  fail_unless_equals_uint64 (prop_u64 (r, sink, "out-of-order"), 0);
  fail_unless_equals_uint64 (prop_u64 (r, sink, "gaps"), 0);
  fail_unless_equals_uint64 (prop_u64 (r, sink, "last-seq"), n - 1);
}

/* ---------------------------------------------------------------------- */

/* workerpool: what entered the pool left it, in order, through replicas
 * that each drained. */
GST_START_TEST (test_drain_through_workerpool)
{
  Run r;
  guint64 n, replicas_in = 0, replicas_out = 0;
  guint i;

  run_and_drain (&r, "testworkersrc name=src" Q ("q1", 4)
      "workerpool name=pool size=3 queue-size=3 "
      "worker=\"testworker random-delay=300000 seed=3\"" Q ("q2", 4)
      "testworkersink name=out", "out", 300);
  /* q1, q2, and each replica's queue in front and behind */
  fail_unless_equals_int (assert_drained_balanced (&r), 2 + 2 * 3);

  n = worker_u64 (&r, "src", "items-out");
  fail_unless (n >= 300);
  fail_unless_equals_uint64 (queue_in (&r, "q1"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "pool_dispatch", "items-in"), n);
  for (i = 0; i < 3; i++) {
    gchar *name = g_strdup_printf ("pool_r%u_testworker", i);

    replicas_in += worker_u64 (&r, name, "items-in");
    replicas_out += worker_u64 (&r, name, "items-out");
    fail_unless_equals_uint64 (worker_u64 (&r, name, "items-dropped"), 0);
    g_free (name);
  }
  fail_unless_equals_uint64 (replicas_in, n);
  fail_unless_equals_uint64 (replicas_out, n);
  fail_unless_equals_uint64 (worker_u64 (&r, "pool_collect", "items-out"), n);
  fail_unless_equals_uint64 (queue_in (&r, "q2"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "out", "items-in"), n);
  assert_sink_got (&r, "out", n);
  run_clear (&r);
}

GST_END_TEST;

/* timestampmerge: every camera item out with its odometry; every
 * odometry item attached to an output or dropped by decision, counted. */
GST_START_TEST (test_drain_through_timestampmerge)
{
  Run r;
  guint64 cameras, odometry, attached, dropped;
  GstElement *m;
  GstPad *pad;

  /* the odometry source made first: the exit's EOS reaches the camera
   * first, and the merge's output ends while odometry items are still on
   * their way */
  run_and_drain (&r, "testworkersrc name=odometry interval=10000000  "
      "testworkersrc name=camera interval=33333333" Q ("q1", 3)
      "testworker name=detect process-time=2000000" Q ("q5", 2)
      "timestampmerge name=m" Q ("q2", 5) "testworkersink name=out  "
      "odometry." Q ("q3", 16) "testworker name=filter random-delay=1000000"
      Q ("q4", 16) "m.", "out", 200);
  fail_unless_equals_int (assert_drained_balanced (&r), 5);

  cameras = worker_u64 (&r, "camera", "items-out");
  odometry = worker_u64 (&r, "odometry", "items-out");
  fail_unless_equals_uint64 (queue_in (&r, "q1"), cameras);
  fail_unless_equals_uint64 (queue_in (&r, "q3"), odometry);
  fail_unless_equals_uint64 (worker_u64 (&r, "m", "items-in"),
      cameras + odometry);
  fail_unless_equals_uint64 (worker_u64 (&r, "m", "items-out"), cameras);
  fail_unless_equals_uint64 (queue_in (&r, "q2"), cameras);
  assert_sink_got (&r, "out", cameras);

  m = element (&r, "m");
  pad = gst_element_get_static_pad (m, "sink_1");
  g_object_get (pad, "attached", &attached, "dropped", &dropped, NULL);
  fail_unless (attached > 0);
  fail_unless_equals_uint64 (attached + dropped, odometry);
  fail_unless_equals_uint64 (worker_u64 (&r, "m", "items-dropped"), dropped);
  gst_object_unref (pad);
  gst_object_unref (m);
  run_clear (&r);
}

GST_END_TEST;

/* A feedback loop: the exit's EOS reaches feedbacksrc too, which goes on
 * until the loop has carried back everything the forward path sent. */
GST_START_TEST (test_drain_through_feedback_loop)
{
  Run r;
  guint64 n, attached, dropped;
  GstElement *m;
  GstPad *pad;

  run_and_drain (&r, "testworkersrc name=src" Q ("q1", 2)
      "timestampmerge name=m ! tee name=t  t." Q ("q2", 3)
      "testworkersink name=out  t." Q ("q3", 2)
      "testworker name=fw pts-offset=1000000 random-delay=200000 seed=5 ! "
      "feedbacksink name=fbsink channel=c max-size-buffers=2  "
      "feedbacksrc name=fbsrc channel=c initial-items=1 "
      "caps=application/x-worker-test-item" Q ("q4", 2) "m.", "out", 300);
  /* q1 .. q4 and the feedback channel */
  fail_unless_equals_int (assert_drained_balanced (&r), 5);

  n = worker_u64 (&r, "src", "items-out");
  fail_unless (n >= 300);
  fail_unless_equals_uint64 (queue_in (&r, "q1"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "m", "items-out"), n);
  assert_sink_got (&r, "out", n);
  /* round the loop: every output back into the channel and out of it,
   * after the one initial item */
  fail_unless_equals_uint64 (worker_u64 (&r, "fw", "items-out"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "fbsink", "items-in"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "fbsink", "items-out"), n);
  fail_unless_equals_uint64 (worker_u64 (&r, "fbsink", "items-dropped"), 0);
  fail_unless_equals_uint64 (worker_u64 (&r, "fbsrc", "items-out"), n + 1);
  fail_unless_equals_uint64 (queue_in (&r, "q4"), n + 1);
  /* the channel itself: n written, the initial item, n + 1 read */
  fail_unless_equals_uint64 (queue_in (&r, "channel c"), n);
  fail_unless_equals_uint64 (field_u64 (entry (r.report, "queues",
              "channel c"), "initial-items"), 1);
  fail_unless_equals_uint64 (field_u64 (entry (r.report, "queues",
              "channel c"), "items-out"), n + 1);
  /* the merge used the initial item and n - 1 items; the item made from
   * the last output came back after the end: dropped, counted */
  m = element (&r, "m");
  pad = gst_element_get_static_pad (m, "sink_1");
  g_object_get (pad, "attached", &attached, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (attached, n);
  fail_unless_equals_uint64 (dropped, 1);
  gst_object_unref (pad);
  gst_object_unref (m);
  run_clear (&r);
}

GST_END_TEST;

/* The pipeline's EOS comes as soon as the merge's main input ends, while
 * its other input still sends items, slowly, to be dropped: the report
 * waits until they are, and then every queue is balanced and every item
 * accounted for. */
GST_START_TEST (test_report_waits_for_merge_inputs)
{
  Run r = { 0, };
  GError *err = NULL;
  guint timeout;
  GstElement *m;
  GstPad *pad;
  guint64 attached, dropped;

  r.ctrl = gst_worker_controller_new_from_description ("testworkersrc "
      "name=camera num-buffers=10" Q ("q1", 4) "timestampmerge name=m"
      Q ("q2", 4) "testworkersink name=out  testworkersrc name=odometry "
      "num-buffers=20 interval=100000000" Q ("q3", 2) "testworker "
      "name=filter process-time=30000000" Q ("q4", 2) "m.", &err);
  fail_unless (r.ctrl != NULL, "%s", err ? err->message : "?");
  r.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (r.ctrl, "finished", G_CALLBACK (on_finished), &r);
  fail_unless (gst_worker_controller_start (r.ctrl, &err));
  timeout = g_timeout_add_seconds (60, too_long, NULL);
  g_main_loop_run (r.loop);
  g_source_remove (timeout);

  fail_unless_equals_int (assert_drained_balanced (&r), 4);
  fail_unless_equals_uint64 (worker_u64 (&r, "filter", "items-out"), 20);
  fail_unless_equals_uint64 (worker_u64 (&r, "m", "items-in"), 30);
  assert_sink_got (&r, "out", 10);
  m = element (&r, "m");
  pad = gst_element_get_static_pad (m, "sink_1");
  g_object_get (pad, "attached", &attached, "dropped", &dropped, NULL);
  /* the items at 0 and 100 ms were candidates, the first was chosen */
  fail_unless_equals_uint64 (attached, 1);
  fail_unless_equals_uint64 (dropped, 19);
  gst_object_unref (pad);
  gst_object_unref (m);
  run_clear (&r);
}

GST_END_TEST;

static Suite *
exitdrain_suite (void)
{
  Suite *s = suite_create ("exitdrain");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_drain_through_workerpool);
  tcase_add_test (tc, test_drain_through_timestampmerge);
  tcase_add_test (tc, test_drain_through_feedback_loop);
  tcase_add_test (tc, test_report_waits_for_merge_inputs);
  return s;
}

GST_CHECK_MAIN (exitdrain);
