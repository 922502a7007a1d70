/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController's tuner: how each worker spends its time (busy,
 * idle, blocked on a full queue, paused), sampled; the bottleneck; and,
 * in `tune=auto`, pool sizes changed to follow it. Internal. */
#pragma once

#include <gst/gst.h>

#include "gstworkertopology.h"

G_BEGIN_DECLS

typedef struct _GstWorkerTuner GstWorkerTuner;

/* What the tuner acts on, copied from the controller for one call. */
typedef struct
{
  gboolean act;                 /* auto: resize pools; else report only */
  guint max_replicas;           /* a pool's largest size it may set */
} WorkerTunePolicy;

G_GNUC_INTERNAL
GstWorkerTuner *    worker_tuner_new (GstWorkerTopology * topology);

G_GNUC_INTERNAL
void                worker_tuner_free (GstWorkerTuner * tuner);

G_GNUC_INTERNAL
void                worker_tuner_sample (GstWorkerTuner * tuner,
                                         const WorkerTunePolicy * policy);

G_GNUC_INTERNAL
GstStructure *      worker_tuner_get_status (GstWorkerTuner * tuner,
                                             const WorkerTunePolicy * policy);

G_END_DECLS
