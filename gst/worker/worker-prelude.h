/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#ifndef GST_WORKER_API
# ifdef BUILDING_GST_WORKER
#  define GST_WORKER_API GST_API_EXPORT
# else
#  define GST_WORKER_API GST_API_IMPORT
# endif
#endif
