/* gst-workers: gst-worker-launch's HTTP endpoint (--http)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/worker/worker.h>

G_BEGIN_DECLS

/**
 * LaunchHttpCommand:
 * @command: "pause", "resume" or "exit"
 *
 * A command from the page (only with --http-control), called in the main
 * context that was the thread-default one of launch_http_start()'s caller.
 */
typedef void (*LaunchHttpCommand) (const gchar * command, gpointer user_data);

typedef struct _LaunchHttp LaunchHttp;

LaunchHttp * launch_http_start (GstWorkerController * ctrl,
    const gchar * address, gboolean control, const gchar * dot_dir,
    LaunchHttpCommand command, gpointer user_data, GError ** error);

const gchar * launch_http_get_url (LaunchHttp * http);

void launch_http_stop (LaunchHttp * http);

G_END_DECLS
