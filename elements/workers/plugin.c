/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerselements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (workerpool, plugin);
  ret |= GST_ELEMENT_REGISTER (timestampmerge, plugin);
  ret |= GST_ELEMENT_REGISTER (feedbacksink, plugin);
  ret |= GST_ELEMENT_REGISTER (feedbacksrc, plugin);
  ret |= GST_ELEMENT_REGISTER (processreplica, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, workers,
    "Topologies of the worker model: ordered worker pools, merges by "
    "timestamp, feedback loops",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
