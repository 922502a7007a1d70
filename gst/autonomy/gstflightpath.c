/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstflightpath
 * @title: GstFlightPath
 * @short_description: a simulated flight: pose and telemetry over time
 *
 * The flight `flightsimsrc` simulates: a path (#GstFlightSimPath) flown
 * at a constant speed and altitude, the body wobbling slowly in roll,
 * pitch and yaw; gst_flight_path_true_pose() says where the drone really
 * is at a time, gst_flight_path_reported_pose() what its telemetry says,
 * with noise in position and attitude. Everything is a function of the
 * settings and the time: the same flight on every run. With a take-off
 * (`climb_rate`), the flight starts on the ground and climbs to the
 * altitude before it flies the path.
 *
 * Since: 0.2
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include "gstflightpath.h"
#include "gstsimrandom.h"

#define DEG (G_PI / 180.0)
#define EARTH_RADIUS 6378137.0  /* WGS84 equatorial, metres */

typedef struct
{
  gdouble north, east;
} GroundPoint;

struct _GstFlightPath
{
  GstFlightPathSettings cfg;
  GArray *waypoints;            /* GroundPoint, the path as a polyline */
  GArray *distances;            /* gdouble, path length at each waypoint */
  gdouble wobble_phase[3];
};

GType
gst_flight_sim_path_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_FLIGHT_SIM_PATH_LAWNMOWER,
        "Parallel lanes back and forth over an area", "lawnmower"},
    {GST_FLIGHT_SIM_PATH_CIRCLE, "A circle around home", "circle"},
    {GST_FLIGHT_SIM_PATH_LINE, "A straight line through home, back and forth",
        "line"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstFlightSimPath", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
add_waypoint (GstFlightPath * self, gdouble along, gdouble across)
{
  gdouble h = self->cfg.heading * DEG;
  GroundPoint p;
  gdouble d = 0;

  p.north = along * cos (h) - across * sin (h);
  p.east = along * sin (h) + across * cos (h);
  if (self->waypoints->len > 0) {
    GroundPoint *q = &g_array_index (self->waypoints, GroundPoint,
        self->waypoints->len - 1);

    d = g_array_index (self->distances, gdouble, self->distances->len - 1) +
        hypot (p.north - q->north, p.east - q->east);
  }
  g_array_append_val (self->waypoints, p);
  g_array_append_val (self->distances, d);
}

static void
build_path (GstFlightPath * self)
{
  const GstFlightPathSettings *c = &self->cfg;
  gdouble half = c->length / 2;

  g_array_set_size (self->waypoints, 0);
  g_array_set_size (self->distances, 0);
  switch (c->path) {
    case GST_FLIGHT_SIM_PATH_LINE:
      add_waypoint (self, -half, 0);
      add_waypoint (self, half, 0);
      break;
    case GST_FLIGHT_SIM_PATH_LAWNMOWER:{
      guint lanes = (guint) floor (c->width / c->lane_spacing + 1e-9) + 1;
      gdouble first = -(gdouble) (lanes - 1) * c->lane_spacing / 2;
      guint i;

      for (i = 0; i < lanes; i++) {
        gdouble across = first + i * c->lane_spacing;

        add_waypoint (self, i % 2 ? half : -half, across);
        add_waypoint (self, i % 2 ? -half : half, across);
      }
      break;
    }
    case GST_FLIGHT_SIM_PATH_CIRCLE:
      break;
  }
}

/**
 * gst_flight_path_copy:
 * @self: a path
 *
 * Copies a flight: the copy flies the same path, with the same wobble and
 * the same telemetry errors.
 *
 * Returns: (transfer full): the same flight
 *
 * Since: 0.2
 */
GstFlightPath *
gst_flight_path_copy (const GstFlightPath * self)
{
  return gst_flight_path_new (&self->cfg);
}

G_DEFINE_BOXED_TYPE (GstFlightPath, gst_flight_path, gst_flight_path_copy,
    gst_flight_path_free);

/**
 * gst_flight_path_new:
 * @settings: what to fly
 *
 * Makes the flight @settings describe: its path (waypoints) and the phases
 * of its wobble, from the seed.
 *
 * Returns: (transfer full): a new flight, to free with
 *   gst_flight_path_free()
 *
 * Since: 0.2
 */
GstFlightPath *
gst_flight_path_new (const GstFlightPathSettings * settings)
{
  GstFlightPath *self = g_new0 (GstFlightPath, 1);
  GRand *r;
  guint i;

  g_return_val_if_fail (settings != NULL, NULL);

  self->cfg = *settings;
  self->waypoints = g_array_new (FALSE, FALSE, sizeof (GroundPoint));
  self->distances = g_array_new (FALSE, FALSE, sizeof (gdouble));
  build_path (self);
  r = sim_rand_for (self->cfg.seed, SIM_SALT_WOBBLE, 0);
  for (i = 0; i < 3; i++)
    self->wobble_phase[i] = g_rand_double_range (r, 0, 2 * G_PI);
  g_rand_free (r);
  return self;
}

/**
 * gst_flight_path_free:
 * @self: (transfer full): a path
 *
 * Frees a flight made with gst_flight_path_new().
 *
 * Since: 0.2
 */
void
gst_flight_path_free (GstFlightPath * self)
{
  g_array_unref (self->waypoints);
  g_array_unref (self->distances);
  g_free (self);
}

/**
 * gst_flight_path_get_n_waypoints:
 * @self: a path
 *
 * Counts the corners of the path: for the debug log and for tests.
 *
 * Returns: the number of waypoints of the polyline the drone flies (none
 *   for a circle)
 *
 * Since: 0.2
 */
guint
gst_flight_path_get_n_waypoints (const GstFlightPath * self)
{
  return self->waypoints->len;
}

/**
 * gst_flight_path_position:
 * @self: a path
 * @distance: metres flown from the start
 * @north: (out): where the drone is, metres north of home
 * @east: (out): where the drone is, metres east of home
 * @heading: (out): the direction of flight, radians clockwise from north
 *
 * Where the path is after @distance metres, and the direction of flight.
 * The lawnmower and the line are flown there and back, for ever.
 *
 * Since: 0.2
 */
void
gst_flight_path_position (const GstFlightPath * self, gdouble distance,
    gdouble * north, gdouble * east, gdouble * heading)
{
  const GstFlightPathSettings *c = &self->cfg;
  gdouble s = distance;
  const gdouble *dist = (const gdouble *) self->distances->data;
  const GroundPoint *wp = (const GroundPoint *) self->waypoints->data;
  gdouble total, f;
  gboolean back;
  guint lo, hi;

  if (c->path == GST_FLIGHT_SIM_PATH_CIRCLE) {
    gdouble theta = c->heading * DEG + s / c->radius;

    *north = c->radius * cos (theta);
    *east = c->radius * sin (theta);
    *heading = theta + G_PI / 2;
    return;
  }

  /* there and back along the polyline */
  total = dist[self->distances->len - 1];
  s = fmod (s, 2 * total);
  back = s > total;
  if (back)
    s = 2 * total - s;
  lo = 0;
  hi = self->distances->len - 1;
  while (hi - lo > 1) {
    guint mid = (lo + hi) / 2;

    if (dist[mid] <= s)
      lo = mid;
    else
      hi = mid;
  }
  f = dist[hi] > dist[lo] ? (s - dist[lo]) / (dist[hi] - dist[lo]) : 0;
  *north = wp[lo].north + f * (wp[hi].north - wp[lo].north);
  *east = wp[lo].east + f * (wp[hi].east - wp[lo].east);
  *heading = atan2 (wp[hi].east - wp[lo].east, wp[hi].north - wp[lo].north);
  if (back)
    *heading += G_PI;
}

static gdouble
wrap_angle (gdouble a)
{
  a = fmod (a + G_PI, 2 * G_PI);
  if (a < 0)
    a += 2 * G_PI;
  return a - G_PI;
}

static gdouble
seconds (GstClockTime t)
{
  return (gdouble) t / GST_SECOND;
}

static void
set_global (const GstFlightPathSettings * c, GstOdometry * odo)
{
  odo->latitude = c->home_latitude + odo->north / EARTH_RADIUS / DEG;
  odo->longitude = c->home_longitude +
      odo->east / (EARTH_RADIUS * cos (c->home_latitude * DEG)) / DEG;
  odo->altitude = c->home_altitude - odo->down;
}

/* When the climb starts and ends, seconds; both 0 without a take-off. */
static void
climb_times (const GstFlightPathSettings * c, gdouble * start, gdouble * end)
{
  *start = *end = 0;
  if (c->climb_rate > 0) {
    *start = MAX (c->takeoff_time, 0);
    *end = *start + c->altitude / c->climb_rate;
  }
}

/**
 * gst_flight_path_distance:
 * @self: a path
 * @t: the time since the start of the flight
 *
 * How far along the path the drone is at @t: 0 on the ground and while
 * it climbs, then the distance flown since it reached its altitude.
 *
 * Returns: metres along the path
 *
 * Since: 0.3
 */
gdouble
gst_flight_path_distance (const GstFlightPath * self, GstClockTime t)
{
  gdouble start, end;

  climb_times (&self->cfg, &start, &end);
  return self->cfg.speed * MAX (seconds (t) - end, 0);
}

/**
 * gst_flight_path_true_pose:
 * @self: a path
 * @t: the time since the start of the flight
 * @odo: (out caller-allocates): the pose
 *
 * The drone's real pose at @t: what the camera sees from. Local and
 * global position, attitude (the direction of flight plus the wobble)
 * and velocity; its source time is @t.
 *
 * Since: 0.2
 */
void
gst_flight_path_true_pose (const GstFlightPath * self, GstClockTime t,
    GstOdometry * odo)
{
  const GstFlightPathSettings *c = &self->cfg;
  gdouble ts = seconds (t), heading, w = c->attitude_wobble * DEG;
  gdouble climb_start, climb_end;
  gboolean flying;

  gst_odometry_init (odo);
  odo->fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_GLOBAL |
      GST_ODOMETRY_HAS_ATTITUDE | GST_ODOMETRY_HAS_VELOCITY;
  odo->source_time_us = t / GST_USECOND;
  gst_flight_path_position (self, gst_flight_path_distance (self, t),
      &odo->north, &odo->east, &heading);
  climb_times (c, &climb_start, &climb_end);
  flying = ts >= climb_end;
  if (flying)
    odo->down = -c->altitude;
  else if (ts >= climb_start)
    odo->down = -c->climb_rate * (ts - climb_start);
  else
    odo->down = 0;
  set_global (c, odo);
  odo->roll = w * sin (2 * G_PI * 0.37 * ts + self->wobble_phase[0]);
  odo->pitch = w * sin (2 * G_PI * 0.23 * ts + self->wobble_phase[1]);
  odo->yaw = wrap_angle (heading +
      w / 2 * sin (2 * G_PI * 0.11 * ts + self->wobble_phase[2]));
  odo->vn = flying ? c->speed * cos (heading) : 0;
  odo->ve = flying ? c->speed * sin (heading) : 0;
  odo->vd = !flying && ts >= climb_start ? -c->climb_rate : 0;
}

/**
 * gst_flight_path_reported_pose:
 * @self: a path
 * @t: the time since the start of the flight
 * @odo: (out caller-allocates): the pose
 *
 * What the telemetry reports at @t: the real pose plus its errors
 * (`attitude_noise`, `position_noise`), the same for the same @t.
 *
 * Since: 0.2
 */
void
gst_flight_path_reported_pose (const GstFlightPath * self, GstClockTime t,
    GstOdometry * odo)
{
  const GstFlightPathSettings *c = &self->cfg;

  gst_flight_path_true_pose (self, t, odo);
  if (c->attitude_noise > 0 || c->position_noise > 0) {
    GRand *r = sim_rand_for (c->seed, SIM_SALT_TELEMETRY, t);
    gdouble a = c->attitude_noise * DEG, p = c->position_noise;

    odo->north += p * sim_rand_gauss (r);
    odo->east += p * sim_rand_gauss (r);
    odo->down += p * sim_rand_gauss (r);
    odo->roll += a * sim_rand_gauss (r);
    odo->pitch += a * sim_rand_gauss (r);
    odo->yaw = wrap_angle (odo->yaw + a * sim_rand_gauss (r));
    set_global (c, odo);
    g_rand_free (r);
  }
}
