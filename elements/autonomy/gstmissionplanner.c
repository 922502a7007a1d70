/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-missionplanner
 * @title: missionplanner
 * @see_also: clusterestimate, flightlink
 *
 * Decides where the drone goes: a worker with two inputs and three outputs
 * of different item types (the design's worker 6), on
 * #GstWorkerAggregator.
 *
 * Inputs:
 * - `estimates`: %GST_TARGET_ESTIMATE_CAPS, the targets found so far
 *   (clusterestimate's `src`);
 * - `odometry`: %GST_ODOMETRY_CAPS, where the drone is (flightlink's
 *   `src`, or flightsimsrc's `telemetry`); items without a local position
 *   are read but change nothing.
 *
 * Outputs:
 * - `src`: %GST_FLIGHT_COMMAND_CAPS, the commands for the flight
 *   controller (flightlink's sink): a GOTO to the target chosen next, again
 *   when its estimate moves, and, once every target known was visited, the
 *   `done-command` (LOITER or LAND where the drone is, or RETURN);
 * - `visits`: %GST_TARGET_ESTIMATE_CAPS, each target's latest estimate
 *   when the drone first passes within `arrival-radius` of it;
 * - `route`: %GST_GROUND_TARGETS_CAPS, the targets not visited yet, in the
 *   order the drone will visit them (the one it is sent to first, then
 *   each time the nearest of the others), whenever that list changes; each
 *   entry has the estimate's position, its number of detections as `area`
 *   and confidence 1 (the pixel fields are 0: not from a frame).
 *
 * The drone is sent to the nearest target not visited (ties: the lower
 * id), and kept on it until it gets there: a target found meanwhile only
 * joins the route. A target counts as visited once the drone passes within
 * `arrival-radius` of it, whichever target it was sent to.
 *
 * ## Deterministic
 *
 * The two inputs are read as one stream in running-time order, odometry
 * first on a tie (a decision at time t knows where the drone is at t). In
 * a non-live pipeline missionplanner waits, before taking an item, until
 * the other input has an item at or after it, a GAP event past it, or
 * EOS: never on a timeout, so the outputs are the same whatever the queue
 * sizes and the timing. Estimates are sparse: clusterestimate sends a GAP
 * for each frame without news, which lets the odometry through. When both
 * inputs come from one source (flightsimsrc's video and telemetry), the
 * odometry input must queue the items of every frame still on its way
 * through the vision workers (the sum of their queues) or that source
 * blocks, and with it the frames the estimates wait for.
 *
 * In a live pipeline, it waits for an input at most the pipeline latency
 * plus its `latency` property, then goes on with what arrived.
 *
 * Both inputs must be linked: like any #GstAggregator it waits for every
 * sink pad, and one left unlinked holds the pipeline in preroll, with no
 * error (GStreamer allows linking a pad later, while PLAYING).
 *
 * Every output item is stamped with the running time of the input item
 * that made it. For each input item (or GAP) after which it has nothing
 * to say on an output, missionplanner sends a GAP event at the item's
 * time on that output, as clusterestimate does: sinks preroll, and a
 * worker downstream that merges by timestamp knows at once that nothing
 * earlier will come. At the end of both inputs, the outputs end.
 *
 * ## Example launch line
 *
 * |[
 * gst-launch-1.0 flightsimsrc name=sim num-buffers=760 \
 *     targets="10,-30;-20,-10;25,10" ! \
 *     video/x-raw,format=GRAY8,width=640,height=360 ! queue ! \
 *     detecttarget ! queue ! timestampmerge name=m ! queue ! \
 *     geolocate hfov=60 ! queue ! clusterestimate ! queue ! \
 *     missionplanner name=w6 ! queue ! jsonlinesenc ! fdsink \
 *     sim.telemetry ! tee name=t ! queue ! m. \
 *     t. ! queue max-size-buffers=64 ! w6.odometry \
 *     w6.visits ! queue ! jsonlinesenc ! fdsink \
 *     w6.route ! queue ! fakesink
 * ]| A simulated survey: the commands and visits as JSON Lines.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <gst/autonomy/autonomy.h>
#include "gstmissionplanner.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (mission_planner_debug);
#define GST_CAT_DEFAULT mission_planner_debug

#define DEFAULT_ARRIVAL_RADIUS 2.0
#define DEFAULT_COMMAND_DOWN -20.0
#define DEFAULT_DONE_COMMAND GST_MISSION_PLANNER_DONE_LOITER

enum
{
  PROP_0,
  PROP_ARRIVAL_RADIUS,
  PROP_COMMAND_DOWN,
  PROP_DONE_COMMAND,
};

typedef struct
{
  GstTargetEstimate est;        /* the latest estimate */
  gboolean visited;
} Target;

struct _GstMissionPlanner
{
  GstWorkerAggregator parent;

  GstAggregatorPad *estimates;  /* set once in init */
  GstAggregatorPad *odometry;
  GstPad *visits;               /* set once in constructed */
  GstPad *route;

  /* protected by the object lock */
  gdouble arrival_radius;
  gdouble command_down;
  GstMissionPlannerDone done_command;

  /* aggregate thread */
  GArray *targets;              /* Target, in the order they came */
  gboolean have_position;
  gdouble north, east, down;
  guint32 current;              /* the target the drone is sent to, or 0 */
  gboolean done_sent;
  GArray *last_route;           /* GstGroundTarget, as last sent */
  gboolean sent_command;        /* for the input item in hand */
  gboolean sent_visit;
  gboolean sent_route;
};

static GstStaticPadTemplate estimates_template =
GST_STATIC_PAD_TEMPLATE ("estimates", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_TARGET_ESTIMATE_CAPS));
static GstStaticPadTemplate odometry_template =
GST_STATIC_PAD_TEMPLATE ("odometry", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_ODOMETRY_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_FLIGHT_COMMAND_CAPS));
static GstStaticPadTemplate visits_template =
GST_STATIC_PAD_TEMPLATE ("visits", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_TARGET_ESTIMATE_CAPS));
static GstStaticPadTemplate route_template =
GST_STATIC_PAD_TEMPLATE ("route", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_GROUND_TARGETS_CAPS));

GType
gst_mission_planner_done_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_MISSION_PLANNER_DONE_NONE, "Command nothing", "none"},
    {GST_MISSION_PLANNER_DONE_LOITER, "Hold where the drone is", "loiter"},
    {GST_MISSION_PLANNER_DONE_LAND, "Land where the drone is", "land"},
    {GST_MISSION_PLANNER_DONE_RETURN, "Return to launch", "return"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstMissionPlannerDone", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_mission_takeoff_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_MISSION_TAKEOFF_NONE, "No take-off: the drone is flying already",
        "none"},
    {GST_MISSION_TAKEOFF_ARDUPILOT, "GUIDED, ARM, TAKEOFF (ArduPilot)",
        "ardupilot"},
    {GST_MISSION_TAKEOFF_PX4, "ARM, TAKEOFF, then GUIDED (PX4: OFFBOARD "
          "once up)", "px4"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstMissionTakeoff", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* The take-off commands in @cmds, in @takeoff's order, the TAKEOFF to
 * @height metres above home; returns how many (0 for none). */
guint
gst_mission_takeoff_init (GstMissionTakeoff takeoff, gdouble height,
    GstFlightCommand cmds[3])
{
  GstFlightCommand *guided, *arm, *up;

  switch (takeoff) {
    case GST_MISSION_TAKEOFF_ARDUPILOT:
      guided = &cmds[0];
      arm = &cmds[1];
      up = &cmds[2];
      break;
    case GST_MISSION_TAKEOFF_PX4:
      arm = &cmds[0];
      up = &cmds[1];
      guided = &cmds[2];
      break;
    case GST_MISSION_TAKEOFF_NONE:
    default:
      return 0;
  }
  gst_flight_command_init (guided, GST_FLIGHT_COMMAND_GUIDED);
  gst_flight_command_init (arm, GST_FLIGHT_COMMAND_ARM);
  gst_flight_command_init (up, GST_FLIGHT_COMMAND_TAKEOFF);
  up->flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
  up->down = -height;
  return 3;
}

G_DEFINE_TYPE (GstMissionPlanner, gst_mission_planner,
    GST_TYPE_WORKER_AGGREGATOR);
GST_ELEMENT_REGISTER_DEFINE (missionplanner, "missionplanner", GST_RANK_NONE,
    GST_TYPE_MISSION_PLANNER);

static void
planner_reset (GstMissionPlanner * self)
{
  g_array_set_size (self->targets, 0);
  g_array_set_size (self->last_route, 0);
  self->have_position = FALSE;
  self->north = self->east = self->down = 0;
  self->current = 0;
  self->done_sent = FALSE;
}

static Target *
find_target (GstMissionPlanner * self, guint32 id)
{
  guint i;

  for (i = 0; i < self->targets->len; i++) {
    Target *t = &g_array_index (self->targets, Target, i);

    if (t->est.id == id)
      return t;
  }
  return NULL;
}

/* The unvisited target nearest (@north, @east), not in @taken (indexes of
 * self->targets); ties go to the lower id. */
static Target *
nearest (GstMissionPlanner * self, gdouble north, gdouble east,
    const gboolean * taken)
{
  Target *best = NULL;
  gdouble best_d = 0;
  guint i;

  for (i = 0; i < self->targets->len; i++) {
    Target *t = &g_array_index (self->targets, Target, i);
    gdouble d;

    if (t->visited || (taken && taken[i]))
      continue;
    d = hypot (t->est.north - north, t->est.east - east);
    if (!best || d < best_d || (d == best_d && t->est.id < best->est.id)) {
      best = t;
      best_d = d;
    }
  }
  return best;
}

static GstFlowReturn
push_command (GstMissionPlanner * self, const GstFlightCommand * cmd,
    GstClockTime t)
{
  GST_INFO_OBJECT (self, "command %d, target %u, at %" GST_TIME_FORMAT,
      cmd->type, cmd->target_id, GST_TIME_ARGS (t));
  self->sent_command = TRUE;
  return gst_aggregator_finish_buffer (GST_AGGREGATOR (self),
      gst_flight_command_to_buffer (cmd, t));
}

static GstFlowReturn
send_goto (GstMissionPlanner * self, const Target * target, GstClockTime t)
{
  GstFlightCommand cmd;

  gst_flight_command_init (&cmd, GST_FLIGHT_COMMAND_GOTO);
  cmd.target_id = target->est.id;
  cmd.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
  cmd.north = target->est.north;
  cmd.east = target->est.east;
  GST_OBJECT_LOCK (self);
  cmd.down = self->command_down;
  GST_OBJECT_UNLOCK (self);
  return push_command (self, &cmd, t);
}

/* The done command's type in @cmd, without a position ("where the drone
 * is"); FALSE for none. Shared with clusterestimate's done-command. */
gboolean
gst_mission_planner_done_init (GstMissionPlannerDone done,
    GstFlightCommand * cmd)
{
  switch (done) {
    case GST_MISSION_PLANNER_DONE_LOITER:
      gst_flight_command_init (cmd, GST_FLIGHT_COMMAND_LOITER);
      return TRUE;
    case GST_MISSION_PLANNER_DONE_LAND:
      gst_flight_command_init (cmd, GST_FLIGHT_COMMAND_LAND);
      return TRUE;
    case GST_MISSION_PLANNER_DONE_RETURN:
      gst_flight_command_init (cmd, GST_FLIGHT_COMMAND_RETURN);
      return TRUE;
    case GST_MISSION_PLANNER_DONE_NONE:
    default:
      return FALSE;
  }
}

static GstFlowReturn
send_done (GstMissionPlanner * self, GstClockTime t)
{
  GstMissionPlannerDone done;
  GstFlightCommand cmd;

  GST_OBJECT_LOCK (self);
  done = self->done_command;
  GST_OBJECT_UNLOCK (self);

  if (!gst_mission_planner_done_init (done, &cmd))
    return GST_FLOW_OK;
  /* loiter or land: here */
  if (done != GST_MISSION_PLANNER_DONE_RETURN) {
    cmd.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
    cmd.north = self->north;
    cmd.east = self->east;
    cmd.down = done == GST_MISSION_PLANNER_DONE_LOITER ? self->down : 0;
  }
  return push_command (self, &cmd, t);
}

/* The route: the current target, then each time the nearest of the
 * others. Sent when it differs from the last one sent. */
static GstFlowReturn
send_route_if_changed (GstMissionPlanner * self, GstClockTime t)
{
  GArray *route = g_array_new (FALSE, TRUE, sizeof (GstGroundTarget));
  gboolean *taken = g_new0 (gboolean, MAX (self->targets->len, 1));
  Target *next = self->current ? find_target (self, self->current) : NULL;
  GstFlowReturn ret = GST_FLOW_OK;

  while (next) {
    GstGroundTarget g = { 0, };

    g.north = next->est.north;
    g.east = next->est.east;
    g.down = next->est.down;
    g.confidence = 1.0;
    g.area = next->est.count;
    g_array_append_val (route, g);
    taken[next - (Target *) self->targets->data] = TRUE;
    next = nearest (self, next->est.north, next->est.east, taken);
  }
  g_free (taken);

  if (route->len != self->last_route->len || (route->len > 0 &&
          memcmp (route->data, self->last_route->data,
              route->len * sizeof (GstGroundTarget)))) {
    GST_DEBUG_OBJECT (self, "route of %u targets", route->len);
    self->sent_route = TRUE;
    ret = gst_worker_aggregator_push_to (GST_WORKER_AGGREGATOR (self),
        self->route, gst_ground_targets_to_buffer ((GstGroundTarget *)
            route->data, route->len, t));
    g_array_unref (self->last_route);
    self->last_route = route;
  } else {
    g_array_unref (route);
  }
  return ret;
}

/* After any change: a target to go to if there is none, the done command
 * once every known target was visited, the route. */
static GstFlowReturn
replan (GstMissionPlanner * self, GstClockTime t)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (!self->current) {
    Target *next = self->have_position ?
        nearest (self, self->north, self->east, NULL) :
        nearest (self, 0, 0, NULL);

    if (next) {
      self->current = next->est.id;
      self->done_sent = FALSE;
      ret = send_goto (self, next, t);
    } else if (self->targets->len > 0 && !self->done_sent) {
      self->done_sent = TRUE;
      ret = send_done (self, t);
    }
  }
  if (ret == GST_FLOW_OK)
    ret = send_route_if_changed (self, t);
  return ret;
}

static GstFlowReturn
on_odometry (GstMissionPlanner * self, GstBuffer * buf, GstClockTime t)
{
  GstOdometry odo;
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean changed = FALSE;
  gdouble radius;
  guint i;

  if (!gst_odometry_from_buffer (buf, &odo)) {
    gchar *when = autonomy_item_when (t);

    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("%s received a corrupt odometry item (%" G_GSIZE_FORMAT " bytes "
            "%s).", GST_OBJECT_NAME (self), gst_buffer_get_size (buf), when),
        ("gst_odometry_from_buffer refused it"));
    g_free (when);
    return GST_FLOW_ERROR;
  }
  if (!(odo.fields & GST_ODOMETRY_HAS_LOCAL))
    return GST_FLOW_OK;
  self->have_position = TRUE;
  self->north = odo.north;
  self->east = odo.east;
  self->down = odo.down;

  GST_OBJECT_LOCK (self);
  radius = self->arrival_radius;
  GST_OBJECT_UNLOCK (self);
  for (i = 0; i < self->targets->len && ret == GST_FLOW_OK; i++) {
    Target *target = &g_array_index (self->targets, Target, i);

    if (target->visited || hypot (target->est.north - odo.north,
            target->est.east - odo.east) > radius)
      continue;
    GST_INFO_OBJECT (self, "target %u visited at %" GST_TIME_FORMAT,
        target->est.id, GST_TIME_ARGS (t));
    target->visited = TRUE;
    changed = TRUE;
    if (target->est.id == self->current)
      self->current = 0;
    self->sent_visit = TRUE;
    ret = gst_worker_aggregator_push_to (GST_WORKER_AGGREGATOR (self),
        self->visits, gst_target_estimate_to_buffer (&target->est, t));
  }
  if (changed && ret == GST_FLOW_OK)
    ret = replan (self, t);
  return ret;
}

static GstFlowReturn
on_estimate (GstMissionPlanner * self, GstBuffer * buf, GstClockTime t)
{
  GstTargetEstimate est;
  Target *target;

  if (!gst_target_estimate_from_buffer (buf, &est)) {
    gchar *when = autonomy_item_when (t);

    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("%s received a corrupt target estimate (%" G_GSIZE_FORMAT " bytes "
            "%s).", GST_OBJECT_NAME (self), gst_buffer_get_size (buf), when),
        ("gst_target_estimate_from_buffer refused it"));
    g_free (when);
    return GST_FLOW_ERROR;
  }
  target = find_target (self, est.id);
  if (!target) {
    Target new_target = { est, FALSE };

    GST_INFO_OBJECT (self, "target %u at north %.2f east %.2f", est.id,
        est.north, est.east);
    g_array_append_val (self->targets, new_target);
  } else {
    gboolean moved = est.north != target->est.north ||
        est.east != target->est.east;

    target->est = est;
    if (moved && est.id == self->current) {
      GstFlowReturn ret = send_goto (self, target, t);

      if (ret != GST_FLOW_OK)
        return ret;
    }
  }
  return replan (self, t);
}

static GstClockTime
running_time_of (GstAggregatorPad * pad, GstBuffer * buf)
{
  GstClockTime ts = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
      GST_BUFFER_DTS (buf), rt;

  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return GST_CLOCK_TIME_NONE;
  GST_OBJECT_LOCK (pad);
  rt = pad->segment.format == GST_FORMAT_TIME ?
      gst_segment_to_running_time (&pad->segment, GST_FORMAT_TIME, ts) :
      GST_CLOCK_TIME_NONE;
  GST_OBJECT_UNLOCK (pad);
  return rt;
}

static inline gboolean
is_gap (GstBuffer * buf)
{
  /* the aggregator turns GAP events into empty buffers flagged GAP */
  return GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP) &&
      gst_buffer_get_size (buf) == 0;
}

/* Nothing new before @t on the outputs that had nothing for the input item
 * at @t. */
static void
send_gaps (GstMissionPlanner * self, GstClockTime t)
{
  GstWorkerAggregator *base = GST_WORKER_AGGREGATOR (self);

  if (!self->sent_command)
    gst_worker_aggregator_push_gap (base, GST_AGGREGATOR_SRC_PAD (self), t);
  if (!self->sent_visit)
    gst_worker_aggregator_push_gap (base, self->visits, t);
  if (!self->sent_route)
    gst_worker_aggregator_push_gap (base, self->route, t);
}

static GstFlowReturn
gst_mission_planner_aggregate (GstWorkerAggregator * base, gboolean timeout)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (base);
  GstBuffer *est = gst_aggregator_pad_peek_buffer (self->estimates);
  GstBuffer *odo = gst_aggregator_pad_peek_buffer (self->odometry);
  gboolean est_open = !est && !gst_aggregator_pad_is_eos (self->estimates);
  gboolean odo_open = !odo && !gst_aggregator_pad_is_eos (self->odometry);
  GstAggregatorPad *pad;
  GstBuffer *buf;
  GstClockTime t;
  GstFlowReturn ret;

  if (!est && !odo) {
    if (est_open || odo_open)
      return GST_AGGREGATOR_FLOW_NEED_DATA;
    GST_DEBUG_OBJECT (self, "both inputs ended");
    return GST_FLOW_EOS;
  }
  /* an input that may still send something earlier: wait (live: not past
   * the latency) */
  if ((est_open || odo_open) && !timeout) {
    gst_clear_buffer (&est);
    gst_clear_buffer (&odo);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }

  /* the earlier, odometry first on a tie */
  if (odo && (!est || running_time_of (self->odometry, odo) <=
          running_time_of (self->estimates, est)))
    pad = self->odometry;
  else
    pad = self->estimates;
  gst_clear_buffer (&est);
  gst_clear_buffer (&odo);

  buf = gst_aggregator_pad_pop_buffer (pad);
  if (!buf)
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  self->sent_command = self->sent_visit = self->sent_route = FALSE;
  if (is_gap (buf)) {
    /* nothing on that input before t: nothing on the outputs either */
    t = running_time_of (pad, buf);
    gst_buffer_unref (buf);
    send_gaps (self, t);
    return GST_FLOW_OK;
  }
  if (!GST_BUFFER_PTS_IS_VALID (buf) && !GST_BUFFER_DTS_IS_VALID (buf)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Input %s of %s has an item without a timestamp: missionplanner "
            "reads its inputs in time order.", GST_PAD_NAME (pad),
            GST_OBJECT_NAME (self)), ("buffer without PTS and DTS"));
    gst_buffer_unref (buf);
    return GST_FLOW_ERROR;
  }
  t = running_time_of (pad, buf);
  if (!GST_CLOCK_TIME_IS_VALID (t)) {
    GST_DEBUG_OBJECT (pad, "item outside the segment");
    gst_worker_aggregator_drop (base, buf);
    return GST_FLOW_OK;
  }

  if (pad == self->odometry)
    ret = on_odometry (self, buf, t);
  else
    ret = on_estimate (self, buf, t);
  gst_buffer_unref (buf);
  if (ret == GST_FLOW_OK)
    send_gaps (self, t);
  return ret;
}

static GstClockTime
gst_mission_planner_get_next_time (GstAggregator * agg)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (agg);
  GstAggregatorPad *pads[2] = { self->estimates, self->odometry };
  GstClockTime next = GST_CLOCK_TIME_NONE;
  guint i;

  /* live: wait for the other input until the earlier head's time */
  for (i = 0; i < 2; i++) {
    GstBuffer *buf = gst_aggregator_pad_peek_buffer (pads[i]);
    GstClockTime t;

    if (!buf)
      continue;
    t = running_time_of (pads[i], buf);
    if (GST_CLOCK_TIME_IS_VALID (t) && (!GST_CLOCK_TIME_IS_VALID (next) ||
            t < next))
      next = t;
    gst_buffer_unref (buf);
  }
  return next;
}

static gboolean
gst_mission_planner_start (GstAggregator * agg)
{
  planner_reset (GST_MISSION_PLANNER (agg));
  return TRUE;
}

static gboolean
gst_mission_planner_stop (GstAggregator * agg)
{
  planner_reset (GST_MISSION_PLANNER (agg));
  return TRUE;
}

static GstFlowReturn
gst_mission_planner_flush (GstAggregator * agg)
{
  /* every pad got FLUSH_STOP; the task is stopped */
  planner_reset (GST_MISSION_PLANNER (agg));
  return GST_FLOW_OK;
}

static void
gst_mission_planner_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (object);

  switch (prop_id) {
    case PROP_ARRIVAL_RADIUS:
      GST_OBJECT_LOCK (self);
      self->arrival_radius = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_COMMAND_DOWN:
      GST_OBJECT_LOCK (self);
      self->command_down = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DONE_COMMAND:
      GST_OBJECT_LOCK (self);
      self->done_command = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      /* the worker properties */
      G_OBJECT_CLASS (gst_mission_planner_parent_class)->set_property
          (object, prop_id, value, pspec);
      break;
  }
}

static void
gst_mission_planner_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (object);

  switch (prop_id) {
    case PROP_ARRIVAL_RADIUS:
      GST_OBJECT_LOCK (self);
      g_value_set_double (value, self->arrival_radius);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_COMMAND_DOWN:
      GST_OBJECT_LOCK (self);
      g_value_set_double (value, self->command_down);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DONE_COMMAND:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->done_command);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (gst_mission_planner_parent_class)->get_property
          (object, prop_id, value, pspec);
      break;
  }
}

static void
gst_mission_planner_constructed (GObject * object)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (object);

  G_OBJECT_CLASS (gst_mission_planner_parent_class)->constructed (object);
  self->visits = gst_worker_aggregator_get_output (GST_WORKER_AGGREGATOR
      (self), "visits");
  self->route = gst_worker_aggregator_get_output (GST_WORKER_AGGREGATOR
      (self), "route");
}

static void
gst_mission_planner_finalize (GObject * object)
{
  GstMissionPlanner *self = GST_MISSION_PLANNER (object);

  g_array_unref (self->targets);
  g_array_unref (self->last_route);
  G_OBJECT_CLASS (gst_mission_planner_parent_class)->finalize (object);
}

static void
gst_mission_planner_class_init (GstMissionPlannerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);
  GstWorkerAggregatorClass *worker_class = GST_WORKER_AGGREGATOR_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (mission_planner_debug, "missionplanner", 0,
      "where the drone goes");

  gobject_class->set_property = gst_mission_planner_set_property;
  gobject_class->get_property = gst_mission_planner_get_property;
  gobject_class->constructed = gst_mission_planner_constructed;
  gobject_class->finalize = gst_mission_planner_finalize;

  g_object_class_install_property (gobject_class, PROP_ARRIVAL_RADIUS,
      g_param_spec_double ("arrival-radius", "Arrival radius",
          "A target counts as visited once the drone passed this close to "
          "it, metres (horizontally)", 0.0, 1e6, DEFAULT_ARRIVAL_RADIUS,
          flags));
  g_object_class_install_property (gobject_class, PROP_COMMAND_DOWN,
      g_param_spec_double ("command-down", "Command down",
          "The local NED down of the GOTO commands, metres (negative is "
          "above home)", -1e6, 1e6, DEFAULT_COMMAND_DOWN, flags));
  g_object_class_install_property (gobject_class, PROP_DONE_COMMAND,
      g_param_spec_enum ("done-command", "Done command",
          "What to command once every target known was visited",
          GST_TYPE_MISSION_PLANNER_DONE, DEFAULT_DONE_COMMAND, flags));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &estimates_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &odometry_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template (element_class,
      &visits_template);
  gst_element_class_add_static_pad_template (element_class, &route_template);
  gst_element_class_set_static_metadata (element_class, "Mission planner",
      "Filter/Analyzer", "Sends the drone to the targets found, nearest "
      "first, and reports the visits and the route",
      "gst-workers");

  agg_class->get_next_time =
      GST_DEBUG_FUNCPTR (gst_mission_planner_get_next_time);
  agg_class->start = GST_DEBUG_FUNCPTR (gst_mission_planner_start);
  agg_class->stop = GST_DEBUG_FUNCPTR (gst_mission_planner_stop);
  agg_class->flush = GST_DEBUG_FUNCPTR (gst_mission_planner_flush);
  worker_class->aggregate = GST_DEBUG_FUNCPTR (gst_mission_planner_aggregate);

  gst_type_mark_as_plugin_api (GST_TYPE_MISSION_PLANNER_DONE, 0);
}

static GstAggregatorPad *
add_input (GstMissionPlanner * self, GstStaticPadTemplate * static_templ)
{
  GstPadTemplate *templ = gst_static_pad_template_get (static_templ);
  GstAggregatorPad *pad = g_object_new (GST_TYPE_AGGREGATOR_PAD,
      "name", static_templ->name_template, "direction", GST_PAD_SINK,
      "template", templ, NULL);

  gst_object_unref (templ);
  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (pad));
  return pad;
}

static void
gst_mission_planner_init (GstMissionPlanner * self)
{
  self->estimates = add_input (self, &estimates_template);
  self->odometry = add_input (self, &odometry_template);
  self->arrival_radius = DEFAULT_ARRIVAL_RADIUS;
  self->command_down = DEFAULT_COMMAND_DOWN;
  self->done_command = DEFAULT_DONE_COMMAND;
  self->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  self->last_route = g_array_new (FALSE, TRUE, sizeof (GstGroundTarget));
}
