/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstworkerrefusal
 * @title: Refused property values
 * @short_description: a value a property setter would not take, told to
 *   whoever set it
 *
 * GObject's set_property has no way to fail: a setter that refuses a value
 * (a Python worker's `do_set_property` that raises, say) can only keep the
 * old one, and whoever set it believes it changed. A setter that refuses a
 * value records it with gst_worker_refuse_property(); whoever sets a
 * property and must know (gst-worker-launch for its launch line, the
 * controller's `set`) takes the refusal with
 * gst_worker_take_property_refusal() right after setting it, and reports
 * it as an error naming the element, the property and the setter's own
 * words.
 *
 * The Python override does this for every worker written in Python
 * (`GstWorker.Transform`, `Src`, `Sink`, `Aggregator`): an exception raised
 * in its `do_set_property` is recorded as a refusal, with the exception's
 * type and message. For example, a worker that takes only odd sizes:
 * |[
 * def do_set_property(self, prop, value):
 *     if prop.name == "blur":
 *         if value % 2 == 0:
 *             raise ValueError("blur must be odd")
 *         self.blur = value
 * ]|
 * and `gst-worker-launch ... ! spotdetect blur=4 ! ...` exits with
 * `bad value "4" for property 'blur' of spotdetect0: ValueError: blur must
 * be odd`.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerrefusal.h"

/* a GstStructure per element: field PROPERTY = "refusal" structure with
 * `value` and `message`; under the element's object lock */
static G_DEFINE_QUARK (gst-worker-property-refusals, refusal);

/**
 * gst_worker_refuse_property:
 * @element: the element whose setter refused a value
 * @property: the property's name
 * @value: (nullable): the refused value, as text
 * @message: why (the setter's own words)
 *
 * Records that @element kept the old value of @property, refusing @value,
 * for gst_worker_take_property_refusal(). Call it from the property's
 * setter, instead of setting the value. A later refusal of the same
 * property replaces an earlier one not taken yet.
 *
 * Since: 0.2
 */
void
gst_worker_refuse_property (GstElement * element, const gchar * property,
    const gchar * value, const gchar * message)
{
  GstStructure *all;

  g_return_if_fail (GST_IS_ELEMENT (element));
  g_return_if_fail (property != NULL);
  g_return_if_fail (message != NULL);

  GST_WARNING_OBJECT (element, "refused %s=%s: %s", property,
      GST_STR_NULL (value), message);
  GST_OBJECT_LOCK (element);
  all = g_object_get_qdata (G_OBJECT (element), refusal_quark ());
  if (!all) {
    all = gst_structure_new_empty ("refusals");
    g_object_set_qdata_full (G_OBJECT (element), refusal_quark (), all,
        (GDestroyNotify) gst_structure_free);
  }
  {
    GstStructure *r = gst_structure_new ("refusal",
        "message", G_TYPE_STRING, message, NULL);

    if (value)
      gst_structure_set (r, "value", G_TYPE_STRING, value, NULL);
    gst_structure_set (all, property, GST_TYPE_STRUCTURE, r, NULL);
    gst_structure_free (r);
  }
  GST_OBJECT_UNLOCK (element);
}

/**
 * gst_worker_take_property_refusal:
 * @element: an element
 * @property: the name of a property just set
 * @value: (out) (optional) (nullable) (transfer full): the refused value
 *   as text, if the setter gave it
 * @message: (out) (optional) (nullable) (transfer full): why it was
 *   refused
 *
 * Takes (and forgets) the refusal gst_worker_refuse_property() recorded
 * for @property of @element, if any: call it right after setting the
 * property.
 *
 * Returns: %TRUE if the setter refused a value, @message set
 *
 * Since: 0.2
 */
gboolean
gst_worker_take_property_refusal (GstElement * element,
    const gchar * property, gchar ** value, gchar ** message)
{
  GstStructure *all, *r = NULL;

  g_return_val_if_fail (GST_IS_ELEMENT (element), FALSE);
  g_return_val_if_fail (property != NULL, FALSE);

  if (value)
    *value = NULL;
  if (message)
    *message = NULL;
  GST_OBJECT_LOCK (element);
  all = g_object_get_qdata (G_OBJECT (element), refusal_quark ());
  if (all && gst_structure_has_field_typed (all, property,
          GST_TYPE_STRUCTURE)) {
    gst_structure_get (all, property, GST_TYPE_STRUCTURE, &r, NULL);
    gst_structure_remove_field (all, property);
  }
  GST_OBJECT_UNLOCK (element);
  if (!r)
    return FALSE;
  if (value)
    *value = g_strdup (gst_structure_get_string (r, "value"));
  if (message)
    *message = g_strdup (gst_structure_get_string (r, "message"));
  gst_structure_free (r);
  return TRUE;
}

/* Appends to @text the refusals of @element (named @who, or by its name),
 * and of every element inside it if it is a bin. */
static void
take_refusals (GstElement * element, const gchar * who, GString ** text)
{
  GstStructure *all;
  GList *children = NULL;

  GST_OBJECT_LOCK (element);
  all = g_object_steal_qdata (G_OBJECT (element), refusal_quark ());
  if (GST_IS_BIN (element))
    children = g_list_copy_deep (GST_BIN_CHILDREN (element),
        (GCopyFunc) gst_object_ref, NULL);
  GST_OBJECT_UNLOCK (element);

  for (gint i = 0; all && i < gst_structure_n_fields (all); i++) {
    const gchar *property = gst_structure_nth_field_name (all, i);
    const GValue *v = gst_structure_get_value (all, property);
    const GstStructure *r;
    const gchar *value;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    r = gst_value_get_structure (v);
    value = gst_structure_get_string (r, "value");
    if (!*text)
      *text = g_string_new (NULL);
    else
      g_string_append_c (*text, '\n');
    g_string_append_printf (*text, "bad value \"%s\" for property '%s' of "
        "%s: %s", value ? value : "?", property,
        who ? who : GST_OBJECT_NAME (element),
        gst_structure_get_string (r, "message"));
  }
  if (all)
    gst_structure_free (all);
  /* a bin's children are in reverse order of their adding */
  children = g_list_reverse (children);
  for (GList * l = children; l; l = l->next)
    take_refusals (l->data, NULL, text);
  g_list_free_full (children, gst_object_unref);
}

/**
 * gst_worker_take_property_refusals:
 * @element: an element (a bin: and every element inside it)
 * @who: (nullable): how to name @element (its name if %NULL; the elements
 *   inside a bin are named by their names)
 *
 * Takes (and forgets) every refusal recorded for @element, as text: one
 * line a property, `bad value "VALUE" for property 'NAME' of WHO: MESSAGE`.
 * Call it on a pipeline just built from a description: the values it
 * names were not taken.
 *
 * Returns: (transfer full) (nullable): the lines, or %NULL if nothing was
 *   refused
 *
 * Since: 0.2
 */
gchar *
gst_worker_take_property_refusals (GstElement * element, const gchar * who)
{
  GString *text = NULL;

  g_return_val_if_fail (GST_IS_ELEMENT (element), NULL);

  take_refusals (element, who, &text);
  return text ? g_string_free (text, FALSE) : NULL;
}
