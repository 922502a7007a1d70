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
 * With `climb-rate` the flight starts with a take-off: the drone waits on
 * the ground (down 0) at the path's first point, nose along the path,
 * for `takeoff-time` seconds, climbs straight up at `climb-rate` to
 * `altitude`, then flies the path from its start (the ground does not
 * scroll until then). Without it (the default) the drone is at `altitude`
 * from the first frame.
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


/* sub-streams of the seed */
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
#define DEFAULT_CLIMB_RATE 0.0
#define DEFAULT_TAKEOFF_TIME 0.0

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
  PROP_CLIMB_RATE,
  PROP_TAKEOFF_TIME,
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
  gdouble climb_rate, takeoff_time;
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

  /* streaming thread; set up when the pad is activated */
  FlightSimSettings cfg;
  GstFlightPath *flight;
  GstGroundRenderer *renderer;  /* also sized by negotiation */
  gboolean live;
  gint64 buffers_left;          /* -1: no limit */
  gboolean stream_started;
  gboolean segment_pending;
  GstBufferPool *pool;          /* replaced under the object lock */

  /* streaming thread; set up by negotiation; info also read under the
   * object lock by queries */
  GstVideoInfo info;
  guint64 n_frames;
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

/* The flight the settings describe. */
static GstFlightPath *
new_flight (const FlightSimSettings * c)
{
  GstFlightPathSettings s = {
    .path = c->path,
    .length = c->path_length,
    .width = c->path_width,
    .lane_spacing = c->lane_spacing,
    .radius = c->radius,
    .heading = c->path_heading,
    .altitude = c->altitude,
    .speed = c->speed,
    .attitude_wobble = c->attitude_wobble,
    .attitude_noise = c->attitude_noise,
    .position_noise = c->position_noise,
    .home_latitude = c->home_latitude,
    .home_longitude = c->home_longitude,
    .home_altitude = c->home_altitude,
    .seed = c->seed,
    .climb_rate = c->climb_rate,
    .takeoff_time = c->takeoff_time,
  };

  return gst_flight_path_new (&s);
}

/* The camera's view the settings describe, without its targets. */
static GstGroundRenderer *
new_renderer (const FlightSimSettings * c)
{
  GstGroundRendererSettings s = {
    .seed = c->seed,
    .pixel_noise = c->pixel_noise,
    .target_radius = c->target_radius,
    .target_luma = c->target_luma,
    .altitude = c->altitude,
    .hfov = c->hfov,
    .camera_roll = c->camera_roll,
    .camera_pitch = c->camera_pitch,
    .camera_yaw = c->camera_yaw,
  };

  return gst_ground_renderer_new (&s);
}

/* ---------------------------------------------------------------------- */
/* rendering */

/* Frame @index, at @t, seen from @pose: the renderer's work, by format. */
static void
render_frame (GstFlightSimSrc * self, GstVideoFrame * frame, guint64 index,
    GstClockTime t, const GstOdometry * pose)
{
  GstGroundRenderer *r = self->renderer;
  guint8 *y = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint ystride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  gdouble distance = gst_flight_path_distance (self->flight, t);

  switch (GST_VIDEO_FRAME_FORMAT (frame)) {
    case GST_VIDEO_FORMAT_GRAY8:
      gst_ground_renderer_render_luma (r, y, ystride, index, distance, pose);
      break;
    case GST_VIDEO_FORMAT_I420:
      gst_ground_renderer_render_luma (r, y, ystride, index, distance, pose);
      gst_ground_renderer_render_chroma (r, y, ystride,
          GST_VIDEO_FRAME_PLANE_DATA (frame, 1),
          GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1),
          GST_VIDEO_FRAME_PLANE_DATA (frame, 2),
          GST_VIDEO_FRAME_PLANE_STRIDE (frame, 2), 1);
      break;
    case GST_VIDEO_FORMAT_NV12:{
      guint8 *uv = GST_VIDEO_FRAME_PLANE_DATA (frame, 1);
      gint uvstride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1);

      gst_ground_renderer_render_luma (r, y, ystride, index, distance, pose);
      gst_ground_renderer_render_chroma (r, y, ystride, uv, uvstride, uv + 1,
          uvstride, 2);
      break;
    }
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGRx:
      gst_ground_renderer_render_rgb (r, y, ystride,
          GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_BGRx, index,
          distance, pose);
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
  gst_ground_renderer_set_size (self->renderer, GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info),
      GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_RGB ||
      GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_BGRx);

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

/* A pool from downstream if it takes our configuration, else our own,
 * which fills its frames from the allocator downstream proposes (a
 * processreplica's shared memory: the frames cross to its child with no
 * copy). */
static gboolean
decide_allocation (GstFlightSimSrc * self, GstCaps * caps)
{
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL, *old;
  GstAllocator *allocator = NULL;
  GstAllocationParams params;
  GstStructure *config;
  guint size = GST_VIDEO_INFO_SIZE (&self->info), min = 0, max = 0;
  gboolean video_meta;

  gst_allocation_params_init (&params);
  if (!gst_pad_peer_query (self->srcpad, query))
    GST_DEBUG_OBJECT (self, "no allocation answer from downstream");
  if (gst_query_get_n_allocation_pools (query) > 0) {
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
    size = MAX (size, GST_VIDEO_INFO_SIZE (&self->info));
  }
  if (gst_query_get_n_allocation_params (query) > 0)
    gst_query_parse_nth_allocation_param (query, 0, &allocator, &params);
  video_meta = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);
  gst_query_unref (query);

  for (;;) {
    if (!pool)
      pool = gst_video_buffer_pool_new ();
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, caps, size, min, max);
    gst_buffer_pool_config_set_allocator (config, allocator, &params);
    if (video_meta)
      gst_buffer_pool_config_add_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_META);
    if (gst_buffer_pool_set_config (pool, config) &&
        gst_buffer_pool_set_active (pool, TRUE))
      break;
    if (GST_IS_VIDEO_BUFFER_POOL (pool) && min == 0 && max == 0) {
      gst_object_unref (pool);
      gst_clear_object (&allocator);
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Could not set up a buffer pool for the video."), (NULL));
      return FALSE;
    }
    /* downstream's pool does not take it: use our own */
    gst_object_unref (pool);
    pool = NULL;
    min = max = 0;
  }
  gst_clear_object (&allocator);

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

static GstFlowReturn
push_telemetry (GstFlightSimSrc * self, GstClockTime t)
{
  GstOdometry odo;

  gst_flight_path_reported_pose (self->flight, t, &odo);
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

  if (self->buffers_left == 0 || gst_worker_core_eos_requested (self->core))
    return GST_FLOW_EOS;

  pts = frame_time (self, index);
  next = frame_time (self, index + 1);
  /* live: until PLAYING and the pipeline's running time reaches pts */
  if (self->live &&
      (ret = gst_worker_core_wait_playing (self->core, pts)) != GST_FLOW_OK)
    return ret;

  if (!gst_worker_core_begin_item (self->core, 1))
    return gst_worker_core_eos_requested (self->core) ? GST_FLOW_EOS :
        GST_FLOW_FLUSHING;

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
  gst_flight_path_true_pose (self->flight, pts, &pose);
  render_frame (self, &frame, index, pts, &pose);
  gst_video_frame_unmap (&frame);
  if (self->cfg.odometry_meta) {
    GstOdometry reported;

    gst_flight_path_reported_pose (self->flight, pts, &reported);
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
  GArray *targets;
  guint i;

  GST_OBJECT_LOCK (self);
  settings_copy (&self->cfg, &self->props);
  self->buffers_left = self->num_buffers;
  self->live = self->is_live;
  gst_video_info_init (&self->info);
  GST_OBJECT_UNLOCK (self);

  targets = parse_targets (self->cfg.targets, &err);
  if (!targets) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid targets \"%s\": %s", self->cfg.targets, err->message),
        (NULL));
    g_error_free (err);
    return FALSE;
  }
  g_clear_pointer (&self->flight, gst_flight_path_free);
  self->flight = new_flight (&self->cfg);
  g_clear_pointer (&self->renderer, gst_ground_renderer_free);
  self->renderer = new_renderer (&self->cfg);
  for (i = 0; i < targets->len; i++) {
    GroundPoint *p = &g_array_index (targets, GroundPoint, i);

    gst_ground_renderer_add_target (self->renderer, p->north, p->east);
  }
  g_array_unref (targets);
  self->n_frames = 0;
  self->stream_started = FALSE;
  self->segment_pending = TRUE;

  GST_DEBUG_OBJECT (self, "%u targets, path of %u waypoints",
      gst_ground_renderer_get_n_targets (self->renderer),
      gst_flight_path_get_n_waypoints (self->flight));
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
  g_clear_pointer (&self->renderer, gst_ground_renderer_free);
  GST_OBJECT_LOCK (self);
  gst_video_info_init (&self->info);
  GST_OBJECT_UNLOCK (self);
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

  /* wakes the live wait and a paused hold */
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

  /* also opens and closes the live wait around PLAYING */
  gst_worker_core_change_state (self->core, transition);

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
    /* wakes the live wait and a paused hold */
    gst_worker_core_request_eos (self->core, TRUE);
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
    case PROP_CLIMB_RATE:
      return &s->climb_rate;
    case PROP_TAKEOFF_TIME:
      return &s->takeoff_time;
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
  g_clear_pointer (&self->flight, gst_flight_path_free);
  g_clear_pointer (&self->renderer, gst_ground_renderer_free);
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
  install_double (gobject_class, PROP_CLIMB_RATE, "climb-rate",
      "Climb rate", "With a take-off: the vertical speed of the climb from "
      "the ground to the altitude, m/s (0: no take-off, the flight starts "
      "at the altitude)", 0, 1000, DEFAULT_CLIMB_RATE);
  install_double (gobject_class, PROP_TAKEOFF_TIME, "takeoff-time",
      "Take-off time", "With a take-off (climb-rate): how long the drone "
      "waits on the ground at the path's start before it climbs, seconds",
      0, 1e6, DEFAULT_TAKEOFF_TIME);
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
  p->climb_rate = DEFAULT_CLIMB_RATE;
  p->takeoff_time = DEFAULT_TAKEOFF_TIME;
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
