/* gst-workers: the worker pool's collector
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstpoolorder.h"

G_BEGIN_DECLS

#define GST_TYPE_POOL_COLLECT (gst_pool_collect_get_type ())
G_DECLARE_FINAL_TYPE (GstPoolCollect, gst_pool_collect, GST, POOL_COLLECT,
    GstElement);

GstElement *gst_pool_collect_new (const gchar * name, GstPoolOrder * order,
    GstElement * pool, const gchar * description);

GstPad *gst_pool_collect_get_sinkpad (GstPoolCollect * self, guint replica);

GstPad *gst_pool_collect_add_replica (GstPoolCollect * self, guint replica);
void gst_pool_collect_remove_replica (GstPoolCollect * self, guint replica);

void gst_pool_collect_keep_model (GstElement * replica, GstElement * built);
gboolean gst_pool_collect_model_runs_threads (GstElement * replica);

G_END_DECLS
