/* gst-workers: processreplica tests: in a pool (workerpool isolation=process)
 * and under gst-worker-launch
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gio/gio.h>
#include <gst/video/video.h>
#include <gst/allocators/allocators.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include "testitem.h"
#include "testpipeline.h"
#include "processtest.h"

/* ---------------------------------------------------------------------- */
/* in a pool: workerpool isolation=process */

/* What @src through @pool makes: @n items, the same bytes in the same
 * order as through @plain (the same worker with no pool). */
static void
assert_pool_same_as (const gchar * src, const gchar * plain,
    const gchar * pool, guint64 n)
{
  guint64 count[2] = { 0 };
  gchar *want = digest_of (src, plain, &count[0], NULL);
  gchar *got = digest_of (src, pool, &count[1], NULL);

  fail_unless_equals_uint64 (count[0], n);
  fail_unless_equals_uint64 (count[1], n);
  fail_unless_equals_string (got, want);
  g_free (want);
  g_free (got);
}

/* The same bytes, in the same order, as the pool in threads and as no
 * pool: stateless workers with random delays, and jpegenc. */
GST_START_TEST (test_pool_same_bytes_as_thread)
{
  static const gchar *src = "testworkersrc num-buffers=200";
  static const gchar *vsrc = "videotestsrc num-buffers=40 pattern=ball ! "
      "video/x-raw,width=320,height=240";
  guint64 n[3] = { 0 };
  gchar *plain = digest_of (src, "testworker", &n[0], NULL);
  gchar *thread = digest_of (src, "workerpool size=2 worker=\"testworker "
      "random-delay=200000\"", &n[1], NULL);
  gchar *proc = digest_of (src, "workerpool size=2 isolation=process "
      "worker=\"testworker random-delay=200000\"", &n[2], NULL);

  fail_unless_equals_uint64 (n[0], 200);
  fail_unless_equals_uint64 (n[1], 200);
  fail_unless_equals_uint64 (n[2], 200);
  fail_unless_equals_string (thread, plain);
  fail_unless_equals_string (proc, plain);
  g_free (plain);
  g_free (thread);
  g_free (proc);

  assert_pool_same_as (vsrc, "videoconvert ! jpegenc", "workerpool size=2 "
      "isolation=process worker=\"videoconvert ! jpegenc\"", 40);
}

GST_END_TEST;

/* A queue inside a process pool's worker (C9 of the new user's trial):
 * the child emits an item's outputs after it returned from the item (from
 * the queue's thread), so the pool's order marks go through the child, as
 * through a thread replica with a queue. Before, the pool ended the item
 * when the child returned, its outputs came after that end and the
 * collector waited for ever (frames of 160x120 and more). */
GST_START_TEST (test_pool_queue_inside_worker)
{
  assert_pool_same_as ("videotestsrc num-buffers=40 pattern=ball ! "
      "video/x-raw,format=GRAY8,width=320,height=240", "queue ! testworker",
      "workerpool size=2 isolation=process worker=\"queue ! testworker "
      "random-delay=200000\"", 40);
}

GST_END_TEST;

/* A replica added while the pool runs (size written in PLAYING) starts
 * its child and takes items; the output is the same as without a pool.
 * The source is paused while the pool grows (a child can take seconds to
 * start, under valgrind: p_r0 would have taken every item meanwhile,
 * flake's S4-1), and round-robin gives the new replica every other item
 * after it. */
GST_START_TEST (test_pool_grows_while_playing)
{
  guint64 n_plain = 0, n_pool = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=300", "testworker",
      &n_plain, NULL);
  gchar *desc = g_strdup_printf ("testworkersrc name=src num-buffers=300 ! "
      "workerpool name=p size=1 isolation=process dispatch=round-robin "
      "start-timeout=%" G_GINT64_FORMAT " worker=\"testworker "
      "process-time=2000000\" ! testworkersink name=sink", scaled (30000));
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  GstElement *pool = test_pipeline_get (pipe, "p");
  GstElement *src = test_pipeline_get (pipe, "src"), *r1;
  gint64 end = g_get_monotonic_time () + scaled (60) * G_TIME_SPAN_SECOND;
  guint64 n = 0;
  gchar *digest = NULL;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (n < 5 && g_get_monotonic_time () < end) {
    g_usleep (1000);
    g_object_get (sink, "count", &n, NULL);
  }
  fail_unless (n >= 5, "no items before the growth");
  /* the new replica takes items once its child runs (the growth does not
   * wait for that) */
  gst_worker_set_paused (GST_WORKER (src), TRUE);
  g_object_set (pool, "size", 2, NULL);
  r1 = test_pipeline_get (pipe, "p_r1");
  while (gst_worker_get_state (GST_WORKER (r1)) == GST_WORKER_STATE_STARTING)
    g_usleep (1000);
  gst_object_unref (r1);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_pool, NULL);
  fail_unless_equals_uint64 (n_pool, 300);
  fail_unless_equals_string (digest, plain);
  /* every other item of the 295 or so after the growth */
  fail_unless (stat_u64 (pipe, "p_r1", "items-in") >= 100);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-in") +
      stat_u64 (pipe, "p_r1", "items-in"), 300);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pool);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* Each replica is a processreplica named <pool>_r<i>, a worker with its
 * own pid; one that crashes now and then changes nothing in the output. */
GST_START_TEST (test_pool_replicas_crash_and_restart)
{
  guint64 n_plain = 0, n_pool = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=100", "testworker",
      &n_plain, NULL);
  /* fewer crashes under valgrind (each new child traced: slow to start) */
  guint crash_after = scaled (1) > 1 ? 24 : 9;
  /* a restarted child under valgrind and load may need more than 30 s */
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=100 ! "
      "workerpool name=p size=2 isolation=process dispatch=round-robin "
      "start-timeout=%" G_GINT64_FORMAT " worker=\"testworker crash-after=%u\""
      " ! testworkersink name=sink", scaled (30000), crash_after);
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  GstElement *r0, *r1;
  gchar *digest = NULL;
  gint pid0 = 0, pid1 = 0;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  r0 = test_pipeline_get (pipe, "p_r0");
  r1 = test_pipeline_get (pipe, "p_r1");
  fail_unless (GST_IS_WORKER (r0));
  g_object_get (r0, "pid", &pid0, NULL);
  g_object_get (r1, "pid", &pid1, NULL);
  fail_unless (pid0 > 0 && pid1 > 0 && pid0 != pid1);

  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_pool, NULL);
  fail_unless_equals_uint64 (n_pool, 100);
  fail_unless_equals_string (digest, plain);
  /* 50 items each, a crash every 9 (24): 5 (2) restarts each */
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "restarts"),
      50 / crash_after);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r1", "restarts"),
      50 / crash_after);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-lost"), 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 100);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (r0);
  gst_object_unref (r1);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* gst-worker-launch's table shows each replica, and the workers in its
 * child ("p_r0/testworker0"), with the process id. */
GST_START_TEST (test_launch_table_shows_pid)
{
  const gchar *argv[] = { GST_WORKER_LAUNCH, "--status-interval", "50",
    "testworkersrc", "num-buffers=100000", "produce-time=1000000", "!",
    "workerpool", "name=p", "size=2", "isolation=process",
    "worker=testworker", "!", "testworkersink", NULL
  };
  GError *err = NULL;
  GSubprocess *proc = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  GDataInputStream *out;
  GString *log = g_string_new (NULL);
  gchar *line;
  /* each replica, and the worker in each child, with the child's pid */
  gboolean seen[4] = { FALSE, FALSE, FALSE, FALSE };

  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while ((!seen[0] || !seen[1] || !seen[2] || !seen[3]) && (line =
          g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL))) {
    g_string_append_printf (log, "%s\n", line);
    for (guint r = 0; r < 4; r++) {
      gchar *name = g_strdup_printf (r < 2 ? " p_r%u: " : " p_r%u/testworker",
          r % 2);

      if (strstr (line, name) && strstr (line, " pid="))
        seen[r] = TRUE;
      g_free (name);
    }
    g_free (line);
  }
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  fail_unless (seen[0] && seen[1] && seen[2] && seen[3],
      "not every replica and child worker with its pid in:\n%s", log->str);
  g_string_free (log, TRUE);
  g_object_unref (out);
  g_object_unref (proc);
}

GST_END_TEST;

/* gst-worker-launch says each crash of a child (a warning with the
 * replica, the pid and the signal) and counts the children's restarts in
 * its final report, apart from the pipeline's. */
GST_START_TEST (test_launch_reports_restarts)
{
  /* the watchdog's bounds and the children's start-timeout scaled: under
   * valgrind a child's restart (a traced process start) keeps the replica
   * busy for seconds, at load over 30 */
  gchar *stall = g_strdup_printf ("--stall-timeout=%" G_GINT64_FORMAT,
      scaled (5000));
  gchar *heartbeat = g_strdup_printf ("--heartbeat-timeout=%" G_GINT64_FORMAT,
      scaled (3000));
  gchar *start = g_strdup_printf ("start-timeout=%" G_GINT64_FORMAT,
      scaled (30000));
  const gchar *desc[] = { stall, heartbeat, "testworkersrc", "num-buffers=30",
    "!", "workerpool", "name=p", "size=1", "isolation=process", start,
    "worker=testworker crash-after=7 crash-signal=9", "!", "testworkersink",
    NULL
  };
  gint status = -1;
  gchar *out = launch_tool (desc, &status), **lines;
  guint warnings = 0;

  fail_unless (status == 0, "exit status %d, output:\n%s", status,
      output_end (out));
  /* items 7, 14, 21, 28 each killed a child */
  fail_unless (strstr (out, "drained after ") != NULL, "%s", output_end (out));
  fail_unless (strstr (out, " s, 0 restarts of the pipeline, 4 of worker "
          "processes (p_r0: 4)\n") != NULL, "%s", output_end (out));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], "WARNING") && strstr (lines[i], "Worker process "
            "p_r0: its process (pid ") && strstr (lines[i], "was killed by "
            "signal SIGKILL (Killed); restarting it (restart "))
      warnings++;
  fail_unless_equals_int (warnings, 4);
  g_strfreev (lines);
  g_free (out);
  g_free (stall);
  g_free (heartbeat);
  g_free (start);
}

GST_END_TEST;

/* gst-worker-launch's report accounts for an item the child's worker
 * failed on (the error stops the run: made == arrived + discarded, the
 * replica holding it, with the reason), and says why an item was lost
 * when its child died with it twice. */
/* The tool's report @out: the items its exit discarded ("N items
 * discarded:", or "1 item discarded:"). */
static guint64
report_discarded (const gchar * out)
{
  const gchar *discarded = strstr (out, " discarded:");

  fail_unless (discarded != NULL, "%s", output_end (out));
  if (discarded - out > 5 && g_str_has_prefix (discarded - 5, "items"))
    discarded -= 5;
  else if (discarded - out > 4 && g_str_has_prefix (discarded - 4, "item"))
    discarded -= 4;
  discarded--;
  while (discarded > out && g_ascii_isdigit (discarded[-1]))
    discarded--;
  return g_ascii_strtoull (discarded, NULL, 10);
}

/* The tool's report @out of a run whose replica r failed on one item (in
 * its child's worker @inner): every item the source made arrived or was
 * discarded; the failed one is held by r (which says why) or by
 * r/@inner. */
static void
assert_failed_item_counted (const gchar * out, const gchar * inner)
{
  gchar *held_inside = g_strdup_printf ("\n  worker r/%s: 1 item, was ",
      inner);

  fail_unless_equals_uint64 (report_column (out, "testworkersrc0", 1),
      report_column (out, "testworkersink0", 0) + report_discarded (out));
  fail_unless (strstr (out, "\n  worker r: 1 item, was ") != NULL ||
      strstr (out, held_inside) != NULL, "%s", output_end (out));
  if (strstr (out, "\n  worker r: 1 item, was "))
    fail_unless (strstr (out, "; it failed with an error on 1\n") != NULL,
        "%s", output_end (out));
  g_free (held_inside);
}

GST_START_TEST (test_launch_accounts_failed_items)
{
  /* a child's start: a hang guard (test_launch_reports_restarts) */
  gchar *start = g_strdup_printf ("start-timeout=%" G_GINT64_FORMAT,
      scaled (30000));
  const gchar *failing[] = { "testworkersrc", "num-buffers=500", "!",
    "queue", "!", "processreplica", "name=r", start,
    "worker=testworker error-after=49", "!", "queue", "!", "testworkersink",
    NULL
  };
  const gchar *poison[] = { "testworkersrc", "num-buffers=20", "!",
    "processreplica", "name=r", "restart-delay=0", start,
    "worker=testworker crash-on-seq=5", "!", "testworkersink", NULL
  };
  gchar *out = launch_tool (failing, NULL);

  /* (what the error stopped in the queue after r is discarded there; 1
   * item when the error came before the source filled the first queue.
   * The failed item is the replica's when the child's answer (its error
   * flow) came before the stop's flush, else its worker's inside; that one
   * says why only if it failed before the freeze (its frozen stats): the
   * replica's always does) */
  assert_failed_item_counted (out, "testworker0");
  g_free (out);

  out = launch_tool (poison, NULL);
  fail_unless (strstr (out, "drained after") != NULL, "%s", output_end (out));
  fail_unless_equals_uint64 (report_column (out, "r", 2), 1);
  fail_unless (strstr (out, "gst-worker-launch: r lost 1 item (in its "
          "DROPPED), the last one because its child died with it twice; the "
          "last time its process (pid ") != NULL, "%s", output_end (out));
  fail_unless (strstr (out, "was killed by signal SIGSEGV") != NULL, "%s",
      output_end (out));
  g_free (out);
  g_free (start);
}

GST_END_TEST;

/* The item a worker in a child failed on, its error still on its way back
 * (the worker before it returns it 300 ms late) when the exit the error
 * began froze the child: the freeze keeps the child's answer (its DONE)
 * from the replica, and the answer to the freeze was made while no element
 * held the item. Counted once, the replica's (stress run 6 on b36198b:
 * counted by no one). */
GST_START_TEST (test_launch_counts_failure_behind_freeze)
{
  gchar *start = g_strdup_printf ("start-timeout=%" G_GINT64_FORMAT,
      scaled (30000));
  const gchar *failing[] = { "testworkersrc", "num-buffers=500", "!",
    "queue", "!", "processreplica", "name=r", start,
    "worker=testworker push-error-delay=300000000 ! testworker "
        "error-after=49", "!", "queue", "!", "testworkersink", NULL
  };
  gchar *out = launch_tool (failing, NULL);

  /* (r/testworker1's, if the freeze came between its error and the end
   * of its item: a window of microseconds) */
  assert_failed_item_counted (out, "testworker1");
  g_free (out);
  g_free (start);
}

GST_END_TEST;

/* The pool gives its hang-timeout, max-restarts and restart-delay to its
 * isolated replicas, when it builds them and when they change: a child
 * that hangs in a pool is killed and its item retried. */
GST_START_TEST (test_pool_forwards_fault_properties)
{
  guint64 n_plain = 0, n_hang = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=12", "testworker",
      &n_plain, NULL);
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=12 ! "
      "workerpool name=p size=1 isolation=process max-restarts=7 "
      "restart-delay=0 hang-timeout=%" G_GINT64_FORMAT " "
      "worker=\"testworker hang-after=5\" ! testworkersink name=sink",
      scaled (1500));
  GstElement *pipe = launch (desc), *pool = test_pipeline_get (pipe, "p");
  GstElement *sink = test_pipeline_get (pipe, "sink");
  gchar *digest = NULL;

  fail_unless_equals_int (uint_of (pipe, "p_r0", "max-restarts"), 7);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "restart-delay"), 0);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"),
      scaled (1500));
  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_hang, NULL);
  fail_unless_equals_uint64 (n_hang, 12);
  fail_unless_equals_string (digest, plain);
  fail_unless (stat_u64 (pipe, "p_r0", "restarts") >= 1);
  /* while it runs: given at once */
  g_object_set (pool, "hang-timeout", 4321, "max-restarts", 2, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 4321);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "max-restarts"), 2);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pool);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* What is set on one replica (the pool's child proxy) stays that
 * replica's when the pool builds its replicas again, until the pool's own
 * property is set; also inside a replica in a thread. The children's
 * start-timeout is a hang guard, scaled (under valgrind at load 30 a
 * start took over the default 30 s). */
GST_START_TEST (test_pool_keeps_replica_settings)
{
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=5 ! workerpool "
      "name=p size=2 isolation=process worker=testworker start-timeout=%"
      G_GINT64_FORMAT " p_r0::hang-timeout=777 ! workerpool name=t size=1 "
      "worker=\"testworker name=w\" t_r0::t_r0_w::process-time=1234 ! "
      "fakesink", scaled (30000));
  GstElement *pipe = launch (desc);
  GstElement *p = test_pipeline_get (pipe, "p");
  GstElement *t = test_pipeline_get (pipe, "t"), *w;
  guint64 process_time = 0;

  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  /* built again (a new queue size): the new p_r0 keeps it */
  g_object_set (p, "queue-size", 3, NULL);
  g_object_set (t, "queue-size", 3, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  fail_unless_equals_int (uint_of (pipe, "p_r1", "hang-timeout"), 0);
  w = test_pipeline_get (pipe, "t_r0_w");
  g_object_get (w, "process-time", &process_time, NULL);
  fail_unless_equals_uint64 (process_time, 1234);
  gst_object_unref (w);
  /* the pool's own value replaces it, also after the next build (a
   * value, not a time the run needs: a child item under valgrind can take
   * longer than a short one) */
  g_object_set (p, "hang-timeout", 60000, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 60000);
  fail_unless_equals_int (uint_of (pipe, "p_r1", "hang-timeout"), 60000);
  g_object_set (p, "queue-size", 4, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 60000);
  run_to_eos (pipe, NULL);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (p);
  gst_object_unref (t);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

/* The replicas a launch description sets through the pool's child proxy
 * (`p_r0::hang-timeout=777`) are held by nothing but the pool: once it
 * builds them again, the old ones are gone, and so are all at the end
 * (S6-2b). GStreamer 1.22's parser keeps a reference to a child it sets
 * that exists when it makes the element (`playbin playsink::mute=true`
 * leaks playsink too), so the pool builds its replicas only once it is
 * used; the parser sets them as they are added. */
GST_START_TEST (test_pool_description_settings_hold_no_replica)
{
  static const gchar *names[] = { "p_r0", "p_r1", "t_r0", "t_r0_w" };
  GstElement *pipe = launch ("testworkersrc ! workerpool name=p size=2 "
      "isolation=process worker=testworker p_r0::hang-timeout=777 ! "
      "workerpool name=t size=1 worker=\"testworker name=w\" "
      "t_r0::t_r0_w::process-time=1234 ! fakesink");
  GstElement *p = test_pipeline_get (pipe, "p");
  GstElement *t = test_pipeline_get (pipe, "t"), *w;
  GWeakRef refs[G_N_ELEMENTS (names)];
  guint64 process_time = 0;
  gchar *text, *src;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    GstElement *e = test_pipeline_get (pipe, names[i]);

    g_weak_ref_init (&refs[i], e);
    gst_object_unref (e);
  }
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  /* built again: the replicas before are finalized */
  g_object_set (p, "queue-size", 3, NULL);
  g_object_set (t, "queue-size", 3, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    GObject *e = g_weak_ref_get (&refs[i]);

    fail_unless (e == NULL, "the %s before the rebuild is still held "
        "(refcount %u)", names[i], e ? e->ref_count - 1 : 0);
    g_weak_ref_clear (&refs[i]);
  }
  /* and the new ones have what the description set */
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  fail_unless_equals_int (uint_of (pipe, "p_r1", "hang-timeout"), 0);
  w = test_pipeline_get (pipe, "t_r0_w");
  g_object_get (w, "process-time", &process_time, NULL);
  fail_unless_equals_uint64 (process_time, 1234);
  g_weak_ref_init (&refs[0], w);
  gst_object_unref (w);
  gst_object_unref (p);
  gst_object_unref (t);
  gst_object_unref (pipe);
  /* nothing holds the last ones either */
  fail_unless (g_weak_ref_get (&refs[0]) == NULL);
  g_weak_ref_clear (&refs[0]);

  /* a property the replicas do not have: an error naming it, as the
   * parser's for an element there at once, when the pool starts */
  pipe = launch ("testworkersrc num-buffers=1 ! workerpool name=p size=1 "
      "worker=testworker p_r0::hang-timout=1 ! fakesink");
  text = run_error (pipe, &src);
  fail_unless_equals_string (src, "p");
  fail_unless (strstr (text, "Worker pool p: no property "
          "\"p_r0::hang-timout\"") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (text);
  g_free (src);
}

GST_END_TEST;

/* A description's value on a replica the pool does not have
 * (`p_r5::hang-timeout=10` with size=2, newuser E10): GStreamer's parser
 * keeps it for a child that may come; the pool's start refuses it,
 * naming the pool, the replica and its size (here and in
 * gst-worker-launch). The same name is fine once the pool has it. */
GST_START_TEST (test_pool_refuses_setting_for_missing_replica)
{
  const gchar *tool[] = { "testworkersrc", "num-buffers=1", "!",
    "workerpool", "name=p", "size=2", "worker=testworker",
    "p_r5::message-forward=true", "!", "fakesink", NULL
  };
  const gchar *said = "Worker pool p: a value is set on p_r5 (p_r5::...), "
      "a replica it does not have: its size is 2, its replicas are p_r0 to "
      "p_r1";
  GstElement *pipe = launch ("testworkersrc num-buffers=1 ! workerpool "
      "name=p size=2 isolation=process worker=testworker "
      "p_r5::hang-timeout=10 ! fakesink");
  GstElement *p, *r5;
  gboolean forward = FALSE;
  gchar *text, *src, *out;
  gint status = -1;

  text = run_error (pipe, &src);
  fail_unless_equals_string (src, "p");
  fail_unless (strstr (text, said) != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (text);
  g_free (src);

  /* with size=6 set before it starts, p_r5 takes the value */
  pipe = launch ("testworkersrc num-buffers=1 ! workerpool name=p size=2 "
      "worker=testworker p_r5::message-forward=true ! fakesink");
  p = test_pipeline_get (pipe, "p");
  g_object_set (p, "size", 6, NULL);
  r5 = test_pipeline_get (pipe, "p_r5");
  g_object_get (r5, "message-forward", &forward, NULL);
  fail_unless (forward);
  run_to_eos (pipe, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (r5);
  gst_object_unref (p);
  gst_object_unref (pipe);

  out = launch_tool (tool, &status);
  fail_unless (status != 0 && strstr (out, said) != NULL,
      "exit status %d, output:\n%s", status, output_end (out));
  /* the why, not where in the source it was found */
  fail_unless (strstr (out, "(set by the launch description through the "
          "pool's child proxy (NAME::PROPERTY=VALUE), checked as the pool "
          "starts)") != NULL, "%s", output_end (out));
  g_free (out);
}

GST_END_TEST;

/* The `worker` setter of test_pool_check_lets_setter_run: the pool, and
 * whether it returned. */
typedef struct
{
  GstElement *pool;
  GMutex lock;
  GCond cond;
  gboolean done;
} Setter;

static Setter *lookup_setter;

static gpointer
set_worker (gpointer user_data)
{
  Setter *setter = user_data;

  g_object_set (setter->pool, "worker", "testworker", NULL);
  g_mutex_lock (&setter->lock);
  setter->done = TRUE;
  g_cond_signal (&setter->cond);
  g_mutex_unlock (&setter->lock);
  return NULL;
}

/* As the pool's start looks up p_r5 (gst_bin_get_by_name() logs it before
 * it takes the pool's object lock): sets the pool's `worker` from another
 * thread, and waits for that setter (object lock, then the settings' lock)
 * to return. */
static void
set_worker_during_lookup (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  Setter *setter = g_atomic_pointer_get (&lookup_setter);
  const gchar *text;
  GThread *thread;
  gint64 until;
  gboolean done;

  if (!setter || g_strcmp0 (gst_debug_category_get_name (category),
          "GST_PARENTAGE") != 0)
    return;
  text = gst_debug_message_get (message);
  if (!text || !g_str_equal (text, "[p]: looking up child element p_r5"))
    return;
  /* once */
  if (!g_atomic_pointer_compare_and_exchange (&lookup_setter, setter, NULL))
    return;
  thread = g_thread_new ("set-worker", set_worker, setter);
  until = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&setter->lock);
  while (!setter->done && g_cond_wait_until (&setter->cond, &setter->lock,
          until));
  done = setter->done;
  g_mutex_unlock (&setter->lock);
  /* else the two threads wait for each other: end here (the forked test
   * process), saying why */
  fail_unless (done, "the pool's `worker` setter waited 5 s for the start "
      "check that looks up p_r5: the check holds the settings' lock as it "
      "takes the pool's object lock, the setter takes them the other way");
  g_thread_join (thread);
}

/* The start check of a value set on a replica the pool does not have
 * (test_pool_refuses_setting_for_missing_replica) looks the replica up
 * without the settings' lock: an application that sets the pool's
 * `worker` meanwhile (the object lock, then the settings' lock) goes on,
 * where before the two threads could wait for each other for ever. */
GST_START_TEST (test_pool_check_lets_setter_run)
{
  Setter setter = { NULL };
  GstElement *pipe = launch ("testworkersrc num-buffers=1 ! workerpool "
      "name=p size=2 worker=testworker p_r5::message-forward=true ! "
      "fakesink");
  gboolean active = gst_debug_is_active ();
  guint quieted;
  gchar *text, *src;

  setter.pool = test_pipeline_get (pipe, "p");
  g_mutex_init (&setter.lock);
  g_cond_init (&setter.cond);
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("GST_PARENTAGE", GST_LEVEL_INFO);
  quieted = gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (set_worker_during_lookup, NULL, NULL);
  g_atomic_pointer_set (&lookup_setter, &setter);

  text = run_error (pipe, &src);

  g_atomic_pointer_set (&lookup_setter, NULL);
  gst_debug_remove_log_function (set_worker_during_lookup);
  if (quieted)
    gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  gst_debug_unset_threshold_for_name ("GST_PARENTAGE");
  gst_debug_set_active (active);
  /* the lookup happened, the setter ran, the refusal is unchanged */
  fail_unless (setter.done);
  fail_unless_equals_string (src, "p");
  fail_unless (strstr (text, "Worker pool p: a value is set on p_r5 "
          "(p_r5::...), a replica it does not have: its size is 2") != NULL,
      "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (setter.pool);
  gst_object_unref (pipe);
  g_mutex_clear (&setter.lock);
  g_cond_clear (&setter.cond);
  g_free (text);
  g_free (src);
}

GST_END_TEST;

/* Sets @property of the worker "w" in replica @r of pool p to @value, as
 * gst-worker-launch's `set p_rR/w PROPERTY=VALUE` does: in a child, the
 * controller's query to the replica (which keeps it for its next child);
 * in a thread, on the element p_rR_w. */
static void
set_in_replica (GstElement * pipe, gboolean process, guint r,
    const gchar * property, const gchar * value)
{
  gchar *name = g_strdup_printf (process ? "p_r%u" : "p_r%u_w", r);
  GstElement *e = test_pipeline_get (pipe, name);

  if (process) {
    GstQuery *q = gst_query_new_custom (GST_QUERY_CUSTOM,
        gst_structure_new ("worker-child-set", "who", G_TYPE_STRING, name,
            "element", G_TYPE_STRING, "w", "property", G_TYPE_STRING,
            property, "value", G_TYPE_STRING, value, NULL));
    gboolean ok = FALSE;

    fail_unless (gst_element_query (e, q));
    gst_structure_get_boolean (gst_query_get_structure (q), "ok", &ok);
    fail_unless (ok, "%s/w %s=%s: %s", name, property, value,
        gst_structure_get_string (gst_query_get_structure (q), "error"));
    gst_query_unref (q);
  } else {
    gst_util_set_object_arg (G_OBJECT (e), property, value);
  }
  gst_object_unref (e);
  g_free (name);
}

/* Plays @pipe with its source held until the children of pool p's
 * @n replicas run (their `set`s need them), then to EOS. */
static void
run_when_started (GstElement * pipe, gboolean process, guint n)
{
  GstElement *src = test_pipeline_get (pipe, "src");

  gst_worker_set_paused (GST_WORKER (src), TRUE);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (guint r = 0; process && r < n; r++) {
    gchar *name = g_strdup_printf ("p_r%u", r);
    GstElement *e = test_pipeline_get (pipe, name);
    gboolean starting = TRUE;

    while (g_object_get (e, "starting", &starting, NULL), starting)
      g_usleep (1000);
    gst_object_unref (e);
    g_free (name);
  }
  gst_object_unref (src);
}

/* Worker "w" of replica @r dropped every @drop_every-th item (0: none)
 * and made @outputs per item it kept. */
static void
assert_w_did (GstElement * pipe, gboolean process, guint r,
    guint64 drop_every, guint64 outputs)
{
  static const gchar *fields[] = { "items-in", "items-out", "items-dropped" };
  gchar *replica = g_strdup_printf ("p_r%u", r);
  gchar *name = g_strdup_printf (process ? "p_r%u" : "p_r%u_w", r);
  gint64 deadline = g_get_monotonic_time () + scaled (30) *
      G_TIME_SPAN_SECOND;
  /* in a thread, the counts after EOS are final */
  guint64 c[3] = { 0 }, given = process ? stat_u64 (pipe, replica,
      "items-in") : G_MAXUINT64;

  do {
    GstStructure *s = stats (pipe, name);
    const GstStructure *w = process ? NULL : s;
    const GValue *children = gst_structure_get_value (s, "child-workers");

    for (guint i = 0; process && children && i <
        gst_value_array_get_size (children); i++) {
      const GstStructure *cw =
          gst_value_get_structure (gst_value_array_get_value (children, i));

      if (!g_strcmp0 (gst_structure_get_string (cw, "worker"), "w"))
        w = cw;
    }
    for (guint f = 0; f < 3; f++)
      if (!w || !gst_structure_get_uint64 (w, fields[f], &c[f]))
        c[f] = 0;
    gst_structure_free (s);
    /* a child's counts: its last answer, until it counted them all */
    if (!process || c[0] == given || g_get_monotonic_time () > deadline)
      break;
    g_usleep (10000);
  } while (TRUE);
  fail_unless (c[0] > 0, "%s had no item", replica);
  if (process)
    fail_unless_equals_uint64 (c[0], given);
  fail_unless (c[2] == (drop_every ? c[0] / drop_every : 0), "%s's w "
      "dropped %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " (every %"
      G_GUINT64_FORMAT "-th: %s)", replica, c[2], c[0], drop_every,
      drop_every ? "not given what was set" : "given what was not set");
  fail_unless_equals_uint64 (c[1], outputs * (c[0] - c[2]));
  g_free (replica);
  g_free (name);
}

/* What was set on a worker inside every replica (`set p_r0/w
 * drop-every=2`, the same on p_r1) is given to the replicas a larger size
 * adds, while the pool runs or when it builds them again (size written in
 * READY), and stays with each replica there was; what was set on one
 * replica only (p_r0's, p_r1's outputs-per-input) stays with that one. In
 * child processes (the replicas kept those values, the pool lost them at
 * a rebuild, and new replicas had none) and in threads. */
static void
check_sets_kept (gboolean process)
{
  gchar *desc = g_strdup_printf ("testworkersrc name=src num-buffers=60 ! "
      "workerpool name=p size=2 isolation=%s dispatch=round-robin "
      "start-timeout=%" G_GINT64_FORMAT " worker=\"testworker name=w\" ! "
      "testworkersink", process ? "process" : "thread", scaled (30000));
  GstElement *pipe = launch (desc);
  GstElement *p = test_pipeline_get (pipe, "p"), *src;

  /* set in the running replicas */
  run_when_started (pipe, process, 2);
  set_in_replica (pipe, process, 0, "drop-every", "2");
  set_in_replica (pipe, process, 1, "drop-every", "2");
  set_in_replica (pipe, process, 0, "outputs-per-input", "2");
  /* grown while it runs; then one more set on p_r1 */
  g_object_set (p, "size", 3, NULL);
  run_when_started (pipe, process, 3);
  set_in_replica (pipe, process, 1, "outputs-per-input", "3");
  src = test_pipeline_get (pipe, "src");
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  run_to_eos (pipe, NULL);
  assert_w_did (pipe, process, 0, 2, 2);
  assert_w_did (pipe, process, 1, 2, 3);
  assert_w_did (pipe, process, 2, 2, 1);

  /* built again, one more */
  gst_element_set_state (pipe, GST_STATE_READY);
  g_object_set (p, "size", 4, NULL);
  run_when_started (pipe, process, 4);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  run_to_eos (pipe, NULL);
  assert_w_did (pipe, process, 0, 2, 2);
  assert_w_did (pipe, process, 1, 2, 3);
  assert_w_did (pipe, process, 2, 2, 1);
  assert_w_did (pipe, process, 3, 2, 1);

  /* a next run, grown while it runs (a replica's child keeps its caps
   * over a stop: its replica gives them again before its segment) */
  gst_element_set_state (pipe, GST_STATE_READY);
  run_when_started (pipe, process, 4);
  g_object_set (p, "size", 5, NULL);
  run_when_started (pipe, process, 5);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  run_to_eos (pipe, NULL);
  assert_w_did (pipe, process, 4, 2, 1);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (p);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_START_TEST (test_pool_keeps_sets_in_children)
{
  check_sets_kept (TRUE);
}

GST_END_TEST;

GST_START_TEST (test_pool_keeps_sets_in_threads)
{
  check_sets_kept (FALSE);
}

GST_END_TEST;

/* gst-worker-launch's report of a drained run gives the workers inside
 * each child their final counts, the same as their replica's: the
 * controller's watchdog read their stats all along, and a last answer
 * from before the child's EOS is not its final one (review of session 8:
 * p_r0/testworker0 72 of 100 after a stats read took the fresh last
 * answer at once). */
GST_START_TEST (test_launch_child_counts_final)
{
  gchar *start = g_strdup_printf ("start-timeout=%" G_GINT64_FORMAT,
      scaled (30000));
  const gchar *desc[] = { "testworkersrc", "num-buffers=200", "!",
    "workerpool", "name=p", "size=2", "isolation=process", start,
    "worker=testworker process-time=2000000", "!", "testworkersink", NULL
  };
  gchar *out = launch_tool (desc, NULL);

  fail_unless (strstr (out, "drained after") != NULL, "%s", output_end (out));
  for (guint i = 0; i < 2; i++) {
    gchar *replica = g_strdup_printf ("p_r%u", i);
    gchar *inside = g_strdup_printf ("p_r%u/testworker0", i);

    for (guint col = 0; col < 2; col++)
      fail_unless_equals_uint64 (report_column (out, inside, col),
          report_column (out, replica, col));
    g_free (replica);
    g_free (inside);
  }
  g_free (out);
  g_free (start);
}

GST_END_TEST;

/* The replica's `child-state`, `child-items-in` and `child-items-out` are
 * its child's worker's latest: after a drain, what it did and idle, also
 * when it has sent no heartbeat since (newuser E3: they were those of its
 * last heartbeat; here it sends none). */
GST_START_TEST (test_pool_child_counts_are_fresh)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=20 ! workerpool "
      "name=p size=1 isolation=process worker=\"testworker "
      "heartbeat-interval=0\" ! testworkersink");
  gint64 deadline = g_get_monotonic_time () + scaled (30) *
      G_TIME_SPAN_SECOND;
  guint64 in = 0, out = 0;
  gint state = GST_WORKER_STATE_BUSY;

  run_to_eos (pipe, NULL);
  /* a read of the stats asks the child; until its answer: the last one */
  while (g_get_monotonic_time () < deadline) {
    GstStructure *s = stats (pipe, "p_r0");
    gboolean fresh = gst_structure_get_uint64 (s, "child-items-in", &in) &&
        gst_structure_get_uint64 (s, "child-items-out", &out) &&
        gst_structure_get_enum (s, "child-state", GST_TYPE_WORKER_STATE,
        &state) && in == 20 && out == 20 && state == GST_WORKER_STATE_IDLE;

    gst_structure_free (s);
    if (fresh)
      break;
    g_usleep (10000);
  }
  fail_unless_equals_uint64 (in, 20);
  fail_unless_equals_uint64 (out, 20);
  fail_unless_equals_int (state, GST_WORKER_STATE_IDLE);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  gint64 last;                  /* monotonic us of r's last heartbeat */
  gint64 max_gap;
} Beats;

static void
on_beat (GstBus * bus, GstMessage * m, gpointer data)
{
  Beats *b = data;
  const GstStructure *s = gst_message_get_structure (m);
  gint64 now = g_get_monotonic_time ();

  if (!s || !gst_structure_has_name (s, GST_WORKER_HEARTBEAT_NAME) ||
      g_strcmp0 (GST_OBJECT_NAME (GST_MESSAGE_SRC (m)), "r") != 0)
    return;
  g_mutex_lock (&b->lock);
  if (b->last)
    b->max_gap = MAX (b->max_gap, now - b->last);
  b->last = now;
  g_mutex_unlock (&b->lock);
}

/* A heartbeat never waits for the child (review of session 9): the clock's
 * one thread sends every worker's heartbeats (and flightlink's setpoint
 * stream). Here the child is stopped after its EOS, before any answer
 * after it: a read waits for its final counts (up to 5 s), a heartbeat
 * goes on at its interval. */
GST_START_TEST (test_heartbeat_does_not_wait_for_child)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=5 ! processreplica "
      "name=r heartbeat-interval=0 worker=testworker ! testworkersink");
  GstElement *r = test_pipeline_get (pipe, "r");
  GstBus *bus = gst_element_get_bus (pipe);
  Beats b = { 0 };
  /* (under valgrind, longer; still under the 5 s a wait would hold) */
  gint64 window = MIN (scaled (3), 6) * G_TIME_SPAN_SECOND;
  gint64 bound = MIN (scaled (2), 4) * G_TIME_SPAN_SECOND;
  gint64 end, last, since_last, max_gap;
  gint pid = 0;

  g_mutex_init (&b.lock);
  gst_bus_enable_sync_message_emission (bus);
  g_signal_connect (bus, "sync-message::element", G_CALLBACK (on_beat), &b);
  run_to_eos (pipe, NULL);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0 && kill (pid, SIGSTOP) == 0);
  /* (the wait for the first heartbeat counts as a gap) */
  g_mutex_lock (&b.lock);
  b.last = g_get_monotonic_time ();
  g_mutex_unlock (&b.lock);
  g_object_set (r, "heartbeat-interval", 100, NULL);
  end = g_get_monotonic_time () + window;
  while (g_get_monotonic_time () < end)
    g_usleep (10000);
  g_mutex_lock (&b.lock);
  last = b.last;
  max_gap = b.max_gap;
  g_mutex_unlock (&b.lock);
  since_last = g_get_monotonic_time () - last;
  kill (pid, SIGCONT);
  /* (before: the first heartbeat held 5 s, ASK_TIMEOUT) */
  fail_unless (since_last < bound && max_gap < bound, "r's heartbeats stopped: %" G_GINT64_FORMAT
      " ms since the last, the longest gap %" G_GINT64_FORMAT " ms",
      since_last / 1000, max_gap / 1000);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_signal_handlers_disconnect_by_func (bus, on_beat, &b);
  gst_object_unref (bus);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_mutex_clear (&b.lock);
}

GST_END_TEST;

/* While a replica starts its child again after a crash, the workers the
 * child before it had say `starting`, with the replica's pid (newuser E4:
 * `idle`, with the dead child's pid). */
GST_START_TEST (test_pool_child_workers_starting_after_crash)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=-1 ! workerpool "
      "name=p size=1 isolation=process restart-delay=2000 max-restarts=100 "
      "worker=\"testworker name=w crash-after=5 crash-signal=9 "
      "process-time=10000000\" ! fakesink");
  gint64 deadline = g_get_monotonic_time () + scaled (60) *
      G_TIME_SPAN_SECOND;
  gint state = GST_WORKER_STATE_IDLE, pid = -1, wpid = -2;
  const GstStructure *w = NULL;
  GstStructure *s = NULL;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (!w && g_get_monotonic_time () < deadline) {
    const GValue *children;

    g_clear_pointer (&s, gst_structure_free);
    s = stats (pipe, "p_r0");
    children = gst_structure_get_value (s, "child-workers");
    if (gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state) &&
        state == GST_WORKER_STATE_STARTING && children &&
        gst_value_array_get_size (children) == 1)
      w = gst_value_get_structure (gst_value_array_get_value (children, 0));
    else
      g_usleep (1000);
  }
  fail_unless (w != NULL, "p_r0 never seen restarting with its workers");
  gst_structure_get_int (s, "pid", &pid);
  fail_unless (gst_structure_get_int (w, "pid", &wpid));
  fail_unless (gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE,
          &state));
  fail_unless_equals_int (state, GST_WORKER_STATE_STARTING);
  fail_unless_equals_int (wpid, pid);
  gst_structure_free (s);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A second run (after READY) has caps too: a replica's child keeps its
 * pads' caps over the stop and sends none again; the replica gives them
 * before the segment (before, the run's items came without caps, and a
 * replica grown then sent the pool's caps after a segment: "Sticky event
 * misordering"). */
GST_START_TEST (test_pool_second_run_has_caps)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=10 ! workerpool "
      "name=p size=2 isolation=process worker=testworker ! testworkersink "
      "name=sink");
  GstElement *sink = test_pipeline_get (pipe, "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstCaps *caps;

  for (guint run = 0; run < 2; run++) {
    run_to_eos (pipe, NULL);
    caps = gst_pad_get_current_caps (pad);
    fail_unless (caps != NULL, "run %u: no caps", run + 1);
    gst_caps_unref (caps);
    gst_element_set_state (pipe, GST_STATE_READY);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A pool of a decoder of a format with reference frames warns, as in
 * threads, when its replicas run in child processes (their elements are
 * not in this process: the description built here tells what they are),
 * and counts the frame vp8dec made nothing of; image decoders pool with
 * no warning. */
GST_START_TEST (test_pool_stateful_decoder_warns)
{
  GString *warnings = g_string_new (NULL);
  GstElement *pipe = launch ("videotestsrc num-buffers=12 pattern=ball ! "
      "video/x-raw,width=64,height=48 ! vp8enc keyframe-max-dist=30 "
      "deadline=1 ! workerpool name=p size=2 isolation=process "
      "dispatch=round-robin worker=vp8dec ! fakesink");
  guint64 in, out, dropped;

  run_to_eos (pipe, warnings);
  in = stat_u64 (pipe, "p_dispatch", "items-in");
  out = stat_u64 (pipe, "p_collect", "items-out");
  dropped = stat_u64 (pipe, "p_collect", "items-dropped");
  fail_unless_equals_uint64 (in, 12);
  fail_unless (dropped >= 1, "in %" G_GUINT64_FORMAT " out %"
      G_GUINT64_FORMAT ": nothing counted", in, out);
  fail_unless_equals_uint64 (in, out + dropped);
  fail_unless (strstr (warnings->str, "Worker pool p: its worker vp8dec "
          "(GstVP8Dec) is a decoder of video/x-vp8") != NULL, "%s",
      warnings->str);
  fail_unless (strstr (warnings->str, "Do not pool") != NULL, "%s",
      warnings->str);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);

  g_string_truncate (warnings, 0);
  pipe = launch ("videotestsrc num-buffers=12 ! video/x-raw,width=64,"
      "height=48 ! jpegenc ! workerpool name=p size=2 isolation=process "
      "dispatch=round-robin worker=jpegdec ! fakesink");
  run_to_eos (pipe, warnings);
  fail_unless_equals_int (warnings->len, 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 12);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_string_free (warnings, TRUE);
}

GST_END_TEST;

/* The pool gives its start-timeout to its replicas: a child that never
 * says it runs is an error naming the replica, after that time (not the
 * default 30 s). */
GST_START_TEST (test_pool_start_timeout)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *script = g_build_filename (dir, "never-hello", NULL);
  GstElement *pipe, *r0;
  gchar *src = NULL, *text;
  guint timeout = 0;

  fail_unless (g_file_set_contents (script, "#!/bin/sh\nexec sleep 600\n",
          -1, NULL));
  g_chmod (script, 0755);
  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  pipe = launch ("testworkersrc num-buffers=5 ! workerpool name=p size=1 "
      "isolation=process start-timeout=300 worker=identity ! fakesink");
  r0 = test_pipeline_get (pipe, "p_r0");
  g_object_get (r0, "start-timeout", &timeout, NULL);
  fail_unless_equals_int (timeout, 300);
  text = run_error (pipe, &src);
  g_unsetenv ("GST_WORKER_CHILD");
  fail_unless_equals_string (src, "p_r0");
  fail_unless (strstr (text, "Worker process p_r0") != NULL, "%s", text);
  fail_unless (strstr (text, "did not start within 300 ms") != NULL, "%s",
      text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (r0);
  gst_object_unref (pipe);
  g_free (src);
  g_free (text);
  g_unlink (script);
  g_rmdir (dir);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

/* A description that does not build fails as in a thread, at once. */
GST_START_TEST (test_pool_bad_worker)
{
  GstElement *pool =
      test_pipeline_watch (gst_element_factory_make ("workerpool", "p"));
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (pool, bus);
  g_object_set (pool, "isolation", 1, "worker", "nosuchelement", NULL);
  fail_unless_equals_int (gst_element_set_state (pool, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "Worker pool p") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "no element \"nosuchelement\"") !=
      NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pool, GST_STATE_NULL);
  gst_element_set_bus (pool, NULL);
  gst_object_unref (bus);
  gst_object_unref (pool);
}

GST_END_TEST;

static Suite *
processpool_suite (void)
{
  Suite *s = suite_create ("processpool");
  TCase *pool = tcase_create ("pool");

  suite_add_tcase (s, pool);
  tcase_add_checked_fixture (pool, NULL, stop_leftovers);
  tcase_add_test (pool, test_pool_same_bytes_as_thread);
  tcase_add_test (pool, test_pool_queue_inside_worker);
  tcase_add_test (pool, test_pool_replicas_crash_and_restart);
  tcase_add_test (pool, test_pool_grows_while_playing);
  tcase_add_test (pool, test_pool_bad_worker);
  tcase_add_test (pool, test_pool_start_timeout);
  tcase_add_test (pool, test_launch_table_shows_pid);
  tcase_add_test (pool, test_launch_reports_restarts);
  tcase_add_test (pool, test_launch_accounts_failed_items);
  tcase_add_test (pool, test_launch_counts_failure_behind_freeze);
  tcase_add_test (pool, test_pool_stateful_decoder_warns);
  tcase_add_test (pool, test_pool_forwards_fault_properties);
  tcase_add_test (pool, test_pool_keeps_replica_settings);
  tcase_add_test (pool, test_pool_description_settings_hold_no_replica);
  tcase_add_test (pool, test_pool_refuses_setting_for_missing_replica);
  tcase_add_test (pool, test_pool_check_lets_setter_run);
  tcase_add_test (pool, test_pool_keeps_sets_in_children);
  tcase_add_test (pool, test_pool_keeps_sets_in_threads);
  tcase_add_test (pool, test_pool_child_counts_are_fresh);
  tcase_add_test (pool, test_launch_child_counts_final);
  tcase_add_test (pool, test_heartbeat_does_not_wait_for_child);
  tcase_add_test (pool, test_pool_child_workers_starting_after_crash);
  tcase_add_test (pool, test_pool_second_run_has_caps);
  return s;
}

GST_CHECK_MAIN (processpool);
