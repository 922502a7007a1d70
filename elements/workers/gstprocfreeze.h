/* gst-workers: what a process replica's child holds, counted, and its freeze
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstProcFreeze GstProcFreeze;

/* What one element in the child held when it was frozen. */
typedef struct
{
  guint64 arrivals;             /* buffers pushed into it */
  guint64 departures;           /* buffers it pushed on */
  guint waiting;                /* its outputs held at the freeze */
} GstProcFreezeHeld;

GstProcFreeze *gst_proc_freeze_new (GstPad * input);
void gst_proc_freeze_free (GstProcFreeze * freeze);
void gst_proc_freeze_watch (GstProcFreeze * freeze, GstBin * bin);
void gst_proc_freeze_received (GstProcFreeze * freeze, guint64 id);
void gst_proc_freeze_set_flushing (GstProcFreeze * freeze,
    gboolean flushing);
gboolean gst_proc_freeze_is_frozen (GstProcFreeze * freeze);
GHashTable *gst_proc_freeze_stop (GstProcFreeze * freeze);
guint64 gst_proc_freeze_input_held (GstProcFreeze * freeze,
    guint64 * received_id);

G_END_DECLS
