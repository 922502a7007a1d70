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

#define GST_TYPE_MISSION_PLANNER (gst_mission_planner_get_type ())
G_DECLARE_FINAL_TYPE (GstMissionPlanner, gst_mission_planner, GST,
    MISSION_PLANNER, GstWorkerAggregator);

G_END_DECLS
