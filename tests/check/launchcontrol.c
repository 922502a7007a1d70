/* gst-workers: gst-worker-launch's commands on standard input
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* Sends @commands (one a line) to a running gst-worker-launch, and
 * returns the JSON answers it printed, one node each, its exit status in
 * @status, in @rest (if not NULL) what it printed on standard output
 * after them, and in @errors (if not NULL) its standard error. */
/* the answers of the last run, as printed */
static GPtrArray *last_lines;

static GPtrArray *
run_commands_full (const gchar * const *pipeline,
    const gchar * const *commands, gint * status, gchar ** rest,
    gchar ** errors)
{
  GError *err = NULL;
  GSubprocess *proc;
  GOutputStream *in;
  GDataInputStream *out;
  GPtrArray *answers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      json_node_unref);
  gchar *line;
  GStrvBuilder *b = g_strv_builder_new ();
  gchar **argv;

  g_clear_pointer (&last_lines, g_ptr_array_unref);
  last_lines = g_ptr_array_new_with_free_func (g_free);
  g_strv_builder_add_many (b, GST_WORKER_LAUNCH, "--quiet", NULL);
  g_strv_builder_addv (b, (const gchar **) pipeline);
  argv = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  proc = g_subprocess_newv ((const gchar * const *) argv,
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      (errors ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0), &err);
  g_strfreev (argv);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  in = g_subprocess_get_stdin_pipe (proc);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  for (guint i = 0; commands[i]; i++) {
    gchar *text;

    /* "?TEXT": `status` until its answer has TEXT (a worker inside a
     * child that has started), not an answer of its own */
    if (commands[i][0] == '?') {
      gboolean seen = FALSE;

      while (!seen) {
        fail_unless (g_output_stream_write_all (in, "status\n", 7, NULL,
                NULL, &err), "%s", err ? err->message : "?");
        g_output_stream_flush (in, NULL, NULL);
        line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &err);
        fail_unless (line != NULL, "no answer to 'status'");
        seen = strstr (line, commands[i] + 1) != NULL;
        g_free (line);
        if (!seen)
          g_usleep (10000);
      }
      continue;
    }
    text = g_strdup_printf ("%s\n", commands[i]);

    fail_unless (g_output_stream_write_all (in, text, strlen (text), NULL,
            NULL, &err), "%s", err ? err->message : "?");
    g_output_stream_flush (in, NULL, NULL);
    g_free (text);
    /* one answer each, in order */
    line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &err);
    fail_unless (line != NULL, "no answer to '%s'", commands[i]);
    {
      JsonNode *node = json_from_string (line, &err);

      fail_unless (node != NULL, "'%s' answered '%s': %s", commands[i], line,
          err ? err->message : "?");
      g_ptr_array_add (answers, node);
    }
    g_ptr_array_add (last_lines, line);
  }
  g_output_stream_close (in, NULL, NULL);
  if (rest) {
    GString *text = g_string_new (NULL);

    while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL,
                NULL))) {
      g_string_append_printf (text, "%s\n", line);
      g_free (line);
    }
    *rest = g_string_free (text, FALSE);
  }
  if (errors) {
    GInputStream *e = g_subprocess_get_stderr_pipe (proc);
    GString *text = g_string_new (NULL);
    gchar buf[4096];
    gssize n;

    while ((n = g_input_stream_read (e, buf, sizeof (buf), NULL, NULL)) > 0)
      g_string_append_len (text, buf, n);
    *errors = g_string_free (text, FALSE);
  }
  fail_unless (g_subprocess_wait (proc, NULL, &err));
  *status = g_subprocess_get_exit_status (proc);
  g_object_unref (out);
  g_object_unref (proc);
  return answers;
}

static GPtrArray *
run_commands_on (const gchar * const *pipeline, const gchar * const *commands,
    gint * status)
{
  return run_commands_full (pipeline, commands, status, NULL, NULL);
}

/* a long stream: the commands reach it while it runs */
static const gchar *const pool_pipeline[] = {
  "testworkersrc", "num-buffers=100000", "!", "workerpool", "name=p",
  "size=1", "worker=testworker process-time=100000", "!", "testworkersink",
  NULL
};

/* a chain with queues, for swap, insert and remove */
static const gchar *const chain_pipeline[] = {
  "testworkersrc", "num-buffers=100000", "!", "queue", "name=q0", "!",
  "testworker", "name=w", "process-time=100000", "!", "queue", "name=q1",
  "!", "testworkersink", NULL
};

static GPtrArray *
run_commands (const gchar * const *commands, gint * status)
{
  return run_commands_on (pool_pipeline, commands, status);
}

static gboolean
answer_ok (GPtrArray * answers, guint i)
{
  JsonObject *o = json_node_get_object (g_ptr_array_index (answers, i));

  return json_object_get_boolean_member (o, "ok");
}

static const gchar *
answer_error (GPtrArray * answers, guint i)
{
  JsonObject *o = json_node_get_object (g_ptr_array_index (answers, i));

  return json_object_has_member (o, "error") ?
      json_object_get_string_member (o, "error") : NULL;
}

GST_START_TEST (test_commands)
{
  const gchar *const commands[] = {
    "status",
    "set p size=3",
    "pause p_dispatch",
    "resume p_dispatch",
    "pause",
    "resume",
    "status",
    "set nosuch size=2",
    "set p worker=identity",
    "pause nosuch",
    "swap p identity",
    "exit",
    NULL
  };
  gint status = -1;
  GPtrArray *a;
  JsonObject *o;

  a = run_commands (commands, &status);
  o = json_node_get_object (g_ptr_array_index (a, 0));
  fail_unless (answer_ok (a, 0));
  fail_unless (json_object_has_member (o, "status"));
  fail_unless (answer_ok (a, 1));
  fail_unless (answer_ok (a, 2));
  fail_unless (answer_ok (a, 3));
  fail_unless (answer_ok (a, 4));
  fail_unless (answer_ok (a, 5));
  fail_unless (answer_ok (a, 6));
  /* refusals say why */
  fail_if (answer_ok (a, 7));
  fail_unless (strstr (answer_error (a, 7), "nosuch") != NULL);
  fail_if (answer_ok (a, 8));
  fail_unless (strstr (answer_error (a, 8), "while the system runs") !=
      NULL);
  fail_if (answer_ok (a, 9));
  fail_unless (strstr (answer_error (a, 9), "nosuch") != NULL);
  fail_if (answer_ok (a, 10));
  fail_unless (answer_ok (a, 11));
  /* exit drains: a clean end */
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* A value GObject would refuse (and keep the old one, with a warning) or
 * wrap round (a negative number for an unsigned property) is refused
 * with the range, and changes nothing; a good one still goes. */
GST_START_TEST (test_set_refuses_bad_values)
{
  const gchar *const commands[] = {
    "set p size=0",
    "set p size=100",
    "set p_r0_testworker process-time=-5",
    "set p size=two",
    "set p_r0_testworker process-time=20000",
    "exit",
    NULL
  };
  gint status = -1;
  GPtrArray *a = run_commands (commands, &status);

  fail_if (answer_ok (a, 0));
  fail_unless (strstr (answer_error (a, 0), "bad value \"0\" for property "
          "'size': it must be from 1 to 64") != NULL, "%s",
      answer_error (a, 0));
  fail_unless (g_str_has_prefix (answer_error (a, 0), "p: "));
  fail_if (answer_ok (a, 1));
  fail_unless (strstr (answer_error (a, 1), "from 1 to 64") != NULL);
  fail_if (answer_ok (a, 2));
  fail_unless (strstr (answer_error (a, 2), "cannot read \"-5\"") != NULL,
      "%s", answer_error (a, 2));
  fail_if (answer_ok (a, 3));
  fail_unless (strstr (answer_error (a, 3), "\"two\"") != NULL);
  fail_unless (answer_ok (a, 4));
  /* nothing was left busy for ever: the drain ends cleanly */
  fail_unless (answer_ok (a, 5));
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* GStreamer's rule for when a property may change: one that says
 * nothing (identity's sleep-time, as most stock elements' and Python
 * workers' properties) may change while the system runs; one flagged
 * changeable only in NULL or READY (workerpool's worker) is
 * refused, naming the states; construct-only is not writable. */
GST_START_TEST (test_set_follows_mutable_flags)
{
  const gchar *const pipeline[] = {
    "testworkersrc", "num-buffers=100000", "!", "queue", "!", "identity",
    "name=i", "!", "workerpool", "name=p", "size=1",
    "worker=testworker process-time=100000", "!", "testworkersink", NULL
  };
  const gchar *const commands[] = {
    "set i sleep-time=100",
    "set p worker=identity",
    "set i drop-probability=0.0",
    "exit",
    NULL
  };
  gint status = -1;
  GPtrArray *a = run_commands_on (pipeline, commands, &status);

  fail_unless (answer_ok (a, 0), "%s", answer_error (a, 0));
  fail_if (answer_ok (a, 1));
  fail_unless (strstr (answer_error (a, 1), "p's property 'worker' cannot "
          "change while the system runs (it is changeable only in NULL or "
          "READY state)") != NULL, "%s", answer_error (a, 1));
  fail_unless (answer_ok (a, 2), "%s", answer_error (a, 2));
  fail_unless (answer_ok (a, 3));
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* Issue 13, B13: `set REPLICA/NAME PROPERTY=VALUE` reaches a worker
 * inside a process pool's child, by the name the status lists, with the
 * same rules and refusals as in the tool's own process. */
GST_START_TEST (test_set_in_child_process)
{
  const gchar *const pipeline[] = {
    "testworkersrc", "num-buffers=100000", "!", "queue", "!", "workerpool",
    "name=p", "size=2", "isolation=process",
    "worker=testworker process-time=1000000", "!", "queue", "!",
    "testworkersink", NULL
  };
  const gchar *const commands[] = {
    "?\"p_r0/testworker0\"",
    "?\"p_r1/testworker0\"",
    "set p_r0/testworker0 process-time=500000",
    "set p_r1/testworker0 crash-signal=100",
    "set p_r0/nosuch process-time=1",
    "set p_r0/testworker0 nosuch=1",
    "exit",
    NULL
  };
  gint status = -1;
  GPtrArray *a = run_commands_on (pipeline, commands, &status);

  fail_unless (answer_ok (a, 0), "%s", answer_error (a, 0));
  fail_if (answer_ok (a, 1));
  fail_unless_equals_string (answer_error (a, 1), "p_r1/testworker0: bad "
      "value \"100\" for property 'crash-signal': it must be from 1 to 64");
  fail_if (answer_ok (a, 2));
  fail_unless (g_str_has_prefix (answer_error (a, 2), "no element is named "
          "'p_r0/nosuch'"), "%s", answer_error (a, 2));
  fail_if (answer_ok (a, 3));
  fail_unless_equals_string (answer_error (a, 3), "p_r0/testworker0 has no "
      "writable property 'nosuch'");
  fail_unless (answer_ok (a, 4));
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* swap, insert and remove while the system runs; refusals say why. */
GST_START_TEST (test_reshape_commands)
{
  const gchar *const commands[] = {
    "swap w testworker process-time=50000",
    "insert q0 testworker name=x",
    "remove w",
    "swap nosuch testworker",
    "insert nosuch testworker",
    "remove nosuch",
    "swap x capsfilter caps=audio/x-raw",
    "remove",
    "status",
    "exit",
    NULL
  };
  gint status = -1;
  GPtrArray *a;
  JsonObject *o;

  a = run_commands_on (chain_pipeline, commands, &status);
  fail_unless (answer_ok (a, 0), "%s", answer_error (a, 0));
  fail_unless (answer_ok (a, 1), "%s", answer_error (a, 1));
  fail_unless (answer_ok (a, 2), "%s", answer_error (a, 2));
  fail_if (answer_ok (a, 3));
  fail_unless (strstr (answer_error (a, 3), "nosuch") != NULL);
  fail_if (answer_ok (a, 4));
  fail_unless (strstr (answer_error (a, 4), "no queue") != NULL);
  fail_if (answer_ok (a, 5));
  fail_if (answer_ok (a, 6));
  fail_unless (strstr (answer_error (a, 6), "caps") != NULL);
  fail_if (answer_ok (a, 7));
  fail_unless (strstr (answer_error (a, 7), "remove NAME") != NULL);
  /* the worker swapped then removed is retired, x runs */
  o = json_object_get_object_member (json_node_get_object
      (g_ptr_array_index (a, 8)), "status");
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (o, "retired-workers")), 2);
  fail_unless (answer_ok (a, 9));
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* The same commands from a client of --control=unix:PATH, answered on its
 * connection. */
GST_START_TEST (test_unix_socket)
{
  gchar *dir = g_dir_make_tmp ("launchcontrol-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "ctl", NULL);
  gchar *option = g_strdup_printf ("--control=unix:%s", path);
  GError *err = NULL;
  GSubprocess *proc;
  GSocketClient *client = g_socket_client_new ();
  GSocketAddress *addr = g_unix_socket_address_new (path);
  GSocketConnection *conn = NULL;
  GDataInputStream *in;
  GOutputStream *out;
  gchar *line;
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &err,
      GST_WORKER_LAUNCH, "--quiet", option, "testworkersrc",
      "num-buffers=100000", "!", "workerpool", "name=p", "size=1",
      "worker=testworker process-time=100000", "!", "testworkersink", NULL);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  /* the socket exists once the tool is ready */
  while (!conn && g_get_monotonic_time () < end) {
    conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr),
        NULL, NULL);
    if (!conn)
      g_usleep (10000);
  }
  fail_unless (conn != NULL, "no socket at %s", path);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (conn)));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  fail_unless (g_output_stream_write_all (out, "set p size=2\n", 13, NULL,
          NULL, NULL));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
  fail_unless (line && strstr (line, "\"ok\":true"), "answered %s", line);
  g_free (line);
  fail_unless (g_output_stream_write_all (out, "exit\n", 5, NULL, NULL,
          NULL));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
  fail_unless (line && strstr (line, "\"exit\""), "answered %s", line);
  g_free (line);

  fail_unless (g_subprocess_wait (proc, NULL, NULL));
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 0);
  /* the socket is gone with the tool */
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));

  g_object_unref (in);
  g_object_unref (conn);
  g_object_unref (addr);
  g_object_unref (client);
  g_object_unref (proc);
  g_rmdir (dir);
  g_free (option);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* Standard output carries the answers only, one JSON line each, in one
 * spelling; the tool's own words go to standard error. */
GST_START_TEST (test_stdout_is_answers_only)
{
  const gchar *const commands[] = { "status", "set p size=2", "exit", NULL };
  gint status = -1;
  gchar *rest = NULL, *errors = NULL;
  const gchar *line;
  GPtrArray *a = run_commands_full (pool_pipeline, commands, &status, &rest,
      &errors);

  fail_unless (answer_ok (a, 0));
  /* the same spelling as the other answers */
  line = g_ptr_array_index (last_lines, 0);
  fail_unless (g_str_has_prefix (line, "{\"ok\":true,\"command\":"
          "\"status\","), "%s", line);
  line = g_ptr_array_index (last_lines, 1);
  fail_unless (g_str_has_prefix (line, "{\"ok\":true,\"command\":\"set\","),
      "%s", line);
  fail_unless (answer_ok (a, 2));
  /* nothing after the answers */
  fail_unless_equals_string (rest, "");
  fail_unless (strstr (errors, "exit command: draining") != NULL, "%s",
      errors);
  fail_unless_equals_int (status, 0);
  g_free (rest);
  g_free (errors);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* The final table lists the workers a reshape took out, with their
 * counts (they are part of the balance). */
GST_START_TEST (test_report_lists_retired)
{
  const gchar *const commands[] = {
    "swap w testworker name=w2",
    "exit-now",
    NULL
  };
  gint status = -1;
  gchar *errors = NULL;
  GPtrArray *a = run_commands_full (chain_pipeline, commands, &status, NULL,
      &errors);

  fail_unless (answer_ok (a, 0), "%s", answer_error (a, 0));
  fail_unless (answer_ok (a, 1));
  /* stopped, not drained: the table is printed even with --quiet (on
   * standard error: standard output carries the answers) */
  fail_unless (errors && g_regex_match_simple ("^w \\(retired\\) +[0-9]+ ",
          errors, G_REGEX_MULTILINE, 0), "%s", errors);
  fail_unless (g_regex_match_simple ("^w2 +[0-9]+ ", errors,
          G_REGEX_MULTILINE, 0), "%s", errors);
  g_free (errors);
  g_ptr_array_unref (a);
}

GST_END_TEST;

/* A socket file at PATH that nothing listens on (left by a run that was
 * killed) is replaced; one that a program listens on is not, and the
 * tool says so (exit 2). */
GST_START_TEST (test_stale_socket_replaced)
{
  gchar *dir = g_dir_make_tmp ("launchcontrol-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "ctl", NULL);
  gchar *option = g_strdup_printf ("--control=unix:%s", path);
  const gchar *const pipeline[] = { option, "testworkersrc",
    "num-buffers=100000", "!", "testworker", "process-time=100000", "!",
    "testworkersink", NULL
  };
  const gchar *const commands[] = { "exit", NULL };
  const gchar *const none[] = { NULL };
  GSocketAddress *addr = g_unix_socket_address_new (path);
  GError *err = NULL;
  GSocket *sock;
  gint status = -1;
  GPtrArray *a;

  /* a socket bound, then closed: the file stays, nothing listens */
  sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_DEFAULT, &err);
  fail_unless (sock && g_socket_bind (sock, addr, FALSE, &err), "%s",
      err ? err->message : "?");
  g_socket_close (sock, NULL);
  g_object_unref (sock);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));

  a = run_commands_on (pipeline, commands, &status);
  fail_unless (answer_ok (a, 0));
  fail_unless_equals_int (status, 0);
  g_ptr_array_unref (a);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));

  /* a socket something listens on stays */
  sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_DEFAULT, &err);
  fail_unless (sock && g_socket_bind (sock, addr, FALSE, &err) &&
      g_socket_listen (sock, &err), "%s", err ? err->message : "?");
  a = run_commands_on (pipeline, none, &status);
  fail_unless_equals_int (status, 2);
  g_ptr_array_unref (a);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));
  g_socket_close (sock, NULL);
  g_object_unref (sock);

  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (addr);
  g_free (option);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static Suite *
launchcontrol_suite (void)
{
  Suite *s = suite_create ("launchcontrol");
  TCase *tc = tcase_create ("commands");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_commands);
  tcase_add_test (tc, test_set_refuses_bad_values);
  tcase_add_test (tc, test_set_follows_mutable_flags);
  tcase_add_test (tc, test_set_in_child_process);
  tcase_add_test (tc, test_reshape_commands);
  tcase_add_test (tc, test_unix_socket);
  tcase_add_test (tc, test_stale_socket_replaced);
  tcase_add_test (tc, test_report_lists_retired);
  tcase_add_test (tc, test_stdout_is_answers_only);
  return s;
}

GST_CHECK_MAIN (launchcontrol);
