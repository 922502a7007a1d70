/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One run of a pipeline of workers, for GstWorkerController: its phase
 * (ready, running, draining, restarting, finished), the state the whole
 * system should be in (paused or playing), the errors that restart or end
 * it, the restarts and their backoff, the drain and its timeout, the end
 * and its report; and the timers all that needs. It works on the pipeline
 * through the topology, the exit part, the watchdog and the deadlock
 * detector, and tells its owner what happened by events: the owner emits
 * the signals. Internal to the library. */
#pragma once

#include <gst/gst.h>

#include "gstworkercontroller.h"
#include "gstworkerdeadlock.h"
#include "gstworkerexit.h"
#include "gstworkertopology.h"
#include "gstworkerwatchdog.h"

G_BEGIN_DECLS

typedef struct _GstWorkerRun GstWorkerRun;

typedef enum
{
  WORKER_RUN_READY,
  WORKER_RUN_RUNNING,
  WORKER_RUN_DRAINING,
  WORKER_RUN_RESTARTING,
  WORKER_RUN_FINISHED,
} WorkerRunPhase;

typedef enum
{
  WORKER_RUN_EVENT_STARTED,     /* the system reached PLAYING, first time */
  WORKER_RUN_EVENT_ERROR,       /* element, error, debug, restarting */
  WORKER_RUN_EVENT_RESTARTED,   /* restarts */
  WORKER_RUN_EVENT_FINISHED,    /* report */
} WorkerRunEventType;

/* Something the owner signals. */
typedef struct
{
  WorkerRunEventType type;
  const gchar *element;
  const GError *error;
  const gchar *debug;
  gboolean restarting;
  guint restarts;
  const GstStructure *report;
} WorkerRunEvent;

/* The owner's restart properties, copied for one decision. */
typedef struct
{
  GstWorkerErrorPolicy error_policy;
  GstWorkerStallPolicy stall_policy;
  guint max_restarts;
  guint restart_backoff;
} WorkerRunPolicy;

/* What the run asks of its owner (called without the run's lock). */
typedef struct
{
  void (*event) (GstObject * owner, const WorkerRunEvent * ev);
  void (*policy) (GstObject * owner, WorkerRunPolicy * policy);
  /* the report's common part (see controller_build_report()) */
  GstStructure *(*report) (GstObject * owner,
      GstWorkerControllerOutcome outcome);
} WorkerRunHooks;

/* Everything a run works on: not owned, all outlive the run. */
typedef struct
{
  GstObject *owner;
  const WorkerRunHooks *hooks;
  GstPipeline *pipeline;
  GMainContext *context;
  GstWorkerTopology *topology;
  GstWorkerExit *exit;
  GstWorkerWatchdog *watch;
  GstWorkerDeadlock *deadlock;
} WorkerRunParts;

G_GNUC_INTERNAL
GstWorkerRun *      worker_run_new (const WorkerRunParts * parts);

G_GNUC_INTERNAL
void                worker_run_free (GstWorkerRun * run);

G_GNUC_INTERNAL
const gchar *       worker_run_phase_name (WorkerRunPhase phase);

G_GNUC_INTERNAL
WorkerRunPhase      worker_run_phase (GstWorkerRun * run);

G_GNUC_INTERNAL
gboolean            worker_run_is_active (GstWorkerRun * run,
                                          gboolean * paused,
                                          gboolean * playing);

G_GNUC_INTERNAL
gboolean            worker_run_is_paused (GstWorkerRun * run);

G_GNUC_INTERNAL
gboolean            worker_run_start (GstWorkerRun * run, GError ** error);

G_GNUC_INTERNAL
void                worker_run_add_tick (GstWorkerRun * run, guint ms,
                                         GSourceFunc tick);

G_GNUC_INTERNAL
gboolean            worker_run_fail_start (GstWorkerRun * run,
                                           gchar * element, gchar * text,
                                           GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_ready (GstWorkerRun * run, GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_play (GstWorkerRun * run, GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_pause (GstWorkerRun * run, GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_resume (GstWorkerRun * run, GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_check_pause_worker (GstWorkerRun * run,
                                                   const gchar * name,
                                                   GError ** error);

G_GNUC_INTERNAL
gboolean            worker_run_set_child_paused (GstWorkerRun * run,
                                                 GstElement * replica,
                                                 const gchar * name,
                                                 gboolean paused,
                                                 gchar ** why);

G_GNUC_INTERNAL
void                worker_run_drain (GstWorkerRun * run, guint timeout_ms);

G_GNUC_INTERNAL
GstStructure *      worker_run_stop (GstWorkerRun * run);

G_GNUC_INTERNAL
void                worker_run_stop_on_deadlock (GstWorkerRun * run);

G_GNUC_INTERNAL
void                worker_run_handle_eos (GstWorkerRun * run);

G_GNUC_INTERNAL
void                worker_run_handle_error (GstWorkerRun * run,
                                             GstMessage * msg);

G_GNUC_INTERNAL
void                worker_run_handle_stall (GstWorkerRun * run,
                                             const gchar * worker,
                                             const gchar * what,
                                             GstClockTime duration);

G_GNUC_INTERNAL
void                worker_run_handle_state_changed (GstWorkerRun * run,
                                                     GstMessage * msg);

G_GNUC_INTERNAL
void                worker_run_shut_down (GstWorkerRun * run);

G_GNUC_INTERNAL
GstWorkerControllerOutcome worker_run_outcome (GstWorkerRun * run);

G_GNUC_INTERNAL
GstStructure *      worker_run_dup_report (GstWorkerRun * run);

G_GNUC_INTERNAL
GstStructure *      worker_run_new_status (GstWorkerRun * run,
                                           const gchar * name,
                                           const WorkerRunPolicy * policy);

G_GNUC_INTERNAL
GstStructure *      worker_run_new_report (GstWorkerRun * run,
                                           GstWorkerControllerOutcome outcome,
                                           gboolean balanced);

G_END_DECLS
