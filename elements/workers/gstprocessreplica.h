/* gst-workers: processreplica, a worker run in a child process
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstProcessReplicaTransport:
 * @GST_PROCESS_REPLICA_TRANSPORT_UNIX: a unix socket; frames in shared
 *   memory cross as file descriptors, with no copy
 * @GST_PROCESS_REPLICA_TRANSPORT_TCP: a TCP connection the child makes to
 *   the replica (on the loopback here; the step towards a child on another
 *   host); every frame's bytes cross in the stream
 *
 * How a #GstProcessReplica talks to its child.
 */
typedef enum {
  GST_PROCESS_REPLICA_TRANSPORT_UNIX,
  GST_PROCESS_REPLICA_TRANSPORT_TCP,
} GstProcessReplicaTransport;

#define GST_TYPE_PROCESS_REPLICA_TRANSPORT \
    (gst_process_replica_transport_get_type ())
GType gst_process_replica_transport_get_type (void);

#define GST_TYPE_PROCESS_REPLICA (gst_process_replica_get_type ())
G_DECLARE_FINAL_TYPE (GstProcessReplica, gst_process_replica, GST,
    PROCESS_REPLICA, GstElement);

GPtrArray *gst_process_replica_dup_child_settings (GstProcessReplica * self);
void gst_process_replica_keep_child_setting (GstProcessReplica * self,
    const GstStructure * setting);

G_END_DECLS
