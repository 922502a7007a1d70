/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>

G_BEGIN_DECLS

GST_WORKER_API
void     gst_worker_refuse_property (GstElement * element,
    const gchar * property, const gchar * value, const gchar * message);

GST_WORKER_API
gboolean gst_worker_take_property_refusal (GstElement * element,
    const gchar * property, gchar ** value, gchar ** message);

GST_WORKER_API
gchar *  gst_worker_take_property_refusals (GstElement * element,
    const gchar * who);

G_END_DECLS
