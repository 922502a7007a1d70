/* gst-workers: what the processreplica tests share (processreplica.c,
 * processfaults.c, processpool.c): running pipelines, reading stats,
 * digests, gst-worker-launch's report
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

/* The pipelines (and harnessed elements) of the running test are watched
 * (test_pipeline_watch): a test that fails leaves its own running (check
 * jumps out of it), and with CK_FORK=no (valgrind, asan) their threads and
 * children would outlive it and hang the next test's
 * gst_task_cleanup_all(). The teardown stops them, so a failure is
 * reported, not a hang. A checked teardown. */
void
stop_leftovers (void)
{
  test_pipeline_stop_leftovers ();
  g_unsetenv ("GST_WORKER_CHILD");
}

GstElement *
launch (const gchar * desc)
{
  return test_pipeline_launch (desc);
}

GstHarness *
harness (const gchar * desc)
{
  GstHarness *h = gst_harness_new_parse (desc);

  test_pipeline_watch (h->element);
  return h;
}

/* @value (a bound: a time a healthy child never needs) times
 * GST_WORKERS_TEST_TIMEOUT_SCALE, which the valgrind setup sets. */
gint64
scaled (gint64 value)
{
  const gchar *scale = g_getenv ("GST_WORKERS_TEST_TIMEOUT_SCALE");

  return value * (scale ? CLAMP (g_ascii_strtoll (scale, NULL, 10), 1, 100) :
      1);
}

/* A buffer of @size bytes, all set (unset bytes would cross the socket:
 * valgrind says so) */
GstBuffer *
filled (gsize size)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);

  gst_buffer_memset (buf, 0, 0x33, size);
  return buf;
}

/* Plays @pipe to EOS or an error; the warnings on the way go to
 * @warnings (their texts, joined), if given. */
GstMessage *
run (GstElement * pipe, GString * warnings)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (;;) {
    msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "neither EOS nor an error");
    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING)
      break;
    if (warnings) {
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_string_append_printf (warnings, "%s\n", err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return msg;
}

void
run_to_eos (GstElement * pipe, GString * warnings)
{
  test_message_expect_eos (run (pipe, warnings));
}

gchar *
run_error (GstElement * pipe, gchar ** src)
{
  GstMessage *msg = run (pipe, NULL);
  GError *err = NULL;
  gchar *text;

  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  if (src)
    *src = g_strdup (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)));
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

GstStructure *
stats (GstElement * pipe, const gchar * name)
{
  GstElement *e = test_pipeline_get (pipe, name);
  GstStructure *s;

  fail_unless (GST_IS_WORKER (e));
  s = gst_worker_get_stats (GST_WORKER (e));
  gst_object_unref (e);
  return s;
}

guint64
stat_u64 (GstElement * pipe, const gchar * name, const gchar * field)
{
  GstStructure *s = stats (pipe, name);
  guint64 v = G_MAXUINT64;
  guint u;

  if (!gst_structure_get_uint64 (s, field, &v)) {
    fail_unless (gst_structure_get_uint (s, field, &u), "no %s", field);
    v = u;
  }
  gst_structure_free (s);
  return v;
}

/* The digest and count of what @middle makes of @src. */
gchar *
digest_of (const gchar * src, const gchar * middle, guint64 * count,
    GString * warnings)
{
  gchar *desc = g_strdup_printf ("%s ! %s ! testworkersink name=sink", src,
      middle);
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  gchar *digest = NULL;

  run_to_eos (pipe, warnings);
  g_object_get (sink, "digest", &digest, "count", count, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return digest;
}

void
assert_same_as_in_thread (const gchar * src, const gchar * worker,
    const gchar * replica_props, guint64 expected)
{
  guint64 n_thread = 0, n_proc = 0;
  gchar *proc = g_strdup_printf ("processreplica %s worker=\"%s\"",
      replica_props, worker);
  gchar *a = digest_of (src, worker, &n_thread, NULL);
  gchar *b = digest_of (src, proc, &n_proc, NULL);

  fail_unless_equals_uint64 (n_thread, expected);
  fail_unless_equals_uint64 (n_proc, expected);
  fail_unless_equals_string (b, a);
  g_free (a);
  g_free (b);
  g_free (proc);
}

/* Runs gst-worker-launch on @desc (a NULL-terminated argv after the
 * tool's name) to its end; its output, and in @status (if given) its exit
 * status (-1: killed). */
gchar *
launch_tool (const gchar * const *desc, gint * status)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *err = NULL;
  GSubprocess *proc;
  gchar *out = NULL;

  g_ptr_array_add (argv, (gpointer) GST_WORKER_LAUNCH);
  for (guint i = 0; desc[i]; i++)
    g_ptr_array_add (argv, (gpointer) desc[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err), "%s", err ? err->message : "?");
  if (status)
    *status = g_subprocess_get_if_exited (proc) ?
        g_subprocess_get_exit_status (proc) : -1;
  g_object_unref (proc);
  g_ptr_array_unref (argv);
  return out;
}

/* The end of a tool's output @out, for a failure message: check cannot
 * pass one of more than about 4 kB (it gives up on the whole suite). */
const gchar *
output_end (const gchar * out)
{
  gsize len = strlen (out);

  return len > 3000 ? out + len - 3000 : out;
}

/* Column @col (0: IN) of @name's row in the report @out. */
guint64
report_column (const gchar * out, const gchar * name, guint col)
{
  gchar *row = g_strdup_printf ("\n%s ", name);
  const gchar *at = strstr (out, row);
  gchar **fields;
  guint64 v = 0;

  fail_unless (at != NULL, "no row %s in:\n%s", name, output_end (out));
  fields = g_strsplit_set (at + strlen (row), " \n", -1);
  for (guint i = 0, n = 0; fields[i]; i++) {
    if (!*fields[i])
      continue;
    if (n++ == col) {
      v = g_ascii_strtoull (fields[i], NULL, 10);
      break;
    }
  }
  g_strfreev (fields);
  g_free (row);
  return v;
}

guint
uint_of (GstElement * pipe, const gchar * name, const gchar * property)
{
  GstElement *e = test_pipeline_get (pipe, name);
  guint v = 0;

  g_object_get (e, property, &v, NULL);
  gst_object_unref (e);
  return v;
}


/* A child program for GST_WORKER_CHILD: a shell script @name in @dir that
 * runs @prologue (shell lines, "%s"-free) and then the real
 * gst-worker-child (built beside the plugin) with the same arguments.
 * Returns: (transfer full): its path */
gchar *
child_wrapper (const gchar * dir, const gchar * name, const gchar * prologue)
{
  GstElementFactory *f = gst_element_factory_find ("processreplica");
  GstPlugin *plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (f));
  gchar *plugindir = g_path_get_dirname (gst_plugin_get_filename (plugin));
  gchar *real = g_build_filename (plugindir, "gst-worker-child", NULL);
  gchar *script = g_build_filename (dir, name, NULL);
  gchar *text = g_strdup_printf ("#!/bin/sh\n%s\nexec '%s' \"$@\"\n",
      prologue, real);

  fail_unless (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  g_free (text);
  g_free (real);
  g_free (plugindir);
  gst_object_unref (plugin);
  gst_object_unref (f);
  return script;
}

/* The entry named @name in the controller's status, or NULL. */
GstStructure *
status_entry (GstWorkerController * ctrl, const gchar * name)
{
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  GstStructure *found = NULL;

  for (guint i = 0; !found && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));

    if (g_strcmp0 (gst_structure_get_string (w, "name"), name) == 0)
      found = gst_structure_copy (w);
  }
  gst_structure_free (status);
  return found;
}

/* A controller of the system of @description, not started (its
 * properties and signal handlers come next). */
GstWorkerController *
controller_new (const gchar * description)
{
  GError *err = NULL;
  GstWorkerController *ctrl =
      gst_worker_controller_new_from_description (description, &err);

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  return ctrl;
}

/* Starts @ctrl. Returns: (transfer full): its pipeline, watched (a failed
 * test's teardown stops it). */
GstPipeline *
controller_start (GstWorkerController * ctrl)
{
  GError *err = NULL;

  fail_unless (gst_worker_controller_start (ctrl, &err), "%s",
      err ? err->message : "?");
  return test_pipeline_watch (gst_worker_controller_get_pipeline (ctrl));
}
