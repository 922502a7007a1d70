/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Before a run, the elements that can never start: an element that takes
 * input (it has sink pad templates and is no source) with nothing linked
 * to any of its inputs, or with no input pad at all (a merge whose pads
 * nobody requested), never gets an item, and the system it is part of
 * could never drain: it would sit idle until stopped. Said at once, with
 * the element and why, instead. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstworkerstartcheck.h"
#include "gstworkertopology.h"
#include "gstworkerpeer.h"

static gboolean
takes_input (GstElement * element)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (element);
  const gchar *kind = gst_element_class_get_metadata (klass,
      GST_ELEMENT_METADATA_KLASS);

  if (GST_IS_BIN (element) || (kind && strstr (kind, "Source")))
    return FALSE;
  for (GList * l = gst_element_class_get_pad_template_list (klass); l;
      l = l->next)
    if (GST_PAD_TEMPLATE_DIRECTION (l->data) == GST_PAD_SINK)
      return TRUE;
  return FALSE;
}

/* Returns: %TRUE if something is linked to one of @element's inputs
 * (through bins' ghost pads); @n_pads: how many input pads it has. */
static gboolean
has_linked_input (GstElement * element, guint * n_pads)
{
  GList *pads = NULL;
  gboolean linked = FALSE;

  GST_OBJECT_LOCK (element);
  for (GList * l = element->sinkpads; l; l = l->next)
    pads = g_list_prepend (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (element);
  *n_pads = g_list_length (pads);
  for (GList * l = pads; l && !linked; l = l->next) {
    GstPad *peer = gst_worker_real_peer (l->data);

    linked = peer != NULL;
    gst_clear_object (&peer);
  }
  g_list_free_full (pads, gst_object_unref);
  return linked;
}

/* The element the user wrote: @element's ancestor right below @pipeline
 * (a workerpool, not its dispatcher). */
static GstElement *
user_element (GstBin * pipeline, GstElement * element)
{
  GstObject *o = gst_object_ref (GST_OBJECT (element));

  for (;;) {
    GstObject *parent = gst_object_get_parent (o);

    if (!parent || parent == GST_OBJECT (pipeline)) {
      gst_clear_object (&parent);
      return GST_ELEMENT (o);
    }
    gst_object_unref (o);
    o = parent;
  }
}

/**
 * worker_start_check:
 * @element: (out) (transfer full): the element that cannot start
 *
 * Returns: (transfer full) (nullable): why @pipeline can never start
 *   (the first element found), or %NULL if nothing says so
 */
gchar *
worker_start_check (GstBin * pipeline, gchar ** element)
{
  GstIterator *it = gst_bin_iterate_recurse (pipeline);
  GValue v = G_VALUE_INIT;
  gchar *why = NULL;
  gboolean done = FALSE;

  while (!done && !why) {
    switch (gst_iterator_next (it, &v)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&v);
        GstElement *named;
        GstElementFactory *f;
        guint n_pads = 0;

        if (takes_input (e) && !has_linked_input (e, &n_pads)) {
          named = user_element (pipeline, e);
          f = gst_element_get_factory (named);
          *element = gst_object_get_name (GST_OBJECT (named));
          why = n_pads ? g_strdup_printf ("%s (%s) can never start: nothing "
              "is linked to its input, so no item ever reaches it, and the "
              "system could never drain", *element,
              f ? GST_OBJECT_NAME (f) : G_OBJECT_TYPE_NAME (named)) :
              g_strdup_printf ("%s (%s) can never start: it has no input "
              "(link one to it, as in 'src ! %s.'), so it never makes "
              "an item, and the system could never drain", *element,
              f ? GST_OBJECT_NAME (f) : G_OBJECT_TYPE_NAME (named), *element);
          gst_object_unref (named);
        }
        g_value_reset (&v);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return why;
}
