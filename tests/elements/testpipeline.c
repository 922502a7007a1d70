/* gst-workers: running pipeline descriptions in tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gst/check/gstcheck.h>
#include "testpipeline.h"

/* GST_WORKERS_TEST_TIMEOUT_SCALE (1 to 100; the valgrind setup sets 10,
 * as meson's timeout multiplier), 1 without it. */
guint
test_timeout_scale (void)
{
  const gchar *scale = g_getenv ("GST_WORKERS_TEST_TIMEOUT_SCALE");

  return scale ? (guint) CLAMP (g_ascii_strtoull (scale, NULL, 10), 1, 100)
      : 1;
}

/* The monotonic time @seconds from now, times test_timeout_scale(): the
 * end of a bounded wait for a condition (a hang guard, never a time the
 * test needs). */
gint64
test_deadline (guint seconds)
{
  return g_get_monotonic_time () +
      (gint64) seconds * test_timeout_scale () * G_TIME_SPAN_SECOND;
}

/* Every pipeline test_pipeline_launch() made, and every element given to
 * test_pipeline_watch(), not yet finalized (weak pointers, only touched
 * from the test's thread). */
static GSList *launched;

/* Has test_pipeline_stop_leftovers() stop @element (a pipeline, or an
 * element a harness runs) if a failed test leaves it. Returns @element. */
gpointer
test_pipeline_watch (gpointer element)
{
  gpointer *slot = g_new (gpointer, 1);

  *slot = element;
  g_object_add_weak_pointer (G_OBJECT (element), slot);
  launched = g_slist_prepend (launched, slot);
  return element;
}

/* A checked teardown: sets the pipelines a failed test left running to
 * NULL. Without fork (valgrind, asan) the next tests run in the same
 * process, and at its end gst_task_cleanup_all() would wait for ever for
 * the streaming threads of a pipeline still PLAYING. */
void
test_pipeline_stop_leftovers (void)
{
  GSList *l;

  for (l = launched; l; l = l->next) {
    gpointer *slot = l->data;

    if (*slot) {
      GST_WARNING ("stopping %s, left by a failed test",
          GST_OBJECT_NAME (*slot));
      gst_element_set_state (GST_ELEMENT (*slot), GST_STATE_NULL);
      g_object_remove_weak_pointer (G_OBJECT (*slot), slot);
    }
    g_free (slot);
  }
  g_clear_pointer (&launched, g_slist_free);
}

/* The pipeline of @description; the test fails, naming the description
 * and the problem, if it cannot be made (a missing element or property
 * too: the parse errors are fatal). */
GstElement *
test_pipeline_launch (const gchar * description)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);

  fail_unless (pipe != NULL, "%s: %s", description,
      err ? err->message : "?");
  g_clear_error (&err);
  return test_pipeline_watch (pipe);
}

/* The element named @name in @pipeline (a ref); the test fails if there
 * is none. */
GstElement *
test_pipeline_get (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  fail_unless (e != NULL, "the pipeline has no element named %s", name);
  return e;
}

/* The description in a pipelines/ file: its lines without `#` comments. */
gchar *
test_pipeline_read (const gchar * path, GError ** error)
{
  gchar *text = NULL, **lines, **l;
  GString *desc;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  desc = g_string_new (NULL);
  lines = g_strsplit (text, "\n", -1);
  for (l = lines; *l; l++) {
    gchar *hash = strchr (*l, '#');

    if (hash)
      *hash = '\0';
    g_string_append (desc, *l);
    g_string_append_c (desc, ' ');
  }
  g_strfreev (lines);
  g_free (text);
  return g_string_free (desc, FALSE);
}

static gboolean
is_playing (GstElement * pipeline)
{
  gboolean playing;

  GST_OBJECT_LOCK (pipeline);
  playing = GST_STATE (pipeline) == GST_STATE_PLAYING &&
      GST_STATE_PENDING (pipeline) == GST_STATE_VOID_PENDING;
  GST_OBJECT_UNLOCK (pipeline);
  return playing;
}

/* Plays @pipeline as gst-launch-1.0 -e does: until EOS or an error; if
 * neither came after @eos_after, sends EOS to the pipeline (what -e does on
 * Ctrl-C) once the pipeline is PLAYING, and waits for it. Returns the EOS
 * or ERROR message, or NULL if nothing came within @timeout in all. Leaves
 * the pipeline PLAYING. */
GstMessage *
test_pipeline_run (GstElement * pipeline, GstClockTime timeout,
    GstClockTime eos_after)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstClockTime start = gst_util_get_timestamp ();
  gboolean eos_sent = FALSE;
  GstMessage *msg = NULL;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    gst_object_unref (bus);
    return msg;
  }

  while (!msg) {
    GstClockTime now = gst_util_get_timestamp () - start;
    GstMessage *m;

    if (now >= timeout)
      break;
    if (!eos_sent && GST_CLOCK_TIME_IS_VALID (eos_after) && now >= eos_after &&
        is_playing (pipeline)) {
      /* not while prerolling: a source blocked on a full queue would hold
       * the state lock that the state change needs */
      gst_element_send_event (pipeline, gst_event_new_eos ());
      eos_sent = TRUE;
    }
    m = gst_bus_timed_pop_filtered (bus, 10 * GST_MSECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_LATENCY);
    if (!m)
      continue;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_LATENCY) {
      gst_bin_recalculate_latency (GST_BIN (pipeline));
      gst_message_unref (m);
      continue;
    }
    msg = m;
  }
  gst_object_unref (bus);
  return msg;
}

/* @msg (taken), a run's end: fails unless it is an EOS, naming the
 * element of an error and its message. */
void
test_message_expect_eos (GstMessage * msg)
{
  fail_unless (msg != NULL, "neither EOS nor an error");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
        err->message, dbg);
  }
  gst_message_unref (msg);
}

/* A structure as text, for failure messages (valid until the next call);
 * cut to 3000 characters: check cannot send a failure message longer than
 * about 4 kB ("Message string too long" ends the whole run). */
const gchar *
test_str (const GstStructure * s)
{
  static gchar *text;

  g_free (text);
  text = s ? gst_structure_to_string (s) : g_strdup ("(null)");
  if (strlen (text) > 3000)
    strcpy (text + 2980, " ...(cut)");
  return text;
}

typedef struct
{
  GMainLoop *loop;
  TestLoopCondition cond;
  gpointer run;
  gconstpointer data;
  gboolean met;
  gboolean timed_out;
} Waiter;

static gboolean
check_condition (gpointer user_data)
{
  Waiter *w = user_data;

  if (w->cond (w->run, w->data)) {
    w->met = TRUE;
    g_main_loop_quit (w->loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
time_out (gpointer user_data)
{
  Waiter *w = user_data;

  w->timed_out = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

/* Runs @loop until @cond (@run, @data) holds, checking every 10 ms and
 * whenever something else quits the loop, for at most @timeout_ms (a
 * hang guard, times GST_WORKERS_TEST_TIMEOUT_SCALE: the valgrind setup
 * sets 10, as meson's timeout multiplier).
 * Returns: whether it held. */
gboolean
test_loop_run_until (GMainLoop * loop, TestLoopCondition cond, gpointer run,
    gconstpointer data, guint timeout_ms)
{
  Waiter w = { loop, cond, run, data, FALSE, FALSE };
  guint check, id;

  if (cond (run, data))
    return TRUE;
  timeout_ms *= test_timeout_scale ();
  check = g_timeout_add (10, check_condition, &w);
  id = g_timeout_add (timeout_ms, time_out, &w);
  while (!w.met && !w.timed_out) {
    g_main_loop_run (loop);
    /* quit by another callback (a finished run, say) */
    if (!w.met && !w.timed_out && cond (run, data)) {
      g_source_remove (check);
      w.met = TRUE;
    }
  }
  if (!w.met)
    g_source_remove (check);
  if (!w.timed_out)
    g_source_remove (id);
  return w.met;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs @loop for @ms. */
void
test_loop_run_for (GMainLoop * loop, guint ms)
{
  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}
