/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

/* The bounded FIFO between a feedbacksink and a feedbacksrc with the same
 * channel name in the same top-level pipeline. Internal to the plugin. */
typedef struct _GstFeedbackChannel GstFeedbackChannel;

typedef enum
{
  GST_FEEDBACK_OK,              /* written, or read */
  GST_FEEDBACK_DISCARDED,       /* write: nobody will read it any more */
  GST_FEEDBACK_FLUSHING,        /* the caller's pad is flushing */
  GST_FEEDBACK_END,             /* read: the sink is at EOS, FIFO empty */
} GstFeedbackResult;

GstFeedbackChannel *gst_feedback_channel_bind (GstElement * element,
    GstPad * pad, const gchar * name, gboolean is_sink, GError ** error);
void gst_feedback_channel_unbind (GstFeedbackChannel * ch,
    GstElement * element);
GstFeedbackChannel *gst_feedback_channel_ref (GstFeedbackChannel * ch);
void gst_feedback_channel_unref (GstFeedbackChannel * ch);
const gchar *gst_feedback_channel_get_name (GstFeedbackChannel * ch);
gboolean gst_feedback_channel_has_src (GstFeedbackChannel * ch);
gboolean gst_feedback_channel_has_sink (GstFeedbackChannel * ch);

/* the sink's side */
void gst_feedback_channel_set_max_buffers (GstFeedbackChannel * ch,
    guint max_buffers);
guint gst_feedback_channel_get_level (GstFeedbackChannel * ch);
GstCaps *gst_feedback_channel_get_src_caps (GstFeedbackChannel * ch);
GstFeedbackResult gst_feedback_channel_write (GstFeedbackChannel * ch,
    GstMiniObject * obj, GstWorkerCore * core);
GstFeedbackResult gst_feedback_channel_sink_eos (GstFeedbackChannel * ch,
    GstWorkerCore * core);
void gst_feedback_channel_sink_wake (GstFeedbackChannel * ch);
void gst_feedback_channel_sink_flush_stop (GstFeedbackChannel * ch,
    guint32 seqnum);

/* the src's side */
void gst_feedback_channel_set_src_caps (GstFeedbackChannel * ch,
    GstCaps * caps);
void gst_feedback_channel_src_start (GstFeedbackChannel * ch);
void gst_feedback_channel_src_stop (GstFeedbackChannel * ch);
void gst_feedback_channel_src_set_flushing (GstFeedbackChannel * ch,
    gboolean flushing);
GstFeedbackResult gst_feedback_channel_read (GstFeedbackChannel * ch,
    GstMiniObject ** obj, GstWorkerCore * core);
guint gst_feedback_channel_src_flush (GstFeedbackChannel * ch,
    guint32 seqnum);
void gst_feedback_channel_src_restart (GstFeedbackChannel * ch);
guint gst_feedback_channel_src_done (GstFeedbackChannel * ch);

G_END_DECLS
