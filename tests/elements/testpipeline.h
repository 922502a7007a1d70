/* gst-workers: running pipeline descriptions in tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

guint test_timeout_scale (void);
gint64 test_deadline (guint seconds);
GstElement *test_pipeline_launch (const gchar * description);
gpointer test_pipeline_watch (gpointer element);
void test_pipeline_stop_leftovers (void);

GstElement *test_pipeline_get (GstElement * pipeline, const gchar * name);

gchar *test_pipeline_read (const gchar * path, GError ** error);

GstMessage *test_pipeline_run (GstElement * pipeline, GstClockTime timeout,
    GstClockTime eos_after);
void test_message_expect_eos (GstMessage * msg);

const gchar *test_str (const GstStructure * s);

typedef gboolean (*TestLoopCondition) (gpointer run, gconstpointer data);

gboolean test_loop_run_until (GMainLoop * loop, TestLoopCondition cond,
    gpointer run, gconstpointer data, guint timeout_ms);

void test_loop_run_for (GMainLoop * loop, guint ms);

G_END_DECLS
