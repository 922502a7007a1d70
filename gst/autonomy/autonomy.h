/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>
#include <gst/autonomy/gstflightcommand.h>
#include <gst/autonomy/gstcameramodel.h>
