/* gst-workers: gst-worker-launch shows the elements' warnings and infos
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The controller owns the pipeline's bus watch and keeps WARNING and INFO
 * messages to its debug log; a user running a system needs to see them
 * (a vehicle never heard, an autopilot's PreArm text) as gst-launch-1.0
 * shows them. A sync handler sees them in the posting thread and hands a
 * copy of the text to the main context; it passes every message on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "launch-messages.h"

typedef struct
{
  LaunchMessageFunc func;
  gpointer user_data;
  GMainContext *context;
  LaunchMessageFlags flags;
  guint seq;                    /* atomic: messages seen (-m) */
} Watch;

typedef struct
{
  Watch *watch;
  gboolean warning;
  gchar *text;
} Pending;

static gboolean
deliver (gpointer data)
{
  Pending *p = data;

  p->watch->func (p->warning, p->text, p->watch->user_data);
  return G_SOURCE_REMOVE;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_free (p->text);
  g_free (p);
}

static void
hand_over (Watch * w, gboolean warning, gchar * text)
{
  Pending *p = g_new0 (Pending, 1);

  p->watch = w;
  p->warning = warning;
  p->text = text;
  g_main_context_invoke_full (w->context, G_PRIORITY_DEFAULT, deliver, p,
      pending_free);
}

/* -m and -v, as gst-launch-1.0 prints them */
static void
other_message (Watch * w, GstMessage * msg)
{
  if ((w->flags & LAUNCH_MESSAGES_PROPERTIES) &&
      GST_MESSAGE_TYPE (msg) == GST_MESSAGE_PROPERTY_NOTIFY) {
    GstObject *obj = NULL;
    const gchar *name = NULL;
    const GValue *val = NULL;
    gchar *path, *value;

    gst_message_parse_property_notify (msg, &obj, &name, &val);
    path = obj ? gst_object_get_path_string (obj) : g_strdup ("?");
    value = val ? gst_value_serialize (val) : NULL;
    hand_over (w, FALSE, g_strdup_printf ("%s: %s = %s", path, name,
            value ? value : "(no value)"));
    g_free (path);
    g_free (value);
  }
  if (w->flags & LAUNCH_MESSAGES_ALL) {
    const GstStructure *s = gst_message_get_structure (msg);
    gchar *fields = s ? gst_structure_to_string (s) : NULL;

    hand_over (w, FALSE, g_strdup_printf ("Got message #%u from element "
            "\"%s\" (%s): %s", (guint) g_atomic_int_add (&w->seq, 1),
            GST_MESSAGE_SRC_NAME (msg), GST_MESSAGE_TYPE_NAME (msg),
            fields ? fields : "no message details"));
    g_free (fields);
  }
}

static GstBusSyncReply
sync_handler (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Watch *w = user_data;
  gboolean warning = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING;
  GError *err = NULL;

  if (w->flags)
    other_message (w, msg);
  if (!warning && GST_MESSAGE_TYPE (msg) != GST_MESSAGE_INFO)
    return GST_BUS_PASS;
  if (warning)
    gst_message_parse_warning (msg, &err, NULL);
  else
    gst_message_parse_info (msg, &err, NULL);

  hand_over (w, warning, g_strdup_printf ("%s from element %s: %s",
          warning ? "WARNING" : "INFO", GST_MESSAGE_SRC_NAME (msg),
          err ? err->message : "?"));
  g_clear_error (&err);
  return GST_BUS_PASS;
}

static void
watch_free (gpointer data)
{
  Watch *w = data;

  g_main_context_unref (w->context);
  g_free (w);
}

/**
 * launch_messages_watch:
 *
 * Calls @func with the text of every WARNING and INFO message posted on
 * @pipeline's bus, in the caller's thread-default main context, until the
 * pipeline is finalized.
 */
void
launch_messages_watch (GstPipeline * pipeline, LaunchMessageFunc func,
    gpointer user_data)
{
  launch_messages_watch_full (pipeline, 0, func, user_data);
}

/**
 * launch_messages_watch_full:
 * @flags: also every message (-m), and property changes (-v, which this
 *   asks the pipeline to post)
 *
 * As launch_messages_watch(), with gst-launch-1.0's -m and -v.
 */
void
launch_messages_watch_full (GstPipeline * pipeline, LaunchMessageFlags flags,
    LaunchMessageFunc func, gpointer user_data)
{
  GstBus *bus = gst_pipeline_get_bus (pipeline);
  Watch *w = g_new0 (Watch, 1);

  if (flags & LAUNCH_MESSAGES_PROPERTIES)
    gst_element_add_property_deep_notify_watch (GST_ELEMENT (pipeline), NULL,
        TRUE);
  w->flags = flags;
  w->func = func;
  w->user_data = user_data;
  w->context = g_main_context_ref_thread_default ();
  gst_bus_set_sync_handler (bus, sync_handler, w, watch_free);
  gst_object_unref (bus);
}
