/* gst-workers: clusterestimate's kept clusters and their split, alone
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * elements/autonomy/clustersplit.c (a cluster's estimate and its split
 * by frames: pure functions) and clusterparts.c (the clusters and their
 * parts kept between updates), built into this test: the functions on
 * small hand-made clusters; ClusterParts after every update against the
 * batch (gst_dbscan_2d(), then the same split and estimates of each
 * cluster), and its `gone` calls against the parts it made.
 */
#include <gst/check/gstcheck.h>
#include <gst/autonomy/autonomy.h>
#include "clusterparts.h"

static ClusterPoint
pt (gdouble north, gdouble east, guint64 frame)
{
  ClusterPoint q = { north, east, -1.0, frame * GST_SECOND, frame };

  return q;
}

GST_START_TEST (test_group_by_label)
{
  const gint label[] = { 1, -1, 0, 1, 2, 0, -1 };
  const guint ids[] = { 10, 11, 12, 13, 14, 15, 16 };
  const guint want[] = { 12, 15, 10, 13, 14 };
  const guint want_start[] = { 0, 2, 4, 5 };
  guint start[4], *members, i;

  members = cluster_split_group (label, ids, G_N_ELEMENTS (label), 3, start);
  for (i = 0; i < 4; i++)
    fail_unless_equals_int (start[i], want_start[i]);
  for (i = 0; i < G_N_ELEMENTS (want); i++)
    fail_unless_equals_int (members[i], want[i]);
  g_free (members);

  /* without ids: the indices */
  members = cluster_split_group (label, NULL, G_N_ELEMENTS (label), 3, start);
  fail_unless_equals_int (members[0], 2);
  fail_unless_equals_int (members[4], 4);
  g_free (members);
}

GST_END_TEST;

/* The mean, then the mean of those within 3 RMS radii: a far member is
 * left out of the second. */
GST_START_TEST (test_estimate_clips_far_members)
{
  ClusterPoint pts[21];
  guint members[21], start[2] = { 0, 21 }, i;
  GstTargetEstimate est;

  for (i = 0; i < 20; i++) {
    pts[i] = pt (i % 2 ? 1.1 : 0.9, i % 4 < 2 ? 2.1 : 1.9, i + 1);
    members[i] = i;
  }
  pts[20] = pt (30.0, 2.0, 40);
  members[20] = 20;
  cluster_split_estimates (pts, members, start, 1, &est);
  fail_unless_equals_int (est.count, 20);
  fail_unless (fabs (est.north - 1.0) < 1e-12);
  fail_unless (fabs (est.east - 2.0) < 1e-12);
  fail_unless (fabs (est.spread - sqrt (0.02)) < 1e-12);
  fail_unless_equals_uint64 (est.first_seen, 1 * GST_SECOND);
  fail_unless_equals_uint64 (est.last_seen, 20 * GST_SECOND);
  fail_unless_equals_int (est.id, 0);

  /* each cluster its own members: two clusters at once */
  {
    guint start2[3] = { 0, 10, 20 };
    GstTargetEstimate two[2];

    cluster_split_estimates (pts, members, start2, 2, two);
    fail_unless_equals_int (two[0].count, 10);
    fail_unless_equals_int (two[1].count, 10);
    fail_unless_equals_uint64 (two[1].first_seen, 11 * GST_SECOND);
  }
}

GST_END_TEST;

/* Two targets 3 m apart joined by a chain: five frames show both (more
 * than eps apart): split in two; with min_points 6 they are too few. */
GST_START_TEST (test_split_by_frames)
{
  ClusterPoint pts[40];
  guint members[40], n = 0, i, k;
  gint part[40];

  for (i = 0; i < 5; i++) {
    pts[n++] = pt (0.0 + 0.01 * i, 0.0, i);
    pts[n++] = pt (3.0 - 0.01 * i, 0.0, i);
  }
  for (i = 0; i < 10; i++)
    pts[n++] = pt (0.3 * (i + 0.5), 0.0, 10 + i);
  for (i = 0; i < n; i++)
    members[i] = i;

  k = cluster_split_members (pts, members, n, 1.0, 5, part);
  fail_unless_equals_int (k, 2);
  for (i = 0; i < 10; i++)
    fail_unless_equals_int (part[i], part[i % 2]);
  fail_unless (part[0] != part[1]);
  /* the chain goes to the nearer target */
  fail_unless_equals_int (part[10], part[0]);
  fail_unless_equals_int (part[19], part[1]);

  fail_unless_equals_int (cluster_split_members (pts, members, n, 1.0, 6,
          part), 1);
  /* the two of a frame within eps are one target seen twice */
  fail_unless_equals_int (cluster_split_members (pts, members, n, 3.5, 5,
          part), 1);
}

GST_END_TEST;

typedef struct
{
  GHashTable *live;             /* ClusterPart -> itself */
} Seen;

static void
on_gone (ClusterPart * part, gpointer user_data)
{
  Seen *seen = user_data;

  fail_unless (part->track == part);
  fail_unless (g_hash_table_remove (seen->live, part));
}

static gint
compare_part_pointers (gconstpointer a, gconstpointer b)
{
  return cluster_parts_compare (*(ClusterPart * const *) a,
      *(ClusterPart * const *) b);
}

/* The batch's estimates of the @n points @pts: DBSCAN, each cluster
 * split, the parts after all clusters; returns their number. */
static guint
batch_estimates (const ClusterPoint * pts, guint n, gdouble eps,
    guint min_points, GstTargetEstimate ** ests)
{
  gdouble *xy = g_new (gdouble, 2 * n + 1);
  gint *labels = g_new (gint, n + 1), *part = g_new (gint, n + 1);
  guint *start, *members, k, c, m, i, total;

  for (i = 0; i < n; i++) {
    xy[2 * i] = pts[i].north;
    xy[2 * i + 1] = pts[i].east;
  }
  k = gst_dbscan_2d (xy, n, eps, min_points, labels);
  start = g_new (guint, k + 1);
  members = cluster_split_group (labels, NULL, n, k, start);
  total = k;
  for (c = 0; c < k; c++) {
    guint parts = cluster_split_members (pts, members + start[c],
        start[c + 1] - start[c], eps, min_points, part);

    for (m = start[c]; m < start[c + 1]; m++)
      if (parts > 1 && part[m - start[c]] > 0)
        labels[members[m]] = total + part[m - start[c]] - 1;
    total += parts - 1;
  }
  g_free (members);
  g_free (start);
  start = g_new (guint, total + 1);
  members = cluster_split_group (labels, NULL, n, total, start);
  *ests = g_new (GstTargetEstimate, total + 1);
  cluster_split_estimates (pts, members, start, total, *ests);
  g_free (members);
  g_free (start);
  g_free (part);
  g_free (labels);
  g_free (xy);
  return total;
}

/* Random streams of frames (targets seen alone or two at once, false
 * detections), a window that forgets the oldest: after every update the
 * parts kept and made are the batch's, in its order, with its estimates
 * bit for bit; a part is let go (gone) exactly once. */
GST_START_TEST (test_same_as_batch)
{
  GRand *r = g_rand_new_with_seed (18);
  guint round;

  for (round = 0; round < 12; round++) {
    gdouble eps = g_rand_double_range (r, 0.5, 1.5);
    guint min_points = g_rand_int_range (r, 2, 6);
    guint window = g_rand_int_range (r, 20, 150);
    guint frames = g_rand_int_range (r, 30, 120), f, i, t;
    GArray *all = g_array_new (FALSE, FALSE, sizeof (ClusterPoint));
    GPtrArray *dirty = g_ptr_array_new (), *live = g_ptr_array_new ();
    Seen seen = { g_hash_table_new (NULL, NULL) };
    guint oldest = 0, seq = 1000;
    ClusterParts *cp = cluster_parts_new (eps, min_points, seq, on_gone,
        &seen);
    gdouble targets[8];
    ClusterPoint q = { 0, 0, -1.0, 0, 0 };

    for (t = 0; t < 4; t++) {
      targets[2 * t] = g_rand_double_range (r, -5, 5);
      targets[2 * t + 1] = g_rand_double_range (r, -5, 5);
    }
    for (f = 0; f < frames; f++) {
      guint shown = g_rand_int_range (r, 0, 3), n_parts, n_want;
      GstTargetEstimate *want;
      GHashTableIter it;
      gpointer key;

      for (i = 0; i < shown; i++) {
        t = g_rand_int_range (r, 0, 4);
        q.north = targets[2 * t] + g_rand_double_range (r, -0.4, 0.4);
        q.east = targets[2 * t + 1] + g_rand_double_range (r, -0.4, 0.4);
        q.time = f * GST_MSECOND;
        q.frame = f;
        g_array_append_val (all, q);
      }
      if (g_rand_int_range (r, 0, 4) == 0) {
        q.north = g_rand_double_range (r, -8, 8);
        q.east = g_rand_double_range (r, -8, 8);
        q.time = f * GST_MSECOND;
        q.frame = f;
        g_array_append_val (all, q);
      }
      if (all->len - oldest > window)
        oldest = all->len - window;

      g_ptr_array_set_size (dirty, 0);
      cluster_parts_update (cp, (ClusterPoint *) all->data + oldest,
          seq + oldest, all->len - oldest, dirty);
      for (i = 0; i < dirty->len; i++) {
        ClusterPart *part = g_ptr_array_index (dirty, i);

        fail_unless (part->track == NULL);
        fail_unless (g_hash_table_add (seen.live, part));
        part->track = part;
      }

      g_ptr_array_set_size (live, 0);
      g_hash_table_iter_init (&it, seen.live);
      while (g_hash_table_iter_next (&it, &key, NULL))
        g_ptr_array_add (live, key);
      g_ptr_array_sort (live, compare_part_pointers);
      n_parts = live->len;
      n_want = batch_estimates ((ClusterPoint *) all->data + oldest,
          all->len - oldest, eps, min_points, &want);
      fail_unless_equals_int (n_parts, n_want);
      for (i = 0; i < n_parts; i++) {
        const GstTargetEstimate *got =
            &((ClusterPart *) g_ptr_array_index (live, i))->est;

        fail_unless (got->north == want[i].north);
        fail_unless (got->east == want[i].east);
        fail_unless (got->down == want[i].down);
        fail_unless (got->spread == want[i].spread);
        fail_unless (got->std_north == want[i].std_north);
        fail_unless (got->std_east == want[i].std_east);
        fail_unless_equals_int (got->count, want[i].count);
        fail_unless_equals_uint64 (got->first_seen, want[i].first_seen);
        fail_unless_equals_uint64 (got->last_seen, want[i].last_seen);
      }
      g_free (want);
    }
    cluster_parts_free (cp);
    fail_unless_equals_int (g_hash_table_size (seen.live), 0);
    g_hash_table_unref (seen.live);
    g_ptr_array_unref (live);
    g_ptr_array_unref (dirty);
    g_array_unref (all);
  }
  g_rand_free (r);
}

GST_END_TEST;

static Suite *
clusterparts_suite (void)
{
  Suite *s = suite_create ("clusterparts");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_group_by_label);
  tcase_add_test (tc, test_estimate_clips_far_members);
  tcase_add_test (tc, test_split_by_frames);
  tcase_add_test (tc, test_same_as_batch);
  return s;
}

GST_CHECK_MAIN (clusterparts);
