/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstgroundtargets
 * @title: GstGroundTarget
 * @short_description: the ground targets item: one frame's targets,
 *   located on the ground
 *
 * A ground targets item is a buffer of %GST_GROUND_TARGETS_CAPS holding
 * the targets seen in one video frame in a fixed little-endian layout: a
 * header of %GST_GROUND_TARGETS_HEADER_SIZE bytes (magic "GTG1", number of
 * targets, frame time) then %GST_GROUND_TARGET_SIZE bytes per
 * #GstGroundTarget. A frame without targets gives an item with none, so
 * every frame has its item. The buffer's PTS is the frame's.
 *
 * Write one with gst_ground_targets_to_buffer(), read one with
 * gst_ground_targets_from_buffer(), which refuses anything that is not a
 * well-formed item.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgroundtargets.h"
#include "gstitemcodec.h"

#define GROUND_TARGETS_MAGIC 0x31475447u     /* "GTG1" little-endian */

/**
 * gst_ground_targets_to_buffer:
 * @targets: (array length=n_targets) (nullable): the targets
 * @n_targets: how many, at most %GST_GROUND_TARGETS_MAX
 * @frame_time: the frame's time, also the item's PTS
 *
 * Writes a ground targets item: the targets one frame shows, projected to
 * the ground.
 *
 * Returns: (transfer full): a new ground targets item
 *
 * Since: 0.1
 */
GstBuffer *
gst_ground_targets_to_buffer (const GstGroundTarget * targets,
    guint n_targets, GstClockTime frame_time)
{
  gsize size = GST_GROUND_TARGETS_HEADER_SIZE +
      (gsize) n_targets * GST_GROUND_TARGET_SIZE;
  GstBuffer *buf;
  GstMapInfo map;
  guint8 *p;
  guint i;

  g_return_val_if_fail (targets != NULL || n_targets == 0, NULL);
  g_return_val_if_fail (n_targets <= GST_GROUND_TARGETS_MAX, NULL);

  buf = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  p = map.data;
  p = gst_item_put_u32 (p, GROUND_TARGETS_MAGIC);
  p = gst_item_put_u32 (p, n_targets);
  p = gst_item_put_u64 (p, frame_time);
  for (i = 0; i < n_targets; i++) {
    const GstGroundTarget *t = &targets[i];

    p = gst_item_put_f64 (p, t->north);
    p = gst_item_put_f64 (p, t->east);
    p = gst_item_put_f64 (p, t->down);
    p = gst_item_put_f64 (p, t->confidence);
    p = gst_item_put_f64 (p, t->area);
    p = gst_item_put_f64 (p, t->pixel_x);
    p = gst_item_put_f64 (p, t->pixel_y);
  }
  g_assert (p == map.data + size);
  gst_buffer_unmap (buf, &map);

  GST_BUFFER_PTS (buf) = frame_time;
  return buf;
}

/**
 * gst_ground_targets_from_buffer:
 * @buffer: a ground targets item
 * @frame_time: (out) (optional): the frame's time
 * @targets: (out) (transfer full) (array length=n_targets) (optional): the
 *   targets, free with g_free(); %NULL when there are none
 * @n_targets: (out): how many
 *
 * Reads a ground targets item.
 *
 * Returns: %FALSE if @buffer is not a well-formed ground targets item
 * (wrong magic, a size that does not match the count, or values that are
 * not finite); then nothing is returned.
 *
 * Since: 0.1
 */
gboolean
gst_ground_targets_from_buffer (GstBuffer * buffer, GstClockTime * frame_time,
    GstGroundTarget ** targets, guint * n_targets)
{
  GstMapInfo map;
  const guint8 *p;
  guint32 magic, n;
  guint64 ftime;
  GstGroundTarget *out = NULL;
  gboolean ok = FALSE;
  guint i, k;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (n_targets != NULL, FALSE);

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;
  if (map.size < GST_GROUND_TARGETS_HEADER_SIZE)
    goto done;

  p = map.data;
  p = gst_item_get_u32 (p, &magic);
  p = gst_item_get_u32 (p, &n);
  p = gst_item_get_u64 (p, &ftime);
  if (magic != GROUND_TARGETS_MAGIC || n > GST_GROUND_TARGETS_MAX ||
      map.size != GST_GROUND_TARGETS_HEADER_SIZE +
      (gsize) n * GST_GROUND_TARGET_SIZE)
    goto done;

  if (n)
    out = g_new (GstGroundTarget, n);
  for (i = 0; i < n; i++) {
    gdouble *v[7];

    v[0] = &out[i].north;
    v[1] = &out[i].east;
    v[2] = &out[i].down;
    v[3] = &out[i].confidence;
    v[4] = &out[i].area;
    v[5] = &out[i].pixel_x;
    v[6] = &out[i].pixel_y;
    for (k = 0; k < G_N_ELEMENTS (v); k++) {
      p = gst_item_get_f64 (p, v[k]);
      if (!isfinite (*v[k]))
        goto done;
    }
  }
  ok = TRUE;

done:
  gst_buffer_unmap (buffer, &map);
  if (!ok) {
    g_free (out);
    return FALSE;
  }
  if (frame_time)
    *frame_time = ftime;
  if (targets)
    *targets = out;
  else
    g_free (out);
  *n_targets = n;
  return TRUE;
}
