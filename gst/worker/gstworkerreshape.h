/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworkercontroller.h>

G_BEGIN_DECLS

/**
 * GstWorkerTuneMode:
 * @GST_WORKER_TUNE_MODE_OFF: no tuning.
 * @GST_WORKER_TUNE_MODE_REPORT: measure each worker's share of time busy,
 *   idle, blocked and paused, find the bottleneck and say what would
 *   widen it (`tuning` in the status and the report); change nothing.
 * @GST_WORKER_TUNE_MODE_AUTO: as report, and resize workerpools: grow the
 *   one at the bottleneck, shrink those that sit idle, within
 *   `tune-max-replicas`; and grow queues that are full while their reader
 *   has time to spare (never shrink one: the deadlock rules).
 *
 * What #GstWorkerController's tuner does (its `tune` property).
 *
 * Since: 0.2
 */
typedef enum {
  GST_WORKER_TUNE_MODE_OFF,
  GST_WORKER_TUNE_MODE_REPORT,
  GST_WORKER_TUNE_MODE_AUTO,
} GstWorkerTuneMode;

GST_WORKER_API
gboolean       gst_worker_controller_swap_worker (GstWorkerController * self,
                                                  const gchar * name,
                                                  const gchar * description,
                                                  GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_insert_worker
                                          (GstWorkerController * self,
                                           const gchar * after_queue,
                                           const gchar * description,
                                           GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_remove_worker
                                          (GstWorkerController * self,
                                           const gchar * name,
                                           GError ** error);

G_END_DECLS
