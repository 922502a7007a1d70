/* gst-workers: processreplica tests (a worker in a child process)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gio/gio.h>
#include <gst/video/video.h>
#include <gst/allocators/allocators.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include "testitem.h"
#include "testpipeline.h"

/* The pipelines (and harnessed elements) of the running test are watched
 * (test_pipeline_watch): a test that fails leaves its own running (check
 * jumps out of it), and with CK_FORK=no (valgrind, asan) their threads and
 * children would outlive it and hang the next test's
 * gst_task_cleanup_all(). The teardown stops them, so a failure is
 * reported, not a hang. A checked teardown. */
static void
stop_leftovers (void)
{
  test_pipeline_stop_leftovers ();
  g_unsetenv ("GST_WORKER_CHILD");
}

static GstElement *
launch (const gchar * desc)
{
  return test_pipeline_launch (desc);
}

static GstHarness *
harness (const gchar * desc)
{
  GstHarness *h = gst_harness_new_parse (desc);

  test_pipeline_watch (h->element);
  return h;
}

/* @value (a bound: a time a healthy child never needs) times
 * GST_WORKERS_TEST_TIMEOUT_SCALE, which the valgrind setup sets. */
static gint64
scaled (gint64 value)
{
  const gchar *scale = g_getenv ("GST_WORKERS_TEST_TIMEOUT_SCALE");

  return value * (scale ? CLAMP (g_ascii_strtoll (scale, NULL, 10), 1, 100) :
      1);
}

/* A buffer of @size bytes, all set (unset bytes would cross the socket:
 * valgrind says so) */
static GstBuffer *
filled (gsize size)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);

  gst_buffer_memset (buf, 0, 0x33, size);
  return buf;
}

/* Plays @pipe to EOS or an error; the warnings on the way go to
 * @warnings (their texts, joined), if given. */
static GstMessage *
run (GstElement * pipe, GString * warnings)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (;;) {
    msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "neither EOS nor an error");
    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING)
      break;
    if (warnings) {
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_string_append_printf (warnings, "%s\n", err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return msg;
}

static void
run_to_eos (GstElement * pipe, GString * warnings)
{
  GstMessage *msg = run (pipe, warnings);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
        err->message, dbg);
  }
  gst_message_unref (msg);
}

static gchar *
run_error (GstElement * pipe, gchar ** src)
{
  GstMessage *msg = run (pipe, NULL);
  GError *err = NULL;
  gchar *text;

  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  if (src)
    *src = g_strdup (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)));
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

static GstStructure *
stats (GstElement * pipe, const gchar * name)
{
  GstElement *e = test_pipeline_get (pipe, name);
  GstStructure *s;

  fail_unless (GST_IS_WORKER (e));
  s = gst_worker_get_stats (GST_WORKER (e));
  gst_object_unref (e);
  return s;
}

static guint64
stat_u64 (GstElement * pipe, const gchar * name, const gchar * field)
{
  GstStructure *s = stats (pipe, name);
  guint64 v = G_MAXUINT64;
  guint u;

  if (!gst_structure_get_uint64 (s, field, &v)) {
    fail_unless (gst_structure_get_uint (s, field, &u), "no %s", field);
    v = u;
  }
  gst_structure_free (s);
  return v;
}

/* The digest and count of what @middle makes of @src. */
static gchar *
digest_of (const gchar * src, const gchar * middle, guint64 * count,
    GString * warnings)
{
  gchar *desc = g_strdup_printf ("%s ! %s ! testworkersink name=sink", src,
      middle);
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  gchar *digest = NULL;

  run_to_eos (pipe, warnings);
  g_object_get (sink, "digest", &digest, "count", count, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return digest;
}

static void
assert_same_as_in_thread (const gchar * src, const gchar * worker,
    const gchar * replica_props, guint64 expected)
{
  guint64 n_thread = 0, n_proc = 0;
  gchar *proc = g_strdup_printf ("processreplica %s worker=\"%s\"",
      replica_props, worker);
  gchar *a = digest_of (src, worker, &n_thread, NULL);
  gchar *b = digest_of (src, proc, &n_proc, NULL);

  fail_unless_equals_uint64 (n_thread, expected);
  fail_unless_equals_uint64 (n_proc, expected);
  fail_unless_equals_string (b, a);
  g_free (a);
  g_free (b);
  g_free (proc);
}

/* ---------------------------------------------------------------------- */
/* the same output as in a thread */

GST_START_TEST (test_same_bytes_as_thread)
{
  assert_same_as_in_thread ("videotestsrc num-buffers=60 pattern=ball ! "
      "video/x-raw,width=320,height=240", "videoconvert ! jpegenc", "", 60);
  assert_same_as_in_thread ("testworkersrc num-buffers=200",
      "testworker outputs-per-input=3", "", 600);
  assert_same_as_in_thread ("testworkersrc num-buffers=210",
      "testworker inputs-per-output=7", "", 30);
  /* detection: the frame comes back with its regions of interest */
  assert_same_as_in_thread ("flightsimsrc num-buffers=20 ! "
      "video/x-raw,format=GRAY8,width=640,height=480", "detecttarget", "",
      20);
}

GST_END_TEST;

/* A frame in shared memory crosses as a descriptor, and the worker's
 * output is the same memory again: no copy of the bytes either way. */
GST_START_TEST (test_no_payload_copy)
{
  GstHarness *h = harness ("processreplica name=r "
      "worker=identity");
  GstAllocator *shm = NULL;
  GstAllocationParams params;
  GstBuffer *in, *out;
  GstQuery *query;
  GstCaps *caps;
  GstElement *r;
  GstStructure *s;
  guint copies = 99;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=1920,"
      "height=1080,framerate=10/1");
  /* the allocator the replica proposes upstream */
  caps = gst_caps_from_string ("video/x-raw,format=GRAY8,width=1920,"
      "height=1080,framerate=10/1");
  query = gst_query_new_allocation (caps, TRUE);
  fail_unless (gst_pad_peer_query (h->srcpad, query));
  fail_unless (gst_query_get_n_allocation_params (query) > 0);
  gst_query_parse_nth_allocation_param (query, 0, &shm, &params);
  gst_query_unref (query);
  gst_caps_unref (caps);
  fail_unless (shm != NULL);
  fail_unless (GST_IS_FD_ALLOCATOR (shm));
  in = gst_buffer_new_allocate (shm, 1920 * 1080, &params);
  gst_buffer_memset (in, 0, 0x5a, 1920 * 1080);
  GST_BUFFER_PTS (in) = 42;
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (out != NULL);
  fail_unless (gst_buffer_peek_memory (out, 0) ==
      gst_buffer_peek_memory (in, 0));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 42);

  /* memory in no file descriptor is copied once, and counted */
  gst_buffer_unref (out);
  out = gst_harness_push_and_pull (h, filled (1920 * 1080));
  fail_unless (out != NULL);
  r = gst_harness_find_element (h, "processreplica");
  s = gst_worker_get_stats (GST_WORKER (r));
  fail_unless (gst_structure_get_uint (s, "payload-copies", &copies));
  fail_unless_equals_int (copies, 1);
  gst_structure_free (s);
  gst_object_unref (r);

  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_object_unref (shm);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* what crosses: timestamps, flags, caps, metas */

static GstBuffer *
odometry_item (GstClockTime pts, gdouble north)
{
  GstOdometry odo;

  gst_odometry_init (&odo);
  odo.fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  odo.source_time_us = 123456789;
  odo.north = north;
  odo.east = -2.5;
  odo.down = -40.0 / 3.0;
  odo.yaw = G_PI / 7;
  return gst_odometry_to_buffer (&odo, pts);
}

GST_START_TEST (test_timestamps_flags_caps_cross)
{
  GstHarness *h = harness ("processreplica worker=identity");
  GstBuffer *in = gst_buffer_new_wrapped (g_strdup ("hello"), 5), *out;
  GstCaps *caps, *expected;

  gst_harness_set_src_caps_str (h, "application/x-test,answer=(int)42");
  GST_BUFFER_PTS (in) = 1 * GST_SECOND;
  GST_BUFFER_DTS (in) = 2 * GST_SECOND;
  GST_BUFFER_DURATION (in) = 3;
  GST_BUFFER_OFFSET (in) = 4;
  GST_BUFFER_OFFSET_END (in) = 5;
  GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DELTA_UNIT |
      GST_BUFFER_FLAG_DISCONT | GST_BUFFER_FLAG_MARKER);
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (in));
  fail_unless_equals_uint64 (GST_BUFFER_DTS (out), GST_BUFFER_DTS (in));
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), 3);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), 4);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (out), 5);
  fail_unless_equals_int (GST_BUFFER_FLAGS (out), GST_BUFFER_FLAGS (in));
  fail_unless (gst_buffer_memcmp (out, 0, "hello", 5) == 0);
  caps = gst_pad_get_current_caps (h->sinkpad);
  expected = gst_caps_from_string ("application/x-test,answer=(int)42");
  fail_unless (gst_caps_is_equal (caps, expected));
  gst_caps_unref (expected);
  gst_caps_unref (caps);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_roi_meta_crosses)
{
  GstHarness *h = harness ("processreplica worker=identity");
  GstBuffer *in = filled (64), *out;
  GstVideoRegionOfInterestMeta *roi;
  gpointer state = NULL;
  guint n = 0;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=8,"
      "height=8,framerate=1/1");
  roi = gst_buffer_add_video_region_of_interest_meta (in, "target", 1, 2, 3,
      4);
  roi->id = 7;
  roi->parent_id = 3;
  gst_video_region_of_interest_meta_add_param (roi,
      gst_structure_new ("detection", "score", G_TYPE_DOUBLE, 0.1 + 0.2,
          "label", G_TYPE_STRING, "a, b; c", NULL));
  gst_buffer_add_video_region_of_interest_meta (in, "other", 5, 6, 7, 8);
  out = gst_harness_push_and_pull (h, in);

  while ((roi = (GstVideoRegionOfInterestMeta *)
          gst_buffer_iterate_meta_filtered (out, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    if (n == 0) {
      GstStructure *p = gst_video_region_of_interest_meta_get_param (roi,
          "detection");
      gdouble score = 0;

      fail_unless_equals_string (g_quark_to_string (roi->roi_type),
          "target");
      fail_unless_equals_int (roi->x, 1);
      fail_unless_equals_int (roi->y, 2);
      fail_unless_equals_int (roi->w, 3);
      fail_unless_equals_int (roi->h, 4);
      fail_unless_equals_int (roi->id, 7);
      fail_unless_equals_int (roi->parent_id, 3);
      fail_unless (p != NULL);
      fail_unless (gst_structure_get_double (p, "score", &score));
      fail_unless (score == 0.1 + 0.2);   /* bit for bit */
      fail_unless_equals_string (gst_structure_get_string (p, "label"),
          "a, b; c");
    } else {
      fail_unless_equals_string (g_quark_to_string (roi->roi_type), "other");
      fail_unless_equals_int (roi->h, 8);
    }
    n++;
  }
  fail_unless_equals_int (n, 2);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_merge_and_odometry_metas_cross)
{
  GstHarness *h = harness ("processreplica worker=identity");
  GstBuffer *in = filled (16), *out, *item;
  GstBuffer *token;
  GstBuffer *odo_item = odometry_item (5 * GST_MSECOND, 1.0 / 3.0);
  GstWorkerMergeMeta *mm;
  GstOdometryMeta *om;
  GstOdometry expect, got, inner;
  GstMapInfo a;

  gst_harness_set_src_caps_str (h, "application/x-frames");
  /* a merged item that carries a meta itself */
  gst_odometry_init (&inner);
  inner.fields = GST_ODOMETRY_HAS_VELOCITY;
  inner.vn = 1e-300;
  gst_buffer_add_odometry_meta (odo_item, &inner);
  GST_BUFFER_FLAG_SET (odo_item, GST_BUFFER_FLAG_GAP);
  mm = gst_buffer_add_worker_merge_meta (in);
  gst_worker_merge_meta_add_item (mm, "sink_1", odo_item);
  token = gst_worker_null_token_new (7);
  gst_worker_merge_meta_add_item (mm, "sink_2", token);
  gst_buffer_unref (token);
  fail_unless (gst_odometry_from_buffer (odo_item, &expect));
  gst_buffer_add_odometry_meta (in, &expect);
  gst_buffer_unref (odo_item);

  out = gst_harness_push_and_pull (h, in);
  mm = gst_buffer_get_worker_merge_meta (out);
  fail_unless (mm != NULL);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (mm), 2);
  item = gst_buffer_get_merged_item (out, "sink_1");
  fail_unless (item != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (item), 5 * GST_MSECOND);
  fail_unless (GST_BUFFER_FLAG_IS_SET (item, GST_BUFFER_FLAG_GAP));
  fail_unless (gst_odometry_from_buffer (item, &got));
  fail_unless (memcmp (&got, &expect, sizeof (got)) == 0);
  om = gst_buffer_get_odometry_meta (item);
  fail_unless (om != NULL);
  fail_unless (om->odometry.vn == 1e-300);
  fail_unless (gst_worker_buffer_is_null_token (gst_buffer_get_merged_item
          (out, "sink_2")));

  om = gst_buffer_get_odometry_meta (out);
  fail_unless (om != NULL);
  fail_unless (memcmp (&om->odometry, &expect, sizeof (expect)) == 0);
  fail_unless (gst_buffer_map (item, &a, GST_MAP_READ));
  fail_unless_equals_int (a.size, GST_ODOMETRY_SIZE);
  gst_buffer_unmap (item, &a);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The null token (a custom meta) and the video layout cross too. */
GST_START_TEST (test_custom_and_video_metas_cross)
{
  GstHarness *h = harness ("processreplica worker=identity");
  GstBuffer *in = filled (4096), *out;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0, 2048 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 64, 64 };
  GstVideoMeta *vm;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=NV12,width=32,"
      "height=16,framerate=1/1");
  gst_buffer_add_video_meta_full (in, 0, GST_VIDEO_FORMAT_NV12, 32, 16, 2,
      offset, stride);
  out = gst_harness_push_and_pull (h, in);
  vm = gst_buffer_get_video_meta (out);
  fail_unless (vm != NULL);
  fail_unless_equals_int (vm->n_planes, 2);
  fail_unless_equals_int (vm->stride[0], 64);
  fail_unless_equals_int (vm->offset[1], 2048);
  gst_buffer_unref (out);

  out = gst_harness_push_and_pull (h, gst_worker_null_token_new (3));
  fail_unless (gst_worker_buffer_is_null_token (out));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 3);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* the worker contract */

GST_START_TEST (test_stats_and_pid)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=50 ! "
      "processreplica name=r worker=\"testworker heartbeat-interval=10\" ! "
      "testworkersink");
  GstElement *r = test_pipeline_get (pipe, "r");
  GstStructure *s;
  gint pid = 0;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0 && pid != getpid ());
  run_to_eos (pipe, NULL);
  s = stats (pipe, "r");
  fail_unless (gst_structure_get_int (s, "pid", &pid));
  fail_unless (pid > 0);
  gst_structure_free (s);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-in"), 50);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-out"), 50);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 0);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_object_get (r, "pid", &pid, NULL);
  fail_unless_equals_int (pid, 0);
  gst_object_unref (r);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* An error inside the child is the replica's, naming it and the pid. */
GST_START_TEST (test_child_error_is_replicas)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=50 ! "
      "processreplica name=r worker=\"testworker error-after=3\" ! "
      "testworkersink");
  gchar *src = NULL;
  gchar *text = run_error (pipe, &src);

  fail_unless_equals_string (src, "r");
  fail_unless (g_str_has_prefix (text, "Worker process r (pid "), "%s", text);
  fail_unless (strstr (text, "Test worker failed on purpose.") != NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_free (src);
  g_free (text);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Under the controller: an exit with drain goes through the children (a
 * worker that holds items until EOS gives them up), nothing lost. */
typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  GstStructure *report;
  gboolean exiting;
} Run;

static void
on_finished (GstWorkerController * ctrl, const GstStructure * report, Run * r)
{
  r->report = gst_structure_copy (report);
  g_main_loop_quit (r->loop);
}

static GstElement *
ctrl_get (Run * r, const gchar * name)
{
  GstPipeline *pipe = gst_worker_controller_get_pipeline (r->ctrl);
  GstElement *e = test_pipeline_get (GST_ELEMENT (pipe), name);

  gst_object_unref (pipe);
  return e;
}

static gboolean
drain_when_counted (gpointer user_data)
{
  Run *r = user_data;
  GstElement *sink = ctrl_get (r, "sink");
  guint64 count = 0;

  g_object_get (sink, "count", &count, NULL);
  gst_object_unref (sink);
  if (count < 40)
    return G_SOURCE_CONTINUE;
  r->exiting = TRUE;
  gst_worker_controller_exit_drain (r->ctrl, 30000);
  return G_SOURCE_REMOVE;
}

GST_START_TEST (test_drain_through_children)
{
  Run r = { 0 };
  GError *err = NULL;
  GstElement *src, *sink;
  guint64 made = 0, count = 0;
  gboolean balanced = FALSE;

  r.ctrl = gst_worker_controller_new_from_description ("testworkersrc "
      "name=src num-buffers=-1 ! queue ! workerpool name=p size=2 "
      "isolation=process worker=\"testworker inputs-per-output=5 "
      "emit-partial=true\" ! queue ! testworkersink name=sink", &err);
  fail_unless (r.ctrl != NULL, "%s", err ? err->message : "?");
  r.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (r.ctrl, "finished", G_CALLBACK (on_finished), &r);
  fail_unless (gst_worker_controller_start (r.ctrl, &err));
  gst_object_unref (test_pipeline_watch (gst_worker_controller_get_pipeline
          (r.ctrl)));
  g_timeout_add (5, drain_when_counted, &r);
  g_main_loop_run (r.loop);
  fail_unless (r.exiting);
  fail_unless (gst_structure_get_boolean (r.report, "balanced", &balanced));
  fail_unless (balanced, "%" GST_PTR_FORMAT, r.report);

  src = ctrl_get (&r, "src");
  sink = ctrl_get (&r, "sink");
  {
    GstStructure *st = gst_worker_get_stats (GST_WORKER (src));

    fail_unless (gst_structure_get_uint64 (st, "items-out", &made));
    gst_structure_free (st);
  }
  g_object_get (sink, "count", &count, NULL);
  /* every 5 items in a replica make one; what a replica held at EOS came
   * out as a partial group: each replica's items, rounded up, by 5 */
  fail_unless (count >= made / 5 && count <= made / 5 + 2,
      "%" G_GUINT64_FORMAT " out of %" G_GUINT64_FORMAT, count, made);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_structure_free (r.report);
  g_main_loop_unref (r.loop);
  gst_object_unref (r.ctrl);
}

GST_END_TEST;

/* The entry named @name in the controller's status, or NULL. */
static GstStructure *
status_entry (GstWorkerController * ctrl, const gchar * name)
{
  GstStructure *status = gst_worker_controller_get_status (ctrl);
  const GValue *workers = gst_structure_get_value (status, "workers");
  GstStructure *found = NULL;

  for (guint i = 0; !found && i < gst_value_array_get_size (workers); i++) {
    const GstStructure *w =
        gst_value_get_structure (gst_value_array_get_value (workers, i));

    if (g_strcmp0 (gst_structure_get_string (w, "name"), name) == 0)
      found = gst_structure_copy (w);
  }
  gst_structure_free (status);
  return found;
}

/* The workers inside the child are entries of the controller's own
 * ("REPLICA/NAME", with the child's pid and their own counts and state),
 * and an exit now accounts for the item a hung one held: there, not on
 * the replica. */
GST_START_TEST (test_exit_now_accounts_held_item)
{
  GError *err = NULL;
  GstWorkerController *ctrl = gst_worker_controller_new_from_description
      ("testworkersrc num-buffers=-1 ! queue name=q ! processreplica name=r "
      "worker=\"testworker name=w hang-after=3\" ! queue ! testworkersink",
      &err);
  GstPipeline *pipe;
  GstStructure *report, *entry = NULL;
  const GValue *holders;
  guint64 held_r = G_MAXUINT64, held_w = 0, n = 0;
  gint64 deadline = g_get_monotonic_time () + scaled (60 *
      G_TIME_SPAN_SECOND);
  gint pid = 0, rpid = -1, state = GST_WORKER_STATE_IDLE;
  GstElement *r;

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  fail_unless (gst_worker_controller_start (ctrl, &err));
  pipe = test_pipeline_watch (gst_worker_controller_get_pipeline (ctrl));
  /* the child's worker has the 4th item, for ever */
  while (g_get_monotonic_time () < deadline) {
    g_main_context_iteration (NULL, FALSE);
    g_clear_pointer (&entry, gst_structure_free);
    entry = status_entry (ctrl, "r/w");
    if (entry && gst_structure_get_uint64 (entry, "items-in", &n) && n == 4 &&
        gst_structure_get_enum (entry, "state", GST_TYPE_WORKER_STATE,
            &state) && state == GST_WORKER_STATE_BUSY)
      break;
    g_usleep (1000);
  }
  fail_unless (entry != NULL, "no r/w in the status");
  fail_unless_equals_uint64 (n, 4);
  fail_unless_equals_int (state, GST_WORKER_STATE_BUSY);
  fail_unless_equals_string (gst_structure_get_string (entry, "process-of"),
      "r");
  r = test_pipeline_get (GST_ELEMENT (pipe), "r");
  g_object_get (r, "pid", &rpid, NULL);
  fail_unless (gst_structure_get_int (entry, "pid", &pid));
  fail_unless_equals_int (pid, rpid);
  gst_object_unref (r);
  gst_structure_free (entry);

  report = gst_worker_controller_exit_now (ctrl);
  fail_unless (report != NULL);
  holders = gst_structure_get_value (report, "holders");
  fail_unless (holders != NULL);
  for (guint i = 0; i < gst_value_array_get_size (holders); i++) {
    const GstStructure *h =
        gst_value_get_structure (gst_value_array_get_value (holders, i));
    const gchar *name = gst_structure_get_string (h, "name");

    if (g_strcmp0 (name, "r") == 0)
      fail_unless (gst_structure_get_uint64 (h, "items", &held_r));
    if (g_strcmp0 (name, "r/w") == 0) {
      fail_unless (gst_structure_get_uint64 (h, "items", &held_w));
      fail_unless_equals_string (gst_structure_get_string (h, "process-of"),
          "r");
    }
  }
  /* the replica is listed (busy) but the item is the child worker's */
  fail_unless_equals_uint64 (held_w, 1);
  fail_unless_equals_uint64 (held_r, 0);
  gst_structure_free (report);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
}

GST_END_TEST;

/* Items held inside the child beyond the one in hand (a queue there, a
 * worker behind it that hangs with one) are counted discarded at an exit
 * now, each holder with the reason: what the source made is what arrived
 * plus what was discarded. */
GST_START_TEST (test_exit_now_accounts_child_queue)
{
  GError *err = NULL;
  GstWorkerController *ctrl = gst_worker_controller_new_from_description
      ("testworkersrc name=src num-buffers=-1 ! queue name=q "
      "max-size-buffers=4 max-size-bytes=0 max-size-time=0 ! "
      "processreplica name=r worker=\"queue name=cq max-size-buffers=5 "
      "max-size-bytes=0 max-size-time=0 ! testworker name=w hang-after=3\" ! "
      "queue ! testworkersink name=sink", &err);
  GstPipeline *pipe;
  GstStructure *report, *st;
  GstElement *src, *sink, *q;
  const GValue *holders;
  guint64 made = 0, arrived = 0, discarded = 0, in_cq = 0, by_w = 0;
  guint level = 0;
  gint64 deadline = g_get_monotonic_time () + scaled (60 *
      G_TIME_SPAN_SECOND);

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  fail_unless (gst_worker_controller_start (ctrl, &err));
  pipe = test_pipeline_watch (gst_worker_controller_get_pipeline (ctrl));
  q = test_pipeline_get (GST_ELEMENT (pipe), "q");
  /* w hangs with the 4th item, cq fills with 5, the replica's item waits
   * to go into cq, q fills: nothing moves */
  while (g_get_monotonic_time () < deadline) {
    GstStructure *w = status_entry (ctrl, "r/w");
    GstStructure *rs = status_entry (ctrl, "r");
    const GValue *queues = rs ? gst_structure_get_value (rs, "child-queues") :
        NULL;
    guint64 n = 0;

    g_object_get (q, "current-level-buffers", &level, NULL);
    if (w)
      gst_structure_get_uint64 (w, "items-in", &n);
    in_cq = 0;
    /* (the replica's answer from the child says so: at the exit, a slow
     * child's last answer stands in) */
    if (queues && gst_value_array_get_size (queues) == 1)
      gst_structure_get_uint64 (gst_value_get_structure
          (gst_value_array_get_value (queues, 0)), "items", &in_cq);
    g_clear_pointer (&w, gst_structure_free);
    g_clear_pointer (&rs, gst_structure_free);
    if (n == 4 && level == 4 && in_cq == 5)
      break;
    g_usleep (1000);
  }
  fail_unless_equals_int (level, 4);
  fail_unless_equals_uint64 (in_cq, 5);
  in_cq = 0;
  gst_object_unref (q);

  report = gst_worker_controller_exit_now (ctrl);
  fail_unless (report != NULL);
  fail_unless (gst_structure_get_uint64 (report, "items-discarded",
          &discarded));
  holders = gst_structure_get_value (report, "holders");
  for (guint i = 0; i < gst_value_array_get_size (holders); i++) {
    const GstStructure *h =
        gst_value_get_structure (gst_value_array_get_value (holders, i));
    const gchar *name = gst_structure_get_string (h, "name");

    if (g_strcmp0 (name, "r/cq") == 0) {
      fail_unless (gst_structure_get_uint64 (h, "items", &in_cq));
      fail_unless_equals_string (gst_structure_get_string (h, "kind"),
          "queue");
      fail_unless_equals_string (gst_structure_get_string (h, "process-of"),
          "r");
      fail_unless (gst_structure_get_string (h, "reason") != NULL);
    }
    if (g_strcmp0 (name, "r/w") == 0)
      fail_unless (gst_structure_get_uint64 (h, "items", &by_w));
  }
  fail_unless_equals_uint64 (in_cq, 5);
  fail_unless_equals_uint64 (by_w, 1);

  src = test_pipeline_get (GST_ELEMENT (pipe), "src");
  sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  st = gst_worker_get_stats (GST_WORKER (src));
  fail_unless (gst_structure_get_uint64 (st, "items-out", &made));
  gst_structure_free (st);
  g_object_get (sink, "count", &arrived, NULL);
  /* 3 arrived; 4 in q, 1 in the replica's hand, 5 in cq, 1 with w */
  fail_unless_equals_uint64 (arrived, 3);
  fail_unless_equals_uint64 (made, arrived + discarded);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_structure_free (report);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
}

GST_END_TEST;

/* The controller pauses a worker inside a child by the name its status
 * lists ("REPLICA/NAME"): it holds the data (the queue before the replica
 * fills) until resumed. */
GST_START_TEST (test_pause_child_worker_by_name)
{
  GError *err = NULL;
  GstWorkerController *ctrl = gst_worker_controller_new_from_description
      ("testworkersrc num-buffers=-1 ! queue name=q max-size-buffers=4 "
      "max-size-bytes=0 max-size-time=0 ! processreplica name=r "
      "worker=\"testworker name=w\" ! queue ! testworkersink name=sink",
      &err);
  GstPipeline *pipe;
  GstElement *q, *sink;
  GstStructure *entry = NULL;
  guint level = 0;
  guint64 before = 0, now = 0;
  gint state = GST_WORKER_STATE_IDLE;

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  fail_unless (gst_worker_controller_start (ctrl, &err));
  pipe = test_pipeline_watch (gst_worker_controller_get_pipeline (ctrl));
  q = test_pipeline_get (GST_ELEMENT (pipe), "q");
  sink = test_pipeline_get (GST_ELEMENT (pipe), "sink");
  /* the child runs */
  while (!(entry = status_entry (ctrl, "r/w")))
    g_usleep (1000);
  g_clear_pointer (&entry, gst_structure_free);

  fail_unless (gst_worker_controller_pause_worker (ctrl, "r/w", &err),
      "%s", err ? err->message : "?");
  /* it says so, and holds: the queue in front of the replica fills */
  while (state != GST_WORKER_STATE_PAUSED || level < 4) {
    g_clear_pointer (&entry, gst_structure_free);
    entry = status_entry (ctrl, "r/w");
    if (entry)
      gst_structure_get_enum (entry, "state", GST_TYPE_WORKER_STATE, &state);
    g_object_get (q, "current-level-buffers", &level, NULL);
    g_usleep (1000);
  }
  g_clear_pointer (&entry, gst_structure_free);
  g_object_get (sink, "count", &before, NULL);

  fail_unless (gst_worker_controller_resume_worker (ctrl, "r/w", &err),
      "%s", err ? err->message : "?");
  while (now < before + 20) {
    g_object_get (sink, "count", &now, NULL);
    g_usleep (1000);
  }
  /* a name with no worker inside is an error, as any unknown name */
  fail_if (gst_worker_controller_pause_worker (ctrl, "r/nosuch", &err));
  fail_unless (err != NULL);
  g_clear_error (&err);

  gst_structure_free (gst_worker_controller_exit_now (ctrl));
  gst_object_unref (q);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
}

GST_END_TEST;

/* (connected swapped: the signals' other arguments differ) */
static void
on_watch_event (GString * seen, const gchar * worker)
{
  g_string_append_printf (seen, "[%s]", worker);
}

/* Spins the default context (the controller's signals) until @seen has
 * @what; bounded (a time no healthy run needs). */
static gboolean
wait_seen (GString * seen, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + scaled (60 *
      G_TIME_SPAN_SECOND);

  while (!strstr (seen->str, what) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return strstr (seen->str, what) != NULL;
}

/* The controller's watchdog watches the workers inside a child: one that
 * hangs busy is reported stalled by its name ("r/w"); a child that stops
 * answering (SIGSTOP) has its workers reported lost, and recovered when it
 * answers again. */
GST_START_TEST (test_watchdog_sees_child_workers)
{
  GError *err = NULL;
  GstWorkerController *ctrl = gst_worker_controller_new_from_description
      ("testworkersrc num-buffers=-1 ! queue ! processreplica name=r "
      "worker=\"testworker name=w hang-after=3\" ! queue ! testworkersink",
      &err);
  GString *stalled = g_string_new (""), *lost = g_string_new (""),
      *recovered = g_string_new ("");
  GstPipeline *pipe;
  GstElement *r;
  gint pid = 0;

  fail_unless (ctrl != NULL, "%s", err ? err->message : "?");
  g_object_set (ctrl, "heartbeat-interval", 50, "stall-timeout", 300,
      "heartbeat-timeout", (guint) scaled (2000), NULL);
  g_signal_connect_swapped (ctrl, "worker-stalled",
      G_CALLBACK (on_watch_event), stalled);
  g_signal_connect_swapped (ctrl, "worker-lost",
      G_CALLBACK (on_watch_event), lost);
  g_signal_connect_swapped (ctrl, "worker-recovered",
      G_CALLBACK (on_watch_event), recovered);
  fail_unless (gst_worker_controller_start (ctrl, &err));
  pipe = test_pipeline_watch (gst_worker_controller_get_pipeline (ctrl));
  r = test_pipeline_get (GST_ELEMENT (pipe), "r");

  fail_unless (wait_seen (stalled, "[r/w]"), "stalled: %s", stalled->str);

  g_object_get (r, "pid", &pid, NULL);
  fail_unless (pid > 0);
  fail_unless (kill (pid, SIGSTOP) == 0);
  fail_unless (wait_seen (lost, "[r/w]"), "lost: %s", lost->str);
  fail_unless (kill (pid, SIGCONT) == 0);
  fail_unless (wait_seen (recovered, "[r/w]"), "recovered: %s",
      recovered->str);

  gst_structure_free (gst_worker_controller_exit_now (ctrl));
  gst_object_unref (r);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
  g_string_free (stalled, TRUE);
  g_string_free (lost, TRUE);
  g_string_free (recovered, TRUE);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* faults */

/* A worker that crashes every 7 items (the process dies: SIGSEGV, abort,
 * kill -9): restarted each time, the item it held given to the new child,
 * the output the same as with no crash. */
GST_START_TEST (test_transient_crash_same_output)
{
  static const gint signals[] = { SIGSEGV, SIGABRT, SIGKILL };
  static const gchar *names[] = { "SIGSEGV", "SIGABRT", "SIGKILL" };
  /* under valgrind (each child traced: slow to start), one signal: the
   * others take the same paths in the replica */
  guint n_signals = scaled (1) > 1 ? 1 : G_N_ELEMENTS (signals);

  for (guint i = 0; i < n_signals; i++) {
    gchar *worker = g_strdup_printf ("testworker crash-after=7 "
        "crash-signal=%d outputs-per-input=2", signals[i]);
    gchar *proc = g_strdup_printf ("processreplica name=r restart-delay=0 "
        "worker=\"%s\"", worker);
    guint64 n_plain = 0, n_crash = 0;
    gchar *plain = digest_of ("testworkersrc num-buffers=30",
        "testworker outputs-per-input=2", &n_plain, NULL);
    GString *warnings = g_string_new (NULL);
    gchar *desc = g_strdup_printf ("testworkersrc num-buffers=30 ! %s ! "
        "testworkersink name=sink", proc);
    GstElement *pipe = launch (desc);
    GstElement *sink = test_pipeline_get (pipe, "sink");
    gchar *crashed = NULL;

    run_to_eos (pipe, warnings);
    g_object_get (sink, "digest", &crashed, "count", &n_crash, NULL);
    fail_unless_equals_uint64 (n_plain, 60);
    fail_unless_equals_uint64 (n_crash, 60);
    fail_unless_equals_string (crashed, plain);
    /* items 7, 14, 21, 28 each killed a child */
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 4);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-retried"), 4);
    fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-lost"), 0);
    /* each crash is said, with the pid, the signal and the count */
    for (guint n = 1; n <= 4; n++) {
      gchar *line = g_strdup_printf ("was killed by signal %s (%s); "
          "restarting it (restart %u of r; 1 crash in a row, it gives up "
          "after max-restarts=5)", names[i], g_strsignal (signals[i]), n);

      fail_unless (strstr (warnings->str, line) != NULL, "no \"%s\" in:\n%s",
          line, warnings->str);
      g_free (line);
    }
    fail_unless (g_str_has_prefix (warnings->str, "Worker process r: its "
            "process (pid "), "%s", warnings->str);

    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (pipe);
    g_string_free (warnings, TRUE);
    g_free (desc);
    g_free (crashed);
    g_free (plain);
    g_free (proc);
    g_free (worker);
  }
}

GST_END_TEST;

/* An item that kills its child every time is retried once, then counted
 * lost with the reason; the stream goes on. */
GST_START_TEST (test_poison_item_lost)
{
  GString *warnings = g_string_new (NULL);
  GstElement *pipe = launch ("testworkersrc num-buffers=20 ! "
      "processreplica name=r restart-delay=0 "
      "worker=\"testworker crash-on-seq=5\" ! testworkersink name=sink");
  GstElement *sink = test_pipeline_get (pipe, "sink");
  guint64 count = 0, gaps = 0;

  run_to_eos (pipe, warnings);
  g_object_get (sink, "count", &count, "gaps", &gaps, NULL);
  fail_unless_equals_uint64 (count, 19);
  fail_unless_equals_uint64 (gaps, 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-lost"), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "items-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (pipe, "r", "restarts"), 2);
  fail_unless (strstr (warnings->str, "Worker process r lost an item "
          "(pts 0:00:00.005000000)") != NULL, "%s", warnings->str);
  fail_unless (strstr (warnings->str, "the last time its process (pid ")
      != NULL, "%s", warnings->str);
  fail_unless (strstr (warnings->str, "was killed by signal SIGSEGV "
          "(Segmentation fault)") != NULL, "%s", warnings->str);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_string_free (warnings, TRUE);
}

GST_END_TEST;

/* A worker that crashes on every item: an error naming the replica once
 * max-restarts crashes in a row are reached. */
GST_START_TEST (test_keeps_crashing_is_error)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=50 ! "
      "processreplica name=r restart-delay=0 max-restarts=3 "
      "worker=\"testworker crash-after=0 crash-signal=6\" ! fakesink");
  gchar *src = NULL;
  gchar *text = run_error (pipe, &src);

  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "Worker process r keeps crashing: 4 times in a "
          "row") != NULL, "%s", text);
  fail_unless (strstr (text, "signal SIGABRT") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_free (src);
  g_free (text);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A child that hangs is killed after hang-timeout and its item retried.
 * (The timeout must be longer than a new child, on a loaded machine or
 * under valgrind, takes for the stream's events and an item.) */
GST_START_TEST (test_hang_restarted)
{
  guint64 n_plain = 0, n_hang = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=12", "testworker",
      &n_plain, NULL);
  gchar *replica = g_strdup_printf ("processreplica hang-timeout=%"
      G_GINT64_FORMAT " restart-delay=0 worker=\"testworker hang-after=5\"",
      scaled (1500));
  gchar *hung = digest_of ("testworkersrc num-buffers=12", replica, &n_hang,
      NULL);

  fail_unless_equals_uint64 (n_hang, 12);
  fail_unless_equals_string (hung, plain);
  g_free (replica);
  g_free (plain);
  g_free (hung);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* over TCP: the protocol as it would run to another host */

GST_START_TEST (test_tcp_same_bytes_and_crash)
{
  guint64 n_plain = 0, n_crash = 0;
  gchar *plain, *crashed;

  assert_same_as_in_thread ("videotestsrc num-buffers=30 pattern=ball ! "
      "video/x-raw,width=320,height=240", "videoconvert ! jpegenc",
      "transport=tcp", 30);
  assert_same_as_in_thread ("testworkersrc num-buffers=100",
      "testworker outputs-per-input=3", "transport=tcp", 300);
  /* a crash over TCP: restarted, the same output */
  plain = digest_of ("testworkersrc num-buffers=30", "testworker", &n_plain,
      NULL);
  crashed = digest_of ("testworkersrc num-buffers=30", "processreplica "
      "transport=tcp restart-delay=0 worker=\"testworker crash-after=7\"",
      &n_crash, NULL);
  fail_unless_equals_uint64 (n_crash, 30);
  fail_unless_equals_string (crashed, plain);
  g_free (plain);
  g_free (crashed);
}

GST_END_TEST;

GST_START_TEST (test_tcp_metas_cross)
{
  GstHarness *h = harness ("processreplica transport=tcp "
      "worker=identity");
  GstBuffer *in = filled (1920 * 1080), *out;
  GstBuffer *odo_item = odometry_item (7, 2.0 / 3.0), *item;
  GstVideoRegionOfInterestMeta *roi;
  GstOdometry expect, got;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=1920,"
      "height=1080,framerate=10/1");
  gst_buffer_memset (in, 0, 0x33, 1920 * 1080);
  GST_BUFFER_PTS (in) = 9;
  gst_buffer_add_video_region_of_interest_meta (in, "target", 10, 20, 30,
      40);
  gst_worker_merge_meta_add_item (gst_buffer_add_worker_merge_meta (in),
      "sink_1", odo_item);
  fail_unless (gst_odometry_from_buffer (odo_item, &expect));
  gst_buffer_unref (odo_item);

  out = gst_harness_push_and_pull (h, in);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 9);
  fail_unless_equals_int (gst_buffer_get_size (out), 1920 * 1080);
  fail_unless (gst_buffer_memcmp (out, 1920 * 1080 - 4, "\x33\x33\x33\x33",
          4) == 0);
  roi = (GstVideoRegionOfInterestMeta *) gst_buffer_get_meta (out,
      GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
  fail_unless (roi != NULL);
  fail_unless_equals_int (roi->w, 30);
  item = gst_buffer_get_merged_item (out, "sink_1");
  fail_unless (item != NULL);
  fail_unless (gst_odometry_from_buffer (item, &got));
  fail_unless (memcmp (&got, &expect, sizeof (got)) == 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* in a pool: workerpool isolation=process */

/* The same bytes, in the same order, as the pool in threads and as no
 * pool: stateless workers with random delays, and jpegenc. */
GST_START_TEST (test_pool_same_bytes_as_thread)
{
  static const gchar *src = "testworkersrc num-buffers=200";
  static const gchar *vsrc = "videotestsrc num-buffers=40 pattern=ball ! "
      "video/x-raw,width=320,height=240";
  guint64 n[3] = { 0 };
  gchar *plain = digest_of (src, "testworker", &n[0], NULL);
  gchar *thread = digest_of (src, "workerpool size=2 worker=\"testworker "
      "random-delay=200000\"", &n[1], NULL);
  gchar *proc = digest_of (src, "workerpool size=2 isolation=process "
      "worker=\"testworker random-delay=200000\"", &n[2], NULL);

  fail_unless_equals_uint64 (n[0], 200);
  fail_unless_equals_uint64 (n[1], 200);
  fail_unless_equals_uint64 (n[2], 200);
  fail_unless_equals_string (thread, plain);
  fail_unless_equals_string (proc, plain);
  g_free (plain);
  g_free (thread);
  g_free (proc);

  plain = digest_of (vsrc, "videoconvert ! jpegenc", &n[0], NULL);
  proc = digest_of (vsrc, "workerpool size=2 isolation=process "
      "worker=\"videoconvert ! jpegenc\"", &n[1], NULL);
  fail_unless_equals_uint64 (n[0], 40);
  fail_unless_equals_uint64 (n[1], 40);
  fail_unless_equals_string (proc, plain);
  g_free (plain);
  g_free (proc);
}

GST_END_TEST;

/* A replica added while the pool runs (size written in PLAYING) starts
 * its child and takes items; the output is the same as without a pool. */
GST_START_TEST (test_pool_grows_while_playing)
{
  guint64 n_plain = 0, n_pool = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=300", "testworker",
      &n_plain, NULL);
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=300 ! "
      "workerpool name=p size=1 isolation=process start-timeout=%"
      G_GINT64_FORMAT " worker=\"testworker process-time=2000000\" ! "
      "testworkersink name=sink", scaled (30000));
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  GstElement *pool = test_pipeline_get (pipe, "p");
  gint64 end = g_get_monotonic_time () + scaled (60) * G_TIME_SPAN_SECOND;
  guint64 n = 0;
  gchar *digest = NULL;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (n < 5 && g_get_monotonic_time () < end) {
    g_usleep (1000);
    g_object_get (sink, "count", &n, NULL);
  }
  fail_unless (n >= 5, "no items before the growth");
  g_object_set (pool, "size", 2, NULL);
  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_pool, NULL);
  fail_unless_equals_uint64 (n_pool, 300);
  fail_unless_equals_string (digest, plain);
  fail_unless (stat_u64 (pipe, "p_r1", "items-in") > 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-in") +
      stat_u64 (pipe, "p_r1", "items-in"), 300);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pool);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* Each replica is a processreplica named <pool>_r<i>, a worker with its
 * own pid; one that crashes now and then changes nothing in the output. */
GST_START_TEST (test_pool_replicas_crash_and_restart)
{
  guint64 n_plain = 0, n_pool = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=100", "testworker",
      &n_plain, NULL);
  /* fewer crashes under valgrind (each new child traced: slow to start) */
  guint crash_after = scaled (1) > 1 ? 24 : 9;
  /* a restarted child under valgrind and load may need more than 30 s */
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=100 ! "
      "workerpool name=p size=2 isolation=process dispatch=round-robin "
      "start-timeout=%" G_GINT64_FORMAT " worker=\"testworker crash-after=%u\""
      " ! testworkersink name=sink", scaled (30000), crash_after);
  GstElement *pipe = launch (desc);
  GstElement *sink = test_pipeline_get (pipe, "sink");
  GstElement *r0, *r1;
  gchar *digest = NULL;
  gint pid0 = 0, pid1 = 0;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  r0 = test_pipeline_get (pipe, "p_r0");
  r1 = test_pipeline_get (pipe, "p_r1");
  fail_unless (GST_IS_WORKER (r0));
  g_object_get (r0, "pid", &pid0, NULL);
  g_object_get (r1, "pid", &pid1, NULL);
  fail_unless (pid0 > 0 && pid1 > 0 && pid0 != pid1);

  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_pool, NULL);
  fail_unless_equals_uint64 (n_pool, 100);
  fail_unless_equals_string (digest, plain);
  /* 50 items each, a crash every 9 (24): 5 (2) restarts each */
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "restarts"),
      50 / crash_after);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r1", "restarts"),
      50 / crash_after);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_r0", "items-lost"), 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 100);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (r0);
  gst_object_unref (r1);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* gst-worker-launch's table shows each replica, and the workers in its
 * child ("p_r0/testworker0"), with the process id. */
GST_START_TEST (test_launch_table_shows_pid)
{
  const gchar *argv[] = { GST_WORKER_LAUNCH, "--status-interval", "50",
    "testworkersrc", "num-buffers=100000", "produce-time=1000000", "!",
    "workerpool", "name=p", "size=2", "isolation=process",
    "worker=testworker", "!", "testworkersink", NULL
  };
  GError *err = NULL;
  GSubprocess *proc = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  GDataInputStream *out;
  GString *log = g_string_new (NULL);
  gchar *line;
  /* each replica, and the worker in each child, with the child's pid */
  gboolean seen[4] = { FALSE, FALSE, FALSE, FALSE };

  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while ((!seen[0] || !seen[1] || !seen[2] || !seen[3]) && (line =
          g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL))) {
    g_string_append_printf (log, "%s\n", line);
    for (guint r = 0; r < 4; r++) {
      gchar *name = g_strdup_printf (r < 2 ? " p_r%u: " : " p_r%u/testworker",
          r % 2);

      if (strstr (line, name) && strstr (line, " pid="))
        seen[r] = TRUE;
      g_free (name);
    }
    g_free (line);
  }
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  fail_unless (seen[0] && seen[1] && seen[2] && seen[3],
      "not every replica and child worker with its pid in:\n%s", log->str);
  g_string_free (log, TRUE);
  g_object_unref (out);
  g_object_unref (proc);
}

GST_END_TEST;

/* gst-worker-launch says each crash of a child (a warning with the
 * replica, the pid and the signal) and counts the children's restarts in
 * its final report, apart from the pipeline's. */
GST_START_TEST (test_launch_reports_restarts)
{
  const gchar *argv[] = { GST_WORKER_LAUNCH, "testworkersrc",
    "num-buffers=30", "!", "workerpool", "name=p", "size=1",
    "isolation=process", "worker=testworker crash-after=7 crash-signal=9",
    "!", "testworkersink", NULL
  };
  GError *err = NULL;
  GSubprocess *proc = g_subprocess_newv (argv,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  gchar *out = NULL, **lines;
  guint warnings = 0;

  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err), "%s", err ? err->message : "?");
  fail_unless (g_subprocess_get_if_exited (proc) &&
      g_subprocess_get_exit_status (proc) == 0, "%s", out);
  /* items 7, 14, 21, 28 each killed a child */
  fail_unless (strstr (out, "drained after ") != NULL, "%s", out);
  fail_unless (strstr (out, " s, 0 restarts of the pipeline, 4 of worker "
          "processes (p_r0: 4)\n") != NULL, "%s", out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], "WARNING") && strstr (lines[i], "Worker process "
            "p_r0: its process (pid ") && strstr (lines[i], "was killed by "
            "signal SIGKILL (Killed); restarting it (restart "))
      warnings++;
  fail_unless_equals_int (warnings, 4);
  g_strfreev (lines);
  g_free (out);
  g_object_unref (proc);
}

GST_END_TEST;

/* Runs gst-worker-launch on @desc (a NULL-terminated argv after the
 * tool's name) to its end; its output. */
static gchar *
launch_tool (const gchar * const *desc)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *err = NULL;
  GSubprocess *proc;
  gchar *out = NULL;

  g_ptr_array_add (argv, (gpointer) GST_WORKER_LAUNCH);
  for (guint i = 0; desc[i]; i++)
    g_ptr_array_add (argv, (gpointer) desc[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const gchar * const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &err);
  fail_unless (proc != NULL, "%s", err ? err->message : "?");
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err), "%s", err ? err->message : "?");
  g_object_unref (proc);
  g_ptr_array_unref (argv);
  return out;
}

/* Column @col (0: IN) of @name's row in the report @out. */
static guint64
report_column (const gchar * out, const gchar * name, guint col)
{
  gchar *row = g_strdup_printf ("\n%s ", name);
  const gchar *at = strstr (out, row);
  gchar **fields;
  guint64 v = 0;

  fail_unless (at != NULL, "no row %s in:\n%s", name, out);
  fields = g_strsplit_set (at + strlen (row), " \n", -1);
  for (guint i = 0, n = 0; fields[i]; i++) {
    if (!*fields[i])
      continue;
    if (n++ == col) {
      v = g_ascii_strtoull (fields[i], NULL, 10);
      break;
    }
  }
  g_strfreev (fields);
  g_free (row);
  return v;
}

/* gst-worker-launch's report accounts for an item the child's worker
 * failed on (the error stops the run: made == arrived + discarded, the
 * replica holding it, with the reason), and says why an item was lost
 * when its child died with it twice. */
GST_START_TEST (test_launch_accounts_failed_items)
{
  const gchar *failing[] = { "testworkersrc", "num-buffers=500", "!",
    "queue", "!", "processreplica", "name=r",
    "worker=testworker error-after=49", "!", "queue", "!", "testworkersink",
    NULL
  };
  const gchar *poison[] = { "testworkersrc", "num-buffers=20", "!",
    "processreplica", "name=r", "restart-delay=0",
    "worker=testworker crash-on-seq=5", "!", "testworkersink", NULL
  };
  gchar *out = launch_tool (failing);
  const gchar *discarded;
  guint64 made, arrived;

  made = report_column (out, "testworkersrc0", 1);
  /* (what the error stopped in the queue after r is discarded there) */
  arrived = report_column (out, "testworkersink0", 0);
  discarded = strstr (out, " items discarded:");
  fail_unless (discarded != NULL, "%s", out);
  while (discarded > out && g_ascii_isdigit (discarded[-1]))
    discarded--;
  fail_unless_equals_uint64 (made, arrived + g_ascii_strtoull (discarded,
          NULL, 10));
  fail_unless (strstr (out, "\n  worker r: 1 item, was ") != NULL, "%s", out);
  fail_unless (strstr (out, "; it failed with an error on 1\n") != NULL, "%s",
      out);
  g_free (out);

  out = launch_tool (poison);
  fail_unless (strstr (out, "drained after") != NULL, "%s", out);
  fail_unless_equals_uint64 (report_column (out, "r", 2), 1);
  fail_unless (strstr (out, "gst-worker-launch: r lost 1 item (in its "
          "DROPPED), the last one because its child died with it twice; the "
          "last time its process (pid ") != NULL, "%s", out);
  fail_unless (strstr (out, "was killed by signal SIGSEGV") != NULL, "%s",
      out);
  g_free (out);
}

GST_END_TEST;

static guint
uint_of (GstElement * pipe, const gchar * name, const gchar * property)
{
  GstElement *e = test_pipeline_get (pipe, name);
  guint v = 0;

  g_object_get (e, property, &v, NULL);
  gst_object_unref (e);
  return v;
}

/* The pool gives its hang-timeout, max-restarts and restart-delay to its
 * isolated replicas, when it builds them and when they change: a child
 * that hangs in a pool is killed and its item retried. */
GST_START_TEST (test_pool_forwards_fault_properties)
{
  guint64 n_plain = 0, n_hang = 0;
  gchar *plain = digest_of ("testworkersrc num-buffers=12", "testworker",
      &n_plain, NULL);
  gchar *desc = g_strdup_printf ("testworkersrc num-buffers=12 ! "
      "workerpool name=p size=1 isolation=process max-restarts=7 "
      "restart-delay=0 hang-timeout=%" G_GINT64_FORMAT " "
      "worker=\"testworker hang-after=5\" ! testworkersink name=sink",
      scaled (1500));
  GstElement *pipe = launch (desc), *pool = test_pipeline_get (pipe, "p");
  GstElement *sink = test_pipeline_get (pipe, "sink");
  gchar *digest = NULL;

  fail_unless_equals_int (uint_of (pipe, "p_r0", "max-restarts"), 7);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "restart-delay"), 0);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"),
      scaled (1500));
  run_to_eos (pipe, NULL);
  g_object_get (sink, "digest", &digest, "count", &n_hang, NULL);
  fail_unless_equals_uint64 (n_hang, 12);
  fail_unless_equals_string (digest, plain);
  fail_unless (stat_u64 (pipe, "p_r0", "restarts") >= 1);
  /* while it runs: given at once */
  g_object_set (pool, "hang-timeout", 4321, "max-restarts", 2, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 4321);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "max-restarts"), 2);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pool);
  gst_object_unref (pipe);
  g_free (digest);
  g_free (plain);
  g_free (desc);
}

GST_END_TEST;

/* What is set on one replica (the pool's child proxy) stays that
 * replica's when the pool builds its replicas again, until the pool's own
 * property is set; also inside a replica in a thread. */
GST_START_TEST (test_pool_keeps_replica_settings)
{
  GstElement *pipe = launch ("testworkersrc num-buffers=5 ! workerpool "
      "name=p size=2 isolation=process worker=testworker "
      "p_r0::hang-timeout=777 ! workerpool name=t size=1 "
      "worker=\"testworker name=w\" t_r0::t_r0_w::process-time=1234 ! fakesink");
  GstElement *p = test_pipeline_get (pipe, "p");
  GstElement *t = test_pipeline_get (pipe, "t"), *w;
  guint64 process_time = 0;

  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  /* built again (a new queue size): the new p_r0 keeps it */
  g_object_set (p, "queue-size", 3, NULL);
  g_object_set (t, "queue-size", 3, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 777);
  fail_unless_equals_int (uint_of (pipe, "p_r1", "hang-timeout"), 0);
  w = test_pipeline_get (pipe, "t_r0_w");
  g_object_get (w, "process-time", &process_time, NULL);
  fail_unless_equals_uint64 (process_time, 1234);
  gst_object_unref (w);
  /* the pool's own value replaces it, also after the next build */
  g_object_set (p, "hang-timeout", 500, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 500);
  fail_unless_equals_int (uint_of (pipe, "p_r1", "hang-timeout"), 500);
  g_object_set (p, "queue-size", 4, NULL);
  fail_unless_equals_int (uint_of (pipe, "p_r0", "hang-timeout"), 500);
  run_to_eos (pipe, NULL);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (p);
  gst_object_unref (t);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A pool of a decoder of a format with reference frames warns, as in
 * threads, when its replicas run in child processes (their elements are
 * not in this process: the description built here tells what they are),
 * and counts the frame vp8dec made nothing of; image decoders pool with
 * no warning. */
GST_START_TEST (test_pool_stateful_decoder_warns)
{
  GString *warnings = g_string_new (NULL);
  GstElement *pipe = launch ("videotestsrc num-buffers=12 pattern=ball ! "
      "video/x-raw,width=64,height=48 ! vp8enc keyframe-max-dist=30 "
      "deadline=1 ! workerpool name=p size=2 isolation=process "
      "dispatch=round-robin worker=vp8dec ! fakesink");
  guint64 in, out, dropped;

  run_to_eos (pipe, warnings);
  in = stat_u64 (pipe, "p_dispatch", "items-in");
  out = stat_u64 (pipe, "p_collect", "items-out");
  dropped = stat_u64 (pipe, "p_collect", "items-dropped");
  fail_unless_equals_uint64 (in, 12);
  fail_unless (dropped >= 1, "in %" G_GUINT64_FORMAT " out %"
      G_GUINT64_FORMAT ": nothing counted", in, out);
  fail_unless_equals_uint64 (in, out + dropped);
  fail_unless (strstr (warnings->str, "Worker pool p: its worker vp8dec "
          "(GstVP8Dec) is a decoder of video/x-vp8") != NULL, "%s",
      warnings->str);
  fail_unless (strstr (warnings->str, "Do not pool") != NULL, "%s",
      warnings->str);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);

  g_string_truncate (warnings, 0);
  pipe = launch ("videotestsrc num-buffers=12 ! video/x-raw,width=64,"
      "height=48 ! jpegenc ! workerpool name=p size=2 isolation=process "
      "dispatch=round-robin worker=jpegdec ! fakesink");
  run_to_eos (pipe, warnings);
  fail_unless_equals_int (warnings->len, 0);
  fail_unless_equals_uint64 (stat_u64 (pipe, "p_collect", "items-out"), 12);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_string_free (warnings, TRUE);
}

GST_END_TEST;

/* The pool gives its start-timeout to its replicas: a child that never
 * says it runs is an error naming the replica, after that time (not the
 * default 30 s). */
GST_START_TEST (test_pool_start_timeout)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *script = g_build_filename (dir, "never-hello", NULL);
  GstElement *pipe, *r0;
  gchar *src = NULL, *text;
  guint timeout = 0;

  fail_unless (g_file_set_contents (script, "#!/bin/sh\nexec sleep 600\n",
          -1, NULL));
  g_chmod (script, 0755);
  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  pipe = launch ("testworkersrc num-buffers=5 ! workerpool name=p size=1 "
      "isolation=process start-timeout=300 worker=identity ! fakesink");
  r0 = test_pipeline_get (pipe, "p_r0");
  g_object_get (r0, "start-timeout", &timeout, NULL);
  fail_unless_equals_int (timeout, 300);
  text = run_error (pipe, &src);
  g_unsetenv ("GST_WORKER_CHILD");
  fail_unless_equals_string (src, "p_r0");
  fail_unless (strstr (text, "Worker process p_r0") != NULL, "%s", text);
  fail_unless (strstr (text, "did not start within 300 ms") != NULL, "%s",
      text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (r0);
  gst_object_unref (pipe);
  g_free (src);
  g_free (text);
  g_unlink (script);
  g_rmdir (dir);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

/* A description that does not build fails as in a thread, at once. */
GST_START_TEST (test_pool_bad_worker)
{
  GstElement *pool =
      test_pipeline_watch (gst_element_factory_make ("workerpool", "p"));
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (pool, bus);
  g_object_set (pool, "isolation", 1, "worker", "nosuchelement", NULL);
  fail_unless_equals_int (gst_element_set_state (pool, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "Worker pool p") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "no element \"nosuchelement\"") !=
      NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pool, GST_STATE_NULL);
  gst_element_set_bus (pool, NULL);
  gst_object_unref (bus);
  gst_object_unref (pool);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* bad input */

GST_START_TEST (test_bad_worker)
{
  static const struct
  {
    const gchar *worker;
    const gchar *says;
  } cases[] = {
    {NULL, "no worker given"},
    {"nosuchelement ! jpegenc", "no element \"nosuchelement\""},
    {"fakesink", "1 free input and 0 free outputs"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *r =
        test_pipeline_watch (gst_element_factory_make ("processreplica",
            "r"));
    GstBus *bus = gst_bus_new ();
    GstMessage *msg;
    GError *err = NULL;

    gst_element_set_bus (r, bus);
    g_object_set (r, "worker", cases[i].worker, NULL);
    fail_unless_equals_int (gst_element_set_state (r, GST_STATE_READY),
        GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL);
    fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "r");
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (g_str_has_prefix (err->message, "Worker process r"), "%s",
        err->message);
    fail_unless (strstr (err->message, cases[i].says) != NULL,
        "\"%s\" does not say '%s'", err->message, cases[i].says);
    g_error_free (err);
    gst_message_unref (msg);
    gst_element_set_state (r, GST_STATE_NULL);
    gst_element_set_bus (r, NULL);
    gst_object_unref (bus);
    gst_object_unref (r);
  }
}

GST_END_TEST;

static gchar *
ready_error_with_child (const gchar * program)
{
  GstElement *r =
      test_pipeline_watch (gst_element_factory_make ("processreplica", "r"));
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  g_setenv ("GST_WORKER_CHILD", program, TRUE);
  gst_element_set_bus (r, bus);
  g_object_set (r, "worker", "identity", NULL);
  fail_unless_equals_int (gst_element_set_state (r, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  g_unsetenv ("GST_WORKER_CHILD");
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (r, GST_STATE_NULL);
  gst_element_set_bus (r, NULL);
  gst_object_unref (bus);
  gst_object_unref (r);
  return text;
}

/* A child that says hello as the protocol says, then answers the first
 * item with garbage: killed and restarted like a crash, until the bound;
 * then an error naming the replica and saying why. */
GST_START_TEST (test_garbage_mid_stream)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *script = g_build_filename (dir, "garbage-later", NULL);
  GstElement *pipe;
  gchar *src = NULL, *text, *desc;

  fail_unless (g_file_set_contents (script, "#!/usr/bin/python3\n"
          "import os, socket, struct\n"
          "s = socket.socket(fileno=3)\n"
          "hello = b'hello, pid=(int)%d;\\0' % os.getpid()\n"
          "s.send(struct.pack('<IIQII', 0x31505747, 1, 0, len(hello), 0)"
          " + hello)\n"
          "s.recv(1 << 20)\n"
          "s.send(b'GWP1 and then nonsense')\n"
          "s.recv(1 << 20)\n", -1, NULL));
  g_chmod (script, 0755);
  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  /* (a Python child under valgrind may take more than 30 s to start) */
  desc = g_strdup_printf ("testworkersrc num-buffers=20 ! processreplica "
      "name=r restart-delay=0 max-restarts=2 start-timeout=%" G_GINT64_FORMAT
      " worker=identity ! fakesink", scaled (30000));
  pipe = launch (desc);
  text = run_error (pipe, &src);
  g_unsetenv ("GST_WORKER_CHILD");
  fail_unless_equals_string (src, "r");
  fail_unless (strstr (text, "Worker process r keeps crashing") != NULL,
      "%s", text);
  fail_unless (strstr (text, "broke the protocol") != NULL, "%s", text);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (src);
  g_free (text);
  g_unlink (script);
  g_rmdir (dir);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

/* A child program that is not there, that exits, that writes garbage. */
GST_START_TEST (test_bad_child)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *exits = g_build_filename (dir, "exits", NULL);
  gchar *garbage = g_build_filename (dir, "garbage", NULL);
  gchar *text;

  fail_unless (g_file_set_contents (exits, "#!/bin/sh\nexit 3\n", -1, NULL));
  fail_unless (g_file_set_contents (garbage, "#!/bin/sh\n"
          "printf 'this is not the protocol' >&3\nsleep 60\n", -1, NULL));
  g_chmod (exits, 0755);
  g_chmod (garbage, 0755);

  text = ready_error_with_child ("/nonexistent/gst-worker-child");
  fail_unless (strstr (text, "Worker process r could not be started") !=
      NULL, "%s", text);
  g_free (text);
  text = ready_error_with_child (exits);
  fail_unless (strstr (text, "did not start: its process (pid ") != NULL,
      "%s", text);
  fail_unless (strstr (text, ") exited with status 3") != NULL, "%s", text);
  g_free (text);
  text = ready_error_with_child (garbage);
  fail_unless (strstr (text, "broke the protocol") != NULL, "%s", text);
  g_free (text);

  g_unlink (exits);
  g_unlink (garbage);
  g_rmdir (dir);
  g_free (exits);
  g_free (garbage);
  g_free (dir);
}

GST_END_TEST;

static GstBusSyncReply
count_errors (GstBus * bus, GstMessage * msg, gpointer data)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    g_atomic_int_inc ((gint *) data);
  return GST_BUS_PASS;
}

/* The element goes down while its child restarts: here the new child
 * never says hello. The state change does not wait for it (no "did not
 * start within 30 s" error), the child is killed and reaped. */
GST_START_TEST (test_teardown_while_restarting)
{
  gchar *dir = g_dir_make_tmp ("processreplica-XXXXXX", NULL);
  gchar *script = g_build_filename (dir, "second-hangs", NULL);
  gchar *started = g_build_filename (dir, "started", NULL);
  gchar *hung = g_build_filename (dir, "hung", NULL);
  GstElementFactory *f = gst_element_factory_find ("processreplica");
  GstPlugin *plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (f));
  gchar *plugindir = g_path_get_dirname (gst_plugin_get_filename (plugin));
  gchar *real = g_build_filename (plugindir, "gst-worker-child", NULL);
  gchar *text = g_strdup_printf ("#!/bin/sh\n"
      "if [ -e '%s' ]; then echo $$ > '%s.tmp'; mv '%s.tmp' '%s'; "
      "exec sleep 600; fi\n"
      "touch '%s'\nexec '%s' \"$@\"\n", started, hung, hung, hung,
      started, real);
  GstElement *pipe, *r;
  GstBus *bus;
  GstMessage *msg;
  gchar *contents = NULL, *desc;
  gint pid = 0, now = -1, errors = 0;

  fail_unless (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  g_setenv ("GST_WORKER_CHILD", script, TRUE);
  /* (the first child, started by a script, is slow under valgrind) */
  desc = g_strdup_printf ("testworkersrc num-buffers=-1 ! processreplica "
      "name=r restart-delay=0 start-timeout=%" G_GINT64_FORMAT " "
      "worker=\"testworker crash-after=2\" ! fakesink", scaled (30000));
  pipe = launch (desc);
  bus = gst_element_get_bus (pipe);
  /* (a message posted while going to NULL would be flushed from the bus) */
  gst_bus_set_sync_handler (bus, count_errors, &errors, NULL);
  r = test_pipeline_get (pipe, "r");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  /* the third item killed the first child; the second one hangs */
  while (!g_file_get_contents (hung, &contents, NULL, NULL)) {
    msg = gst_bus_timed_pop_filtered (bus, 10 * GST_MSECOND,
        GST_MESSAGE_ERROR);
    if (msg) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      ck_abort_msg ("error before the second child hung: %s", err->message);
    }
  }
  pid = atoi (contents);
  fail_unless (pid > 0, "%s", contents);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (g_atomic_int_get (&errors), 0);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  /* killed and reaped: no such process (not even a zombie) */
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH, "child %d is there",
      pid);
  g_object_get (r, "pid", &now, NULL);
  fail_unless_equals_int (now, 0);
  g_unsetenv ("GST_WORKER_CHILD");

  gst_object_unref (r);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  gst_object_unref (plugin);
  gst_object_unref (f);
  g_unlink (script);
  g_unlink (started);
  g_unlink (hung);
  g_rmdir (dir);
  g_free (contents);
  g_free (desc);
  g_free (text);
  g_free (real);
  g_free (plugindir);
  g_free (hung);
  g_free (started);
  g_free (script);
  g_free (dir);
}

GST_END_TEST;

static Suite *
processreplica_suite (void)
{
  Suite *s = suite_create ("processreplica");
  TCase *same = tcase_create ("same");
  TCase *wire = tcase_create ("wire");
  TCase *contract = tcase_create ("contract");
  TCase *faults = tcase_create ("faults");
  TCase *bad = tcase_create ("bad");
  TCase *pool = tcase_create ("pool");
  TCase *tcp = tcase_create ("tcp");

  suite_add_tcase (s, same);
  tcase_add_checked_fixture (same, NULL, stop_leftovers);
  tcase_add_test (same, test_same_bytes_as_thread);
  tcase_add_test (same, test_no_payload_copy);
  suite_add_tcase (s, wire);
  tcase_add_checked_fixture (wire, NULL, stop_leftovers);
  tcase_add_test (wire, test_timestamps_flags_caps_cross);
  tcase_add_test (wire, test_roi_meta_crosses);
  tcase_add_test (wire, test_merge_and_odometry_metas_cross);
  tcase_add_test (wire, test_custom_and_video_metas_cross);
  suite_add_tcase (s, contract);
  tcase_add_checked_fixture (contract, NULL, stop_leftovers);
  tcase_add_test (contract, test_stats_and_pid);
  tcase_add_test (contract, test_child_error_is_replicas);
  tcase_add_test (contract, test_drain_through_children);
  tcase_add_test (contract, test_exit_now_accounts_held_item);
  tcase_add_test (contract, test_exit_now_accounts_child_queue);
  tcase_add_test (contract, test_pause_child_worker_by_name);
  tcase_add_test (contract, test_watchdog_sees_child_workers);
  suite_add_tcase (s, faults);
  tcase_add_checked_fixture (faults, NULL, stop_leftovers);
  tcase_add_test (faults, test_transient_crash_same_output);
  tcase_add_test (faults, test_poison_item_lost);
  tcase_add_test (faults, test_keeps_crashing_is_error);
  tcase_add_test (faults, test_hang_restarted);
  suite_add_tcase (s, tcp);
  tcase_add_checked_fixture (tcp, NULL, stop_leftovers);
  tcase_add_test (tcp, test_tcp_same_bytes_and_crash);
  tcase_add_test (tcp, test_tcp_metas_cross);
  suite_add_tcase (s, pool);
  tcase_add_checked_fixture (pool, NULL, stop_leftovers);
  tcase_add_test (pool, test_pool_same_bytes_as_thread);
  tcase_add_test (pool, test_pool_replicas_crash_and_restart);
  tcase_add_test (pool, test_pool_grows_while_playing);
  tcase_add_test (pool, test_pool_bad_worker);
  tcase_add_test (pool, test_pool_start_timeout);
  tcase_add_test (pool, test_launch_table_shows_pid);
  tcase_add_test (pool, test_launch_reports_restarts);
  tcase_add_test (pool, test_launch_accounts_failed_items);
  tcase_add_test (pool, test_pool_stateful_decoder_warns);
  tcase_add_test (pool, test_pool_forwards_fault_properties);
  tcase_add_test (pool, test_pool_keeps_replica_settings);
  suite_add_tcase (s, bad);
  tcase_add_checked_fixture (bad, NULL, stop_leftovers);
  tcase_add_test (bad, test_teardown_while_restarting);
  tcase_add_test (bad, test_bad_worker);
  tcase_add_test (bad, test_bad_child);
  tcase_add_test (bad, test_garbage_mid_stream);
  return s;
}

GST_CHECK_MAIN (processreplica);
