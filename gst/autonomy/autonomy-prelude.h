/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#ifndef GST_AUTONOMY_API
# ifdef BUILDING_GST_AUTONOMY
#  define GST_AUTONOMY_API GST_API_EXPORT
# else
#  define GST_AUTONOMY_API GST_API_IMPORT
# endif
#endif
