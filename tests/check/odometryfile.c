/* gst-workers: odometry CSV and the telemetry file driver
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <glib/gstdio.h>
#include <math.h>

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("odometryfile-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
}

static void
teardown (void)
{
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  const gchar *name;

  while ((name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (tmpdir, name, NULL);

    g_unlink (path);
    g_free (path);
  }
  g_dir_close (dir);
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static gchar *
tmp_file (const gchar * name, const gchar * contents, gssize len)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);

  if (contents)
    fail_unless (g_file_set_contents (path, contents, len, NULL));
  return path;
}

#define HEADER GST_ODOMETRY_CSV_HEADER "\n"
#define ROW0 "0.000000000,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0\n"
#define ROW1 "0.100000000,100000,1.5,2,-40,43.5,-80.5,370,0,0,0.1,5,0,0\n"

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

/* ---------------------------------------------------------------------- */
/* the elements */

static GstElement *
pipeline_new (const gchar * desc)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);

  fail_unless (p != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "");
  return p;
}

/* Runs @pipeline to EOS or an error. Returns the error text (or NULL) and
 * the warnings' texts in @warnings, if given. */
static gchar *
run (GstElement * pipeline, GstStateChangeReturn * state_ret,
    GPtrArray * warnings)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstStateChangeReturn ret;
  gchar *text = NULL;

  ret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (state_ret)
    *state_ret = ret;
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_WARNING);
    GError *err = NULL;

    fail_unless (msg != NULL, "neither EOS nor an error");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
      gst_message_unref (msg);
      break;
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      gst_message_parse_warning (msg, &err, NULL);
      if (warnings)
        g_ptr_array_add (warnings, g_strdup (err->message));
      g_error_free (err);
      gst_message_unref (msg);
      continue;
    }
    gst_message_parse_error (msg, &err, NULL);
    text = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (msg);
    break;
  }
  gst_object_unref (bus);
  return text;
}

static guint64
stat_of (GstElement * pipeline, const gchar * element, const gchar * field)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  gst_object_unref (e);
  return v;
}

/* Runs a simulated flight of @frames frames and returns its @n_items
 * telemetry items. */
static GPtrArray *
fly (const gchar * props, guint frames, guint n_items)
{
  gchar *desc = g_strdup_printf ("flightsimsrc %s", props);
  GstElement *e = pipeline_new (desc);
  GstHarness *v = gst_harness_new_with_element (e, NULL, "src");
  GstHarness *t = gst_harness_new_with_element (e, NULL, "telemetry");
  GPtrArray *items = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gst_buffer_unref);
  guint i;

  gst_harness_set_sink_caps_str (v, "video/x-raw,format=GRAY8,width=64,"
      "height=48");
  gst_harness_play (v);
  for (i = 0; i < frames; i++)
    gst_buffer_unref (gst_harness_pull (v));
  for (i = 0; i < n_items; i++)
    g_ptr_array_add (items, gst_harness_pull (t));
  fail_unless (gst_harness_try_pull (t) == NULL);
  gst_harness_teardown (t);
  gst_harness_teardown (v);
  gst_object_unref (e);
  g_free (desc);
  return items;
}

static void
assert_same_items (GstBuffer * a, GstBuffer * b)
{
  GstOdometry oa, ob;

  fail_unless (gst_odometry_from_buffer (a, &oa));
  fail_unless (gst_odometry_from_buffer (b, &ob));
  fail_unless (memcmp (&oa, &ob, sizeof (oa)) == 0);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (a), GST_BUFFER_PTS (b));
}

/* Recorded then replayed, the items come back identical, and a recording
 * of the replay is the same file. */
GST_START_TEST (test_record_replay)
{
  const gchar *props = "num-buffers=20 telemetry-per-frame=3 seed=5 "
      "attitude-noise=0.5 position-noise=0.2 attitude-wobble=2";
  GPtrArray *reference = fly (props, 20, 1 + 19 * 3);
  gchar *rec = tmp_file ("flight.csv", NULL, 0);
  gchar *copy = tmp_file ("copy.csv", NULL, 0);
  gchar *desc, *a, *b;
  GstElement *p;
  GstHarness *h;
  guint i;

  desc = g_strdup_printf ("flightsimsrc %s name=sim ! fakesink sync=false "
      "sim.telemetry ! queue ! odometryfilesink name=rec location=%s", props,
      rec);
  p = pipeline_new (desc);
  fail_unless (run (p, NULL, NULL) == NULL);
  fail_unless_equals_uint64 (stat_of (p, "rec", "items-out"), 58);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (desc);

  h = gst_harness_new ("odometryfilesrc");
  g_object_set (h->element, "location", rec, NULL);
  gst_harness_play (h);
  for (i = 0; i < reference->len; i++) {
    GstBuffer *buf = gst_harness_pull (h);

    fail_unless (buf != NULL);
    assert_same_items (g_ptr_array_index (reference, i), buf);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);

  desc = g_strdup_printf ("odometryfilesrc name=play location=%s ! "
      "odometryfilesink location=%s", rec, copy);
  p = pipeline_new (desc);
  fail_unless (run (p, NULL, NULL) == NULL);
  fail_unless_equals_uint64 (stat_of (p, "play", "items-out"), 58);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  fail_unless (g_file_get_contents (rec, &a, NULL, NULL));
  fail_unless (g_file_get_contents (copy, &b, NULL, NULL));
  fail_unless_equals_string (a, b);
  fail_unless (g_str_has_prefix (a, "# odometry items"));
  fail_unless (strstr (a, "\n" GST_ODOMETRY_CSV_HEADER "\n0.000000000,0,")
      != NULL);

  g_free (a);
  g_free (b);
  g_free (desc);
  g_free (rec);
  g_free (copy);
  g_ptr_array_unref (reference);
}

GST_END_TEST;

#define JUNK HEADER ROW0 "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\n" ROW1

typedef struct
{
  const gchar *contents;
  gssize len;
  guint good;                   /* items before the bad line */
  const gchar *error;           /* after "Corrupt telemetry file PATH:" */
} CorruptCase;

/* A corrupt file stops the replay at the bad line with an error naming the
 * file, the line and the column; the items before it went out. */
GST_START_TEST (test_corrupt_files)
{
  static const CorruptCase cases[] = {
    /* a bad number */
    {HEADER ROW0 ROW1 "0.2,0,1,2,-40,43.5,-80.5,370,0,0,0,5,O,0\n", -1, 2,
        "4: column 've': 'O' is not a number"},
    /* a truncated last line */
    {HEADER ROW0 ROW1 "0.2,200000,2,2,-4", -1, 2,
        "4: column 'latitude' is missing (the header names 14 columns, the "
          "line has 5)"},
    /* comments and blank lines count */
    {"# recorded by hand\n\n" HEADER "# take-off\n" ROW0 "\n" ROW1 ROW1
          "0.3", -1, 3, "9: column 'source_time_us' is missing (the header "
          "names 14 columns, the line has 1)"},
    /* binary junk */
    {JUNK, sizeof (JUNK) - 1, 1,
        "3: not text: control byte 0x7f at byte 1"},
    {HEADER ROW0 "\xc3\x28\xa0\xa1,1,2\n" ROW1, -1, 1,
        "3: not text: invalid UTF-8 at byte 1"},
    /* an extra column */
    {HEADER ROW0 "0.2,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0,0\n", -1, 1,
        "3: 15 columns where the header names 14"},
    /* time going backwards */
    {HEADER ROW1 ROW0, -1, 1,
        "3: column 'time': 0:00:00.000000000 is before the previous item's "
          "0:00:00.100000000 (times must not go backwards)"},
    /* a bad header */
    {"time,north,east,down,speed\n0,1,2,3,4\n", -1, 0,
        "1: header: unknown column 'speed' (the columns are "
          GST_ODOMETRY_CSV_HEADER ")"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gsize len = cases[i].len < 0 ? strlen (cases[i].contents) : (gsize)
        cases[i].len;
    gchar *path = tmp_file ("bad.csv", cases[i].contents, len);
    gchar *desc = g_strdup_printf ("odometryfilesrc name=src location=%s ! "
        "fakesink sync=false", path);
    GstElement *p = pipeline_new (desc);
    gchar *expected = g_strdup_printf ("Corrupt telemetry file %s:%s", path,
        cases[i].error);
    GstStateChangeReturn ret;
    gchar *error = run (p, &ret, NULL);

    fail_unless (error != NULL, "case %u: no error", i);
    fail_unless_equals_string (error, expected);
    if (cases[i].good > 0) {
      fail_unless_equals_uint64 (stat_of (p, "src", "items-out"),
          cases[i].good);
    } else {
      fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
    }
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (p);
    g_free (error);
    g_free (expected);
    g_free (desc);
    g_free (path);
  }
}

GST_END_TEST;

/* A line longer than any item is not read to its end. */
GST_START_TEST (test_no_end_of_line)
{
  gsize len = 200000, i;
  gchar *junk = g_malloc (len);
  gchar *path, *desc, *error, *expected;
  GstElement *p;

  memcpy (junk, HEADER, strlen (HEADER));
  for (i = strlen (HEADER); i < len; i++)
    junk[i] = '0' + i % 10;
  path = tmp_file ("long.csv", junk, len);
  desc = g_strdup_printf ("odometryfilesrc location=%s ! fakesink", path);
  p = pipeline_new (desc);
  error = run (p, NULL, NULL);
  expected = g_strdup_printf ("Corrupt telemetry file %s:2: the line is "
      "longer than 65536 bytes (not a telemetry file?)", path);
  fail_unless_equals_string (error, expected);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (junk);
  g_free (path);
  g_free (desc);
  g_free (error);
  g_free (expected);
}

GST_END_TEST;

/* skip-bad-lines: bad lines are skipped, each with a warning naming it, and
 * counted as dropped. */
GST_START_TEST (test_skip_bad_lines)
{
  gchar *path = tmp_file ("some-bad.csv", HEADER ROW0
      "0.05,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0\n" ROW1
      "0.05,0,1,2,-40,43.5,-80.5,370,0,0,0,5,0,0\n" ROW1, -1);
  gchar *desc = g_strdup_printf ("odometryfilesrc name=src location=%s "
      "skip-bad-lines=true ! fakesink sync=false", path);
  GstElement *p = pipeline_new (desc);
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  gchar *w1 = g_strdup_printf ("Skipped line 3 of telemetry file %s: column "
      "'vd' is missing (the header names 14 columns, the line has 13)", path);
  gchar *w2 = g_strdup_printf ("Skipped line 5 of telemetry file %s: column "
      "'time': 0:00:00.050000000 is before the previous item's "
      "0:00:00.100000000 (times must not go backwards)", path);

  fail_unless (run (p, NULL, warnings) == NULL);
  fail_unless_equals_int (warnings->len, 2);
  fail_unless_equals_string (g_ptr_array_index (warnings, 0), w1);
  fail_unless_equals_string (g_ptr_array_index (warnings, 1), w2);
  fail_unless_equals_uint64 (stat_of (p, "src", "items-out"), 3);
  fail_unless_equals_uint64 (stat_of (p, "src", "items-dropped"), 2);
  fail_unless_equals_uint64 (stat_of (p, "src", "items-in"), 5);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_ptr_array_unref (warnings);
  g_free (w1);
  g_free (w2);
  g_free (desc);
  g_free (path);
}

GST_END_TEST;

/* A file with only some columns gives items with only those parts. */
GST_START_TEST (test_partial_columns)
{
  gchar *path = tmp_file ("local.csv", "yaw,time,east,north,down,pitch,roll\n"
      "0.5,2.25,1,2,-30,0,0\n", -1);
  GstHarness *h = gst_harness_new ("odometryfilesrc");
  GstBuffer *buf;
  GstOdometry odo;

  g_object_set (h->element, "location", path, NULL);
  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (gst_odometry_from_buffer (buf, &odo));
  fail_unless_equals_int (odo.fields, GST_ODOMETRY_HAS_LOCAL |
      GST_ODOMETRY_HAS_ATTITUDE);
  fail_unless (odo.north == 2 && odo.east == 1 && odo.down == -30 &&
      odo.yaw == 0.5);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 2250 * GST_MSECOND);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);
  g_free (path);
}

GST_END_TEST;

/* A file that is not there fails the start-up naming it. */
GST_START_TEST (test_missing_file)
{
  GstElement *p = pipeline_new ("odometryfilesrc "
      "location=/nonexistent/flights/today.csv ! fakesink");
  GstStateChangeReturn ret;
  gchar *error = run (p, &ret, NULL);

  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_string (error, "Telemetry file "
      "\"/nonexistent/flights/today.csv\" does not exist.");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (error);

  p = pipeline_new ("odometryfilesrc ! fakesink");
  error = run (p, &ret, NULL);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_string (error, "No telemetry file to read: set the "
      "location property.");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (error);
}

GST_END_TEST;

GST_START_TEST (test_empty_files)
{
  gchar *empty = tmp_file ("empty.csv", "# nothing\n\n", -1);
  gchar *header_only = tmp_file ("header.csv", HEADER, -1);
  gchar *desc = g_strdup_printf ("odometryfilesrc location=%s ! fakesink",
      empty);
  gchar *expected = g_strdup_printf ("Telemetry file \"%s\" has no header "
      "line: it is empty.", empty);
  GstElement *p = pipeline_new (desc);
  GstStateChangeReturn ret;
  gchar *error = run (p, &ret, NULL);

  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_string (error, expected);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (error);
  g_free (desc);

  /* a header and no items: a replay of nothing */
  desc = g_strdup_printf ("odometryfilesrc name=src location=%s ! fakesink",
      header_only);
  p = pipeline_new (desc);
  fail_unless (run (p, NULL, NULL) == NULL);
  fail_unless_equals_uint64 (stat_of (p, "src", "items-out"), 0);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (desc);
  g_free (expected);
  g_free (empty);
  g_free (header_only);
}

GST_END_TEST;

/* The sink refuses what is not an odometry item, or has no time. */
GST_START_TEST (test_sink_errors)
{
  gchar *path = tmp_file ("out.csv", NULL, 0);
  GstElement *sink = gst_element_factory_make ("odometryfilesink", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstOdometry odo;
  GstMessage *msg;
  GError *err = NULL;
  GstBuffer *buf;
  gchar *contents, *expected, *error;
  GstElement *p;
  GstStateChangeReturn ret;

  /* a harness starts an element with a sink pad at once */
  gst_element_set_bus (sink, bus);
  g_object_set (sink, "location", path, NULL);
  h = gst_harness_new_with_element (sink, "sink", NULL);
  gst_object_unref (sink);
  gst_harness_set_src_caps_str (h, GST_ODOMETRY_CAPS);
  gst_odometry_init (&odo);
  fail_unless_equals_int (gst_harness_push (h, gst_odometry_to_buffer (&odo,
              GST_SECOND)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 10, NULL)), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless_equals_string (err->message, "Item 2 is not an odometry item.");
  g_clear_error (&err);
  gst_message_unref (msg);

  buf = gst_odometry_to_buffer (&odo, GST_CLOCK_TIME_NONE);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless_equals_string (err->message, "Odometry item 2 has no "
      "timestamp, which the telemetry file needs.");
  g_clear_error (&err);
  gst_message_unref (msg);
  gst_harness_teardown (h);

  /* what was written before stays */
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  expected = g_strdup_printf ("%s\n1.000000000,0,,,,,,,,,,,,\n",
      GST_ODOMETRY_CSV_HEADER);
  fail_unless (g_str_has_suffix (contents, expected), "%s", contents);
  g_free (contents);
  g_free (expected);
  g_free (path);

  /* a place it cannot write to fails the start-up naming it */
  p = pipeline_new ("flightsimsrc num-buffers=1 name=s ! fakesink "
      "s.telemetry ! odometryfilesink location=/nonexistent/dir/out.csv");
  error = run (p, &ret, NULL);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_string (error, "Could not open telemetry file "
      "\"/nonexistent/dir/out.csv\" for writing.");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_free (error);
  /* queued messages hold their sources, which hold the bus */
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
}

GST_END_TEST;

/* sync=true: a live replay, each item when the clock reaches its time. */
GST_START_TEST (test_sync)
{
  gchar *path = tmp_file ("paced.csv", HEADER ROW0 ROW1
      "0.250000000,250000,2,2,-40,43.5,-80.5,370,0,0,0.1,5,0,0\n", -1);
  GstHarness *h = gst_harness_new ("odometryfilesrc");
  GstTestClock *tc;
  static const GstClockTime times[] = { 0, 100 * GST_MSECOND,
    250 * GST_MSECOND
  };
  guint i;

  g_object_set (h->element, "location", path, "sync", TRUE, NULL);
  gst_harness_play (h);
  tc = gst_harness_get_testclock (h);
  for (i = 0; i < G_N_ELEMENTS (times); i++) {
    GstBuffer *buf;

    gst_test_clock_crank (tc);
    fail_unless_equals_uint64 (gst_clock_get_time (GST_CLOCK (tc)),
        times[i]);
    buf = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), times[i]);
    gst_buffer_unref (buf);
    fail_unless (gst_harness_try_pull (h) == NULL);
  }
  gst_object_unref (tc);
  gst_harness_teardown (h);
  g_free (path);
}

GST_END_TEST;

/* pipelines/flightsim-w7-record.pipeline (worker 7) runs as written, its
 * driver recording every odometry item of the flight. */
GST_START_TEST (test_pipeline_worker7)
{
  gchar *file = g_build_filename (PIPELINES_DIR, "flightsim-w7-record.pipeline",
      NULL);
  gchar *text, **lines, *out = tmp_file ("w7.csv", NULL, 0), *contents;
  GString *desc = g_string_new (NULL);
  GstElement *p, *e;
  guint i, n_lines = 0;

  fail_unless (g_file_get_contents (file, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++)
    if (!g_str_has_prefix (g_strchug (lines[i]), "#"))
      g_string_append_printf (desc, "%s ", lines[i]);
  p = pipeline_new (desc->str);
  e = gst_bin_get_by_name (GST_BIN (p), "w7");
  g_object_set (e, "location", out, NULL);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (p), "a1");
  g_object_set (e, "num-buffers", 30, NULL);
  gst_object_unref (e);
  fail_unless (run (p, NULL, NULL) == NULL);
  fail_unless_equals_uint64 (stat_of (p, "w7", "items-in"), 30);
  fail_unless_equals_uint64 (stat_of (p, "w7", "items-out"), 30);
  fail_unless_equals_uint64 (stat_of (p, "a1", "items-out"), 60);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  fail_unless (g_file_get_contents (out, &contents, NULL, NULL));
  for (i = 0; contents[i]; i++)
    n_lines += contents[i] == '\n';
  fail_unless_equals_int (n_lines, 2 + 30);
  g_free (contents);
  g_strfreev (lines);
  g_free (text);
  g_free (file);
  g_free (out);
  g_string_free (desc, TRUE);
}

GST_END_TEST;

static Suite *
odometryfile_suite (void)
{
  Suite *s = suite_create ("odometryfile");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_csv_format);
  tcase_add_test (tc, test_csv_roundtrip);
  tcase_add_test (tc, test_csv_header);
  tcase_add_test (tc, test_csv_bad_header);
  tcase_add_test (tc, test_csv_bad_line);
  tcase_add_test (tc, test_record_replay);
  tcase_add_test (tc, test_corrupt_files);
  tcase_add_test (tc, test_no_end_of_line);
  tcase_add_test (tc, test_skip_bad_lines);
  tcase_add_test (tc, test_partial_columns);
  tcase_add_test (tc, test_missing_file);
  tcase_add_test (tc, test_empty_files);
  tcase_add_test (tc, test_sink_errors);
  tcase_add_test (tc, test_sync);
  tcase_add_test (tc, test_pipeline_worker7);
  return s;
}

GST_CHECK_MAIN (odometryfile);
