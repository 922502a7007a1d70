/* gst-workers: the unit tests' own environment
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gst/check/gstcheck.h>

/* A GLib warning from any log domain (ours, a library's, a tool the test
 * runs) ends the process that logs it, as in GStreamer's own check suite
 * (G_DEBUG=fatal-warnings): a test cannot pass over one. gstcheck alone
 * catches warnings from GLib's and GStreamer's domains only. */
GST_START_TEST (test_glib_warning_is_fatal)
{
  static const gchar *domains[] = { "GstWorker", "GstAutonomy", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++) {
    int status = 0;
    pid_t pid = fork ();

    fail_unless (pid >= 0);
    if (pid == 0) {
      g_log (domains[i], G_LOG_LEVEL_WARNING, "a warning for the test");
      _exit (0);
    }
    fail_unless_equals_int (waitpid (pid, &status, 0), pid);
    fail_unless (WIFSIGNALED (status), "a warning (domain %s) did not end "
        "the process: run the tests with G_DEBUG=fatal-warnings",
        domains[i] ? domains[i] : "default");
  }
}

GST_END_TEST;

static Suite *
testenv_suite (void)
{
  Suite *s = suite_create ("testenv");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_glib_warning_is_fatal);
  return s;
}

GST_CHECK_MAIN (testenv);
