/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/worker/gstworker.h>

G_BEGIN_DECLS

/**
 * GST_TYPE_WORKER_TRANSFORM:
 *
 * The #GType of #GstWorkerTransform.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER_TRANSFORM (gst_worker_transform_get_type ())

/**
 * GstWorkerTransform:
 *
 * A worker with one input and one output (and, optionally, more outputs),
 * built on #GstBaseTransform. Opaque.
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_DERIVABLE_TYPE (GstWorkerTransform, gst_worker_transform,
    GST, WORKER_TRANSFORM, GstBaseTransform)

/**
 * GstWorkerTransformClass:
 * @process: process one input item (transfer full) and push any number of
 *   outputs with gst_worker_transform_push(): none, one, several, or one
 *   for every so many inputs, keeping the rest as state. Required.
 * @drain: at EOS, push what is still held. Optional.
 * @flush: forget what is held, on a flushing seek. Optional.
 *
 * The basic worker of the design: one input, outputs on the `src` pad and
 * on any other always-present src pad templates the subclass adds (pushed
 * with gst_worker_transform_push_to()). Caps negotiation and allocation are
 * #GstBaseTransform's: subclasses implement its `transform_caps`, `set_caps`
 * and friends as usual, but not `transform`, `transform_ip`,
 * `generate_output` or `submit_input_buffer`.
 *
 * The base class waits while the worker is paused, times @process, counts
 * inputs and outputs, and knows when a push blocks on a full queue.
 *
 * Since: 0.1
 */
/**
 * GstWorkerTransformClass::process:
 * @self: the worker
 * @inbuf: (transfer full): the input item, now the worker's
 *
 * Processes one input item and pushes what it makes with
 * gst_worker_transform_push(): none, one or several items.
 *
 * Returns: %GST_FLOW_OK, or the first failed push's return, or
 *   %GST_FLOW_ERROR after posting an error
 *
 * Since: 0.1
 */
/**
 * GstWorkerTransformClass::drain:
 * @self: the worker
 *
 * At EOS: pushes what the worker still holds, before the EOS goes on.
 *
 * Returns: %GST_FLOW_OK, or the first failed push's return
 *
 * Since: 0.1
 */
/**
 * GstWorkerTransformClass::flush:
 * @self: the worker
 *
 * At a flush: forgets what the worker holds.
 *
 * Since: 0.1
 */
struct _GstWorkerTransformClass
{
  GstBaseTransformClass parent_class;

  GstFlowReturn (*process) (GstWorkerTransform * self, GstBuffer * inbuf);
  GstFlowReturn (*drain) (GstWorkerTransform * self);
  void (*flush) (GstWorkerTransform * self);

  /*< private >*/
  gpointer _gst_reserved[GST_PADDING];
};

GST_WORKER_API
GstFlowReturn gst_worker_transform_push (GstWorkerTransform * self,
                                         GstBuffer * outbuf);

GST_WORKER_API
GstFlowReturn gst_worker_transform_push_to (GstWorkerTransform * self,
                                            GstPad * pad,
                                            GstBuffer * outbuf);

GST_WORKER_API
GstPad *      gst_worker_transform_get_output (GstWorkerTransform * self,
                                               const gchar * name);

GST_WORKER_API
void          gst_worker_transform_drop (GstWorkerTransform * self,
                                         GstBuffer * buffer);

GST_WORKER_API
GstCaps *     gst_worker_transform_template_caps (GstBaseTransform * trans,
                                                  GstPadDirection direction,
                                                  GstCaps * caps,
                                                  GstCaps * filter);

G_END_DECLS
