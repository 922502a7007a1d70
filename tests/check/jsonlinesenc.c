/* gst-workers: jsonlinesenc tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/autonomy/autonomy.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static GstHarness *
enc_harness (const gchar * caps)
{
  GstHarness *h = gst_harness_new ("jsonlinesenc");

  gst_harness_set_src_caps_str (h, caps);
  return h;
}

/* Parses one line (it must be exactly one, ending the buffer). */
static JsonObject *
parse_line (const gchar * data, gsize len)
{
  JsonParser *parser = json_parser_new ();
  GError *err = NULL;
  JsonObject *obj;

  fail_unless (len > 1 && data[len - 1] == '\n');
  fail_unless (memchr (data, '\n', len - 1) == NULL);
  fail_unless (json_parser_load_from_data (parser, data, len - 1, &err),
      "%s", err ? err->message : "");
  fail_unless (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  obj = json_object_ref (json_node_get_object (json_parser_get_root
          (parser)));
  g_object_unref (parser);
  return obj;
}

/* Pushes @item, pulls its line, checks the timestamps went along. */
static JsonObject *
encode (GstHarness * h, GstBuffer * item)
{
  GstClockTime pts = GST_BUFFER_PTS (item), dur = GST_BUFFER_DURATION (item);
  GstBuffer *out;
  GstMapInfo map;
  JsonObject *obj;

  fail_unless_equals_int (gst_harness_push (h, item), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), dur);
  gst_buffer_map (out, &map, GST_MAP_READ);
  obj = parse_line ((const gchar *) map.data, map.size);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  return obj;
}

static gdouble
dbl (JsonObject * o, const gchar * name)
{
  fail_unless (json_object_has_member (o, name), "no %s", name);
  return json_object_get_double_member (o, name);
}

static gint64
num (JsonObject * o, const gchar * name)
{
  fail_unless (json_object_has_member (o, name), "no %s", name);
  return json_object_get_int_member (o, name);
}

static const gchar *
str (JsonObject * o, const gchar * name)
{
  fail_unless (json_object_has_member (o, name), "no %s", name);
  return json_object_get_string_member (o, name);
}

GST_START_TEST (test_odometry)
{
  GstHarness *h = enc_harness (GST_ODOMETRY_CAPS);
  GstOdometry o;
  GstBuffer *buf;
  JsonObject *obj;
  JsonArray *fields;
  GstCaps *caps, *expected;

  gst_odometry_init (&o);
  o.fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  o.source_time_us = 123456789;
  o.north = 12.5;
  o.east = -3.1;
  o.down = -40.000000000001;
  o.latitude = 43.0;            /* not valid: not written */
  o.roll = 0.01;
  o.pitch = -0.02;
  o.yaw = 1.5;
  buf = gst_odometry_to_buffer (&o, 42 * GST_MSECOND);
  GST_BUFFER_DURATION (buf) = 10 * GST_MSECOND;
  obj = encode (h, buf);
  fail_unless_equals_string (str (obj, "type"), "odometry");
  fail_unless_equals_int64 (num (obj, "pts"), 42 * GST_MSECOND);
  fail_unless_equals_int64 (num (obj, "source_time_us"), 123456789);
  fields = json_object_get_array_member (obj, "fields");
  fail_unless_equals_int (json_array_get_length (fields), 2);
  fail_unless_equals_string (json_array_get_string_element (fields, 0),
      "local");
  fail_unless_equals_string (json_array_get_string_element (fields, 1),
      "attitude");
  /* doubles come back exactly */
  fail_unless (dbl (obj, "north") == 12.5);
  fail_unless (dbl (obj, "east") == -3.1);
  fail_unless (dbl (obj, "down") == -40.000000000001);
  fail_unless (dbl (obj, "yaw") == 1.5);
  fail_if (json_object_has_member (obj, "latitude"));
  fail_if (json_object_has_member (obj, "vn"));
  json_object_unref (obj);

  caps = gst_pad_get_current_caps (h->sinkpad);
  expected = gst_caps_from_string ("application/x-ndjson");
  fail_unless (gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_ground_targets)
{
  GstHarness *h = enc_harness (GST_GROUND_TARGETS_CAPS);
  GstGroundTarget t[2] = {
    {1.25, -2.5, 0, 0.75, 30, 100.5, 200.25},
    {-7, 8, -1.5, 1, 12, 0, 479},
  };
  JsonObject *obj, *o;
  JsonArray *arr;
  GstBuffer *buf;

  obj = encode (h, gst_ground_targets_to_buffer (t, 2, GST_SECOND));
  fail_unless_equals_string (str (obj, "type"), "ground-targets");
  fail_unless_equals_int64 (num (obj, "frame_time"), GST_SECOND);
  arr = json_object_get_array_member (obj, "targets");
  fail_unless_equals_int (json_array_get_length (arr), 2);
  o = json_array_get_object_element (arr, 0);
  fail_unless (dbl (o, "north") == 1.25 && dbl (o, "east") == -2.5);
  fail_unless (dbl (o, "confidence") == 0.75 && dbl (o, "area") == 30);
  fail_unless (dbl (o, "pixel_x") == 100.5 && dbl (o, "pixel_y") == 200.25);
  o = json_array_get_object_element (arr, 1);
  fail_unless (dbl (o, "down") == -1.5 && dbl (o, "pixel_y") == 479);
  json_object_unref (obj);

  /* no targets, no time */
  buf = gst_ground_targets_to_buffer (NULL, 0, GST_CLOCK_TIME_NONE);
  obj = encode (h, buf);
  fail_unless (json_object_get_null_member (obj, "pts"));
  fail_unless (json_object_get_null_member (obj, "frame_time"));
  fail_unless_equals_int (json_array_get_length
      (json_object_get_array_member (obj, "targets")), 0);
  json_object_unref (obj);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_estimate)
{
  GstHarness *h = enc_harness (GST_TARGET_ESTIMATE_CAPS);
  GstTargetEstimate e;
  JsonObject *obj;

  gst_target_estimate_init (&e);
  e.id = 3;
  e.count = 120;
  e.flags = GST_TARGET_ESTIMATE_CONFIRMED;
  e.north = 25.125;
  e.east = -40.5;
  e.spread = 0.5;
  e.std_north = 0.3;
  e.std_east = 0.4;
  e.first_seen = GST_SECOND;
  obj = encode (h, gst_target_estimate_to_buffer (&e, 4 * GST_SECOND));
  fail_unless_equals_string (str (obj, "type"), "target-estimate");
  fail_unless_equals_int64 (num (obj, "id"), 3);
  fail_unless_equals_int64 (num (obj, "count"), 120);
  fail_unless (json_object_get_boolean_member (obj, "confirmed"));
  fail_if (json_object_get_boolean_member (obj, "final"));
  fail_unless (dbl (obj, "north") == 25.125 && dbl (obj, "east") == -40.5);
  fail_unless (dbl (obj, "spread") == 0.5 && dbl (obj, "std_east") == 0.4);
  fail_unless_equals_int64 (num (obj, "first_seen"), GST_SECOND);
  fail_unless (json_object_get_null_member (obj, "last_seen"));
  json_object_unref (obj);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_command)
{
  GstHarness *h = enc_harness (GST_FLIGHT_COMMAND_CAPS);
  GstFlightCommand c;
  JsonObject *obj;

  gst_flight_command_init (&c, GST_FLIGHT_COMMAND_GOTO);
  c.target_id = 2;
  c.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
  c.north = 10;
  c.east = -5.5;
  c.down = -20;
  c.yaw = 3;                    /* not set: not written */
  obj = encode (h, gst_flight_command_to_buffer (&c, GST_SECOND));
  fail_unless_equals_string (str (obj, "type"), "flight-command");
  fail_unless_equals_string (str (obj, "command"), "goto");
  fail_unless_equals_int64 (num (obj, "target_id"), 2);
  fail_unless (dbl (obj, "north") == 10 && dbl (obj, "down") == -20);
  fail_if (json_object_has_member (obj, "yaw"));
  fail_if (json_object_has_member (obj, "latitude"));
  json_object_unref (obj);

  gst_flight_command_init (&c, GST_FLIGHT_COMMAND_LAND);
  c.flags = GST_FLIGHT_COMMAND_HAS_GLOBAL | GST_FLIGHT_COMMAND_HAS_YAW;
  c.latitude = 43.47;
  c.yaw = 1.25;
  obj = encode (h, gst_flight_command_to_buffer (&c, 2 * GST_SECOND));
  fail_unless_equals_string (str (obj, "command"), "land");
  fail_unless (dbl (obj, "latitude") == 43.47 && dbl (obj, "yaw") == 1.25);
  fail_if (json_object_has_member (obj, "north"));
  json_object_unref (obj);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Video frames: a summary of their regions of interest. */
GST_START_TEST (test_detections)
{
  GstHarness *h = enc_harness ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=30/1");
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 64 * 48, NULL);
  GstVideoRegionOfInterestMeta *m;
  JsonObject *obj, *r, *p;
  JsonArray *regions;

  m = gst_buffer_add_video_region_of_interest_meta (buf, "target", 10, 12, 4,
      5);
  m->id = 0;
  gst_video_region_of_interest_meta_add_param (m,
      gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.5,
          "x", G_TYPE_DOUBLE, 11.5, "y", G_TYPE_DOUBLE, 14.0,
          "bad", G_TYPE_DOUBLE, NAN, "n", G_TYPE_UINT, 7,
          "label", G_TYPE_STRING, "bright", "ok", G_TYPE_BOOLEAN, TRUE,
          NULL));
  m = gst_buffer_add_video_region_of_interest_meta (buf, "face", 0, 0, 8, 8);
  m->id = 1;
  GST_BUFFER_PTS (buf) = 5 * GST_SECOND;

  obj = encode (h, buf);
  fail_unless_equals_string (str (obj, "type"), "detections");
  fail_unless_equals_int64 (num (obj, "width"), 64);
  fail_unless_equals_int64 (num (obj, "height"), 48);
  regions = json_object_get_array_member (obj, "regions");
  fail_unless_equals_int (json_array_get_length (regions), 2);
  r = json_array_get_object_element (regions, 0);
  fail_unless_equals_string (str (r, "roi_type"), "target");
  fail_unless (num (r, "x") == 10 && num (r, "y") == 12 && num (r, "w") == 4
      && num (r, "h") == 5 && num (r, "id") == 0);
  p = json_object_get_object_member (r, "detection");
  fail_unless (p != NULL);
  fail_unless (dbl (p, "confidence") == 0.5 && dbl (p, "x") == 11.5);
  fail_unless (json_object_get_null_member (p, "bad"));
  fail_unless_equals_int64 (num (p, "n"), 7);
  fail_unless_equals_string (str (p, "label"), "bright");
  fail_unless (json_object_get_boolean_member (p, "ok"));
  r = json_array_get_object_element (regions, 1);
  fail_unless_equals_string (str (r, "roi_type"), "face");
  fail_if (json_object_has_member (r, "detection"));
  json_object_unref (obj);

  /* a frame without regions */
  buf = gst_buffer_new_allocate (NULL, 64 * 48, NULL);
  obj = encode (h, buf);
  fail_unless_equals_int (json_array_get_length
      (json_object_get_array_member (obj, "regions")), 0);
  json_object_unref (obj);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_malformed_item)
{
  GstHarness *h = enc_harness (GST_TARGET_ESTIMATE_CAPS);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_allocate (NULL,
              12, NULL)), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "malformed target-estimate item (12 "
          "bytes") != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Through filesink: the file is JSON Lines, one detection per frame of
 * the bouncing ball. */
GST_START_TEST (test_file_output)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "jsonlinesenc-XXXXXX",
      NULL);
  gchar *desc, *contents = NULL, **lines;
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  gint fd = g_mkstemp (path);
  guint i;

  fail_unless (fd >= 0);
  close (fd);
  desc = g_strdup_printf ("videotestsrc pattern=ball num-buffers=5 ! "
      "video/x-raw,format=GRAY8,width=320,height=240 ! detecttarget ! "
      "jsonlinesenc ! filesink location=%s", path);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL);
  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  fail_unless_equals_int (g_strv_length (lines), 6);
  fail_unless_equals_string (lines[5], "");
  for (i = 0; i < 5; i++) {
    gchar *line = g_strconcat (lines[i], "\n", NULL);
    JsonObject *obj = parse_line (line, strlen (line));
    JsonArray *regions = json_object_get_array_member (obj, "regions");

    fail_unless_equals_string (str (obj, "type"), "detections");
    fail_unless_equals_int64 (num (obj, "pts"), i * GST_SECOND / 30);
    fail_unless_equals_int (json_array_get_length (regions), 1);
    fail_unless_equals_string (str (json_array_get_object_element (regions,
                0), "roi_type"), "target");
    json_object_unref (obj);
    g_free (line);
  }
  g_strfreev (lines);
  g_free (contents);
  g_unlink (path);
  g_free (path);
  g_free (desc);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
jsonlinesenc_suite (void)
{
  Suite *s = suite_create ("jsonlinesenc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_odometry);
  tcase_add_test (tc, test_ground_targets);
  tcase_add_test (tc, test_estimate);
  tcase_add_test (tc, test_command);
  tcase_add_test (tc, test_detections);
  tcase_add_test (tc, test_malformed_item);
  tcase_add_test (tc, test_file_output);
  return s;
}

GST_CHECK_MAIN (jsonlinesenc);
