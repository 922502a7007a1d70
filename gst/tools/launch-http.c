/* gst-workers: gst-worker-launch's HTTP endpoint (--http)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A small HTTP server in a thread of its own (its own GMainContext, so no
 * client can delay the controller's timers): `/` the live page,
 * `/status.json` the controller's status, `/metrics` the same in
 * Prometheus' text format, `/graph.dot` and `/graph.svg` the pipeline
 * graph in the system's colours, `/info.json` what the page may do, and,
 * with --http-control only, POST `/control/pause|resume|exit`.
 *
 * Connections are accepted here (a GSocketService) and handed to libsoup:
 * at most MAX_CONNECTIONS at once (more get a 503 and are closed), each
 * dropped after IDLE_TIMEOUT_S seconds without a byte; libsoup drops a
 * connection whose request headers grow past its own limit. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "launch-http.h"
#include "launch-observe.h"

#define MAX_CONNECTIONS 32
/* no properties: reading them runs every element's getters */
#define LIVE_GRAPH (GST_DEBUG_GRAPH_SHOW_MEDIA_TYPE | \
    GST_DEBUG_GRAPH_SHOW_CAPS_DETAILS | GST_DEBUG_GRAPH_SHOW_STATES)
#define IDLE_TIMEOUT_S 20
#define PAGE_RESOURCE "/org/gstworkers/launch/index.html"
/* a header a page of another origin cannot send without asking first */
#define CONTROL_HEADER "X-Gst-Worker-Launch"

struct _LaunchHttp
{
  GstWorkerController *ctrl;
  gboolean control;
  gchar *dot_dir;
  LaunchHttpCommand command;
  gpointer user_data;
  GMainContext *caller_context;

  gchar *host;
  guint16 port;
  gchar *url;

  GThread *thread;
  GMainContext *context;        /* the server's */
  GMainLoop *loop;
  SoupServer *server;           /* server thread only */
  GSocketService *service;      /* server thread only */
  gint connections;             /* atomic */
  guint dots;                   /* server thread only */

  /* start-up handshake */
  GMutex lock;
  GCond cond;
  gboolean ready;               /* lock */
  GError *error;                /* lock */
};

static const gchar busy_response[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
    "Connection: close\r\nContent-Length: 30\r\n\r\n" "too many connections, retry\r\n";

/* ---------------------------------------------------------------------- */
/* responses */

static void
respond (SoupServerMessage * msg, guint status, const gchar * type,
    gchar * body, gsize len)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (h, "Cache-Control", "no-store");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  /* the page loads nothing from anywhere else */
  soup_message_headers_replace (h, "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; "
      "script-src 'self' 'unsafe-inline'; img-src 'self' data:");
  soup_server_message_set_response (msg, type, SOUP_MEMORY_TAKE, body, len);
}

static void
respond_text (SoupServerMessage * msg, guint status, const gchar * format,
    ...) G_GNUC_PRINTF (3, 4);

static void
respond_text (SoupServerMessage * msg, guint status, const gchar * format,
    ...)
{
  va_list args;
  gchar *text, *line;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (text, "\n", NULL);
  g_free (text);
  respond (msg, status, "text/plain; charset=utf-8", line, strlen (line));
}

static void
respond_json (SoupServerMessage * msg, guint status, gchar * json)
{
  respond (msg, status, "application/json", json, strlen (json));
}

/* ---------------------------------------------------------------------- */
/* commands: run in the caller's context */

typedef struct
{
  LaunchHttp *http;
  gchar *command;
} Command;

static gboolean
run_command (gpointer data)
{
  Command *c = data;

  c->http->command (c->command, c->http->user_data);
  return G_SOURCE_REMOVE;
}

static void
command_free (gpointer data)
{
  Command *c = data;

  g_free (c->command);
  g_free (c);
}

static void
handle_control (LaunchHttp * http, SoupServerMessage * msg, const gchar * path)
{
  const gchar *what = path + strlen ("/control/");
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  Command *c;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", "POST");
    respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s takes POST", path);
    return;
  }
  if (!http->control) {
    respond_text (msg, SOUP_STATUS_FORBIDDEN, "commands are off: run "
        "gst-worker-launch with --http-control to allow them");
    return;
  }
  if (!g_str_equal (what, "pause") && !g_str_equal (what, "resume") &&
      !g_str_equal (what, "exit")) {
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "no command '%s' (pause, "
        "resume, exit)", what);
    return;
  }
  if (!soup_message_headers_get_one (req, CONTROL_HEADER)) {
    respond_text (msg, SOUP_STATUS_FORBIDDEN, "a command needs the header "
        CONTROL_HEADER ": 1 (pages of other sites cannot send it)");
    return;
  }
  c = g_new0 (Command, 1);
  c->http = http;
  c->command = g_strdup (what);
  g_main_context_invoke_full (http->caller_context, G_PRIORITY_DEFAULT,
      run_command, c, command_free);
  respond_json (msg, SOUP_STATUS_ACCEPTED,
      g_strdup_printf ("{\"command\":\"%s\",\"accepted\":true}", what));
}

/* ---------------------------------------------------------------------- */
/* pages */

static void
handle_page (SoupServerMessage * msg)
{
  GError *err = NULL;
  GBytes *page = g_resources_lookup_data (PAGE_RESOURCE, 0, &err);
  gsize len;
  gconstpointer data;

  if (!page) {
    respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "the page is "
        "missing from the program: %s", err->message);
    g_error_free (err);
    return;
  }
  data = g_bytes_get_data (page, &len);
  respond (msg, SOUP_STATUS_OK, "text/html; charset=utf-8",
      g_memdup2 (data, len), len);
  g_bytes_unref (page);
}

static void
handle_svg (LaunchHttp * http, SoupServerMessage * msg)
{
  gchar *prog = g_find_program_in_path ("dot");
  gchar *dot, *svg = NULL, *errors = NULL;
  GSubprocess *p;
  GError *err = NULL;

  if (!prog) {
    respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "graphviz's dot is "
        "not installed: /graph.dot has the graph as text");
    return;
  }
  dot = launch_observe_dot (http->ctrl, LIVE_GRAPH);
  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &err,
      prog, "-Tsvg", NULL);
  if (p && g_subprocess_communicate_utf8 (p, dot, NULL, &svg, &errors, &err)
      && g_subprocess_get_successful (p)) {
    respond (msg, SOUP_STATUS_OK, "image/svg+xml", svg, strlen (svg));
    svg = NULL;
  } else {
    respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "dot failed: %s",
        err ? err->message : errors ? errors : "?");
  }
  g_clear_error (&err);
  g_clear_object (&p);
  g_free (svg);
  g_free (errors);
  g_free (dot);
  g_free (prog);
}

static void
handle (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  LaunchHttp *http = user_data;
  const gchar *method = soup_server_message_get_method (msg);

  /* "//metrics" is /metrics (as web servers merge slashes): the URL the
   * tool prints ends in '/', and scripts append "/metrics" to it */
  while (path[0] == '/' && path[1] == '/')
    path++;
  if (g_str_has_prefix (path, "/control/")) {
    handle_control (http, msg, path);
    return;
  }
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", "GET, HEAD");
    respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "%s takes GET", path);
    return;
  }
  if (g_str_equal (path, "/") || g_str_equal (path, "/index.html")) {
    handle_page (msg);
  } else if (g_str_equal (path, "/status.json")) {
    GstStructure *s = gst_worker_controller_get_status (http->ctrl);

    respond_json (msg, SOUP_STATUS_OK, gst_worker_structure_to_json (s,
            FALSE));
    gst_structure_free (s);
  } else if (g_str_equal (path, "/metrics")) {
    gchar *text = launch_observe_metrics (http->ctrl);

    respond (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
        text, strlen (text));
  } else if (g_str_equal (path, "/graph.dot")) {
    gchar *dot = launch_observe_dot (http->ctrl, LIVE_GRAPH);

    if (http->dot_dir) {
      gchar *file = g_strdup_printf ("%s/gst-worker-launch.http-%u.dot",
          http->dot_dir, ++http->dots);
      GError *err = NULL;

      if (!g_file_set_contents (file, dot, -1, &err)) {
        g_printerr ("gst-worker-launch: cannot write the graph: %s\n",
            err->message);
        g_error_free (err);
      }
      g_free (file);
    }
    respond (msg, SOUP_STATUS_OK, "text/vnd.graphviz; charset=utf-8", dot,
        strlen (dot));
  } else if (g_str_equal (path, "/graph.svg")) {
    handle_svg (http, msg);
  } else if (g_str_equal (path, "/info.json")) {
    respond_json (msg, SOUP_STATUS_OK,
        g_strdup_printf ("{\"program\":\"gst-worker-launch\",\"version\":\"%s\","
            "\"control\":%s}", VERSION, http->control ? "true" : "false"));
  } else {
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "nothing at %s: try /, "
        "/status.json, /metrics, /graph.dot, /graph.svg", path);
  }
}

/* ---------------------------------------------------------------------- */
/* connections */

static void
connection_gone (gpointer data, GObject * where_the_object_was)
{
  LaunchHttp *http = data;

  g_atomic_int_add (&http->connections, -1);
}

static gboolean
on_incoming (GSocketService * service, GSocketConnection * conn,
    GObject * source, gpointer user_data)
{
  LaunchHttp *http = user_data;
  GSocket *socket = g_socket_connection_get_socket (conn);
  GSocketAddress *local, *remote;
  GError *err = NULL;

  if (g_atomic_int_get (&http->connections) >= MAX_CONNECTIONS) {
    g_socket_send (socket, busy_response, strlen (busy_response), NULL, NULL);
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    return TRUE;
  }
  g_atomic_int_add (&http->connections, 1);
  g_object_weak_ref (G_OBJECT (conn), connection_gone, http);
  /* a client that sends nothing for this long is dropped */
  g_socket_set_timeout (socket, IDLE_TIMEOUT_S);
  local = g_socket_connection_get_local_address (conn, NULL);
  remote = g_socket_connection_get_remote_address (conn, NULL);
  if (!soup_server_accept_iostream (http->server, G_IO_STREAM (conn), local,
          remote, &err)) {
    g_printerr ("gst-worker-launch: HTTP connection refused: %s\n",
        err->message);
    g_error_free (err);
  }
  g_clear_object (&local);
  g_clear_object (&remote);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the thread */

static gboolean
listen_on (LaunchHttp * http, GError ** error)
{
  GInetAddress *ia = g_inet_address_new_from_string (http->host);
  GSocketAddress *sa, *effective = NULL;
  gboolean ok;

  if (!ia) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--http: '%s' is not an IP address (give one, like 127.0.0.1 or "
        "0.0.0.0)", http->host);
    return FALSE;
  }
  sa = g_inet_socket_address_new (ia, http->port);
  http->service = g_socket_service_new ();
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (http->service), sa,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective, error);
  if (ok) {
    guint16 port =
        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

    http->url = g_strdup_printf (g_inet_address_get_family (ia) ==
        G_SOCKET_FAMILY_IPV6 ? "http://[%s]:%u/" : "http://%s:%u/",
        http->host, port);
    g_signal_connect (http->service, "incoming", G_CALLBACK (on_incoming),
        http);
    g_socket_service_start (http->service);
  } else {
    g_prefix_error (error, "--http: cannot listen on %s port %u: ",
        http->host, http->port);
  }
  g_clear_object (&effective);
  g_object_unref (sa);
  g_object_unref (ia);
  return ok;
}

static gpointer
server_thread (gpointer data)
{
  LaunchHttp *http = data;
  GError *err = NULL;
  gboolean ok;

  g_main_context_push_thread_default (http->context);
  http->server = soup_server_new ("server-header", "gst-worker-launch ",
      NULL);
  soup_server_add_handler (http->server, NULL, handle, http, NULL);
  ok = listen_on (http, &err);

  g_mutex_lock (&http->lock);
  http->error = err;
  http->ready = TRUE;
  g_cond_signal (&http->cond);
  g_mutex_unlock (&http->lock);

  if (ok)
    g_main_loop_run (http->loop);

  if (http->service) {
    g_socket_service_stop (http->service);
    g_socket_listener_close (G_SOCKET_LISTENER (http->service));
    g_clear_object (&http->service);
  }
  soup_server_disconnect (http->server);
  g_clear_object (&http->server);
  /* what the closed connections left to do */
  while (g_main_context_iteration (http->context, FALSE));
  g_main_context_pop_thread_default (http->context);
  return NULL;
}

static gboolean
parse_address (const gchar * address, gchar ** host, guint16 * port,
    GError ** error)
{
  const gchar *colon = strrchr (address, ':');
  const gchar *digits = colon ? colon + 1 : address;
  gchar *end = NULL;
  guint64 p;

  if (!*digits || !g_ascii_isdigit (*digits) ||
      (p = g_ascii_strtoull (digits, &end, 10), *end) || p > 65535) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "--http takes [ADDRESS:]PORT (a port from 0 to 65535), not '%s'",
        address);
    return FALSE;
  }
  *port = (guint16) p;
  if (!colon || colon == address || (colon - address == 9 &&
          g_ascii_strncasecmp (address, "localhost", 9) == 0)) {
    *host = g_strdup ("127.0.0.1");
  } else if (address[0] == '[' && colon[-1] == ']') {
    *host = g_strndup (address + 1, colon - address - 2);
  } else {
    *host = g_strndup (address, colon - address);
  }
  return TRUE;
}

/**
 * launch_http_start:
 * @address: "PORT" (on 127.0.0.1), "ADDRESS:PORT" or "[IPV6]:PORT"; port
 *   0 takes a free one (launch_http_get_url() says which)
 * @control: allow POST /control/...
 * @dot_dir: (nullable): where /graph.dot also writes the graph
 *
 * Returns: (nullable): the running server, or %NULL with @error set (a
 *   bad address, a port in use or not allowed)
 */
LaunchHttp *
launch_http_start (GstWorkerController * ctrl, const gchar * address,
    gboolean control, const gchar * dot_dir, LaunchHttpCommand command,
    gpointer user_data, GError ** error)
{
  LaunchHttp *http = g_new0 (LaunchHttp, 1);

  if (!parse_address (address, &http->host, &http->port, error)) {
    g_free (http);
    return NULL;
  }
  http->ctrl = gst_object_ref (ctrl);
  http->control = control;
  http->dot_dir = g_strdup (dot_dir);
  http->command = command;
  http->user_data = user_data;
  http->caller_context = g_main_context_ref_thread_default ();
  http->context = g_main_context_new ();
  http->loop = g_main_loop_new (http->context, FALSE);
  g_mutex_init (&http->lock);
  g_cond_init (&http->cond);

  http->thread = g_thread_new ("http", server_thread, http);
  g_mutex_lock (&http->lock);
  while (!http->ready)
    g_cond_wait (&http->cond, &http->lock);
  g_mutex_unlock (&http->lock);
  if (http->error) {
    g_propagate_error (error, http->error);
    http->error = NULL;
    launch_http_stop (http);
    return NULL;
  }
  return http;
}

const gchar *
launch_http_get_url (LaunchHttp * http)
{
  return http->url;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
launch_http_stop (LaunchHttp * http)
{
  if (!http)
    return;
  g_main_context_invoke (http->context, quit_loop, http->loop);
  g_thread_join (http->thread);
  g_main_loop_unref (http->loop);
  g_main_context_unref (http->context);
  g_main_context_unref (http->caller_context);
  gst_object_unref (http->ctrl);
  g_mutex_clear (&http->lock);
  g_cond_clear (&http->cond);
  g_free (http->host);
  g_free (http->url);
  g_free (http->dot_dir);
  g_free (http);
}
