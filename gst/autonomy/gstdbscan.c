/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstdbscan
 * @title: DBSCAN
 * @short_description: density-based clustering of points in the plane
 *
 * DBSCAN (Ester, Kriegel, Sander and Xu, "A density-based algorithm for
 * discovering clusters in large spatial databases with noise", KDD 1996)
 * groups points that lie in dense regions and leaves the others as noise:
 * a point with at least `min_points` points (itself included) within
 * `eps` is a core point; core points within `eps` of each other are in the
 * same cluster; a point that is not core but within `eps` of a core point
 * is a border point of its cluster; the rest is noise. It needs no number
 * of clusters, and it rejects isolated outliers by construction.
 *
 * The implementation is the exact grid algorithm for the plane (Gunawan,
 * "A faster algorithm for DBSCAN", TU Eindhoven 2013; de Berg, Gunawan and
 * Roeloffzen, ISAAC 2017): points are binned in square cells of side
 * eps / sqrt 2, so that all the points of a cell are within `eps` of each
 * other; a cell holding `min_points` points is all core without any
 * distance computed, only the 20 cells around a cell can hold neighbours,
 * and two cells are joined as soon as one pair of their core points is
 * close enough. Dense clusters cost time linear in their size instead of
 * quadratic.
 *
 * The result does not depend on the order of the points except for the
 * numbering of clusters (by their lowest-indexed core point) and for a
 * border point within `eps` of two clusters, which joins the cluster of its
 * nearest core point (the lowest index on a tie).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include "gstdbscan.h"

typedef struct
{
  gint64 key;                   /* what the hash table points at */
  gint head, tail;              /* first and last point, linked by next */
  guint count;
  gint uf;                      /* union-find parent among cells */
  gboolean has_core;
} Cell;

typedef struct
{
  const gdouble *p;
  gdouble eps2;
  gint *cell_of;                /* point -> cell */
  gint *next;                   /* point -> next point of its cell */
  gboolean *core;
  Cell *cells;
  GHashTable *index;            /* &cell.key -> cell index + 1 */
  gint32 *cx, *cy;              /* point -> cell coordinates */
} Grid;

static inline gint64
cell_key (gint32 x, gint32 y)
{
  return (gint64) (((guint64) (guint32) x << 32) | (guint32) y);
}

static gint
grid_lookup (const Grid * g, gint32 x, gint32 y)
{
  gint64 key = cell_key (x, y);

  return GPOINTER_TO_INT (g_hash_table_lookup (g->index, &key)) - 1;
}

static inline gdouble
dist2 (const gdouble * p, gint a, gint b)
{
  gdouble dx = p[2 * a] - p[2 * b], dy = p[2 * a + 1] - p[2 * b + 1];

  return dx * dx + dy * dy;
}

/* The cells that can hold points within eps of a point in cell (0, 0):
 * the 5 x 5 block without its corners. */
static const gint8 around[][2] = {
  {-1, -2}, {0, -2}, {1, -2},
  {-2, -1}, {-1, -1}, {0, -1}, {1, -1}, {2, -1},
  {-2, 0}, {-1, 0}, {0, 0}, {1, 0}, {2, 0},
  {-2, 1}, {-1, 1}, {0, 1}, {1, 1}, {2, 1},
  {-1, 2}, {0, 2}, {1, 2},
};

static gint
uf_find (Cell * cells, gint i)
{
  while (cells[i].uf != i) {
    cells[i].uf = cells[cells[i].uf].uf;
    i = cells[i].uf;
  }
  return i;
}

/* Whether some core point of cell @a is within eps of a core point of
 * cell @b. */
static gboolean
cells_touch (const Grid * g, gint a, gint b)
{
  gint i, j;

  for (i = g->cells[a].head; i >= 0; i = g->next[i]) {
    if (!g->core[i])
      continue;
    for (j = g->cells[b].head; j >= 0; j = g->next[j])
      if (g->core[j] && dist2 (g->p, i, j) <= g->eps2)
        return TRUE;
  }
  return FALSE;
}

/**
 * gst_dbscan_2d: (skip)
 * @points: (array): @n_points pairs of coordinates (x, y), finite
 * @n_points: how many points
 * @eps: the neighbourhood radius, > 0
 * @min_points: how many points (itself included) a core point has within
 *   @eps, at least 1
 * @labels: (out caller-allocates) (array length=n_points): each point's
 *   cluster, from 0, or %GST_DBSCAN_NOISE
 *
 * Clusters @points with DBSCAN.
 *
 * Returns: the number of clusters
 *
 * Since: 0.1
 */
guint
gst_dbscan_2d (const gdouble * points, guint n_points, gdouble eps,
    guint min_points, gint * labels)
{
  gdouble side = eps / G_SQRT2;
  gint *cluster_of_root;
  guint n_cells = 0, n_clusters = 0;
  Grid g;
  gint i, c, k;

  g_return_val_if_fail (points != NULL || n_points == 0, 0);
  g_return_val_if_fail (labels != NULL || n_points == 0, 0);
  g_return_val_if_fail (eps > 0 && min_points >= 1, 0);
  g_return_val_if_fail (n_points <= G_MAXINT / 2, 0);

  if (n_points == 0)
    return 0;

  g.p = points;
  g.eps2 = eps * eps;
  g.cell_of = g_new (gint, n_points);
  g.next = g_new (gint, n_points);
  g.core = g_new0 (gboolean, n_points);
  g.cells = g_new (Cell, n_points);
  g.cx = g_new (gint32, n_points);
  g.cy = g_new (gint32, n_points);
  g.index = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* bin the points, each cell's list in index order */
  for (i = 0; i < (gint) n_points; i++) {
    gdouble fx = floor (points[2 * i] / side);
    gdouble fy = floor (points[2 * i + 1] / side);
    gint64 key;
    Cell *cell;

    g.cx[i] = (gint32) CLAMP (fx, -1e9, 1e9);
    g.cy[i] = (gint32) CLAMP (fy, -1e9, 1e9);
    key = cell_key (g.cx[i], g.cy[i]);
    c = GPOINTER_TO_INT (g_hash_table_lookup (g.index, &key)) - 1;
    if (c < 0) {
      c = n_cells++;
      cell = &g.cells[c];
      cell->key = key;
      cell->head = cell->tail = -1;
      cell->count = 0;
      cell->uf = c;
      cell->has_core = FALSE;
      g_hash_table_insert (g.index, &cell->key, GINT_TO_POINTER (c + 1));
    }
    cell = &g.cells[c];
    g.cell_of[i] = c;
    g.next[i] = -1;
    if (cell->tail >= 0)
      g.next[cell->tail] = i;
    else
      cell->head = i;
    cell->tail = i;
    cell->count++;
  }

  /* core points */
  for (i = 0; i < (gint) n_points; i++) {
    guint count = 0;

    if (g.cells[g.cell_of[i]].count >= min_points) {
      g.core[i] = TRUE;
    } else {
      for (k = 0; k < (gint) G_N_ELEMENTS (around) && count < min_points; k++) {
        gint nc = grid_lookup (&g, g.cx[i] + around[k][0],
            g.cy[i] + around[k][1]);
        gint j;

        if (nc < 0)
          continue;
        for (j = g.cells[nc].head; j >= 0 && count < min_points; j = g.next[j])
          if (dist2 (points, i, j) <= g.eps2)
            count++;
      }
      g.core[i] = count >= min_points;
    }
    if (g.core[i])
      g.cells[g.cell_of[i]].has_core = TRUE;
  }

  /* join the cells whose core points are close */
  for (c = 0; c < (gint) n_cells; c++) {
    gint32 x, y;

    if (!g.cells[c].has_core)
      continue;
    x = g.cx[g.cells[c].head];
    y = g.cy[g.cells[c].head];
    for (k = 0; k < (gint) G_N_ELEMENTS (around); k++) {
      gint nc = grid_lookup (&g, x + around[k][0], y + around[k][1]);

      if (nc <= c || !g.cells[nc].has_core)
        continue;
      if (uf_find (g.cells, c) == uf_find (g.cells, nc))
        continue;
      if (cells_touch (&g, c, nc)) {
        gint ra = uf_find (g.cells, c), rb = uf_find (g.cells, nc);

        g.cells[MAX (ra, rb)].uf = MIN (ra, rb);
      }
    }
  }

  /* number the clusters by their first core point */
  cluster_of_root = g_new (gint, n_cells);
  for (c = 0; c < (gint) n_cells; c++)
    cluster_of_root[c] = -1;
  for (i = 0; i < (gint) n_points; i++) {
    gint root;

    labels[i] = GST_DBSCAN_NOISE;
    if (!g.core[i])
      continue;
    root = uf_find (g.cells, g.cell_of[i]);
    if (cluster_of_root[root] < 0)
      cluster_of_root[root] = n_clusters++;
    labels[i] = cluster_of_root[root];
  }

  /* border points join their nearest core point's cluster */
  for (i = 0; i < (gint) n_points; i++) {
    gdouble best = G_MAXDOUBLE;
    gint best_j = -1;

    if (g.core[i])
      continue;
    for (k = 0; k < (gint) G_N_ELEMENTS (around); k++) {
      gint nc = grid_lookup (&g, g.cx[i] + around[k][0],
          g.cy[i] + around[k][1]);
      gint j;

      if (nc < 0 || !g.cells[nc].has_core)
        continue;
      for (j = g.cells[nc].head; j >= 0; j = g.next[j]) {
        gdouble d;

        if (!g.core[j])
          continue;
        d = dist2 (points, i, j);
        if (d <= g.eps2 && (d < best || (d == best && j < best_j))) {
          best = d;
          best_j = j;
        }
      }
    }
    if (best_j >= 0)
      labels[i] = labels[best_j];
  }

  g_free (cluster_of_root);
  g_hash_table_unref (g.index);
  g_free (g.cell_of);
  g_free (g.next);
  g_free (g.core);
  g_free (g.cells);
  g_free (g.cx);
  g_free (g.cy);
  return n_clusters;
}
