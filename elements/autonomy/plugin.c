/* gst-workers: the autonomy plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstautonomyelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (flightsimsrc, plugin);
  ret |= GST_ELEMENT_REGISTER (odometryfilesrc, plugin);
  ret |= GST_ELEMENT_REGISTER (odometryfilesink, plugin);
  ret |= GST_ELEMENT_REGISTER (detecttarget, plugin);
  ret |= GST_ELEMENT_REGISTER (geolocate, plugin);
  ret |= GST_ELEMENT_REGISTER (clusterestimate, plugin);
  ret |= GST_ELEMENT_REGISTER (jsonlinesenc, plugin);
  ret |= GST_ELEMENT_REGISTER (missionplanner, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, autonomy,
    "The drone autonomy system's workers: simulated camera, telemetry "
    "files, target detection, geolocation, clustering, mission planning, "
    "output", plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME,
    GST_PACKAGE_ORIGIN)
