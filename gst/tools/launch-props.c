/* gst-workers: gst-worker-launch refuses property values out of range
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A value that parses but is out of the property's range (`workerpool
 * size=1000`, `geolocate hfov=500`) is not a parse error: GObject keeps
 * the default and logs a warning that names neither the element nor the
 * range, and the run goes on with a value the user did not ask for.
 * While the description is parsed, those warnings are caught here (and
 * are not fatal, even with G_DEBUG=fatal-warnings); afterwards each is
 * told again with the element(s) it concerns and the allowed range, and
 * the tool exits with its usage status. A value inside a workerpool's
 * `worker` description is told once, naming the factory and the pool
 * (the pool builds it once per replica, in a process pool in the child).
 * So is a value an element's own setter refused
 * (gst_worker_refuse_property(): a Python worker's do_set_property that
 * raised).
 *
 * The catching relies on this handler being the newest one for
 * GLib-GObject: GLib calls only the last handler set for a domain. A
 * plugin loaded while the description is parsed can set its own: gst-python's
 * (PyGObject redirects GLib-GObject warnings to Python's `warnings`), and
 * then a bad value after a Python element ran with the default. So the
 * plugins of every element the description names are loaded first.
 *
 * A negative number for an unsigned property (`process-time=-5`) draws no
 * warning at all: the parser wraps it round to a huge value. Every
 * `NAME=-N` of the description is kept, and refused after the parse where
 * an element's unsigned property NAME holds exactly that wrapped value.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/worker/worker.h>
#include "launch-props.h"
#include "gst/worker/controller/gstworkerpropset.h"

struct _LaunchPropCheck
{
  guint handler;
  GLogLevelFlags fatal_before;
  GPtrArray *bad;               /* BadValue */
};

typedef struct
{
  gchar *value;
  gchar *property;
  gchar *type;                  /* the value's type name */
  gchar *message;               /* GObject's own words */
  gboolean negative;            /* "-N" written for the property: no
                                 * warning if it is unsigned (it wraps) */
} BadValue;

static void
bad_value_free (gpointer data)
{
  BadValue *b = data;

  g_free (b->value);
  g_free (b->property);
  g_free (b->type);
  g_free (b->message);
  g_free (b);
}

/* Returns: (transfer full): the text between @start and @end after @from */
static gchar *
between (const gchar * from, const gchar * start, const gchar * end)
{
  const gchar *a = strstr (from, start), *b;

  if (!a)
    return NULL;
  a += strlen (start);
  b = strstr (a, end);
  return b ? g_strndup (a, b - a) : NULL;
}

/* The value as the description wrote it: GObject's warning shows a
 * negative number written for an unsigned property wrapped round
 * (`hang-timeout=-1` -> "4294967295"); the `NAME=-N` kept for @property
 * that wraps to @value, if any, else @value. Returns: (transfer full) */
static gchar *
as_written (LaunchPropCheck * check, const gchar * property, gchar * value)
{
  guint64 u;

  if (!value || !property || !g_ascii_string_to_unsigned (value, 10, 0,
          G_MAXUINT64, &u, NULL))
    return value;
  for (guint i = 0; i < check->bad->len; i++) {
    BadValue *n = g_ptr_array_index (check->bad, i);
    guint64 minus;

    if (!n->negative || g_strcmp0 (n->property, property) != 0 ||
        !g_ascii_string_to_unsigned (n->value + 1, 10, 0, G_MAXUINT64,
            &minus, NULL))
      continue;
    if (u == (guint64) (guint32) - (guint32) minus || u == -minus) {
      g_free (value);
      return g_strdup (n->value);
    }
  }
  return value;
}

/* GLib 2.74: value "%s" of type '%s' is invalid or out of range for
 * property '%s' of type '%s' */
static void
on_gobject_warning (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  LaunchPropCheck *check = user_data;
  BadValue *b;

  if (!strstr (message, "is invalid or out of range for property")) {
    g_log_default_handler (domain, level, message, NULL);
    return;
  }
  b = g_new0 (BadValue, 1);
  b->value = between (message, "value \"", "\" of type");
  b->type = between (message, "\" of type '", "'");
  b->property = between (message, "for property '", "'");
  b->value = as_written (check, b->property, b->value);
  b->message = g_strdup (message);
  g_ptr_array_add (check->bad, b);
}

/* The element factories @description names (any word that is one),
 * loaded: a property value that happens to name one costs a load the
 * parse may not need, nothing else. Returns: (transfer full): the loaded
 * factories, in order */
static GList *
named_factories (const gchar * description)
{
  GstRegistry *registry = gst_registry_get ();
  const gchar *p = description;
  GList *found = NULL;

  while (p && *p) {
    const gchar *start = p;
    gchar *word;
    GstPluginFeature *feature;

    while (*p && (g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      p++;
    if (p == start) {
      p++;
      continue;
    }
    word = g_strndup (start, p - start);
    feature = gst_registry_lookup_feature (registry, word);
    if (feature && GST_IS_ELEMENT_FACTORY (feature)) {
      GstPluginFeature *loaded = gst_plugin_feature_load (feature);

      if (loaded)
        found = g_list_prepend (found, loaded);
    }
    if (feature)
      gst_object_unref (feature);
    g_free (word);
  }
  return g_list_reverse (found);
}

/* Loads the plugin of each element factory @description names. */
static void
load_named_plugins (const gchar * description)
{
  g_list_free_full (named_factories (description), gst_object_unref);
}

/* Every `NAME=-N` (quoted or not) of @description, as negative BadValues */
static void
find_negatives (const gchar * description, GPtrArray * bad)
{
  for (const gchar * eq = strchr (description, '='); eq;
      eq = strchr (eq + 1, '=')) {
    const gchar *name = eq, *v = eq + 1, *end;
    BadValue *b;

    while (name > description && (g_ascii_isalnum (name[-1]) ||
            name[-1] == '-' || name[-1] == '_'))
      name--;
    if (*v == '"' || *v == '\'')
      v++;
    if (name == eq || v[0] != '-' || !g_ascii_isdigit (v[1]))
      continue;
    for (end = v + 1; g_ascii_isdigit (*end); end++);
    b = g_new0 (BadValue, 1);
    b->negative = TRUE;
    b->property = g_strndup (name, eq - name);
    b->value = g_strndup (v, end - v);
    b->message = g_strdup_printf ("%s=%s", b->property, b->value);
    g_ptr_array_add (bad, b);
  }
}

/**
 * launch_prop_check_begin:
 * @description: (nullable): the pipeline description about to be parsed
 *
 * Call before parsing @description; end with launch_prop_check_end().
 */
LaunchPropCheck *
launch_prop_check_begin (const gchar * description)
{
  LaunchPropCheck *check;

  if (description)
    load_named_plugins (description);
  check = g_new0 (LaunchPropCheck, 1);

  check->bad = g_ptr_array_new_with_free_func (bad_value_free);
  if (description)
    find_negatives (description, check->bad);
  check->handler = g_log_set_handler ("GLib-GObject", G_LOG_LEVEL_WARNING,
      on_gobject_warning, check);
  check->fatal_before = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_always_fatal (check->fatal_before & ~G_LOG_LEVEL_WARNING);
  return check;
}

/* Does @value (as text) fall outside @pspec of @element? */
static gboolean
refused_by (GParamSpec * pspec, const gchar * value)
{
  GValue v = G_VALUE_INIT;
  gboolean refused = FALSE;

  g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspec));
  if (value && gst_value_deserialize (&v, value))
    refused = g_param_value_validate (pspec, &v);
  g_value_unset (&v);
  return refused;
}

/* Does @element's unsigned @pspec hold what the parser made of the
 * negative @value (wrapped round)? */
static gboolean
wrapped_by (GstElement * element, GParamSpec * pspec, const gchar * value)
{
  GValue parsed = G_VALUE_INIT, now = G_VALUE_INIT;
  gboolean wrapped = FALSE;

  if (!worker_prop_is_unsigned (pspec) || !(pspec->flags & G_PARAM_READABLE))
    return FALSE;
  g_value_init (&parsed, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_value_init (&now, G_PARAM_SPEC_VALUE_TYPE (pspec));
  if (gst_value_deserialize (&parsed, value)) {
    g_object_get_property (G_OBJECT (element), pspec->name, &now);
    wrapped = g_param_values_cmp (pspec, &parsed, &now) == 0;
  }
  g_value_unset (&parsed);
  g_value_unset (&now);
  return wrapped;
}

/* Whether @e is a workerpool, or inside one (a replica's element: its
 * pool names it) */
static gboolean
is_pool (GstObject * e)
{
  return g_strcmp0 (G_OBJECT_TYPE_NAME (e), "GstWorkerPool") == 0;
}

static gboolean
in_pool (GstObject * e)
{
  GstObject *parent = gst_object_get_parent (e);
  gboolean inside = FALSE;

  while (parent && !inside) {
    GstObject *up = gst_object_get_parent (parent);

    inside = is_pool (parent);
    gst_object_unref (parent);
    parent = up;
  }
  gst_clear_object (&parent);
  return inside;
}

/* The elements of workerpool @pool's worker description that have a
 * property @b would be refused by, as "FACTORY (the worker of pool P)",
 * appended to @text; the first one's range in @range. Read from the
 * factories, not from the replicas: in a process pool they are in the
 * children. */
static guint
describe_pool (GstElement * pool, BadValue * b, GString * text, guint found,
    gchar ** range)
{
  gchar *worker = NULL;
  GList *factories, *l;

  g_object_get (pool, "worker", &worker, NULL);
  factories = named_factories (worker);
  for (l = factories; l; l = l->next) {
    GType type = gst_element_factory_get_element_type (l->data);
    GObjectClass *klass = type ? g_type_class_ref (type) : NULL;
    GParamSpec *pspec = klass ? g_object_class_find_property (klass,
        b->property) : NULL;

    if (pspec && (b->negative ? worker_prop_is_unsigned (pspec) &&
            strstr (worker, b->message) : refused_by (pspec, b->value))) {
      g_string_append_printf (text, "%s%s (the worker of pool %s)",
          found++ ? ", " : "", GST_OBJECT_NAME (l->data),
          GST_OBJECT_NAME (pool));
      if (!*range)
        *range = worker_prop_describe_range (pspec);
    }
    if (klass)
      g_type_class_unref (klass);
  }
  g_list_free_full (factories, gst_object_unref);
  g_free (worker);
  return found;
}

/* The elements of @pipeline that have a property @b would be refused by */
static gchar *
describe (GstBin * pipeline, BadValue * b)
{
  GString *text = g_string_new (NULL);
  GstIterator *it = gst_bin_iterate_recurse (pipeline);
  GValue item = G_VALUE_INIT;
  gchar *range = NULL;
  gboolean done = FALSE;
  guint found = 0;

  while (!done && b->property) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);
        GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
            (e), b->property);

        if (is_pool (GST_OBJECT (e)))
          found = describe_pool (e, b, text, found, &range);
        if (in_pool (GST_OBJECT (e)))
          pspec = NULL;
        if (pspec && (b->negative ? wrapped_by (e, pspec, b->value) :
                refused_by (pspec, b->value))) {
          g_string_append_printf (text, "%s%s", found++ ? ", " : "",
              GST_OBJECT_NAME (e));
          if (!range)
            range = worker_prop_describe_range (pspec);
        }
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);

  if (!found) {
    g_string_free (text, TRUE);
    if (b->negative)            /* no unsigned property took it: fine */
      return NULL;
    return g_strdup_printf ("bad property value: %s", b->message);
  }
  {
    gchar *names = g_string_free (text, FALSE);
    gchar *line = g_strdup_printf ("bad value \"%s\" for property '%s' of "
        "%s: %s%s", b->value ? b->value : "?", b->property, names,
        range ? "it must be " : "it is not allowed", range ? range : "");

    g_free (names);
    g_free (range);
    return line;
  }
}

/**
 * launch_prop_explain_parse_error:
 * @description: the pipeline description that did not parse
 * @err: the parse error
 *
 * GStreamer's parser refuses a value it cannot read (`isolation=proces`)
 * with "could not set property "isolation" in element "p" to "proces"":
 * @err's message gets what the property takes (": it must be one of
 * thread, process", or a range), read from the factories @description
 * names. Any other error is left as it is.
 */
void
launch_prop_explain_parse_error (const gchar * description, GError * err)
{
  gchar *property, *range = NULL;
  GList *factories, *l;

  if (!description || !err || !g_error_matches (err, GST_PARSE_ERROR,
          GST_PARSE_ERROR_COULD_NOT_SET_PROPERTY))
    return;
  property = between (err->message, "property \"", "\"");
  if (!property)
    return;
  factories = named_factories (description);
  for (l = factories; l && !range; l = l->next) {
    GType type = gst_element_factory_get_element_type (l->data);
    GObjectClass *klass = type ? g_type_class_ref (type) : NULL;
    GParamSpec *pspec = klass ? g_object_class_find_property (klass,
        property) : NULL;

    if (pspec)
      range = worker_prop_describe_range (pspec);
    if (klass)
      g_type_class_unref (klass);
  }
  g_list_free_full (factories, gst_object_unref);
  g_free (property);
  if (range) {
    gchar *message = g_strdup_printf ("%s: it must be %s", err->message,
        range);

    g_free (err->message);
    err->message = message;
    g_free (range);
  }
}

/**
 * launch_prop_check_end:
 * @pipeline: (nullable): what was parsed, if anything
 *
 * Returns: (transfer full) (nullable): the refused values, one per line,
 *   each naming the element(s) and the allowed range; %NULL if none
 */
gchar *
launch_prop_check_end (LaunchPropCheck * check, GstBin * pipeline)
{
  GString *text = NULL;

  g_log_remove_handler ("GLib-GObject", check->handler);
  g_log_set_always_fatal (check->fatal_before);
  for (guint i = 0; i < check->bad->len; i++) {
    BadValue *b = g_ptr_array_index (check->bad, i);
    gchar *line = pipeline ? describe (pipeline, b) : b->negative ? NULL :
        g_strdup_printf ("bad property value: %s", b->message);

    /* one line each: a pool builds its worker once per replica */
    if (!line || (text && strstr (text->str, line)))
      g_clear_pointer (&line, g_free);
    if (!line)
      continue;
    if (!text)
      text = g_string_new (line);
    else
      g_string_append_printf (text, "\n%s", line);
    g_free (line);
  }
  g_ptr_array_unref (check->bad);
  g_free (check);
  /* values a worker's own setter refused (a Python worker's
   * do_set_property raised) */
  if (pipeline) {
    gchar *refused = gst_worker_take_property_refusals (GST_ELEMENT
        (pipeline), NULL);

    if (refused && !text)
      text = g_string_new (refused);
    else if (refused)
      g_string_append_printf (text, "\n%s", refused);
    g_free (refused);
  }
  return text ? g_string_free (text, FALSE) : NULL;
}
