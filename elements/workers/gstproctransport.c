/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The process replica's transport, as a GType for its property (see
 * gstprocessreplica.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstprocessreplica.h"

GType
gst_process_replica_transport_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_PROCESS_REPLICA_TRANSPORT_UNIX,
        "A unix socket, frames in shared memory (no copy)", "unix"},
    {GST_PROCESS_REPLICA_TRANSPORT_TCP,
        "A TCP connection on the loopback, frames in the stream", "tcp"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstProcessReplicaTransport", values));
  return type;
}
