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


/* A plain O(n^2) DBSCAN with the same conventions: clusters numbered by
 * their first core point, a border point joins its nearest core point
 * (lowest index on a tie). */
static guint
reference_dbscan (const gdouble * p, guint n, gdouble eps, guint min_points,
    gint * labels)
{
  gboolean *core = g_new0 (gboolean, n);
  gint *parent = g_new (gint, n), *num = g_new (gint, n);
  gdouble eps2 = eps * eps;
  guint i, j, n_clusters = 0;

  for (i = 0; i < n; i++) {
    guint count = 0;

    for (j = 0; j < n; j++) {
      gdouble dx = p[2 * i] - p[2 * j], dy = p[2 * i + 1] - p[2 * j + 1];

      if (dx * dx + dy * dy <= eps2)
        count++;
    }
    core[i] = count >= min_points;
    parent[i] = i;
    num[i] = -1;
  }
  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++) {
      gdouble dx = p[2 * i] - p[2 * j], dy = p[2 * i + 1] - p[2 * j + 1];

      if (core[i] && core[j] && dx * dx + dy * dy <= eps2) {
        gint a = i, b = j;

        while (parent[a] != a)
          a = parent[a];
        while (parent[b] != b)
          b = parent[b];
        parent[MAX (a, b)] = MIN (a, b);
      }
    }
  for (i = 0; i < n; i++) {
    gint r = i;

    labels[i] = -1;
    if (!core[i])
      continue;
    while (parent[r] != r)
      r = parent[r];
    if (num[r] < 0)
      num[r] = n_clusters++;
    labels[i] = num[r];
  }
  for (i = 0; i < n; i++) {
    gdouble best = G_MAXDOUBLE;
    gint best_j = -1;

    if (core[i])
      continue;
    for (j = 0; j < n; j++) {
      gdouble dx = p[2 * i] - p[2 * j], dy = p[2 * i + 1] - p[2 * j + 1];
      gdouble d = dx * dx + dy * dy;

      if (core[j] && d <= eps2 && d < best) {
        best = d;
        best_j = j;
      }
    }
    if (best_j >= 0)
      labels[i] = labels[best_j];
  }
  g_free (core);
  g_free (parent);
  g_free (num);
  return n_clusters;
}

/* The grid DBSCAN labels random clouds exactly like the plain one:
 * clusters, outliers, duplicates, points on cell edges, chains. */
GST_START_TEST (test_dbscan_matches_reference)
{
  GRand *r = g_rand_new_with_seed (11);
  guint round;

  for (round = 0; round < 200; round++) {
    guint n = g_rand_int_range (r, 0, 300);
    gdouble eps = g_rand_double_range (r, 0.2, 3.0);
    guint min_points = g_rand_int_range (r, 1, 9);
    gdouble *p = g_new (gdouble, 2 * n + 1);
    gint *got = g_new (gint, n + 1), *want = g_new (gint, n + 1);
    guint i, n_got, n_want;
    gdouble side = eps / G_SQRT2;

    for (i = 0; i < n; i++) {
      switch (g_rand_int_range (r, 0, 5)) {
        case 0:                /* uniform */
          p[2 * i] = g_rand_double_range (r, -30, 30);
          p[2 * i + 1] = g_rand_double_range (r, -30, 30);
          break;
        case 1:                /* a duplicate */
          if (i > 0) {
            guint k = g_rand_int_range (r, 0, i);

            p[2 * i] = p[2 * k];
            p[2 * i + 1] = p[2 * k + 1];
            break;
          }
          /* fall through */
        case 2:                /* on a cell corner */
          p[2 * i] = side * g_rand_int_range (r, -20, 20);
          p[2 * i + 1] = side * g_rand_int_range (r, -20, 20);
          break;
        default:               /* around one of four centres */
          p[2 * i] = 10 * g_rand_int_range (r, -1, 1) +
              g_rand_double_range (r, -2, 2);
          p[2 * i + 1] = 10 * g_rand_int_range (r, -1, 1) +
              g_rand_double_range (r, -2, 2);
          break;
      }
    }
    n_got = gst_dbscan_2d (p, n, eps, min_points, got);
    n_want = reference_dbscan (p, n, eps, min_points, want);
    fail_unless_equals_int (n_got, n_want);
    for (i = 0; i < n; i++)
      fail_unless_equals_int (got[i], want[i]);
    g_free (p);
    g_free (got);
    g_free (want);
  }
  g_rand_free (r);
}

GST_END_TEST;

/* Two tight groups and an outlier, by hand. */
GST_START_TEST (test_dbscan_by_hand)
{
  const gdouble p[] = {
    0, 0, 0.5, 0, 0, 0.5,       /* a group of three */
    10, 10,                     /* alone */
    5, 5, 5.5, 5, 5, 5.5, 5.9, 5,       /* a group of four */
    1.4, 0,                     /* border of the first: 0.9 from (0.5, 0) */
  };
  gint labels[9];

  fail_unless_equals_int (gst_dbscan_2d (p, 9, 1.0, 3, labels), 2);
  fail_unless_equals_int (labels[0], 0);
  fail_unless_equals_int (labels[1], 0);
  fail_unless_equals_int (labels[2], 0);
  fail_unless_equals_int (labels[3], GST_DBSCAN_NOISE);
  fail_unless_equals_int (labels[4], 1);
  fail_unless_equals_int (labels[5], 1);
  fail_unless_equals_int (labels[6], 1);
  fail_unless_equals_int (labels[7], 1);
  fail_unless_equals_int (labels[8], 0);
  fail_unless_equals_int (gst_dbscan_2d (NULL, 0, 1.0, 3, NULL), 0);
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
  tcase_add_test (tc, test_dbscan_by_hand);
  tcase_add_test (tc, test_dbscan_matches_reference);
  return s;
}

GST_CHECK_MAIN (autonomytargets);
