/* gst-workers: a worker pool's replica, made from its worker description
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GstElement *gst_pool_replica_make (const gchar * description,
    const gchar * name, GError ** error);
GstElement *gst_pool_replica_make_process (const gchar * description,
    const gchar * name, GError ** error);

G_END_DECLS
