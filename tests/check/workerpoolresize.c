/* gst-workers: workerpool resized while it runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"

/* What a run saw: the items out of the pool, in order, and every worker
 * any replica ever had (retired ones are gone from the pool, not from
 * here). */
typedef struct
{
  GMutex lock;
  GArray *seqs;
  GPtrArray *workers;
} Run;

static GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Run *run = user_data;
  guint64 seq = G_MAXUINT64;

  fail_unless (test_item_get_seq (GST_PAD_PROBE_INFO_BUFFER (info), &seq));
  g_mutex_lock (&run->lock);
  g_array_append_val (run->seqs, seq);
  g_mutex_unlock (&run->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_deep_element_added (GstBin * bin, GstBin * sub, GstElement * element,
    Run * run)
{
  if (!GST_IS_WORKER (element) ||
      !g_str_has_suffix (GST_OBJECT_NAME (element), "_testworker"))
    return;
  g_mutex_lock (&run->lock);
  g_ptr_array_add (run->workers, gst_object_ref (element));
  g_mutex_unlock (&run->lock);
}

static guint64
stat_of (GstElement * e, const gchar * field)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

static guint64
stat_u64 (GstElement * pipe, const gchar * name, const gchar * field)
{
  GstElement *e = test_pipeline_get (pipe, name);
  guint64 v = stat_of (e, field);

  gst_object_unref (e);
  return v;
}

static guint64
replicas_sum (Run * run, const gchar * field)
{
  guint64 sum = 0;

  g_mutex_lock (&run->lock);
  for (guint i = 0; i < run->workers->len; i++)
    sum += stat_of (g_ptr_array_index (run->workers, i), field);
  g_mutex_unlock (&run->lock);
  return sum;
}

static GstElement *
launch (const gchar * desc, Run * run)
{
  GstElement *pipe = test_pipeline_launch (desc), *pool;
  GstPad *src;

  g_mutex_init (&run->lock);
  run->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->workers = g_ptr_array_new_with_free_func (gst_object_unref);
  g_signal_connect (pipe, "deep-element-added",
      G_CALLBACK (on_deep_element_added), run);
  pool = test_pipeline_get (pipe, "p");
  /* the replicas built before the signal was connected */
  {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pool));
    GValue v = G_VALUE_INIT;

    while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
      on_deep_element_added (NULL, NULL, g_value_get_object (&v), run);
      g_value_reset (&v);
    }
    g_value_unset (&v);
    gst_iterator_free (it);
  }
  src = gst_element_get_static_pad (pool, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, record_probe, run, NULL);
  gst_object_unref (src);
  gst_object_unref (pool);
  return pipe;
}

static void
run_clear (Run * run)
{
  g_array_unref (run->seqs);
  g_ptr_array_unref (run->workers);
  g_mutex_clear (&run->lock);
}

static guint
run_len (Run * run)
{
  guint n;

  g_mutex_lock (&run->lock);
  n = run->seqs->len;
  g_mutex_unlock (&run->lock);
  return n;
}

/* Waits until EOS; fails on an error. */
static void
wait_eos (GstElement * pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);

  test_message_expect_eos (gst_bus_timed_pop_filtered (bus,
          GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  gst_object_unref (bus);
}

/* 0, 1, ..., n - 1, and every count balanced. */
static void
check_run (GstElement * pipe, Run * run, guint n)
{
  fail_unless_equals_int (run_len (run), n);
  for (guint i = 0; i < n; i++)
    fail_unless_equals_uint64 (g_array_index (run->seqs, guint64, i), i);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-in"), n);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-out"), n);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-in"), n);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), n);
  fail_unless_equals_uint64 (replicas_sum (run, "items-in"), n);
  fail_unless_equals_uint64 (replicas_sum (run, "items-out"), n);
  fail_unless_equals_uint64 (stat_u64 (pipe, "sink", "items-in"), n);
}

static gboolean
has_element (GstElement * pipe, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  if (e)
    gst_object_unref (e);
  return e != NULL;
}

/* Polls @cond for at most 30 s (the machine may be loaded). */
#define WAIT_FOR(cond) G_STMT_START {                                   \
  gint64 _end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;      \
  while (!(cond) && g_get_monotonic_time () < _end)                     \
    g_usleep (1000);                                                    \
  fail_unless (cond, "timed out waiting for " #cond);                   \
} G_STMT_END

/* Plays the pool "p" of @desc until more than @items came out of it;
 * returns the pipeline, and the pool in @pool. */
static GstElement *
play_pool (const gchar * desc, Run * run, guint items, GstElement ** pool)
{
  GstElement *pipe = launch (desc, run);

  *pool = test_pipeline_get (pipe, "p");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  WAIT_FOR (run_len (run) > items);
  return pipe;
}

static void
stop_pool (GstElement * pipe, GstElement * pool, Run * run)
{
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pool);
  gst_object_unref (pipe);
  run_clear (run);
}

/* ---------------------------------------------------------------------- */

/* A replica added while the pool runs takes items at once. */
GST_START_TEST (test_grow_while_playing)
{
  Run run;
  GstElement *pool;
  GstElement *pipe = play_pool ("testworkersrc num-buffers=400 ! workerpool "
      "name=p size=1 worker=\"testworker process-time=2000000\" ! "
      "testworkersink name=sink", &run, 5, &pool);

  g_object_set (pool, "size", 3, NULL);
  fail_unless (has_element (pipe, "p_r1_testworker"));
  fail_unless (has_element (pipe, "p_r2_testworker"));
  /* they take items long before the end */
  WAIT_FOR (stat_u64 (pipe, "p_r2_testworker", "items-in") > 0);
  fail_unless (run_len (&run) < 400);
  wait_eos (pipe);
  check_run (pipe, &run, 400);
  fail_unless (stat_u64 (pipe, "p_r1_testworker", "items-in") > 0);

  stop_pool (pipe, pool, &run);
}

GST_END_TEST;

/* A replica retired while the pool runs goes once its items are out;
 * its counts stay with its worker. */
GST_START_TEST (test_shrink_while_playing)
{
  Run run;
  GstElement *pool;
  GstElement *pipe = play_pool ("testworkersrc num-buffers=400 ! workerpool "
      "name=p size=3 worker=\"testworker process-time=1000000 "
      "random-delay=2000000 seed=5\" ! testworkersink name=sink", &run, 20, &pool);

  g_object_set (pool, "size", 1, NULL);
  WAIT_FOR (!has_element (pipe, "p_r2") && !has_element (pipe, "p_r1"));
  fail_unless (has_element (pipe, "p_r0"));
  fail_unless (run_len (&run) < 400);
  wait_eos (pipe);
  check_run (pipe, &run, 400);
  /* the retired replicas worked, and their work is counted */
  fail_unless_equals_int (run.workers->len, 3);

  stop_pool (pipe, pool, &run);
}

GST_END_TEST;

/* A replica retired while no item comes in (the source paused, every
 * item out) goes at once, without waiting for the next item. */
GST_START_TEST (test_shrink_while_idle)
{
  Run run;
  GstElement *pool, *src;
  GstElement *pipe = play_pool ("testworkersrc name=src num-buffers=300 ! "
      "workerpool name=p size=3 worker=\"testworker process-time=1000000\" "
      "! testworkersink name=sink", &run, 10, &pool);

  src = test_pipeline_get (pipe, "src");
  gst_worker_set_paused (GST_WORKER (src), TRUE);
  WAIT_FOR (run_len (&run) == stat_of (src, "items-out"));
  g_object_set (pool, "size", 1, NULL);
  WAIT_FOR (!has_element (pipe, "p_r2") && !has_element (pipe, "p_r1"));
  fail_unless (run_len (&run) < 300);
  gst_worker_set_paused (GST_WORKER (src), FALSE);
  wait_eos (pipe);
  check_run (pipe, &run, 300);
  gst_object_unref (src);
  stop_pool (pipe, pool, &run);
}

GST_END_TEST;

/* Shrunk, then grown: the retired index is used again. */
GST_START_TEST (test_shrink_then_grow)
{
  Run run;
  GstElement *pool;
  GstElement *pipe = play_pool ("testworkersrc num-buffers=300 ! workerpool "
      "name=p size=2 worker=\"testworker process-time=1000000\" ! "
      "testworkersink name=sink", &run, 10, &pool);

  g_object_set (pool, "size", 1, NULL);
  WAIT_FOR (!has_element (pipe, "p_r1"));
  g_object_set (pool, "size", 2, NULL);
  fail_unless (has_element (pipe, "p_r1"));
  wait_eos (pipe);
  check_run (pipe, &run, 300);
  fail_unless_equals_int (run.workers->len, 3);

  stop_pool (pipe, pool, &run);
}

GST_END_TEST;

/* Changes the pool's size and pauses its input and output at random
 * moments until told to stop. */
typedef struct
{
  GstElement *pipe;
  GstElement *pool;
  GRand *rand;
  gint stop;
  guint changes;
} Shaker;

static gpointer
shake (gpointer data)
{
  Shaker *sh = data;
  GstElement *dispatch = test_pipeline_get (sh->pipe, "p_dispatch");
  GstElement *collect = test_pipeline_get (sh->pipe, "p_collect");

  while (!g_atomic_int_get (&sh->stop)) {
    switch (g_rand_int_range (sh->rand, 0, 4)) {
      case 0:
      case 1:
        g_object_set (sh->pool, "size", g_rand_int_range (sh->rand, 1, 5),
            NULL);
        break;
      case 2:
        gst_worker_set_paused (GST_WORKER (dispatch), TRUE);
        g_usleep (g_rand_int_range (sh->rand, 0, 500));
        gst_worker_set_paused (GST_WORKER (dispatch), FALSE);
        break;
      default:
        gst_worker_set_paused (GST_WORKER (collect), TRUE);
        g_usleep (g_rand_int_range (sh->rand, 0, 500));
        gst_worker_set_paused (GST_WORKER (collect), FALSE);
        break;
    }
    sh->changes++;
    /* a random moment, not a wait for a condition */
    g_usleep (g_rand_int_range (sh->rand, 0, 3000));
  }
  gst_object_unref (dispatch);
  gst_object_unref (collect);
  return NULL;
}

/* Returns: how many replicas the run had in all (retired ones
 * included). */
static guint
shaken_run (guint seed, const gchar * dispatch)
{
  guint replicas;
  Run run;
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=150 ! "
      "workerpool name=p size=2 dispatch=%s queue-size=2 "
      "worker=\"testworker random-delay=400000 seed=%u\" ! "
      "testworkersink name=sink", dispatch, seed);
  GstElement *pipe = launch (desc, &run);
  Shaker sh =
      { pipe, test_pipeline_get (pipe, "p"), g_rand_new_with_seed (seed), 0,
        0 };
  GThread *thread;

  GST_INFO ("run %u", seed);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  thread = g_thread_new ("shaker", shake, &sh);
  wait_eos (pipe);
  g_atomic_int_set (&sh.stop, 1);
  g_thread_join (thread);
  check_run (pipe, &run, 150);
  replicas = run.workers->len;

  gst_element_set_state (pipe, GST_STATE_NULL);
  g_rand_free (sh.rand);
  gst_object_unref (sh.pool);
  gst_object_unref (pipe);
  run_clear (&run);
  g_free (desc);
  return replicas;
}

/* 100 runs, each resized and paused at random moments: every output is
 * 0, 1, 2... and every count balanced. */
GST_START_TEST (test_random_resizes)
{
  gint64 start = g_get_monotonic_time ();
  guint reshaped = 0;

  for (guint seed = 1; seed <= 100; seed++)
    if (shaken_run (seed, seed % 2 ? "free" : "round-robin") > 2)
      reshaped++;
  GST_INFO ("100 runs in %" G_GINT64_FORMAT " ms, %u of them reshaped",
      (g_get_monotonic_time () - start) / 1000, reshaped);
  /* the shaker did change them, most of the time */
  fail_unless (reshaped > 50, "only %u runs reshaped", reshaped);
}

GST_END_TEST;

/* The property says what the running pool does. */
GST_START_TEST (test_size_is_mutable_in_playing)
{
  GstElement *pool = gst_element_factory_make ("workerpool", NULL);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (pool), "size");

  fail_unless (pspec->flags & GST_PARAM_MUTABLE_PLAYING);
  gst_object_unref (pool);
}

GST_END_TEST;

static Suite *
workerpoolresize_suite (void)
{
  Suite *s = suite_create ("workerpoolresize");
  TCase *tc = tcase_create ("resize");

  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (tc, test_size_is_mutable_in_playing);
  tcase_add_test (tc, test_grow_while_playing);
  tcase_add_test (tc, test_shrink_while_playing);
  tcase_add_test (tc, test_shrink_while_idle);
  tcase_add_test (tc, test_shrink_then_grow);
  tcase_add_test (tc, test_random_resizes);
  return s;
}

GST_CHECK_MAIN (workerpoolresize);
