/* gst-workers: the gst-worker-launch tool, run as users run it
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pty.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include "testpipeline.h"

#define Q "max-size-bytes=0 max-size-time=0 "

typedef struct
{
  GSubprocess *proc;
  GDataInputStream *out;        /* stdout and stderr together */
} Tool;

/* Every tool a test started (refs), until the checked teardown. */
static GSList *spawned;

static GSubprocess *
watch_tool (GSubprocess * proc)
{
  spawned = g_slist_prepend (spawned, g_object_ref (proc));
  return proc;
}

/* A checked teardown: a tool a failed test left running (most run until
 * told to stop) is killed and reaped, so it does not run on, beside the
 * next tests and after the suite (seen under valgrind: an orphan at full
 * CPU for 25 min). */
static void
stop_left_running (void)
{
  GSList *l;

  for (l = spawned; l; l = l->next) {
    if (g_subprocess_get_identifier (l->data)) {
      g_subprocess_force_exit (l->data);
      g_subprocess_wait (l->data, NULL, NULL);
    }
  }
  g_slist_free_full (spawned, g_object_unref);
  spawned = NULL;
}

/* The tool's command line: its path, then @args, NULL-terminated; every
 * run goes through here. A --stall-timeout and a --heartbeat-timeout
 * scaled as the tests' other bounds come first (options precede the
 * description), unless @args give their own: the tool's 5000 and 3000 ms
 * defaults are times a healthy worker can exceed under valgrind at load
 * (4 runs exited 3, stalled, at load 25; a lost worker exits 3 too). */
static GPtrArray *
tool_argv (const gchar * const *args)
{
  /* the tool's limits in wall-clock time, scaled as the tests' own are
   * (valgrind), unless the test sets its own */
  static const struct
  {
    const gchar *option;
    guint default_ms;
  } limits[] = {
    {"--stall-timeout", 5000},
    {"--heartbeat-timeout", 3000},
  };
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const gchar *const *a;
  guint i;

  g_ptr_array_add (argv, g_strdup (GST_WORKER_LAUNCH));
  for (i = 0; i < G_N_ELEMENTS (limits); i++) {
    gboolean own = FALSE;

    for (a = args; *a; a++)
      own |= g_str_has_prefix (*a, limits[i].option);
    if (own)
      continue;
    g_ptr_array_add (argv, g_strdup (limits[i].option));
    g_ptr_array_add (argv, g_strdup_printf ("%u", limits[i].default_ms *
            test_timeout_scale ()));
  }
  for (a = args; *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);
  return argv;
}

static Tool
tool_spawn (const gchar * const *args)
{
  GPtrArray *argv = tool_argv (args);
  GError *err = NULL;
  Tool t = { NULL, NULL };

  t.proc = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE |
      G_SUBPROCESS_FLAGS_STDIN_PIPE, &err);
  fail_unless (t.proc != NULL, "%s", err ? err->message : "?");
  watch_tool (t.proc);
  t.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (t.proc));
  g_ptr_array_unref (argv);
  return t;
}

/* The end of the tool's output, for a failure message: check cannot pass
 * one of more than 4 kB (it gives up on the whole suite). */
static const gchar *
tail (GString * log)
{
  return log->len > 3000 ? log->str + log->len - 3000 : log->str;
}

/* Reads the tool's output up to a line containing @needle (or the end). */
static gboolean
tool_wait_line (Tool * t, const gchar * needle, GString * log)
{
  gchar *line;

  while ((line = g_data_input_stream_read_line_utf8 (t->out, NULL, NULL,
              NULL))) {
    gboolean found = strstr (line, needle) != NULL;

    g_string_append_printf (log, "%s\n", line);
    g_free (line);
    if (found)
      return TRUE;
  }
  return FALSE;
}

/* Reads the tool's output up to a status line where the sink "out" has
 * taken items (or the end). */
static gboolean
tool_wait_sink_items (Tool * t, GString * log)
{
  while (tool_wait_line (t, "] out: ", log)) {
    const gchar *field = strstr (g_strrstr (log->str, "] out: "), " in=");

    if (field && g_ascii_strtoull (field + 4, NULL, 10) > 0)
      return TRUE;
  }
  return FALSE;
}

typedef struct
{
  GMainLoop *loop;
  gboolean exited;
} ToolWait;

static gboolean
wait_timeout (gpointer data)
{
  g_main_loop_quit (((ToolWait *) data)->loop);
  return G_SOURCE_REMOVE;
}

static void
wait_done (GObject * proc, GAsyncResult * res, gpointer data)
{
  ToolWait *w = data;

  g_subprocess_wait_finish (G_SUBPROCESS (proc), res, NULL);
  w->exited = TRUE;
  g_main_loop_quit (w->loop);
}

/* Reads all output, waits (bounded: @timeout_s times
 * test_timeout_scale (), 10 under valgrind) for the exit;
 * returns the status. Nothing of the wait outlives it, even on a
 * failure (without fork the next test runs in this process). */
static gint
tool_finish (Tool * t, GString * log, guint timeout_s)
{
  ToolWait w = { g_main_loop_new (NULL, FALSE), FALSE };
  gboolean timed_out, signaled;
  guint id;
  gint status;

  tool_wait_line (t, "\x01never\x01", log);
  timeout_s *= test_timeout_scale ();
  id = g_timeout_add_seconds (timeout_s, wait_timeout, &w);
  g_subprocess_wait_async (t->proc, NULL, wait_done, &w);
  g_main_loop_run (w.loop);
  timed_out = !w.exited;
  if (timed_out) {
    /* the timeout source is gone; the wait's callback still needs @w */
    g_subprocess_force_exit (t->proc);
    while (!w.exited)
      g_main_context_iteration (NULL, TRUE);
  } else {
    g_source_remove (id);
  }
  g_main_loop_unref (w.loop);
  signaled = g_subprocess_get_if_signaled (t->proc);
  status = signaled ? -g_subprocess_get_term_sig (t->proc) :
      g_subprocess_get_exit_status (t->proc);
  g_object_unref (t->out);
  g_object_unref (t->proc);
  fail_if (timed_out, "the tool did not exit within %u s:\n%s", timeout_s,
      tail (log));
  /* a crash, or a GLib warning made fatal (G_DEBUG) */
  fail_if (signaled, "the tool was killed by signal %d:\n%s", -status,
      tail (log));
  return status;
}

static gint
run_tool (const gchar * const *args, GString * log, guint timeout_s)
{
  Tool t = tool_spawn (args);

  return tool_finish (&t, log, timeout_s);
}

static JsonObject *
load_json (const gchar * path, JsonParser ** parser)
{
  GError *err = NULL;

  *parser = json_parser_new ();
  fail_unless (json_parser_load_from_file (*parser, path, &err), "%s",
      err ? err->message : "?");
  return json_node_get_object (json_parser_get_root (*parser));
}

static JsonObject *
named (JsonObject * root, const gchar * array, const gchar * name)
{
  JsonArray *a = json_object_get_array_member (root, array);
  guint i;

  for (i = 0; i < json_array_get_length (a); i++) {
    JsonObject *o = json_array_get_object_element (a, i);

    if (g_str_equal (json_object_get_string_member (o, "name"), name))
      return o;
  }
  fail ("no %s named %s", array, name);
  return NULL;
}

static gint64
member (JsonObject * root, const gchar * array, const gchar * name,
    const gchar * field)
{
  return json_object_get_int_member (named (root, array, name), field);
}

static gchar *
tmp_path (const gchar * name)
{
  gchar *dir = g_dir_make_tmp ("workerlaunch-XXXXXX", NULL);
  gchar *path;

  fail_unless (dir != NULL);
  path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

static void
remove_tmp (gchar * path)
{
  gchar *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

/* Every edge of the chain src -> q1 -> a2 -> q2 -> a3 -> q3 -> out gave
 * out what it took in, and each worker passed on what it took. */
static void
check_chain (JsonObject * root, GString * log)
{
  const gchar *workers[] = { "src", "a2", "a3", "out" };
  const gchar *queues[] = { "q1", "q2", "q3" };
  guint i;

  fail_unless (json_object_get_boolean_member (root, "balanced"), "%s",
      tail (log));
  for (i = 0; i < 3; i++) {
    gint64 qin = member (root, "queues", queues[i], "items-in");

    fail_unless_equals_int64 (qin, member (root, "queues", queues[i],
            "items-out"));
    fail_unless_equals_int64 (member (root, "workers", workers[i],
            "items-out"), qin);
    fail_unless_equals_int64 (member (root, "workers", workers[i + 1],
            "items-in"), qin);
  }
  fail_unless (member (root, "workers", "out", "items-in") > 0);
}

#define CHAIN "testworkersrc", "name=src", "!", "queue", "name=q1", \
  "max-size-buffers=5", "!", "testworker", "name=a2", \
  "process-time=200000", "!", "queue", "name=q2", "max-size-buffers=5", \
  "!", "testworker", "name=a3", "!", "queue", "name=q3", \
  "max-size-buffers=5", "!", "testworkersink", "name=out"

/* A signal mid-run: the tool drains, exits 0, and its --stats-json shows
 * equal counts in and out along the chain. */
static void
check_signal_drains (gint signum, const gchar * says)
{
  gchar *json = tmp_path ("stats.json");
  const gchar *args[] = { "--status-interval", "100", "--stats-json", json,
    CHAIN, NULL
  };
  Tool t = tool_spawn (args);
  GString *log = g_string_new (NULL);
  JsonParser *parser;
  JsonObject *root;

  /* running: a status line shows items at the sink (not a time: under
   * valgrind the first ones come seconds after the first status) */
  fail_unless (tool_wait_sink_items (&t, log), "%s", tail (log));
  g_subprocess_send_signal (t.proc, signum);
  fail_unless_equals_int (tool_finish (&t, log, 30), 0);
  fail_unless (strstr (log->str, says) != NULL, "%s", tail (log));

  root = load_json (json, &parser);
  fail_unless_equals_string (json_object_get_string_member (root, "outcome"),
      "drained");
  check_chain (root, log);
  g_object_unref (parser);
  remove_tmp (json);
  g_string_free (log, TRUE);
}

GST_START_TEST (test_sigint_drains)
{
  check_signal_drains (SIGINT, "interrupted: draining");
}

GST_END_TEST;

/* The terminal went away (SIGHUP): a drain too, not a stop. */
GST_START_TEST (test_sighup_drains)
{
  check_signal_drains (SIGHUP, "hang-up: draining");
}

GST_END_TEST;

/* A worker that fails: status 1, and the message names it. */
GST_START_TEST (test_error_names_element)
{
  const gchar *args[] = { "-q", "testworkersrc", "!", "queue", "!",
    "testworker", "name=bad", "error-after=10", "!", "queue", "!",
    "testworkersink", NULL
  };
  GString *log = g_string_new (NULL);

  fail_unless_equals_int (run_tool (args, log, 30), 1);
  fail_unless (strstr (log->str, "ERROR from element bad: Test worker "
          "failed on purpose.") != NULL, "%s", tail (log));
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* --on-error=restart: the pipeline comes back and keeps running; an exit
 * with drain after the restart is clean, and the restart is counted. */
GST_START_TEST (test_restart_keeps_running)
{
  gchar *json = tmp_path ("stats.json");
  const gchar *args[] = { "--status-interval", "20", "--on-error=restart",
    "--restart-backoff", "50", "--stats-json", json, "testworkersrc",
    "name=src",
    "produce-time=2000000", "!", "queue", "name=q1", "!", "testworker",
    "name=a2", "error-after=100", "max-errors=1", "!", "queue", "name=q2",
    "!", "testworker",
    "name=a3", "!", "queue", "name=q3", "!", "testworkersink", "name=out",
    NULL
  };
  Tool t = tool_spawn (args);
  GString *log = g_string_new (NULL);
  JsonParser *parser;
  JsonObject *root;

  fail_unless (tool_wait_line (&t, "ERROR from element a2", log), "%s",
      tail (log));
  fail_unless (tool_wait_line (&t, "pipeline restarted (1)", log), "%s",
      tail (log));
  /* running again: items reach the sink; a2 errs once only
   * (max-errors), so the drain may come however late */
  fail_unless (tool_wait_sink_items (&t, log), "%s", tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 0);

  root = load_json (json, &parser);
  fail_unless_equals_string (json_object_get_string_member (root, "outcome"),
      "drained");
  fail_unless_equals_int (json_object_get_int_member (root, "restarts"), 1);
  check_chain (root, log);
  g_object_unref (parser);
  remove_tmp (json);
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* Bad input: a clear message naming the problem, status 2, at once. */
GST_START_TEST (test_bad_input)
{
  struct
  {
    const gchar *args[10];
    const gchar *says;
  } cases[] = {
    {{"testworkersrc", "!", "nosuchelement", "!", "fakesink", NULL},
        "no element \"nosuchelement\""},
    {{"testworkersrc", "!", "!", "fakesink", NULL},
        "bad pipeline description"},
    {{"testworkersrc", "nosuchprop=1", "!", "fakesink", NULL},
        "no property \"nosuchprop\""},
    {{"--pause", "nope", "testworkersrc", "name=a", "!", "testworkersink",
              NULL}, "No worker named 'nope'"},
    {{"--bogus", "testworkersrc", "!", "fakesink", NULL},
        "Unknown option --bogus"},
    {{"--on-error=maybe", "testworkersrc", "!", "fakesink", NULL},
        "--on-error takes stop or restart"},
    {{"--max-restarts=-1", "testworkersrc", "!", "fakesink", NULL},
        "cannot be negative"},
    {{"--heartbeat-timeout=-1", "testworkersrc", "!", "fakesink", NULL},
        "cannot be negative"},
    {{"--status-interval=0", "testworkersrc", "!", "fakesink", NULL},
        "--status-interval must be at least 1 ms"},
    {{"--duration=5000000000", "testworkersrc", "!", "fakesink", NULL},
        "--duration is at most 4294967295 s"},
    {{"--stats-json=/nope/dir/stats.json", "testworkersrc", "!", "fakesink",
              NULL}, "cannot write --stats-json /nope/dir/stats.json"},
    {{"--on-stall=maybe", "testworkersrc", "!", "fakesink", NULL},
        "--on-stall takes report or restart, not 'maybe'"},
    {{"--deadlock=maybe", "testworkersrc", "!", "fakesink", NULL},
        "--deadlock takes off, report or resolve, not 'maybe'"},
    {{"--deadlock-settle", "0", "testworkersrc", "!", "fakesink", NULL},
        "--deadlock-settle must be at least 1 ms"},
    {{"--tune=maybe", "testworkersrc", "!", "fakesink", NULL},
        "--tune takes off, report or auto, not 'maybe'"},
    {{"--tune-max-replicas", "0", "testworkersrc", "!", "fakesink", NULL},
        "--tune-max-replicas takes 1 to 64"},
    {{"--max-queue-growth", "-3", "testworkersrc", "!", "fakesink", NULL},
        "cannot be negative"},
    {{"-f", "/nope/missing.pipeline", NULL}, "/nope/missing.pipeline"},
    {{"testworkersrc", "!", "workerpool", "size=1000", "worker=testworker",
              "!", "fakesink", NULL},
        "bad value \"1000\" for property 'size' of workerpool0: it must be "
          "from 1 to 64"},
    {{"testworkersrc", "!", "workerpool", "name=p", "queue-size=0",
              "worker=testworker", "!", "fakesink", NULL},
        "property 'queue-size' of p: it must be from 1"},
    /* GObject's warning has it wrapped round: told as written */
    {{"testworkersrc", "!", "workerpool", "name=p", "hang-timeout=-1",
              "worker=testworker", "!", "fakesink", NULL},
        "bad value \"-1\" for property 'hang-timeout' of p: it must be "
          "from 0 to 2147483647"},
    /* a value the parser cannot read: what the property takes */
    {{"testworkersrc", "!", "workerpool", "isolation=proces",
              "worker=testworker", "!", "fakesink", NULL},
        "to \"proces\": it must be one of thread, process"},
    /* no warning from GObject: the parser wraps it round */
    {{"testworkersrc", "!", "testworker", "name=w", "process-time=-5", "!",
              "fakesink", NULL},
        "bad value \"-5\" for property 'process-time' of w: it must be "
          "from 0 to 18446744073709551615"},
    {{NULL}, "no pipeline description"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GString *log = g_string_new (NULL);

    /* at once: the source runs for ever, so a tool that started the
     * pipeline would not exit (the test's timeout); no wall-clock bound,
     * which valgrind on a loaded machine exceeded */
    fail_unless_equals_int (run_tool (cases[i].args, log, 20), 2);
    fail_unless (strstr (log->str, cases[i].says) != NULL,
        "case %u: '%s' not in:\n%s", i, cases[i].says, tail (log));
    g_string_free (log, TRUE);
  }
}

GST_END_TEST;

/* A value out of range inside a pool's worker description: one line
 * (not one per replica), naming the factory and the pool, in a thread
 * pool as in a process pool (where the replicas' elements are in the
 * children: GLib's words, without any element, twice, before). */
GST_START_TEST (test_bad_value_in_pool_worker)
{
  static const gchar *const says = "bad value \"-5\" for property "
      "'error-after' of testworker (the worker of pool p): it must be from "
      "-1 to 9223372036854775807";
  static const gchar *isolations[] = { "isolation=thread",
    "isolation=process"
  };

  for (guint i = 0; i < G_N_ELEMENTS (isolations); i++) {
    const gchar *args[] = { "testworkersrc", "!", "workerpool", "name=p",
      "size=2", isolations[i], "worker=testworker error-after=-5", "!",
      "fakesink", NULL
    };
    GString *log = g_string_new (NULL);
    const gchar *found;

    fail_unless_equals_int (run_tool (args, log, 20), 2);
    found = strstr (log->str, says);
    fail_unless (found != NULL, "%s: '%s' not in:\n%s", isolations[i], says,
        tail (log));
    fail_if (strstr (found + strlen (says), "error-after") != NULL,
        "twice:\n%s",
        tail (log));
    g_string_free (log, TRUE);
  }
}

GST_END_TEST;

/* A missing file or device at start-up: status 1, naming the path. */
GST_START_TEST (test_missing_file_at_start)
{
  const gchar *args[] = { "filesrc", "location=/nope/in.bin", "!",
    "fakesink", NULL
  };
  GString *log = g_string_new (NULL);

  fail_unless_equals_int (run_tool (args, log, 20), 1);
  fail_unless (strstr (log->str, "filesrc0") != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, "/nope/in.bin") != NULL, "%s", tail (log));
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* A hung worker: reported stalled, the drain times out: status 3, with who
 * held what. The drain starts (SIGINT) once both stalls were reported, not
 * after a --duration that a slow start-up (valgrind at load) used up. */
GST_START_TEST (test_stall_exit_3)
{
  const gchar *args[] = { "-q", "--stall-timeout", "300", "--drain-timeout",
    "300", "--heartbeat-interval", "50", "testworkersrc", "name=src", "!",
    "queue", "name=q1", "max-size-buffers=3", "!", "testworker", "name=a2",
    "hang-after=5", "!", "testworkersink", NULL
  };
  GString *log = g_string_new (NULL);
  Tool t = tool_spawn (args);

  while (!strstr (log->str, "worker a2 stalled: busy for") ||
      !strstr (log->str, "worker src stalled: blocked for"))
    fail_unless (tool_wait_line (&t, " stalled: ", log), "%s", tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 3);
  fail_unless (strstr (log->str, "worker a2 stalled: busy for") != NULL,
      "%s", tail (log));
  fail_unless (strstr (log->str, "worker src stalled: blocked for") != NULL,
      "%s", tail (log));
  fail_unless (strstr (log->str, "on full queue q1") != NULL, "%s",
      tail (log));
  /* the chain of waits behind it */
  fail_unless (strstr (log->str, "src waits to write q1 (full: 3/3 "
          "buffers), read by a2+testworkersink0, which is busy") != NULL, "%s",
      tail (log));
  fail_unless (strstr (log->str, "drain did not finish") != NULL, "%s",
      tail (log));
  fail_unless (strstr (log->str, "queue q1: 4 items") != NULL, "%s",
      tail (log));
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* The tee-and-compositor example of REFERENCES.md, which deadlocks in
 * preroll. */
#define TEE_COMPOSITOR "videotestsrc", "num-buffers=60", "!", \
  "video/x-raw,width=64,height=48", "!", "tee", "name=t", "t.", "!", \
  "queue", "name=q1", "max-size-buffers=2", Q_ARGS, "!", "compositor", \
  "name=c", "!", "fakesink", "t.", "!", "queue", "name=q2", \
  "max-size-buffers=20", Q_ARGS, "min-threshold-buffers=5", "!", "c."
#define Q_ARGS "max-size-bytes=0", "max-size-time=0"

/* --deadlock: resolved by default (status 0, the growth said and in the
 * JSON); off, it hangs until the drain times out (3); reported and left
 * alone, or past --max-queue-growth, status 4 naming the cycle; a
 * feedback loop with no initial items, a true deadlock: 4. */
GST_START_TEST (test_deadlock_exit_status)
{
  gchar *json = tmp_path ("stats.json");
  const gchar *resolve[] = { "-q", "--deadlock-settle", "500",
    "--stats-json", json, TEE_COMPOSITOR, NULL
  };
  const gchar *off[] = { "-q", "--deadlock=off", "--duration", "1",
    "--drain-timeout", "300", TEE_COMPOSITOR, NULL
  };
  const gchar *report[] = { "-q", "--deadlock=report", "--deadlock-settle",
    "500", "--drain-timeout", "300", TEE_COMPOSITOR, NULL
  };
  const gchar *limit[] = { "-q", "--deadlock-settle", "500",
    "--max-queue-growth", "0", "--stats-json", json, TEE_COMPOSITOR, NULL
  };
  /* a feedback loop into a merge that reads it first, no initial items */
  const gchar *loop[] = { "-q", "--deadlock-settle", "200",
    "testworkersrc", "num-buffers=20", "!", "timestampmerge", "name=m", "!",
    "tee", "name=t", "t.", "!", "queue", "!", "testworkersink", "t.", "!",
    "queue", "name=qfb", "!", "testworker", "name=fw", "pts-offset=1000000",
    "!", "feedbacksink", "channel=loop", "feedbacksrc", "name=fbsrc",
    "channel=loop", "!", "queue", "name=qback", "!", "m.", NULL
  };
  const gchar *cycle = "global artificial deadlock: videotestsrc0+capsfilter0"
      "+t waits to write q1 (full: 2/2 buffers), read by c+fakesink0; "
      "c+fakesink0 waits to read q2 (4/20 buffers, below its "
      "min-threshold-buffers 5), written by videotestsrc0+capsfilter0+t";
  GString *log = g_string_new (NULL);
  JsonParser *parser;
  JsonObject *root, *d;
  JsonArray *growths;
  Tool t;
  guint i;

  fail_unless_equals_int (run_tool (resolve, log, 30), 0);
  fail_unless (strstr (log->str, cycle) != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, "resolved by growing q1, the smallest full "
          "queue on the cycle: max-size-buffers 2 -> 3") != NULL, "%s",
      tail (log));
  root = load_json (json, &parser);
  fail_unless_equals_string (json_object_get_string_member (root, "outcome"),
      "drained");
  /* q1 grown by one: the cycle's smallest full queue. A machine slow
   * enough (valgrind at load) that a thread waits longer than the settle
   * time for a core may see it stuck again and grow it once more: each
   * growth of q1 from where the last left it, twice the room */
  growths = json_object_get_array_member (root, "queue-growths");
  fail_unless (json_array_get_length (growths) >= 1);
  for (i = 0; i < json_array_get_length (growths); i++) {
    d = json_array_get_object_element (growths, i);
    fail_unless_equals_string (json_object_get_string_member (d, "queue"),
        "q1");
    fail_unless_equals_int (json_object_get_int_member (d, "from"),
        (1 << i) + 1);
    fail_unless_equals_int (json_object_get_int_member (d, "to"),
        (2 << i) + 1);
  }
  fail_unless_equals_int64 (member (root, "queues", "q1", "items-out"), 60);
  g_object_unref (parser);
  g_string_truncate (log, 0);

  fail_unless_equals_int (run_tool (off, log, 30), 3);
  fail_unless (strstr (log->str, "artificial deadlock") == NULL, "%s",
      tail (log));
  fail_unless (strstr (log->str, "drain did not finish") != NULL, "%s",
      tail (log));
  g_string_truncate (log, 0);

  /* reported, then SIGINT (not a --duration, which a slow start can use
   * up before the deadlock is seen) */
  t = tool_spawn (report);
  fail_unless (tool_wait_line (&t, "not resolved (deadlock-mode is report)",
          log), "%s", tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 4);
  fail_unless (strstr (log->str, "WARNING: ") != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, cycle) != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, "not resolved (deadlock-mode is report)")
      != NULL, "%s", tail (log));
  g_string_truncate (log, 0);

  fail_unless_equals_int (run_tool (limit, log, 30), 4);
  fail_unless (strstr (log->str, "ERROR: ") != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, cycle) != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, "q1, the smallest full queue on the cycle, "
          "may not grow any more (grown by 0 items, max-queue-growth 0): "
          "stopping") != NULL, "%s", tail (log));
  root = load_json (json, &parser);
  fail_unless_equals_string (json_object_get_string_member (root, "outcome"),
      "deadlock");
  d = json_object_get_object_member (root, "deadlock");
  fail_unless_equals_string (json_object_get_string_member (d, "reason"),
      "growth limit");
  fail_unless_equals_int (json_array_get_length
      (json_object_get_array_member (d, "cycle")), 2);
  g_object_unref (parser);
  g_string_truncate (log, 0);

  fail_unless_equals_int (run_tool (loop, log, 30), 4);
  fail_unless (strstr (log->str, "ERROR: global true deadlock: ") != NULL,
      "%s", tail (log));
  fail_unless (strstr (log->str, "fbsrc waits to read channel loop (empty: "
          "0/") != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, "no growth can resolve it") != NULL, "%s",
      tail (log));

  remove_tmp (json);
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* --dot-dir: the graph as .dot, and as .png when graphviz is there. */
/* The elements' warnings reach the user, as under gst-launch-1.0: here
 * flightlink's, with no vehicle on its port. */
GST_START_TEST (test_element_warnings_shown)
{
  const gchar *args[] = { "flightlink", "address=127.0.0.1", "port=0",
    "vehicle-timeout=300", "!", "fakesink", NULL
  };
  GString *log = g_string_new (NULL);
  Tool t = tool_spawn (args);

  /* the warning, then SIGINT (not a --duration, which a slow start-up
   * can use up first) */
  fail_unless (tool_wait_line (&t, "WARNING from element flightlink0: No "
          "vehicle heard: no heartbeat on UDP 127.0.0.1:", log), "%s",
      tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 0);
  g_string_free (log, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_dot_dir)
{
  gchar *dot = tmp_path ("gst-worker-launch.playing.dot");
  gchar *dir = g_path_get_dirname (dot);
  gchar *png = g_build_filename (dir, "gst-worker-launch.playing.png", NULL);
  gchar *dotprog = g_find_program_in_path ("dot");
  const gchar *args[] = { "-q", "--dot-dir", dir, "testworkersrc",
    "num-buffers=50", "!", "queue", "!", "testworkersink", NULL
  };
  GString *log = g_string_new (NULL);
  gchar *text = NULL;

  fail_unless_equals_int (run_tool (args, log, 30), 0);
  fail_unless (g_file_get_contents (dot, &text, NULL, NULL), "%s", tail (log));
  fail_unless (g_str_has_prefix (text, "digraph"));
  fail_unless (strstr (text, "testworkersink") != NULL);
  if (dotprog)
    fail_unless (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_unlink (png);
  g_free (text);
  g_free (png);
  g_free (dir);
  g_free (dotprog);
  remove_tmp (dot);
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* GST_DEBUG_DUMP_DOT_DIR, as gst-launch-1.0 reads it, when --dot-dir is
 * not given. */
GST_START_TEST (test_dot_dir_from_environment)
{
  gchar *dot = tmp_path ("gst-worker-launch.playing.dot");
  gchar *dir = g_path_get_dirname (dot);
  const gchar *args[] = { "-q", "testworkersrc", "num-buffers=20", "!",
    "queue", "!", "testworkersink", NULL
  };
  GString *log = g_string_new (NULL);
  gchar *png = g_build_filename (dir, "gst-worker-launch.playing.png", NULL);

  g_setenv ("GST_DEBUG_DUMP_DOT_DIR", dir, TRUE);
  fail_unless_equals_int (run_tool (args, log, 30), 0);
  g_setenv ("GST_DEBUG_DUMP_DOT_DIR", "", TRUE);
  fail_unless (g_file_test (dot, G_FILE_TEST_IS_REGULAR), "%s", tail (log));
  g_unlink (png);
  g_free (png);
  g_free (dir);
  remove_tmp (dot);
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* gst-launch-1.0's -e, -m, -v and --version are understood. */
GST_START_TEST (test_gst_launch_options)
{
  const gchar *version[] = { "--version", NULL };
  const gchar *args[] = { "-e", "-m", "-v", "testworkersrc", "num-buffers=5",
    "!", "testworkersink", NULL
  };
  GString *log = g_string_new (NULL);

  fail_unless_equals_int (run_tool (version, log, 20), 0);
  fail_unless (strstr (log->str, "gst-worker-launch 0.") != NULL, "%s",
      tail (log));
  g_string_truncate (log, 0);
  fail_unless_equals_int (run_tool (args, log, 30), 0);
  /* -m: every message; -v: caps set on the pads */
  fail_unless (strstr (log->str, "Got message #") != NULL, "%s", tail (log));
  fail_unless (strstr (log->str, ".GstPad:src: caps = ") != NULL, "%s",
      tail (log));
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* on a terminal */

typedef struct
{
  gint master;
  GString *text;
  GMutex lock;
} PtyReader;

static gpointer
pty_read_thread (gpointer data)
{
  PtyReader *r = data;
  gchar buf[1024];
  gssize n;

  while ((n = read (r->master, buf, sizeof (buf))) > 0) {
    g_mutex_lock (&r->lock);
    g_string_append_len (r->text, buf, n);
    g_mutex_unlock (&r->lock);
  }
  return NULL;
}

static gboolean
pty_contains (PtyReader * r, const gchar * needle)
{
  gboolean found;

  g_mutex_lock (&r->lock);
  found = strstr (r->text->str, needle) != NULL;
  g_mutex_unlock (&r->lock);
  return found;
}

static void
pty_wait_for (PtyReader * r, const gchar * needle)
{
  gint64 deadline = test_deadline (20);

  while (!pty_contains (r, needle) && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  if (!pty_contains (r, needle)) {
    gchar *text;

    /* the end only (check gives up on the whole suite for a message of
     * more than 4 kB), copied: the thread may still append */
    g_mutex_lock (&r->lock);
    text = g_strdup (tail (r->text));
    g_mutex_unlock (&r->lock);
    ck_abort_msg ("'%s' not in:\n%s", needle, text);
  }
}

/* On a terminal: a table refreshed in place, keys p, r and q, and the
 * terminal as it was afterwards. */
GST_START_TEST (test_terminal_keys)
{
  gint master, slave;
  struct termios before, after;
  GSubprocessLauncher *launcher;
  GSubprocess *proc;
  PtyReader reader;
  GThread *thread;
  GError *err = NULL;
  const gchar *args[] = { "--status-interval", "100", CHAIN, NULL };
  GPtrArray *argv = tool_argv (args);

  fail_unless (openpty (&master, &slave, NULL, NULL, NULL) == 0);
  fail_unless (tcgetattr (slave, &before) == 0);
  fail_unless (before.c_lflag & ICANON);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stdout_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (slave));
  g_subprocess_launcher_setenv (launcher, "TERM", "xterm", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, &err);
  g_ptr_array_unref (argv);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  watch_tool (proc);
  /* closes its copies of the slave: the master sees the end when the tool
   * and this test have closed theirs */
  g_object_unref (launcher);

  reader.master = master;
  reader.text = g_string_new (NULL);
  g_mutex_init (&reader.lock);
  thread = g_thread_new ("pty", pty_read_thread, &reader);

  /* the table (a title, a header, 4 workers), the second time drawn over
   * the first */
  pty_wait_for (&reader, "WORKER");
  pty_wait_for (&reader, "\033[6A\033[J");
  /* raw mode: a key needs no Enter */
  fail_unless (tcgetattr (slave, &after) == 0);
  fail_if (after.c_lflag & ICANON);
  fail_if (after.c_lflag & ECHO);

  fail_unless (write (master, "p", 1) == 1);
  pty_wait_for (&reader, "system paused");
  pty_wait_for (&reader, "(PAUSED)");
  fail_unless (write (master, "r", 1) == 1);
  pty_wait_for (&reader, "system resumed");
  fail_unless (write (master, "q", 1) == 1);
  pty_wait_for (&reader, "quit: draining");

  fail_unless (g_subprocess_wait (proc, NULL, NULL));
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 0);
  pty_wait_for (&reader, "every queue gave out every item it took in");

  /* the terminal is back as it was */
  fail_unless (tcgetattr (slave, &after) == 0);
  fail_unless (after.c_lflag & ICANON);
  fail_unless (after.c_lflag & ECHO);

  close (slave);
  g_thread_join (thread);
  close (master);
  g_string_free (reader.text, TRUE);
  g_mutex_clear (&reader.lock);
  g_object_unref (proc);
}

GST_END_TEST;

/* --tune=auto: the pool at the bottleneck grows, and the final report
 * says where the time went, the bottleneck and what changed. */
GST_START_TEST (test_tune_auto)
{
  const gchar *args[] = { "--status-interval", "100", "--tune=auto",
    "--tune-max-replicas", "2", "testworkersrc", "num-buffers=1000000", "!",
    "queue", "!", "workerpool", "name=p", "size=1",
    "worker=testworker process-time=4000000", "!", "queue", "!",
    "testworkersink", "name=out", NULL
  };
  Tool t = tool_spawn (args);
  GString *log = g_string_new (NULL);

  /* the status lines name the new replica once the pool grew */
  fail_unless (tool_wait_line (&t, "] p_r1_testworker: ", log), "%s",
      log->str);
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 0);
  fail_unless (strstr (log->str, "TIME SHARE") != NULL, "%s", log->str);
  fail_unless (strstr (log->str, "bottleneck: p (busy") != NULL, "%s",
      log->str);
  fail_unless (strstr (log->str, "tune: grow p from 1 to 2") != NULL, "%s",
      log->str);
  g_string_free (log, TRUE);
}

GST_END_TEST;

/* The tool on a pseudo-terminal, its output read by a thread. */
static GSubprocess *
pty_spawn (const gchar * const *args, gint * slave, PtyReader * reader,
    GThread ** thread)
{
  GPtrArray *argv = tool_argv (args);
  GSubprocessLauncher *launcher;
  GSubprocess *proc;
  GError *err = NULL;

  fail_unless (openpty (&reader->master, slave, NULL, NULL, NULL) == 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (*slave));
  g_subprocess_launcher_take_stdout_fd (launcher, dup (*slave));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (*slave));
  g_subprocess_launcher_setenv (launcher, "TERM", "xterm", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, &err);
  g_ptr_array_unref (argv);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  watch_tool (proc);
  g_object_unref (launcher);
  reader->text = g_string_new (NULL);
  g_mutex_init (&reader->lock);
  *thread = g_thread_new ("pty", pty_read_thread, reader);
  return proc;
}

static void
pty_key (PtyReader * r, const gchar * keys)
{
  fail_unless (write (r->master, keys, strlen (keys)) ==
      (gssize) strlen (keys));
}

/* Keys on one row: select a worker (j, k, arrows), pause and resume it
 * (space), resize its pool (+, -). */
GST_START_TEST (test_terminal_row_keys)
{
  const gchar *args[] = { "--status-interval", "100",
    "testworkersrc", "name=src", "num-buffers=1000000", "!", "queue", "!",
    "workerpool", "name=p", "size=1", "worker=testworker name=w "
        "process-time=100000", "!", "queue", "!", "testworkersink",
    "name=out", NULL
  };
  PtyReader reader;
  GThread *thread;
  gint slave;
  GSubprocess *proc = pty_spawn (args, &slave, &reader, &thread);

  pty_wait_for (&reader, "[space] pause worker");
  /* the first row is selected; down: the pool's worker */
  pty_wait_for (&reader, "> src");
  pty_key (&reader, "j");
  pty_key (&reader, "+");
  pty_wait_for (&reader, "pool p: 2 replicas");
  pty_key (&reader, "-");
  pty_wait_for (&reader, "pool p: 1 replica\r");
  pty_key (&reader, " ");
  pty_wait_for (&reader, "paused ([space] resumes it)");
  pty_key (&reader, " ");
  pty_wait_for (&reader, "resumed");
  /* up (an arrow): the source, in no pool */
  pty_key (&reader, "\033[A");
  pty_key (&reader, "+");
  pty_wait_for (&reader, "worker src is not in a workerpool");
  pty_key (&reader, "q");
  fail_unless (g_subprocess_wait (proc, NULL, NULL));
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 0);

  close (slave);
  g_thread_join (thread);
  close (reader.master);
  g_string_free (reader.text, TRUE);
  g_mutex_clear (&reader.lock);
  g_object_unref (proc);
}

GST_END_TEST;

/* A second SIGINT while draining: stop now, status 3, with what was
 * discarded. The drain resumes the paused sink, so a3 hangs on its first
 * item after the 6 that fill q3 and itself: the drain cannot finish
 * however late the second SIGINT comes. */
GST_START_TEST (test_second_sigint_stops_now)
{
  const gchar *args[] = { "--status-interval", "100", "--pause", "out",
    "--drain-timeout", "60000", "--stall-timeout", "0", "testworkersrc",
    "name=src", "!", "queue", "name=q1", "max-size-buffers=5", "!",
    "testworker", "name=a2", "process-time=200000", "!", "queue", "name=q2",
    "max-size-buffers=5", "!", "testworker", "name=a3", "hang-after=6", "!",
    "queue", "name=q3", "max-size-buffers=5", "!", "testworkersink",
    "name=out", NULL
  };
  Tool t = tool_spawn (args);
  GString *log = g_string_new (NULL);

  /* running (its signal handlers are in place), and items held: the
   * paused sink's queue is full (the first status may come before any) */
  fail_unless (tool_wait_line (&t, "] out: paused in=0 out=0 rate=0.0/s "
          "avg=0.000 ms max=0.000 ms input=5/5", log), "%s", tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless (tool_wait_line (&t, "interrupted: draining", log), "%s",
      tail (log));
  g_subprocess_send_signal (t.proc, SIGINT);
  fail_unless_equals_int (tool_finish (&t, log, 30), 3);
  fail_unless (strstr (log->str, "interrupted again: stopping now") != NULL,
      "%s", tail (log));
  fail_unless (strstr (log->str, "items discarded") != NULL, "%s", tail (log));
  g_string_free (log, TRUE);
}

GST_END_TEST;

static Suite *
workerlaunch_suite (void)
{
  Suite *s = suite_create ("workerlaunch");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, stop_left_running);
  tcase_add_test (tc, test_sigint_drains);
  tcase_add_test (tc, test_sighup_drains);
  tcase_add_test (tc, test_error_names_element);
  tcase_add_test (tc, test_restart_keeps_running);
  tcase_add_test (tc, test_bad_input);
  tcase_add_test (tc, test_bad_value_in_pool_worker);
  tcase_add_test (tc, test_missing_file_at_start);
  tcase_add_test (tc, test_stall_exit_3);
  tcase_add_test (tc, test_deadlock_exit_status);
  tcase_add_test (tc, test_element_warnings_shown);
  tcase_add_test (tc, test_dot_dir);
  tcase_add_test (tc, test_dot_dir_from_environment);
  tcase_add_test (tc, test_gst_launch_options);
  tcase_add_test (tc, test_terminal_keys);
  tcase_add_test (tc, test_terminal_row_keys);
  tcase_add_test (tc, test_tune_auto);
  tcase_add_test (tc, test_second_sigint_stops_now);
  return s;
}

GST_CHECK_MAIN (workerlaunch);
