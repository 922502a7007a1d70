/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstpushsrc.h>
#include <gst/worker/gstworker.h>

G_BEGIN_DECLS

/**
 * GST_TYPE_WORKER_SRC:
 *
 * The #GType of #GstWorkerSrc.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER_SRC (gst_worker_src_get_type ())

/**
 * GstWorkerSrc:
 *
 * A worker with no input, built on #GstPushSrc. Opaque.
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_DERIVABLE_TYPE (GstWorkerSrc, gst_worker_src,
    GST, WORKER_SRC, GstPushSrc)

/**
 * GstWorkerSrcClass:
 * @produce: read one item from the driver into @buf (as #GstPushSrcClass's
 *   create). Required. Subclasses that wait on a device also implement
 *   #GstBaseSrcClass's `unlock` and `unlock_stop`, chaining up.
 *
 * A worker that takes its items from a hardware driver, a file or a
 * library, on #GstPushSrc, with one output: `src`. #GstBaseSrc cannot
 * have more than one src pad (its stream-id needs a single pad, and its
 * segment goes out only after @produce returns); a source with several
 * outputs of different types is a #GstElement embedding a #GstWorkerCore
 * with a task of its own, as `flightsimsrc` and `flightlink` are.
 *
 * Since: 0.1
 */
/**
 * GstWorkerSrcClass::produce:
 * @self: the worker
 * @buf: (out) (transfer full) (nullable): the item read; set it when
 *   returning %GST_FLOW_OK
 *
 * Produces the next item: sets @buf, or returns %GST_FLOW_EOS at the end.
 *
 * Returns: %GST_FLOW_OK with an item, %GST_FLOW_EOS at the end, or
 *   %GST_FLOW_ERROR after posting an error
 *
 * Since: 0.1
 */
struct _GstWorkerSrcClass
{
  GstPushSrcClass parent_class;

  GstFlowReturn (*produce) (GstWorkerSrc * self, GstBuffer ** buf);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_WORKER_API
void          gst_worker_src_drop (GstWorkerSrc * self, GstBuffer * buffer);

G_END_DECLS
