/* gst-workers: the autonomy plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (flightsimsrc);
GST_ELEMENT_REGISTER_DECLARE (odometryfilesrc);
GST_ELEMENT_REGISTER_DECLARE (odometryfilesink);
GST_ELEMENT_REGISTER_DECLARE (detecttarget);
GST_ELEMENT_REGISTER_DECLARE (geolocate);
GST_ELEMENT_REGISTER_DECLARE (clusterestimate);
GST_ELEMENT_REGISTER_DECLARE (jsonlinesenc);
GST_ELEMENT_REGISTER_DECLARE (missionplanner);

G_END_DECLS
