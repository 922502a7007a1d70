/* gst-workers: what a process replica does with what its child sends on
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/worker/gstworkercore.h>
#include "gstprocchannel.h"
#include "gstprocchildstatus.h"

G_BEGIN_DECLS

typedef struct _GstProcReader GstProcReader;

GstProcReader *gst_proc_reader_new (GstElement * element, GstPad * srcpad,
    GstWorkerCore * core, GstProcChildStatus * children);
void gst_proc_reader_free (GstProcReader * reader);

GstFlowReturn gst_proc_reader_push_output (GstProcReader * reader,
    GstProcChannel * channel, GstBuffer * buffer);
void gst_proc_reader_push_event (GstProcReader * reader, GstEvent * event);
void gst_proc_reader_keep_event (GstProcReader * reader, GstEvent * event);
void gst_proc_reader_post_message (GstProcReader * reader,
    GstProcChannel * channel, const GstStructure * message, GPid pid);
guint gst_proc_reader_pushing_ms (GstProcReader * reader);

G_END_DECLS
