/* gst-workers: the worker pool's dispatcher
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstpoolorder.h"

G_BEGIN_DECLS

#define GST_TYPE_POOL_DISPATCH (gst_pool_dispatch_get_type ())
G_DECLARE_FINAL_TYPE (GstPoolDispatch, gst_pool_dispatch, GST, POOL_DISPATCH,
    GstElement);

GstElement *gst_pool_dispatch_new (const gchar * name, GstPoolOrder * order,
    GstElement * pool, const gchar * description);

GstPad *gst_pool_dispatch_get_srcpad (GstPoolDispatch * self, guint replica);

void gst_pool_dispatch_reshape_now (GstPoolDispatch * self);

void gst_pool_dispatch_offer_replica (GstPoolDispatch * self, guint replica,
    GstPad * queue_sink);
void gst_pool_dispatch_offer_when_started (GstPoolDispatch * self,
    guint replica, GstPad * queue_sink, GstElement * element);
void gst_pool_dispatch_remove_replica (GstPoolDispatch * self,
    guint replica);

G_END_DECLS
