/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>

G_BEGIN_DECLS

GST_WORKER_API
gchar *        gst_worker_structure_to_json (const GstStructure * structure,
                                             gboolean pretty);

G_END_DECLS
