/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One bounded channel as the deadlock detector gauges it: a sample reads
 * its levels and limits from the element (GstQueue's, GstQueue2's or the
 * feedback FIFO's properties) and applies GstQueue's own tests of full and
 * empty; a growth gives it room for more items (one, or twice the last
 * growth when it grows again: gstworkerdeadlock.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerchannel.h"

/* The channel @q, not yet sampled. */
WorkerChannel *
worker_channel_new (QueueRec * q)
{
  WorkerChannel *c = g_new0 (WorkerChannel, 1);

  c->element = gst_object_ref (q->element);
  c->name = g_strdup (q->name);
  c->sinkpad = gst_object_ref (q->sinkpad);
  c->srcpad = gst_object_ref (q->srcpad);
  c->is_element = q->kind != WORKER_CHANNEL_FEEDBACK;
  c->is_queue = q->kind == WORKER_CHANNEL_QUEUE;
  c->has_bytes = q->kind != WORKER_CHANNEL_FEEDBACK;
  return c;
}

void
worker_channel_free (WorkerChannel * c)
{
  gst_object_unref (c->element);
  gst_object_unref (c->sinkpad);
  gst_object_unref (c->srcpad);
  g_free (c->name);
  g_free (c);
}

void
worker_channel_sample (WorkerChannel * c, const WorkerChannelCounts * counts,
    gint64 now)
{
  gint leaky = 0;
  gint64 pending;

  if (counts->in != c->in)
    c->in_moved_at = now;
  if (counts->out != c->out)
    c->out_moved_at = now;
  c->in = counts->in;
  c->out = counts->out;
  c->eos = counts->eos;

  g_object_get (c->element, "current-level-buffers", &c->level_buffers,
      "max-size-buffers", &c->max_buffers, NULL);
  if (c->has_bytes)
    g_object_get (c->element, "current-level-bytes", &c->level_bytes,
        "current-level-time", &c->level_time,
        "max-size-bytes", &c->max_bytes, "max-size-time", &c->max_time, NULL);
  if (c->is_queue)
    g_object_get (c->element, "min-threshold-buffers", &c->min_buffers,
        "min-threshold-bytes", &c->min_bytes,
        "min-threshold-time", &c->min_time, "leaky", &leaky, NULL);
  c->leaky = leaky != 0;

  /* GstQueue's own tests */
  c->full = (c->max_buffers && c->level_buffers >= c->max_buffers) ||
      (c->max_bytes && c->level_bytes >= c->max_bytes) ||
      (c->max_time && c->level_time >= c->max_time);
  if (c->level_buffers == 0)
    c->empty = TRUE;
  else
    c->empty = ((c->min_buffers && c->level_buffers < c->min_buffers) ||
        (c->min_bytes && c->level_bytes < c->min_bytes) ||
        (c->min_time && c->level_time < c->min_time)) && !c->full;

  /* an item counted in but not yet in the queue: its writer waits */
  pending = (gint64) c->in - (gint64) c->out - (gint64) c->level_buffers;
  c->writer_blocked = c->full && !c->leaky && pending >= 1;
}

static void
append_time (GString * s, guint64 t)
{
  g_string_append_printf (s, "%.3f s", (gdouble) t / GST_SECOND);
}

/* "full: 2/2 buffers" or "empty: 0/20 buffers", and the limits that bind. */
void
worker_channel_append_level (GString * s, WorkerChannel * c, gboolean write)
{
  if (write) {
    g_string_append (s, "full:");
    if (c->max_buffers && c->level_buffers >= c->max_buffers)
      g_string_append_printf (s, " %u/%u buffers", c->level_buffers,
          c->max_buffers);
    if (c->max_bytes && c->level_bytes >= c->max_bytes)
      g_string_append_printf (s, " %u/%u bytes", c->level_bytes,
          c->max_bytes);
    if (c->max_time && c->level_time >= c->max_time) {
      g_string_append_c (s, ' ');
      append_time (s, c->level_time);
      g_string_append_c (s, '/');
      append_time (s, c->max_time);
    }
    return;
  }
  if (c->level_buffers == 0) {
    g_string_append_printf (s, "empty: 0/%u buffers", c->max_buffers);
    return;
  }
  g_string_append_printf (s, "%u/%u buffers, below its", c->level_buffers,
      c->max_buffers);
  if (c->min_buffers && c->level_buffers < c->min_buffers)
    g_string_append_printf (s, " min-threshold-buffers %u", c->min_buffers);
  else if (c->min_bytes && c->level_bytes < c->min_bytes)
    g_string_append_printf (s, " min-threshold-bytes %u", c->min_bytes);
  else if (c->min_time && c->level_time < c->min_time) {
    g_string_append (s, " min-threshold-time ");
    append_time (s, c->min_time);
  }
}

/* Grows @c to hold @step more items than it holds; says how in @s. */
void
worker_channel_grow (WorkerChannel * c, guint step, GstStructure * s,
    GString * text)
{
  guint nb = c->max_buffers, nbytes = c->max_bytes;
  guint64 nt = c->max_time;
  guint avg_bytes = c->level_buffers ?
      (c->level_bytes + c->level_buffers - 1) / c->level_buffers : 0;
  guint64 avg_time = c->level_buffers ? c->level_time / c->level_buffers : 0;
  gboolean first = TRUE;

  if (nb && c->level_buffers + step > nb)
    nb = c->level_buffers + step;
  if (nbytes && (guint64) c->level_bytes + (guint64) avg_bytes * step > nbytes)
    nbytes = (guint) MIN ((guint64) c->level_bytes + (guint64) MAX (avg_bytes,
            1) * step, G_MAXUINT);
  if (nt && c->level_time + avg_time * step > nt)
    nt = c->level_time + MAX (avg_time, 1) * step;

  if (c->has_bytes)
    g_object_set (c->element, "max-size-buffers", nb, "max-size-bytes",
        nbytes, "max-size-time", nt, NULL);
  else
    g_object_set (c->element, "max-size-buffers", nb, NULL);

  gst_structure_set (s, "queue", G_TYPE_STRING, c->name,
      "from", G_TYPE_UINT, c->max_buffers, "to", G_TYPE_UINT, nb, NULL);
  if (nb != c->max_buffers) {
    g_string_append_printf (text, "max-size-buffers %u -> %u",
        c->max_buffers, nb);
    first = FALSE;
  }
  if (nbytes != c->max_bytes) {
    gst_structure_set (s, "bytes-from", G_TYPE_UINT, c->max_bytes,
        "bytes-to", G_TYPE_UINT, nbytes, NULL);
    g_string_append_printf (text, "%smax-size-bytes %u -> %u",
        first ? "" : ", ", c->max_bytes, nbytes);
    first = FALSE;
  }
  if (nt != c->max_time) {
    gst_structure_set (s, "time-from", GST_TYPE_CLOCK_TIME, c->max_time,
        "time-to", GST_TYPE_CLOCK_TIME, nt, NULL);
    g_string_append_printf (text, "%smax-size-time ", first ? "" : ", ");
    append_time (text, c->max_time);
    g_string_append (text, " -> ");
    append_time (text, nt);
  }
  c->max_buffers = nb;
  c->max_bytes = nbytes;
  c->max_time = nt;
  c->growth += step;
  c->last_step = step;
}

gint
worker_channel_compare_size (WorkerChannel * a, WorkerChannel * b)
{
  if (a->level_buffers != b->level_buffers)
    return a->level_buffers < b->level_buffers ? -1 : 1;
  if (a->level_bytes != b->level_bytes)
    return a->level_bytes < b->level_bytes ? -1 : 1;
  return g_strcmp0 (a->name, b->name);
}

/* Moving: busy, or it moved within the settle time and is not a waiting
 * candidate (after a growth, a cycle is still sooner than that). */
