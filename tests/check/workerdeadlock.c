/* gst-workers: deadlocks of bounded queues, in the worker controller
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <json-glib/json-glib.h>
#include "testpipeline.h"

#define Q "max-size-bytes=0 max-size-time=0 "

/* deadlock-settle: workers say exactly what they wait on; what stock
 * elements wait on is inferred, so they get room for a slow first frame.
 * Both times GST_WORKERS_TEST_TIMEOUT_SCALE (10 under valgrind): there a
 * thread can wait longer than 500 ms for a core, and a cycle still moving
 * looked stuck (q1 grown twice where once is right). */
static guint
scaled (guint ms)
{
  const gchar *scale = g_getenv ("GST_WORKERS_TEST_TIMEOUT_SCALE");
  guint64 k = scale ? g_ascii_strtoull (scale, NULL, 10) : 1;

  return ms * (guint) CLAMP (k, 1, 100);
}

#define SETTLE_WORKERS scaled (200)
#define SETTLE_STOCK scaled (500)

/* REFERENCES.md: the first queue fills while the compositor waits on the
 * second branch, which releases nothing before it holds 5 frames. */
#define TEE_COMPOSITOR(q1) \
  "videotestsrc name=src num-buffers=60 ! capsfilter name=caps " \
  "caps=video/x-raw,width=64,height=48 ! " \
  "tee name=t t. ! queue name=q1 max-size-buffers=" q1 " " Q \
  "! compositor name=c ! fakesink name=sink signal-handoffs=true " \
  "t. ! queue name=q2 max-size-buffers=20 " Q "min-threshold-buffers=5 ! c."

/* A fork and a merge: branch b gives one item per 4, so the merge waits
 * on it while qa fills. */
#define FORK_MERGE(qa, ipo) \
  "testworkersrc name=fs num-buffers=40 ! tee name=t " \
  "t. ! queue name=qa max-size-buffers=" qa " " Q "! m. " \
  "t. ! queue name=qb max-size-buffers=2 " Q "! testworker name=b " \
  "inputs-per-output=" ipo " ! queue name=qb2 max-size-buffers=2 " Q "! m. " \
  "testworkermerge name=m ! queue name=qm max-size-buffers=2 " Q \
  "! testworkersink name=out "

/* Two sinks: a prerolls on the first frame and holds its thread until the
 * pipeline plays; b needs @min frames in qb before its first. */
#define PREROLL_TWO_SINKS(frames, qb, min) \
  "videotestsrc name=src num-buffers=" frames " ! capsfilter name=caps " \
  "caps=video/x-raw,width=64,height=48 ! tee name=t " \
  "t. ! queue name=qa max-size-buffers=1 " Q "! fakesink name=a " \
  "t. ! queue name=qb max-size-buffers=" qb " " Q "min-threshold-buffers=" \
  min " ! fakesink name=b"

/* An independent branch that keeps running. */
#define BACKGROUND \
  "testworkersrc name=bg produce-time=2000000 ! queue name=qg " \
  "max-size-buffers=2 " Q "! testworker name=bgw ! testworkersink name=bgout "

/* ---------------------------------------------------------------------- */
/* helpers */

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  GstStructure *report;
  GPtrArray *deadlocks;         /* "deadlock" structures, as signalled */
  guint started;
  GMutex lock;
  GChecksum *digest;            /* frames reaching "sink" */
  guint frames;
} Run;

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report, Run * r)
{
  fail_unless (r->report == NULL, "finished twice");
  r->report = gst_structure_copy (report);
  g_main_loop_quit (r->loop);
}

static void
on_deadlock (GstWorkerController * ctrl, const GstStructure * deadlock,
    Run * r)
{
  GST_INFO ("deadlock: %s", gst_structure_get_string (deadlock, "text"));
  g_ptr_array_add (r->deadlocks, gst_structure_copy (deadlock));
}

static void
on_started (GstWorkerController * ctrl, Run * r)
{
  r->started++;
}

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Run * r)
{
  GstMapInfo map;
  GstClockTime pts = GST_BUFFER_PTS (buf);

  g_mutex_lock (&r->lock);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_checksum_update (r->digest, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  g_checksum_update (r->digest, (const guchar *) &pts, sizeof (pts));
  r->frames++;
  g_mutex_unlock (&r->lock);
}

static GstElement *
element (GstWorkerController * ctrl, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  gst_object_unref (pipe);
  fail_unless (e != NULL, "no element %s", name);
  return e;
}

/* The controller of the test running, if any: a failed test leaves its
 * pipeline running (deadlocked, often), and without fork (valgrind) the
 * process then hangs in gst_task_cleanup_all(): the teardown stops it. */
static GstWorkerController *running;

static void
stop_left_running (void)
{
  GstPipeline *pipe;

  if (!running)
    return;
  pipe = gst_worker_controller_get_pipeline (running);
  gst_element_set_state (GST_ELEMENT (pipe), GST_STATE_NULL);
  gst_object_unref (pipe);
  running = NULL;
}

static void
run_init (Run * r, const gchar * desc, GstWorkerDeadlockMode mode)
{
  GError *err = NULL;
  GstPipeline *pipe;
  GstElement *sink;

  memset (r, 0, sizeof (*r));
  r->ctrl = gst_worker_controller_new_from_description (desc, &err);
  fail_unless (r->ctrl != NULL, "%s", err ? err->message : "?");
  r->loop = g_main_loop_new (NULL, FALSE);
  r->deadlocks = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  r->digest = g_checksum_new (G_CHECKSUM_SHA256);
  g_mutex_init (&r->lock);
  g_object_set (r->ctrl, "deadlock-mode", mode, "deadlock-settle",
      SETTLE_WORKERS, NULL);
  g_signal_connect (r->ctrl, "finished", G_CALLBACK (on_finished), r);
  g_signal_connect (r->ctrl, "deadlock", G_CALLBACK (on_deadlock), r);
  g_signal_connect (r->ctrl, "started", G_CALLBACK (on_started), r);
  running = r->ctrl;

  pipe = gst_worker_controller_get_pipeline (r->ctrl);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (sink) {
    g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), r);
    gst_object_unref (sink);
  }
  gst_object_unref (pipe);
}

static void
run_clear (Run * r)
{
  running = NULL;
  g_main_loop_unref (r->loop);
  if (r->report)
    gst_structure_free (r->report);
  g_ptr_array_unref (r->deadlocks);
  g_checksum_free (r->digest);
  g_mutex_clear (&r->lock);
  gst_object_unref (r->ctrl);
}

static void
start (Run * r)
{
  GError *err = NULL;

  fail_unless (gst_worker_controller_start (r->ctrl, &err), "%s",
      err ? err->message : "?");
}

static gboolean
has_report (gpointer run, gconstpointer data)
{
  return ((Run *) run)->report != NULL;
}

/* Runs the main loop until the controller finishes (bounded). */
static void
run_until_finished (Run * r, guint timeout_s)
{
  fail_unless (test_loop_run_until (r->loop, has_report, r, NULL,
          timeout_s * 1000), "the run did not end in time");
}

/* Runs the main loop for @ms. */
static void
run_for (Run * r, guint ms)
{
  test_loop_run_for (r->loop, ms);
}

/* Runs the main loop until @cond holds, checking every 10 ms (bounded). */
static void
run_until (Run * r, TestLoopCondition cond, gconstpointer data,
    guint timeout_ms)
{
  fail_unless (test_loop_run_until (r->loop, cond, r, data, timeout_ms),
      "condition not met within %u ms", timeout_ms);
}

static gboolean
has_deadlock (gpointer run, gconstpointer data)
{
  Run *r = run;

  return r->deadlocks->len > 0;
}

static guint
uint_prop (GstWorkerController * ctrl, const gchar * name, const gchar * prop)
{
  GstElement *e = element (ctrl, name);
  guint v;

  g_object_get (e, prop, &v, NULL);
  gst_object_unref (e);
  return v;
}

static gboolean
q1_full (gpointer run, gconstpointer data)
{
  return uint_prop (((Run *) run)->ctrl, "q1", "current-level-buffers") == 2;
}

static guint64
u64_prop (GstWorkerController * ctrl, const gchar * name, const gchar * prop)
{
  GstElement *e = element (ctrl, name);
  guint64 v;

  g_object_get (e, prop, &v, NULL);
  gst_object_unref (e);
  return v;
}

static gchar *
string_prop (GstWorkerController * ctrl, const gchar * name,
    const gchar * prop)
{
  GstElement *e = element (ctrl, name);
  gchar *v;

  g_object_get (e, prop, &v, NULL);
  gst_object_unref (e);
  return v;
}

static GstWorkerControllerOutcome
outcome (const GstStructure * report)
{
  gint v = -1;

  fail_unless (gst_structure_get_enum (report, "outcome",
          GST_TYPE_WORKER_CONTROLLER_OUTCOME, &v));
  return v;
}

static const gchar *
field (const GstStructure * s, const gchar * name)
{
  const gchar *v = gst_structure_get_string (s, name);

  fail_unless (v != NULL, "no %s in %s", name, test_str (s));
  return v;
}

static guint
field_uint (const GstStructure * s, const gchar * name)
{
  guint v = G_MAXUINT;

  fail_unless (gst_structure_get_uint (s, name, &v), "no %s in %s", name,
      test_str (s));
  return v;
}

static const GValue *
array (const GstStructure * s, const gchar * name)
{
  const GValue *v = gst_structure_get_value (s, name);

  fail_unless (v != NULL && GST_VALUE_HOLDS_ARRAY (v), "no array %s in %s",
      name, test_str (s));
  return v;
}

static const GstStructure *
array_structure (const GValue * a, guint i)
{
  return gst_value_get_structure (gst_value_array_get_value (a, i));
}

static gboolean
array_has_string (const GValue * a, const gchar * s)
{
  guint i;

  for (i = 0; i < gst_value_array_get_size (a); i++)
    if (g_str_equal (g_value_get_string (gst_value_array_get_value (a, i)),
            s))
      return TRUE;
  return FALSE;
}

/* The step of @cycle done by the process named @process. */
static const GstStructure *
cycle_step (const GstStructure * deadlock, const gchar * process)
{
  const GValue *cycle = array (deadlock, "cycle");
  guint i;

  for (i = 0; i < gst_value_array_get_size (cycle); i++) {
    const GstStructure *step = array_structure (cycle, i);

    if (g_str_equal (field (step, "process"), process))
      return step;
  }
  fail ("no step of %s in %s", process, test_str (deadlock));
  return NULL;
}

/* Every queue of @report grown by deadlocks, as "name:from>to;...". */
static gchar *
growths (const GstStructure * report)
{
  const GValue *g = array (report, "queue-growths");
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < gst_value_array_get_size (g); i++) {
    const GstStructure *e = array_structure (g, i);

    g_string_append_printf (s, "%s:%u>%u;", field (e, "queue"),
        field_uint (e, "from"), field_uint (e, "to"));
  }
  return g_string_free (s, FALSE);
}

/* The frames' digest of a tee-and-compositor run that ends by itself. */
static gchar *
tee_compositor_digest (const gchar * desc, GstWorkerDeadlockMode mode,
    gchar ** grown)
{
  Run r;
  gchar *digest;

  run_init (&r, desc, mode);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.frames, 60);
  digest = g_strdup (g_checksum_get_string (r.digest));
  if (grown)
    *grown = growths (r.report);
  run_clear (&r);
  return digest;
}

/* ---------------------------------------------------------------------- */
/* the tee-and-compositor example (stock elements only) */

/* Unresolved, the example hangs in preroll for ever: with the detector
 * off, nothing happens; in report mode, the deadlock is explained (the
 * whole cycle, in words and as steps) and the status says so, but no
 * queue changes and it still hangs. */
GST_START_TEST (test_tee_compositor_hangs_unresolved)
{
  Run r;
  const GstStructure *d, *step, *wf, *dl;
  GstStructure *status;
  const gchar *text;
  gchar *json;
  JsonParser *parser;
  JsonObject *root;
  GError *err = NULL;

  /* off: a bounded wait, then a stop */
  run_init (&r, TEE_COMPOSITOR ("2"), GST_WORKER_DEADLOCK_MODE_OFF);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  /* q1 full (waited for: a slow start-up may take longer than the
   * second below), then a second more of nothing happening */
  run_until (&r, q1_full, NULL, 10000);
  run_for (&r, 1000);
  fail_unless (r.report == NULL);
  fail_unless_equals_int (r.started, 0);
  fail_unless_equals_int (r.deadlocks->len, 0);
  fail_unless_equals_int (r.frames, 0);
  fail_unless_equals_int (uint_prop (r.ctrl, "q1", "current-level-buffers"),
      2);
  gst_structure_free (gst_worker_controller_exit_now (r.ctrl));
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  run_clear (&r);

  /* report: explained, left alone */
  run_init (&r, TEE_COMPOSITOR ("2"), GST_WORKER_DEADLOCK_MODE_REPORT);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until (&r, has_deadlock, NULL, 10000);
  run_for (&r, 500);
  fail_unless (r.report == NULL);
  fail_unless_equals_int (r.started, 0);
  fail_unless_equals_int (r.frames, 0);
  /* once per episode */
  fail_unless_equals_int (r.deadlocks->len, 1);
  d = g_ptr_array_index (r.deadlocks, 0);
  fail_unless_equals_string (field (d, "kind"), "artificial");
  fail_unless_equals_string (field (d, "scope"), "global");
  fail_unless_equals_string (field (d, "action"), "report");
  fail_unless_equals_int (gst_value_array_get_size (array (d, "cycle")), 2);
  step = cycle_step (d, "src+caps+t");
  fail_unless_equals_string (field (step, "role"), "writer");
  fail_unless_equals_string (field (step, "queue"), "q1");
  fail_unless_equals_int (field_uint (step, "level"), 2);
  fail_unless_equals_int (field_uint (step, "max-size-buffers"), 2);
  fail_unless_equals_string (field (step, "peer"), "c+sink");
  step = cycle_step (d, "c+sink");
  fail_unless_equals_string (field (step, "role"), "reader");
  fail_unless_equals_string (field (step, "queue"), "q2");
  fail_unless_equals_int (field_uint (step, "level"), 4);
  fail_unless_equals_int (field_uint (step, "min-threshold-buffers"), 5);
  text = field (d, "text");
  fail_unless (g_str_has_prefix (text, "global artificial deadlock: "
          "src+caps+t waits to write q1 (full: 2/2 "
          "buffers), read by c+sink; c+sink waits to read q2 "
          "(4/20 buffers, below its min-threshold-buffers 5), written by "
          "src+caps+t; not resolved"), "%s", text);
  fail_unless_equals_int (uint_prop (r.ctrl, "q1", "max-size-buffers"), 2);

  /* the status: every process, stock ones too, and the cycle */
  status = gst_worker_controller_get_status (r.ctrl);
  wf = gst_value_get_structure (gst_structure_get_value (status,
          "wait-for"));
  fail_unless_equals_int (gst_value_array_get_size (array (wf, "processes")),
      2);
  fail_unless_equals_int (gst_value_array_get_size (array (wf, "cycles")), 1);
  dl = gst_value_get_structure (gst_structure_get_value (status,
          "deadlock"));
  fail_unless_equals_string (field (dl, "state"), "deadlocked");
  fail_unless_equals_int (field_uint (dl, "total-growth"), 0);
  gst_structure_free (status);

  json = gst_worker_controller_get_status_json (r.ctrl);
  parser = json_parser_new ();
  fail_unless (json_parser_load_from_data (parser, json, -1, &err), "%s",
      err ? err->message : "?");
  root = json_node_get_object (json_parser_get_root (parser));
  root = json_object_get_object_member (root, "deadlock");
  fail_unless_equals_string (json_object_get_string_member (root, "mode"),
      "report");
  fail_unless_equals_string (json_object_get_string_member
      (json_object_get_object_member (root, "last"), "kind"), "artificial");
  g_object_unref (parser);
  g_free (json);

  gst_structure_free (gst_worker_controller_exit_now (r.ctrl));
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_STOPPED);
  fail_unless (gst_structure_has_field (r.report, "deadlock"));
  run_clear (&r);
}

GST_END_TEST;

/* Resolved, it finishes: only q1, the one full queue on the cycle, grows,
 * from 2 to 3, the smallest size that suffices (3 finishes with the
 * detector off, 2 hangs: the test above); q2 keeps its 20. The frames are
 * the same as with large queues. */
GST_START_TEST (test_tee_compositor_resolved)
{
  Run r;
  const GstStructure *d;
  gchar *digest, *big, *three, *grown = NULL;

  run_init (&r, TEE_COMPOSITOR ("2"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.frames, 60);
  fail_unless_equals_int (r.started, 1);
  fail_unless_equals_int (r.deadlocks->len, 1);
  d = g_ptr_array_index (r.deadlocks, 0);
  fail_unless_equals_string (field (d, "action"), "grow");
  fail_unless_equals_string (field (d, "scope"), "global");
  fail_unless_equals_string (field (d, "queue"), "q1");
  fail_unless_equals_int (field_uint (d, "from"), 2);
  fail_unless_equals_int (field_uint (d, "to"), 3);
  fail_unless (g_str_has_suffix (field (d, "text"), "resolved by growing q1, "
          "the smallest full queue on the cycle: max-size-buffers 2 -> 3"),
      "%s", field (d, "text"));
  grown = growths (r.report);
  fail_unless_equals_string (grown, "q1:2>3;");
  fail_unless_equals_int (field_uint (r.report, "total-queue-growth"), 1);
  fail_unless_equals_int (uint_prop (r.ctrl, "q1", "max-size-buffers"), 3);
  fail_unless_equals_int (uint_prop (r.ctrl, "q2", "max-size-buffers"), 20);
  digest = g_strdup (g_checksum_get_string (r.digest));
  run_clear (&r);
  g_free (grown);

  /* the same frames as with room to spare, or with q1 at 3 from the start
   * (where nothing grows) */
  big = tee_compositor_digest (TEE_COMPOSITOR ("100"),
      GST_WORKER_DEADLOCK_MODE_OFF, NULL);
  three = tee_compositor_digest (TEE_COMPOSITOR ("3"),
      GST_WORKER_DEADLOCK_MODE_RESOLVE, &grown);
  fail_unless_equals_string (digest, big);
  fail_unless_equals_string (digest, three);
  fail_unless_equals_string (grown, "");
  g_free (digest);
  g_free (big);
  g_free (three);
  g_free (grown);
}

GST_END_TEST;

/* Two sinks: a prerolls on the first frame and holds its thread until
 * the pipeline plays, b needs 5 frames in qb before its first. The cycle
 * goes through a's preroll (it waits for b to preroll): qa grows to 4,
 * by 1 item then 2 (twice the last growth: 3 hangs), without a whole
 * settle time before the second growth. */
GST_START_TEST (test_preroll_deadlock_through_a_sink)
{
  Run r;
  const GstStructure *d, *step;
  gchar *grown;

  run_init (&r, PREROLL_TWO_SINKS ("30", "20", "5"),
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  grown = growths (r.report);
  fail_unless_equals_string (grown, "qa:1>2;qa:2>4;");
  g_free (grown);
  fail_unless_equals_int (r.deadlocks->len, 2);
  {
    /* after the first growth, the stock sinks that have not moved since
     * are known to wait: the next growth comes without a whole settle
     * time (a growth needed one before, every time) */
    GstClockTime t[2], gap = GST_CLOCK_TIME_NONE;

    for (guint i = 0; i < 2; i++)
      fail_unless (gst_structure_get_clock_time (g_ptr_array_index
              (r.deadlocks, i), "time", &t[i]));
    for (guint i = 1; i < 2; i++)
      gap = MIN (gap, t[i] - t[i - 1]);
    fail_unless (gap < SETTLE_STOCK * GST_MSECOND, "growths %" G_GUINT64_FORMAT
        " ms apart at best", gap / GST_MSECOND);
  }
  d = g_ptr_array_index (r.deadlocks, 0);
  step = cycle_step (d, "a");
  fail_unless_equals_string (field (step, "role"), "preroll");
  fail_unless_equals_string (field (step, "state"), "prerolled");
  fail_unless_equals_string (field (step, "peer"), "b");
  fail_unless_equals_string (field (d, "text"), "global artificial deadlock: "
      "src+caps+t waits to write qa (full: 1/1 buffers), read by a; a waits "
      "for the pipeline to play (its sink prerolled), so for b to preroll; "
      "b waits to read qb (2/20 buffers, below its min-threshold-buffers 5), "
      "written by src+caps+t; resolved by growing qa, the smallest full queue "
      "on the cycle: max-size-buffers 1 -> 2");
  fail_unless_equals_int (uint_prop (r.ctrl, "qb", "max-size-buffers"), 20);
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* workers */

static gboolean
sink_count_at_least (gpointer run, gconstpointer data)
{
  Run *r = run;
  const gchar *const *want = data;

  return u64_prop (r->ctrl, want[0], "count") >=
      g_ascii_strtoull (want[1], NULL, 10);
}

/* A fork and a merge deadlock inside a larger system whose other branch
 * keeps running: a local deadlock, detected on its own cycle (fs, m, b;
 * qa full, qb2 and qb empty) and resolved by growing qa by 1 item, then
 * 2, to 5, while the other branch goes on; nothing else grows. The
 * merge's output is the same as with large queues. */
GST_START_TEST (test_local_deadlock_resolved_while_others_run)
{
  Run r;
  const GstStructure *d, *step;
  const gchar *const all_out[] = { "out", "50" };
  const gchar *bg_want[] = { "bgout", NULL };
  gchar *bg_min;
  guint64 bg_before, bg_after;
  gchar *digest, *big_digest, *grown;
  guint i;

  run_init (&r, FORK_MERGE ("2", "4") BACKGROUND,
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  run_until (&r, has_deadlock, NULL, 10000);
  bg_before = u64_prop (r.ctrl, "bgout", "count");
  /* 40 items from a, 10 from b */
  run_until (&r, sink_count_at_least, all_out, 20000);
  /* the other branch moves on (waited for, not read after a time) */
  bg_want[1] = bg_min = g_strdup_printf ("%" G_GUINT64_FORMAT, bg_before + 1);
  run_until (&r, sink_count_at_least, bg_want, 20000);
  g_free (bg_min);
  bg_after = u64_prop (r.ctrl, "bgout", "count");
  fail_unless (bg_after > bg_before, "the other branch stopped");
  fail_unless (r.report == NULL);

  /* each growth twice the room of the last; each names the cycle */
  fail_unless_equals_int (r.deadlocks->len, 2);
  for (i = 0; i < r.deadlocks->len; i++) {
    d = g_ptr_array_index (r.deadlocks, i);
    fail_unless_equals_string (field (d, "kind"), "artificial");
    fail_unless_equals_string (field (d, "scope"), "local");
    fail_unless_equals_string (field (d, "action"), "grow");
    fail_unless_equals_string (field (d, "queue"), "qa");
    fail_unless_equals_int (field_uint (d, "from"), 2 + i);
    fail_unless_equals_int (field_uint (d, "to"), 3 + 2 * i);
    fail_unless_equals_int (gst_value_array_get_size (array (d, "cycle")),
        3);
    step = cycle_step (d, "fs");
    fail_unless_equals_string (field (step, "queue"), "qa");
    fail_unless_equals_string (field (step, "role"), "writer");
    fail_unless_equals_string (field (step, "peer"), "m");
    step = cycle_step (d, "m");
    fail_unless_equals_string (field (step, "queue"), "qb2");
    fail_unless_equals_string (field (step, "role"), "reader");
    fail_unless_equals_string (field (step, "peer"), "b");
    step = cycle_step (d, "b");
    fail_unless_equals_string (field (step, "queue"), "qb");
    fail_unless_equals_string (field (step, "role"), "reader");
    fail_unless_equals_string (field (step, "peer"), "fs");
    fail_if (array_has_string (array (d, "processes"), "bg"));
    fail_unless (strstr (field (d, "text"), "local artificial deadlock: fs "
            "waits to write qa (full: ") != NULL, "%s", field (d, "text"));
  }

  gst_worker_controller_exit_drain (r.ctrl, 20000);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  grown = growths (r.report);
  fail_unless_equals_string (grown, "qa:2>3;qa:3>5;");
  g_free (grown);
  fail_unless_equals_int (uint_prop (r.ctrl, "qb", "max-size-buffers"), 2);
  fail_unless_equals_int (uint_prop (r.ctrl, "qb2", "max-size-buffers"), 2);
  fail_unless_equals_int (uint_prop (r.ctrl, "qg", "max-size-buffers"), 2);
  fail_unless_equals_uint64 (u64_prop (r.ctrl, "out", "count"), 50);
  digest = string_prop (r.ctrl, "out", "digest");
  run_clear (&r);

  /* room to spare: the same items, in the same order, and no deadlock */
  run_init (&r, FORK_MERGE ("100", "4"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  big_digest = string_prop (r.ctrl, "out", "digest");
  fail_unless_equals_string (digest, big_digest);
  run_clear (&r);

  /* and 5, the size reached, suffices */
  run_init (&r, FORK_MERGE ("5", "4"), GST_WORKER_DEADLOCK_MODE_OFF);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_uint64 (u64_prop (r.ctrl, "out", "count"), 50);
  run_clear (&r);
  g_free (digest);
  g_free (big_digest);
}

GST_END_TEST;

/* Where a queue needs much room, it gets it in a few growths: the
 * preroll deadlock of test_preroll_deadlock_through_a_sink with b needing
 * 17 frames in qb, so qa 16 (15 items of room, which one item at a time
 * took 15 growths): each growth of qa twice the room of the one before
 * (1, 2, 4, 8 items), 4 growths, the last size less than twice the
 * needed one; the run drains. (A machine slow enough to see the cycle
 * stuck once more may add one growth: 5 at most.) */
GST_START_TEST (test_growth_in_few_steps)
{
  Run r;
  const GValue *g;
  guint i, n;

  run_init (&r, PREROLL_TWO_SINKS ("40", "40", "17"),
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until_finished (&r, 60);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  g = array (r.report, "queue-growths");
  n = gst_value_array_get_size (g);
  fail_unless (n >= 4 && n <= 5, "%u growths", n);
  for (i = 0; i < n; i++) {
    const GstStructure *d = array_structure (g, i);

    fail_unless_equals_string (field (d, "queue"), "qa");
    fail_unless_equals_int (field_uint (d, "from"), 1 << i);
    fail_unless_equals_int (field_uint (d, "to"), 2 << i);
  }
  fail_unless (uint_prop (r.ctrl, "qa", "max-size-buffers") < 2 * 16 + 1);
  run_clear (&r);
}

GST_END_TEST;

/* A branch that gives nothing before the end of its input (one item per
 * 1000, from 40) needs more room than the policy allows: past
 * max-queue-growth the deadlock is an error naming the whole cycle, and
 * the run ends with the DEADLOCK outcome, within a bounded time. */
GST_START_TEST (test_deadlock_past_growth_limit)
{
  Run r;
  const GstStructure *d, *fatal;
  const gchar *text;
  gint64 t0;
  gchar *grown;

  run_init (&r, FORK_MERGE ("2", "1000"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "max-queue-growth", 3, NULL);
  t0 = g_get_monotonic_time ();
  start (&r);
  run_until_finished (&r, 30);
  fail_unless (g_get_monotonic_time () - t0 < 10 * G_USEC_PER_SEC);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK);
  fail_unless_equals_int (r.deadlocks->len, 3);
  d = g_ptr_array_index (r.deadlocks, 2);
  fail_unless_equals_string (field (d, "action"), "stop");
  fail_unless_equals_string (field (d, "reason"), "growth limit");
  fail_unless_equals_string (field (d, "kind"), "artificial");
  fail_unless_equals_string (field (d, "scope"), "global");
  text = field (d, "text");
  fail_unless (g_str_has_prefix (text, "global artificial deadlock: fs waits "
          "to write qa (full: 5/5 buffers), read by m; m waits to read qb2 "
          "(empty: 0/2 buffers), written by b; b waits to read qb (empty: "
          "0/2 buffers), written by fs; qa, the smallest full queue on the "
          "cycle, may not grow any more (grown by 3 items, max-queue-growth "
          "3): stopping"), "%s", text);
  grown = growths (r.report);
  fail_unless_equals_string (grown, "qa:2>3;qa:3>5;");
  g_free (grown);

  /* the report names it, and what was discarded */
  fail_unless (gst_structure_get (r.report, "deadlock", GST_TYPE_STRUCTURE,
          &fatal, NULL));
  fail_unless_equals_string (field (fatal, "text"), text);
  gst_structure_free ((GstStructure *) fatal);
  fail_unless (gst_structure_has_field (r.report, "holders"));
  run_clear (&r);

  /* max-total-growth binds the same way */
  run_init (&r, FORK_MERGE ("2", "1000"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "max-total-growth", 1, NULL);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK);
  fail_unless_equals_int (r.deadlocks->len, 2);
  d = g_ptr_array_index (r.deadlocks, 1);
  fail_unless (strstr (field (d, "text"), "(grown by 1 item in all, "
          "max-total-growth 1): stopping") != NULL, "%s", field (d, "text"));
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* feedback loops */

/* A loop back into a merge that reads the loop before it writes: with no
 * initial items on the loop, every process on it waits for input from the
 * next. */
#define FEEDBACK_LOOP(initial) \
  "testworkersrc name=src num-buffers=20 ! queue name=qin " \
  "max-size-buffers=2 " Q "! timestampmerge name=m ! tee name=t " \
  "t. ! queue name=qout max-size-buffers=2 " Q "! testworkersink name=out " \
  "t. ! queue name=qfb max-size-buffers=2 " Q "! testworker name=fw " \
  "pts-offset=1000000 ! feedbacksink name=fbsink channel=loop " \
  "feedbacksrc name=fbsrc channel=loop caps=application/x-worker-test-item " \
  "initial-items=" initial " ! queue name=qback max-size-buffers=2 " Q "! m."

/* The loop with no initial items is a true deadlock: no queue on it is
 * full, so no growth can help. It is named, the loop's FIFO included, as
 * an error, and the run ends with the DEADLOCK outcome within a bounded
 * time, nothing grown. With one initial item the same loop drains. */
GST_START_TEST (test_feedback_loop_true_deadlock)
{
  Run r;
  const GstStructure *d, *step, *fatal;
  gint64 t0;

  run_init (&r, FEEDBACK_LOOP ("0"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  t0 = g_get_monotonic_time ();
  start (&r);
  run_until_finished (&r, 30);
  fail_unless (g_get_monotonic_time () - t0 < 10 * G_USEC_PER_SEC);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK);
  fail_unless_equals_int (r.deadlocks->len, 1);
  d = g_ptr_array_index (r.deadlocks, 0);
  fail_unless_equals_string (field (d, "kind"), "true");
  fail_unless_equals_string (field (d, "action"), "stop");
  fail_unless_equals_string (field (d, "reason"), "true deadlock");
  fail_unless_equals_int (gst_value_array_get_size (array (d, "cycle")), 3);
  step = cycle_step (d, "m");
  fail_unless_equals_string (field (step, "role"), "reader");
  fail_unless_equals_string (field (step, "queue"), "qback");
  fail_unless_equals_string (field (step, "peer"), "fbsrc");
  step = cycle_step (d, "fbsrc");
  fail_unless_equals_string (field (step, "role"), "reader");
  fail_unless_equals_string (field (step, "queue"), "channel loop");
  fail_unless_equals_string (field (step, "peer"), "fw+fbsink");
  step = cycle_step (d, "fw+fbsink");
  fail_unless_equals_string (field (step, "role"), "reader");
  fail_unless_equals_string (field (step, "queue"), "qfb");
  fail_unless_equals_string (field (step, "peer"), "m");
  fail_unless (strstr (field (d, "text"), "fbsrc waits to read channel loop "
          "(empty: 0/") != NULL, "%s", field (d, "text"));
  fail_unless (g_str_has_suffix (field (d, "text"), "no queue on the cycle "
          "is full, so no growth can resolve it (a cycle with no initial "
          "items): stopping"), "%s", field (d, "text"));
  fail_unless (gst_structure_get (r.report, "deadlock", GST_TYPE_STRUCTURE,
          &fatal, NULL));
  fail_unless_equals_string (field (fatal, "text"), field (d, "text"));
  gst_structure_free ((GstStructure *) fatal);
  fail_unless_equals_int (field_uint (r.report, "total-queue-growth"), 0);
  run_clear (&r);

  run_init (&r, FEEDBACK_LOOP ("1"), GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  fail_unless_equals_uint64 (u64_prop (r.ctrl, "out", "count"), 20);
  run_clear (&r);
}

GST_END_TEST;

/* A loop that started with an initial item, whose items are dropped on
 * the way round: a true deadlock all the same, and the report says what
 * is really the case, not "a cycle with no initial items". */
GST_START_TEST (test_feedback_loop_items_lost_on_the_way)
{
  Run r;
  const GstStructure *d;

  run_init (&r, "testworkersrc name=src num-buffers=20 ! queue name=qin "
      "max-size-buffers=2 " Q "! timestampmerge name=m ! tee name=t "
      "t. ! queue name=qout max-size-buffers=2 " Q "! testworkersink name=out "
      "t. ! queue name=qfb max-size-buffers=2 " Q "! testworker name=fw "
      "drop-every=1 ! feedbacksink name=fbsink channel=loop "
      "feedbacksrc name=fbsrc channel=loop "
      "caps=application/x-worker-test-item initial-items=1 ! queue "
      "name=qback max-size-buffers=2 " Q "! m.",
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK);
  fail_unless_equals_int (r.deadlocks->len, 1);
  d = g_ptr_array_index (r.deadlocks, 0);
  fail_unless_equals_string (field (d, "kind"), "true");
  fail_if (strstr (field (d, "text"), "no initial items") != NULL, "%s",
      field (d, "text"));
  fail_unless (strstr (field (d, "text"), "the cycle started with 1 initial "
          "item, and none is on its way round any more") != NULL, "%s",
      field (d, "text"));
  fail_unless (g_str_has_suffix (field (d, "text"), ": stopping"), "%s",
      field (d, "text"));
  run_clear (&r);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* no false positives */

/* A slow worker in the same fork and merge: the source waits on a full
 * queue for longer than the settle time, again and again, but b is busy,
 * not waiting: no deadlock, nothing grows. The same with a slow stock
 * element: the settle time is longer than one of its items. */
GST_START_TEST (test_slow_system_not_deadlocked)
{
  Run r;

  run_init (&r, "testworkersrc name=fs num-buffers=6 ! tee name=t "
      "t. ! queue name=qa max-size-buffers=1 " Q "! m. "
      "t. ! queue name=qb max-size-buffers=1 " Q "! testworker name=b "
      "process-time=300000000 ! queue name=qb2 max-size-buffers=1 " Q "! m. "
      "testworkermerge name=m ! testworkersink name=out",
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  fail_unless_equals_int (field_uint (r.report, "total-queue-growth"), 0);
  fail_unless_equals_uint64 (u64_prop (r.ctrl, "out", "count"), 12);
  run_clear (&r);

  run_init (&r, "videotestsrc num-buffers=6 ! video/x-raw,width=64,height=48 "
      "! tee name=t t. ! queue name=q1 max-size-buffers=1 " Q "! c. "
      "t. ! queue name=q2 max-size-buffers=1 " Q "! identity "
      "sleep-time=100000 ! c. compositor name=c ! fakesink name=sink "
      "signal-handoffs=true", GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "deadlock-settle", SETTLE_STOCK, NULL);
  start (&r);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  fail_unless_equals_int (r.frames, 6);
  run_clear (&r);
}

GST_END_TEST;

static const GstStructure *
status_deadlock (GstStructure * status)
{
  return gst_value_get_structure (gst_structure_get_value (status,
          "deadlock"));
}

#define IDLE_SRC_WAIT "out waits to read q2 (empty: 0/200 buffers), " \
  "written by a2, which: a2 waits to read q1 (empty: 0/200 buffers), " \
  "written by src, which is idle"

static gboolean
out_waits_for_idle_src (gpointer run, gconstpointer data)
{
  gchar *why = gst_worker_controller_explain_wait (((Run *) run)->ctrl,
      "out");
  gboolean met = g_strcmp0 (why, IDLE_SRC_WAIT) == 0;

  g_free (why);
  return met;
}

#define LIVE_STARVED "sink waits to read q1 (empty: 0/200 buffers), " \
  "written by live+caps"

/* The status calls the system starved, with the text @data (any text if
 * NULL). */
static gboolean
starved (gpointer run, gconstpointer data)
{
  GstStructure *status =
      gst_worker_controller_get_status (((Run *) run)->ctrl);
  const GstStructure *d = status_deadlock (status);
  gboolean met = g_str_equal (field (d, "state"), "starved") &&
      (!data || g_strcmp0 (field (d, "text"), data) == 0);

  gst_structure_free (status);
  return met;
}

/* A system idle between the items of a live source is no deadlock: with
 * a live worker source nothing is reported; with a stock one the status
 * calls it starved and says who waits for what; an exit with drain loses
 * nothing. */
GST_START_TEST (test_idle_live_source_not_deadlocked)
{
  Run r;
  GstStructure *status;

  run_init (&r, "testworkersrc name=src is-live=true interval=2000000000 "
      "! queue name=q1 " Q "! testworker name=a2 ! queue name=q2 " Q
      "! testworkersink name=out", GST_WORKER_DEADLOCK_MODE_RESOLVE);
  start (&r);
  /* the first item through (waited for, not a time), then a second of
   * idling; the next item may be on its way then, so the wait is waited
   * for again, not read once */
  run_until (&r, out_waits_for_idle_src, NULL, 10000);
  run_for (&r, 1000);
  fail_unless_equals_int (r.deadlocks->len, 0);
  status = gst_worker_controller_get_status (r.ctrl);
  fail_if (g_str_equal (field (status_deadlock (status), "state"),
          "deadlocked"));
  gst_structure_free (status);
  run_until (&r, out_waits_for_idle_src, NULL, 10000);
  gst_worker_controller_exit_drain (r.ctrl, 20000);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  run_clear (&r);

  run_init (&r, "videotestsrc name=live is-live=true ! capsfilter "
      "name=caps caps=video/x-raw,framerate=1/2 ! queue name=q1 " Q
      "! fakesink name=sink signal-handoffs=true",
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  /* starved: idle for a settle time, which must stay well below the
   * frames' 2 s (not scaled) */
  g_object_set (r.ctrl, "deadlock-settle", 200, NULL);
  start (&r);
  run_until (&r, starved, NULL, 10000);
  run_for (&r, 1000);
  fail_unless_equals_int (r.deadlocks->len, 0);
  /* waited for, not read once: the next frame's settle time may have
   * begun (the state is "running" then) */
  run_until (&r, starved, LIVE_STARVED, 10000);
  gst_worker_controller_exit_drain (r.ctrl, 20000);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  fail_unless_equals_int (r.deadlocks->len, 0);
  run_clear (&r);
}

GST_END_TEST;

#define LINK_LOOP_WAIT "fbsink waits to read tel (empty: 0/200 buffers), " \
  "written by link; fbsrc waits to read channel cmds (empty: 0/10 " \
  "buffers), written by fbsink"

static gboolean
loop_waits_for_link (gpointer run, gconstpointer data)
{
  GstStructure *status =
      gst_worker_controller_get_status (((Run *) run)->ctrl);
  gboolean met = g_strcmp0 (field (status_deadlock (status), "text"),
      LINK_LOOP_WAIT) == 0;

  gst_structure_free (status);
  return met;
}

/* A loop through flightlink (the autonomy loop: telemetry out, commands
 * back in) before the vehicle sends anything: flightlink waits for the
 * vehicle, not for its commands, so nothing on the loop is a deadlock,
 * however long the vehicle takes (a loaded machine: the run used to stop
 * as a "true deadlock" when it took longer than the settle time). */
GST_START_TEST (test_loop_through_flightlink_not_deadlocked)
{
  Run r;

  run_init (&r, "flightlink name=link port=0 ! queue name=tel " Q
      "! feedbacksink name=fbsink channel=cmds "
      "feedbacksrc name=fbsrc channel=cmds "
      "caps=application/x-flight-command ! queue name=cmd " Q "! link.sink",
      GST_WORKER_DEADLOCK_MODE_RESOLVE);
  g_object_set (r.ctrl, "deadlock-settle", 200, NULL);
  start (&r);
  /* the loop waits for flightlink, which waits for nothing on it; then
   * five settle times */
  run_until (&r, loop_waits_for_link, NULL, 10000);
  run_for (&r, 1000);
  fail_unless_equals_int (r.deadlocks->len, 0);
  fail_unless (r.report == NULL, "the run ended: %" GST_PTR_FORMAT, r.report);
  gst_worker_controller_exit_drain (r.ctrl, 20000);
  run_until_finished (&r, 30);
  fail_unless_equals_int (outcome (r.report),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  run_clear (&r);
}

GST_END_TEST;

static Suite *
workerdeadlock_suite (void)
{
  Suite *s = suite_create ("workerdeadlock");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, stop_left_running);
  tcase_add_test (tc, test_tee_compositor_hangs_unresolved);
  tcase_add_test (tc, test_tee_compositor_resolved);
  tcase_add_test (tc, test_preroll_deadlock_through_a_sink);
  tcase_add_test (tc, test_local_deadlock_resolved_while_others_run);
  tcase_add_test (tc, test_deadlock_past_growth_limit);
  tcase_add_test (tc, test_growth_in_few_steps);
  tcase_add_test (tc, test_feedback_loop_true_deadlock);
  tcase_add_test (tc, test_feedback_loop_items_lost_on_the_way);
  tcase_add_test (tc, test_slow_system_not_deadlocked);
  tcase_add_test (tc, test_idle_live_source_not_deadlocked);
  tcase_add_test (tc, test_loop_through_flightlink_not_deadlocked);
  return s;
}

GST_CHECK_MAIN (workerdeadlock);
