/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Graph algorithms of the controller, on plain numbered nodes: longest
 * paths (the order of workers and of elements), strongly connected
 * components and shortest paths inside one (the deadlock detector's
 * wait-for graph). Internal to the library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WorkerGraph WorkerGraph;

G_GNUC_INTERNAL
void                worker_longest_paths (guint n_nodes,
                                          const GArray * links,
                                          guint * depth);

G_GNUC_INTERNAL
WorkerGraph *       worker_graph_new (guint n_nodes);

G_GNUC_INTERNAL
void                worker_graph_free (WorkerGraph * g);

G_GNUC_INTERNAL
void                worker_graph_set_active (WorkerGraph * g, guint node,
                                             gboolean active);

G_GNUC_INTERNAL
void                worker_graph_add_edge (WorkerGraph * g, guint from,
                                           gint to);

G_GNUC_INTERNAL
void                worker_graph_find_components (WorkerGraph * g);

G_GNUC_INTERNAL
gint                worker_graph_component (WorkerGraph * g, guint node);

G_GNUC_INTERNAL
GArray *            worker_graph_path (WorkerGraph * g, gint component,
                                       gint from, gint to);

G_END_DECLS
