/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* GstWorkerController and the workers inside process replicas' children:
 * the name of a worker resolved once for pause, resume and set (a pool's
 * worker by its name in either isolation's scheme: "p_r0_testworker" in a
 * thread is "p_r0/testworker0" in a child), a pause of a worker by name
 * (in this process, or "REPLICA/NAME" in a child), and a child's restart
 * after a crash or hang as the controller's signal "worker-restarted"
 * (from the replica's element message "worker-process-restarted").
 * Setting properties is gstworkerset.c's. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkercontrollerprivate.h"

static guint worker_restarted_signal;

/* Whether @process_name, a worker inside a replica's child
 * ("p_r0/testworker0": the child's own name), is @candidate in the
 * thread isolation's scheme: the pool names the elements of its replica
 * "p_r0_NAME", an element named by the description keeps its name after
 * the prefix, a default name its factory's prefix ("p_r0_testworker" for
 * the child's first "testworker0"; the next ones, "testworker1", are
 * "p_r0_testworker1" in both). */
static gboolean
thread_style_of (const gchar * process_name, const gchar * candidate)
{
  const gchar *slash = strrchr (process_name, '/'), *inner;
  gsize outer, len;

  if (!slash || slash == process_name || !slash[1])
    return FALSE;
  outer = slash - process_name;
  inner = slash + 1;
  len = strlen (inner);
  if (strncmp (candidate, process_name, outer) != 0 || candidate[outer] != '_')
    return FALSE;
  candidate += outer + 1;
  if (g_str_equal (candidate, inner))
    return TRUE;
  return len >= 2 && inner[len - 1] == '0' && !g_ascii_isdigit (inner[len -
          2]) && strlen (candidate) == len - 1 &&
      strncmp (candidate, inner, len - 1) == 0;
}

/* A pool's workers are named differently with `isolation=thread`
 * ("p_r0_testworker") and `isolation=process` ("p_r0/testworker0"): the
 * name of a worker this system lists that @name gives in the other
 * scheme, or NULL (@name is listed itself, or names none). Only workers
 * listed now: those of a child that has not answered yet are not. */
static gchar *
worker_alias (GstWorkerController * self, const gchar * name)
{
  gchar **names = gst_worker_controller_list_workers (self);
  gchar *found = NULL;

  if (!g_strv_contains ((const gchar * const *) names, name))
    for (guint i = 0; names[i] && !found; i++)
      if ((strchr (name, '/') && thread_style_of (name, names[i])) ||
          (strchr (names[i], '/') && thread_style_of (names[i], name)))
        found = g_strdup (names[i]);
  g_strfreev (names);
  if (found)
    GST_INFO_OBJECT (self, "%s: the worker %s", name, found);
  return found;
}

/* The one step that resolves a worker's name, for pause, resume and set:
 * the name of the worker this system lists that @name names, @name itself
 * or its name in the other isolation's scheme (worker_alias()). Returns:
 * (transfer full): the name to act on. */
gchar *
controller_resolve_worker (GstWorkerController * self, const gchar * name)
{
  gchar *alias = worker_alias (self, name);

  return alias ? alias : g_strdup (name);
}

/* After a worker was paused or resumed: the watchdog and the deadlock
 * detector look again (blocked workers may be excused or not). */
static void
pause_changed (GstWorkerController * self, gboolean paused)
{
  if (!paused)
    worker_watchdog_resumed (self->watch);
  gst_worker_deadlock_touch (self->deadlock);
  worker_watchdog_wake (self->watch, g_get_monotonic_time ());
}

/* A worker inside a replica's child process, "REPLICA/NAME" (as the
 * status lists it): the replica (a processreplica) passes the pause on to
 * its child ("worker-child-pause", see gstprocwire.h). Returns: 1 if
 * done, 0 if there is no such worker, -1 (and @error) if it cannot be
 * paused now (or the child could not be asked). */
static gint
set_child_worker_paused (GstWorkerController * self, const gchar * name,
    gboolean paused, GError ** error)
{
  const gchar *slash = strrchr (name, '/');
  gchar *outer, *why = NULL;
  WorkerRec *w;
  gboolean res = FALSE;

  if (!slash || !slash[1])
    return 0;
  outer = g_strndup (name, slash - name);
  w = worker_topology_find_worker_by_name (self->topology, outer);
  if (w && paused && !worker_run_check_pause_worker (self->run, name,
          error)) {
    g_free (outer);
    return -1;
  }
  if (w)
    res = worker_run_set_child_paused (self->run, w->element, name, paused,
        &why);
  if (why) {
    /* there is such a worker, maybe: its child could not say */
    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_STATE, "Cannot %s %s: %s",
        paused ? "pause" : "resume", name, why);
    g_free (why);
    g_free (outer);
    return -1;
  }
  if (res) {
    GST_INFO_OBJECT (self, "%s worker %s in %s's child process",
        paused ? "pausing" : "resuming", slash + 1, outer);
    pause_changed (self, paused);
  }
  g_free (outer);
  return res ? 1 : 0;
}

/* A worker of this process, or one in a replica's child. */
static gboolean
set_worker_paused_named (GstWorkerController * self, const gchar * name,
    gboolean paused, GError ** error)
{
  WorkerRec *w;

  w = worker_topology_find_worker_by_name (self->topology, name);
  if (!w) {
    gint found = set_child_worker_paused (self, name, paused, error);

    if (found != 0)
      return found > 0;
  }
  if (!w) {
    gchar **names = gst_worker_controller_list_workers (self);
    gchar *list = g_strjoinv (", ", names);

    g_set_error (error, GST_WORKER_CONTROLLER_ERROR,
        GST_WORKER_CONTROLLER_ERROR_UNKNOWN_WORKER,
        "No worker named '%s' (workers: %s).", name, *list ? list : "none");
    g_free (list);
    g_strfreev (names);
    return FALSE;
  }
  if (paused && !worker_run_check_pause_worker (self->run, name, error))
    return FALSE;
  GST_INFO_OBJECT (self, "%s worker %s", paused ? "pausing" : "resuming",
      w->name);
  gst_worker_set_paused (GST_WORKER (w->element), paused);
  pause_changed (self, paused);
  return TRUE;
}

/* Pauses or resumes the worker @name names (controller_resolve_worker()),
 * in this process or in a replica's child: gst_worker_controller_pause_worker()
 * and _resume_worker(). */
gboolean
controller_set_worker_paused (GstWorkerController * self, const gchar * name,
    gboolean paused, GError ** error)
{
  gchar *resolved;
  gboolean res;

  g_return_val_if_fail (GST_IS_WORKER_CONTROLLER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  resolved = controller_resolve_worker (self, name);
  res = set_worker_paused_named (self, resolved, paused, error);
  g_free (resolved);
  return res;
}

/* Installs the signals of this file on GstWorkerController's class. */
void
controller_children_install_signals (GObjectClass * klass)
{
  /**
   * GstWorkerController::worker-restarted:
   * @self: the controller
   * @worker: the process replica's name (a workerpool's with
   *   `isolation=process`: "p_r0")
   * @restarts: how many times its child was restarted in this run
   * @reason: how the child ended ("its process (pid 4242) was killed by
   *   signal SIGKILL (Killed)", "... hung: no answer for 1500 ms
   *   (hang-timeout), so it was killed")
   *
   * The child process of a process replica crashed or hung and is being
   * restarted (the rest of the pipeline runs on; the item it held is
   * retried once). The replica also posts a WARNING on the bus with the
   * same words; an application whose controller watches the bus hears it
   * here. Not the pipeline's restart (#GstWorkerController::restarted).
   *
   * Since: 0.2
   */
  worker_restarted_signal = g_signal_new ("worker-restarted",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

/* An element message of the pipeline that is no heartbeat: a process
 * replica's "worker-process-restarted" becomes "worker-restarted". */
void
controller_handle_child_message (GstWorkerController * self, GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  guint restarts = 0;

  if (!s || !gst_structure_has_name (s, "worker-process-restarted"))
    return;
  gst_structure_get_uint (s, "restarts", &restarts);
  GST_INFO_OBJECT (self, "the child process of %s restarts (%u): %s",
      GST_MESSAGE_SRC_NAME (msg), restarts,
      gst_structure_get_string (s, "reason"));
  g_signal_emit (self, worker_restarted_signal, 0, GST_MESSAGE_SRC_NAME (msg),
      restarts, gst_structure_get_string (s, "reason"));
}
