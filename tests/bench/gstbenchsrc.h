/* gst-workers: benchmark elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

#define GST_TYPE_BENCH_SRC (gst_bench_src_get_type ())
G_DECLARE_FINAL_TYPE (GstBenchSrc, gst_bench_src, GST, BENCH_SRC, GstPushSrc);

guint64        gst_bench_src_get_n_items (GstBenchSrc * self);

gboolean       gst_bench_src_item_seq (GstBenchSrc * self, GstBuffer * buf,
                                       guint64 * seq);

void           gst_bench_src_item_done (GstBenchSrc * self);

const gint64 * gst_bench_src_get_created (GstBenchSrc * self);

G_END_DECLS
