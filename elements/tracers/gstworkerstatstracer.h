/* gst-workers: the workerstats tracer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_WORKER_STATS_TRACER (gst_worker_stats_tracer_get_type ())
G_DECLARE_FINAL_TYPE (GstWorkerStatsTracer, gst_worker_stats_tracer,
    GST, WORKER_STATS_TRACER, GstTracer)

G_END_DECLS
