/* gst-workers: the items a process replica's child holds
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* What a processreplica sent to its child and has not seen all the
 * outputs of. A child whose worker has no threads of its own is done with
 * an item when it says so (its DONE); one with a queue inside says DONE as
 * soon as the item is in that queue, so after each item the replica sends
 * a mark (a serialized custom event, which every queue keeps in order):
 * when the mark comes out of the worker, every item before it is done. A
 * child that dies leaves what is kept here: the replica sends it again, in
 * order, to the next child. The items are references (frames in shared
 * memory stay where they are). Not locked: the replica's lock covers it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstprocinflight.h"

#define MARK_NAME "GstWorkerProcessMark"

struct _GstProcInflight
{
  GQueue items;                 /* GstProcInflightItem, oldest first */
};

GstProcInflight *
gst_proc_inflight_new (void)
{
  GstProcInflight *inflight = g_new0 (GstProcInflight, 1);

  g_queue_init (&inflight->items);
  return inflight;
}

void
gst_proc_inflight_item_free (GstProcInflightItem * item)
{
  gst_clear_buffer (&item->buffer);
  gst_clear_event (&item->event);
  g_free (item);
}

void
gst_proc_inflight_free (GstProcInflight * inflight)
{
  gst_proc_inflight_clear (inflight);
  g_free (inflight);
}

/* Keeps @buffer or @event (a reference of its own is taken), sent with
 * @id, after the ones kept before. */
void
gst_proc_inflight_keep (GstProcInflight * inflight, guint64 id,
    GstBuffer * buffer, GstEvent * event, guint crashes)
{
  GstProcInflightItem *item = g_new0 (GstProcInflightItem, 1);

  item->id = id;
  item->buffer = buffer ? gst_buffer_ref (buffer) : NULL;
  item->event = event ? gst_event_ref (event) : NULL;
  item->crashes = crashes;
  g_queue_push_tail (&inflight->items, item);
  /* a worker that drops the marks: what it holds is not known, keep the
   * last ones only */
  if (g_queue_get_length (&inflight->items) > GST_PROC_INFLIGHT_MAX)
    gst_proc_inflight_item_free (g_queue_pop_head (&inflight->items));
}

/* Drops the items sent with an id up to @upto: their outputs are all out.
 * Returns: how many. */
guint
gst_proc_inflight_retire (GstProcInflight * inflight, guint64 upto)
{
  GstProcInflightItem *item;
  guint n = 0;

  while ((item = g_queue_peek_head (&inflight->items)) && item->id <= upto) {
    gst_proc_inflight_item_free (g_queue_pop_head (&inflight->items));
    n++;
  }
  return n;
}

void
gst_proc_inflight_clear (GstProcInflight * inflight)
{
  g_queue_clear_full (&inflight->items,
      (GDestroyNotify) gst_proc_inflight_item_free);
}

guint
gst_proc_inflight_length (GstProcInflight * inflight)
{
  return g_queue_get_length (&inflight->items);
}

/* The child died: takes every item kept, oldest first (the caller owns
 * the list and its items). The oldest one (the worker's last stage had
 * it) and the one sent with @in_hand (0: none; the first stage had it)
 * count a crash each: the others only waited in a queue. */
GList *
gst_proc_inflight_take_crashed (GstProcInflight * inflight, guint64 in_hand)
{
  GList *list = inflight->items.head, *l;

  for (l = list; l; l = l->next) {
    GstProcInflightItem *item = l->data;

    if (l == list || (in_hand && item->id == in_hand))
      item->crashes++;
  }
  g_queue_init (&inflight->items);
  return list;
}

/* The mark sent after the item sent with @id. */
GstEvent *
gst_proc_inflight_new_mark (guint64 id)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new (MARK_NAME, "id", G_TYPE_UINT64, id, NULL));
}

/* Whether @event is a mark; @id: the item it follows. */
gboolean
gst_proc_inflight_parse_mark (GstEvent * event, guint64 * id)
{
  const GstStructure *s;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CUSTOM_DOWNSTREAM)
    return FALSE;
  s = gst_event_get_structure (event);
  return s && gst_structure_has_name (s, MARK_NAME) &&
      gst_structure_get_uint64 (s, "id", id);
}
