/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>

G_BEGIN_DECLS

/**
 * GST_ODOMETRY_CSV_HEADER:
 *
 * The header line of an odometry CSV file with every column, in the order
 * gst_odometry_to_csv_line() writes them.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_CSV_HEADER \
  "time,source_time_us,north,east,down,latitude,longitude,altitude," \
  "roll,pitch,yaw,vn,ve,vd"

/**
 * GST_ODOMETRY_CSV_ERROR:
 *
 * Error domain of the odometry CSV reader. Messages name the column.
 *
 * Since: 0.1
 */
#define GST_ODOMETRY_CSV_ERROR (gst_odometry_csv_error_quark ())

/**
 * GstOdometryCsvError:
 * @GST_ODOMETRY_CSV_ERROR_HEADER: the header line is not valid: unknown,
 *   duplicate or empty column name, no `time` column, or only part of a
 *   group of columns
 * @GST_ODOMETRY_CSV_ERROR_MISSING_COLUMN: a row has fewer cells than the
 *   header names (a truncated line)
 * @GST_ODOMETRY_CSV_ERROR_EXTRA_COLUMN: a row has more cells than the
 *   header names
 * @GST_ODOMETRY_CSV_ERROR_BAD_VALUE: a cell is not a valid number for its
 *   column
 * @GST_ODOMETRY_CSV_ERROR_INCOMPLETE_GROUP: some cells of a group (north,
 *   east, down; latitude, longitude, altitude; roll, pitch, yaw; vn, ve,
 *   vd) are empty and others are not
 * @GST_ODOMETRY_CSV_ERROR_NOT_TEXT: the line holds bytes that are not
 *   text (a NUL or another control character, or invalid UTF-8)
 *
 * What is wrong with a line of an odometry CSV file.
 *
 * Since: 0.1
 */
typedef enum {
  GST_ODOMETRY_CSV_ERROR_HEADER,
  GST_ODOMETRY_CSV_ERROR_MISSING_COLUMN,
  GST_ODOMETRY_CSV_ERROR_EXTRA_COLUMN,
  GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
  GST_ODOMETRY_CSV_ERROR_INCOMPLETE_GROUP,
  GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
} GstOdometryCsvError;

/**
 * GstOdometryCsvLayout:
 *
 * The columns of an odometry CSV file, in the order its header names them.
 * Opaque; made from a header line with gst_odometry_csv_layout_new(). A
 * boxed type (%GST_TYPE_ODOMETRY_CSV_LAYOUT).
 *
 * Since: 0.1
 */
typedef struct _GstOdometryCsvLayout GstOdometryCsvLayout;

#define GST_TYPE_ODOMETRY_CSV_LAYOUT (gst_odometry_csv_layout_get_type ())
GST_AUTONOMY_API
GType    gst_odometry_csv_layout_get_type (void);

GST_AUTONOMY_API
GstOdometryCsvLayout * gst_odometry_csv_layout_copy
    (const GstOdometryCsvLayout * layout);

/**
 * gst_odometry_csv_error_quark:
 *
 * The error domain of odometry CSV, %GST_ODOMETRY_CSV_ERROR.
 *
 * Returns: the quark
 *
 * Since: 0.1
 */
GST_AUTONOMY_API
GQuark   gst_odometry_csv_error_quark (void);

GST_AUTONOMY_API
gchar *  gst_odometry_to_csv_line (const GstOdometry * odo,
                                   GstClockTime time);

GST_AUTONOMY_API
gboolean gst_odometry_from_csv_line (const GstOdometryCsvLayout * layout,
                                     const gchar * line, gssize length,
                                     GstOdometry * odo, GstClockTime * time,
                                     GError ** error);

GST_AUTONOMY_API
gboolean gst_odometry_csv_line_is_blank (const gchar * line, gssize length);

GST_AUTONOMY_API
GstOdometryCsvLayout * gst_odometry_csv_layout_new (const gchar * header,
                                                    gssize length,
                                                    GError ** error);

GST_AUTONOMY_API
void     gst_odometry_csv_layout_free (GstOdometryCsvLayout * layout);

GST_AUTONOMY_API
GstOdometryFields gst_odometry_csv_layout_get_fields
    (const GstOdometryCsvLayout * layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstOdometryCsvLayout,
    gst_odometry_csv_layout_free)

G_END_DECLS
