/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

#define GST_TYPE_GEOLOCATE (gst_geolocate_get_type ())
G_DECLARE_FINAL_TYPE (GstGeolocate, gst_geolocate, GST, GEOLOCATE,
    GstWorkerTransform);

G_END_DECLS
