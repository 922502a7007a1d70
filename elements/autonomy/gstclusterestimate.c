/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-clusterestimate
 * @title: clusterestimate
 *
 * Turns many noisy ground detections into a few target estimates: a
 * worker whose output rate differs from its input rate (many ground
 * targets items in, an estimate out only when there is news), with two
 * outputs of different item types (the design's worker 4):
 *
 * - `src`: %GST_TARGET_ESTIMATE_CAPS, one #GstTargetEstimate per item;
 * - `commands`: %GST_FLIGHT_COMMAND_CAPS, a GOTO #GstFlightCommand for
 *   each newly confirmed target (towards the flight controller: the
 *   feedback edge of the autonomy system), and, at the end of the
 *   input, the `done-command` if one is set and a GOTO or a take-off was
 *   sent (LAND, LOITER without a position: where the drone is; or
 *   RETURN); with `takeoff`, before anything else, the commands that
 *   take off to `takeoff-height` (GUIDED, ARM, TAKEOFF for ArduPilot;
 *   ARM, TAKEOFF, GUIDED for PX4), at the first input item's time.
 *   flightlink sends them in order, each once the one before is
 *   acknowledged (with its `completion-timeout`, the GUIDED after PX4's
 *   TAKEOFF once the drone is up).
 *
 * The method: every detection is kept (the latest `max-points`) and, on
 * each input item that brings new ones, all are clustered with DBSCAN
 * (Ester et al., KDD 1996; see gst_dbscan_2d()) with radius `eps` and
 * `min-points`. DBSCAN fits the problem: the number of targets is not
 * known in advance (k-means would need it, or a model selection), a
 * target is a dense spot of detections whatever its count, and isolated
 * false detections are left out as noise by construction. Each cluster's
 * estimate is the mean of its members after one round of sigma clipping
 * (members farther than 3 times the cluster's RMS radius are dropped), and
 * its spread is the RMS distance of the remaining members from it.
 *
 * ## Cost in a long flight
 *
 * The clusters are kept from one update to the next and redone only where
 * detections came or were forgotten (`incremental`, the default): the new
 * detections change which detections are core, and so the clusters, only
 * within `eps` of themselves; the clusters there are clustered again, the
 * others keep their members, estimates and tracks. So an update costs
 * what the clusters it touches cost, not what all the kept detections do:
 * on a survey the cost per item stays flat as the history grows (75,000
 * to 100,000 instructions per item from 100 to 10,000 items of history,
 * where reclustering everything took 470,000 at 100 and 11 million at
 * 3,000; tests/bench/clusterbench.c). The results are those of reclustering
 * everything (`incremental=false`), bit for bit: the same clusters,
 * numbered the same, split the same, their estimates summed in the same
 * order, the same tracks. One cluster seen for ever (a hovering camera)
 * still costs its size on each update it grows, up to `max-points`.
 *
 * ## Close targets
 *
 * DBSCAN joins everything that is densely connected: two targets a few
 * metres apart whose detections are scattered by the odometry's error
 * (the same error shifts all the detections of a frame) can form one
 * chain, one cluster, whose mean is a false target half-way between
 * them. The frames tell them apart, deterministically: a frame sees a
 * target once, so two detections of one input item (one frame) in one
 * cluster that are more than `eps` apart are two targets (within `eps`
 * they are one: a blob the detector saw twice). A cluster that shows k
 * targets at once in at least `min-points` frames is split into k with
 * k-means under that constraint (COP-KMeans, Wagstaff et al., ICML
 * 2001): the detections of a frame go to different targets, by the
 * assignment with the least sum of squared distances (the frame's common
 * error does not change it), seeded with the latest such frame. The
 * split stands when the parts are more than `eps` apart. The extent of a
 * cluster is no criterion: a long cluster can be one target seen with a
 * large error, and a compact one two targets; only a frame showing both
 * is evidence of two.
 *
 * With the default `eps` of 1 m, targets 2 m apart or more are resolved
 * (the simulated survey of pipelines/autonomy.pipeline with position
 * errors of 0.3 and 0.5 m: each target within 0.12 m, no false target);
 * at 1.5 m the split comes late, below 1.2 m the two are one target.
 * Targets that no frame shows together (the camera sees one, then the
 * other) and that chain are not split: nothing tells them from one.
 *
 * Clusters are followed from one update to the next by their nearest
 * centre within `eps`. A target is confirmed when its cluster is stable:
 * its centre stayed within `stable-distance` of where it is now over the
 * last `stable-updates` updates. Confirmation gives the target its id
 * (from 1), emits its estimate (flag %GST_TARGET_ESTIMATE_CONFIRMED) and
 * a GOTO command at `command-down`. A confirmed target's estimate is
 * emitted again when it is stable and has moved more than
 * `stable-distance` from the last estimate emitted.
 *
 * At the end of the stream every target is emitted once more with the
 * %GST_TARGET_ESTIMATE_FINAL flag: the confirmed ones, and the clusters
 * present at the end that had no time to become stable (with no more
 * detections to come, density is all the evidence there will be; they are
 * confirmed then, with their command).
 *
 * ## Time without news
 *
 * For each input item after which it has nothing to say on an output,
 * clusterestimate sends a GAP event at the item's time on that output
 * ("nothing before this time"): a worker downstream that merges these
 * sparse items with a steady stream by timestamp (`timestampmerge`,
 * `missionplanner`) knows at once that nothing earlier will come, instead
 * of waiting for the next estimate while the steady stream fills its
 * queue.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc pattern=ball num-buffers=120 ! \
 *     video/x-raw,format=GRAY8,width=320,height=240 ! detecttarget ! \
 *     geolocate pose="pose,down=-20.0" ! clusterestimate name=c eps=0.5 \
 *     c.src ! queue ! jsonlinesenc ! fdsink \
 *     c.commands ! queue ! jsonlinesenc ! fdsink
 * ]| The bouncing ball as seen from 20 m: the places where it lingers
 * become targets, printed as JSON estimates and GOTO commands.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <gst/autonomy/autonomy.h>
#include "gstclusterestimate.h"
#include "clusterparts.h"
#include "gstmissionplanner.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (cluster_estimate_debug);
#define GST_CAT_DEFAULT cluster_estimate_debug

#define DEFAULT_EPS 1.0
#define DEFAULT_MIN_POINTS 5
#define DEFAULT_STABLE_DISTANCE 0.25
#define DEFAULT_STABLE_UPDATES 5
#define DEFAULT_MAX_POINTS 20000
#define DEFAULT_COMMAND_DOWN -20.0
#define DEFAULT_DONE_COMMAND GST_MISSION_PLANNER_DONE_NONE
#define DEFAULT_TAKEOFF GST_MISSION_TAKEOFF_NONE
#define DEFAULT_TAKEOFF_HEIGHT 20.0
#define DEFAULT_INCREMENTAL TRUE

enum
{
  PROP_0,
  PROP_EPS,
  PROP_MIN_POINTS,
  PROP_STABLE_DISTANCE,
  PROP_STABLE_UPDATES,
  PROP_MAX_POINTS,
  PROP_COMMAND_DOWN,
  PROP_DONE_COMMAND,
  PROP_TAKEOFF,
  PROP_TAKEOFF_HEIGHT,
  PROP_INCREMENTAL,
};

/* A cluster followed from update to update. */
typedef struct
{
  GstTargetEstimate est;        /* the latest estimate; id 0 until
                                 * confirmed */
  GArray *history;              /* gdouble pairs: the centre at the last
                                 * updates, oldest first */
  guint missing;                /* updates without its cluster */
  gboolean present;             /* has a cluster in the latest update */
  gdouble emitted_north, emitted_east;  /* the last estimate emitted */
  guint64 serial;               /* its place in the order of tracks */
  /* incremental updates */
  ClusterPart *holder;          /* the part it follows, or NULL */
  gboolean active;              /* in the tracks examined */
  gboolean continued;           /* matched in this update */
  gboolean in_grid;
  gint64 cell;                  /* its cell in the grid of tracks */
} Track;

/* Parameters of one update, copied under the object lock. */
typedef struct
{
  gdouble eps;
  guint min_points;
  gdouble stable_distance;
  guint stable_updates;
  guint max_points;
  gdouble command_down;
  gboolean incremental;
} Params;

struct _GstClusterEstimate
{
  GstWorkerTransform parent;

  /* protected by the object lock */
  gdouble eps;
  guint min_points;
  gdouble stable_distance;
  guint stable_updates;
  guint max_points;
  gdouble command_down;
  GstMissionPlannerDone done_command;
  GstMissionTakeoff takeoff;
  gdouble takeoff_height;
  gboolean incremental;

  /* streaming thread */
  GstPad *commands;             /* set once in constructed */
  GArray *points;               /* ClusterPoint, oldest first from first */
  guint first;                  /* the oldest point kept */
  guint seq_base;               /* the number of points[0] since start */
  GPtrArray *tracks;            /* Track, oldest first */
  guint64 next_serial;
  GPtrArray *examine;           /* Track: those to examine after an update */
  /* incremental updates */
  ClusterParts *parts;          /* the kept points' clusters, or NULL */
  Params grid_params;           /* those of the parts */
  gboolean redo_all;            /* the next update starts from scratch */
  GHashTable *track_grid;       /* gint64 cell -> GPtrArray of Track */
  gdouble track_side;           /* of its cells: 2 eps */
  GPtrArray *active;            /* Track: those that can change */
  guint32 next_id;
  GstClockTime last_pts;
  gboolean sent_estimate;       /* for the current input item */
  gboolean sent_command;
  guint64 frames;               /* input items with detections so far */
  gboolean takeoff_done;        /* looked at: from start to stop */
  guint takeoff_sent;           /* take-off commands sent */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_GROUND_TARGETS_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_TARGET_ESTIMATE_CAPS));
static GstStaticPadTemplate commands_template =
GST_STATIC_PAD_TEMPLATE ("commands", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_FLIGHT_COMMAND_CAPS));

G_DEFINE_TYPE (GstClusterEstimate, gst_cluster_estimate,
    GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (clusterestimate, "clusterestimate",
    GST_RANK_NONE, GST_TYPE_CLUSTER_ESTIMATE);

static Track *
track_new (GstClusterEstimate * self)
{
  Track *t = g_new0 (Track, 1);

  gst_target_estimate_init (&t->est);
  t->serial = self->next_serial++;
  t->history = g_array_new (FALSE, FALSE, sizeof (gdouble));
  return t;
}

static void
track_free (Track * t)
{
  g_array_unref (t->history);
  g_free (t);
}

static gdouble
distance (gdouble n1, gdouble e1, gdouble n2, gdouble e2)
{
  return hypot (n1 - n2, e1 - e2);
}

static gboolean
track_is_stable (const Track * t, const Params * p)
{
  const gdouble *h = (const gdouble *) t->history->data;
  guint len = t->history->len / 2, i;

  if (len < p->stable_updates)
    return FALSE;
  for (i = 0; i < len; i++)
    if (distance (h[2 * i], h[2 * i + 1], t->est.north, t->est.east) >=
        p->stable_distance)
      return FALSE;
  return TRUE;
}

static GstFlowReturn
emit_estimate (GstClusterEstimate * self, Track * t,
    GstTargetEstimateFlags flags, const Params * p, GstClockTime pts)
{
  GstWorkerTransform *base = GST_WORKER_TRANSFORM (self);
  GstFlowReturn ret;

  t->est.flags = flags;
  t->emitted_north = t->est.north;
  t->emitted_east = t->est.east;
  GST_INFO_OBJECT (self, "target %u%s%s at north %.3f east %.3f, spread "
      "%.3f, %u detections", t->est.id,
      flags & GST_TARGET_ESTIMATE_CONFIRMED ? " confirmed" : "",
      flags & GST_TARGET_ESTIMATE_FINAL ? " final" : "", t->est.north,
      t->est.east, t->est.spread, t->est.count);
  ret = gst_worker_transform_push (base,
      gst_target_estimate_to_buffer (&t->est, pts));
  self->sent_estimate = TRUE;
  if (ret != GST_FLOW_OK)
    return ret;

  if (flags & GST_TARGET_ESTIMATE_CONFIRMED) {
    GstFlightCommand cmd;

    gst_flight_command_init (&cmd, GST_FLIGHT_COMMAND_GOTO);
    cmd.target_id = t->est.id;
    cmd.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
    cmd.north = t->est.north;
    cmd.east = t->est.east;
    cmd.down = p->command_down;
    /* unlinked, the command is dropped and counted by the base class */
    ret = gst_worker_transform_push_to (base, self->commands,
        gst_flight_command_to_buffer (&cmd, pts));
    self->sent_command = TRUE;
  }
  return ret;
}

typedef struct
{
  gdouble d;
  guint cluster, track;
} Pair;

static gint
compare_pairs (gconstpointer a, gconstpointer b)
{
  const Pair *pa = a, *pb = b;

  if (pa->d != pb->d)
    return pa->d < pb->d ? -1 : 1;
  if (pa->cluster != pb->cluster)
    return pa->cluster < pb->cluster ? -1 : 1;
  return pa->track < pb->track ? -1 : (pa->track > pb->track);
}

/* Splits the clusters that hold several targets
 * (cluster_split_members()), the @n points of @pts labelled by @labels.
 * The parts get new labels from @n_clusters on, cluster by cluster, part
 * by part; returns the new number of clusters. */
static guint
split_clusters (GstClusterEstimate * self, const ClusterPoint * pts, guint n,
    gint * labels, guint n_clusters, const Params * p)
{
  guint *start = g_new (guint, n_clusters + 1), *members;
  gint *part = g_new (gint, MAX (n, 1));
  guint total = n_clusters, c, m;

  members = cluster_split_group (labels, NULL, n, n_clusters, start);
  for (c = 0; c < n_clusters; c++) {
    guint k = cluster_split_members (pts, members + start[c],
        start[c + 1] - start[c], p->eps, p->min_points, part);

    if (k < 2)
      continue;
    GST_LOG_OBJECT (self, "cluster %u holds %u targets", c, k);
    for (m = start[c]; m < start[c + 1]; m++)
      if (part[m - start[c]] > 0)
        labels[members[m]] = total + part[m - start[c]] - 1;
    total += k - 1;
  }
  g_free (part);
  g_free (members);
  g_free (start);
  return total;
}

/* A track's cluster is there: its centre goes into the history. */
static void
track_present (Track * t, const Params * p)
{
  t->present = TRUE;
  t->missing = 0;
  g_array_append_val (t->history, t->est.north);
  g_array_append_val (t->history, t->est.east);
  if (t->history->len / 2 > p->stable_updates)
    g_array_remove_range (t->history, 0,
        t->history->len - 2 * p->stable_updates);
}

/* A track continues: it takes the estimate @est (keeping its id). */
static void
track_continue (Track * t, const GstTargetEstimate * est, const Params * p)
{
  guint32 id = t->est.id;

  t->est = *est;
  t->est.id = id;
  track_present (t, p);
}

/* Reclusters all the points and updates all the tracks. */
static void
update_tracks_batch (GstClusterEstimate * self, const Params * p)
{
  guint n = self->points->len - self->first, n_clusters, c, i;
  const ClusterPoint *pts =
      (const ClusterPoint *) self->points->data + self->first;
  gdouble *xy = g_new (gdouble, 2 * MAX (n, 1));
  gint *labels = g_new (gint, MAX (n, 1));
  GstTargetEstimate *ests;
  guint *start, *members;
  gboolean *taken;
  GArray *pairs;
  gint *match;

  for (i = 0; i < n; i++) {
    xy[2 * i] = pts[i].north;
    xy[2 * i + 1] = pts[i].east;
  }
  n_clusters = gst_dbscan_2d (xy, n, p->eps, p->min_points, labels);
  n_clusters = split_clusters (self, pts, n, labels, n_clusters, p);
  GST_LOG_OBJECT (self, "%u points, %u clusters", n, n_clusters);

  for (i = 0; i < self->tracks->len; i++)
    ((Track *) g_ptr_array_index (self->tracks, i))->present = FALSE;
  taken = g_new0 (gboolean, self->tracks->len);

  /* each cluster continues the track of the nearest centre within eps,
   * nearest pairs first */
  ests = g_new (GstTargetEstimate, MAX (n_clusters, 1));
  start = g_new (guint, n_clusters + 1);
  members = cluster_split_group (labels, NULL, n, n_clusters, start);
  cluster_split_estimates (pts, members, start, n_clusters, ests);
  pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  for (c = 0; c < n_clusters; c++) {
    for (i = 0; i < self->tracks->len; i++) {
      Track *t = g_ptr_array_index (self->tracks, i);
      Pair pair = { distance (t->est.north, t->est.east, ests[c].north,
            ests[c].east), c, i
      };

      if (pair.d <= p->eps)
        g_array_append_val (pairs, pair);
    }
  }
  g_array_sort (pairs, compare_pairs);
  match = g_new (gint, MAX (n_clusters, 1));
  for (c = 0; c < n_clusters; c++)
    match[c] = -1;
  for (i = 0; i < pairs->len; i++) {
    Pair *pair = &g_array_index (pairs, Pair, i);

    if (match[pair->cluster] < 0 && !taken[pair->track]) {
      match[pair->cluster] = pair->track;
      taken[pair->track] = TRUE;
    }
  }

  for (c = 0; c < n_clusters; c++) {
    Track *t;

    if (match[c] >= 0) {
      t = g_ptr_array_index (self->tracks, match[c]);
    } else {
      t = track_new (self);
      g_ptr_array_add (self->tracks, t);
    }
    track_continue (t, &ests[c], p);
  }
  g_array_unref (pairs);
  g_free (match);
  g_free (members);
  g_free (start);
  g_free (ests);
  g_free (taken);
  g_free (xy);
  g_free (labels);

  /* unconfirmed clusters that went away were not targets */
  for (i = self->tracks->len; i-- > 0;) {
    Track *t = g_ptr_array_index (self->tracks, i);

    if (!t->present && ++t->missing > p->stable_updates && !t->est.id)
      g_ptr_array_remove_index (self->tracks, i);
  }
  g_ptr_array_set_size (self->examine, 0);
  for (i = 0; i < self->tracks->len; i++)
    g_ptr_array_add (self->examine, g_ptr_array_index (self->tracks, i));
}

/* ## Incremental updates (incremental=TRUE)
 *
 * The same results as update_tracks_batch(), by redoing only what the
 * new and forgotten points change. The clusters come from ClusterParts
 * (clusterparts.c: DBSCAN updated where points changed), each with its
 * parts (its targets after the split) and their estimates; a cluster
 * whose members did not change keeps them. Its parts then have the
 * estimates of the last update, which their tracks hold: each such pair
 * is at distance 0, first in the batch's order of pairs, and takes its
 * track again (unless another cluster or track is at exactly the same
 * place: then, and after a change of parameters, everything is redone as
 * the batch does). So only the parts of changed clusters are matched,
 * against the tracks within eps (a grid of tracks) that no unchanged part
 * holds, in the batch's order: distance, then the cluster's number (the
 * order of first core points, split parts after all clusters), then the
 * track's age. A track whose state cannot change while its part stays
 * the same (its history full of the same centre, nothing to emit, or
 * gone and confirmed) is left alone until its part changes: only the
 * others are examined each update. */

typedef struct
{
  gdouble d;
  ClusterPart *part;
  Track *track;
} PartPair;

static gint
compare_part_pointers (gconstpointer a, gconstpointer b)
{
  return cluster_parts_compare (*(ClusterPart * const *) a,
      *(ClusterPart * const *) b);
}

static gint
compare_part_pairs (gconstpointer a, gconstpointer b)
{
  const PartPair *pa = a, *pb = b;
  gint c;

  if (pa->d != pb->d)
    return pa->d < pb->d ? -1 : 1;
  c = cluster_parts_compare (pa->part, pb->part);
  if (c)
    return c;
  return pa->track->serial < pb->track->serial ? -1 :
      (pa->track->serial > pb->track->serial);
}

static gint
compare_tracks (gconstpointer a, gconstpointer b)
{
  const Track *ta = *(Track * const *) a, *tb = *(Track * const *) b;

  return ta->serial < tb->serial ? -1 : (ta->serial > tb->serial);
}

static gint64
track_cell (GstClusterEstimate * self, gdouble north, gdouble east,
    gint dn, gint de)
{
  gdouble fn = floor (north / self->track_side);
  gdouble fe = floor (east / self->track_side);
  gint32 x = (gint32) CLAMP (fn, -1e9, 1e9) + dn;
  gint32 y = (gint32) CLAMP (fe, -1e9, 1e9) + de;

  return (gint64) (((guint64) (guint32) x << 32) | (guint32) y);
}

static void
track_grid_remove (GstClusterEstimate * self, Track * t)
{
  GPtrArray *cell;

  if (!t->in_grid)
    return;
  cell = g_hash_table_lookup (self->track_grid, &t->cell);
  g_ptr_array_remove_fast (cell, t);
  if (cell->len == 0)
    g_hash_table_remove (self->track_grid, &t->cell);
  t->in_grid = FALSE;
}

/* Files @t where its estimate is; notes when another track is at exactly
 * the same place (the pairs at distance 0 would be ambiguous). */
static void
track_grid_insert (GstClusterEstimate * self, Track * t)
{
  GPtrArray *cell;
  guint i;

  track_grid_remove (self, t);
  t->cell = track_cell (self, t->est.north, t->est.east, 0, 0);
  cell = g_hash_table_lookup (self->track_grid, &t->cell);
  if (!cell) {
    cell = g_ptr_array_new ();
    g_hash_table_insert (self->track_grid, g_memdup2 (&t->cell,
            sizeof (gint64)), cell);
  }
  for (i = 0; i < cell->len; i++) {
    Track *o = g_ptr_array_index (cell, i);

    if (o->est.north == t->est.north && o->est.east == t->est.east)
      self->redo_all = TRUE;
  }
  g_ptr_array_add (cell, t);
  t->in_grid = TRUE;
}

static void
track_activate (GstClusterEstimate * self, Track * t)
{
  if (!t->active) {
    t->active = TRUE;
    g_ptr_array_add (self->active, t);
  }
}

/* A part that @t followed is gone: @t is free (and may change). */
static void
part_gone (ClusterPart * part, gpointer user_data)
{
  Track *t = part->track;

  t->holder = NULL;
  track_activate (GST_CLUSTER_ESTIMATE (user_data), t);
}

/* Whether nothing can change for @t while its part stays the same. */
static gboolean
track_is_quiet (const Track * t, const Params * p)
{
  const gdouble *h = (const gdouble *) t->history->data;
  guint i;

  if (!t->holder)
    return t->est.id != 0;
  if (t->history->len != 2 * p->stable_updates)
    return FALSE;
  for (i = 0; i < p->stable_updates; i++)
    if (h[2 * i] != t->est.north || h[2 * i + 1] != t->est.east)
      return FALSE;
  if (!track_is_stable (t, p))
    return TRUE;
  return t->est.id && distance (t->est.north, t->est.east, t->emitted_north,
      t->emitted_east) <= p->stable_distance;
}

/* Forgets the clusters, the tracks' parts and the grid of tracks. */
static void
drop_incremental (GstClusterEstimate * self)
{
  guint i;

  g_clear_pointer (&self->parts, cluster_parts_free);
  g_hash_table_remove_all (self->track_grid);
  for (i = 0; i < self->tracks->len; i++) {
    Track *t = g_ptr_array_index (self->tracks, i);

    t->holder = NULL;
    t->in_grid = t->active = t->continued = FALSE;
  }
  g_ptr_array_set_size (self->active, 0);
}

/* Everything anew: the clusters of all the points, all the tracks free. */
static void
rebuild (GstClusterEstimate * self, const Params * p)
{
  guint i;

  GST_DEBUG_OBJECT (self, "clustering all %u points anew",
      self->points->len - self->first);
  drop_incremental (self);
  self->track_side = 2 * p->eps;
  self->grid_params = *p;
  self->redo_all = FALSE;
  for (i = 0; i < self->tracks->len; i++) {
    Track *t = g_ptr_array_index (self->tracks, i);

    track_grid_insert (self, t);
    track_activate (self, t);
  }
  self->parts = cluster_parts_new (p->eps, p->min_points,
      self->seq_base + self->first, part_gone, self);
}

static gboolean
params_same (const Params * a, const Params * b)
{
  return a->eps == b->eps && a->min_points == b->min_points &&
      a->stable_distance == b->stable_distance &&
      a->stable_updates == b->stable_updates;
}

/* Matches the parts in @dirty with the tracks no unchanged part holds.
 * Returns FALSE when a pair is at distance 0 from a track held by an
 * unchanged part: the order is then the batch's to decide. */
static gboolean
match_parts (GstClusterEstimate * self, GPtrArray * dirty, const Params * p)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (PartPair));
  GPtrArray *fresh = g_ptr_array_new ();
  guint i, j;
  gint dn, de;

  for (i = 0; i < dirty->len; i++) {
    ClusterPart *part = g_ptr_array_index (dirty, i);

    for (dn = -1; dn <= 1; dn++)
      for (de = -1; de <= 1; de++) {
        gint64 key = track_cell (self, part->est.north, part->est.east, dn,
            de);
        GPtrArray *cell = g_hash_table_lookup (self->track_grid, &key);

        for (j = 0; cell && j < cell->len; j++) {
          Track *t = g_ptr_array_index (cell, j);
          PartPair pair = { distance (t->est.north, t->est.east,
                part->est.north, part->est.east), part, t
          };

          if (t->holder) {
            if (pair.d == 0)
              goto ambiguous;
            continue;
          }
          if (pair.d <= p->eps)
            g_array_append_val (pairs, pair);
        }
      }
  }
  g_array_sort (pairs, compare_part_pairs);
  for (i = 0; i < pairs->len; i++) {
    PartPair *pair = &g_array_index (pairs, PartPair, i);

    if (!pair->part->track && !pair->track->holder) {
      pair->part->track = pair->track;
      pair->track->holder = pair->part;
    }
  }
  for (i = 0; i < dirty->len; i++) {
    ClusterPart *part = g_ptr_array_index (dirty, i);

    if (!part->track)
      g_ptr_array_add (fresh, part);
    else
      track_continue (part->track, &part->est, p);
  }
  /* the new tracks in the order of their clusters */
  g_ptr_array_sort (fresh, compare_part_pointers);
  for (i = 0; i < fresh->len; i++) {
    ClusterPart *part = g_ptr_array_index (fresh, i);
    Track *t = track_new (self);

    g_ptr_array_add (self->tracks, t);
    part->track = t;
    t->holder = part;
    track_continue (t, &part->est, p);
  }
  for (i = 0; i < dirty->len; i++) {
    Track *t = ((ClusterPart *) g_ptr_array_index (dirty, i))->track;

    track_grid_insert (self, t);
    track_activate (self, t);
    t->continued = TRUE;
  }
  g_ptr_array_unref (fresh);
  g_array_unref (pairs);
  return TRUE;

ambiguous:
  for (i = 0; i < pairs->len; i++) {
    PartPair *pair = &g_array_index (pairs, PartPair, i);

    pair->part->track = NULL;
  }
  g_ptr_array_unref (fresh);
  g_array_unref (pairs);
  return FALSE;
}

/* Updates the clusters where the points changed and the tracks of the
 * clusters that changed. */
static void
update_tracks_incremental (GstClusterEstimate * self, const Params * p)
{
  GPtrArray *dirty = g_ptr_array_new ();
  guint i, n_changed;

again:
  if (!self->parts || self->redo_all || !params_same (p, &self->grid_params))
    rebuild (self, p);
  g_ptr_array_set_size (dirty, 0);
  n_changed = cluster_parts_update (self->parts,
      (const ClusterPoint *) self->points->data + self->first,
      self->seq_base + self->first, self->points->len - self->first, dirty);
  GST_LOG_OBJECT (self, "%u clusters changed", n_changed);
  if (!match_parts (self, dirty, p)) {
    GST_DEBUG_OBJECT (self, "a cluster at the place of a track: redoing all");
    self->redo_all = TRUE;
    goto again;
  }

  /* the tracks that may change, in the batch's order */
  g_ptr_array_sort (self->active, compare_tracks);
  for (i = 0; i < self->active->len; i++) {
    Track *t = g_ptr_array_index (self->active, i);

    if (t->holder) {
      if (!t->continued)
        track_present (t, p);
      continue;
    }
    t->present = FALSE;
    if (++t->missing > p->stable_updates && !t->est.id) {
      /* unconfirmed clusters that went away were not targets */
      g_ptr_array_remove_index (self->active, i--);
      track_grid_remove (self, t);
      g_ptr_array_remove (self->tracks, t);
    }
  }
  g_ptr_array_set_size (self->examine, 0);
  for (i = 0; i < self->active->len; i++) {
    Track *t = g_ptr_array_index (self->active, i);

    t->continued = FALSE;
    g_ptr_array_add (self->examine, t);
  }

  g_ptr_array_unref (dirty);
}

/* After the examination: the tracks that can still change stay active. */
static void
settle_tracks (GstClusterEstimate * self, const Params * p)
{
  guint i;

  for (i = 0; i < self->active->len; i++) {
    Track *t = g_ptr_array_index (self->active, i);

    if (track_is_quiet (t, p)) {
      t->active = FALSE;
      g_ptr_array_remove_index (self->active, i--);
    }
  }
}

static void
params_copy (GstClusterEstimate * self, Params * p)
{
  GST_OBJECT_LOCK (self);
  p->eps = self->eps;
  p->min_points = self->min_points;
  p->stable_distance = self->stable_distance;
  p->stable_updates = self->stable_updates;
  p->max_points = self->max_points;
  p->command_down = self->command_down;
  p->incremental = self->incremental;
  GST_OBJECT_UNLOCK (self);
}

static void
cluster_estimate_reset (GstClusterEstimate * self)
{
  drop_incremental (self);
  self->redo_all = FALSE;
  g_ptr_array_set_size (self->examine, 0);
  g_array_set_size (self->points, 0);
  self->first = self->seq_base = 0;
  g_ptr_array_set_size (self->tracks, 0);
  self->next_serial = 0;
  self->next_id = 1;
  self->last_pts = GST_CLOCK_TIME_NONE;
  self->frames = 0;
}

/* Nothing new on the outputs that had nothing for the item at @pts. */
static void
send_gaps (GstClusterEstimate * self, GstClockTime pts)
{
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;
  if (!self->sent_estimate)
    gst_pad_push_event (GST_BASE_TRANSFORM_SRC_PAD (self),
        gst_event_new_gap (pts, GST_CLOCK_TIME_NONE));
  if (!self->sent_command)
    gst_pad_push_event (self->commands, gst_event_new_gap (pts,
            GST_CLOCK_TIME_NONE));
}

/* One input item: the points it brings, and the estimates they make. */
static GstFlowReturn
process_item (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (base);
  GstGroundTarget *targets = NULL;
  GstClockTime frame_time, pts = GST_BUFFER_PTS (inbuf);
  GstFlowReturn ret = GST_FLOW_OK;
  guint n, i;
  Params p;

  if (!gst_ground_targets_from_buffer (inbuf, &frame_time, &targets, &n)) {
    gchar *when = autonomy_item_when (pts);

    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("%s received a corrupt ground targets item (%" G_GSIZE_FORMAT
            " bytes %s).", GST_OBJECT_NAME (self),
            gst_buffer_get_size (inbuf), when),
        ("gst_ground_targets_from_buffer refused it"));
    g_free (when);
    gst_buffer_unref (inbuf);
    return GST_FLOW_ERROR;
  }
  gst_buffer_unref (inbuf);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    self->last_pts = pts;
  if (n == 0)
    return GST_FLOW_OK;

  params_copy (self, &p);
  for (i = 0; i < n; i++) {
    ClusterPoint q = { targets[i].north, targets[i].east, targets[i].down,
      GST_CLOCK_TIME_IS_VALID (frame_time) ? frame_time : pts, self->frames
    };

    g_array_append_val (self->points, q);
  }
  g_free (targets);
  self->frames++;
  if (self->points->len - self->first > p.max_points) {
    GST_LOG_OBJECT (self, "forgetting the %u oldest detections",
        self->points->len - self->first - p.max_points);
    self->first = self->points->len - p.max_points;
  }

  if (p.incremental) {
    update_tracks_incremental (self, &p);
  } else {
    drop_incremental (self);
    update_tracks_batch (self, &p);
  }
  /* the forgotten points, dropped now and then: amortized constant */
  if (self->first >= 4096 && self->first >= self->points->len / 2) {
    g_array_remove_range (self->points, 0, self->first);
    self->seq_base += self->first;
    self->first = 0;
  }

  for (i = 0; i < self->examine->len && ret == GST_FLOW_OK; i++) {
    Track *t = g_ptr_array_index (self->examine, i);

    if (!t->present || !track_is_stable (t, &p))
      continue;
    if (!t->est.id) {
      t->est.id = self->next_id++;
      ret = emit_estimate (self, t, GST_TARGET_ESTIMATE_CONFIRMED, &p, pts);
    } else if (distance (t->est.north, t->est.east, t->emitted_north,
            t->emitted_east) > p.stable_distance) {
      ret = emit_estimate (self, t, 0, &p, pts);
    }
  }
  if (p.incremental)
    settle_tracks (self, &p);
  return ret;
}

/* Before the first output: the take-off, if asked for. */
static GstFlowReturn
send_takeoff (GstClusterEstimate * self, GstClockTime pts)
{
  GstFlightCommand cmds[3];
  GstFlowReturn ret = GST_FLOW_OK;
  guint i, n;

  if (self->takeoff_done)
    return GST_FLOW_OK;
  self->takeoff_done = TRUE;
  GST_OBJECT_LOCK (self);
  n = gst_mission_takeoff_init (self->takeoff, self->takeoff_height, cmds);
  GST_OBJECT_UNLOCK (self);
  for (i = 0; i < n && ret == GST_FLOW_OK; i++) {
    GST_INFO_OBJECT (self, "take-off: %s",
        gst_flight_command_type_to_string (cmds[i].type));
    ret = gst_worker_transform_push_to (GST_WORKER_TRANSFORM (self),
        self->commands, gst_flight_command_to_buffer (&cmds[i], pts));
    self->sent_command = TRUE;
    self->takeoff_sent++;
  }
  return ret;
}

static GstFlowReturn
gst_cluster_estimate_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (base);
  GstClockTime pts = GST_BUFFER_PTS (inbuf);
  GstFlowReturn ret;

  self->sent_estimate = self->sent_command = FALSE;
  ret = send_takeoff (self, pts);
  if (ret == GST_FLOW_OK)
    ret = process_item (base, inbuf);
  if (ret == GST_FLOW_OK)
    send_gaps (self, pts);
  return ret;
}

/* At the end of the input, after the last GOTO: the done-command, where
 * the drone is (clusterestimate does not know where that is). */
static GstFlowReturn
send_done (GstClusterEstimate * self, GstClockTime pts)
{
  GstMissionPlannerDone done;
  GstFlightCommand cmd;

  GST_OBJECT_LOCK (self);
  done = self->done_command;
  GST_OBJECT_UNLOCK (self);

  if (!gst_mission_planner_done_init (done, &cmd))
    return GST_FLOW_OK;
  GST_INFO_OBJECT (self, "end of the input: %s",
      gst_flight_command_type_to_string (cmd.type));
  return gst_worker_transform_push_to (GST_WORKER_TRANSFORM (self),
      self->commands, gst_flight_command_to_buffer (&cmd, pts));
}

static GstFlowReturn
gst_cluster_estimate_drain (GstWorkerTransform * base)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (base);
  GstFlowReturn ret = GST_FLOW_OK;
  guint i;
  Params p;

  params_copy (self, &p);
  for (i = 0; i < self->tracks->len && ret == GST_FLOW_OK; i++) {
    Track *t = g_ptr_array_index (self->tracks, i);

    if (t->est.id) {
      ret = emit_estimate (self, t, GST_TARGET_ESTIMATE_FINAL, &p,
          self->last_pts);
    } else if (t->present) {
      t->est.id = self->next_id++;
      ret = emit_estimate (self, t, GST_TARGET_ESTIMATE_CONFIRMED |
          GST_TARGET_ESTIMATE_FINAL, &p, self->last_pts);
    }
  }
  GST_DEBUG_OBJECT (self, "drained: %u targets", self->next_id - 1);
  /* a drone sent somewhere or taken off is brought down */
  if (ret == GST_FLOW_OK && (self->next_id > 1 || self->takeoff_sent))
    ret = send_done (self, self->last_pts);
  cluster_estimate_reset (self);
  return ret;
}

static void
gst_cluster_estimate_flush (GstWorkerTransform * base)
{
  cluster_estimate_reset (GST_CLUSTER_ESTIMATE (base));
}

static gboolean
gst_cluster_estimate_start (GstBaseTransform * trans)
{
  cluster_estimate_reset (GST_CLUSTER_ESTIMATE (trans));
  return TRUE;
}

static gboolean
gst_cluster_estimate_stop (GstBaseTransform * trans)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (trans);

  cluster_estimate_reset (self);
  self->takeoff_done = FALSE;
  self->takeoff_sent = 0;
  return TRUE;
}

static void
gst_cluster_estimate_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_EPS:
      self->eps = g_value_get_double (value);
      break;
    case PROP_MIN_POINTS:
      self->min_points = g_value_get_uint (value);
      break;
    case PROP_STABLE_DISTANCE:
      self->stable_distance = g_value_get_double (value);
      break;
    case PROP_STABLE_UPDATES:
      self->stable_updates = g_value_get_uint (value);
      break;
    case PROP_MAX_POINTS:
      self->max_points = g_value_get_uint (value);
      break;
    case PROP_COMMAND_DOWN:
      self->command_down = g_value_get_double (value);
      break;
    case PROP_DONE_COMMAND:
      self->done_command = g_value_get_enum (value);
      break;
    case PROP_TAKEOFF:
      self->takeoff = g_value_get_enum (value);
      break;
    case PROP_TAKEOFF_HEIGHT:
      self->takeoff_height = g_value_get_double (value);
      break;
    case PROP_INCREMENTAL:
      self->incremental = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cluster_estimate_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_EPS:
      g_value_set_double (value, self->eps);
      break;
    case PROP_MIN_POINTS:
      g_value_set_uint (value, self->min_points);
      break;
    case PROP_STABLE_DISTANCE:
      g_value_set_double (value, self->stable_distance);
      break;
    case PROP_STABLE_UPDATES:
      g_value_set_uint (value, self->stable_updates);
      break;
    case PROP_MAX_POINTS:
      g_value_set_uint (value, self->max_points);
      break;
    case PROP_COMMAND_DOWN:
      g_value_set_double (value, self->command_down);
      break;
    case PROP_DONE_COMMAND:
      g_value_set_enum (value, self->done_command);
      break;
    case PROP_TAKEOFF:
      g_value_set_enum (value, self->takeoff);
      break;
    case PROP_TAKEOFF_HEIGHT:
      g_value_set_double (value, self->takeoff_height);
      break;
    case PROP_INCREMENTAL:
      g_value_set_boolean (value, self->incremental);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cluster_estimate_constructed (GObject * object)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (object);

  G_OBJECT_CLASS (gst_cluster_estimate_parent_class)->constructed (object);
  self->commands = gst_worker_transform_get_output (GST_WORKER_TRANSFORM
      (self), "commands");
}

static void
gst_cluster_estimate_finalize (GObject * object)
{
  GstClusterEstimate *self = GST_CLUSTER_ESTIMATE (object);

  drop_incremental (self);
  g_hash_table_unref (self->track_grid);
  g_ptr_array_unref (self->active);
  g_ptr_array_unref (self->examine);
  g_array_unref (self->points);
  g_ptr_array_unref (self->tracks);
  G_OBJECT_CLASS (gst_cluster_estimate_parent_class)->finalize (object);
}

static void
gst_cluster_estimate_class_init (GstClusterEstimateClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (cluster_estimate_debug, "clusterestimate", 0,
      "target position estimation by clustering");

  gobject_class->set_property = gst_cluster_estimate_set_property;
  gobject_class->get_property = gst_cluster_estimate_get_property;
  gobject_class->constructed = gst_cluster_estimate_constructed;
  gobject_class->finalize = gst_cluster_estimate_finalize;

  g_object_class_install_property (gobject_class, PROP_EPS,
      g_param_spec_double ("eps", "Neighbourhood radius",
          "DBSCAN's eps, metres: detections this close are neighbours; also "
          "the farthest a target's centre may move between updates, and the "
          "distance beyond which two detections of one frame are two targets",
          0.001,
          1e6, DEFAULT_EPS, flags));
  g_object_class_install_property (gobject_class, PROP_MIN_POINTS,
      g_param_spec_uint ("min-points", "Minimum points",
          "DBSCAN's minPts: detections (itself included) within eps that make "
          "a detection the core of a target; fewer is noise. Also how many "
          "frames must show k targets at once in one cluster to split it in "
          "k", 1, G_MAXUINT,
          DEFAULT_MIN_POINTS, flags));
  g_object_class_install_property (gobject_class, PROP_STABLE_DISTANCE,
      g_param_spec_double ("stable-distance", "Stable distance",
          "A target is stable when its centre stayed within this many metres "
          "of where it is over the last stable-updates updates; a confirmed "
          "target is emitted again when it moved farther than this", 0.0,
          1e6, DEFAULT_STABLE_DISTANCE, flags));
  g_object_class_install_property (gobject_class, PROP_STABLE_UPDATES,
      g_param_spec_uint ("stable-updates", "Stable updates",
          "How many updates (input items with detections) a target's centre "
          "must stay put to be stable", 1, 10000, DEFAULT_STABLE_UPDATES,
          flags));
  g_object_class_install_property (gobject_class, PROP_MAX_POINTS,
      g_param_spec_uint ("max-points", "Maximum points",
          "How many detections are kept, the latest (with "
          "incremental=false, more cost more time per update)", 1,
          G_MAXINT / 2, DEFAULT_MAX_POINTS, flags));
  g_object_class_install_property (gobject_class, PROP_COMMAND_DOWN,
      g_param_spec_double ("command-down", "Command down",
          "The local NED down of the GOTO commands, metres (negative is "
          "above home)", -1e6, 1e6, DEFAULT_COMMAND_DOWN, flags));
  g_object_class_install_property (gobject_class, PROP_DONE_COMMAND,
      g_param_spec_enum ("done-command", "Done command",
          "What to command at the end of the input, after the last GOTO "
          "(none: nothing; land, loiter: where the drone is; return)",
          GST_TYPE_MISSION_PLANNER_DONE, DEFAULT_DONE_COMMAND, flags));
  g_object_class_install_property (gobject_class, PROP_TAKEOFF,
      g_param_spec_enum ("takeoff", "Take-off",
          "The commands to send before anything else, at the first input "
          "item: none; ardupilot: GUIDED, ARM, TAKEOFF; px4: ARM, TAKEOFF, "
          "GUIDED (the TAKEOFF to takeoff-height)",
          GST_TYPE_MISSION_TAKEOFF, DEFAULT_TAKEOFF, flags));
  g_object_class_install_property (gobject_class, PROP_TAKEOFF_HEIGHT,
      g_param_spec_double ("takeoff-height", "Take-off height",
          "With takeoff: the height above home the TAKEOFF climbs to, "
          "metres", 0.5, 1e4, DEFAULT_TAKEOFF_HEIGHT, flags));
  g_object_class_install_property (gobject_class, PROP_INCREMENTAL,
      g_param_spec_boolean ("incremental", "Incremental",
          "Update the clusters only where detections came or were forgotten "
          "(the cost of an update is that of the clusters it touches); "
          "FALSE reclusters all the kept detections on every update (the "
          "cost grows with max-points). The results are the same",
          DEFAULT_INCREMENTAL, flags));
  gst_type_mark_as_plugin_api (GST_TYPE_MISSION_TAKEOFF, 0);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class,
      &commands_template);
  gst_element_class_set_static_metadata (element_class,
      "Target position estimation", "Filter/Analyzer",
      "Clusters ground detections (DBSCAN, split where one frame shows "
      "several targets) into stable target estimates and sends a GOTO "
      "command for each new target", "gst-workers");

  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_worker_transform_template_caps);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_cluster_estimate_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_cluster_estimate_stop);
  worker_class->process = GST_DEBUG_FUNCPTR (gst_cluster_estimate_process);
  worker_class->drain = GST_DEBUG_FUNCPTR (gst_cluster_estimate_drain);
  worker_class->flush = GST_DEBUG_FUNCPTR (gst_cluster_estimate_flush);
}

static void
gst_cluster_estimate_init (GstClusterEstimate * self)
{
  self->eps = DEFAULT_EPS;
  self->min_points = DEFAULT_MIN_POINTS;
  self->stable_distance = DEFAULT_STABLE_DISTANCE;
  self->stable_updates = DEFAULT_STABLE_UPDATES;
  self->max_points = DEFAULT_MAX_POINTS;
  self->command_down = DEFAULT_COMMAND_DOWN;
  self->done_command = DEFAULT_DONE_COMMAND;
  self->takeoff = DEFAULT_TAKEOFF;
  self->takeoff_height = DEFAULT_TAKEOFF_HEIGHT;
  self->points = g_array_new (FALSE, FALSE, sizeof (ClusterPoint));
  self->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
  self->examine = g_ptr_array_new ();
  self->active = g_ptr_array_new ();
  self->track_grid = g_hash_table_new_full (cluster_grid_cell_hash,
      g_int64_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->incremental = DEFAULT_INCREMENTAL;
  self->next_id = 1;
  self->last_pts = GST_CLOCK_TIME_NONE;
}
