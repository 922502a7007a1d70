/* gst-workers: what a process replica knows of the workers in its child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstprocchannel.h"

G_BEGIN_DECLS

typedef struct _GstProcChildStatus GstProcChildStatus;

/* How long (ms) the owner's reader of the child's messages has been in
 * one push of an output (0: it is not pushing) */
typedef guint (*GstProcChildReaderPushing) (gpointer data);

GstProcChildStatus *gst_proc_child_status_new (GstElement * owner);
void gst_proc_child_status_set_reader_probe (GstProcChildStatus * status,
    GstProcChildReaderPushing pushing, gpointer data);
void gst_proc_child_status_free (GstProcChildStatus * status);

void gst_proc_child_status_start (GstProcChildStatus * status,
    GstProcChannel * channel);
void gst_proc_child_status_reset_counts (GstProcChildStatus * status);
void gst_proc_child_status_answered (GstProcChildStatus * status,
    GstProcChannel * channel);
void gst_proc_child_status_take_heartbeat (GstProcChildStatus * status,
    GstStructure * heartbeat);
void gst_proc_child_status_ended (GstProcChildStatus * status);
void gst_proc_child_status_refresh (GstProcChildStatus * status,
    GstProcChannel * channel, GPid pid, gboolean wait);
void gst_proc_child_status_add_stats (GstProcChildStatus * status,
    GstStructure * stats, gboolean running);

gboolean gst_proc_child_status_freeze (GstProcChildStatus * status,
    GstQuery * query);
gboolean gst_proc_child_status_discard_output (GstProcChildStatus * status);
gboolean gst_proc_child_status_discarding (GstProcChildStatus * status);
gboolean gst_proc_child_status_forward_pause (GstProcChildStatus * status,
    GstQuery * query);
gboolean gst_proc_child_status_forward_set (GstProcChildStatus * status,
    GstQuery * query);
void gst_proc_child_status_replay (GstProcChildStatus * status,
    GstProcChannel * channel);
GPtrArray *gst_proc_child_status_dup_settings (GstProcChildStatus * status);
void gst_proc_child_status_keep_setting (GstProcChildStatus * status,
    const GstStructure * setting);

G_END_DECLS
