/* gst-workers: gst-worker-launch shows a running system: status as JSON
 * lines, Prometheus metrics, the pipeline graph in the system's colours
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>

#include "launch-observe.h"

/* ---------------------------------------------------------------------- */
/* JSON lines */

/* One line of JSON: the structure's fields plus `kind` (status, report)
 * and `time` (seconds since the tool started). */
gchar *
launch_observe_json_line (const GstStructure * s, const gchar * kind,
    gdouble t)
{
  GstStructure *copy = gst_structure_copy (s);
  gchar *text;

  gst_structure_set (copy, "kind", G_TYPE_STRING, kind,
      "time", G_TYPE_DOUBLE, t, NULL);
  text = gst_worker_structure_to_json (copy, FALSE);
  gst_structure_free (copy);
  return text;
}

/* ---------------------------------------------------------------------- */
/* Prometheus text format (version 0.0.4) */

static const gchar *
worker_state_nick (const GstStructure * w)
{
  gint state = GST_WORKER_STATE_IDLE;
  GEnumClass *klass = g_type_class_ref (GST_TYPE_WORKER_STATE);
  GEnumValue *v;
  const gchar *nick;

  gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE, &state);
  v = g_enum_get_value (klass, state);
  nick = v ? v->value_nick : "unknown";
  g_type_class_unref (klass);
  return nick;
}

static void
append_label_value (GString * out, const gchar * v)
{
  for (; v && *v; v++) {
    if (*v == '\\' || *v == '"')
      g_string_append_printf (out, "\\%c", *v);
    else if (*v == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *v);
  }
}

static void
head (GString * out, const gchar * name, const gchar * type,
    const gchar * help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
      name, type);
}

static void
sample (GString * out, const gchar * name, const gchar * label,
    const gchar * value, const gchar * label2, const gchar * value2,
    gdouble v)
{
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, name);
  if (label) {
    g_string_append_printf (out, "{%s=\"", label);
    append_label_value (out, value);
    if (label2) {
      g_string_append_printf (out, "\",%s=\"", label2);
      append_label_value (out, value2);
    }
    g_string_append (out, "\"}");
  }
  g_string_append_printf (out, " %s\n", g_ascii_dtostr (num, sizeof (num),
          v));
}

static gdouble
num (const GstStructure * s, const gchar * field)
{
  const GValue *v = gst_structure_get_value (s, field);

  if (!v)
    return 0;
  if (G_VALUE_HOLDS_UINT64 (v)) {
    guint64 u = g_value_get_uint64 (v);

    return u == G_MAXUINT64 ? -1 : (gdouble) u;
  }
  if (G_VALUE_HOLDS_UINT (v))
    return g_value_get_uint (v);
  if (G_VALUE_HOLDS_INT (v))
    return g_value_get_int (v);
  if (G_VALUE_HOLDS_DOUBLE (v))
    return g_value_get_double (v);
  if (G_VALUE_HOLDS_BOOLEAN (v))
    return g_value_get_boolean (v);
  return 0;
}

static const GstStructure *
item (const GValue * array, guint i)
{
  return gst_value_get_structure (gst_value_array_get_value (array, i));
}

typedef struct
{
  const gchar *metric, *type, *help, *field;
  gdouble scale;                /* 1e-9: nanoseconds to seconds */
} Metric;

static const Metric worker_metrics[] = {
  {"gst_worker_items_in_total", "counter", "Items the worker took in.",
      "items-in", 1},
  {"gst_worker_items_out_total", "counter", "Items the worker gave out.",
      "items-out", 1},
  {"gst_worker_items_dropped_total", "counter",
      "Items the worker dropped by its own decision.", "items-dropped", 1},
  {"gst_worker_rate_items_per_second", "gauge",
      "Items in per second between the worker's last two heartbeats.", "rate",
      1},
  {"gst_worker_proc_time_avg_seconds", "gauge",
      "Average processing time per item.", "proc-time-avg", 1e-9},
  {"gst_worker_proc_time_max_seconds", "gauge",
      "Longest processing time of one item.", "proc-time-max", 1e-9},
  {"gst_worker_state_seconds", "gauge",
      "Time in the current state.", "state-time", 1e-9},
  {"gst_worker_heartbeats_total", "counter",
      "Heartbeats received from the worker this run.", "heartbeats", 1},
  {"gst_worker_paused", "gauge", "1 when the worker is paused.", "paused", 1},
  {"gst_worker_stalled", "gauge",
      "1 when the worker is busy or blocked for longer than the stall timeout.",
      "stalled", 1},
  {"gst_worker_lost", "gauge",
      "1 when the worker's heartbeats stopped for longer than the heartbeat "
        "timeout.", "lost", 1},
  /* a worker in a child process (a process replica, a workerpool's with
   * isolation=process; the workers inside its child have a pid too) */
  {"gst_worker_process_restarts_total", "counter",
      "Restarts of the worker's child process after it crashed or hung "
        "(the pipeline went on).", "restarts", 1},
  {"gst_worker_process_items_retried_total", "counter",
      "Items a crashed child process held, given again to the restarted "
        "one.", "items-retried", 1},
  {"gst_worker_process_items_lost_total", "counter",
      "Items lost because the child process died with them twice (in the "
        "worker's dropped items).", "items-lost", 1},
  {"gst_worker_process_pid", "gauge",
      "The process id of the worker's child process (0: none runs now).",
      "pid", 1},
};

static const Metric queue_metrics[] = {
  {"gst_worker_queue_level_buffers", "gauge", "Buffers the queue holds.",
      "level", 1},
  {"gst_worker_queue_max_size_buffers", "gauge",
      "The queue's limit in buffers (0: none).", "max-size-buffers", 1},
  {"gst_worker_queue_items_in_total", "counter",
      "Items into the queue this run.", "items-in", 1},
  {"gst_worker_queue_items_out_total", "counter",
      "Items out of the queue this run.", "items-out", 1},
  {"gst_worker_queue_held_items", "gauge",
      "Items in the queue (in + initial - out).", "held", 1},
};

static const gchar *const states[] = { "idle", "busy", "blocked", "paused",
  "starting"
};

/* The controller's status in Prometheus' text format. */
gchar *
launch_observe_metrics (GstWorkerController * ctrl)
{
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  const GValue *queues = gst_structure_get_value (status, "queues");
  const GstStructure *deadlock = NULL;
  const gchar *phase = gst_structure_get_string (status, "phase");
  GString *out = g_string_new (NULL);
  guint nw = workers ? gst_value_array_get_size (workers) : 0;
  guint nq = queues ? gst_value_array_get_size (queues) : 0;
  guint i, j;
  static const gchar *const phases[] = { "ready", "running", "draining",
    "restarting", "finished"
  };

  head (out, "gst_worker_system_phase", "gauge",
      "1 for the system's phase: ready, running, draining, restarting, "
      "finished.");
  for (j = 0; j < G_N_ELEMENTS (phases); j++)
    sample (out, "gst_worker_system_phase", "phase", phases[j], NULL, NULL,
        g_strcmp0 (phase, phases[j]) == 0);
  head (out, "gst_worker_system_paused", "gauge",
      "1 when the whole system is paused.");
  sample (out, "gst_worker_system_paused", NULL, NULL, NULL, NULL,
      num (status, "system-paused"));
  head (out, "gst_worker_uptime_seconds", "gauge", "Time since the start.");
  sample (out, "gst_worker_uptime_seconds", NULL, NULL, NULL, NULL,
      MAX (num (status, "uptime"), 0) * 1e-9);
  head (out, "gst_worker_restarts_total", "counter",
      "Pipeline restarts after errors (a child process's restart is "
      "gst_worker_process_restarts_total).");
  sample (out, "gst_worker_restarts_total", NULL, NULL, NULL, NULL,
      num (status, "restarts"));
  head (out, "gst_worker_discarded_by_restarts_total", "counter",
      "Items discarded by restarts.");
  sample (out, "gst_worker_discarded_by_restarts_total", NULL, NULL, NULL,
      NULL, num (status, "discarded-by-restarts"));

  head (out, "gst_worker_state", "gauge",
      "1 for the worker's state: idle (waiting for input), busy, blocked (on "
      "a full queue), paused.");
  for (i = 0; i < nw; i++) {
    const GstStructure *w = item (workers, i);
    const gchar *state = worker_state_nick (w);

    for (j = 0; j < G_N_ELEMENTS (states); j++)
      sample (out, "gst_worker_state", "worker", gst_structure_get_string (w,
              "name"), "state", states[j], g_str_equal (state, states[j]));
  }
  for (j = 0; j < G_N_ELEMENTS (worker_metrics); j++) {
    const Metric *m = &worker_metrics[j];

    head (out, m->metric, m->type, m->help);
    for (i = 0; i < nw; i++) {
      const GstStructure *w = item (workers, i);

      if (gst_structure_has_field (w, m->field))
        sample (out, m->metric, "worker", gst_structure_get_string (w, "name"),
            NULL, NULL, num (w, m->field) * m->scale);
    }
  }
  head (out, "gst_worker_heartbeat_age_seconds", "gauge",
      "Time since the worker's last heartbeat.");
  for (i = 0; i < nw; i++) {
    const GstStructure *w = item (workers, i);
    gdouble age = num (w, "heartbeat-age");

    if (age >= 0 && gst_structure_has_field (w, "heartbeat-age"))
      sample (out, "gst_worker_heartbeat_age_seconds", "worker",
          gst_structure_get_string (w, "name"), NULL, NULL, age * 1e-9);
  }
  for (j = 0; j < G_N_ELEMENTS (queue_metrics); j++) {
    const Metric *m = &queue_metrics[j];

    head (out, m->metric, m->type, m->help);
    for (i = 0; i < nq; i++) {
      const GstStructure *q = item (queues, i);

      sample (out, m->metric, "queue", gst_structure_get_string (q, "name"),
          NULL, NULL, num (q, m->field) * m->scale);
    }
  }

  gst_structure_get (status, "deadlock", GST_TYPE_STRUCTURE, &deadlock, NULL);
  if (deadlock) {
    const GValue *growths = gst_structure_get_value (deadlock, "growths");
    GHashTable *per_queue = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer key, value;
    guint n = growths ? gst_value_array_get_size (growths) : 0;

    head (out, "gst_worker_deadlock_growths_total", "counter",
        "Items of room added to queues to resolve deadlocks.");
    sample (out, "gst_worker_deadlock_growths_total", NULL, NULL, NULL, NULL,
        n);
    for (i = 0; i < n; i++) {
      const gchar *q = gst_structure_get_string (item (growths, i), "queue");

      if (q)
        g_hash_table_insert (per_queue, (gpointer) q,
            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup
                    (per_queue, q)) + 1));
    }
    head (out, "gst_worker_queue_deadlock_growths_total", "counter",
        "Items of room added to the queue to resolve deadlocks.");
    g_hash_table_iter_init (&it, per_queue);
    while (g_hash_table_iter_next (&it, &key, &value))
      sample (out, "gst_worker_queue_deadlock_growths_total", "queue", key,
          NULL, NULL, GPOINTER_TO_UINT (value));
    g_hash_table_unref (per_queue);
    head (out, "gst_worker_deadlocked", "gauge",
        "1 when the deadlock detector sees a deadlock now.");
    sample (out, "gst_worker_deadlocked", NULL, NULL, NULL, NULL,
        g_strcmp0 (gst_structure_get_string (deadlock, "state"),
            "deadlocked") == 0);
    gst_structure_free ((GstStructure *) deadlock);
  }
  gst_structure_free (status);
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* the graph in colours */

typedef struct
{
  gchar *colour;
  gchar *label;                 /* appended to the element's label */
} Paint;

static void
paint_free (Paint * p)
{
  g_free (p->colour);
  g_free (p->label);
  g_free (p);
}

/* gstdebugutils.c's cluster name of an element */
static gchar *
cluster_id (GstObject * obj)
{
  gchar *name = gst_object_get_name (obj);
  gchar *id = g_strdup_printf ("%s_%p", name, (gpointer) obj);

  g_free (name);
  return g_strcanon (id, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "_", '_');
}

/* The element's path below the pipeline, as the controller names it. */
static gchar *
relative_path (GstElement * pipeline, GstElement * element)
{
  GString *path = g_string_new (GST_OBJECT_NAME (element));
  GstObject *o = GST_OBJECT_PARENT (element);

  while (o && o != GST_OBJECT (pipeline)) {
    g_string_prepend_c (path, '/');
    g_string_prepend (path, GST_OBJECT_NAME (o));
    o = GST_OBJECT_PARENT (o);
  }
  return g_string_free (path, FALSE);
}

/* empty green, half yellow, full red */
static gchar *
fill_colour (guint level, guint max)
{
  gdouble f = max ? MIN ((gdouble) level / max, 1.0) : 0;
  gint r = f < 0.5 ? (gint) (120 + 270 * f) : 255;
  gint g = f < 0.5 ? 230 : (gint) (230 - 300 * (f - 0.5));

  return g_strdup_printf ("#%02x%02x%02x", CLAMP (r, 0, 255), CLAMP (g, 0,
          255), 120);
}

static const gchar *
state_colour (const gchar * state, gboolean alarm)
{
  if (alarm)
    return "#ff5252";
  if (g_str_equal (state, "idle") || g_str_equal (state, "reading"))
    return "#b9f6ca";
  if (g_str_equal (state, "busy") || g_str_equal (state, "running"))
    return "#fff176";
  if (g_str_equal (state, "blocked") || g_str_equal (state, "writing"))
    return "#ff8a80";
  if (g_str_equal (state, "paused"))
    return "#cfd8dc";
  return "#e0e0e0";
}

static void
add_paint (GHashTable * paints, const gchar * key, const gchar * colour,
    gchar * label)
{
  Paint *p = g_new0 (Paint, 1);

  p->colour = g_strdup (colour);
  p->label = label;
  g_hash_table_replace (paints, g_strdup (key), p);
}

/* What each element's box says, by the element's name or path. */
static GHashTable *
paints_from_status (const GstStructure * status)
{
  GHashTable *paints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) paint_free);
  const GValue *workers = gst_structure_get_value (status, "workers");
  const GValue *queues = gst_structure_get_value (status, "queues");
  const GstStructure *wait_for = NULL;
  guint i, j;

  /* stock elements: their process's state */
  gst_structure_get (status, "wait-for", GST_TYPE_STRUCTURE, &wait_for, NULL);
  if (wait_for) {
    const GValue *procs = gst_structure_get_value (wait_for, "processes");

    for (i = 0; procs && i < gst_value_array_get_size (procs); i++) {
      const GstStructure *p = item (procs, i);
      const gchar *state = gst_structure_get_string (p, "state");
      const GValue *els = gst_structure_get_value (p, "elements");

      for (j = 0; state && els && j < gst_value_array_get_size (els); j++) {
        const GValue *e = gst_value_array_get_value (els, j);

        if (G_VALUE_HOLDS_STRING (e))
          add_paint (paints, g_value_get_string (e), state_colour (state,
                  FALSE), g_strdup_printf ("process: %s", state));
      }
    }
    gst_structure_free ((GstStructure *) wait_for);
  }
  for (i = 0; queues && i < gst_value_array_get_size (queues); i++) {
    const GstStructure *q = item (queues, i);
    guint level = 0, max = 0;
    gchar *colour;

    gst_structure_get_uint (q, "level", &level);
    gst_structure_get_uint (q, "max-size-buffers", &max);
    colour = fill_colour (level, max);
    add_paint (paints, gst_structure_get_string (q, "name"), colour,
        g_strdup_printf ("fill: %u/%u", level, max));
    g_free (colour);
  }
  for (i = 0; workers && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w = item (workers, i);
    const gchar *state = worker_state_nick (w);
    const gchar *on = gst_structure_get_string (w, "blocked-on");
    gboolean stalled = FALSE, lost = FALSE;
    gdouble rate = 0;

    gst_structure_get_boolean (w, "stalled", &stalled);
    gst_structure_get_boolean (w, "lost", &lost);
    gst_structure_get_double (w, "rate", &rate);
    add_paint (paints, gst_structure_get_string (w, "path"),
        state_colour (state, stalled || lost),
        g_strdup_printf ("worker: %s%s%s%s%s, %.1f/s", state, on ? " on " : "",
            on ? on : "", stalled ? " STALLED" : "", lost ? " LOST" : "",
            rate));
  }
  return paints;
}

static void
collect_ids (GstElement * pipeline, GstBin * bin, GHashTable * paints,
    GHashTable * by_id)
{
  GstIterator *it = gst_bin_iterate_elements (bin);
  GValue v = G_VALUE_INIT;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    gchar *path = relative_path (pipeline, e);
    Paint *p = g_hash_table_lookup (paints, path);

    if (!p)
      p = g_hash_table_lookup (paints, GST_OBJECT_NAME (e));
    if (p)
      g_hash_table_insert (by_id, cluster_id (GST_OBJECT (e)), p);
    g_free (path);
    if (GST_IS_BIN (e))
      collect_ids (pipeline, GST_BIN (e), paints, by_id);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

typedef struct
{
  gsize indent;
  Paint *paint;
} Open;

/* The pipeline's DOT graph (gst_debug_bin_to_dot_data()) with each
 * worker's box in the colour of its state and its state in the label,
 * each queue's in the colour of its fill (green empty, red full), and
 * each stock element's in the colour of its process's state. Reading
 * properties (GST_DEBUG_GRAPH_SHOW_NON_DEFAULT_PARAMS) calls every
 * element's getters: leave them out of graphs drawn again and again. */
gchar *
launch_observe_dot (GstWorkerController * ctrl, GstDebugGraphDetails details)
{
  GstPipeline *pipeline = gst_worker_controller_get_pipeline (ctrl);
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  GHashTable *paints = paints_from_status (status);
  GHashTable *by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  gchar *data = gst_debug_bin_to_dot_data (GST_BIN (pipeline), details);
  gchar **lines = g_strsplit (data, "\n", -1);
  GArray *open = g_array_new (FALSE, FALSE, sizeof (Open));
  GString *out = g_string_sized_new (strlen (data) + 1024);
  guint i;

  collect_ids (GST_ELEMENT (pipeline), GST_BIN (pipeline), paints, by_id);
  for (i = 0; lines[i]; i++) {
    gchar *line = lines[i];
    gsize indent = strspn (line, " ");
    const gchar *rest = line + indent;
    Open *top = open->len ? &g_array_index (open, Open, open->len - 1) : NULL;

    if (g_str_has_prefix (rest, "subgraph cluster_") &&
        g_str_has_suffix (rest, " {")) {
      gchar *id = g_strndup (rest + strlen ("subgraph cluster_"),
          strlen (rest) - strlen ("subgraph cluster_") - 2);
      Open o = { indent, g_hash_table_lookup (by_id, id) };

      g_array_append_val (open, o);
      g_free (id);
    } else if (top && g_str_equal (rest, "}") && indent == top->indent) {
      g_array_set_size (open, open->len - 1);
    } else if (top && top->paint && indent == top->indent + 2) {
      if (g_str_has_prefix (rest, "fillcolor=")) {
        g_string_append_printf (out, "%*sfillcolor=\"%s\";\n", (gint) indent,
            "", top->paint->colour);
        continue;
      }
      if (g_str_has_prefix (rest, "label=\"") &&
          g_str_has_suffix (rest, "\";")) {
        gchar *label = g_strescape (top->paint->label, NULL);

        g_string_append_len (out, line, strlen (line) - 2);
        g_string_append_printf (out, "\\n%s\";\n", label);
        g_free (label);
        continue;
      }
    }
    g_string_append (out, line);
    if (lines[i + 1])
      g_string_append_c (out, '\n');
  }

  g_array_free (open, TRUE);
  g_strfreev (lines);
  g_free (data);
  g_hash_table_unref (by_id);
  g_hash_table_unref (paints);
  gst_structure_free (status);
  gst_object_unref (pipeline);
  return g_string_free (out, FALSE);
}

/* DIR/gst-worker-launch.STAGE.dot, and .png when graphviz is there. */
gboolean
launch_observe_write_dot (GstWorkerController * ctrl, const gchar * dir,
    const gchar * stage, GError ** error)
{
  gchar *data = launch_observe_dot (ctrl, GST_DEBUG_GRAPH_SHOW_ALL);
  gchar *dot = g_strdup_printf ("%s/gst-worker-launch.%s.dot", dir, stage);
  gchar *png = g_strdup_printf ("%s/gst-worker-launch.%s.png", dir, stage);
  gchar *prog;
  gboolean ok;

  ok = g_file_set_contents (dot, data, -1, error);
  if (ok && (prog = g_find_program_in_path ("dot"))) {
    GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
        error, prog, "-Tpng", "-o", png, dot, NULL);

    ok = p && g_subprocess_wait_check (p, NULL, error);
    g_clear_object (&p);
    g_free (prog);
  }
  g_free (data);
  g_free (dot);
  g_free (png);
  return ok;
}
