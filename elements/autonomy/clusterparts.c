/* gst-workers: clusterestimate's clusters and their targets, kept
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each cluster of the grid (ClusterComp) holds its parts in its data (a
 * GArray of ClusterPart, sized once: the parts do not move). A cluster
 * the grid reports changed, or dissolves, lets go of its parts (the
 * user's `gone` for those followed); a changed one gets new parts from
 * its members, split and estimated as the batch does it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "clusterparts.h"

struct _ClusterParts
{
  gdouble eps;
  guint min_points;
  ClusterGrid *grid;
  guint seq0;                   /* the sequence number of the grid's 0 */
  ClusterPartGone gone;
  gpointer user_data;
  GArray *seqs;                 /* guint: scratch for the members */
};

/* Lets go of the parts of @comp. */
static void
release_parts (ClusterParts * cp, ClusterComp * comp)
{
  GArray *parts = comp->data;
  guint i;

  if (!parts)
    return;
  for (i = 0; i < parts->len; i++) {
    ClusterPart *part = &g_array_index (parts, ClusterPart, i);

    if (part->track)
      cp->gone (part, cp->user_data);
  }
  g_array_unref (parts);
  comp->data = NULL;
}

static void
comp_gone (ClusterComp * comp, gpointer user_data)
{
  release_parts (user_data, comp);
}

ClusterParts *
cluster_parts_new (gdouble eps, guint min_points, guint first_seq,
    ClusterPartGone gone, gpointer user_data)
{
  ClusterParts *cp = g_new0 (ClusterParts, 1);

  cp->eps = eps;
  cp->min_points = min_points;
  cp->seq0 = first_seq;
  cp->gone = gone;
  cp->user_data = user_data;
  cp->seqs = g_array_new (FALSE, FALSE, sizeof (guint));
  cp->grid = cluster_grid_new (eps, min_points, comp_gone, cp);
  return cp;
}

void
cluster_parts_free (ClusterParts * cp)
{
  cluster_grid_free (cp->grid);
  g_array_unref (cp->seqs);
  g_free (cp);
}

/* The parts of a cluster whose members changed, and their estimates;
 * @pts[0] is the detection of sequence number @seq. */
static void
compute_parts (ClusterParts * cp, ClusterComp * comp,
    const ClusterPoint * pts, guint seq)
{
  guint m, i, k, *start, *members;
  guint *idx;
  gint *part;
  GstTargetEstimate *ests;
  GArray *parts;

  g_array_set_size (cp->seqs, 0);
  cluster_grid_members (cp->grid, comp, cp->seqs);
  m = cp->seqs->len;
  idx = (guint *) cp->seqs->data;
  for (i = 0; i < m; i++)
    idx[i] = idx[i] + cp->seq0 - seq;
  part = g_new0 (gint, MAX (m, 1));
  k = cluster_split_members (pts, idx, m, cp->eps, cp->min_points, part);
  start = g_new (guint, k + 1);
  members = cluster_split_group (part, idx, m, k, start);
  ests = g_new (GstTargetEstimate, k);
  cluster_split_estimates (pts, members, start, k, ests);
  parts = g_array_sized_new (FALSE, FALSE, sizeof (ClusterPart), k);
  for (i = 0; i < k; i++) {
    ClusterPart pt = { ests[i], comp, i, NULL };

    g_array_append_val (parts, pt);
  }
  comp->data = parts;
  g_free (ests);
  g_free (members);
  g_free (start);
  g_free (part);
}

guint
cluster_parts_update (ClusterParts * cp, const ClusterPoint * pts,
    guint seq, guint n, GPtrArray * dirty)
{
  GPtrArray *changed = g_ptr_array_new ();
  guint end = seq + n - cp->seq0, oldest = seq - cp->seq0, i, j, n_changed;

  g_return_val_if_fail (seq >= cp->seq0, 0);
  /* the new detections and the forgotten ones */
  while (cluster_grid_next_seq (cp->grid) < end) {
    const ClusterPoint *q =
        &pts[cluster_grid_next_seq (cp->grid) + cp->seq0 - seq];

    cluster_grid_add (cp->grid, q->north, q->east);
  }
  while (cluster_grid_first_seq (cp->grid) < oldest)
    cluster_grid_remove_oldest (cp->grid);
  cluster_grid_update (cp->grid, changed);

  for (i = 0; i < changed->len; i++) {
    ClusterComp *comp = g_ptr_array_index (changed, i);
    GArray *parts;

    release_parts (cp, comp);
    compute_parts (cp, comp, pts, seq);
    parts = comp->data;
    for (j = 0; j < parts->len; j++)
      g_ptr_array_add (dirty, &g_array_index (parts, ClusterPart, j));
  }
  n_changed = changed->len;
  g_ptr_array_unref (changed);
  return n_changed;
}

gint
cluster_parts_compare (const ClusterPart * a, const ClusterPart * b)
{
  if ((a->index > 0) != (b->index > 0))
    return a->index > 0 ? 1 : -1;
  if (a->comp->first_core != b->comp->first_core)
    return a->comp->first_core < b->comp->first_core ? -1 : 1;
  return a->index < b->index ? -1 : (a->index > b->index);
}
