/* gst-workers: what crosses between a process replica and its child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Every message on the replica's socket (SOCK_SEQPACKET: one message per
 * datagram) starts with this header, then @len bytes, with @n_fds file
 * descriptors passed beside it (SCM_RIGHTS). */
#define GST_PROC_WIRE_MAGIC 0x31505747u /* "GWP1" */
#define GST_PROC_WIRE_MAX_FDS 16
#define GST_PROC_WIRE_MAX_MESSAGE (512 * 1024)

typedef enum
{
  GST_PROC_MSG_HELLO = 1,       /* child: built, running; "hello, pid=" */
  GST_PROC_MSG_FAILED,          /* child: could not build; "failed, message=" */
  GST_PROC_MSG_BUFFER,          /* either way: a buffer */
  GST_PROC_MSG_EVENT,           /* either way: an event */
  GST_PROC_MSG_DONE,            /* child: item @id handled; "done, flow=" */
  GST_PROC_MSG_QUERY,           /* either way: a query, answered by REPLY */
  GST_PROC_MSG_REPLY,           /* the answer to QUERY @id */
  GST_PROC_MSG_RELEASE,         /* either way: memory @id no longer used */
  GST_PROC_MSG_MESSAGE,         /* child: a message of its bus */
  GST_PROC_MSG_BUFFER_DONE,     /* child: the last output of item @id (a
                                 * buffer message), and item @id handled
                                 * with flow OK: one message, not two */
  GST_PROC_MSG_BYE,             /* child: it ends on its own, and why (it
                                 * closes its channel next); "bye, reason=" */
  GST_PROC_MSG_LAST
} GstProcMsgType;

typedef struct
{
  guint32 magic;
  guint32 type;
  guint64 id;
  guint32 len;
  guint32 n_fds;
} GstProcWireHeader;

/* A buffer message: this, then @n_mem GstProcWireMem, then the inline
 * bytes, then the metas (a NUL-terminated string, empty for none). */
typedef struct
{
  guint64 pts, dts, duration, offset, offset_end;
  guint32 flags;
  guint32 n_mem;
  guint32 inline_len;
  guint32 metas_len;            /* with its NUL */
} GstProcWireBuffer;

typedef enum
{
  GST_PROC_MEM_INLINE = 1,      /* bytes in the message */
  GST_PROC_MEM_FD,              /* a file descriptor beside the message, lent
                                 * by the sender until RELEASE @id */
  GST_PROC_MEM_RETURN,          /* the receiver's own memory @id, back */
} GstProcMemKind;

typedef struct
{
  guint32 kind;
  guint32 fd_index;
  guint64 id;
  guint64 offset, size, maxsize;
} GstProcWireMem;

/* A custom query the replica asks its child (direction unknown): the
 * child answers with `workers`, an array of strings, each a worker's
 * `worker-stats` structure serialised, upstream first. */
#define GST_PROC_CHILD_STATS_QUERY "worker-child-stats"
/* A custom query the replica passes on to its child (and the controller
 * sends to the replica, gstworkercontroller.c): pause (`paused`, a
 * boolean) the worker named `worker` in the child. */
#define GST_PROC_CHILD_PAUSE_QUERY "worker-child-pause"
/* A custom query the replica passes on to its child (the controller's
 * gst_worker_controller_set_element_property(), gstworkerset.c): set
 * `property` of the element named `element` in the child to `value`
 * (text), with the rules of gstworkerpropset.c; refusals name it `who`.
 * Answered with `ok` (a boolean), `found` (FALSE: no such element) and
 * `error` (why not). */
#define GST_PROC_CHILD_SET_QUERY "worker-child-set"
/* An element query of the replica (not sent to the child): a controller's
 * stall policy ends a child that holds an item for too long, as
 * hang-timeout does ("reason": how it is told); TRUE if it did. */
#define GST_PROC_CHILD_KILL_QUERY "worker-child-kill"
/* A custom query the replica passes on to its child (a controller's exit
 * now, gstworkerexit.c): the child stops every item where it is, lets
 * none out any more, and answers as to GST_PROC_CHILD_STATS_QUERY with
 * what each element held then, exactly (`frozen`; each worker's `held`,
 * the queues' items, `others`; `input-held`: what the replica sent that
 * its worker did not take); every later stats query gets that answer
 * (gstprocfreeze.c). A child that did not answer in time: the query
 * fails with `unanswered`. */
#define GST_PROC_CHILD_FREEZE_QUERY "worker-child-freeze"

gchar *      gst_proc_wire_serialize_metas   (GstBuffer * buffer,
                                              gsize * len);
gboolean     gst_proc_wire_deserialize_metas (GstBuffer * buffer,
                                              const gchar * metas,
                                              gsize len,
                                              gchar ** error);

gchar *      gst_proc_wire_serialize_event   (GstEvent * event);
GstEvent *   gst_proc_wire_deserialize_event (const gchar * data, guint64 id);

gchar *      gst_proc_wire_serialize_query   (GstQuery * query,
                                              GstPadDirection direction);
GstQuery *   gst_proc_wire_deserialize_query (const gchar * data,
                                              GstPadDirection * direction);
gboolean     gst_proc_wire_update_query      (GstQuery * query,
                                              const gchar * reply);

gchar *      gst_proc_wire_serialize_structure (const GstStructure * s);

G_END_DECLS
