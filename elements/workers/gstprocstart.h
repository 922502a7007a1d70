/* gst-workers: starting a process replica's child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The environment variable that gives a child its parent's process id. */
#define GST_PROC_START_PARENT_ENV "GST_WORKER_PARENT_PID"

/* Whether the wait for a child's connection is to end at once. */
typedef gboolean (*GstProcStartCancelled) (gpointer user_data);

gchar *gst_proc_start_child_program (GstElement * element);
gchar *gst_proc_start_describe_status (int status);
gchar *gst_proc_start_reap (GPid pid, gint64 timeout, gboolean * killed);

gboolean gst_proc_start_spawn (const gchar * program, const gchar * name,
    const gchar * worker, gboolean tcp, GPid * pid, int *fd,
    GError ** error);
int gst_proc_start_accept (int listener, GPid pid, gint64 deadline,
    guint start_timeout, GstProcStartCancelled cancelled, gpointer user_data,
    gchar ** why);

G_END_DECLS
