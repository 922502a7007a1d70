/* gst-workers: gst-worker-launch's keys on the live table
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * Keys that act on one row of the live table (the others, p r q g, are
 * the tool's own): up/down (or k/j) select a worker, marked '>'; space
 * pauses or resumes it (gst_worker_controller_pause_worker(), a pause
 * that holds data); + and - grow and shrink the workerpool it belongs to
 * (its `size`, which changes while the pool runs).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "launch-keys.h"

struct _LaunchKeys
{
  gchar *selected;              /* a worker's name, or NULL: the first */
  guint escape;                 /* 0, or how far into ESC [ A/B */
};

LaunchKeys *
launch_keys_new (void)
{
  return g_new0 (LaunchKeys, 1);
}

void
launch_keys_free (LaunchKeys * keys)
{
  g_free (keys->selected);
  g_free (keys);
}

static const GstStructure *
row (const GValue * workers, guint i)
{
  return gst_value_get_structure (gst_value_array_get_value (workers, i));
}

/* The row of the selected worker: its name's, or the first. */
static guint
selected_row (LaunchKeys * keys, const GValue * workers)
{
  guint i, n = workers ? gst_value_array_get_size (workers) : 0;

  for (i = 0; keys->selected && i < n; i++)
    if (g_strcmp0 (gst_structure_get_string (row (workers, i), "name"),
            keys->selected) == 0)
      return i;
  return 0;
}

/* Whether row @i of the table is the selected worker. */
gboolean
launch_keys_is_selected (LaunchKeys * keys, const GValue * workers, guint i)
{
  return workers && gst_value_array_get_size (workers) > 0 &&
      selected_row (keys, workers) == i;
}

static void
move (LaunchKeys * keys, const GValue * workers, gint by)
{
  gint n = workers ? (gint) gst_value_array_get_size (workers) : 0;
  gint i;

  if (n == 0)
    return;
  i = ((gint) selected_row (keys, workers) + by + n) % n;
  g_free (keys->selected);
  keys->selected = g_strdup (gst_structure_get_string (row (workers, i),
          "name"));
}

/* The workerpool worker @w (a status row) is a part of, or NULL. */
static GstElement *
pool_of (GstWorkerController * ctrl, const GstStructure * w)
{
  const gchar *name = gst_structure_get_string (w, "pool");
  GstPipeline *pipeline;
  GstElement *pool;

  if (!name)
    return NULL;
  pipeline = gst_worker_controller_get_pipeline (ctrl);
  pool = gst_bin_get_by_name (GST_BIN (pipeline), name);
  gst_object_unref (pipeline);
  return pool;
}

static gchar *
resize (GstWorkerController * ctrl, const GstStructure * w, gint by,
    gboolean * error)
{
  const gchar *name = gst_structure_get_string (w, "name");
  GstElement *pool = pool_of (ctrl, w);
  GParamSpecUInt *spec;
  guint size, to;
  gchar *text;

  if (!pool) {
    *error = TRUE;
    return g_strdup_printf ("worker %s is not in a workerpool: + and - "
        "resize the pool of the selected worker", name);
  }
  spec = (GParamSpecUInt *) g_object_class_find_property (G_OBJECT_GET_CLASS
      (pool), "size");
  g_object_get (pool, "size", &size, NULL);
  to = by > 0 ? MIN (size + 1, spec->maximum) : MAX (size, 2) - 1;
  if (to == size) {
    text = g_strdup_printf ("pool %s stays at %u replicas (from %u to %u)",
        GST_OBJECT_NAME (pool), size, spec->minimum, spec->maximum);
  } else {
    g_object_set (pool, "size", to, NULL);
    text = g_strdup_printf ("pool %s: %u replica%s", GST_OBJECT_NAME (pool),
        to, to == 1 ? "" : "s");
  }
  gst_object_unref (pool);
  return text;
}

static gchar *
toggle_pause (GstWorkerController * ctrl, const GstStructure * w,
    gboolean * error)
{
  const gchar *name = gst_structure_get_string (w, "name");
  gboolean paused = FALSE;
  GError *err = NULL;
  gchar *text;

  gst_structure_get_boolean (w, "paused", &paused);
  if (paused ? gst_worker_controller_resume_worker (ctrl, name, &err) :
      gst_worker_controller_pause_worker (ctrl, name, &err))
    return g_strdup_printf ("worker %s %s", name, paused ? "resumed" :
        "paused ([space] resumes it)");
  *error = TRUE;
  text = g_strdup (err->message);
  g_error_free (err);
  return text;
}

/**
 * launch_keys_handle:
 * @c: the key
 * @message: (out): what to tell the user, or NULL
 * @error: (out): whether @message is an error
 *
 * Returns: whether @c was one of these keys (or part of an arrow's escape
 * sequence)
 */
gboolean
launch_keys_handle (LaunchKeys * keys, GstWorkerController * ctrl, gchar c,
    gchar ** message, gboolean * error)
{
  GstStructure *status;
  const GValue *workers;
  gint by = 0;

  *message = NULL;
  *error = FALSE;
  /* an arrow: ESC [ A (up) or ESC [ B (down) */
  if (keys->escape == 1) {
    keys->escape = c == '[' ? 2 : 0;
    return TRUE;
  }
  if (keys->escape == 2) {
    keys->escape = 0;
    if (c == 'A')
      c = 'k';
    else if (c == 'B')
      c = 'j';
    else
      return TRUE;
  }
  if (c == '\033') {
    keys->escape = 1;
    return TRUE;
  }
  if (!strchr ("jk +-=", c))
    return FALSE;

  status = gst_worker_controller_get_status (ctrl);
  workers = gst_structure_get_value (status, "workers");
  if (!workers || gst_value_array_get_size (workers) == 0) {
    gst_structure_free (status);
    return TRUE;
  }
  switch (c) {
    case 'j':
      move (keys, workers, 1);
      break;
    case 'k':
      move (keys, workers, -1);
      break;
    case ' ':
      *message = toggle_pause (ctrl, row (workers, selected_row (keys,
                  workers)), error);
      break;
    default:
      by = c == '-' ? -1 : 1;
      *message = resize (ctrl, row (workers, selected_row (keys, workers)),
          by, error);
      break;
  }
  gst_structure_free (status);
  return TRUE;
}
