/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-odometryfilesink
 * @title: odometryfilesink
 * @short_description: records odometry items to a CSV file
 *
 * The telemetry file driver's writing half (the design's worker 7: a
 * worker sending its items into a driver): writes every odometry item
 * (%GST_ODOMETRY_CAPS) it receives as one line of the CSV format of
 * gst_odometry_to_csv_line(), after a comment line and the header
 * %GST_ODOMETRY_CSV_HEADER. `odometryfilesrc` replays such a file. The
 * file is replaced if it exists; each line is flushed as it is written, so
 * a recording cut short keeps every item written so far.
 *
 * An item that is not a well-formed odometry item, or has no timestamp,
 * stops the pipeline with an error: nothing is skipped.
 *
 * Like `filesink`, it does not sync on the clock by default (`sync=false`).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 flightsimsrc num-buffers=50 name=sim ! fakesink \
 *     sim.telemetry ! queue ! odometryfilesink location=flight.csv
 * ]| Records the telemetry of 5 s of simulated flight.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/autonomy/autonomy.h>
#include "gstodometryfilesink.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (odometry_file_sink_debug);
#define GST_CAT_DEFAULT odometry_file_sink_debug

#define DEFAULT_LOCATION NULL

#define FILE_COMMENT "# odometry items (gst-workers): time s, source_time_us " \
    "us, north/east/down m from home (local NED), latitude/longitude deg, " \
    "altitude m AMSL, roll/pitch/yaw rad, vn/ve/vd m/s\n"

enum
{
  PROP_0,
  PROP_LOCATION,
};

struct _GstOdometryFileSink
{
  GstWorkerSink parent;

  /* protected by the object lock */
  gchar *location;

  /* streaming thread; opened in start() */
  gchar *path;                  /* the location being written */
  FILE *file;
  guint64 n_items;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_ODOMETRY_CAPS));

#define gst_odometry_file_sink_parent_class parent_class
G_DEFINE_TYPE (GstOdometryFileSink, gst_odometry_file_sink,
    GST_TYPE_WORKER_SINK);
GST_ELEMENT_REGISTER_DEFINE (odometryfilesink, "odometryfilesink",
    GST_RANK_NONE, GST_TYPE_ODOMETRY_FILE_SINK);

static gboolean
write_failed (GstOdometryFileSink * self)
{
  GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
      ("Could not write to telemetry file \"%s\".", self->path),
      GST_ERROR_SYSTEM);
  return FALSE;
}

static gboolean
gst_odometry_file_sink_start (GstBaseSink * sink)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (sink);

  GST_OBJECT_LOCK (self);
  g_free (self->path);
  self->path = g_strdup (self->location);
  GST_OBJECT_UNLOCK (self);

  if (!self->path || !self->path[0]) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No telemetry file to write to: set the location property."),
        (NULL));
    return FALSE;
  }
  self->file = g_fopen (self->path, "wb");
  if (!self->file) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not open telemetry file \"%s\" for writing.", self->path),
        GST_ERROR_SYSTEM);
    return FALSE;
  }
  self->n_items = 0;
  if (fputs (FILE_COMMENT GST_ODOMETRY_CSV_HEADER "\n", self->file) < 0 ||
      fflush (self->file) != 0)
    return write_failed (self);
  GST_DEBUG_OBJECT (self, "writing %s", self->path);
  return TRUE;
}

static gboolean
gst_odometry_file_sink_stop (GstBaseSink * sink)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (sink);
  gboolean ok = TRUE;

  if (self->file) {
    if (fclose (self->file) != 0)
      ok = write_failed (self);
    self->file = NULL;
    GST_DEBUG_OBJECT (self, "wrote %" G_GUINT64_FORMAT " items to %s",
        self->n_items, self->path);
  }
  return ok;
}

static GstFlowReturn
gst_odometry_file_sink_consume (GstWorkerSink * base, GstBuffer * buffer)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (base);
  GstOdometry odo;
  gchar *line;
  gboolean ok;

  if (!gst_odometry_from_buffer (buffer, &odo)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Item %" G_GUINT64_FORMAT " is not an odometry item.",
            self->n_items + 1),
        ("%" G_GSIZE_FORMAT " bytes; an odometry item has %d, with a valid "
            "magic, fields and finite values", gst_buffer_get_size (buffer),
            GST_ODOMETRY_SIZE));
    return GST_FLOW_ERROR;
  }
  if (!GST_BUFFER_PTS_IS_VALID (buffer)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Odometry item %" G_GUINT64_FORMAT " has no timestamp, which the "
            "telemetry file needs.", self->n_items + 1), (NULL));
    return GST_FLOW_ERROR;
  }

  line = gst_odometry_to_csv_line (&odo, GST_BUFFER_PTS (buffer));
  ok = fputs (line, self->file) >= 0 && fputc ('\n', self->file) != EOF &&
      fflush (self->file) == 0;
  g_free (line);
  if (!ok) {
    write_failed (self);
    return GST_FLOW_ERROR;
  }
  self->n_items++;
  return GST_FLOW_OK;
}

static void
gst_odometry_file_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (object);

  switch (prop_id) {
    case PROP_LOCATION:
      GST_OBJECT_LOCK (self);
      g_free (self->location);
      self->location = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_odometry_file_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (object);

  switch (prop_id) {
    case PROP_LOCATION:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->location);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_odometry_file_sink_finalize (GObject * object)
{
  GstOdometryFileSink *self = GST_ODOMETRY_FILE_SINK (object);

  g_free (self->location);
  g_free (self->path);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_odometry_file_sink_class_init (GstOdometryFileSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_odometry_file_sink_set_property;
  gobject_class->get_property = gst_odometry_file_sink_get_property;
  gobject_class->finalize = gst_odometry_file_sink_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "The CSV file to write (replaced if it exists)", DEFAULT_LOCATION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "Odometry file sink", "Sink/File",
      "Records odometry items to a CSV file, one line per item",
      "gst-workers");

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_odometry_file_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_odometry_file_sink_stop);
  GST_WORKER_SINK_CLASS (klass)->consume =
      GST_DEBUG_FUNCPTR (gst_odometry_file_sink_consume);

  GST_DEBUG_CATEGORY_INIT (odometry_file_sink_debug, "odometryfilesink", 0,
      "Odometry CSV file writer");
}

static void
gst_odometry_file_sink_init (GstOdometryFileSink * self)
{
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
}
