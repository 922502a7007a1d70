/* gst-workers: benchworker, the benchmarks' worker, with and without touch
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

static GstBuffer *
patterned (gsize size, guint salt)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;
  gsize i;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (i = 0; i < size; i++)
    map.data[i] = (guint8) (i * 7 + salt);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* what touch=true must add up: one byte of every 64-byte line */
static guint64
expected_sum (gsize size, guint salt)
{
  guint64 sum = 0;
  gsize i;

  for (i = 0; i < size; i += 64)
    sum += (guint8) (i * 7 + salt);
  return sum;
}

static guint64
checksum (GstHarness * h)
{
  guint64 v = G_MAXUINT64;

  g_object_get (h->element, "checksum", &v, NULL);
  return v;
}

/* pushes an item and pulls it back: the same buffer, data intact */
static void
round_trip (GstHarness * h, gsize size, guint salt)
{
  GstBuffer *in = patterned (size, salt), *out;

  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out == in);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
}

GST_START_TEST (test_pointer_only_reads_nothing)
{
  GstHarness *h = gst_harness_new ("benchworker");
  gboolean touch = TRUE;

  gst_harness_set_src_caps_str (h, "application/x-bench");
  g_object_get (h->element, "touch", &touch, NULL);
  fail_if (touch);
  round_trip (h, 1000, 3);
  round_trip (h, 64, 5);
  fail_unless_equals_uint64 (checksum (h), 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_touch_reads_every_cache_line)
{
  GstHarness *h = gst_harness_new ("benchworker");
  guint64 want = 0;

  g_object_set (h->element, "touch", TRUE, NULL);
  gst_harness_set_src_caps_str (h, "application/x-bench");
  /* not a whole number of lines, one line, one byte, a frame */
  round_trip (h, 1000, 3);
  want += expected_sum (1000, 3);
  fail_unless_equals_uint64 (checksum (h), want);
  round_trip (h, 64, 5);
  round_trip (h, 1, 200);
  round_trip (h, 1920 * 1080 * 3, 11);
  want += expected_sum (64, 5) + expected_sum (1, 200)
      + expected_sum (1920 * 1080 * 3, 11);
  fail_unless_equals_uint64 (checksum (h), want);

  /* off again while playing: nothing more read */
  g_object_set (h->element, "touch", FALSE, NULL);
  round_trip (h, 1000, 9);
  fail_unless_equals_uint64 (checksum (h), want);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
benchworker_suite (void)
{
  Suite *s = suite_create ("benchworker");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pointer_only_reads_nothing);
  tcase_add_test (tc, test_touch_reads_every_cache_line);
  return s;
}

GST_CHECK_MAIN (benchworker);
