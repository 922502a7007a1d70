/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The private parts of GstWorkerController, shared by the files that
 * implement it: its instance struct, its records of workers and queues,
 * and the functions one file calls in another. Internal to the library,
 * not installed. */
#pragma once

#include <gst/gst.h>

#include "gstworkercontroller.h"
#include "gstworkerreshape.h"
#include "gstworkerdeadlock.h"
#include "gstworkerenums.h"
#include "gstworkerexit.h"
#include "gstworkerrun.h"
#include "gstworkertopology.h"
#include "gstworkertune.h"
#include "gstworkerwatchdog.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (worker_controller_debug);
#define GST_CAT_DEFAULT worker_controller_debug

struct _GstWorkerController
{
  GstObject parent;

  GstPipeline *pipeline;        /* construct-only */
  GMainContext *context;        /* set at construction */
  GSource *bus_source;          /* set at construction */
  GstWorkerTopology *topology;  /* set at construction; its own lock */
  GPtrArray *workers;           /* WorkerRec, the topology's; fixed */
  GPtrArray *queues;            /* QueueRec, the topology's; fixed */
  GstWorkerWatchdog *watch;     /* set at construction; its own lock and
                                 * timer */
  GstWorkerExit *exit;          /* set at construction; its own lock */
  GstWorkerDeadlock *deadlock;  /* the wait-for graph; set at construction;
                                 * its own lock */
  GstWorkerRun *run;            /* set at construction; its own lock */

  /* protected by the object lock */
  guint heartbeat_timeout;
  guint stall_timeout;
  guint heartbeat_interval;
  GstWorkerErrorPolicy error_policy;
  GstWorkerStallPolicy stall_policy;
  guint max_restarts;
  guint restart_backoff;
  GstWorkerDeadlockMode deadlock_mode;
  guint deadlock_settle;
  guint max_queue_growth;
  guint max_total_growth;
  GSource *follow_update;       /* workers added or removed while the
                                 * system runs: the records' update, due
                                 * (gstworkerreshape.c) */
  GstWorkerTuneMode tune_mode;
  guint tune_max_replicas;
  GSource *tune_timer;          /* the tuner's samples, while tune is on */
  GstWorkerTuner *tuner;        /* set at construction; its own lock */
};

/* gstworkerstatus.c */

G_GNUC_INTERNAL
void controller_deadlock_policy (GstWorkerController * self,
    GstWorkerDeadlockPolicy * policy);

G_GNUC_INTERNAL
void controller_run_policy (GstWorkerController * self,
    WorkerRunPolicy * policy);

G_GNUC_INTERNAL
void controller_structure_take_array (GstStructure * s, const gchar * field,
    GValue * array);

G_GNUC_INTERNAL
GValue *controller_new_array (GValue * v);

G_GNUC_INTERNAL
GstWorkerState controller_stats_state (const GstStructure * s);

G_GNUC_INTERNAL
GstClockTime controller_stats_time (const GstStructure * s,
    const gchar * field);

G_GNUC_INTERNAL
guint64 controller_stats_u64 (const GstStructure * s, const gchar * field);

G_GNUC_INTERNAL
GstStructure *controller_queue_structure (GstWorkerController * self,
    QueueRec * q);

G_GNUC_INTERNAL
GstStructure *controller_worker_structure (GstWorkerController * self,
    WorkerRec * w, gboolean with_heartbeat);

G_GNUC_INTERNAL
void controller_take_worker (GValue * workers, GstStructure * s);
void controller_add_worker_names (GStrvBuilder * b, WorkerRec * w);

G_GNUC_INTERNAL
GstStructure *controller_wait_for_structure (GstWorkerController * self);

G_GNUC_INTERNAL
GstStructure *controller_build_report (GstWorkerController * self,
    GstWorkerControllerOutcome outcome);

G_GNUC_INTERNAL
GstStructure *controller_build_status (GstWorkerController * self);

/* gstworkerreshape.c */

G_GNUC_INTERNAL
void controller_add_reshape_status (GstWorkerController * self,
    GstStructure * s);

G_GNUC_INTERNAL
void controller_reshape_init (GstWorkerController * self);

G_GNUC_INTERNAL
void controller_reshape_dispose (GstWorkerController * self);

G_GNUC_INTERNAL
void controller_reshape_install_properties (GObjectClass * klass,
    guint first_prop_id);

G_GNUC_INTERNAL
gboolean controller_reshape_set_property (GstWorkerController * self,
    guint prop_id, const GValue * value);

G_GNUC_INTERNAL
gboolean controller_reshape_get_property (GstWorkerController * self,
    guint prop_id, GValue * value);

/* gstworkerchildren.c */

G_GNUC_INTERNAL
gchar *controller_resolve_worker (GstWorkerController * self,
    const gchar * name);

G_GNUC_INTERNAL
gboolean controller_set_worker_paused (GstWorkerController * self,
    const gchar * name, gboolean paused, GError ** error);

G_GNUC_INTERNAL
void controller_children_install_signals (GObjectClass * klass);

G_GNUC_INTERNAL
void controller_handle_child_message (GstWorkerController * self,
    GstMessage * msg);

G_END_DECLS
