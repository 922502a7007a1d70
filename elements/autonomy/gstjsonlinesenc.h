/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_JSON_LINES_ENC (gst_json_lines_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstJsonLinesEnc, gst_json_lines_enc, GST,
    JSON_LINES_ENC, GstWorkerTransform);

G_END_DECLS
