/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The wait-for graph of a pipeline's bounded queues and the deadlock
 * analysis behind GstWorkerController: internal to the library. */
#pragma once

#include <gst/gst.h>
#include "gstworkercontroller.h"
#include "gstworkertopology.h"

G_BEGIN_DECLS

typedef struct _GstWorkerDeadlock GstWorkerDeadlock;

/* The controller's deadlock properties, copied for one check. */
typedef struct
{
  GstWorkerDeadlockMode mode;
  guint settle_ms;
  guint max_queue_growth;
  guint max_total_growth;
} GstWorkerDeadlockPolicy;

G_GNUC_INTERNAL
GstWorkerDeadlock * gst_worker_deadlock_new (GstWorkerTopology * topology);

G_GNUC_INTERNAL
void                gst_worker_deadlock_free (GstWorkerDeadlock * dl);

G_GNUC_INTERNAL
void                gst_worker_deadlock_set_topology (GstWorkerDeadlock * dl);

G_GNUC_INTERNAL
void                gst_worker_deadlock_reset (GstWorkerDeadlock * dl);

G_GNUC_INTERNAL
void                gst_worker_deadlock_touch (GstWorkerDeadlock * dl);

G_GNUC_INTERNAL
guint               gst_worker_deadlock_tick_ms (guint settle_ms);

G_GNUC_INTERNAL
void                gst_worker_deadlock_sample (GstWorkerDeadlock * dl);

G_GNUC_INTERNAL
GPtrArray *         gst_worker_deadlock_check (GstWorkerDeadlock * dl,
                                               const GstWorkerDeadlockPolicy *
                                               policy);

G_GNUC_INTERNAL
GstStructure *      gst_worker_deadlock_get_status (GstWorkerDeadlock * dl,
                                                    const
                                                    GstWorkerDeadlockPolicy *
                                                    policy);

G_GNUC_INTERNAL
void                gst_worker_deadlock_add_wait_for (GstWorkerDeadlock * dl,
                                                      GstStructure * wait_for);

G_GNUC_INTERNAL
void                gst_worker_deadlock_add_to_report (GstWorkerDeadlock * dl,
                                                       GstStructure * report);

G_GNUC_INTERNAL
gchar *             gst_worker_deadlock_explain (GstWorkerDeadlock * dl,
                                                 GstElement * worker);

G_GNUC_INTERNAL
gboolean            gst_worker_deadlock_waits_on_pause (GstWorkerDeadlock * dl,
                                                        GstElement * worker);

G_GNUC_INTERNAL
GstElement *        gst_worker_deadlock_waits_on_busy (GstWorkerDeadlock * dl,
                                                       GstElement * worker);

G_END_DECLS
