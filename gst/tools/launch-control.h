/* gst-workers: gst-worker-launch's command interface
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

typedef struct _LaunchControl LaunchControl;

/**
 * LaunchControlExitFunc:
 * @now: %TRUE for `exit-now` (stop at once), %FALSE for `exit` (drain)
 *
 * Called in the main context of launch_control_new()'s caller.
 */
typedef void (*LaunchControlExitFunc) (gboolean now, gpointer user_data);

LaunchControl *launch_control_new (GstWorkerController * ctrl, gint fd,
    LaunchControlExitFunc exit_func, gpointer user_data);

gchar *launch_control_run (GstWorkerController * ctrl, const gchar * line,
    gboolean * exit, gboolean * exit_now);

gboolean launch_control_listen (LaunchControl * control,
    const gchar * address, GError ** error);

void launch_control_free (LaunchControl * control);

G_END_DECLS
