/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gsttargetestimate
 * @title: GstTargetEstimate
 * @short_description: the target estimate item: where a target is believed
 *   to be
 *
 * A target estimate item is a buffer of %GST_TARGET_ESTIMATE_CAPS holding
 * one #GstTargetEstimate in a fixed little-endian layout
 * (%GST_TARGET_ESTIMATE_SIZE bytes). Its PTS is the time of the input item
 * that made the estimate.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttargetestimate.h"
#include "gstitemcodec.h"

#define ESTIMATE_MAGIC 0x31545345u   /* "EST1" little-endian */

/**
 * gst_target_estimate_init:
 * @est: a #GstTargetEstimate
 *
 * Zeroes @est, with unknown first and last times.
 *
 * Since: 0.1
 */
void
gst_target_estimate_init (GstTargetEstimate * est)
{
  g_return_if_fail (est != NULL);
  memset (est, 0, sizeof (*est));
  est->first_seen = est->last_seen = GST_CLOCK_TIME_NONE;
}

/**
 * gst_target_estimate_to_buffer:
 * @est: a #GstTargetEstimate
 * @pts: the item's time, its PTS
 *
 * Writes a target estimate item, its time in the PTS.
 *
 * Returns: (transfer full): a new target estimate item
 *
 * Since: 0.1
 */
GstBuffer *
gst_target_estimate_to_buffer (const GstTargetEstimate * est,
    GstClockTime pts)
{
  guint8 data[GST_TARGET_ESTIMATE_SIZE];
  guint8 *p = data;
  GstBuffer *buf;

  g_return_val_if_fail (est != NULL, NULL);

  p = gst_item_put_u32 (p, ESTIMATE_MAGIC);
  p = gst_item_put_u32 (p, est->id);
  p = gst_item_put_u32 (p, est->count);
  p = gst_item_put_u32 (p, est->flags);
  p = gst_item_put_f64 (p, est->north);
  p = gst_item_put_f64 (p, est->east);
  p = gst_item_put_f64 (p, est->down);
  p = gst_item_put_f64 (p, est->spread);
  p = gst_item_put_f64 (p, est->std_north);
  p = gst_item_put_f64 (p, est->std_east);
  p = gst_item_put_u64 (p, est->first_seen);
  p = gst_item_put_u64 (p, est->last_seen);
  g_assert (p == data + GST_TARGET_ESTIMATE_SIZE);

  buf = gst_buffer_new_memdup (data, sizeof (data));
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

/**
 * gst_target_estimate_from_buffer:
 * @buffer: (transfer none): an estimate item
 * @est: (out caller-allocates): where to read it
 *
 * Reads a target estimate item.
 *
 * Returns: %FALSE if @buffer is not a well-formed estimate item (wrong
 * size or magic, unknown flags, values that are not finite or a negative
 * spread).
 *
 * Since: 0.1
 */
gboolean
gst_target_estimate_from_buffer (GstBuffer * buffer, GstTargetEstimate * est)
{
  guint8 data[GST_TARGET_ESTIMATE_SIZE];
  const guint8 *p = data;
  guint32 magic, flags;
  gdouble *v[6];
  guint i;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (est != NULL, FALSE);

  if (gst_buffer_get_size (buffer) != GST_TARGET_ESTIMATE_SIZE ||
      gst_buffer_extract (buffer, 0, data, sizeof (data)) != sizeof (data))
    return FALSE;

  memset (est, 0, sizeof (*est));
  p = gst_item_get_u32 (p, &magic);
  p = gst_item_get_u32 (p, &est->id);
  p = gst_item_get_u32 (p, &est->count);
  p = gst_item_get_u32 (p, &flags);
  if (magic != ESTIMATE_MAGIC || (flags & ~0x3u))
    return FALSE;
  est->flags = flags;

  v[0] = &est->north;
  v[1] = &est->east;
  v[2] = &est->down;
  v[3] = &est->spread;
  v[4] = &est->std_north;
  v[5] = &est->std_east;
  for (i = 0; i < G_N_ELEMENTS (v); i++) {
    p = gst_item_get_f64 (p, v[i]);
    if (!isfinite (*v[i]))
      return FALSE;
  }
  if (est->spread < 0 || est->std_north < 0 || est->std_east < 0)
    return FALSE;
  p = gst_item_get_u64 (p, &est->first_seen);
  p = gst_item_get_u64 (p, &est->last_seen);
  return TRUE;
}
