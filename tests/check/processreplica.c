/* gst-workers: processreplica tests (a worker in a child process): the same output,
 * what crosses, TCP; the worker contract in processcontract.c, faults in
 * processfaults.c, pools in processpool.c
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
#include "processtest.h"

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

/* The replica's `payload-copies`. */
static guint
payload_copies (GstHarness * h)
{
  GstElement *r = gst_harness_find_element (h, "processreplica");
  GstStructure *s = gst_worker_get_stats (GST_WORKER (r));
  guint copies = 99;

  fail_unless (gst_structure_get_uint (s, "payload-copies", &copies));
  gst_structure_free (s);
  gst_object_unref (r);
  return copies;
}

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
  fail_unless_equals_int (payload_copies (h), 1);

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

/* A caps query with no filter crosses as one (it came back as caps of a
 * media type named "NULL", and upstream answered EMPTY): before an item
 * passed, the replica says what its worker can make of what is before it
 * (a reshape next to a process pool just inserted checks that). */
GST_START_TEST (test_caps_query_without_filter)
{
  GstHarness *h = harness ("processreplica worker=identity");
  GstPad *src = gst_element_get_static_pad (h->element, "src");
  GstCaps *want = gst_caps_from_string ("application/x-test");
  GstCaps *caps;
  gchar *text;

  gst_harness_set_src_caps (h, gst_caps_copy (want));
  caps = gst_pad_query_caps (src, NULL);
  text = gst_caps_to_string (caps);
  fail_unless (gst_caps_can_intersect (caps, want), "%s", text);
  g_free (text);
  gst_caps_unref (caps);
  gst_caps_unref (want);
  gst_object_unref (src);
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
  /* the frame's bytes were copied into the stream; a small item travels
   * in the message as on a unix socket, not counted */
  fail_unless_equals_int (payload_copies (h), 1);
  out = gst_harness_push_and_pull (h, filled (1024));
  fail_unless_equals_int (gst_buffer_get_size (out), 1024);
  gst_buffer_unref (out);
  fail_unless_equals_int (payload_copies (h), 1);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
processreplica_suite (void)
{
  Suite *s = suite_create ("processreplica");
  TCase *same = tcase_create ("same");
  TCase *wire = tcase_create ("wire");
  TCase *tcp = tcase_create ("tcp");

  suite_add_tcase (s, same);
  tcase_add_checked_fixture (same, NULL, stop_leftovers);
  tcase_add_test (same, test_same_bytes_as_thread);
  tcase_add_test (same, test_no_payload_copy);
  suite_add_tcase (s, wire);
  tcase_add_checked_fixture (wire, NULL, stop_leftovers);
  tcase_add_test (wire, test_timestamps_flags_caps_cross);
  tcase_add_test (wire, test_caps_query_without_filter);
  tcase_add_test (wire, test_roi_meta_crosses);
  tcase_add_test (wire, test_merge_and_odometry_metas_cross);
  tcase_add_test (wire, test_custom_and_video_metas_cross);
  suite_add_tcase (s, tcp);
  tcase_add_checked_fixture (tcp, NULL, stop_leftovers);
  tcase_add_test (tcp, test_tcp_same_bytes_and_crash);
  tcase_add_test (tcp, test_tcp_metas_cross);
  return s;
}

GST_CHECK_MAIN (processreplica);
