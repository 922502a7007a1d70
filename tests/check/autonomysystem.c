/* gst-workers: the autonomy system end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * pipelines/autonomy.pipeline, the default of `make run`, as it is in the
 * file: the simulated survey flight through detection (a workerpool),
 * the timestamp merge with the telemetry, geolocation and clustering.
 *
 * - Under the worker controller, to the end of the flight: every target of
 *   the simulation is found once, within 1.5 m, with no false target, one
 *   GOTO command each, and the run drained with equal counts along the
 *   chain.
 * - Under gst-launch-1.0 -e, interrupted mid-flight: it ends cleanly, and
 *   its output is byte for byte that of a flight of as many frames run to
 *   its end (the network is deterministic), so nothing was lost.
 * - Bad input, in the system: frames of a format detecttarget cannot read,
 *   a corrupt telemetry file, a camera device that is not there.
 */
#include <signal.h>
#include <string.h>
#include <math.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testpipeline.h"

#define SYSTEM_FILE PIPELINES_DIR "/autonomy.pipeline"
#define ESTIMATES "autonomy-estimates.jsonl"
#define COMMANDS "autonomy-commands.jsonl"
/* what the issue asks of every estimate, metres */
#define TOLERANCE 1.5

/* ---------------------------------------------------------------------- */
/* files */

static gchar *
scratch_dir (void)
{
  gchar *dir = g_dir_make_tmp ("gst-workers-system-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

static void
remove_dir (gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  fail_unless (d != NULL);
  while ((name = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, name, NULL);

    fail_unless (g_unlink (path) == 0);
    g_free (path);
  }
  g_dir_close (d);
  fail_unless (g_rmdir (dir) == 0);
  g_free (dir);
}

/* The JSON objects of a JSON Lines file, one parser each. */
static GPtrArray *
read_json_lines (const gchar * path)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func (g_object_unref);
  gchar *text = NULL, **lines;
  guint i;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    JsonParser *p;
    GError *err = NULL;

    if (!lines[i][0]) {
      /* only after the last line */
      fail_unless (lines[i + 1] == NULL, "%s: empty line %u", path, i + 1);
      continue;
    }
    p = json_parser_new ();
    fail_unless (json_parser_load_from_data (p, lines[i], -1, &err),
        "%s:%u: %s", path, i + 1, err ? err->message : "");
    fail_unless (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)));
    g_ptr_array_add (objs, p);
  }
  g_strfreev (lines);
  g_free (text);
  return objs;
}

static JsonObject *
line_obj (GPtrArray * objs, guint i)
{
  return json_node_get_object (json_parser_get_root (objs->pdata[i]));
}

/* A telemetry file of @frames frames of the simulated flight. */
static void
record_telemetry (const gchar * path, guint frames)
{
  gchar *desc = g_strdup_printf ("flightsimsrc name=sim num-buffers=%u "
      "! video/x-raw,width=64,height=36 ! fakesink sim.telemetry ! queue "
      "! odometryfilesink location=\"%s\"", frames, path);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstMessage *msg;

  fail_unless (pipe != NULL);
  msg = test_pipeline_run (pipe, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
  g_free (desc);
}

/* ---------------------------------------------------------------------- */
/* the system's description, with other drivers */

static gchar *
replace (gchar * text, const gchar * from, const gchar * to)
{
  gchar *at = strstr (text, from), *out;

  fail_unless (at != NULL, "'%s' not in the description", from);
  *at = '\0';
  out = g_strconcat (text, to, at + strlen (from), NULL);
  g_free (text);
  return out;
}

/* autonomy.pipeline with the camera (flightsimsrc and its properties, up to
 * the first '!') replaced by @camera, if set, and its telemetry output by
 * @telemetry, if set. */
static gchar *
system_description (const gchar * camera, const gchar * telemetry)
{
  GError *err = NULL;
  gchar *desc = test_pipeline_read (SYSTEM_FILE, &err);

  fail_unless (desc != NULL, "%s", err ? err->message : "");
  if (camera) {
    gchar *start = strstr (desc, "flightsimsrc name=camera");
    gchar *end, *out;

    fail_unless (start != NULL);
    end = strchr (start, '!');
    *start = '\0';
    out = g_strconcat (desc, camera, " ", end, NULL);
    g_free (desc);
    desc = out;
  }
  if (telemetry)
    desc = replace (desc, "camera.telemetry", telemetry);
  return desc;
}

/* ---------------------------------------------------------------------- */
/* a run under the controller */

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  gchar *dir;
  gboolean finished;
  JsonParser *report;
} Run;

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report,
    Run * r)
{
  r->finished = TRUE;
  g_main_loop_quit (r->loop);
}

static gboolean
run_timeout (gpointer user_data)
{
  fail ("the system did not finish in time");
  return G_SOURCE_REMOVE;
}

static GstElement *
get (Run * r, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (r->ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  fail_unless (e != NULL, "the system has no element %s", name);
  gst_object_unref (pipe);
  return e;
}

/* The controller for @desc (the file if NULL), its outputs in a scratch
 * directory. */
static void
run_init (Run * r, const gchar * desc)
{
  GError *err = NULL;

  memset (r, 0, sizeof (*r));
  r->loop = g_main_loop_new (NULL, FALSE);
  r->dir = scratch_dir ();
  if (desc)
    r->ctrl = gst_worker_controller_new_from_description (desc, &err);
  else
    r->ctrl = gst_worker_controller_new_from_file (SYSTEM_FILE, &err);
  fail_unless (r->ctrl != NULL, "%s", err ? err->message : "");
  g_signal_connect (r->ctrl, "finished", G_CALLBACK (on_finished), r);
}

static void
set_output (Run * r, const gchar * sink, const gchar * file)
{
  GstElement *e = get (r, sink);
  gchar *path = g_build_filename (r->dir, file, NULL);

  g_object_set (e, "location", path, NULL);
  g_free (path);
  gst_object_unref (e);
}

static gchar *
output (Run * r, const gchar * file)
{
  return g_build_filename (r->dir, file, NULL);
}

/* Runs until the sources end (or an error), then reads the report. */
static JsonObject *
run_to_end (Run * r, guint timeout_s)
{
  GError *err = NULL;
  gchar *json;
  guint id;

  if (gst_worker_controller_start (r->ctrl, &err)) {
    id = g_timeout_add_seconds (timeout_s, run_timeout, NULL);
    g_main_loop_run (r->loop);
    g_source_remove (id);
  }
  g_clear_error (&err);
  fail_unless (r->finished);
  json = gst_worker_controller_get_report_json (r->ctrl);
  r->report = json_parser_new ();
  fail_unless (json_parser_load_from_data (r->report, json, -1, NULL));
  g_free (json);
  return json_node_get_object (json_parser_get_root (r->report));
}

static void
run_clear (Run * r)
{
  gst_object_unref (r->ctrl);
  g_main_loop_unref (r->loop);
  g_clear_object (&r->report);
  remove_dir (r->dir);
}

/* The entry named @name of the report's array @what. */
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

#define fail_unless_count(report, what, name, field, expected) \
  fail_unless_equals_int64 (count (report, what, name, field), expected)

/* Drained, every queue gave out what it took, and @frames frames went
 * through every worker of the chain. */
static void
check_drained_chain (JsonObject * rep, gint64 frames, gint64 estimates,
    gint64 commands)
{
  JsonArray *queues = json_object_get_array_member (rep, "queues");
  guint i;

  fail_unless_equals_string (json_object_get_string_member (rep, "outcome"),
      "drained");
  fail_unless (json_object_get_boolean_member (rep, "balanced"));
  fail_unless_equals_int64 (json_object_get_int_member_with_default (rep,
          "items-discarded", 0), 0);
  for (i = 0; i < json_array_get_length (queues); i++) {
    JsonObject *q = json_array_get_object_element (queues, i);

    fail_unless_equals_int64 (json_object_get_int_member (q, "items-in"),
        json_object_get_int_member (q, "items-out"));
    fail_unless_equals_int64 (json_object_get_int_member (q, "held"), 0);
  }

  /* the camera: one frame and one odometry item per frame */
  fail_unless_count (rep, "workers", "camera", "items-in", frames);
  fail_unless_count (rep, "workers", "camera", "items-out", 2 * frames);
  fail_unless_count (rep, "queues", "frames", "items-out", frames);
  fail_unless_count (rep, "queues", "telemetry", "items-out", frames);
  /* detection, in the pool: every frame once, through one replica */
  fail_unless_count (rep, "workers", "detect_dispatch", "items-in", frames);
  fail_unless_equals_int64 (count (rep, "workers", "detect_r0_detecttarget",
          "items-out") + count (rep, "workers", "detect_r1_detecttarget",
          "items-out"), frames);
  fail_unless_count (rep, "workers", "detect_collect", "items-out", frames);
  fail_unless_count (rep, "queues", "detections", "items-out", frames);
  /* every frame with its odometry, none dropped */
  fail_unless_count (rep, "workers", "merge", "items-in", 2 * frames);
  fail_unless_count (rep, "workers", "merge", "items-out", frames);
  fail_unless_count (rep, "workers", "merge", "items-dropped", 0);
  fail_unless_count (rep, "queues", "merged", "items-out", frames);
  /* every frame located */
  fail_unless_count (rep, "workers", "locate", "items-in", frames);
  fail_unless_count (rep, "workers", "locate", "items-out", frames);
  fail_unless_count (rep, "workers", "locate", "items-dropped", 0);
  fail_unless_count (rep, "queues", "ground", "items-out", frames);
  /* clustering: many in, a few estimates and commands out */
  fail_unless_count (rep, "workers", "estimate", "items-in", frames);
  fail_unless_count (rep, "workers", "estimate", "items-out",
      estimates + commands);
  fail_unless_count (rep, "queues", "estimates-q", "items-out", estimates);
  fail_unless_count (rep, "workers", "estimates", "items-out", estimates);
  fail_unless_count (rep, "queues", "commands-q", "items-out", commands);
  fail_unless_count (rep, "workers", "commands", "items-out", commands);
}

/* ---------------------------------------------------------------------- */
/* the targets */

typedef struct
{
  gdouble north, east;
} Point;

/* flightsimsrc's "north,east;north,east;..." */
static GArray *
truth_of (Run * r)
{
  GstElement *camera = get (r, "camera");
  GArray *pts = g_array_new (FALSE, FALSE, sizeof (Point));
  gchar *text = NULL, **items;
  guint i;

  g_object_get (camera, "targets", &text, NULL);
  items = g_strsplit (text, ";", -1);
  for (i = 0; items[i]; i++) {
    Point p;

    fail_unless (sscanf (items[i], "%lf,%lf", &p.north, &p.east) == 2);
    g_array_append_val (pts, p);
  }
  fail_unless (pts->len >= 3, "several targets: %s", text);
  g_strfreev (items);
  g_free (text);
  gst_object_unref (camera);
  return pts;
}

/* Each of @objs (estimates or commands, those that @want) is within
 * TOLERANCE of a different target, and every target has one. Returns how
 * many objects there were. */
static guint
match_targets (GPtrArray * objs, gboolean (*want) (JsonObject *),
    GArray * truth, const gchar * what, gboolean print)
{
  gint *owner = g_new (gint, truth->len);
  guint i, k, n = 0;

  for (k = 0; k < truth->len; k++)
    owner[k] = -1;
  for (i = 0; i < objs->len; i++) {
    JsonObject *o = line_obj (objs, i);
    gdouble north, east, best = G_MAXDOUBLE;
    guint best_k = 0;

    if (!want (o))
      continue;
    n++;
    north = json_object_get_double_member (o, "north");
    east = json_object_get_double_member (o, "east");
    for (k = 0; k < truth->len; k++) {
      Point *t = &g_array_index (truth, Point, k);
      gdouble d = hypot (north - t->north, east - t->east);

      if (d < best) {
        best = d;
        best_k = k;
      }
    }
    fail_unless (best <= TOLERANCE, "%s %u at %.2f,%.2f is %.2f m from the "
        "nearest target: a false target", what, i, north, east, best);
    fail_unless (owner[best_k] < 0, "%s %u and %d are both target %u "
        "(%.1f,%.1f)", what, i, owner[best_k], best_k + 1,
        g_array_index (truth, Point, best_k).north,
        g_array_index (truth, Point, best_k).east);
    owner[best_k] = i;
    if (print && json_object_has_member (o, "count"))
      g_print ("  %s: target at %6.1f,%6.1f found at %8.3f,%8.3f: "
          "error %.3f m, %" G_GINT64_FORMAT " detections\n", what,
          g_array_index (truth, Point, best_k).north,
          g_array_index (truth, Point, best_k).east, north, east, best,
          json_object_get_int_member (o, "count"));
    else if (print)
      g_print ("  %s: target at %6.1f,%6.1f sent to %8.3f,%8.3f: "
          "error %.3f m\n", what, g_array_index (truth, Point, best_k).north,
          g_array_index (truth, Point, best_k).east, north, east, best);
  }
  for (k = 0; k < truth->len; k++)
    fail_unless (owner[k] >= 0, "no %s for target %u (%.1f,%.1f)", what,
        k + 1, g_array_index (truth, Point, k).north,
        g_array_index (truth, Point, k).east);
  g_free (owner);
  return n;
}

static gboolean
is_final (JsonObject * o)
{
  return g_str_equal (json_object_get_string_member (o, "type"),
      "target-estimate") && json_object_get_boolean_member (o, "final");
}

static gboolean
is_confirmation (JsonObject * o)
{
  return g_str_equal (json_object_get_string_member (o, "type"),
      "target-estimate") && json_object_get_boolean_member (o, "confirmed");
}

static gboolean
is_goto (JsonObject * o)
{
  return g_str_equal (json_object_get_string_member (o, "type"),
      "flight-command") &&
      g_str_equal (json_object_get_string_member (o, "command"), "goto");
}

/* ---------------------------------------------------------------------- */
/* the flight, to its end */

GST_START_TEST (test_system_finds_every_target)
{
  Run r;
  GstElement *camera;
  GArray *truth;
  GPtrArray *estimates, *commands;
  JsonObject *rep;
  gchar *path;
  gint frames = 0;

  run_init (&r, NULL);
  set_output (&r, "estimates-out", ESTIMATES);
  set_output (&r, "commands-out", COMMANDS);
  camera = get (&r, "camera");
  g_object_get (camera, "num-buffers", &frames, NULL);
  gst_object_unref (camera);
  fail_unless (frames > 0);
  truth = truth_of (&r);

  rep = run_to_end (&r, 100);

  path = output (&r, ESTIMATES);
  estimates = read_json_lines (path);
  g_free (path);
  path = output (&r, COMMANDS);
  commands = read_json_lines (path);
  g_free (path);
  check_drained_chain (rep, frames, estimates->len, commands->len);

  g_print ("autonomy.pipeline: %d frames in %.2f s\n", frames,
      json_object_get_int_member (rep, "duration") / 1e9);
  /* every target once, at the end and when first confirmed, each with
   * its GOTO command; nothing else */
  fail_unless_equals_int (match_targets (estimates, is_final, truth,
          "final estimate", TRUE), truth->len);
  fail_unless_equals_int (match_targets (estimates, is_confirmation, truth,
          "first estimate", FALSE), truth->len);
  fail_unless_equals_int (match_targets (commands, is_goto, truth,
          "goto command", TRUE), truth->len);
  fail_unless_equals_int (commands->len, truth->len);

  g_ptr_array_unref (estimates);
  g_ptr_array_unref (commands);
  g_array_unref (truth);
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* an exit with drain mid-flight */

static gboolean
has_confirmation (const gchar * path)
{
  gchar *text = NULL;
  gboolean yes;

  yes = g_file_get_contents (path, &text, NULL, NULL) &&
      strstr (text, "\"confirmed\":true") != NULL;
  g_free (text);
  return yes;
}

typedef struct
{
  Run *run;
  gchar *estimates;
} Midway;

/* Once the first target is confirmed (the file is written line by line),
 * far from the end of the flight: the controller's exit with drain. */
static gboolean
exit_when_confirmed (gpointer user_data)
{
  Midway *m = user_data;

  if (!has_confirmation (m->estimates))
    return G_SOURCE_CONTINUE;
  gst_worker_controller_exit_drain (m->run->ctrl, 10000);
  return G_SOURCE_REMOVE;
}

GST_START_TEST (test_system_exit_drain_midway)
{
  Run r;
  Midway m = { &r, NULL };
  GPtrArray *estimates, *commands;
  JsonObject *rep, *last;
  gchar *path;
  gint64 frames;
  gint full = 0;
  GstElement *camera;

  run_init (&r, NULL);
  set_output (&r, "estimates-out", ESTIMATES);
  set_output (&r, "commands-out", COMMANDS);
  camera = get (&r, "camera");
  g_object_get (camera, "num-buffers", &full, NULL);
  gst_object_unref (camera);
  m.estimates = output (&r, ESTIMATES);
  g_timeout_add (5, exit_when_confirmed, &m);
  rep = run_to_end (&r, 100);

  /* every frame the camera made went all the way */
  frames = count (rep, "workers", "camera", "items-in");
  fail_unless (frames > 0 && frames < full, "%" G_GINT64_FORMAT " frames",
      frames);
  estimates = read_json_lines (m.estimates);
  path = output (&r, COMMANDS);
  commands = read_json_lines (path);
  check_drained_chain (rep, frames, estimates->len, commands->len);
  /* and ended with the final estimates, at the last frame */
  last = line_obj (estimates, estimates->len - 1);
  fail_unless (json_object_get_boolean_member (last, "final"));
  fail_unless_equals_int64 (json_object_get_int_member (last, "pts"),
      (frames - 1) * (GST_SECOND / 10));
  g_print ("exit with drain after %" G_GINT64_FORMAT " of %d frames: "
      "drained, %u estimates, %u commands\n", frames, full, estimates->len,
      commands->len);

  g_ptr_array_unref (estimates);
  g_ptr_array_unref (commands);
  g_free (path);
  g_free (m.estimates);
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* gst-launch-1.0 -e, interrupted */

static gboolean
same_file (const gchar * a, const gchar * b)
{
  gchar *ta = NULL, *tb = NULL;
  gsize la = 0, lb = 0;
  gboolean same;

  fail_unless (g_file_get_contents (a, &ta, &la, NULL));
  fail_unless (g_file_get_contents (b, &tb, &lb, NULL));
  same = la == lb && memcmp (ta, tb, la) == 0;
  g_free (ta);
  g_free (tb);
  return same;
}

GST_START_TEST (test_system_under_gst_launch_eos)
{
  gchar *launch = g_find_program_in_path ("gst-launch-1.0");
  gchar *desc, **words, **argv, *dir, *estimates, *commands, *out = NULL;
  GSubprocessLauncher *launcher;
  GSubprocess *proc;
  GError *err = NULL;
  GPtrArray *lines;
  JsonObject *last, *rep;
  gint64 deadline, frames;
  gint nwords, full = 0;
  Run r;
  GstElement *camera;

  fail_unless (launch != NULL, "gst-launch-1.0 is not installed");
  desc = test_pipeline_read (SYSTEM_FILE, NULL);
  fail_unless (g_shell_parse_argv (desc, &nwords, &words, NULL));
  argv = g_new0 (gchar *, nwords + 3);
  argv[0] = launch;
  argv[1] = (gchar *) "-e";
  memcpy (argv + 2, words, nwords * sizeof (gchar *));

  /* its outputs (relative paths) in a scratch directory */
  dir = scratch_dir ();
  estimates = g_build_filename (dir, ESTIMATES, NULL);
  commands = g_build_filename (dir, COMMANDS, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  if (*SANITIZER_PRELOAD) {
    /* our plugins are sanitized, the system's gst-launch-1.0 is not (and
     * its own leaks are not ours) */
    g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", SANITIZER_PRELOAD,
        TRUE);
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0",
        TRUE);
  }
  proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv, &err);
  fail_unless (proc != NULL, "%s", err ? err->message : "");

  /* Ctrl-C once the first target is confirmed (the file is written line
   * by line), far from the end of the flight */
  deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  while (!has_confirmation (estimates) && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  fail_unless (has_confirmation (estimates), "no estimate in 60 s");
  g_subprocess_send_signal (proc, SIGINT);
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err));
  GST_INFO ("gst-launch-1.0: %s", out);
  fail_unless (g_subprocess_get_if_exited (proc), "%s", out);
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 0);
  fail_unless (strstr (out, "Forcing EOS on the pipeline") != NULL, "%s",
      out);
  fail_unless (strstr (out, "Got EOS from element \"pipeline0\"") != NULL,
      "%s", out);
  fail_if (strstr (out, "ERROR") != NULL, "%s", out);
  fail_if (strstr (out, "WARNING") != NULL, "%s", out);

  /* it ended with the final estimates, stamped with the last frame that
   * went through */
  lines = read_json_lines (estimates);
  fail_unless (lines->len >= 2);
  last = line_obj (lines, lines->len - 1);
  fail_unless (json_object_get_boolean_member (last, "final"));
  frames = json_object_get_int_member (last, "pts") / (GST_SECOND / 10) + 1;
  g_ptr_array_unref (lines);

  /* the same flight of that many frames, to its end: the same bytes */
  run_init (&r, NULL);
  set_output (&r, "estimates-out", ESTIMATES);
  set_output (&r, "commands-out", COMMANDS);
  camera = get (&r, "camera");
  g_object_get (camera, "num-buffers", &full, NULL);
  fail_unless (frames < full, "EOS after %" G_GINT64_FORMAT " frames of %d",
      frames, full);
  g_object_set (camera, "num-buffers", (gint) frames, NULL);
  gst_object_unref (camera);
  rep = run_to_end (&r, 100);
  {
    gchar *e2 = output (&r, ESTIMATES), *c2 = output (&r, COMMANDS);
    GPtrArray *el = read_json_lines (e2), *cl = read_json_lines (c2);

    check_drained_chain (rep, frames, el->len, cl->len);
    fail_unless (same_file (estimates, e2), "the interrupted flight's "
        "estimates differ from those of %" G_GINT64_FORMAT " frames", frames);
    fail_unless (same_file (commands, c2), "the interrupted flight's "
        "commands differ from those of %" G_GINT64_FORMAT " frames", frames);
    g_print ("gst-launch-1.0 -e: EOS after %" G_GINT64_FORMAT " of %d frames, "
        "%u estimates and %u commands, the same as a flight of %"
        G_GINT64_FORMAT " frames\n", frames, full, el->len, cl->len, frames);
    g_ptr_array_unref (el);
    g_ptr_array_unref (cl);
    g_free (e2);
    g_free (c2);
  }
  run_clear (&r);

  g_object_unref (proc);
  g_object_unref (launcher);
  remove_dir (dir);
  g_free (estimates);
  g_free (commands);
  g_free (out);
  g_free (argv);
  g_strfreev (words);
  g_free (desc);
  g_free (launch);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* bad input */

/* A camera whose frames are YUY2, which detecttarget does not read: the
 * run fails at caps negotiation, before any frame is processed, and the
 * message names the detector and the format. */
GST_START_TEST (test_system_unsupported_format)
{
  gchar *dir = scratch_dir ();
  gchar *frames = g_build_filename (dir, "frames.yuy2", NULL);
  gchar *csv = g_build_filename (dir, "flight.csv", NULL);
  gchar *camera, *telemetry, *desc, *zeros = g_malloc0 (64 * 36 * 2 * 5);
  const gchar *element, *message;
  JsonObject *rep, *error;
  Run r;

  fail_unless (g_file_set_contents (frames, zeros, 64 * 36 * 2 * 5, NULL));
  record_telemetry (csv, 5);
  camera = g_strdup_printf ("filesrc location=\"%s\" ! rawvideoparse "
      "format=yuy2 width=64 height=36 framerate=10/1", frames);
  telemetry = g_strdup_printf ("odometryfilesrc location=\"%s\"", csv);
  desc = system_description (camera, telemetry);
  run_init (&r, desc);
  set_output (&r, "estimates-out", ESTIMATES);
  set_output (&r, "commands-out", COMMANDS);
  rep = run_to_end (&r, 30);

  fail_unless_equals_string (json_object_get_string_member (rep, "outcome"),
      "error");
  error = json_object_get_object_member (rep, "error");
  element = json_object_get_string_member (error, "element");
  message = json_object_get_string_member (error, "message");
  GST_INFO ("%s: %s", element, message);
  fail_unless (g_str_has_prefix (element, "detect_r") &&
      g_str_has_suffix (element, "_detecttarget"), "error from %s", element);
  fail_unless (strstr (message, "cannot find targets in YUY2 frames") != NULL,
      "%s", message);
  fail_unless (strstr (message, "videoconvert") != NULL, "%s", message);
  fail_unless_count (rep, "workers", "detect_dispatch", "items-out", 0);
  fail_unless_count (rep, "workers", "locate", "items-in", 0);

  run_clear (&r);
  g_free (desc);
  g_free (camera);
  g_free (telemetry);
  g_free (zeros);
  g_free (frames);
  g_free (csv);
  remove_dir (dir);
}

GST_END_TEST;

/* Line @line (from 1) of @path with its third column (north) replaced. */
static void
corrupt_line (const gchar * path, guint line, const gchar * value)
{
  gchar *text = NULL, **lines, **cols;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  fail_unless (g_strv_length (lines) > line);
  cols = g_strsplit (lines[line - 1], ",", -1);
  fail_unless (g_strv_length (cols) > 3);
  g_free (cols[2]);
  cols[2] = g_strdup (value);
  g_free (lines[line - 1]);
  lines[line - 1] = g_strjoinv (",", cols);
  g_free (text);
  text = g_strjoinv ("\n", lines);
  fail_unless (g_file_set_contents (path, text, -1, NULL));
  g_strfreev (cols);
  g_strfreev (lines);
  g_free (text);
}

/* The telemetry replayed from a file (the file driver) instead of the
 * simulation's: a corrupt line stops the system with an error naming the
 * element, the file and the line. */
GST_START_TEST (test_system_corrupt_telemetry_file)
{
  gchar *dir = scratch_dir ();
  gchar *csv = g_build_filename (dir, "flight.csv", NULL);
  gchar *telemetry, *desc, *where;
  const gchar *message;
  GstElement *camera;
  JsonObject *rep, *error;
  Run r;

  record_telemetry (csv, 40);
  corrupt_line (csv, 17, "abc");
  telemetry = g_strdup_printf ("odometryfilesrc name=telemetry-file "
      "location=\"%s\"", csv);
  desc = system_description (NULL, telemetry);
  run_init (&r, desc);
  set_output (&r, "estimates-out", ESTIMATES);
  set_output (&r, "commands-out", COMMANDS);
  camera = get (&r, "camera");
  g_object_set (camera, "num-buffers", 40, NULL);
  gst_object_unref (camera);
  rep = run_to_end (&r, 30);

  fail_unless_equals_string (json_object_get_string_member (rep, "outcome"),
      "error");
  error = json_object_get_object_member (rep, "error");
  message = json_object_get_string_member (error, "message");
  GST_INFO ("%s", message);
  fail_unless_equals_string (json_object_get_string_member (error,
          "element"), "telemetry-file");
  where = g_strdup_printf ("Corrupt telemetry file %s:17: column 'north': "
      "'abc' is not a number", csv);
  fail_unless (strstr (message, where) != NULL, "%s", message);

  g_free (where);
  run_clear (&r);
  g_free (desc);
  g_free (telemetry);
  g_free (csv);
  remove_dir (dir);
}

GST_END_TEST;

/* A camera device that is not there: gst-worker-launch fails at start,
 * exit status 1, naming the device. */
GST_START_TEST (test_system_missing_camera)
{
  GstElementFactory *v4l2 = gst_element_factory_find ("v4l2src");
  gchar *dir = scratch_dir ();
  gchar *csv = g_build_filename (dir, "flight.csv", NULL);
  gchar *telemetry, *desc, *out = NULL, **words, **argv;
  GSubprocessLauncher *launcher;
  GSubprocess *proc;
  GError *err = NULL;
  gint nwords;

  fail_unless (v4l2 != NULL, "v4l2src (gst-plugins-good) is not installed");
  gst_object_unref (v4l2);
  fail_if (g_file_test ("/dev/video99", G_FILE_TEST_EXISTS));
  record_telemetry (csv, 5);
  telemetry = g_strdup_printf ("odometryfilesrc location=\"%s\"", csv);
  desc = system_description ("v4l2src device=/dev/video99 ! videoconvert "
      "! video/x-raw,format=GRAY8", telemetry);
  fail_unless (g_shell_parse_argv (desc, &nwords, &words, NULL));
  argv = g_new0 (gchar *, nwords + 3);
  argv[0] = (gchar *) GST_WORKER_LAUNCH;
  argv[1] = (gchar *) "--quiet";
  memcpy (argv + 2, words, nwords * sizeof (gchar *));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv, &err);
  fail_unless (proc != NULL, "%s", err ? err->message : "");
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err));
  GST_INFO ("gst-worker-launch: %s", out);
  fail_unless (g_subprocess_get_if_exited (proc), "%s", out);
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 1);
  fail_unless (strstr (out, "v4l2src0") != NULL, "%s", out);
  fail_unless (strstr (out, "Cannot identify device '/dev/video99'") != NULL,
      "%s", out);

  g_object_unref (proc);
  g_object_unref (launcher);
  g_free (out);
  g_free (argv);
  g_strfreev (words);
  g_free (desc);
  g_free (telemetry);
  g_free (csv);
  remove_dir (dir);
}

GST_END_TEST;

static Suite *
autonomysystem_suite (void)
{
  Suite *s = suite_create ("autonomysystem");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_system_finds_every_target);
  tcase_add_test (tc, test_system_exit_drain_midway);
  tcase_add_test (tc, test_system_under_gst_launch_eos);
  tcase_add_test (tc, test_system_unsupported_format);
  tcase_add_test (tc, test_system_corrupt_telemetry_file);
  tcase_add_test (tc, test_system_missing_camera);
  return s;
}

GST_CHECK_MAIN (autonomysystem);
