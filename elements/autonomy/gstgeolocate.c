/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-geolocate
 * @title: geolocate
 *
 * Locates on the ground the targets that detecttarget found in video
 * frames: for each #GstVideoRegionOfInterestMeta of type "target" it
 * intersects the ray through the target's centroid (the "detection"
 * parameter's `x`, `y`, or the box centre without it) with the horizontal
 * ground plane at `ground-down`, using a pinhole #GstCameraModel and where
 * the drone was when the frame was taken. Each frame gives one
 * %GST_GROUND_TARGETS_CAPS item (#GstGroundTarget list), with no targets
 * when none were found or none reach the ground (a ray at or above the
 * horizon), so counts stay equal along the chain.
 *
 * The camera: the frame size comes from the caps; the focal length from
 * `hfov`, or from `fx`/`fy` when set; the principal point is the image
 * centre unless `cx`/`cy` are set. It is mounted on the body with
 * `mount-roll`, `mount-pitch`, `mount-yaw` (degrees; the default pitch of
 * -90 looks straight down, the top of the image towards the nose).
 *
 * Where the drone was, in this order:
 *
 * 1. the odometry item (%GST_ODOMETRY_CAPS) that a timestamp merge of the
 *    frames with the telemetry attached to the frame
 *    (#GstWorkerMergeMeta): the item of the merge input named by
 *    `odometry-input`, or the first merged item that is odometry;
 * 2. the #GstOdometryMeta of the frame (attached by a camera driver with
 *    its own attitude source, or by an application);
 * 3. the `pose` property, for a camera that does not move (a mast, a
 *    test bench).
 *
 * A frame with neither, or whose odometry lacks the local position or the
 * attitude, cannot be located: it is dropped, counted in the worker's
 * `items-dropped`, and the first one posts a warning.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc pattern=ball num-buffers=30 ! \
 *     video/x-raw,format=I420,width=640,height=480 ! detecttarget ! \
 *     geolocate hfov=90 pose="pose,north=0.0,east=0.0,down=-50.0" ! \
 *     jsonlinesenc ! fdsink
 * ]| A camera 50 m above home looking down: prints where on the ground the
 * ball is, one JSON line per frame.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <gst/video/video.h>
#include <gst/autonomy/autonomy.h>
#include "gstgeolocate.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (geolocate_debug);
#define GST_CAT_DEFAULT geolocate_debug

#define DEFAULT_HFOV 90.0
#define DEFAULT_FX 0.0
#define DEFAULT_FY 0.0
#define DEFAULT_CX -1.0
#define DEFAULT_CY -1.0
#define DEFAULT_MOUNT_ROLL 0.0
#define DEFAULT_MOUNT_PITCH -90.0
#define DEFAULT_MOUNT_YAW 0.0
#define DEFAULT_GROUND_DOWN 0.0
#define DEFAULT_ODOMETRY_INPUT NULL

enum
{
  PROP_0,
  PROP_HFOV,
  PROP_FX,
  PROP_FY,
  PROP_CX,
  PROP_CY,
  PROP_MOUNT_ROLL,
  PROP_MOUNT_PITCH,
  PROP_MOUNT_YAW,
  PROP_GROUND_DOWN,
  PROP_POSE,
  PROP_ODOMETRY_INPUT,
};

struct _GstGeolocate
{
  GstWorkerTransform parent;

  /* protected by the object lock */
  gdouble hfov;                 /* degrees */
  gdouble fx, fy, cx, cy;
  gdouble mount_roll, mount_pitch, mount_yaw;   /* degrees */
  gdouble ground_down;
  GstStructure *pose;
  gchar *odometry_input;
  gboolean have_pose;
  GstOdometry fixed_pose;

  /* streaming thread */
  gint width, height;
  gboolean warned_no_odometry;
  GQuark target_quark;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_GROUND_TARGETS_CAPS));

G_DEFINE_TYPE (GstGeolocate, gst_geolocate, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (geolocate, "geolocate", GST_RANK_NONE,
    GST_TYPE_GEOLOCATE);

#define DEG(x) ((x) * G_PI / 180.0)

/* The camera for a frame of the negotiated size, from the properties. */
static void
geolocate_camera (GstGeolocate * self, GstCameraModel * cam,
    gdouble * ground_down)
{
  GST_OBJECT_LOCK (self);
  gst_camera_model_init (cam, self->width, self->height, DEG (self->hfov));
  if (self->fx > 0) {
    cam->fx = self->fx;
    cam->fy = self->fx;
  }
  if (self->fy > 0)
    cam->fy = self->fy;
  if (self->cx >= 0)
    cam->cx = self->cx;
  if (self->cy >= 0)
    cam->cy = self->cy;
  gst_camera_model_set_mount (cam, DEG (self->mount_roll),
      DEG (self->mount_pitch), DEG (self->mount_yaw));
  *ground_down = self->ground_down;
  GST_OBJECT_UNLOCK (self);
}

/* The odometry merged with @frame by a timestamp merge: the item of
 * @input, or the first merged item that is odometry. */
static gboolean
merged_odometry (GstBuffer * frame, const gchar * input, GstOdometry * pose,
    const gchar ** from)
{
  GstWorkerMergeMeta *meta = gst_buffer_get_worker_merge_meta (frame);
  guint i, n;

  if (!meta)
    return FALSE;
  n = gst_worker_merge_meta_get_n_items (meta);
  for (i = 0; i < n; i++) {
    const gchar *name;
    GstBuffer *item = gst_worker_merge_meta_get_nth_item (meta, i, &name);

    if (input && g_strcmp0 (name, input) != 0)
      continue;
    if (gst_odometry_from_buffer (item, pose)) {
      *from = name;
      return TRUE;
    }
  }
  return FALSE;
}

/* Where the drone was for @frame; FALSE if nobody says. */
static gboolean
geolocate_pose (GstGeolocate * self, GstBuffer * frame, GstOdometry * pose,
    const gchar ** source)
{
  GstOdometryMeta *meta;
  const gchar *from = NULL;
  gboolean ok = FALSE;
  gchar *input;

  GST_OBJECT_LOCK (self);
  input = g_strdup (self->odometry_input);
  GST_OBJECT_UNLOCK (self);
  ok = merged_odometry (frame, input, pose, &from);
  g_free (input);
  if (ok) {
    GST_LOG_OBJECT (self, "odometry merged from %s", from);
    *source = "timestamp merge";
    return TRUE;
  }

  meta = gst_buffer_get_odometry_meta (frame);
  if (meta) {
    *pose = meta->odometry;
    *source = "odometry meta";
    return TRUE;
  }

  GST_OBJECT_LOCK (self);
  if (self->have_pose) {
    *pose = self->fixed_pose;
    *source = "pose property";
    ok = TRUE;
  }
  GST_OBJECT_UNLOCK (self);
  return ok;
}

/* Projects the targets of @frame; returns how many reached the ground. */
static guint
geolocate_targets (GstGeolocate * self, GstBuffer * frame,
    const GstCameraModel * cam, const GstOdometry * pose, gdouble ground_down,
    GArray * out)
{
  gpointer state = NULL;
  GstMeta *m;
  guint n_seen = 0;

  while ((m = gst_buffer_iterate_meta_filtered (frame, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    GstStructure *det;
    GstGroundTarget t;

    if (roi->roi_type != self->target_quark)
      continue;
    n_seen++;

    /* the box centre, unless the detector gave a centroid */
    t.pixel_x = roi->x + (roi->w - 1) / 2.0;
    t.pixel_y = roi->y + (roi->h - 1) / 2.0;
    t.confidence = 1.0;
    t.area = (gdouble) roi->w * roi->h;
    det = gst_video_region_of_interest_meta_get_param (roi, "detection");
    if (det) {
      gst_structure_get_double (det, "x", &t.pixel_x);
      gst_structure_get_double (det, "y", &t.pixel_y);
      gst_structure_get_double (det, "confidence", &t.confidence);
      gst_structure_get_double (det, "area", &t.area);
    }

    t.down = ground_down;
    if (!gst_camera_model_pixel_to_ground (cam, pose, t.pixel_x, t.pixel_y,
            ground_down, &t.north, &t.east)) {
      GST_DEBUG_OBJECT (self, "target at (%.2f, %.2f) does not reach the "
          "ground: its ray is at or above the horizon", t.pixel_x, t.pixel_y);
      continue;
    }
    GST_LOG_OBJECT (self, "target at (%.2f, %.2f) -> north %.3f east %.3f",
        t.pixel_x, t.pixel_y, t.north, t.east);
    g_array_append_val (out, t);
  }
  return n_seen;
}

static GstFlowReturn
gst_geolocate_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstGeolocate *self = GST_GEOLOCATE (base);
  const gchar *source = NULL;
  GstCameraModel cam;
  GstOdometry pose;
  gdouble ground_down;
  GArray *targets;
  GstBuffer *outbuf;
  guint n_seen;

  if (!geolocate_pose (self, inbuf, &pose, &source) ||
      (pose.fields & (GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE)) !=
      (GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE)) {
    if (!self->warned_no_odometry) {
      self->warned_no_odometry = TRUE;
      if (source)
        GST_ELEMENT_WARNING (self, STREAM, FAILED,
            ("Frames whose odometry (from the %s) lacks the local position "
                "or the attitude cannot be located on the ground: they are "
                "dropped.", source),
            ("odometry fields 0x%x at %" GST_TIME_FORMAT, pose.fields,
                GST_TIME_ARGS (GST_BUFFER_PTS (inbuf))));
      else
        GST_ELEMENT_WARNING (self, STREAM, FAILED,
            ("Frames without odometry cannot be located on the ground: they "
                "are dropped. Merge the frames with the telemetry before "
                "geolocate, or set its pose property for a fixed camera."),
            ("first at %" GST_TIME_FORMAT,
                GST_TIME_ARGS (GST_BUFFER_PTS (inbuf))));
    }
    gst_worker_transform_drop (base, inbuf);
    return GST_FLOW_OK;
  }

  geolocate_camera (self, &cam, &ground_down);
  targets = g_array_new (FALSE, FALSE, sizeof (GstGroundTarget));
  n_seen = geolocate_targets (self, inbuf, &cam, &pose, ground_down, targets);
  if (n_seen != targets->len)
    GST_DEBUG_OBJECT (self, "%u of %u targets reach the ground", targets->len,
        n_seen);

  outbuf = gst_ground_targets_to_buffer ((GstGroundTarget *) targets->data,
      MIN (targets->len, GST_GROUND_TARGETS_MAX), GST_BUFFER_PTS (inbuf));
  GST_BUFFER_DURATION (outbuf) = GST_BUFFER_DURATION (inbuf);
  GST_BUFFER_OFFSET (outbuf) = GST_BUFFER_OFFSET (inbuf);
  g_array_unref (targets);
  gst_buffer_unref (inbuf);
  return gst_worker_transform_push (base, outbuf);
}

static gboolean
gst_geolocate_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstGeolocate *self = GST_GEOLOCATE (trans);
  GstStructure *s = gst_caps_get_structure (incaps, 0);
  gint w = 0, h = 0;

  if (!gst_structure_get_int (s, "width", &w) ||
      !gst_structure_get_int (s, "height", &h) || w <= 0 || h <= 0) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("%s needs the frame size in the video caps, got %" GST_PTR_FORMAT
            ".", GST_OBJECT_NAME (self), incaps), (NULL));
    return FALSE;
  }
  self->width = w;
  self->height = h;
  GST_DEBUG_OBJECT (self, "frames are %dx%d", w, h);
  return TRUE;
}

static gboolean
get_number (const GstStructure * s, const gchar * field, gdouble * v)
{
  const GValue *val = gst_structure_get_value (s, field);

  if (!val)
    return FALSE;
  if (G_VALUE_HOLDS_DOUBLE (val))
    *v = g_value_get_double (val);
  else if (G_VALUE_HOLDS_INT (val))
    *v = g_value_get_int (val);
  else if (G_VALUE_HOLDS_UINT (val))
    *v = g_value_get_uint (val);
  else if (G_VALUE_HOLDS_INT64 (val))
    *v = g_value_get_int64 (val);
  else if (G_VALUE_HOLDS_FLOAT (val))
    *v = g_value_get_float (val);
  else
    return FALSE;
  return isfinite (*v);
}

/* Reads the pose property's structure; FALSE names the bad field, or
 * none when the structure is not named "pose". */
static gboolean
parse_pose (const GstStructure * s, GstOdometry * pose, const gchar ** bad)
{
  static const gchar *names[] = { "north", "east", "down", "roll", "pitch",
    "yaw"
  };
  gdouble v[G_N_ELEMENTS (names)] = { 0 };
  guint i;

  /* pose="garbage" parses as an empty structure named garbage */
  if (!gst_structure_has_name (s, "pose")) {
    *bad = NULL;
    return FALSE;
  }
  for (i = 0; i < (guint) gst_structure_n_fields (s); i++) {
    const gchar *f = gst_structure_nth_field_name (s, i);
    guint k;

    for (k = 0; k < G_N_ELEMENTS (names); k++)
      if (g_str_equal (f, names[k]))
        break;
    if (k == G_N_ELEMENTS (names) || !get_number (s, f, &v[k])) {
      *bad = f;
      return FALSE;
    }
  }
  gst_odometry_init (pose);
  pose->fields = GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_ATTITUDE;
  pose->north = v[0];
  pose->east = v[1];
  pose->down = v[2];
  pose->roll = DEG (v[3]);
  pose->pitch = DEG (v[4]);
  pose->yaw = DEG (v[5]);
  return TRUE;
}

static gboolean
gst_geolocate_start (GstBaseTransform * trans)
{
  GstGeolocate *self = GST_GEOLOCATE (trans);
  const gchar *bad = NULL;
  gchar *str;

  self->warned_no_odometry = FALSE;
  GST_OBJECT_LOCK (self);
  if (!self->pose || parse_pose (self->pose, &self->fixed_pose, &bad)) {
    GST_OBJECT_UNLOCK (self);
    return TRUE;
  }
  str = gst_structure_to_string (self->pose);
  GST_OBJECT_UNLOCK (self);

  if (!bad)
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The pose property of %s is not a pose: write it as "
            "\"pose,north=0.0,east=0.0,down=-50.0\" (metres; roll, pitch, "
            "yaw in degrees).", GST_OBJECT_NAME (self)), ("pose %s", str));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The pose property of %s has a field \"%s\" that is not one of "
            "north, east, down (metres), roll, pitch, yaw (degrees) with a "
            "number.", GST_OBJECT_NAME (self), bad), ("pose %s", str));
  g_free (str);
  return FALSE;
}

static void
gst_geolocate_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstGeolocate *self = GST_GEOLOCATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_HFOV:
      self->hfov = g_value_get_double (value);
      break;
    case PROP_FX:
      self->fx = g_value_get_double (value);
      break;
    case PROP_FY:
      self->fy = g_value_get_double (value);
      break;
    case PROP_CX:
      self->cx = g_value_get_double (value);
      break;
    case PROP_CY:
      self->cy = g_value_get_double (value);
      break;
    case PROP_MOUNT_ROLL:
      self->mount_roll = g_value_get_double (value);
      break;
    case PROP_MOUNT_PITCH:
      self->mount_pitch = g_value_get_double (value);
      break;
    case PROP_MOUNT_YAW:
      self->mount_yaw = g_value_get_double (value);
      break;
    case PROP_GROUND_DOWN:
      self->ground_down = g_value_get_double (value);
      break;
    case PROP_POSE:{
      const GstStructure *s = gst_value_get_structure (value);

      const gchar *bad = NULL;

      /* a bad pose is reported when the element starts, where an error
       * can be posted */
      g_clear_pointer (&self->pose, gst_structure_free);
      self->pose = s ? gst_structure_copy (s) : NULL;
      self->have_pose = s && parse_pose (s, &self->fixed_pose, &bad);
      break;
    }
    case PROP_ODOMETRY_INPUT:
      g_free (self->odometry_input);
      self->odometry_input = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_geolocate_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstGeolocate *self = GST_GEOLOCATE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_HFOV:
      g_value_set_double (value, self->hfov);
      break;
    case PROP_FX:
      g_value_set_double (value, self->fx);
      break;
    case PROP_FY:
      g_value_set_double (value, self->fy);
      break;
    case PROP_CX:
      g_value_set_double (value, self->cx);
      break;
    case PROP_CY:
      g_value_set_double (value, self->cy);
      break;
    case PROP_MOUNT_ROLL:
      g_value_set_double (value, self->mount_roll);
      break;
    case PROP_MOUNT_PITCH:
      g_value_set_double (value, self->mount_pitch);
      break;
    case PROP_MOUNT_YAW:
      g_value_set_double (value, self->mount_yaw);
      break;
    case PROP_GROUND_DOWN:
      g_value_set_double (value, self->ground_down);
      break;
    case PROP_POSE:
      gst_value_set_structure (value, self->pose);
      break;
    case PROP_ODOMETRY_INPUT:
      g_value_set_string (value, self->odometry_input);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_geolocate_finalize (GObject * object)
{
  GstGeolocate *self = GST_GEOLOCATE (object);

  g_clear_pointer (&self->pose, gst_structure_free);
  g_free (self->odometry_input);
  G_OBJECT_CLASS (gst_geolocate_parent_class)->finalize (object);
}

static void
gst_geolocate_class_init (GstGeolocateClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (geolocate_debug, "geolocate", 0,
      "target geolocation");

  gobject_class->set_property = gst_geolocate_set_property;
  gobject_class->get_property = gst_geolocate_get_property;
  gobject_class->finalize = gst_geolocate_finalize;

  g_object_class_install_property (gobject_class, PROP_HFOV,
      g_param_spec_double ("hfov", "Horizontal field of view",
          "The camera's horizontal field of view, degrees", 0.1, 179.9,
          DEFAULT_HFOV, flags));
  g_object_class_install_property (gobject_class, PROP_FX,
      g_param_spec_double ("fx", "Focal length x",
          "Horizontal focal length in pixels, overriding hfov (0 = from "
          "hfov)", 0.0, G_MAXDOUBLE, DEFAULT_FX, flags));
  g_object_class_install_property (gobject_class, PROP_FY,
      g_param_spec_double ("fy", "Focal length y",
          "Vertical focal length in pixels (0 = the same as the horizontal "
          "one: square pixels)", 0.0, G_MAXDOUBLE, DEFAULT_FY, flags));
  g_object_class_install_property (gobject_class, PROP_CX,
      g_param_spec_double ("cx", "Principal point x",
          "Principal point, pixels from the left; the centre of the top-left "
          "pixel is 0 (negative = the image centre, (width - 1) / 2)", -1.0,
          G_MAXDOUBLE, DEFAULT_CX, flags));
  g_object_class_install_property (gobject_class, PROP_CY,
      g_param_spec_double ("cy", "Principal point y",
          "Principal point, pixels from the top (negative = the image centre, "
          "(height - 1) / 2)", -1.0, G_MAXDOUBLE, DEFAULT_CY, flags));
  g_object_class_install_property (gobject_class, PROP_MOUNT_ROLL,
      g_param_spec_double ("mount-roll", "Mount roll",
          "Camera roll relative to the body, degrees", -180.0, 180.0,
          DEFAULT_MOUNT_ROLL, flags));
  g_object_class_install_property (gobject_class, PROP_MOUNT_PITCH,
      g_param_spec_double ("mount-pitch", "Mount pitch",
          "Camera pitch relative to the body, degrees (0 = looking forward, "
          "-90 = looking down with the top of the image towards the nose)",
          -180.0, 180.0, DEFAULT_MOUNT_PITCH, flags));
  g_object_class_install_property (gobject_class, PROP_MOUNT_YAW,
      g_param_spec_double ("mount-yaw", "Mount yaw",
          "Camera yaw relative to the body, degrees (applied first: yaw, "
          "then pitch, then roll)", -180.0, 180.0, DEFAULT_MOUNT_YAW, flags));
  g_object_class_install_property (gobject_class, PROP_GROUND_DOWN,
      g_param_spec_double ("ground-down", "Ground down",
          "The ground plane's height as local NED down, metres (0 = the "
          "height of home; negative = above it)", -G_MAXDOUBLE, G_MAXDOUBLE,
          DEFAULT_GROUND_DOWN, flags));
  g_object_class_install_property (gobject_class, PROP_POSE,
      g_param_spec_boxed ("pose", "Fixed pose",
          "Where the camera's carrier is for frames without an odometry "
          "meta, e.g. \"pose,north=0.0,east=0.0,down=-30.0,roll=0.0,"
          "pitch=0.0,yaw=0.0\" (metres of local NED, degrees; missing "
          "fields are 0). Unset: such frames are dropped",
          GST_TYPE_STRUCTURE, flags));
  g_object_class_install_property (gobject_class, PROP_ODOMETRY_INPUT,
      g_param_spec_string ("odometry-input", "Odometry input",
          "The input of the timestamp merge whose items are the odometry "
          "(e.g. sink_1); unset: the first merged item that is odometry",
          DEFAULT_ODOMETRY_INPUT, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Target geolocation",
      "Filter/Analyzer/Video",
      "Projects the targets found in video frames onto the ground with a "
      "camera model and the drone's odometry", "gst-workers");

  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_worker_transform_template_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_geolocate_set_caps);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_geolocate_start);
  worker_class->process = GST_DEBUG_FUNCPTR (gst_geolocate_process);
}

static void
gst_geolocate_init (GstGeolocate * self)
{
  self->hfov = DEFAULT_HFOV;
  self->fx = DEFAULT_FX;
  self->fy = DEFAULT_FY;
  self->cx = DEFAULT_CX;
  self->cy = DEFAULT_CY;
  self->mount_roll = DEFAULT_MOUNT_ROLL;
  self->mount_pitch = DEFAULT_MOUNT_PITCH;
  self->mount_yaw = DEFAULT_MOUNT_YAW;
  self->ground_down = DEFAULT_GROUND_DOWN;
  self->target_quark = g_quark_from_static_string ("target");
}
