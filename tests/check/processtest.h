/* gst-workers: what the processreplica tests share
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/worker/worker.h>

G_BEGIN_DECLS

void stop_leftovers (void);
GstElement *launch (const gchar * desc);
GstHarness *harness (const gchar * desc);
gint64 scaled (gint64 value);
GstBuffer *filled (gsize size);
GstMessage *run (GstElement * pipe, GString * warnings);
void run_to_eos (GstElement * pipe, GString * warnings);
gchar *run_error (GstElement * pipe, gchar ** src);
GstStructure *stats (GstElement * pipe, const gchar * name);
guint64 stat_u64 (GstElement * pipe, const gchar * name,
    const gchar * field);
gchar *digest_of (const gchar * src, const gchar * middle, guint64 * count,
    GString * warnings);
void assert_same_as_in_thread (const gchar * src, const gchar * worker,
    const gchar * replica_props, guint64 expected);
gchar *launch_tool (const gchar * const *desc, gint * status);
const gchar *output_end (const gchar * out);
guint64 report_column (const gchar * out, const gchar * name, guint col);
guint uint_of (GstElement * pipe, const gchar * name,
    const gchar * property);
gchar *child_wrapper (const gchar * dir, const gchar * name,
    const gchar * prologue);
GstStructure *status_entry (GstWorkerController * ctrl,
    const gchar * name);
GstWorkerController *controller_new (const gchar * description);
GstPipeline *controller_start (GstWorkerController * ctrl);

G_END_DECLS
