/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController: a property of an element changed while the system
 * runs, in the pipeline or inside a process replica's child
 * (gst_worker_controller_set_element_property()). The rules are
 * gstworkerpropset.c's, the same on both sides. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkercontrollerprivate.h"
#include "gstworkerpropset.h"

/* The element of @name in @self's pipeline: a worker's name or path as
 * the controller knows it, or any element's name. Returns: (transfer
 * full) (nullable) */
static GstElement *
find_element (GstWorkerController * self, const gchar * name)
{
  WorkerRec *w = worker_topology_find_worker_by_name (self->topology, name);

  if (w)
    return gst_object_ref (w->element);
  return gst_bin_get_by_name (GST_BIN (self->pipeline), name);
}

/* @name is "REPLICA/NAME": the replica (a processreplica) passes the set
 * on to its child ("worker-child-set", see elements/workers/gstprocwire.h),
 * where the same rules apply to the element NAME. Returns: 1 if set, -1
 * (and @error) if refused, 0 if @name is nothing inside a replica. */
static gint
set_in_child (GstWorkerController * self, const gchar * name,
    const gchar * property, const gchar * value, GError ** error)
{
  const gchar *slash = strrchr (name, '/');
  gchar *outer;
  GstElement *replica;
  GstQuery *q;
  const GstStructure *answer;
  const gchar *why;
  gboolean ok = FALSE, found = TRUE;
  gint res;

  if (!slash || slash == name || !slash[1])
    return 0;
  outer = g_strndup (name, slash - name);
  replica = find_element (self, outer);
  if (!replica) {
    g_free (outer);
    return 0;
  }
  q = gst_query_new_custom (GST_QUERY_CUSTOM,
      gst_structure_new ("worker-child-set", "element", G_TYPE_STRING,
          slash + 1, "who", G_TYPE_STRING, name, "property", G_TYPE_STRING,
          property, "value", G_TYPE_STRING, value, NULL));
  /* not a replica: nothing answers */
  if (!gst_element_query (replica, q)) {
    gst_query_unref (q);
    gst_object_unref (replica);
    g_free (outer);
    return 0;
  }
  answer = gst_query_get_structure (q);
  gst_structure_get_boolean (answer, "ok", &ok);
  gst_structure_get_boolean (answer, "found", &found);
  why = gst_structure_get_string (answer, "error");
  if (ok) {
    gboolean queued = FALSE;

    gst_structure_get_boolean (answer, "queued", &queued);
    GST_INFO_OBJECT (self, "set %s=%s on %s in %s's child process%s",
        property, value, slash + 1, outer, queued ? " (queued: it starts)" :
        "");
    res = 1;
  } else if (!found) {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
        "no element is named '%s': %s's child process has no element "
        "named '%s'", name, outer, slash + 1);
    res = -1;
  } else {
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_PROPERTY, "%s",
        why ? why : "the child process did not say why");
    res = -1;
  }
  gst_query_unref (q);
  gst_object_unref (replica);
  g_free (outer);
  return res;
}

/**
 * gst_worker_controller_set_element_property:
 * @self: a #GstWorkerController
 * @name: an element of the pipeline (its name, or a worker's path), or
 *   an element inside a process replica's child named as the status
 *   lists the workers there, "REPLICA/NAME" (`p_r0/testworker0`); a
 *   pool's worker also by its name in the other isolation's scheme (see
 *   gst_worker_controller_pause_worker())
 * @property: the name of one of its properties
 * @value: the new value as text, read as gst-launch-1.0 reads it
 *   (`500000`, `true`, `0.25`, an enum's nick)
 * @error: return location for a #GError, or %NULL
 *
 * Changes a property while the system runs (gst-worker-launch's `set`
 * command): a detector's threshold in flight, a pool's `size`. The same
 * rules hold for an element in the pipeline and one inside a child
 * process: the property must be writable and not construct-only; its
 * `GST_PARAM_MUTABLE_*` flag says in which states it may change
 * (`MUTABLE_READY`: only in NULL or READY, so not while the system runs;
 * `MUTABLE_PAUSED`: not in PLAYING; `MUTABLE_PLAYING`: always; a property
 * that says nothing, like most of stock elements' and Python workers', is
 * not refused); and a value GObject would only warn about (out of the
 * property's range, a negative number for an unsigned one) is refused
 * with the range, the old value kept. The refusals name the element and
 * the property.
 *
 * A value set inside a child process is kept by its replica: a child
 * restarted after a crash gets it again before any item. While the child
 * is still starting (the replica is `starting`: right after the start,
 * or while a crashed child starts again), the set is queued and answered
 * %TRUE at once: the child gets it before its first item, and a refusal
 * there (no such element, a bad value) is a WARNING of the replica,
 * naming the property. While the replica's reader is held in a push (a
 * full queue, a paused worker downstream), it cannot read its child's
 * answer: the set is sent and answered %TRUE, unconfirmed, once the push
 * has been held 200 ms since it was sent. Replicas a pool
 * builds again (a new `size`) start from the `worker` description.
 *
 * Returns: %TRUE if the property was set; %FALSE with @error set
 *   (%GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER: no element of that name;
 *   %GST_WORKER_CONTROLLER_ERROR_PROPERTY: refused, or the child process
 *   could not be asked)
 *
 * Since: 0.2
 */
gboolean
gst_worker_controller_set_element_property (GstWorkerController * self,
    const gchar * name, const gchar * property, const gchar * value,
    GError ** error)
{
  GstElement *element;
  gchar *why = NULL, *resolved;
  gboolean ok;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (property != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* a pool's worker by its name in either isolation's scheme */
  resolved = controller_resolve_worker (self, name);
  element = find_element (self, resolved);
  if (!element) {
    gint res = set_in_child (self, resolved, property, value, error);

    if (res == 0)
      g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
          GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
          "no element is named '%s'", resolved);
    g_free (resolved);
    return res > 0;
  }
  ok = worker_prop_set (element, resolved, property, value, &why);
  if (ok)
    GST_INFO_OBJECT (self, "set %s=%s on %s", property, value, resolved);
  else
    g_set_error_literal (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_PROPERTY, why);
  g_free (why);
  g_free (resolved);
  gst_object_unref (element);
  return ok;
}
