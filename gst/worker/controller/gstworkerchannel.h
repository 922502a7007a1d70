/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One bounded channel of a pipeline as the deadlock detector gauges it:
 * its levels and limits as last sampled, full or empty by GstQueue's own
 * tests, its words, and the room added to it. Internal to the library. */
#pragma once

#include <gst/gst.h>
#include "gstworkertopology.h"

G_BEGIN_DECLS

/* What the pad probes counted on one channel this run. */
typedef struct
{
  guint64 in;                   /* buffers that entered its sink pad, and
                                 * its initial items */
  guint64 out;                  /* buffers that left its src pad */
  gboolean eos;                 /* an EOS went in (since a flush) */
} WorkerChannelCounts;

/* One bounded channel as the deadlock detector gauges it: a `queue` or
 * `queue2` element, or a feedback FIFO. Owned by one detector and
 * protected by its lock. */
typedef struct
{
  GstElement *element;          /* owned ref: levels and limits */
  gchar *name;
  GstPad *sinkpad;              /* owned refs */
  GstPad *srcpad;
  gboolean is_element;          /* a queue element, not a pair of ends */
  gboolean is_queue;            /* min-threshold, leaky (GstQueue) */
  gboolean has_bytes;           /* bytes and time levels and limits */
  gint writer;                  /* the detector's: process index, or -1 */
  gint reader;

  /* the latest sample */
  guint64 in, out;
  gboolean eos;
  gint64 in_moved_at, out_moved_at;
  guint level_buffers, level_bytes;
  guint64 level_time;
  guint max_buffers, max_bytes;
  guint64 max_time;
  guint min_buffers, min_bytes;
  guint64 min_time;
  gboolean leaky;
  gboolean full;
  gboolean empty;
  gboolean writer_blocked;

  guint growth;                 /* items of room added this run */
  gint64 grown_at;              /* the latest growth, or 0 */
  guint last_step;              /* items its latest growth added */
  guint grown_as;               /* the number of that growth in the run */
} WorkerChannel;

G_GNUC_INTERNAL
WorkerChannel *     worker_channel_new (QueueRec * q);

G_GNUC_INTERNAL
void                worker_channel_free (WorkerChannel * c);

G_GNUC_INTERNAL
void                worker_channel_sample (WorkerChannel * c,
                                           const WorkerChannelCounts * counts,
                                           gint64 now);

G_GNUC_INTERNAL
void                worker_channel_grow (WorkerChannel * c, guint step,
                                         GstStructure * s,
                                         GString * text);

G_GNUC_INTERNAL
gint                worker_channel_compare_size (WorkerChannel * a,
                                                 WorkerChannel * b);

G_GNUC_INTERNAL
void                worker_channel_append_level (GString * s,
                                                 WorkerChannel * c,
                                                 gboolean write);

G_END_DECLS
