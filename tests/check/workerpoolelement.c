/* gst-workers: workerpool tests: the pool as one element (its states,
 * events, caps, queries, errors and replicas' names)
 * (workerpool.c: order kept)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"
#include "poolrecord.h"

#define Q "max-size-bytes=0 max-size-time=0 "

/* EOS drains every replica: a video encoder releases its last frames' marks
 * only at EOS, and every replica sees EOS. */
GST_START_TEST (test_eos_drains_every_replica)
{
  GstElement *pipe =
      test_pipeline_launch ("videotestsrc num-buffers=7 ! workerpool name=p "
      "size=3 worker=jpegenc ! fakesink name=sink");

  run_to_eos (pipe);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 7);
  for (guint r = 0; r < 3; r++) {
    gchar *name = g_strdup_printf ("p_r%u_jpegenc", r);
    GstElement *enc = test_pipeline_get (pipe, name);
    GstPad *pad = gst_element_get_static_pad (enc, "src");
    GstEvent *eos = gst_pad_get_sticky_event (pad, GST_EVENT_EOS, 0);

    fail_unless (eos != NULL, "replica %u did not reach EOS", r);
    gst_event_unref (eos);
    gst_object_unref (pad);
    gst_object_unref (enc);
    g_free (name);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);

  /* no input at all: EOS still goes through */
  pipe = test_pipeline_launch ("videotestsrc num-buffers=0 ! workerpool name=p "
      "worker=jpegenc ! fakesink");
  run_to_eos (pipe);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 0);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

static void
wait_record_len (Record * rec, guint n)
{
  gint64 deadline = test_deadline (30);

  while (record_len (rec) < n && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless (record_len (rec) >= n);
}

/* A flushing seek in mid-stream: nothing from before it leaks after the
 * flush, and the items from the seek position come in order. */
GST_START_TEST (test_flushing_seek)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc interval=1000000 ! workerpool "
      "name=p size=3 queue-size=2 worker=\"testworker random-delay=1000000\" "
      "! fakesink name=sink sync=false");
  Record *rec = record_new (pipe, "p");
  GstMessage *msg;
  guint flush_at = 0;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_record_len (rec, 50);
  fail_unless (gst_element_seek (pipe, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 500 * GST_MSECOND,
          GST_SEEK_TYPE_SET, 600 * GST_MSECOND));
  msg = run (pipe, 60 * GST_SECOND);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);

  for (guint i = 0; i < record_len (rec); i++)
    if (record_at (rec, i) == FLUSH)
      flush_at = i;
  fail_unless (flush_at >= 50);
  for (guint i = 1; i < flush_at; i++)
    fail_unless_equals_uint64 (record_at (rec, i), record_at (rec, i - 1) + 1);
  fail_unless_equals_int (record_len (rec) - flush_at - 1, 100);
  for (guint i = 0; i < 100; i++)
    fail_unless_equals_uint64 (record_at (rec, flush_at + 1 + i), 500 + i);

  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipe;
  GstStateChangeReturn ret;
} StateChange;

static gpointer
set_null (gpointer data)
{
  StateChange *sc = data;

  sc->ret = gst_element_set_state (sc->pipe, GST_STATE_NULL);
  return NULL;
}

static guint
queue_level (GstElement * pipe, const gchar * name)
{
  GstElement *queue = test_pipeline_get (pipe, name);
  guint level;

  g_object_get (queue, "current-level-buffers", &level, NULL);
  gst_object_unref (queue);
  return level;
}

/* Going to NULL with every queue full and every replica stuck in an item
 * returns (a hang fails the test); leaks are the valgrind setup's job. */
GST_START_TEST (test_null_with_full_queues)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc ! workerpool name=p size=2 "
      "queue-size=3 worker=\"testworker hang-after=0\" ! fakesink");
  GstElement *dispatch;
  StateChange sc = { pipe, GST_STATE_CHANGE_FAILURE };
  gint64 deadline = test_deadline (30);
  GstStructure *s = NULL;
  GThread *thread;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  dispatch = test_pipeline_get (pipe, "p_dispatch");
  while ((queue_level (pipe, "p_r0_in") < 3 || queue_level (pipe,
              "p_r1_in") < 3 || gst_worker_get_state (GST_WORKER (dispatch))
          != GST_WORKER_STATE_BLOCKED) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  /* every queue is full: the dispatcher says it is blocked, on which */
  s = gst_worker_get_stats (GST_WORKER (dispatch));
  fail_unless_equals_int (queue_level (pipe, "p_r0_in"), 3);
  fail_unless_equals_int (queue_level (pipe, "p_r1_in"), 3);
  fail_unless (g_str_has_prefix (gst_structure_get_string (s, "blocked-on"),
          "p_r"));
  fail_unless (g_str_has_suffix (gst_structure_get_string (s, "blocked-on"),
          "_in"));
  gst_structure_free (s);
  gst_object_unref (dispatch);

  /* growing a full queue (as the controller does to undo a deadlock) gives
   * the waiting dispatcher room at once */
  {
    GstElement *in1 = test_pipeline_get (pipe, "p_r1_in");

    g_object_set (in1, "max-size-buffers", 5, NULL);
    deadline = test_deadline (30);
    while (queue_level (pipe, "p_r1_in") < 5 &&
        g_get_monotonic_time () < deadline)
      g_usleep (1000);
    fail_unless_equals_int (queue_level (pipe, "p_r1_in"), 5);
    fail_unless_equals_int (queue_level (pipe, "p_r0_in"), 3);
    gst_object_unref (in1);
  }

  thread = g_thread_new ("set-null", set_null, &sc);
  deadline = test_deadline (30);
  while (sc.ret == GST_STATE_CHANGE_FAILURE &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless_equals_int (sc.ret, GST_STATE_CHANGE_SUCCESS);
  g_thread_join (thread);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Properties set in READY take effect when the pool starts. */
GST_START_TEST (test_resize_in_ready)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=60 ! workerpool "
      "name=p size=2 worker=testworker ! fakesink");
  GstElement *pool = test_pipeline_get (pipe, "p"), *r2;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  r2 = gst_bin_get_by_name (GST_BIN (pipe), "p_r2");
  fail_unless (r2 == NULL);
  g_object_set (pool, "size", 3, "dispatch", 1 /* round-robin */, NULL);
  run_to_eos (pipe);
  for (guint r = 0; r < 3; r++) {
    gchar *name = g_strdup_printf ("p_r%u_testworker", r);

    /* round-robin: 20 each */
    fail_unless_equals_uint64 (stat_u64 (pipe, name, "items-in"), 20);
    g_free (name);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pool);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* The pool answers caps queries with what its replicas accept, so a bad
 * link fails when it is made, as with one element. */
GST_START_TEST (test_caps_as_one_element)
{
  GstElement *pool = gst_element_factory_make ("workerpool", NULL);
  GstPad *sink = gst_element_get_static_pad (pool, "sink");
  GstCaps *caps, *jpeg;
  GError *err = NULL;
  GstElement *pipe;

  g_object_set (pool, "worker", "jpegenc", NULL);
  caps = gst_pad_query_caps (sink, NULL);
  jpeg = gst_caps_from_string ("video/x-raw");
  fail_unless (gst_caps_is_subset (caps, jpeg));
  gst_caps_unref (jpeg);
  jpeg = gst_caps_from_string ("video/x-raw,format=RGBA");
  fail_if (gst_caps_can_intersect (caps, jpeg));
  gst_caps_unref (jpeg);
  gst_caps_unref (caps);
  gst_object_unref (sink);
  gst_object_unref (pool);

  pipe = gst_parse_launch_full ("testworkersrc ! workerpool worker=jpegenc ! "
      "fakesink", NULL, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  fail_unless (pipe == NULL);
  fail_unless (g_error_matches (err, GST_PARSE_ERROR, GST_PARSE_ERROR_LINK));
  g_error_free (err);
}

GST_END_TEST;

static GError *
pop_error (GstBus * bus, gchar ** src)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  GError *err = NULL;

  fail_unless (msg != NULL, "no error");
  gst_message_parse_error (msg, &err, NULL);
  *src = gst_object_get_name (GST_MESSAGE_SRC (msg));
  gst_message_unref (msg);
  return err;
}

/* Input caps the replicas refuse: an error that names the pool. */
GST_START_TEST (test_input_caps_refused)
{
  GstElement *pool = gst_element_factory_make ("workerpool", "p");
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstCaps *caps;
  GError *err;
  gchar *src;

  g_object_set (pool, "worker", "jpegenc", NULL);
  h = gst_harness_new_with_element (pool, "sink", "src");
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  fail_if (gst_pad_push_event (h->srcpad,
          gst_event_new_stream_start ("test")) == FALSE);
  /* stored on the harness's pad as sticky events are, then refused */
  caps = gst_caps_from_string ("audio/x-raw");
  gst_pad_push_event (h->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  err = pop_error (bus, &src);
  fail_unless_equals_string (src, "p");
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  fail_unless (strstr (err->message, "Worker pool p") != NULL);
  fail_unless (strstr (err->message, "jpegenc") != NULL);
  g_error_free (err);
  g_free (src);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  gst_object_unref (pool);
}

GST_END_TEST;

/* Replica outputs that downstream refuses (the harness pushes caps without
 * asking first): an error that names the pool, and no "internal data
 * stream error" from the pool's insides. */
GST_START_TEST (test_output_caps_refused)
{
  GstElement *pool = gst_element_factory_make ("workerpool", "p");
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GError *err;
  gchar *src;

  g_object_set (pool, "worker", "testworker", NULL);
  h = gst_harness_new_with_element (pool, "sink", "src");
  gst_element_set_bus (h->element, bus);
  gst_harness_set_sink_caps_str (h, "application/x-something-else");
  gst_harness_set_src_caps_str (h, TEST_ITEM_CAPS);
  /* the replica's queue stops; the dispatcher sees it then or on a later
   * push */
  {
    gint64 deadline = test_deadline (30);
    GstFlowReturn ret = GST_FLOW_OK;

    while (ret == GST_FLOW_OK && g_get_monotonic_time () < deadline)
      ret = gst_harness_push (h, test_item_new (1, 0, GST_MSECOND));
    fail_unless_equals_int (ret, GST_FLOW_NOT_NEGOTIATED);
  }
  err = pop_error (bus, &src);
  fail_unless_equals_string (src, "p");
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION), "%s", err->message);
  fail_unless (strstr (err->message, "Worker pool p") != NULL);
  fail_unless (strstr (err->message, "could not agree on a format") != NULL);
  g_error_free (err);
  g_free (src);
  /* no second error or warning (stream-status messages of the replicas'
   * queue tasks may come at any time) */
  {
    GstMessage *more = gst_bus_pop_filtered (bus,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);

    gchar *text = more ? gst_info_strdup_printf ("%" GST_PTR_FORMAT " from "
        "%s", more, GST_OBJECT_NAME (GST_MESSAGE_SRC (more))) : NULL;

    fail_if (more != NULL, "another message: %s", text);
  }

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  gst_object_unref (pool);
}

GST_END_TEST;

/* A bad worker description fails at READY with an error that names the
 * pool and the problem. */
GST_START_TEST (test_bad_worker)
{
  static const struct
  {
    const gchar *worker;
    const gchar *says;
  } cases[] = {
    {NULL, "set the 'worker' property"},
    {"nosuchelement ! jpegenc", "no element \"nosuchelement\""},
    {"jpegenc nosuchproperty=1", "no property \"nosuchproperty\""},
    {"jpegenc ! ! jpegenc", "cannot be built"},
    {"fakesink", "1 free input and 0 free outputs"},
    {"videotestsrc", "0 free inputs and 1 free output"},
    {"tee name=t t. ! queue t. ! queue", "2 free outputs"},
    /* the second "identity" and the queue both become p_r0_identity1: the
     * renaming fails after the free pads were found (they must not leak:
     * the valgrind setup) */
    {"identity name=identity ! identity ! queue name=identity1",
        "could not be renamed"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *pool = gst_element_factory_make ("workerpool", "p");
    GstBus *bus = gst_bus_new ();
    GError *err;
    gchar *src;

    gst_element_set_bus (pool, bus);
    g_object_set (pool, "worker", cases[i].worker, NULL);
    fail_unless_equals_int (gst_element_set_state (pool, GST_STATE_READY),
        GST_STATE_CHANGE_FAILURE);
    err = pop_error (bus, &src);
    fail_unless_equals_string (src, "p");
    fail_unless (strstr (err->message, "Worker pool p") != NULL);
    fail_unless (strstr (err->message, cases[i].says) != NULL,
        "\"%s\" does not say '%s'", err->message, cases[i].says);
    g_error_free (err);
    g_free (src);

    gst_element_set_state (pool, GST_STATE_NULL);
    gst_element_set_bus (pool, NULL);
    gst_object_unref (bus);
    gst_object_unref (pool);
  }
}

GST_END_TEST;

/* Upstream's allocation query reaches a replica: jpegenc asks for video
 * metadata. */
GST_START_TEST (test_allocation_query)
{
  GstElement *pool = gst_element_factory_make ("workerpool", NULL);
  GstHarness *h;
  GstCaps *caps;
  GstQuery *query;

  g_object_set (pool, "worker", "jpegenc", NULL);
  h = gst_harness_new_with_element (pool, "sink", "src");
  caps = gst_caps_from_string ("video/x-raw,format=I420,width=64,height=48,"
      "framerate=30/1");
  gst_harness_set_src_caps (h, gst_caps_ref (caps));
  query = gst_query_new_allocation (caps, TRUE);
  fail_unless (gst_pad_peer_query (h->srcpad, query));
  fail_unless (gst_query_find_allocation_meta (query,
          GST_VIDEO_META_API_TYPE, NULL));
  gst_query_unref (query);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
  gst_object_unref (pool);
}

GST_END_TEST;

static GstPadProbeReturn
count_arrival (GstPad * pad, GstPadProbeInfo * info, gpointer arrived)
{
  g_atomic_int_inc ((gint *) arrived);
  return GST_PAD_PROBE_OK;
}

/* Pausing the dispatcher holds the pool's input: nothing enters, the queue
 * in front fills; resuming lets everything through, in order. */
GST_START_TEST (test_paused_dispatch_holds_input)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=50 ! queue name=inq "
      "max-size-buffers=4 " Q "! workerpool name=p worker=testworker ! "
      "testworkersink name=sink async=false");
  GstElement *dispatch = test_pipeline_get (pipe, "p_dispatch");
  GstPad *dispatch_sink = gst_element_get_static_pad (dispatch, "sink");
  Record *rec = record_new (pipe, "p");
  gint64 deadline = test_deadline (30);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;
  gint arrived = 0;

  gst_pad_add_probe (dispatch_sink, GST_PAD_PROBE_TYPE_BUFFER, count_arrival,
      &arrived, NULL);
  g_object_set (dispatch, "paused", TRUE, NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* the queue's thread hands the first item to the dispatcher, which
   * holds it, and the queue fills behind it (it is full for a moment
   * before that too, when its thread is slow to start) */
  while ((g_atomic_int_get (&arrived) < 1 || queue_level (pipe, "inq") < 4)
      && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless_equals_int (g_atomic_int_get (&arrived), 1);
  fail_unless_equals_int (queue_level (pipe, "inq"), 4);
  g_usleep (50000);
  fail_unless_equals_int (queue_level (pipe, "inq"), 4);
  fail_unless_equals_int (g_atomic_int_get (&arrived), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_dispatch", "items-in"), 0);
  fail_unless_equals_int (record_len (rec), 0);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (dispatch)),
      GST_WORKER_STATE_PAUSED);

  g_object_set (dispatch, "paused", FALSE, NULL);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  assert_range (rec, 0, 50);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (dispatch_sink);
  gst_object_unref (dispatch);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* The dispatcher, blocked because every replica's queue is full, names
 * the queue of a replica there is: never the number after the last one
 * (p_r1_in with one replica, p_r3_in with three). */
GST_START_TEST (test_blocked_on_names_a_replica)
{
  for (guint size = 1; size <= 3; size += 2) {
    gchar *desc = g_strdup_printf ("testworkersrc num-buffers=100 ! "
        "workerpool name=p size=%u queue-size=1 dispatch=round-robin "
        "worker=\"testworker name=w\" ! testworkersink async=false", size);
    GstElement *pipe = test_pipeline_launch (desc);
    GstElement *dispatch = test_pipeline_get (pipe, "p_dispatch");
    GstStructure *s;
    gchar *expected, *names = NULL;
    const gchar *on;

    for (guint r = 0; r < size; r++) {
      gchar *name = g_strdup_printf ("p_r%u_w", r);
      GstElement *w = test_pipeline_get (pipe, name);

      g_object_set (w, "paused", TRUE, NULL);
      gst_object_unref (w);
      g_free (name);
    }
    fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    /* every replica holds its first item, and its queue the next */
    while (gst_worker_get_state (GST_WORKER (dispatch)) !=
        GST_WORKER_STATE_BLOCKED)
      g_usleep (1000);
    s = gst_worker_get_stats (GST_WORKER (dispatch));
    on = gst_structure_get_string (s, "blocked-on");
    for (guint r = 0; r < size; r++) {
      gchar *q = g_strdup_printf ("p_r%u_in", r);

      if (!g_strcmp0 (on, q))
        names = q;
      else
        g_free (q);
    }
    expected = g_strdup_printf ("one of p_r0_in..p_r%u_in", size - 1);
    fail_unless (names != NULL, "size %u: blocked on %s, expected %s", size,
        on ? on : "(nothing)", expected);

    gst_element_set_state (pipe, GST_STATE_NULL);
    g_free (expected);
    g_free (names);
    gst_structure_free (s);
    gst_object_unref (dispatch);
    gst_object_unref (pipe);
    g_free (desc);
  }
}

GST_END_TEST;

typedef struct
{
  gint underruns;               /* atomic */
  gint marks;                   /* atomic: the pool's events that left */
  gint underruns_at_mark;       /* atomic */
} IdleWatch;

static void
count_underrun (GstElement * queue, IdleWatch * watch)
{
  g_atomic_int_inc (&watch->underruns);
}

/* The marks that end replica 0's items, reaching its output queue (behind
 * it when it returned from an item, or through it). */
static GstPadProbeReturn
note_mark (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  IdleWatch *watch = user_data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM &&
      gst_structure_has_name (gst_event_get_structure (ev),
          "GstWorkerPoolMark") &&
      gst_structure_has_field (gst_event_get_structure (ev), "index")) {
    g_atomic_int_set (&watch->underruns_at_mark,
        g_atomic_int_get (&watch->underruns));
    g_atomic_int_inc (&watch->marks);
  }
  return GST_PAD_PROBE_OK;
}

/* Waits until replica 0 ended @marks items and then found its queue empty:
 * it is idle. */
static void
wait_idle (IdleWatch * watch, gint marks)
{
  gint64 deadline = test_deadline (30);

  while ((g_atomic_int_get (&watch->marks) < marks ||
          g_atomic_int_get (&watch->underruns) <=
          g_atomic_int_get (&watch->underruns_at_mark)) &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless (g_atomic_int_get (&watch->marks) >= marks);
  fail_unless (g_atomic_int_get (&watch->underruns) >
      g_atomic_int_get (&watch->underruns_at_mark));
}

/* When one replica keeps up with the stream, the next frame goes to that
 * replica again, and each frame's output leaves before the next frame
 * arrives: the pool adds no latency to a live stream. */
GST_START_TEST (test_underloaded_stream_adds_no_latency)
{
  GstElement *pool = gst_element_factory_make ("workerpool", "p");
  IdleWatch watch = { 0, 0, -1 };
  GstElement *in0, *out0;
  GstHarness *h;
  GstPad *pad;

  g_object_set (pool, "size", 3, "worker", "jpegenc", NULL);
  in0 = gst_bin_get_by_name (GST_BIN (pool), "p_r0_in");
  out0 = gst_bin_get_by_name (GST_BIN (pool), "p_r0_out");
  g_signal_connect (in0, "underrun", G_CALLBACK (count_underrun), &watch);
  pad = gst_element_get_static_pad (out0, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, note_mark,
      &watch, NULL);
  gst_object_unref (pad);
  h = gst_harness_new_with_element (pool, "sink", "src");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=64,"
      "height=48,framerate=30/1");

  for (guint k = 0; k < 10; k++) {
    gint64 deadline;
    GstBuffer *frame, *out = NULL;

    /* replica 0 ended frames 0 to k - 1, and is idle */
    wait_idle (&watch, k);
    frame = gst_harness_create_buffer (h, 64 * 48 * 3 / 2);
    gst_buffer_memset (frame, 0, 16 * k, 64 * 48 * 3 / 2);
    fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
    deadline = test_deadline (30);
    while (!(out = gst_harness_try_pull (h)) &&
        g_get_monotonic_time () < deadline)
      g_usleep (1000);
    fail_unless (out != NULL, "frame %u's output waits for a later frame", k);
    gst_buffer_unref (out);
  }

  gst_harness_teardown (h);
  gst_object_unref (in0);
  gst_object_unref (out0);
  gst_object_unref (pool);
}

GST_END_TEST;

/* A replica that swallows serialized custom events keeps order all the
 * same: the pool's marks do not go through a replica that returns from
 * each item having emitted its outputs. */
GST_START_TEST (test_replica_dropping_events)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=100 ! workerpool "
      "name=p size=2 worker=\"testworker drop-events=true random-delay=1000000\" "
      "! fakesink");
  Record *rec = record_new (pipe, "p");

  run_to_eos (pipe);
  assert_range (rec, 0, 100);
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A replica with a thread of its own emits an item's outputs after it
 * returned from the item, so its marks go through it: if it swallows them,
 * the pool says so, and nothing comes out of order. */
GST_START_TEST (test_threaded_replica_dropping_events)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=100 ! workerpool "
      "name=p size=2 worker=\"queue ! testworker drop-events=true\" "
      "! fakesink");
  Record *rec = record_new (pipe, "p");
  gchar *src = NULL;
  GError *err = run_to_error (pipe, &src);

  fail_unless_equals_string (src, "p");
  fail_unless (strstr (err->message, "Worker pool p") != NULL);
  fail_unless (strstr (err->message, "serialized custom events") != NULL,
      "%s", err->message);
  fail_unless_equals_int (record_len (rec), 0);
  g_error_free (err);
  g_free (src);
  gst_element_set_state (pipe, GST_STATE_NULL);
  record_free (rec);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Replicas' elements are named <pool>_r<i>_<name>, so their heartbeats
 * tell them apart; the dispatcher and collector are workers too. */
GST_START_TEST (test_replica_names)
{
  GstElement *pipe =
      test_pipeline_launch ("testworkersrc num-buffers=10 ! workerpool "
      "name=p size=2 worker=\"testworker ! identity ! testworker name=w ! "
      "identity\" ! fakesink");
  static const gchar *names[] = { "p_dispatch", "p_collect", "p_r0", "p_r1",
    "p_r0_in", "p_r1_out", "p_r0_testworker", "p_r1_testworker",
    "p_r0_w", "p_r1_w", "p_r0_identity", "p_r0_identity1", "p_r1_identity",
    "p_r1_identity1",
  };
  GstElement *e;
  GstStructure *s;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    e = test_pipeline_get (pipe, names[i]);
    gst_object_unref (e);
  }
  run_to_eos (pipe);
  e = test_pipeline_get (pipe, "p_r1_w");
  s = gst_worker_get_stats (GST_WORKER (e));
  fail_unless_equals_string (gst_structure_get_string (s, "worker"), "p_r1_w");
  gst_structure_free (s);
  gst_object_unref (e);
  fail_unless_equals_uint64 (replicas_u64 (pipe, "p", 2, "w", "items-in"),
      10);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
workerpoolelement_suite (void)
{
  Suite *s = suite_create ("workerpoolelement");
  TCase *element = tcase_create ("element");

  suite_add_tcase (s, element);
  tcase_add_checked_fixture (element, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (element, test_eos_drains_every_replica);
  tcase_add_test (element, test_flushing_seek);
  tcase_add_test (element, test_null_with_full_queues);
  tcase_add_test (element, test_resize_in_ready);
  tcase_add_test (element, test_caps_as_one_element);
  tcase_add_test (element, test_input_caps_refused);
  tcase_add_test (element, test_output_caps_refused);
  tcase_add_test (element, test_bad_worker);
  tcase_add_test (element, test_allocation_query);
  tcase_add_test (element, test_replica_dropping_events);
  tcase_add_test (element, test_threaded_replica_dropping_events);
  tcase_add_test (element, test_replica_names);
  tcase_add_test (element, test_paused_dispatch_holds_input);
  tcase_add_test (element, test_blocked_on_names_a_replica);
  tcase_add_test (element, test_underloaded_stream_adds_no_latency);
  return s;
}

GST_CHECK_MAIN (workerpoolelement);
