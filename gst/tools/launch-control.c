/* gst-workers: gst-worker-launch's command interface
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * One command a line, from standard input when it is not a terminal (a
 * script, a ground station's pipe); each is answered by one JSON line on
 * standard output, `{"ok": true, ...}` or `{"ok": false, "error": "..."}`:
 *
 *   pause NAME | resume NAME     one worker (gst_worker_controller_pause_worker)
 *   pause | resume               the whole system
 *   set NAME PROPERTY=VALUE      any element's property, as gst-launch-1.0
 *                                parses it (a pool's size while it runs)
 *   status                       the controller's status, as its JSON
 *   exit | exit-now              drain then stop | stop at once
 *
 * Empty lines and lines starting with '#' are ignored.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include "launch-control.h"

struct _LaunchControl
{
  GstWorkerController *ctrl;
  GIOChannel *in;
  guint watch;                  /* 0 once the input ended */
  LaunchControlExitFunc exit_func;
  gpointer user_data;
};

static gchar *
answer_error (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

static gchar *
answer_error (const gchar * format, ...)
{
  GstStructure *s = gst_structure_new_empty ("answer");
  va_list args;
  gchar *message, *json;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  gst_structure_set (s, "ok", G_TYPE_BOOLEAN, FALSE, "error", G_TYPE_STRING,
      message, NULL);
  json = gst_worker_structure_to_json (s, FALSE);
  gst_structure_free (s);
  g_free (message);
  return json;
}

static gchar *
answer_ok (const gchar * command, const gchar * name)
{
  GstStructure *s = gst_structure_new ("answer", "ok", G_TYPE_BOOLEAN, TRUE,
      "command", G_TYPE_STRING, command, NULL);
  gchar *json;

  if (name)
    gst_structure_set (s, "name", G_TYPE_STRING, name, NULL);
  json = gst_worker_structure_to_json (s, FALSE);
  gst_structure_free (s);
  return json;
}

static gchar *
answer_gerror (GError * err)
{
  gchar *json = answer_error ("%s", err->message);

  g_error_free (err);
  return json;
}

/* set NAME PROPERTY=VALUE */
static gchar *
set_property (GstWorkerController * ctrl, const gchar * name,
    const gchar * assignment)
{
  GstPipeline *pipeline = gst_worker_controller_get_pipeline (ctrl);
  GstElement *element = gst_bin_get_by_name (GST_BIN (pipeline), name);
  const gchar *eq = assignment ? strchr (assignment, '=') : NULL;
  gchar *property, *json;
  GParamSpec *pspec;

  gst_object_unref (pipeline);
  if (!element)
    return answer_error ("no element is named '%s'", name);
  if (!eq || eq == assignment) {
    gst_object_unref (element);
    return answer_error ("set needs NAME PROPERTY=VALUE");
  }
  property = g_strndup (assignment, eq - assignment);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element),
      property);
  if (!pspec || !(pspec->flags & G_PARAM_WRITABLE)) {
    json = answer_error ("%s has no writable property '%s'", name, property);
  } else if (!(pspec->flags & GST_PARAM_MUTABLE_PLAYING) &&
      GST_STATE (element) > GST_STATE_READY) {
    json = answer_error ("%s's property '%s' cannot change while the system "
        "runs", name, property);
  } else {
    gst_util_set_object_arg (G_OBJECT (element), property, eq + 1);
    json = answer_ok ("set", name);
  }
  g_free (property);
  gst_object_unref (element);
  return json;
}

/**
 * launch_control_run:
 * @line: one command
 *
 * Runs @line against @ctrl; an `exit` or `exit-now` is only reported in
 * @exit and @exit_now, for the caller to act on.
 *
 * Returns: (transfer full): the answer, one JSON line, or %NULL for a line
 *   to ignore
 */
gchar *
launch_control_run (GstWorkerController * ctrl, const gchar * line,
    gboolean * exit, gboolean * exit_now)
{
  gchar *copy = g_strstrip (g_strdup (line));
  gchar *shown = g_strdup (copy);
  gchar *argv[3] = { NULL, NULL, NULL };
  guint argc = 0;
  GError *err = NULL;
  gchar *json = NULL, *p = copy;

  *exit = *exit_now = FALSE;
  /* COMMAND [NAME [REST]]: the rest (a property's value) may hold blanks */
  while (*p && argc < 3) {
    argv[argc++] = p;
    if (argc == 3)
      break;
    while (*p && !g_ascii_isspace (*p))
      p++;
    if (*p)
      *p++ = '\0';
    while (g_ascii_isspace (*p))
      p++;
  }

  if (argc == 0 || argv[0][0] == '#') {
    json = NULL;
  } else if (g_str_equal (argv[0], "pause") && argc == 1) {
    json = gst_worker_controller_pause (ctrl, &err) ?
        answer_ok ("pause", NULL) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "resume") && argc == 1) {
    json = gst_worker_controller_resume (ctrl, &err) ?
        answer_ok ("resume", NULL) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "pause") && argc == 2) {
    json = gst_worker_controller_pause_worker (ctrl, argv[1], &err) ?
        answer_ok ("pause", argv[1]) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "resume") && argc == 2) {
    json = gst_worker_controller_resume_worker (ctrl, argv[1], &err) ?
        answer_ok ("resume", argv[1]) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "set") && argc == 3) {
    json = set_property (ctrl, argv[1], argv[2]);
  } else if (g_str_equal (argv[0], "status") && argc == 1) {
    GstStructure *s = gst_worker_controller_get_status (ctrl);
    gchar *status = gst_worker_structure_to_json (s, FALSE);

    gst_structure_free (s);
    json = g_strdup_printf ("{\"ok\": true, \"command\": \"status\", "
        "\"status\": %s}", status);
    g_free (status);
  } else if (g_str_equal (argv[0], "exit") && argc == 1) {
    *exit = TRUE;
    json = answer_ok ("exit", NULL);
  } else if (g_str_equal (argv[0], "exit-now") && argc == 1) {
    *exit_now = TRUE;
    json = answer_ok ("exit-now", NULL);
  } else {
    json = answer_error ("cannot run '%s': the commands are pause [NAME], "
        "resume [NAME], set NAME PROPERTY=VALUE, status, exit, exit-now",
        shown);
  }
  g_free (shown);
  g_free (copy);
  return json;
}

/* Runs one command and prints its answer. */
static void
handle_line (LaunchControl * control, const gchar * line)
{
  gboolean exit = FALSE, exit_now = FALSE;
  gchar *json = launch_control_run (control->ctrl, line, &exit, &exit_now);

  if (json) {
    g_print ("%s\n", json);
    fflush (stdout);
    g_free (json);
  }
  if ((exit || exit_now) && control->exit_func)
    control->exit_func (exit_now, control->user_data);
}

static gboolean
on_input (GIOChannel * channel, GIOCondition cond, gpointer user_data)
{
  LaunchControl *control = user_data;
  GError *err = NULL;
  GIOStatus status;

  do {
    gchar *line = NULL;

    status = g_io_channel_read_line (channel, &line, NULL, NULL, &err);
    if (status == G_IO_STATUS_NORMAL && line)
      handle_line (control, line);
    g_free (line);
    /* more lines may wait in the channel's buffer */
  } while (status == G_IO_STATUS_NORMAL &&
      (g_io_channel_get_buffer_condition (channel) & G_IO_IN));

  if (status == G_IO_STATUS_ERROR || status == G_IO_STATUS_EOF) {
    /* no more commands: the run goes on */
    if (err)
      g_printerr ("gst-worker-launch: commands: %s\n", err->message);
    g_clear_error (&err);
    control->watch = 0;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/**
 * launch_control_new:
 * @fd: where the commands come from (not closed)
 *
 * Reads commands from @fd in the default main context.
 */
LaunchControl *
launch_control_new (GstWorkerController * ctrl, gint fd,
    LaunchControlExitFunc exit_func, gpointer user_data)
{
  LaunchControl *control = g_new0 (LaunchControl, 1);

  control->ctrl = gst_object_ref (ctrl);
  control->in = g_io_channel_unix_new (fd);
  g_io_channel_set_close_on_unref (control->in, FALSE);
  control->exit_func = exit_func;
  control->user_data = user_data;
  control->watch = g_io_add_watch (control->in, G_IO_IN | G_IO_HUP |
      G_IO_ERR, on_input, control);
  return control;
}

void
launch_control_free (LaunchControl * control)
{
  if (!control)
    return;
  if (control->watch)
    g_source_remove (control->watch);
  g_io_channel_unref (control->in);
  gst_object_unref (control->ctrl);
  g_free (control);
}
