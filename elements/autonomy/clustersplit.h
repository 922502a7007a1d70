/* gst-workers: a cluster's estimate, and its split by frames
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * clusterestimate's pure functions over the detections of its clusters
 * (no state): used by the batch update and by ClusterParts
 * (clusterparts.c, the incremental one), so both give the same results
 * bit for bit.
 */
#pragma once

#include <gst/gst.h>
#include <gst/autonomy/autonomy.h>

G_BEGIN_DECLS

/* One detection on the ground. */
typedef struct
{
  gdouble north, east, down;
  GstClockTime time;
  guint64 frame;                /* the input item it came in: one frame */
} ClusterPoint;

/* The estimates of the @k clusters whose members are, for cluster c,
 * @members[@start[c]] to @members[@start[c + 1] - 1] (indices into @pts,
 * increasing), into @est[c]: the mean of each one's members, then the
 * mean of those within 3 RMS radii of it (sigma clipping, once), with
 * its RMS spread, count and first and last times. Each cluster's sums
 * are taken in index order. */
void cluster_split_estimates (const ClusterPoint * pts,
    const guint * members, const guint * start, guint k,
    GstTargetEstimate * est);

/* Groups the @n items of @label (0 to @k - 1, or negative: in none) by
 * label, each group in index order: group c is @members[@start[c]] to
 * @members[@start[c + 1] - 1], @ids[i] standing for item i (the index
 * itself when @ids is NULL). Returns @members (g_free() it); @start has
 * k + 1 entries. */
guint *cluster_split_group (const gint * label, const guint * ids, guint n,
    guint k, guint * start);

/* Whether one cluster holds several targets: the detections of one frame
 * more than @eps apart are different targets (a frame shows a target
 * once); a cluster that shows k targets at once in @min_points frames or
 * more is split into k by k-means under that constraint (COP-KMeans), the
 * split standing when the parts are more than @eps apart. The cluster's
 * @m members are @members (indices into @pts, increasing). Returns k, 1
 * when it is not split; when split, @part[i] is member i's target, from
 * 0 (@part holds @m entries). */
guint cluster_split_members (const ClusterPoint * pts, const guint * members,
    guint m, gdouble eps, guint min_points, gint * part);

G_END_DECLS
