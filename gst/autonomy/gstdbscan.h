/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>

G_BEGIN_DECLS

/**
 * GST_DBSCAN_NOISE:
 *
 * The label of a point in no cluster.
 *
 * Since: 0.1
 */
#define GST_DBSCAN_NOISE (-1)

GST_AUTONOMY_API
guint gst_dbscan_2d (const gdouble * points, guint n_points, gdouble eps,
                     guint min_points, gint * labels);

G_END_DECLS
