/* gst-workers: one end of a process replica's socket
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstprocwire.h"

G_BEGIN_DECLS

typedef struct _GstProcChannel GstProcChannel;

/* A message read from the peer; the handler may steal its parts. */
typedef struct
{
  GstProcMsgType type;
  guint64 id;
  GstBuffer *buffer;            /* BUFFER, BUFFER_DONE */
  GstEvent *event;              /* EVENT */
  GstStructure *structure;      /* HELLO, FAILED, DONE, MESSAGE */
} GstProcMessage;

typedef struct
{
  /* the reader thread: every message but QUERY, REPLY and RELEASE */
  void     (*message) (GstProcChannel * channel, GstProcMessage * msg,
                       gpointer user_data);
  /* the reader thread: answer @query (its reply goes back) */
  gboolean (*query)   (GstProcChannel * channel, GstQuery * query,
                       GstPadDirection direction, gpointer user_data);
  /* the reader thread, once: the peer closed, died or sent garbage
   * (@garbage: %TRUE, @why says what) */
  void     (*closed)  (GstProcChannel * channel, gboolean garbage,
                       const gchar * why, gpointer user_data);
} GstProcChannelCallbacks;

GstProcChannel * gst_proc_channel_new     (int fd, gboolean stream,
                                           const GstProcChannelCallbacks * cb,
                                           gpointer user_data);
GstProcChannel * gst_proc_channel_ref     (GstProcChannel * channel);
void             gst_proc_channel_unref   (GstProcChannel * channel);
gboolean         gst_proc_channel_start   (GstProcChannel * channel,
                                           const gchar * thread_name);
void             gst_proc_channel_close   (GstProcChannel * channel);
gboolean         gst_proc_channel_relieve_reader (GstProcChannel * channel);
gboolean         gst_proc_channel_is_closed (GstProcChannel * channel);

gboolean gst_proc_channel_send_buffer (GstProcChannel * channel, guint64 id,
                                       GstBuffer * buffer, guint * copies);
gboolean gst_proc_channel_send_buffer_done (GstProcChannel * channel,
                                            guint64 id, GstBuffer * buffer);
gboolean gst_proc_channel_send_event  (GstProcChannel * channel, guint64 id,
                                       GstEvent * event);
gboolean gst_proc_channel_send_structure (GstProcChannel * channel,
                                          GstProcMsgType type, guint64 id,
                                          const GstStructure * s);
gboolean gst_proc_channel_send_raw    (GstProcChannel * channel,
                                       const void * data, gsize len);
gboolean gst_proc_channel_query       (GstProcChannel * channel,
                                       GstQuery * query,
                                       GstPadDirection direction);
gboolean gst_proc_channel_query_timed (GstProcChannel * channel,
                                       GstQuery * query,
                                       GstPadDirection direction,
                                       GTimeSpan timeout);

/* Whether a query's answer cannot come any more (asked while waiting) */
typedef gboolean (*GstProcChannelGiveUp) (gpointer data);

gboolean gst_proc_channel_query_until (GstProcChannel * channel,
                                       GstQuery * query,
                                       GstPadDirection direction,
                                       GTimeSpan timeout,
                                       GstProcChannelGiveUp give_up,
                                       gpointer data, gboolean * gave_up);
guint    gst_proc_channel_n_lent      (GstProcChannel * channel);

G_END_DECLS
