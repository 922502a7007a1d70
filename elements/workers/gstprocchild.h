/* gst-workers: the child process of a process replica
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "gstprocchannel.h"
#include "gstprocchildstatus.h"

G_BEGIN_DECLS

#define GST_TYPE_PROC_CHILD (gst_proc_child_get_type ())
G_DECLARE_FINAL_TYPE (GstProcChild, gst_proc_child, GST, PROC_CHILD,
    GObject)

/* What a child is started with, read at each start and each crash. */
typedef struct
{
  gchar *worker;                /* the description (owned) */
  gboolean tcp;                 /* over TCP on the loopback */
  guint start_timeout;          /* ms */
  guint max_restarts;
  guint restart_delay;          /* ms */
} GstProcChildSettings;

/* How a child talks to its owner. None is called with the child's lock
 * held: each may take the owner's lock. */
typedef struct
{
  /* the owner's settings now (under its lock) */
  void     (*settings) (GstProcChildSettings * settings, gpointer user_data);
  /* the reader thread: a message of the running child that is not of its
   * start (an item's end, an output, an event, a message of its bus);
   * @pid: the child's */
  void     (*message)  (GstProcChannel * channel, GstProcMessage * msg,
                        GPid pid, gpointer user_data);
  /* the reader thread: answer @query (the worker's input asks upstream,
   * its output downstream) */
  gboolean (*query)    (GstProcChannel * channel, GstQuery * query,
                        GstPadDirection direction, gpointer user_data);
  /* the reader thread: the child ended (@death says how); the owner calls
   * gst_proc_child_died() under its lock, so that what it holds and the
   * death are seen together */
  void     (*closed)   (GstProcChild * child, const gchar * death,
                        gpointer user_data);
  /* a start began (%TRUE) or ended (%FALSE; @notify: the start thread
   * ended it: the element's `starting` changed) */
  void     (*starting) (gboolean starting, gboolean notify,
                        gpointer user_data);
  /* the child's state changed (a start ended, it stops): the owner's
   * waiters look again */
  void     (*changed)  (gpointer user_data);
} GstProcChildCallbacks;

GstProcChild *gst_proc_child_new (GstElement * element,
    GstProcChildStatus * children, const GstProcChildCallbacks * callbacks,
    gpointer user_data);

gboolean gst_proc_child_spawn (GstProcChild * child, GError ** error);
void gst_proc_child_stop (GstProcChild * child);
gboolean gst_proc_child_died (GstProcChild * child, const gchar * death,
    gboolean idle);
gboolean gst_proc_child_restart_dead (GstProcChild * child);
gboolean gst_proc_child_kill (GstProcChild * child, const gchar * death);

GstProcChannel *gst_proc_child_dup_channel (GstProcChild * child,
    gboolean said_hello, GPid * pid);
gboolean gst_proc_child_is_starting (GstProcChild * child);
gboolean gst_proc_child_start_failed (GstProcChild * child);
gboolean gst_proc_child_is_dead (GstProcChild * child);
gboolean gst_proc_child_is_running (GstProcChild * child);
GPid gst_proc_child_get_pid (GstProcChild * child);
gchar *gst_proc_child_dup_death (GstProcChild * child);
guint gst_proc_child_generation (GstProcChild * child);
gboolean gst_proc_child_has_threads (GstProcChild * child);
guint gst_proc_child_restarts (GstProcChild * child);

gboolean gst_proc_child_count_crash (GstProcChild * child, guint * delay,
    guint * max, guint * in_a_row);
guint gst_proc_child_count_restart (GstProcChild * child, guint * in_a_row);
void gst_proc_child_not_crashing (GstProcChild * child);
gchar *gst_proc_child_gives_up_text (GstProcChild * child, guint in_a_row,
    guint max, const gchar * death);
void gst_proc_child_announce_restart (GstProcChild * child,
    const gchar * death, guint restarts, guint in_a_row, guint max);

G_END_DECLS
