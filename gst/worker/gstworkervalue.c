/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Filling GST_TYPE_ARRAY values (see gstworkervalue.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkervalue.h"

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
