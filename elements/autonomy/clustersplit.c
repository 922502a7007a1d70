/* gst-workers: a cluster's estimate, and its split by frames
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * clusterestimate's pure functions over the detections of its clusters,
 * used by the batch and the incremental updates alike (and so written
 * once): a cluster's estimate (mean after one round of sigma clipping),
 * the split of a cluster that one frame shows as several targets
 * (constrained k-means), and the grouping of points by label that both
 * take their members from. No state: the same input gives the same
 * output, bit for bit (sums are taken in index order).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include "clustersplit.h"

/* The square of the distance between two points. */
static inline gdouble
distance2 (gdouble n1, gdouble e1, gdouble n2, gdouble e2)
{
  return (n1 - n2) * (n1 - n2) + (e1 - e2) * (e1 - e2);
}

/* Mean, RMS radius and extent of the members of each of the @k clusters
 * that are within @limit[c] of (@cn[c], @ce[c]) (all of them when @limit
 * is NULL), into @est[c]. Cluster c's members are @members[@start[c]] to
 * @members[@start[c + 1] - 1], indices into @pts in increasing order:
 * each cluster's sums are taken in index order. */
static void
cluster_moments (const ClusterPoint * pts, const guint * members,
    const guint * start, guint k, const gdouble * cn, const gdouble * ce,
    const gdouble * limit, GstTargetEstimate * est)
{
  guint c, m;

  for (c = 0; c < k; c++) {
    GstTargetEstimate *e = &est[c];
    gdouble sn = 0, se = 0, sd = 0, vn = 0, ve = 0;
    guint count = 0;

#define INSIDE(q) (!limit || distance2 ((q)->north, (q)->east, cn[c], \
      ce[c]) <= limit[c] * limit[c])
    gst_target_estimate_init (e);
    for (m = start[c]; m < start[c + 1]; m++) {
      const ClusterPoint *q = &pts[members[m]];

      if (!INSIDE (q))
        continue;
      sn += q->north;
      se += q->east;
      sd += q->down;
      count++;
      if (GST_CLOCK_TIME_IS_VALID (q->time)) {
        if (!GST_CLOCK_TIME_IS_VALID (e->first_seen) ||
            q->time < e->first_seen)
          e->first_seen = q->time;
        if (!GST_CLOCK_TIME_IS_VALID (e->last_seen) || q->time > e->last_seen)
          e->last_seen = q->time;
      }
    }
    g_assert (count > 0);
    e->north = sn / count;
    e->east = se / count;
    e->down = sd / count;
    e->count = count;
    for (m = start[c]; m < start[c + 1]; m++) {
      const ClusterPoint *q = &pts[members[m]];

      if (!INSIDE (q))
        continue;
      vn += (q->north - e->north) * (q->north - e->north);
      ve += (q->east - e->east) * (q->east - e->east);
    }
#undef INSIDE
    e->std_north = sqrt (vn / count);
    e->std_east = sqrt (ve / count);
    e->spread = sqrt ((vn + ve) / count);
  }
}

/* The estimates of the @k clusters (members as for cluster_moments()):
 * the mean of each one's members, then the mean of those within 3 RMS
 * radii of it (sigma clipping, once). */
void
cluster_split_estimates (const ClusterPoint * pts, const guint * members,
    const guint * start, guint k, GstTargetEstimate * est)
{
  GstTargetEstimate *all = g_new (GstTargetEstimate, MAX (k, 1));
  gdouble *centre = g_new (gdouble, 3 * MAX (k, 1));
  guint c;

  cluster_moments (pts, members, start, k, NULL, NULL, NULL, all);
  for (c = 0; c < k; c++) {
    centre[c] = all[c].north;
    centre[k + c] = all[c].east;
    centre[2 * k + c] = 3 * all[c].spread;
  }
  cluster_moments (pts, members, start, k, centre, centre + k, centre + 2 * k,
      est);
  g_free (centre);
  g_free (all);
}

/* Groups the @n items of @label (0 to @k - 1, or negative: in none) by
 * label, each group in index order: group c is @members[@start[c]] to
 * @members[@start[c + 1] - 1], @ids[i] standing for item i (the index
 * itself when @ids is NULL). Returns @members; @start has k + 1 entries. */
guint *
cluster_split_group (const gint * label, const guint * ids, guint n, guint k,
    guint * start)
{
  guint *fill, *members, i, c;

  memset (start, 0, (k + 1) * sizeof (guint));
  for (i = 0; i < n; i++)
    if (label[i] >= 0)
      start[label[i] + 1]++;
  for (c = 0; c < k; c++)
    start[c + 1] += start[c];
  fill = g_memdup2 (start, (k + 1) * sizeof (guint));
  members = g_new (guint, MAX (start[k], 1));
  for (i = 0; i < n; i++)
    if (label[i] >= 0)
      members[fill[label[i]]++] = ids ? ids[i] : i;
  g_free (fill);
  return members;
}

/* What one frame shows of one target: the detections of one frame, in one
 * cluster, within eps of the first of them. */
typedef struct
{
  gdouble seed_north, seed_east;        /* the first detection */
  gdouble north, east;          /* the mean of its detections */
  guint count;
  gint part;                    /* the target it is assigned to, or -1 */
  gboolean assigned;            /* in the current round */
} Group;

/* Most targets in one cluster for which the assignment of a frame's
 * groups is searched exhaustively (5! = 120 permutations at most). */
#define MAX_EXACT_TARGETS 5

/* Searches the assignment of the groups [@g, @n_groups) to distinct
 * centres with the least sum of squared distances; @cost is that of the
 * groups before @g, assigned in @current. */
static void
search_assignment (const Group * groups, guint g, guint n_groups,
    const gdouble * centres, guint k, gdouble cost, gint * current,
    gboolean * used, gdouble * best_cost, gint * best)
{
  guint j;

  if (cost >= *best_cost)
    return;
  if (g == n_groups) {
    *best_cost = cost;
    memcpy (best, current, n_groups * sizeof (gint));
    return;
  }
  for (j = 0; j < k; j++) {
    if (used[j])
      continue;
    used[j] = TRUE;
    current[g] = j;
    search_assignment (groups, g + 1, n_groups, centres, k, cost +
        distance2 (groups[g].north, groups[g].east, centres[2 * j],
            centres[2 * j + 1]), current, used, best_cost, best);
    used[j] = FALSE;
  }
}

/* Assigns the groups [@first, @last) of one frame to the @k centres, each
 * centre to one group at most (a frame shows a target once): the
 * assignment with the least sum of squared distances (the k-means
 * objective), searched exhaustively up to MAX_EXACT_TARGETS; beyond, or
 * when the frame has more groups than there are centres, nearest pairs
 * first, the groups left over going to their nearest centre. @used is
 * scratch for @k booleans. Returns whether an assignment changed. */
static gboolean
assign_frame (Group * groups, guint first, guint last,
    const gdouble * centres, guint k, gboolean * used)
{
  gboolean changed = FALSE;
  guint g, j, left = last - first, n_used = 0;

  memset (used, 0, k * sizeof (gboolean));
  if (left <= k && k <= MAX_EXACT_TARGETS) {
    gint current[MAX_EXACT_TARGETS], best[MAX_EXACT_TARGETS];
    gdouble best_cost = G_MAXDOUBLE;

    search_assignment (groups + first, 0, left, centres, k, 0, current, used,
        &best_cost, best);
    for (g = first; g < last; g++) {
      changed |= groups[g].part != best[g - first];
      groups[g].part = best[g - first];
    }
    return changed;
  }

  for (g = first; g < last; g++)
    groups[g].assigned = FALSE;
  for (; left > 0; left--) {
    gdouble best = G_MAXDOUBLE;
    guint best_g = first, best_j = 0;

    for (g = first; g < last; g++) {
      if (groups[g].assigned)
        continue;
      for (j = 0; j < k; j++) {
        gdouble d;

        if (used[j] && n_used < k)
          continue;
        d = distance2 (groups[g].north, groups[g].east, centres[2 * j],
            centres[2 * j + 1]);
        if (d < best) {
          best = d;
          best_g = g;
          best_j = j;
        }
      }
    }
    if (!used[best_j]) {
      used[best_j] = TRUE;
      n_used++;
    }
    groups[best_g].assigned = TRUE;
    if (groups[best_g].part != (gint) best_j)
      changed = TRUE;
    groups[best_g].part = best_j;
  }
  return changed;
}

/* Splits the groups of one cluster among @k targets: k-means with the
 * constraint that the groups of one frame go to different targets
 * (COP-KMeans, Wagstaff et al., ICML 2001), seeded with the groups of the
 * latest frame that shows @k. @runs holds the first group of each frame
 * and, last, the number of groups. Accepts the split when every target
 * has groups and the targets are more than @eps apart. */
static gboolean
split_cluster (Group * groups, const guint * runs, guint n_runs, guint k,
    gdouble eps)
{
  guint n_groups = runs[n_runs], r, g, j, iter;
  gdouble *centres = g_new (gdouble, 2 * k), *sums = g_new (gdouble, 3 * k);
  gboolean *used = g_new (gboolean, k);
  gboolean ok = TRUE;

  for (r = n_runs; r-- > 0;)
    if (runs[r + 1] - runs[r] >= k)
      break;
  g_assert (r < n_runs);
  for (j = 0; j < k; j++) {
    centres[2 * j] = groups[runs[r] + j].north;
    centres[2 * j + 1] = groups[runs[r] + j].east;
  }
  for (g = 0; g < n_groups; g++)
    groups[g].part = -1;

  for (iter = 0; iter < 100 && ok; iter++) {
    gboolean changed = FALSE;

    for (r = 0; r < n_runs; r++)
      changed |= assign_frame (groups, runs[r], runs[r + 1], centres, k, used);
    if (!changed)
      break;
    memset (sums, 0, 3 * k * sizeof (gdouble));
    for (g = 0; g < n_groups; g++) {
      sums[3 * groups[g].part] += groups[g].north * groups[g].count;
      sums[3 * groups[g].part + 1] += groups[g].east * groups[g].count;
      sums[3 * groups[g].part + 2] += groups[g].count;
    }
    for (j = 0; j < k && ok; j++) {
      ok = sums[3 * j + 2] > 0;
      if (ok) {
        centres[2 * j] = sums[3 * j] / sums[3 * j + 2];
        centres[2 * j + 1] = sums[3 * j + 1] / sums[3 * j + 2];
      }
    }
  }
  for (j = 0; j < k && ok; j++)
    for (g = j + 1; g < k && ok; g++)
      ok = distance2 (centres[2 * j], centres[2 * j + 1], centres[2 * g],
          centres[2 * g + 1]) > eps * eps;

  g_free (used);
  g_free (sums);
  g_free (centres);
  return ok;
}

/* How many targets a cluster holds by its frames: the most targets seen
 * at once (groups of one frame) in at least @min_frames frames. */
static guint
targets_seen (const guint * runs, guint n_runs, guint min_frames)
{
  guint max_groups = 1, r, m, frames = 0, *hist;

  for (r = 0; r < n_runs; r++)
    max_groups = MAX (max_groups, runs[r + 1] - runs[r]);
  if (max_groups == 1)
    return 1;
  hist = g_new0 (guint, max_groups + 1);
  for (r = 0; r < n_runs; r++)
    hist[runs[r + 1] - runs[r]]++;
  for (m = max_groups; m > 1; m--) {
    frames += hist[m];
    if (frames >= min_frames)
      break;
  }
  g_free (hist);
  return m;
}

/* Whether one cluster holds several targets. DBSCAN chains two targets
 * closer than a few times their scatter into one cluster; the frames tell
 * them apart: a frame shows a target once, so the detections of one frame
 * more than @eps apart are different targets. A cluster that shows k
 * targets at once in @min_points frames or more is split into k by
 * constrained k-means (split_cluster()). The cluster's @m members are
 * @members (indices into @pts, increasing). Returns k, 1 when it is not
 * split; when split, @part[i] is member i's target, from 0. */
guint
cluster_split_members (const ClusterPoint * pts, const guint * members,
    guint m, gdouble eps, guint min_points, gint * part)
{
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (Group));
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (guint));
  guint *member_group = g_new (guint, MAX (m, 1));
  gdouble eps2 = eps * eps;
  guint k, g, i;
  Group *gr;

  /* the groups of each frame */
  for (i = 0; i < m; i++) {
    const ClusterPoint *q = &pts[members[i]];

    if (i == 0 || q->frame != pts[members[i - 1]].frame)
      g_array_append_val (runs, groups->len);
    for (g = g_array_index (runs, guint, runs->len - 1); g < groups->len; g++) {
      gr = &g_array_index (groups, Group, g);
      if (distance2 (gr->seed_north, gr->seed_east, q->north, q->east) <= eps2)
        break;
    }
    if (g == groups->len) {
      Group ng = { q->north, q->east, 0, 0, 0, -1, FALSE };

      g_array_append_val (groups, ng);
    }
    gr = &g_array_index (groups, Group, g);
    gr->north += q->north;
    gr->east += q->east;
    gr->count++;
    member_group[i] = g;
  }
  g_array_append_val (runs, groups->len);
  for (g = 0; g < groups->len; g++) {
    gr = &g_array_index (groups, Group, g);
    gr->north /= gr->count;
    gr->east /= gr->count;
  }

  k = targets_seen ((guint *) runs->data, runs->len - 1, min_points);
  for (; k > 1; k--)
    if (split_cluster ((Group *) groups->data, (guint *) runs->data,
            runs->len - 1, k, eps))
      break;
  if (k > 1)
    for (i = 0; i < m; i++)
      part[i] = g_array_index (groups, Group, member_group[i]).part;

  g_free (member_group);
  g_array_unref (runs);
  g_array_unref (groups);
  return MAX (k, 1);
}
