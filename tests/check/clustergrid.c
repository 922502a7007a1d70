/* gst-workers: clusterestimate's incremental DBSCAN against the batch one
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * elements/autonomy/clustergrid.c, built into this test: after every
 * update, its clusters are gst_dbscan_2d()'s over the same window of
 * points (members and numbering), and every cluster it did not report as
 * changed has the members it had when last reported.
 */
#include <gst/check/gstcheck.h>
#include <gst/autonomy/autonomy.h>
#include "clustergrid.h"

typedef struct
{
  GHashTable *live;             /* ClusterComp -> itself */
} Seen;

static void
on_gone (ClusterComp * comp, gpointer user_data)
{
  Seen *seen = user_data;

  fail_unless (g_hash_table_remove (seen->live, comp));
  if (comp->data)
    g_array_unref (comp->data);
  comp->data = NULL;
}

static gint
compare_first_core (gconstpointer a, gconstpointer b)
{
  const ClusterComp *x = *(ClusterComp * const *) a;
  const ClusterComp *y = *(ClusterComp * const *) b;

  return x->first_core < y->first_core ? -1 : (x->first_core > y->first_core);
}

/* Checks the grid's clusters against gst_dbscan_2d() over the points
 * @oldest to @end - 1 of @xy, after an update that reported @changed. */
static void
check_clusters (ClusterGrid * g, Seen * seen, GPtrArray * changed,
    const gdouble * xy, guint oldest, guint end, gdouble eps, guint min_points)
{
  guint n = end - oldest, i, c, m, k;
  gint *want = g_new (gint, n + 1), *got = g_new (gint, n + 1);
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (guint));
  GPtrArray *comps = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  guint n_want;

  for (i = 0; i < changed->len; i++) {
    ClusterComp *comp = g_ptr_array_index (changed, i);

    g_hash_table_add (seen->live, comp);
    if (comp->data)
      g_array_unref (comp->data);
    comp->data = NULL;
  }
  g_hash_table_iter_init (&it, seen->live);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (comps, key);
  g_ptr_array_sort (comps, compare_first_core);

  n_want = gst_dbscan_2d (xy + 2 * oldest, n, eps, min_points, want);
  fail_unless_equals_int (comps->len, n_want);
  for (i = 0; i < n; i++)
    got[i] = GST_DBSCAN_NOISE;
  for (c = 0; c < comps->len; c++) {
    ClusterComp *comp = g_ptr_array_index (comps, c);

    g_array_set_size (seqs, 0);
    cluster_grid_members (g, comp, seqs);
    for (m = 0; m < seqs->len; m++) {
      guint s = g_array_index (seqs, guint, m);

      fail_unless (s >= oldest && s < end);
      fail_unless (m == 0 || s > g_array_index (seqs, guint, m - 1));
      fail_unless_equals_int (got[s - oldest], GST_DBSCAN_NOISE);
      got[s - oldest] = c;
    }
    /* an unchanged cluster has the members it had */
    if (comp->data) {
      GArray *had = comp->data;

      fail_unless_equals_int (had->len, seqs->len);
      for (k = 0; k < seqs->len; k++)
        fail_unless_equals_int (g_array_index (had, guint, k),
            g_array_index (seqs, guint, k));
    } else {
      comp->data = g_array_copy (seqs);
    }
  }
  for (i = 0; i < n; i++)
    fail_unless_equals_int (got[i], want[i]);

  g_ptr_array_unref (comps);
  g_array_unref (seqs);
  g_free (got);
  g_free (want);
}

/* Random clouds: targets that move, outliers, duplicates, points on cell
 * corners, a window that forgets the oldest points, several points added
 * or removed per update. */
GST_START_TEST (test_same_as_batch)
{
  GRand *r = g_rand_new_with_seed (16);
  guint round;

  for (round = 0; round < 20; round++) {
    gdouble eps = g_rand_double_range (r, 0.3, 2.0), side = eps / G_SQRT2;
    guint min_points = g_rand_int_range (r, 1, 8);
    guint window = g_rand_int_range (r, 10, 200);
    guint total = g_rand_int_range (r, 50, 300), oldest = 0, end = 0, i, t;
    gdouble *xy = g_new (gdouble, 2 * total), targets[8];
    GPtrArray *changed = g_ptr_array_new ();
    Seen seen = { g_hash_table_new (NULL, NULL) };
    ClusterGrid *g = cluster_grid_new (eps, min_points, on_gone, &seen);

    for (t = 0; t < 4; t++) {
      targets[2 * t] = g_rand_double_range (r, -6, 6);
      targets[2 * t + 1] = g_rand_double_range (r, -6, 6);
    }
    for (i = 0; i < total; i++) {
      switch (g_rand_int_range (r, 0, 6)) {
        case 0:
          xy[2 * i] = g_rand_double_range (r, -10, 10);
          xy[2 * i + 1] = g_rand_double_range (r, -10, 10);
          break;
        case 1:
          xy[2 * i] = side * g_rand_int_range (r, -8, 8);
          xy[2 * i + 1] = side * g_rand_int_range (r, -8, 8);
          break;
        case 2:
          if (i > 0) {
            guint k = g_rand_int_range (r, 0, i);

            xy[2 * i] = xy[2 * k];
            xy[2 * i + 1] = xy[2 * k + 1];
            break;
          }
          /* fall through */
        default:
          t = g_rand_int_range (r, 0, 4);
          xy[2 * i] = targets[2 * t] + g_rand_double_range (r, -1, 1);
          xy[2 * i + 1] = targets[2 * t + 1] + g_rand_double_range (r, -1, 1);
          if (g_rand_int_range (r, 0, 30) == 0)
            targets[2 * t] += g_rand_double_range (r, -2, 2);
          break;
      }
    }
    while (end < total) {
      /* (MIN evaluates its arguments twice: not a g_rand call in it) */
      guint add = g_rand_int_range (r, 0, 6);

      add = MIN (add, total - end);

      for (i = 0; i < add; i++, end++)
        cluster_grid_add (g, xy[2 * end], xy[2 * end + 1]);
      for (; end - oldest > window; oldest++)
        cluster_grid_remove_oldest (g);
      if (g_rand_int_range (r, 0, 10) == 0)
        for (i = g_rand_int_range (r, 0, 5); i > 0 && oldest < end; i--)
          cluster_grid_remove_oldest (g), oldest++;
      fail_unless_equals_int (cluster_grid_first_seq (g), oldest);
      fail_unless_equals_int (cluster_grid_next_seq (g), end);
      g_ptr_array_set_size (changed, 0);
      cluster_grid_update (g, changed);
      check_clusters (g, &seen, changed, xy, oldest, end, eps, min_points);
    }
    cluster_grid_free (g);
    fail_unless_equals_int (g_hash_table_size (seen.live), 0);
    g_hash_table_unref (seen.live);
    g_ptr_array_unref (changed);
    g_free (xy);
  }
  g_rand_free (r);
}

GST_END_TEST;

static Suite *
clustergrid_suite (void)
{
  Suite *s = suite_create ("clustergrid");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_same_as_batch);
  return s;
}

GST_CHECK_MAIN (clustergrid);
