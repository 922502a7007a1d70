/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstodometry
 * @title: GstOdometry
 * @short_description: the telemetry item: position, attitude, velocity
 *
 * An odometry item is a buffer of %GST_ODOMETRY_CAPS holding one
 * #GstOdometry in a fixed little-endian layout (%GST_ODOMETRY_SIZE bytes),
 * its time in the buffer's PTS. Write one with gst_odometry_to_buffer(),
 * read one with gst_odometry_from_buffer(), which refuses anything that is
 * not a well-formed item.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstodometry.h"
#include "gstitemcodec.h"

#define ODOMETRY_MAGIC 0x314f444fu   /* "ODO1" little-endian */

/**
 * gst_odometry_init:
 * @odo: the odometry to set up
 *
 * Sets @odo to an odometry with no field valid, every value 0.
 *
 * Since: 0.1
 */
void
gst_odometry_init (GstOdometry * odo)
{
  g_return_if_fail (odo != NULL);
  memset (odo, 0, sizeof (*odo));
}

/**
 * gst_odometry_to_buffer:
 * @odo: the odometry
 * @pts: its time
 *
 * Writes an odometry item, its time in the PTS.
 *
 * Returns: (transfer full): a new odometry item
 *
 * Since: 0.1
 */
GstBuffer *
gst_odometry_to_buffer (const GstOdometry * odo, GstClockTime pts)
{
  guint8 data[GST_ODOMETRY_SIZE];
  guint8 *p = data;
  GstBuffer *buf;

  g_return_val_if_fail (odo != NULL, NULL);

  p = gst_item_put_u32 (p, ODOMETRY_MAGIC);
  p = gst_item_put_u32 (p, odo->fields);
  p = gst_item_put_u64 (p, odo->source_time_us);
  p = gst_item_put_f64 (p, odo->north);
  p = gst_item_put_f64 (p, odo->east);
  p = gst_item_put_f64 (p, odo->down);
  p = gst_item_put_f64 (p, odo->latitude);
  p = gst_item_put_f64 (p, odo->longitude);
  p = gst_item_put_f64 (p, odo->altitude);
  p = gst_item_put_f64 (p, odo->roll);
  p = gst_item_put_f64 (p, odo->pitch);
  p = gst_item_put_f64 (p, odo->yaw);
  p = gst_item_put_f64 (p, odo->vn);
  p = gst_item_put_f64 (p, odo->ve);
  p = gst_item_put_f64 (p, odo->vd);
  g_assert (p == data + GST_ODOMETRY_SIZE);

  buf = gst_buffer_new_memdup (data, sizeof (data));
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

/**
 * gst_odometry_from_buffer:
 * @buffer: an odometry item
 * @odo: (out caller-allocates): where to read it
 *
 * Reads an odometry item.
 *
 * Returns: %FALSE if @buffer is not a well-formed odometry item (wrong
 * size, wrong magic, unknown fields or values that are not finite).
 *
 * Since: 0.1
 */
gboolean
gst_odometry_from_buffer (GstBuffer * buffer, GstOdometry * odo)
{
  guint8 data[GST_ODOMETRY_SIZE];
  const guint8 *p = data;
  guint32 magic, fields;
  gdouble *v[12];
  guint i;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (odo != NULL, FALSE);

  if (gst_buffer_get_size (buffer) != GST_ODOMETRY_SIZE ||
      gst_buffer_extract (buffer, 0, data, sizeof (data)) != sizeof (data))
    return FALSE;

  memset (odo, 0, sizeof (*odo));
  p = gst_item_get_u32 (p, &magic);
  p = gst_item_get_u32 (p, &fields);
  if (magic != ODOMETRY_MAGIC || (fields & ~0xfu))
    return FALSE;
  odo->fields = fields;
  p = gst_item_get_u64 (p, &odo->source_time_us);

  v[0] = &odo->north;
  v[1] = &odo->east;
  v[2] = &odo->down;
  v[3] = &odo->latitude;
  v[4] = &odo->longitude;
  v[5] = &odo->altitude;
  v[6] = &odo->roll;
  v[7] = &odo->pitch;
  v[8] = &odo->yaw;
  v[9] = &odo->vn;
  v[10] = &odo->ve;
  v[11] = &odo->vd;
  for (i = 0; i < G_N_ELEMENTS (v); i++) {
    p = gst_item_get_f64 (p, v[i]);
    if (!isfinite (*v[i]))
      return FALSE;
  }
  return TRUE;
}
