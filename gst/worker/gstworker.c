/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworker
 * @title: GstWorker
 * @short_description: interface of every worker element
 *
 * Every element built on the worker core implements #GstWorker. It brings
 * three properties, shown by gst-inspect-1.0 on each worker:
 *
 * - `paused`: a pause that holds data. The worker finishes the item in hand
 *   and waits; its input queue fills and upstream blocks. Nothing is
 *   dropped, reordered or flushed. Clearing it lets the worker go on.
 * - `heartbeat-interval`: every so many milliseconds while PLAYING, the
 *   worker posts a `worker-heartbeat` element message on the bus (see
 *   %GST_WORKER_HEARTBEAT_NAME). 0 turns heartbeats off.
 * - `stats`: the worker's statistics as a `worker-stats` #GstStructure.
 *
 * Applications and the controller find workers with GST_IS_WORKER().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworker.h"
#include "gstworkerfloating.h"
#include "gstworkercore.h"

G_DEFINE_INTERFACE (GstWorker, gst_worker, GST_TYPE_ELEMENT);

static void
gst_worker_default_init (GstWorkerInterface * iface)
{
  g_object_interface_install_property (iface,
      g_param_spec_boolean ("paused", "Paused",
          "Hold data: finish the item in hand, then wait with items left in "
          "the input queue (upstream blocks when it is full); nothing is "
          "dropped or reordered", FALSE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  g_object_interface_install_property (iface,
      g_param_spec_uint ("heartbeat-interval", "Heartbeat interval",
          "Milliseconds between 'worker-heartbeat' element messages posted "
          "while PLAYING (0 = off). Fields: worker (string), seq (guint64), "
          "state (GstWorkerState: idle, busy, blocked, paused, starting), "
          "state-time, "
          "items-in, items-out, items-dropped, items-failed (guint64: the "
          "items it failed on, with an error), proc-time-avg, "
          "proc-time-max (GstClockTime), pushing (boolean: handing an item "
          "on in its own thread, not processing), blocked-on (string, the "
          "full queue, only when blocked)", 0, G_MAXUINT,
          GST_WORKER_DEFAULT_HEARTBEAT_INTERVAL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  g_object_interface_install_property (iface,
      g_param_spec_boxed ("stats", "Statistics",
          "A 'worker-stats' structure with the heartbeat's fields but seq, "
          "and heartbeats-posted (guint64: heartbeats posted this run), "
          "read at any time", gst_structure_get_type (),
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_STATE, 0);
}

/**
 * gst_worker_get_core: (skip)
 * @worker: a #GstWorker
 *
 * The core a worker embeds (for C elements).
 *
 * Returns: (transfer none): the core the worker embeds
 *
 * Since: 0.1
 */
GstWorkerCore *
gst_worker_get_core (GstWorker * worker)
{
  g_return_val_if_fail (GST_IS_WORKER (worker), NULL);
  return GST_WORKER_GET_IFACE (worker)->get_core (worker);
}

/**
 * gst_worker_get_stats:
 * @worker: a #GstWorker
 *
 * The worker's statistics now: its `stats` property.
 *
 * Returns: (transfer full): the worker's `worker-stats` structure
 *
 * Since: 0.1
 */
GstStructure *
gst_worker_get_stats (GstWorker * worker)
{
  g_return_val_if_fail (GST_IS_WORKER (worker), NULL);
  return gst_worker_core_get_stats (gst_worker_get_core (worker));
}

/**
 * gst_worker_get_state:
 * @worker: a #GstWorker
 *
 * What the worker is doing now.
 *
 * Returns: its state
 *
 * Since: 0.1
 */
GstWorkerState
gst_worker_get_state (GstWorker * worker)
{
  g_return_val_if_fail (GST_IS_WORKER (worker), GST_WORKER_STATE_IDLE);
  return gst_worker_core_get_state (gst_worker_get_core (worker));
}

/**
 * gst_worker_set_paused:
 * @worker: a #GstWorker
 * @paused: %TRUE to pause, %FALSE to resume
 *
 * Pauses or resumes the worker, as its `paused` property does: paused,
 * it finishes the item in hand and holds the others in its input queue.
 *
 * Since: 0.1
 */
void
gst_worker_set_paused (GstWorker * worker, gboolean paused)
{
  g_return_if_fail (GST_IS_WORKER (worker));
  gst_worker_core_set_paused (gst_worker_get_core (worker), paused);
}

/**
 * gst_worker_get_paused:
 * @worker: a #GstWorker
 *
 * Whether the worker was paused (its `paused` property).
 *
 * Returns: %TRUE if paused
 *
 * Since: 0.1
 */
gboolean
gst_worker_get_paused (GstWorker * worker)
{
  g_return_val_if_fail (GST_IS_WORKER (worker), FALSE);
  return gst_worker_core_get_paused (gst_worker_get_core (worker));
}

/**
 * gst_worker_message_is_heartbeat:
 * @message: (transfer none): a message, from a bus
 *
 * Whether a bus message is a `worker-heartbeat` (see
 * %GST_WORKER_HEARTBEAT_NAME).
 *
 * Returns: %TRUE if @message is a `worker-heartbeat` element message
 *
 * Since: 0.1
 */
gboolean
gst_worker_message_is_heartbeat (GstMessage * message)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT)
    return FALSE;
  s = gst_message_get_structure (message);
  return s && gst_structure_has_name (s, GST_WORKER_HEARTBEAT_NAME);
}

void
gst_worker_keep_floating (GObject * object)
{
  if (g_object_is_floating (object))
    return;
  g_object_ref (object);
  g_object_force_floating (object);
}
