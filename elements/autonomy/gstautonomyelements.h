/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (flightsimsrc);
GST_ELEMENT_REGISTER_DECLARE (odometryfilesrc);
GST_ELEMENT_REGISTER_DECLARE (odometryfilesink);

G_END_DECLS
