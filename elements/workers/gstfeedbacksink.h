/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_FEEDBACK_SINK (gst_feedback_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstFeedbackSink, gst_feedback_sink,
    GST, FEEDBACK_SINK, GstWorkerSink);

G_END_DECLS
