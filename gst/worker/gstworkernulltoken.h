/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>

G_BEGIN_DECLS

/**
 * GST_WORKER_NULL_TOKEN_META_NAME:
 *
 * Name of the #GstCustomMeta that marks a null token.
 *
 * Since: 0.1
 */
#define GST_WORKER_NULL_TOKEN_META_NAME "GstWorkerNullTokenMeta"

GST_WORKER_API
GstBuffer * gst_worker_null_token_new (GstClockTime pts);

GST_WORKER_API
gboolean    gst_worker_buffer_is_null_token (GstBuffer * buffer);

G_END_DECLS
