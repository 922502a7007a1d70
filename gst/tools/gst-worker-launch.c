/* gst-workers: gst-worker-launch, gst-launch-1.0 under the worker controller
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/worker/worker.h>
#include "launch-messages.h"
#include "launch-props.h"
#include "launch-observe.h"
#include "launch-http.h"
#include "launch-control.h"
#include "launch-keys.h"
#include "launch-stdio.h"
#include "gstprocpython.h"

#define PROG "gst-worker-launch"

#define EXIT_DRAINED 0
#define EXIT_PIPELINE_ERROR 1
#define EXIT_USAGE 2
#define UNSET G_MININT
/* the longest --duration: g_timeout_add_seconds() takes a guint */
#define MAX_DURATION_S ((gdouble) G_MAXUINT)
#define EXIT_STALL 3
#define EXIT_DEADLOCK 4

#define DEFAULT_DRAIN_TIMEOUT_MS 10000
#define DEFAULT_STATUS_INTERVAL_MS 1000

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;

  gboolean tty_out;             /* live table, refreshed in place */
  gboolean quiet;
  guint table_lines;            /* lines of the table now on screen */
  guint status_interval;
  guint drain_timeout;
  gchar *stats_json;
  gchar *dot_dir;
  gint64 start_us;

  guint interrupts;
  gboolean draining;
  gboolean stall_seen;
  gboolean deadlock_seen;       /* one not resolved */
  gboolean dot_written;
  gboolean starting;
  gboolean json;                /* --status-format=json: stdout is JSON */
  LaunchHttp *http;
  LaunchKeys *keys;             /* on a terminal: the selected row */
  guint dots;                   /* graphs written on demand */
  GstStructure *report;
  gint exit_code;
  gchar **pause;                /* --pause */
  GPtrArray *child_pauses;      /* --pause REPLICA/NAME not done yet */
  guint child_pauses_source;
  gboolean bad_pause;
} App;

/* ---------------------------------------------------------------------- */
/* the terminal: raw keys, restored on every way out */

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

static void
restore_terminal (void)
{
  if (termios_saved) {
    tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
    termios_saved = 0;
  }
}

/* A crash still gives the terminal back, then dies as it would have. */
static void
fatal_signal (int sig)
{
  restore_terminal ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static gboolean
enter_raw_mode (void)
{
  struct termios raw;
  static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
    SIGQUIT
  };
  guint i;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved_termios) < 0)
    return FALSE;
  raw = saved_termios;
  /* keys one by one, not echoed; Ctrl-C still sends SIGINT */
  raw.c_lflag &= ~(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) < 0)
    return FALSE;
  termios_saved = 1;
  atexit (restore_terminal);
  for (i = 0; i < G_N_ELEMENTS (fatal); i++)
    signal (fatal[i], fatal_signal);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* output */

static void
clear_table (App * app)
{
  if (app->tty_out && app->table_lines) {
    g_print ("\033[%uA\033[J", app->table_lines);
    app->table_lines = 0;
  }
}

/* A message line: on a terminal it goes above the live table. */
static void G_GNUC_PRINTF (3, 4)
say (App * app, gboolean error, const gchar * format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  clear_table (app);
  if (error || app->json)
    g_printerr ("%s: %s\n", PROG, text);
  else
    g_print ("%s: %s\n", PROG, text);
  g_free (text);
}

static guint64
field_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, name, &v);
  return v;
}

static gdouble
field_ms (const GstStructure * s, const gchar * name)
{
  GstClockTime t = 0;

  gst_structure_get_clock_time (s, name, &t);
  return GST_CLOCK_TIME_IS_VALID (t) ? (gdouble) t / GST_MSECOND : 0;
}

static const gchar *
state_text (const GstStructure * w, gchar * buf, gsize len)
{
  gint state = GST_WORKER_STATE_IDLE;
  GEnumClass *klass = g_type_class_ref (GST_TYPE_WORKER_STATE);
  GEnumValue *v;
  const gchar *on = gst_structure_get_string (w, "blocked-on");
  gboolean flag = FALSE;
  guint restarts = 0;

  gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE, &state);
  v = g_enum_get_value (klass, state);
  if (on)
    g_snprintf (buf, len, "%s>%s", v->value_nick, on);
  else
    g_snprintf (buf, len, "%s", v->value_nick);
  if (gst_structure_get_boolean (w, "system-paused", &flag) && flag)
    g_strlcat (buf, " (paused)", len);
  if (gst_structure_get_boolean (w, "stalled", &flag) && flag)
    g_strlcat (buf, " STALL", len);
  if (gst_structure_get_boolean (w, "lost", &flag) && flag)
    g_strlcat (buf, " LOST", len);
  /* a worker in a child process (processreplica): which one */
  if (gst_structure_get_int (w, "pid", &state) && state > 0) {
    gchar pid[24];

    g_snprintf (pid, sizeof (pid), " pid=%d", state);
    g_strlcat (buf, pid, len);
  }
  /* ... and how often its child was restarted after a crash */
  if (gst_structure_get_uint (w, "restarts", &restarts) && restarts) {
    gchar text[32];

    g_snprintf (text, sizeof (text), " restarts=%u", restarts);
    g_strlcat (buf, text, len);
  }
  g_type_class_unref (klass);
  return buf;
}

static gchar *
input_fill (const GstStructure * w)
{
  guint level, max;

  if (!gst_structure_get_uint (w, "input-level", &level) ||
      !gst_structure_get_uint (w, "input-max", &max))
    return g_strdup ("-");
  return g_strdup_printf ("%u/%u", level, max);
}

/* The width of the name column: the longest name, at least 14. */
static gint
name_width (const GValue * array)
{
  guint i, n = array ? gst_value_array_get_size (array) : 0;
  gint width = 14;

  for (i = 0; i < n; i++) {
    const GstStructure *s =
        gst_value_get_structure (gst_value_array_get_value (array, i));
    const gchar *name = gst_structure_get_string (s, "name");
    gboolean retired = FALSE;

    /* printed "NAME (retired)" */
    gst_structure_get_boolean (s, "retired", &retired);
    width = MAX (width, name ? (gint) strlen (name) + (retired ? 10 : 0) : 0);
  }
  return width;
}

static void
print_status (App * app)
{
  GstStructure *status = gst_worker_controller_get_status (app->ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  /* one clock: the run's, from the controller's start (`uptime`) */
  gdouble t = field_ms (status, "uptime") / 1e3;
  gboolean paused = FALSE;
  const gchar *phase = gst_structure_get_string (status, "phase");
  guint restarts = 0, i, n = gst_value_array_get_size (workers);
  GString *out = g_string_new (NULL);
  gint width = name_width (workers);
  gchar state[64];

  gst_structure_get_boolean (status, "system-paused", &paused);
  gst_structure_get_uint (status, "restarts", &restarts);

  if (app->json) {
    gchar *line = launch_observe_json_line (status, "status", t);

    g_print ("%s\n", line);
    fflush (stdout);
    g_free (line);
    g_string_free (out, TRUE);
    gst_structure_free (status);
    return;
  }
  if (app->tty_out) {
    g_string_append_printf (out, "%s: %s%s, %.1f s, %u restarts   "
        "[p] pause  [r] resume  [q] quit  [g] graph  [up/down] select  "
        "[space] pause worker  [+/-] pool size\n", PROG, phase,
        paused ? " (PAUSED)" : "", t, restarts);
    g_string_append_printf (out, "  %-*s %-18s %10s %10s %9s %8s %8s %7s\n",
        width, "WORKER", "STATE", "IN", "OUT", "RATE/s", "AVG ms", "MAX ms",
        "INPUT");
  }
  for (i = 0; i < n; i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    gdouble rate = 0;
    gchar *fill = input_fill (w);
    gchar rate_text[32] = "-";

    /* no rate known (a worker inside a child process): "-", not 0 */
    if (gst_structure_get_double (w, "rate", &rate))
      g_snprintf (rate_text, sizeof (rate_text), "%.1f%s", rate,
          app->tty_out ? "" : "/s");
    state_text (w, state, sizeof (state));
    if (app->tty_out)
      g_string_append_printf (out,
          "%s %-*s %-18s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
          " %9s %8.3f %8.3f %7s\n", app->keys &&
          launch_keys_is_selected (app->keys, workers, i) ? ">" : " ",
          width, gst_structure_get_string (w, "name"), state,
          field_u64 (w, "items-in"), field_u64 (w, "items-out"), rate_text,
          field_ms (w, "proc-time-avg"), field_ms (w, "proc-time-max"), fill);
    else
      g_string_append_printf (out, "[%8.1f s] %s: %s in=%" G_GUINT64_FORMAT
          " out=%" G_GUINT64_FORMAT " rate=%s avg=%.3f ms max=%.3f ms "
          "input=%s\n", t, gst_structure_get_string (w, "name"), state,
          field_u64 (w, "items-in"), field_u64 (w, "items-out"), rate_text,
          field_ms (w, "proc-time-avg"), field_ms (w, "proc-time-max"), fill);
    g_free (fill);
  }

  clear_table (app);
  g_print ("%s", out->str);
  fflush (stdout);
  if (app->tty_out)
    app->table_lines = n + 2;
  g_string_free (out, TRUE);
  gst_structure_free (status);
}

static gboolean
status_tick (gpointer user_data)
{
  App *app = user_data;

  if (!gst_worker_controller_is_finished (app->ctrl))
    print_status (app);
  return G_SOURCE_CONTINUE;
}

/* --tune: each worker's shares of time, the bottleneck, the advice and
 * what auto changed. */
static void
print_tuning (const GstStructure * report)
{
  const GstStructure *t;
  const GValue *v = gst_structure_get_value (report, "tuning");
  const GValue *workers, *actions;
  gdouble busy = 0;
  guint i;

  if (!v || !GST_VALUE_HOLDS_STRUCTURE (v))
    return;
  t = gst_value_get_structure (v);
  workers = gst_structure_get_value (t, "workers");
  actions = gst_structure_get_value (t, "actions");
  g_print ("%-*s %6s %6s %8s %7s\n", name_width (workers), "TIME SHARE",
      "BUSY", "IDLE", "BLOCKED", "PAUSED");
  for (i = 0; workers && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    gdouble s[4] = { 0, 0, 0, 0 };

    gst_structure_get_double (w, "busy", &s[0]);
    gst_structure_get_double (w, "idle", &s[1]);
    gst_structure_get_double (w, "blocked", &s[2]);
    gst_structure_get_double (w, "paused", &s[3]);
    g_print ("%-*s %5.0f%% %5.0f%% %7.0f%% %6.0f%%\n", name_width (workers),
        gst_structure_get_string (w, "name"), s[0] * 100, s[1] * 100,
        s[2] * 100, s[3] * 100);
  }
  if (gst_structure_get_double (t, "bottleneck-busy", &busy))
    g_print ("%s: bottleneck: %s (busy %.0f%% of the time)\n", PROG,
        gst_structure_get_string (t, "bottleneck"), busy * 100);
  for (i = 0; actions && i < gst_value_array_get_size (actions); i++)
    g_print ("%s: tune: %s\n", PROG,
        g_value_get_string (gst_value_array_get_value (actions, i)));
  if (gst_structure_has_field (t, "suggestion"))
    g_print ("%s: advice: %s\n", PROG, gst_structure_get_string (t,
            "suggestion"));
}

/* The restarts of worker processes (processreplica: a child that crashed
 * or hung), in @workers and @retired, "p_r0: 2, p_r1 (retired): 1" into
 * @who. */
static guint
process_restarts (const GValue * workers, const GValue * retired,
    GString * who)
{
  const GValue *lists[] = { workers, retired };
  guint total = 0;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] && i < gst_value_array_get_size (lists[l]);
        i++) {
      const GstStructure *w =
          gst_value_get_structure (gst_value_array_get_value (lists[l], i));
      guint n = 0;

      if (!gst_structure_get_uint (w, "restarts", &n) || !n)
        continue;
      /* a retired one's name may be a new one's now */
      g_string_append_printf (who, "%s%s%s: %u", who->len ? ", " : "",
          gst_structure_get_string (w, "name"), l ? " (retired)" : "", n);
      total += n;
    }
  return total;
}

/* Items a worker in a child process lost (its child died with them
 * twice), counted in its DROPPED: how many, and why the last. */
static void
print_lost (const GValue * workers)
{
  for (guint i = 0; workers && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    guint64 lost = field_u64 (w, "items-lost");
    const gchar *why = gst_structure_get_string (w, "items-lost-reason");

    if (lost)
      g_print ("%s: %s lost %" G_GUINT64_FORMAT " item%s (in its DROPPED)%s"
          "%s\n", PROG, gst_structure_get_string (w, "name"), lost,
          lost == 1 ? "" : "s", why ? ", the last one because " : "",
          why ? why : "");
  }
}

static void
print_report (App * app, const GstStructure * report)
{
  const GValue *workers = gst_structure_get_value (report, "workers");
  const GValue *queues = gst_structure_get_value (report, "queues");
  const GValue *holders = gst_structure_get_value (report, "holders");
  const GValue *retired = gst_structure_get_value (report,
      "retired-workers");
  const GValue *growths;
  GstClockTime duration = 0;
  gint outcome = 0;
  GEnumClass *klass = g_type_class_ref (GST_TYPE_WORKER_CONTROLLER_OUTCOME);
  guint restarts = 0, i, children;
  GString *who = g_string_new (NULL);
  gboolean balanced = FALSE;
  gint width = MAX (MAX (name_width (workers), name_width (queues)),
      name_width (retired));

  gst_structure_get_clock_time (report, "duration", &duration);
  gst_structure_get_enum (report, "outcome",
      GST_TYPE_WORKER_CONTROLLER_OUTCOME, &outcome);
  gst_structure_get_uint (report, "restarts", &restarts);
  gst_structure_get_boolean (report, "balanced", &balanced);

  children = process_restarts (workers, retired, who);
  if (children)
    g_print ("%s: %s after %.2f s, %u restarts of the pipeline, %u of "
        "worker processes (%s)\n", PROG,
        g_enum_get_value (klass, outcome)->value_nick,
        (gdouble) duration / GST_SECOND, restarts, children, who->str);
  else
    g_print ("%s: %s after %.2f s, %u restarts\n", PROG,
        g_enum_get_value (klass, outcome)->value_nick,
        (gdouble) duration / GST_SECOND, restarts);
  g_string_free (who, TRUE);
  g_type_class_unref (klass);

  g_print ("%-*s %10s %10s %10s %8s %8s\n", width, "WORKER", "IN", "OUT",
      "DROPPED", "AVG ms", "MAX ms");
  for (i = 0; workers && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));

    g_print ("%-*s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %10"
        G_GUINT64_FORMAT " %8.3f %8.3f\n", width, gst_structure_get_string (w,
            "name"), field_u64 (w, "items-in"), field_u64 (w, "items-out"),
        field_u64 (w, "items-dropped"), field_ms (w, "proc-time-avg"),
        field_ms (w, "proc-time-max"));
  }
  /* workers a reshape or a pool's shrink took out: their counts are part
   * of the balance */
  for (i = 0; retired && i < gst_value_array_get_size (retired); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (retired, i));
    gchar *name = g_strdup_printf ("%s (retired)",
        gst_structure_get_string (w, "name"));

    g_print ("%-*s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %10"
        G_GUINT64_FORMAT " %8.3f %8.3f\n", width, name,
        field_u64 (w, "items-in"), field_u64 (w, "items-out"),
        field_u64 (w, "items-dropped"), field_ms (w, "proc-time-avg"),
        field_ms (w, "proc-time-max"));
    g_free (name);
  }
  if (queues && gst_value_array_get_size (queues)) {
    g_print ("%-*s %10s %10s %10s\n", width, "QUEUE", "IN", "OUT", "HELD");
    for (i = 0; i < gst_value_array_get_size (queues); i++) {
      const GstStructure *q =
          gst_value_get_structure (gst_value_array_get_value (queues, i));
      gboolean gone = FALSE;
      gchar *name;

      /* a queue a pool's shrink took out: a later one may have its name */
      gst_structure_get_boolean (q, "retired", &gone);
      name = g_strdup_printf ("%s%s", gst_structure_get_string (q, "name"),
          gone ? " (retired)" : "");
      g_print ("%-*s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %10"
          G_GUINT64_FORMAT "\n", width, name, field_u64 (q, "items-in"),
          field_u64 (q, "items-out"), field_u64 (q, "held"));
      g_free (name);
    }
  }
  print_lost (workers);
  print_lost (retired);
  if (outcome == GST_WORKER_CONTROLLER_OUTCOME_DRAINED && balanced)
    g_print ("%s: every queue gave out every item it took in\n", PROG);
  print_tuning (report);

  growths = gst_structure_get_value (report, "queue-growths");
  for (i = 0; growths && i < gst_value_array_get_size (growths); i++) {
    const GstStructure *g =
        gst_value_get_structure (gst_value_array_get_value (growths, i));
    guint from = 0, to = 0;

    gst_structure_get_uint (g, "from", &from);
    gst_structure_get_uint (g, "to", &to);
    g_print ("%s: queue %s grown from %u to %u buffers to resolve a "
        "deadlock\n", PROG, gst_structure_get_string (g, "queue"), from, to);
  }

  if (holders && gst_value_array_get_size (holders)) {
    guint64 n = field_u64 (report, "items-discarded");

    /* workers that held nothing still say what they were doing */
    if (n)
      g_print ("%s: %" G_GUINT64_FORMAT " item%s discarded:\n", PROG, n,
          n == 1 ? "" : "s");
    else
      g_print ("%s: no item discarded; at the stop:\n", PROG);
    for (i = 0; i < gst_value_array_get_size (holders); i++) {
      const GstStructure *h =
          gst_value_get_structure (gst_value_array_get_value (holders, i));
      const gchar *kind = gst_structure_get_string (h, "kind");
      gchar state[64];

      guint64 items = field_u64 (h, "items");
      const gchar *s = items == 1 ? "" : "s";

      const gchar *reason = gst_structure_get_string (h, "reason");

      /* (an element: inside a child process, neither queue nor worker) */
      if (g_str_equal (kind, "queue") || g_str_equal (kind, "element"))
        g_print ("  %s %s: %" G_GUINT64_FORMAT " item%s%s%s\n", kind,
            gst_structure_get_string (h, "name"), items, s,
            reason ? ", " : "", reason ? reason : "");
      else
        g_print ("  worker %s: %" G_GUINT64_FORMAT " item%s, was %s for "
            "%.1f s%s%s\n", gst_structure_get_string (h, "name"), items, s,
            state_text (h, state, sizeof (state)),
            field_ms (h, "state-time") / 1000.0, reason ? "; " : "",
            reason ? reason : "");
    }
  }
}

/* ---------------------------------------------------------------------- */
/* pipeline graph */

static void
write_dot (App * app, const gchar * stage)
{
  GError *err = NULL;

  if (!app->dot_dir)
    return;
  if (!launch_observe_write_dot (app->ctrl, app->dot_dir, stage, &err)) {
    say (app, TRUE, "cannot write the graph to %s: %s", app->dot_dir,
        err->message);
    g_clear_error (&err);
  }
}

/* On request (key g, SIGUSR1): into --dot-dir, else the current one. */
static void
write_dot_now (App * app, const gchar * why)
{
  gchar *stage = g_strdup_printf ("%s-%u", why, ++app->dots);
  gchar *saved = app->dot_dir;

  app->dot_dir = saved ? saved : (gchar *) ".";
  write_dot (app, stage);
  say (app, FALSE, "graph written to %s/" PROG ".%s.dot", app->dot_dir, stage);
  app->dot_dir = saved;
  g_free (stage);
}

static gboolean
on_sigusr1 (gpointer user_data)
{
  write_dot_now (user_data, "signal");
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* controller signals */

static void
on_started (GstWorkerController * ctrl, App * app)
{
  if (!app->dot_written) {
    app->dot_written = TRUE;
    write_dot (app, "playing");
  }
}

static void
on_stalled (GstWorkerController * ctrl, const gchar * worker,
    GstWorkerState state, guint64 duration, const gchar * blocked_on,
    App * app)
{
  app->stall_seen = TRUE;
  if (blocked_on) {
    gchar *chain = gst_worker_controller_explain_wait (ctrl, worker);

    say (app, TRUE, "WARNING: worker %s stalled: blocked for %.1f s on full "
        "queue %s", worker, (gdouble) duration / GST_SECOND, blocked_on);
    if (chain)
      say (app, TRUE, "  %s", chain);
    g_free (chain);
  } else
    say (app, TRUE, "WARNING: worker %s stalled: busy for %.1f s", worker,
        (gdouble) duration / GST_SECOND);
}

static void
on_deadlock (GstWorkerController * ctrl, const GstStructure * deadlock,
    App * app)
{
  const gchar *action = gst_structure_get_string (deadlock, "action");
  const gchar *text = gst_structure_get_string (deadlock, "text");

  if (g_str_equal (action, "grow")) {
    say (app, TRUE, "%s", text);
  } else if (g_str_equal (action, "stop")) {
    app->deadlock_seen = TRUE;
    say (app, TRUE, "ERROR: %s", text);
    write_dot (app, "deadlock");
  } else {
    app->deadlock_seen = TRUE;
    say (app, TRUE, "WARNING: %s", text);
    write_dot (app, "deadlock");
  }
}

/* the elements' warnings and infos (a vehicle never heard, an autopilot's
 * texts), as gst-launch-1.0 shows them */
static void
on_element_message (gboolean warning, const gchar * text, gpointer user_data)
{
  App *app = user_data;

  if (warning || !app->quiet)
    say (app, warning, "%s", text);
}

static void
on_lost (GstWorkerController * ctrl, const gchar * worker, guint64 silence,
    App * app)
{
  app->stall_seen = TRUE;
  say (app, TRUE, "WARNING: worker %s lost: no heartbeat for %.1f s", worker,
      (gdouble) silence / GST_SECOND);
}

static void
on_recovered (GstWorkerController * ctrl, const gchar * worker,
    gboolean was_lost, App * app)
{
  say (app, TRUE, "worker %s %s", worker, was_lost ? "heartbeats again" :
      "moves again");
}

static void
on_pipeline_error (GstWorkerController * ctrl, const gchar * element,
    GError * err, const gchar * debug, gboolean will_restart, App * app)
{
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  guint restarts = 0, max = 0;

  gst_structure_get_uint (status, "restarts", &restarts);
  gst_structure_get_uint (status, "max-restarts", &max);
  gst_structure_free (status);

  say (app, TRUE, "ERROR from element %s: %s", element, err->message);
  if (debug)
    say (app, TRUE, "  debug: %s", debug);
  if (will_restart)
    say (app, TRUE, "restarting the pipeline (restart %u of %u)",
        restarts + 1, max);
  else
    write_dot (app, "error");
}

static void
on_restarted (GstWorkerController * ctrl, guint restarts, App * app)
{
  say (app, FALSE, "pipeline restarted (%u)", restarts);
}

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report,
    App * app)
{
  gint outcome = GST_WORKER_CONTROLLER_OUTCOME_NONE;
  GError *err = NULL;

  gst_structure_get_enum (report, "outcome",
      GST_TYPE_WORKER_CONTROLLER_OUTCOME, &outcome);
  switch (outcome) {
    case GST_WORKER_CONTROLLER_OUTCOME_DRAINED:
      app->exit_code = app->stall_seen ? EXIT_STALL : EXIT_DRAINED;
      break;
    case GST_WORKER_CONTROLLER_OUTCOME_ERROR:
      app->exit_code = EXIT_PIPELINE_ERROR;
      break;
    case GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT:
      say (app, TRUE, "the drain did not finish within %u ms: stopped",
          app->drain_timeout);
      app->exit_code = EXIT_STALL;
      break;
    case GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK:
      app->exit_code = EXIT_DEADLOCK;
      break;
    default:
      app->exit_code = EXIT_STALL;
      break;
  }
  /* a deadlock reported and left alone (--deadlock=report) */
  if (app->deadlock_seen && outcome != GST_WORKER_CONTROLLER_OUTCOME_ERROR)
    app->exit_code = EXIT_DEADLOCK;

  if (app->stats_json) {
    gchar *text = gst_worker_controller_get_report_json (ctrl);

    if (!g_file_set_contents (app->stats_json, text, -1, &err)) {
      say (app, TRUE, "cannot write %s: %s", app->stats_json, err->message);
      g_clear_error (&err);
      if (app->exit_code == 0)
        app->exit_code = EXIT_PIPELINE_ERROR;
    }
    g_free (text);
  }

  clear_table (app);
  if (app->starting)
    app->report = gst_structure_copy (report);
  else if (app->json) {
    gchar *line = launch_observe_json_line (report, "report",
        field_ms (report, "duration") / 1e3);

    g_print ("%s\n", line);
    g_free (line);
  } else if (!app->quiet || outcome != GST_WORKER_CONTROLLER_OUTCOME_DRAINED)
    print_report (app, report);
  g_main_loop_quit (app->loop);
}

/* ---------------------------------------------------------------------- */
/* user requests */

/* A drain that waits for workers to start first says so: its
 * --drain-timeout counts once they run. */
static void
say_start_wait (App * app)
{
  GstStructure *status = gst_worker_controller_get_status (app->ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  gboolean waits = FALSE;
  GString *who = g_string_new (NULL);

  gst_structure_get_boolean (status, "drain-waits-for-start", &waits);
  for (guint i = 0; waits && workers && i < gst_value_array_get_size
      (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    gint state = -1;

    if (gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE, &state)
        && state == GST_WORKER_STATE_STARTING)
      g_string_append_printf (who, "%s%s", who->len ? ", " : "",
          gst_structure_get_string (w, "name"));
  }
  if (waits)
    say (app, FALSE, "the drain waits for %s to start (its %u ms count "
        "from then)", who->len ? who->str : "workers", app->drain_timeout);
  g_string_free (who, TRUE);
  gst_structure_free (status);
}

static void
request_exit (App * app, const gchar * why)
{
  if (!app->draining) {
    app->draining = TRUE;
    say (app, FALSE, "%s: draining (again to stop now)", why);
    gst_worker_controller_exit_drain (app->ctrl, app->drain_timeout);
    say_start_wait (app);
  } else {
    GstStructure *report;

    say (app, FALSE, "%s again: stopping now", why);
    report = gst_worker_controller_exit_now (app->ctrl);
    gst_structure_free (report);
  }
}

static gboolean
on_sigint (gpointer user_data)
{
  request_exit (user_data, "interrupted");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  request_exit (user_data, "terminated");
  return G_SOURCE_CONTINUE;
}

/* the terminal went away: exit with drain, as for SIGTERM (the items in
 * the system are worth more than the status lines) */
static gboolean
on_sighup (gpointer user_data)
{
  request_exit (user_data, "hang-up");
  return G_SOURCE_CONTINUE;
}

/* Whether the child of process replica @name has answered its replica
 * (its stats have `child-entry`): its workers are known. */
static gboolean
child_answered (App * app, const gchar * name)
{
  GstPipeline *pipeline = gst_worker_controller_get_pipeline (app->ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstStructure *s = e && GST_IS_WORKER (e) ?
      gst_worker_get_stats (GST_WORKER (e)) : NULL;
  gboolean answered = s && gst_structure_has_field (s, "child-entry");

  if (s)
    gst_structure_free (s);
  gst_clear_object (&e);
  gst_object_unref (pipeline);
  return answered;
}

/* --pause REPLICA/NAME, a worker inside a process replica's child: the
 * replica paused it in its child before any item (the pause was queued
 * while the child started); once the child answered, a NAME it does not
 * have is a usage error. Checked every 20 ms until done. */
static gboolean
pause_in_children (gpointer user_data)
{
  App *app = user_data;
  guint i = 0;

  while (i < app->child_pauses->len) {
    const gchar *name = g_ptr_array_index (app->child_pauses, i);
    gchar *outer = g_strndup (name, strrchr (name, '/') - name);
    gboolean answered = child_answered (app, outer);
    gchar **names = gst_worker_controller_list_workers (app->ctrl);

    if (!answered) {
      i++;
    } else if (!g_strv_contains ((const gchar * const *) names, name)) {
      /* the names it has, as `pause` lists them */
      GString *has = g_string_new (NULL);
      gsize n = strlen (outer);

      for (guint k = 0; names[k]; k++)
        if (g_str_has_prefix (names[k], outer) && names[k][n] == '/')
          g_string_append_printf (has, "%s%s", has->len ? ", " : "",
              names[k]);
      say (app, TRUE, "ERROR: --pause %s: the child process of its replica "
          "has no worker of that name (its workers: %s)", name,
          has->len ? has->str : "none");
      g_string_free (has, TRUE);
      app->bad_pause = TRUE;
      gst_structure_free (gst_worker_controller_exit_now (app->ctrl));
      g_ptr_array_set_size (app->child_pauses, 0);
    } else {
      g_ptr_array_remove_index (app->child_pauses, i);
    }
    g_strfreev (names);
    g_free (outer);
  }
  if (app->child_pauses->len)
    return G_SOURCE_CONTINUE;
  app->child_pauses_source = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_duration (gpointer user_data)
{
  App *app = user_data;

  if (!app->draining)
    request_exit (app, "duration reached");
  return G_SOURCE_REMOVE;
}

static gboolean
on_key (gint fd, GIOCondition cond, gpointer user_data)
{
  App *app = user_data;
  gchar c;
  GError *err = NULL;
  gssize n = read (fd, &c, 1);

  if (n <= 0) {
    if (n < 0 && errno == EINTR)
      return G_SOURCE_CONTINUE;
    return G_SOURCE_REMOVE;
  }
  switch (c) {
    case 'p':
    case 'P':
      if (gst_worker_controller_pause (app->ctrl, &err))
        say (app, FALSE, "system paused ([r] resumes)");
      break;
    case 'r':
    case 'R':
      if (gst_worker_controller_resume (app->ctrl, &err))
        say (app, FALSE, "system resumed");
      break;
    case 'q':
    case 'Q':
      request_exit (app, "quit");
      break;
    case 'g':
    case 'G':
      write_dot_now (app, "key");
      break;
    default:{
      /* the selected row: select, pause it, resize its pool */
      gchar *text = NULL;
      gboolean failed = FALSE;

      if (launch_keys_handle (app->keys, app->ctrl, c, &text, &failed) &&
          text)
        say (app, failed, "%s", text);
      g_free (text);
      break;
    }
  }
  if (err) {
    say (app, TRUE, "%s", err->message);
    g_clear_error (&err);
  }
  if (app->tty_out)
    print_status (app);
  return G_SOURCE_CONTINUE;
}

/* An exit command from standard input (launch-control.c). */
static void
on_control_exit (gboolean now, gpointer user_data)
{
  App *app = user_data;

  if (now)
    gst_structure_free (gst_worker_controller_exit_now (app->ctrl));
  else if (!app->draining)
    request_exit (app, "exit command");
}

/* A command from the page (--http-control). */
static void
on_http_command (const gchar * command, gpointer user_data)
{
  App *app = user_data;
  GError *err = NULL;

  if (g_str_equal (command, "pause")) {
    if (gst_worker_controller_pause (app->ctrl, &err))
      say (app, FALSE, "system paused (from the web page)");
  } else if (g_str_equal (command, "resume")) {
    if (gst_worker_controller_resume (app->ctrl, &err))
      say (app, FALSE, "system resumed (from the web page)");
  } else if (g_str_equal (command, "exit")) {
    request_exit (app, "exit from the web page");
  }
  if (err) {
    say (app, TRUE, "%s", err->message);
    g_clear_error (&err);
  }
}

/* ---------------------------------------------------------------------- */
/* set-up */

static GstWorkerController *
make_controller (gchar ** argv, const gchar * file, GError ** error)
{
  GstElement *parsed;
  GstPipeline *pipeline;
  GstWorkerController *ctrl;

  if (file)
    return gst_worker_controller_new_from_file (file, error);

  parsed = gst_parse_launchv_full ((const gchar **) argv, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (!parsed)
    return NULL;
  if (GST_IS_PIPELINE (parsed)) {
    pipeline = GST_PIPELINE (parsed);
  } else {
    pipeline = GST_PIPELINE (gst_pipeline_new (NULL));
    gst_bin_add (GST_BIN (pipeline), parsed);
  }
  ctrl = gst_worker_controller_new (gst_object_ref_sink (pipeline));
  gst_object_unref (pipeline);
  return ctrl;
}

static gint
usage_error (GOptionContext * ctx, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);

static gint
usage_error (GOptionContext * ctx, const gchar * format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s: %s\nTry '%s --help'.\n", PROG, text, PROG);
  g_free (text);
  g_option_context_free (ctx);
  return EXIT_USAGE;
}

static gint
launch_main (int argc, char **argv)
{
  App app = { 0, };
  LaunchControl *control = NULL, *socket_control = NULL;
  g_autofree gchar *file = NULL, *on_error = NULL, *stats_json = NULL;
  g_autofree gchar *dot_dir = NULL, *deadlock = NULL, *on_stall = NULL;
  g_autofree gchar *tune = NULL;
  gint tune_max_replicas = UNSET;
  g_autofree gchar *status_format = NULL, *http = NULL;
  g_autofree gchar *control_address = NULL;
  gboolean http_control = FALSE;
  g_auto (GStrv) pause = NULL;
  g_autoptr (GPtrArray) child_pauses =
      g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) desc = NULL;
  gdouble duration = 0;
  /* UNSET: not given (-1 is a value, refused) */
  gint heartbeat_timeout = UNSET, stall_timeout = UNSET;
  gint heartbeat_interval = UNSET, max_restarts = UNSET;
  gint restart_backoff = UNSET, deadlock_settle = UNSET;
  gint max_queue_growth = UNSET, max_total_growth = UNSET;
  gint drain_timeout = DEFAULT_DRAIN_TIMEOUT_MS;
  gint status_interval = DEFAULT_STATUS_INTERVAL_MS;
  gboolean quiet = FALSE, eos_on_shutdown = FALSE, messages = FALSE;
  gboolean verbose = FALSE, version = FALSE;
  GOptionEntry entries[] = {
    {"file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
        "Read the pipeline description from FILE ('#' lines are comments)",
        "FILE"},
    {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
        "Exit with drain SECONDS after the start (the status's uptime, "
          "the start included; 0 = run until the sources end)",
        "SECONDS"},
    {"heartbeat-timeout", 0, 0, G_OPTION_ARG_INT, &heartbeat_timeout,
        "A worker silent for MS is lost (0 = never; default 3000)", "MS"},
    {"stall-timeout", 0, 0, G_OPTION_ARG_INT, &stall_timeout,
        "A worker busy or blocked for MS is stalled (0 = never; default "
          "5000)", "MS"},
    {"heartbeat-interval", 0, 0, G_OPTION_ARG_INT, &heartbeat_interval,
        "Give every worker this heartbeat-interval (default: their own)",
        "MS"},
    {"on-error", 0, 0, G_OPTION_ARG_STRING, &on_error,
        "On a pipeline error: stop (default) or restart", "stop|restart"},
    {"on-stall", 0, 0, G_OPTION_ARG_STRING, &on_stall,
        "On a stalled worker (--stall-timeout): report it (default) or "
          "restart the pipeline (within --max-restarts; a stalled process "
          "replica: only its child)", "report|restart"},
    {"max-restarts", 0, 0, G_OPTION_ARG_INT, &max_restarts,
        "Restarts allowed by --on-error=restart (default 3)", "N"},
    {"restart-backoff", 0, 0, G_OPTION_ARG_INT, &restart_backoff,
        "Wait before the first restart, doubled each time (default 500)",
        "MS"},
    {"deadlock", 0, 0, G_OPTION_ARG_STRING, &deadlock,
        "Deadlocks of the bounded queues: resolve them by growing the "
          "smallest full queue on the cycle (default), report them, or do "
          "nothing", "resolve|report|off"},
    {"tune", 0, 0, G_OPTION_ARG_STRING, &tune,
        "Find the bottleneck: report each worker's time busy, idle, blocked "
          "and paused and what would widen it (report), and resize "
          "workerpools and grow queues to follow it (auto)",
        "off|report|auto"},
    {"tune-max-replicas", 0, 0, G_OPTION_ARG_INT, &tune_max_replicas,
        "Largest pool size --tune=auto sets (default: the processors)", "N"},
    {"deadlock-settle", 0, 0, G_OPTION_ARG_INT, &deadlock_settle,
        "Nothing on a cycle of waits moves for MS: a deadlock (default 1000)",
        "MS"},
    {"max-queue-growth", 0, 0, G_OPTION_ARG_INT, &max_queue_growth,
        "Items of room deadlocks may add to one queue (default 64)", "N"},
    {"max-total-growth", 0, 0, G_OPTION_ARG_INT, &max_total_growth,
        "Items of room deadlocks may add to all queues (default 256)", "N"},
    {"drain-timeout", 0, 0, G_OPTION_ARG_INT, &drain_timeout,
        "Longest drain at exit before stopping (default 10000; counted "
          "from when no worker is starting)", "MS"},
    {"pause", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pause,
        "Start with this worker paused ([r] resumes all; repeatable; "
          "REPLICA/NAME: a worker inside a process replica's child)",
        "WORKER"},
    {"stats-json", 0, 0, G_OPTION_ARG_FILENAME, &stats_json,
        "Write the final report (per-worker and per-queue counts, timings) "
          "as JSON to FILE", "FILE"},
    {"dot-dir", 0, 0, G_OPTION_ARG_FILENAME, &dot_dir,
        "Write the pipeline graph to DIR (.dot, and .png if graphviz is "
          "installed)", "DIR"},
    {"status-interval", 0, 0, G_OPTION_ARG_INT, &status_interval,
        "Status refresh period (default 1000)", "MS"},
    {"status-format", 0, 0, G_OPTION_ARG_STRING, &status_format,
        "The status every --status-interval: a table or lines of text "
          "(default), or one JSON object a line on stdout (messages go to "
          "stderr)", "text|json"},
    {"control", 0, 0, G_OPTION_ARG_STRING, &control_address,
        "Take commands (as on standard input) from clients of a Unix "
          "socket, made at PATH", "unix:PATH"},
    {"http", 0, 0, G_OPTION_ARG_STRING, &http,
        "Serve a live page (/), /status.json, /metrics (Prometheus) and "
          "/graph.dot on [ADDRESS:]PORT (127.0.0.1 unless an address is "
          "given; port 0 picks a free one)", "[ADDRESS:]PORT"},
    {"http-control", 0, 0, G_OPTION_ARG_NONE, &http_control,
        "Let the page pause, resume and exit the system (POST /control/...)",
        NULL},
    {"eos-on-shutdown", 'e', 0, G_OPTION_ARG_NONE, &eos_on_shutdown,
        "As gst-launch-1.0 -e: accepted; an exit always drains (EOS first)",
        NULL},
    {"messages", 'm', 0, G_OPTION_ARG_NONE, &messages,
        "Print every message on the pipeline's bus, as gst-launch-1.0 -m",
        NULL},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
        "Print property changes (caps, say), as gst-launch-1.0 -v", NULL},
    {"version", 0, 0, G_OPTION_ARG_NONE, &version,
        "Print the version and exit", NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
        "No live status; the final report only if not drained cleanly",
        NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &desc, NULL,
        NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *err = NULL;
  guint i;

  /* from the very start (GStreamer's set-up takes a while): a signal while
   * the system starts is handled, with drain, once it runs, instead of
   * killing the tool with no report */
  g_unix_signal_add (SIGINT, on_sigint, &app);
  g_unix_signal_add (SIGTERM, on_sigterm, &app);
  g_unix_signal_add (SIGHUP, on_sighup, &app);
  /* the terminal's character set, so GLib's messages keep their quotes
   * (only LC_CTYPE: numbers keep the C locale's decimal point) */
  setlocale (LC_CTYPE, "");

  ctx = g_option_context_new ("[PIPELINE-DESCRIPTION...]");
  g_option_context_set_summary (ctx, "Runs a pipeline of workers under the "
      "worker controller: live status, pause/resume, watchdog, exit without "
      "losing an item.");
  g_option_context_set_description (ctx,
      "Keys on a terminal: p pauses the system, r resumes it, q exits with "
      "drain, g writes the graph (also SIGUSR1); up/down (or k/j) select a "
      "worker, space pauses or resumes it, + and - resize the workerpool it "
      "belongs to.\n"
      "Commands, one a line on standard input when it is not a terminal, "
      "each answered by one JSON line on standard output: pause [NAME], "
      "resume [NAME], set NAME PROPERTY=VALUE (e.g. a workerpool's size "
      "while it runs), swap NAME DESCRIPTION, insert QUEUE DESCRIPTION, "
      "remove NAME, status, exit, exit-now. Then (standard input a pipe, "
      "socket or file) and with --status-format=json, what the workers "
      "write to standard output (a Python worker's print(), a child "
      "process's, an fdsink's) goes to standard error.\n"
      "SIGINT, SIGTERM or SIGHUP exits with drain; a second one exits now.\n"
      "\nExit status:\n  0  drained cleanly\n  1  pipeline error (the "
      "message names the element)\n  2  usage error (bad option, unknown "
      "element, malformed description, a property value out of range, "
      "unknown worker)\n  3  a worker "
      "stalled or was lost, the drain timed out, or the system was stopped "
      "without draining\n  4  a deadlock: one growing queues cannot resolve "
      "(a cycle with no initial items), one past --max-queue-growth or "
      "--max-total-growth, or one reported with --deadlock=report\n");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    gint ret = usage_error (ctx, "%s", err->message);
    g_error_free (err);
    return ret;
  }

  if (version) {
    gchar *gst = gst_version_string ();

    g_print ("%s %s\n%s\n", PROG, VERSION, gst);
    g_free (gst);
    g_option_context_free (ctx);
    return 0;
  }
  app.stats_json = stats_json;
  /* as gst-launch-1.0, GST_DEBUG_DUMP_DOT_DIR when --dot-dir is not given */
  if (!dot_dir && g_getenv ("GST_DEBUG_DUMP_DOT_DIR") &&
      *g_getenv ("GST_DEBUG_DUMP_DOT_DIR"))
    dot_dir = g_strdup (g_getenv ("GST_DEBUG_DUMP_DOT_DIR"));
  app.dot_dir = dot_dir;
  if (file && desc && desc[0])
    return usage_error (ctx, "give a pipeline description or -f FILE, not "
        "both");
  if (!file && !(desc && desc[0]))
    return usage_error (ctx, "no pipeline description");
  if (duration < 0 || (heartbeat_timeout < 0 && heartbeat_timeout != UNSET) ||
      (stall_timeout < 0 && stall_timeout != UNSET) ||
      (heartbeat_interval < 0 && heartbeat_interval != UNSET) ||
      (max_restarts < 0 && max_restarts != UNSET) ||
      (restart_backoff < 0 && restart_backoff != UNSET) ||
      drain_timeout < 0 || status_interval < 0 ||
      (max_queue_growth < 0 && max_queue_growth != UNSET) ||
      (max_total_growth < 0 && max_total_growth != UNSET) ||
      (deadlock_settle < 0 && deadlock_settle != UNSET))
    return usage_error (ctx, "durations and counts cannot be negative");
  if (status_interval == 0)
    return usage_error (ctx, "--status-interval must be at least 1 ms");
  if (duration > MAX_DURATION_S)
    return usage_error (ctx, "--duration is at most %.0f s", MAX_DURATION_S);
  if (stats_json) {
    /* say now, not after the run, that the report cannot be written */
    GError *werr = NULL;

    if (!g_file_set_contents (stats_json, "", 0, &werr)) {
      gint ret = usage_error (ctx, "cannot write --stats-json %s: %s",
          stats_json, werr->message);

      g_error_free (werr);
      return ret;
    }
  }
  if (on_error && !g_str_equal (on_error, "stop") &&
      !g_str_equal (on_error, "restart"))
    return usage_error (ctx, "--on-error takes stop or restart, not '%s'",
        on_error);
  if (on_stall && !g_str_equal (on_stall, "report") &&
      !g_str_equal (on_stall, "restart"))
    return usage_error (ctx, "--on-stall takes report or restart, not '%s'",
        on_stall);
  if (status_format && !g_str_equal (status_format, "text") &&
      !g_str_equal (status_format, "json"))
    return usage_error (ctx, "--status-format takes text or json, not '%s'",
        status_format);
  if (http_control && !http)
    return usage_error (ctx, "--http-control needs --http");
  if (deadlock_settle == 0)
    return usage_error (ctx, "--deadlock-settle must be at least 1 ms");
  if (tune && !g_str_equal (tune, "off") && !g_str_equal (tune, "report") &&
      !g_str_equal (tune, "auto"))
    return usage_error (ctx, "--tune takes off, report or auto, not '%s'",
        tune);
  if (tune_max_replicas != UNSET && (tune_max_replicas < 1 ||
          tune_max_replicas > 64))
    return usage_error (ctx, "--tune-max-replicas takes 1 to 64, not %d",
        tune_max_replicas);
  if (deadlock && !g_str_equal (deadlock, "off") &&
      !g_str_equal (deadlock, "report") && !g_str_equal (deadlock, "resolve"))
    return usage_error (ctx, "--deadlock takes off, report or resolve, not "
        "'%s'", deadlock);
  if (app.dot_dir && g_mkdir_with_parents (app.dot_dir, 0755) < 0)
    return usage_error (ctx, "cannot create %s: %s", app.dot_dir,
        g_strerror (errno));

  /* standard output read by a program (commands may come on standard
   * input, or the status is JSON): the workers' and the children's
   * standard output goes to standard error, the tool's stays */
  launch_stdio_begin (g_strcmp0 (status_format, "json") == 0);
  {
    /* values out of a property's range: refused, naming the element */
    gchar *text = NULL;
    LaunchPropCheck *check;
    GstPipeline *pipeline;
    gchar *bad;

    if (file)
      g_file_get_contents (file, &text, NULL, NULL);
    else
      text = g_strjoinv (" ", desc);
    check = launch_prop_check_begin (text);

    app.ctrl = make_controller (desc, file, &err);
    if (!app.ctrl)
      launch_prop_explain_parse_error (text, err);
    g_free (text);
    pipeline = app.ctrl ? gst_worker_controller_get_pipeline (app.ctrl) : NULL;
    bad = launch_prop_check_end (check, GST_BIN (pipeline));
    gst_clear_object (&pipeline);
    if (bad) {
      gint ret = usage_error (ctx, "%s", bad);

      g_free (bad);
      g_clear_error (&err);
      gst_clear_object (&app.ctrl);
      return ret;
    }
  }
  /* Python workers (loaded with the pipeline): print() line by line */
  gst_proc_python_line_buffered ();
  if (!app.ctrl) {
    gint ret = usage_error (ctx, "%s%s", err->domain == GST_PARSE_ERROR ?
        "bad pipeline description: " : "", err->message);
    g_error_free (err);
    return ret;
  }

  if (heartbeat_timeout >= 0)
    g_object_set (app.ctrl, "heartbeat-timeout", heartbeat_timeout, NULL);
  if (stall_timeout >= 0)
    g_object_set (app.ctrl, "stall-timeout", stall_timeout, NULL);
  if (heartbeat_interval >= 0)
    g_object_set (app.ctrl, "heartbeat-interval", heartbeat_interval, NULL);
  if (max_restarts >= 0)
    g_object_set (app.ctrl, "max-restarts", max_restarts, NULL);
  if (restart_backoff >= 0)
    g_object_set (app.ctrl, "restart-backoff", restart_backoff, NULL);
  if (on_error)
    g_object_set (app.ctrl, "error-policy", g_str_equal (on_error,
            "restart") ? GST_WORKER_ERROR_POLICY_RESTART :
        GST_WORKER_ERROR_POLICY_STOP, NULL);
  if (on_stall)
    g_object_set (app.ctrl, "stall-policy", g_str_equal (on_stall,
            "restart") ? GST_WORKER_STALL_POLICY_RESTART :
        GST_WORKER_STALL_POLICY_REPORT, NULL);
  if (deadlock)
    g_object_set (app.ctrl, "deadlock-mode", g_str_equal (deadlock, "off") ?
        GST_WORKER_DEADLOCK_MODE_OFF : g_str_equal (deadlock, "report") ?
        GST_WORKER_DEADLOCK_MODE_REPORT : GST_WORKER_DEADLOCK_MODE_RESOLVE,
        NULL);
  if (deadlock_settle > 0)
    g_object_set (app.ctrl, "deadlock-settle", deadlock_settle, NULL);
  if (tune)
    g_object_set (app.ctrl, "tune", g_str_equal (tune, "auto") ?
        GST_WORKER_TUNE_MODE_AUTO : g_str_equal (tune, "report") ?
        GST_WORKER_TUNE_MODE_REPORT : GST_WORKER_TUNE_MODE_OFF, NULL);
  if (tune_max_replicas != UNSET)
    g_object_set (app.ctrl, "tune-max-replicas", tune_max_replicas, NULL);
  if (max_queue_growth >= 0)
    g_object_set (app.ctrl, "max-queue-growth", max_queue_growth, NULL);
  if (max_total_growth >= 0)
    g_object_set (app.ctrl, "max-total-growth", max_total_growth, NULL);
  app.pause = pause;
  app.child_pauses = child_pauses;
  for (i = 0; pause && pause[i]; i++) {
    const gchar *slash = strrchr (pause[i], '/');
    gchar *outer = slash ? g_strndup (pause[i], slash - pause[i]) : NULL;
    gchar **names = gst_worker_controller_list_workers (app.ctrl);
    gboolean done = gst_worker_controller_pause_worker (app.ctrl, pause[i],
        &err);

    /* a worker inside a replica's child: its replica pauses it before the
     * child's first item; the name is checked once the child runs */
    if (done && outer && g_strv_contains ((const gchar * const *) names,
            outer) && !g_strv_contains ((const gchar * const *) names,
            pause[i]))
      g_ptr_array_add (child_pauses, g_strdup (pause[i]));
    g_strfreev (names);
    g_free (outer);
    if (!done) {
      gint ret = usage_error (ctx, "%s", err->message);
      g_error_free (err);
      gst_object_unref (app.ctrl);
      return ret;
    }
  }
  g_option_context_free (ctx);

  app.quiet = quiet;
  app.json = g_strcmp0 (status_format, "json") == 0;
  app.drain_timeout = drain_timeout;
  app.status_interval = status_interval;
  app.tty_out = !quiet && !app.json && launch_stdio_is_tty () &&
      g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  app.loop = g_main_loop_new (NULL, FALSE);

  g_signal_connect (app.ctrl, "started", G_CALLBACK (on_started), &app);
  g_signal_connect (app.ctrl, "worker-stalled", G_CALLBACK (on_stalled),
      &app);
  g_signal_connect (app.ctrl, "worker-lost", G_CALLBACK (on_lost), &app);
  g_signal_connect (app.ctrl, "deadlock", G_CALLBACK (on_deadlock), &app);
  g_signal_connect (app.ctrl, "worker-recovered", G_CALLBACK (on_recovered),
      &app);
  g_signal_connect (app.ctrl, "pipeline-error",
      G_CALLBACK (on_pipeline_error), &app);
  g_signal_connect (app.ctrl, "restarted", G_CALLBACK (on_restarted), &app);
  g_signal_connect (app.ctrl, "finished", G_CALLBACK (on_finished), &app);
  {
    GstPipeline *pipeline = gst_worker_controller_get_pipeline (app.ctrl);

    launch_messages_watch_full (pipeline, (messages ? LAUNCH_MESSAGES_ALL : 0)
        | (verbose ? LAUNCH_MESSAGES_PROPERTIES : 0), on_element_message,
        &app);
    gst_object_unref (pipeline);
  }

  g_unix_signal_add (SIGUSR1, on_sigusr1, &app);
  if (http) {
    app.http = launch_http_start (app.ctrl, http, http_control, app.dot_dir,
        on_http_command, &app, &err);
    if (!app.http) {
      g_printerr ("%s: %s\n", PROG, err->message);
      g_error_free (err);
      gst_object_unref (app.ctrl);
      g_main_loop_unref (app.loop);
      return EXIT_USAGE;
    }
    say (&app, FALSE, "watching at %s", launch_http_get_url (app.http));
  }

  if (control_address) {
    socket_control = launch_control_new (app.ctrl, -1, on_control_exit, &app);
    if (!launch_control_listen (socket_control, control_address, &err)) {
      g_printerr ("%s: %s\n", PROG, err->message);
      g_error_free (err);
      launch_control_free (socket_control);
      launch_http_stop (app.http);
      gst_object_unref (app.ctrl);
      g_main_loop_unref (app.loop);
      return EXIT_USAGE;
    }
  }

  app.starting = TRUE;
  app.start_us = g_get_monotonic_time ();
  if (!gst_worker_controller_start (app.ctrl, &err)) {
    say (&app, TRUE, "ERROR: %s", err->message);
    g_error_free (err);
    /* finished was emitted: the JSON is written, the report kept */
    if (app.report && !quiet)
      print_report (&app, app.report);
    g_clear_pointer (&app.report, gst_structure_free);
    launch_control_free (socket_control);
    launch_http_stop (app.http);
    gst_object_unref (app.ctrl);
    g_main_loop_unref (app.loop);
    return EXIT_PIPELINE_ERROR;
  }
  app.starting = FALSE;

  if (enter_raw_mode ()) {
    app.keys = launch_keys_new ();
    g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_key, &app);
  }
  else
    control = launch_control_new (app.ctrl, STDIN_FILENO, on_control_exit,
        &app);

  if (duration > 0) {
    /* --duration on the run's clock too: a start that took long (the
     * children of a process pool starting) counts */
    gdouble left = duration - (g_get_monotonic_time () - app.start_us) / 1e6;

    if (left <= 0)
      g_idle_add (on_duration, &app);
    else if (left * 1000 <= G_MAXUINT)
      g_timeout_add ((guint) (left * 1000), on_duration, &app);
    else
      g_timeout_add_seconds ((guint) left, on_duration, &app);
  }
  if (!quiet)
    g_timeout_add (status_interval, status_tick, &app);
  if (child_pauses->len)
    app.child_pauses_source = g_timeout_add (20, pause_in_children, &app);

  if (!gst_worker_controller_is_finished (app.ctrl))
    g_main_loop_run (app.loop);

  restore_terminal ();
  if (app.child_pauses_source)
    g_source_remove (app.child_pauses_source);
  launch_control_free (control);
  launch_control_free (socket_control);
  if (app.keys)
    launch_keys_free (app.keys);
  launch_http_stop (app.http);
  gst_object_unref (app.ctrl);
  g_main_loop_unref (app.loop);
  return app.bad_pause ? EXIT_USAGE : app.exit_code;
}

int
main (int argc, char **argv)
{
  gint ret = launch_main (argc, argv);

  /* what Python workers' print() left in Python's buffer */
  launch_stdio_end ();
  return ret;
}
