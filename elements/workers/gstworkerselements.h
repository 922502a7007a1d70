/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (workerpool);
GST_ELEMENT_REGISTER_DECLARE (timestampmerge);
GST_ELEMENT_REGISTER_DECLARE (feedbacksink);
GST_ELEMENT_REGISTER_DECLARE (feedbacksrc);
GST_ELEMENT_REGISTER_DECLARE (processreplica);

G_END_DECLS
