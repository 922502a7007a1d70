/* gst-workers: workerpool tests: order kept
 * (workerpoolelement.c: the pool as one element)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"
#include "poolrecord.h"

/* ---------------------------------------------------------------------- */
/* order */

/* Random processing times (the same for the same item) shuffle the order in
 * which replicas finish; the pool's output is still 0, 1, 2... */
GST_START_TEST (test_order_with_random_delays)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=300 ! workerpool "
      "name=p size=3 worker=\"testworker random-delay=3000000 seed=7\" ! "
      "testworkersink name=sink");
  Record *rec = record_new (pipe, "p");

  run_to_eos (pipe);
  assert_range (rec, 0, 300);
  /* every replica took part */
  for (guint r = 0; r < 3; r++) {
    gchar *name = g_strdup_printf ("p_r%u_testworker", r);

    fail_unless (stat_u64 (pipe, name, "items-in") > 0);
    g_free (name);
  }
  fail_unless_equals_uint64 (replicas_u64 (pipe, "p", 3, "testworker",
          "items-in"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-in"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-out"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-in"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "sink", "items-in"), 300);

  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Several outputs per input: all of input k's before any of k + 1's. */
GST_START_TEST (test_order_three_outputs_per_input)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=200 ! workerpool "
      "name=p size=3 worker=\"testworker outputs-per-input=3 "
      "random-delay=2000000 seed=3\" ! fakesink");
  Record *rec = record_new (pipe, "p");

  run_to_eos (pipe);
  /* input k emits 3k, 3k + 1, 3k + 2 */
  assert_range (rec, 0, 600);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 600);

  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

static GstElement *
pipe_seven (const gchar * dispatch, gboolean emit_partial)
{
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=75 ! workerpool "
      "name=p size=3 dispatch=%s worker=\"testworker inputs-per-output=7 "
      "emit-partial=%d random-delay=2000000 seed=11\" ! fakesink", dispatch,
      emit_partial);
  GstElement *pipe = test_pipeline_launch (desc);

  g_free (desc);
  return pipe;
}

/* A stateful worker (one output per 7 inputs) with dispatch=round-robin:
 * replica r sees inputs r, r + 3, r + 6..., so it emits for its 7th, 14th
 * and 21st, inputs r + 18, r + 39 and r + 60; the outputs come in the
 * order of the inputs that made them, the same on every run. At EOS each
 * replica drains its partial group (its last input, r + 72), replica 0
 * first. */
GST_START_TEST (test_stateful_round_robin_is_deterministic)
{
  static const guint64 expected[] = { 18, 19, 20, 39, 40, 41, 60, 61, 62,
    72, 73, 74
  };

  for (guint run_i = 0; run_i < 2; run_i++) {
    GstElement *pipe = pipe_seven ("round-robin", TRUE);
    Record *rec = record_new (pipe, "p");

    run_to_eos (pipe);
    assert_sequence (rec, expected, G_N_ELEMENTS (expected));
    for (guint r = 0; r < 3; r++) {
      gchar *name = g_strdup_printf ("p_r%u_testworker", r);

      fail_unless_equals_uint64 (stat_u64 (pipe, name, "items-in"), 25);
      g_free (name);
    }
    gst_element_set_state (pipe, GST_STATE_NULL);
    record_free (rec);
    gst_object_unref (pipe);
  }
}

GST_END_TEST;

/* The same worker with dispatch=free: which inputs a replica combines
 * depends on timing, but outputs still follow the inputs that made them,
 * and the counts add up. */
GST_START_TEST (test_stateful_free_keeps_order)
{
  GstElement *pipe = pipe_seven ("free", FALSE);
  Record *rec = record_new (pipe, "p");
  guint64 out, dropped;

  run_to_eos (pipe);
  assert_increasing (rec);
  out = replicas_u64 (pipe, "p", 3, "testworker", "items-out");
  dropped = replicas_u64 (pipe, "p", 3, "testworker", "items-dropped");
  fail_unless_equals_uint64 (record_len (rec), out);
  fail_unless_equals_uint64 (7 * out + dropped, 75);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-in"), out);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), out);

  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Items a replica drops by decision leave no hole in the order, and the
 * pool's counts prove nothing else was lost: items into the pool equal
 * items out plus the replicas' drops. */
GST_START_TEST (test_drop_every)
{
  GstElement *pipe;
  Record *rec;
  guint64 expected[100], n = 0;

  /* round-robin: replica r drops its 4th, 8th... input: r + 9, r + 21... */
  pipe =
      test_pipeline_launch
      ("testworkersrc num-buffers=100 ! workerpool name=p size=3 "
      "dispatch=round-robin worker=\"testworker drop-every=4 "
      "random-delay=1000000\" ! fakesink");
  rec = record_new (pipe, "p");
  run_to_eos (pipe);
  for (guint64 i = 0; i < 100; i++)
    if ((i / 3 + 1) % 4 != 0)
      expected[n++] = i;
  assert_sequence (rec, expected, n);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-in"), 100);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), n);
  fail_unless_equals_uint64 (replicas_u64 (pipe, "p", 3, "testworker",
          "items-dropped"), 100 - n);
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);

  /* free dispatch: which items go depends on timing; the rest is exact */
  pipe =
      test_pipeline_launch
      ("testworkersrc num-buffers=100 ! workerpool name=p size=3 "
      "worker=\"testworker drop-every=4 random-delay=1000000\" ! fakesink");
  rec = record_new (pipe, "p");
  run_to_eos (pipe);
  assert_increasing (rec);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-in"), 100);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out") +
      replicas_u64 (pipe, "p", 3, "testworker", "items-dropped"), 100);
  fail_unless_equals_uint64 (record_len (rec),
      stat_u64 (pipe, "p_collect", "items-out"));
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

static gchar *
jpeg_digest (const gchar * middle, guint64 * count)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=300 pattern=ball "
      "! %s ! testworkersink name=sink", middle);
  GstElement *pipe = test_pipeline_launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  gchar *digest = NULL;

  run_to_eos (pipe);
  g_object_get (sink, "digest", &digest, "count", count, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return digest;
}

/* pipelines/pool.pipeline, workers 5-1 and 5-2 of the design: both
 * replicas work, and the sink gets every item once, in input order. */
GST_START_TEST (test_pool_pipeline_file)
{
  gchar *path = g_build_filename (PIPELINES_DIR, "pool.pipeline", NULL);
  GError *err = NULL;
  gchar *desc = test_pipeline_read (path, &err);
  GstElement *pipe, *sink;
  guint64 count = 0, out_of_order = 1, gaps = 1;
  gint64 last = -1;

  fail_unless (desc != NULL, "%s", err ? err->message : "");
  pipe = test_pipeline_launch (desc);
  run_to_eos (pipe);
  sink = test_pipeline_get (pipe, "out");
  g_object_get (sink, "count", &count, "out-of-order", &out_of_order,
      "gaps", &gaps, "last-seq", &last, NULL);
  fail_unless_equals_uint64 (count, 1000);
  fail_unless_equals_uint64 (out_of_order, 0);
  fail_unless_equals_uint64 (gaps, 0);
  fail_unless_equals_int64 (last, 999);
  fail_unless (stat_u64 (pipe, "w5_r0_testworker", "items-in") > 0);
  fail_unless (stat_u64 (pipe, "w5_r1_testworker", "items-in") > 0);
  fail_unless_equals_uint64 (replicas_u64 (pipe, "w5", 2, "testworker",
          "items-in"), 1000);
  fail_unless_equals_uint64 (stat_u64 (pipe, "w5_collect", "items-out"),
      1000);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (path);
}

GST_END_TEST;

/* Stock elements as replicas: the same bytes, in the same order, as the
 * same pipeline without the pool. jpegenc holds each frame's mark until
 * its next frame and releases it at EOS. */
GST_START_TEST (test_jpegenc_same_bytes_as_without_pool)
{
  guint64 n_plain = 0, n_pool = 0;
  gchar *plain = jpeg_digest ("videoconvert ! jpegenc", &n_plain);
  gchar *pooled = jpeg_digest ("workerpool size=3 "
      "worker=\"videoconvert ! jpegenc\"", &n_pool);

  fail_unless_equals_uint64 (n_plain, 300);
  fail_unless_equals_uint64 (n_pool, 300);
  fail_unless_equals_string (pooled, plain);
  g_free (plain);
  g_free (pooled);
}

GST_END_TEST;

/* Decoders as replicas (GstVideoDecoder subclasses hold serialized events
 * until their next frame): the same frames, in the same order, as without
 * the pool. */
GST_START_TEST (test_decoders_same_frames_as_without_pool)
{
  static const gchar *codecs[][2] = { {"jpegenc", "jpegdec"},
  {"pngenc", "pngdec"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++) {
    guint64 n_plain = 0, n_pool = 0;
    gchar *desc = g_strdup_printf ("video/x-raw,width=64,height=48 ! %s ! %s",
        codecs[i][0], codecs[i][1]);
    gchar *plain = jpeg_digest (desc, &n_plain);
    gchar *pooled;

    g_free (desc);
    desc = g_strdup_printf ("video/x-raw,width=64,height=48 ! %s ! workerpool "
        "size=2 worker=%s", codecs[i][0], codecs[i][1]);
    pooled = jpeg_digest (desc, &n_pool);
    fail_unless_equals_uint64 (n_plain, 300);
    fail_unless_equals_uint64 (n_pool, 300);
    fail_unless_equals_string (pooled, plain);
    g_free (desc);
    g_free (plain);
    g_free (pooled);
  }
}

GST_END_TEST;

/* Runs @desc (a pool named p) to EOS; returns how many warnings the pool
 * posted, the first one's text in @first. */
static guint
run_counting_pool_warnings (const gchar * desc, gchar ** first,
    GstElement ** pipe_out)
{
  GstElement *pipe = test_pipeline_launch (desc);
  GstBus *bus = gst_element_get_bus (pipe);
  guint warnings = 0;
  gboolean done = FALSE;

  *first = NULL;
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    GError *err = NULL;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_WARNING:
        gst_message_parse_warning (msg, &err, NULL);
        if (!g_strcmp0 (GST_MESSAGE_SRC_NAME (msg), "p")) {
          if (!warnings++)
            *first = g_strdup (err->message);
        }
        g_error_free (err);
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (msg, &err, NULL);
        fail ("error from %s: %s", GST_MESSAGE_SRC_NAME (msg), err->message);
        break;
      default:
        done = TRUE;
        break;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  *pipe_out = pipe;
  return warnings;
}

/* A decoder of a format with reference frames cannot be split over
 * replicas: vp8dec drops a frame that comes without its keyframe. That
 * item leaves the pool counted (collect's items-dropped: dispatch in =
 * collect out + dropped, where it went missing without a word), and the
 * pool warns, naming itself and the decoder. Image decoders pool with no
 * warning. */
GST_START_TEST (test_stateful_decoder_warns_and_counts)
{
  GstElement *pipe;
  gchar *text;
  guint n;
  guint64 in, out, dropped;

  n = run_counting_pool_warnings ("videotestsrc num-buffers=12 pattern=ball "
      "! video/x-raw,width=64,height=48 ! vp8enc keyframe-max-dist=30 "
      "deadline=1 ! workerpool name=p size=2 dispatch=round-robin "
      "worker=vp8dec ! fakesink", &text, &pipe);
  in = stat_u64 (pipe, "p_dispatch", "items-in");
  out = stat_u64 (pipe, "p_collect", "items-out");
  dropped = stat_u64 (pipe, "p_collect", "items-dropped");
  fail_unless_equals_uint64 (in, 12);
  fail_unless (dropped >= 1, "in %" G_GUINT64_FORMAT " out %"
      G_GUINT64_FORMAT ": nothing counted", in, out);
  fail_unless_equals_uint64 (in, out + dropped);
  fail_unless_equals_int (n, 1);
  fail_unless (strstr (text, "Worker pool p") && strstr (text, "vp8dec") &&
      strstr (text, "Do not pool"), "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (text);

  n = run_counting_pool_warnings ("videotestsrc num-buffers=12 ! "
      "video/x-raw,width=64,height=48 ! jpegenc ! workerpool name=p size=2 "
      "dispatch=round-robin worker=jpegdec ! fakesink", &text, &pipe);
  fail_unless_equals_int (n, 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 12);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-dropped"),
      0);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A decoder's output leaves the pool without waiting for a later input
 * (inside a feedback loop the later input is made of it): with round-robin
 * dispatch each frame goes to the other replica, whose output waits for the
 * end of the previous frame in the first one. */
GST_START_TEST (test_decoder_output_needs_no_next_input)
{
  GstHarness *enc = gst_harness_new ("jpegenc");
  GstHarness *h = gst_harness_new_parse ("workerpool size=2 queue-size=1 "
      "dispatch=round-robin worker=\"jpegdec ! videoscale ! videoconvert\"");

  gst_harness_set_src_caps_str (enc, "video/x-raw,format=I420,width=64,"
      "height=48,framerate=30/1");
  gst_harness_set_src_caps_str (h, "image/jpeg,width=64,height=48,"
      "framerate=30/1");
  for (guint k = 0; k < 6; k++) {
    gint64 deadline = test_deadline (20);
    GstBuffer *frame, *out = NULL;

    frame = gst_harness_create_buffer (enc, 64 * 48 * 3 / 2);
    gst_buffer_memset (frame, 0, 16 * k, 64 * 48 * 3 / 2);
    fail_unless_equals_int (gst_harness_push (enc, frame), GST_FLOW_OK);
    fail_unless_equals_int (gst_harness_push (h, gst_harness_pull (enc)),
        GST_FLOW_OK);
    while (!(out = gst_harness_try_pull (h)) &&
        g_get_monotonic_time () < deadline)
      g_usleep (1000);
    fail_unless (out != NULL, "frame %u's output waits for a later frame", k);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
  gst_harness_teardown (enc);
}

GST_END_TEST;

/* In-band events go through in their place between items. */
GST_START_TEST (test_events_in_order)
{
  GstElement *pool = gst_element_factory_make ("workerpool", "p");
  GstHarness *h;
  Record *rec = g_new0 (Record, 1);
  GstPad *src;
  guint64 expected[40];
  guint n = 0;

  g_mutex_init (&rec->lock);
  rec->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_object_set (pool, "size", 3, "worker",
      "testworker random-delay=1000000", NULL);
  src = gst_element_get_static_pad (pool, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, record_probe, rec, NULL);
  gst_object_unref (src);

  h = gst_harness_new_with_element (pool, "sink", "src");
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);
  for (guint64 i = 0; i < 30; i++) {
    fail_unless_equals_int (gst_harness_push (h, test_item_new (i,
                i * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
    expected[n++] = i;
    if (i % 3 == 1) {
      fail_unless (gst_harness_push_event (h,
              gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
                  gst_structure_new_empty ("test-event"))));
      expected[n++] = EVENT;
    }
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  {
    gint64 deadline = test_deadline (30);
    GstEvent *eos = NULL;

    while (!(eos = gst_pad_get_sticky_event (h->sinkpad, GST_EVENT_EOS, 0))
        && g_get_monotonic_time () < deadline)
      g_usleep (1000);
    fail_unless (eos != NULL);
    gst_event_unref (eos);
  }
  assert_sequence (rec, expected, n);
  gst_harness_teardown (h);
  gst_object_unref (pool);
  record_free (rec);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GArray *parts;                /* the caps' "part" of each buffer */
} CapsRecord;

static GstPadProbeReturn
record_caps (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  CapsRecord *rec = user_data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gint part = 0;

  fail_unless (caps != NULL);
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "part", &part);
  gst_caps_unref (caps);
  g_mutex_lock (&rec->lock);
  g_array_append_val (rec->parts, part);
  g_mutex_unlock (&rec->lock);
  return GST_PAD_PROBE_OK;
}

/* Caps that change in mid-stream reach every replica in their place; each
 * output leaves with the caps of the input that made it. */
GST_START_TEST (test_caps_change_in_order)
{
  GstElement *pool = gst_element_factory_make ("workerpool", "p");
  CapsRecord crec = { 0, };
  Record *rec = g_new0 (Record, 1);
  GstHarness *h;
  GstPad *src;
  guint64 i;

  g_mutex_init (&rec->lock);
  rec->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_mutex_init (&crec.lock);
  crec.parts = g_array_new (FALSE, FALSE, sizeof (gint));
  g_object_set (pool, "size", 3, "worker",
      "testworker random-delay=2000000", NULL);
  src = gst_element_get_static_pad (pool, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, record_probe, rec, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, record_caps, &crec,
      NULL);
  gst_object_unref (src);

  h = gst_harness_new_with_element (pool, "sink", "src");
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS ",part=(int)1");
  for (i = 0; i < 20; i++)
    fail_unless_equals_int (gst_harness_push (h, test_item_new (i,
                i * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS ",part=(int)2");
  for (; i < 40; i++)
    fail_unless_equals_int (gst_harness_push (h, test_item_new (i,
                i * GST_MSECOND, GST_MSECOND)), GST_FLOW_OK);
  for (i = 0; i < 40; i++)
    gst_buffer_unref (gst_harness_pull (h));

  assert_range (rec, 0, 40);
  fail_unless_equals_int (crec.parts->len, 40);
  for (i = 0; i < 40; i++)
    fail_unless_equals_int (g_array_index (crec.parts, gint, i),
        i < 20 ? 1 : 2);

  gst_harness_teardown (h);
  gst_object_unref (pool);
  record_free (rec);
  g_array_unref (crec.parts);
  g_mutex_clear (&crec.lock);
}

GST_END_TEST;

/* A pool of pools keeps order: the inner pools pass the outer pool's marks
 * as ordinary events. */
GST_START_TEST (test_nested_pools)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=200 ! workerpool "
      "name=p size=2 worker=\"workerpool size=2 worker=\\\"testworker "
      "random-delay=1000000\\\"\" ! fakesink");
  Record *rec = record_new (pipe, "p");

  run_to_eos (pipe);
  assert_range (rec, 0, 200);
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A replica with threads of its own (queues inside it) keeps order too:
 * the marks travel with the data through its queues. */
GST_START_TEST (test_replica_with_own_threads)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=200 ! workerpool "
      "name=p size=3 worker=\"queue max-size-buffers=2 ! testworker "
      "random-delay=1000000 ! queue max-size-buffers=2\" ! fakesink");
  Record *rec = record_new (pipe, "p");

  run_to_eos (pipe);
  assert_range (rec, 0, 200);
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;
static Suite *
workerpool_suite (void)
{
  Suite *s = suite_create ("workerpool");
  TCase *order = tcase_create ("order");

  suite_add_tcase (s, order);
  tcase_add_checked_fixture (order, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (order, test_order_with_random_delays);
  tcase_add_test (order, test_pool_pipeline_file);
  tcase_add_test (order, test_order_three_outputs_per_input);
  tcase_add_test (order, test_stateful_round_robin_is_deterministic);
  tcase_add_test (order, test_stateful_free_keeps_order);
  tcase_add_test (order, test_drop_every);
  tcase_add_test (order, test_jpegenc_same_bytes_as_without_pool);
  tcase_add_test (order, test_decoders_same_frames_as_without_pool);
  tcase_add_test (order, test_decoder_output_needs_no_next_input);
  tcase_add_test (order, test_stateful_decoder_warns_and_counts);
  tcase_add_test (order, test_events_in_order);
  tcase_add_test (order, test_nested_pools);
  tcase_add_test (order, test_replica_with_own_threads);
  tcase_add_test (order, test_caps_change_in_order);
  return s;
}

GST_CHECK_MAIN (workerpool);
