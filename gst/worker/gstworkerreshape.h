/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworkercontroller.h>

G_BEGIN_DECLS

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
