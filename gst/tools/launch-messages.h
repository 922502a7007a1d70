/* gst-workers: gst-worker-launch shows the elements' warnings and infos
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * LaunchMessageFunc:
 * @warning: a WARNING message (else an INFO)
 * @text: "WARNING from element NAME: TEXT", ready to print
 *
 * Called in the thread-default main context of launch_messages_watch()'s
 * caller.
 */
typedef void (*LaunchMessageFunc) (gboolean warning, const gchar * text,
    gpointer user_data);

void launch_messages_watch (GstPipeline * pipeline, LaunchMessageFunc func,
    gpointer user_data);

/* gst-launch-1.0's -m (every message) and -v (property changes) */
typedef enum {
  LAUNCH_MESSAGES_ALL = 1 << 0,
  LAUNCH_MESSAGES_PROPERTIES = 1 << 1,
} LaunchMessageFlags;

void launch_messages_watch_full (GstPipeline * pipeline,
    LaunchMessageFlags flags, LaunchMessageFunc func, gpointer user_data);

G_END_DECLS
