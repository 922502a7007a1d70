/* gst-workers: the autonomy system's full loop against a MAVLink vehicle
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs pipelines/autonomy-loop.pipeline (flightlink on an ephemeral port)
 * under the worker controller against vehicle-survey.mjs, a vehicle
 * written with node-mavlink that flies, in real time, the survey the
 * pipeline's flightsimsrc renders: the whole mission, take-off, survey,
 * goto each target, land; once with a vehicle that behaves as ArduPilot,
 * once as PX4 (clusterestimate takeoff=px4: ARM, TAKEOFF, then OFFBOARD
 * once up, primed by hold setpoints, the GOTOs streamed). After the
 * climb and one pass of the survey (on the pipeline's clock) the
 * controller exits with drain. Checked:
 * - the take-off: clusterestimate's GUIDED, ARM, TAKEOFF (PX4: ARM,
 *   TAKEOFF, GUIDED) (to the flight's altitude) reached the vehicle
 *   first, in that order, each acknowledged and accepted, the TAKEOFF
 *   in time to be up with the camera (on a loaded machine it may come
 *   after the take-off time: the vehicle then climbs faster; the vehicle
 *   checks it); the odometry of the first frames is on the ground, later
 *   at the altitude;
 * - the vehicle got one GOTO per target, each within 1.5 m of it (the
 *   vehicle checks them as node-mavlink decodes them), after the climb
 *   and in GUIDED, then, at the end of the survey, one LAND
 *   (clusterestimate done-command=land at the end of its input),
 *   accepted; the vehicle descended from the altitude to the ground and
 *   disarmed before the run ended (flightlink completion-timeout), as
 *   flightlink's vehicle-state messages say too (armed, then not; on the
 *   ground, taking off, in the air, landing, on the ground);
 * - flightlink's results: guided, arm, takeoff, land, all accepted;
 * - the final estimates: one per target, within 1.5 m;
 * - the run drained with every queue balanced, and every command (the
 *   GOTOs and the LAND) went round the loop: clusterestimate ->
 *   feedbacksink -> feedbacksrc -> flightlink -> the vehicle, the same
 *   count at each step.
 * The camera and the vehicle fly the same flight on the same clock: the
 * vehicle is given the pipeline's base time (running time 0 on the system
 * clock, CLOCK_MONOTONIC) as its flight time 0. Started instead when
 * flightlink's first heartbeat reached it, its flight lagged the video by
 * however long that took, tens of ms on a loaded machine, and every
 * estimate by that much flight.
 * It prints the pairing error of the timestamp merge: the frame's running
 * time minus the time (on the vehicle's flight clock) of the odometry
 * paired with it, up to the 20 ms between samples.
 *
 * usage: autonomyloop NODE SIM_SCRIPT HAVE_NPM PIPELINE
 * NODE or HAVE_NPM empty: skipped (exit 77), saying why.
 */
#include <math.h>
#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>

#define TOLERANCE 1.5

static const gchar *node, *sim_script, *pipeline_file;

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  GOutputStream *sim_in;        /* the vehicle's stdin: its flight time 0 */
  gboolean finished;
  GMutex lock;
  GArray *offsets;              /* gdouble, ms: frame - odometry */
  guint incomplete;             /* frames whose odometry lacks parts */
  gboolean late_incomplete;     /* one after a frame with all parts */
  gdouble first_down, max_height;       /* frames' odometry */
  gboolean have_first;
  GString *results;             /* flightlink's: "command:outcome " */
  GString *armed;               /* its vehicle states: "1 0 ..." */
  GString *landed;              /* "on-ground in-air ..." */
  gchar *last_landed;
  GstClockTime drain_at;        /* running time of the exit with drain */
} Loop;

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report,
    Loop * l)
{
  l->finished = TRUE;
  g_main_loop_quit (l->loop);
}

/* Once the camera has flown the climb and one pass of the survey (the
 * pipeline's running time): an exit with drain, bounded well above the
 * landing's time. */
static gboolean
exit_drain (gpointer user_data)
{
  Loop *l = user_data;
  GstPipeline *pipe = gst_worker_controller_get_pipeline (l->ctrl);
  GstClockTime now = gst_element_get_current_running_time (GST_ELEMENT
      (pipe));

  gst_object_unref (pipe);
  if (!GST_CLOCK_TIME_IS_VALID (now) || now < l->drain_at)
    return G_SOURCE_CONTINUE;
  gst_worker_controller_exit_drain (l->ctrl, 60000);
  return G_SOURCE_REMOVE;
}

/* flightlink's results and vehicle states, as they are posted. */
static void
on_sync_message (GstBus * bus, GstMessage * msg, Loop * l)
{
  const GstStructure *s = gst_message_get_structure (msg);
  gboolean armed;
  const gchar *landed;

  if (!s)
    return;
  g_mutex_lock (&l->lock);
  if (gst_structure_has_name (s, "flightlink-command-result")) {
    g_string_append_printf (l->results, "%s:%s ",
        gst_structure_get_string (s, "command"),
        gst_structure_get_string (s, "outcome"));
  } else if (gst_structure_has_name (s, "flightlink-vehicle-state")) {
    fail_unless (gst_structure_get_boolean (s, "armed", &armed));
    landed = gst_structure_get_string (s, "landed-state");
    fail_unless (landed != NULL);
    /* each change once */
    if (!g_str_has_suffix (l->armed->str, armed ? "1 " : "0 "))
      g_string_append (l->armed, armed ? "1 " : "0 ");
    /* (undefined until the vehicle's first EXTENDED_SYS_STATE) */
    if (g_strcmp0 (landed, "undefined") && g_strcmp0 (l->last_landed,
            landed)) {
      g_string_append_printf (l->landed, "%s ", landed);
      g_free (l->last_landed);
      l->last_landed = g_strdup (landed);
    }
  }
  g_mutex_unlock (&l->lock);
}

static gboolean
run_timeout (gpointer user_data)
{
  fail ("the loop did not finish in time");
  return G_SOURCE_REMOVE;
}

/* The pipeline's base time, its running time 0 on the system clock, as
 * the vehicle's flight time 0: once set, as the pipeline starts going to
 * PLAYING (it reaches PLAYING only once every sink has had an item, the
 * commands' filesink after the first command). */
static gboolean
give_vehicle_clock (gpointer user_data)
{
  Loop *l = user_data;
  GstPipeline *pipe = gst_worker_controller_get_pipeline (l->ctrl);
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (pipe));
  gchar *line;
  GError *err = NULL;

  gst_object_unref (pipe);
  if (base == 0)
    return G_SOURCE_CONTINUE;
  line = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", (guint64) base);
  fail_unless (g_output_stream_write_all (l->sim_in, line, strlen (line),
          NULL, NULL, &err), "cannot write to the vehicle: %s",
      err ? err->message : "");
  fail_unless (g_output_stream_flush (l->sim_in, NULL, NULL));
  g_free (line);
  return G_SOURCE_REMOVE;
}

/* Everything gathered about a run, on stderr, before a failure: check
 * cuts a failure message (4 kB at most), and the controller's report
 * alone is longer. @vehicle: the vehicle's verdict line, or NULL. */
static void
print_run (Loop * l, const gchar * vehicle)
{
  gchar *report = gst_worker_controller_get_report_json (l->ctrl);

  g_mutex_lock (&l->lock);
  g_printerr ("autonomy loop, the run:\n  located: %u frames, %u with "
      "incomplete odometry%s", l->offsets->len, l->incomplete,
      l->late_incomplete ? " (one after a complete pose)" : "");
  if (l->have_first)
    g_printerr ("; the first at %.2f m above home, the highest at %.2f m",
        -l->first_down, l->max_height);
  g_printerr ("\n  flightlink: results %s; armed %s; landed states %s\n"
      "  the vehicle: %s\n  the controller's report: %s\n", l->results->str,
      l->armed->str, l->landed->str, vehicle ? vehicle : "(no verdict)",
      report);
  g_mutex_unlock (&l->lock);
  g_free (report);
}

/* How the run ended, short, for a failure message: the outcome, and the
 * pipeline's error if there was one. *@drained: whether it drained. */
static gchar *
run_ending (Loop * l, gboolean * drained)
{
  GstStructure *r = gst_worker_controller_get_report (l->ctrl);
  const GValue *v = gst_structure_get_value (r, "outcome");
  GEnumClass *outcomes = g_type_class_ref (G_VALUE_TYPE (v));
  GEnumValue *outcome = g_enum_get_value (outcomes, g_value_get_enum (v));
  const gchar *nick = outcome ? outcome->value_nick : "?";
  const GValue *ev = gst_structure_get_value (r, "error");
  gchar *ending;

  *drained = g_value_get_enum (v) == GST_WORKER_CONTROLLER_OUTCOME_DRAINED;
  if (ev) {
    const GstStructure *e = gst_value_get_structure (ev);

    ending = g_strdup_printf ("outcome %s, error from %s: %.200s", nick,
        gst_structure_get_string (e, "element"),
        gst_structure_get_string (e, "message"));
  } else {
    ending = g_strdup_printf ("outcome %s", nick);
  }
  g_type_class_unref (outcomes);
  gst_structure_free (r);
  return ending;
}

/* Each frame reaching geolocate: how far its odometry is in time. */
static GstPadProbeReturn
on_frame (GstPad * pad, GstPadProbeInfo * info, Loop * l)
{
  GstBuffer *frame = GST_PAD_PROBE_INFO_BUFFER (info);
  GstBuffer *odo_buf = gst_buffer_get_merged_item (frame, "sink_1");
  GstOdometry odo;
  gdouble offset;

  fail_unless (odo_buf != NULL, "a frame without odometry passed the merge");
  fail_unless (gst_odometry_from_buffer (odo_buf, &odo));
  offset = ((gdouble) GST_BUFFER_PTS (frame) -
      (gdouble) odo.source_time_us * 1000) / 1e6;
  g_mutex_lock (&l->lock);
  if ((odo.fields & GST_ODOMETRY_HAS_LOCAL) &&
      (odo.fields & GST_ODOMETRY_HAS_ATTITUDE)) {
    g_array_append_val (l->offsets, offset);
    if (!l->have_first)
      l->first_down = odo.down;
    l->have_first = TRUE;
    l->max_height = MAX (l->max_height, -odo.down);
  } else {
    l->incomplete++;
    if (l->offsets->len > 0)
      l->late_incomplete = TRUE;
  }
  g_mutex_unlock (&l->lock);
  return GST_PAD_PROBE_OK;
}

static gint
compare_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static GstElement *
get (GstWorkerController * ctrl, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  fail_unless (e != NULL, "the pipeline has no element named %s", name);
  gst_object_unref (pipe);
  return e;
}

static JsonObject *
parse_line (JsonParser * parser, const gchar * line)
{
  fail_unless (line != NULL, "the vehicle said nothing");
  fail_unless (json_parser_load_from_data (parser, line, -1, NULL),
      "the vehicle said: %s", line);
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
entry (JsonObject * report, const gchar * what, const gchar * name)
{
  JsonArray *a = json_object_get_array_member (report, what);
  guint i;

  for (i = 0; i < json_array_get_length (a); i++) {
    JsonObject *o = json_array_get_object_element (a, i);

    if (g_str_equal (json_object_get_string_member (o, "name"), name))
      return o;
  }
  fail ("no %s named %s in the report", what, name);
  return NULL;
}

static gint64
count (JsonObject * report, const gchar * what, const gchar * name,
    const gchar * field)
{
  return json_object_get_int_member (entry (report, what, name), field);
}

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *s = NULL;
  guint64 v = G_MAXUINT64;

  g_object_get (e, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

/* The vehicle flies what the camera renders. */
static void
check_same_flight (GstElement * camera, JsonObject * flight)
{
  static const gchar *doubles[] = { "altitude", "speed", "path-length",
    "path-width", "lane-spacing", "path-heading", "radius", "home-latitude",
    "home-longitude", "home-altitude", "position-noise", "attitude-noise",
    "attitude-wobble", "climb-rate", "takeoff-time"
  };
  GEnumClass *klass;
  gint path = 0;
  gchar *targets = NULL, **items;
  JsonArray *sim_targets = json_object_get_array_member (flight, "targets");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (doubles); i++) {
    gdouble v = 0;

    g_object_get (camera, doubles[i], &v, NULL);
    fail_unless_equals_float (json_object_get_double_member (flight,
            doubles[i]), v);
  }
  g_object_get (camera, "path", &path, "targets", &targets, NULL);
  klass = g_type_class_ref (G_PARAM_SPEC_VALUE_TYPE
      (g_object_class_find_property (G_OBJECT_GET_CLASS (camera), "path")));
  fail_unless_equals_string (json_object_get_string_member (flight, "path"),
      g_enum_get_value (klass, path)->value_nick);
  g_type_class_unref (klass);
  items = g_strsplit (targets, ";", -1);
  fail_unless_equals_int (json_array_get_length (sim_targets),
      g_strv_length (items));
  for (i = 0; items[i]; i++) {
    JsonArray *t = json_array_get_array_element (sim_targets, i);
    gdouble n, e;

    fail_unless (sscanf (items[i], "%lf,%lf", &n, &e) == 2);
    fail_unless_equals_float (json_array_get_double_element (t, 0), n);
    fail_unless_equals_float (json_array_get_double_element (t, 1), e);
  }
  g_strfreev (items);
  g_free (targets);
}

/* The final estimates: one within TOLERANCE of each target. */
static void
check_estimates (const gchar * path, JsonArray * targets)
{
  gchar *text = NULL, **lines;
  guint i, k, n = 0, len = json_array_get_length (targets);
  gboolean *found = g_new0 (gboolean, len);

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    JsonParser *p;
    JsonObject *o;
    gdouble best = G_MAXDOUBLE, north, east;
    guint best_k = 0;

    if (!*lines[i])
      continue;
    p = json_parser_new ();
    o = parse_line (p, lines[i]);
    if (!json_object_get_boolean_member (o, "final")) {
      g_object_unref (p);
      continue;
    }
    n++;
    north = json_object_get_double_member (o, "north");
    east = json_object_get_double_member (o, "east");
    for (k = 0; k < len; k++) {
      JsonArray *t = json_array_get_array_element (targets, k);
      gdouble d = hypot (north - json_array_get_double_element (t, 0),
          east - json_array_get_double_element (t, 1));

      if (d < best) {
        best = d;
        best_k = k;
      }
    }
    fail_unless (best <= TOLERANCE, "final estimate at %.2f,%.2f: %.2f m "
        "from the nearest target", north, east, best);
    fail_if (found[best_k], "two final estimates of target %u", best_k);
    found[best_k] = TRUE;
    g_print ("  final estimate of target %u: %.3f,%.3f, error %.3f m, %"
        G_GINT64_FORMAT " detections\n", best_k, north, east, best,
        json_object_get_int_member (o, "count"));
    g_object_unref (p);
  }
  fail_unless_equals_int (n, len);
  g_strfreev (lines);
  g_free (text);
  g_free (found);
}

/* The whole mission with a vehicle that behaves as @autopilot
 * ("ardupilot" or "px4"). */
static void
fly_mission (const gchar * autopilot)
{
  gboolean px4 = g_str_equal (autopilot, "px4");
  Loop l = { 0 };
  GError *err = NULL;
  GstElement *link, *camera, *locate, *out;
  GstPad *pad;
  GSubprocess *sim;
  GDataInputStream *sim_out;
  JsonParser *hello_p = json_parser_new (), *result_p = json_parser_new ();
  JsonParser *report_p = json_parser_new ();
  JsonObject *hello, *result, *rep;
  JsonArray *targets, *commands;
  gchar *line, *dir, *path, *json, *ending;
  gboolean drained;
  gint port;
  gdouble pass, start_ms = 0, altitude, climb_end;
  gint64 frames, sent, gotos;
  guint i, timeout_id;
  JsonObject *flight;
  GstPipeline *pipeline;
  GstBus *bus;

  g_mutex_init (&l.lock);
  l.offsets = g_array_new (FALSE, FALSE, sizeof (gdouble));
  l.results = g_string_new (NULL);
  l.armed = g_string_new (NULL);
  l.landed = g_string_new (NULL);
  l.loop = g_main_loop_new (NULL, FALSE);
  l.ctrl = gst_worker_controller_new_from_file (pipeline_file, &err);
  fail_unless (l.ctrl != NULL, "%s: %s", pipeline_file, err ? err->message :
      "");
  g_signal_connect (l.ctrl, "finished", G_CALLBACK (on_finished), &l);

  /* the outputs in a scratch directory */
  dir = g_dir_make_tmp ("gst-workers-loop-XXXXXX", NULL);
  fail_unless (dir != NULL);
  out = get (l.ctrl, "estimates-out");
  path = g_build_filename (dir, "estimates.jsonl", NULL);
  g_object_set (out, "location", path, NULL);
  gst_object_unref (out);
  out = get (l.ctrl, "commands-out");
  g_free (path);
  path = g_build_filename (dir, "commands.jsonl", NULL);
  g_object_set (out, "location", path, NULL);
  gst_object_unref (out);
  g_free (path);

  /* the vehicle, on a port of its own, flying the pipeline's flight */
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDIN_PIPE, &err, node, sim_script, "--port", "0",
      "--pipeline", pipeline_file, "--clock-stdin", "1", "--autopilot",
      autopilot, NULL);
  fail_unless (sim != NULL, "cannot run %s: %s", node, err ? err->message :
      "");
  sim_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  l.sim_in = g_subprocess_get_stdin_pipe (sim);
  line = g_data_input_stream_read_line_utf8 (sim_out, NULL, NULL, NULL);
  hello = parse_line (hello_p, line);
  g_free (line);
  fail_unless (json_object_has_member (hello, "port"), "the vehicle said: %s",
      json_to_string (json_parser_get_root (hello_p), FALSE));
  port = json_object_get_int_member (hello, "port");
  pass = json_object_get_double_member (hello, "pass_seconds");
  /* PX4's order: ARM, TAKEOFF, then OFFBOARD once up */
  if (px4) {
    GstElement *estimate = get (l.ctrl, "estimate");

    gst_util_set_object_arg (G_OBJECT (estimate), "takeoff", "px4");
    gst_object_unref (estimate);
  }
  camera = get (l.ctrl, "camera");
  check_same_flight (camera, json_object_get_object_member (hello, "flight"));
  gst_object_unref (camera);
  flight = json_object_get_object_member (hello, "flight");
  targets = json_object_get_array_member (flight, "targets");
  /* the take-off: on the ground, then a climb to the altitude */
  altitude = json_object_get_double_member (flight, "altitude");
  fail_unless (json_object_get_double_member (flight, "climb-rate") > 0,
      "the pipeline's flight has no take-off");
  climb_end = json_object_get_double_member (flight, "takeoff-time") +
      altitude / json_object_get_double_member (flight, "climb-rate");
  l.drain_at = (GstClockTime) ((climb_end + pass + 1.0) * GST_SECOND);

  pipeline = gst_worker_controller_get_pipeline (l.ctrl);
  bus = gst_pipeline_get_bus (pipeline);
  gst_bus_enable_sync_message_emission (bus);
  g_signal_connect (bus, "sync-message::element",
      G_CALLBACK (on_sync_message), &l);
  gst_object_unref (bus);
  gst_object_unref (pipeline);

  /* flightlink: any free port, sending to the vehicle from the start */
  link = get (l.ctrl, "link");
  g_object_set (link, "port", 0, "remote-port", port, NULL);

  locate = get (l.ctrl, "locate");
  pad = gst_element_get_static_pad (locate, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) on_frame, &l, NULL);
  gst_object_unref (pad);
  gst_object_unref (locate);

  /* the climb and one pass of the survey, then an exit with drain */
  fail_unless (gst_worker_controller_start (l.ctrl, &err), "%s",
      err ? err->message : "");
  g_timeout_add (1, give_vehicle_clock, &l);
  g_timeout_add (100, exit_drain, &l);
  timeout_id = g_timeout_add_seconds ((guint) (climb_end + pass) + 90,
      run_timeout, NULL);
  g_main_loop_run (l.loop);
  g_source_remove (timeout_id);
  fail_unless (l.finished);

  /* the vehicle's verdict, read now: a run that ended early (not drained,
   * or before any frame was located) is told in full on stderr, and in
   * short in the failure */
  g_subprocess_send_signal (sim, SIGTERM);
  line = g_data_input_stream_read_line_utf8 (sim_out, NULL, NULL, NULL);
  ending = run_ending (&l, &drained);
  if (!drained || l.offsets->len == 0) {
    print_run (&l, line);
    fail ("the run ended early: %s; %u frames located (%u with incomplete "
        "odometry); the run is on stderr", ending, l.offsets->len,
        l.incomplete);
  }
  g_free (ending);

  /* how well frames and telemetry were paired (before any verdict: a
   * located target's error follows the pairing's) */
  g_array_sort (l.offsets, compare_double);
  g_print ("autonomy loop: %u frames located, %u with incomplete odometry; "
      "pairing error (frame - odometry time): median %.1f ms, 90%% %.1f ms, "
      "min %.1f ms, max %.1f ms\n", l.offsets->len, l.incomplete,
      g_array_index (l.offsets, gdouble, l.offsets->len / 2),
      g_array_index (l.offsets, gdouble, l.offsets->len * 9 / 10),
      g_array_index (l.offsets, gdouble, 0),
      g_array_index (l.offsets, gdouble, l.offsets->len - 1));

  /* the vehicle's verdict */
  result = parse_line (result_p, line);
  GST_INFO ("vehicle: %s", line);
  fail_unless (g_subprocess_wait (sim, NULL, NULL));
  if (!json_object_get_boolean_member (result, "ok")) {
    print_run (&l, line);
    fail ("the vehicle: %.300s (the run is on stderr)",
        json_object_get_string_member_with_default (result, "error", "?"));
  }
  fail_unless_equals_int (g_subprocess_get_exit_status (sim), 0);
  commands = json_object_get_array_member (result, "commands");
  fail_unless_equals_int (json_array_get_length (commands),
      json_array_get_length (targets));
  fail_unless_equals_int (json_array_get_length
      (json_object_get_array_member (result, "missed")), 0);
  fail_unless (json_object_get_int_member (result, "heartbeats") >= 1);
  {
    /* how late the flight started: the system clock is CLOCK_MONOTONIC */
    GstPipeline *pipe = gst_worker_controller_get_pipeline (l.ctrl);
    GstClock *sys = gst_system_clock_obtain ();
    GstClockType type = GST_CLOCK_TYPE_REALTIME;

    g_object_get (sys, "clock-type", &type, NULL);
    fail_unless_equals_int (type, GST_CLOCK_TYPE_MONOTONIC);
    start_ms = (json_object_get_double_member (result, "start_monotonic_ns")
        - (gdouble) gst_element_get_base_time (GST_ELEMENT (pipe))) / 1e6;
    gst_object_unref (sys);
    gst_object_unref (pipe);
  }
  for (i = 0; i < json_array_get_length (commands); i++) {
    JsonObject *c = json_array_get_object_element (commands, i);

    g_print ("  GOTO target %" G_GINT64_FORMAT " at flight time %.2f s: "
        "%.3f,%.3f, error %.3f m\n", json_object_get_int_member (c, "target"),
        json_object_get_double_member (c, "at"),
        json_object_get_double_member (c, "north"),
        json_object_get_double_member (c, "east"),
        json_object_get_double_member (c, "error"));
  }
  {
    /* first the take-off: GUIDED, ARM, TAKEOFF, each accepted before
     * any GOTO; after the GOTOs the LAND: accepted, and the vehicle went
     * down from the altitude and disarmed */
    static const gint64 ardupilot[] = { 176, 400, 22, 21 };
    static const gint64 px4_order[] = { 400, 22, 176, 21 };
    const gint64 *expect = px4 ? px4_order : ardupilot;
    JsonArray *all = json_object_get_array_member (result,
        "long_commands");
    JsonObject *takeoff = json_object_get_object_member (result, "takeoff");
    JsonObject *landing = json_object_get_object_member (result, "landing");
    GPtrArray *longs = g_ptr_array_new ();

    /* first sendings only: a command whose ACK came later than flightlink's
     * command timeout (a loaded machine) is sent again with confirmation
     * 1, 2, ... (MAVLink's retransmission), and the vehicle counts it */
    GString *seen = g_string_new (NULL);

    for (i = 0; i < json_array_get_length (all); i++) {
      JsonObject *c = json_array_get_object_element (all, i);

      g_string_append_printf (seen, " %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
          " result %" G_GINT64_FORMAT " at %.2f s",
          json_object_get_int_member (c, "command"),
          json_object_get_int_member (c, "confirmation"),
          json_object_get_int_member (c, "result"),
          json_object_get_double_member (c, "at"));
      if (json_object_get_int_member (c, "confirmation") == 0)
        g_ptr_array_add (longs, c);
    }
    fail_unless (longs->len == 4, "%u COMMAND_LONGs first sent, not 4 "
        "(command/confirmation:%s)", longs->len, seen->str);
    g_string_free (seen, TRUE);
    for (i = 0; i < 4; i++) {
      JsonObject *c = g_ptr_array_index (longs, i);

      fail_unless_equals_int (json_object_get_int_member (c, "command"),
          expect[i]);
      fail_unless_equals_int (json_object_get_int_member (c, "result"), 0);
      fail_unless_equals_int (json_object_get_int_member (c, "gotos_before"),
          i < 3 ? 0 : json_array_get_length (targets));
      g_print ("  MAV_CMD %" G_GINT64_FORMAT " at flight time %.2f s, after "
          "%" G_GINT64_FORMAT " GOTOs: accepted\n", expect[i],
          json_object_get_double_member (c, "at"),
          json_object_get_int_member (c, "gotos_before"));
    }
    g_ptr_array_unref (longs);
    fail_unless (takeoff != NULL, "the vehicle did not take off");
    /* in time to be up with the camera (the vehicle checks it too) */
    fail_unless (json_object_get_double_member (takeoff, "at") <
        json_object_get_double_member (takeoff, "climb_end"));
    fail_unless (landing != NULL, "the vehicle did not land");
    fail_unless (fabs (json_object_get_double_member (landing,
                "from_altitude") - altitude) < 0.01,
        "the LAND came at %.2f m, not at the survey's altitude",
        json_object_get_double_member (landing, "from_altitude"));
    fail_if (json_object_get_null_member (landing, "disarmed_at"),
        "the vehicle did not land and disarm");
    fail_unless (json_object_get_boolean_member (result, "landed"));
    fail_if (json_object_get_boolean_member (result, "armed"));
    g_print ("  TAKEOFF at %.2f s (%.2f s late), climb %.2f-%.2f s; LAND at "
        "%.2f s from %.1f m, on the ground and disarmed at %.2f s\n",
        json_object_get_double_member (takeoff, "at"),
        json_object_get_double_member (takeoff, "late"),
        json_object_get_double_member (takeoff, "climb_start"),
        json_object_get_double_member (takeoff, "climb_end"),
        json_object_get_double_member (landing, "at"),
        json_object_get_double_member (landing, "from_altitude"),
        json_object_get_double_member (landing, "disarmed_at"));

    /* what flightlink made of it */
    g_print ("  flightlink: results %s; armed %s; landed states %s\n",
        l.results->str, l.armed->str, l.landed->str);
    fail_unless_equals_string (l.results->str, px4 ? "arm:accepted "
        "takeoff:accepted guided:accepted land:accepted " : "guided:accepted "
        "arm:accepted takeoff:accepted land:accepted ");
    if (px4) {
      /* OFFBOARD once, after the hold setpoints, never lost */
      fail_unless_equals_int (json_object_get_int_member (result,
              "offboard_entered"), 1);
      fail_unless_equals_int (json_object_get_int_member (result,
              "offboard_lost"), 0);
      fail_unless (json_object_get_int_member (result, "holds") >= 1);
      g_print ("  PX4: %" G_GINT64_FORMAT " setpoints received, OFFBOARD "
          "entered once, never lost\n",
          json_object_get_int_member (result, "setpoints"));
    }
    fail_unless_equals_string (l.armed->str, "0 1 0 ");
    fail_unless_equals_string (l.landed->str, "on-ground takeoff in-air "
        "landing on-ground ");
    /* the frames' odometry: from the ground up to the altitude */
    fail_unless (fabs (l.first_down) < 1.5, "the first located frame is "
        "%.2f m above home", -l.first_down);
    fail_unless (l.max_height > altitude - 1.5 && l.max_height < altitude +
        1.5, "the highest located frame is at %.2f m", l.max_height);
  }
  g_free (line);

  /* the system drained, nothing lost, all the way round the loop */
  json = gst_worker_controller_get_report_json (l.ctrl);
  fail_unless (json_parser_load_from_data (report_p, json, -1, NULL));
  rep = json_node_get_object (json_parser_get_root (report_p));
  fail_unless_equals_string (json_object_get_string_member (rep, "outcome"),
      "drained");
  fail_unless (json_object_get_boolean_member (rep, "balanced"));
  frames = count (rep, "workers", "camera", "items-in");
  fail_unless (frames >= 10 * pass, "%" G_GINT64_FORMAT " frames",
      frames);
  fail_unless_equals_int64 (count (rep, "queues", "frames", "items-out"),
      frames);
  fail_unless_equals_int64 (count (rep, "workers", "detect_collect",
          "items-out"), frames);
  gotos = json_array_get_length (commands);
  sent = gotos + 4;             /* and the take-off's three, the LAND */
  /* flightlink's items out are its odometry items, its items in the
   * commands it took (all sent) */
  fail_unless_equals_int64 (count (rep, "queues", "telemetry", "items-out"),
      count (rep, "workers", "link", "items-out"));
  fail_unless_equals_int64 (count (rep, "workers", "link", "items-in"), sent);
  fail_unless_equals_int64 (count (rep, "workers", "link", "items-dropped"),
      0);
  /* Frames the merge had no odometry for within 50 ms (the first ones,
   * before the telemetry starts) are dropped there, counted. The others
   * are located, but for those paired with the first odometry items:
   * flightlink's items are snapshots of what was received so far, and the
   * vehicle's first two messages (global position, attitude) make items
   * without the local position; geolocate drops those frames, counted.
   * They all come before the first frame with a complete pose. */
  fail_unless_equals_int64 (count (rep, "workers", "locate", "items-in"),
      count (rep, "workers", "merge", "items-out"));
  fail_unless_equals_int64 (count (rep, "workers", "locate", "items-in"),
      count (rep, "workers", "locate", "items-out") +
      count (rep, "workers", "locate", "items-dropped"));
  fail_unless_equals_int64 (count (rep, "workers", "locate", "items-dropped"),
      l.incomplete);
  fail_if (l.late_incomplete, "a frame was paired with incomplete odometry "
      "after one with a complete pose");
  fail_unless_equals_int64 (count (rep, "workers", "estimate", "items-in"),
      count (rep, "workers", "locate", "items-out"));
  fail_unless_equals_int64 (count (rep, "queues", "commands-q", "items-out"),
      sent);
  fail_unless_equals_int64 (count (rep, "workers", "to-vehicle", "items-in"),
      sent);
  fail_unless_equals_int64 (count (rep, "workers", "to-vehicle",
          "items-dropped"), 0);
  fail_unless_equals_int64 (count (rep, "workers", "from-estimate",
          "items-out"), sent);
  fail_unless_equals_int64 (count (rep, "queues", "to-link", "items-out"),
      sent);
  fail_unless_equals_int64 (count (rep, "queues", "commands-log",
          "items-out"), sent);
  fail_unless_equals_uint64 (stat_u64 (link, "commands-sent"), sent);
  fail_unless_equals_uint64 (stat_u64 (link, "commands-refused"), 0);
  fail_unless_equals_uint64 (stat_u64 (link, "commands-timed-out"), 0);
  /* PX4: each streamed too */
  if (px4)
    fail_unless (stat_u64 (link, "setpoints-sent") > (guint64) gotos);
  else
    fail_unless_equals_uint64 (stat_u64 (link, "setpoints-sent"), gotos);

  path = g_build_filename (dir, "estimates.jsonl", NULL);
  check_estimates (path, targets);
  g_unlink (path);
  g_free (path);
  path = g_build_filename (dir, "commands.jsonl", NULL);
  g_unlink (path);
  g_free (path);
  fail_unless (g_rmdir (dir) == 0);

  /* the vehicle took the base time as its flight time 0 */
  fail_unless (fabs (start_ms) < 1.0, "the vehicle's flight started %.1f ms "
      "after running time 0", start_ms);

  g_free (json);
  g_free (dir);
  gst_object_unref (link);
  g_object_unref (sim_out);
  g_object_unref (sim);
  g_object_unref (hello_p);
  g_object_unref (result_p);
  g_object_unref (report_p);
  gst_object_unref (l.ctrl);
  g_main_loop_unref (l.loop);
  g_array_unref (l.offsets);
  g_string_free (l.results, TRUE);
  g_string_free (l.armed, TRUE);
  g_string_free (l.landed, TRUE);
  g_free (l.last_landed);
  g_mutex_clear (&l.lock);
}

GST_START_TEST (test_autonomy_loop_ardupilot)
{
  fly_mission ("ardupilot");
}

GST_END_TEST;

GST_START_TEST (test_autonomy_loop_px4)
{
  fly_mission ("px4");
}

GST_END_TEST;

static Suite *
autonomyloop_suite (void)
{
  Suite *s = suite_create ("autonomyloop");
  TCase *tc = tcase_create ("node-mavlink");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  tcase_add_test (tc, test_autonomy_loop_ardupilot);
  tcase_add_test (tc, test_autonomy_loop_px4);
  return s;
}

int
main (int argc, char **argv)
{
  gchar *module_dir, *installed;
  gboolean have;

  if (argc != 5) {
    g_printerr ("usage: %s NODE SIM_SCRIPT HAVE_NPM PIPELINE\n", argv[0]);
    return 1;
  }
  node = argv[1];
  sim_script = argv[2];
  pipeline_file = argv[4];

  if (!*node) {
    g_print ("SKIP: node (nodejs) is not installed: cannot run the "
        "node-mavlink vehicle\n");
    return 77;
  }
  if (!*argv[3]) {
    g_print ("SKIP: npm is not installed: cannot install node-mavlink from "
        "the npm registry\n");
    return 77;
  }
  module_dir = g_path_get_dirname (sim_script);
  installed = g_build_filename (module_dir, "node_modules", "node-mavlink",
      "package.json", NULL);
  have = g_file_test (installed, G_FILE_TEST_EXISTS);
  if (!have)
    g_printerr ("FAIL: node-mavlink is not installed in %s: npm ci failed "
        "when the test was built (see npm-install.log there; no network?)\n",
        module_dir);
  g_free (installed);
  g_free (module_dir);
  if (!have)
    return 1;

  gst_check_init (&argc, &argv);
  return gst_check_run_suite (autonomyloop_suite (), "autonomyloop",
      __FILE__);
}
