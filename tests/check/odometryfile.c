/* gst-workers: odometry CSV and the telemetry file driver
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>

/* ---------------------------------------------------------------------- */
/* the text form */

GST_START_TEST (test_csv_format)
{
  GstOdometry odo, back;
  GstClockTime t;
  gchar *line;
  GError *err = NULL;

  gst_odometry_init (&odo);
  odo.fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  odo.source_time_us = 123;
  odo.north = 1.5;
  odo.east = -2;
  odo.down = -40;
  odo.pitch = 0.1;
  odo.yaw = 1.0 / 3;
  line = gst_odometry_to_csv_line (&odo, 1500 * GST_MSECOND);
  fail_unless_equals_string (line,
      "1.500000000,123,1.5,-2,-40,,,,0,0.1,0.3333333333333333,,,");
  fail_unless (gst_odometry_from_csv_line (NULL, line, -1, &back, &t, &err));
  fail_unless (memcmp (&odo, &back, sizeof (odo)) == 0);
  fail_unless_equals_uint64 (t, 1500 * GST_MSECOND);
  g_free (line);
}

GST_END_TEST;

/* Written then read, any item comes back bit for bit. */
GST_START_TEST (test_csv_roundtrip)
{
  static const gdouble special[] = {
    0.0, -0.0, 0.1, -1e-300, 4.9e-324, 1.7976931348623157e308, 1e21,
    123456789.123456789, G_PI, -G_E,
  };
  GRand *r = g_rand_new_with_seed (11);
  guint i, k;

  for (i = 0; i < 2000; i++) {
    GstOdometry odo, back;
    GstClockTime t = (GstClockTime) g_rand_int (r) * 1000003, t2;
    gdouble *v[12];
    gchar *line;
    GError *err = NULL;

    gst_odometry_init (&odo);
    odo.fields = i % 16;
    odo.source_time_us = ((guint64) g_rand_int (r) << 32) | g_rand_int (r);
    v[0] = &odo.north;
    v[1] = &odo.east;
    v[2] = &odo.down;
    v[3] = &odo.latitude;
    v[4] = &odo.longitude;
    v[5] = &odo.altitude;
    v[6] = &odo.roll;
    v[7] = &odo.pitch;
    v[8] = &odo.yaw;
    v[9] = &odo.vn;
    v[10] = &odo.ve;
    v[11] = &odo.vd;
    for (k = 0; k < 12; k++) {
      if (!(odo.fields & (1 << (k / 3))))
        continue;
      if (g_rand_boolean (r))
        *v[k] = special[g_rand_int_range (r, 0, G_N_ELEMENTS (special))];
      else
        *v[k] = g_rand_double_range (r, -1, 1) *
            pow (10, g_rand_int_range (r, -20, 20));
    }
    line = gst_odometry_to_csv_line (&odo, t);
    fail_unless (gst_odometry_from_csv_line (NULL, line, -1, &back, &t2,
            &err), "%s: %s", line, err ? err->message : "");
    fail_unless (memcmp (&odo, &back, sizeof (odo)) == 0, "%s", line);
    fail_unless_equals_uint64 (t, t2);
    g_free (line);
  }
  g_rand_free (r);
}

GST_END_TEST;

/* A header may name the columns in any order and leave out groups. */
GST_START_TEST (test_csv_header)
{
  GstOdometryCsvLayout *layout;
  GstOdometry odo;
  GstClockTime t;
  GError *err = NULL;

  layout = gst_odometry_csv_layout_new ("\xef\xbb\xbf" "east, north ,time,down"
      "\r\n", -1, &err);
  fail_unless (layout != NULL);
  fail_unless_equals_int (gst_odometry_csv_layout_get_fields (layout),
      GST_ODOMETRY_HAS_LOCAL);
  fail_unless (gst_odometry_from_csv_line (layout, " 2 , 1,  3.25 ,-40\r\n",
          -1, &odo, &t, &err));
  fail_unless_equals_int (odo.fields, GST_ODOMETRY_HAS_LOCAL);
  fail_unless (odo.north == 1 && odo.east == 2 && odo.down == -40);
  fail_unless_equals_uint64 (odo.source_time_us, 0);
  fail_unless_equals_uint64 (t, 3250 * GST_MSECOND);
  /* a group left empty is not set */
  fail_unless (gst_odometry_from_csv_line (layout, ",,7,", -1, &odo, &t,
          &err));
  fail_unless_equals_int (odo.fields, 0);
  fail_unless_equals_uint64 (t, 7 * GST_SECOND);
  gst_odometry_csv_layout_free (layout);
}

GST_END_TEST;

typedef struct
{
  const gchar *text;
  gssize len;
  gint code;
  const gchar *message;
} BadCase;

GST_START_TEST (test_csv_bad_header)
{
  static const BadCase cases[] = {
    {"time,north,east", -1, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: columns north, east and down come together, 'down' is "
          "missing"},
    {"north,east,down", -1, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: there is no 'time' column"},
    {"time,,north", -1, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: column 2 has no name"},
    {"time,yaw,Yaw", -1, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: unknown column 'Yaw' (the columns are "
          GST_ODOMETRY_CSV_HEADER ")"},
    {"time,vn,ve,vd,vn", -1, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: column 'vn' is named twice"},
    {"time\x01", -1, GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
        "not text: control byte 0x01 at byte 5"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *err = NULL;

    fail_if (gst_odometry_csv_layout_new (cases[i].text, cases[i].len, &err));
    fail_unless (g_error_matches (err, GST_ODOMETRY_CSV_ERROR,
            cases[i].code), "%s", cases[i].text);
    fail_unless_equals_string (err->message, cases[i].message);
    g_error_free (err);
  }
}

GST_END_TEST;

GST_START_TEST (test_csv_bad_line)
{
  static const BadCase cases[] = {
    {"0.1,0,abc,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'north': 'abc' is not a number"},
    {"0.1,0,1,2,-40,43.5,-80.5,370,0,0,nan,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'yaw': 'nan' is not a number"},
    {"0.1,0,1,2,-40,43.5,-80.5,1e999,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'altitude': '1e999' is not a finite number"},
    {"0.1,0,1,2,-40,43.5,-80.5,370,0,0,0x10,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'yaw': '0x10' is not a number"},
    {"0.1,0,1,2 3,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'east': '2 3' is not a number"},
    {"-0.1,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'time': '-0.1' is not a time in seconds (like 12.5 or "
          "0.100000000)"},
    {"1.0000000001,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'time': '1.0000000001' is not a time in seconds with at "
          "most 9 decimals"},
    {"99999999999,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'time': '99999999999' is not a time the clock can hold"},
    {",0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'time': '' is not a time: it is empty"},
    {"0.1,-5,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
        "column 'source_time_us': '-5' is not an unsigned integer of "
          "microseconds"},
    {"0.1,0,1,2,-40,43.5", -1, GST_ODOMETRY_CSV_ERROR_MISSING_COLUMN,
        "column 'longitude' is missing (the header names 14 columns, the "
          "line has 6)"},
    {"0.1,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0,7", -1,
        GST_ODOMETRY_CSV_ERROR_EXTRA_COLUMN,
        "15 columns where the header names 14"},
    {"0.1,0,1,,-40,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_INCOMPLETE_GROUP,
        "column 'east' is empty but 'down' is not (north, east and down are "
          "all set or all empty)"},
    {"0.1,0,1,2,\0-40,43.5,-80.5,370,0,0,0,5,0,0", 40,
        GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
        "not text: control byte 0x00 at byte 11"},
    {"0.1,0,1,2,\xff\xfe,43.5,-80.5,370,0,0,0,5,0,0", -1,
        GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
        "not text: invalid UTF-8 at byte 11"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *err = NULL;
    GstOdometry odo;
    GstClockTime t;

    fail_if (gst_odometry_from_csv_line (NULL, cases[i].text, cases[i].len,
            &odo, &t, &err), "%s", cases[i].text);
    fail_unless (g_error_matches (err, GST_ODOMETRY_CSV_ERROR,
            cases[i].code), "%s: %s", cases[i].text, err->message);
    fail_unless_equals_string (err->message, cases[i].message);
    g_error_free (err);
  }
  fail_unless (gst_odometry_csv_line_is_blank ("", -1));
  fail_unless (gst_odometry_csv_line_is_blank (" \t\r\n", -1));
  fail_unless (gst_odometry_csv_line_is_blank ("  # a comment", -1));
  fail_if (gst_odometry_csv_line_is_blank ("0,,", -1));
}

GST_END_TEST;


static Suite *
odometryfile_suite (void)
{
  Suite *s = suite_create ("odometryfile");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_csv_format);
  tcase_add_test (tc, test_csv_roundtrip);
  tcase_add_test (tc, test_csv_header);
  tcase_add_test (tc, test_csv_bad_header);
  tcase_add_test (tc, test_csv_bad_line);
  return s;
}

GST_CHECK_MAIN (odometryfile);
