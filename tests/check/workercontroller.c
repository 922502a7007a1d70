/* gst-workers: the worker controller: pause and resume, exits, errors and
 * restarts, construction and status (workerwatchdog.c: its watchdog)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include "testpipeline.h"
#include "controllerrun.h"

#define Q "max-size-bytes=0 max-size-time=0 "

/* ---------------------------------------------------------------------- */
/* random pause / resume, then drain */

typedef struct
{
  Run *run;
  GRand *rand;
  guint actions_left;
  guint pauses;
} Chaos;

static const gchar *const chain_workers[] = { "src", "a2", "a3", "out", NULL };
static const gchar *const chain_queues[] = { "q1", "q2", "q3", NULL };

static gboolean
chaos_step (gpointer user_data)
{
  Chaos *c = user_data;
  GstWorkerController *ctrl = c->run->ctrl;
  GError *err = NULL;
  guint action = g_rand_int_range (c->rand, 0, 6);
  const gchar *who = chain_workers[g_rand_int_range (c->rand, 0, 4)];

  if (c->actions_left-- == 0) {
    /* leave whatever is paused paused: the drain must resume it */
    gst_worker_controller_exit_drain (ctrl, 20000);
    return G_SOURCE_REMOVE;
  }

  switch (action) {
    case 0:
    case 1:
      fail_unless (gst_worker_controller_pause_worker (ctrl, who, &err));
      c->pauses++;
      break;
    case 2:
    case 3:
      fail_unless (gst_worker_controller_resume_worker (ctrl, who, &err));
      break;
    case 4:
      fail_unless (gst_worker_controller_pause (ctrl, &err));
      fail_unless (gst_worker_controller_is_paused (ctrl));
      c->pauses++;
      break;
    default:
      fail_unless (gst_worker_controller_resume (ctrl, &err));
      fail_if (gst_worker_controller_is_paused (ctrl));
      break;
  }
  g_timeout_add (g_rand_int_range (c->rand, 1, 25), chaos_step, c);
  return G_SOURCE_REMOVE;
}

/* Four workers, three bounded queues; workers and the whole system paused
 * and resumed at random moments, then an exit with drain: every item the
 * source produced reached the sink, in order, none twice, and every queue
 * gave out what it took in. Repeated with random timings; the seed is
 * printed (set WORKER_CONTROLLER_SEED to replay). */
GST_START_TEST (test_random_pause_resume_then_drain)
{
  const gchar *env = g_getenv ("WORKER_CONTROLLER_SEED");
  guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) :
      g_random_int ();
  GRand *master = g_rand_new_with_seed (seed);
  guint iter, runs_with_items = 0;

  g_print ("test_random_pause_resume_then_drain: seed %u\n", seed);

  for (iter = 0; iter < 6; iter++) {
    Run r;
    Chaos c = { &r, g_rand_new_with_seed (g_rand_int (master)),
      g_rand_int_range (master, 5, 30), 0
    };
    GstWorkerController *ctrl = controller ("testworkersrc name=src "
        "! queue name=q1 max-size-buffers=4 " Q "! testworker name=a2 "
        "process-time=20000 ! queue name=q2 max-size-buffers=3 " Q
        "! testworker name=a3 random-delay=40000 ! queue name=q3 "
        "max-size-buffers=5 " Q "! testworkersink name=out");
    guint64 produced;

    /* lost: silent for 60 s, not the 3 s default that a heartbeat held
     * up on a loaded machine can exceed */
    g_object_set (ctrl, "heartbeat-interval", 20, "heartbeat-timeout", 60000,
        NULL);
    run_init (&r, ctrl);
    start (ctrl);
    g_timeout_add (g_rand_int_range (c.rand, 1, 30), chaos_step, &c);
    run_until_finished (&r, 60);

    fail_unless (outcome (r.report) == GST_WORKER_CONTROLLER_OUTCOME_DRAINED,
        "%s", test_str (r.report));
    /* a source paused early and drained at once makes nothing: fine, as
     * long as the runs together moved items */
    produced = worker_u64 (r.report, "src", "items-out");
    if (produced > 0)
      runs_with_items++;
    assert_chain_balanced (r.report, chain_workers, chain_queues);
    fail_unless_equals_uint64 (worker_u64 (r.report, "out", "items-in"),
        produced);
    fail_unless_equals_uint64 (prop_u64 (ctrl, "out", "count"), produced);
    fail_unless_equals_uint64 (prop_u64 (ctrl, "out", "gaps"), 0);
    fail_unless_equals_uint64 (prop_u64 (ctrl, "out", "out-of-order"), 0);
    fail_unless_equals_int64 (prop_u64 (ctrl, "out", "last-seq"),
        produced - 1);
    fail_unless_equals_int (r.lost->len, 0);

    g_rand_free (c.rand);
    run_clear (&r);
  }
  g_rand_free (master);
  fail_unless (runs_with_items > 0, "no run produced anything");
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* exit now */

static gboolean
all_full (gpointer run, gconstpointer data)
{
  Run *r = run;
  GstStructure *status = gst_worker_controller_get_status (r->ctrl);
  const gchar *const *q;
  gboolean ok = TRUE;

  for (q = chain_queues; *q; q++)
    ok &= queue_u64 (status, *q, "held") == 6;
  /* and the paused sink was handed its item (on a loaded machine the
   * last queue can be full before its thread pushed the first one) */
  ok &= queue_u64 (status, "q3", "items-out") >= 1;
  gst_structure_free (status);
  return ok;
}

/* With the sink paused, everything backs up: exit now reports every item
 * the source produced as consumed or discarded, queue by queue and worker
 * by worker. */
GST_START_TEST (test_exit_now_accounts_for_every_item)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "! queue name=q1 max-size-buffers=5 " Q "! testworker name=a2 "
      "! queue name=q2 max-size-buffers=5 " Q "! testworker name=a3 "
      "! queue name=q3 max-size-buffers=5 " Q
      "! testworkersink name=out async=false");
  GstStructure *report;
  const GstStructure *h;
  const gchar *const *q;
  guint64 total;
  guint i;
  GError *err = NULL;

  run_init (&r, ctrl);
  fail_unless (gst_worker_controller_pause_worker (ctrl, "out", &err));
  start (ctrl);
  run_until (&r, all_full, NULL, 10000);

  report = gst_worker_controller_exit_now (ctrl);
  /* finished is emitted before exit_now returns, from this context */
  fail_unless (r.report != NULL);
  fail_unless_equals_int (outcome (report),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  fail_unless_equals_int (gst_worker_controller_get_outcome (ctrl),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);

  /* each queue: 5 queued and one being pushed in; the paused sink holds
   * the item it was handed. While the pipeline stops, an item may still
   * move from a queue to the next worker's door (and is discarded there):
   * where an item is counted may shift by one, the total may not */
  for (q = chain_queues; *q; q++) {
    guint64 held = u64 (entry (report, "holders", *q), "items");
    fail_unless (held == 5 || held == 6, "%s", test_str (report));
  }
  h = entry (report, "holders", "out");
  fail_unless (u64 (h, "items") >= 1, "%s", test_str (report));
  fail_unless_equals_int (worker_state (h), GST_WORKER_STATE_PAUSED);
  h = entry (report, "holders", "a2");
  fail_unless_equals_int (worker_state (h), GST_WORKER_STATE_BLOCKED);
  fail_unless_equals_string (gst_structure_get_string (h, "blocked-on"),
      "q2");
  total = 0;
  for (i = 0; i < gst_value_array_get_size (gst_structure_get_value (report,
              "holders")); i++)
    total += u64 (gst_value_get_structure (gst_value_array_get_value
            (gst_structure_get_value (report, "holders"), i)), "items");
  fail_unless_equals_uint64 (total, 19);

  fail_unless_equals_uint64 (u64 (report, "items-discarded"), 19);
  fail_unless_equals_uint64 (worker_u64 (report, "src", "items-out"),
      worker_u64 (report, "out", "items-in") + 19);

  /* once finished, the same report again */
  gst_structure_free (report);
  report = gst_worker_controller_exit_now (ctrl);
  fail_unless_equals_uint64 (u64 (report, "items-discarded"), 19);
  gst_structure_free (report);
  run_clear (&r);
}

GST_END_TEST;

/* Exit now on a running system: the books still balance, item for item:
 * produced = consumed + discarded. */
GST_START_TEST (test_exit_now_while_running)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "! queue name=q1 max-size-buffers=4 " Q "! testworker name=a2 "
      "! queue name=q2 max-size-buffers=4 " Q "! testworkersink name=out "
      "consume-time=500000");
  GstStructure *report;

  run_init (&r, ctrl);
  start (ctrl);
  /* items at the sink (waited for: in 200 ms a loaded machine may bring
   * none), then a little more of the system running */
  run_until (&r, sink_has_items, "out", 20000);
  run_for (&r, 200);
  report = gst_worker_controller_exit_now (ctrl);
  fail_unless_equals_int (outcome (report),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  fail_unless (worker_u64 (report, "out", "items-out") > 0);
  fail_unless_equals_uint64 (worker_u64 (report, "src", "items-out"),
      worker_u64 (report, "out", "items-out") + u64 (report,
          "items-discarded"));
  gst_structure_free (report);
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* errors */

/* An error stops the system, and the books still balance: the item the
 * failing worker took and failed on is among the discarded ones. */
GST_START_TEST (test_error_discards_balance)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "num-buffers=200 ! queue name=q1 " Q "! testworker name=bad "
      "error-after=50 ! queue name=q2 " Q "! testworker name=slow "
      "process-time=20000000 ! testworkersink name=out");
  const GstStructure *h;

  run_init (&r, ctrl);
  start (ctrl);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  h = entry (r.report, "holders", "bad");
  fail_unless (h != NULL, "%s", test_str (r.report));
  fail_unless_equals_uint64 (u64 (h, "items"), 1);
  fail_unless_equals_uint64 (worker_u64 (r.report, "src", "items-out"),
      worker_u64 (r.report, "out", "items-in") + u64 (r.report,
          "items-discarded"));
  run_clear (&r);
}

GST_END_TEST;

/* The same for a pool's dispatcher: while every replica's queue is full
 * (its replica paused) it holds an item that no queue took; an error then
 * stops the system, and that item is among the discarded ones too (the
 * report missed it). */
GST_START_TEST (test_pool_error_discards_balance)
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
  gchar *holders;

  run_init (&r, ctrl);
  start (ctrl);
  fail_unless (gst_worker_controller_pause_worker (ctrl, "p_r0_w", &err));
  run_until (&r, worker_in_state, &want, 20000);
  /* an element fails (as the sink would on a write error) */
  out = element (ctrl, "out");
  err = g_error_new_literal (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
      "Test sink failed on purpose.");
  gst_element_post_message (out, gst_message_new_error (GST_OBJECT (out),
          err, "posted by the test"));
  g_clear_error (&err);
  gst_object_unref (out);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  holders = gst_value_serialize (gst_structure_get_value (r.report,
          "holders"));
  h = entry (r.report, "holders", "p_dispatch");
  fail_unless (h != NULL, "%s", holders);
  fail_unless (u64 (h, "items") == 1, "%s", holders);
  fail_unless (worker_u64 (r.report, "src", "items-out") ==
      worker_u64 (r.report, "out", "items-in") + u64 (r.report,
          "items-discarded"), "src out %" G_GUINT64_FORMAT ", out in %"
      G_GUINT64_FORMAT ", discarded %" G_GUINT64_FORMAT ": %s",
      worker_u64 (r.report, "src", "items-out"), worker_u64 (r.report,
          "out", "items-in"), u64 (r.report, "items-discarded"), holders);
  g_free (holders);
  run_clear (&r);
}

GST_END_TEST;

/* The stall timeout of the stall policy tests: their hang is for good,
 * so a long one only waits longer for it, and a worker that a loaded
 * machine holds mid-item (for hundreds of ms) is not stalled first, named
 * instead of the hung one. */
#define STALL_MS (1500 * test_timeout_scale ())

/* Stall policy restart: a hung worker is reported stalled, then the
 * pipeline restarts (as a supervisor's watchdog does); when the restarts
 * run out, the system stops, its error naming the stalled worker. */
GST_START_TEST (test_stall_policy_restart)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "! queue name=q1 max-size-buffers=3 " Q "! testworker name=a2 "
      "hang-after=5 ! queue name=q2 max-size-buffers=3 " Q
      "! testworkersink name=out");
  const GstStructure *err;

  g_object_set (ctrl, "heartbeat-interval", 50, "stall-timeout", STALL_MS,
      "stall-policy", GST_WORKER_STALL_POLICY_RESTART, "max-restarts", 1,
      "restart-backoff", 50, NULL);
  run_init (&r, ctrl);
  start (ctrl);
  run_until_finished (&r, 60);

  fail_unless_equals_int (r.restarted, 1);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  err = gst_value_get_structure (gst_structure_get_value (r.report,
          "error"));
  fail_unless_equals_string (gst_structure_get_string (err, "element"),
      "a2");
  fail_unless (strstr (gst_structure_get_string (err, "message"),
          "worker a2 stalled: busy for") != NULL, "%s",
      gst_structure_get_string (err, "message"));
  /* the second run got as far as the first */
  fail_unless_equals_uint64 (worker_u64 (r.report, "a2", "items-in"), 6);
  run_clear (&r);
}

GST_END_TEST;

/* A source blocked behind a hung worker waits longer than the worker has
 * been busy (here 100 ms longer: an element before the worker sleeps on
 * each item); still the hung worker is the stall that is reported first
 * and that the stall policy acts on: the source is stalled only once its
 * root is. (The restart policy named the source: on a loaded machine,
 * even with the two waits a few microseconds apart.) */
GST_START_TEST (test_stall_names_the_root)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "! queue name=q1 max-size-buffers=3 " Q "! identity sleep-time=100000 "
      "! testworker name=a2 hang-after=5 ! queue name=q2 max-size-buffers=3 "
      Q "! testworkersink name=out");
  const GstStructure *err;

  g_object_set (ctrl, "heartbeat-interval", 50, "stall-timeout", STALL_MS,
      "stall-policy", GST_WORKER_STALL_POLICY_RESTART, "max-restarts", 0,
      NULL);
  run_init (&r, ctrl);
  start (ctrl);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  err = gst_value_get_structure (gst_structure_get_value (r.report,
          "error"));
  fail_unless_equals_string (gst_structure_get_string (err, "element"),
      "a2");
  fail_unless (r.stalls->len >= 1);
  fail_unless_equals_string (gst_structure_get_string (g_ptr_array_index
          (r.stalls, 0), "worker"), "a2");
  run_clear (&r);
}

GST_END_TEST;

/* Policy restart: the pipeline comes back (and items flow again) until
 * the bounded retries run out; then it stops, naming the element. */
GST_START_TEST (test_restart_policy_bounded)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "produce-time=1000000 ! queue name=q1 " Q "! testworker name=bad "
      "error-after=20 ! queue name=q2 " Q "! testworkersink name=out");
  GstStructure *status;
  const GstStructure *err;
  guint i;

  g_object_set (ctrl, "error-policy", GST_WORKER_ERROR_POLICY_RESTART,
      "max-restarts", 2, "restart-backoff", 50, NULL);
  run_init (&r, ctrl);
  start (ctrl);
  run_until_finished (&r, 60);

  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  fail_unless_equals_int (r.restarted, 2);
  /* each run came back and went as far as its error (a run can fail
   * before its PLAYING is seen, so "started" may be fewer) */
  fail_unless (r.started >= 1);
  fail_unless_equals_int (r.errors->len, 3);
  for (i = 0; i < r.errors->len; i++)
    fail_unless_equals_string (g_ptr_array_index (r.errors, i), "bad");
  fail_unless_equals_int (g_value_get_uint (gst_structure_get_value
          (r.report, "restarts")), 2);
  err = gst_value_get_structure (gst_structure_get_value (r.report,
          "error"));
  fail_unless_equals_string (gst_structure_get_string (err, "element"),
      "bad");
  fail_unless (strstr (gst_structure_get_string (err, "message"),
          "Test worker failed on purpose") != NULL);
  /* the last run got as far as the others */
  fail_unless_equals_uint64 (worker_u64 (r.report, "bad", "items-in"), 21);

  status = gst_worker_controller_get_status (ctrl);
  fail_unless_equals_int (g_value_get_uint (gst_structure_get_value (status,
              "restarts")), 2);
  fail_unless_equals_string (gst_structure_get_string (status, "phase"),
      "finished");
  gst_structure_free (status);
  run_clear (&r);
}

GST_END_TEST;

static gboolean
exit_drain_cb (gpointer ctrl)
{
  gst_worker_controller_exit_drain (ctrl, 20000);
  return G_SOURCE_REMOVE;
}

static void
drain_soon_after_restart (GstWorkerController * ctrl, Run * r)
{
  /* the run after the restart (on_restarted ran before it started); not
   * "the second started": the first run can fail before its PLAYING is
   * seen (a loaded machine), and then only one run ever starts */
  if (r->restarted == 1)
    g_timeout_add (30, exit_drain_cb, ctrl);
}

/* the second run does not fail */
static void
heal (GstWorkerController * ctrl, guint restarts, GstElement * bad)
{
  g_object_set (bad, "error-after", (gint64) - 1, NULL);
}

/* Policy restart: after an error the pipeline comes back, keeps running,
 * and drains cleanly; the restart is counted. */
GST_START_TEST (test_restart_then_drain)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "produce-time=2000000 ! queue name=q1 " Q "! testworker name=bad "
      "error-after=10 ! queue name=q2 " Q "! testworkersink name=out");
  GstElement *bad = element (ctrl, "bad");

  g_object_set (ctrl, "error-policy", GST_WORKER_ERROR_POLICY_RESTART,
      "restart-backoff", 20, NULL);
  run_init (&r, ctrl);
  g_signal_connect_after (ctrl, "started",
      G_CALLBACK (drain_soon_after_restart), &r);
  g_signal_connect (ctrl, "restarted", G_CALLBACK (heal), bad);
  start (ctrl);
  run_until_finished (&r, 60);

  fail_unless_equals_int (r.restarted, 1);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (g_value_get_uint (gst_structure_get_value
          (r.report, "restarts")), 1);
  {
    const gchar *const workers[] = { "src", "bad", "out", NULL };
    const gchar *const queues[] = { "q1", "q2", NULL };
    assert_chain_balanced (r.report, workers, queues);
  }
  fail_unless (worker_u64 (r.report, "out", "items-in") > 0);
  gst_object_unref (bad);
  run_clear (&r);
}

GST_END_TEST;

/* A missing file or device at start-up: an error naming the element and
 * the path. */
GST_START_TEST (test_start_missing_file_or_device)
{
  GstWorkerController *ctrl;
  GError *err = NULL;
  GstElementFactory *v4l2;
  GstStructure *report;

  ctrl = controller ("filesrc location=/nope/missing.bin ! fakesink");
  fail_if (gst_worker_controller_start (ctrl, &err));
  fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
          GST_WORKER_CONTROLLER_ERROR_START));
  fail_unless (strstr (err->message, "filesrc0") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "/nope/missing.bin") != NULL, "%s",
      err->message);
  fail_unless_equals_int (gst_worker_controller_get_outcome (ctrl),
      GST_WORKER_CONTROLLER_OUTCOME_ERROR);
  report = gst_worker_controller_get_report (ctrl);
  fail_unless_equals_string (gst_structure_get_string
      (gst_value_get_structure (gst_structure_get_value (report, "error")),
          "element"), "filesrc0");
  gst_structure_free (report);
  g_clear_error (&err);
  gst_object_unref (ctrl);

  v4l2 = gst_element_factory_find ("v4l2src");
  if (v4l2) {
    ctrl = controller ("v4l2src device=/dev/video9 ! fakesink");
    fail_if (gst_worker_controller_start (ctrl, &err));
    fail_unless (strstr (err->message, "v4l2src0") != NULL, "%s",
        err->message);
    fail_unless (strstr (err->message, "/dev/video9") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    gst_object_unref (ctrl);
    gst_object_unref (v4l2);
  }
}

GST_END_TEST;

/* A system that can never start (an element nothing is linked to, a merge
 * with no input) is refused at once, naming the element and why, instead
 * of sitting idle until stopped. */
GST_START_TEST (test_start_never_fed)
{
  static const gchar *cases[][2] = {
    {"testworker name=lonely", "nothing is linked to its input"},
    {"timestampmerge name=m ! fakesink", "it has no input"},
    {"missionplanner name=plan ! fakesink", "nothing is linked"},
    {"workerpool name=pool worker=testworker ! fakesink", "nothing is linked"},
  };
  static const gchar *names[] = { "lonely", "m", "plan", "pool" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstWorkerController *ctrl = controller (cases[i][0]);
    GError *err = NULL;
    GstStructure *report;

    fail_if (gst_worker_controller_start (ctrl, &err), "%s", cases[i][0]);
    fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
            GST_WORKER_CONTROLLER_ERROR_START));
    fail_unless (strstr (err->message, names[i]) != NULL, "%s",
        err->message);
    fail_unless (strstr (err->message, cases[i][1]) != NULL, "%s",
        err->message);
    fail_unless_equals_int (gst_worker_controller_get_outcome (ctrl),
        GST_WORKER_CONTROLLER_OUTCOME_ERROR);
    report = gst_worker_controller_get_report (ctrl);
    fail_unless_equals_string (gst_structure_get_string
        (gst_value_get_structure (gst_structure_get_value (report, "error")),
            "element"), names[i]);
    gst_structure_free (report);
    g_clear_error (&err);
    gst_object_unref (ctrl);
  }
}

GST_END_TEST;

/* A pool whose worker cannot be built fails its own set-up (NULL to
 * READY) with an error naming it and the problem: that error is the
 * start's, not a guess about the elements it leaves unlinked
 * ("testworkersink0 can never start: nothing is linked"). */
GST_START_TEST (test_start_pool_error_wins)
{
  static const gchar *cases[][2] = {
    {"testworkersrc num-buffers=10 ! workerpool name=p worker=testwroker ! "
          "testworkersink", "testwroker"},
    {"testworkersrc num-buffers=10 ! queue ! workerpool name=p ! queue ! "
          "testworkersink", "worker"},
    {"testworkersrc num-buffers=10 ! workerpool name=p isolation=process "
          "worker=testwroker ! testworkersink", "testwroker"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstWorkerController *ctrl = controller (cases[i][0]);
    GError *err = NULL;
    GstStructure *report;

    fail_if (gst_worker_controller_start (ctrl, &err), "%s", cases[i][0]);
    fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
            GST_WORKER_CONTROLLER_ERROR_START));
    fail_unless (strstr (err->message, "Worker pool p") != NULL, "%s",
        err->message);
    fail_unless (strstr (err->message, cases[i][1]) != NULL, "%s",
        err->message);
    fail_if (strstr (err->message, "can never start") != NULL, "%s",
        err->message);
    report = gst_worker_controller_get_report (ctrl);
    fail_unless_equals_string (gst_structure_get_string
        (gst_value_get_structure (gst_structure_get_value (report, "error")),
            "element"), "p");
    gst_structure_free (report);
    g_clear_error (&err);
    gst_object_unref (ctrl);
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* construction, names, status */

GST_START_TEST (test_bad_descriptions)
{
  GError *err = NULL;

  fail_if (gst_worker_controller_new_from_description
      ("testworkersrc ! nosuchelement ! testworkersink", &err));
  fail_unless (g_error_matches (err, GST_PARSE_ERROR,
          GST_PARSE_ERROR_NO_SUCH_ELEMENT));
  fail_unless (strstr (err->message, "nosuchelement") != NULL, "%s",
      err->message);
  g_clear_error (&err);

  fail_if (gst_worker_controller_new_from_description
      ("testworkersrc ! ! testworkersink", &err));
  fail_unless (err != NULL && err->domain == GST_PARSE_ERROR);
  g_clear_error (&err);

  fail_if (gst_worker_controller_new_from_description
      ("testworkersrc nosuchproperty=3 ! testworkersink", &err));
  fail_unless (err != NULL && err->domain == GST_PARSE_ERROR);
  fail_unless (strstr (err->message, "nosuchproperty") != NULL, "%s",
      err->message);
  g_clear_error (&err);

  fail_if (gst_worker_controller_new_from_description (" \n ", &err));
  fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
          GST_WORKER_CONTROLLER_ERROR_EMPTY));
  g_clear_error (&err);

  fail_if (gst_worker_controller_new_from_file ("/nope/x.pipeline", &err));
  fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
          GST_WORKER_CONTROLLER_ERROR_FILE));
  fail_unless (strstr (err->message, "/nope/x.pipeline") != NULL);
  g_clear_error (&err);
}

GST_END_TEST;

/* A pipeline file: '#' lines are comments; workers inside bins are found,
 * by name or path, and the queues' writers and readers are seen through
 * the bin's ghost pads. */
GST_START_TEST (test_file_and_bins)
{
  gchar *path = NULL;
  gint fd = g_file_open_tmp ("workercontroller-XXXXXX.pipeline", &path, NULL);
  const gchar *text = "# a comment\n"
      "testworkersrc name=src num-buffers=100\n"
      "  # another ! nosuchelement\n"
      "  ! queue name=q1 " Q "\n"
      "  ! ( name=b testworker name=inner ! queue name=q2 " Q ")\n"
      "  ! testworkersink name=out\n";
  GError *err = NULL;
  GstWorkerController *ctrl;
  gchar **names;
  GstStructure *status;
  const GstStructure *q;
  Run r;

  fail_unless (fd >= 0);
  fail_unless (g_file_set_contents (path, text, -1, NULL));
  close (fd);
  ctrl = gst_worker_controller_new_from_file (path, &err);
  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  g_unlink (path);
  g_free (path);

  names = gst_worker_controller_list_workers (ctrl);
  fail_unless_equals_int (g_strv_length (names), 3);
  fail_unless_equals_string (names[0], "inner");
  fail_unless_equals_string (names[1], "out");
  fail_unless_equals_string (names[2], "src");
  g_strfreev (names);

  fail_if (gst_worker_controller_pause_worker (ctrl, "nope", &err));
  fail_unless (g_error_matches (err, GST_WORKER_CONTROLLER_ERROR,
          GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER));
  fail_unless (strstr (err->message, "'nope'") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "inner, out, src") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  fail_unless (gst_worker_controller_pause_worker (ctrl, "b/inner", &err));

  status = gst_worker_controller_get_status (ctrl);
  fail_unless_equals_string (gst_structure_get_string (status, "phase"),
      "ready");
  q = entry (status, "queues", "q1");
  fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
          (gst_structure_get_value (q, "writers"), 0)), "src");
  fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
          (gst_structure_get_value (q, "readers"), 0)), "inner");
  q = entry (status, "queues", "q2");
  fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
          (gst_structure_get_value (q, "writers"), 0)), "inner");
  fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
          (gst_structure_get_value (q, "readers"), 0)), "out");
  fail_unless_equals_string (gst_structure_get_string (entry (status,
              "workers", "inner"), "path"), "b/inner");
  gst_structure_free (status);

  /* the sources end by themselves; the paused worker holds EOS until
   * resumed */
  run_init (&r, ctrl);
  start (ctrl);
  run_for (&r, 200);
  fail_if (gst_worker_controller_is_finished (ctrl));
  fail_unless (gst_worker_controller_resume_worker (ctrl, "inner", &err));
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_uint64 (worker_u64 (r.report, "out", "items-in"), 100);
  fail_unless_equals_uint64 (queue_u64 (r.report, "q2", "items-out"), 100);
  run_clear (&r);
}

GST_END_TEST;

/* A pool's replicas, dispatcher and collector name their pool in the
 * status (the live table resizes a pool from any of its rows); a worker
 * in no pool has no `pool`. */
GST_START_TEST (test_status_names_pool)
{
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "num-buffers=10 ! queue ! workerpool name=p size=2 worker=testworker "
      "! queue ! testworkersink name=out");
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  guint i, in_pool = 0;

  for (i = 0; i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    const gchar *name = gst_structure_get_string (w, "name");

    if (g_str_equal (name, "src") || g_str_equal (name, "out")) {
      fail_if (gst_structure_has_field (w, "pool"), "%s", name);
    } else {
      fail_unless_equals_string (gst_structure_get_string (w, "pool"), "p");
      in_pool++;
    }
  }
  /* two replicas at least (and the pool's own dispatcher and collector) */
  fail_unless (in_pool >= 2, "%u workers in the pool", in_pool);
  gst_structure_free (status);
  gst_object_unref (ctrl);
}

GST_END_TEST;

static gboolean
has_heartbeat (gpointer run, gconstpointer worker)
{
  Run *r = run;
  GstStructure *hb = gst_worker_controller_get_heartbeat (r->ctrl, worker);
  guint64 in = 0;

  if (hb) {
    gst_structure_get_uint64 (hb, "items-in", &in);
    gst_structure_free (hb);
  }
  return in > 0;
}

/* The status as JSON, made by json-glib: it parses, with the fields of the
 * structure. */
GST_START_TEST (test_status_json)
{
  Run r;
  GstWorkerController *ctrl = controller ("testworkersrc name=src "
      "produce-time=1000000 ! queue name=q1 " Q "! testworker name=a2 "
      "! testworkersink name=out");
  gchar *json;
  JsonParser *parser = json_parser_new ();
  JsonObject *root, *w;
  JsonArray *workers;
  GError *err = NULL;

  g_object_set (ctrl, "heartbeat-interval", 20, NULL);
  run_init (&r, ctrl);
  start (ctrl);
  run_until (&r, has_heartbeat, (gpointer) "a2", 20000);
  json = gst_worker_controller_get_status_json (ctrl);
  fail_unless (json_parser_load_from_data (parser, json, -1, &err), "%s",
      err ? err->message : "?");
  root = json_node_get_object (json_parser_get_root (parser));
  fail_unless_equals_string (json_object_get_string_member (root, "phase"),
      "running");
  fail_unless_equals_string (json_object_get_string_member (root,
          "error-policy"), "stop");
  workers = json_object_get_array_member (root, "workers");
  fail_unless_equals_int (json_array_get_length (workers), 3);
  /* upstream first */
  fail_unless_equals_string (json_object_get_string_member
      (json_array_get_object_element (workers, 0), "name"), "src");
  fail_unless_equals_string (json_object_get_string_member
      (json_array_get_object_element (workers, 2), "name"), "out");
  w = json_array_get_object_element (workers, 1);
  fail_unless_equals_string (json_object_get_string_member (w, "name"), "a2");
  fail_unless (json_object_get_int_member (w, "items-in") > 0);
  fail_unless (json_object_get_int_member (w, "heartbeats") > 0);
  fail_unless (json_object_has_member (w, "state"));
  fail_unless (json_object_has_member (root, "wait-for"));
  g_free (json);
  g_object_unref (parser);

  gst_worker_controller_exit_drain (ctrl, 20000);
  run_until_finished (&r, 60);
  json = gst_worker_controller_get_report_json (ctrl);
  fail_unless (strstr (json, "\"outcome\" : \"drained\"") != NULL, "%s", json);
  g_free (json);
  run_clear (&r);
}

GST_END_TEST;

static Suite *
workercontroller_suite (void)
{
  Suite *s = suite_create ("workercontroller");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, NULL, run_stop_left);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_random_pause_resume_then_drain);
  tcase_add_test (tc, test_exit_now_accounts_for_every_item);
  tcase_add_test (tc, test_exit_now_while_running);
  tcase_add_test (tc, test_error_discards_balance);
  tcase_add_test (tc, test_pool_error_discards_balance);
  tcase_add_test (tc, test_restart_policy_bounded);
  tcase_add_test (tc, test_stall_policy_restart);
  tcase_add_test (tc, test_stall_names_the_root);
  tcase_add_test (tc, test_restart_then_drain);
  tcase_add_test (tc, test_start_missing_file_or_device);
  tcase_add_test (tc, test_start_never_fed);
  tcase_add_test (tc, test_start_pool_error_wins);
  tcase_add_test (tc, test_bad_descriptions);
  tcase_add_test (tc, test_file_and_bins);
  tcase_add_test (tc, test_status_json);
  tcase_add_test (tc, test_status_names_pool);
  return s;
}

GST_CHECK_MAIN (workercontroller);
