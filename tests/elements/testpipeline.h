/* gst-workers: running pipeline descriptions in tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

gchar *test_pipeline_read (const gchar * path, GError ** error);

GstMessage *test_pipeline_run (GstElement * pipeline, GstClockTime timeout,
    GstClockTime eos_after);

G_END_DECLS
