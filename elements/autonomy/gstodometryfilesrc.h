/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_ODOMETRY_FILE_SRC (gst_odometry_file_src_get_type ())
G_DECLARE_FINAL_TYPE (GstOdometryFileSrc, gst_odometry_file_src, GST,
    ODOMETRY_FILE_SRC, GstWorkerSrc)

G_END_DECLS
