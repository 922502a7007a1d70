/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstodometrycsv
 * @title: GstOdometry CSV
 * @short_description: odometry items as lines of text, for files people
 *   can read and edit
 *
 * The text form of #GstOdometry used by the telemetry file driver
 * (`odometryfilesink`, `odometryfilesrc`): comma-separated values, one item
 * per line, after a header line naming the columns:
 *
 * |[
 * # lines starting with '#' and blank lines are comments
 * time,source_time_us,north,east,down,latitude,longitude,altitude,roll,pitch,yaw,vn,ve,vd
 * 0.000000000,0,-40,-30,-40,43.4719,-80.5453,370,0.01,-0.005,0,5,0,0
 * 0.100000000,100000,-39.5,-30,-40,43.4719,-80.5453,370,0.012,-0.004,0,5,0,0
 * ]|
 *
 * Columns, with the units of #GstOdometry:
 *
 * - `time`: the item's timestamp (its buffer PTS), in seconds with up to
 *   nine decimals (nanoseconds), written with exactly nine. Required.
 * - `source_time_us`: the vehicle's own clock, an unsigned integer of
 *   microseconds; empty means 0.
 * - `north`, `east`, `down` (metres, local NED from home),
 *   `latitude`, `longitude` (degrees), `altitude` (metres above mean sea
 *   level), `roll`, `pitch`, `yaw` (radians), `vn`, `ve`, `vd` (m/s):
 *   decimal numbers (`1.5`, `-2e-3`). These come in groups of three; a
 *   group whose three cells are empty is not set in that item (its
 *   #GstOdometryFields flag is clear), a group with some cells empty is an
 *   error.
 *
 * The header may name the columns in any order and leave out whole groups
 * (and `source_time_us`); only `time` is required. Cells are plain: no
 * quoting, spaces around a value are allowed, a line may end in CRLF.
 * Numbers are written in the shortest form that reads back to the same
 * `gdouble`, so writing and reading an item gives it back bit for bit.
 *
 * Reading reports every problem with a #GError of %GST_ODOMETRY_CSV_ERROR
 * naming the column; the caller adds the file name and line number.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stddef.h>
#include <string.h>
#include "gstodometrycsv.h"

typedef enum
{
  COL_TIME,
  COL_SOURCE_TIME,
  COL_NORTH, COL_EAST, COL_DOWN,
  COL_LATITUDE, COL_LONGITUDE, COL_ALTITUDE,
  COL_ROLL, COL_PITCH, COL_YAW,
  COL_VN, COL_VE, COL_VD,
  N_COLS
} Column;

#define N_GROUPS 4
#define FIRST_VALUE_COL COL_NORTH

static const gchar *const col_names[N_COLS] = {
  "time", "source_time_us",
  "north", "east", "down",
  "latitude", "longitude", "altitude",
  "roll", "pitch", "yaw",
  "vn", "ve", "vd",
};

/* the gdouble each value column fills, and its group */
static const gsize col_offsets[N_COLS] = {
  0, 0,
  G_STRUCT_OFFSET (GstOdometry, north), G_STRUCT_OFFSET (GstOdometry, east),
  G_STRUCT_OFFSET (GstOdometry, down),
  G_STRUCT_OFFSET (GstOdometry, latitude),
  G_STRUCT_OFFSET (GstOdometry, longitude),
  G_STRUCT_OFFSET (GstOdometry, altitude),
  G_STRUCT_OFFSET (GstOdometry, roll), G_STRUCT_OFFSET (GstOdometry, pitch),
  G_STRUCT_OFFSET (GstOdometry, yaw),
  G_STRUCT_OFFSET (GstOdometry, vn), G_STRUCT_OFFSET (GstOdometry, ve),
  G_STRUCT_OFFSET (GstOdometry, vd),
};

static const GstOdometryFields group_flags[N_GROUPS] = {
  GST_ODOMETRY_HAS_LOCAL, GST_ODOMETRY_HAS_GLOBAL,
  GST_ODOMETRY_HAS_ATTITUDE, GST_ODOMETRY_HAS_VELOCITY,
};

#define COL_GROUP(c) (((c) - FIRST_VALUE_COL) / 3)

struct _GstOdometryCsvLayout
{
  guint n_cols;
  Column cols[N_COLS];
  GstOdometryFields fields;
};

static const GstOdometryCsvLayout full_layout = {
  N_COLS,
  {COL_TIME, COL_SOURCE_TIME, COL_NORTH, COL_EAST, COL_DOWN, COL_LATITUDE,
      COL_LONGITUDE, COL_ALTITUDE, COL_ROLL, COL_PITCH, COL_YAW, COL_VN,
      COL_VE, COL_VD},
  GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_GLOBAL |
      GST_ODOMETRY_HAS_ATTITUDE | GST_ODOMETRY_HAS_VELOCITY,
};

G_DEFINE_QUARK (gst-odometry-csv-error-quark, gst_odometry_csv_error);

/**
 * gst_odometry_csv_layout_copy:
 * @layout: a #GstOdometryCsvLayout
 *
 * Copies a layout.
 *
 * Returns: (transfer full): a copy of @layout
 *
 * Since: 0.2
 */
GstOdometryCsvLayout *
gst_odometry_csv_layout_copy (const GstOdometryCsvLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return g_memdup2 (layout, sizeof (*layout));
}

G_DEFINE_BOXED_TYPE (GstOdometryCsvLayout, gst_odometry_csv_layout,
    gst_odometry_csv_layout_copy, gst_odometry_csv_layout_free);

/* ---------------------------------------------------------------------- */
/* writing */

/* the shortest of %.15g, %.16g, %.17g that reads back to @d */
static void
append_double (GString * s, gdouble d)
{
  static const gchar *const formats[] = { "%.15g", "%.16g", "%.17g" };
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_ascii_formatd (buf, sizeof (buf), formats[i], d);
    if (g_ascii_strtod (buf, NULL) == d)
      break;
  }
  g_string_append (s, buf);
}

/**
 * gst_odometry_to_csv_line:
 * @odo: the item
 * @time: its timestamp (a valid time)
 *
 * Formats one item as a line for a file whose header is
 * %GST_ODOMETRY_CSV_HEADER. Groups not set in @odo's fields are left
 * empty.
 *
 * Returns: (transfer full): the line, without a line ending
 *
 * Since: 0.1
 */
gchar *
gst_odometry_to_csv_line (const GstOdometry * odo, GstClockTime time)
{
  GString *s;
  guint c;

  g_return_val_if_fail (odo != NULL, NULL);
  g_return_val_if_fail (GST_CLOCK_TIME_IS_VALID (time), NULL);

  s = g_string_sized_new (160);
  g_string_append_printf (s, "%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT
      ",%" G_GUINT64_FORMAT, time / GST_SECOND, time % GST_SECOND,
      odo->source_time_us);
  for (c = FIRST_VALUE_COL; c < N_COLS; c++) {
    g_string_append_c (s, ',');
    if (odo->fields & group_flags[COL_GROUP (c)])
      append_double (s, G_STRUCT_MEMBER (gdouble, odo, col_offsets[c]));
  }
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------- */
/* reading */

/* Checks that @line[0..len) is one line of text. */
static gboolean
check_text (const gchar * line, gsize len, GError ** error)
{
  const gchar *bad;
  gsize i;

  for (i = 0; i < len; i++) {
    guchar ch = line[i];

    if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
          "not text: control byte 0x%02x at byte %" G_GSIZE_FORMAT, ch,
          i + 1);
      return FALSE;
    }
  }
  if (!g_utf8_validate_len (line, len, &bad)) {
    g_set_error (error, GST_ODOMETRY_CSV_ERROR,
        GST_ODOMETRY_CSV_ERROR_NOT_TEXT,
        "not text: invalid UTF-8 at byte %" G_GSIZE_FORMAT,
        (gsize) (bad - line) + 1);
    return FALSE;
  }
  return TRUE;
}

/* Drops the line ending: any trailing CR and LF. */
static gsize
strip_eol (const gchar * line, gsize len)
{
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  return len;
}

static gsize
line_length (const gchar * line, gssize length)
{
  return length < 0 ? strlen (line) : (gsize) length;
}

/* Splits @line into cells, spaces around each removed. */
static gchar **
split_cells (const gchar * line, gsize len, guint * n_cells)
{
  gchar *copy = g_strndup (line, len);
  gchar **cells = g_strsplit (copy, ",", -1);
  guint i;

  g_free (copy);
  for (i = 0; cells[i]; i++)
    g_strstrip (cells[i]);
  *n_cells = i;
  return cells;
}

/**
 * gst_odometry_csv_line_is_blank:
 * @line: a line of a file
 * @length: its length in bytes, or -1 if NUL-terminated
 *
 * Tells whether a reader of odometry CSV skips @line.
 *
 * Returns: %TRUE if @line is blank or a comment (its first character that
 *   is not a space is `#`): a line a reader skips
 *
 * Since: 0.1
 */
gboolean
gst_odometry_csv_line_is_blank (const gchar * line, gssize length)
{
  gsize len, i;

  g_return_val_if_fail (line != NULL, FALSE);

  len = line_length (line, length);
  for (i = 0; i < len; i++) {
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
        line[i] == '\n')
      continue;
    return line[i] == '#';
  }
  return TRUE;
}

/**
 * gst_odometry_csv_layout_new:
 * @header: the header line
 * @length: its length in bytes, or -1 if NUL-terminated
 * @error: where to report what is wrong with it
 *
 * Reads the header line of an odometry CSV file: column names separated by
 * commas, `time` among them (see the section description). A leading
 * UTF-8 byte order mark is skipped.
 *
 * Returns: (transfer full) (nullable): the layout, or %NULL with @error
 *   set
 *
 * Since: 0.1
 */
GstOdometryCsvLayout *
gst_odometry_csv_layout_new (const gchar * header, gssize length,
    GError ** error)
{
  GstOdometryCsvLayout *layout;
  g_auto (GStrv) cells = NULL;
  gboolean seen[N_COLS] = { FALSE, };
  guint n_cells, i, g;
  gsize len;

  g_return_val_if_fail (header != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = line_length (header, length);
  if (len >= 3 && memcmp (header, "\xef\xbb\xbf", 3) == 0) {
    header += 3;
    len -= 3;
  }
  len = strip_eol (header, len);
  if (!check_text (header, len, error))
    return NULL;

  cells = split_cells (header, len, &n_cells);
  layout = g_new0 (GstOdometryCsvLayout, 1);
  for (i = 0; i < n_cells; i++) {
    Column c;

    if (cells[i][0] == '\0') {
      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_HEADER,
          "header: column %u has no name", i + 1);
      goto fail;
    }
    for (c = 0; c < N_COLS; c++)
      if (strcmp (cells[i], col_names[c]) == 0)
        break;
    if (c == N_COLS) {
      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_HEADER,
          "header: unknown column '%.40s' (the columns are "
          GST_ODOMETRY_CSV_HEADER ")", cells[i]);
      goto fail;
    }
    if (seen[c] || layout->n_cols == N_COLS) {
      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_HEADER,
          "header: column '%s' is named twice", col_names[c]);
      goto fail;
    }
    seen[c] = TRUE;
    layout->cols[layout->n_cols++] = c;
  }
  if (!seen[COL_TIME]) {
    g_set_error (error, GST_ODOMETRY_CSV_ERROR, GST_ODOMETRY_CSV_ERROR_HEADER,
        "header: there is no 'time' column");
    goto fail;
  }
  for (g = 0; g < N_GROUPS; g++) {
    Column first = FIRST_VALUE_COL + 3 * g;
    guint n = seen[first] + seen[first + 1] + seen[first + 2];

    if (n == 3) {
      layout->fields |= group_flags[g];
    } else if (n > 0) {
      Column missing = !seen[first] ? first : !seen[first + 1] ?
          first + 1 : first + 2;

      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_HEADER,
          "header: columns %s, %s and %s come together, '%s' is missing",
          col_names[first], col_names[first + 1], col_names[first + 2],
          col_names[missing]);
      goto fail;
    }
  }
  return layout;

fail:
  g_free (layout);
  return NULL;
}

/**
 * gst_odometry_csv_layout_free:
 * @layout: a #GstOdometryCsvLayout
 *
 * Frees @layout.
 *
 * Since: 0.1
 */
void
gst_odometry_csv_layout_free (GstOdometryCsvLayout * layout)
{
  g_free (layout);
}

/**
 * gst_odometry_csv_layout_get_fields:
 * @layout: a #GstOdometryCsvLayout
 *
 * Lists the columns of a layout, in order.
 *
 * Returns: the groups of #GstOdometry the layout's columns carry
 *
 * Since: 0.1
 */
GstOdometryFields
gst_odometry_csv_layout_get_fields (const GstOdometryCsvLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);
  return layout->fields;
}

static gboolean
bad_value (GError ** error, Column c, const gchar * cell, const gchar * what)
{
  g_set_error (error, GST_ODOMETRY_CSV_ERROR, GST_ODOMETRY_CSV_ERROR_BAD_VALUE,
      "column '%s': '%.40s%s' is not %s", col_names[c], cell,
      strlen (cell) > 40 ? "..." : "", what);
  return FALSE;
}

/* seconds, with up to nine decimals, exactly */
static gboolean
parse_time (const gchar * cell, GstClockTime * time, GError ** error)
{
  const gchar *p = cell;
  guint64 sec = 0, ns = 0;
  guint n_int = 0, n_frac = 0;

  for (; g_ascii_isdigit (*p); p++, n_int++) {
    if (sec > G_MAXUINT64 / GST_SECOND / 10)
      return bad_value (error, COL_TIME, cell, "a time the clock can hold");
    sec = sec * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; g_ascii_isdigit (*p); p++, n_frac++) {
      if (n_frac == 9)
        return bad_value (error, COL_TIME, cell,
            "a time in seconds with at most 9 decimals");
      ns = ns * 10 + (*p - '0');
    }
    if (n_frac == 0)
      n_int = 0;
  }
  if (*p != '\0' || n_int == 0)
    return bad_value (error, COL_TIME, cell,
        "a time in seconds (like 12.5 or 0.100000000)");
  for (; n_frac < 9; n_frac++)
    ns *= 10;
  if (sec >= G_MAXUINT64 / GST_SECOND)
    return bad_value (error, COL_TIME, cell, "a time the clock can hold");
  *time = sec * GST_SECOND + ns;
  return TRUE;
}

static gboolean
parse_double (Column c, const gchar * cell, gdouble * v, GError ** error)
{
  gchar *end = NULL;
  gdouble d;

  /* g_ascii_strtod also takes hexadecimal numbers, "inf" and "nan" */
  if (!(g_ascii_isdigit (cell[0]) || cell[0] == '-' || cell[0] == '+' ||
          cell[0] == '.') || strpbrk (cell, "xXnN"))
    return bad_value (error, c, cell, "a number");
  d = g_ascii_strtod (cell, &end);
  if (end == cell || *end != '\0')
    return bad_value (error, c, cell, "a number");
  if (!isfinite (d))
    return bad_value (error, c, cell, "a finite number");
  *v = d;
  return TRUE;
}

/**
 * gst_odometry_from_csv_line:
 * @layout: (nullable): the file's columns, or %NULL for
 *   %GST_ODOMETRY_CSV_HEADER
 * @line: one line of the file (not blank, not a comment), with or without
 *   its line ending
 * @length: its length in bytes, or -1 if NUL-terminated
 * @odo: (out caller-allocates): the item read
 * @time: (out): its timestamp
 * @error: where to report what is wrong with the line, naming the column
 *
 * Reads one item. Every cell must be valid for its column: nothing is
 * guessed or skipped.
 *
 * Returns: %FALSE with @error set if the line is not a valid item
 *
 * Since: 0.1
 */
gboolean
gst_odometry_from_csv_line (const GstOdometryCsvLayout * layout,
    const gchar * line, gssize length, GstOdometry * odo, GstClockTime * time,
    GError ** error)
{
  g_auto (GStrv) cells = NULL;
  guint n_cells, i, g;
  guint filled[N_GROUPS] = { 0, };
  Column empty[N_GROUPS] = { 0, }, set[N_GROUPS] = { 0, };
  GstOdometry tmp;
  GstClockTime t = GST_CLOCK_TIME_NONE;
  gsize len;

  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (odo != NULL && time != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!layout)
    layout = &full_layout;

  len = strip_eol (line, line_length (line, length));
  if (!check_text (line, len, error))
    return FALSE;

  cells = split_cells (line, len, &n_cells);
  if (n_cells < layout->n_cols) {
    g_set_error (error, GST_ODOMETRY_CSV_ERROR,
        GST_ODOMETRY_CSV_ERROR_MISSING_COLUMN,
        "column '%s' is missing (the header names %u columns, the line has "
        "%u)", col_names[layout->cols[n_cells]], layout->n_cols, n_cells);
    return FALSE;
  }
  if (n_cells > layout->n_cols) {
    g_set_error (error, GST_ODOMETRY_CSV_ERROR,
        GST_ODOMETRY_CSV_ERROR_EXTRA_COLUMN,
        "%u columns where the header names %u", n_cells, layout->n_cols);
    return FALSE;
  }

  gst_odometry_init (&tmp);
  for (i = 0; i < n_cells; i++) {
    Column c = layout->cols[i];
    const gchar *cell = cells[i];

    switch (c) {
      case COL_TIME:
        if (cell[0] == '\0')
          return bad_value (error, c, cell, "a time: it is empty");
        if (!parse_time (cell, &t, error))
          return FALSE;
        break;
      case COL_SOURCE_TIME:
        if (cell[0] != '\0') {
          const gchar *p;

          for (p = cell; g_ascii_isdigit (*p); p++);
          if (*p != '\0' || !g_ascii_string_to_unsigned (cell, 10, 0,
                  G_MAXUINT64, &tmp.source_time_us, NULL))
            return bad_value (error, c, cell,
                "an unsigned integer of microseconds");
        }
        break;
      default:
        g = COL_GROUP (c);
        if (cell[0] == '\0') {
          empty[g] = c;
        } else {
          if (!parse_double (c, cell, &G_STRUCT_MEMBER (gdouble, &tmp,
                      col_offsets[c]), error))
            return FALSE;
          set[g] = c;
          filled[g]++;
        }
        break;
    }
  }

  for (g = 0; g < N_GROUPS; g++) {
    if (!(layout->fields & group_flags[g]) || filled[g] == 0)
      continue;
    if (filled[g] < 3) {
      Column first = FIRST_VALUE_COL + 3 * g;

      g_set_error (error, GST_ODOMETRY_CSV_ERROR,
          GST_ODOMETRY_CSV_ERROR_INCOMPLETE_GROUP,
          "column '%s' is empty but '%s' is not (%s, %s and %s are all set "
          "or all empty)", col_names[empty[g]], col_names[set[g]],
          col_names[first], col_names[first + 1], col_names[first + 2]);
      return FALSE;
    }
    tmp.fields |= group_flags[g];
  }

  *odo = tmp;
  *time = t;
  return TRUE;
}
