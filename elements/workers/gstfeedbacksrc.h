/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_FEEDBACK_SRC (gst_feedback_src_get_type ())
G_DECLARE_FINAL_TYPE (GstFeedbackSrc, gst_feedback_src,
    GST, FEEDBACK_SRC, GstWorkerSrc);

G_END_DECLS
