/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Filling GST_TYPE_ARRAY values, for the structures the controller and
 * its deadlock detector report. Internal to the library. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
void worker_array_add_string (GValue * array, const gchar * str);

G_GNUC_INTERNAL
void worker_array_take_structure (GValue * array, GstStructure * s);

G_END_DECLS
