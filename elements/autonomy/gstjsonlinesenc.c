/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-jsonlinesenc
 * @title: jsonlinesenc
 *
 * Writes items of the autonomy system as JSON Lines (one JSON object per
 * line, `application/x-ndjson`): one line per input item, in a buffer with
 * the item's timestamps, so `filesink`, `fdsink` or `udpsink` carry them
 * to a file, a terminal or a ground station. Every object has `type` and
 * `pts` (nanoseconds, or null), then by input caps:
 *
 * - `application/x-odometry` (type `odometry`): `fields` (the valid
 *   groups: `local`, `global`, `attitude`, `velocity`), `source_time_us`,
 *   and the members of each valid group: `north`, `east`, `down`;
 *   `latitude`, `longitude`, `altitude`; `roll`, `pitch`, `yaw`; `vn`,
 *   `ve`, `vd`;
 * - `application/x-ground-targets` (type `ground-targets`): `frame_time`
 *   and `targets`, an array of objects with `north`, `east`, `down`,
 *   `confidence`, `area`, `pixel_x`, `pixel_y`;
 * - `application/x-target-estimate` (type `target-estimate`): `id`,
 *   `count`, `confirmed`, `final`, `north`, `east`, `down`, `spread`,
 *   `std_north`, `std_east`, `first_seen`, `last_seen`;
 * - `application/x-flight-command` (type `flight-command`): `command`
 *   (`goto`, `loiter`, `land`, `return`), `target_id`, and those of
 *   `north`, `east`, `down`, `latitude`, `longitude`, `altitude`, `yaw`
 *   that the command sets;
 * - video frames (type `detections`): `width`, `height` and `regions`, an
 *   array with one object per #GstVideoRegionOfInterestMeta: `roi_type`,
 *   `id`, `x`, `y`, `w`, `h`, and each parameter structure as an object
 *   named after it (detecttarget's `detection`).
 *
 * Times are in nanoseconds; positions in metres (local NED) or degrees
 * (WGS84); angles in radians. Values that are not finite are written as
 * null. A malformed item is an error.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc pattern=ball num-buffers=5 ! \
 *     video/x-raw,format=GRAY8,width=320,height=240 ! detecttarget ! \
 *     jsonlinesenc ! fdsink
 * ]| Prints one line per frame with the ball's box and centroid.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <json-glib/json-glib.h>
#include <gst/video/video.h>
#include <gst/autonomy/autonomy.h>
#include "gstjsonlinesenc.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (json_lines_enc_debug);
#define GST_CAT_DEFAULT json_lines_enc_debug

#define JSON_LINES_CAPS "application/x-ndjson"

typedef enum
{
  KIND_NONE,
  KIND_ODOMETRY,
  KIND_GROUND_TARGETS,
  KIND_ESTIMATE,
  KIND_COMMAND,
  KIND_VIDEO,
} ItemKind;

struct _GstJsonLinesEnc
{
  GstWorkerTransform parent;

  /* streaming thread */
  ItemKind kind;
  gint width, height;
  JsonGenerator *gen;
};

/* *INDENT-OFF* */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_ODOMETRY_CAPS "; "
        GST_GROUND_TARGETS_CAPS "; "
        GST_TARGET_ESTIMATE_CAPS "; "
        GST_FLIGHT_COMMAND_CAPS "; "
        "video/x-raw(ANY)"));
/* *INDENT-ON* */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (JSON_LINES_CAPS));

G_DEFINE_TYPE (GstJsonLinesEnc, gst_json_lines_enc, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (jsonlinesenc, "jsonlinesenc", GST_RANK_NONE,
    GST_TYPE_JSON_LINES_ENC);

/* --- JSON helpers ------------------------------------------------------- */

static void
add_double (JsonBuilder * b, const gchar * name, gdouble v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder * b, const gchar * name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_time (JsonBuilder * b, const gchar * name, GstClockTime t)
{
  json_builder_set_member_name (b, name);
  if (GST_CLOCK_TIME_IS_VALID (t) && t <= G_MAXINT64)
    json_builder_add_int_value (b, (gint64) t);
  else
    json_builder_add_null_value (b);
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
add_boolean (JsonBuilder * b, const gchar * name, gboolean v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static gboolean
add_structure_field (GQuark field, const GValue * v, gpointer user_data)
{
  JsonBuilder *b = user_data;

  json_builder_set_member_name (b, g_quark_to_string (field));
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (v))) {
    case G_TYPE_DOUBLE:
    case G_TYPE_FLOAT:{
      gdouble d = G_VALUE_HOLDS_DOUBLE (v) ? g_value_get_double (v) :
          g_value_get_float (v);

      if (isfinite (d))
        json_builder_add_double_value (b, d);
      else
        json_builder_add_null_value (b);
      break;
    }
    case G_TYPE_INT:
      json_builder_add_int_value (b, g_value_get_int (v));
      break;
    case G_TYPE_UINT:
      json_builder_add_int_value (b, g_value_get_uint (v));
      break;
    case G_TYPE_INT64:
      json_builder_add_int_value (b, g_value_get_int64 (v));
      break;
    case G_TYPE_UINT64:
      json_builder_add_int_value (b, (gint64) MIN (g_value_get_uint64 (v),
              G_MAXINT64));
      break;
    case G_TYPE_BOOLEAN:
      json_builder_add_boolean_value (b, g_value_get_boolean (v));
      break;
    case G_TYPE_STRING:
      if (g_value_get_string (v))
        json_builder_add_string_value (b, g_value_get_string (v));
      else
        json_builder_add_null_value (b);
      break;
    default:{
      gchar *s = gst_value_serialize (v);

      json_builder_add_string_value (b, s ? s : "");
      g_free (s);
      break;
    }
  }
  return TRUE;
}

/* --- one object per item ------------------------------------------------- */

static gboolean
build_odometry (JsonBuilder * b, GstBuffer * buf)
{
  GstOdometry o;

  if (!gst_odometry_from_buffer (buf, &o))
    return FALSE;
  json_builder_set_member_name (b, "fields");
  json_builder_begin_array (b);
  if (o.fields & GST_ODOMETRY_HAS_LOCAL)
    json_builder_add_string_value (b, "local");
  if (o.fields & GST_ODOMETRY_HAS_GLOBAL)
    json_builder_add_string_value (b, "global");
  if (o.fields & GST_ODOMETRY_HAS_ATTITUDE)
    json_builder_add_string_value (b, "attitude");
  if (o.fields & GST_ODOMETRY_HAS_VELOCITY)
    json_builder_add_string_value (b, "velocity");
  json_builder_end_array (b);
  add_int (b, "source_time_us", (gint64) MIN (o.source_time_us, G_MAXINT64));
  if (o.fields & GST_ODOMETRY_HAS_LOCAL) {
    add_double (b, "north", o.north);
    add_double (b, "east", o.east);
    add_double (b, "down", o.down);
  }
  if (o.fields & GST_ODOMETRY_HAS_GLOBAL) {
    add_double (b, "latitude", o.latitude);
    add_double (b, "longitude", o.longitude);
    add_double (b, "altitude", o.altitude);
  }
  if (o.fields & GST_ODOMETRY_HAS_ATTITUDE) {
    add_double (b, "roll", o.roll);
    add_double (b, "pitch", o.pitch);
    add_double (b, "yaw", o.yaw);
  }
  if (o.fields & GST_ODOMETRY_HAS_VELOCITY) {
    add_double (b, "vn", o.vn);
    add_double (b, "ve", o.ve);
    add_double (b, "vd", o.vd);
  }
  return TRUE;
}

static gboolean
build_ground_targets (JsonBuilder * b, GstBuffer * buf)
{
  GstGroundTarget *t = NULL;
  GstClockTime frame_time;
  guint n, i;

  if (!gst_ground_targets_from_buffer (buf, &frame_time, &t, &n))
    return FALSE;
  add_time (b, "frame_time", frame_time);
  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  for (i = 0; i < n; i++) {
    json_builder_begin_object (b);
    add_double (b, "north", t[i].north);
    add_double (b, "east", t[i].east);
    add_double (b, "down", t[i].down);
    add_double (b, "confidence", t[i].confidence);
    add_double (b, "area", t[i].area);
    add_double (b, "pixel_x", t[i].pixel_x);
    add_double (b, "pixel_y", t[i].pixel_y);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  g_free (t);
  return TRUE;
}

static gboolean
build_estimate (JsonBuilder * b, GstBuffer * buf)
{
  GstTargetEstimate e;

  if (!gst_target_estimate_from_buffer (buf, &e))
    return FALSE;
  add_int (b, "id", e.id);
  add_int (b, "count", e.count);
  add_boolean (b, "confirmed", (e.flags & GST_TARGET_ESTIMATE_CONFIRMED) != 0);
  add_boolean (b, "final", (e.flags & GST_TARGET_ESTIMATE_FINAL) != 0);
  add_double (b, "north", e.north);
  add_double (b, "east", e.east);
  add_double (b, "down", e.down);
  add_double (b, "spread", e.spread);
  add_double (b, "std_north", e.std_north);
  add_double (b, "std_east", e.std_east);
  add_time (b, "first_seen", e.first_seen);
  add_time (b, "last_seen", e.last_seen);
  return TRUE;
}

static gboolean
build_command (JsonBuilder * b, GstBuffer * buf)
{
  GstFlightCommand c;

  if (!gst_flight_command_from_buffer (buf, &c))
    return FALSE;
  add_string (b, "command", gst_flight_command_type_to_string (c.type));
  add_int (b, "target_id", c.target_id);
  if (c.flags & GST_FLIGHT_COMMAND_HAS_LOCAL) {
    add_double (b, "north", c.north);
    add_double (b, "east", c.east);
    add_double (b, "down", c.down);
  }
  if (c.flags & GST_FLIGHT_COMMAND_HAS_GLOBAL) {
    add_double (b, "latitude", c.latitude);
    add_double (b, "longitude", c.longitude);
    add_double (b, "altitude", c.altitude);
  }
  if (c.flags & GST_FLIGHT_COMMAND_HAS_YAW)
    add_double (b, "yaw", c.yaw);
  return TRUE;
}

static gboolean
build_detections (GstJsonLinesEnc * self, JsonBuilder * b, GstBuffer * buf)
{
  gpointer state = NULL;
  GstMeta *m;

  add_int (b, "width", self->width);
  add_int (b, "height", self->height);
  json_builder_set_member_name (b, "regions");
  json_builder_begin_array (b);
  while ((m = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    GList *l;

    json_builder_begin_object (b);
    add_string (b, "roi_type", g_quark_to_string (roi->roi_type));
    add_int (b, "id", roi->id);
    add_int (b, "x", roi->x);
    add_int (b, "y", roi->y);
    add_int (b, "w", roi->w);
    add_int (b, "h", roi->h);
    for (l = roi->params; l; l = l->next) {
      GstStructure *s = l->data;

      json_builder_set_member_name (b, gst_structure_get_name (s));
      json_builder_begin_object (b);
      gst_structure_foreach (s, add_structure_field, b);
      json_builder_end_object (b);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  return TRUE;
}

static const gchar *
kind_name (ItemKind kind)
{
  switch (kind) {
    case KIND_ODOMETRY:
      return "odometry";
    case KIND_GROUND_TARGETS:
      return "ground-targets";
    case KIND_ESTIMATE:
      return "target-estimate";
    case KIND_COMMAND:
      return "flight-command";
    case KIND_VIDEO:
      return "detections";
    case KIND_NONE:
      break;
  }
  return "none";
}

static GstFlowReturn
gst_json_lines_enc_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstJsonLinesEnc *self = GST_JSON_LINES_ENC (base);
  JsonBuilder *b = json_builder_new ();
  GstBuffer *outbuf;
  JsonNode *root;
  gboolean ok = FALSE;
  gchar *line;
  gsize len;

  json_builder_begin_object (b);
  add_string (b, "type", kind_name (self->kind));
  add_time (b, "pts", GST_BUFFER_PTS (inbuf));
  switch (self->kind) {
    case KIND_ODOMETRY:
      ok = build_odometry (b, inbuf);
      break;
    case KIND_GROUND_TARGETS:
      ok = build_ground_targets (b, inbuf);
      break;
    case KIND_ESTIMATE:
      ok = build_estimate (b, inbuf);
      break;
    case KIND_COMMAND:
      ok = build_command (b, inbuf);
      break;
    case KIND_VIDEO:
      ok = build_detections (self, b, inbuf);
      break;
    case KIND_NONE:
      break;
  }
  if (!ok) {
    gchar *when = autonomy_item_when (GST_BUFFER_PTS (inbuf));

    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("%s received a malformed %s item (%" G_GSIZE_FORMAT " bytes %s).",
            GST_OBJECT_NAME (self), kind_name (self->kind),
            gst_buffer_get_size (inbuf), when),
        ("the item's reader refused it"));
    g_free (when);
    g_object_unref (b);
    gst_buffer_unref (inbuf);
    return GST_FLOW_ERROR;
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (self->gen, root);
  line = json_generator_to_data (self->gen, &len);
  json_node_unref (root);
  g_object_unref (b);

  /* the line and its newline, without a copy */
  line = g_realloc (line, len + 1);
  line[len] = '\n';
  outbuf = gst_buffer_new_wrapped (line, len + 1);
  gst_buffer_copy_into (outbuf, inbuf, GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_unref (inbuf);
  return gst_worker_transform_push (base, outbuf);
}

static gboolean
gst_json_lines_enc_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstJsonLinesEnc *self = GST_JSON_LINES_ENC (trans);
  GstStructure *s = gst_caps_get_structure (incaps, 0);

  if (gst_structure_has_name (s, GST_ODOMETRY_CAPS)) {
    self->kind = KIND_ODOMETRY;
  } else if (gst_structure_has_name (s, GST_GROUND_TARGETS_CAPS)) {
    self->kind = KIND_GROUND_TARGETS;
  } else if (gst_structure_has_name (s, GST_TARGET_ESTIMATE_CAPS)) {
    self->kind = KIND_ESTIMATE;
  } else if (gst_structure_has_name (s, GST_FLIGHT_COMMAND_CAPS)) {
    self->kind = KIND_COMMAND;
  } else if (gst_structure_has_name (s, "video/x-raw")) {
    self->kind = KIND_VIDEO;
    self->width = self->height = 0;
    gst_structure_get_int (s, "width", &self->width);
    gst_structure_get_int (s, "height", &self->height);
  } else {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("%s cannot write %" GST_PTR_FORMAT " as JSON.",
            GST_OBJECT_NAME (self), incaps), (NULL));
    return FALSE;
  }
  GST_DEBUG_OBJECT (self, "writing %s items", kind_name (self->kind));
  return TRUE;
}

static void
gst_json_lines_enc_finalize (GObject * object)
{
  GstJsonLinesEnc *self = GST_JSON_LINES_ENC (object);

  g_object_unref (self->gen);
  G_OBJECT_CLASS (gst_json_lines_enc_parent_class)->finalize (object);
}

static void
gst_json_lines_enc_class_init (GstJsonLinesEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (json_lines_enc_debug, "jsonlinesenc", 0,
      "JSON Lines writer of autonomy items");

  gobject_class->finalize = gst_json_lines_enc_finalize;

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "JSON Lines writer",
      "Formatter/Metadata",
      "Writes odometry, ground targets, target estimates, flight commands "
      "and the detections of video frames as one JSON object per line",
      "gst-workers");

  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_worker_transform_template_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_json_lines_enc_set_caps);
  worker_class->process = GST_DEBUG_FUNCPTR (gst_json_lines_enc_process);
}

static void
gst_json_lines_enc_init (GstJsonLinesEnc * self)
{
  self->gen = json_generator_new ();
  json_generator_set_pretty (self->gen, FALSE);
}
