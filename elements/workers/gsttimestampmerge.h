/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

/**
 * GstTimestampMergeMode:
 * @GST_TIMESTAMP_MERGE_MODE_NEAREST: the item nearest in time, before or
 *   after; on a tie, the earlier one
 * @GST_TIMESTAMP_MERGE_MODE_LATEST_BEFORE: the latest item at or before the
 *   primary's time
 *
 * How `timestampmerge` chooses, for each primary item, the item of each
 * other input.
 */
typedef enum
{
  GST_TIMESTAMP_MERGE_MODE_NEAREST,
  GST_TIMESTAMP_MERGE_MODE_LATEST_BEFORE,
} GstTimestampMergeMode;

#define GST_TYPE_TIMESTAMP_MERGE_MODE (gst_timestamp_merge_mode_get_type ())
GType gst_timestamp_merge_mode_get_type (void);

#define GST_TYPE_TIMESTAMP_MERGE_PAD (gst_timestamp_merge_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstTimestampMergePad, gst_timestamp_merge_pad,
    GST, TIMESTAMP_MERGE_PAD, GstAggregatorPad);

#define GST_TYPE_TIMESTAMP_MERGE (gst_timestamp_merge_get_type ())
G_DECLARE_FINAL_TYPE (GstTimestampMerge, gst_timestamp_merge,
    GST, TIMESTAMP_MERGE, GstWorkerAggregator);

G_END_DECLS
