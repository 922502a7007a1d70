/* gst-workers: the Kahn promise, end to end
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One network with every topology that could break determinism: a
 * workerpool, a merge by timestamp, forks (a tee and a worker with two
 * outputs) and a feedback loop. Its workers sleep a random time per item,
 * every queue has a random size from 1 to 16, every pool a random size
 * from 1 to 4: the sequence of items reaching each sink (bytes, timestamps
 * and the items merged with them: testworkersink's digest) must be the
 * same on every run, and the same as with no pool, large queues and no
 * delays.
 *
 *   camera -> q -> detect (pool, 2 outputs per input) -> q -> loop (merge)
 *     -> q -> fork (tee)
 *   fork -> q -> track -> feedbacksink ~~ channel ~~> feedbacksrc -> q -> loop
 *   fork -> q -> locate (pool) -> q -> merge -> q -> split (2 outputs)
 *   odometry -> q -> filter (1 output per 3 inputs) -> q -> merge
 *   split.src -> q -> even            split.odd -> q -> odd
 *
 * What each part must do for that, and how the network makes the test fail
 * if it does not:
 *
 * - detect and locate (workerpool): replicas finish items out of order
 *   (random delays); the pool must emit outputs in input order. A pool
 *   that does not reorders what the sinks see; the detect pool reordering
 *   would even deadlock the loop (its merge waits for the item made from
 *   the previous primary item, which would be behind). The negative control
 *   test_pool_as_roundrobin_funnel replaces locate by roundrobin + funnel.
 * - loop and merge (timestampmerge): they must choose by timestamp, never
 *   by what happened to have arrived (the odometry arrives early or late
 *   with random delays and queue sizes). The negative control
 *   test_merge_as_funnel replaces merge by funnel (arrival order).
 * - the loop: its merge must wait for the item coming round the loop (at
 *   or after the primary item's time, which ts-offset guarantees), not use
 *   what is there; the one initial item (a null token) lets the first
 *   primary item through. Every sink item carries the loop's item: the
 *   track of the item before it (checked exactly, item by item), which
 *   carries the one before it but no more (memory stays bounded).
 * - the forks: a tee and testworkersplit send every item to each branch
 *   in order, and block (never drop) when a branch is full.
 *
 * Set DETERMINISM_SEED to a run's printed seed to replay that run alone.
 */
#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"

#define N_CAMERA 100            /* frames, 10 ms apart */
#define CAMERA_INTERVAL (10 * GST_MSECOND)
#define STEP (CAMERA_INTERVAL / 2)      /* detect makes 2 items per frame */
#define N_ODOMETRY 270          /* 3 ms apart, 1 in 3 kept: 9 ms apart */
#define MAX_DISTANCE (2 * GST_MSECOND)
#define N_RUNS 20
#define LARGE_QUEUE 256

typedef enum
{
  VARIANT_KAHN,                 /* the network above */
  VARIANT_POOL_AS_ROUNDROBIN,   /* locate: roundrobin ! ... ! funnel */
  VARIANT_MERGE_AS_FUNNEL,      /* merge: funnel */
} Variant;

enum
{
  Q_CAMERA, Q_DETECTED, Q_LOOP, Q_TRACK, Q_FEEDBACK, Q_FORWARD, Q_LOCATED,
  Q_MERGED, Q_EVEN, Q_ODD, Q_ODOMETRY, Q_FILTERED, N_QUEUES
};

static const gchar *const queue_names[N_QUEUES] = {
  "q_camera", "q_detected", "q_loop", "q_track", "q_feedback", "q_forward",
  "q_located", "q_merged", "q_even", "q_odd", "q_odometry", "q_filtered"
};

typedef struct
{
  guint32 seed;                 /* 0: the reference run */
  Variant variant;
  guint queue[N_QUEUES];
  guint channel;                /* feedbacksink max-size-buffers */
  guint detect_size, detect_queue;
  guint locate_size, locate_queue;
  guint64 max_delay;            /* ns, each worker's random-delay */
  guint32 delay_seed[5];        /* detect, track, locate, filter, rr */
} Config;

typedef struct
{
  gchar *even, *odd;            /* the sinks' digests */
  guint64 n_even, n_odd, out_of_order;
  guint64 bad_loop, bad_merge;  /* items not merged as the rules say */
  guint64 with_odometry;        /* items with an odometry item attached */
} Result;

/* The run a seed stands for. */
static void
config_from_seed (Config * c, guint32 seed, Variant variant)
{
  GRand *r = g_rand_new_with_seed (seed);
  guint i;

  memset (c, 0, sizeof (*c));
  c->seed = seed;
  c->variant = variant;
  for (i = 0; i < N_QUEUES; i++)
    c->queue[i] = g_rand_int_range (r, 1, 17);
  c->channel = g_rand_int_range (r, 1, 17);
  c->detect_size = g_rand_int_range (r, 1, 5);
  c->detect_queue = g_rand_int_range (r, 1, 17);
  /* the negative controls need two replicas to reorder */
  c->locate_size = g_rand_int_range (r, variant == VARIANT_KAHN ? 1 : 2, 5);
  c->locate_queue = g_rand_int_range (r, 1, 17);
  c->max_delay = g_rand_int_range (r, 200, 1500) * GST_USECOND;
  for (i = 0; i < G_N_ELEMENTS (c->delay_seed); i++)
    c->delay_seed[i] = g_rand_int (r);
  g_rand_free (r);
}

/* No pool, large queues, no delays. */
static void
config_reference (Config * c, Variant variant)
{
  guint i;

  memset (c, 0, sizeof (*c));
  c->variant = variant;
  for (i = 0; i < N_QUEUES; i++)
    c->queue[i] = LARGE_QUEUE;
  c->channel = LARGE_QUEUE;
  c->locate_size = variant == VARIANT_POOL_AS_ROUNDROBIN ? 2 : 0;
}

static gchar *
config_describe (const Config * c)
{
  if (!c->seed)
    return g_strdup ("reference (no pool, queues of 256, no delays)");
  return g_strdup_printf ("seed %u: pools detect=%u (queue-size %u) "
      "locate=%u (queue-size %u), channel %u, random-delay up to %"
      G_GUINT64_FORMAT " us, queues %u %u %u %u %u %u %u %u %u %u %u %u",
      c->seed, c->detect_size, c->detect_queue, c->locate_size,
      c->locate_queue, c->channel, c->max_delay / 1000, c->queue[0],
      c->queue[1], c->queue[2], c->queue[3], c->queue[4], c->queue[5],
      c->queue[6], c->queue[7], c->queue[8], c->queue[9], c->queue[10],
      c->queue[11]);
}

static void
append_queue (GString * s, const Config * c, guint i)
{
  g_string_append_printf (s, " ! queue name=%s max-size-buffers=%u "
      "max-size-bytes=0 max-size-time=0 ! ", queue_names[i], c->queue[i]);
}

/* A worker description: the test worker with its delay and seed. */
static gchar *
worker (const Config * c, const gchar * extra, guint which)
{
  return g_strdup_printf ("testworker %s random-delay=%" G_GUINT64_FORMAT
      " seed=%u", extra, c->max_delay, c->delay_seed[which]);
}

static gchar *
network_description (const Config * c)
{
  GString *s = g_string_new (NULL);
  gchar *w;
  guint i;

  /* the merge first, so that its primary input is requested first. Its
   * odometry input is sink_2: the items travel with the loop's merge meta,
   * and its entries are named by pad (the loop's item is sink_1) */
  g_string_append (s, c->variant == VARIANT_MERGE_AS_FUNNEL ?
      "funnel name=merge" : "timestampmerge name=merge max-distance=2000000");
  append_queue (s, c, Q_MERGED);
  g_string_append (s, "testworkersplit name=split  split.src");
  append_queue (s, c, Q_EVEN);
  g_string_append (s, "testworkersink name=even  split.odd");
  append_queue (s, c, Q_ODD);
  g_string_append (s, "testworkersink name=odd  ");

  /* camera -> detect -> loop -> fork */
  g_string_append_printf (s, "testworkersrc name=camera num-buffers=%u "
      "interval=%" G_GUINT64_FORMAT, N_CAMERA, CAMERA_INTERVAL);
  append_queue (s, c, Q_CAMERA);
  w = worker (c, "outputs-per-input=2", 0);
  if (c->detect_size)
    g_string_append_printf (s, "workerpool name=detect size=%u queue-size=%u "
        "worker=\"%s\"", c->detect_size, c->detect_queue, w);
  else
    g_string_append_printf (s, "%s name=detect", w);
  g_free (w);
  append_queue (s, c, Q_DETECTED);
  g_string_append (s, "timestampmerge name=loop");
  append_queue (s, c, Q_LOOP);
  g_string_append (s, "tee name=fork  ");

  /* the loop: each item's track goes back, one step later */
  g_string_append (s, "fork.");
  append_queue (s, c, Q_TRACK);
  w = worker (c, "", 1);
  g_string_append_printf (s, "%s name=track ! feedbacksink name=back "
      "channel=tracks max-size-buffers=%u  ", w, c->channel);
  g_free (w);
  g_string_append_printf (s, "feedbacksrc name=forth channel=tracks "
      "initial-items=1 ts-offset=%" G_GUINT64_FORMAT " caps=" TEST_ITEM_CAPS,
      STEP);
  append_queue (s, c, Q_FEEDBACK);
  g_string_append (s, "loop.  ");

  /* fork -> locate -> merge.sink_0 */
  g_string_append (s, "fork.");
  append_queue (s, c, Q_FORWARD);
  w = worker (c, "", 2);
  switch (c->variant) {
    case VARIANT_KAHN:
      if (c->locate_size)
        g_string_append_printf (s, "workerpool name=locate size=%u "
            "queue-size=%u worker=\"%s\"  locate.", c->locate_size,
            c->locate_queue, w);
      else
        g_string_append_printf (s, "%s name=locate  locate.", w);
      break;
    case VARIANT_POOL_AS_ROUNDROBIN:
      /* what stock GStreamer offers for duplicated workers */
      g_string_append (s, "roundrobin name=locate  ");
      for (i = 0; i < c->locate_size; i++) {
        gchar *wi = g_strdup_printf ("testworker random-delay=%"
            G_GUINT64_FORMAT " seed=%u", c->max_delay, c->delay_seed[4] + i);

        g_string_append_printf (s, "locate.src_%u ! queue "
            "max-size-buffers=%u max-size-bytes=0 max-size-time=0 ! %s ! "
            "queue max-size-buffers=%u max-size-bytes=0 max-size-time=0 ! "
            "collect.  ", i, MAX (c->locate_queue, 1), wi,
            MAX (c->locate_queue, 1));
        g_free (wi);
      }
      g_string_append (s, "funnel name=collect");
      break;
    case VARIANT_MERGE_AS_FUNNEL:
      g_string_append_printf (s, "%s name=locate  locate.", w);
      break;
  }
  g_free (w);
  append_queue (s, c, Q_LOCATED);
  g_string_append (s, "merge.sink_0  ");

  /* odometry -> filter -> merge.sink_2 */
  g_string_append_printf (s, "testworkersrc name=odometry num-buffers=%u "
      "interval=%" G_GUINT64_FORMAT, N_ODOMETRY, 3 * GST_MSECOND);
  append_queue (s, c, Q_ODOMETRY);
  w = worker (c, "inputs-per-output=3", 3);
  g_string_append_printf (s, "%s name=filter", w);
  g_free (w);
  append_queue (s, c, Q_FILTERED);
  g_string_append (s, "merge.sink_2");
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------- */
/* what the sinks receive */

typedef struct
{
  guint64 bad_loop, bad_merge, with_odometry;
} Check;

/* Each item reaching a sink: the loop attached (as sink_1) the track of
 * the item before it, stamped with this item's time, or the null token
 * for the first item; the merge attached (as sink_2) an odometry item at
 * most 2 ms away, or none. */
static GstPadProbeReturn
check_item (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Check *check = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstBuffer *track = gst_buffer_get_merged_item (buf, "sink_1");
  GstBuffer *odom = gst_buffer_get_merged_item (buf, "sink_2");
  guint64 seq = 0, prev = 0;

  if (!test_item_get_seq (buf, &seq))
    check->bad_loop++;
  else if (seq == 0) {
    if (!track || !gst_worker_buffer_is_null_token (track))
      check->bad_loop++;
  } else if (!track || !test_item_get_seq (track, &prev) || prev != seq - 1
      || GST_BUFFER_PTS (track) != GST_BUFFER_PTS (buf)) {
    check->bad_loop++;
  }
  /* the loop's item holds the one before it, but no more: memory stays
   * bounded however long the loop runs */
  if (track && (track = gst_buffer_get_merged_item (track, "sink_1")) &&
      gst_buffer_get_merged_item (track, "sink_1"))
    check->bad_loop++;
  if (odom) {
    GstClockTime a = GST_BUFFER_PTS (odom), b = GST_BUFFER_PTS (buf);

    check->with_odometry++;
    if ((a > b ? a - b : b - a) > MAX_DISTANCE)
      check->bad_merge++;
  }
  return GST_PAD_PROBE_OK;
}

static void
probe_sink (GstElement * pipe, const gchar * name, Check * check)
{
  GstElement *sink = test_pipeline_get (pipe, name);
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, check_item, check, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
}

/* The merges' primary input is the one they requested first. */
static void
assert_primary (GstElement * pipe, const gchar * merge, const gchar * peer)
{
  GstElement *m = test_pipeline_get (pipe, merge);
  GstPad *primary, *peer_pad;
  GstElement *from;

  GST_OBJECT_LOCK (m);
  fail_unless (GST_ELEMENT (m)->sinkpads != NULL);
  primary = gst_object_ref (GST_ELEMENT (m)->sinkpads->data);
  GST_OBJECT_UNLOCK (m);
  peer_pad = gst_pad_get_peer (primary);
  fail_unless (peer_pad != NULL);
  from = gst_pad_get_parent_element (peer_pad);
  fail_unless_equals_string (GST_OBJECT_NAME (from), peer);
  gst_object_unref (from);
  gst_object_unref (peer_pad);
  gst_object_unref (primary);
  gst_object_unref (m);
}

static Result
run_network (const Config * c)
{
  gchar *desc = network_description (c), *what = config_describe (c);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch_full (desc, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  GstElement *even, *odd;
  GstMessage *msg;
  Check check = { 0, };
  Result r = { 0, };
  guint64 ooo_even, ooo_odd;

  fail_unless (pipe != NULL, "%s: %s", desc, err ? err->message : "?");
  assert_primary (pipe, "loop", "q_detected");
  if (c->variant != VARIANT_MERGE_AS_FUNNEL)
    assert_primary (pipe, "merge", "q_located");
  probe_sink (pipe, "even", &check);
  probe_sink (pipe, "odd", &check);

  msg = test_pipeline_run (pipe, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL, "%s: no EOS", what);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("%s: error from %s: %s (%s)", what,
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message, dbg);
  }
  gst_message_unref (msg);

  even = test_pipeline_get (pipe, "even");
  odd = test_pipeline_get (pipe, "odd");
  g_object_get (even, "digest", &r.even, "count", &r.n_even,
      "out-of-order", &ooo_even, NULL);
  g_object_get (odd, "digest", &r.odd, "count", &r.n_odd,
      "out-of-order", &ooo_odd, NULL);
  r.out_of_order = ooo_even + ooo_odd;
  r.bad_loop = check.bad_loop;
  r.bad_merge = check.bad_merge;
  r.with_odometry = check.with_odometry;
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (even);
  gst_object_unref (odd);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (what);
  return r;
}

static void
result_clear (Result * r)
{
  g_free (r->even);
  g_free (r->odd);
}

static gboolean
result_equal (const Result * a, const Result * b)
{
  return g_str_equal (a->even, b->even) && g_str_equal (a->odd, b->odd) &&
      a->n_even == b->n_even && a->n_odd == b->n_odd;
}

/* The reference run follows the rules exactly: every frame made two items,
 * each reached its sink in order with the track of the one before it and,
 * where one was within 2 ms, an odometry item. */
static void
assert_reference (const Result * ref)
{
  fail_unless_equals_uint64 (ref->n_even, N_CAMERA);
  fail_unless_equals_uint64 (ref->n_odd, N_CAMERA);
  fail_unless_equals_uint64 (ref->out_of_order, 0);
  fail_unless_equals_uint64 (ref->bad_loop, 0);
  fail_unless_equals_uint64 (ref->bad_merge, 0);
  /* odometry every 9 ms up to 801 ms, items every 5 ms: some items have
   * none within 2 ms, and none after 803 ms */
  fail_unless (ref->with_odometry > 0 && ref->with_odometry < 2 * N_CAMERA,
      "%" G_GUINT64_FORMAT " items with odometry", ref->with_odometry);
}

static guint32
replay_seed (void)
{
  const gchar *env = g_getenv ("DETERMINISM_SEED");

  return env ? (guint32) g_ascii_strtoull (env, NULL, 10) : 0;
}

/* ---------------------------------------------------------------------- */

/* 20 randomized runs (or the one DETERMINISM_SEED names): the same items,
 * merged the same way, in the same order, at both sinks, as the reference
 * run with no pool, large queues and no delays. */
GST_START_TEST (test_same_output_every_run)
{
  guint32 replay = replay_seed ();
  guint32 master_seed = g_random_int ();
  GRand *master = g_rand_new_with_seed (master_seed);
  Config ref_config;
  Result ref;
  guint i, n_runs = replay ? 1 : N_RUNS;

  config_reference (&ref_config, VARIANT_KAHN);
  ref = run_network (&ref_config);
  assert_reference (&ref);
  g_print ("determinism: reference: even %s, odd %s, %" G_GUINT64_FORMAT
      " items with odometry\n", ref.even, ref.odd, ref.with_odometry);

  for (i = 0; i < n_runs; i++) {
    Config c;
    Result r;
    gchar *what;
    guint32 seed = replay ? replay : g_rand_int (master);

    config_from_seed (&c, seed ? seed : 1, VARIANT_KAHN);
    what = config_describe (&c);
    g_print ("determinism: run %u, %s\n", i + 1, what);
    r = run_network (&c);
    g_print ("determinism: run %u: even %s, odd %s\n", i + 1, r.even, r.odd);
    fail_unless_equals_uint64 (r.out_of_order, 0);
    fail_unless_equals_uint64 (r.bad_loop, 0);
    fail_unless_equals_uint64 (r.bad_merge, 0);
    fail_unless (result_equal (&r, &ref), "%s: digests differ from the "
        "reference (replay with DETERMINISM_SEED=%u)", what, c.seed);
    result_clear (&r);
    g_free (what);
  }
  result_clear (&ref);
  g_rand_free (master);
}

GST_END_TEST;

/* Runs @variant with random timings until one run's output differs from
 * its reference run; fails if none does in @max_runs. */
static void
assert_variant_not_deterministic (Variant variant, guint max_runs)
{
  guint32 master_seed = g_random_int ();
  GRand *master = g_rand_new_with_seed (master_seed);
  Config ref_config;
  Result ref;
  gboolean differs = FALSE;
  guint i;

  config_reference (&ref_config, variant);
  ref = run_network (&ref_config);
  for (i = 0; i < max_runs && !differs; i++) {
    Config c;
    Result r;

    config_from_seed (&c, g_rand_int (master) | 1, variant);
    r = run_network (&c);
    differs = !result_equal (&r, &ref);
    g_print ("determinism: control %d, seed %u: %s\n", variant, c.seed,
        differs ? "differs" : "same");
    result_clear (&r);
  }
  fail_unless (differs, "%u runs with random timings all gave the same "
      "output: the test would not see a network that is not deterministic",
      max_runs);
  result_clear (&ref);
  g_rand_free (master);
}

/* Negative control: stock roundrobin + funnel in place of the locate pool
 * emit items in the order the replicas finish them, and the test sees it. */
GST_START_TEST (test_pool_as_roundrobin_funnel)
{
  assert_variant_not_deterministic (VARIANT_POOL_AS_ROUNDROBIN, 40);
}

GST_END_TEST;

/* Negative control: funnel in place of the merge passes items on in the
 * order they arrive, and the test sees it. */
GST_START_TEST (test_merge_as_funnel)
{
  assert_variant_not_deterministic (VARIANT_MERGE_AS_FUNNEL, 40);
}

GST_END_TEST;

static Suite *
determinism_suite (void)
{
  Suite *s = suite_create ("determinism");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_same_output_every_run);
  tcase_add_test (tc, test_pool_as_roundrobin_funnel);
  tcase_add_test (tc, test_merge_as_funnel);
  return s;
}

GST_CHECK_MAIN (determinism);
