/* gst-workers: the pause that holds data
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testpipeline.h"

#define Q "max-size-bytes=0 max-size-time=0 "

static guint64
sink_u64 (GstElement * sink, const gchar * prop)
{
  guint64 v;

  g_object_get (sink, prop, &v, NULL);
  return v;
}

static guint64
items_in (GstElement * worker)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (worker));
  guint64 v = 0;

  gst_structure_get_uint64 (s, "items-in", &v);
  gst_structure_free (s);
  return v;
}

static guint
queue_level (GstElement * queue)
{
  guint v;

  g_object_get (queue, "current-level-buffers", &v, NULL);
  return v;
}

/* Counts the buffers that reach a worker's sink pad. */
typedef struct
{
  GstPad *pad;
  gulong probe;
  gint count;                   /* atomic */
} Arrivals;

static GstPadProbeReturn
count_arrival (GstPad * pad, GstPadProbeInfo * info, gpointer count)
{
  g_atomic_int_inc ((gint *) count);
  return GST_PAD_PROBE_OK;
}

static void
arrivals_watch (Arrivals * a, GstElement * worker)
{
  a->count = 0;
  a->pad = gst_element_get_static_pad (worker, "sink");
  a->probe = gst_pad_add_probe (a->pad, GST_PAD_PROBE_TYPE_BUFFER,
      count_arrival, &a->count, NULL);
}

static void
arrivals_unwatch (Arrivals * a)
{
  gst_pad_remove_probe (a->pad, a->probe);
  gst_object_unref (a->pad);
}

/* Waits (bounded) until @n items reached the paused worker (@a), which
 * holds the last, and the queue holds exactly @level buffers: its thread
 * waits in the worker then, so the level stays (it may be full for a
 * moment before, when that thread is slow to start). */
static void
wait_held (GstElement * queue, Arrivals * a, gint n, guint level)
{
  gint64 deadline = test_deadline (20);

  while ((g_atomic_int_get (&a->count) < n || queue_level (queue) != level)
      && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless_equals_int (g_atomic_int_get (&a->count), n);
  fail_unless_equals_int (queue_level (queue), level);
}

static GstMessage *
wait_eos_or_error (GstElement * pipe, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  gst_object_unref (bus);
  return msg;
}

typedef struct
{
  GstElement *worker;
  volatile gint stop;
  guint toggles;
} Toggler;

static gpointer
toggle_thread (gpointer data)
{
  Toggler *t = data;
  GRand *rand = g_rand_new_with_seed (1234);
  gboolean paused = FALSE;

  while (!g_atomic_int_get (&t->stop)) {
    paused = !paused;
    g_object_set (t->worker, "paused", paused, NULL);
    t->toggles++;
    g_usleep (g_rand_int_range (rand, 0, 3000));
  }
  g_object_set (t->worker, "paused", FALSE, NULL);
  g_rand_free (rand);
  return NULL;
}

/* 10,000 items while another thread toggles `paused` at random: all
 * arrive, in order, none twice. */
GST_START_TEST (test_pause_toggled_at_random)
{
  GstElement *pipe, *worker, *sink, *inq;
  Toggler t = { 0, };
  GThread *thread;
  GstMessage *msg;
  guint64 held;
  Arrivals arr;

  pipe =
      test_pipeline_launch ("testworkersrc num-buffers=10000 ! queue name=inq "
      "max-size-buffers=4 " Q "! testworker name=w ! queue " Q
      "! testworkersink name=sink");
  worker = test_pipeline_get (pipe, "w");
  sink = test_pipeline_get (pipe, "sink");
  inq = test_pipeline_get (pipe, "inq");

  /* the pause holds: with the worker paused, nothing goes in and the input
   * queue fills to its bound */
  g_object_set (worker, "paused", TRUE, NULL);
  arrivals_watch (&arr, worker);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_held (inq, &arr, 1, 4);
  held = items_in (worker);
  g_usleep (50000);
  fail_unless_equals_uint64 (items_in (worker), held);
  fail_unless_equals_int (g_atomic_int_get (&arr.count), 1);
  fail_unless_equals_int (queue_level (inq), 4);
  arrivals_unwatch (&arr);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (worker)),
      GST_WORKER_STATE_PAUSED);

  t.worker = worker;
  thread = g_thread_new ("toggler", toggle_thread, &t);
  msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
  g_atomic_int_set (&t.stop, 1);
  g_thread_join (thread);

  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless (t.toggles > 10);
  fail_unless_equals_uint64 (sink_u64 (sink, "count"), 10000);
  fail_unless_equals_uint64 (sink_u64 (sink, "out-of-order"), 0);
  fail_unless_equals_uint64 (sink_u64 (sink, "gaps"), 0);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (inq);
  gst_object_unref (sink);
  gst_object_unref (worker);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Going to NULL with a paused worker (and a full queue in front of it)
 * returns at once; leaks are checked by the valgrind setup. */
GST_START_TEST (test_null_while_paused)
{
  GstElement *pipe, *worker, *inq;
  Arrivals arr;

  pipe =
      test_pipeline_launch ("testworkersrc ! queue name=inq max-size-buffers=4 "
      Q "! testworker name=w paused=true ! testworkersink");
  worker = test_pipeline_get (pipe, "w");
  inq = test_pipeline_get (pipe, "inq");
  arrivals_watch (&arr, worker);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_held (inq, &arr, 1, 4);
  arrivals_unwatch (&arr);
  /* the worker holds the item that preroll waits for */
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_worker_get_paused (GST_WORKER (worker)));
  gst_object_unref (inq);
  gst_object_unref (worker);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* EOS waits behind the held items; resuming lets everything through. */
GST_START_TEST (test_eos_held_while_paused)
{
  GstElement *pipe, *worker, *sink, *inq;
  GstMessage *msg;
  Arrivals arr;

  pipe = test_pipeline_launch ("testworkersrc num-buffers=50 ! queue name=inq "
      "max-size-buffers=100 " Q "! testworker name=w ! testworkersink "
      "name=sink async=false");
  worker = test_pipeline_get (pipe, "w");
  sink = test_pipeline_get (pipe, "sink");
  inq = test_pipeline_get (pipe, "inq");
  g_object_set (worker, "paused", TRUE, NULL);
  arrivals_watch (&arr, worker);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* the worker holds the first item in hand, unprocessed */
  wait_held (inq, &arr, 1, 49);
  arrivals_unwatch (&arr);

  msg = wait_eos_or_error (pipe, 200 * GST_MSECOND);
  fail_unless (msg == NULL, "EOS or error went past a paused worker");
  fail_unless_equals_uint64 (sink_u64 (sink, "count"), 0);

  g_object_set (worker, "paused", FALSE, NULL);
  msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (sink_u64 (sink, "count"), 50);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (inq);
  gst_object_unref (sink);
  gst_object_unref (worker);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A flushing seek reaches a paused worker, does not deadlock, and the
 * worker stays paused until resumed. */
GST_START_TEST (test_flushing_seek_while_paused)
{
  GstElement *pipe, *worker, *sink, *inq;
  GstMessage *msg;
  Arrivals arr;

  pipe = test_pipeline_launch ("testworkersrc num-buffers=200 ! queue name=inq "
      "max-size-buffers=4 " Q "! testworker name=w ! testworkersink "
      "name=sink async=false");
  worker = test_pipeline_get (pipe, "w");
  sink = test_pipeline_get (pipe, "sink");
  inq = test_pipeline_get (pipe, "inq");
  g_object_set (worker, "paused", TRUE, NULL);
  arrivals_watch (&arr, worker);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_held (inq, &arr, 1, 4);

  fail_unless (gst_element_seek_simple (pipe, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 100 * GST_MSECOND));
  fail_unless (gst_worker_get_paused (GST_WORKER (worker)));
  /* the held item flushed, the first after the seek held */
  wait_held (inq, &arr, 2, 4);
  arrivals_unwatch (&arr);

  g_object_set (worker, "paused", FALSE, NULL);
  msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  /* nothing from before the seek: the first item seen is 100, then all
   * follow in order */
  {
    guint64 count = sink_u64 (sink, "count");
    gint64 last;

    g_object_get (sink, "last-seq", &last, NULL);
    fail_unless (count > 0);
    fail_unless_equals_int64 (last - (gint64) count + 1, 100);
    fail_unless_equals_uint64 (sink_u64 (sink, "gaps"), 1);
    fail_unless_equals_uint64 (sink_u64 (sink, "out-of-order"), 0);
  }

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (inq);
  gst_object_unref (sink);
  gst_object_unref (worker);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Each base class pauses: a paused source produces nothing, a paused sink
 * consumes nothing, a paused merge merges nothing; resuming finishes the
 * run with every item. */
static void
check_pause_of (const gchar * desc, const gchar * paused_name,
    guint64 expected, gboolean ordered)
{
  GstElement *pipe = test_pipeline_launch (desc);
  GstElement *w = test_pipeline_get (pipe, paused_name), *sink =
      test_pipeline_get (pipe, "sink");
  GstMessage *msg;

  g_object_set (w, "paused", TRUE, NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = wait_eos_or_error (pipe, 100 * GST_MSECOND);
  fail_unless (msg == NULL);
  fail_unless (sink_u64 (sink, "count") < expected);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (w)),
      GST_WORKER_STATE_PAUSED);

  g_object_set (w, "paused", FALSE, NULL);
  msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (sink_u64 (sink, "count"), expected);
  if (ordered)
    fail_unless_equals_uint64 (sink_u64 (sink, "out-of-order"), 0);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (sink);
  gst_object_unref (w);
  gst_object_unref (pipe);
}

GST_START_TEST (test_pause_source)
{
  check_pause_of ("testworkersrc name=src num-buffers=100 ! queue ! "
      "testworkersink name=sink async=false", "src", 100, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_pause_sink)
{
  check_pause_of ("testworkersrc num-buffers=100 ! queue ! "
      "testworkersink name=sink async=false", "sink", 100, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_pause_aggregator)
{
  check_pause_of ("testworkermerge name=m ! testworkersink name=sink "
      "async=false testworkersrc num-buffers=30 ! queue ! m. "
      "testworkersrc num-buffers=30 ! queue ! m.", "m", 60, FALSE);
}

GST_END_TEST;

/* Pipeline state changes go through while a worker is paused with an item
 * in hand, in both directions and repeatedly, and nothing is lost. */
static void
check_state_cycle_while_paused (const gchar * desc, const gchar * paused_name,
    guint64 expected)
{
  GstElement *pipe = test_pipeline_launch (desc);
  GstElement *w = test_pipeline_get (pipe, paused_name), *sink =
      test_pipeline_get (pipe, "sink");
  GstMessage *msg;
  GstState state;
  guint i;

  g_object_set (w, "paused", TRUE, NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_usleep (20000);
  for (i = 0; i < 5; i++) {
    GstState target = i % 2 ? GST_STATE_PLAYING : GST_STATE_PAUSED;

    fail_unless (gst_element_set_state (pipe, target) !=
        GST_STATE_CHANGE_FAILURE);
    /* a paused worker must not hold up the state change itself; with a
     * sink that cannot preroll (it is paused) PAUSED stays ASYNC */
    gst_element_get_state (w, &state, NULL, 5 * GST_SECOND);
    fail_unless_equals_int (state, target);
    g_usleep (5000);
  }
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_set (w, "paused", FALSE, NULL);
  msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (sink_u64 (sink, "count"), expected);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (sink);
  gst_object_unref (w);
  gst_object_unref (pipe);
}

GST_START_TEST (test_state_cycle_paused_transform)
{
  check_state_cycle_while_paused ("testworkersrc num-buffers=100 ! queue ! "
      "testworker name=w ! testworkersink name=sink async=false", "w", 100);
}

GST_END_TEST;

GST_START_TEST (test_state_cycle_paused_source)
{
  check_state_cycle_while_paused ("testworkersrc name=src num-buffers=100 ! "
      "queue ! testworkersink name=sink async=false", "src", 100);
}

GST_END_TEST;

GST_START_TEST (test_state_cycle_paused_live_source)
{
  check_state_cycle_while_paused ("testworkersrc name=src is-live=true "
      "num-buffers=50 ! queue ! testworkersink name=sink async=false", "src",
      50);
}

GST_END_TEST;

GST_START_TEST (test_state_cycle_paused_sink)
{
  check_state_cycle_while_paused ("testworkersrc num-buffers=100 ! queue ! "
      "testworkersink name=sink async=false", "sink", 100);
}

GST_END_TEST;

GST_START_TEST (test_state_cycle_paused_aggregator)
{
  check_state_cycle_while_paused ("testworkermerge name=m ! testworkersink "
      "name=sink async=false testworkersrc num-buffers=30 ! queue ! m. "
      "testworkersrc num-buffers=30 ! queue ! m.", "m", 60);
}

GST_END_TEST;

static guint64
items_out (GstElement * worker)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (worker));
  guint64 v = 0;

  gst_structure_get_uint64 (s, "items-out", &v);
  gst_structure_free (s);
  return v;
}

/* An EOS sent to a running source: GstBaseSrc may drop the item it was
 * about to push; the source's items-out counts only items that left. */
GST_START_TEST (test_source_counts_what_left_on_eos)
{
  guint i;

  for (i = 0; i < 10; i++) {
    GstElement *pipe = test_pipeline_launch ("testworkersrc name=src ! queue " Q
        "! testworkersink name=sink");
    GstElement *src = test_pipeline_get (pipe, "src"), *sink =
        test_pipeline_get (pipe, "sink");
    GstMessage *msg;

    fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    /* an EOS sent to the pipeline holds its state lock until the source
     * takes it: not while the sink still waits for PLAYING */
    fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
            10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
    g_usleep (2000 + i * 500);
    gst_element_send_event (src, gst_event_new_eos ());
    msg = wait_eos_or_error (pipe, GST_CLOCK_TIME_NONE);
    fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
    gst_message_unref (msg);
    fail_unless_equals_uint64 (items_out (src), sink_u64 (sink, "count"));
    fail_unless (items_in (src) - items_out (src) <= 1);

    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (src);
    gst_object_unref (sink);
    gst_object_unref (pipe);
  }
}

GST_END_TEST;

static Suite *
workerpause_suite (void)
{
  Suite *s = suite_create ("workerpause");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, test_pipeline_stop_leftovers);
  tcase_set_timeout (tc, 180);
  tcase_add_test (tc, test_pause_toggled_at_random);
  tcase_add_test (tc, test_null_while_paused);
  tcase_add_test (tc, test_eos_held_while_paused);
  tcase_add_test (tc, test_flushing_seek_while_paused);
  tcase_add_test (tc, test_pause_source);
  tcase_add_test (tc, test_pause_sink);
  tcase_add_test (tc, test_pause_aggregator);
  tcase_add_test (tc, test_state_cycle_paused_transform);
  tcase_add_test (tc, test_state_cycle_paused_source);
  tcase_add_test (tc, test_state_cycle_paused_live_source);
  tcase_add_test (tc, test_state_cycle_paused_sink);
  tcase_add_test (tc, test_state_cycle_paused_aggregator);
  tcase_add_test (tc, test_source_counts_what_left_on_eos);
  return s;
}

GST_CHECK_MAIN (workerpause);
