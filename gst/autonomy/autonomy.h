/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>
#include <gst/autonomy/gstflightcommand.h>
#include <gst/autonomy/gstcommandresult.h>
#include <gst/autonomy/gstcameramodel.h>
#include <gst/autonomy/gstodometrycsv.h>
#include <gst/autonomy/gstgroundtargets.h>
#include <gst/autonomy/gsttargetestimate.h>
#include <gst/autonomy/gstodometrymeta.h>
#include <gst/autonomy/gstdbscan.h>
#include <gst/autonomy/gstflightpath.h>
#include <gst/autonomy/gstgroundrenderer.h>
