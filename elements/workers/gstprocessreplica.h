/* gst-workers: processreplica, a worker run in a child process
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_PROCESS_REPLICA (gst_process_replica_get_type ())
G_DECLARE_FINAL_TYPE (GstProcessReplica, gst_process_replica, GST,
    PROCESS_REPLICA, GstElement);

G_END_DECLS
