/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Filling GST_TYPE_ARRAY values, reading stats fields (see
 * gstworkervalue.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkervalue.h"
#include "gstworkerenums.h"

/* Appends a copy of @str to @array, a GST_TYPE_ARRAY value. */
void
worker_array_add_string (GValue * array, const gchar * str)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, str);
  gst_value_array_append_and_take_value (array, &v);
}

/* Appends @s to @array, a GST_TYPE_ARRAY value, which takes it. */
void
worker_array_take_structure (GValue * array, GstStructure * s)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_value_take_boxed (&v, s);
  gst_value_array_append_and_take_value (array, &v);
}

guint64
worker_stats_u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, field, &v);
  return v;
}

GstWorkerState
worker_stats_state (const GstStructure * s)
{
  gint state = GST_WORKER_STATE_IDLE;

  gst_structure_get_enum (s, "state", GST_TYPE_WORKER_STATE, &state);
  return state;
}

GstClockTime
worker_stats_time (const GstStructure * s, const gchar * field)
{
  GstClockTime t = 0;

  gst_structure_get_clock_time (s, field, &t);
  return t;
}

/* Whether a worker inside @s's child process is paused: @s is a process
 * replica's stats, `child-workers` their stats as its child last gave
 * them (each with `paused`, or the state paused). FALSE for any other
 * worker. */
gboolean
worker_stats_child_paused (const GstStructure * s)
{
  const GValue *children = gst_structure_get_value (s, "child-workers");

  if (!children || !GST_VALUE_HOLDS_ARRAY (children))
    return FALSE;
  for (guint i = 0; i < gst_value_array_get_size (children); i++) {
    const GValue *v = gst_value_array_get_value (children, i);
    const GstStructure *c;
    gboolean paused = FALSE;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    c = gst_value_get_structure (v);
    if ((gst_structure_get_boolean (c, "paused", &paused) && paused) ||
        worker_stats_state (c) == GST_WORKER_STATE_PAUSED)
      return TRUE;
  }
  return FALSE;
}
