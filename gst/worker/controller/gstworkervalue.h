/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Filling GST_TYPE_ARRAY values, for the structures the controller and
 * its deadlock detector report, and reading the fields of a worker's stats
 * (0, or idle, where a field is missing). Internal to the library. */
#pragma once

#include <gst/gst.h>
#include <gst/worker/gstworkerstate.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
void worker_array_add_string (GValue * array, const gchar * str);

G_GNUC_INTERNAL
void worker_array_take_structure (GValue * array, GstStructure * s);

G_GNUC_INTERNAL
guint64 worker_stats_u64 (const GstStructure * s, const gchar * field);

G_GNUC_INTERNAL
GstWorkerState worker_stats_state (const GstStructure * s);

G_GNUC_INTERNAL
GstClockTime worker_stats_time (const GstStructure * s, const gchar * field);

G_GNUC_INTERNAL
gboolean worker_stats_child_paused (const GstStructure * s);

G_END_DECLS
