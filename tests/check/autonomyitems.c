/* gst-workers: autonomy item types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <gst/autonomy/autonomy.h>

GST_START_TEST (test_odometry_roundtrip)
{
  GstOdometry in, out;
  GstBuffer *buf;

  gst_odometry_init (&in);
  in.fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  in.source_time_us = 123456789;
  in.north = 12.5;
  in.east = -3.25;
  in.down = -40.0;
  in.roll = 0.01;
  in.pitch = -0.02;
  in.yaw = 1.5;
  buf = gst_odometry_to_buffer (&in, 42 * GST_MSECOND);
  fail_unless_equals_int (gst_buffer_get_size (buf), GST_ODOMETRY_SIZE);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 42 * GST_MSECOND);
  fail_unless (gst_odometry_from_buffer (buf, &out));
  fail_unless (memcmp (&in, &out, sizeof (in)) == 0);
  gst_buffer_unref (buf);
}

GST_END_TEST;

GST_START_TEST (test_odometry_rejects_corrupt)
{
  GstOdometry odo;
  GstBuffer *buf;
  GstMapInfo map;
  gdouble nan = NAN;

  gst_odometry_init (&odo);
  /* wrong size */
  buf = gst_buffer_new_allocate (NULL, GST_ODOMETRY_SIZE - 1, NULL);
  fail_if (gst_odometry_from_buffer (buf, &odo));
  gst_buffer_unref (buf);

  /* wrong magic */
  buf = gst_odometry_to_buffer (&odo, 0);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  map.data[0] ^= 0xff;
  gst_buffer_unmap (buf, &map);
  fail_if (gst_odometry_from_buffer (buf, &odo));
  gst_buffer_unref (buf);

  /* unknown fields */
  odo.fields = 0x100;
  buf = gst_odometry_to_buffer (&odo, 0);
  fail_if (gst_odometry_from_buffer (buf, &odo));
  gst_buffer_unref (buf);

  /* not finite */
  gst_odometry_init (&odo);
  odo.yaw = nan;
  buf = gst_odometry_to_buffer (&odo, 0);
  fail_if (gst_odometry_from_buffer (buf, &odo));
  gst_buffer_unref (buf);
}

GST_END_TEST;

GST_START_TEST (test_command_roundtrip)
{
  GstFlightCommand in, out;
  GstBuffer *buf;

  gst_flight_command_init (&in, GST_FLIGHT_COMMAND_GOTO);
  in.target_id = 7;
  in.flags = GST_FLIGHT_COMMAND_HAS_GLOBAL;
  in.latitude = 43.47;
  in.longitude = -80.54;
  in.altitude = 350.0;
  buf = gst_flight_command_to_buffer (&in, GST_SECOND);
  fail_unless_equals_int (gst_buffer_get_size (buf), GST_FLIGHT_COMMAND_SIZE);
  fail_unless (gst_flight_command_from_buffer (buf, &out));
  fail_unless (memcmp (&in, &out, sizeof (in)) == 0);
  fail_unless_equals_string (gst_flight_command_type_to_string (out.type),
      "goto");
  gst_buffer_unref (buf);

  in.type = 99;
  buf = gst_flight_command_to_buffer (&in, GST_SECOND);
  fail_if (gst_flight_command_from_buffer (buf, &out));
  gst_buffer_unref (buf);

  /* the commands that arm, take off and take control */
  {
    static const gchar *names[] = { "arm", "disarm", "takeoff", "guided" };
    guint t;

    for (t = GST_FLIGHT_COMMAND_ARM; t <= GST_FLIGHT_COMMAND_GUIDED; t++) {
      in.type = t;
      buf = gst_flight_command_to_buffer (&in, GST_SECOND);
      fail_unless (gst_flight_command_from_buffer (buf, &out));
      fail_unless_equals_int (out.type, t);
      fail_unless_equals_string (gst_flight_command_type_to_string (t),
          names[t - GST_FLIGHT_COMMAND_ARM]);
      gst_buffer_unref (buf);
    }
  }
}

GST_END_TEST;

#define EPS 1e-9

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

/* Hand-computed: 640x480, 90 degrees wide, fx = 320 / tan 45 = 320,
 * principal point (319.5, 239.5). */
GST_START_TEST (test_camera_down_looking)
{
  GstCameraModel cam;
  GstOdometry pose;
  gdouble u, v, n, e;

  gst_camera_model_init (&cam, 640, 480, G_PI / 2);
  fail_unless (fabs (cam.fx - 320.0) < EPS && fabs (cam.fy - 320.0) < EPS);
  fail_unless (fabs (cam.cx - 319.5) < EPS && fabs (cam.cy - 239.5) < EPS);
  gst_camera_model_set_mount (&cam, 0, -G_PI / 2, 0);

  /* level at 100 m, facing north: below is the centre, north is up,
   * east is right */
  pose_at (&pose, 0, 0, -100, 0, 0, 0);
  fail_unless (gst_camera_model_project (&cam, &pose, 0, 0, 0, &u, &v));
  fail_unless (fabs (u - 319.5) < EPS && fabs (v - 239.5) < EPS);
  fail_unless (gst_camera_model_project (&cam, &pose, 10, 0, 0, &u, &v));
  fail_unless (fabs (u - 319.5) < EPS && fabs (v - 207.5) < EPS);
  fail_unless (gst_camera_model_project (&cam, &pose, 0, 20, 0, &u, &v));
  fail_unless (fabs (u - 383.5) < EPS && fabs (v - 239.5) < EPS);
  fail_unless (gst_camera_model_pixel_to_ground (&cam, &pose, 383.5, 239.5,
          0, &n, &e));
  fail_unless (fabs (n) < EPS && fabs (e - 20) < EPS);

  /* facing east: east is up, north is left */
  pose_at (&pose, 5, 7, -100, 0, 0, G_PI / 2);
  fail_unless (gst_camera_model_project (&cam, &pose, 5, 17, 0, &u, &v));
  fail_unless (fabs (u - 319.5) < EPS && fabs (v - 207.5) < EPS);
  fail_unless (gst_camera_model_project (&cam, &pose, 15, 7, 0, &u, &v));
  fail_unless (fabs (u - 287.5) < EPS && fabs (v - 239.5) < EPS);
  fail_unless (gst_camera_model_pixel_to_ground (&cam, &pose, 287.5, 239.5,
          0, &n, &e));
  fail_unless (fabs (n - 15) < EPS && fabs (e - 7) < EPS);

  /* rolled 45 degrees right (right wing down): the camera swings to look
   * left, so the point below is on the right, at u = cx + 320 * tan 45 */
  pose_at (&pose, 0, 0, -100, G_PI / 4, 0, 0);
  fail_unless (gst_camera_model_project (&cam, &pose, 0, 0, 0, &u, &v));
  fail_unless (fabs (u - (319.5 + 320)) < 1e-6 && fabs (v - 239.5) < 1e-6);
}

GST_END_TEST;

GST_START_TEST (test_camera_forward_looking)
{
  GstCameraModel cam;
  GstOdometry pose;
  gdouble u, v, n, e;

  gst_camera_model_init (&cam, 640, 480, G_PI / 2);
  pose_at (&pose, 0, 0, -10, 0, 0, 0);
  /* 100 m ahead on the ground, 10 m below the camera */
  fail_unless (gst_camera_model_project (&cam, &pose, 100, 0, 0, &u, &v));
  fail_unless (fabs (u - 319.5) < EPS && fabs (v - 271.5) < EPS);
  /* behind the camera */
  fail_if (gst_camera_model_project (&cam, &pose, -100, 0, 0, &u, &v));
  /* above the horizon never meets the ground */
  fail_if (gst_camera_model_pixel_to_ground (&cam, &pose, 319.5, 100, 0, &n,
          &e));
  fail_unless (gst_camera_model_pixel_to_ground (&cam, &pose, 319.5, 271.5,
          0, &n, &e));
  fail_unless (fabs (n - 100) < 1e-6 && fabs (e) < 1e-6);
}

GST_END_TEST;

/* Projecting then intersecting gives the point back, for any pose and
 * mount that sees it. */
GST_START_TEST (test_camera_roundtrip)
{
  GRand *r = g_rand_new_with_seed (7);
  GstCameraModel cam;
  GstOdometry pose;
  guint i, checked = 0;

  gst_camera_model_init (&cam, 1920, 1080, 1.2);
  for (i = 0; i < 1000; i++) {
    gdouble gn = g_rand_double_range (r, -50, 50);
    gdouble ge = g_rand_double_range (r, -50, 50);
    gdouble u, v, n, e;

    gst_camera_model_set_mount (&cam, g_rand_double_range (r, -0.1, 0.1),
        g_rand_double_range (r, -1.7, -1.2), g_rand_double_range (r, -0.3,
            0.3));
    pose_at (&pose, g_rand_double_range (r, -20, 20),
        g_rand_double_range (r, -20, 20), g_rand_double_range (r, -120, -30),
        g_rand_double_range (r, -0.2, 0.2), g_rand_double_range (r, -0.2,
            0.2), g_rand_double_range (r, -G_PI, G_PI));
    if (!gst_camera_model_project (&cam, &pose, gn, ge, 0, &u, &v))
      continue;
    fail_unless (gst_camera_model_pixel_to_ground (&cam, &pose, u, v, 0, &n,
            &e));
    fail_unless (fabs (n - gn) < 1e-6 && fabs (e - ge) < 1e-6);
    checked++;
  }
  fail_unless (checked > 500);
  g_rand_free (r);
}

GST_END_TEST;

static Suite *
autonomyitems_suite (void)
{
  Suite *s = suite_create ("autonomyitems");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_odometry_roundtrip);
  tcase_add_test (tc, test_odometry_rejects_corrupt);
  tcase_add_test (tc, test_command_roundtrip);
  tcase_add_test (tc, test_camera_down_looking);
  tcase_add_test (tc, test_camera_forward_looking);
  tcase_add_test (tc, test_camera_roundtrip);
  return s;
}

GST_CHECK_MAIN (autonomyitems);
