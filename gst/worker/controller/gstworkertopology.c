/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The topology of the pipeline a GstWorkerController runs: every worker
 * (a WorkerRec) and every Kahn channel (a QueueRec: a `queue` or `queue2`
 * element, or the FIFO of a `feedbacksink`/`feedbacksrc` pair), found once
 * at construction; the pad probes that count the items into and out of
 * each channel; which workers write into and read from each channel, and
 * the workers in order, upstream first; the processes between the
 * channels (what the deadlock detector watches); the sources. Its own lock guards
 * what changes when pads are linked later (decodebin, say). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkertopology.h"
#include "gstworkerpeer.h"
#include "gstworkergraph.h"
#include "gstworkervalue.h"

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

struct _GstWorkerTopology
{
  GstPipeline *pipeline;        /* owned ref; set once */
  GPtrArray *workers;           /* WorkerRec, by path, then those a
                                 * reshape added; appended under lock,
                                 * never moved (see publish()) */
  GPtrArray *queues;            /* QueueRec, the same way */
  guint max_workers;            /* set once: room in workers */
  guint max_queues;             /* set once: room in queues */

  GMutex lock;
  /* protected by lock, with the records' topology fields */
  GPtrArray *order;             /* WorkerRec, upstream first */
  WorkerProcesses *processes;   /* the latest walk's, or NULL before the
                                 * first worker_topology_update() */
};

/* ---------------------------------------------------------------------- */
/* records */

static void
queue_rec_clear (QueueRec * q)
{
  gst_object_unref (q->element);
  if (q->in_worker)
    gst_object_unref (q->in_worker);
  if (q->tokens_from)
    gst_object_unref (q->tokens_from);
  gst_object_unref (q->sinkpad);
  gst_object_unref (q->srcpad);
  g_free (q->name);
  g_mutex_clear (&q->lock);
  g_ptr_array_unref (q->writers);
  g_ptr_array_unref (q->readers);
}

static void
queue_rec_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) queue_rec_clear);
}

static void
worker_rec_free (WorkerRec * w)
{
  gst_object_unref (w->element);
  g_free (w->name);
  g_free (w->path);
  if (w->final_stats)
    gst_structure_free (w->final_stats);
  g_ptr_array_unref (w->inputs);
  g_ptr_array_unref (w->upstream);
  g_free (w);
}

void
worker_queue_counts (QueueRec * q, guint64 * in, guint64 * out)
{
  g_mutex_lock (&q->lock);
  *in = q->in;
  *out = q->out;
  g_mutex_unlock (&q->lock);
  if (q->in_worker) {
    GstStructure *s = gst_worker_get_stats (q->in_worker);

    *in = 0;
    gst_structure_get_uint64 (s, "items-out", in);
    gst_structure_free (s);
  }
}

/* The items a channel holds before anything is written to it: a feedback
 * channel's initial items, 0 for a queue. A flush re-arms them, as it
 * resets the counts. */
guint64
worker_queue_initial (QueueRec * q)
{
  guint initial = 0;

  if (q->tokens_from)
    g_object_get (q->tokens_from, "initial-items", &initial, NULL);
  return initial;
}

/* Whether an EOS went into @q since the last flush. */
gboolean
worker_queue_eos (QueueRec * q)
{
  gboolean eos;

  g_mutex_lock (&q->lock);
  eos = q->eos;
  g_mutex_unlock (&q->lock);
  return eos;
}

void
worker_queue_reset_counts (QueueRec * q)
{
  g_mutex_lock (&q->lock);
  q->in = q->out = 0;
  q->eos = FALSE;
  g_mutex_unlock (&q->lock);
}

void
worker_queue_levels (QueueRec * q, guint * level, guint * max)
{
  g_object_get (q->element, "current-level-buffers", level,
      "max-size-buffers", max, NULL);
}

static guint
probe_info_count (GstPadProbeInfo * info)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    return gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  return 1;
}

static GstPadProbeReturn
queue_in_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  QueueRec *q = user_data;
  guint n = probe_info_count (info);

  g_mutex_lock (&q->lock);
  q->in += n;
  g_mutex_unlock (&q->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
queue_out_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  QueueRec *q = user_data;
  guint n = probe_info_count (info);

  g_mutex_lock (&q->lock);
  q->out += n;
  g_mutex_unlock (&q->lock);
  return GST_PAD_PROBE_OK;
}

/* EOS into a queue: its reader does not wait on it once it is empty. A
 * flush or a new stream starts again. */
static GstPadProbeReturn
queue_event_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  QueueRec *q = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      g_mutex_lock (&q->lock);
      q->eos = TRUE;
      g_mutex_unlock (&q->lock);
      break;
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
      g_mutex_lock (&q->lock);
      q->eos = FALSE;
      g_mutex_unlock (&q->lock);
      break;
    default:
      break;
  }
  return GST_PAD_PROBE_OK;
}

/* The one test of what a queue is: a `queue` or `queue2` element, by
 * its factory. */
static gboolean
is_queue (GstElement * element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const gchar *name;

  if (!factory)
    return FALSE;
  name = GST_OBJECT_NAME (factory);
  return g_str_equal (name, "queue") || g_str_equal (name, "queue2");
}

/* The `workerpool` @element is a part of (a replica's worker, or the
 * pool's dispatcher or collector), or NULL. */
GstElement *
worker_topology_pool_of (GstElement * element)
{
  GstObject *p = gst_object_get_parent (GST_OBJECT (element));

  while (p) {
    GstElementFactory *f = GST_IS_ELEMENT (p) ?
        gst_element_get_factory (GST_ELEMENT (p)) : NULL;
    GstObject *next;

    if (f && g_str_equal (GST_OBJECT_NAME (f), "workerpool"))
      return GST_ELEMENT (p);
    next = gst_object_get_parent (p);
    gst_object_unref (p);
    p = next;
  }
  return NULL;
}

static WorkerChannelKind
channel_kind (GstElement * queue)
{
  return g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (queue)),
      "queue") ? WORKER_CHANNEL_QUEUE : WORKER_CHANNEL_QUEUE2;
}

static gchar *
relative_path (GstPipeline * pipeline, GstElement * element)
{
  GString *path = g_string_new (GST_OBJECT_NAME (element));
  GstObject *parent = gst_object_get_parent (GST_OBJECT (element));

  while (parent && parent != GST_OBJECT (pipeline)) {
    GstObject *next = gst_object_get_parent (parent);

    g_string_prepend_c (path, '/');
    g_string_prepend (path, GST_OBJECT_NAME (parent));
    gst_object_unref (parent);
    parent = next;
  }
  if (parent)
    gst_object_unref (parent);
  return g_string_free (path, FALSE);
}

/* A channel counted on its pads: items in (unless @in_worker counts
 * them), out, and EOS in. */
static QueueRec *
queue_rec_new (GstElement * element, gchar * name, WorkerChannelKind kind,
    GstPad * sinkpad, GstPad * srcpad, GstWorker * in_worker)
{
  QueueRec *q = g_atomic_rc_box_new0 (QueueRec);

  q->element = gst_object_ref (element);
  q->name = name;
  q->kind = kind;
  q->sinkpad = sinkpad;
  q->srcpad = srcpad;
  g_mutex_init (&q->lock);
  q->writers = g_ptr_array_new ();
  q->readers = g_ptr_array_new ();
  if (in_worker)
    q->in_worker = gst_object_ref (in_worker);
  else
    q->sink_probe = gst_pad_add_probe (q->sinkpad,
        GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
        queue_in_probe, g_atomic_rc_box_acquire (q), queue_rec_unref);
  q->src_probe =
      gst_pad_add_probe (q->srcpad,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      queue_out_probe, g_atomic_rc_box_acquire (q), queue_rec_unref);
  q->event_probe = gst_pad_add_probe (q->sinkpad,
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      queue_event_probe, g_atomic_rc_box_acquire (q), queue_rec_unref);
  return q;
}

/* "channel NAME" for a feedbacksink or feedbacksrc (@sink says which), or
 * NULL for another element. */
static gchar *
feedback_channel (GstElement * element, gboolean * sink)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  gchar *name = NULL, *ret;

  if (!factory || !g_object_class_find_property (G_OBJECT_GET_CLASS
          (element), "channel"))
    return NULL;
  if (g_str_equal (GST_OBJECT_NAME (factory), "feedbacksink"))
    *sink = TRUE;
  else if (g_str_equal (GST_OBJECT_NAME (factory), "feedbacksrc"))
    *sink = FALSE;
  else
    return NULL;
  g_object_get (element, "channel", &name, NULL);
  if (!name)
    return NULL;
  ret = g_strdup_printf ("channel %s", name);
  g_free (name);
  return ret;
}

static void
collect_feedback_end (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  gboolean sink = FALSE;
  gchar *name = feedback_channel (element, &sink);

  if (name)
    g_ptr_array_add (user_data, gst_object_ref (element));
  g_free (name);
}

/* The FIFO of each feedbacksink and feedbacksrc pair is a channel too. */
static void
discover_feedback (GstWorkerTopology * self)
{
  GPtrArray *ends = g_ptr_array_new_with_free_func (gst_object_unref);
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  guint i, j;

  while (gst_iterator_foreach (it, collect_feedback_end, ends) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_set_size (ends, 0);
  }
  gst_iterator_free (it);

  for (i = 0; i < ends->len; i++) {
    GstElement *sink = g_ptr_array_index (ends, i);
    gboolean is_sink = FALSE;
    gchar *name = feedback_channel (sink, &is_sink);

    for (j = 0; is_sink && j < ends->len; j++) {
      GstElement *src = g_ptr_array_index (ends, j);
      gboolean other_sink = TRUE;
      gchar *other = feedback_channel (src, &other_sink);

      if (!other_sink && g_str_equal (name, other)) {
        QueueRec *q = queue_rec_new (sink, g_steal_pointer (&name),
            WORKER_CHANNEL_FEEDBACK,
            gst_element_get_static_pad (sink, "sink"),
            gst_element_get_static_pad (src, "src"),
            GST_IS_WORKER (sink) ? GST_WORKER (sink) : NULL);

        if (g_object_class_find_property (G_OBJECT_GET_CLASS (src),
                "initial-items"))
          q->tokens_from = gst_object_ref (src);
        g_ptr_array_add (self->queues, q);
        j = ends->len;
      }
      g_free (other);
    }
    g_free (name);
  }
  g_ptr_array_unref (ends);
}

static void
discover_element (const GValue * item, gpointer user_data)
{
  GstWorkerTopology *self = user_data;
  GstElement *element = g_value_get_object (item);

  if (GST_IS_WORKER (element)) {
    WorkerRec *w = g_new0 (WorkerRec, 1);

    w->element = gst_object_ref (element);
    w->name = gst_object_get_name (GST_OBJECT (element));
    w->path = relative_path (self->pipeline, element);
    w->inputs = g_ptr_array_new ();
    w->upstream = g_ptr_array_new ();
    g_ptr_array_add (self->workers, w);
  } else if (is_queue (element)) {
    g_ptr_array_add (self->queues, queue_rec_new (element,
            gst_object_get_name (GST_OBJECT (element)), channel_kind (element),
            gst_element_get_static_pad (element, "sink"),
            gst_element_get_static_pad (element, "src"), NULL));
  }
}

static gint
compare_worker_names (gconstpointer a, gconstpointer b)
{
  const WorkerRec *wa = *(WorkerRec * const *) a;
  const WorkerRec *wb = *(WorkerRec * const *) b;

  return g_strcmp0 (wa->path, wb->path);
}

static gint
compare_queue_names (gconstpointer a, gconstpointer b)
{
  const QueueRec *qa = *(QueueRec * const *) a;
  const QueueRec *qb = *(QueueRec * const *) b;

  return g_strcmp0 (qa->name, qb->name);
}

static void
discover (GstWorkerTopology * self)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  guint i;

  while (gst_iterator_foreach (it, discover_element, self) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_set_size (self->workers, 0);
    g_ptr_array_set_size (self->queues, 0);
  }
  gst_iterator_free (it);
  discover_feedback (self);
  g_ptr_array_sort (self->workers, compare_worker_names);
  g_ptr_array_sort (self->queues, compare_queue_names);
  for (i = 0; i < self->workers->len; i++)
    ((WorkerRec *) g_ptr_array_index (self->workers, i))->index = i;
}

/* @array's records in a new array with room for @size, which never moves
 * as long as it holds no more. */
static GPtrArray *
reserve (GPtrArray * array, guint size, GDestroyNotify free_func)
{
  GPtrArray *room = g_ptr_array_new_full (size, free_func);

  g_ptr_array_extend_and_steal (room, array);
  return room;
}

/* Appends @rec to @array (with room for it: nothing moves), the length
 * last, so a reader that walks the array without the lock sees the old
 * length or the new one, with the record in place. Under the lock. */
static void
publish (GPtrArray * array, gpointer rec)
{
  array->pdata[array->len] = rec;
  g_atomic_int_set ((gint *) & array->len, array->len + 1);
}

/* Finds the workers and channels of @pipeline and starts counting the
 * items through every channel; worker_topology_update() links them. */
GstWorkerTopology *
worker_topology_new (GstPipeline * pipeline)
{
  GstWorkerTopology *self = g_new0 (GstWorkerTopology, 1);

  self->pipeline = gst_object_ref (pipeline);
  self->workers = g_ptr_array_new_with_free_func
      ((GDestroyNotify) worker_rec_free);
  self->queues = g_ptr_array_new_with_free_func (queue_rec_unref);
  self->order = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  discover (self);
  self->max_workers = self->workers->len + WORKER_TOPOLOGY_SPARE;
  self->max_queues = self->queues->len + WORKER_TOPOLOGY_SPARE;
  self->workers = reserve (self->workers, self->max_workers,
      (GDestroyNotify) worker_rec_free);
  self->queues = reserve (self->queues, self->max_queues, queue_rec_unref);
  return self;
}

/* A worker a reshape put into the running pipeline: its record (found by
 * name and path from now on; the one it has if it has one), or NULL when
 * no room is left.
 * worker_topology_update() links it. */
WorkerRec *
worker_topology_add_worker (GstWorkerTopology * self, GstElement * element)
{
  WorkerRec *w = NULL;

  g_return_val_if_fail (GST_IS_WORKER (element), NULL);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->workers->len; i++) {
    WorkerRec *known = g_ptr_array_index (self->workers, i);

    if (known->element == element && !worker_rec_is_retired (known)) {
      g_mutex_unlock (&self->lock);
      return known;
    }
  }
  if (self->workers->len < self->max_workers) {
    w = g_new0 (WorkerRec, 1);
    w->element = gst_object_ref (element);
    w->name = gst_object_get_name (GST_OBJECT (element));
    w->path = relative_path (self->pipeline, element);
    w->inputs = g_ptr_array_new ();
    w->upstream = g_ptr_array_new ();
    w->index = self->workers->len;
    publish (self->workers, w);
  }
  g_mutex_unlock (&self->lock);
  return w;
}

/* A `queue` a reshape put into the running pipeline: counted from now
 * on. Its record (the one it has if it has one), or NULL when no room is
 * left or @queue is not a queue. */
QueueRec *
worker_topology_add_queue (GstWorkerTopology * self, GstElement * queue)
{
  QueueRec *q = NULL;

  if (!is_queue (queue))
    return NULL;
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->queues->len; i++) {
    QueueRec *known = g_ptr_array_index (self->queues, i);

    if (known->element == queue) {
      g_atomic_int_set (&known->retired, 0);
      g_mutex_unlock (&self->lock);
      return known;
    }
  }
  if (self->queues->len < self->max_queues) {
    q = queue_rec_new (queue, gst_object_get_name (GST_OBJECT (queue)),
        channel_kind (queue), gst_element_get_static_pad (queue, "sink"),
        gst_element_get_static_pad (queue, "src"), NULL);
    publish (self->queues, q);
  }
  g_mutex_unlock (&self->lock);
  return q;
}

/* @w left the pipeline (drained: it holds nothing): its record stays, with
 * its last stats, out of the order and of the look-ups. */
void
worker_topology_retire_worker (GstWorkerTopology * self, WorkerRec * w)
{
  GstStructure *stats;

  if (worker_rec_is_retired (w))
    return;
  stats = gst_worker_get_stats (GST_WORKER (w->element));
  g_mutex_lock (&self->lock);
  if (w->final_stats)
    gst_structure_free (w->final_stats);
  w->final_stats = stats;
  g_atomic_int_set (&w->retired, 1);
  g_mutex_unlock (&self->lock);
}

gboolean
worker_rec_is_retired (WorkerRec * w)
{
  return g_atomic_int_get (&w->retired) != 0;
}

/* The queue @queue left the pipeline (a pool's shrink): its record stays,
 * with its counts, marked retired (a queue of the same name may come
 * later: another record). Returns: its record, or NULL if none. */
QueueRec *
worker_topology_retire_queue (GstWorkerTopology * self, GstElement * queue)
{
  QueueRec *q = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->queues->len && !q; i++) {
    QueueRec *known = g_ptr_array_index (self->queues, i);

    if (known->element == queue && !worker_queue_is_retired (known))
      q = known;
  }
  if (q)
    g_atomic_int_set (&q->retired, 1);
  g_mutex_unlock (&self->lock);
  return q;
}

gboolean
worker_queue_is_retired (QueueRec * q)
{
  return g_atomic_int_get (&q->retired) != 0;
}

/* @w's stats: its worker's now, or those it had when it was retired. */
GstStructure *
worker_rec_get_stats (WorkerRec * w)
{
  if (worker_rec_is_retired (w) && w->final_stats)
    return gst_structure_copy (w->final_stats);
  return gst_worker_get_stats (GST_WORKER (w->element));
}

/* @w's inputs changed (a reshape linked it to other channels, or it is
 * new), while they hand it nothing: from now on, what they hand out is
 * counted from what they handed out before. */
void
worker_topology_rebase (GstWorkerTopology * self, WorkerRec * w)
{
  GstStructure *stats = gst_worker_get_stats (GST_WORKER (w->element));
  guint64 started = 0, handed = 0, in, out;
  guint i;

  gst_structure_get_uint64 (stats, "items-in", &started);
  gst_structure_free (stats);
  g_mutex_lock (&self->lock);
  for (i = 0; i < w->inputs->len; i++) {
    worker_queue_counts (g_ptr_array_index (w->inputs, i), &in, &out);
    handed += out;
  }
  w->handed_offset = (gint64) handed - (gint64) started;
  g_mutex_unlock (&self->lock);
}

gint64
worker_topology_handed_offset (GstWorkerTopology * self, WorkerRec * w)
{
  gint64 offset;

  g_mutex_lock (&self->lock);
  offset = w->handed_offset;
  g_mutex_unlock (&self->lock);
  return offset;
}

/* Removes the pad probes and frees the records. */
void
worker_topology_free (GstWorkerTopology * self)
{
  guint i;

  for (i = 0; i < self->queues->len; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    if (q->sink_probe)
      gst_pad_remove_probe (q->sinkpad, q->sink_probe);
    gst_pad_remove_probe (q->srcpad, q->src_probe);
    gst_pad_remove_probe (q->sinkpad, q->event_probe);
  }
  g_ptr_array_unref (self->queues);
  g_ptr_array_unref (self->order);
  if (self->processes)
    worker_processes_unref (self->processes);
  g_ptr_array_unref (self->workers);
  gst_object_unref (self->pipeline);
  g_mutex_clear (&self->lock);
  g_free (self);
}

GstPipeline *
worker_topology_pipeline (GstWorkerTopology * self)
{
  return self->pipeline;
}

/* The workers, by path, then those a reshape added (retired ones stay):
 * the array never moves; walk it up to its length read once. */
GPtrArray *
worker_topology_workers (GstWorkerTopology * self)
{
  return self->workers;
}

/* The channels, by name, then those a reshape added: the array never
 * moves. */
GPtrArray *
worker_topology_queues (GstWorkerTopology * self)
{
  return self->queues;
}

/* The workers, upstream first: a copy (records not owned). */
GPtrArray *
worker_topology_dup_order (GstWorkerTopology * self)
{
  GPtrArray *order;

  g_mutex_lock (&self->lock);
  order = g_ptr_array_copy (self->order, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return order;
}

/* The channels feeding @w: a copy (records not owned). */
GPtrArray *
worker_topology_dup_inputs (GstWorkerTopology * self, WorkerRec * w)
{
  GPtrArray *inputs;

  g_mutex_lock (&self->lock);
  inputs = g_ptr_array_copy (w->inputs, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return inputs;
}

/* The workers @q feeds: a copy (records not owned). */
GPtrArray *
worker_topology_dup_readers (GstWorkerTopology * self, QueueRec * q)
{
  GPtrArray *readers;

  g_mutex_lock (&self->lock);
  readers = g_ptr_array_copy (q->readers, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return readers;
}

static void
names_array (GValue * v, GPtrArray * workers)
{
  guint i;

  g_value_init (v, GST_TYPE_ARRAY);
  for (i = 0; i < workers->len; i++)
    worker_array_add_string (v,
        ((WorkerRec *) g_ptr_array_index (workers, i))->name);
}

/* The names of the workers writing into @q and reading from it, as
 * GST_TYPE_ARRAY values (initialized here); either may be NULL. */
void
worker_topology_queue_names (GstWorkerTopology * self, QueueRec * q,
    GValue * writers, GValue * readers)
{
  g_mutex_lock (&self->lock);
  if (writers)
    names_array (writers, q->writers);
  if (readers)
    names_array (readers, q->readers);
  g_mutex_unlock (&self->lock);
}

WorkerRec *
worker_topology_find_worker_by_element (GstWorkerTopology * self,
    GstObject * element)
{
  guint i;

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);

    if (GST_OBJECT (w->element) == element && !worker_rec_is_retired (w))
      return w;
  }
  return NULL;
}

WorkerRec *
worker_topology_find_worker_by_name (GstWorkerTopology * self,
    const gchar * name)
{
  guint i;

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);

    if ((g_str_equal (w->name, name) || g_str_equal (w->path, name)) &&
        !worker_rec_is_retired (w))
      return w;
  }
  return NULL;
}

QueueRec *
worker_topology_find_queue_by_name (GstWorkerTopology * self,
    const gchar * name)
{
  guint i;

  if (!name)
    return NULL;
  for (i = 0; i < self->queues->len; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    if (g_str_equal (q->name, name))
      return q;
  }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* topology: which workers write into and read from each queue */

static void
collect_workers (GstWorkerTopology * self, GstPad * pad, GPtrArray * out,
    gboolean through_queues, guint depth)
{
  GstPad *peer;
  GstElement *element;

  if (depth > 32)
    return;
  peer = gst_worker_real_peer (pad);
  if (!peer)
    return;
  element = gst_pad_get_parent_element (peer);
  gst_object_unref (peer);
  if (!element)
    return;

  if (GST_IS_WORKER (element)) {
    WorkerRec *w =
        worker_topology_find_worker_by_element (self, GST_OBJECT (element));

    if (w && !g_ptr_array_find (out, w, NULL))
      g_ptr_array_add (out, w);
  } else if (through_queues || !is_queue (element)) {
    /* a tee, a capsfilter, ...: look through it */
    GList *l;

    GST_OBJECT_LOCK (element);
    l = GST_PAD_DIRECTION (pad) == GST_PAD_SINK ?
        g_list_copy_deep (element->sinkpads, (GCopyFunc) gst_object_ref, NULL)
        : g_list_copy_deep (element->srcpads, (GCopyFunc) gst_object_ref, NULL);
    GST_OBJECT_UNLOCK (element);
    for (GList * p = l; p; p = p->next)
      collect_workers (self, p->data, out, through_queues, depth + 1);
    g_list_free_full (l, gst_object_unref);
  }
  gst_object_unref (element);
}

static gint
compare_depth (gconstpointer a, gconstpointer b)
{
  const WorkerRec *wa = *(WorkerRec * const *) a;
  const WorkerRec *wb = *(WorkerRec * const *) b;

  if (wa->depth != wb->depth)
    return wa->depth < wb->depth ? -1 : 1;
  return g_strcmp0 (wa->path, wb->path);
}

/* Upstream first: a worker's depth is the longest chain of workers from a
 * source to it (a feedback loop stops growing after one pass per worker). */
static void
order_workers_locked (GstWorkerTopology * self)
{
  GArray *links = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  guint *depth = g_new0 (guint, self->workers->len + 1);
  guint i, j;

  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);

    for (j = 0; j < w->upstream->len; j++) {
      WorkerRec *up = g_ptr_array_index (w->upstream, j);
      guint link[2] = { up->index, w->index };

      g_array_append_vals (links, link, 1);
    }
  }
  worker_longest_paths (self->workers->len, links, depth);
  for (i = 0; i < self->workers->len; i++)
    ((WorkerRec *) g_ptr_array_index (self->workers, i))->depth = depth[i];
  g_array_unref (links);
  g_free (depth);
  g_ptr_array_set_size (self->order, 0);
  for (i = 0; i < self->workers->len; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);

    if (!worker_rec_is_retired (w))
      g_ptr_array_add (self->order, w);
  }
  g_ptr_array_sort (self->order, compare_depth);
}

/* Walks the graph again: which workers write into and read from each
 * channel, the order of the workers, and the processes (see
 * worker_topology_update_processes()). Pads linked since the last walk
 * (decodebin, say) join. */
void
worker_topology_update (GstWorkerTopology * self)
{
  GPtrArray *writers = g_ptr_array_new_with_free_func
      ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *readers = g_ptr_array_new_with_free_func
      ((GDestroyNotify) g_ptr_array_unref);
  guint i, j;
  /* a reshape may add records meanwhile: walk those there now */
  guint n_workers = g_atomic_int_get ((gint *) & self->workers->len);
  guint n_queues = g_atomic_int_get ((gint *) & self->queues->len);

  GPtrArray *upstream = g_ptr_array_new_with_free_func
      ((GDestroyNotify) g_ptr_array_unref);

  for (i = 0; i < n_workers; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    GPtrArray *up = g_ptr_array_new ();
    GstIterator *it = gst_element_iterate_sink_pads (w->element);
    GValue item = G_VALUE_INIT;

    while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
      collect_workers (self, g_value_get_object (&item), up, TRUE, 0);
      g_value_reset (&item);
    }
    g_value_unset (&item);
    gst_iterator_free (it);
    g_ptr_array_add (upstream, up);
  }

  /* walk the graph without the lock, then publish under it */
  for (i = 0; i < n_queues; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);
    GPtrArray *w = g_ptr_array_new (), *r = g_ptr_array_new ();

    if (q->kind != WORKER_CHANNEL_FEEDBACK) {
      collect_workers (self, q->sinkpad, w, FALSE, 0);
      collect_workers (self, q->srcpad, r, FALSE, 0);
    } else {
      /* a feedback FIFO: its two ends are the workers */
      GstObject *in = gst_object_get_parent (GST_OBJECT (q->sinkpad));
      GstObject *out = gst_object_get_parent (GST_OBJECT (q->srcpad));
      WorkerRec *wi =
          in ? worker_topology_find_worker_by_element (self, in) : NULL;
      WorkerRec *wo =
          out ? worker_topology_find_worker_by_element (self, out) : NULL;

      if (wi)
        g_ptr_array_add (w, wi);
      if (wo)
        g_ptr_array_add (r, wo);
      gst_clear_object (&in);
      gst_clear_object (&out);
    }
    g_ptr_array_add (writers, w);
    g_ptr_array_add (readers, r);
  }

  g_mutex_lock (&self->lock);
  for (i = 0; i < n_workers; i++) {
    WorkerRec *w = g_ptr_array_index (self->workers, i);
    g_ptr_array_set_size (w->inputs, 0);
    g_ptr_array_set_size (w->upstream, 0);
    g_ptr_array_extend (w->upstream, g_ptr_array_index (upstream, i), NULL,
        NULL);
  }
  for (i = 0; i < n_queues; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    g_ptr_array_set_size (q->writers, 0);
    g_ptr_array_extend (q->writers, g_ptr_array_index (writers, i), NULL, NULL);
    g_ptr_array_set_size (q->readers, 0);
    g_ptr_array_extend (q->readers, g_ptr_array_index (readers, i), NULL, NULL);
    for (j = 0; j < q->readers->len; j++) {
      WorkerRec *w = g_ptr_array_index (q->readers, j);
      g_ptr_array_add (w->inputs, q);
    }
  }
  order_workers_locked (self);
  g_mutex_unlock (&self->lock);

  g_ptr_array_unref (writers);
  g_ptr_array_unref (readers);
  g_ptr_array_unref (upstream);

  worker_topology_update_processes (self);
}

/* ---------------------------------------------------------------------- */
/* processes: what lies between the channels */

static void
worker_process_free (WorkerProcess * p)
{
  g_free (p->name);
  g_ptr_array_unref (p->elements);
  g_ptr_array_unref (p->workers);
  g_ptr_array_unref (p->sinks);
  g_array_unref (p->inputs);
  g_array_unref (p->outputs);
  g_free (p);
}

static WorkerProcess *
worker_process_new (void)
{
  WorkerProcess *p = g_new0 (WorkerProcess, 1);

  p->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  p->workers = g_ptr_array_new_with_free_func (gst_object_unref);
  p->sinks = g_ptr_array_new ();
  p->inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  p->outputs = g_array_new (FALSE, FALSE, sizeof (guint));
  return p;
}

static void
worker_processes_clear (WorkerProcesses * procs)
{
  g_ptr_array_unref (procs->processes);
  g_array_unref (procs->writer);
  g_array_unref (procs->reader);
}

void
worker_processes_unref (WorkerProcesses * procs)
{
  g_atomic_rc_box_release_full (procs, (GDestroyNotify)
      worker_processes_clear);
}

static void
collect_element (const GValue * item, gpointer user_data)
{
  GstElement *e = g_value_get_object (item);

  if (!GST_IS_BIN (e))
    g_ptr_array_add (user_data, gst_object_ref (e));
}

static guint
uf_find (guint * parent, guint i)
{
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/* The element at the other end of @pad's link, or NULL. */
static GstElement *
peer_element (GstPad * pad)
{
  GstPad *peer = gst_worker_real_peer (pad);
  GstElement *e;

  if (!peer)
    return NULL;
  e = gst_pad_get_parent_element (peer);
  gst_object_unref (peer);
  return e;
}

static GList *
element_pads (GstElement * e)
{
  GList *l;

  GST_OBJECT_LOCK (e);
  l = g_list_copy_deep (e->pads, (GCopyFunc) gst_object_ref, NULL);
  GST_OBJECT_UNLOCK (e);
  return l;
}

/* One walk of the element links. */
typedef struct
{
  GPtrArray *queues;            /* QueueRec, the topology's */
  GPtrArray *elements;
  GHashTable *index;            /* GstElement -> index + 1 */
  GHashTable *chan_index;       /* GstElement -> channel index + 1 */
  guint *parent;
  guint *depth;
  GHashTable *by_key;           /* process key -> index + 1 */
  WorkerProcesses *out;
} Walk;

static gint
walk_index (Walk * t, GstElement * e)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (t->index, e)) - 1;
}

static gint
walk_chan (Walk * t, GstElement * e)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (t->chan_index, e)) - 1;
}

static const gchar *
walk_chan_name (Walk * t, guint i)
{
  return ((QueueRec *) g_ptr_array_index (t->queues, i))->name;
}

static gint
compare_by_depth (gconstpointer a, gconstpointer b, gpointer user_data)
{
  Walk *t = user_data;
  GstElement *ea = *(GstElement * const *) a;
  GstElement *eb = *(GstElement * const *) b;
  guint da = t->depth[walk_index (t, ea)];
  guint db = t->depth[walk_index (t, eb)];

  if (da != db)
    return da < db ? -1 : 1;
  return g_strcmp0 (GST_OBJECT_NAME (ea), GST_OBJECT_NAME (eb));
}

/* Links every element to the others of its process (union-find), and
 * gives each its depth from the process's upstream end. */
static void
link_elements (Walk * t)
{
  guint n = t->elements->len, i;
  GArray *links = g_array_new (FALSE, FALSE, sizeof (guint) * 2);

  for (i = 0; i < n; i++) {
    GstElement *e = g_ptr_array_index (t->elements, i);
    GList *pads, *l;

    if (walk_chan (t, e) >= 0)
      continue;
    pads = element_pads (e);
    for (l = pads; l; l = l->next) {
      GstElement *f = peer_element (l->data);
      gint j;

      if (!f)
        continue;
      j = walk_index (t, f);
      if (j >= 0 && walk_chan (t, f) < 0) {
        guint a = uf_find (t->parent, i), b = uf_find (t->parent, j);

        t->parent[a] = b;
        if (GST_PAD_DIRECTION (l->data) == GST_PAD_SRC) {
          guint link[2] = { i, j };
          g_array_append_vals (links, link, 1);
        }
      }
      gst_object_unref (f);
    }
    g_list_free_full (pads, gst_object_unref);
  }

  worker_longest_paths (n, links, t->depth);
  g_array_unref (links);
}

static gint
process_for (Walk * t, GstElement * e, guint chan, gboolean e_is_upstream)
{
  gchar *key;
  gint other = walk_chan (t, e), idx;
  WorkerProcess *p;

  if (other >= 0) {
    /* a queue linked straight into another: an empty process */
    guint up = e_is_upstream ? (guint) other : chan;
    guint down = e_is_upstream ? chan : (guint) other;

    key = g_strdup_printf ("q%u>q%u", up, down);
  } else {
    key = g_strdup_printf ("e%u", uf_find (t->parent, walk_index (t, e)));
  }

  idx = GPOINTER_TO_INT (g_hash_table_lookup (t->by_key, key)) - 1;
  if (idx >= 0) {
    g_free (key);
    return idx;
  }

  p = worker_process_new ();
  if (other >= 0) {
    guint up = e_is_upstream ? (guint) other : chan;
    guint down = e_is_upstream ? chan : (guint) other;

    p->name = g_strdup_printf ("%s>%s", walk_chan_name (t, up),
        walk_chan_name (t, down));
  } else {
    guint root = uf_find (t->parent, walk_index (t, e)), i;
    GString *name = g_string_new (NULL), *wnames = g_string_new (NULL);

    for (i = 0; i < t->elements->len; i++) {
      GstElement *m = g_ptr_array_index (t->elements, i);

      if (walk_chan (t, m) < 0 && uf_find (t->parent, i) == root)
        g_ptr_array_add (p->elements, gst_object_ref (m));
    }
    g_ptr_array_sort_with_data (p->elements, compare_by_depth, t);
    for (i = 0; i < p->elements->len; i++) {
      GstElement *m = g_ptr_array_index (p->elements, i);

      g_string_append_printf (name, "%s%s", i ? "+" : "",
          GST_OBJECT_NAME (m));
      if (GST_OBJECT_FLAG_IS_SET (m, GST_ELEMENT_FLAG_SINK))
        g_ptr_array_add (p->sinks, m);
      /* an element that takes input and makes data of its own as well
       * (flightlink: commands in, the vehicle's telemetry out) */
      if (GST_OBJECT_FLAG_IS_SET (m, GST_ELEMENT_FLAG_SOURCE) &&
          GST_OBJECT_FLAG_IS_SET (m, GST_ELEMENT_FLAG_SINK))
        p->produces = TRUE;
      if (GST_IS_WORKER (m)) {
        g_string_append_printf (wnames, "%s%s", p->workers->len ? "+" : "",
            GST_OBJECT_NAME (m));
        g_ptr_array_add (p->workers, gst_object_ref (m));
      }
    }
    p->exact = p->elements->len > 0 && p->workers->len == p->elements->len;
    /* named after its workers, or its elements when it has none */
    p->name = g_string_free (p->workers->len ? wnames : name, FALSE);
    g_string_free (p->workers->len ? name : wnames, TRUE);
  }
  g_ptr_array_add (t->out->processes, p);
  idx = t->out->processes->len - 1;
  g_hash_table_insert (t->by_key, key, GINT_TO_POINTER (idx + 1));
  return idx;
}

/* The process an end of channel @i is in: for a queue element, the one
 * past the link of its @pad; for the end of a FIFO, the one of the element
 * that owns @pad. -1 for none. */
static gint
end_process (Walk * t, QueueRec * q, GstPad * pad, guint i, gboolean upstream)
{
  GstElement *e = q->kind != WORKER_CHANNEL_FEEDBACK ? peer_element (pad) :
      gst_pad_get_parent_element (pad);
  gint idx = -1;

  if (e && walk_index (t, e) >= 0)
    idx = process_for (t, e, i, upstream);
  gst_clear_object (&e);
  return idx;
}

/* Walks the element links: the processes between the channels. */
static WorkerProcesses *
find_processes (GstWorkerTopology * self)
{
  Walk t;
  GstIterator *it;
  guint n_channels = self->queues->len, i;

  t.queues = self->queues;
  t.elements = g_ptr_array_new_with_free_func (gst_object_unref);
  it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  while (gst_iterator_foreach (it, collect_element, t.elements) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_set_size (t.elements, 0);
  }
  gst_iterator_free (it);

  t.index = g_hash_table_new (NULL, NULL);
  t.chan_index = g_hash_table_new (NULL, NULL);
  t.parent = g_new (guint, t.elements->len + 1);
  t.depth = g_new0 (guint, t.elements->len + 1);
  for (i = 0; i < t.elements->len; i++) {
    g_hash_table_insert (t.index, g_ptr_array_index (t.elements, i),
        GINT_TO_POINTER (i + 1));
    t.parent[i] = i;
  }
  /* queue elements stand between processes; the ends of a FIFO are in
   * them */
  for (i = 0; i < n_channels; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);

    if (q->kind != WORKER_CHANNEL_FEEDBACK)
      g_hash_table_insert (t.chan_index, q->element, GINT_TO_POINTER (i + 1));
  }

  link_elements (&t);

  t.out = g_atomic_rc_box_new0 (WorkerProcesses);
  t.out->processes = g_ptr_array_new_with_free_func ((GDestroyNotify)
      worker_process_free);
  t.out->writer = g_array_sized_new (FALSE, FALSE, sizeof (gint), n_channels);
  t.out->reader = g_array_sized_new (FALSE, FALSE, sizeof (gint), n_channels);
  t.by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; i < n_channels; i++) {
    QueueRec *q = g_ptr_array_index (self->queues, i);
    gint writer = end_process (&t, q, q->sinkpad, i, TRUE);
    gint reader = end_process (&t, q, q->srcpad, i, FALSE);

    g_array_append_val (t.out->writer, writer);
    g_array_append_val (t.out->reader, reader);
    if (writer >= 0)
      g_array_append_val (((WorkerProcess *) g_ptr_array_index
              (t.out->processes, writer))->outputs, i);
    if (reader >= 0)
      g_array_append_val (((WorkerProcess *) g_ptr_array_index
              (t.out->processes, reader))->inputs, i);
  }

  g_hash_table_unref (t.by_key);
  g_hash_table_unref (t.index);
  g_hash_table_unref (t.chan_index);
  g_free (t.parent);
  g_free (t.depth);
  g_ptr_array_unref (t.elements);
  return t.out;
}

/* Walks the element links again: the processes between the channels.
 * Pads linked since the last walk (decodebin, say) join. */
void
worker_topology_update_processes (GstWorkerTopology * self)
{
  WorkerProcesses *procs = find_processes (self), *old;

  g_mutex_lock (&self->lock);
  old = self->processes;
  self->processes = procs;
  g_mutex_unlock (&self->lock);
  if (old)
    worker_processes_unref (old);
}

/* Returns: (transfer full) (nullable): the processes of the latest walk,
 * NULL before the first */
WorkerProcesses *
worker_topology_dup_processes (GstWorkerTopology * self)
{
  WorkerProcesses *procs = NULL;

  g_mutex_lock (&self->lock);
  if (self->processes)
    procs = g_atomic_rc_box_acquire (self->processes);
  g_mutex_unlock (&self->lock);
  return procs;
}

/* ---------------------------------------------------------------------- */
/* sources */

/* The elements that produce data: where a drain's EOS goes. */
GPtrArray *
worker_topology_list_sources (GstWorkerTopology * self)
{
  GPtrArray *sources = g_ptr_array_new_with_free_func (gst_object_unref);
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;

  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);

        if (!GST_IS_BIN (e) &&
            GST_OBJECT_FLAG_IS_SET (e, GST_ELEMENT_FLAG_SOURCE))
          g_ptr_array_add (sources, gst_object_ref (e));
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        g_ptr_array_set_size (sources, 0);
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return sources;
}
