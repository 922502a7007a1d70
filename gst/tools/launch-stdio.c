/* gst-workers: gst-worker-launch's standard output, and its workers'
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * The tool's standard output carries its own lines (status, report) and,
 * in command mode, its JSON answers: a script reads them line by line. The
 * workers of the pipeline write to standard output too: a Python worker's
 * print(), a C worker's printf(), and every child process of a process
 * replica (it inherits the tool's file descriptors). When standard output
 * is read by a program (commands may come on standard input: a pipe, a
 * socket or a file, not a terminal nor /dev/null; or --status-format=json),
 * the tool keeps standard output for itself on a descriptor of its own and
 * points descriptor 1, which the workers and the children write to, at
 * standard error.
 *
 * Python workers run in the interpreter of GStreamer's python plugin
 * loader, never finalized: what print() left in Python's buffer would be
 * lost at the exit. It is flushed at the end (gstprocpython.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include "gstprocpython.h"
#include "launch-stdio.h"

/* the tool's standard output */
static FILE *tool_out;

static void
print_to_tool_out (const gchar * text)
{
  fputs (text, tool_out);
  fflush (tool_out);
}

/* Everything the tool prints with g_print(), once standard output
 * carries answers. */
static void
print_to_stderr (const gchar * text)
{
  fputs (text, stderr);
  fflush (stderr);
}

/* Whether commands may come on standard input: a terminal gives keys,
 * /dev/null (a character device, as under cron or systemd) nothing. */
static gboolean
commands_may_come (void)
{
  struct stat st;

  if (isatty (STDIN_FILENO) || fstat (STDIN_FILENO, &st) < 0)
    return FALSE;
  return !S_ISCHR (st.st_mode);
}

/**
 * launch_stdio_begin:
 * @json_status: whether the status goes to standard output as JSON
 *
 * Before the pipeline is built (Python loaded, children started): from now
 * on g_print() and launch_stdio_answer() write to the tool's standard
 * output; what the workers write to standard output goes to standard error
 * if commands may come or @json_status.
 */
void
launch_stdio_begin (gboolean json_status)
{
  tool_out = stdout;
  if (json_status || commands_may_come ()) {
    gint fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    FILE *out = fd >= 0 ? fdopen (fd, "w") : NULL;

    fflush (stdout);
    if (out && dup2 (STDERR_FILENO, STDOUT_FILENO) >= 0) {
      tool_out = out;
      /* a C worker's printf(): line by line among the tool's messages */
      setvbuf (stdout, NULL, _IOLBF, 0);
    } else if (out) {
      fclose (out);
    } else if (fd >= 0) {
      close (fd);
    }
  }
  g_set_print_handler (print_to_tool_out);
}

/* Whether the tool's standard output is a terminal. */
gboolean
launch_stdio_is_tty (void)
{
  return isatty (fileno (tool_out ? tool_out : stdout));
}

/**
 * launch_stdio_answer:
 * @json: one JSON answer to a command
 *
 * Writes @json as a line on the tool's standard output. From the first
 * answer on, that carries the answers only: the tool's own lines
 * (messages, status lines, the report) go to standard error.
 */
void
launch_stdio_answer (const gchar * json)
{
  static gboolean answered;
  FILE *out = tool_out ? tool_out : stdout;

  if (!answered) {
    fflush (out);
    g_set_print_handler (print_to_stderr);
    answered = TRUE;
  }
  fputs (json, out);
  fputc ('\n', out);
  fflush (out);
}

/* At the end: what Python's print() and the tool left in buffers. */
void
launch_stdio_end (void)
{
  gst_proc_python_flush ();
  fflush (stdout);
  if (tool_out)
    fflush (tool_out);
}
