/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Setting an element's property from text while the system runs, with
 * GStreamer's rules and clear refusals: the controller's
 * gst_worker_controller_set_element_property() uses it for the elements of
 * its pipeline, and gst-worker-child for the elements inside a process
 * replica's child, and gst-worker-launch for its refusals at the start
 * (the same file is built into each: the rules are one).
 * Internal to the library. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
gchar *worker_prop_describe_range (GParamSpec * pspec);

G_GNUC_INTERNAL
gboolean worker_prop_is_unsigned (GParamSpec * pspec);

G_GNUC_INTERNAL
gboolean worker_prop_read (GParamSpec * pspec, const gchar * text,
    GValue * value, gchar ** why);

G_GNUC_INTERNAL
gboolean worker_prop_set (GstElement * element, const gchar * who,
    const gchar * property, const gchar * text, gchar ** why);

G_END_DECLS
