/* gst-workers: gst-worker-launch's command interface
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * One command a line, from standard input when it is not a terminal (a
 * script, a ground station's pipe); each is answered by one JSON line on
 * standard output, `{"ok":true,...}` or `{"ok":false,"error":"..."}`:
 *
 *   pause NAME | resume NAME     one worker (gst_worker_controller_pause_worker)
 *   pause | resume               the whole system
 *   set NAME PROPERTY=VALUE      any element's property, as gst-launch-1.0
 *                                parses it (a pool's size while it runs;
 *                                REPLICA/NAME: one inside a child process)
 *   swap NAME DESCRIPTION        replace a worker by an element description
 *   insert QUEUE DESCRIPTION     a worker (and its own queue) after QUEUE
 *   remove NAME                  a worker out, its input joined to its output
 *   status                       the controller's status, as its JSON
 *   exit | exit-now              drain then stop | stop at once
 *
 * Empty lines and lines starting with '#' are ignored. The same commands
 * come over a Unix socket (--control=unix:PATH): one client or more, each
 * answered on its own connection.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include "launch-control.h"
#include "launch-stdio.h"

struct _LaunchControl
{
  GstWorkerController *ctrl;
  GSocketService *service;      /* --control=unix:PATH, or NULL */
  gchar *socket_path;           /* removed at the end */
  GIOChannel *in;               /* standard input, or NULL */
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

/* set NAME PROPERTY=VALUE: an element of the pipeline, or one inside a
 * process replica's child ("p_r0/testworker0"), by the controller's rules
 * (gst_worker_controller_set_element_property()) */
static gchar *
set_property (GstWorkerController * ctrl, const gchar * name,
    const gchar * assignment)
{
  const gchar *eq = assignment ? strchr (assignment, '=') : NULL;
  gchar *property;
  GError *err = NULL;
  gboolean ok;

  if (!eq || eq == assignment)
    return answer_error ("set needs NAME PROPERTY=VALUE");
  property = g_strndup (assignment, eq - assignment);
  ok = gst_worker_controller_set_element_property (ctrl, name, property,
      eq + 1, &err);
  g_free (property);
  return ok ? answer_ok ("set", name) : answer_gerror (err);
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
  } else if (g_str_equal (argv[0], "swap") && argc == 3) {
    json = gst_worker_controller_swap_worker (ctrl, argv[1], argv[2], &err) ?
        answer_ok ("swap", argv[1]) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "insert") && argc == 3) {
    json = gst_worker_controller_insert_worker (ctrl, argv[1], argv[2],
        &err) ? answer_ok ("insert", argv[1]) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "remove") && argc == 2) {
    json = gst_worker_controller_remove_worker (ctrl, argv[1], &err) ?
        answer_ok ("remove", argv[1]) : answer_gerror (err);
  } else if (g_str_equal (argv[0], "status") && argc == 1) {
    GstStructure *s = gst_worker_controller_get_status (ctrl);
    gchar *status = gst_worker_structure_to_json (s, FALSE);

    gst_structure_free (s);
    json = g_strdup_printf ("{\"ok\":true,\"command\":\"status\","
        "\"status\":%s}", status);
    g_free (status);
  } else if (g_str_equal (argv[0], "exit") && argc == 1) {
    *exit = TRUE;
    json = answer_ok ("exit", NULL);
  } else if (g_str_equal (argv[0], "exit-now") && argc == 1) {
    *exit_now = TRUE;
    json = answer_ok ("exit-now", NULL);
  } else {
    json = answer_error ("cannot run '%s': the commands are pause [NAME], "
        "resume [NAME], set NAME PROPERTY=VALUE, swap NAME DESCRIPTION, "
        "insert QUEUE DESCRIPTION, remove NAME, status, exit, exit-now",
        shown);
  }
  g_free (shown);
  g_free (copy);
  return json;
}

/* Runs one command and prints its answer on the tool's standard output
 * (launch-stdio.c: from the first answer on, it carries the answers
 * only). */
static void
handle_line (LaunchControl * control, const gchar * line)
{
  gboolean exit = FALSE, exit_now = FALSE;
  gchar *json = launch_control_run (control->ctrl, line, &exit, &exit_now);

  if (json) {
    launch_stdio_answer (json);
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
 * @fd: where the commands come from (not closed), or -1 for none (then
 *   launch_control_listen())
 *
 * Reads commands from @fd in the default main context.
 */
LaunchControl *
launch_control_new (GstWorkerController * ctrl, gint fd,
    LaunchControlExitFunc exit_func, gpointer user_data)
{
  LaunchControl *control = g_new0 (LaunchControl, 1);

  control->ctrl = gst_object_ref (ctrl);
  control->exit_func = exit_func;
  control->user_data = user_data;
  if (fd < 0)
    return control;
  control->in = g_io_channel_unix_new (fd);
  g_io_channel_set_close_on_unref (control->in, FALSE);
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
  if (control->in)
    g_io_channel_unref (control->in);
  if (control->service) {
    g_socket_service_stop (control->service);
    g_socket_listener_close (G_SOCKET_LISTENER (control->service));
    g_object_unref (control->service);
    g_unlink (control->socket_path);
  }
  g_free (control->socket_path);
  gst_object_unref (control->ctrl);
  g_free (control);
}

/* ---------------------------------------------------------------------- */
/* --control=unix:PATH */

typedef struct
{
  LaunchControl *control;
  GSocketConnection *connection;
  GDataInputStream *in;
} Client;

static void
client_free (Client * client)
{
  g_object_unref (client->in);
  g_object_unref (client->connection);
  g_free (client);
}

static void
on_client_line (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Client *client = user_data;
  gchar *line = g_data_input_stream_read_line_finish_utf8
      (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  gboolean exit = FALSE, exit_now = FALSE;
  GOutputStream *out;
  gchar *json;

  if (!line) {
    /* the client went away (or the tool is ending) */
    client_free (client);
    return;
  }
  json = launch_control_run (client->control->ctrl, line, &exit, &exit_now);
  g_free (line);
  if (json) {
    gchar *text = g_strdup_printf ("%s\n", json);

    out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
    g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
    g_free (text);
    g_free (json);
  }
  if ((exit || exit_now) && client->control->exit_func)
    client->control->exit_func (exit_now, client->control->user_data);
  g_data_input_stream_read_line_async (client->in, G_PRIORITY_DEFAULT, NULL,
      on_client_line, client);
}

static gboolean
on_incoming (GSocketService * service, GSocketConnection * connection,
    GObject * source, gpointer user_data)
{
  Client *client = g_new0 (Client, 1);

  client->control = user_data;
  client->connection = g_object_ref (connection);
  client->in = g_data_input_stream_new (g_io_stream_get_input_stream
      (G_IO_STREAM (connection)));
  g_data_input_stream_read_line_async (client->in, G_PRIORITY_DEFAULT, NULL,
      on_client_line, client);
  return TRUE;
}

/* A socket left at @path by a run that could not remove it (killed, out
 * of memory) is removed: nothing listens on it. One a run listens on, or
 * a file that is not a socket, stays, and is an error. */
static gboolean
clear_stale_socket (const gchar * path, const gchar * address,
    GError ** error)
{
  GStatBuf st;
  GSocket *sock;
  GSocketAddress *addr;
  GError *err = NULL;
  gboolean listened;

  if (g_lstat (path, &st) != 0)
    return TRUE;
  if (!S_ISSOCK (st.st_mode)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "--control=%s: %s "
        "exists and is not a socket: remove it or choose another path",
        address, path);
    return FALSE;
  }
  sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_DEFAULT, error);
  if (!sock)
    return FALSE;
  addr = g_unix_socket_address_new (path);
  listened = g_socket_connect (sock, addr, NULL, &err);
  g_object_unref (addr);
  g_socket_close (sock, NULL);
  g_object_unref (sock);
  if (listened) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
        "--control=%s: another program (a gst-worker-launch still running?) "
        "listens on %s", address, path);
    return FALSE;
  }
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)) {
    g_propagate_prefixed_error (error, err, "--control=%s: %s: ", address,
        path);
    return FALSE;
  }
  g_error_free (err);
  if (g_unlink (path) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "--control=%s: cannot remove the stale socket %s: %s", address,
        path, g_strerror (errno));
    return FALSE;
  }
  g_printerr ("gst-worker-launch: removed %s, a socket nothing listened on "
      "(left by a run that ended without removing it)\n", path);
  return TRUE;
}

/**
 * launch_control_listen:
 * @address: "unix:PATH"
 *
 * Takes commands from clients of a Unix socket at PATH too (made now,
 * removed by launch_control_free()).
 *
 * Returns: %FALSE, with @error, if the address is not understood or the
 *   socket cannot be made
 */
gboolean
launch_control_listen (LaunchControl * control, const gchar * address,
    GError ** error)
{
  GSocketAddress *addr;
  gboolean ok;

  if (!g_str_has_prefix (address, "unix:") || !address[5]) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--control=%s: the address must be unix:PATH", address);
    return FALSE;
  }
  if (!clear_stale_socket (address + 5, address, error))
    return FALSE;
  control->socket_path = g_strdup (address + 5);
  addr = g_unix_socket_address_new (control->socket_path);
  control->service = g_socket_service_new ();
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (control->service),
      addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
      error);
  g_object_unref (addr);
  if (!ok) {
    g_prefix_error (error, "--control=%s: ", address);
    g_clear_object (&control->service);
    return FALSE;
  }
  g_signal_connect (control->service, "incoming", G_CALLBACK (on_incoming),
      control);
  g_socket_service_start (control->service);
  return TRUE;
}
