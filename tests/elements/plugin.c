/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttestworkers.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (testworker, plugin);
  ret |= GST_ELEMENT_REGISTER (testworkersrc, plugin);
  ret |= GST_ELEMENT_REGISTER (testworkersink, plugin);
  ret |= GST_ELEMENT_REGISTER (testworkermerge, plugin);
  ret |= GST_ELEMENT_REGISTER (testworkersplit, plugin);
  ret |= GST_ELEMENT_REGISTER (benchworker, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, workertest,
    "Test-only workers of gst-workers (not installed)", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
