/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>

G_BEGIN_DECLS

/**
 * GST_WORKER_MERGE_META_API_TYPE:
 *
 * The API type of #GstWorkerMergeMeta.
 *
 * Since: 0.1
 */
#define GST_WORKER_MERGE_META_API_TYPE (gst_worker_merge_meta_api_get_type ())

/**
 * GST_WORKER_MERGE_META_INFO:
 *
 * The #GstMetaInfo of #GstWorkerMergeMeta.
 *
 * Since: 0.1
 */
#define GST_WORKER_MERGE_META_INFO (gst_worker_merge_meta_get_info ())

typedef struct _GstWorkerMergeMeta GstWorkerMergeMeta;

/**
 * GstWorkerMergeMeta:
 * @meta: the parent #GstMeta
 *
 * The items a merging worker (`timestampmerge`) chose to go with a buffer:
 * for each input, by input name (the merge's sink pad name, `sink_1`,
 * `sink_2`, ...), a reference to the item chosen from that input. Inputs
 * for which nothing was chosen have no entry.
 *
 * The meta holds its own references: the items live as long as the buffer
 * carrying them. It is copied whole with the buffer (gst_buffer_copy() and
 * every transform: the items do not depend on the buffer's content).
 *
 * Since: 0.1
 */
struct _GstWorkerMergeMeta
{
  GstMeta meta;

  /*< private >*/
  GArray *items;
};

GST_WORKER_API
GType                gst_worker_merge_meta_api_get_type (void);

GST_WORKER_API
const GstMetaInfo *  gst_worker_merge_meta_get_info (void);

GST_WORKER_API
GstWorkerMergeMeta * gst_buffer_add_worker_merge_meta (GstBuffer * buffer);

GST_WORKER_API
GstWorkerMergeMeta * gst_buffer_get_worker_merge_meta (GstBuffer * buffer);

GST_WORKER_API
void                 gst_worker_merge_meta_add_item (GstWorkerMergeMeta * meta,
                                                     const gchar * name,
                                                     GstBuffer * item);

GST_WORKER_API
GstBuffer *          gst_worker_merge_meta_get_item (GstWorkerMergeMeta * meta,
                                                     const gchar * name);

GST_WORKER_API
guint       gst_worker_merge_meta_get_n_items (GstWorkerMergeMeta * meta);

GST_WORKER_API
GstBuffer * gst_worker_merge_meta_get_nth_item (GstWorkerMergeMeta * meta,
                                                guint index,
                                                const gchar ** name);

GST_WORKER_API
GstBuffer *          gst_buffer_get_merged_item (GstBuffer * buffer,
                                                 const gchar * name);

G_END_DECLS
