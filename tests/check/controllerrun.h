/* gst-workers: the worker controller tests' helpers: a controller's run
 * with what its signals told, and its report's fields
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>
#include "testpipeline.h"

G_BEGIN_DECLS

typedef struct
{
  GstWorkerController *ctrl;
  GMainLoop *loop;
  GstStructure *report;
  GPtrArray *stalls;            /* "stall" structures */
  GPtrArray *lost;              /* names */
  GArray *lost_silence;         /* guint64 ns, one per entry of lost */
  GPtrArray *recovered;         /* names */
  GPtrArray *errors;            /* element names */
  guint restarted;
  guint started;
  gint64 started_at;
} Run;

void run_init (Run * r, GstWorkerController * ctrl);
void run_clear (Run * r);
void run_stop_left (void);
void run_until_finished (Run * r, guint timeout_s);
void run_until (Run * r, TestLoopCondition cond, gconstpointer data,
    guint timeout_ms);
void run_for (Run * r, guint ms);

GstWorkerController *controller (const gchar * desc);
void start (GstWorkerController * ctrl);
GstElement *element (GstWorkerController * ctrl, const gchar * name);
guint64 prop_u64 (GstWorkerController * ctrl, const gchar * name,
    const gchar * prop);
gboolean sink_has_items (gpointer run, gconstpointer name);

const GstStructure *entry (const GstStructure * s, const gchar * field,
    const gchar * name);
guint64 u64 (const GstStructure * s, const gchar * field);
guint64 worker_u64 (const GstStructure * s, const gchar * worker,
    const gchar * f);
guint64 queue_u64 (const GstStructure * s, const gchar * queue,
    const gchar * f);
GstWorkerState worker_state (const GstStructure * w);
GstWorkerControllerOutcome outcome (const GstStructure * report);
void assert_chain_balanced (const GstStructure * report,
    const gchar * const *workers, const gchar * const *queues);

/* A worker's state in the controller's status, for run_until(). */
typedef struct
{
  const gchar *worker;
  GstWorkerState state;
  const gchar *blocked_on;
  guint input_level;            /* of its fullest input queue; 0: any */
} StateWant;

gboolean worker_in_state (gpointer run, gconstpointer data);

G_END_DECLS
