/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_ODOMETRY_FILE_SINK (gst_odometry_file_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstOdometryFileSink, gst_odometry_file_sink, GST,
    ODOMETRY_FILE_SINK, GstWorkerSink)

G_END_DECLS
