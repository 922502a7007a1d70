/* gst-workers: autonomy item types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
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
  return s;
}

GST_CHECK_MAIN (autonomyitems);
