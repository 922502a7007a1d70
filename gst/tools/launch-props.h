/* gst-workers: gst-worker-launch refuses property values out of range
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _LaunchPropCheck LaunchPropCheck;

LaunchPropCheck *launch_prop_check_begin (const gchar * description);
gchar *launch_prop_check_end (LaunchPropCheck * check, GstBin * pipeline);
void launch_prop_explain_parse_error (const gchar * description,
    GError * err);

G_END_DECLS
