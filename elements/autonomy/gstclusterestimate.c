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
};

/* One detection on the ground. */
typedef struct
{
  gdouble north, east, down;
  GstClockTime time;
  guint64 frame;                /* the input item it came in: one frame */
} Point;

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

  /* streaming thread */
  GstPad *commands;             /* set once in constructed */
  GArray *points;               /* Point, oldest first */
  GPtrArray *tracks;            /* Track */
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
track_new (void)
{
  Track *t = g_new0 (Track, 1);

  gst_target_estimate_init (&t->est);
  t->history = g_array_new (FALSE, FALSE, sizeof (gdouble));
  return t;
}

static void
track_free (Track * t)
{
  g_array_unref (t->history);
  g_free (t);
}

/* The square of the distance between two points. */
static inline gdouble
distance2 (gdouble n1, gdouble e1, gdouble n2, gdouble e2)
{
  return (n1 - n2) * (n1 - n2) + (e1 - e2) * (e1 - e2);
}

/* Mean, RMS radius and extent of the members of each of the @k clusters
 * that are within @limit[c] of (@cn[c], @ce[c]) (all of them when @limit
 * is NULL), into @est[c]: two passes over the points for all the
 * clusters, each cluster's sums taken in index order. */
static void
cluster_moments (const Point * pts, const gint * labels, guint n, guint k,
    const gdouble * cn, const gdouble * ce, const gdouble * limit,
    GstTargetEstimate * est)
{
  gdouble *sum = g_new0 (gdouble, 5 * k);       /* n, e, d, vn, ve */
  guint *count = g_new0 (guint, k);
  guint i, c;

#define INSIDE(q, c) (!limit || distance2 ((q)->north, (q)->east, cn[c], \
      ce[c]) <= limit[c] * limit[c])
  for (c = 0; c < k; c++)
    gst_target_estimate_init (&est[c]);
  for (i = 0; i < n; i++) {
    const Point *q = &pts[i];
    GstTargetEstimate *e;

    if (labels[i] < 0 || !INSIDE (q, labels[i]))
      continue;
    c = labels[i];
    e = &est[c];
    sum[5 * c] += q->north;
    sum[5 * c + 1] += q->east;
    sum[5 * c + 2] += q->down;
    count[c]++;
    if (GST_CLOCK_TIME_IS_VALID (q->time)) {
      if (!GST_CLOCK_TIME_IS_VALID (e->first_seen) || q->time < e->first_seen)
        e->first_seen = q->time;
      if (!GST_CLOCK_TIME_IS_VALID (e->last_seen) || q->time > e->last_seen)
        e->last_seen = q->time;
    }
  }
  for (c = 0; c < k; c++) {
    g_assert (count[c] > 0);
    est[c].north = sum[5 * c] / count[c];
    est[c].east = sum[5 * c + 1] / count[c];
    est[c].down = sum[5 * c + 2] / count[c];
    est[c].count = count[c];
  }
  for (i = 0; i < n; i++) {
    const Point *q = &pts[i];

    if (labels[i] < 0 || !INSIDE (q, labels[i]))
      continue;
    c = labels[i];
    sum[5 * c + 3] += (q->north - est[c].north) * (q->north - est[c].north);
    sum[5 * c + 4] += (q->east - est[c].east) * (q->east - est[c].east);
  }
#undef INSIDE
  for (c = 0; c < k; c++) {
    gdouble vn = sum[5 * c + 3], ve = sum[5 * c + 4];

    est[c].std_north = sqrt (vn / count[c]);
    est[c].std_east = sqrt (ve / count[c]);
    est[c].spread = sqrt ((vn + ve) / count[c]);
  }
  g_free (count);
  g_free (sum);
}

/* The estimates of the @k clusters: the mean of each one's members, then
 * the mean of those within 3 RMS radii of it (sigma clipping, once). */
static void
estimate_clusters (const Point * pts, const gint * labels, guint n,
    guint k, GstTargetEstimate * est)
{
  GstTargetEstimate *all = g_new (GstTargetEstimate, MAX (k, 1));
  gdouble *centre = g_new (gdouble, 3 * MAX (k, 1));
  guint c;

  cluster_moments (pts, labels, n, k, NULL, NULL, NULL, all);
  for (c = 0; c < k; c++) {
    centre[c] = all[c].north;
    centre[k + c] = all[c].east;
    centre[2 * k + c] = 3 * all[c].spread;
  }
  cluster_moments (pts, labels, n, k, centre, centre + k, centre + 2 * k,
      est);
  g_free (centre);
  g_free (all);
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

/* Splits the clusters that hold several targets. DBSCAN chains two
 * targets closer than a few times their scatter into one cluster; the
 * frames tell them apart: a frame shows a target once, so the detections
 * of one frame more than eps apart are different targets. A cluster that
 * shows k targets at once in min-points frames or more is split into k
 * by constrained k-means (split_cluster()). The parts get new labels from
 * @n_clusters on; returns the new number of clusters. */
static guint
split_clusters (GstClusterEstimate * self, gint * labels, guint n_clusters,
    const Params * p)
{
  guint *start = g_new0 (guint, n_clusters + 1), *fill, *members,
      *member_group;
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (Group));
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (guint));
  const Point *pts = (const Point *) self->points->data;
  guint n = self->points->len, total = n_clusters, c, i, m;
  gdouble eps2 = p->eps * p->eps;

  /* the members of each cluster, in index order: frame by frame */
  for (i = 0; i < n; i++)
    if (labels[i] >= 0)
      start[labels[i] + 1]++;
  for (c = 0; c < n_clusters; c++)
    start[c + 1] += start[c];
  fill = g_memdup2 (start, n_clusters * sizeof (guint));
  members = g_new (guint, MAX (start[n_clusters], 1));
  member_group = g_new (guint, MAX (start[n_clusters], 1));
  for (i = 0; i < n; i++)
    if (labels[i] >= 0)
      members[fill[labels[i]]++] = i;

  for (c = 0; c < n_clusters; c++) {
    guint k, g;
    Group *gr;

    /* the groups of each frame */
    g_array_set_size (groups, 0);
    g_array_set_size (runs, 0);
    for (m = start[c]; m < start[c + 1]; m++) {
      const Point *q = &pts[members[m]];

      if (m == start[c] || q->frame != pts[members[m - 1]].frame)
        g_array_append_val (runs, groups->len);
      for (g = g_array_index (runs, guint, runs->len - 1); g < groups->len;
          g++) {
        gr = &g_array_index (groups, Group, g);
        if (distance2 (gr->seed_north, gr->seed_east, q->north,
                q->east) <= eps2)
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
      member_group[m] = g;
    }
    g_array_append_val (runs, groups->len);
    for (g = 0; g < groups->len; g++) {
      gr = &g_array_index (groups, Group, g);
      gr->north /= gr->count;
      gr->east /= gr->count;
    }

    k = targets_seen ((guint *) runs->data, runs->len - 1, p->min_points);
    for (; k > 1; k--)
      if (split_cluster ((Group *) groups->data, (guint *) runs->data,
              runs->len - 1, k, p->eps))
        break;
    if (k < 2)
      continue;
    GST_LOG_OBJECT (self, "cluster %u holds %u targets", c, k);
    for (m = start[c]; m < start[c + 1]; m++) {
      gint part = g_array_index (groups, Group, member_group[m]).part;

      if (part > 0)
        labels[members[m]] = total + part - 1;
    }
    total += k - 1;
  }

  g_array_unref (runs);
  g_array_unref (groups);
  g_free (member_group);
  g_free (members);
  g_free (fill);
  g_free (start);
  return total;
}

/* Reclusters all the points and updates the tracks. */
static void
update_tracks (GstClusterEstimate * self, const Params * p)
{
  guint n = self->points->len, n_clusters, c, i;
  const Point *pts = (const Point *) self->points->data;
  gdouble *xy = g_new (gdouble, 2 * n);
  gint *labels = g_new (gint, n);
  GstTargetEstimate *ests;
  gboolean *taken;
  GArray *pairs;
  gint *match;

  for (i = 0; i < n; i++) {
    xy[2 * i] = pts[i].north;
    xy[2 * i + 1] = pts[i].east;
  }
  n_clusters = gst_dbscan_2d (xy, n, p->eps, p->min_points, labels);
  n_clusters = split_clusters (self, labels, n_clusters, p);
  GST_LOG_OBJECT (self, "%u points, %u clusters", n, n_clusters);

  for (i = 0; i < self->tracks->len; i++)
    ((Track *) g_ptr_array_index (self->tracks, i))->present = FALSE;
  taken = g_new0 (gboolean, self->tracks->len);

  /* each cluster continues the track of the nearest centre within eps,
   * nearest pairs first */
  ests = g_new (GstTargetEstimate, MAX (n_clusters, 1));
  estimate_clusters (pts, labels, n, n_clusters, ests);
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
  match = g_new (gint, n_clusters);
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
      t = track_new ();
      g_ptr_array_add (self->tracks, t);
    }
    ests[c].id = t->est.id;
    t->est = ests[c];
    t->present = TRUE;
    t->missing = 0;
    g_array_append_val (t->history, ests[c].north);
    g_array_append_val (t->history, ests[c].east);
    if (t->history->len / 2 > p->stable_updates)
      g_array_remove_range (t->history, 0,
          t->history->len - 2 * p->stable_updates);
  }
  g_array_unref (pairs);
  g_free (match);
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
  GST_OBJECT_UNLOCK (self);
}

static void
cluster_estimate_reset (GstClusterEstimate * self)
{
  g_array_set_size (self->points, 0);
  g_ptr_array_set_size (self->tracks, 0);
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
    Point q = { targets[i].north, targets[i].east, targets[i].down,
      GST_CLOCK_TIME_IS_VALID (frame_time) ? frame_time : pts, self->frames
    };

    g_array_append_val (self->points, q);
  }
  g_free (targets);
  self->frames++;
  if (self->points->len > p.max_points) {
    GST_LOG_OBJECT (self, "forgetting the %u oldest detections",
        self->points->len - p.max_points);
    g_array_remove_range (self->points, 0, self->points->len - p.max_points);
  }

  update_tracks (self, &p);

  for (i = 0; i < self->tracks->len && ret == GST_FLOW_OK; i++) {
    Track *t = g_ptr_array_index (self->tracks, i);

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
          "How many detections are kept, the latest (more cost more time "
          "per update)", 1, G_MAXINT / 2, DEFAULT_MAX_POINTS, flags));
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
  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
  self->next_id = 1;
  self->last_pts = GST_CLOCK_TIME_NONE;
}
