/* gst-workers: processreplica tests: faults (crashes, hangs, lost items) and bad
 * input (descriptions, child programs, garbage)
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
/* faults */

/* A worker that crashes every 7 items (the process dies: SIGSEGV, abort,
 * kill -9): restarted each time, the item it held given to the new child,
 * the output the same as with no crash. */
GST_START_TEST (test_transient_crash_same_output)
{
  static const gint signals[] = { SIGSEGV, SIGABRT, SIGKILL };
  static const gchar *names[] = { "SIGSEGV", "SIGABRT", "SIGKILL" };
  /* under valgrind (each child traced: slow to start), one signal: the
   * others take the same paths in the replica */
  guint n_signals = scaled (1) > 1 ? 1 : G_N_ELEMENTS (signals);

  for (guint i = 0; i < n_signals; i++) {
    gchar *worker = g_strdup_printf ("testworker crash-after=7 "
        "crash-signal=%d outputs-per-input=2", signals[i]);
    gchar *proc = g_strdup_printf ("processreplica name=r restart-delay=0 "
        "worker=\"%s\"", worker);
    guint64 n_plain = 0, n_crash = 0;
    gchar *plain = digest_of ("testworkersrc num-buffers=30",
        "testworker outputs-per-input=2", &n_plain, NULL);
    GString *warnings = g_string_new (NULL);
    gchar *desc = g_strdup_printf ("testworkersrc num-buffers=30 ! %s ! "
        "testworkersink name=sink", proc);
    GstElement *pipe = launch (desc);
    GstElement *sink = test_pipeline_get (pipe, "sink");
    gchar *crashed = NULL;

    run_to_eos (pipe, warnings);
    g_object_get (sink, "digest", &crashed, "count", &n_crash, NULL);
    fail_unless_equals_uint64 (n_plain, 60);
    fail_unless_equals_uint64 (n_crash, 60);
    fail_unless_equals_string (crashed, plain);
    /* items 7, 14, 21, 28 each killed a child */
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 4);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-retried"), 4);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-lost"), 0);
    /* each crash is said, with the pid, the signal and the count */
    for (guint n = 1; n <= 4; n++) {
      gchar *line = g_strdup_printf ("was killed by signal %s (%s); "
          "restarting it (restart %u of r; 1 crash in a row, it gives up "
          "after max-restarts=5)", names[i], g_strsignal (signals[i]), n);

      fail_unless (strstr (warnings->str, line) != NULL, "no \"%s\" in:\n%s",
          line, warnings->str);
      g_free (line);
    }
    fail_unless (g_str_has_prefix (warnings->str, "Worker process r: its "
            "process (pid "), "%s", warnings->str);

    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (pipe);
    g_string_free (warnings, TRUE);
    g_free (desc);
    g_free (crashed);
    g_free (plain);
    g_free (proc);
    g_free (worker);
  }
}

GST_END_TEST;

/* An item that kills its child every time is retried once, then counted
 * lost with the reason; the stream goes on. */
GST_START_TEST (test_poison_item_lost)
{
  GString *warnings = g_string_new (NULL);
  GstElement *pipe = launch ("testworkersrc num-buffers=20 ! "
      "processreplica name=r restart-delay=0 "
      "worker=\"testworker crash-on-seq=5\" ! testworkersink name=sink");
  GstElement *sink = test_pipeline_get (pipe, "sink");
  guint64 count = 0, gaps = 0;

  run_to_eos (pipe, warnings);
  g_object_get (sink, "count", &count, "gaps", &gaps, NULL);
  fail_unless_equals_uint64 (count, 19);
  fail_unless_equals_uint64 (gaps, 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-lost"), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 2);
  fail_unless (strstr (warnings->str, "Worker process r lost an item "
          "(pts 0:00:00.005000000)") != NULL, "%s", warnings->str);
  fail_unless (strstr (warnings->str, "the last time its process (pid ")
      != NULL, "%s", warnings->str);
  fail_unless (strstr (warnings->str, "was killed by signal SIGSEGV "
          "(Segmentation fault)") != NULL, "%s", warnings->str);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_string_free (warnings, TRUE);
}

GST_END_TEST;

/* A worker with a queue inside (newuser E7): the child says it is done
 * with an item as soon as the item is in the queue, so a crash loses what
 * waits there unless the replica keeps it; kept, it goes to the new child
 * in order (a pool's order marks with it) and the output is the same as
 * with no crash. Alone and in a pool of 2 (round-robin: 20 items each, one
 * crash each, the next child never reaches its own 13th item). The last
 * stage takes 30 ms an item, so items wait in the queue even when the
 * parent sends them slowly (under valgrind, at 5 ms an item, the parent
 * was the slower and the queue empty: 1 item retried). */
GST_START_TEST (test_queue_crash_same_output)
{
  guint64 n_plain = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=40",
      "testworker ! queue ! testworker", &n_plain, NULL);

  fail_unless_equals_uint64 (n_plain, 40);
  for (guint pool = 0; pool < 2; pool++) {
    gchar *w = g_strdup_printf ("testworker ! queue ! testworker "
        "process-time=30000000 crash-after=%u", pool ? 12 : 25);
    gchar *middle = pool ? g_strdup_printf ("workerpool name=p size=2 "
        "isolation=process dispatch=round-robin start-timeout=%"
        G_GINT64_FORMAT " worker=\"%s\"", scaled (30000), w) :
        g_strdup_printf ("processreplica name=r restart-delay=0 "
        "worker=\"%s\"", w);
    const gchar *names[] = { pool ? "p_r0" : "r", pool ? "p_r1" : NULL };
    GString *warnings = g_string_new (NULL);
    gchar *desc = g_strdup_printf ("testworkersrc num-buffers=40 ! %s ! "
        "testworkersink name=sink", middle);
    GstElement *pipe = launch (desc);
    GstElement *sink = test_pipeline_get (pipe, "sink");
    gchar *digest = NULL;
    guint64 n = 0, gaps = 0;

    run_to_eos (pipe, warnings);
    g_object_get (sink, "digest", &digest, "count", &n, "gaps", &gaps, NULL);
    fail_unless_equals_uint64 (n, 40);
    fail_unless_equals_uint64 (gaps, 0);
    fail_unless_equals_string (digest, plain);
    for (guint i = 0; i < G_N_ELEMENTS (names) && names[i]; i++) {
      fail_unless_equals_uint64 (stat_u64 (pipe, names[i], "restarts"), 1);
      fail_unless_equals_uint64 (stat_u64 (pipe, names[i], "items-lost"), 0);
      fail_unless_equals_uint64 (stat_u64 (pipe, names[i], "items-dropped"),
          0);
      /* the one the last stage had, and what waited in the queue (the
       * first stage is quick: the queue holds more than one then) */
      fail_unless (stat_u64 (pipe, names[i], "items-retried") >= 2,
          "%s retried %" G_GUINT64_FORMAT " items", names[i],
          stat_u64 (pipe, names[i], "items-retried"));
    }
    fail_unless (strstr (warnings->str, "restarting it (restart 1 of ")
        != NULL, "%s", warnings->str);

    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (pipe);
    g_string_free (warnings, TRUE);
    g_free (digest);
    g_free (desc);
    g_free (middle);
    g_free (w);
  }
  g_free (plain);
}

GST_END_TEST;

/* With a queue inside, an item that kills its child again when it is
 * sent once more (alone: the child dies with it or not) is counted lost
 * with the reason, before the queue or after it; nothing else is. */
GST_START_TEST (test_queue_crash_item_lost)
{
  static const gchar *workers[] = {
    "testworker ! queue ! testworker crash-on-seq=5 process-time=2000000",
    "testworker crash-on-seq=5 ! queue ! testworker process-time=2000000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++) {
    GString *warnings = g_string_new (NULL);
    gchar *desc = g_strdup_printf ("testworkersrc num-buffers=20 ! "
        "processreplica name=r restart-delay=0 worker=\"%s\" ! "
        "testworkersink name=sink", workers[i]);
    GstElement *pipe = launch (desc);
    GstElement *sink = test_pipeline_get (pipe, "sink");
    guint64 count = 0, gaps = 0;
    GstStructure *st;
    const gchar *reason;

    run_to_eos (pipe, warnings);
    g_object_get (sink, "count", &count, "gaps", &gaps, NULL);
    fail_unless_equals_uint64 (count, 19);
    fail_unless_equals_uint64 (gaps, 1);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-lost"), 1);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-dropped"), 1);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 2);
    fail_unless (strstr (warnings->str, "Worker process r lost an item "
            "(pts 0:00:00.005000000)") != NULL, "%s", warnings->str);
    fail_unless (strstr (warnings->str, "was killed by signal SIGSEGV")
        != NULL, "%s", warnings->str);
    st = stats (pipe, "r");
    reason = gst_structure_get_string (st, "items-lost-reason");
    fail_unless (reason && g_str_has_prefix (reason, "its child died with "
            "it twice; the last time its process (pid "), "%s", reason);
    gst_structure_free (st);
    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (pipe);
    g_string_free (warnings, TRUE);
    g_free (desc);
  }
}

GST_END_TEST;

/* A worker that crashes on every item: an error naming the replica once
 * max-restarts crashes in a row are reached. */
GST_START_TEST (test_keeps_crashing_is_error)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=50 ! "
      "processreplica name=r restart-delay=0 max-restarts=3 "
      "worker=\"testworker crash-after=0 crash-signal=6\" ! fakesink");
  gchar *src = NULL;
  gchar *text = run_error (pipe, &src);

  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "Worker process r keeps crashing: 4 times in a "
          "row") != NULL, "%s", text);
  fail_unless (strstr (text, "signal SIGABRT") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_free (src);
  g_free (text);
  gst_object_unref (pipe);

  /* with no restart allowed, the first crash says so (not "1 times in a
   * row") */
  pipe = launch ("testworkersrc num-buffers=50 ! processreplica name=r "
      "max-restarts=0 worker=\"testworker crash-after=0 crash-signal=6\" ! "
      "fakesink");
  text = run_error (pipe, &src);
  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "Worker process r crashed and max-restarts=0 "
          "allows no restart: its process (pid ") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_free (src);
  g_free (text);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A child that hangs is killed after hang-timeout and its item retried.
 * (The timeout must be longer than a new child, on a loaded machine or
 * under valgrind, takes for the stream's events and an item.) */
GST_START_TEST (test_hang_restarted)
{
  guint64 n_plain = 0, n_hang = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=12", "testworker",
      &n_plain, NULL);
  gchar *replica = g_strdup_printf ("processreplica hang-timeout=%"
      G_GINT64_FORMAT " restart-delay=0 worker=\"testworker hang-after=5\"",
      scaled (1500));
  gchar *hung = digest_of ("testworkersrc num-buffers=12", replica, &n_hang,
      NULL);

  fail_unless_equals_uint64 (n_hang, 12);
  fail_unless_equals_string (hung, plain);
  g_free (replica);
  g_free (plain);
  g_free (hung);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* bad input */

GST_START_TEST (test_bad_worker)
{
  static const struct
  {
    const gchar *worker;
    const gchar *says;
    GstStateChangeReturn ready;
  } cases[] = {
    /* said at once; what only the child finds out comes after READY (the
     * state change does not wait for the child) */
    {NULL, "no worker given", GST_STATE_CHANGE_FAILURE},
    {"nosuchelement ! jpegenc", "no element \"nosuchelement\"",
        GST_STATE_CHANGE_SUCCESS},
    {"fakesink", "1 free input and 0 free outputs", GST_STATE_CHANGE_SUCCESS},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *r =
        test_pipeline_watch (gst_element_factory_make ("processreplica",
            "r"));
    GstBus *bus = gst_bus_new ();
    GstMessage *msg;
    GError *err = NULL;

    gst_element_set_bus (r, bus);
    g_object_set (r, "worker", cases[i].worker, NULL);
    fail_unless_equals_int (gst_element_set_state (r, GST_STATE_READY),
        cases[i].ready);
    msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_ERROR);
    fail_unless (msg != NULL);
    fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "r");
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (g_str_has_prefix (err->message, "Worker process r"), "%s",
        err->message);
    fail_unless (strstr (err->message, cases[i].says) != NULL,
        "\"%s\" does not say '%s'", err->message, cases[i].says);
    g_error_free (err);
    gst_message_unref (msg);
    gst_element_set_state (r, GST_STATE_NULL);
    gst_element_set_bus (r, NULL);
    gst_object_unref (bus);
    gst_object_unref (r);
  }
}

GST_END_TEST;

static gchar *
ready_error_with_child (const gchar * program, GstStateChangeReturn ready)
{
  GstElement *r =
      test_pipeline_watch (gst_element_factory_make ("processreplica", "r"));
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  g_setenv ("GST_WORKER_CHILD", program, TRUE);
  gst_element_set_bus (r, bus);
  g_object_set (r, "worker", "identity", NULL);
  fail_unless_equals_int (gst_element_set_state (r, GST_STATE_READY), ready);
  /* (a child that dies starting is restarted: with the same program) */
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  g_unsetenv ("GST_WORKER_CHILD");
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "r");
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (r, GST_STATE_NULL);
  gst_element_set_bus (r, NULL);
  gst_object_unref (bus);
  gst_object_unref (r);
  return text;
}

/* A child that says hello as the protocol says, then answers the first
 * item with garbage: killed and restarted like a crash, until the bound;
 * then an error naming the replica and saying why. */
GST_START_TEST (test_garbage_mid_stream)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *script = g_build_filename (dir, "garbage-later", NULL);
  GstElement *pipe;
  gchar *src = NULL, *text, *desc;

  fail_unless (g_file_set_contents (script, "#!/usr/bin/python3\n"
          "import os, socket, struct\n"
          "s = socket.socket(fileno=3)\n"
          "hello = b'hello, pid=(int)%d;\\0' % os.getpid()\n"
          "s.send(struct.pack('<IIQII', 0x31505747, 1, 0, len(hello), 0)"
          " + hello)\n"
          "s.recv(1 << 20)\n"
          "s.send(b'GWP1 and then nonsense')\n"
          "s.recv(1 << 20)\n", -1, NULL));
  g_chmod (script, 0755);
  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  /* (a Python child under valgrind may take more than 30 s to start) */
  desc = g_strdup_printf ("testworkersrc num-buffers=20 ! processreplica "
      "name=r restart-delay=0 max-restarts=2 start-timeout=%" G_GINT64_FORMAT
      " worker=identity ! fakesink", scaled (30000));
  pipe = launch (desc);
  text = run_error (pipe, &src);
  g_unsetenv ("GST_WORKER_CHILD");
  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "Worker process r keeps crashing") != NULL,
      "%s", text);
  fail_unless (strstr (text, "broke the protocol") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (src);
  g_free (text);
  g_unlink (script);
  g_rmdir (dir);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

/* A child program that is not there (said by the state change), that
 * exits, that writes garbage (said by the start thread, after READY: both
 * restarted as a crash would be, up to max-restarts, then the error says
 * how the last one ended). */
GST_START_TEST (test_bad_child)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *exits = g_build_filename (dir, "exits", NULL);
  gchar *garbage = g_build_filename (dir, "garbage", NULL);
  gchar *text;

  fail_unless (g_file_set_contents (exits, "#!/bin/sh\nexit 3\n", -1, NULL));
  fail_unless (g_file_set_contents (garbage, "#!/bin/sh\n"
          "printf 'this is not the protocol' >&3\nsleep 60\n", -1, NULL));
  g_chmod (exits, 0755);
  g_chmod (garbage, 0755);

  text = ready_error_with_child ("/nonexistent/gst-worker-child",
      GST_STATE_CHANGE_FAILURE);
  fail_unless (strstr (text, "Worker process r could not be started") !=
      NULL, "%s", text);
  g_free (text);
  text = ready_error_with_child (exits, GST_STATE_CHANGE_SUCCESS);
  fail_unless (strstr (text, "did not start: its process (pid ") != NULL,
      "%s", text);
  fail_unless (strstr (text, ") exited with status 3") != NULL, "%s", text);
  fail_unless (strstr (text, "keeps crashing: 6 times in a row") != NULL,
      "%s", text);
  g_free (text);
  text = ready_error_with_child (garbage, GST_STATE_CHANGE_SUCCESS);
  fail_unless (strstr (text, "broke the protocol") != NULL, "%s", text);
  g_free (text);

  g_unlink (exits);
  g_unlink (garbage);
  g_rmdir (dir);
  g_free (exits);
  g_free (garbage);
  g_free (dir);
}

GST_END_TEST;

static GstBusSyncReply
count_errors (GstBus * bus, GstMessage * msg, gpointer data)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    g_atomic_int_inc ((gint *) data);
  return GST_BUS_PASS;
}

/* The element goes down while its child restarts: here the new child
 * never says hello. The state change does not wait for it (no "did not
 * start within 30 s" error), the child is killed and reaped. */
GST_START_TEST (test_teardown_while_restarting)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *started = g_build_filename (dir, "started", NULL);
  gchar *hung = g_build_filename (dir, "hung", NULL);
  gchar *text = g_strdup_printf ("if [ -e '%s' ]; then echo $$ > '%s.tmp'; "
      "mv '%s.tmp' '%s'; exec sleep 600; fi\ntouch '%s'", started, hung, hung,
      hung, started);
  gchar *script = child_wrapper (dir, "second-hangs", text);
  GstElement *pipe, *r;
  GstBus *bus;
  GstMessage *msg;
  gchar *contents = NULL, *desc;
  gint pid = 0, now = -1, errors = 0;

  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  /* (the first child, started by a script, is slow under valgrind) */
  desc = g_strdup_printf ("testworkersrc num-buffers=-1 ! processreplica "
      "name=r restart-delay=0 start-timeout=%" G_GINT64_FORMAT " "
      "worker=\"testworker crash-after=2\" ! fakesink", scaled (30000));
  pipe = launch (desc);
  bus = gst_element_get_bus (pipe);
  /* (a message posted while going to NULL would be flushed from the bus) */
  gst_bus_set_sync_handler (bus, count_errors, &errors, NULL);
  r = test_pipeline_get (pipe, "r");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  /* the third item killed the first child; the second one hangs */
  while (!g_file_get_contents (hung, &contents, NULL, NULL)) {
    msg = gst_bus_timed_pop_filtered (bus, 10 * GST_MSECOND,
        GST_MESSAGE_ERROR);
    if (msg) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      ck_abort_msg ("error before the second child hung: %s", err->message);
    }
  }
  pid = atoi (contents);
  fail_unless (pid > 0, "%s", contents);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (g_atomic_int_get (&errors), 0);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  /* killed and reaped: no such process (not even a zombie) */
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH, "child %d is there",
      pid);
  g_object_get (r, "pid", &now, NULL);
  fail_unless_equals_int (now, 0);
  g_unsetenv ("GST_WORKER_CHILD");

  gst_object_unref (r);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_unlink (script);
  g_unlink (started);
  g_unlink (hung);
  g_rmdir (dir);
  g_free (contents);
  g_free (desc);
  g_free (text);
  g_free (hung);
  g_free (started);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

/* A type of this process only: its values do not parse in a child. */
static GType
parent_only_type (void)
{
  static const GEnumValue values[] = {
    {1, "one", "one"},
    {0, NULL, NULL}
  };
  static GType type;

  if (!type)
    type = g_enum_register_static ("GstProcTestParentOnly", values);
  return type;
}

/* A child that closes its channel (here: it cannot read what the replica
 * sent, as when a type is missing in it) and is then stopped by the
 * replica: the death text says it closed its channel and why, not "killed
 * by signal SIGKILL" (the replica's own kill), which hid the reason. */
GST_START_TEST (test_closed_channel_says_why)
{
  GstHarness *h = harness ("processreplica name=r max-restarts=0 "
      "restart-delay=0 worker=identity");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  GstEvent *ev;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "application/x-test");
  gst_harness_push (h, filled (8));
  gst_buffer_unref (gst_harness_pull (h));
  ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new ("x-test", "mode", parent_only_type (), 1, NULL));
  gst_harness_push_event (h, ev);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "closed its channel (the replica sent "
          "what this child cannot read: an event does not parse) and was "
          "stopped") != NULL, "%s", err->message);
  fail_if (strstr (err->message, "SIGKILL"), "%s", err->message);

  g_error_free (err);
  gst_message_unref (msg);
  /* (the messages left on the bus hold the replica: it must not hold the
   * bus) */
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

static void
count_signal (gpointer data)
{
  (*(guint *) data)++;
}

static void
on_finished_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* What a controller under stall-policy=restart did, counted from its
 * signals as they come (in the main context). */
typedef struct
{
  guint restarted;              /* "restarted": of the whole pipeline */
  guint child_restarts;         /* "worker-restarted": of a replica's child */
  gboolean finished;
} Restarts;

/* Starts the system of @description under a controller whose
 * stall-policy restarts what stalls (heartbeats every 50 ms, a stall
 * after 300 ms, scaled), its signals counted in @counts; the controller's
 * further properties (NULL-terminated name, value pairs) set first.
 * Returns: the controller; its pipeline in @pipe, watched. */
static GstWorkerController *
start_restarting (const gchar * description, Restarts * counts,
    GstPipeline ** pipe, const gchar * first, ...)
{
  GstWorkerController *ctrl = controller_new (description);
  va_list args;

  g_object_set (ctrl, "heartbeat-interval", 50, "stall-timeout",
      (guint) scaled (300), "heartbeat-timeout", (guint) scaled (60000),
      "stall-policy", GST_WORKER_STALL_POLICY_RESTART, NULL);
  va_start (args, first);
  if (first)
    g_object_set_valist (G_OBJECT (ctrl), first, args);
  va_end (args);
  g_signal_connect_swapped (ctrl, "restarted", G_CALLBACK (count_signal),
      &counts->restarted);
  g_signal_connect_swapped (ctrl, "worker-restarted",
      G_CALLBACK (count_signal), &counts->child_restarts);
  g_signal_connect_swapped (ctrl, "finished", G_CALLBACK (on_finished_flag),
      &counts->finished);
  *pipe = controller_start (ctrl);
  return ctrl;
}

/* Runs the main context until @counts has @n restarts of a child, or the
 * run finished. */
static void
wait_child_restarts (Restarts * counts, guint n)
{
  while (counts->child_restarts < n && !counts->finished)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* newuser E12: under the controller's stall-policy=restart, a process
 * replica whose child hangs with an item has that child restarted (as
 * hang-timeout would: the item retried), not the whole pipeline: with
 * no pipeline restart allowed, the run goes on through several hung
 * children. Before: the pipeline's restart, here none left: an error. */
GST_START_TEST (test_stall_policy_restarts_the_child)
{
  Restarts counts = { 0 };
  GstPipeline *pipe;
  GstWorkerController *ctrl = start_restarting ("testworkersrc "
      "num-buffers=-1 ! queue ! processreplica name=r restart-delay=0 "
      "worker=\"testworker name=w hang-after=5\" ! queue ! testworkersink "
      "name=sink", &counts, &pipe, "max-restarts", 0, NULL);
  GstElement *sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  guint64 count = 0;

  wait_child_restarts (&counts, 2);
  fail_if (counts.finished, "the run ended: %" GST_PTR_FORMAT,
      gst_worker_controller_get_report (ctrl));
  fail_unless_equals_int (counts.restarted, 0);
  /* each child did 5 items, and the next one the item the last hung on */
  g_object_get (sink, "count", &count, NULL);
  while (count < 10) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
    g_object_get (sink, "count", &count, NULL);
  }
  fail_if (counts.finished);

  gst_structure_free (gst_worker_controller_exit_now (ctrl));
  gst_object_unref (sink);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
}

GST_END_TEST;

/* newuser E13: under stall-policy=restart a child that hangs while the
 * system drains is restarted too (the replica resends the item): the
 * drain ends, every item through, not at the drain's timeout. */
GST_START_TEST (test_stall_policy_restarts_the_child_while_draining)
{
  Restarts counts = { 0 };
  GstPipeline *pipe;
  GstWorkerController *ctrl = start_restarting ("testworkersrc name=src "
      "num-buffers=-1 ! queue max-size-buffers=12 max-size-bytes=0 "
      "max-size-time=0 ! processreplica name=r restart-delay=0 "
      "worker=\"testworker name=w hang-after=5\" ! queue ! testworkersink "
      "name=sink", &counts, &pipe, NULL);
  GstElement *sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  guint restarts_at_drain;
  guint64 count = 0;
  gboolean balanced = FALSE;
  GstWorkerControllerOutcome outcome;
  GstStructure *report;

  /* the first child hung and was restarted; the queue before r is full */
  wait_child_restarts (&counts, 1);
  fail_if (counts.finished);
  restarts_at_drain = counts.child_restarts;
  /* (a bound no healthy drain needs: each hang costs stall-timeout) */
  gst_worker_controller_exit_drain (ctrl, (guint) scaled (60000));
  while (!counts.finished)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  outcome = gst_worker_controller_get_outcome (ctrl);
  fail_unless_equals_int (outcome, GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  /* the 12 queued items needed more hangs and restarts while draining */
  fail_unless (counts.child_restarts > restarts_at_drain, "%u restarts",
      counts.child_restarts);
  /* every item made came through, none discarded */
  report = gst_worker_controller_get_report (ctrl);
  fail_unless (gst_structure_get_boolean (report, "balanced", &balanced));
  fail_unless (balanced, "%" GST_PTR_FORMAT, report);
  g_object_get (sink, "count", &count, NULL);
  fail_unless (count >= 12, "%" G_GUINT64_FORMAT " items", count);
  gst_structure_free (report);

  gst_object_unref (sink);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
}

GST_END_TEST;

static Suite *
processfaults_suite (void)
{
  Suite *s = suite_create ("processfaults");
  TCase *faults = tcase_create ("faults");
  TCase *bad = tcase_create ("bad");

  suite_add_tcase (s, faults);
  tcase_add_checked_fixture (faults, NULL, stop_leftovers);
  tcase_add_test (faults, test_transient_crash_same_output);
  tcase_add_test (faults, test_poison_item_lost);
  tcase_add_test (faults, test_queue_crash_same_output);
  tcase_add_test (faults, test_queue_crash_item_lost);
  tcase_add_test (faults, test_keeps_crashing_is_error);
  tcase_add_test (faults, test_hang_restarted);
  tcase_add_test (faults, test_stall_policy_restarts_the_child);
  tcase_add_test (faults, test_stall_policy_restarts_the_child_while_draining);
  suite_add_tcase (s, bad);
  tcase_add_checked_fixture (bad, NULL, stop_leftovers);
  tcase_add_test (bad, test_teardown_while_restarting);
  tcase_add_test (bad, test_bad_worker);
  tcase_add_test (bad, test_bad_child);
  tcase_add_test (bad, test_garbage_mid_stream);
  tcase_add_test (bad, test_closed_channel_says_why);
  return s;
}

GST_CHECK_MAIN (processfaults);
