/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_BENCH_WORKER (gst_bench_worker_get_type ())
G_DECLARE_FINAL_TYPE (GstBenchWorker, gst_bench_worker, GST, BENCH_WORKER,
    GstWorkerTransform);

G_END_DECLS
