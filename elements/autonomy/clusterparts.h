/* gst-workers: clusterestimate's clusters and their targets, kept
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The clusters of the kept detections between updates, each with its
 * parts (its targets after the split by frames) and their estimates,
 * redone only where detections came or were forgotten: a ClusterGrid
 * (clustergrid.c) finds the clusters whose members changed; those alone
 * are split and estimated again (clustersplit.c, the batch's own
 * functions). The parts and their numbering are those of the batch
 * (gst_dbscan_2d(), then the split of each cluster): after each
 * cluster_parts_update(), every part kept or made has the estimate the
 * batch gives for the same detections, bit for bit.
 */
#pragma once

#include "clustergrid.h"
#include "clustersplit.h"

G_BEGIN_DECLS

typedef struct _ClusterParts ClusterParts;

/* A target of a cluster: the cluster itself, or a part of its split. */
typedef struct
{
  GstTargetEstimate est;        /* its estimate (id 0) */
  ClusterComp *comp;            /* its cluster */
  guint index;                  /* 0: the cluster's own number; > 0 after
                                 * all clusters, as the batch numbers
                                 * split parts */
  gpointer track;               /* the user's: what follows it, or NULL */
} ClusterPart;

/* Called on each part whose @track is set before it is freed: its
 * cluster's members changed or the cluster is gone (or the ClusterParts
 * is freed). */
typedef void (*ClusterPartGone) (ClusterPart * part, gpointer user_data);

/* The clusters with radius @eps and @min_points (DBSCAN's), split by
 * frames with the same two; @first_seq is the sequence number of the
 * first detection it will be given. */
ClusterParts *cluster_parts_new (gdouble eps, guint min_points,
    guint first_seq, ClusterPartGone gone, gpointer user_data);
void cluster_parts_free (ClusterParts * cp);

/* Brings the clusters up to date with the @n kept detections @pts, the
 * first of sequence number @seq: those after the ones it was given are
 * added, those before @seq forgotten (sequence numbers only grow). The
 * parts of the clusters whose members changed are made anew and
 * appended to @dirty (ClusterPart, track NULL), those of the others kept
 * as they are. Returns how many clusters changed. */
guint cluster_parts_update (ClusterParts * cp, const ClusterPoint * pts,
    guint seq, guint n, GPtrArray * dirty);

/* The batch's order of parts: clusters by their first core point, then
 * the split parts after all clusters, by cluster and part. */
gint cluster_parts_compare (const ClusterPart * a, const ClusterPart * b);

G_END_DECLS
