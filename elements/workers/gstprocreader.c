/* gst-workers: what a process replica does with what its child sends on
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The replica's side of the messages its child writes, on the thread
 * that reads them (the GstProcChannel's reader, through GstProcChild):
 * the outputs and events it pushes on from the replica's src pad, how
 * long such a push has lasted (an answer of the child waits behind it:
 * GstProcChildStatus asks, through gst_proc_reader_pushing_ms()), the
 * child's last caps given again before a segment, and the messages of
 * the child's bus posted as the element's. What the replica decides of
 * each output (pushed, skipped, discarded) and of each item's end stays
 * the replica's, under its lock. One push at a time: a reader relieved
 * while held in a push (an exit's freeze: gst_proc_channel_relieve_reader())
 * may still be in it when the new one pushes (the child's outputs pass on
 * again after a freeze it did not answer). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gstprocreader.h"

struct _GstProcReader
{
  GstElement *element;          /* fixed, not a reference: the owner */
  GstPad *srcpad;               /* fixed, the owner's */
  GstWorkerCore *core;          /* fixed, the owner's */
  GstProcChildStatus *children; /* fixed, the owner's */

  GMutex lock;
  GCond cond;                   /* a push ended */
  /* protected by lock */
  GstEvent *child_caps;         /* the last caps event a child sent */
  gboolean busy;                /* a reader pushes one of the child's
                                 * outputs or events on (an answer behind
                                 * it waits for that) */
  gint64 push_began;            /* monotonic us that push began */
};

GstProcReader *
gst_proc_reader_new (GstElement * element, GstPad * srcpad,
    GstWorkerCore * core, GstProcChildStatus * children)
{
  GstProcReader *reader = g_new0 (GstProcReader, 1);

  reader->element = element;
  reader->srcpad = srcpad;
  reader->core = core;
  reader->children = children;
  g_mutex_init (&reader->lock);
  g_cond_init (&reader->cond);
  return reader;
}

void
gst_proc_reader_free (GstProcReader * reader)
{
  gst_clear_event (&reader->child_caps);
  g_cond_clear (&reader->cond);
  g_mutex_clear (&reader->lock);
  g_free (reader);
}

/* The reader's turn to push (after any other reader's push) */
static void
push_begin (GstProcReader * reader)
{
  g_mutex_lock (&reader->lock);
  while (reader->busy)
    g_cond_wait (&reader->cond, &reader->lock);
  reader->busy = TRUE;
  reader->push_began = g_get_monotonic_time ();
  g_mutex_unlock (&reader->lock);
}

static void
push_end (GstProcReader * reader)
{
  g_mutex_lock (&reader->lock);
  reader->busy = FALSE;
  g_cond_signal (&reader->cond);
  g_mutex_unlock (&reader->lock);
}

/* How long (ms) the reader has been in its push, 0 when it is not in
 * one: an answer of the child behind it waits (GstProcChildStatus does
 * not wait for one behind a push held long). */
guint
gst_proc_reader_pushing_ms (GstProcReader * reader)
{
  guint ms = 0;

  g_mutex_lock (&reader->lock);
  if (reader->busy)
    ms = MAX ((g_get_monotonic_time () - reader->push_began) / 1000, 1);
  g_mutex_unlock (&reader->lock);
  return ms;
}

/* Pushes @buffer (not taken), an output of the child on @channel, on. */
GstFlowReturn
gst_proc_reader_push_output (GstProcReader * reader, GstProcChannel * channel,
    GstBuffer * buffer)
{
  GstFlowReturn flow;

  push_begin (reader);
  flow = gst_worker_core_push (reader->core, reader->srcpad,
      gst_buffer_ref (buffer));
  push_end (reader);
  /* a push held by a full queue downstream kept the child unheard: its
   * output is word from it, from now */
  gst_proc_child_status_answered (reader->children, channel);
  return flow;
}

/* Pushes @event (not taken), an event of the child, on. */
void
gst_proc_reader_push_event (GstProcReader * reader, GstEvent * event)
{
  GstEvent *caps = NULL;

  push_begin (reader);
  /* a child keeps its pads' caps over the flush that ends a run, so in the
   * next one it sends no caps again (equal ones are not pushed); this pad
   * forgot them when it stopped: the child's last ones go before its
   * segment */
  g_mutex_lock (&reader->lock);
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
    gst_event_replace (&reader->child_caps, event);
  else if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT &&
      reader->child_caps && !gst_pad_has_current_caps (reader->srcpad))
    caps = gst_event_ref (reader->child_caps);
  g_mutex_unlock (&reader->lock);
  if (caps)
    gst_pad_push_event (reader->srcpad, caps);
  gst_pad_push_event (reader->srcpad, gst_event_ref (event));
  push_end (reader);
}

/* @event (not taken), an event of a frozen child, is not pushed now (a
 * relieved reader may still be in a push): a sticky one but EOS is stored
 * on the pad, to go out before the next push if there is one (the
 * child's outputs pass on again after a freeze it did not answer); its
 * caps are the child's last, as pushed ones. */
void
gst_proc_reader_keep_event (GstProcReader * reader, GstEvent * event)
{
  GST_DEBUG_OBJECT (reader->element, "its child is frozen: %" GST_PTR_FORMAT
      " not pushed", event);
  if (!GST_EVENT_IS_STICKY (event) || GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    return;
  g_mutex_lock (&reader->lock);
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
    gst_event_replace (&reader->child_caps, event);
  g_mutex_unlock (&reader->lock);
  gst_pad_store_sticky_event (reader->srcpad, event);
}

/* A message of the child's bus (@message, from the child on @channel,
 * process @pid): a worker's heartbeat goes to the status; other element
 * messages are posted again by the element; errors and warnings become
 * the element's, their text prefixed with its name and the pid. */
void
gst_proc_reader_post_message (GstProcReader * reader,
    GstProcChannel * channel, const GstStructure * message, GPid pid)
{
  GstElement *element = reader->element;
  const gchar *type = gst_structure_get_string (message, "type");
  const gchar *src = gst_structure_get_string (message, "src");

  if (g_strcmp0 (type, "element") == 0) {
    const gchar *str = gst_structure_get_string (message, "structure");
    GstStructure *s = str ? gst_structure_from_string (str, NULL) : NULL;

    if (s && gst_structure_has_name (s, GST_WORKER_HEARTBEAT_NAME)) {
      gst_proc_child_status_take_heartbeat (reader->children, s);
      /* the child runs: as good as an answer (a backlog read after a wait
       * on a full queue downstream makes it current again) */
      gst_proc_child_status_answered (reader->children, channel);
      s = NULL;
    }
    if (s)
      gst_element_post_message (element,
          gst_message_new_element (GST_OBJECT (element), s));
  } else if (type) {
    const gchar *domain = gst_structure_get_string (message, "domain");
    const gchar *text = gst_structure_get_string (message, "text");
    const gchar *debug = gst_structure_get_string (message, "debug");
    gint code = 0;
    GError *err;
    gchar *dbg;

    gst_structure_get_int (message, "code", &code);
    err = g_error_new (domain ? g_quark_from_string (domain) :
        GST_CORE_ERROR, code, "Worker process %s (pid %d): %s",
        GST_OBJECT_NAME (element), (gint) pid, text ? text : "");
    dbg = g_strdup_printf ("in the child, from %s: %s", src ? src : "?",
        debug ? debug : "");
    if (g_str_equal (type, "error"))
      gst_element_post_message (element,
          gst_message_new_error (GST_OBJECT (element), err, dbg));
    else
      gst_element_post_message (element,
          gst_message_new_warning (GST_OBJECT (element), err, dbg));
    g_error_free (err);
    g_free (dbg);
  }
}
