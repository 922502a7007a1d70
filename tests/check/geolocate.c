/* gst-workers: geolocate tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>
#include <string.h>

#define EPS 1e-9

static GstHarness *
geo_harness (guint width, guint height)
{
  GstHarness *h = gst_harness_new ("geolocate");
  gchar *caps = g_strdup_printf ("video/x-raw,format=GRAY8,width=%u,"
      "height=%u,framerate=30/1", width, height);

  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

static void
pose_at (GstOdometry * pose, gdouble n, gdouble e, gdouble d, gdouble roll,
    gdouble pitch, gdouble yaw)
{
  gst_odometry_init (pose);
  pose->fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  pose->north = n;
  pose->east = e;
  pose->down = d;
  pose->roll = roll;
  pose->pitch = pitch;
  pose->yaw = yaw;
}

/* A frame whose pixels do not matter, with @pose (if any) and a target
 * of centroid (u, v) for each pair in @uv. */
static GstBuffer *
frame_with_targets (const GstOdometry * pose, const gdouble * uv, guint n,
    GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 16, NULL);
  guint i;

  for (i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *m;

    m = gst_buffer_add_video_region_of_interest_meta (buf, "target",
        (guint) uv[2 * i], (guint) uv[2 * i + 1], 3, 3);
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "x", G_TYPE_DOUBLE, uv[2 * i],
            "y", G_TYPE_DOUBLE, uv[2 * i + 1], "confidence", G_TYPE_DOUBLE,
            0.25 * (i + 1), "area", G_TYPE_DOUBLE, 9.0 + i, NULL));
  }
  if (pose)
    gst_buffer_add_odometry_meta (buf, pose);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = 33 * GST_MSECOND;
  return buf;
}

/* Pushes a frame, pulls its ground targets. */
static GstGroundTarget *
locate (GstHarness * h, GstBuffer * frame, guint * n)
{
  GstGroundTarget *t = NULL;
  GstClockTime pts = GST_BUFFER_PTS (frame), ft;
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL);
  fail_unless (gst_ground_targets_from_buffer (out, &ft, &t, n));
  fail_unless_equals_uint64 (ft, pts);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
  gst_buffer_unref (out);
  return t;
}

static void
assert_ground (const GstGroundTarget * t, gdouble north, gdouble east)
{
  fail_unless (fabs (t->north - north) < EPS && fabs (t->east - east) < EPS,
      "got (%.12f, %.12f), expected (%.12f, %.12f)", t->north, t->east,
      north, east);
}

/* 640x480, 90 degrees wide: fx = fy = 320 / tan 45 = 320, principal point
 * (319.5, 239.5). Looking straight down from 100 m, one pixel is
 * 100 / 320 m on the ground; the top of the image is the nose. */
GST_START_TEST (test_down_looking)
{
  GstHarness *h = geo_harness (640, 480);
  gdouble uv[] = { 383.5, 239.5, 319.5, 207.5, 383.5, 303.5, 319.5, 239.5 };
  GstGroundTarget *t;
  GstOdometry pose;
  GstCaps *caps, *expected;
  guint n;

  /* facing north: right is east, up is north */
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv, 4, GST_SECOND), &n);
  fail_unless_equals_int (n, 4);
  assert_ground (&t[0], 0, 20);
  assert_ground (&t[1], 10, 0);
  assert_ground (&t[2], -20, 20);
  assert_ground (&t[3], 0, 0);
  fail_unless_equals_float (t[0].pixel_x, 383.5);
  fail_unless_equals_float (t[0].pixel_y, 239.5);
  fail_unless_equals_float (t[0].confidence, 0.25);
  fail_unless_equals_float (t[1].area, 10.0);
  fail_unless_equals_float (t[2].down, 0.0);
  g_free (t);

  /* facing east from (5, 7): up is east, right is south */
  pose_at (&pose, 5, 7, -100, 0, 0, G_PI / 2);
  t = locate (h, frame_with_targets (&pose, uv, 2, 2 * GST_SECOND), &n);
  fail_unless_equals_int (n, 2);
  assert_ground (&t[0], 5 - 20, 7);
  assert_ground (&t[1], 5, 17);
  g_free (t);

  /* rolled 45 degrees right: the camera looks left, so the point below
   * the drone is at u = cx + 320 tan 45 */
  uv[0] = 639.5;
  pose_at (&pose, 0, 0, -100, G_PI / 4, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv, 1, 3 * GST_SECOND), &n);
  fail_unless_equals_int (n, 1);
  fail_unless (fabs (t[0].north) < 1e-6 && fabs (t[0].east) < 1e-6);
  g_free (t);

  caps = gst_pad_get_current_caps (h->sinkpad);
  expected = gst_caps_from_string (GST_GROUND_TARGETS_CAPS);
  fail_unless (gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Ground 10 m above home: the camera is 90 m above it. */
GST_START_TEST (test_ground_down)
{
  GstHarness *h = geo_harness (640, 480);
  gdouble uv[] = { 383.5, 239.5 };
  GstGroundTarget *t;
  GstOdometry pose;
  guint n;

  gst_harness_set (h, "geolocate", "ground-down", -10.0, NULL);
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv, 1, 0), &n);
  fail_unless_equals_int (n, 1);
  assert_ground (&t[0], 0, 18);
  fail_unless_equals_float (t[0].down, -10.0);
  g_free (t);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* fx, fy, cx, cy override the field of view and the centre. */
GST_START_TEST (test_intrinsics)
{
  GstHarness *h = geo_harness (640, 480);
  gdouble uv[] = { 340, 200, 300, 150 };
  GstGroundTarget *t;
  GstOdometry pose;
  guint n;

  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  gst_harness_set (h, "geolocate", "fx", 400.0, "fy", 500.0, "cx", 300.0,
      "cy", 200.0, NULL);
  t = locate (h, frame_with_targets (&pose, uv, 2, 0), &n);
  fail_unless_equals_int (n, 2);
  assert_ground (&t[0], 0, 10);         /* 40 px * 100 m / 400 px */
  assert_ground (&t[1], 10, 0);         /* 50 px * 100 m / 500 px */
  g_free (t);

  /* fx alone: square pixels, the image centre */
  gst_harness_set (h, "geolocate", "fy", 0.0, "cx", -1.0, "cy", -1.0, NULL);
  uv[0] = 319.5 + 40;
  uv[1] = 239.5 - 80;
  t = locate (h, frame_with_targets (&pose, uv, 1, 0), &n);
  assert_ground (&t[0], 20, 10);
  g_free (t);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The frame size comes from the caps, the focal length from hfov. */
GST_START_TEST (test_size_and_hfov)
{
  GstHarness *h = geo_harness (1280, 720);
  gdouble uv[] = { 703.5, 359.5, 0, 359.5 };
  GstGroundTarget *t;
  GstOdometry pose;
  gdouble fx;
  guint n;

  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  /* fx = 640 / tan 45 = 640 */
  t = locate (h, frame_with_targets (&pose, uv, 1, 0), &n);
  assert_ground (&t[0], 0, 10);
  g_free (t);

  /* 60 degrees: fx = 640 / tan 30; the left edge of the image (u = -0.5)
   * is at 100 tan 30 m west */
  gst_harness_set (h, "geolocate", "hfov", 60.0, NULL);
  fx = 640 / tan (G_PI / 6);
  uv[0] = 639.5 + 0.1 * fx;
  uv[2] = -0.5;
  t = locate (h, frame_with_targets (&pose, uv, 2, 0), &n);
  fail_unless_equals_int (n, 2);
  assert_ground (&t[0], 0, 10);
  assert_ground (&t[1], 0, -100 * tan (G_PI / 6));
  g_free (t);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Mounted 45 degrees down from forward at 100 m: the centre of the image
 * is 100 m ahead; a pixel 15 degrees lower sees 60 degrees below the
 * horizon, at 100 / tan 60 m. Forward-looking, the top half of the image
 * is sky: such targets do not reach the ground. */
GST_START_TEST (test_oblique_and_horizon)
{
  GstHarness *h = geo_harness (640, 480);
  gdouble uv[] = { 319.5, 239.5, 319.5, 239.5 + 320 * tan (G_PI / 12),
    319.5, 100
  };
  GstGroundTarget *t;
  GstOdometry pose;
  guint n;

  gst_harness_set (h, "geolocate", "mount-pitch", -45.0, NULL);
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv, 2, 0), &n);
  fail_unless_equals_int (n, 2);
  assert_ground (&t[0], 100, 0);
  assert_ground (&t[1], 100 / tan (G_PI / 3), 0);
  g_free (t);

  /* the drone pitched 45 degrees nose down with a forward camera sees the
   * same */
  gst_harness_set (h, "geolocate", "mount-pitch", 0.0, NULL);
  pose_at (&pose, 0, 0, -100, 0, -G_PI / 4, 0);
  t = locate (h, frame_with_targets (&pose, uv, 2, 0), &n);
  assert_ground (&t[0], 100, 0);
  assert_ground (&t[1], 100 / tan (G_PI / 3), 0);
  g_free (t);

  /* level, forward camera 10 m up: 32 px below the centre is 100 m
   * ahead; 139.5 px above it is sky */
  uv[3] = 271.5;
  uv[5] = 100;
  pose_at (&pose, 0, 0, -10, 0, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv + 2, 2, 0), &n);
  fail_unless_equals_int (n, 1);
  assert_ground (&t[0], 100, 0);
  fail_unless_equals_float (t[0].pixel_y, 271.5);
  g_free (t);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Without a detection parameter the box centre is used; regions of other
 * types are not targets. */
GST_START_TEST (test_box_centre_and_other_regions)
{
  GstHarness *h = geo_harness (640, 480);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 16, NULL);
  GstGroundTarget *t;
  GstOdometry pose;
  guint n;

  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  gst_buffer_add_odometry_meta (buf, &pose);
  gst_buffer_add_video_region_of_interest_meta (buf, "face", 0, 0, 10, 10);
  /* pixels 379..388 x 237..241: centre (383.5, 239) */
  gst_buffer_add_video_region_of_interest_meta (buf, "target", 379, 237, 10,
      5);
  t = locate (h, buf, &n);
  fail_unless_equals_int (n, 1);
  fail_unless_equals_float (t[0].pixel_x, 383.5);
  fail_unless_equals_float (t[0].pixel_y, 239.0);
  fail_unless_equals_float (t[0].area, 50.0);
  fail_unless_equals_float (t[0].confidence, 1.0);
  assert_ground (&t[0], 0.5 * 100 / 320, 20);
  g_free (t);
  gst_harness_teardown (h);
}

GST_END_TEST;

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* A frame with no odometry is dropped, counted and warned about once; a
 * fixed pose locates such frames; a frame's own odometry wins. */
GST_START_TEST (test_odometry_sources)
{
  GstHarness *h = geo_harness (640, 480);
  GstBus *bus = gst_bus_new ();
  gdouble uv[] = { 383.5, 239.5 };
  GstGroundTarget *t;
  GstOdometry pose;
  GstMessage *msg;
  GError *err = NULL;
  GstStructure *fixed;
  guint n;

  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (gst_harness_push (h, frame_with_targets (NULL, uv,
              1, 0)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_with_targets (NULL, uv,
              1, 0)), GST_FLOW_OK);
  /* odometry without the attitude */
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  pose.fields = GST_ODOMETRY_HAS_LOCAL;
  fail_unless_equals_int (gst_harness_push (h, frame_with_targets (&pose, uv,
              1, 0)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 3);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (strstr (err->message, "without odometry") != NULL);
  fail_unless (strstr (err->message, "pose") != NULL);
  g_clear_error (&err);
  gst_message_unref (msg);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);

  /* a fixed camera 50 m up at (1, 2), turned to face south (yaw 180) */
  fixed = gst_structure_from_string ("pose,north=1.0,east=2,down=-50.0,"
      "yaw=180.0", NULL);
  g_object_set (h->element, "pose", fixed, NULL);
  gst_structure_free (fixed);
  t = locate (h, frame_with_targets (NULL, uv, 1, 0), &n);
  fail_unless_equals_int (n, 1);
  assert_ground (&t[0], 1, 2 - 10);     /* right is west */
  g_free (t);

  /* the frame's odometry is used before the fixed pose */
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  t = locate (h, frame_with_targets (&pose, uv, 1, 0), &n);
  assert_ground (&t[0], 0, 20);
  g_free (t);

  fail_unless_equals_uint64 (stat_u64 (h->element, "items-in"), 5);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 2);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The odometry a timestamp merge attached to the frame comes first: the
 * first merged item that is odometry, or the one of odometry-input. */
GST_START_TEST (test_merged_odometry)
{
  GstHarness *h = geo_harness (640, 480);
  gdouble uv[] = { 383.5, 239.5 };
  GstOdometry high, low;
  GstGroundTarget *t;
  GstWorkerMergeMeta *meta;
  GstBuffer *frame, *odo, *junk, *null_token;
  guint n;

  pose_at (&high, 0, 0, -100, 0, 0, 0);
  pose_at (&low, 0, 0, -50, 0, 0, 0);
  odo = gst_odometry_to_buffer (&high, 0);
  junk = gst_buffer_new_allocate (NULL, 8, NULL);
  gst_buffer_memset (junk, 0, 0, 8);
  null_token = gst_worker_null_token_new (0);

  /* merged: a null token, something else, then the odometry; the frame's
   * own odometry meta says 50 m */
  frame = frame_with_targets (&low, uv, 1, 0);
  meta = gst_buffer_add_worker_merge_meta (frame);
  gst_worker_merge_meta_add_item (meta, "sink_3", null_token);
  gst_worker_merge_meta_add_item (meta, "sink_1", junk);
  gst_worker_merge_meta_add_item (meta, "sink_2", odo);
  t = locate (h, gst_buffer_ref (frame), &n);
  fail_unless_equals_int (n, 1);
  assert_ground (&t[0], 0, 20);
  g_free (t);

  /* the named input only: sink_2 is the odometry */
  gst_harness_set (h, "geolocate", "odometry-input", "sink_2", NULL);
  t = locate (h, gst_buffer_ref (frame), &n);
  assert_ground (&t[0], 0, 20);
  g_free (t);

  /* a named input that is not odometry, or absent: the next source, the
   * frame's odometry meta */
  gst_harness_set (h, "geolocate", "odometry-input", "sink_1", NULL);
  t = locate (h, gst_buffer_ref (frame), &n);
  assert_ground (&t[0], 0, 10);
  g_free (t);
  gst_harness_set (h, "geolocate", "odometry-input", "sink_9", NULL);
  t = locate (h, frame, &n);
  assert_ground (&t[0], 0, 10);
  g_free (t);

  gst_buffer_unref (odo);
  gst_buffer_unref (junk);
  gst_buffer_unref (null_token);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A frame without targets still has its item, with none. */
GST_START_TEST (test_empty_frames_keep_their_item)
{
  GstHarness *h = geo_harness (640, 480);
  GstGroundTarget *t;
  GstOdometry pose;
  guint i, n;

  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  for (i = 0; i < 5; i++) {
    t = locate (h, frame_with_targets (&pose, NULL, 0, i * GST_SECOND), &n);
    fail_unless_equals_int (n, 0);
    fail_unless (t == NULL);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A pose property that is not a pose fails at start, naming the field,
 * or saying how to write one. */
GST_START_TEST (test_bad_pose)
{
  GstElement *pipe = gst_parse_launch ("videotestsrc num-buffers=1 ! "
      "geolocate name=geo pose=\"pose,down=-50.0,altitude=3.0\" ! fakesink",
      NULL);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "geo");
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "\"altitude\"") != NULL, "%s",
      err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);

  /* a word that is no pose at all (an empty structure named garbage) */
  pipe = gst_parse_launch ("videotestsrc num-buffers=1 ! "
      "geolocate name=geo pose=garbage ! fakesink", NULL);
  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "geo");
  gst_message_parse_error (msg, &err, NULL);
  fail_unless_equals_string (err->message, "The pose property of geo is not "
      "a pose: write it as \"pose,north=0.0,east=0.0,down=-50.0\" (metres; "
      "roll, pitch, yaw in degrees).");
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* detecttarget then geolocate: a spot centred on pixel (383, 239) of a
 * 640x480 frame seen from 100 m is 100 * (383 - 319.5) / 320 m east and
 * 100 * 0.5 / 320 m north. */
GST_START_TEST (test_with_detecttarget)
{
  GstHarness *h = gst_harness_new_parse ("detecttarget ! geolocate "
      "pose=\"pose,down=-100.0\"");
  GstBuffer *buf, *out;
  GstGroundTarget *t = NULL;
  GstMapInfo map;
  guint n, x, y;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=640,"
      "height=480,framerate=30/1");
  buf = gst_buffer_new_allocate (NULL, 640 * 480, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 10, map.size);
  for (y = 237; y <= 241; y++)
    for (x = 381; x <= 385; x++)
      map.data[y * 640 + x] = 255;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = 7 * GST_SECOND;

  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_ground_targets_from_buffer (out, NULL, &t, &n));
  fail_unless_equals_int (n, 1);
  assert_ground (&t[0], 100 * 0.5 / 320, 100 * (383 - 319.5) / 320);
  fail_unless_equals_float (t[0].area, 25);
  fail_unless_equals_float (t[0].confidence, 1.0);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 7 * GST_SECOND);
  g_free (t);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
geolocate_suite (void)
{
  Suite *s = suite_create ("geolocate");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_down_looking);
  tcase_add_test (tc, test_ground_down);
  tcase_add_test (tc, test_intrinsics);
  tcase_add_test (tc, test_size_and_hfov);
  tcase_add_test (tc, test_oblique_and_horizon);
  tcase_add_test (tc, test_box_centre_and_other_regions);
  tcase_add_test (tc, test_odometry_sources);
  tcase_add_test (tc, test_merged_odometry);
  tcase_add_test (tc, test_empty_frames_keep_their_item);
  tcase_add_test (tc, test_bad_pose);
  tcase_add_test (tc, test_with_detecttarget);
  return s;
}

GST_CHECK_MAIN (geolocate);
