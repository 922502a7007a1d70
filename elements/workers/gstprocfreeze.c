/* gst-workers: what a process replica's child holds, counted, and its freeze
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * The child of a processreplica counts every buffer that crosses a link
 * inside it: a probe on each output of each element of the worker (and
 * on the child's own pad into the worker) counts what it pushes on.
 * Each element then holds what was pushed into it less what it pushed
 * on; the child's input, what the replica sent less what went into the
 * worker.
 *
 * An exit now freezes the child (gst_proc_freeze_stop()): from then on
 * no buffer crosses a link -- each push waits in its probe, its buffer
 * still counted with the element that pushes it, and is dropped when the
 * child flushes or ends -- so the counts stand still at once and every
 * item is in exactly one place, while the workers finish the item in
 * hand (its output waits then). Nothing leaves the child any more: what
 * the counts say it held is what the replica reports discarded, never
 * an item that still comes out (newuser E8: the child's queue levels
 * were read while its workers ran on, and delivered what had been
 * counted).
 *
 * Elements that are neither workers nor queues (a videoconvert) hold an
 * item only while they work on it: the freeze waits a little (at most
 * SETTLE_TIMEOUT) for one they took to reach their output, and counts
 * those waiting there (an element that drops items holds none).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gstprocfreeze.h"

#define SETTLE_TIMEOUT (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GstProcFreeze *freeze;
  GstPad *pad;                  /* reffed; fixed */
  gulong probe;                 /* fixed */
  /* protected by the freeze's lock */
  guint64 passed;               /* buffers it pushed on */
  guint waiting;                /* pushes held by the freeze */
} Link;

struct _GstProcFreeze
{
  GstPad *input;                /* reffed; fixed: the child's, into the
                                 * worker */
  GMutex lock;
  GCond cond;                   /* a push waits, or the freeze ends */
  /* protected by lock */
  GPtrArray *links;             /* Link, one per output counted */
  guint64 received;             /* buffers the replica sent */
  guint64 received_id;          /* the replica's id of the last one */
  gboolean frozen;              /* no buffer crosses a link */
  gboolean flushing;            /* the held pushes drop their buffer */
};

GstProcFreeze *
gst_proc_freeze_new (GstPad * input)
{
  GstProcFreeze *self = g_new0 (GstProcFreeze, 1);

  self->input = gst_object_ref (input);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->links = g_ptr_array_new ();
  return self;
}

/* Once nothing pushes any more (the child's pipeline stopped). */
void
gst_proc_freeze_free (GstProcFreeze * self)
{
  for (guint i = 0; i < self->links->len; i++) {
    Link *link = g_ptr_array_index (self->links, i);

    gst_pad_remove_probe (link->pad, link->probe);
    gst_object_unref (link->pad);
    g_free (link);
  }
  g_ptr_array_unref (self->links);
  gst_object_unref (self->input);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* On every buffer (list) an output pushes: counted; frozen, held (its
 * buffer dropped once the child flushes). */
static GstPadProbeReturn
on_push (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Link *link = data;
  GstProcFreeze *self = link->freeze;
  guint n = 1;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    n = gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  g_mutex_lock (&self->lock);
  if (!self->frozen) {
    link->passed += n;
    g_mutex_unlock (&self->lock);
    return GST_PAD_PROBE_OK;
  }
  link->waiting++;
  g_cond_broadcast (&self->cond);
  while (self->frozen && !self->flushing)
    g_cond_wait (&self->cond, &self->lock);
  link->waiting--;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_DROP;
}

static void
count_pad (GstProcFreeze * self, GstPad * pad)
{
  Link *link = g_new0 (Link, 1);

  link->freeze = self;
  link->pad = gst_object_ref (pad);
  link->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, on_push, link, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->links, link);
  g_mutex_unlock (&self->lock);
}

static void
count_outputs (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  GList *pads = NULL;

  if (GST_IS_BIN (element))
    return;
  GST_OBJECT_LOCK (element);
  for (GList * l = element->srcpads; l; l = l->next)
    pads = g_list_prepend (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (element);
  for (GList * l = pads; l; l = l->next)
    count_pad (user_data, l->data);
  g_list_free_full (pads, gst_object_unref);
}

/* Counts what the input and the outputs of the elements of @bin (the
 * worker, built; not running yet) push on. (Outputs an element makes
 * while it runs are not counted.) */
void
gst_proc_freeze_watch (GstProcFreeze * self, GstBin * bin)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);

  count_pad (self, self->input);
  while (gst_iterator_foreach (it, count_outputs, self) ==
      GST_ITERATOR_RESYNC) {
    /* (not running yet: nobody adds elements meanwhile) */
    gst_iterator_resync (it);
  }
  gst_iterator_free (it);
}

/* The replica sent a buffer, its item @id. */
void
gst_proc_freeze_received (GstProcFreeze * self, guint64 id)
{
  g_mutex_lock (&self->lock);
  self->received++;
  self->received_id = MAX (self->received_id, id);
  g_mutex_unlock (&self->lock);
}

/* The child flushes (or ends): the pushes held drop their buffer; then
 * it runs again (still frozen, if it was). */
void
gst_proc_freeze_set_flushing (GstProcFreeze * self, gboolean flushing)
{
  g_mutex_lock (&self->lock);
  self->flushing = flushing;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
is_queue (GstElement * element)
{
  return !GST_IS_WORKER (element) &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (element),
      "current-level-buffers") != NULL;
}

/* With the lock: each element -> what it held (GstProcFreezeHeld), from
 * the counts (the child's own pads are no element's). */
static GHashTable *
held_locked (GstProcFreeze * self)
{
  GHashTable *held = g_hash_table_new_full (NULL, NULL, gst_object_unref,
      g_free);

  for (guint i = 0; i < self->links->len; i++) {
    Link *link = g_ptr_array_index (self->links, i);
    GstElement *from = gst_pad_get_parent_element (link->pad);
    GstPad *peer = gst_pad_get_peer (link->pad);
    GstElement *to = peer ? gst_pad_get_parent_element (peer) : NULL;
    GstProcFreezeHeld *h;

    if (from) {
      if (!(h = g_hash_table_lookup (held, from)))
        g_hash_table_insert (held, gst_object_ref (from), (h =
                g_new0 (GstProcFreezeHeld, 1)));
      h->departures += link->passed;
      h->waiting += link->waiting;
    }
    if (to) {
      if (!(h = g_hash_table_lookup (held, to)))
        g_hash_table_insert (held, gst_object_ref (to), (h =
                g_new0 (GstProcFreezeHeld, 1)));
      h->arrivals += link->passed;
    }
    gst_clear_object (&from);
    gst_clear_object (&to);
    gst_clear_object (&peer);
  }
  return held;
}

/* With the lock: whether an element that is neither a worker nor a queue
 * took an item whose output has not reached its freeze yet. */
static gboolean
working_locked (GstProcFreeze * self)
{
  GHashTable *held = held_locked (self);
  GHashTableIter it;
  gpointer key, value;
  gboolean working = FALSE;

  g_hash_table_iter_init (&it, held);
  while (!working && g_hash_table_iter_next (&it, &key, &value)) {
    GstProcFreezeHeld *h = value;

    working = !GST_IS_WORKER (key) && !is_queue (key) &&
        h->arrivals > h->departures && h->waiting == 0;
  }
  g_hash_table_unref (held);
  return working;
}

/* Freezes the child (the first time): no buffer crosses a link from now
 * on. Returns: each element of the worker -> what it held then
 * (GstProcFreezeHeld; the element reffed). */
GHashTable *
gst_proc_freeze_stop (GstProcFreeze * self)
{
  gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT;
  GHashTable *held;

  g_mutex_lock (&self->lock);
  self->frozen = TRUE;
  /* (bounded: one that drops what it takes never gets there) */
  while (working_locked (self) &&
      g_cond_wait_until (&self->cond, &self->lock, deadline));
  held = held_locked (self);
  g_mutex_unlock (&self->lock);
  return held;
}

/* Whether the child was frozen. */
gboolean
gst_proc_freeze_is_frozen (GstProcFreeze * self)
{
  gboolean frozen;

  g_mutex_lock (&self->lock);
  frozen = self->frozen;
  g_mutex_unlock (&self->lock);
  return frozen;
}

/* The items the replica sent that did not go into the worker (before
 * the freeze, or after it); @received_id (if not %NULL): the replica's id
 * of the last buffer that came, with them. */
guint64
gst_proc_freeze_input_held (GstProcFreeze * self, guint64 * received_id)
{
  guint64 taken = 0, received;

  g_mutex_lock (&self->lock);
  received = self->received;
  if (received_id)
    *received_id = self->received_id;
  for (guint i = 0; i < self->links->len; i++) {
    Link *link = g_ptr_array_index (self->links, i);

    if (link->pad == self->input)
      taken = link->passed;
  }
  g_mutex_unlock (&self->lock);
  return received > taken ? received - taken : 0;
}
