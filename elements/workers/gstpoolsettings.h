/* gst-workers: what was set on a worker pool's replicas, kept for rebuilds
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstPoolSettings GstPoolSettings;

GstPoolSettings *gst_pool_settings_new (GstElement * pool);
void gst_pool_settings_free (GstPoolSettings * settings);

void gst_pool_settings_apply (GstPoolSettings * settings,
    GstElement * replica);
void gst_pool_settings_forget (GstPoolSettings * settings,
    const gchar * property);
void gst_pool_settings_set_quietly (GstPoolSettings * settings,
    GObject * object, const gchar * property, const GValue * value);

void gst_pool_settings_keep_child (GstPoolSettings * settings,
    const gchar * replica, const GstStructure * setting);
GPtrArray *gst_pool_settings_dup_child (GstPoolSettings * settings,
    const gchar * replica);
void gst_pool_settings_give (GstPoolSettings * settings,
    GstElement * replica);
void gst_pool_settings_give_own (GstPoolSettings * settings,
    GstElement * replica, const gchar * property);
void gst_pool_settings_take (GstPoolSettings * settings,
    GstElement * replica);

gboolean gst_pool_settings_take_warning (GstPoolSettings * settings,
    GstMessage * message);
void gst_pool_settings_looked_up (GstPoolSettings * settings,
    const gchar * name, gboolean found);
gboolean gst_pool_settings_check (GstPoolSettings * settings,
    GError ** error);

void gst_pool_settings_share (GstPoolSettings * settings, const gchar * pool,
    guint r, const guint * peers, guint n_peers);

G_END_DECLS
