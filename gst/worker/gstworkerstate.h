/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>

G_BEGIN_DECLS

/**
 * SECTION:gstworkerstate
 * @title: GstWorkerState
 * @short_description: what a worker is doing
 *
 * The state every worker reports in its heartbeats and stats: the raw
 * material of the controller's watchdog and deadlock detection.
 */

/**
 * GstWorkerState:
 * @GST_WORKER_STATE_IDLE: waiting for input (an empty input queue); never a
 *   stall.
 * @GST_WORKER_STATE_BUSY: processing an item (or, for a source, producing
 *   one).
 * @GST_WORKER_STATE_BLOCKED: waiting on a full downstream queue (a Kahn
 *   blocking write).
 * @GST_WORKER_STATE_PAUSED: held by its `paused` property; items wait in the
 *   input queue.
 * @GST_WORKER_STATE_STARTING: its work is not ready yet: a worker in a child
 *   process (processreplica) whose child has not said it runs; an item it
 *   takes meanwhile waits for the child. Neither a stall nor a loss (Since:
 *   0.2).
 *
 * What a worker is doing, as reported in its `worker-heartbeat` messages and
 * its `stats` structure.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_STATE_IDLE,
  GST_WORKER_STATE_BUSY,
  GST_WORKER_STATE_BLOCKED,
  GST_WORKER_STATE_PAUSED,
  GST_WORKER_STATE_STARTING,
} GstWorkerState;

G_END_DECLS
