/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstaggregator.h>
#include <gst/worker/gstworker.h>

G_BEGIN_DECLS

/**
 * GST_TYPE_WORKER_AGGREGATOR:
 *
 * The #GType of #GstWorkerAggregator.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER_AGGREGATOR (gst_worker_aggregator_get_type ())

/**
 * GstWorkerAggregator:
 *
 * A worker with several inputs, built on #GstAggregator. Opaque.
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_DERIVABLE_TYPE (GstWorkerAggregator, gst_worker_aggregator,
    GST, WORKER_AGGREGATOR, GstAggregator)

/**
 * GstWorkerAggregatorClass:
 * @aggregate: as #GstAggregatorClass's `aggregate`: take items from the
 *   sink pads and finish output with gst_aggregator_finish_buffer(), or
 *   push on extra outputs with gst_worker_aggregator_push_to(). Required.
 *
 * A worker with several inputs (the design's workers 3 and 6), on
 * #GstAggregator. Subclasses implement the other #GstAggregatorClass
 * virtual methods as usual, but not `aggregate` itself. `items-in` counts
 * items as they reach the sink pads.
 *
 * Since: 0.1
 */
/**
 * GstWorkerAggregatorClass::aggregate:
 * @self: the worker
 * @timeout: %TRUE when called because the latency deadline passed (live
 *   inputs), not because every input has data
 *
 * Takes the inputs' items (gst_aggregator_pad_pop_buffer()) and pushes what
 * they make, as #GstAggregatorClass.aggregate() does.
 *
 * Returns: as #GstAggregatorClass's `aggregate`
 *
 * Since: 0.1
 */
struct _GstWorkerAggregatorClass
{
  GstAggregatorClass parent_class;

  GstFlowReturn (*aggregate) (GstWorkerAggregator * self, gboolean timeout);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_WORKER_API
GstFlowReturn gst_worker_aggregator_push_to (GstWorkerAggregator * self,
                                             GstPad * pad,
                                             GstBuffer * buffer);

GST_WORKER_API
void          gst_worker_aggregator_push_gap (GstWorkerAggregator * self,
                                              GstPad * pad,
                                              GstClockTime timestamp);

GST_WORKER_API
GstPad *      gst_worker_aggregator_get_output (GstWorkerAggregator * self,
                                                const gchar * name);

GST_WORKER_API
void          gst_worker_aggregator_drop (GstWorkerAggregator * self,
                                          GstBuffer * buffer);

G_END_DECLS
