/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>

G_BEGIN_DECLS

/**
 * GstMissionPlannerDone:
 * @GST_MISSION_PLANNER_DONE_NONE: command nothing
 * @GST_MISSION_PLANNER_DONE_LOITER: hold where the drone is
 * @GST_MISSION_PLANNER_DONE_LAND: land where the drone is
 * @GST_MISSION_PLANNER_DONE_RETURN: return to launch
 *
 * What missionplanner commands once every target it knows was visited.
 */
typedef enum
{
  GST_MISSION_PLANNER_DONE_NONE,
  GST_MISSION_PLANNER_DONE_LOITER,
  GST_MISSION_PLANNER_DONE_LAND,
  GST_MISSION_PLANNER_DONE_RETURN,
} GstMissionPlannerDone;

GType gst_mission_planner_done_get_type (void);
#define GST_TYPE_MISSION_PLANNER_DONE (gst_mission_planner_done_get_type ())
gboolean gst_mission_planner_done_init (GstMissionPlannerDone done,
    GstFlightCommand * cmd);

/**
 * GstMissionTakeoff:
 * @GST_MISSION_TAKEOFF_NONE: no take-off: the drone is flying already
 * @GST_MISSION_TAKEOFF_ARDUPILOT: GUIDED, ARM, TAKEOFF (ArduPilot takes
 *   off in GUIDED only, armed, and obeys setpoints in GUIDED only)
 * @GST_MISSION_TAKEOFF_PX4: ARM, TAKEOFF, then GUIDED (PX4 takes off in
 *   its Takeoff mode and holds; OFFBOARD comes once it is up)
 *
 * The commands that start a mission, in the order an autopilot family
 * needs them.
 */
typedef enum
{
  GST_MISSION_TAKEOFF_NONE,
  GST_MISSION_TAKEOFF_ARDUPILOT,
  GST_MISSION_TAKEOFF_PX4,
} GstMissionTakeoff;

GType gst_mission_takeoff_get_type (void);
#define GST_TYPE_MISSION_TAKEOFF (gst_mission_takeoff_get_type ())
guint gst_mission_takeoff_init (GstMissionTakeoff takeoff, gdouble height,
    GstFlightCommand cmds[3]);

#define GST_TYPE_MISSION_PLANNER (gst_mission_planner_get_type ())
G_DECLARE_FINAL_TYPE (GstMissionPlanner, gst_mission_planner, GST,
    MISSION_PLANNER, GstWorkerAggregator);

G_END_DECLS
