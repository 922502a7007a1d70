/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's watchdog: what it knows of each worker's
 * heartbeats, the checks that find lost workers (heartbeats stopped) and
 * stalled ones (busy or blocked too long, unless blocked behind a paused
 * worker), and the timer that says when they are due. It returns events;
 * the controller emits the signals. Internal to the library. */
#pragma once

#include <gst/gst.h>

#include "gstworkerstate.h"
#include "gstworkertopology.h"
#include "gstworkerdeadlock.h"

G_BEGIN_DECLS

typedef struct _GstWorkerWatchdog GstWorkerWatchdog;

typedef enum
{
  WORKER_WATCH_STALLED,
  WORKER_WATCH_LOST,
  WORKER_WATCH_RECOVERED,
} WorkerWatchEventType;

/* Something the controller signals. */
typedef struct
{
  WorkerWatchEventType type;
  gchar *worker;
  GstWorkerState state;         /* stalled, lost: the worker's state */
  GstClockTime duration;        /* stalled: in that state; lost: silent */
  gchar *blocked_on;            /* stalled: the full queue, or NULL */
  gboolean was_lost;            /* recovered: from lost, not stalled */
} WorkerWatchEvent;

/* The controller's timeouts, in ms (0: off), copied for one call. */
typedef struct
{
  guint heartbeat_timeout;
  guint stall_timeout;
  gboolean playing;             /* worker_watchdog_run(): the pipeline
                                 * plays (else it prerolls: heartbeats are
                                 * not due, only busy workers are checked) */
} WorkerWatchTimeouts;

G_GNUC_INTERNAL
GstWorkerWatchdog * worker_watchdog_new (GstWorkerTopology * topology,
                                         GstWorkerDeadlock * deadlock);

G_GNUC_INTERNAL
void                worker_watchdog_free (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
void                worker_watchdog_attach (GstWorkerWatchdog * wd,
                                            GMainContext * context,
                                            GSourceFunc fire,
                                            gpointer data);

G_GNUC_INTERNAL
void                worker_watchdog_detach (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
void                worker_watchdog_wake (GstWorkerWatchdog * wd, gint64 at);

G_GNUC_INTERNAL
void                worker_watchdog_sleep (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
GPtrArray *         worker_watchdog_run (GstWorkerWatchdog * wd,
                                         const WorkerWatchTimeouts * t);

G_GNUC_INTERNAL
gchar *             worker_watch_event_describe (const WorkerWatchEvent * ev);

G_GNUC_INTERNAL
void                worker_watchdog_reset (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
void                worker_watchdog_add (GstWorkerWatchdog * wd,
                                         WorkerRec * w);

G_GNUC_INTERNAL
void                worker_watchdog_playing (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
void                worker_watchdog_resumed (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
void                worker_watchdog_system_resumed (GstWorkerWatchdog * wd);

G_GNUC_INTERNAL
gboolean            worker_watchdog_heartbeat (GstWorkerWatchdog * wd,
                                               WorkerRec * w,
                                               const GstStructure * s,
                                               const WorkerWatchTimeouts * t);

G_GNUC_INTERNAL
void                worker_watchdog_set_interval (GstWorkerWatchdog * wd,
                                                  GstObject * owner,
                                                  guint interval,
                                                  guint timeout);

G_GNUC_INTERNAL
GstStructure *      worker_watchdog_dup_heartbeat (GstWorkerWatchdog * wd,
                                                   WorkerRec * w);

G_GNUC_INTERNAL
void                worker_watchdog_add_status (GstWorkerWatchdog * wd,
                                                WorkerRec * w,
                                                GstStructure * s,
                                                gboolean playing);

G_GNUC_INTERNAL
gint64              worker_min_deadline (gint64 a, gint64 b);

G_END_DECLS
