/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The FIFO behind a feedbacksink / feedbacksrc pair.
 *
 * Channels are found by name within one top-level pipeline: a registry maps
 * (top-level bin, name) to the channel while at least one end is bound
 * (from NULL->READY to READY->NULL). The FIFO holds buffers, bounded by the
 * sink's max-size-buffers, and caps events, which travel in order with the
 * buffers and do not count.
 *
 * Locking: the registry lock guards the registry and the ends' pointers;
 * ch->lock guards everything else. Order: ch->lock, then a worker core's
 * lock or a pad's object lock; never the other way round. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstfeedbackchannel.h"

GST_DEBUG_CATEGORY_STATIC (feedback_channel_debug);
#define GST_CAT_DEFAULT feedback_channel_debug

struct _GstFeedbackChannel
{
  gint refcount;                /* atomic */
  gchar *key;
  gchar *name;
  gchar *wait_name;             /* "channel NAME", for blocked-on */

  /* protected by the registry lock */
  GstElement *sink;             /* not reffed: bound ends unbind themselves */
  GstElement *src;
  GstPad *sink_pad;
  GstPad *src_pad;

  GMutex lock;
  GCond cond;

  /* protected by lock */
  GQueue fifo;                  /* GstBuffer and caps GstEvent */
  guint n_buffers;
  guint max_buffers;
  GstCaps *src_caps;            /* the src's caps property */
  gboolean src_flushing;
  gboolean sink_eos;            /* the sink got EOS: the src ends once empty */
  gboolean src_done;            /* the src ended: writes are discarded */
  gboolean await_sink_flush;    /* the src flushed: drop writes until the
                                 * sink flushes too */
  guint32 sink_flush_seqnum;
};

static GMutex registry_lock;
static GHashTable *registry;    /* key -> channel, not reffed */

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (feedback_channel_debug, "feedbackchannel", 0,
        "feedback loop channels");
    g_once_init_leave (&done, 1);
  }
}

static GstObject *
top_level (GstElement * element)
{
  GstObject *top = gst_object_ref (GST_OBJECT (element)), *parent;

  while ((parent = gst_object_get_parent (top))) {
    gst_object_unref (top);
    top = parent;
  }
  return top;
}

GstFeedbackChannel *
gst_feedback_channel_ref (GstFeedbackChannel * ch)
{
  g_atomic_int_inc (&ch->refcount);
  return ch;
}

void
gst_feedback_channel_unref (GstFeedbackChannel * ch)
{
  if (!g_atomic_int_dec_and_test (&ch->refcount))
    return;
  g_queue_clear_full (&ch->fifo, (GDestroyNotify) gst_mini_object_unref);
  gst_clear_caps (&ch->src_caps);
  g_mutex_clear (&ch->lock);
  g_cond_clear (&ch->cond);
  g_free (ch->key);
  g_free (ch->name);
  g_free (ch->wait_name);
  g_free (ch);
}

/* Binds @element as the sink (or src) end of channel @name of its
 * top-level pipeline, creating the channel if needed. Returns a ref, or
 * NULL with @error set if that end is taken. */
GstFeedbackChannel *
gst_feedback_channel_bind (GstElement * element, GstPad * pad,
    const gchar * name, gboolean is_sink, GError ** error)
{
  GstObject *top = top_level (element);
  gchar *key = g_strdup_printf ("%p/%s", top, name);
  GstFeedbackChannel *ch;
  GstElement *other;

  init_debug ();
  g_mutex_lock (&registry_lock);
  if (!registry)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  ch = g_hash_table_lookup (registry, key);
  if (!ch) {
    ch = g_new0 (GstFeedbackChannel, 1);
    ch->refcount = 1;           /* the registry's entry, dropped on removal */
    ch->key = g_strdup (key);
    ch->name = g_strdup (name);
    ch->wait_name = g_strdup_printf ("channel %s", name);
    g_mutex_init (&ch->lock);
    g_cond_init (&ch->cond);
    g_queue_init (&ch->fifo);
    ch->max_buffers = 1;
    ch->sink_flush_seqnum = GST_SEQNUM_INVALID;
    g_hash_table_insert (registry, ch->key, ch);
    GST_DEBUG_OBJECT (element, "new channel %s in %" GST_PTR_FORMAT, name, top);
  }

  other = is_sink ? ch->sink : ch->src;
  if (other && other != element) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "Channel '%s' already has a %s (%s) in this pipeline: a channel "
        "joins one feedbacksink to one feedbacksrc.", name,
        is_sink ? "feedbacksink" : "feedbacksrc", GST_OBJECT_NAME (other));
    ch = NULL;
  } else if (is_sink) {
    ch->sink = element;
    ch->sink_pad = pad;
    gst_feedback_channel_ref (ch);
  } else {
    ch->src = element;
    ch->src_pad = pad;
    gst_feedback_channel_ref (ch);
  }
  g_mutex_unlock (&registry_lock);

  g_free (key);
  gst_object_unref (top);
  return ch;
}

/* Unbinds @element; the channel goes once neither end is bound. Drops the
 * ref bind() returned. */
void
gst_feedback_channel_unbind (GstFeedbackChannel * ch, GstElement * element)
{
  gboolean last = FALSE;

  g_mutex_lock (&registry_lock);
  if (ch->sink == element) {
    ch->sink = NULL;
    ch->sink_pad = NULL;
  }
  if (ch->src == element) {
    ch->src = NULL;
    ch->src_pad = NULL;
  }
  if (!ch->sink && !ch->src) {
    g_hash_table_remove (registry, ch->key);
    last = TRUE;
  }
  g_mutex_unlock (&registry_lock);

  /* an end waiting on the other wakes up and sees it gone */
  g_mutex_lock (&ch->lock);
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);

  if (last)
    gst_feedback_channel_unref (ch);
  gst_feedback_channel_unref (ch);
}

const gchar *
gst_feedback_channel_get_name (GstFeedbackChannel * ch)
{
  return ch->name;
}

gboolean
gst_feedback_channel_has_src (GstFeedbackChannel * ch)
{
  gboolean ret;

  g_mutex_lock (&registry_lock);
  ret = ch->src != NULL;
  g_mutex_unlock (&registry_lock);
  return ret;
}

gboolean
gst_feedback_channel_has_sink (GstFeedbackChannel * ch)
{
  gboolean ret;

  g_mutex_lock (&registry_lock);
  ret = ch->sink != NULL;
  g_mutex_unlock (&registry_lock);
  return ret;
}

/* Called with ch->lock. The sink's pad flushes on FLUSH_START and on
 * deactivation, before GstBaseSink calls unlock(), which wakes us. */
static gboolean
sink_flushing (GstFeedbackChannel * ch)
{
  gboolean flushing;

  g_mutex_lock (&registry_lock);
  flushing = !ch->sink_pad || GST_PAD_IS_FLUSHING (ch->sink_pad);
  g_mutex_unlock (&registry_lock);
  return flushing;
}

static gboolean
src_bound (GstFeedbackChannel * ch)
{
  return gst_feedback_channel_has_src (ch);
}

/* ---------------------------------------------------------------------- */
/* the sink's side */

void
gst_feedback_channel_set_max_buffers (GstFeedbackChannel * ch,
    guint max_buffers)
{
  g_mutex_lock (&ch->lock);
  ch->max_buffers = MAX (max_buffers, 1);
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

guint
gst_feedback_channel_get_level (GstFeedbackChannel * ch)
{
  guint level;

  g_mutex_lock (&ch->lock);
  level = ch->n_buffers;
  g_mutex_unlock (&ch->lock);
  return level;
}

GstCaps *
gst_feedback_channel_get_src_caps (GstFeedbackChannel * ch)
{
  GstCaps *caps;

  g_mutex_lock (&ch->lock);
  caps = ch->src_caps ? gst_caps_ref (ch->src_caps) : NULL;
  g_mutex_unlock (&ch->lock);
  return caps;
}

/* Appends a buffer or a caps event (transfer full). A buffer waits while
 * the FIFO is full: a Kahn blocking write, reported blocked on the core. */
GstFeedbackResult
gst_feedback_channel_write (GstFeedbackChannel * ch, GstMiniObject * obj,
    GstWorkerCore * core)
{
  gboolean is_buffer = GST_IS_BUFFER (obj), waiting = FALSE;
  GstFeedbackResult res;

  g_mutex_lock (&ch->lock);
  for (;;) {
    if (sink_flushing (ch)) {
      res = GST_FEEDBACK_FLUSHING;
      break;
    }
    if (ch->src_done || ch->await_sink_flush) {
      res = GST_FEEDBACK_DISCARDED;
      break;
    }
    if (!is_buffer || ch->n_buffers < ch->max_buffers) {
      g_queue_push_tail (&ch->fifo, obj);
      obj = NULL;
      if (is_buffer)
        ch->n_buffers++;
      g_cond_broadcast (&ch->cond);
      res = GST_FEEDBACK_OK;
      break;
    }
    if (!waiting && core) {
      gst_worker_core_enter_wait (core, GST_WORKER_STATE_BLOCKED,
          ch->wait_name);
      waiting = TRUE;
    }
    GST_LOG ("channel %s full (%u)", ch->name, ch->n_buffers);
    g_cond_wait (&ch->cond, &ch->lock);
  }
  g_mutex_unlock (&ch->lock);

  if (waiting)
    gst_worker_core_leave_wait (core);
  if (obj)
    gst_mini_object_unref (obj);
  return res;
}

/* The sink got EOS: waits until the src has taken everything and pushed its
 * own EOS (or ended otherwise). */
GstFeedbackResult
gst_feedback_channel_sink_eos (GstFeedbackChannel * ch, GstWorkerCore * core)
{
  GstFeedbackResult res = GST_FEEDBACK_OK;
  gboolean waiting = FALSE;

  g_mutex_lock (&ch->lock);
  ch->sink_eos = TRUE;
  g_cond_broadcast (&ch->cond);
  while (!ch->src_done) {
    if (sink_flushing (ch)) {
      res = GST_FEEDBACK_FLUSHING;
      break;
    }
    if (!src_bound (ch))
      break;
    if (!waiting && core) {
      gst_worker_core_enter_wait (core, GST_WORKER_STATE_BLOCKED,
          ch->wait_name);
      waiting = TRUE;
    }
    GST_DEBUG ("channel %s: EOS waits for %u items to drain", ch->name,
        ch->n_buffers);
    g_cond_wait (&ch->cond, &ch->lock);
  }
  g_mutex_unlock (&ch->lock);

  if (waiting)
    gst_worker_core_leave_wait (core);
  return res;
}

/* From the sink's unlock(): its pad is flushing, waiters re-check. */
void
gst_feedback_channel_sink_wake (GstFeedbackChannel * ch)
{
  g_mutex_lock (&ch->lock);
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

/* The sink flushed: what it writes now is current again. */
void
gst_feedback_channel_sink_flush_stop (GstFeedbackChannel * ch, guint32 seqnum)
{
  g_mutex_lock (&ch->lock);
  ch->await_sink_flush = FALSE;
  ch->sink_flush_seqnum = seqnum;
  ch->sink_eos = FALSE;
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

/* ---------------------------------------------------------------------- */
/* the src's side */

/* The src's caps property, which the sink proposes upstream. */
void
gst_feedback_channel_set_src_caps (GstFeedbackChannel * ch, GstCaps * caps)
{
  g_mutex_lock (&ch->lock);
  gst_caps_replace (&ch->src_caps, caps);
  g_mutex_unlock (&ch->lock);
}

void
gst_feedback_channel_src_start (GstFeedbackChannel * ch)
{
  g_mutex_lock (&ch->lock);
  ch->src_done = FALSE;
  ch->src_flushing = FALSE;
  g_mutex_unlock (&ch->lock);
}

void
gst_feedback_channel_src_stop (GstFeedbackChannel * ch)
{
  g_mutex_lock (&ch->lock);
  ch->src_flushing = TRUE;
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

void
gst_feedback_channel_src_set_flushing (GstFeedbackChannel * ch,
    gboolean flushing)
{
  g_mutex_lock (&ch->lock);
  ch->src_flushing = flushing;
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

/* Takes the next buffer or caps event; waits while the FIFO is empty,
 * reported idle on the core. */
GstFeedbackResult
gst_feedback_channel_read (GstFeedbackChannel * ch, GstMiniObject ** obj,
    GstWorkerCore * core)
{
  GstFeedbackResult res;
  gboolean waiting = FALSE;

  *obj = NULL;
  g_mutex_lock (&ch->lock);
  for (;;) {
    if (ch->src_flushing) {
      res = GST_FEEDBACK_FLUSHING;
      break;
    }
    if (!g_queue_is_empty (&ch->fifo)) {
      *obj = g_queue_pop_head (&ch->fifo);
      if (GST_IS_BUFFER (*obj))
        ch->n_buffers--;
      g_cond_broadcast (&ch->cond);
      res = GST_FEEDBACK_OK;
      break;
    }
    if (ch->sink_eos) {
      res = GST_FEEDBACK_END;
      break;
    }
    if (!waiting && core) {
      gst_worker_core_enter_wait (core, GST_WORKER_STATE_IDLE, NULL);
      waiting = TRUE;
    }
    g_cond_wait (&ch->cond, &ch->lock);
  }
  g_mutex_unlock (&ch->lock);

  if (waiting)
    gst_worker_core_leave_wait (core);
  return res;
}

/* Empties the FIFO, unreffing what it held; returns how many buffers. */
static guint
clear_fifo_locked (GstFeedbackChannel * ch)
{
  guint n = ch->n_buffers;

  g_queue_clear_full (&ch->fifo, (GDestroyNotify) gst_mini_object_unref);
  g_queue_init (&ch->fifo);
  ch->n_buffers = 0;
  g_cond_broadcast (&ch->cond);
  return n;
}

/* The src flushed (a flushing seek reached it): what the loop held is
 * stale, and so is what the sink writes until it flushes too (the flush
 * reaches it after going round the loop). Returns the buffers dropped. */
guint
gst_feedback_channel_src_flush (GstFeedbackChannel * ch, guint32 seqnum)
{
  guint n;

  g_mutex_lock (&ch->lock);
  n = clear_fifo_locked (ch);
  ch->await_sink_flush = seqnum == GST_SEQNUM_INVALID ||
      seqnum != ch->sink_flush_seqnum;
  ch->sink_eos = FALSE;
  g_mutex_unlock (&ch->lock);
  return n;
}

/* The src restarts after a flush. */
void
gst_feedback_channel_src_restart (GstFeedbackChannel * ch)
{
  g_mutex_lock (&ch->lock);
  ch->src_done = FALSE;
  g_mutex_unlock (&ch->lock);
}

/* The src pushed EOS: nothing will be read any more. Returns the buffers
 * dropped from the FIFO; later writes are discarded. */
guint
gst_feedback_channel_src_done (GstFeedbackChannel * ch)
{
  guint n;

  g_mutex_lock (&ch->lock);
  ch->src_done = TRUE;
  n = clear_fifo_locked (ch);
  g_mutex_unlock (&ch->lock);
  return n;
}
