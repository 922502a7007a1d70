/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Graph algorithms on numbered nodes, with no knowledge of pipelines:
 * longest paths from the sources, Tarjan's strongly connected components,
 * and a shortest path inside a component (breadth first). The nodes'
 * edges keep their order and their index: an edge stands for something of
 * the caller's (a wait of a process), and a path names it by that index. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkergraph.h"

/* The longest-path depths of a graph of @n_nodes nodes whose @links are
 * pairs of guint (from, to), relaxed in their order, at most one pass per
 * node (a cycle stops growing then). @depth (n_nodes, zeroed by the
 * caller) receives them. The one such loop of the library: the workers'
 * order, and the elements' order in a process. */
void
worker_longest_paths (guint n_nodes, const GArray * links, guint * depth)
{
  guint i, pass;
  gboolean changed = TRUE;

  for (pass = 0; changed && pass < n_nodes; pass++) {
    changed = FALSE;
    for (i = 0; i < links->len; i++) {
      const guint *link = &g_array_index (links, guint, i * 2);

      if (depth[link[1]] < depth[link[0]] + 1) {
        depth[link[1]] = depth[link[0]] + 1;
        changed = TRUE;
      }
    }
  }
}

typedef struct
{
  GArray *edges;                /* gint: the node an edge leads to, or -1
                                 * (no edge, its index kept) */
  gboolean active;              /* in the components */

  /* Tarjan's algorithm */
  gint index, lowlink, component;
  gboolean on_stack;
} Node;

/* A directed graph of a fixed number of nodes: made, filled and searched
 * by one caller, then freed. */
struct _WorkerGraph
{
  guint n;
  Node *nodes;

  /* Tarjan's algorithm */
  gint index;
  GArray *stack;
  gint n_components;
};

WorkerGraph *
worker_graph_new (guint n_nodes)
{
  WorkerGraph *g = g_new0 (WorkerGraph, 1);
  guint i;

  g->n = n_nodes;
  g->nodes = g_new0 (Node, n_nodes + 1);
  for (i = 0; i < n_nodes; i++) {
    g->nodes[i].edges = g_array_new (FALSE, FALSE, sizeof (gint));
    g->nodes[i].component = -1;
  }
  return g;
}

void
worker_graph_free (WorkerGraph * g)
{
  guint i;

  for (i = 0; i < g->n; i++)
    g_array_unref (g->nodes[i].edges);
  g_free (g->nodes);
  g_free (g);
}

/* Only active nodes are in components and on paths. */
void
worker_graph_set_active (WorkerGraph * g, guint node, gboolean active)
{
  g->nodes[node].active = active;
}

/* The next edge of @from, to @to (-1: none, but it takes an index). */
void
worker_graph_add_edge (WorkerGraph * g, guint from, gint to)
{
  g_array_append_val (g->nodes[from].edges, to);
}

static void
tarjan_visit (WorkerGraph * g, gint vi)
{
  Node *v = &g->nodes[vi];
  guint i;

  v->index = v->lowlink = g->index++;
  g_array_append_val (g->stack, vi);
  v->on_stack = TRUE;

  for (i = 0; i < v->edges->len; i++) {
    gint wi = g_array_index (v->edges, gint, i);
    Node *w;

    if (wi < 0)
      continue;
    w = &g->nodes[wi];
    if (!w->active)
      continue;
    if (w->index < 0) {
      tarjan_visit (g, wi);
      v->lowlink = MIN (v->lowlink, w->lowlink);
    } else if (w->on_stack) {
      v->lowlink = MIN (v->lowlink, w->index);
    }
  }

  if (v->lowlink == v->index) {
    gint wi;

    do {
      Node *w;

      wi = g_array_index (g->stack, gint, g->stack->len - 1);
      g_array_set_size (g->stack, g->stack->len - 1);
      w = &g->nodes[wi];
      w->on_stack = FALSE;
      w->component = g->n_components;
    } while (wi != vi);
    g->n_components++;
  }
}

/* The strongly connected components of the active nodes (Tarjan), numbered
 * from 0 in the order they close, the nodes visited in their order. */
void
worker_graph_find_components (WorkerGraph * g)
{
  guint i;

  for (i = 0; i < g->n; i++) {
    g->nodes[i].index = -1;
    g->nodes[i].on_stack = FALSE;
    g->nodes[i].component = -1;
  }
  g->index = 0;
  g->n_components = 0;
  g->stack = g_array_new (FALSE, FALSE, sizeof (gint));
  for (i = 0; i < g->n; i++) {
    if (g->nodes[i].active && g->nodes[i].index < 0)
      tarjan_visit (g, i);
  }
  g_clear_pointer (&g->stack, g_array_unref);
}

/* Returns: the component of @node, -1 for an inactive one */
gint
worker_graph_component (WorkerGraph * g, guint node)
{
  return g->nodes[node].component;
}

/* A shortest path of edges inside @component from @from to @to, as
 * (node, edge index) pairs of gint; with @from == @to, a shortest cycle
 * through @from. NULL if there is none. */
GArray *
worker_graph_path (WorkerGraph * g, gint component, gint from, gint to)
{
  guint n = g->n, head = 0, i;
  gint *prev = g_new (gint, n);
  guint *prev_edge = g_new0 (guint, n);
  GArray *queue = g_array_new (FALSE, FALSE, sizeof (gint));
  GArray *path = NULL;
  gboolean found = FALSE;

  for (i = 0; i < n; i++)
    prev[i] = -2;
  /* the start stays unvisited when the path must come back to it */
  if (from != to)
    prev[from] = -1;
  g_array_append_val (queue, from);
  while (head < queue->len && !found) {
    gint u = g_array_index (queue, gint, head++);
    Node *nu = &g->nodes[u];

    for (i = 0; i < nu->edges->len && !found; i++) {
      gint v = g_array_index (nu->edges, gint, i);
      Node *nv;

      if (v < 0 || prev[v] != -2)
        continue;
      nv = &g->nodes[v];
      if (!nv->active || nv->component != component)
        continue;
      prev[v] = u;
      prev_edge[v] = i;
      found = v == to;
      g_array_append_val (queue, v);
    }
  }

  if (found) {
    gint v = to;
    guint guard = 0;

    path = g_array_new (FALSE, FALSE, sizeof (gint) * 2);
    do {
      gint step[2] = { prev[v], (gint) prev_edge[v] };

      g_array_prepend_vals (path, step, 1);
      v = prev[v];
    } while (v != from && guard++ < n);
  }
  g_array_unref (queue);
  g_free (prev);
  g_free (prev_edge);
  return path;
}
