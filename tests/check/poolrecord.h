/* gst-workers: the workerpool tests' helpers: runs, worker statistics and
 * the record of what leaves a pool
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* What leaves the pool: each buffer's number, and FLUSH for a flush. */
#define FLUSH G_MAXUINT64
#define EVENT (G_MAXUINT64 - 1)

typedef struct
{
  GMutex lock;
  GArray *seqs;
} Record;

guint64 stat_u64 (GstElement * pipe, const gchar * worker,
    const gchar * field);
guint64 replicas_u64 (GstElement * pipe, const gchar * pool, guint size,
    const gchar * name, const gchar * field);

GstMessage *run (GstElement * pipe, GstClockTime timeout);
void run_to_eos (GstElement * pipe);
GError *run_to_error (GstElement * pipe, gchar ** src);

GstPadProbeReturn record_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data);
Record *record_new (GstElement * pipe, const gchar * pool);
guint record_len (Record * rec);
guint64 record_at (Record * rec, guint i);
void record_free (Record * rec);

void assert_sequence (Record * rec, const guint64 * expected, guint n);
void assert_range (Record * rec, guint64 first, guint n);
void assert_increasing (Record * rec);

G_END_DECLS
