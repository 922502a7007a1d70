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

/* When an item was, for error messages: "at 0:00:01.500000000", or
 * "without a timestamp" (not 99:99:99.999999999). Free with g_free(). */
static inline gchar *
autonomy_item_when (GstClockTime t)
{
  if (!GST_CLOCK_TIME_IS_VALID (t))
    return g_strdup ("without a timestamp");
  return g_strdup_printf ("at %" GST_TIME_FORMAT, GST_TIME_ARGS (t));
}

G_END_DECLS
