/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Setting an element's property from text while the system runs (see
 * gstworkerpropset.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerpropset.h"
#include <gst/worker/gstworkerrefusal.h>

/* "one of A, B, C" for an enum @pspec's nicks, "made of A, B, C" for a
 * flags one */
static gchar *
describe_names (GParamSpec * pspec)
{
  GString *text = g_string_new (NULL);
  GEnumClass *e = G_IS_PARAM_SPEC_ENUM (pspec) ?
      G_PARAM_SPEC_ENUM (pspec)->enum_class : NULL;
  GFlagsClass *f = G_IS_PARAM_SPEC_FLAGS (pspec) ?
      G_PARAM_SPEC_FLAGS (pspec)->flags_class : NULL;
  guint n = e ? e->n_values : f->n_values;

  g_string_append (text, e ? "one of " : "made of ");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "",
        e ? e->values[i].value_nick : f->values[i].value_nick);
  return g_string_free (text, FALSE);
}

/* "from MIN to MAX" for a numeric @pspec, "one of A, B" for an enum,
 * "made of A, B" for flags; or NULL */
gchar *
worker_prop_describe_range (GParamSpec * pspec)
{
  if (G_IS_PARAM_SPEC_ENUM (pspec) || G_IS_PARAM_SPEC_FLAGS (pspec))
    return describe_names (pspec);
#define RANGE(T, fmt) \
  if (G_IS_PARAM_SPEC_ ## T (pspec)) \
    return g_strdup_printf ("from %" fmt " to %" fmt, \
        G_PARAM_SPEC_ ## T (pspec)->minimum, \
        G_PARAM_SPEC_ ## T (pspec)->maximum)
  RANGE (INT, "d");
  RANGE (UINT, "u");
  RANGE (LONG, "ld");
  RANGE (ULONG, "lu");
  RANGE (INT64, G_GINT64_FORMAT);
  RANGE (UINT64, G_GUINT64_FORMAT);
  RANGE (FLOAT, "g");
  RANGE (DOUBLE, "g");
#undef RANGE
  return NULL;
}

/* Whether @pspec holds an unsigned number: GStreamer reads "-5" into one
 * as its two's complement (a huge value), not as an error. */
gboolean
worker_prop_is_unsigned (GParamSpec * pspec)
{
  return G_IS_PARAM_SPEC_UINT (pspec) || G_IS_PARAM_SPEC_UINT64 (pspec) ||
      G_IS_PARAM_SPEC_ULONG (pspec) || G_IS_PARAM_SPEC_UCHAR (pspec);
}

/* Reads @text as a value of @pspec, as gst-launch-1.0 reads it, refusing
 * what GObject would only warn about (and keep the old value): a value
 * out of the property's range, or a negative number for an unsigned one
 * (which would wrap round to a huge value). Returns: TRUE and @value
 * (an unset GValue) set, or FALSE with @why set. */
gboolean
worker_prop_read (GParamSpec * pspec, const gchar * text, GValue * value,
    gchar ** why)
{
  gchar *range;

  g_value_init (value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  while (g_ascii_isspace (*text))
    text++;
  if ((worker_prop_is_unsigned (pspec) && *text == '-') ||
      !gst_value_deserialize_with_pspec (value, text, pspec)) {
    range = worker_prop_describe_range (pspec);
    *why = g_strdup_printf ("cannot read \"%s\" as a value of '%s' (%s)%s%s",
        text, g_param_spec_get_name (pspec),
        g_type_name (G_PARAM_SPEC_VALUE_TYPE (pspec)),
        range ? ": it must be " : "", range ? range : "");
    g_free (range);
    g_value_unset (value);
    return FALSE;
  }
  if (g_param_value_validate (pspec, value)) {
    range = worker_prop_describe_range (pspec);
    *why = g_strdup_printf ("bad value \"%s\" for property '%s': %s%s",
        text, g_param_spec_get_name (pspec), range ? "it must be " :
        "it is not allowed", range ? range : "");
    g_free (range);
    g_value_unset (value);
    return FALSE;
  }
  return TRUE;
}

/* Sets @property of @element to @text, read as gst-launch-1.0 reads a
 * value, with GStreamer's rules for a property that changes while the
 * system runs: it must be writable and not construct-only; its
 * GST_PARAM_MUTABLE_* flag says in which states it may change (READY:
 * only in NULL or READY; PAUSED: not in PLAYING; PLAYING: always; one
 * that says nothing, like most of stock elements' and Python workers',
 * is not refused); a value out of range is refused, and so is one the
 * element's setter refused (gst_worker_refuse_property()). @who names the
 * element in the refusals ("p", "p_r0/testworker0"). Returns: TRUE, or
 * FALSE with @why set. */
gboolean
worker_prop_set (GstElement * element, const gchar * who,
    const gchar * property, const gchar * text, gchar ** why)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), property);
  GstState state = GST_STATE (element);
  GValue value = G_VALUE_INIT;
  gchar *reason = NULL;

  if (!pspec || !(pspec->flags & G_PARAM_WRITABLE) ||
      (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) {
    *why = g_strdup_printf ("%s has no writable property '%s'", who,
        property);
    return FALSE;
  }
  if (!(pspec->flags & GST_PARAM_MUTABLE_PLAYING) &&
      (((pspec->flags & GST_PARAM_MUTABLE_READY) &&
              state > GST_STATE_READY) ||
          ((pspec->flags & GST_PARAM_MUTABLE_PAUSED) &&
              state > GST_STATE_PAUSED))) {
    *why = g_strdup_printf ("%s's property '%s' cannot change while the "
        "system runs (it is changeable only in %s state)", who, property,
        (pspec->flags & GST_PARAM_MUTABLE_READY) ? "NULL or READY" :
        "NULL, READY or PAUSED");
    return FALSE;
  }
  /* refused, not only warned about: the value would not be the one asked
   * for */
  if (!worker_prop_read (pspec, text, &value, &reason)) {
    *why = g_strdup_printf ("%s: %s", who, reason);
    g_free (reason);
    return FALSE;
  }
  /* the element's own setter may refuse it (a Python worker's
   * do_set_property that raised): the old value stays */
  gst_worker_take_property_refusal (element, property, NULL, NULL);
  g_object_set_property (G_OBJECT (element), property, &value);
  g_value_unset (&value);
  if (gst_worker_take_property_refusal (element, property, NULL, &reason)) {
    *why = g_strdup_printf ("bad value \"%s\" for property '%s' of %s: %s",
        text, property, who, reason);
    g_free (reason);
    return FALSE;
  }
  return TRUE;
}
