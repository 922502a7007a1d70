/* gst-workers: processreplica's start (B6, B24, B25): the state change
 * spawns the child and does not wait for it; its hello is awaited off the
 * caller's thread, the replica says `starting` meanwhile, and what the
 * caller does (a main loop, a stop) goes on. Each start here is held by a
 * gate the test opens (testworker start-gate: a file the child's worker
 * waits for before it runs).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gio/gio.h>
#include <gst/worker/worker.h>
#include "testpipeline.h"
#include "processtest.h"

/* A gate: a file that does not exist yet, in a directory of its own. */
typedef struct
{
  gchar *dir;
  gchar *path;
} Gate;

static void
gate_init (Gate * g)
{
  g->dir = g_dir_make_tmp ("processstart-XXXXXX", NULL);
  fail_unless (g->dir != NULL);
  g->path = g_build_filename (g->dir, "open", NULL);
}

static void
gate_open (Gate * g)
{
  fail_unless (g_file_set_contents (g->path, "", 0, NULL));
}

static void
gate_clear (Gate * g)
{
  g_unlink (g->path);
  g_rmdir (g->dir);
  g_free (g->path);
  g_free (g->dir);
}

static gboolean
stats_flag (GstElement * e, const gchar * field)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  gboolean v = FALSE;

  gst_structure_get_boolean (s, field, &v);
  gst_structure_free (s);
  return v;
}

static guint64
count_of (GstElement * sink)
{
  guint64 n = 0;

  g_object_get (sink, "count", &n, NULL);
  return n;
}

/* What @sink got is what @n items of testworkersrc make through @worker
 * in a thread, in the same order. */
static void
assert_as_in_thread (GstElement * sink, guint64 n, const gchar * worker)
{
  gchar *src = g_strdup_printf ("testworkersrc num-buffers=%" G_GUINT64_FORMAT,
      n);
  gchar *digest = NULL, *thread_digest;
  guint64 count = 0, thread_count = 0;

  g_object_get (sink, "digest", &digest, "count", &count, NULL);
  thread_digest = digest_of (src, worker, &thread_count, NULL);
  fail_unless_equals_uint64 (count, thread_count);
  fail_unless_equals_string (digest, thread_digest);
  g_free (thread_digest);
  g_free (digest);
  g_free (src);
}

/* The state change to PLAYING returns while the child is held; the
 * replica says `starting` (the stream waits for the child on the
 * streaming thread: not lost, not failed); once the gate opens, the
 * output is all there and the same as in a thread. */
GST_START_TEST (test_state_change_does_not_wait)
{
  Gate gate;
  gchar *desc, *worker;
  GstElement *pipe, *r, *sink;
  guint64 count = 0;
  gint pid = 0;

  gate_init (&gate);
  worker = g_strdup_printf ("testworker outputs-per-input=2 start-gate=%s",
      gate.path);
  desc = g_strdup_printf ("testworkersrc num-buffers=100 ! processreplica "
      "name=r start-timeout=%" G_GINT64_FORMAT " worker=\"%s\" ! "
      "testworkersink name=sink", scaled (600000), worker);
  pipe = launch (desc);
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");

  /* before: the state change waited here for the child's hello */
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r)),
      GST_WORKER_STATE_STARTING);

  gate_open (&gate);
  run_to_eos (pipe, NULL);
  fail_unless (gst_worker_get_state (GST_WORKER (r)) !=
      GST_WORKER_STATE_STARTING);
  fail_if (stats_flag (r, "waits-for-child"));
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_object_get (sink, "count", &count, NULL);
  fail_unless_equals_uint64 (count, 200);
  assert_as_in_thread (sink, 100, "testworker outputs-per-input=2");

  gst_object_unref (r);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (worker);
  gate_clear (&gate);
}

GST_END_TEST;

/* Going down while the child starts (it never would here): the state
 * change to NULL does not wait for the start-timeout, the child is killed
 * and reaped, and that is no error. */
GST_START_TEST (test_stop_while_starting)
{
  Gate gate;
  gchar *desc;
  GstElement *pipe, *r;
  GstMessage *msg;
  GstBus *bus;
  gint pid = 0;

  gate_init (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=10 ! processreplica "
      "name=r start-timeout=%" G_GINT64_FORMAT " worker=\"testworker "
      "start-gate=%s\" ! testworkersink", scaled (600000), gate.path);
  pipe = launch (desc);
  r = test_pipeline_get (pipe, "r");
  bus = gst_element_get_bus (pipe);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  /* reaped: no such process any more */
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "%" GST_PTR_FORMAT, msg);

  gst_object_unref (bus);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* A pool grown while it runs: the growth returns while the new child is
 * held, the items go on through the replica there is meanwhile (none
 * waits for the new one), and the new replica joins once its child runs;
 * the output is the same as in a thread. */
GST_START_TEST (test_pool_grows_without_waiting)
{
  Gate gate;
  gchar *desc;
  GstElement *pipe, *pool, *sink, *r1;
  guint64 count, n, r0_in;

  gate_init (&gate);
  gate_open (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=-1 ! workerpool "
      "name=p size=1 isolation=process start-timeout=%" G_GINT64_FORMAT
      " worker=\"testworker process-time=1000000 start-gate=%s\" ! "
      "testworkersink name=sink", scaled (600000), gate.path);
  pipe = launch (desc);
  pool = test_pipeline_get (pipe, "p");
  sink = test_pipeline_get (pipe, "sink");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (count_of (sink) < 5)
    g_usleep (1000);

  /* the next child is held: before, this waited for it */
  g_unlink (gate.path);
  g_object_set (pool, "size", 2, NULL);
  r1 = test_pipeline_get (pipe, "p_r1");
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r1)),
      GST_WORKER_STATE_STARTING);
  count = count_of (sink);
  while (count_of (sink) < count + 20)
    g_usleep (1000);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r1)),
      GST_WORKER_STATE_STARTING);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r1", "items-in"), 0);

  gate_open (&gate);
  while (stat_u64 (pipe, "p_r1", "items-in") == 0)
    g_usleep (1000);
  r0_in = stat_u64 (pipe, "p_r0", "items-in");
  while (stat_u64 (pipe, "p_r0", "items-in") < r0_in + 5)
    g_usleep (1000);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  run_to_eos (pipe, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  n = count_of (sink);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-in") +
      stat_u64 (pipe, "p_r1", "items-in"), n);
  assert_as_in_thread (sink, n, "testworker");

  gst_object_unref (r1);
  gst_object_unref (sink);
  gst_object_unref (pool);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* Under a controller: gst_worker_controller_start() returns while the
 * pool's children are held, the application's main loop runs, the status
 * says `starting` for each replica (not lost, not stalled); then the gate
 * opens and the run ends with every item, in order. */
typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  Gate gate;
  guint ticks;
  gboolean seen_starting;
  gboolean alarm;
  GstStructure *report;
} CtrlRun;

static gint
status_state (GstStructure * status, const gchar * name, gboolean * alarm)
{
  const GValue *workers = gst_structure_get_value (status, "workers");
  gint state = -1;

  for (guint i = 0; i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));
    gboolean lost = FALSE, stalled = FALSE;

    gst_structure_get_boolean (w, "lost", &lost);
    gst_structure_get_boolean (w, "stalled", &stalled);
    *alarm |= lost || stalled;
    if (g_strcmp0 (gst_structure_get_string (w, "name"), name) == 0)
      gst_structure_get_enum (w, "state", GST_TYPE_WORKER_STATE, &state);
  }
  return state;
}

/* A source of the application's main loop: it runs while the children
 * start. */
static gboolean
on_tick (gpointer data)
{
  CtrlRun *c = data;
  GstStructure *status;
  gboolean starting;

  if (c->seen_starting)
    return G_SOURCE_REMOVE;
  c->ticks++;
  status = gst_worker_controller_get_status (c->ctrl);
  starting = status_state (status, "p_r0", &c->alarm) ==
      GST_WORKER_STATE_STARTING &&
      status_state (status, "p_r1", &c->alarm) == GST_WORKER_STATE_STARTING;
  gst_structure_free (status);
  if (!starting)
    return G_SOURCE_CONTINUE;
  c->seen_starting = TRUE;
  gate_open (&c->gate);
  return G_SOURCE_REMOVE;
}

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report,
    CtrlRun * c)
{
  c->report = gst_structure_copy (report);
  g_main_loop_quit (c->loop);
}

GST_START_TEST (test_controller_start_returns)
{
  CtrlRun c = { 0 };
  gchar *desc;
  GstPipeline *pipe;
  GstElement *sink;

  gate_init (&c.gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=60 ! queue ! "
      "workerpool name=p size=2 isolation=process start-timeout=%"
      G_GINT64_FORMAT " worker=\"testworker start-gate=%s\" ! queue ! "
      "testworkersink name=sink", scaled (600000), c.gate.path);
  c.ctrl = controller_new (desc);
  c.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (c.ctrl, "finished", G_CALLBACK (on_finished), &c);
  /* before: this waited for both children's hello */
  pipe = controller_start (c.ctrl);
  g_idle_add (on_tick, &c);
  g_main_loop_run (c.loop);

  fail_unless (c.seen_starting);
  fail_unless (c.ticks >= 1);
  fail_if (c.alarm, "a starting replica was reported lost or stalled");
  fail_unless_equals_int (gst_worker_controller_get_outcome (c.ctrl),
      GST_WORKER_CONTROLLER_OUTCOME_DRAINED);
  sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  fail_unless_equals_uint64 (count_of (sink), 60);
  assert_as_in_thread (sink, 60, "testworker");

  gst_object_unref (sink);
  gst_object_unref (pipe);
  gst_structure_free (c.report);
  g_main_loop_unref (c.loop);
  gst_object_unref (c.ctrl);
  g_free (desc);
  gate_clear (&c.gate);
}

GST_END_TEST;

/* An exit now while an item waits for a restarting child (it crashed
 * with the item; the new child is held): the item is counted, on the
 * replica, and what the source made is what arrived plus what was
 * discarded. */
GST_START_TEST (test_exit_now_counts_item_waiting_for_start)
{
  Gate gate;
  GstWorkerController *ctrl;
  GstPipeline *pipe;
  GstElement *src, *r;
  GstStructure *report, *st;
  const GValue *holders;
  guint64 made = 0, arrived = 0, discarded = 0, held_r = 0;
  GstElement *sink;
  gchar *desc;

  gate_init (&gate);
  gate_open (&gate);
  desc = g_strdup_printf ("testworkersrc name=src paused=true num-buffers=-1 "
      "! queue ! processreplica name=r restart-delay=0 start-timeout=%"
      G_GINT64_FORMAT " worker=\"testworker crash-on-seq=10 start-gate=%s\" "
      "! queue ! testworkersink name=sink", scaled (600000), gate.path);
  ctrl = controller_new (desc);
  pipe = controller_start (ctrl);
  src = test_pipeline_get (GST_ELEMENT (pipe), "src");
  r = test_pipeline_get (GST_ELEMENT (pipe), "r");
  sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  while (gst_worker_get_state (GST_WORKER (r)) == GST_WORKER_STATE_STARTING)
    g_usleep (1000);

  /* the next child is held; item 10 kills this one */
  g_unlink (gate.path);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  while (!stats_flag (r, "waits-for-child"))
    g_usleep (1000);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r)),
      GST_WORKER_STATE_STARTING);

  report = gst_worker_controller_exit_now (ctrl);
  st = gst_worker_get_stats (GST_WORKER (src));
  fail_unless (gst_structure_get_uint64 (st, "items-out", &made));
  g_object_get (sink, "count", &arrived, NULL);
  fail_unless (gst_structure_get_uint64 (report, "items-discarded",
          &discarded));
  holders = gst_structure_get_value (report, "holders");
  for (guint i = 0; i < gst_value_array_get_size (holders); i++) {
    const GstStructure *h =
        gst_value_get_structure (gst_value_array_get_value (holders, i));
    const gchar *name = gst_structure_get_string (h, "name");
    guint64 items = 0;

    /* the replica's, or (as the dead child last said) its worker's */
    if (g_strcmp0 (name, "r") == 0 || g_str_has_prefix (name, "r/")) {
      fail_unless (gst_structure_get_uint64 (h, "items", &items));
      held_r += items;
    }
  }
  /* before: the replica `starting` held nothing, one item unaccounted */
  fail_unless_equals_uint64 (held_r, 1);
  fail_unless_equals_uint64 (made, arrived + discarded);

  gst_structure_free (st);
  gst_structure_free (report);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (src);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

static gboolean
entry_flag (GstWorkerController * ctrl, const gchar * name,
    const gchar * field)
{
  GstStructure *e = status_entry (ctrl, name);
  gboolean v = FALSE;

  if (e)
    gst_structure_get_boolean (e, field, &v);
  if (e)
    gst_structure_free (e);
  return v;
}

G_LOCK_DEFINE_STATIC (warnings);

/* The WARNING messages of a bus, their text (a sync handler: the
 * controller watches the bus too). */
static GstBusSyncReply
keep_warning (GstBus * bus, GstMessage * msg, gpointer data)
{
  GString *warnings = data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    G_LOCK (warnings);
    g_string_append_printf (warnings, "%s\n", err->message);
    G_UNLOCK (warnings);
    g_error_free (err);
  }
  return GST_BUS_PASS;
}


static gboolean
warned (GString * warnings, const gchar * text)
{
  gboolean found;

  G_LOCK (warnings);
  found = strstr (warnings->str, text) != NULL;
  G_UNLOCK (warnings);
  return found;
}

/* `set` and `pause` of a worker inside a child that is still starting
 * are queued, not refused: the calls return at once, and the child has
 * them before its first item (every second item dropped from the first,
 * nothing through while paused); what the new child refuses is a WARNING
 * of the replica naming it. */
GST_START_TEST (test_set_and_pause_while_starting)
{
  Gate gate;
  GError *err = NULL;
  GstWorkerController *ctrl;
  GstPipeline *pipe;
  GstElement *r, *sink;
  GstStructure *w = NULL;
  GString *warnings = g_string_new (NULL);
  GstBus *bus;
  guint64 in = 0, dropped = 0;
  gchar *desc;

  gate_init (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=20 ! queue ! "
      "processreplica name=r start-timeout=%" G_GINT64_FORMAT
      " worker=\"testworker name=w start-gate=%s\" ! queue ! "
      "testworkersink name=sink", scaled (600000), gate.path);
  ctrl = controller_new (desc);
  pipe = gst_worker_controller_get_pipeline (ctrl);
  bus = gst_pipeline_get_bus (pipe);
  gst_bus_set_sync_handler (bus, keep_warning, warnings, NULL);
  gst_object_unref (controller_start (ctrl));
  r = test_pipeline_get (GST_ELEMENT (pipe), "r");
  sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r)),
      GST_WORKER_STATE_STARTING);

  /* before: "its process is not running now (starting, ...)" */
  fail_unless (gst_worker_controller_set_element_property (ctrl, "r/w",
          "drop-every", "2", &err), "%s", err ? err->message : "?");
  /* before: "No worker named 'r/w'" */
  fail_unless (gst_worker_controller_pause_worker (ctrl, "r/w", &err), "%s",
      err ? err->message : "?");
  /* queued, refused by the child once it runs */
  fail_unless (gst_worker_controller_set_element_property (ctrl, "r/w",
          "crash-signal", "100", &err), "%s", err ? err->message : "?");
  fail_unless (gst_worker_controller_set_element_property (ctrl, "r/nosuch",
          "drop-every", "3", &err), "%s", err ? err->message : "?");
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r)),
      GST_WORKER_STATE_STARTING);

  gate_open (&gate);
  /* the child paused w before any item: it took none */
  while (!entry_flag (ctrl, "r/w", "paused"))
    g_usleep (1000);
  w = status_entry (ctrl, "r/w");
  fail_unless (gst_structure_get_uint64 (w, "items-in", &in));
  fail_unless_equals_uint64 (in, 0);
  g_clear_pointer (&w, gst_structure_free);
  fail_unless_equals_uint64 (count_of (sink), 0);
  while (!warned (warnings, "`set w crash-signal=100`") ||
      !warned (warnings, "`set nosuch drop-every=3`"))
    g_usleep (1000);
  fail_unless (warned (warnings, "Worker process r: `set w crash-signal=100`"
          ", asked while its child started, was refused by the child: w: bad "
          "value \"100\" for property 'crash-signal': it must be from 1 to "
          "64"), "%s", warnings->str);
  fail_unless (warned (warnings, "`set nosuch drop-every=3`, asked while its "
          "child started, was refused by the child: it has no element of "
          "that name"), "%s", warnings->str);

  /* resumed: every second item of the 20 dropped, from the first */
  fail_unless (gst_worker_controller_resume_worker (ctrl, "r/w", &err), "%s",
      err ? err->message : "?");
  while (count_of (sink) < 10 || dropped < 10) {
    g_clear_pointer (&w, gst_structure_free);
    w = status_entry (ctrl, "r/w");
    if (w)
      gst_structure_get_uint64 (w, "items-dropped", &dropped);
    g_usleep (1000);
  }
  g_clear_pointer (&w, gst_structure_free);
  fail_unless_equals_uint64 (dropped, 10);
  fail_unless_equals_uint64 (count_of (sink), 10);

  gst_structure_free (gst_worker_controller_exit_now (ctrl));
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  g_string_free (warnings, TRUE);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* What a pipeline's bus said, seen as it is posted (a sync handler): the
 * errors (the first one's source and text), the warnings' texts, the
 * replicas' `worker-process-restarted` messages. */
typedef struct
{
  GstBus *bus;
  GMutex lock;
  GCond cond;
  guint errors;
  gchar *first_error_src;
  gchar *first_error;
  GString *warnings;
  guint restarted;
} Watch;

static GstBusSyncReply
watch_bus (GstBus * bus, GstMessage * msg, gpointer data)
{
  Watch *w = data;
  GError *err = NULL;

  g_mutex_lock (&w->lock);
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      if (!w->errors++) {
        w->first_error_src = g_strdup (GST_MESSAGE_SRC_NAME (msg));
        w->first_error = g_strdup (err->message);
      }
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, NULL);
      g_string_append_printf (w->warnings, "%s\n", err->message);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "worker-process-restarted"))
        w->restarted++;
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  return GST_BUS_PASS;
}

static void
watch_init (Watch * w, GstElement * pipe)
{
  memset (w, 0, sizeof (*w));
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->warnings = g_string_new (NULL);
  w->bus = gst_element_get_bus (pipe);
  gst_bus_set_sync_handler (w->bus, watch_bus, w, NULL);
}

static void
watch_clear (Watch * w)
{
  gst_bus_set_sync_handler (w->bus, NULL, NULL, NULL);
  gst_object_unref (w->bus);
  g_string_free (w->warnings, TRUE);
  g_free (w->first_error_src);
  g_free (w->first_error);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
}

/* @count (a field of @w) now */
static guint
watch_read (Watch * w, const guint * count)
{
  guint n;

  g_mutex_lock (&w->lock);
  n = *count;
  g_mutex_unlock (&w->lock);
  return n;
}

#define watch_errors(w) watch_read ((w), &(w)->errors)
#define watch_restarted(w) watch_read ((w), &(w)->restarted)

/* A warning so far said @text. */
static void
assert_warned (Watch * w, const gchar * text)
{
  g_mutex_lock (&w->lock);
  fail_unless (strstr (w->warnings->str, text) != NULL, "no warning says "
      "\"%s\"; the warnings:\n%s", text, w->warnings->str);
  g_mutex_unlock (&w->lock);
}

static gint
pid_of (GstElement * r)
{
  gint pid = 0;

  g_object_get (r, "pid", &pid, NULL);
  return pid;
}

/* Waits until @r runs a child other than @old (0 while there is none),
 * or an error came; fails when none came in 30 s (scaled), saying what
 * the replica was doing. Returns: the new child's pid, or 0. */
static gint
await_new_child (GstElement * r, gint old, Watch * w)
{
  gint64 end = g_get_monotonic_time () + scaled (30) * G_TIME_SPAN_SECOND;
  gint pid;

  while (((pid = pid_of (r)) == 0 || pid == old) && !watch_errors (w)) {
    gboolean starting = FALSE;

    if (g_get_monotonic_time () > end) {
      g_object_get (r, "starting", &starting, NULL);
      fail ("%s: no child after pid %d in %" G_GINT64_FORMAT " s (pid now "
          "%d, starting %d, restarted %d)", GST_OBJECT_NAME (r), old,
          scaled (30), pid, starting, watch_restarted (w));
    }
    g_usleep (1000);
  }
  return watch_errors (w) ? 0 : pid;
}

/* A child killed (kill -9, the OOM killer) while it starts is restarted
 * as after a crash later: a warning naming the replica and how the child
 * ended, the element message, `restarts`; the stream waits and then
 * flows, as in a thread. Before: an error that ended the pipeline. */
GST_START_TEST (test_child_killed_while_starting_restarts)
{
  Gate gate;
  Watch w;
  gchar *desc, *says;
  GstElement *pipe, *r, *sink;
  gint pid, next;

  gate_init (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=30 ! processreplica "
      "name=r restart-delay=0 start-timeout=%" G_GINT64_FORMAT " worker=\""
      "testworker start-gate=%s\" ! testworkersink name=sink",
      scaled (600000), gate.path);
  pipe = launch (desc);
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");
  watch_init (&w, pipe);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  pid = pid_of (r);
  fail_unless (pid > 0);
  fail_unless (kill (pid, SIGKILL) == 0);
  next = await_new_child (r, pid, &w);
  fail_unless (next > 0, "%s", w.first_error);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (r)),
      GST_WORKER_STATE_STARTING);
  says = g_strdup_printf ("did not start: its process (pid %d) was killed "
      "by signal SIGKILL", pid);
  assert_warned (&w, "Worker process r: its child (");
  assert_warned (&w, says);
  assert_warned (&w, "restarting it (restart 1 of r;");

  gate_open (&gate);
  run_to_eos (pipe, NULL);
  fail_unless_equals_int (watch_errors (&w), 0);
  fail_unless_equals_int (watch_restarted (&w), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 1);
  fail_unless_equals_int (pid_of (r), next);
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless_equals_uint64 (count_of (sink), 30);
  assert_as_in_thread (sink, 30, "testworker");

  watch_clear (&w);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_free (says);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* A child that misses start-timeout is killed and restarted (the same
 * back-off, counted as restarts); a later one that starts in time runs
 * the stream. Before: an error. */
GST_START_TEST (test_start_timeout_restarts)
{
  Gate gate;
  Watch w;
  gchar *desc;
  GstElement *pipe, *r, *sink;

  gate_init (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=30 ! processreplica "
      "name=r restart-delay=0 max-restarts=1000 start-timeout=200 "
      "worker=\"testworker start-gate=%s\" ! testworkersink name=sink",
      gate.path);
  pipe = launch (desc);
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");
  watch_init (&w, pipe);

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (!watch_restarted (&w) && !watch_errors (&w))
    g_usleep (1000);
  fail_unless (watch_errors (&w) == 0, "%s", w.first_error);
  assert_warned (&w, "did not start within 200 ms (start-timeout); "
      "restarting it (restart 1 of r;");

  /* the next children get time enough, and the gate opens */
  g_object_set (r, "start-timeout", (guint) scaled (600000), NULL);
  gate_open (&gate);
  run_to_eos (pipe, NULL);
  fail_unless_equals_int (watch_errors (&w), 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"),
      watch_restarted (&w));
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless_equals_uint64 (count_of (sink), 30);

  watch_clear (&w);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* A replica added to a running pool whose child is killed while it
 * starts: restarted with a warning naming it; the replica there was goes
 * on serving meanwhile, the new one joins once a child runs. Before: an
 * error that ended the whole pipeline. */
GST_START_TEST (test_grown_replica_killed_while_starting)
{
  Gate gate;
  Watch w;
  gchar *desc;
  GstElement *pipe, *pool, *sink, *r1;
  guint64 count, n;
  gint pid;

  gate_init (&gate);
  gate_open (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=-1 ! workerpool "
      "name=p size=1 isolation=process restart-delay=0 start-timeout=%"
      G_GINT64_FORMAT " worker=\"testworker process-time=1000000 "
      "start-gate=%s\" ! testworkersink name=sink", scaled (600000),
      gate.path);
  pipe = launch (desc);
  pool = test_pipeline_get (pipe, "p");
  sink = test_pipeline_get (pipe, "sink");
  watch_init (&w, pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (count_of (sink) < 5)
    g_usleep (1000);

  g_unlink (gate.path);
  g_object_set (pool, "size", 2, NULL);
  r1 = test_pipeline_get (pipe, "p_r1");
  pid = pid_of (r1);
  fail_unless (pid > 0);
  fail_unless (kill (pid, SIGKILL) == 0);
  fail_unless (await_new_child (r1, pid, &w) > 0, "%s", w.first_error);
  /* p_r0 goes on */
  count = count_of (sink);
  while (count_of (sink) < count + 10 && !watch_errors (&w))
    g_usleep (1000);
  fail_unless (watch_errors (&w) == 0, "%s", w.first_error);
  assert_warned (&w, "Worker process p_r1: its child (");

  gate_open (&gate);
  while (stat_u64 (pipe, "p_r1", "items-in") == 0 && !watch_errors (&w))
    g_usleep (1000);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  run_to_eos (pipe, NULL);
  fail_unless_equals_int (watch_errors (&w), 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r1", "restarts"), 1);
  gst_element_set_state (pipe, GST_STATE_NULL);
  n = count_of (sink);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-in") +
      stat_u64 (pipe, "p_r1", "items-in"), n);
  assert_as_in_thread (sink, n, "testworker");

  watch_clear (&w);
  gst_object_unref (r1);
  gst_object_unref (sink);
  gst_object_unref (pool);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* E6 (newuser): a child killed while it *restarts* after a crash (the OOM
 * killer again, as the child loads) is a second crash in a row, restarted
 * again, not an error that ends the pipeline. */
GST_START_TEST (test_child_killed_while_restarting)
{
  Gate gate;
  Watch w;
  gchar *desc;
  GstElement *pipe, *src, *r, *sink;
  gint pid1, pid2, pid3;

  gate_init (&gate);
  gate_open (&gate);
  desc = g_strdup_printf ("testworkersrc name=src paused=true "
      "num-buffers=15 ! processreplica name=r restart-delay=0 "
      "start-timeout=%" G_GINT64_FORMAT " worker=\"testworker crash-after=10 "
      "start-gate=%s\" ! testworkersink name=sink", scaled (600000),
      gate.path);
  pipe = launch (desc);
  src = test_pipeline_get (pipe, "src");
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");
  watch_init (&w, pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (gst_worker_get_state (GST_WORKER (r)) == GST_WORKER_STATE_STARTING)
    g_usleep (1000);
  pid1 = pid_of (r);

  /* item 10 kills the first child; the second one is held, and killed */
  g_unlink (gate.path);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  pid2 = await_new_child (r, pid1, &w);
  fail_unless (pid2 > 0, "%s", w.first_error);
  fail_unless (kill (pid2, SIGKILL) == 0);
  pid3 = await_new_child (r, pid2, &w);
  fail_unless (pid3 > 0, "%s", w.first_error);
  assert_warned (&w, "restarting it (restart 2 of r; 2 crashes in a row");

  gate_open (&gate);
  run_to_eos (pipe, NULL);
  fail_unless_equals_int (watch_errors (&w), 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 2);
  fail_unless_equals_int (watch_restarted (&w), 2);
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless_equals_uint64 (count_of (sink), 15);
  assert_as_in_thread (sink, 15, "testworker");

  watch_clear (&w);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

/* E1 (newuser): a child that dies while its replica has nothing in hand
 * (idle) is restarted at once, with the warning and the message, not when
 * the next item comes; that item is no retry, and the new child gets the
 * stream's sticky events before it. */
GST_START_TEST (test_idle_child_death_restarts_at_once)
{
  Watch w;
  gchar *desc;
  GstElement *pipe, *src, *r, *sink;
  GstPad *rsrc;
  gint pid1, pid2;

  desc = g_strdup_printf ("testworkersrc name=src paused=true "
      "num-buffers=20 ! processreplica name=r restart-delay=0 "
      "start-timeout=%" G_GINT64_FORMAT " worker=testworker ! "
      "testworkersink name=sink", scaled (600000));
  pipe = launch (desc);
  src = test_pipeline_get (pipe, "src");
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");
  rsrc = gst_element_get_static_pad (r, "src");
  watch_init (&w, pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  /* the caps went through the child and back: nothing more comes (the
   * segment comes with the first item) */
  while (!gst_pad_has_current_caps (rsrc))
    g_usleep (1000);
  pid1 = pid_of (r);

  /* no item comes: before, nothing happened until one did */
  fail_unless (kill (pid1, SIGKILL) == 0);
  pid2 = await_new_child (r, pid1, &w);
  fail_unless (pid2 > 0, "%s", w.first_error);
  while (!watch_restarted (&w))
    g_usleep (1000);
  assert_warned (&w, "restarting it (restart 1 of r;");

  gst_worker_set_paused (GST_WORKER (src), FALSE);
  run_to_eos (pipe, NULL);
  fail_unless_equals_int (watch_errors (&w), 0);
  fail_unless_equals_int (watch_restarted (&w), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-retried"), 0);
  fail_unless_equals_int (pid_of (r), pid2);
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless_equals_uint64 (count_of (sink), 20);
  assert_as_in_thread (sink, 20, "testworker");

  watch_clear (&w);
  gst_object_unref (rsrc);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

/* S6-5: a worker that does not build is an error of the replica's, on
 * the bus before anything can see that the start failed: the source's
 * error for the flow the stream then returns comes after it. A handler of
 * `starting` (the start's end) holds the start thread until some error is
 * on the bus; before, the source's came first. */
static void
on_starting (GObject * r, GParamSpec * pspec, Watch * w)
{
  gint64 until = g_get_monotonic_time () + scaled (30) * G_TIME_SPAN_SECOND;

  g_mutex_lock (&w->lock);
  while (!w->errors && g_cond_wait_until (&w->cond, &w->lock, until));
  g_mutex_unlock (&w->lock);
}

GST_START_TEST (test_start_error_comes_first)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=5 ! processreplica "
      "name=r worker=\"no-such-element-here\" ! fakesink");
  GstElement *r = test_pipeline_get (pipe, "r");
  gchar *src = NULL, *text;
  Watch w;

  watch_init (&w, pipe);
  g_signal_connect (r, "notify::starting", G_CALLBACK (on_starting), &w);
  text = run_error (pipe, &src);
  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "could not be built") != NULL, "%s", text);
  /* no restart for bad input */
  g_mutex_lock (&w.lock);
  fail_unless_equals_string (w.warnings->str, "");
  g_mutex_unlock (&w.lock);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 0);
  gst_element_set_state (pipe, GST_STATE_NULL);

  watch_clear (&w);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_free (src);
  g_free (text);
}

GST_END_TEST;

/* A thread that does one thing and ends; its kernel task id. */
typedef struct
{
  void (*func) (gpointer data);
  gpointer data;
  gint tid;
} Brief;

static gpointer
brief_thread (gpointer data)
{
  Brief *b = data;

  b->tid = (gint) syscall (SYS_gettid);
  b->func (b->data);
  return NULL;
}

/* Runs @func on a thread of its own and returns once that thread has
 * ended for the kernel too (its task is gone: what a child's
 * PR_SET_PDEATHSIG reacts to has happened). */
static void
run_on_brief_thread (void (*func) (gpointer data), gpointer data)
{
  Brief b = { func, data, 0 };
  gchar *task;

  g_thread_join (g_thread_new ("brief", brief_thread, &b));
  task = g_strdup_printf ("/proc/self/task/%d", b.tid);
  while (g_file_test (task, G_FILE_TEST_EXISTS))
    g_usleep (1000);
  g_free (task);
}

static void
set_ready (gpointer data)
{
  fail_unless (gst_element_set_state (data, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
}

/* The child started by a state change on a thread that then ends (an
 * application's thread) lives on: before, it was forked by that thread,
 * and its death signal (PR_SET_PDEATHSIG, "the parent died") came when
 * the thread ended. */
GST_START_TEST (test_child_outlives_starting_thread)
{
  Gate gate;
  gchar *desc;
  GstElement *pipe, *r, *sink;
  GString *warnings = g_string_new (NULL);
  gint pid = 0, pid_after = 0;

  gate_init (&gate);
  desc = g_strdup_printf ("testworkersrc num-buffers=20 ! processreplica "
      "name=r start-timeout=%" G_GINT64_FORMAT " worker=\"testworker "
      "start-gate=%s\" ! testworkersink name=sink", scaled (600000),
      gate.path);
  pipe = launch (desc);
  r = test_pipeline_get (pipe, "r");
  sink = test_pipeline_get (pipe, "sink");

  run_on_brief_thread (set_ready, pipe);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0);
  gate_open (&gate);
  run_to_eos (pipe, warnings);
  g_object_get (r, "pid", &pid_after, NULL);
  fail_unless_equals_string (warnings->str, "");
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 0);
  fail_unless_equals_int (pid_after, pid);
  fail_unless_equals_uint64 (count_of (sink), 20);
  gst_element_set_state (pipe, GST_STATE_NULL);

  g_string_free (warnings, TRUE);
  gst_object_unref (sink);
  gst_object_unref (r);
  gst_object_unref (pipe);
  g_free (desc);
  gate_clear (&gate);
}

GST_END_TEST;

static void
push_one (gpointer data)
{
  fail_unless_equals_int (gst_harness_push (data, filled (8)), GST_FLOW_OK);
}

/* A child restarted after a crash by the thread that pushed the item (a
 * streaming thread, which its task pool may end) lives on once that
 * thread has ended. */
GST_START_TEST (test_restarted_child_outlives_pushing_thread)
{
  GstHarness *h = harness ("processreplica name=r restart-delay=0 "
      "worker=\"testworker crash-after=1\"");
  GstElement *r = gst_bin_get_by_name (GST_BIN (h->element), "r");
  GstStructure *st;
  GstEvent *ev;
  gint pid = 0, pid_after = 0;
  guint restarts = 0;

  gst_harness_set_src_caps_str (h, "application/x-test");
  push_one (h);
  /* the second item kills the first child; its successor is forked for
   * the retry by the pushing thread */
  run_on_brief_thread (push_one, h);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0);
  /* a round trip with the child: a dead one would be restarted here */
  ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new_empty ("x-test-ping"));
  fail_unless (gst_harness_push_event (h, ev));
  g_object_get (r, "pid", &pid_after, NULL);
  st = gst_worker_get_stats (GST_WORKER (r));
  fail_unless (gst_structure_get_uint (st, "restarts", &restarts));
  gst_structure_free (st);
  fail_unless_equals_int (restarts, 1);
  fail_unless_equals_int (pid_after, pid);
  fail_unless_equals_int (gst_harness_buffers_received (h), 2);

  gst_object_unref (r);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
processstart_suite (void)
{
  Suite *s = suite_create ("processstart");
  TCase *start = tcase_create ("start");

  suite_add_tcase (s, start);
  tcase_add_checked_fixture (start, NULL, stop_leftovers);
  tcase_add_test (start, test_state_change_does_not_wait);
  tcase_add_test (start, test_stop_while_starting);
  tcase_add_test (start, test_controller_start_returns);
  tcase_add_test (start, test_pool_grows_without_waiting);
  tcase_add_test (start, test_exit_now_counts_item_waiting_for_start);
  tcase_add_test (start, test_set_and_pause_while_starting);
  tcase_add_test (start, test_child_killed_while_starting_restarts);
  tcase_add_test (start, test_start_timeout_restarts);
  tcase_add_test (start, test_grown_replica_killed_while_starting);
  tcase_add_test (start, test_child_killed_while_restarting);
  tcase_add_test (start, test_idle_child_death_restarts_at_once);
  tcase_add_test (start, test_start_error_comes_first);
  tcase_add_test (start, test_child_outlives_starting_thread);
  tcase_add_test (start, test_restarted_child_outlives_pushing_thread);
  return s;
}

GST_CHECK_MAIN (processstart);
