/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworker.h>

G_BEGIN_DECLS

/**
 * GstWorkerCoreProperty: (skip)
 * @GST_WORKER_CORE_PROP_PAUSED: `paused`
 * @GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL: `heartbeat-interval`
 * @GST_WORKER_CORE_PROP_STATS: `stats`
 * @GST_WORKER_CORE_PROP_LAST: the last of them
 *
 * Property ids the core installs (with gst_worker_core_install_properties())
 * on a class that implements #GstWorker. Ids of the class's own properties
 * start at %GST_WORKER_CORE_PROP_LAST + 1. A subclass of a worker base
 * class (#GstWorkerTransform, #GstWorkerSrc, #GstWorkerSink,
 * #GstWorkerAggregator), which installs them on the base class, numbers
 * its own from 1 as usual.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_CORE_PROP_PAUSED = 1,
  GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL,
  GST_WORKER_CORE_PROP_STATS,
  GST_WORKER_CORE_PROP_LAST = GST_WORKER_CORE_PROP_STATS,
} GstWorkerCoreProperty;

/**
 * GST_WORKER_DEFAULT_HEARTBEAT_INTERVAL:
 *
 * Default `heartbeat-interval`, in milliseconds.
 *
 * Since: 0.1
 */
#define GST_WORKER_DEFAULT_HEARTBEAT_INTERVAL 1000

GST_WORKER_API
GstWorkerCore * gst_worker_core_new (GstElement * element);

GST_WORKER_API
void            gst_worker_core_free (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_install_properties (GObjectClass * klass);

GST_WORKER_API
gboolean        gst_worker_core_set_property (GstWorkerCore * core,
                                              guint prop_id,
                                              const GValue * value);

GST_WORKER_API
gboolean        gst_worker_core_get_property (GstWorkerCore * core,
                                              guint prop_id,
                                              GValue * value);

GST_WORKER_API
void            gst_worker_core_change_state (GstWorkerCore * core,
                                              GstStateChange transition);

/* outputs */

GST_WORKER_API
void            gst_worker_core_set_main_srcpad (GstWorkerCore * core,
                                                 GstPad * srcpad);

GST_WORKER_API
GstPad *        gst_worker_core_add_output (GstWorkerCore * core,
                                            GstPadTemplate * templ,
                                            const gchar * name);

GST_WORKER_API
void            gst_worker_core_add_template_outputs (GstWorkerCore * core);

GST_WORKER_API
GstPad *        gst_worker_core_get_output (GstWorkerCore * core,
                                            const gchar * name);

/* streaming */

GST_WORKER_API
gboolean        gst_worker_core_begin_item (GstWorkerCore * core,
                                            guint n_in);

GST_WORKER_API
gboolean        gst_worker_core_begin_drain (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_start_item (GstWorkerCore * core,
                                            guint n_in);

GST_WORKER_API
void            gst_worker_core_end_item (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_fail_item (GstWorkerCore * core,
                                           GstFlowReturn ret);

GST_WORKER_API
GstFlowReturn   gst_worker_core_push (GstWorkerCore * core, GstPad * pad,
                                      GstBuffer * buffer);

GST_WORKER_API
void            gst_worker_core_enter_push (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_leave_push (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_count (GstWorkerCore * core, guint n_in,
                                       guint n_out, guint n_dropped);

GST_WORKER_API
void            gst_worker_core_enter_wait (GstWorkerCore * core,
                                            GstWorkerState state,
                                            const gchar * on);

GST_WORKER_API
void            gst_worker_core_leave_wait (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_set_starting (GstWorkerCore * core,
                                              gboolean starting);

GST_WORKER_API
void            gst_worker_core_set_flushing (GstWorkerCore * core,
                                              gboolean flushing);

GST_WORKER_API
gboolean        gst_worker_core_wait_unpaused (GstWorkerCore * core);

/* the source gate */

/**
 * GstWorkerCoreWakeFunc:
 * @core: the #GstWorkerCore
 * @user_data: what gst_worker_core_set_wake_func() was given
 *
 * Cuts short the element's own blocking call in its streaming task (a
 * socket read: g_cancellable_cancel()), so that the task looks at the
 * source gate again. Called with none of the core's locks held, after the
 * gate closed: an EOS was asked, flushing started, or the element left
 * PLAYING. A task that re-arms its call (g_cancellable_reset()) does so
 * under a lock of its own that the wake function takes too, and then
 * looks at the gate, or a wake is lost.
 *
 * Since: 0.2
 */
typedef void (*GstWorkerCoreWakeFunc) (GstWorkerCore * core,
                                       gpointer user_data);

GST_WORKER_API
void            gst_worker_core_set_wake_func (GstWorkerCore * core,
                                               GstWorkerCoreWakeFunc func,
                                               gpointer user_data);

GST_WORKER_API
void            gst_worker_core_request_eos (GstWorkerCore * core,
                                             gboolean end_holds);

GST_WORKER_API
gboolean        gst_worker_core_eos_requested (GstWorkerCore * core);

GST_WORKER_API
GstFlowReturn   gst_worker_core_wait_playing (GstWorkerCore * core,
                                              GstClockTime running_time);

/* status */

GST_WORKER_API
GstStructure *  gst_worker_core_get_stats (GstWorkerCore * core);

GST_WORKER_API
GstWorkerState  gst_worker_core_get_state (GstWorkerCore * core);

GST_WORKER_API
void            gst_worker_core_set_paused (GstWorkerCore * core,
                                            gboolean paused);

GST_WORKER_API
gboolean        gst_worker_core_get_paused (GstWorkerCore * core);

G_END_DECLS
