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

/* Waits for @pid (up to @timeout, then kills it: @killed, if given, says
 * whether it had to) and says how it ended. */
gchar *
gst_proc_start_reap (GPid pid, gint64 timeout, gboolean * killed)
{
  gint64 deadline = g_get_monotonic_time () + timeout;
  int status = 0;
  pid_t r;

  if (killed)
    *killed = FALSE;
  for (;;) {
    r = waitpid (pid, &status, timeout ? WNOHANG : 0);
    if (r == pid)
      return gst_proc_start_describe_status (status);
    if (r < 0 && errno != EINTR)
      return g_strdup_printf ("lost (waitpid: %s)", g_strerror (errno));
    if (r == 0 && g_get_monotonic_time () >= deadline) {
      kill (pid, SIGKILL);
      if (killed)
        *killed = TRUE;
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

/* Children are forked by one thread that lives as long as the process.
 * A child dies with its parent by PR_SET_PDEATHSIG, which fires when the
 * *thread* that forked it ends, not the process: a replica spawns from
 * threads that end while the child should live (an application's thread
 * that set a state, a streaming thread given back to its task pool, a
 * replica's start thread). */
typedef struct
{
  const gchar *const *argv;
  gchar **envp;
  const gint *source_fds;
  const gint *target_fds;
  gsize n_fds;
  GPid pid;
  GError *error;
  gboolean ok;
  gboolean done;
} SpawnJob;

static GMutex spawn_lock;
static GCond spawn_cond;
/* protected by spawn_lock */
static GAsyncQueue *spawn_jobs;
static pid_t spawner_pid;       /* the process the spawner thread runs in */

static gpointer
spawner_thread (gpointer data)
{
  GAsyncQueue *jobs = data;

  for (;;) {
    SpawnJob *job = g_async_queue_pop (jobs);

    job->ok = g_spawn_async_with_pipes_and_fds (NULL, job->argv,
        (const gchar * const *) job->envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
        NULL, -1, -1, -1, job->source_fds, job->target_fds, job->n_fds,
        &job->pid, NULL, NULL, NULL, &job->error);
    g_mutex_lock (&spawn_lock);
    job->done = TRUE;
    g_cond_broadcast (&spawn_cond);
    g_mutex_unlock (&spawn_lock);
  }
  return NULL;
}

/* Runs @job on the spawner thread (started on first use, and again in a
 * process forked since). */
static gboolean
spawn_on_spawner (SpawnJob * job)
{
  GThread *thread;

  g_mutex_lock (&spawn_lock);
  if (!spawn_jobs || spawner_pid != getpid ()) {
    /* (a forked process has the queue but not the thread) */
    GAsyncQueue *jobs = g_async_queue_new ();

    thread = g_thread_try_new ("worker-spawner", spawner_thread, jobs,
        &job->error);
    if (!thread) {
      g_async_queue_unref (jobs);
      g_mutex_unlock (&spawn_lock);
      return FALSE;
    }
    g_thread_unref (thread);
    spawn_jobs = jobs;
    spawner_pid = getpid ();
  }
  g_async_queue_push (spawn_jobs, job);
  while (!job->done)
    g_cond_wait (&spawn_cond, &spawn_lock);
  g_mutex_unlock (&spawn_lock);
  return job->ok;
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
    gchar *parent = g_strdup_printf ("%d", (gint) getpid ());
    SpawnJob job = { argv, NULL, tcp ? NULL : &sv[1], tcp ? NULL : &target,
      tcp ? 0 : 1
    };

    /* the child ends at once if this process is gone before it could ask
     * for its parent's death signal */
    job.envp = g_environ_setenv (g_get_environ (), GST_PROC_START_PARENT_ENV,
        parent, TRUE);
    ok = spawn_on_spawner (&job);
    *pid = job.pid;
    err = job.error;
    g_strfreev (job.envp);
    g_free (parent);
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
