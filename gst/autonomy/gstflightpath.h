/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>

G_BEGIN_DECLS

/**
 * GstFlightSimPath:
 * @GST_FLIGHT_SIM_PATH_LAWNMOWER: parallel lanes `path-length` long,
 *   `lane-spacing` apart, covering `path-width`, flown back and forth
 * @GST_FLIGHT_SIM_PATH_CIRCLE: a circle of `radius` around home, clockwise
 * @GST_FLIGHT_SIM_PATH_LINE: a straight line `path-length` long through
 *   home, flown back and forth
 *
 * The path the simulated drone flies.
 *
 * Since: 0.2
 */
typedef enum {
  GST_FLIGHT_SIM_PATH_LAWNMOWER,
  GST_FLIGHT_SIM_PATH_CIRCLE,
  GST_FLIGHT_SIM_PATH_LINE,
} GstFlightSimPath;

/**
 * GST_TYPE_FLIGHT_SIM_PATH:
 *
 * The #GType of #GstFlightSimPath.
 *
 * Since: 0.2
 */
#define GST_TYPE_FLIGHT_SIM_PATH (gst_flight_sim_path_get_type ())
GST_AUTONOMY_API
GType gst_flight_sim_path_get_type (void);

/**
 * GstFlightPathSettings:
 * @path: the shape of the path
 * @length: the length of a lane (lawnmower) or of the line, metres
 * @width: the width the lanes cover (lawnmower), metres
 * @lane_spacing: the distance between two lanes (lawnmower), metres
 * @radius: the radius of the circle, metres
 * @heading: the direction of the lanes or of the line, or where the circle
 *   starts, degrees clockwise from north
 * @altitude: the height above home, metres
 * @speed: the ground speed, metres per second
 * @attitude_wobble: the amplitude of the slow roll, pitch and yaw
 *   oscillations of the body, degrees
 * @attitude_noise: the standard deviation of the reported attitude's
 *   error, degrees
 * @position_noise: the standard deviation of the reported position's
 *   error, metres
 * @home_latitude: home's latitude, degrees
 * @home_longitude: home's longitude, degrees
 * @home_altitude: home's altitude above mean sea level, metres
 * @seed: the seed of the wobble and of the reported pose's errors
 * @climb_rate: with a take-off, the climb's vertical speed, metres per
 *   second; 0: no take-off, the flight starts at @altitude (Since: 0.3)
 * @takeoff_time: with a take-off, how long the drone stays on the ground
 *   (down 0) at the path's start before it climbs, seconds (Since: 0.3)
 *
 * What a #GstFlightPath flies. With a take-off (@climb_rate above 0) the
 * drone waits on the ground at the path's first point until
 * @takeoff_time, climbs straight up at @climb_rate to @altitude, then
 * flies the path from its start.
 *
 * Since: 0.2
 */
typedef struct {
  GstFlightSimPath path;
  gdouble length, width, lane_spacing, radius, heading;
  gdouble altitude, speed;
  gdouble attitude_wobble, attitude_noise, position_noise;
  gdouble home_latitude, home_longitude, home_altitude;
  guint seed;
  gdouble climb_rate, takeoff_time;
} GstFlightPathSettings;

/**
 * GstFlightPath:
 *
 * A simulated flight: where the drone is at each moment, how it is
 * oriented, and what its telemetry says. Opaque.
 *
 * Since: 0.2
 */
typedef struct _GstFlightPath GstFlightPath;

/**
 * GST_TYPE_FLIGHT_PATH:
 *
 * The boxed #GType of #GstFlightPath.
 *
 * Since: 0.2
 */
#define GST_TYPE_FLIGHT_PATH (gst_flight_path_get_type ())
GST_AUTONOMY_API
GType           gst_flight_path_get_type (void);

GST_AUTONOMY_API
GstFlightPath * gst_flight_path_new (const GstFlightPathSettings * settings);

GST_AUTONOMY_API
GstFlightPath * gst_flight_path_copy (const GstFlightPath * self);

GST_AUTONOMY_API
void            gst_flight_path_free (GstFlightPath * self);

GST_AUTONOMY_API
guint           gst_flight_path_get_n_waypoints (const GstFlightPath * self);

GST_AUTONOMY_API
void            gst_flight_path_position (const GstFlightPath * self,
                                          gdouble distance, gdouble * north,
                                          gdouble * east, gdouble * heading);

GST_AUTONOMY_API
gdouble         gst_flight_path_distance (const GstFlightPath * self,
                                          GstClockTime t);

GST_AUTONOMY_API
void            gst_flight_path_true_pose (const GstFlightPath * self,
                                           GstClockTime t,
                                           GstOdometry * odo);

GST_AUTONOMY_API
void            gst_flight_path_reported_pose (const GstFlightPath * self,
                                               GstClockTime t,
                                               GstOdometry * odo);

G_END_DECLS
