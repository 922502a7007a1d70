/* gst-workers: the worker controller tests' helpers (workercontroller.c,
 * workerwatchdog.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testpipeline.h"
#include "controllerrun.h"

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report, Run * r)
{
  fail_unless (r->report == NULL, "finished twice");
  r->report = gst_structure_copy (report);
  g_main_loop_quit (r->loop);
}

static void
on_stalled (GstWorkerController * ctrl, const gchar * worker,
    GstWorkerState state, guint64 duration, const gchar * blocked_on, Run * r)
{
  g_ptr_array_add (r->stalls, gst_structure_new ("stall",
          "worker", G_TYPE_STRING, worker,
          "state", GST_TYPE_WORKER_STATE, state,
          "duration", G_TYPE_UINT64, duration,
          "blocked-on", G_TYPE_STRING, blocked_on, NULL));
}

static void
on_lost (GstWorkerController * ctrl, const gchar * worker, guint64 silence,
    Run * r)
{
  g_ptr_array_add (r->lost, g_strdup (worker));
  g_array_append_val (r->lost_silence, silence);
}

static void
on_recovered (GstWorkerController * ctrl, const gchar * worker,
    gboolean was_lost, Run * r)
{
  g_ptr_array_add (r->recovered, g_strdup_printf ("%s:%s", worker,
          was_lost ? "lost" : "stalled"));
}

static void
on_error (GstWorkerController * ctrl, const gchar * element, GError * err,
    const gchar * debug, gboolean will_restart, Run * r)
{
  g_ptr_array_add (r->errors, g_strdup (element));
}

static void
on_restarted (GstWorkerController * ctrl, guint restarts, Run * r)
{
  r->restarted = restarts;
}

static void
on_started (GstWorkerController * ctrl, Run * r)
{
  r->started++;
}

/* The controller of the run that goes on, until run_clear() (a weak
 * pointer), and its Run (only compared: a failed test's stack is gone) */
static GstWorkerController *left_ctrl;
static gpointer left_run;

void
run_init (Run * r, GstWorkerController * ctrl)
{
  memset (r, 0, sizeof (*r));
  left_ctrl = ctrl;
  left_run = r;
  g_object_add_weak_pointer (G_OBJECT (ctrl), (gpointer *) & left_ctrl);
  r->ctrl = ctrl;
  r->loop = g_main_loop_new (NULL, FALSE);
  r->stalls = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  r->lost = g_ptr_array_new_with_free_func (g_free);
  r->lost_silence = g_array_new (FALSE, FALSE, sizeof (guint64));
  r->recovered = g_ptr_array_new_with_free_func (g_free);
  r->errors = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (ctrl, "finished", G_CALLBACK (on_finished), r);
  g_signal_connect (ctrl, "worker-stalled", G_CALLBACK (on_stalled), r);
  g_signal_connect (ctrl, "worker-lost", G_CALLBACK (on_lost), r);
  g_signal_connect (ctrl, "worker-recovered", G_CALLBACK (on_recovered), r);
  g_signal_connect (ctrl, "pipeline-error", G_CALLBACK (on_error), r);
  g_signal_connect (ctrl, "restarted", G_CALLBACK (on_restarted), r);
  g_signal_connect (ctrl, "started", G_CALLBACK (on_started), r);
}

void
run_clear (Run * r)
{
  if (left_ctrl && left_ctrl == r->ctrl) {
    g_object_remove_weak_pointer (G_OBJECT (left_ctrl),
        (gpointer *) & left_ctrl);
    left_ctrl = NULL;
  }
  g_main_loop_unref (r->loop);
  if (r->report)
    gst_structure_free (r->report);
  g_ptr_array_unref (r->stalls);
  g_ptr_array_unref (r->lost);
  g_array_unref (r->lost_silence);
  g_ptr_array_unref (r->recovered);
  g_ptr_array_unref (r->errors);
  gst_object_unref (r->ctrl);
}

/* A checked teardown: stops the run a failed test left (its pipeline
 * PLAYING, its signal handlers pointing into the failed test's stack).
 * Without fork (valgrind) the next tests run in the same process, and
 * gst_task_cleanup_all() at the end of the next test would wait for ever
 * for its streaming threads (flake-findings S6-6: workerwatchdog hung
 * until meson's 3000 s). */
void
run_stop_left (void)
{
  GstWorkerController *c = left_ctrl;
  GstPipeline *pipe;

  if (!c)
    return;
  GST_WARNING ("stopping the run a failed test left");
  g_object_remove_weak_pointer (G_OBJECT (c), (gpointer *) & left_ctrl);
  left_ctrl = NULL;
  g_signal_handlers_disconnect_matched (c, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
      NULL, left_run);
  pipe = gst_worker_controller_get_pipeline (c);
  gst_element_set_state (GST_ELEMENT (pipe), GST_STATE_NULL);
  gst_object_unref (pipe);
  gst_object_unref (c);
}

static gboolean
has_report (gpointer run, gconstpointer data)
{
  return ((Run *) run)->report != NULL;
}

/* Runs the main loop until the controller finishes (bounded). */
void
run_until_finished (Run * r, guint timeout_s)
{
  fail_unless (test_loop_run_until (r->loop, has_report, r, NULL,
          timeout_s * 1000), "the run did not end in time");
}

/* Runs the main loop until @cond holds, checking every 10 ms (bounded). */
void
run_until (Run * r, TestLoopCondition cond, gconstpointer data,
    guint timeout_ms)
{
  fail_unless (test_loop_run_until (r->loop, cond, r, data, timeout_ms),
      "condition not met within %u ms", timeout_ms);
}

/* Runs the main loop for @ms. */
void
run_for (Run * r, guint ms)
{
  test_loop_run_for (r->loop, ms);
}

GstWorkerController *
controller (const gchar * desc)
{
  GError *err = NULL;
  GstWorkerController *ctrl =
      gst_worker_controller_new_from_description (desc, &err);

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  return ctrl;
}

void
start (GstWorkerController * ctrl)
{
  GError *err = NULL;

  fail_unless (gst_worker_controller_start (ctrl, &err), "%s",
      err ? err->message : "?");
}

GstElement *
element (GstWorkerController * ctrl, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (ctrl);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  gst_object_unref (pipe);
  fail_unless (e != NULL, "no element %s", name);
  return e;
}

guint64
prop_u64 (GstWorkerController * ctrl, const gchar * name, const gchar * prop)
{
  GstElement *e = element (ctrl, name);
  guint64 v;

  g_object_get (e, prop, &v, NULL);
  gst_object_unref (e);
  return v;
}

gboolean
sink_has_items (gpointer run, gconstpointer name)
{
  return prop_u64 (((Run *) run)->ctrl, name, "count") > 0;
}

/* The structure named @name in the array field @field of @s. */
const GstStructure *
entry (const GstStructure * s, const gchar * field, const gchar * name)
{
  const GValue *array = gst_structure_get_value (s, field);
  guint i;

  fail_unless (array != NULL, "no field %s", field);
  for (i = 0; i < gst_value_array_get_size (array); i++) {
    const GstStructure *e =
        gst_value_get_structure (gst_value_array_get_value (array, i));

    if (g_strcmp0 (gst_structure_get_string (e, "name"), name) == 0)
      return e;
  }
  return NULL;
}

guint64
u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = G_MAXUINT64;

  fail_unless (s != NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s in %s",
      field, test_str (s));
  return v;
}

guint64
worker_u64 (const GstStructure * s, const gchar * worker, const gchar * f)
{
  const GstStructure *w = entry (s, "workers", worker);

  fail_unless (w != NULL, "no worker %s", worker);
  return u64 (w, f);
}

guint64
queue_u64 (const GstStructure * s, const gchar * queue, const gchar * f)
{
  const GstStructure *q = entry (s, "queues", queue);

  fail_unless (q != NULL, "no queue %s", queue);
  return u64 (q, f);
}

GstWorkerState
worker_state (const GstStructure * w)
{
  gint v = -1;

  fail_unless (gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE,
          &v));
  return v;
}

GstWorkerControllerOutcome
outcome (const GstStructure * report)
{
  gint v = -1;

  fail_unless (gst_structure_get_enum (report, "outcome",
          GST_TYPE_WORKER_CONTROLLER_OUTCOME, &v));
  return v;
}

/* Along a chain w0 -> q0 -> w1 -> q1 -> ... -> wn: every edge gave out
 * what it took in, and each worker passed on what it took. */
void
assert_chain_balanced (const GstStructure * report,
    const gchar * const *workers, const gchar * const *queues)
{
  guint i;
  gboolean balanced = FALSE;

  fail_unless (gst_structure_get_boolean (report, "balanced", &balanced));
  fail_unless (balanced, "unbalanced: %s", test_str (report));
  for (i = 0; queues[i]; i++) {
    guint64 qin = queue_u64 (report, queues[i], "items-in");
    guint64 qout = queue_u64 (report, queues[i], "items-out");

    fail_unless_equals_uint64 (qin, qout);
    fail_unless (worker_u64 (report, workers[i], "items-out") == qin,
        "%s out != %s in: %s", workers[i], queues[i], test_str (report));
    fail_unless (worker_u64 (report, workers[i + 1], "items-in") == qout,
        "%s in != %s out: %s", workers[i + 1], queues[i],
        test_str (report));
  }
}

gboolean
worker_in_state (gpointer run, gconstpointer data)
{
  Run *r = run;
  const StateWant *want = data;
  GstStructure *status = gst_worker_controller_get_status (r->ctrl);
  const GstStructure *w = entry (status, "workers", want->worker);
  guint level = 0;
  gboolean ok = worker_state (w) == want->state &&
      (!want->blocked_on || g_strcmp0 (gst_structure_get_string (w,
              "blocked-on"), want->blocked_on) == 0) &&
      (!want->input_level || (gst_structure_get_uint (w, "input-level",
                  &level) && level == want->input_level));

  gst_structure_free (status);
  return ok;
}
