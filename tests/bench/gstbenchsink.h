/* gst-workers: benchmark elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS

#define GST_TYPE_BENCH_SINK (gst_bench_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstBenchSink, gst_bench_sink, GST, BENCH_SINK,
    GstBaseSink);

guint64        gst_bench_sink_get_count (GstBenchSink * self);

const gint64 * gst_bench_sink_get_arrived (GstBenchSink * self);

G_END_DECLS
