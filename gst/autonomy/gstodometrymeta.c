/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstodometrymeta
 * @title: GstOdometryMeta
 * @short_description: a buffer's odometry, carried on the buffer
 *
 * Attaches a #GstOdometry to a buffer with gst_buffer_add_odometry_meta()
 * and reads it back with gst_buffer_get_odometry_meta(). The meta has no
 * tags: it says nothing about the buffer's content, so it survives
 * conversions, and it is copied with the buffer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstodometrymeta.h"

GType
gst_odometry_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("GstOdometryMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
gst_odometry_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  GstOdometryMeta *ometa = (GstOdometryMeta *) meta;

  gst_odometry_init (&ometa->odometry);
  return TRUE;
}

static gboolean
gst_odometry_meta_transform (GstBuffer * dest, GstMeta * meta,
    GstBuffer * buffer, GQuark type, gpointer data)
{
  GstOdometryMeta *ometa = (GstOdometryMeta *) meta;

  /* the odometry holds for any copy or region of the buffer */
  return gst_buffer_add_odometry_meta (dest, &ometa->odometry) != NULL;
}

/**
 * gst_odometry_meta_get_info:
 *
 * The #GstMetaInfo of #GstOdometryMeta (%GST_ODOMETRY_META_INFO),
 * registered on first use.
 *
 * Returns: (transfer none): the registered #GstMetaInfo of #GstOdometryMeta
 *
 * Since: 0.1
 */
const GstMetaInfo *
gst_odometry_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *mi = gst_meta_register (GST_ODOMETRY_META_API_TYPE,
        "GstOdometryMeta", sizeof (GstOdometryMeta), gst_odometry_meta_init,
        NULL, gst_odometry_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) mi);
  }
  return info;
}

/**
 * gst_buffer_add_odometry_meta:
 * @buffer: a writable buffer
 * @odo: the odometry at the buffer's time
 *
 * Attaches @odo to @buffer, a frame, as a #GstOdometryMeta: the pose the
 * frame was taken from.
 *
 * Returns: (transfer none): the new meta on @buffer
 *
 * Since: 0.1
 */
GstOdometryMeta *
gst_buffer_add_odometry_meta (GstBuffer * buffer, const GstOdometry * odo)
{
  GstOdometryMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (odo != NULL, NULL);

  meta = (GstOdometryMeta *) gst_buffer_add_meta (buffer,
      GST_ODOMETRY_META_INFO, NULL);
  meta->odometry = *odo;
  return meta;
}

/**
 * gst_odometry_from_meta:
 * @buffer: a buffer
 * @odo: (out caller-allocates): where to copy the odometry
 *
 * Reads the #GstOdometryMeta of @buffer: the accessor for languages that
 * cannot follow the meta's pointer (Python:
 * `ok, odo = GstAutonomy.odometry_from_meta(buf)`).
 *
 * Returns: %TRUE if @buffer carries one; %FALSE leaves @odo as it was
 *
 * Since: 0.2
 */
gboolean
gst_odometry_from_meta (GstBuffer * buffer, GstOdometry * odo)
{
  GstOdometryMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (odo != NULL, FALSE);

  meta = gst_buffer_get_odometry_meta (buffer);
  if (!meta)
    return FALSE;
  *odo = meta->odometry;
  return TRUE;
}
