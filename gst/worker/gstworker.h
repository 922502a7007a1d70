/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworkerstate.h>
#include <gst/worker/gstworkerenums.h>

G_BEGIN_DECLS

/**
 * GST_WORKER_HEARTBEAT_NAME:
 *
 * Name of the element message a worker posts every `heartbeat-interval` ms
 * while PLAYING. Its fields:
 *
 * - `worker` (string): the element's name
 * - `seq` (guint64): 0, 1, 2, ... per run
 * - `state` (#GstWorkerState): idle, busy, blocked or paused
 * - `state-time` (GstClockTime): time spent in the current state
 * - `items-in`, `items-out`, `items-dropped` (guint64)
 * - `proc-time-avg`, `proc-time-max` (GstClockTime): time spent processing
 *   one item, not counting time spent pushing it downstream
 * - `pushing` (boolean): busy handing an item on in its own thread, to the
 *   elements after it up to the next queue (which do the work, or wait),
 *   rather than processing
 * - `blocked-on` (string, only when `state` is blocked): the full queue
 *
 * followed by the worker's own fields, if it has any
 * (#GstWorkerInterface.add_stats).
 *
 * Since: 0.1
 */
#define GST_WORKER_HEARTBEAT_NAME "worker-heartbeat"

/**
 * GST_WORKER_STATS_NAME:
 *
 * Name of the #GstStructure returned by gst_worker_get_stats() and the
 * `stats` property: the heartbeat's fields without `seq`, with
 * `heartbeats-posted` (guint64: the heartbeats posted this run).
 *
 * Since: 0.1
 */
#define GST_WORKER_STATS_NAME "worker-stats"

/**
 * GST_TYPE_WORKER:
 *
 * The #GType of the #GstWorker interface.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER (gst_worker_get_type ())

/**
 * GstWorker:
 *
 * An element that is a worker: its heartbeats, its pause, its statistics
 * (see #GstWorkerInterface).
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_INTERFACE (GstWorker, gst_worker, GST, WORKER, GstElement)

/**
 * GstWorkerCore:
 *
 * The behaviour every worker shares, embedded in the element (see
 * gst_worker_core_new()). For C elements only: from other languages,
 * subclass #GstWorkerTransform, #GstWorkerSrc, #GstWorkerSink or
 * #GstWorkerAggregator.
 *
 * Since: 0.1
 */
typedef struct _GstWorkerCore GstWorkerCore;

/**
 * GstWorkerInterface:
 * @parent_iface: the parent interface
 * @get_core: (skip): returns the #GstWorkerCore the element embeds.
 * @add_stats: (nullable): adds the worker's own fields to @stats, a
 *   `worker-stats` structure or a `worker-heartbeat` message's structure
 *   (a link's health, a device's counters...). Called from any thread, with
 *   no lock of the core held; it must not block.
 *
 * Implemented by every element built on the worker core. The worker base
 * classes implement it; an element with its own pad logic embeds a
 * #GstWorkerCore and implements @get_core.
 *
 * Since: 0.1
 */
struct _GstWorkerInterface
{
  GTypeInterface parent_iface;

  GstWorkerCore * (*get_core) (GstWorker * worker);
  void            (*add_stats) (GstWorker * worker, GstStructure * stats);
};

GST_WORKER_API
GstWorkerCore * gst_worker_get_core (GstWorker * worker);

GST_WORKER_API
GstStructure * gst_worker_get_stats (GstWorker * worker);

GST_WORKER_API
GstWorkerState gst_worker_get_state (GstWorker * worker);

GST_WORKER_API
void gst_worker_set_paused (GstWorker * worker, gboolean paused);

GST_WORKER_API
gboolean gst_worker_get_paused (GstWorker * worker);

GST_WORKER_API
gboolean gst_worker_message_is_heartbeat (GstMessage * message);

G_END_DECLS
