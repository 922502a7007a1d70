/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Before a run: elements that can never start (nothing can reach them).
 * Internal to the library. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
gchar *             worker_start_check (GstBin * pipeline,
                                        gchar ** element);

G_END_DECLS
