/* gst-workers: every pipelines/ file runs to EOS
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include "testpipeline.h"

/* A file that never ends by itself says when to send EOS, as gst-launch-1.0
 * -e does on Ctrl-C, with a line "# eos-after: SECONDS"; one that needs
 * hardware says so with a line "# pipelines-test: skip, REASON". */
#define DEFAULT_EOS_AFTER (5 * GST_SECOND)

static GstClockTime
eos_after (const gchar * path)
{
  gchar *text = NULL;
  const gchar *tag;
  GstClockTime t = DEFAULT_EOS_AFTER;

  if (g_file_get_contents (path, &text, NULL, NULL) &&
      (tag = strstr (text, "# eos-after:")))
    t = g_ascii_strtod (tag + strlen ("# eos-after:"), NULL) * GST_SECOND;
  g_free (text);
  return t;
}

static gboolean
skipped (const gchar * path)
{
  gchar *text = NULL;
  gboolean skip;

  skip = g_file_get_contents (path, &text, NULL, NULL) &&
      strstr (text, "# pipelines-test: skip") != NULL;
  g_free (text);
  return skip;
}

static void
run_file (const gchar * path)
{
  GError *err = NULL;
  gchar *desc;
  GstElement *pipe;
  GstMessage *msg;

  if (skipped (path)) {
    GST_INFO ("skipping %s", path);
    return;
  }
  desc = test_pipeline_read (path, &err);

  fail_unless (desc != NULL, "%s: %s", path, err ? err->message : "?");
  pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s: %s", path, err ? err->message : "?");
  g_clear_error (&err);

  msg = test_pipeline_run (pipe, GST_CLOCK_TIME_NONE, eos_after (path));
  fail_unless (msg != NULL, "%s: no EOS", path);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("%s: error from %s: %s (%s)", path,
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message, dbg);
  }
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
  g_free (desc);
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar **) a, *(const gchar **) b);
}

/* Files are written for `make run`, from the top of the tree: they read
 * `pipelines/...`. They run in a scratch directory that has it, so that
 * what they write stays out of the tree. */
static gchar *
enter_scratch_dir (gchar ** old_dir)
{
  gchar *dir = g_dir_make_tmp ("gst-workers-pipelines-XXXXXX", NULL);
  gchar *link;

  fail_unless (dir != NULL);
  link = g_build_filename (dir, "pipelines", NULL);
  fail_unless (symlink (PIPELINES_DIR, link) == 0);
  g_free (link);
  *old_dir = g_get_current_dir ();
  fail_unless (g_chdir (dir) == 0);
  return dir;
}

static void
leave_scratch_dir (gchar * dir, gchar * old_dir)
{
  gchar *link = g_build_filename (dir, "pipelines", NULL);
  GDir *d;
  const gchar *name;

  fail_unless (g_chdir (old_dir) == 0);
  g_unlink (link);
  /* what the files wrote (autonomy.pipeline's JSON Lines) */
  d = g_dir_open (dir, 0, NULL);
  fail_unless (d != NULL);
  while ((name = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, name, NULL);

    fail_unless (g_unlink (path) == 0, "cannot remove %s", path);
    g_free (path);
  }
  g_dir_close (d);
  fail_unless (g_rmdir (dir) == 0);
  g_free (link);
  g_free (dir);
  g_free (old_dir);
}

GST_START_TEST (test_every_pipeline_file)
{
  GDir *dir = g_dir_open (PIPELINES_DIR, 0, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  gchar *scratch, *old_dir = NULL;
  const gchar *name;
  guint i;

  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".pipeline"))
      g_ptr_array_add (files, g_build_filename (PIPELINES_DIR, name, NULL));
  g_dir_close (dir);
  g_ptr_array_sort (files, compare_paths);
  fail_unless (files->len > 0);

  scratch = enter_scratch_dir (&old_dir);
  for (i = 0; i < files->len; i++) {
    GST_INFO ("running %s", (gchar *) files->pdata[i]);
    run_file (files->pdata[i]);
  }
  leave_scratch_dir (scratch, old_dir);
  g_ptr_array_unref (files);
}

GST_END_TEST;

static Suite *
pipelines_suite (void)
{
  Suite *s = suite_create ("pipelines");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_every_pipeline_file);
  return s;
}

GST_CHECK_MAIN (pipelines);
