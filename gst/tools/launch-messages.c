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

static GstBusSyncReply
sync_handler (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Watch *w = user_data;
  gboolean warning = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING;
  GError *err = NULL;
  Pending *p;

  if (!warning && GST_MESSAGE_TYPE (msg) != GST_MESSAGE_INFO)
    return GST_BUS_PASS;
  if (warning)
    gst_message_parse_warning (msg, &err, NULL);
  else
    gst_message_parse_info (msg, &err, NULL);

  p = g_new0 (Pending, 1);
  p->watch = w;
  p->warning = warning;
  p->text = g_strdup_printf ("%s from element %s: %s", warning ? "WARNING" :
      "INFO", GST_MESSAGE_SRC_NAME (msg), err ? err->message : "?");
  g_clear_error (&err);
  g_main_context_invoke_full (w->context, G_PRIORITY_DEFAULT, deliver, p,
      pending_free);
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
  GstBus *bus = gst_pipeline_get_bus (pipeline);
  Watch *w = g_new0 (Watch, 1);

  w->func = func;
  w->user_data = user_data;
  w->context = g_main_context_ref_thread_default ();
  gst_bus_set_sync_handler (bus, sync_handler, w, watch_free);
  gst_object_unref (bus);
}
