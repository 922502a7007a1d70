/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_CLUSTER_ESTIMATE (gst_cluster_estimate_get_type ())
G_DECLARE_FINAL_TYPE (GstClusterEstimate, gst_cluster_estimate, GST,
    CLUSTER_ESTIMATE, GstWorkerTransform);

G_END_DECLS
