/* gst-workers: flightlink, the flight-controller link worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "flightlink-enums.h"

G_BEGIN_DECLS

#define GST_TYPE_FLIGHT_LINK (gst_flight_link_get_type ())
G_DECLARE_FINAL_TYPE (GstFlightLink, gst_flight_link, GST, FLIGHT_LINK,
    GstElement)

G_END_DECLS
