/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-odometryfilesrc
 * @title: odometryfilesrc
 * @short_description: replays odometry items from a CSV file
 *
 * The telemetry file driver's reading half (the design's worker A1 with a
 * file as its driver): reads a CSV file of odometry items (the format of
 * #GstOdometry's CSV functions, as `odometryfilesink` writes it, or
 * written by hand) and sends one odometry item (%GST_ODOMETRY_CAPS) per
 * line, its timestamp the line's `time`. The replay is deterministic: the
 * same file gives the same items with the same timestamps.
 *
 * The file starts with a header line naming the columns (after any
 * comment lines, which start with `#`, and blank lines; both are skipped
 * anywhere in the file). Every other line must be a valid item, its time
 * no earlier than the line before's. A line that is not (a bad number, a
 * missing or extra column, a truncated last line, bytes that are not text)
 * stops the pipeline with an error naming the file, the line number and
 * the column: "Corrupt telemetry file flight.csv:17: column 'north':
 * '1.2.3' is not a number". With `skip-bad-lines` such lines are skipped
 * instead, each with a warning message naming it, and counted in the
 * worker's `items-dropped`. A missing or unreadable file, or a bad header,
 * fails the start-up with an error naming the file.
 *
 * By default the items go out as fast as downstream takes them. With
 * `sync=true` the element is a live source and sends each item when the
 * pipeline's running time reaches the item's time, as when it was
 * recorded.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 odometryfilesrc location=flight.csv ! \
 *     odometryfilesink location=copy.csv
 * ]| Replays a recording (made with the example of `odometryfilesink`)
 * into a copy, line for line the same.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/autonomy/autonomy.h>
#include "gstodometryfilesrc.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (odometry_file_src_debug);
#define GST_CAT_DEFAULT odometry_file_src_debug

#define MAX_LINE 65536

#define DEFAULT_LOCATION NULL
#define DEFAULT_SYNC FALSE
#define DEFAULT_SKIP_BAD_LINES FALSE

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_SYNC,
  PROP_SKIP_BAD_LINES,
};

struct _GstOdometryFileSrc
{
  GstWorkerSrc parent;

  /* protected by the object lock */
  gchar *location;
  gboolean skip_bad_lines;

  /* streaming thread; opened in start() */
  gchar *path;                  /* the location being read */
  gboolean skip;
  GInputStream *stream;         /* a GBufferedInputStream */
  GString *line;
  guint line_no;
  GstOdometryCsvLayout *layout;
  GstClockTime last_time;
  guint64 n_items;
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_ODOMETRY_CAPS));

#define gst_odometry_file_src_parent_class parent_class
G_DEFINE_TYPE (GstOdometryFileSrc, gst_odometry_file_src,
    GST_TYPE_WORKER_SRC);
GST_ELEMENT_REGISTER_DEFINE (odometryfilesrc, "odometryfilesrc",
    GST_RANK_NONE, GST_TYPE_ODOMETRY_FILE_SRC);

typedef enum
{
  READ_LINE,
  READ_EOF,
  READ_ERROR,
} ReadResult;

/* Reads the next line (without its '\n') into self->line. A last line
 * without a line ending counts. Lines are at most MAX_LINE bytes: a file
 * that is not text cannot make it read without end. */
static ReadResult
read_line (GstOdometryFileSrc * self, GError ** error)
{
  GBufferedInputStream *in = G_BUFFERED_INPUT_STREAM (self->stream);

  g_string_truncate (self->line, 0);
  for (;;) {
    gsize avail, take;
    const gchar *data = g_buffered_input_stream_peek_buffer (in, &avail);
    const gchar *nl = memchr (data, '\n', avail);
    gssize n;

    take = nl ? (gsize) (nl - data) + 1 : avail;
    if (self->line->len + take > MAX_LINE + 1) {
      self->line_no++;
      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
          "the line is longer than %d bytes (not a telemetry file?)",
          MAX_LINE);
      return READ_ERROR;
    }
    if (take > 0) {
      g_string_append_len (self->line, data, take);
      if (g_input_stream_skip (self->stream, take, NULL, error) < 0)
        return READ_ERROR;
    }
    if (nl) {
      g_string_truncate (self->line, self->line->len - 1);
      self->line_no++;
      return READ_LINE;
    }
    n = g_buffered_input_stream_fill (in, -1, NULL, error);
    if (n < 0)
      return READ_ERROR;
    if (n == 0) {
      if (self->line->len == 0)
        return READ_EOF;
      self->line_no++;
      return READ_LINE;
    }
  }
}

/* Reads the next line that is not blank or a comment. */
static ReadResult
read_data_line (GstOdometryFileSrc * self, GError ** error)
{
  ReadResult res;

  do {
    res = read_line (self, error);
  } while (res == READ_LINE &&
      gst_odometry_csv_line_is_blank (self->line->str, self->line->len));
  return res;
}

static void
post_read_error (GstOdometryFileSrc * self, GError * err)
{
  if (err->domain == GST_ODOMETRY_CSV_ERROR)
    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("Corrupt telemetry file %s:%u: %s", self->path, self->line_no,
            err->message), (NULL));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, READ,
        ("Could not read telemetry file \"%s\" (line %u).", self->path,
            self->line_no + 1), ("%s", err->message));
}

static gboolean
gst_odometry_file_src_start (GstBaseSrc * bsrc)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (bsrc);
  GFile *file;
  GFileInputStream *fin;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  g_free (self->path);
  self->path = g_strdup (self->location);
  self->skip = self->skip_bad_lines;
  GST_OBJECT_UNLOCK (self);

  if (!self->path || !self->path[0]) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No telemetry file to read: set the location property."), (NULL));
    return FALSE;
  }

  file = g_file_new_for_path (self->path);
  fin = g_file_read (file, NULL, &err);
  g_object_unref (file);
  if (!fin) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("Telemetry file \"%s\" does not exist.", self->path),
          ("%s", err->message));
    else
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not open telemetry file \"%s\" for reading.", self->path),
          ("%s", err->message));
    g_error_free (err);
    return FALSE;
  }
  self->stream = g_buffered_input_stream_new_sized (G_INPUT_STREAM (fin),
      MAX_LINE);
  g_object_unref (fin);
  self->line_no = 0;
  self->n_items = 0;
  self->last_time = 0;

  switch (read_data_line (self, &err)) {
    case READ_LINE:
      self->layout = gst_odometry_csv_layout_new (self->line->str,
          self->line->len, &err);
      if (self->layout)
        break;
      /* fall through */
    case READ_ERROR:
      post_read_error (self, err);
      g_error_free (err);
      /* GstBaseSrc does not call stop() when start() fails */
      g_clear_object (&self->stream);
      return FALSE;
    case READ_EOF:
      GST_ELEMENT_ERROR (self, STREAM, WRONG_TYPE,
          ("Telemetry file \"%s\" has no header line: it is empty.",
              self->path), (NULL));
      g_clear_object (&self->stream);
      return FALSE;
  }
  GST_DEBUG_OBJECT (self, "reading %s, header on line %u", self->path,
      self->line_no);
  return TRUE;
}

static gboolean
gst_odometry_file_src_stop (GstBaseSrc * bsrc)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (bsrc);

  g_clear_object (&self->stream);
  g_clear_pointer (&self->layout, gst_odometry_csv_layout_free);
  return TRUE;
}

static GstFlowReturn
gst_odometry_file_src_produce (GstWorkerSrc * base, GstBuffer ** buf)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (base);
  GstOdometry odo;
  GstClockTime t;
  GError *err = NULL;

  for (;;) {
    switch (read_data_line (self, &err)) {
      case READ_EOF:
        GST_DEBUG_OBJECT (self, "end of %s after %" G_GUINT64_FORMAT
            " items", self->path, self->n_items);
        return GST_FLOW_EOS;
      case READ_ERROR:
        /* a line too long to be one cannot be skipped safely either */
        post_read_error (self, err);
        g_error_free (err);
        return GST_FLOW_ERROR;
      case READ_LINE:
        break;
    }

    if (gst_odometry_from_csv_line (self->layout, self->line->str,
            self->line->len, &odo, &t, &err)) {
      if (t >= self->last_time)
        break;
      g_set_error (&err, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
          "column 'time': %" GST_TIME_FORMAT " is before the previous "
          "item's %" GST_TIME_FORMAT " (times must not go backwards)",
          GST_TIME_ARGS (t), GST_TIME_ARGS (self->last_time));
    }

    if (!self->skip) {
      post_read_error (self, err);
      g_error_free (err);
      return GST_FLOW_ERROR;
    }
    GST_ELEMENT_WARNING (self, STREAM, DECODE,
        ("Skipped line %u of telemetry file %s: %s", self->line_no,
            self->path, err->message), (NULL));
    g_clear_error (&err);
    gst_worker_core_count (gst_worker_get_core (GST_WORKER (self)), 1, 0, 1);
  }

  self->last_time = t;
  *buf = gst_odometry_to_buffer (&odo, t);
  GST_BUFFER_OFFSET (*buf) = self->n_items;
  GST_BUFFER_OFFSET_END (*buf) = self->n_items + 1;
  self->n_items++;
  return GST_FLOW_OK;
}

/* sync=true: GstBaseSrc waits for each item's time on the clock */
static void
gst_odometry_file_src_get_times (GstBaseSrc * bsrc, GstBuffer * buffer,
    GstClockTime * start, GstClockTime * end)
{
  *start = *end = GST_CLOCK_TIME_NONE;
  if (gst_base_src_is_live (bsrc))
    *start = GST_BUFFER_PTS (buffer);
}

static void
gst_odometry_file_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (object);

  switch (prop_id) {
    case PROP_LOCATION:
      GST_OBJECT_LOCK (self);
      g_free (self->location);
      self->location = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SYNC:
      gst_base_src_set_live (GST_BASE_SRC (self), g_value_get_boolean (value));
      break;
    case PROP_SKIP_BAD_LINES:
      GST_OBJECT_LOCK (self);
      self->skip_bad_lines = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_odometry_file_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (object);

  switch (prop_id) {
    case PROP_LOCATION:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->location);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SYNC:
      g_value_set_boolean (value, gst_base_src_is_live (GST_BASE_SRC (self)));
      break;
    case PROP_SKIP_BAD_LINES:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->skip_bad_lines);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_odometry_file_src_finalize (GObject * object)
{
  GstOdometryFileSrc *self = GST_ODOMETRY_FILE_SRC (object);

  g_free (self->location);
  g_free (self->path);
  g_string_free (self->line, TRUE);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_odometry_file_src_class_init (GstOdometryFileSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = gst_odometry_file_src_set_property;
  gobject_class->get_property = gst_odometry_file_src_get_property;
  gobject_class->finalize = gst_odometry_file_src_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "The CSV file of odometry items to replay", DEFAULT_LOCATION,
          flags));
  g_object_class_install_property (gobject_class, PROP_SYNC,
      g_param_spec_boolean ("sync", "Sync",
          "Act as a live source: send each item when the running time "
          "reaches its time (false: as fast as downstream takes them)",
          DEFAULT_SYNC, flags));
  g_object_class_install_property (gobject_class, PROP_SKIP_BAD_LINES,
      g_param_spec_boolean ("skip-bad-lines", "Skip bad lines",
          "Skip lines that are not valid items (each posts a warning "
          "message and counts in items-dropped) instead of stopping with "
          "an error", DEFAULT_SKIP_BAD_LINES, flags));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Odometry file source", "Source/File",
      "Replays odometry items from a CSV file, one item per line",
      "gst-workers");

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_odometry_file_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_odometry_file_src_stop);
  basesrc_class->get_times =
      GST_DEBUG_FUNCPTR (gst_odometry_file_src_get_times);
  GST_WORKER_SRC_CLASS (klass)->produce =
      GST_DEBUG_FUNCPTR (gst_odometry_file_src_produce);

  GST_DEBUG_CATEGORY_INIT (odometry_file_src_debug, "odometryfilesrc", 0,
      "Odometry CSV file reader");
}

static void
gst_odometry_file_src_init (GstOdometryFileSrc * self)
{
  self->line = g_string_sized_new (256);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_base_src_set_live (GST_BASE_SRC (self), DEFAULT_SYNC);
}
