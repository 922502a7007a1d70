/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Which queues a worker's thread may push into: the worker core watches
 * only those for "overrun" (a queue with a handler pays a signal emission
 * each time it is full). Internal to the library. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
gboolean            gst_worker_is_queue (GstElement * element);

G_GNUC_INTERNAL
gboolean            gst_worker_queue_fed_by (GstElement * queue,
                                             GType worker_type);

G_END_DECLS
