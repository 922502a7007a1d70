/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkernulltoken
 * @title: Null tokens
 * @short_description: the items that start a feedback loop
 *
 * In a Kahn process network with a loop, a worker that reads its feedback
 * input before it writes anything waits for ever, unless the loop holds
 * *initial tokens*. `feedbacksrc initial-items=N` emits N null tokens before
 * anything arrives through the loop: empty buffers (no memory) carrying a
 * #GstCustomMeta named %GST_WORKER_NULL_TOKEN_META_NAME. They have the caps
 * of the loop's items but no content: a worker that reads the loop tells
 * them apart with gst_worker_buffer_is_null_token() and treats them as
 * "nothing yet".
 *
 * The marker survives gst_buffer_copy() and elements that copy metas; an
 * element that rebuilds buffers from their bytes loses it, as it loses
 * every meta.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkernulltoken.h"

static const GstMetaInfo *
null_token_meta_info (void)
{
  static const GstMetaInfo *info = NULL;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i =
        gst_meta_register_custom (GST_WORKER_NULL_TOKEN_META_NAME, tags,
        NULL, NULL, NULL);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

/**
 * gst_worker_null_token_new:
 * @pts: the token's timestamp
 *
 * Makes a null token: an initial item of a feedback loop, with the caps
 * of the loop's items and no content, which a worker reading the loop
 * treats as "nothing yet".
 *
 * Returns: (transfer full): a new null token: an empty buffer marked with
 * the %GST_WORKER_NULL_TOKEN_META_NAME meta
 *
 * Since: 0.1
 */
GstBuffer *
gst_worker_null_token_new (GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new ();

  null_token_meta_info ();
  gst_buffer_add_custom_meta (buf, GST_WORKER_NULL_TOKEN_META_NAME);
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

/**
 * gst_worker_buffer_is_null_token:
 * @buffer: a #GstBuffer
 *
 * Tells a null token (an initial item of a feedback loop) from a real item.
 *
 * Returns: %TRUE if @buffer is a null token (see gst_worker_null_token_new())
 *
 * Since: 0.1
 */
gboolean
gst_worker_buffer_is_null_token (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);

  null_token_meta_info ();
  return gst_buffer_get_custom_meta (buffer,
      GST_WORKER_NULL_TOKEN_META_NAME) != NULL;
}
