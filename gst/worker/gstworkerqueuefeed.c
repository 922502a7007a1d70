/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Which queues a worker's thread may push into (see the header). The
 * worker's type is given by the caller: this file knows no worker. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerqueuefeed.h"
#include "gstworkerpeer.h"

/* A queue, for the core: an element whose "overrun" tells that a push into
 * it waits for room (queue, multiqueue). It pushes on from a thread of its
 * own. */
gboolean
gst_worker_is_queue (GstElement * element)
{
  return g_signal_lookup ("overrun", G_OBJECT_TYPE (element)) != 0;
}

static gboolean inputs_fed_by (GstElement * element, GType worker_type,
    GHashTable * seen);

/* Whether the thread that pushes into @sinkpad can be a worker's: walking
 * upstream through the elements that push in the thread that pushes into
 * them, a worker says yes, and so does what is not known yet (a pad not
 * linked); a queue or a source that is no worker say no. @seen holds the
 * elements visited (a ref each): one seen before is answered, or on its
 * way, elsewhere. */
static gboolean
fed_by (GstPad * sinkpad, GType worker_type, GHashTable * seen)
{
  GstPad *peer = gst_worker_real_peer (sinkpad);
  GstElement *element = peer ? gst_pad_get_parent_element (peer) : NULL;

  gst_clear_object (&peer);
  if (!element)
    return TRUE;
  if (g_hash_table_contains (seen, element)) {
    gst_object_unref (element);
    return FALSE;
  }
  g_hash_table_add (seen, element);
  if (g_type_is_a (G_OBJECT_TYPE (element), worker_type))
    return TRUE;
  if (gst_worker_is_queue (element))
    return FALSE;
  return inputs_fed_by (element, worker_type, seen);
}

static gboolean
inputs_fed_by (GstElement * element, GType worker_type, GHashTable * seen)
{
  GList *pads, *l;
  gboolean fed = FALSE;

  GST_OBJECT_LOCK (element);
  pads = g_list_copy_deep (element->sinkpads, (GCopyFunc) gst_object_ref,
      NULL);
  GST_OBJECT_UNLOCK (element);
  if (!pads) {
    /* a source, unless inputs may come later (request, sometimes pads) */
    for (l = gst_element_class_get_pad_template_list (GST_ELEMENT_GET_CLASS
            (element)); l && !fed; l = l->next)
      fed = GST_PAD_TEMPLATE_DIRECTION (l->data) == GST_PAD_SINK;
  }
  for (l = pads; l && !fed; l = l->next)
    fed = fed_by (l->data, worker_type, seen);
  g_list_free_full (pads, gst_object_unref);
  return fed;
}

/* Whether a thread of an element of @worker_type may push into @queue. */
gboolean
gst_worker_queue_fed_by (GstElement * queue, GType worker_type)
{
  GHashTable *seen = g_hash_table_new_full (NULL, NULL, gst_object_unref,
      NULL);
  gboolean fed;

  g_hash_table_add (seen, gst_object_ref (queue));
  fed = inputs_fed_by (queue, worker_type, seen);
  g_hash_table_unref (seen);
  return fed;
}
