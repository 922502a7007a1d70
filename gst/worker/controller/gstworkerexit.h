/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* How a run of a pipeline of workers ends, for GstWorkerController: the
 * drain's EOS into every source (from a thread of its own), and the stop
 * (freeze every worker, stop the pipeline, account for every item that
 * was discarded, queue by queue and worker by worker). It works on the
 * topology; the controller decides when, keeps the report and emits the
 * signals. Internal to the library. */
#pragma once

#include <gst/gst.h>

#include "gstworkertopology.h"

G_BEGIN_DECLS

typedef struct _GstWorkerExit GstWorkerExit;

G_GNUC_INTERNAL
GstWorkerExit *     worker_exit_new (GstWorkerTopology * topology);

G_GNUC_INTERNAL
void                worker_exit_free (GstWorkerExit * ex);

G_GNUC_INTERNAL
void                worker_exit_send_eos (GstWorkerExit * ex);

G_GNUC_INTERNAL
void                worker_exit_join_eos (GstWorkerExit * ex,
                                          gboolean flush);

G_GNUC_INTERNAL
guint64             worker_exit_stop (GstWorkerExit * ex, GValue * holders);

G_GNUC_INTERNAL
gboolean            worker_exit_every_input_ended (GstWorkerExit * ex);

G_END_DECLS
