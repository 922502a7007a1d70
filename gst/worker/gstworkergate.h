/* gst-workers: the source gate of a worker core (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstWorkerGate GstWorkerGate;

G_GNUC_INTERNAL
GstWorkerGate * gst_worker_gate_new (GstElement * element);

G_GNUC_INTERNAL
void            gst_worker_gate_free (GstWorkerGate * gate);

G_GNUC_INTERNAL
void            gst_worker_gate_reset (GstWorkerGate * gate);

G_GNUC_INTERNAL
void            gst_worker_gate_set_playing (GstWorkerGate * gate,
                                             gboolean playing);

G_GNUC_INTERNAL
void            gst_worker_gate_set_flushing (GstWorkerGate * gate,
                                              gboolean flushing);

G_GNUC_INTERNAL
void            gst_worker_gate_request_eos (GstWorkerGate * gate);

G_GNUC_INTERNAL
gboolean        gst_worker_gate_eos_requested (GstWorkerGate * gate);

G_GNUC_INTERNAL
GstFlowReturn   gst_worker_gate_wait (GstWorkerGate * gate,
                                      GstClockTime running_time);

G_END_DECLS
