/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworker.h>
/* gst_worker_structure_to_json() was declared here before 0.2 */
#include <gst/worker/gstworkerjson.h>

G_BEGIN_DECLS

/**
 * GstWorkerErrorPolicy:
 * @GST_WORKER_ERROR_POLICY_STOP: an ERROR message stops the system; the
 *   report names the element and the message.
 * @GST_WORKER_ERROR_POLICY_RESTART: an ERROR message restarts the pipeline
 *   (to NULL, wait, back to PLAYING), at most `max-restarts` times, waiting
 *   `restart-backoff` ms before the first restart and twice as long before
 *   each next one. Past the limit, the system stops as with
 *   %GST_WORKER_ERROR_POLICY_STOP.
 *
 * What #GstWorkerController does when an element posts an ERROR message.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_ERROR_POLICY_STOP,
  GST_WORKER_ERROR_POLICY_RESTART,
} GstWorkerErrorPolicy;

/**
 * GstWorkerStallPolicy:
 * @GST_WORKER_STALL_POLICY_REPORT: a stalled worker is reported
 *   (#GstWorkerController::worker-stalled, the log, the status); the
 *   system goes on.
 * @GST_WORKER_STALL_POLICY_RESTART: a stalled worker is reported, then the
 *   pipeline restarts as for an error under
 *   %GST_WORKER_ERROR_POLICY_RESTART (the same `max-restarts` and
 *   `restart-backoff`); past the limit the system stops, its error naming
 *   the stalled worker. As a supervisor's watchdog does (systemd's
 *   WatchdogSec=). A stalled process replica (or a worker inside its
 *   child, "REPLICA/NAME") is the smaller unit: its child is ended as a
 *   hung one and the replica restarts it (its `restart-delay` and
 *   `max-restarts`, the item retried) while the pipeline runs on; the
 *   workers stalled behind it meanwhile cause no pipeline restart.
 *
 * What #GstWorkerController does when a worker stalls (`stall-timeout`).
 */
typedef enum {
  GST_WORKER_STALL_POLICY_REPORT,
  GST_WORKER_STALL_POLICY_RESTART,
} GstWorkerStallPolicy;

/**
 * GstWorkerDeadlockMode:
 * @GST_WORKER_DEADLOCK_MODE_OFF: no deadlock detection.
 * @GST_WORKER_DEADLOCK_MODE_REPORT: detect and explain deadlocks (log,
 *   #GstWorkerController::deadlock, status), change nothing.
 * @GST_WORKER_DEADLOCK_MODE_RESOLVE: detect and explain deadlocks; resolve
 *   an artificial one by growing the smallest full queue on its cycle
 *   (Parks' rule), within `max-queue-growth` and `max-total-growth` (for
 *   the whole run, restarts included: queues keep what they grew); stop
 *   the system on one that cannot be resolved.
 *
 * What #GstWorkerController does about deadlocks of its bounded queues.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_DEADLOCK_MODE_OFF,
  GST_WORKER_DEADLOCK_MODE_REPORT,
  GST_WORKER_DEADLOCK_MODE_RESOLVE,
} GstWorkerDeadlockMode;

/**
 * GstWorkerControllerOutcome:
 * @GST_WORKER_CONTROLLER_OUTCOME_NONE: the run has not ended.
 * @GST_WORKER_CONTROLLER_OUTCOME_DRAINED: EOS reached every input, after
 *   gst_worker_controller_exit_drain() or because the sources ended: every
 *   item that entered the system left it or was dropped by a worker's own
 *   decision (counted in its `items-dropped`).
 * @GST_WORKER_CONTROLLER_OUTCOME_STOPPED: gst_worker_controller_exit_now()
 *   stopped the system; the report says how many items were discarded,
 *   and where.
 * @GST_WORKER_CONTROLLER_OUTCOME_ERROR: an element posted an ERROR (and no
 *   restart was left), or the pipeline did not start.
 * @GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT: the drain did not finish in
 *   time; the report lists who still held items, then the system was
 *   stopped.
 * @GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK: a deadlock that growing queues
 *   cannot resolve (a cycle of workers each waiting for input from the
 *   next), or one that needed more growth than `max-queue-growth` or
 *   `max-total-growth` allow; the report's `deadlock` names the cycle,
 *   then the system was stopped.
 *
 * How a controlled run ended.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_CONTROLLER_OUTCOME_NONE,
  GST_WORKER_CONTROLLER_OUTCOME_DRAINED,
  GST_WORKER_CONTROLLER_OUTCOME_STOPPED,
  GST_WORKER_CONTROLLER_OUTCOME_ERROR,
  GST_WORKER_CONTROLLER_OUTCOME_DRAIN_TIMEOUT,
  GST_WORKER_CONTROLLER_OUTCOME_DEADLOCK,
} GstWorkerControllerOutcome;

/**
 * GstWorkerControllerError:
 * @GST_WORKER_CONTROLLER_ERROR_FILE: the pipeline file cannot be read.
 * @GST_WORKER_CONTROLLER_ERROR_EMPTY: the description has no elements.
 * @GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER: no worker has that name.
 * @GST_WORKER_CONTROLLER_ERROR_STATE: not possible now (the run ended, or
 *   has not started).
 * @GST_WORKER_CONTROLLER_ERROR_START: the pipeline did not start; the
 *   message names the element and, for a missing file or device, its path.
 * @GST_WORKER_CONTROLLER_ERROR_UNKNOWN_QUEUE: no queue has that name
 *   (Since: 0.2).
 * @GST_WORKER_CONTROLLER_ERROR_RESHAPE: a swap, insert or remove that
 *   cannot fit (caps that cannot pass, a worker with several inputs, a
 *   paused worker, a name taken...); the system is as it was (Since: 0.2).
 * @GST_WORKER_CONTROLLER_ERROR_PROPERTY: a property that cannot be set:
 *   not writable, not changeable while the system runs, a value that
 *   cannot be read or is out of range, or a child process that could not
 *   be asked; the message names the element and the property (Since: 0.2).
 *
 * Errors of #GstWorkerController, in the %GST_WORKER_CONTROLLER_ERROR
 * domain. A malformed description or an unknown element is reported in
 * the %GST_PARSE_ERROR domain instead, as gst_parse_launch() does.
 *
 * Since: 0.1
 */
typedef enum {
  GST_WORKER_CONTROLLER_ERROR_FILE,
  GST_WORKER_CONTROLLER_ERROR_EMPTY,
  GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
  GST_WORKER_CONTROLLER_ERROR_STATE,
  GST_WORKER_CONTROLLER_ERROR_START,
  GST_WORKER_CONTROLLER_ERROR_UNKNOWN_QUEUE,
  GST_WORKER_CONTROLLER_ERROR_RESHAPE,
  GST_WORKER_CONTROLLER_ERROR_PROPERTY,
} GstWorkerControllerError;

/**
 * GST_WORKER_CONTROLLER_ERROR:
 *
 * Error domain of #GstWorkerController.
 *
 * Since: 0.1
 */
#define GST_WORKER_CONTROLLER_ERROR (gst_worker_controller_error_quark ())
/**
 * gst_worker_controller_error_quark:
 *
 * The error domain of #GstWorkerController,
 * %GST_WORKER_CONTROLLER_ERROR.
 *
 * Returns: the quark
 *
 * Since: 0.1
 */
GST_WORKER_API
GQuark gst_worker_controller_error_quark (void);

/**
 * GST_WORKER_CONTROLLER_STATUS_NAME:
 *
 * Name of the structure gst_worker_controller_get_status() returns.
 *
 * Since: 0.1
 */
#define GST_WORKER_CONTROLLER_STATUS_NAME "worker-controller-status"

/**
 * GST_WORKER_CONTROLLER_REPORT_NAME:
 *
 * Name of the structure gst_worker_controller_get_report() returns.
 *
 * Since: 0.1
 */
#define GST_WORKER_CONTROLLER_REPORT_NAME "worker-controller-report"

/**
 * GST_TYPE_WORKER_CONTROLLER:
 *
 * The #GType of #GstWorkerController.
 *
 * Since: 0.1
 */
#define GST_TYPE_WORKER_CONTROLLER (gst_worker_controller_get_type ())

/**
 * GstWorkerController:
 *
 * The worker controller. Opaque.
 *
 * Since: 0.1
 */
GST_WORKER_API
G_DECLARE_FINAL_TYPE (GstWorkerController, gst_worker_controller,
    GST, WORKER_CONTROLLER, GstObject)

GST_WORKER_API
GstWorkerController * gst_worker_controller_new (GstPipeline * pipeline);

GST_WORKER_API
GstWorkerController * gst_worker_controller_new_from_description
                                          (const gchar * description,
                                           GError ** error);

GST_WORKER_API
GstWorkerController * gst_worker_controller_new_from_file
                                          (const gchar * path,
                                           GError ** error);

GST_WORKER_API
GstPipeline *  gst_worker_controller_get_pipeline (GstWorkerController * self);

GST_WORKER_API
gchar **       gst_worker_controller_list_workers (GstWorkerController * self);

GST_WORKER_API
gboolean       gst_worker_controller_start (GstWorkerController * self,
                                            GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_pause_worker (GstWorkerController * self,
                                                   const gchar * name,
                                                   GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_resume_worker (GstWorkerController * self,
                                                    const gchar * name,
                                                    GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_set_element_property
                                          (GstWorkerController * self,
                                           const gchar * name,
                                           const gchar * property,
                                           const gchar * value,
                                           GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_pause (GstWorkerController * self,
                                            GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_resume (GstWorkerController * self,
                                             GError ** error);

GST_WORKER_API
gboolean       gst_worker_controller_is_paused (GstWorkerController * self);

GST_WORKER_API
GstStructure * gst_worker_controller_get_status (GstWorkerController * self);

GST_WORKER_API
gchar *        gst_worker_controller_get_status_json
                                          (GstWorkerController * self);

GST_WORKER_API
GstStructure * gst_worker_controller_get_heartbeat
                                          (GstWorkerController * self,
                                           const gchar * name);

GST_WORKER_API
GstStructure * gst_worker_controller_get_wait_for
                                          (GstWorkerController * self);

GST_WORKER_API
gchar *        gst_worker_controller_explain_wait
                                          (GstWorkerController * self,
                                           const gchar * name);

GST_WORKER_API
void           gst_worker_controller_exit_drain (GstWorkerController * self,
                                                 guint timeout_ms);

GST_WORKER_API
GstStructure * gst_worker_controller_exit_now (GstWorkerController * self);

GST_WORKER_API
gboolean       gst_worker_controller_is_finished (GstWorkerController * self);

GST_WORKER_API
GstWorkerControllerOutcome
               gst_worker_controller_get_outcome (GstWorkerController * self);

GST_WORKER_API
GstStructure * gst_worker_controller_get_report (GstWorkerController * self);

GST_WORKER_API
gchar *        gst_worker_controller_get_report_json
                                          (GstWorkerController * self);

G_END_DECLS
