/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-flightsimsrc
 * @title: flightsimsrc
 * @short_description: a simulated drone flight: camera video and odometry
 *
 * A source worker standing in for a drone's downward camera and its flight
 * controller's telemetry. The drone flies a set path at `altitude` and
 * `speed`; its camera (a #GstCameraModel with field of view `hfov`,
 * mounted at `camera-roll`, `camera-pitch`, `camera-yaw`) looks at a
 * darker, textured ground on which bright disks (`targets`,
 * `target-radius` metres) lie at known positions. Everything is
 * reproducible from `seed`: the same properties give the same bytes.
 *
 * Two outputs:
 *
 * - `src`: raw video, GRAY8, I420, NV12, RGB or BGRx, negotiated;
 *   1920x1080 at 10 frames/s unless downstream asks otherwise. Frame `i`
 *   has the timestamp `i / framerate`.
 * - `telemetry`: odometry items (%GST_ODOMETRY_CAPS): local NED position
 *   (home is 0,0,0, the ground is at down = 0), global position (from
 *   `home-latitude`, `home-longitude`, `home-altitude`, on a flat earth),
 *   attitude and velocity. Before frame `i` it sends
 *   `telemetry-per-frame` items evenly spread after frame `i-1` up to and
 *   including frame `i`'s timestamp (only one, at 0, before frame 0). So
 *   every frame has an item at exactly its timestamp, and no item is ahead
 *   of the video. With `odometry-meta` each frame also carries that item
 *   as a #GstOdometryMeta.
 *
 * The geometry is exact where it matters: each target is drawn through
 * the camera model from the pose at the frame's timestamp (anti-aliased
 * edges), so with no noise a target's centre projects, with
 * gst_camera_model_project() and the odometry item of that timestamp,
 * onto the centre of its disk in the image. The ground around the targets
 * is clutter, not geometry: a tiled texture that scrolls down the image by
 * the distance flown (as seen straight down at `altitude`), whatever the
 * heading or camera mount.
 *
 * Noise, all from `seed`: `pixel-noise` (Gaussian, on the luma, per
 * pixel), `attitude-wobble` (the real attitude oscillates: roll at
 * 0.37 Hz, pitch at 0.23 Hz with this amplitude, yaw at 0.11 Hz with half
 * of it; rendered and reported alike), `attitude-noise` and
 * `position-noise` (Gaussian errors in the reported odometry only: the
 * image is rendered from the true pose). Velocities are reported exactly.
 *
 * Paths (all centred on home, turned by `path-heading`, flown at constant
 * speed, the nose along the direction of flight): `lawnmower` flies lanes
 * `path-length` long, `lane-spacing` apart across `path-width`, starting
 * at the lane on the left of the first; `line` flies a line `path-length`
 * long; both fly back along the path when they reach its end. `circle`
 * flies clockwise (seen from above) around home at `radius`, starting at
 * the point `path-heading` from north.
 *
 * With `is-live` the element waits for each frame's time on the pipeline
 * clock before sending its telemetry and the frame, as a camera would.
 * `num-buffers` counts video frames. An EOS sent to the element
 * (`gst-launch-1.0 -e`) ends both outputs after the frame in hand. The
 * flight only goes forward: it is not seekable.
 *
 * Both outputs are pushed from one streaming thread, the telemetry of a
 * frame first: give the `telemetry` branch a `queue` (the bounded channel
 * every worker has anyway). Without one, a sink on it waits for the
 * pipeline to preroll while holding back the video that would preroll it.
 *
 * It is a worker (#GstWorker: `paused`, `heartbeat-interval`, `stats`,
 * heartbeat messages) counting one item in per frame and every frame and
 * odometry item out. It has its own task rather than #GstWorkerSrc's:
 * #GstBaseSrc supports a single source pad only.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -e flightsimsrc num-buffers=30 name=sim ! queue ! \
 *     videoconvert ! jpegenc ! multifilesink location=frame%03d.jpg \
 *     sim.telemetry ! queue ! odometryfilesink location=flight.csv
 * ]| Flies 3 s of the default lawnmower path over the default targets,
 * saving the frames as JPEG files and the telemetry as CSV.
 * |[
 * gst-launch-1.0 flightsimsrc num-buffers=100 path=circle radius=20 \
 *     targets="0,0;5,-5" pixel-noise=0 ! \
 *     video/x-raw,format=GRAY8,width=640,height=480 ! fakesink
 * ]| A smaller, noise-free camera circling two targets; the telemetry
 * output, not linked, is counted as dropped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <gst/video/video.h>
#include <gst/autonomy/autonomy.h>
#include "gstflightsimsrc.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (flight_sim_src_debug);
#define GST_CAT_DEFAULT flight_sim_src_debug

#define DEG (G_PI / 180.0)
#define EARTH_RADIUS 6378137.0  /* WGS84 equatorial, metres */

/* sub-streams of the seed */
#define SALT_TEXTURE 0x74657874u
#define SALT_NOISE_TABLE 0x6e6f6973u
#define SALT_FRAME 0x6672616du
#define SALT_TELEMETRY 0x74656c65u
#define SALT_WOBBLE 0x776f6262u

#define TEXTURE_ROWS 1024       /* a multiple of the largest lattice cell */
#define NOISE_TABLE_LEN (1 << 19)
#define SUBSAMPLES 8            /* per axis, on the edge of a disk */

#define DEFAULT_SEED 0
#define DEFAULT_TARGETS "10,20;-15,-25;30,-5"
#define DEFAULT_TARGET_RADIUS 0.75
#define DEFAULT_TARGET_LUMA 235
#define DEFAULT_PATH GST_FLIGHT_SIM_PATH_LAWNMOWER
#define DEFAULT_PATH_LENGTH 80.0
#define DEFAULT_PATH_WIDTH 60.0
#define DEFAULT_LANE_SPACING 20.0
#define DEFAULT_RADIUS 30.0
#define DEFAULT_PATH_HEADING 0.0
#define DEFAULT_ALTITUDE 40.0
#define DEFAULT_SPEED 5.0
#define DEFAULT_HFOV 60.0
#define DEFAULT_CAMERA_ROLL 0.0
#define DEFAULT_CAMERA_PITCH -90.0
#define DEFAULT_CAMERA_YAW 0.0
#define DEFAULT_PIXEL_NOISE 3.0
#define DEFAULT_ATTITUDE_NOISE 0.1
#define DEFAULT_POSITION_NOISE 0.0
#define DEFAULT_ATTITUDE_WOBBLE 1.0
#define DEFAULT_TELEMETRY_PER_FRAME 1
#define DEFAULT_HOME_LATITUDE 43.4723
#define DEFAULT_HOME_LONGITUDE -80.5449
#define DEFAULT_HOME_ALTITUDE 330.0
#define DEFAULT_ODOMETRY_META FALSE
#define DEFAULT_NUM_BUFFERS -1
#define DEFAULT_IS_LIVE FALSE

enum
{
  PROP_0,
  PROP_SEED = GST_WORKER_CORE_PROP_LAST + 1,
  PROP_TARGETS,
  PROP_TARGET_RADIUS,
  PROP_TARGET_LUMA,
  PROP_PATH,
  PROP_PATH_LENGTH,
  PROP_PATH_WIDTH,
  PROP_LANE_SPACING,
  PROP_RADIUS,
  PROP_PATH_HEADING,
  PROP_ALTITUDE,
  PROP_SPEED,
  PROP_HFOV,
  PROP_CAMERA_ROLL,
  PROP_CAMERA_PITCH,
  PROP_CAMERA_YAW,
  PROP_PIXEL_NOISE,
  PROP_ATTITUDE_NOISE,
  PROP_POSITION_NOISE,
  PROP_ATTITUDE_WOBBLE,
  PROP_TELEMETRY_PER_FRAME,
  PROP_HOME_LATITUDE,
  PROP_HOME_LONGITUDE,
  PROP_HOME_ALTITUDE,
  PROP_ODOMETRY_META,
  PROP_NUM_BUFFERS,
  PROP_IS_LIVE,
};

/* Everything the properties set, copied for the streaming thread at
 * start. */
typedef struct
{
  guint seed;
  gchar *targets;
  gdouble target_radius;
  guint target_luma;
  GstFlightSimPath path;
  gdouble path_length, path_width, lane_spacing, radius, path_heading;
  gdouble altitude, speed, hfov;
  gdouble camera_roll, camera_pitch, camera_yaw;
  gdouble pixel_noise, attitude_noise, position_noise, attitude_wobble;
  guint telemetry_per_frame;
  gdouble home_latitude, home_longitude, home_altitude;
  gboolean odometry_meta;
} FlightSimSettings;

typedef struct
{
  gdouble north, east;
} GroundPoint;

struct _GstFlightSimSrc
{
  GstElement parent;

  GstPad *srcpad;
  GstPad *telemetry;            /* an output of the core */
  GstWorkerCore *core;

  /* protected by the object lock */
  FlightSimSettings props;
  gint num_buffers;
  gboolean is_live;

  /* protected by lock */
  GMutex lock;
  GCond cond;
  gboolean flushing;            /* the pad is being deactivated */
  gboolean live_running;        /* live and PLAYING */
  gboolean eos_requested;       /* an EOS event was sent to the element */
  GstClockID clock_id;          /* the live wait under way */

  /* streaming thread; set up when the pad is activated */
  FlightSimSettings cfg;
  GArray *targets;              /* GroundPoint */
  GArray *waypoints;            /* GroundPoint, the path as a polyline */
  GArray *distances;            /* gdouble, path length at each waypoint */
  gdouble wobble_phase[3];
  gboolean live;
  gint64 buffers_left;          /* -1: no limit */
  gboolean stream_started;
  gboolean segment_pending;
  GstBufferPool *pool;          /* replaced under the object lock */

  /* streaming thread; set up by negotiation; info also read under the
   * object lock by queries */
  GstVideoInfo info;
  guint64 n_frames;
  GstCameraModel cam;
  guint8 *texture;              /* width x TEXTURE_ROWS ground luma */
  gint8 *noise;                 /* NOISE_TABLE_LEN + width noise values */
  guint8 *luma;                 /* frame luma, for the RGB formats */
  guint8 lut_r[256], lut_g[256], lut_b[256], lut_u[256], lut_v[256];
};

#define VIDEO_CAPS "video/x-raw, " \
    "format = (string) { GRAY8, I420, NV12, RGB, BGRx }, " \
    "width = (int) [ 16, 8192 ], height = (int) [ 16, 8192 ], " \
    "framerate = (fraction) [ 1/1000, 1000/1 ], " \
    "pixel-aspect-ratio = (fraction) 1/1"

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (VIDEO_CAPS));

static GstStaticPadTemplate telemetry_template =
GST_STATIC_PAD_TEMPLATE ("telemetry", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_ODOMETRY_CAPS));

static GstWorkerCore *
gst_flight_sim_src_get_core (GstWorker * worker)
{
  return GST_FLIGHT_SIM_SRC (worker)->core;
}

static void
gst_flight_sim_src_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_flight_sim_src_get_core;
}

#define gst_flight_sim_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstFlightSimSrc, gst_flight_sim_src,
    GST_TYPE_ELEMENT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_flight_sim_src_worker_init));
GST_ELEMENT_REGISTER_DEFINE (flightsimsrc, "flightsimsrc", GST_RANK_NONE,
    GST_TYPE_FLIGHT_SIM_SRC);

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

/* ---------------------------------------------------------------------- */
/* random numbers: every stream a function of the seed and what it is for */

static GRand *
rand_for (guint seed, guint32 salt, guint64 index)
{
  guint32 key[4] = { seed, salt, (guint32) index, (guint32) (index >> 32) };

  return g_rand_new_with_seed_array (key, G_N_ELEMENTS (key));
}

static gdouble
rand_gauss (GRand * r)
{
  gdouble u1 = g_rand_double (r), u2 = g_rand_double (r);

  return sqrt (-2.0 * log (1.0 - u1)) * cos (2.0 * G_PI * u2);
}

/* ---------------------------------------------------------------------- */
/* settings */

static void
settings_copy (FlightSimSettings * dst, const FlightSimSettings * src)
{
  g_free (dst->targets);
  *dst = *src;
  dst->targets = g_strdup (src->targets);
}

/* "north,east;north,east;..." in metres; spaces and empty entries are
 * allowed. */
static GArray *
parse_targets (const gchar * str, GError ** error)
{
  GArray *targets = g_array_new (FALSE, FALSE, sizeof (GroundPoint));
  g_auto (GStrv) items = g_strsplit (str ? str : "", ";", -1);
  guint i, n = 0;

  for (i = 0; items[i]; i++) {
    g_auto (GStrv) parts = NULL;
    GroundPoint p;
    gdouble *v[2] = { &p.north, &p.east };
    guint k;

    g_strstrip (items[i]);
    if (items[i][0] == '\0')
      continue;
    n++;
    parts = g_strsplit (items[i], ",", -1);
    if (g_strv_length (parts) != 2)
      goto bad;
    for (k = 0; k < 2; k++) {
      gchar *end;

      g_strstrip (parts[k]);
      *v[k] = g_ascii_strtod (parts[k], &end);
      if (parts[k][0] == '\0' || *end != '\0' || !isfinite (*v[k]))
        goto bad;
    }
    g_array_append_val (targets, p);
    continue;

  bad:
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "target %u, '%s', is not 'north,east' in metres (targets are "
        "written like \"10,20;-15,40\")", n, items[i]);
    g_array_unref (targets);
    return NULL;
  }
  return targets;
}

/* ---------------------------------------------------------------------- */
/* the flight */

static void
add_waypoint (GstFlightSimSrc * self, gdouble along, gdouble across)
{
  gdouble h = self->cfg.path_heading * DEG;
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
build_path (GstFlightSimSrc * self)
{
  const FlightSimSettings *c = &self->cfg;
  gdouble half = c->path_length / 2;

  g_array_set_size (self->waypoints, 0);
  g_array_set_size (self->distances, 0);
  switch (c->path) {
    case GST_FLIGHT_SIM_PATH_LINE:
      add_waypoint (self, -half, 0);
      add_waypoint (self, half, 0);
      break;
    case GST_FLIGHT_SIM_PATH_LAWNMOWER:{
      guint lanes = (guint) floor (c->path_width / c->lane_spacing + 1e-9) + 1;
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

/* Where the path is after @s metres, and the direction of flight. */
static void
path_at (GstFlightSimSrc * self, gdouble s, gdouble * north, gdouble * east,
    gdouble * heading)
{
  const FlightSimSettings *c = &self->cfg;
  const gdouble *dist = (const gdouble *) self->distances->data;
  const GroundPoint *wp = (const GroundPoint *) self->waypoints->data;
  gdouble total, f;
  gboolean back;
  guint lo, hi;

  if (c->path == GST_FLIGHT_SIM_PATH_CIRCLE) {
    gdouble theta = c->path_heading * DEG + s / c->radius;

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
set_global (const FlightSimSettings * c, GstOdometry * odo)
{
  odo->latitude = c->home_latitude + odo->north / EARTH_RADIUS / DEG;
  odo->longitude = c->home_longitude +
      odo->east / (EARTH_RADIUS * cos (c->home_latitude * DEG)) / DEG;
  odo->altitude = c->home_altitude - odo->down;
}

/* The drone's real pose at @t: what the camera sees from. */
static void
true_pose (GstFlightSimSrc * self, GstClockTime t, GstOdometry * odo)
{
  const FlightSimSettings *c = &self->cfg;
  gdouble ts = seconds (t), heading, w = c->attitude_wobble * DEG;

  gst_odometry_init (odo);
  odo->fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_GLOBAL |
      GST_ODOMETRY_HAS_ATTITUDE | GST_ODOMETRY_HAS_VELOCITY;
  odo->source_time_us = t / GST_USECOND;
  path_at (self, c->speed * ts, &odo->north, &odo->east, &heading);
  odo->down = -c->altitude;
  set_global (c, odo);
  odo->roll = w * sin (2 * G_PI * 0.37 * ts + self->wobble_phase[0]);
  odo->pitch = w * sin (2 * G_PI * 0.23 * ts + self->wobble_phase[1]);
  odo->yaw = wrap_angle (heading +
      w / 2 * sin (2 * G_PI * 0.11 * ts + self->wobble_phase[2]));
  odo->vn = c->speed * cos (heading);
  odo->ve = c->speed * sin (heading);
  odo->vd = 0;
}

/* What the telemetry reports at @t: the real pose plus its errors. */
static void
reported_pose (GstFlightSimSrc * self, GstClockTime t, GstOdometry * odo)
{
  const FlightSimSettings *c = &self->cfg;

  true_pose (self, t, odo);
  if (c->attitude_noise > 0 || c->position_noise > 0) {
    GRand *r = rand_for (c->seed, SALT_TELEMETRY, t);
    gdouble a = c->attitude_noise * DEG, p = c->position_noise;

    odo->north += p * rand_gauss (r);
    odo->east += p * rand_gauss (r);
    odo->down += p * rand_gauss (r);
    odo->roll += a * rand_gauss (r);
    odo->pitch += a * rand_gauss (r);
    odo->yaw = wrap_angle (odo->yaw + a * rand_gauss (r));
    set_global (c, odo);
    g_rand_free (r);
  }
}

/* ---------------------------------------------------------------------- */
/* rendering */

/* Smooth value noise with cells of @cell pixels, periodic over the rows. */
static void
add_value_noise (gfloat * acc, guint w, guint h, guint cell, gfloat amp,
    GRand * r)
{
  guint nx = w / cell + 2, ny = h / cell;
  gfloat *lattice = g_new (gfloat, nx * ny);
  guint x, y, i;

  for (i = 0; i < nx * ny; i++)
    lattice[i] = g_rand_double_range (r, -1, 1);
  for (y = 0; y < h; y++) {
    guint iy = y / cell, iy1 = (iy + 1) % ny;
    gfloat ty = (gfloat) (y % cell) / cell;

    ty = ty * ty * (3 - 2 * ty);
    for (x = 0; x < w; x++) {
      guint ix = x / cell;
      gfloat tx = (gfloat) (x % cell) / cell, a, b;

      tx = tx * tx * (3 - 2 * tx);
      a = lattice[iy * nx + ix] +
          tx * (lattice[iy * nx + ix + 1] - lattice[iy * nx + ix]);
      b = lattice[iy1 * nx + ix] +
          tx * (lattice[iy1 * nx + ix + 1] - lattice[iy1 * nx + ix]);
      acc[y * w + x] += amp * (a + ty * (b - a));
    }
  }
  g_free (lattice);
}

/* The ground: luma 95 +- 60 in blotches of several sizes, plus grain;
 * never above 165, far below the targets. */
static void
make_texture (GstFlightSimSrc * self, guint w)
{
  static const struct
  {
    guint cell;
    gfloat amp;
  } octaves[] = { {256, 28}, {64, 16}, {16, 9}, {4, 5} };
  GRand *r = rand_for (self->cfg.seed, SALT_TEXTURE, 0);
  gfloat *acc = g_new0 (gfloat, (gsize) w * TEXTURE_ROWS);
  guint i;
  gsize n = (gsize) w * TEXTURE_ROWS;

  for (i = 0; i < G_N_ELEMENTS (octaves); i++)
    add_value_noise (acc, w, TEXTURE_ROWS, octaves[i].cell, octaves[i].amp,
        r);
  g_free (self->texture);
  self->texture = g_malloc (n);
  for (i = 0; i < n; i++) {
    gfloat v = 95 + acc[i] + g_rand_double_range (r, -6, 6);

    self->texture[i] = (guint8) CLAMP (lrintf (v), 20, 165);
  }
  g_free (acc);
  g_rand_free (r);
}

static void
make_noise_table (GstFlightSimSrc * self, guint w)
{
  GRand *r;
  gsize i, n = NOISE_TABLE_LEN + w;

  g_clear_pointer (&self->noise, g_free);
  if (self->cfg.pixel_noise <= 0)
    return;
  r = rand_for (self->cfg.seed, SALT_NOISE_TABLE, 0);
  self->noise = g_new (gint8, n);
  for (i = 0; i < n; i++) {
    glong v = lrint (self->cfg.pixel_noise * rand_gauss (r));

    self->noise[i] = (gint8) CLAMP (v, -127, 127);
  }
  g_rand_free (r);
}

/* Ground colour as a function of luma: a dry field, fading to neutral for
 * bright pixels, with luma unchanged (BT.601 weights). */
static void
make_colour_tables (GstFlightSimSrc * self)
{
  guint y;

  for (y = 0; y < 256; y++) {
    gdouble s = CLAMP ((200.0 - y) / 100.0, 0.0, 1.0);

    self->lut_r[y] = CLAMP (lrint (y + 8 * s), 0, 255);
    self->lut_g[y] = CLAMP (lrint (y - 1 * s), 0, 255);
    self->lut_b[y] = CLAMP (lrint (y - 16 * s), 0, 255);
    self->lut_u[y] = lrint (128 - 9 * s);
    self->lut_v[y] = lrint (128 + 6 * s);
  }
}

/* Solves the 8x8 system @a x = @b in place (Gaussian elimination with
 * partial pivoting). */
static gboolean
solve8 (gdouble a[8][8], gdouble b[8])
{
  gint i, j, k;

  for (i = 0; i < 8; i++) {
    gint p = i;

    for (k = i + 1; k < 8; k++)
      if (fabs (a[k][i]) > fabs (a[p][i]))
        p = k;
    if (fabs (a[p][i]) < 1e-12)
      return FALSE;
    if (p != i) {
      gdouble t;

      for (j = 0; j < 8; j++) {
        t = a[i][j];
        a[i][j] = a[p][j];
        a[p][j] = t;
      }
      t = b[i];
      b[i] = b[p];
      b[p] = t;
    }
    for (k = i + 1; k < 8; k++) {
      gdouble f = a[k][i] / a[i][i];

      for (j = i; j < 8; j++)
        a[k][j] -= f * a[i][j];
      b[k] -= f * b[i];
    }
  }
  for (i = 7; i >= 0; i--) {
    for (j = i + 1; j < 8; j++)
      b[i] -= a[i][j] * b[j];
    b[i] /= a[i][i];
  }
  return TRUE;
}

/* A pinhole camera maps the ground plane to the image by a homography.
 * Fits the one taking pixels near (@uc, @vc) to the ground near the target
 * from four points gst_camera_model_project() maps, in scaled coordinates:
 * pixel (@uc + @ps x, @vc + @ps y) -> ground (target + @gs (X, Y)). */
typedef struct
{
  gdouble h[8];
  gdouble uc, vc, ps, gs;
} Homography;

static gboolean
fit_homography (const GstCameraModel * cam, const GstOdometry * pose,
    const GroundPoint * t, gdouble uc, gdouble vc, gdouble gs, Homography * hm)
{
  static const gdouble corners[4][2] = { {-1, -1}, {1, -1}, {1, 1}, {-1, 1} };
  gdouble a[8][8], x[4], y[4];
  gint i;

  hm->uc = uc;
  hm->vc = vc;
  hm->gs = gs;
  hm->ps = 0;
  for (i = 0; i < 4; i++) {
    gdouble u, v;

    if (!gst_camera_model_project (cam, pose, t->north + gs * corners[i][0],
            t->east + gs * corners[i][1], 0, &u, &v))
      return FALSE;
    x[i] = u - uc;
    y[i] = v - vc;
    hm->ps = MAX (hm->ps, MAX (fabs (x[i]), fabs (y[i])));
  }
  if (hm->ps <= 0)
    return FALSE;
  for (i = 0; i < 4; i++) {
    gdouble X = corners[i][0], Y = corners[i][1];
    gdouble xs = x[i] / hm->ps, ys = y[i] / hm->ps;
    gdouble r0[8] = { xs, ys, 1, 0, 0, 0, -xs * X, -ys * X };
    gdouble r1[8] = { 0, 0, 0, xs, ys, 1, -xs * Y, -ys * Y };

    memcpy (a[2 * i], r0, sizeof (r0));
    memcpy (a[2 * i + 1], r1, sizeof (r1));
    hm->h[2 * i] = X;
    hm->h[2 * i + 1] = Y;
  }
  return solve8 (a, hm->h);
}

/* the ground point (metres from the target) seen at pixel (u, v) */
static inline void
ground_at (const Homography * hm, gdouble u, gdouble v, gdouble * gx,
    gdouble * gy)
{
  const gdouble *h = hm->h;
  gdouble x = (u - hm->uc) / hm->ps, y = (v - hm->vc) / hm->ps;
  gdouble d = h[6] * x + h[7] * y + 1;

  *gx = hm->gs * (h[0] * x + h[1] * y + h[2]) / d;
  *gy = hm->gs * (h[3] * x + h[4] * y + h[5]) / d;
}

static inline gdouble
ground_dist2 (const Homography * hm, gdouble u, gdouble v)
{
  gdouble gx, gy;

  ground_at (hm, u, v, &gx, &gy);
  return gx * gx + gy * gy;
}

/* the largest ground size of a pixel near @u, @v (metres) */
static gdouble
pixel_footprint (const Homography * hm, gdouble u, gdouble v)
{
  gdouble x0, y0, x1, y1, x2, y2;

  ground_at (hm, u, v, &x0, &y0);
  ground_at (hm, u + 1, v, &x1, &y1);
  ground_at (hm, u, v + 1, &x2, &y2);
  return MAX (hypot (x1 - x0, y1 - y0), hypot (x2 - x0, y2 - y0));
}

/* Draws one target disk into the luma plane, with edge pixels covered in
 * proportion (SUBSAMPLES^2 samples). Only its neighbourhood is touched. */
static void
render_target (GstFlightSimSrc * self, guint8 * luma, gint stride,
    const GstOdometry * pose, const GroundPoint * t)
{
  const GstCameraModel *cam = &self->cam;
  gdouble r = self->cfg.target_radius, target = self->cfg.target_luma;
  gdouble uc, vc, umin = G_MAXDOUBLE, umax = -G_MAXDOUBLE;
  gdouble vmin = G_MAXDOUBLE, vmax = -G_MAXDOUBLE, mpp, margin, r_in, r_out;
  gint w = cam->width, h = cam->height, x0, x1, y0, y1, x, y, k;
  Homography hm;

  if (!gst_camera_model_project (cam, pose, t->north, t->east, 0, &uc, &vc))
    return;
  /* the image of a slightly larger circle bounds the disk */
  for (k = 0; k < 32; k++) {
    gdouble a = 2 * G_PI * k / 32, u, v;

    if (!gst_camera_model_project (cam, pose, t->north + 1.2 * r * cos (a),
            t->east + 1.2 * r * sin (a), 0, &u, &v))
      return;                   /* reaches behind the camera: not drawn */
    umin = MIN (umin, u);
    umax = MAX (umax, u);
    vmin = MIN (vmin, v);
    vmax = MAX (vmax, v);
  }
  if (umax < -1 || vmax < -1 || umin > w || vmin > h)
    return;
  x0 = MAX (0, (gint) floor (umin) - 1);
  x1 = MIN (w - 1, (gint) ceil (umax) + 1);
  y0 = MAX (0, (gint) floor (vmin) - 1);
  y1 = MIN (h - 1, (gint) ceil (vmax) + 1);

  if (!fit_homography (cam, pose, t, uc, vc, 2 * r, &hm))
    return;
  /* pixels farther than a pixel's footprint from the rim are all in or
   * all out */
  mpp = MAX (pixel_footprint (&hm, uc, vc),
      MAX (MAX (pixel_footprint (&hm, umin, vmin),
              pixel_footprint (&hm, umax, vmin)),
          MAX (pixel_footprint (&hm, umin, vmax),
              pixel_footprint (&hm, umax, vmax))));
  margin = mpp;
  r_in = r > margin ? (r - margin) * (r - margin) : -1;
  r_out = (r + margin) * (r + margin);

  for (y = y0; y <= y1; y++) {
    guint8 *row = luma + (gsize) y * stride;

    for (x = x0; x <= x1; x++) {
      gdouble d2 = ground_dist2 (&hm, x, y), c;

      if (d2 >= r_out)
        continue;
      if (d2 <= r_in) {
        c = 1;
      } else {
        gint i, j, n = 0;

        for (j = 0; j < SUBSAMPLES; j++)
          for (i = 0; i < SUBSAMPLES; i++)
            n += ground_dist2 (&hm, x + (i + 0.5) / SUBSAMPLES - 0.5,
                y + (j + 0.5) / SUBSAMPLES - 0.5) <= r * r;
        if (n == 0)
          continue;
        c = (gdouble) n / (SUBSAMPLES * SUBSAMPLES);
      }
      row[x] = (guint8) lrint (row[x] + c * (target - row[x]));
    }
  }
}

static void
add_noise (guint8 * restrict p, const gint8 * restrict n, guint w)
{
  guint i;

  for (i = 0; i < w; i++) {
    gint v = p[i] + n[i];

    p[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

/* Renders frame @index, seen from @pose, as luma: ground, targets, noise. */
static void
render_luma (GstFlightSimSrc * self, guint8 * luma, gint stride,
    guint64 index, GstClockTime t, const GstOdometry * pose)
{
  const FlightSimSettings *c = &self->cfg;
  guint w = self->cam.width, h = self->cam.height, y, i;
  gdouble px_per_m = self->cam.fy / c->altitude;
  gint64 scroll;

  /* the ground scrolls down the image as the drone flies forward */
  scroll = (gint64) llround (fmod (c->speed * seconds (t) * px_per_m,
          TEXTURE_ROWS));
  for (y = 0; y < h; y++) {
    gint64 row = ((gint64) y - scroll) % TEXTURE_ROWS;

    if (row < 0)
      row += TEXTURE_ROWS;
    memcpy (luma + (gsize) y * stride, self->texture + (gsize) row * w, w);
  }

  for (i = 0; i < self->targets->len; i++)
    render_target (self, luma, stride, pose,
        &g_array_index (self->targets, GroundPoint, i));

  if (self->noise) {
    GRand *r = rand_for (c->seed, SALT_FRAME, index);

    for (y = 0; y < h; y++)
      add_noise (luma + (gsize) y * stride,
          self->noise + g_rand_int_range (r, 0, NOISE_TABLE_LEN), w);
    g_rand_free (r);
  }
}

/* Chroma of 2x2 blocks from their mean luma (I420: @step 1, NV12: 2). */
static void
render_chroma (GstFlightSimSrc * self, const guint8 * luma, gint stride,
    guint8 * u, gint ustride, guint8 * v, gint vstride, gint step)
{
  guint w = self->cam.width, h = self->cam.height;
  guint cw = (w + 1) / 2, ch = (h + 1) / 2, x, y;

  for (y = 0; y < ch; y++) {
    const guint8 *l0 = luma + (gsize) (2 * y) * stride;
    const guint8 *l1 = luma + (gsize) MIN (2 * y + 1, h - 1) * stride;
    guint8 *urow = u + (gsize) y * ustride, *vrow = v + (gsize) y * vstride;

    for (x = 0; x < cw; x++) {
      guint x0 = 2 * x, x1 = MIN (2 * x + 1, w - 1);
      guint m = (l0[x0] + l0[x1] + l1[x0] + l1[x1] + 2) / 4;

      urow[x * step] = self->lut_u[m];
      vrow[x * step] = self->lut_v[m];
    }
  }
}

static void
render_rgb (GstFlightSimSrc * self, const guint8 * luma, guint8 * out,
    gint ostride, gboolean bgrx)
{
  guint w = self->cam.width, h = self->cam.height, x, y;

  for (y = 0; y < h; y++) {
    const guint8 *l = luma + (gsize) y * w;
    guint8 *o = out + (gsize) y * ostride;

    if (bgrx) {
      for (x = 0; x < w; x++, o += 4) {
        o[0] = self->lut_b[l[x]];
        o[1] = self->lut_g[l[x]];
        o[2] = self->lut_r[l[x]];
        o[3] = 0xff;
      }
    } else {
      for (x = 0; x < w; x++, o += 3) {
        o[0] = self->lut_r[l[x]];
        o[1] = self->lut_g[l[x]];
        o[2] = self->lut_b[l[x]];
      }
    }
  }
}

static void
render_frame (GstFlightSimSrc * self, GstVideoFrame * frame, guint64 index,
    GstClockTime t, const GstOdometry * pose)
{
  guint8 *y = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint ystride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  switch (GST_VIDEO_FRAME_FORMAT (frame)) {
    case GST_VIDEO_FORMAT_GRAY8:
      render_luma (self, y, ystride, index, t, pose);
      break;
    case GST_VIDEO_FORMAT_I420:
      render_luma (self, y, ystride, index, t, pose);
      render_chroma (self, y, ystride, GST_VIDEO_FRAME_PLANE_DATA (frame, 1),
          GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1),
          GST_VIDEO_FRAME_PLANE_DATA (frame, 2),
          GST_VIDEO_FRAME_PLANE_STRIDE (frame, 2), 1);
      break;
    case GST_VIDEO_FORMAT_NV12:{
      guint8 *uv = GST_VIDEO_FRAME_PLANE_DATA (frame, 1);
      gint uvstride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1);

      render_luma (self, y, ystride, index, t, pose);
      render_chroma (self, y, ystride, uv, uvstride, uv + 1, uvstride, 2);
      break;
    }
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGRx:
      render_luma (self, self->luma, self->cam.width, index, t, pose);
      render_rgb (self, self->luma, y, ystride,
          GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_BGRx);
      break;
    default:
      g_assert_not_reached ();
  }
}

/* ---------------------------------------------------------------------- */
/* negotiation */

static GstClockTime
frame_time (GstFlightSimSrc * self, guint64 index)
{
  return gst_util_uint64_scale (index, self->info.fps_d * GST_SECOND,
      self->info.fps_n);
}

static GstCaps *
fixate (GstCaps * caps)
{
  GstStructure *s;

  caps = gst_caps_truncate (gst_caps_make_writable (caps));
  s = gst_caps_get_structure (caps, 0);
  gst_structure_fixate_field_nearest_int (s, "width", 1920);
  gst_structure_fixate_field_nearest_int (s, "height", 1080);
  gst_structure_fixate_field_nearest_fraction (s, "framerate", 10, 1);
  return gst_caps_fixate (caps);
}

/* Sets up rendering for @info: camera, ground texture, noise. */
static void
configure (GstFlightSimSrc * self, const GstVideoInfo * info)
{
  const FlightSimSettings *c = &self->cfg;
  guint w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  gboolean new_width = !self->texture || self->cam.width != w;

  gst_camera_model_init (&self->cam, w, h, c->hfov * DEG);
  gst_camera_model_set_mount (&self->cam, c->camera_roll * DEG,
      c->camera_pitch * DEG, c->camera_yaw * DEG);
  if (new_width) {
    make_texture (self, w);
    make_noise_table (self, w);
  }
  g_clear_pointer (&self->luma, g_free);
  if (GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_RGB ||
      GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_BGRx)
    self->luma = g_malloc ((gsize) w * h);

  /* keep the time going across a renegotiation */
  if (self->info.fps_n > 0 && (self->info.fps_n != info->fps_n ||
          self->info.fps_d != info->fps_d) && self->n_frames > 0) {
    GstClockTime t = frame_time (self, self->n_frames);

    self->n_frames = gst_util_uint64_scale_ceil (t, info->fps_n,
        info->fps_d * GST_SECOND);
  }
  GST_OBJECT_LOCK (self);
  self->info = *info;
  GST_OBJECT_UNLOCK (self);
}

/* A pool from downstream if it takes our configuration, else our own. */
static gboolean
decide_allocation (GstFlightSimSrc * self, GstCaps * caps)
{
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL, *old;
  GstStructure *config;
  guint size = GST_VIDEO_INFO_SIZE (&self->info), min = 0, max = 0;
  gboolean video_meta;

  if (!gst_pad_peer_query (self->srcpad, query))
    GST_DEBUG_OBJECT (self, "no allocation answer from downstream");
  if (gst_query_get_n_allocation_pools (query) > 0) {
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
    size = MAX (size, GST_VIDEO_INFO_SIZE (&self->info));
  }
  video_meta = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);
  gst_query_unref (query);

  for (;;) {
    if (!pool)
      pool = gst_video_buffer_pool_new ();
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, caps, size, min, max);
    if (video_meta)
      gst_buffer_pool_config_add_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_META);
    if (gst_buffer_pool_set_config (pool, config) &&
        gst_buffer_pool_set_active (pool, TRUE))
      break;
    if (GST_IS_VIDEO_BUFFER_POOL (pool) && min == 0 && max == 0) {
      gst_object_unref (pool);
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Could not set up a buffer pool for the video."), (NULL));
      return FALSE;
    }
    /* downstream's pool does not take it: use our own */
    gst_object_unref (pool);
    pool = NULL;
    min = max = 0;
  }

  GST_OBJECT_LOCK (self);
  old = self->pool;
  self->pool = pool;
  GST_OBJECT_UNLOCK (self);
  if (old) {
    gst_buffer_pool_set_active (old, FALSE);
    gst_object_unref (old);
  }
  return TRUE;
}

static gboolean
negotiate (GstFlightSimSrc * self)
{
  GstCaps *templ = gst_pad_get_pad_template_caps (self->srcpad);
  GstCaps *caps = gst_pad_peer_query_caps (self->srcpad, templ);
  GstVideoInfo info;

  if (gst_caps_is_empty (caps)) {
    GstCaps *peer = gst_pad_peer_query_caps (self->srcpad, NULL);
    gchar *peer_str = gst_caps_to_string (peer);

    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Downstream of %s takes no video the simulated camera can make "
            "(GRAY8, I420, NV12, RGB or BGRx, 16x16 to 8192x8192, square "
            "pixels).", GST_OBJECT_NAME (self)),
        ("downstream accepts %s", peer_str));
    g_free (peer_str);
    gst_caps_unref (peer);
    gst_caps_unref (caps);
    gst_caps_unref (templ);
    return FALSE;
  }
  gst_caps_unref (templ);
  caps = fixate (caps);
  if (!gst_video_info_from_caps (&info, caps) || info.fps_n <= 0) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("The simulated camera could not settle on a video format."),
        ("fixated to %" GST_PTR_FORMAT, caps));
    gst_caps_unref (caps);
    return FALSE;
  }
  configure (self, &info);
  GST_DEBUG_OBJECT (self, "rendering %" GST_PTR_FORMAT, caps);
  if (!gst_pad_push_event (self->srcpad, gst_event_new_caps (caps)) &&
      !gst_pad_has_current_caps (self->srcpad)) {
    gst_caps_unref (caps);
    return FALSE;
  }
  if (!decide_allocation (self, caps)) {
    gst_caps_unref (caps);
    return FALSE;
  }
  gst_caps_unref (caps);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* streaming */

/* Live: waits until PLAYING and the pipeline's running time reaches
 * @running_time. Returns FLUSHING when deactivated, EOS when an EOS was
 * sent to the element. */
static GstFlowReturn
wait_until (GstFlightSimSrc * self, GstClockTime running_time)
{
  GstFlowReturn ret = GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  for (;;) {
    GstClock *clock;
    GstClockID id;
    GstClockTime base_time;
    GstClockReturn cret;

    while (!self->flushing && !self->eos_requested && !self->live_running)
      g_cond_wait (&self->cond, &self->lock);
    if (self->flushing || self->eos_requested)
      break;

    clock = gst_element_get_clock (GST_ELEMENT (self));
    if (!clock)
      break;
    base_time = gst_element_get_base_time (GST_ELEMENT (self));
    id = gst_clock_new_single_shot_id (clock, base_time + running_time);
    gst_object_unref (clock);
    self->clock_id = id;
    g_mutex_unlock (&self->lock);

    cret = gst_clock_id_wait (id, NULL);

    g_mutex_lock (&self->lock);
    self->clock_id = NULL;
    gst_clock_id_unref (id);
    /* unscheduled: flushing, EOS, or PAUSED (then wait for PLAYING again) */
    if (cret != GST_CLOCK_UNSCHEDULED)
      break;
  }
  if (self->flushing)
    ret = GST_FLOW_FLUSHING;
  else if (self->eos_requested)
    ret = GST_FLOW_EOS;
  g_mutex_unlock (&self->lock);
  return ret;
}

static gboolean
eos_requested (GstFlightSimSrc * self)
{
  gboolean eos;

  g_mutex_lock (&self->lock);
  eos = self->eos_requested;
  g_mutex_unlock (&self->lock);
  return eos;
}

static GstFlowReturn
push_telemetry (GstFlightSimSrc * self, GstClockTime t)
{
  GstOdometry odo;

  reported_pose (self, t, &odo);
  return gst_worker_core_push (self->core, self->telemetry,
      gst_odometry_to_buffer (&odo, t));
}

/* One step: the telemetry up to frame n_frames, then the frame. */
static GstFlowReturn
produce (GstFlightSimSrc * self)
{
  guint64 index = self->n_frames;
  GstClockTime pts, next;
  GstOdometry pose;
  GstVideoFrame frame;
  GstBuffer *buffer = NULL;
  GstFlowReturn ret;

  if (self->buffers_left == 0 || eos_requested (self))
    return GST_FLOW_EOS;

  pts = frame_time (self, index);
  next = frame_time (self, index + 1);
  if (self->live && (ret = wait_until (self, pts)) != GST_FLOW_OK)
    return ret;

  if (!gst_worker_core_begin_item (self->core, 1))
    return eos_requested (self) ? GST_FLOW_EOS : GST_FLOW_FLUSHING;

  ret = gst_buffer_pool_acquire_buffer (self->pool, &buffer, NULL);
  if (ret != GST_FLOW_OK) {
    gst_worker_core_end_item (self->core);
    return ret;
  }
  if (!gst_video_frame_map (&frame, &self->info, buffer, GST_MAP_WRITE)) {
    gst_worker_core_end_item (self->core);
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Could not write to a video frame."),
        ("failed to map a %" G_GSIZE_FORMAT "-byte buffer as %s",
            gst_buffer_get_size (buffer),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&self->info))));
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  true_pose (self, pts, &pose);
  render_frame (self, &frame, index, pts, &pose);
  gst_video_frame_unmap (&frame);
  if (self->cfg.odometry_meta) {
    GstOdometry reported;

    reported_pose (self, pts, &reported);
    gst_buffer_add_odometry_meta (buffer, &reported);
  }
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = next - pts;
  GST_BUFFER_OFFSET (buffer) = index;
  GST_BUFFER_OFFSET_END (buffer) = index + 1;
  if (index == 0)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  gst_worker_core_end_item (self->core);

  /* the telemetry after the previous frame, up to this one's time */
  ret = GST_FLOW_OK;
  if (index == 0) {
    ret = push_telemetry (self, pts);
  } else {
    GstClockTime prev = frame_time (self, index - 1);
    guint k, n = self->cfg.telemetry_per_frame;

    for (k = 1; k <= n && ret == GST_FLOW_OK; k++)
      ret = push_telemetry (self, prev + gst_util_uint64_scale (pts - prev,
              k, n));
  }
  if (ret != GST_FLOW_OK) {
    gst_buffer_unref (buffer);
    return ret;
  }

  self->n_frames++;
  if (self->buffers_left > 0)
    self->buffers_left--;
  return gst_worker_core_push (self->core, self->srcpad, buffer);
}

static void
gst_flight_sim_src_loop (GstPad * pad)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (GST_PAD_PARENT (pad));
  GstFlowReturn ret;

  if (!self->stream_started) {
    gchar *id = gst_pad_create_stream_id (pad, GST_ELEMENT (self), "video");
    GstEvent *start = gst_event_new_stream_start (id);

    gst_event_set_group_id (start, gst_util_group_id_next ());
    gst_pad_push_event (pad, start);
    g_free (id);
    self->stream_started = TRUE;
    gst_pad_mark_reconfigure (pad);
  }
  if (gst_pad_check_reconfigure (pad) && !negotiate (self)) {
    gst_pad_mark_reconfigure (pad);
    ret = GST_FLOW_NOT_NEGOTIATED;
    goto pause;
  }
  if (self->segment_pending) {
    GstSegment segment;

    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_pad_push_event (pad, gst_event_new_segment (&segment));
    self->segment_pending = FALSE;
  }

  ret = produce (self);
  if (ret == GST_FLOW_OK)
    return;

pause:
  GST_DEBUG_OBJECT (self, "pausing: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (pad);
  if (ret == GST_FLOW_EOS) {
    gst_pad_push_event (pad, gst_event_new_eos ());
  } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    /* negotiate() posted its own error */
    if (ret != GST_FLOW_NOT_NEGOTIATED)
      GST_ELEMENT_FLOW_ERROR (self, ret);
    gst_pad_push_event (pad, gst_event_new_eos ());
  }
}

/* ---------------------------------------------------------------------- */
/* start, stop and state */

static gboolean
start (GstFlightSimSrc * self)
{
  GError *err = NULL;
  GRand *r;
  guint i;

  GST_OBJECT_LOCK (self);
  settings_copy (&self->cfg, &self->props);
  self->buffers_left = self->num_buffers;
  self->live = self->is_live;
  gst_video_info_init (&self->info);
  GST_OBJECT_UNLOCK (self);

  g_clear_pointer (&self->targets, g_array_unref);
  self->targets = parse_targets (self->cfg.targets, &err);
  if (!self->targets) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid targets \"%s\": %s", self->cfg.targets, err->message),
        (NULL));
    g_error_free (err);
    return FALSE;
  }
  build_path (self);
  r = rand_for (self->cfg.seed, SALT_WOBBLE, 0);
  for (i = 0; i < 3; i++)
    self->wobble_phase[i] = g_rand_double_range (r, 0, 2 * G_PI);
  g_rand_free (r);
  make_colour_tables (self);
  g_clear_pointer (&self->texture, g_free);
  self->n_frames = 0;
  self->stream_started = FALSE;
  self->segment_pending = TRUE;

  g_mutex_lock (&self->lock);
  self->flushing = FALSE;
  self->eos_requested = FALSE;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "%u targets, path of %u waypoints",
      self->targets->len, self->waypoints->len);
  return TRUE;
}

static void
stop (GstFlightSimSrc * self)
{
  GstBufferPool *pool;

  GST_OBJECT_LOCK (self);
  pool = self->pool;
  self->pool = NULL;
  GST_OBJECT_UNLOCK (self);
  if (pool) {
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
  }
  g_clear_pointer (&self->texture, g_free);
  g_clear_pointer (&self->noise, g_free);
  g_clear_pointer (&self->luma, g_free);
  GST_OBJECT_LOCK (self);
  gst_video_info_init (&self->info);
  GST_OBJECT_UNLOCK (self);
}

/* wakes the streaming thread from every wait */
static void
unlock (GstFlightSimSrc * self)
{
  g_mutex_lock (&self->lock);
  if (self->clock_id)
    gst_clock_id_unschedule (self->clock_id);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
gst_flight_sim_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (parent);
  GstBufferPool *pool;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;

  /* the task starts once every pad is active, in change_state() */
  if (active)
    return start (self);

  g_mutex_lock (&self->lock);
  self->flushing = TRUE;
  g_mutex_unlock (&self->lock);
  unlock (self);
  gst_worker_core_set_flushing (self->core, TRUE);
  GST_OBJECT_LOCK (self);
  pool = self->pool ? gst_object_ref (self->pool) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (pool) {
    /* wakes an acquire waiting for downstream to return a buffer */
    gst_buffer_pool_set_flushing (pool, TRUE);
    gst_object_unref (pool);
  }
  gst_pad_stop_task (pad);
  stop (self);
  return TRUE;
}

static GstStateChangeReturn
gst_flight_sim_src_change_state (GstElement * element,
    GstStateChange transition)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (element);
  GstStateChangeReturn ret;
  gboolean live;

  GST_OBJECT_LOCK (self);
  live = self->is_live;
  GST_OBJECT_UNLOCK (self);

  gst_worker_core_change_state (self->core, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_PLAYING) {
    g_mutex_lock (&self->lock);
    self->live_running = TRUE;
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_pad_start_task (self->srcpad,
              (GstTaskFunction) gst_flight_sim_src_loop, self->srcpad, NULL))
        return GST_STATE_CHANGE_FAILURE;
      if (live)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      g_mutex_lock (&self->lock);
      self->live_running = FALSE;
      g_mutex_unlock (&self->lock);
      unlock (self);
      /* a live source produces nothing until PLAYING */
      if (live)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    default:
      break;
  }
  return ret;
}

/* An EOS sent to the element (gst-launch-1.0 -e) ends the stream after the
 * frame in hand, even while paused or waiting for the clock. */
static gboolean
gst_flight_sim_src_send_event (GstElement * element, GstEvent * event)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    GST_DEBUG_OBJECT (self, "EOS requested");
    g_mutex_lock (&self->lock);
    self->eos_requested = TRUE;
    g_mutex_unlock (&self->lock);
    unlock (self);
    gst_worker_core_set_flushing (self->core, TRUE);
    gst_event_unref (event);
    return TRUE;
  }
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static gboolean
gst_flight_sim_src_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      GST_DEBUG_OBJECT (parent, "cannot seek: the flight only goes forward");
      gst_event_unref (event);
      return FALSE;
    case GST_EVENT_RECONFIGURE:
      /* the pad is marked for renegotiation */
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

static gboolean
gst_flight_sim_src_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (parent);
  GstFormat format;
  GstVideoInfo info;
  gboolean live;
  gint num_buffers;

  GST_OBJECT_LOCK (self);
  info = self->info;
  live = self->is_live;
  num_buffers = self->num_buffers;
  GST_OBJECT_UNLOCK (self);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:
      if (info.fps_n <= 0)
        return FALSE;
      /* a frame is ready at the end of its exposure, like a camera's */
      gst_query_set_latency (query, live, live ?
          gst_util_uint64_scale (GST_SECOND, info.fps_d, info.fps_n) : 0,
          GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_DURATION:
      gst_query_parse_duration (query, &format, NULL);
      if (format != GST_FORMAT_TIME || info.fps_n <= 0 || num_buffers < 0)
        return FALSE;
      gst_query_set_duration (query, GST_FORMAT_TIME,
          gst_util_uint64_scale (num_buffers, info.fps_d * GST_SECOND,
              info.fps_n));
      return TRUE;
    case GST_QUERY_SEEKING:
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    case GST_QUERY_SCHEDULING:
      gst_query_set_scheduling (query, 0, 1, -1, 0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---------------------------------------------------------------------- */
/* properties */

static gdouble *
double_prop (FlightSimSettings * s, guint prop_id)
{
  switch (prop_id) {
    case PROP_TARGET_RADIUS:
      return &s->target_radius;
    case PROP_PATH_LENGTH:
      return &s->path_length;
    case PROP_PATH_WIDTH:
      return &s->path_width;
    case PROP_LANE_SPACING:
      return &s->lane_spacing;
    case PROP_RADIUS:
      return &s->radius;
    case PROP_PATH_HEADING:
      return &s->path_heading;
    case PROP_ALTITUDE:
      return &s->altitude;
    case PROP_SPEED:
      return &s->speed;
    case PROP_HFOV:
      return &s->hfov;
    case PROP_CAMERA_ROLL:
      return &s->camera_roll;
    case PROP_CAMERA_PITCH:
      return &s->camera_pitch;
    case PROP_CAMERA_YAW:
      return &s->camera_yaw;
    case PROP_PIXEL_NOISE:
      return &s->pixel_noise;
    case PROP_ATTITUDE_NOISE:
      return &s->attitude_noise;
    case PROP_POSITION_NOISE:
      return &s->position_noise;
    case PROP_ATTITUDE_WOBBLE:
      return &s->attitude_wobble;
    case PROP_HOME_LATITUDE:
      return &s->home_latitude;
    case PROP_HOME_LONGITUDE:
      return &s->home_longitude;
    case PROP_HOME_ALTITUDE:
      return &s->home_altitude;
    default:
      return NULL;
  }
}

static void
gst_flight_sim_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (object);
  gdouble *d;

  if (gst_worker_core_set_property (self->core, prop_id, value))
    return;

  GST_OBJECT_LOCK (self);
  if ((d = double_prop (&self->props, prop_id))) {
    *d = g_value_get_double (value);
  } else {
    switch (prop_id) {
      case PROP_SEED:
        self->props.seed = g_value_get_uint (value);
        break;
      case PROP_TARGETS:
        g_free (self->props.targets);
        self->props.targets = g_value_dup_string (value);
        break;
      case PROP_TARGET_LUMA:
        self->props.target_luma = g_value_get_uint (value);
        break;
      case PROP_PATH:
        self->props.path = g_value_get_enum (value);
        break;
      case PROP_TELEMETRY_PER_FRAME:
        self->props.telemetry_per_frame = g_value_get_uint (value);
        break;
      case PROP_ODOMETRY_META:
        self->props.odometry_meta = g_value_get_boolean (value);
        break;
      case PROP_NUM_BUFFERS:
        self->num_buffers = g_value_get_int (value);
        break;
      case PROP_IS_LIVE:
        self->is_live = g_value_get_boolean (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_flight_sim_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (object);
  gdouble *d;

  if (gst_worker_core_get_property (self->core, prop_id, value))
    return;

  GST_OBJECT_LOCK (self);
  if ((d = double_prop (&self->props, prop_id))) {
    g_value_set_double (value, *d);
  } else {
    switch (prop_id) {
      case PROP_SEED:
        g_value_set_uint (value, self->props.seed);
        break;
      case PROP_TARGETS:
        g_value_set_string (value, self->props.targets);
        break;
      case PROP_TARGET_LUMA:
        g_value_set_uint (value, self->props.target_luma);
        break;
      case PROP_PATH:
        g_value_set_enum (value, self->props.path);
        break;
      case PROP_TELEMETRY_PER_FRAME:
        g_value_set_uint (value, self->props.telemetry_per_frame);
        break;
      case PROP_ODOMETRY_META:
        g_value_set_boolean (value, self->props.odometry_meta);
        break;
      case PROP_NUM_BUFFERS:
        g_value_set_int (value, self->num_buffers);
        break;
      case PROP_IS_LIVE:
        g_value_set_boolean (value, self->is_live);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_flight_sim_src_finalize (GObject * object)
{
  GstFlightSimSrc *self = GST_FLIGHT_SIM_SRC (object);

  gst_worker_core_free (self->core);
  g_free (self->props.targets);
  g_free (self->cfg.targets);
  g_clear_pointer (&self->targets, g_array_unref);
  g_array_unref (self->waypoints);
  g_array_unref (self->distances);
  g_free (self->texture);
  g_free (self->noise);
  g_free (self->luma);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
install_double (GObjectClass * klass, guint prop_id, const gchar * name,
    const gchar * nick, const gchar * blurb, gdouble min, gdouble max,
    gdouble def)
{
  g_object_class_install_property (klass, prop_id,
      g_param_spec_double (name, nick, blurb, min, max, def,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

static void
gst_flight_sim_src_class_init (GstFlightSimSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = gst_flight_sim_src_set_property;
  gobject_class->get_property = gst_flight_sim_src_get_property;
  gobject_class->finalize = gst_flight_sim_src_finalize;
  gst_worker_core_install_properties (gobject_class);

  g_object_class_install_property (gobject_class, PROP_SEED,
      g_param_spec_uint ("seed", "Seed",
          "Seed of every random choice (ground texture, pixel noise, "
          "attitude wobble and telemetry noise): the same seed and "
          "properties give the same bytes", 0, G_MAXUINT, DEFAULT_SEED,
          flags));
  g_object_class_install_property (gobject_class, PROP_TARGETS,
      g_param_spec_string ("targets", "Targets",
          "Ground positions of the targets, 'north,east' in metres from "
          "home, separated by ';' (e.g. \"10,20;-15,40;30,-5\"; empty: no "
          "targets)", DEFAULT_TARGETS, flags));
  install_double (gobject_class, PROP_TARGET_RADIUS, "target-radius",
      "Target radius", "Radius of each target disk on the ground, metres",
      0.01, 100, DEFAULT_TARGET_RADIUS);
  g_object_class_install_property (gobject_class, PROP_TARGET_LUMA,
      g_param_spec_uint ("target-luma", "Target luma",
          "Brightness of the targets (luma, 0-255; the ground is 20-165)",
          0, 255, DEFAULT_TARGET_LUMA, flags));
  g_object_class_install_property (gobject_class, PROP_PATH,
      g_param_spec_enum ("path", "Path", "The path the drone flies",
          GST_TYPE_FLIGHT_SIM_PATH, DEFAULT_PATH, flags));
  install_double (gobject_class, PROP_PATH_LENGTH, "path-length",
      "Path length", "Length of the lanes (lawnmower) or of the line, metres",
      1, 1e6, DEFAULT_PATH_LENGTH);
  install_double (gobject_class, PROP_PATH_WIDTH, "path-width",
      "Path width", "Width covered by the lawnmower's lanes, metres (one "
      "lane more than path-width / lane-spacing)", 0, 1e6,
      DEFAULT_PATH_WIDTH);
  install_double (gobject_class, PROP_LANE_SPACING, "lane-spacing",
      "Lane spacing", "Distance between the lawnmower's lanes, metres",
      0.1, 1e6, DEFAULT_LANE_SPACING);
  install_double (gobject_class, PROP_RADIUS, "radius", "Radius",
      "Radius of the circle path, metres", 0.1, 1e6, DEFAULT_RADIUS);
  install_double (gobject_class, PROP_PATH_HEADING, "path-heading",
      "Path heading", "Direction of the first lane or of the line, or where "
      "the circle starts, degrees clockwise from north", -360, 360,
      DEFAULT_PATH_HEADING);
  install_double (gobject_class, PROP_ALTITUDE, "altitude", "Altitude",
      "Height of the drone above the ground (and home), metres", 0.5, 1e4,
      DEFAULT_ALTITUDE);
  install_double (gobject_class, PROP_SPEED, "speed", "Speed",
      "Ground speed along the path, m/s (0: hover at the start)", 0, 1000,
      DEFAULT_SPEED);
  install_double (gobject_class, PROP_HFOV, "hfov", "Horizontal FOV",
      "Horizontal field of view of the camera, degrees", 1, 170,
      DEFAULT_HFOV);
  install_double (gobject_class, PROP_CAMERA_ROLL, "camera-roll",
      "Camera roll", "Roll of the camera mount relative to the body, degrees",
      -180, 180, DEFAULT_CAMERA_ROLL);
  install_double (gobject_class, PROP_CAMERA_PITCH, "camera-pitch",
      "Camera pitch", "Pitch of the camera mount relative to the body, "
      "degrees (-90: straight down, the top of the image towards the nose; "
      "0: forward)", -180, 180, DEFAULT_CAMERA_PITCH);
  install_double (gobject_class, PROP_CAMERA_YAW, "camera-yaw",
      "Camera yaw", "Yaw of the camera mount relative to the body, degrees",
      -180, 180, DEFAULT_CAMERA_YAW);
  install_double (gobject_class, PROP_PIXEL_NOISE, "pixel-noise",
      "Pixel noise", "Standard deviation of the Gaussian noise added to "
      "each pixel's luma (0-255 scale)", 0, 64, DEFAULT_PIXEL_NOISE);
  install_double (gobject_class, PROP_ATTITUDE_NOISE, "attitude-noise",
      "Attitude noise", "Standard deviation of the error in the reported "
      "roll, pitch and yaw, degrees (the image is rendered from the true "
      "attitude)", 0, 90, DEFAULT_ATTITUDE_NOISE);
  install_double (gobject_class, PROP_POSITION_NOISE, "position-noise",
      "Position noise", "Standard deviation of the error in the reported "
      "north, east and down, metres (the image is rendered from the true "
      "position)", 0, 1000, DEFAULT_POSITION_NOISE);
  install_double (gobject_class, PROP_ATTITUDE_WOBBLE, "attitude-wobble",
      "Attitude wobble", "Amplitude of the real attitude's oscillation, "
      "degrees: roll at 0.37 Hz, pitch at 0.23 Hz, yaw (half as much) at "
      "0.11 Hz; rendered and reported alike", 0, 45,
      DEFAULT_ATTITUDE_WOBBLE);
  g_object_class_install_property (gobject_class, PROP_TELEMETRY_PER_FRAME,
      g_param_spec_uint ("telemetry-per-frame", "Telemetry per frame",
          "Odometry items per video frame, evenly spread after the previous "
          "frame up to and including each frame's timestamp", 1, 100,
          DEFAULT_TELEMETRY_PER_FRAME, flags));
  install_double (gobject_class, PROP_HOME_LATITUDE, "home-latitude",
      "Home latitude", "Latitude of home, degrees (WGS84)", -89, 89,
      DEFAULT_HOME_LATITUDE);
  install_double (gobject_class, PROP_HOME_LONGITUDE, "home-longitude",
      "Home longitude", "Longitude of home, degrees (WGS84)", -180, 180,
      DEFAULT_HOME_LONGITUDE);
  install_double (gobject_class, PROP_HOME_ALTITUDE, "home-altitude",
      "Home altitude", "Altitude of home and the ground, metres above mean "
      "sea level", -1000, 1e4, DEFAULT_HOME_ALTITUDE);
  g_object_class_install_property (gobject_class, PROP_ODOMETRY_META,
      g_param_spec_boolean ("odometry-meta", "Odometry meta",
          "Also attach to each frame, as a GstOdometryMeta, the odometry "
          "item of its timestamp (what geolocate reads when no timestamp "
          "merge pairs frames and telemetry)", DEFAULT_ODOMETRY_META,
          flags));
  g_object_class_install_property (gobject_class, PROP_NUM_BUFFERS,
      g_param_spec_int ("num-buffers", "Number of buffers",
          "Number of video frames to send before EOS (-1: no end)", -1,
          G_MAXINT, DEFAULT_NUM_BUFFERS, flags));
  g_object_class_install_property (gobject_class, PROP_IS_LIVE,
      g_param_spec_boolean ("is-live", "Is live",
          "Act as a live source: produce only in PLAYING, each frame (and "
          "its telemetry) when the running time reaches its timestamp",
          DEFAULT_IS_LIVE, flags));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class,
      &telemetry_template);
  gst_element_class_set_static_metadata (element_class,
      "Simulated flight camera", "Source/Video",
      "A drone flying a set path over bright ground targets: its camera "
      "video on src, its odometry on telemetry", "gst-workers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_flight_sim_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_flight_sim_src_send_event);

  gst_type_mark_as_plugin_api (GST_TYPE_FLIGHT_SIM_PATH, 0);
  GST_DEBUG_CATEGORY_INIT (flight_sim_src_debug, "flightsimsrc", 0,
      "Simulated flight camera and telemetry");
}

static void
gst_flight_sim_src_init (GstFlightSimSrc * self)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (self);
  FlightSimSettings *p = &self->props;

  p->seed = DEFAULT_SEED;
  p->targets = g_strdup (DEFAULT_TARGETS);
  p->target_radius = DEFAULT_TARGET_RADIUS;
  p->target_luma = DEFAULT_TARGET_LUMA;
  p->path = DEFAULT_PATH;
  p->path_length = DEFAULT_PATH_LENGTH;
  p->path_width = DEFAULT_PATH_WIDTH;
  p->lane_spacing = DEFAULT_LANE_SPACING;
  p->radius = DEFAULT_RADIUS;
  p->path_heading = DEFAULT_PATH_HEADING;
  p->altitude = DEFAULT_ALTITUDE;
  p->speed = DEFAULT_SPEED;
  p->hfov = DEFAULT_HFOV;
  p->camera_roll = DEFAULT_CAMERA_ROLL;
  p->camera_pitch = DEFAULT_CAMERA_PITCH;
  p->camera_yaw = DEFAULT_CAMERA_YAW;
  p->pixel_noise = DEFAULT_PIXEL_NOISE;
  p->attitude_noise = DEFAULT_ATTITUDE_NOISE;
  p->position_noise = DEFAULT_POSITION_NOISE;
  p->attitude_wobble = DEFAULT_ATTITUDE_WOBBLE;
  p->telemetry_per_frame = DEFAULT_TELEMETRY_PER_FRAME;
  p->home_latitude = DEFAULT_HOME_LATITUDE;
  p->home_longitude = DEFAULT_HOME_LONGITUDE;
  p->home_altitude = DEFAULT_HOME_ALTITUDE;
  p->odometry_meta = DEFAULT_ODOMETRY_META;
  self->num_buffers = DEFAULT_NUM_BUFFERS;
  self->is_live = DEFAULT_IS_LIVE;

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->waypoints = g_array_new (FALSE, FALSE, sizeof (GroundPoint));
  self->distances = g_array_new (FALSE, FALSE, sizeof (gdouble));
  gst_video_info_init (&self->info);

  self->srcpad = gst_pad_new_from_template
      (gst_element_class_get_pad_template (klass, "src"), "src");
  gst_pad_use_fixed_caps (self->srcpad);
  gst_pad_set_activatemode_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_sim_src_activate_mode));
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_sim_src_src_event));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_sim_src_src_query));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->core = gst_worker_core_new (GST_ELEMENT (self));
  gst_worker_core_set_main_srcpad (self->core, self->srcpad);
  self->telemetry = gst_worker_core_add_output (self->core,
      gst_element_class_get_pad_template (klass, "telemetry"), NULL);

  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}
