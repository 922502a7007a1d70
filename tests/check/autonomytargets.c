/* gst-workers: ground targets and target estimate item types
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <gst/autonomy/autonomy.h>

GST_START_TEST (test_ground_targets_roundtrip)
{
  GstGroundTarget in[3] = {
    {12.5, -3.25, 0.0, 0.9, 40.0, 100.5, 200.25},
    {-7.0, 8.0, -1.5, 0.5, 12.0, 0.0, 0.0},
    {1e6, -1e6, 2.0, 1.0, 1.0, 1919.0, 1079.0},
  };
  GstGroundTarget *out = NULL;
  GstClockTime ft = 0;
  GstBuffer *buf;
  guint n = 0;

  buf = gst_ground_targets_to_buffer (in, 3, 42 * GST_MSECOND);
  fail_unless_equals_int (gst_buffer_get_size (buf),
      GST_GROUND_TARGETS_HEADER_SIZE + 3 * GST_GROUND_TARGET_SIZE);
  fail_unless_equals_int (gst_buffer_get_size (buf), 16 + 3 * 56);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 42 * GST_MSECOND);
  fail_unless (gst_ground_targets_from_buffer (buf, &ft, &out, &n));
  fail_unless_equals_int (n, 3);
  fail_unless_equals_uint64 (ft, 42 * GST_MSECOND);
  fail_unless (memcmp (in, out, sizeof (in)) == 0);
  g_free (out);
  gst_buffer_unref (buf);

  /* a frame without targets has an item too */
  buf = gst_ground_targets_to_buffer (NULL, 0, GST_CLOCK_TIME_NONE);
  fail_unless_equals_int (gst_buffer_get_size (buf), 16);
  out = (GstGroundTarget *) 0x1;
  fail_unless (gst_ground_targets_from_buffer (buf, &ft, &out, &n));
  fail_unless_equals_int (n, 0);
  fail_unless (out == NULL);
  fail_unless_equals_uint64 (ft, GST_CLOCK_TIME_NONE);
  gst_buffer_unref (buf);
}

GST_END_TEST;

/* The documented layout, byte for byte. */
GST_START_TEST (test_ground_targets_layout)
{
  GstGroundTarget t = { 1.0, 2.0, 3.0, 0.5, 9.0, 10.0, 11.0 };
  GstBuffer *buf = gst_ground_targets_to_buffer (&t, 1, 0x0102030405060708);
  guint8 data[16 + 56];
  gdouble d;
  guint64 u;

  fail_unless_equals_int (gst_buffer_extract (buf, 0, data, sizeof (data)),
      sizeof (data));
  fail_unless (memcmp (data, "GTG1", 4) == 0);
  fail_unless (data[4] == 1 && data[5] == 0 && data[6] == 0 && data[7] == 0);
  fail_unless (data[8] == 0x08 && data[15] == 0x01);
  /* pixel_y, the last double */
  memcpy (&u, data + 16 + 48, 8);
  u = GUINT64_FROM_LE (u);
  memcpy (&d, &u, 8);
  fail_unless (d == 11.0);
  gst_buffer_unref (buf);
}

GST_END_TEST;

GST_START_TEST (test_ground_targets_rejects_corrupt)
{
  GstGroundTarget t = { 1.0, 2.0, 3.0, 0.5, 9.0, 10.0, 11.0 };
  GstGroundTarget *out = NULL;
  GstBuffer *buf, *part;
  GstMapInfo map;
  guint n = 77;

  /* shorter than a header */
  buf = gst_buffer_new_allocate (NULL, 8, NULL);
  gst_buffer_memset (buf, 0, 0, 8);
  fail_if (gst_ground_targets_from_buffer (buf, NULL, &out, &n));
  gst_buffer_unref (buf);

  /* truncated: the count says one, the bytes say less */
  buf = gst_ground_targets_to_buffer (&t, 1, 0);
  part = gst_buffer_copy_region (buf, GST_BUFFER_COPY_ALL, 0, 16 + 55);
  fail_if (gst_ground_targets_from_buffer (part, NULL, &out, &n));
  gst_buffer_unref (part);

  /* wrong magic */
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  map.data[0] ^= 0xff;
  gst_buffer_unmap (buf, &map);
  fail_if (gst_ground_targets_from_buffer (buf, NULL, &out, &n));
  gst_buffer_unref (buf);

  /* a count past the maximum */
  buf = gst_ground_targets_to_buffer (&t, 1, 0);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  map.data[7] = 0x80;
  gst_buffer_unmap (buf, &map);
  fail_if (gst_ground_targets_from_buffer (buf, NULL, &out, &n));
  gst_buffer_unref (buf);

  /* not finite */
  t.east = INFINITY;
  buf = gst_ground_targets_to_buffer (&t, 1, 0);
  fail_if (gst_ground_targets_from_buffer (buf, NULL, &out, &n));
  gst_buffer_unref (buf);

  /* nothing was returned by the failures */
  fail_unless (out == NULL);
  fail_unless_equals_int (n, 77);
}

GST_END_TEST;

GST_START_TEST (test_estimate_roundtrip)
{
  GstTargetEstimate in, out;
  GstBuffer *buf;

  gst_target_estimate_init (&in);
  fail_unless_equals_uint64 (in.first_seen, GST_CLOCK_TIME_NONE);
  in.id = 3;
  in.count = 120;
  in.flags = GST_TARGET_ESTIMATE_CONFIRMED;
  in.north = 25.125;
  in.east = -40.5;
  in.std_north = 0.3;
  in.std_east = 0.4;
  in.spread = 0.5;
  in.first_seen = GST_SECOND;
  in.last_seen = 3 * GST_SECOND;
  buf = gst_target_estimate_to_buffer (&in, 4 * GST_SECOND);
  fail_unless_equals_int (gst_buffer_get_size (buf), GST_TARGET_ESTIMATE_SIZE);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 4 * GST_SECOND);
  fail_unless (gst_target_estimate_from_buffer (buf, &out));
  fail_unless (memcmp (&in, &out, sizeof (in)) == 0);
  gst_buffer_unref (buf);

  /* unknown flags, negative spread, wrong size */
  in.flags = 0x10;
  buf = gst_target_estimate_to_buffer (&in, 0);
  fail_if (gst_target_estimate_from_buffer (buf, &out));
  gst_buffer_unref (buf);
  in.flags = GST_TARGET_ESTIMATE_FINAL;
  in.spread = -1;
  buf = gst_target_estimate_to_buffer (&in, 0);
  fail_if (gst_target_estimate_from_buffer (buf, &out));
  gst_buffer_unref (buf);
  buf = gst_buffer_new_allocate (NULL, GST_TARGET_ESTIMATE_SIZE + 1, NULL);
  fail_if (gst_target_estimate_from_buffer (buf, &out));
  gst_buffer_unref (buf);
}

GST_END_TEST;

static Suite *
autonomytargets_suite (void)
{
  Suite *s = suite_create ("autonomytargets");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ground_targets_roundtrip);
  tcase_add_test (tc, test_ground_targets_layout);
  tcase_add_test (tc, test_ground_targets_rejects_corrupt);
  tcase_add_test (tc, test_estimate_roundtrip);
  return s;
}

GST_CHECK_MAIN (autonomytargets);
