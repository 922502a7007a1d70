/* gst-workers: feedbacksink / feedbacksrc, feedback loops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/base/gstaggregator.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"

#define MS GST_MSECOND
#define Q "max-size-bytes=0 max-size-time=0 "

/* Every pipeline a test launches, stopped after the test even if it fails:
 * a failed test must not leave streaming threads behind. */
static GList *launched;

static GstElement *
launch (const gchar * desc)
{
  GstElement *pipe = test_pipeline_launch (desc);

  launched = g_list_prepend (launched, gst_object_ref (pipe));
  return pipe;
}

static void
stop_launched (void)
{
  GList *l;

  for (l = launched; l; l = l->next)
    gst_element_set_state (l->data, GST_STATE_NULL);
  g_list_free_full (launched, gst_object_unref);
  launched = NULL;
}

static guint64
u64 (GstElement * e, const gchar * prop)
{
  guint64 v;

  g_object_get (e, prop, &v, NULL);
  return v;
}

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *st = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (st, field, &v));
  gst_structure_free (st);
  return v;
}

static guint64
pad_u64 (GstElement * e, const gchar * pad, const gchar * prop)
{
  GstPad *p = gst_element_get_static_pad (e, pad);
  guint64 v;

  fail_unless (p != NULL);
  g_object_get (p, prop, &v, NULL);
  gst_object_unref (p);
  return v;
}

static guint
level_of (GstElement * fbsink)
{
  guint v;

  g_object_get (fbsink, "current-level-buffers", &v, NULL);
  return v;
}

static GstWorkerState
state_of (GstElement * e)
{
  return gst_worker_get_state (GST_WORKER (e));
}

/* As gst-launch-1.0 -e on Ctrl-C. Not while the pipeline prerolls: a
 * source blocked on a full queue would hold the state lock. */
static void
send_eos (GstElement * pipe)
{
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
}

static void
set_null (GstElement * pipe)
{
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
}

static GstMessage *
wait_message (GstElement * pipe, GstMessageType types, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout, types);

  gst_object_unref (bus);
  return msg;
}

/* The error a pipeline posts, by element name and message. */
static void
assert_error (GstElement * pipe, const gchar * from, const gchar * text)
{
  GstMessage *msg = wait_message (pipe, GST_MESSAGE_ERROR,
      GST_CLOCK_TIME_NONE);
  GError *err = NULL;

  fail_unless (msg != NULL, "no error");
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), from);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, text) != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
}

/* ---------------------------------------------------------------------- */
/* a loop closed by timestampmerge: each item goes on with the item made
 * from the one before it (the null token for the first) */

typedef struct
{
  guint64 n;                    /* outputs seen */
  guint64 bad;                  /* outputs not paired as expected */
  gboolean after_flush;
} PairCheck;

static GstPadProbeReturn
check_pairs (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  PairCheck *pc = user_data;
  GstBuffer *buf, *item;
  guint64 seq = 0, prev = G_MAXUINT64;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
        GST_EVENT_FLUSH_STOP)
      pc->after_flush = TRUE;
    return GST_PAD_PROBE_OK;
  }
  buf = GST_PAD_PROBE_INFO_BUFFER (info);
  test_item_get_seq (buf, &seq);
  item = gst_buffer_get_merged_item (buf, "sink_1");
  if (pc->after_flush) {
    /* the loop restarts with a null token */
    pc->after_flush = FALSE;
    if (!item || !gst_worker_buffer_is_null_token (item))
      pc->bad++;
  } else if (pc->n == 0) {
    if (!item || !gst_worker_buffer_is_null_token (item))
      pc->bad++;
  } else if (!item || !test_item_get_seq (item, &prev) || prev + 1 != seq ||
      GST_BUFFER_PTS (item) != GST_BUFFER_PTS (buf)) {
    pc->bad++;
  }
  pc->n++;
  return GST_PAD_PROBE_OK;
}

static gchar *
loop_desc (const gchar * src_props, guint q, guint fifo, guint initial,
    guint64 delay, guint seed)
{
  return g_strdup_printf ("testworkersrc name=src %s "
      "! queue max-size-buffers=%u " Q "! timestampmerge name=m ! tee name=t "
      "t. ! queue max-size-buffers=%u " Q "! testworkersink name=out "
      "t. ! queue max-size-buffers=%u " Q "! testworker name=fw "
      "pts-offset=1000000 random-delay=%" G_GUINT64_FORMAT " seed=%u "
      "! feedbacksink name=fbsink channel=c max-size-buffers=%u "
      "feedbacksrc name=fbsrc channel=c caps=" TEST_ITEM_CAPS
      " initial-items=%u ! queue max-size-buffers=%u " Q "! m.",
      src_props, q, q, q, delay, seed, fifo, initial, q);
}

typedef struct
{
  GstElement *pipe, *src, *m, *out, *fw, *fbsink, *fbsrc;
  PairCheck pairs;
  guint64 pushed;               /* items the source pushed */
} Loop;

/* What the source really pushed: its items-out also counts an item made
 * just when EOS is sent to it, which GstBaseSrc then drops. */
static GstPadProbeReturn
count_pushed (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  (*(guint64 *) user_data)++;
  return GST_PAD_PROBE_OK;
}

static Loop *
loop_new (const gchar * desc)
{
  Loop *l = g_new0 (Loop, 1);
  GstPad *pad;

  l->pipe = launch (desc);
  l->src = test_pipeline_get (l->pipe, "src");
  l->m = test_pipeline_get (l->pipe, "m");
  l->out = test_pipeline_get (l->pipe, "out");
  l->fw = test_pipeline_get (l->pipe, "fw");
  l->fbsink = test_pipeline_get (l->pipe, "fbsink");
  l->fbsrc = test_pipeline_get (l->pipe, "fbsrc");
  pad = gst_element_get_static_pad (l->m, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, check_pairs, &l->pairs, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (l->src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_pushed, &l->pushed,
      NULL);
  gst_object_unref (pad);
  return l;
}

static void
loop_free (Loop * l)
{
  set_null (l->pipe);
  gst_object_unref (l->src);
  gst_object_unref (l->m);
  gst_object_unref (l->out);
  gst_object_unref (l->fw);
  gst_object_unref (l->fbsink);
  gst_object_unref (l->fbsrc);
  gst_object_unref (l->pipe);
  g_free (l);
}

/* The merge counts what reaches its loop input after its output ended;
 * the pipeline's EOS can come just before: wait, bounded. */
static void
wait_merge_done (Loop * l)
{
  gint64 deadline = test_deadline (60);
  GstPad *pad = gst_element_get_static_pad (l->m, "sink_1");

  /* EOS is taken after the items before it */
  while (g_get_monotonic_time () < deadline &&
      !gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad)))
    g_usleep (1000);
  fail_unless (gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad)));
  gst_object_unref (pad);
}

/* Nothing lost, all the way round: every item counted where it went. */
static guint64
assert_loop_accounted (Loop * l)
{
  guint64 n = l->pushed;

  wait_merge_done (l);
  fail_unless (n > 0);
  /* forward: every source item out of the merge, into both branches */
  fail_unless_equals_uint64 (stat_u64 (l->m, "items-out"), n);
  fail_unless_equals_uint64 (u64 (l->out, "count"), n);
  fail_unless_equals_uint64 (u64 (l->out, "out-of-order"), 0);
  fail_unless_equals_uint64 (u64 (l->out, "gaps"), 0);
  fail_unless_equals_uint64 (stat_u64 (l->fw, "items-out"), n);
  /* the back edge: n in, n into the channel, the null token and n out */
  fail_unless_equals_uint64 (stat_u64 (l->fbsink, "items-in"), n);
  fail_unless_equals_uint64 (stat_u64 (l->fbsink, "items-out"), n);
  fail_unless_equals_uint64 (stat_u64 (l->fbsink, "items-dropped"), 0);
  fail_unless_equals_uint64 (stat_u64 (l->fbsrc, "items-out"), n + 1);
  fail_unless_equals_uint64 (stat_u64 (l->fbsrc, "items-dropped"), 0);
  /* the merge used the token and n - 1 items; the item made from the last
   * output came back after the end, and was dropped, counted */
  fail_unless_equals_uint64 (pad_u64 (l->m, "sink_1", "attached"), n);
  fail_unless_equals_uint64 (pad_u64 (l->m, "sink_1", "dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (l->m, "items-in"), 2 * n + 1);
  fail_unless_equals_uint64 (stat_u64 (l->m, "items-dropped"), 1);
  fail_unless_equals_uint64 (level_of (l->fbsink), 0);
  /* every output paired with the item from the one before */
  fail_unless_equals_uint64 (l->pairs.n, n);
  fail_unless_equals_uint64 (l->pairs.bad, 0);
  return n;
}

static void
run_to_eos (GstElement * pipe, GstClockTime eos_after)
{
  test_message_expect_eos (test_pipeline_run (pipe, GST_CLOCK_TIME_NONE,
          eos_after));
}

GST_START_TEST (test_loop_runs_to_eos)
{
  gchar *desc = loop_desc ("num-buffers=300", 4, 4, 1, 0, 0);
  Loop *l = loop_new (desc);

  run_to_eos (l->pipe, GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (assert_loop_accounted (l), 300);
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* gst-launch-1.0 -e: EOS sent to the pipeline reaches every source,
 * feedbacksrc too; the loop still drains and ends. */
GST_START_TEST (test_loop_eos_from_pipeline)
{
  gchar *desc = loop_desc ("", 2, 2, 1, 0, 0);
  Loop *l = loop_new (desc);
  gint64 deadline = test_deadline (60);
  GstMessage *msg;

  fail_unless (gst_element_set_state (l->pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (u64 (l->out, "count") < 200 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless (u64 (l->out, "count") >= 200);
  send_eos (l->pipe);
  msg = wait_message (l->pipe, GST_MESSAGE_EOS | GST_MESSAGE_ERROR,
      GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  /* at the pipeline's EOS the channel is empty */
  fail_unless_equals_uint64 (level_of (l->fbsink), 0);
  fail_unless (assert_loop_accounted (l) >= 200);
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* A loop whose upstream worker reads before it writes, with no initial
 * item, never starts: every worker waits for input. */
GST_START_TEST (test_loop_without_initial_items_deadlocks)
{
  gchar *desc = loop_desc ("num-buffers=50", 4, 4, 0, 0, 0);
  Loop *l = loop_new (desc);
  gint64 deadline;

  fail_unless (gst_element_set_state (l->pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* the source fills its queue, then nothing moves: the steady state
   * (the source blocked, every other worker waiting for input) comes
   * after the queue's thread handed the merge its first item and the
   * source filled the room that made, whenever those threads run */
  deadline = test_deadline (60);
  g_usleep (200 * 1000);
  while (!(state_of (l->src) == GST_WORKER_STATE_BLOCKED &&
          state_of (l->m) == GST_WORKER_STATE_IDLE &&
          state_of (l->fw) == GST_WORKER_STATE_IDLE &&
          state_of (l->fbsink) == GST_WORKER_STATE_IDLE &&
          state_of (l->fbsrc) == GST_WORKER_STATE_IDLE) &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless (wait_message (l->pipe, GST_MESSAGE_EOS | GST_MESSAGE_ERROR,
          0) == NULL);
  fail_unless_equals_uint64 (u64 (l->out, "count"), 0);
  fail_unless_equals_uint64 (stat_u64 (l->m, "items-out"), 0);
  fail_unless_equals_int (state_of (l->src), GST_WORKER_STATE_BLOCKED);
  fail_unless_equals_int (state_of (l->m), GST_WORKER_STATE_IDLE);
  fail_unless_equals_int (state_of (l->fw), GST_WORKER_STATE_IDLE);
  fail_unless_equals_int (state_of (l->fbsink), GST_WORKER_STATE_IDLE);
  fail_unless_equals_int (state_of (l->fbsrc), GST_WORKER_STATE_IDLE);
  /* and it still shuts down */
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* The same output whatever the queue and channel sizes and the timing of
 * the loop's worker. */
GST_START_TEST (test_loop_deterministic)
{
  static const guint sizes[][2] = { {1, 1}, {2, 16}, {16, 1}, {5, 3} };
  gchar *ref = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *desc = loop_desc ("num-buffers=200", sizes[i][0], sizes[i][1], 1,
        i ? 300 * GST_USECOND : 0, i);
    Loop *l = loop_new (desc);
    gchar *digest;

    run_to_eos (l->pipe, GST_CLOCK_TIME_NONE);
    fail_unless_equals_uint64 (assert_loop_accounted (l), 200);
    g_object_get (l->out, "digest", &digest, NULL);
    if (!ref)
      ref = digest;
    else {
      fail_unless_equals_string (digest, ref);
      g_free (digest);
    }
    loop_free (l);
    g_free (desc);
  }
  g_free (ref);
}

GST_END_TEST;

/* The elements of @bin not yet in @want, with their pending states. */
static gchar *
not_in (GstBin * bin, GstState want)
{
  GString *s = g_string_new (NULL);
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue v = G_VALUE_INIT;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstState cur, pending;

    GST_OBJECT_LOCK (e);
    cur = GST_STATE (e);
    pending = GST_STATE_PENDING (e);
    GST_OBJECT_UNLOCK (e);
    if (cur != want || pending != GST_STATE_VOID_PENDING)
      g_string_append_printf (s, " %s: %s, pending %s;", GST_OBJECT_NAME (e),
          gst_element_state_get_name (cur),
          gst_element_state_get_name (pending));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return g_string_free (s, FALSE);
}

/* Waits for the loop's pipeline to reach @want: no time limit but a hang
 * guard below the test's timeout (120 s), so that a hang says where it
 * is. */
static void
assert_state_reached (Loop * l, GstState want)
{
  GstState cur, pending;
  GstStateChangeReturn ret = gst_element_get_state (l->pipe, &cur, &pending,
      100 * GST_SECOND);

  if (ret != GST_STATE_CHANGE_SUCCESS) {
    gchar *waiting = not_in (GST_BIN (l->pipe), want);

    fail ("%s not reached: %s, pending %s; not there:%s; out has "
        "%" G_GUINT64_FORMAT " items, the loop %u",
        gst_element_state_get_name (want), gst_element_state_get_name (cur),
        gst_element_state_get_name (pending), waiting, u64 (l->out, "count"),
        level_of (l->fbsink));
    g_free (waiting);
  }
}

/* NULL, PAUSED, PLAYING at random moments: no deadlock; then a clean run
 * to EOS with everything accounted for. */
GST_START_TEST (test_loop_state_changes)
{
  gchar *desc = loop_desc ("", 1, 1, 1, 100 * GST_USECOND, 3);
  GRand *rand = g_rand_new_with_seed (42);
  Loop *l = loop_new (desc);
  guint i;

  for (i = 0; i < 20; i++) {
    fail_unless (gst_element_set_state (l->pipe, i % 3 == 1 ?
            GST_STATE_PAUSED : GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    g_usleep (g_rand_int_range (rand, 0, 20000));
    if (i % 4 == 3)
      set_null (l->pipe);
  }
  set_null (l->pipe);
  g_rand_free (rand);
  loop_free (l);

  /* PAUSED and back mid-stream, then EOS from the pipeline. Each change
   * completes before the next: GStreamer's own bin (1.22) can hang in a
   * pending async state change when a new state is set while an
   * async-done is being handled (gst_bin_continue_func then gives up on
   * "intervening change", and the set_state that came in between
   * returned ASYNC as "busy"): seen with GST_DEBUG here, 3 times in 37
   * runs at load, all elements PAUSED, the pipeline PAUSED pending
   * PLAYING for ever. The first part's NULL always ends such a state. */
  l = loop_new (desc);
  for (i = 0; i < 11; i++) {
    GstState want = i % 2 ? GST_STATE_PAUSED : GST_STATE_PLAYING;

    fail_unless (gst_element_set_state (l->pipe, want) !=
        GST_STATE_CHANGE_FAILURE);
    assert_state_reached (l, want);
    g_usleep (5000);
  }
  run_to_eos (l->pipe, 0);
  assert_loop_accounted (l);
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* A flushing seek goes round the loop: the loop restarts from its null
 * token, and runs on to EOS. */
GST_START_TEST (test_loop_flushing_seek)
{
  gchar *desc = loop_desc ("", 2, 2, 1, 0, 0);
  Loop *l = loop_new (desc);
  gint64 deadline = test_deadline (60);
  guint64 before;

  fail_unless (gst_element_set_state (l->pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (u64 (l->out, "count") < 100 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless (gst_element_seek_simple (l->pipe, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 0));
  before = l->pairs.n;
  while (l->pairs.n < before + 100 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  send_eos (l->pipe);
  run_to_eos (l->pipe, GST_CLOCK_TIME_NONE);
  fail_unless (l->pairs.n >= before + 100);
  fail_unless_equals_uint64 (l->pairs.bad, 0);
  fail_unless_equals_uint64 (level_of (l->fbsink), 0);
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* A linked cycle would recurse in caps, allocation and latency queries and
 * crash; the loop prerolls, answers the pipeline's latency query (not live)
 * and negotiates. */
GST_START_TEST (test_loop_queries_cut)
{
  gchar *desc = loop_desc ("num-buffers=10", 2, 2, 1, 0, 0);
  Loop *l = loop_new (desc);
  GstQuery *q = gst_query_new_latency ();
  GstPad *pad = gst_element_get_static_pad (l->m, "sink_1");
  GstCaps *caps, *expected = gst_caps_from_string (TEST_ITEM_CAPS);
  gboolean live;

  fail_unless (gst_element_set_state (l->pipe, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (l->pipe, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_query (l->pipe, q));
  gst_query_parse_latency (q, &live, NULL, NULL);
  fail_if (live);
  caps = gst_pad_get_current_caps (pad);
  fail_unless (caps && gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  caps = gst_pad_peer_query_caps (pad, NULL);
  fail_unless (gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  gst_object_unref (pad);
  gst_query_unref (q);
  run_to_eos (l->pipe, GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (assert_loop_accounted (l), 10);
  loop_free (l);
  g_free (desc);
}

GST_END_TEST;

/* pipelines/feedback.pipeline: the design's feedback queue. */
GST_START_TEST (test_feedback_pipeline_file)
{
  GError *err = NULL;
  gchar *desc = test_pipeline_read (PIPELINES_DIR "/feedback.pipeline", &err);
  GstElement *pipe, *out, *fbsink, *fbsrc, *m;
  guint64 n;

  fail_unless (desc != NULL, "%s", err ? err->message : "?");
  pipe = launch (desc);
  out = test_pipeline_get (pipe, "out");
  fbsink = test_pipeline_get (pipe, "back");
  fbsrc = test_pipeline_get (pipe, "forth");
  m = test_pipeline_get (pipe, "detect");
  run_to_eos (pipe, GST_CLOCK_TIME_NONE);
  g_object_get (out, "count", &n, NULL);
  fail_unless_equals_uint64 (n, 300);
  fail_unless_equals_uint64 (u64 (out, "out-of-order"), 0);
  fail_unless_equals_uint64 (stat_u64 (fbsink, "items-out"), 300);
  fail_unless_equals_uint64 (stat_u64 (fbsrc, "items-out"), 301);
  fail_unless_equals_uint64 (pad_u64 (m, "sink_1", "attached"), 300);
  set_null (pipe);
  gst_object_unref (out);
  gst_object_unref (fbsink);
  gst_object_unref (fbsrc);
  gst_object_unref (m);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* the channel */

#define CHAIN(n, name, extra) "testworkersrc num-buffers=" #n \
  " ! feedbacksink channel=" name " " extra \
  " feedbacksrc channel=" name " ! testworkersink name=out"

GST_START_TEST (test_forward_channel)
{
  GstElement *pipe = launch (CHAIN (500, "fwd", "max-size-buffers=3"));
  GstElement *out = test_pipeline_get (pipe, "out");
  GstPad *pad = gst_element_get_static_pad (out, "sink");
  GstCaps *caps, *expected = gst_caps_from_string (TEST_ITEM_CAPS);

  run_to_eos (pipe, GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (u64 (out, "count"), 500);
  fail_unless_equals_uint64 (u64 (out, "out-of-order"), 0);
  fail_unless_equals_uint64 (u64 (out, "last-seq"), 499);
  /* caps learned from the items */
  caps = gst_pad_get_current_caps (pad);
  fail_unless (caps && gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  gst_object_unref (pad);
  set_null (pipe);
  gst_object_unref (out);
  gst_object_unref (pipe);
}

GST_END_TEST;

typedef struct
{
  gboolean flushed;
  GstClockTime first_pts;
  guint64 first_seq;
} FirstAfterFlush;

static GstPadProbeReturn
first_after_flush (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FirstAfterFlush *f = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
        GST_EVENT_FLUSH_STOP)
      f->flushed = TRUE;
  } else if (f->flushed && !GST_CLOCK_TIME_IS_VALID (f->first_pts)) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

    f->first_pts = GST_BUFFER_PTS (buf);
    test_item_get_seq (buf, &f->first_seq);
  }
  return GST_PAD_PROBE_OK;
}

/* Timestamps cross as running times, plus ts-offset. */
GST_START_TEST (test_running_time_crosses)
{
  GstElement *pipe = launch ("testworkersrc interval=10000000 "
      "! feedbacksink channel=rt feedbacksrc channel=rt ts-offset=5000000 "
      "! testworkersink name=out");
  GstElement *out = test_pipeline_get (pipe, "out");
  GstPad *pad = gst_element_get_static_pad (out, "sink");
  FirstAfterFlush f = { FALSE, GST_CLOCK_TIME_NONE, 0 };

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, first_after_flush, &f, NULL);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  /* the source restarts at 50 ms: running time 0 */
  fail_unless (gst_element_seek (pipe, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 50 * MS, GST_SEEK_TYPE_SET,
          100 * MS));
  run_to_eos (pipe, GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (f.first_seq, 5);
  fail_unless_equals_uint64 (f.first_pts, 5 * MS);
  fail_unless_equals_uint64 (u64 (out, "last-seq"), 9);
  gst_object_unref (pad);
  set_null (pipe);
  gst_object_unref (out);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Each pipeline has its own channels. */
GST_START_TEST (test_channels_per_pipeline)
{
  GstElement *a = launch (CHAIN (50, "same", ""));
  GstElement *b = launch (CHAIN (80, "same", ""));
  GstElement *oa = test_pipeline_get (a, "out"), *ob =
      test_pipeline_get (b, "out");

  fail_unless (gst_element_set_state (a, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_to_eos (b, GST_CLOCK_TIME_NONE);
  run_to_eos (a, GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (u64 (oa, "count"), 50);
  fail_unless_equals_uint64 (u64 (ob, "count"), 80);
  fail_unless_equals_uint64 (u64 (oa, "out-of-order"), 0);
  fail_unless_equals_uint64 (u64 (ob, "out-of-order"), 0);
  set_null (a);
  set_null (b);
  gst_object_unref (oa);
  gst_object_unref (ob);
  gst_object_unref (a);
  gst_object_unref (b);
}

GST_END_TEST;

/* A full channel blocks feedbacksink, reported blocked on the channel; it
 * wakes when the pipeline stops. */
GST_START_TEST (test_full_channel_blocks_and_wakes)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=100 "
      "! feedbacksink name=fbsink channel=full max-size-buffers=2 "
      "feedbacksrc name=fbsrc channel=full ! testworker hang-after=1 "
      "! fakesink");
  GstElement *fbsink = test_pipeline_get (pipe, "fbsink"), *fbsrc =
      test_pipeline_get (pipe, "fbsrc");
  gint64 deadline = test_deadline (60);
  GstStructure *s;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* testworker hangs on the second item: feedbacksrc stays blocked
   * pushing it, and the channel fills up */
  while (stat_u64 (fbsrc, "items-out") < 2 &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  /* (the level first, then the state with what it waits on, in one read:
   * read apart, a state from before fbsink woke to fill the room that
   * fbsrc's take made passed for the end; valgrind, the proof of issue 20
   * on b325e56) */
  for (;;) {
    guint level = level_of (fbsink);
    gint state = GST_WORKER_STATE_IDLE;

    s = gst_worker_get_stats (GST_WORKER (fbsink));
    gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state);
    if ((level == 2 && state == GST_WORKER_STATE_BLOCKED) ||
        g_get_monotonic_time () >= deadline) {
      fail_unless_equals_int (level, 2);
      fail_unless_equals_int (state, GST_WORKER_STATE_BLOCKED);
      break;
    }
    gst_structure_free (s);
    g_usleep (1000);
  }
  fail_unless_equals_string (gst_structure_get_string (s, "blocked-on"),
      "channel full");
  gst_structure_free (s);
  set_null (pipe);
  gst_object_unref (fbsrc);
  gst_object_unref (fbsink);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* feedbacksink answers caps queries with feedbacksrc's caps, without
 * asking the loop. */
GST_START_TEST (test_caps_query_cut)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=1 "
      "! feedbacksink name=fbsink channel=q feedbacksrc channel=q "
      "caps=" TEST_ITEM_CAPS " ! testworkersink");
  GstElement *fbsink = test_pipeline_get (pipe, "fbsink");
  GstPad *pad = gst_element_get_static_pad (fbsink, "sink");
  GstCaps *caps, *expected = gst_caps_from_string (TEST_ITEM_CAPS);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  caps = gst_pad_query_caps (pad, NULL);
  fail_unless (gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  gst_object_unref (pad);
  set_null (pipe);
  gst_object_unref (fbsink);
  gst_object_unref (pipe);
}

GST_END_TEST;

GST_START_TEST (test_errors)
{
  GstElement *pipe;

  /* no feedbacksrc */
  pipe = launch ("testworkersrc ! feedbacksink name=lonely channel=x");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error (pipe, "lonely", "No feedbacksrc with channel 'x'");
  set_null (pipe);
  gst_object_unref (pipe);

  /* no feedbacksink */
  pipe = launch ("feedbacksrc name=lonely channel=y ! fakesink");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error (pipe, "lonely", "No feedbacksink with channel 'y'");
  set_null (pipe);
  gst_object_unref (pipe);

  /* two feedbacksinks on one channel */
  pipe = launch ("testworkersrc ! tee name=t ! queue ! feedbacksink "
      "name=a channel=z t. ! queue ! feedbacksink name=b channel=z "
      "feedbacksrc channel=z ! fakesink");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  {
    GstMessage *msg = wait_message (pipe, GST_MESSAGE_ERROR,
        GST_CLOCK_TIME_NONE);
    GError *err = NULL;

    fail_unless (msg != NULL);
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (strstr (err->message, "Channel 'z' already has a "
            "feedbacksink") != NULL, "%s", err->message);
    g_error_free (err);
    gst_message_unref (msg);
  }
  set_null (pipe);
  gst_object_unref (pipe);

  /* no channel name */
  pipe = launch ("testworkersrc ! feedbacksink name=anon");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error (pipe, "anon", "has no channel");
  set_null (pipe);
  gst_object_unref (pipe);

  /* initial items without caps */
  pipe = launch ("testworkersrc ! feedbacksink channel=w "
      "feedbacksrc name=nocaps channel=w initial-items=1 ! fakesink");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error (pipe, "nocaps", "needs fixed caps");
  set_null (pipe);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
feedback_suite (void)
{
  Suite *s = suite_create ("feedback");
  TCase *tc_loop = tcase_create ("loop");
  TCase *tc_channel = tcase_create ("channel");

  suite_add_tcase (s, tc_loop);
  tcase_add_checked_fixture (tc_loop, NULL, stop_launched);
  tcase_add_test (tc_loop, test_loop_runs_to_eos);
  tcase_add_test (tc_loop, test_loop_eos_from_pipeline);
  tcase_add_test (tc_loop, test_loop_without_initial_items_deadlocks);
  tcase_add_test (tc_loop, test_loop_deterministic);
  tcase_add_test (tc_loop, test_loop_state_changes);
  tcase_add_test (tc_loop, test_loop_flushing_seek);
  tcase_add_test (tc_loop, test_loop_queries_cut);
  tcase_add_test (tc_loop, test_feedback_pipeline_file);
  tcase_set_timeout (tc_loop, 120);

  suite_add_tcase (s, tc_channel);
  tcase_add_checked_fixture (tc_channel, NULL, stop_launched);
  tcase_add_test (tc_channel, test_forward_channel);
  tcase_add_test (tc_channel, test_running_time_crosses);
  tcase_add_test (tc_channel, test_channels_per_pipeline);
  tcase_add_test (tc_channel, test_full_channel_blocks_and_wakes);
  tcase_add_test (tc_channel, test_caps_query_cut);
  tcase_add_test (tc_channel, test_errors);
  return s;
}

GST_CHECK_MAIN (feedback);
