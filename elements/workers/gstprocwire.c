/* gst-workers: what crosses between a process replica and its child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure mapping functions, no I/O: events, queries and the metas this
 * project uses, to and from strings (GStreamer 1.22 serialises no meta by
 * itself). Each meta has an explicit serialiser; a meta without one does
 * not cross (it is logged).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include "gstprocwire.h"

GST_DEBUG_CATEGORY_STATIC (proc_wire_debug);
#define GST_CAT_DEFAULT proc_wire_debug

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (proc_wire_debug, "processwire", 0,
        "process replica wire format");
    /* the metas registered where they are first used: registered here, so
     * that they can be added to what comes from the other process */
    gst_worker_merge_meta_get_info ();
    gst_odometry_meta_get_info ();
    gst_video_region_of_interest_meta_get_info ();
    gst_video_meta_get_info ();
    gst_buffer_unref (gst_worker_null_token_new (0));
    g_once_init_leave (&done, 1);
  }
}

/* Drops the fields a string cannot carry (objects, pointers), so that what
 * is left parses back. */
static gboolean
strip_field (GQuark field, GValue * value, gpointer user_data)
{
  gchar *str;

  if (G_VALUE_HOLDS_OBJECT (value) || G_VALUE_HOLDS_POINTER (value))
    return FALSE;
  str = gst_value_serialize (value);
  if (!str)
    return FALSE;
  g_free (str);
  return TRUE;
}

gchar *
gst_proc_wire_serialize_structure (const GstStructure * s)
{
  GstStructure *copy = gst_structure_copy (s);
  gchar *str;

  gst_structure_filter_and_map_in_place (copy, strip_field, NULL);
  str = gst_structure_to_string (copy);
  gst_structure_free (copy);
  return str;
}

/* ---------------------------------------------------------------------- */
/* metas */

/* The metas of a buffer: one structure per meta, each ending with a NUL
 * (a structure's text never holds one), so nothing nests in strings. */
static void
add_meta (GString * metas, GstStructure * one)
{
  gchar *str = gst_structure_to_string (one);

  g_string_append_len (metas, str, strlen (str) + 1);
  g_free (str);
  gst_structure_free (one);
}

static GstStructure *
serialize_item (GstBuffer * item)
{
  gsize len = 0;
  gchar *metas = gst_proc_wire_serialize_metas (item, &len);
  GstStructure *s = gst_structure_new ("item",
      "pts", G_TYPE_UINT64, GST_BUFFER_PTS (item),
      "dts", G_TYPE_UINT64, GST_BUFFER_DTS (item),
      "duration", G_TYPE_UINT64, GST_BUFFER_DURATION (item),
      "offset", G_TYPE_UINT64, GST_BUFFER_OFFSET (item),
      "offset-end", G_TYPE_UINT64, GST_BUFFER_OFFSET_END (item),
      "flags", G_TYPE_UINT, GST_BUFFER_FLAGS (item), NULL);

  /* (an empty buffer does not parse back: no field for none) */
  if (gst_buffer_get_size (item))
    gst_structure_set (s, "data", GST_TYPE_BUFFER, item, NULL);
  if (metas) {
    GstBuffer *m = gst_buffer_new_wrapped (metas, len);

    gst_structure_set (s, "metas", GST_TYPE_BUFFER, m, NULL);
    gst_buffer_unref (m);
  }
  return s;
}

static GstBuffer *
deserialize_item (const GstStructure * s, gchar ** error)
{
  const GValue *v = gst_structure_get_value (s, "data");
  const GValue *mv = gst_structure_get_value (s, "metas");
  guint64 pts, dts, duration, offset, offset_end;
  guint flags;
  GstBuffer *item;

  if ((v && !GST_VALUE_HOLDS_BUFFER (v)) ||
      (mv && !GST_VALUE_HOLDS_BUFFER (mv)) ||
      !gst_structure_get (s, "pts", G_TYPE_UINT64, &pts, "dts", G_TYPE_UINT64,
          &dts, "duration", G_TYPE_UINT64, &duration, "offset",
          G_TYPE_UINT64, &offset, "offset-end", G_TYPE_UINT64, &offset_end,
          "flags", G_TYPE_UINT, &flags, NULL)) {
    *error = g_strdup ("a merged item lacks a field");
    return NULL;
  }
  item = v ? gst_buffer_copy_deep (gst_value_get_buffer (v)) :
      gst_buffer_new ();
  GST_BUFFER_PTS (item) = pts;
  GST_BUFFER_DTS (item) = dts;
  GST_BUFFER_DURATION (item) = duration;
  GST_BUFFER_OFFSET (item) = offset;
  GST_BUFFER_OFFSET_END (item) = offset_end;
  GST_BUFFER_FLAGS (item) = flags;
  if (mv) {
    GstMapInfo map;
    gboolean ok;

    gst_buffer_map (gst_value_get_buffer (mv), &map, GST_MAP_READ);
    ok = gst_proc_wire_deserialize_metas (item, (const gchar *) map.data,
        map.size, error);
    gst_buffer_unmap (gst_value_get_buffer (mv), &map);
    if (!ok) {
      gst_buffer_unref (item);
      return NULL;
    }
  }
  return item;
}

static GstStructure *
serialize_roi (GstVideoRegionOfInterestMeta * roi)
{
  GstStructure *s = gst_structure_new ("roi",
      "roi-type", G_TYPE_STRING, g_quark_to_string (roi->roi_type),
      "id", G_TYPE_INT, roi->id,
      "parent-id", G_TYPE_INT, roi->parent_id,
      "x", G_TYPE_UINT, roi->x, "y", G_TYPE_UINT, roi->y,
      "w", G_TYPE_UINT, roi->w, "h", G_TYPE_UINT, roi->h,
      "n-params", G_TYPE_UINT, g_list_length (roi->params), NULL);
  guint i = 0;

  for (GList * l = roi->params; l; l = l->next, i++) {
    gchar *field = g_strdup_printf ("p%u", i);

    gst_structure_set (s, field, GST_TYPE_STRUCTURE, l->data, NULL);
    g_free (field);
  }
  return s;
}

static gboolean
deserialize_roi (GstBuffer * buffer, const GstStructure * s, gchar ** error)
{
  const gchar *type = gst_structure_get_string (s, "roi-type");
  gint id, parent_id;
  guint x, y, w, h, n;
  GstVideoRegionOfInterestMeta *roi;

  if (!type || !gst_structure_get (s, "id", G_TYPE_INT, &id, "parent-id",
          G_TYPE_INT, &parent_id, "x", G_TYPE_UINT, &x, "y", G_TYPE_UINT, &y,
          "w", G_TYPE_UINT, &w, "h", G_TYPE_UINT, &h, "n-params",
          G_TYPE_UINT, &n, NULL)) {
    *error = g_strdup ("a region of interest lacks a field");
    return FALSE;
  }
  roi = gst_buffer_add_video_region_of_interest_meta (buffer, type, x, y, w,
      h);
  roi->id = id;
  roi->parent_id = parent_id;
  for (guint i = 0; i < n; i++) {
    gchar *field = g_strdup_printf ("p%u", i);
    const GValue *v = gst_structure_get_value (s, field);

    g_free (field);
    if (!v || !GST_VALUE_HOLDS_STRUCTURE (v)) {
      *error = g_strdup ("a region of interest lacks a parameter");
      return FALSE;
    }
    gst_video_region_of_interest_meta_add_param (roi,
        gst_structure_copy (gst_value_get_structure (v)));
  }
  return TRUE;
}

static GstStructure *
serialize_video_meta (GstVideoMeta * vmeta)
{
  GstStructure *s = gst_structure_new ("video",
      "flags", G_TYPE_UINT, vmeta->flags,
      "format", G_TYPE_INT, vmeta->format,
      "id", G_TYPE_INT, vmeta->id,
      "width", G_TYPE_UINT, vmeta->width,
      "height", G_TYPE_UINT, vmeta->height,
      "n-planes", G_TYPE_UINT, vmeta->n_planes, NULL);

  for (guint i = 0; i < vmeta->n_planes && i < GST_VIDEO_MAX_PLANES; i++) {
    gchar *o = g_strdup_printf ("offset%u", i);
    gchar *st = g_strdup_printf ("stride%u", i);

    gst_structure_set (s, o, G_TYPE_UINT64, (guint64) vmeta->offset[i], st,
        G_TYPE_INT, vmeta->stride[i], NULL);
    g_free (o);
    g_free (st);
  }
  return s;
}

static gboolean
deserialize_video_meta (GstBuffer * buffer, const GstStructure * s,
    gchar ** error)
{
  guint flags, width, height, n_planes;
  gint format, id;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 0 };
  GstVideoMeta *vmeta;

  if (!gst_structure_get (s, "flags", G_TYPE_UINT, &flags, "format",
          G_TYPE_INT, &format, "id", G_TYPE_INT, &id, "width", G_TYPE_UINT,
          &width, "height", G_TYPE_UINT, &height, "n-planes", G_TYPE_UINT,
          &n_planes, NULL) || n_planes > GST_VIDEO_MAX_PLANES) {
    *error = g_strdup ("a video meta lacks a field");
    return FALSE;
  }
  for (guint i = 0; i < n_planes; i++) {
    gchar *o = g_strdup_printf ("offset%u", i);
    gchar *st = g_strdup_printf ("stride%u", i);
    guint64 off = 0;
    gboolean ok = gst_structure_get (s, o, G_TYPE_UINT64, &off, st,
        G_TYPE_INT, &stride[i], NULL);

    g_free (o);
    g_free (st);
    if (!ok) {
      *error = g_strdup ("a video meta lacks a plane");
      return FALSE;
    }
    offset[i] = off;
  }
  vmeta = gst_buffer_add_video_meta_full (buffer, flags, format, width,
      height, n_planes, offset, stride);
  if (!vmeta) {
    *error = g_strdup ("a video meta could not be added");
    return FALSE;
  }
  vmeta->id = id;
  return TRUE;
}

static gboolean
serialize_one (GstBuffer * buffer, GstMeta ** meta, gpointer user_data)
{
  GString *metas = user_data;
  GType api = (*meta)->info->api;

  if (api == GST_WORKER_MERGE_META_API_TYPE) {
    GstWorkerMergeMeta *mm = (GstWorkerMergeMeta *) * meta;
    guint n = gst_worker_merge_meta_get_n_items (mm);
    GstStructure *s = gst_structure_new ("merge", "n", G_TYPE_UINT, n, NULL);

    for (guint i = 0; i < n; i++) {
      const gchar *name;
      GstBuffer *item = gst_worker_merge_meta_get_nth_item (mm, i, &name);
      GstStructure *is = serialize_item (item);
      gchar *f = g_strdup_printf ("name%u", i);

      gst_structure_set (s, f, G_TYPE_STRING, name, NULL);
      g_free (f);
      f = g_strdup_printf ("item%u", i);
      gst_structure_set (s, f, GST_TYPE_STRUCTURE, is, NULL);
      g_free (f);
      gst_structure_free (is);
    }
    add_meta (metas, s);
  } else if (api == GST_ODOMETRY_META_API_TYPE) {
    GstBuffer *odo =
        gst_odometry_to_buffer (&((GstOdometryMeta *) * meta)->odometry,
        GST_CLOCK_TIME_NONE);

    add_meta (metas, gst_structure_new ("odometry", "data", GST_TYPE_BUFFER,
            odo, NULL));
    gst_buffer_unref (odo);
  } else if (api == GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE) {
    add_meta (metas, serialize_roi ((GstVideoRegionOfInterestMeta *) * meta));
  } else if (api == GST_VIDEO_META_API_TYPE) {
    add_meta (metas, serialize_video_meta ((GstVideoMeta *) * meta));
  } else if (gst_meta_info_is_custom ((*meta)->info)) {
    GstStructure *cs =
        gst_custom_meta_get_structure ((GstCustomMeta *) * meta);

    add_meta (metas, gst_structure_new ("custom",
            "name", G_TYPE_STRING, g_type_name ((*meta)->info->type),
            "structure", GST_TYPE_STRUCTURE, cs, NULL));
  } else {
    GST_LOG ("meta %s does not cross to the other process",
        g_type_name (api));
  }
  return TRUE;
}

/* Returns: (transfer full) (nullable): the buffer's metas (@len bytes,
 * NUL-terminated structures), or %NULL if it has none that cross. */
gchar *
gst_proc_wire_serialize_metas (GstBuffer * buffer, gsize * len)
{
  GString *metas = g_string_new (NULL);

  init_debug ();
  gst_buffer_foreach_meta (buffer, serialize_one, metas);
  *len = metas->len;
  if (!metas->len) {
    g_string_free (metas, TRUE);
    return NULL;
  }
  return g_string_free (metas, FALSE);
}

static gboolean
deserialize_one (GstBuffer * buffer, const GstStructure * s, gchar ** error)
{
  if (gst_structure_has_name (s, "merge")) {
    guint n;
    GstWorkerMergeMeta *mm;

    if (!gst_structure_get_uint (s, "n", &n)) {
      *error = g_strdup ("a merge meta lacks its item count");
      return FALSE;
    }
    mm = gst_buffer_add_worker_merge_meta (buffer);
    for (guint i = 0; i < n; i++) {
      gchar *nf = g_strdup_printf ("name%u", i);
      gchar *itf = g_strdup_printf ("item%u", i);
      const gchar *name = gst_structure_get_string (s, nf);
      const GValue *v = gst_structure_get_value (s, itf);
      GstBuffer *item = NULL;

      g_free (nf);
      g_free (itf);
      if (!name || !v || !GST_VALUE_HOLDS_STRUCTURE (v)) {
        *error = g_strdup ("a merge meta lacks an item");
        return FALSE;
      }
      item = deserialize_item (gst_value_get_structure (v), error);
      if (!item)
        return FALSE;
      gst_worker_merge_meta_add_item (mm, name, item);
      gst_buffer_unref (item);
    }
    return TRUE;
  }
  if (gst_structure_has_name (s, "odometry")) {
    const GValue *v = gst_structure_get_value (s, "data");
    GstOdometry odo;

    if (!v || !GST_VALUE_HOLDS_BUFFER (v) ||
        !gst_odometry_from_buffer (gst_value_get_buffer (v), &odo)) {
      *error = g_strdup ("an odometry meta is not odometry");
      return FALSE;
    }
    gst_buffer_add_odometry_meta (buffer, &odo);
    return TRUE;
  }
  if (gst_structure_has_name (s, "roi"))
    return deserialize_roi (buffer, s, error);
  if (gst_structure_has_name (s, "video"))
    return deserialize_video_meta (buffer, s, error);
  if (gst_structure_has_name (s, "custom")) {
    const gchar *name = gst_structure_get_string (s, "name");
    const GValue *v = gst_structure_get_value (s, "structure");
    GstCustomMeta *cm;
    GstStructure *dest;

    if (!name || !v || !GST_VALUE_HOLDS_STRUCTURE (v)) {
      *error = g_strdup ("a custom meta lacks a field");
      return FALSE;
    }
    if (!gst_meta_get_info (name)) {
      GST_LOG ("custom meta %s is not registered here", name);
      return TRUE;
    }
    cm = gst_buffer_add_custom_meta (buffer, name);
    dest = gst_custom_meta_get_structure (cm);
    {
      const GstStructure *src = gst_value_get_structure (v);

      for (gint i = 0; i < gst_structure_n_fields (src); i++) {
        const gchar *f = gst_structure_nth_field_name (src, i);

        gst_structure_set_value (dest, f, gst_structure_get_value (src, f));
      }
    }
    return TRUE;
  }
  *error = g_strdup_printf ("unknown meta '%s'", gst_structure_get_name (s));
  return FALSE;
}

/* Adds to @buffer the metas @metas (@len bytes) describes. Returns: %FALSE
 * and @error if @metas is not what gst_proc_wire_serialize_metas()
 * makes. */
gboolean
gst_proc_wire_deserialize_metas (GstBuffer * buffer, const gchar * metas,
    gsize len, gchar ** error)
{
  gsize at = 0;

  init_debug ();
  if (len && metas[len - 1] != '\0') {
    *error = g_strdup ("the metas do not end");
    return FALSE;
  }
  while (at < len) {
    const gchar *one = metas + at;
    GstStructure *s = gst_structure_from_string (one, NULL);
    gboolean ok;

    if (!s) {
      GST_WARNING ("a meta does not parse: %s", one);
      *error = g_strdup ("a meta does not parse");
      return FALSE;
    }
    ok = deserialize_one (buffer, s, error);
    gst_structure_free (s);
    if (!ok)
      return FALSE;
    at += strlen (one) + 1;
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* events and queries */

gchar *
gst_proc_wire_serialize_event (GstEvent * event)
{
  const GstStructure *es = gst_event_get_structure (event);
  GstStructure *s = gst_structure_new ("event",
      "type", G_TYPE_INT, (gint) GST_EVENT_TYPE (event),
      "seqnum", G_TYPE_UINT, gst_event_get_seqnum (event), NULL);
  gchar *str;

  if (GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START) {
    guint group;

    if (gst_event_parse_group_id (event, &group))
      gst_structure_set (s, "group-id", G_TYPE_UINT, group, NULL);
  }
  if (es) {
    GstStructure *copy = gst_structure_copy (es);

    gst_structure_filter_and_map_in_place (copy, strip_field, NULL);
    gst_structure_set (s, "structure", GST_TYPE_STRUCTURE, copy, NULL);
    gst_structure_free (copy);
  }
  str = gst_structure_to_string (s);
  gst_structure_free (s);
  return str;
}

/* Returns: (transfer full) (nullable): the event @data describes, or %NULL
 * if it does not parse. */
GstEvent *
gst_proc_wire_deserialize_event (const gchar * data, guint64 unused)
{
  GstStructure *s = gst_structure_from_string (data, NULL);
  const GValue *v;
  gint type;
  guint seqnum, group;
  GstEvent *event = NULL;

  if (!s)
    return NULL;
  if (!gst_structure_has_name (s, "event") ||
      !gst_structure_get (s, "type", G_TYPE_INT, &type, "seqnum",
          G_TYPE_UINT, &seqnum, NULL))
    goto done;
  v = gst_structure_get_value (s, "structure");
  switch (type) {
    case GST_EVENT_FLUSH_START:
      event = gst_event_new_flush_start ();
      break;
    case GST_EVENT_EOS:
      event = gst_event_new_eos ();
      break;
    case GST_EVENT_STREAM_START:{
      const gchar *id;

      if (!v || !(id = gst_structure_get_string (gst_value_get_structure (v),
                  "stream-id")))
        goto done;
      event = gst_event_new_stream_start (id);
      if (gst_structure_get_uint (s, "group-id", &group))
        gst_event_set_group_id (event, group);
      {
        GstStreamFlags flags = 0;

        if (gst_structure_get_flags (gst_value_get_structure (v), "flags",
                GST_TYPE_STREAM_FLAGS, &flags))
          gst_event_set_stream_flags (event, flags);
      }
      break;
    }
    default:
      if (v && GST_VALUE_HOLDS_STRUCTURE (v))
        event = gst_event_new_custom (type,
            gst_structure_copy (gst_value_get_structure (v)));
      else if (!v && (type == GST_EVENT_FLUSH_STOP))
        event = gst_event_new_flush_stop (TRUE);
      else if (!v)
        event = gst_event_new_custom (type, NULL);
      break;
  }
  if (event)
    gst_event_set_seqnum (event, seqnum);
done:
  gst_structure_free (s);
  return event;
}

/* @direction: which pad of the worker the query is about */
gchar *
gst_proc_wire_serialize_query (GstQuery * query, GstPadDirection direction)
{
  const GstStructure *qs = gst_query_get_structure (query);
  GstStructure *s = gst_structure_new ("query",
      "type", G_TYPE_INT, (gint) GST_QUERY_TYPE (query),
      "direction", G_TYPE_INT, (gint) direction, NULL);
  gchar *str;

  if (qs) {
    GstStructure *copy = gst_structure_copy (qs);

    gst_structure_filter_and_map_in_place (copy, strip_field, NULL);
    gst_structure_set (s, "structure", GST_TYPE_STRUCTURE, copy, NULL);
    gst_structure_free (copy);
  }
  str = gst_structure_to_string (s);
  gst_structure_free (s);
  return str;
}

/* A NULL caps (a caps query's filter, or its answer not given yet) is
 * written "NULL", which parses back as caps of a media type named NULL:
 * an upstream capsfilter then answers EMPTY. Such a field is NULL again. */
static gboolean
null_caps_field (GQuark field, GValue * value, gpointer user_data)
{
  const GstCaps *caps;

  if (!G_VALUE_HOLDS (value, GST_TYPE_CAPS))
    return TRUE;
  caps = gst_value_get_caps (value);
  if (caps && gst_caps_get_size (caps) == 1 &&
      gst_structure_has_name (gst_caps_get_structure (caps, 0), "NULL") &&
      gst_structure_n_fields (gst_caps_get_structure (caps, 0)) == 0)
    gst_value_set_caps (value, NULL);
  return TRUE;
}

GstQuery *
gst_proc_wire_deserialize_query (const gchar * data,
    GstPadDirection * direction)
{
  GstStructure *s = gst_structure_from_string (data, NULL);
  const GValue *v;
  gint type, dir = GST_PAD_UNKNOWN;
  GstQuery *query = NULL;

  if (!s)
    return NULL;
  if (gst_structure_has_name (s, "query") &&
      gst_structure_get_int (s, "type", &type) &&
      gst_structure_get_int (s, "direction", &dir) &&
      dir >= GST_PAD_UNKNOWN && dir <= GST_PAD_SINK) {
    v = gst_structure_get_value (s, "structure");
    if (v && GST_VALUE_HOLDS_STRUCTURE (v)) {
      GstStructure *qs = gst_structure_copy (gst_value_get_structure (v));

      gst_structure_map_in_place (qs, null_caps_field, NULL);
      query = gst_query_new_custom (type, qs);
    } else if (!v)
      query = gst_query_new_custom (type, NULL);
  }
  gst_structure_free (s);
  if (direction)
    *direction = dir;
  return query;
}

/* Copies the answer's fields into @query. */
gboolean
gst_proc_wire_update_query (GstQuery * query, const gchar * reply)
{
  GstQuery *answer = gst_proc_wire_deserialize_query (reply, NULL);
  const GstStructure *as;
  GstStructure *qs;

  if (!answer)
    return FALSE;
  as = gst_query_get_structure (answer);
  qs = gst_query_writable_structure (query);
  for (gint i = 0; as && i < gst_structure_n_fields (as); i++) {
    const gchar *f = gst_structure_nth_field_name (as, i);

    gst_structure_set_value (qs, f, gst_structure_get_value (as, f));
  }
  gst_query_unref (answer);
  return TRUE;
}
