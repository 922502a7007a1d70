/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>
#include <gst/autonomy/gstflightpath.h>

G_BEGIN_DECLS

/* GstFlightSimPath, the `path` property's type, is the library's. */

#define GST_TYPE_FLIGHT_SIM_SRC (gst_flight_sim_src_get_type ())
G_DECLARE_FINAL_TYPE (GstFlightSimSrc, gst_flight_sim_src, GST,
    FLIGHT_SIM_SRC, GstElement)

G_END_DECLS
