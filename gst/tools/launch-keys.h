/* gst-workers: gst-worker-launch's keys on the live table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

typedef struct _LaunchKeys LaunchKeys;

LaunchKeys *launch_keys_new (void);

gboolean launch_keys_handle (LaunchKeys * keys, GstWorkerController * ctrl,
    gchar c, gchar ** message, gboolean * error);

gboolean launch_keys_is_selected (LaunchKeys * keys, const GValue * workers,
    guint i);

void launch_keys_free (LaunchKeys * keys);

G_END_DECLS
