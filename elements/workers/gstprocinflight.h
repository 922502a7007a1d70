/* gst-workers: the items a process replica's child holds
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstProcInflight GstProcInflight;

/* items kept at most (a worker that drops custom events never gives the
 * marks back) */
#define GST_PROC_INFLIGHT_MAX 1024

/* One item sent to a child whose outputs are not all back. */
typedef struct
{
  guint64 id;                   /* the id it was sent with */
  GstBuffer *buffer;            /* or */
  GstEvent *event;
  guint crashes;                /* children that died while it was the
                                 * oldest one held or in hand */
} GstProcInflightItem;

GstProcInflight *gst_proc_inflight_new (void);
void gst_proc_inflight_free (GstProcInflight * inflight);
void gst_proc_inflight_item_free (GstProcInflightItem * item);

void gst_proc_inflight_keep (GstProcInflight * inflight, guint64 id,
    GstBuffer * buffer, GstEvent * event, guint crashes);
guint gst_proc_inflight_retire (GstProcInflight * inflight, guint64 upto);
void gst_proc_inflight_clear (GstProcInflight * inflight);
guint gst_proc_inflight_length (GstProcInflight * inflight);
GList *gst_proc_inflight_take_crashed (GstProcInflight * inflight,
    guint64 in_hand);

GstEvent *gst_proc_inflight_new_mark (guint64 id);
gboolean gst_proc_inflight_parse_mark (GstEvent * event, guint64 * id);

G_END_DECLS

