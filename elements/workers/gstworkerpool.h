/* gst-workers: workerpool, duplicated workers that keep input order
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstWorkerPoolDispatch:
 * @GST_WORKER_POOL_DISPATCH_FREE: each item goes to the replica that had
 *   the previous item if it is idle again, else to an idle replica, else to
 *   the next one (in rotation) whose input queue has room, so a replica
 *   busy with a slow item is passed over. Which replica gets which item
 *   depends on timing.
 * @GST_WORKER_POOL_DISPATCH_ROUND_ROBIN: item i goes to replica i mod
 *   `size`, waiting for that replica's queue to have room. Every replica
 *   sees the same items on every run: use it for workers that keep state
 *   from item to item.
 *
 * How a #GstWorkerPool picks the replica of each item.
 */
typedef enum {
  GST_WORKER_POOL_DISPATCH_FREE,
  GST_WORKER_POOL_DISPATCH_ROUND_ROBIN,
} GstWorkerPoolDispatch;

#define GST_TYPE_WORKER_POOL_DISPATCH (gst_worker_pool_dispatch_get_type ())
GType gst_worker_pool_dispatch_get_type (void);

/**
 * GstWorkerPoolIsolation:
 * @GST_WORKER_POOL_ISOLATION_THREAD: each replica runs in a thread of the
 *   pool's process
 * @GST_WORKER_POOL_ISOLATION_PROCESS: each replica runs in a child process
 *   of its own (a `processreplica`): a crash is contained and restarted,
 *   Python workers run on their own interpreter lock
 *
 * Where a #GstWorkerPool runs its replicas.
 */
typedef enum {
  GST_WORKER_POOL_ISOLATION_THREAD,
  GST_WORKER_POOL_ISOLATION_PROCESS,
} GstWorkerPoolIsolation;

#define GST_TYPE_WORKER_POOL_ISOLATION (gst_worker_pool_isolation_get_type ())
GType gst_worker_pool_isolation_get_type (void);

#define GST_TYPE_WORKER_POOL (gst_worker_pool_get_type ())
G_DECLARE_FINAL_TYPE (GstWorkerPool, gst_worker_pool, GST, WORKER_POOL,
    GstBin);

G_END_DECLS
