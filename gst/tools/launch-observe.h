/* gst-workers: gst-worker-launch shows a running system: status as JSON
 * lines, Prometheus metrics, the pipeline graph in the system's colours
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/worker/worker.h>

G_BEGIN_DECLS

gchar * launch_observe_json_line (const GstStructure * s, const gchar * kind,
    gdouble t);

gchar * launch_observe_metrics (GstWorkerController * ctrl);

gchar * launch_observe_dot (GstWorkerController * ctrl,
    GstDebugGraphDetails details);

gboolean launch_observe_write_dot (GstWorkerController * ctrl,
    const gchar * dir, const gchar * stage, GError ** error);

G_END_DECLS
