/* gst-workers: DBSCAN kept up to date as points come and go
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * clusterestimate's incremental clustering: the clusters of
 * gst_dbscan_2d() over a window of points (the newest appended, the
 * oldest removed), updated where the points changed instead of recomputed
 * from all of them. After each cluster_grid_update() the clusters, their
 * members and their numbering (by first core point) are exactly those
 * gst_dbscan_2d() gives for the points in the window: same grid of cells
 * of side eps / sqrt 2, same rules for core points, joined cells and
 * border points (nearest core point, the oldest on a tie).
 *
 * What an update redoes: the core status of the points near (within two
 * cells of) a point added or removed; the clusters that have a cell there
 * (and those they now join), from scratch; the border points around
 * those. A cluster far from the changes is left as it is: the cost of an
 * update is that of the clusters it touches, not of the window.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ClusterGrid ClusterGrid;

/* A cluster: the cells holding its core points, and its border points. */
typedef struct
{
  guint first_core;             /* the sequence number of its first
                                 * (oldest) core point: the numbering */
  GArray *cells;                /* gint: its cells with core points */
  gpointer data;                /* the user's, NULL when new */
  guint stamp;                  /* scratch */
  gboolean changed;             /* scratch */
} ClusterComp;

/* Called on a cluster that an update dissolved (its members changed: a
 * new one took its place), before it is freed: release @comp->data. */
typedef void (*ClusterCompGone) (ClusterComp * comp, gpointer user_data);

ClusterGrid *cluster_grid_new (gdouble eps, guint min_points,
    ClusterCompGone gone, gpointer user_data);
void cluster_grid_free (ClusterGrid * g);

/* The next point, sequence number cluster_grid_next_seq(); the first is 0. */
void cluster_grid_add (ClusterGrid * g, gdouble x, gdouble y);
/* Removes the oldest point. */
void cluster_grid_remove_oldest (ClusterGrid * g);
guint cluster_grid_next_seq (const ClusterGrid * g);
/* The sequence number of the oldest point kept. */
guint cluster_grid_first_seq (const ClusterGrid * g);

/* Brings the clusters up to date with the points added and removed since
 * the last update; appends to @changed the clusters whose members are not
 * those of the last update (new ones, data NULL, or ones that kept their
 * data but lost or gained border points). */
void cluster_grid_update (ClusterGrid * g, GPtrArray * changed);

/* The sequence numbers of the members of @comp (core and border), in
 * increasing order, into @seqs (guint, empty). */
void cluster_grid_members (ClusterGrid * g, ClusterComp * comp,
    GArray * seqs);

/* A hash of a gint64 made of two gint32 coordinates that mixes both
 * (g_int64_hash()'s x ^ y puts whole diagonals of cells in one bucket). */
guint cluster_grid_cell_hash (gconstpointer key);

G_END_DECLS
