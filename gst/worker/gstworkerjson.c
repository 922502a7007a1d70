/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkerjson
 * @title: JSON
 * @short_description: a status or report structure as JSON
 *
 * gst_worker_structure_to_json() turns the structures
 * #GstWorkerController returns (its status, its report), or any other
 * #GstStructure, into JSON, by json-glib.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <json-glib/json-glib.h>

#include "gstworkerjson.h"

static JsonNode *value_to_json (const GValue * value);

static gboolean
add_field_to_json (GQuark field, const GValue * value, gpointer user_data)
{
  json_object_set_member (user_data, g_quark_to_string (field),
      value_to_json (value));
  return TRUE;
}

static JsonNode *
structure_to_json_node (const GstStructure * s)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  gst_structure_foreach (s, add_field_to_json, obj);
  json_node_take_object (node, obj);
  return node;
}

static JsonNode *
value_to_json (const GValue * value)
{
  GType type = G_VALUE_TYPE (value);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (type == G_TYPE_STRING) {
    const gchar *str = g_value_get_string (value);
    if (str)
      json_node_set_string (node, str);
    else
      json_node_init_null (node);
  } else if (type == G_TYPE_BOOLEAN) {
    json_node_set_boolean (node, g_value_get_boolean (value));
  } else if (type == G_TYPE_INT) {
    json_node_set_int (node, g_value_get_int (value));
  } else if (type == G_TYPE_UINT) {
    json_node_set_int (node, g_value_get_uint (value));
  } else if (type == G_TYPE_INT64) {
    json_node_set_int (node, g_value_get_int64 (value));
  } else if (type == G_TYPE_UINT64) {
    guint64 v = g_value_get_uint64 (value);
    /* GST_CLOCK_TIME_NONE and other out-of-range values: null */
    if (v <= G_MAXINT64)
      json_node_set_int (node, (gint64) v);
    else
      json_node_init_null (node);
  } else if (type == G_TYPE_DOUBLE) {
    json_node_set_double (node, g_value_get_double (value));
  } else if (type == G_TYPE_FLOAT) {
    json_node_set_double (node, g_value_get_float (value));
  } else if (G_TYPE_IS_ENUM (type)) {
    GEnumClass *klass = g_type_class_ref (type);
    GEnumValue *v = g_enum_get_value (klass, g_value_get_enum (value));

    json_node_set_string (node, v ? v->value_nick : "unknown");
    g_type_class_unref (klass);
  } else if (type == GST_TYPE_ARRAY || type == GST_TYPE_LIST) {
    JsonArray *array = json_array_new ();
    gboolean is_array = type == GST_TYPE_ARRAY;
    guint i, n = is_array ? gst_value_array_get_size (value) :
        gst_value_list_get_size (value);

    for (i = 0; i < n; i++)
      json_array_add_element (array, value_to_json (is_array ?
              gst_value_array_get_value (value, i) :
              gst_value_list_get_value (value, i)));
    json_node_init_array (node, array);
    json_array_unref (array);
  } else if (type == GST_TYPE_STRUCTURE) {
    const GstStructure *s = gst_value_get_structure (value);

    json_node_unref (node);
    if (!s)
      return json_node_new (JSON_NODE_NULL);
    return structure_to_json_node (s);
  } else {
    gchar *str = gst_value_serialize (value);

    if (str)
      json_node_set_string (node, str);
    else
      json_node_init_null (node);
    g_free (str);
  }
  return node;
}

/**
 * gst_worker_structure_to_json:
 * @structure: a status or report structure (any #GstStructure)
 * @pretty: indent the output
 *
 * Converts a structure to a JSON object: strings, numbers and booleans as
 * such, enums as their nicks, arrays and lists as arrays, nested
 * structures as objects, times in nanoseconds (%GST_CLOCK_TIME_NONE as
 * null), anything else as its GStreamer serialization.
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 0.1
 */
gchar *
gst_worker_structure_to_json (const GstStructure * structure, gboolean pretty)
{
  JsonGenerator *gen;
  JsonNode *root;
  gchar *text;

  g_return_val_if_fail (structure != NULL, NULL);

  root = structure_to_json_node (structure);
  gen = json_generator_new ();
  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_object_unref (gen);
  json_node_unref (root);
  return text;
}
