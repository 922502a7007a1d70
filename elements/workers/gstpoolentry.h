/* gst-workers: where a worker pool's items enter a replica
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstpoolorder.h"

G_BEGIN_DECLS

void gst_pool_entry_watch (GstPoolOrder * order, guint replica,
    GstElement * in_queue, GstElement * element, GstElement * out_queue);
void gst_pool_entry_watch_queue (GstPoolOrder * order, guint replica,
    GstElement * in_queue);

G_END_DECLS
