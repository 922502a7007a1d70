/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkermergemeta
 * @title: GstWorkerMergeMeta
 * @short_description: the items merged with a buffer
 *
 * A merging worker passes one input's buffer on and attaches to it, as a
 * #GstWorkerMergeMeta, the items it chose from its other inputs. The
 * `timestampmerge` element attaches, for each primary buffer, the item of
 * each other input nearest in time. A worker or application downstream
 * reads them by input name:
 *
 * |[<!-- language="C" -->
 * GstBuffer *odom = gst_buffer_get_merged_item (frame, "sink_1");
 *
 * if (odom)
 *   use_odometry (odom);     // owned by the frame: ref it to keep it
 * ]|
 *
 * or walks them all:
 *
 * |[<!-- language="C" -->
 * GstWorkerMergeMeta *meta = gst_buffer_get_worker_merge_meta (frame);
 * guint i;
 *
 * for (i = 0; meta && i < gst_worker_merge_meta_get_n_items (meta); i++) {
 *   const gchar *input;
 *   GstBuffer *item = gst_worker_merge_meta_get_nth_item (meta, i, &input);
 *   ...
 * }
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkermergemeta.h"

typedef struct
{
  GQuark name;
  GstBuffer *buffer;
} MergeItem;

static void
merge_item_clear (gpointer data)
{
  MergeItem *item = data;

  gst_clear_buffer (&item->buffer);
}

/**
 * gst_worker_merge_meta_api_get_type:
 *
 * The API type of #GstWorkerMergeMeta.
 *
 * Returns: the #GType of the #GstWorkerMergeMeta API
 *
 * Since: 0.1
 */
GType
gst_worker_merge_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("GstWorkerMergeMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
merge_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  GstWorkerMergeMeta *mmeta = (GstWorkerMergeMeta *) meta;

  mmeta->items = g_array_new (FALSE, TRUE, sizeof (MergeItem));
  g_array_set_clear_func (mmeta->items, merge_item_clear);
  return TRUE;
}

static void
merge_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  GstWorkerMergeMeta *mmeta = (GstWorkerMergeMeta *) meta;

  g_array_unref (mmeta->items);
}

/* The items do not depend on the buffer's bytes: every transform (a copy,
 * a scale, a conversion) keeps them all. */
static gboolean
merge_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  GstWorkerMergeMeta *src = (GstWorkerMergeMeta *) meta;
  GstWorkerMergeMeta *dmeta = gst_buffer_add_worker_merge_meta (dest);
  guint i;

  if (!dmeta)
    return FALSE;
  for (i = 0; i < src->items->len; i++) {
    MergeItem *item = &g_array_index (src->items, MergeItem, i);

    gst_worker_merge_meta_add_item (dmeta, g_quark_to_string (item->name),
        item->buffer);
  }
  return TRUE;
}

/**
 * gst_worker_merge_meta_get_info:
 *
 * The #GstMetaInfo of #GstWorkerMergeMeta, to register it.
 *
 * Returns: the #GstMetaInfo of #GstWorkerMergeMeta
 *
 * Since: 0.1
 */
const GstMetaInfo *
gst_worker_merge_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i = gst_meta_register (GST_WORKER_MERGE_META_API_TYPE,
        "GstWorkerMergeMeta", sizeof (GstWorkerMergeMeta), merge_meta_init,
        merge_meta_free, merge_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

/**
 * gst_buffer_add_worker_merge_meta:
 * @buffer: a writable #GstBuffer
 *
 * Adds an empty #GstWorkerMergeMeta to @buffer, or returns the one it
 * already carries (a buffer has at most one).
 *
 * Returns: (transfer none): the buffer's #GstWorkerMergeMeta
 *
 * Since: 0.1
 */
GstWorkerMergeMeta *
gst_buffer_add_worker_merge_meta (GstBuffer * buffer)
{
  GstWorkerMergeMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  meta = gst_buffer_get_worker_merge_meta (buffer);
  if (meta)
    return meta;
  return (GstWorkerMergeMeta *) gst_buffer_add_meta (buffer,
      GST_WORKER_MERGE_META_INFO, NULL);
}

/**
 * gst_buffer_get_worker_merge_meta:
 * @buffer: a #GstBuffer
 *
 * Finds what a merge (timestampmerge) paired with a buffer.
 *
 * Returns: (transfer none) (nullable): the buffer's #GstWorkerMergeMeta,
 * or %NULL if nothing was merged with it
 *
 * Since: 0.1
 */
GstWorkerMergeMeta *
gst_buffer_get_worker_merge_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  return (GstWorkerMergeMeta *) gst_buffer_get_meta (buffer,
      GST_WORKER_MERGE_META_API_TYPE);
}

static MergeItem *
find_item (GstWorkerMergeMeta * meta, GQuark name)
{
  guint i;

  for (i = 0; i < meta->items->len; i++) {
    MergeItem *item = &g_array_index (meta->items, MergeItem, i);

    if (item->name == name)
      return item;
  }
  return NULL;
}

/**
 * gst_worker_merge_meta_add_item:
 * @meta: a #GstWorkerMergeMeta
 * @name: the input the item comes from
 * @item: (transfer none): the item; the meta takes a reference
 *
 * Records @item as the item merged from input @name, replacing the one
 * recorded for @name before, if any. Items keep the order in which their
 * inputs were first added.
 *
 * Since: 0.1
 */
void
gst_worker_merge_meta_add_item (GstWorkerMergeMeta * meta,
    const gchar * name, GstBuffer * item)
{
  GQuark q;
  MergeItem *found;

  g_return_if_fail (meta != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (GST_IS_BUFFER (item));

  q = g_quark_from_string (name);
  found = find_item (meta, q);
  if (found) {
    gst_buffer_replace (&found->buffer, item);
  } else {
    MergeItem new_item = { q, gst_buffer_ref (item) };

    g_array_append_val (meta->items, new_item);
  }
}

/**
 * gst_worker_merge_meta_get_item:
 * @meta: a #GstWorkerMergeMeta
 * @name: an input name
 *
 * The item a merge paired from one input.
 *
 * Returns: (transfer none) (nullable): the item merged from input @name,
 * valid as long as the meta; %NULL if nothing was merged from it
 *
 * Since: 0.1
 */
GstBuffer *
gst_worker_merge_meta_get_item (GstWorkerMergeMeta * meta, const gchar * name)
{
  GQuark q;
  MergeItem *found;

  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  q = g_quark_try_string (name);
  if (!q)
    return NULL;
  found = find_item (meta, q);
  return found ? found->buffer : NULL;
}

/**
 * gst_worker_merge_meta_get_n_items:
 * @meta: a #GstWorkerMergeMeta
 *
 * How many inputs the merge paired an item from.
 *
 * Returns: how many inputs have an item in @meta
 *
 * Since: 0.1
 */
guint
gst_worker_merge_meta_get_n_items (GstWorkerMergeMeta * meta)
{
  g_return_val_if_fail (meta != NULL, 0);

  return meta->items->len;
}

/**
 * gst_worker_merge_meta_get_nth_item:
 * @meta: a #GstWorkerMergeMeta
 * @index: 0 to gst_worker_merge_meta_get_n_items() - 1
 * @name: (out) (optional) (transfer none): the item's input name
 *
 * The item a merge paired from its @index-th input.
 *
 * Returns: (transfer none): the @index-th item, valid as long as the meta
 *
 * Since: 0.1
 */
GstBuffer *
gst_worker_merge_meta_get_nth_item (GstWorkerMergeMeta * meta, guint index,
    const gchar ** name)
{
  MergeItem *item;

  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (index < meta->items->len, NULL);

  item = &g_array_index (meta->items, MergeItem, index);
  if (name)
    *name = g_quark_to_string (item->name);
  return item->buffer;
}

/**
 * gst_buffer_get_merged_item:
 * @buffer: a #GstBuffer
 * @name: an input name
 *
 * Shortcut for gst_buffer_get_worker_merge_meta() and
 * gst_worker_merge_meta_get_item().
 *
 * Returns: (transfer none) (nullable): the item merged with @buffer from
 * input @name, valid as long as @buffer's meta
 *
 * Since: 0.1
 */
GstBuffer *
gst_buffer_get_merged_item (GstBuffer * buffer, const gchar * name)
{
  GstWorkerMergeMeta *meta = gst_buffer_get_worker_merge_meta (buffer);

  return meta ? gst_worker_merge_meta_get_item (meta, name) : NULL;
}
