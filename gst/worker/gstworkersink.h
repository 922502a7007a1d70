/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/worker/gstworker.h>

G_BEGIN_DECLS

/**
 * GST_TYPE_WORKER_SINK:
 *
 * The #GType of #GstWorkerSink.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER_SINK (gst_worker_sink_get_type ())

/**
 * GstWorkerSink:
 *
 * A worker with an input and no output, built on #GstBaseSink. Opaque.
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_DERIVABLE_TYPE (GstWorkerSink, gst_worker_sink,
    GST, WORKER_SINK, GstBaseSink)

/**
 * GstWorkerSinkClass:
 * @consume: hand one item to the driver. Required. Subclasses that wait on
 *   a device also implement #GstBaseSinkClass's `unlock` and
 *   `unlock_stop`, and after being unlocked while not flushing (going from
 *   PLAYING to PAUSED) call gst_base_sink_wait_preroll() and carry on.
 *
 * A worker that sends its items into a hardware driver, a file or a
 * library (the design's worker 7), on #GstBaseSink. `items-in` counts the
 * items it was given, `items-out` those the driver took.
 *
 * Since: 0.1
 */
/**
 * GstWorkerSinkClass::consume:
 * @self: the worker
 * @buffer: (transfer none): the item; the base class keeps its reference
 *
 * Consumes one item (writes it to a file, a device...).
 *
 * Returns: %GST_FLOW_OK, or %GST_FLOW_ERROR after posting an error
 *
 * Since: 0.1
 */
struct _GstWorkerSinkClass
{
  GstBaseSinkClass parent_class;

  GstFlowReturn (*consume) (GstWorkerSink * self, GstBuffer * buffer);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_WORKER_API
void gst_worker_sink_drop (GstWorkerSink * self, guint n);

G_END_DECLS
