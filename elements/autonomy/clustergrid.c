/* gst-workers: DBSCAN kept up to date as points come and go
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules are those of gst_dbscan_2d() (gst/autonomy/gstdbscan.c), the
 * grid algorithm: cells of side eps / sqrt 2; a point is core when its
 * cell holds min_points points or when min_points points (itself
 * included) are within eps of it; two cells with core points are joined
 * when a core point of one is within eps of a core point of the other; a
 * cluster is a set of joined cells, numbered by its first core point; a
 * point that is not core belongs to the cluster of its nearest core point
 * within eps (the oldest on a tie), or to none.
 *
 * Between updates the grid, each point's core status and border cluster
 * and each cell's cluster are kept. An update only looks at what the
 * changed points can have changed:
 * - a point's core status depends on the points within eps: only points
 *   in the 21 cells around a cell where points came or went (D) change;
 * - the clusters with a cell in D are dissolved and their cells
 *   (R = D and those) joined again from scratch; joining one of them to
 *   a cell of an untouched cluster brings that whole cluster in (adding
 *   points never splits a cluster; a removed point only splits the
 *   cluster it was near, which is dissolved);
 * - border points follow their nearest core point: only those in the
 *   cells around R can have another one; an untouched cluster that
 *   loses or gains a border point is reported as changed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include "clustergrid.h"

#define NONE G_MAXUINT

typedef struct _Cell Cell;
struct _Cell
{
  gint64 key;                   /* what the hash table points at */
  gint32 x, y;
  guint head, tail;             /* first and last point, linked by next */
  guint count, n_core;
  ClusterComp *comp;            /* when n_core > 0 */
  guint in_r, seen;             /* stamps */
  gboolean touched;             /* points came or went */
};

typedef struct
{
  gdouble x, y;
  Cell *cell;
  guint next;                   /* the next point of its cell */
  gboolean core;
  ClusterComp *border;          /* not core: its cluster, or NULL */
} GridPoint;

struct _ClusterGrid
{
  gdouble side, eps2;
  guint min_points;
  ClusterCompGone gone;
  gpointer user_data;
  GArray *points;               /* GridPoint, points[0] is seq base */
  guint base, first, next_seq;  /* first: the oldest kept */
  GHashTable *cells;            /* &Cell.key -> Cell */
  GPtrArray *touched;           /* Cell */
  guint stamp;
};

/* The cells that can hold points within eps of a point in cell (0, 0):
 * the 5 x 5 block without its corners, filled in by cluster_grid_new(). */
static gint8 around[21][2];

static inline gint64
cell_key (gint32 x, gint32 y)
{
  return (gint64) (((guint64) (guint32) x << 32) | (guint32) y);
}

guint
cluster_grid_cell_hash (gconstpointer key)
{
  guint64 v = *(const guint64 *) key;

  v ^= v >> 33;
  v *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  v ^= v >> 33;
  return (guint) v;
}

static inline GridPoint *
point (const ClusterGrid * g, guint seq)
{
  return &g_array_index (g->points, GridPoint, seq - g->base);
}

static Cell *
lookup (const ClusterGrid * g, gint32 x, gint32 y)
{
  gint64 key = cell_key (x, y);

  return g_hash_table_lookup (g->cells, &key);
}

static inline gdouble
dist2 (const GridPoint * a, const GridPoint * b)
{
  gdouble dx = a->x - b->x, dy = a->y - b->y;

  return dx * dx + dy * dy;
}

static void
comp_free (ClusterComp * c)
{
  g_array_unref (c->cells);
  g_free (c);
}

ClusterGrid *
cluster_grid_new (gdouble eps, guint min_points, ClusterCompGone gone,
    gpointer user_data)
{
  static gsize filled = 0;
  ClusterGrid *g = g_new0 (ClusterGrid, 1);

  if (g_once_init_enter (&filled)) {
    gint x, y, k = 0;

    for (y = -2; y <= 2; y++)
      for (x = -2; x <= 2; x++)
        if (ABS (x) + ABS (y) < 4) {
          around[k][0] = x;
          around[k][1] = y;
          k++;
        }
    g_once_init_leave (&filled, 1);
  }
  g->side = eps / G_SQRT2;
  g->eps2 = eps * eps;
  g->min_points = min_points;
  g->gone = gone;
  g->user_data = user_data;
  g->points = g_array_new (FALSE, FALSE, sizeof (GridPoint));
  g->cells = g_hash_table_new_full (cluster_grid_cell_hash, g_int64_equal, NULL,
      g_free);
  g->touched = g_ptr_array_new ();
  return g;
}

void
cluster_grid_free (ClusterGrid * g)
{
  GHashTableIter it;
  Cell *cell;
  GPtrArray *comps = g_ptr_array_new ();
  guint i;

  /* each cluster once, through its first cell */
  g_hash_table_iter_init (&it, g->cells);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) & cell))
    if (cell->comp && g_array_index (cell->comp->cells, Cell *, 0) == cell)
      g_ptr_array_add (comps, cell->comp);
  for (i = 0; i < comps->len; i++) {
    ClusterComp *c = g_ptr_array_index (comps, i);

    g->gone (c, g->user_data);
    comp_free (c);
  }
  g_ptr_array_unref (comps);
  g_hash_table_unref (g->cells);
  g_ptr_array_unref (g->touched);
  g_array_unref (g->points);
  g_free (g);
}

guint
cluster_grid_next_seq (const ClusterGrid * g)
{
  return g->next_seq;
}

guint
cluster_grid_first_seq (const ClusterGrid * g)
{
  return g->first;
}

static void
touch (ClusterGrid * g, Cell * cell)
{
  if (!cell->touched) {
    cell->touched = TRUE;
    g_ptr_array_add (g->touched, cell);
  }
}

void
cluster_grid_add (ClusterGrid * g, gdouble x, gdouble y)
{
  gdouble fx = floor (x / g->side), fy = floor (y / g->side);
  gint32 cx = (gint32) CLAMP (fx, -1e9, 1e9);
  gint32 cy = (gint32) CLAMP (fy, -1e9, 1e9);
  GridPoint p = { x, y, NULL, NONE, FALSE, NULL };
  guint seq = g->next_seq++;
  Cell *cell = lookup (g, cx, cy);

  if (!cell) {
    cell = g_new0 (Cell, 1);
    cell->key = cell_key (cx, cy);
    cell->x = cx;
    cell->y = cy;
    cell->head = cell->tail = NONE;
    g_hash_table_insert (g->cells, &cell->key, cell);
  }
  p.cell = cell;
  g_array_append_val (g->points, p);
  if (cell->tail != NONE)
    point (g, cell->tail)->next = seq;
  else
    cell->head = seq;
  cell->tail = seq;
  cell->count++;
  touch (g, cell);
}

void
cluster_grid_remove_oldest (ClusterGrid * g)
{
  GridPoint *p;
  Cell *cell;

  g_return_if_fail (g->first < g->next_seq);
  p = point (g, g->first);
  cell = p->cell;
  g_assert (cell->head == g->first);
  cell->head = p->next;
  if (cell->head == NONE)
    cell->tail = NONE;
  cell->count--;
  touch (g, cell);
  g->first++;
  /* drop the array's head now and then: amortized constant */
  if (g->first - g->base >= 4096 && g->first - g->base >= g->points->len / 2) {
    g_array_remove_range (g->points, 0, g->first - g->base);
    g->base = g->first;
  }
}

/* gst_dbscan_2d()'s rule. */
static gboolean
is_core (const ClusterGrid * g, const GridPoint * p)
{
  guint count = 0, k;

  if (p->cell->count >= g->min_points)
    return TRUE;
  for (k = 0; k < G_N_ELEMENTS (around) && count < g->min_points; k++) {
    Cell *nc = lookup (g, p->cell->x + around[k][0], p->cell->y +
        around[k][1]);
    guint j;

    if (!nc)
      continue;
    for (j = nc->head; j != NONE && count < g->min_points;
        j = point (g, j)->next)
      if (dist2 (p, point (g, j)) <= g->eps2)
        count++;
  }
  return count >= g->min_points;
}

/* Whether some core point of @a is within eps of a core point of @b. */
static gboolean
cells_touch (const ClusterGrid * g, const Cell * a, const Cell * b)
{
  guint i, j;

  for (i = a->head; i != NONE; i = point (g, i)->next) {
    const GridPoint *p = point (g, i);

    if (!p->core)
      continue;
    for (j = b->head; j != NONE; j = point (g, j)->next) {
      const GridPoint *q = point (g, j);

      if (q->core && dist2 (p, q) <= g->eps2)
        return TRUE;
    }
  }
  return FALSE;
}

/* The cluster of the nearest core point within eps of @p (the oldest on
 * a tie), gst_dbscan_2d()'s border rule. */
static ClusterComp *
nearest_core (const ClusterGrid * g, const GridPoint * p)
{
  gdouble best = G_MAXDOUBLE;
  guint best_j = NONE, k, j;

  for (k = 0; k < G_N_ELEMENTS (around); k++) {
    Cell *nc = lookup (g, p->cell->x + around[k][0], p->cell->y +
        around[k][1]);

    if (!nc || !nc->n_core)
      continue;
    for (j = nc->head; j != NONE; j = point (g, j)->next) {
      const GridPoint *q = point (g, j);
      gdouble d;

      if (!q->core)
        continue;
      d = dist2 (p, q);
      if (d <= g->eps2 && (d < best || (d == best && j < best_j))) {
        best = d;
        best_j = j;
      }
    }
  }
  return best_j == NONE ? NULL : point (g, best_j)->cell->comp;
}

/* The cells around @cells (themselves included), each once, into @out. */
static void
zone (ClusterGrid * g, GPtrArray * cells, GPtrArray * out)
{
  guint seen = ++g->stamp, i, k;

  for (i = 0; i < cells->len; i++) {
    Cell *c = g_ptr_array_index (cells, i);

    for (k = 0; k < G_N_ELEMENTS (around); k++) {
      Cell *z = lookup (g, c->x + around[k][0], c->y + around[k][1]);

      if (z && z->seen != seen) {
        z->seen = seen;
        g_ptr_array_add (out, z);
      }
    }
  }
}

static void
mark_changed (ClusterComp * c, GPtrArray * changed)
{
  if (!c->changed) {
    c->changed = TRUE;
    g_ptr_array_add (changed, c);
  }
}

void
cluster_grid_update (ClusterGrid * g, GPtrArray * changed)
{
  GPtrArray *d = g_ptr_array_new (), *r = g_ptr_array_new ();
  GPtrArray *z = g_ptr_array_new ();
  GPtrArray *dissolved = g_ptr_array_new (), *fresh = g_ptr_array_new ();
  GPtrArray *queue = g_ptr_array_new ();
  guint stamp = ++g->stamp, i, k, j, first_changed = changed->len;

  /* D: the cells around the cells where points came or went */
  zone (g, g->touched, d);

  /* their points' core status; the clusters there are dissolved */
  for (i = 0; i < d->len; i++) {
    Cell *c = g_ptr_array_index (d, i);

    c->n_core = 0;
    for (j = c->head; j != NONE; j = point (g, j)->next) {
      GridPoint *p = point (g, j);
      gboolean core = is_core (g, p);

      p->core = core;
      if (core) {
        p->border = NULL;
        c->n_core++;
      }
    }
    if (c->comp && c->comp->stamp != stamp) {
      c->comp->stamp = stamp;
      g_ptr_array_add (dissolved, c->comp);
    }
  }

  /* R: D and the cells of the dissolved clusters, joined again */
  for (i = 0; i < d->len; i++) {
    Cell *c = g_ptr_array_index (d, i);

    c->in_r = stamp;
    g_ptr_array_add (r, c);
  }
  for (i = 0; i < dissolved->len; i++) {
    ClusterComp *comp = g_ptr_array_index (dissolved, i);

    for (k = 0; k < comp->cells->len; k++) {
      Cell *c = g_array_index (comp->cells, Cell *, k);

      if (c->in_r != stamp) {
        c->in_r = stamp;
        g_ptr_array_add (r, c);
      }
    }
  }
  for (i = 0; i < r->len; i++)
    ((Cell *) g_ptr_array_index (r, i))->comp = NULL;

  for (i = 0; i < r->len; i++) {
    Cell *start = g_ptr_array_index (r, i);
    ClusterComp *comp;

    if (!start->n_core || start->comp)
      continue;
    comp = g_new0 (ClusterComp, 1);
    comp->cells = g_array_new (FALSE, FALSE, sizeof (Cell *));
    comp->first_core = NONE;
    comp->changed = TRUE;
    g_ptr_array_add (fresh, comp);
    start->comp = comp;
    g_array_append_val (comp->cells, start);
    g_ptr_array_set_size (queue, 0);
    g_ptr_array_add (queue, start);
    while (queue->len) {
      Cell *a = g_ptr_array_steal_index_fast (queue, queue->len - 1);

      for (k = 0; k < G_N_ELEMENTS (around); k++) {
        Cell *nc = lookup (g, a->x + around[k][0], a->y + around[k][1]);

        if (!nc || !nc->n_core || nc->comp == comp)
          continue;
        if (nc->in_r == stamp && nc->comp)
          continue;             /* another new one: they do not touch */
        if (!cells_touch (g, a, nc))
          continue;
        if (nc->in_r != stamp) {
          /* an untouched cluster joins: all its cells come in */
          ClusterComp *joined = nc->comp;
          guint m;

          joined->stamp = stamp;
          g_ptr_array_add (dissolved, joined);
          for (m = 0; m < joined->cells->len; m++) {
            Cell *c = g_array_index (joined->cells, Cell *, m);

            c->in_r = stamp;
            c->comp = NULL;
            g_ptr_array_add (r, c);
          }
        }
        nc->comp = comp;
        g_array_append_val (comp->cells, nc);
        g_ptr_array_add (queue, nc);
      }
    }
  }

  /* the new clusters' numbering: their first core point */
  for (i = 0; i < fresh->len; i++) {
    ClusterComp *comp = g_ptr_array_index (fresh, i);

    for (k = 0; k < comp->cells->len; k++) {
      Cell *c = g_array_index (comp->cells, Cell *, k);

      for (j = c->head; j != NONE; j = point (g, j)->next)
        if (point (g, j)->core) {
          comp->first_core = MIN (comp->first_core, j);
          break;
        }
    }
    g_ptr_array_add (changed, comp);
  }

  /* border points around R: their nearest core point. (A border point
   * that became core needs nothing: it is within eps of its former
   * cluster's core point, so that cluster joined its new one.) An
   * untouched cluster can gain one (its nearest core point was removed)
   * or lose one (to a new core point). */
  zone (g, r, z);
  for (i = 0; i < z->len; i++) {
    Cell *c = g_ptr_array_index (z, i);

    for (j = c->head; j != NONE; j = point (g, j)->next) {
      GridPoint *p = point (g, j);
      ClusterComp *was = p->border, *now;

      if (p->core)
        continue;
      now = nearest_core (g, p);
      p->border = now;
      if (was == now)
        continue;
      if (was && was->stamp != stamp)
        mark_changed (was, changed);
      if (now)
        mark_changed (now, changed);
    }
  }

  for (i = first_changed; i < changed->len; i++)
    ((ClusterComp *) g_ptr_array_index (changed, i))->changed = FALSE;
  for (i = 0; i < dissolved->len; i++) {
    ClusterComp *comp = g_ptr_array_index (dissolved, i);

    g->gone (comp, g->user_data);
    comp_free (comp);
  }
  for (i = 0; i < g->touched->len; i++) {
    Cell *t = g_ptr_array_index (g->touched, i);

    t->touched = FALSE;
    if (t->count == 0)
      g_hash_table_remove (g->cells, &t->key);
  }
  g_ptr_array_set_size (g->touched, 0);

  g_ptr_array_unref (queue);
  g_ptr_array_unref (fresh);
  g_ptr_array_unref (dissolved);
  g_ptr_array_unref (z);
  g_ptr_array_unref (r);
  g_ptr_array_unref (d);
}

static gint
compare_seqs (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : (x > y);
}

void
cluster_grid_members (ClusterGrid * g, ClusterComp * comp, GArray * seqs)
{
  GPtrArray *cells = g_ptr_array_new (), *z = g_ptr_array_new ();
  guint i, j;

  for (i = 0; i < comp->cells->len; i++)
    g_ptr_array_add (cells, g_array_index (comp->cells, Cell *, i));
  zone (g, cells, z);
  for (i = 0; i < z->len; i++) {
    Cell *c = g_ptr_array_index (z, i);

    for (j = c->head; j != NONE; j = point (g, j)->next) {
      GridPoint *p = point (g, j);

      if ((p->core && c->comp == comp) || (!p->core && p->border == comp))
        g_array_append_val (seqs, j);
    }
  }
  g_array_sort (seqs, compare_seqs);
  g_ptr_array_unref (z);
  g_ptr_array_unref (cells);
}
