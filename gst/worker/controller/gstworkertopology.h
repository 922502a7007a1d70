/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The topology of a pipeline of workers, as GstWorkerController sees it:
 * every worker (a WorkerRec) and every Kahn channel (a QueueRec), found
 * once; which workers write into and read from each channel; the workers
 * in order, upstream first; the processes between the channels (a
 * WorkerProcess); the sources. Internal to the library. */
#pragma once

#include <gst/gst.h>

#include "gstworker.h"

G_BEGIN_DECLS

typedef struct _GstWorkerTopology GstWorkerTopology;
typedef struct _WorkerRec WorkerRec;

/* What a channel is: the one place that tells queues apart. */
typedef enum
{
  WORKER_CHANNEL_QUEUE,         /* a `queue`: levels and limits in buffers,
                                 * bytes and time; min-threshold, leaky */
  WORKER_CHANNEL_QUEUE2,        /* a `queue2`: levels and limits in buffers,
                                 * bytes and time */
  WORKER_CHANNEL_FEEDBACK,      /* the FIFO of a feedbacksink and its
                                 * feedbacksrc: levels in buffers */
} WorkerChannelKind;

/* One Kahn channel: a `queue` (or `queue2`) element, or the FIFO between a
 * `feedbacksink` and the `feedbacksrc` of the same channel name (named
 * "channel NAME", as their workers say when blocked on it).
 * Reference-counted (g_atomic_rc_box) because its pad probes hold it until
 * they are removed. */
typedef struct
{
  GstElement *element;          /* levels and limits: the queue, or the
                                 * feedbacksink */
  gchar *name;
  WorkerChannelKind kind;
  GstPad *sinkpad;              /* where items go in */
  GstPad *srcpad;               /* where they come out */
  GstWorker *in_worker;         /* owned ref, or NULL: a feedbacksink takes
                                 * items before any probe, and counts them
                                 * in its items-out */
  GstElement *tokens_from;      /* owned ref, or NULL: the feedbacksrc whose
                                 * initial-items the channel holds at the
                                 * start of a run (Kahn's initial tokens) */
  gulong sink_probe;
  gulong src_probe;
  gulong event_probe;
  gint retired;                 /* atomic: the queue left the pipeline (a
                                 * pool's shrink); its record stays, with
                                 * its counts */

  GMutex lock;
  /* protected by lock */
  guint64 in;
  guint64 out;
  gboolean eos;                 /* an EOS went in, since a flush */

  /* protected by the topology's lock; not owned */
  GPtrArray *writers;           /* WorkerRec: workers pushing into it */
  GPtrArray *readers;           /* WorkerRec: workers it feeds */
} QueueRec;

struct _WorkerRec
{
  GstElement *element;          /* owned ref; set once */
  gchar *name;                  /* set once */
  gchar *path;                  /* set once: "bin/name" below the pipeline */
  guint index;                  /* set once: in the topology's workers */

  /* protected by the topology's lock */
  GPtrArray *inputs;            /* QueueRec, not owned */
  GPtrArray *upstream;          /* WorkerRec feeding it, not owned */
  guint depth;                  /* workers between it and a source */
  gint64 handed_offset;         /* items its input channels handed out
                                 * before it read them, minus its items-in
                                 * then: 0 unless the system was reshaped */
  GstStructure *final_stats;    /* its stats when it was retired, or NULL */

  gint retired;                 /* atomic: taken out of the pipeline by a
                                 * reshape; the record stays, with its
                                 * counts */
};

/* How many workers and channels a reshape may add to a running system:
 * the records' arrays never move, so they are read without a lock. */
#define WORKER_TOPOLOGY_SPARE 256

/* One process of the pipeline: what lies between its channels (a source
 * and its tee, a worker, a compositor and its sink), found from the
 * element links. Set once; read-only. */
typedef struct
{
  gchar *name;                  /* its workers' names joined by "+", or
                                 * its elements' when it has none; two
                                 * channels linked straight: "qa>qb" */
  GPtrArray *elements;          /* GstElement, owned refs, upstream first */
  GPtrArray *workers;           /* GstElement, owned refs */
  GPtrArray *sinks;             /* GstElement, in elements: its sinks */
  gboolean exact;               /* only workers: their states are its own */
  gboolean produces;            /* an element of it is a source and a sink
                                 * (flightlink): its output is not only
                                 * made of its inputs */
  GArray *inputs;               /* guint: channels it reads (indexes in
                                 * the topology's queues) */
  GArray *outputs;              /* guint: channels it writes */
} WorkerProcess;

/* Every process and, per channel (the topology's queue order), the
 * process that writes into it and the one that reads from it (an index in
 * processes, or -1). Reference-counted (g_atomic_rc_box); read-only. */
typedef struct
{
  GPtrArray *processes;         /* WorkerProcess */
  GArray *writer;               /* gint, one per channel */
  GArray *reader;               /* gint, one per channel */
} WorkerProcesses;

G_GNUC_INTERNAL
GstWorkerTopology * worker_topology_new (GstPipeline * pipeline);

G_GNUC_INTERNAL
void                worker_topology_free (GstWorkerTopology * topo);

G_GNUC_INTERNAL
void                worker_topology_update (GstWorkerTopology * topo);

G_GNUC_INTERNAL
WorkerRec *         worker_topology_add_worker (GstWorkerTopology * topo,
                                                GstElement * element);

G_GNUC_INTERNAL
QueueRec *          worker_topology_add_queue (GstWorkerTopology * topo,
                                               GstElement * queue);

G_GNUC_INTERNAL
void                worker_topology_retire_worker (GstWorkerTopology * topo,
                                                   WorkerRec * w);

G_GNUC_INTERNAL
void                worker_topology_rebase (GstWorkerTopology * topo,
                                            WorkerRec * w);

G_GNUC_INTERNAL
gint64              worker_topology_handed_offset (GstWorkerTopology * topo,
                                                   WorkerRec * w);

G_GNUC_INTERNAL
GstElement *        worker_topology_pool_of (GstElement * element);

G_GNUC_INTERNAL
gboolean            worker_rec_is_retired (WorkerRec * w);

G_GNUC_INTERNAL
QueueRec *          worker_topology_retire_queue (GstWorkerTopology * topo,
                                                  GstElement * queue);

G_GNUC_INTERNAL
gboolean            worker_queue_is_retired (QueueRec * q);

G_GNUC_INTERNAL
GstStructure *      worker_rec_get_stats (WorkerRec * w);

G_GNUC_INTERNAL
void                worker_topology_update_processes
                                          (GstWorkerTopology * topo);

G_GNUC_INTERNAL
WorkerProcesses *   worker_topology_dup_processes
                                          (GstWorkerTopology * topo);

G_GNUC_INTERNAL
void                worker_processes_unref (WorkerProcesses * procs);

G_GNUC_INTERNAL
GstPipeline *       worker_topology_pipeline (GstWorkerTopology * topo);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_workers (GstWorkerTopology * topo);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_queues (GstWorkerTopology * topo);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_dup_order (GstWorkerTopology * topo);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_dup_inputs (GstWorkerTopology * topo,
                                                WorkerRec * w);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_dup_readers (GstWorkerTopology * topo,
                                                 QueueRec * q);

G_GNUC_INTERNAL
void                worker_topology_queue_names (GstWorkerTopology * topo,
                                                 QueueRec * q,
                                                 GValue * writers,
                                                 GValue * readers);

G_GNUC_INTERNAL
WorkerRec *         worker_topology_find_worker_by_element
                                          (GstWorkerTopology * topo,
                                           GstObject * element);

G_GNUC_INTERNAL
WorkerRec *         worker_topology_find_worker_by_name
                                          (GstWorkerTopology * topo,
                                           const gchar * name);

G_GNUC_INTERNAL
QueueRec *          worker_topology_find_queue_by_name
                                          (GstWorkerTopology * topo,
                                           const gchar * name);

G_GNUC_INTERNAL
GPtrArray *         worker_topology_list_sources (GstWorkerTopology * topo);

G_GNUC_INTERNAL
void                worker_queue_counts (QueueRec * q, guint64 * in,
                                         guint64 * out);

G_GNUC_INTERNAL
guint64             worker_queue_initial (QueueRec * q);

G_GNUC_INTERNAL
gboolean            worker_queue_eos (QueueRec * q);

G_GNUC_INTERNAL
void                worker_queue_reset_counts (QueueRec * q);

G_GNUC_INTERNAL
void                worker_queue_levels (QueueRec * q, guint * level,
                                         guint * max);

G_END_DECLS
