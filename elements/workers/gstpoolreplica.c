/* gst-workers: a worker pool's replica, made from its worker description
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * A replica in a thread is a bin built from the pool's `worker`
 * description, its one free input and one free output ghosted as `sink`
 * and `src`, its elements renamed `<replica>_<name>` so that heartbeats
 * tell replicas apart. A replica in a child process is a processreplica
 * running that description; it is built here too, and dropped, so that a
 * bad description fails as early and in the same words in either
 * isolation.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/worker/worker.h>
#include "gstpoolreplica.h"
#include "gstpoolcollect.h"

/* The name GStreamer gives an element nobody named: its type's name without
 * "Gst", lower case, and a number. */
static gchar *
default_name_prefix (GstElement * element)
{
  const gchar *type = G_OBJECT_TYPE_NAME (element);

  if (g_str_has_prefix (type, "Gst"))
    type += 3;
  return g_ascii_strdown (type, -1);
}

static gboolean
is_default_name (const gchar * name, const gchar * prefix)
{
  const gchar *p;

  if (!g_str_has_prefix (name, prefix))
    return FALSE;
  p = name + strlen (prefix);
  if (*p == '-')
    p++;
  if (!*p)
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

typedef struct
{
  GstPad *src;
  GstPad *sink;
} Link;

static void
link_clear (Link * link)
{
  gst_object_unref (link->src);
  gst_object_unref (link->sink);
}

static GList *
list_children (GstBin * bin)
{
  GList *children = NULL;
  GstIterator *it = gst_bin_iterate_elements (bin);
  GValue v = G_VALUE_INIT;
  gboolean done = FALSE;

  while (!done) {
    switch (gst_iterator_next (it, &v)) {
      case GST_ITERATOR_OK:
        children = g_list_prepend (children, g_value_dup_object (&v));
        g_value_reset (&v);
        break;
      case GST_ITERATOR_RESYNC:
        g_list_free_full (children, gst_object_unref);
        children = NULL;
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return children;
}

/* Renames the elements of a replica `<replica>_<name>`. A parented element
 * cannot be renamed, so each leaves the bin and comes back; the links
 * between them are made again. */
static gboolean
rename_children (GstBin * bin, const gchar * replica, gchar ** error)
{
  GList *children = list_children (bin), *l;
  GArray *links = g_array_new (FALSE, FALSE, sizeof (Link));
  GHashTable *bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  gboolean ok = TRUE;

  g_array_set_clear_func (links, (GDestroyNotify) link_clear);

  /* the links, and each element's name without a number GStreamer gave
   * it */
  for (l = children; l; l = l->next) {
    GstElement *child = l->data;
    gchar *prefix = default_name_prefix (child);
    gchar *name = gst_object_get_name (GST_OBJECT (child));
    gchar *base = is_default_name (name, prefix) ? g_strdup (prefix) :
        g_strdup (name);
    GList *p;

    g_object_set_data_full (G_OBJECT (child), "gst-worker-pool-base", base,
        g_free);
    g_free (prefix);
    g_free (name);

    GST_OBJECT_LOCK (child);
    for (p = child->srcpads; p; p = p->next) {
      GstPad *peer = gst_pad_get_peer (p->data);

      if (peer) {
        Link link = { gst_object_ref (p->data), peer };
        g_array_append_val (links, link);
      }
    }
    GST_OBJECT_UNLOCK (child);
  }

  /* the first of a base name keeps it, the next get 1, 2... */
  for (l = children; l; l = l->next) {
    GstElement *child = l->data;
    const gchar *base = g_object_get_data (G_OBJECT (child),
        "gst-worker-pool-base");
    guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (bases, base));
    gchar *name = seen ? g_strdup_printf ("%s_%s%u", replica, base, seen) :
        g_strdup_printf ("%s_%s", replica, base);

    g_hash_table_insert (bases, g_strdup (base), GUINT_TO_POINTER (seen + 1));
    gst_bin_remove (bin, child);
    gst_object_set_name (GST_OBJECT (child), name);
    g_object_set_data (G_OBJECT (child), "gst-worker-pool-base", NULL);
    if (!gst_bin_add (bin, child))
      ok = FALSE;
    g_free (name);
  }

  for (guint i = 0; ok && i < links->len; i++) {
    Link *link = &g_array_index (links, Link, i);

    if (GST_PAD_LINK_FAILED (gst_pad_link (link->src, link->sink)))
      ok = FALSE;
  }
  if (!ok)
    *error = g_strdup ("its elements could not be renamed for the pool");

  g_array_free (links, TRUE);
  g_hash_table_destroy (bases);
  g_list_free_full (children, gst_object_unref);
  return ok;
}

/* The replica's one free input and one free output. */
static gboolean
find_free_pads (GstBin * bin, GstPad ** sink, GstPad ** src, gchar ** error)
{
  GList *children = list_children (bin), *l, *p;
  guint n_sink = 0, n_src = 0;

  *sink = *src = NULL;
  for (l = children; l; l = l->next) {
    GstElement *child = l->data;

    GST_OBJECT_LOCK (child);
    for (p = child->pads; p; p = p->next) {
      GstPad *pad = p->data;

      if (gst_pad_is_linked (pad))
        continue;
      if (GST_PAD_IS_SINK (pad)) {
        n_sink++;
        gst_object_replace ((GstObject **) sink, GST_OBJECT (pad));
      } else {
        n_src++;
        gst_object_replace ((GstObject **) src, GST_OBJECT (pad));
      }
    }
    GST_OBJECT_UNLOCK (child);
  }
  g_list_free_full (children, gst_object_unref);

  if (n_sink == 1 && n_src == 1)
    return TRUE;
  *error = g_strdup_printf ("a worker needs exactly one free input and one "
      "free output, and this one has %u free input%s and %u free output%s "
      "(outputs that appear later, as decodebin's, are not supported)",
      n_sink, n_sink == 1 ? "" : "s", n_src, n_src == 1 ? "" : "s");
  gst_clear_object (sink);
  gst_clear_object (src);
  return FALSE;
}

/* Returns: (transfer full): a replica in a thread, a bin named @name with
 * ghost pads `sink` and `src`, or %NULL and @error. */
GstElement *
gst_pool_replica_make (const gchar * description, const gchar * name,
    GError ** error)
{
  GstElement *bin;
  GstPad *sink = NULL, *src = NULL;
  gchar *why = NULL;

  bin = gst_parse_bin_from_description_full (description, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (!bin)
    return NULL;
  gst_object_ref_sink (bin);
  gst_object_set_name (GST_OBJECT (bin), name);

  /* a value a worker refused (a Python one's do_set_property raised) */
  why = gst_worker_take_property_refusals (bin, NULL);
  if (why || !find_free_pads (GST_BIN (bin), &sink, &src, &why) ||
      !rename_children (GST_BIN (bin), name, &why)) {
    g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, why);
    g_free (why);
    /* found before the renaming failed */
    gst_clear_object (&sink);
    gst_clear_object (&src);
    gst_object_unref (bin);
    return NULL;
  }
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink));
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
  gst_object_unref (sink);
  gst_object_unref (src);
  return bin;
}

/* Returns: (transfer full): a replica in a child process, a
 * `processreplica` named @name, or %NULL and @error. The
 * description is built here too, and dropped, so that it fails as early
 * and in the same words as in a thread. */
GstElement *
gst_pool_replica_make_process (const gchar * description,
    const gchar * name, GError ** error)
{
  GstElement *check = gst_pool_replica_make (description, name, error);
  GstElement *replica;

  if (!check)
    return NULL;
  replica = gst_element_factory_make ("processreplica", name);
  if (!replica) {
    gst_object_unref (check);
    g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "the processreplica element is missing");
    return NULL;
  }
  /* what it is made of, for the collector's checks (a codec that keeps
   * state, a worker that counts its drops) */
  gst_pool_collect_keep_model (replica, check);
  gst_object_unref (check);
  g_object_set (replica, "worker", description, NULL);
  return gst_object_ref_sink (replica);
}
