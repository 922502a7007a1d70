/* gst-workers: starting a process replica's child
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * What a processreplica needs to start its child and to end it, with none
 * of the replica's state: the child program, the spawn (a socket pair, or
 * a TCP listener on the loopback the child connects to), the accept of
 * that connection, and the reap of the child's process. The wait for the
 * child's hello is the replica's (its start thread): nothing here waits
 * for the worker inside to be built.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include "gstprocstart.h"

/* The child program: $GST_WORKER_CHILD, else gst-worker-child beside
 * @element's plugin, else in the libexec directory. */
gchar *
gst_proc_start_child_program (GstElement * element)
{
  const gchar *env = g_getenv ("GST_WORKER_CHILD");
  GstElementFactory *factory = gst_element_get_factory (element);
  GstPlugin *plugin = factory ?
      gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory)) : NULL;
  gchar *path = NULL;

  if (env && *env) {
    gst_clear_object (&plugin);
    return g_strdup (env);
  }
  if (plugin && gst_plugin_get_filename (plugin)) {
    gchar *dir = g_path_get_dirname (gst_plugin_get_filename (plugin));

    path = g_build_filename (dir, "gst-worker-child", NULL);
    g_free (dir);
    if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
      g_clear_pointer (&path, g_free);
  }
  gst_clear_object (&plugin);
  if (!path)
    path = g_build_filename (GST_WORKER_LIBEXECDIR, "gst-worker-child", NULL);
  return path;
}

/* How a child ended, for a user: "was killed by signal SIGSEGV
 * (Segmentation fault)", "exited with status 1". */
gchar *
gst_proc_start_describe_status (int status)
{
  if (WIFSIGNALED (status)) {
    const gchar *abbrev = sigabbrev_np (WTERMSIG (status));

    if (abbrev)
      return g_strdup_printf ("was killed by signal SIG%s (%s)", abbrev,
          g_strsignal (WTERMSIG (status)));
    return g_strdup_printf ("was killed by signal %d (%s)", WTERMSIG (status),
        g_strsignal (WTERMSIG (status)));
  }
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  return g_strdup ("ended");
}

/* Waits for @pid (up to @timeout, then kills it) and says how it ended. */
gchar *
gst_proc_start_reap (GPid pid, gint64 timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout;
  int status = 0;
  pid_t r;

  for (;;) {
    r = waitpid (pid, &status, timeout ? WNOHANG : 0);
    if (r == pid)
      return gst_proc_start_describe_status (status);
    if (r < 0 && errno != EINTR)
      return g_strdup_printf ("lost (waitpid: %s)", g_strerror (errno));
    if (r == 0 && g_get_monotonic_time () >= deadline) {
      kill (pid, SIGKILL);
      timeout = 0;
    } else if (r == 0) {
      g_usleep (2000);
    }
  }
}

/* A TCP listener on 127.0.0.1, any port; @where: "tcp:127.0.0.1:PORT". */
static int
listen_loopback (gchar ** where)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof (addr);
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0 ||
      listen (fd, 1) < 0 ||
      getsockname (fd, (struct sockaddr *) &addr, &len) < 0) {
    if (fd >= 0)
      close (fd);
    return -1;
  }
  *where = g_strdup_printf ("tcp:127.0.0.1:%u", ntohs (addr.sin_port));
  return fd;
}

/* Starts @program for the replica @name running @worker, and returns at
 * once: @fd is the replica's end of a socket pair or, with @tcp, a
 * listener the child connects to (gst_proc_start_accept()). */
gboolean
gst_proc_start_spawn (const gchar * program, const gchar * name,
    const gchar * worker, gboolean tcp, GPid * pid, int *fd, GError ** error)
{
  gint target = 3;
  int sv[2] = { -1, -1 }, listener = -1;
  gchar *where = NULL;
  GError *err = NULL;
  gboolean ok;

  if (!worker || !*worker) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "Worker process %s: no worker given (the worker property)", name);
    return FALSE;
  }
  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE)) {
    /* said here, not by a fork whose exec fails */
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "Worker process %s could not be started: its child program %s is "
        "not there or not executable", name, program);
    return FALSE;
  }
  if (tcp) {
    listener = listen_loopback (&where);
    if (listener < 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
          "Worker process %s could not be started: no TCP port on the "
          "loopback: %s", name, g_strerror (errno));
      return FALSE;
    }
  } else if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "Worker process %s could not be started: socketpair: %s", name,
        g_strerror (errno));
    return FALSE;
  }
  {
    const gchar *argv[] = { program, tcp ? where : "3", name, worker, NULL };

    ok = g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
        G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, -1, -1, -1, tcp ? NULL : &sv[1],
        tcp ? NULL : &target, tcp ? 0 : 1, pid, NULL, NULL, NULL, &err);
  }
  g_free (where);
  if (!tcp)
    close (sv[1]);
  if (!ok) {
    close (tcp ? listener : sv[0]);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "Worker process %s could not be started: %s", name, err->message);
    g_clear_error (&err);
    return FALSE;
  }
  *fd = tcp ? listener : sv[0];
  return TRUE;
}

/* The child's connection on @listener, or -1 (and @why) if it died or did
 * not call by @deadline; -1 and no @why if @cancelled said so first. On
 * -1 the child is killed and reaped. */
int
gst_proc_start_accept (int listener, GPid pid, gint64 deadline,
    guint start_timeout, GstProcStartCancelled cancelled, gpointer user_data,
    gchar ** why)
{
  int one = 1;

  while (g_get_monotonic_time () < deadline) {
    struct pollfd p = { listener, POLLIN, 0 };
    int status, fd;

    if (cancelled (user_data))
      break;
    if (poll (&p, 1, 100) > 0) {
      fd = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0) {
        setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
        return fd;
      }
    }
    if (waitpid (pid, &status, WNOHANG) == pid) {
      gchar *how = gst_proc_start_describe_status (status);

      *why = g_strdup_printf ("its process (pid %d) %s", (gint) pid, how);
      g_free (how);
      return -1;
    }
  }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  if (g_get_monotonic_time () >= deadline)
    *why = g_strdup_printf ("it did not connect within %u ms "
        "(start-timeout)", start_timeout);
  return -1;
}
