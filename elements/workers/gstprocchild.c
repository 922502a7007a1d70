/* gst-workers: the child process of a process replica
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * One child process of a #GstProcessReplica, from its spawn to its end:
 * spawned (by the process-lived spawner thread, gstprocstart.c), its
 * channel opened and read, its hello (or why its worker does not build)
 * awaited on a start thread of its own, by the start-timeout; a child that
 * dies or is too slow while starting is restarted as after a crash (the
 * back-off, max-restarts), and so is one that dies between items. How a
 * child ended is said in words (its death: a signal by name, an exit, a
 * closed channel and why, garbage on the channel, a hang).
 *
 * The replica (the owner) keeps its pads, its properties and the items in
 * flight; it hears of the child through #GstProcChildCallbacks: the
 * child's messages that are not of its start, its queries, its end (the
 * owner marks it dead under its own lock: gst_proc_child_died()), the
 * start's beginning and end.
 *
 * Locks: the child's own (lock) guards its fields; it is never held while
 * a callback runs. The owner may call in holding its lock (its lock, then
 * the child's), except gst_proc_child_spawn() and gst_proc_child_stop(),
 * which wait for threads that call the owner.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "gstprocchild.h"
#include "gstprocstart.h"

GST_DEBUG_CATEGORY_STATIC (gst_proc_child_debug);
#define GST_CAT_DEFAULT gst_proc_child_debug

#define MAX_RESTART_DELAY 2000
#define STOP_TIMEOUT (2 * G_TIME_SPAN_SECOND)
/* how long a child that closed its channel may take to end by itself */
#define CLOSE_GRACE (G_TIME_SPAN_SECOND / 2)

struct _GstProcChild
{
  GObject parent;

  GstElement *element;          /* fixed; the owner (not a reference) */
  GstProcChildStatus *children; /* fixed, the owner's; own lock */
  GstProcChildCallbacks cb;     /* fixed */
  gpointer user_data;           /* fixed */

  GMutex lock;
  GCond cond;
  /* protected by lock */
  GstProcChannel *channel;      /* the child's, NULL when none */
  GPid pid;                     /* the child's, 0 when none */
  gboolean reaped;              /* pid waited for */
  gboolean hello;               /* the child runs its worker */
  gboolean threads;             /* its worker pushes from threads of its
                                 * own (said in its hello) */
  gchar *failed;                /* why the child could not build it */
  gboolean dead;                /* the child died, was killed or closed */
  gchar *death;                 /* how */
  gchar *bye;                   /* why it said it ends, or NULL */
  gboolean stopping;            /* we end the child: not a crash */
  gboolean starting;            /* spawned, its hello awaited */
  gboolean start_failed;        /* the last start did not run (said) */
  GThread *start_thread;        /* await_child(), until joined; stored
                                 * with the lock held since before it
                                 * was made */
  GThread *ended_start;         /* the one before a restart between items:
                                 * joined by the new one */
  gchar *restart_death;         /* a child that died between items: the
                                 * start thread restarts it first */
  int listener;                 /* tcp: while the child connects, or -1 */
  gint64 start_deadline;        /* monotonic */
  guint start_timeout_used;     /* ms, of the start in hand */
  gchar *start_program;         /* the child program started last */
  guint child_gen;              /* children opened so far */
  guint restarts;
  guint in_a_row;               /* crashes since an item was finished */
};

G_DEFINE_TYPE_WITH_CODE (GstProcChild, gst_proc_child, G_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_proc_child_debug, "processchild", 0,
        "the child process of a processreplica"));

static void
read_settings (GstProcChild * self, GstProcChildSettings * settings)
{
  memset (settings, 0, sizeof (*settings));
  self->cb.settings (settings, self->user_data);
}

/* ---------------------------------------------------------------------- */
/* the channel */

static void
on_child_message (GstProcChannel * ch, GstProcMessage * msg, gpointer data)
{
  GstProcChild *self = data;
  GPid pid;

  g_mutex_lock (&self->lock);
  if (ch != self->channel) {
    g_mutex_unlock (&self->lock);
    return;
  }
  switch (msg->type) {
    case GST_PROC_MSG_HELLO:
      self->hello = TRUE;
      self->threads = FALSE;
      gst_structure_get_boolean (msg->structure, "threads", &self->threads);
      /* it answers from now on */
      gst_proc_child_status_answered (self->children, ch);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      return;
    case GST_PROC_MSG_FAILED:
      g_free (self->failed);
      self->failed = g_strdup (gst_structure_get_string (msg->structure,
              "message"));
      if (!self->failed)
        self->failed = g_strdup ("no reason given");
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      return;
    case GST_PROC_MSG_BYE:
      /* it closes its channel next: its death says why */
      g_free (self->bye);
      self->bye = g_strdup (gst_structure_get_string (msg->structure,
              "reason"));
      g_mutex_unlock (&self->lock);
      return;
    default:
      break;
  }
  pid = self->pid;
  g_mutex_unlock (&self->lock);
  /* (the channel is not replaced while its reader runs: closing it joins
   * this thread) */
  self->cb.message (ch, msg, pid, self->user_data);
}

static gboolean
on_child_query (GstProcChannel * ch, GstQuery * query, GstPadDirection dir,
    gpointer data)
{
  GstProcChild *self = data;

  return self->cb.query (ch, query, dir, self->user_data);
}

/* The child closed its channel (or died: that closes it too) while not
 * stopped: says how it ended, and that it closed its channel when it did
 * not just die (with why, if it said): killed after CLOSE_GRACE, a child
 * that closed its channel and lived on would otherwise read as "killed by
 * signal SIGKILL", hiding the reason. */
static gchar *
closed_death (GstProcChild * self, GPid pid, const gchar * bye)
{
  gboolean killed = FALSE;
  gchar *how, *death;

  /* (it said why: no need to wait for it) */
  if (bye)
    kill (pid, SIGKILL);
  how = gst_proc_start_reap (pid, bye ? 0 : CLOSE_GRACE, &killed);
  GST_INFO_OBJECT (self->element, "child %d %s", (gint) pid, how);
  if (bye)
    death = g_strdup_printf ("its process (pid %d) closed its channel (%s) "
        "and was stopped", (gint) pid, bye);
  else if (killed)
    death = g_strdup_printf ("its process (pid %d) closed its channel "
        "without a word and was stopped", (gint) pid);
  else
    death = g_strdup_printf ("its process (pid %d) %s", (gint) pid, how);
  g_free (how);
  return death;
}

static gpointer await_child (gpointer data);

/* A child that died between items (nothing in hand, the stream not
 * waiting for it) is restarted at once by a start thread, not when the
 * next item comes (with the lock). Returns: whether it will be. */
static gboolean
restart_between_items_locked (GstProcChild * self)
{
  GThread *thread;

  if (self->stopping || self->starting || !self->hello || !self->death ||
      self->ended_start)
    return FALSE;
  thread = g_thread_try_new ("worker-process-start", await_child, self,
      NULL);
  if (!thread)
    return FALSE;
  /* (it waits for the lock, then joins the one before) */
  self->ended_start = self->start_thread;
  self->start_thread = thread;
  self->restart_death = g_strdup (self->death);
  self->starting = TRUE;
  return TRUE;
}

static void
on_child_closed (GstProcChannel * ch, gboolean garbage, const gchar * why,
    gpointer data)
{
  GstProcChild *self = data;
  gboolean stopping;
  gchar *bye, *death = NULL;
  GPid pid;

  g_mutex_lock (&self->lock);
  if (ch != self->channel || self->reaped) {
    g_mutex_unlock (&self->lock);
    return;
  }
  stopping = self->stopping;
  pid = self->pid;
  bye = g_steal_pointer (&self->bye);
  g_mutex_unlock (&self->lock);

  if (garbage) {
    GST_WARNING_OBJECT (self->element, "child %d sent garbage: %s",
        (gint) pid, why);
    kill (pid, SIGKILL);
    g_free (gst_proc_start_reap (pid, 0, NULL));
    death = g_strdup_printf ("its process (pid %d) broke the protocol (%s) "
        "and was killed", (gint) pid, why);
  } else if (stopping) {
    gchar *how = gst_proc_start_reap (pid, STOP_TIMEOUT, NULL);

    death = g_strdup_printf ("its process (pid %d) %s", (gint) pid, how);
    g_free (how);
  } else {
    death = closed_death (self, pid, bye);
  }

  /* the owner marks it dead, with what it holds: gst_proc_child_died() */
  self->cb.closed (self, death, self->user_data);
  g_free (death);
  g_free (bye);
}

/**
 * gst_proc_child_died:
 * @death: how the child ended (kept unless a death was said before)
 * @idle: nothing is in the owner's hand
 *
 * Marks the child dead (reaped); one that died between items (@idle) is
 * restarted at once by a start thread. Called by the owner from its
 * `closed` callback, under its lock.
 *
 * Returns: whether a start thread restarts the child.
 */
gboolean
gst_proc_child_died (GstProcChild * self, const gchar * death, gboolean idle)
{
  gboolean restart;

  g_mutex_lock (&self->lock);
  self->reaped = TRUE;
  self->dead = TRUE;
  if (!self->death)
    self->death = g_strdup (death);
  restart = idle && restart_between_items_locked (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return restart;
}

/**
 * gst_proc_child_restart_dead:
 *
 * A child found dead once the owner's item is over (it died as its answer
 * came, or after all it held was out: the owner had it in hand when the
 * death came, so gst_proc_child_died() did not restart it, and nothing is
 * left to send again) is restarted at once by a start thread, as one that
 * died between items. Called by the owner under its lock.
 *
 * Returns: whether a start thread restarts the child.
 */
gboolean
gst_proc_child_restart_dead (GstProcChild * self)
{
  gboolean restart;

  g_mutex_lock (&self->lock);
  restart = self->dead && self->reaped && !self->start_failed &&
      restart_between_items_locked (self);
  if (restart)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return restart;
}

/* Closes the channel of the child there was and reaps it (killed first
 * unless the element stops it: then after a polite close and 2 s). Not
 * with the lock. */
static void
drop_child (GstProcChild * self)
{
  GstProcChannel *ch;

  g_mutex_lock (&self->lock);
  ch = self->channel;
  g_mutex_unlock (&self->lock);
  if (ch)
    gst_proc_channel_close (ch);
  g_mutex_lock (&self->lock);
  if (!self->reaped && self->pid) {
    GPid pid = self->pid;

    g_mutex_unlock (&self->lock);
    g_free (gst_proc_start_reap (pid, STOP_TIMEOUT, NULL));
    g_mutex_lock (&self->lock);
  }
  self->reaped = TRUE;
  self->channel = NULL;
  self->pid = 0;
  g_mutex_unlock (&self->lock);
  if (ch)
    gst_proc_channel_unref (ch);
}

/**
 * gst_proc_child_stop:
 *
 * Ends the child (a polite close, then SIGKILL after 2 s; at once while
 * it starts: it has nothing of the stream). Not with the owner's lock.
 */
void
gst_proc_child_stop (GstProcChild * self)
{
  GThread *thread;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  if (self->starting && self->pid && !self->reaped)
    kill (self->pid, SIGKILL);
  thread = self->start_thread;
  self->start_thread = NULL;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  self->cb.changed (self->user_data);
  if (thread)
    g_thread_join (thread);
  drop_child (self);
  g_mutex_lock (&self->lock);
  self->stopping = FALSE;
  g_mutex_unlock (&self->lock);
}

/**
 * gst_proc_child_kill:
 * @death: why (kept unless a death was said before)
 *
 * Kills the running child (a hang; an item that cannot be sent).
 *
 * Returns: whether there was a child to kill.
 */
gboolean
gst_proc_child_kill (GstProcChild * self, const gchar * death)
{
  gboolean killed = FALSE;

  g_mutex_lock (&self->lock);
  if (self->pid && !self->reaped) {
    if (!self->death)
      self->death = g_strdup (death);
    GST_WARNING_OBJECT (self->element, "child %d %s", (gint) self->pid,
        self->death);
    killed = kill (self->pid, SIGKILL) == 0;
  }
  g_mutex_unlock (&self->lock);
  return killed;
}

/* ---------------------------------------------------------------------- */
/* crashes: the back-off and the bound, for a child that died running and
 * one that died starting alike */

/* Counts a crash (with the lock; @settings read before). Returns: %FALSE
 * past max-restarts (in @max), else the back-off before the restart in
 * @delay (restart-delay, doubled at each crash in a row, at most 2 s). */
static gboolean
count_crash_locked (GstProcChild * self, GstProcChildSettings * settings,
    guint * delay, guint * max)
{
  *max = settings->max_restarts;
  *delay = settings->restart_delay;
  self->in_a_row++;
  if (self->in_a_row > *max)
    return FALSE;
  for (guint i = 1; i < self->in_a_row && *delay < MAX_RESTART_DELAY; i++)
    *delay *= 2;
  *delay = MIN (*delay, MAX_RESTART_DELAY);
  return TRUE;
}

/**
 * gst_proc_child_count_crash:
 *
 * Counts a crash of a running child: see count_crash_locked(); @in_a_row:
 * the crashes in a row now.
 */
gboolean
gst_proc_child_count_crash (GstProcChild * self, guint * delay, guint * max,
    guint * in_a_row)
{
  GstProcChildSettings settings;
  gboolean ok;

  read_settings (self, &settings);
  g_free (settings.worker);
  g_mutex_lock (&self->lock);
  ok = count_crash_locked (self, &settings, delay, max);
  *in_a_row = self->in_a_row;
  g_mutex_unlock (&self->lock);
  return ok;
}

/* A restart after a crash: returns their count so far. */
guint
gst_proc_child_count_restart (GstProcChild * self, guint * in_a_row)
{
  guint restarts;

  g_mutex_lock (&self->lock);
  restarts = ++self->restarts;
  *in_a_row = self->in_a_row;
  g_mutex_unlock (&self->lock);
  return restarts;
}

/* An item was finished (or the element starts afresh): no crash in a
 * row. */
void
gst_proc_child_not_crashing (GstProcChild * self)
{
  g_mutex_lock (&self->lock);
  self->in_a_row = 0;
  g_mutex_unlock (&self->lock);
}

/* The error when it gives up. */
gchar *
gst_proc_child_gives_up_text (GstProcChild * self, guint in_a_row, guint max,
    const gchar * death)
{
  if (max == 0)
    return g_strdup_printf ("Worker process %s crashed and max-restarts=0 "
        "allows no restart: %s.", GST_OBJECT_NAME (self->element), death);
  return g_strdup_printf ("Worker process %s keeps crashing: %u times in a "
      "row without finishing an item (max-restarts=%u); the last time %s.",
      GST_OBJECT_NAME (self->element), in_a_row, max, death);
}

/* Says that the child restarts (restart @restarts, @in_a_row crashes in a
 * row), where a user sees it: the restart hides the crash otherwise. */
void
gst_proc_child_announce_restart (GstProcChild * self, const gchar * death,
    guint restarts, guint in_a_row, guint max)
{
  GstElement *element = self->element;

  GST_ELEMENT_WARNING (element, CORE, FAILED,
      ("Worker process %s: %s; restarting it (restart %u of %s; %u "
          "crash%s in a row, it gives up after max-restarts=%u)",
          GST_OBJECT_NAME (element), death, restarts,
          GST_OBJECT_NAME (element), in_a_row, in_a_row == 1 ? "" : "es",
          max), (NULL));
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element),
          gst_structure_new ("worker-process-restarted",
              "reason", G_TYPE_STRING, death, "restarts", G_TYPE_UINT,
              restarts, NULL)));
}

/* ---------------------------------------------------------------------- */
/* the child's start: spawned in the state change, its hello awaited on a
 * thread of its own */

/* Whether the start is to end now (the element goes down). */
static gboolean
start_cancelled (gpointer data)
{
  GstProcChild *self = data;
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return stopping;
}

/* The channel of a child on @fd (with the lock). */
static GstProcChannel *
open_channel_locked (GstProcChild * self, int fd, gboolean tcp)
{
  static const GstProcChannelCallbacks callbacks = {
    on_child_message, on_child_query, on_child_closed
  };
  GstProcChannel *ch = gst_proc_channel_new (fd, tcp, &callbacks, self);

  self->channel = ch;
  self->child_gen++;
  gst_proc_child_status_start (self->children, ch);
  return ch;
}

/* Spawns a child (its channel read from now on, its hello not awaited)
 * and makes it the element's, `starting`. Returns: %FALSE, with @error,
 * if it cannot (nothing is left running then). */
static gboolean
launch_child (GstProcChild * self, GError ** error)
{
  gchar *program = gst_proc_start_child_program (self->element);
  gchar *name;
  GstProcChildSettings settings;
  GstProcChannel *ch = NULL;
  gboolean ok = FALSE;
  GPid pid;
  int fd;

  read_settings (self, &settings);
  name = gst_object_get_name (GST_OBJECT (self->element));

  if (!gst_proc_start_spawn (program, name, settings.worker, settings.tcp,
          &pid, &fd, error))
    goto out;

  g_mutex_lock (&self->lock);
  self->pid = pid;
  self->reaped = FALSE;
  self->hello = FALSE;
  self->dead = FALSE;
  self->start_failed = FALSE;
  g_clear_pointer (&self->failed, g_free);
  g_clear_pointer (&self->death, g_free);
  g_clear_pointer (&self->bye, g_free);
  g_free (self->start_program);
  self->start_program = g_strdup (program);
  self->start_timeout_used = settings.start_timeout;
  self->start_deadline = g_get_monotonic_time () +
      settings.start_timeout * G_TIME_SPAN_MILLISECOND;
  self->starting = TRUE;
  if (settings.tcp)
    self->listener = fd;
  else
    ch = open_channel_locked (self, fd, FALSE);
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self->element, "started %s, pid %d", program, (gint) pid);

  ok = !ch || gst_proc_channel_start (ch, "worker-process-reader");
  if (!ok) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "Worker process %s: no thread to read its child", name);
    kill (pid, SIGKILL);
    drop_child (self);
  }
out:
  g_free (program);
  g_free (settings.worker);
  g_free (name);
  return ok;
}

/* start threads that wait now, in this process */
static gint n_starting;

typedef enum
{
  START_RUNS,                   /* it said hello */
  START_STOPPED,                /* the element goes down */
  START_FAILED,                 /* @why: an error (its worker does not build) */
  START_DIED,                   /* @why: how it died or why it was killed */
} StartEnd;

/* Waits for the start of the child there is: its connection (TCP), then
 * its hello, by the start-timeout. A child that died or was too slow is
 * killed (not reaped: drop_child()). */
static StartEnd
await_start (GstProcChild * self, gchar ** why)
{
  const gchar *name = GST_OBJECT_NAME (self->element);
  gchar *program, *accept_why = NULL;
  GstProcChildSettings settings;
  GstProcChannel *ch = NULL;
  StartEnd end = START_FAILED;
  int listener, fd;
  guint timeout;
  gint share = 1;
  gint64 deadline;
  GPid pid;

  g_mutex_lock (&self->lock);
  listener = self->listener;
  pid = self->pid;
  deadline = self->start_deadline;
  timeout = self->start_timeout_used;
  program = g_strdup (self->start_program);
  g_mutex_unlock (&self->lock);
  read_settings (self, &settings);

  if (listener >= 0) {
    fd = gst_proc_start_accept (listener, pid, deadline, timeout,
        start_cancelled, self, &accept_why);
    close (listener);
    g_mutex_lock (&self->lock);
    self->listener = -1;
    if (fd < 0) {
      /* killed and reaped there */
      self->reaped = TRUE;
      self->dead = TRUE;
    } else {
      ch = gst_proc_channel_ref (open_channel_locked (self, fd, TRUE));
    }
    g_mutex_unlock (&self->lock);
    if (ch && !gst_proc_channel_start (ch, "worker-process-reader"))
      *why = g_strdup_printf ("Worker process %s: there is no thread to "
          "read its child", name);
    if (ch)
      gst_proc_channel_unref (ch);
  }

  g_mutex_lock (&self->lock);
  while (!*why && !accept_why && !self->hello && !self->failed &&
      !self->dead && !self->stopping) {
    /* children of this process that start together share the machine:
     * each may take start-timeout for every one of them, as when they
     * started one after the other */
    gint64 limit, now = g_get_monotonic_time ();

    share = MAX (share, g_atomic_int_get (&n_starting));
    limit = deadline + (share - 1) * (gint64) timeout *
        G_TIME_SPAN_MILLISECOND;
    if (now >= limit)
      break;
    g_cond_wait_until (&self->cond, &self->lock,
        MIN (limit, now + G_TIME_SPAN_SECOND));
  }
  if (*why) {
    /* START_FAILED, said above */
  } else if (self->stopping) {
    end = START_STOPPED;
  } else if (self->hello && !self->dead && !accept_why) {
    end = START_RUNS;
  } else if (self->failed) {
    /* bad input: no restart will build it */
    *why = g_strdup_printf ("Worker process %s: its worker (\"%s\") could "
        "not be built: %s", name, settings.worker, self->failed);
    end = START_FAILED;
  } else if (accept_why || self->dead) {
    *why = g_strdup_printf ("its child (%s) did not start: %s", program,
        accept_why ? accept_why : self->death);
    end = START_DIED;
  } else {
    *why = share == 1 ?
        g_strdup_printf ("its child (%s) did not start within %u ms "
        "(start-timeout)", program, timeout) :
        g_strdup_printf ("its child (%s) did not start within %u ms "
        "(start-timeout=%u, for each of the %d children starting together)",
        program, timeout * share, timeout, share);
    if (!self->death)
      self->death = g_strdup_printf ("its process (pid %d) did not start "
          "in time and was killed", (gint) self->pid);
    end = START_DIED;
  }
  if (end != START_RUNS && !self->reaped && self->pid)
    kill (self->pid, SIGKILL);
  g_mutex_unlock (&self->lock);
  g_free (accept_why);
  g_free (program);
  g_free (settings.worker);
  return end;
}

/* After the child died or was too slow while starting (@death), as after
 * a crash later: the back-off, a warning, a new child. Returns: %FALSE if
 * the start is to end: with @error set past max-restarts or if no child
 * can be spawned, unset if the element goes down. */
static gboolean
restart_starting_child (GstProcChild * self, const gchar * death,
    gchar ** error)
{
  GstProcChildSettings settings;
  guint delay, max, restarts, in_a_row;
  gint64 until;
  GError *err = NULL;

  read_settings (self, &settings);
  g_free (settings.worker);
  g_mutex_lock (&self->lock);
  /* (going down: no crash to count, no error) */
  if (self->stopping) {
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  if (!count_crash_locked (self, &settings, &delay, &max)) {
    in_a_row = self->in_a_row;
    g_mutex_unlock (&self->lock);
    *error = gst_proc_child_gives_up_text (self, in_a_row, max, death);
    return FALSE;
  }
  until = g_get_monotonic_time () + delay * G_TIME_SPAN_MILLISECOND;
  while (!self->stopping && g_cond_wait_until (&self->cond, &self->lock,
          until));
  if (self->stopping) {
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  restarts = ++self->restarts;
  in_a_row = self->in_a_row;
  g_mutex_unlock (&self->lock);
  gst_proc_child_announce_restart (self, death, restarts, in_a_row, max);
  drop_child (self);
  if (start_cancelled (self))
    return FALSE;
  if (!launch_child (self, &err)) {
    *error = g_strdup (err->message);
    g_clear_error (&err);
    return FALSE;
  }
  return TRUE;
}

/* The start thread: awaits the child's hello; a child that dies or is too
 * slow meanwhile is restarted as after a crash (the back-off, the bound).
 * Ends the start (`starting` false, waiters woken); a start that failed
 * (the worker does not build; max-restarts) is an error naming the
 * element, posted before anything can see that the start ended (the
 * stream's error flow must come after the cause: GStreamer's rule). Not
 * when the element goes down meanwhile: no error then. */
static gpointer
await_child (gpointer data)
{
  GstProcChild *self = data;
  gchar *why = NULL, *error = NULL, *death;
  GThread *ended;
  StartEnd end = START_DIED;
  GPid pid;

  g_mutex_lock (&self->lock);
  ended = g_steal_pointer (&self->ended_start);
  death = g_steal_pointer (&self->restart_death);
  g_mutex_unlock (&self->lock);
  if (ended)
    g_thread_join (ended);

  g_atomic_int_inc (&n_starting);
  /* a child that died between items: its restart first */
  if (!death || restart_starting_child (self, death, &error)) {
    for (;;) {
      end = await_start (self, &why);
      if (end != START_DIED)
        break;
      if (!restart_starting_child (self, why, &error))
        break;
      g_clear_pointer (&why, g_free);
    }
  }
  g_free (death);
  if (end == START_FAILED)
    error = g_steal_pointer (&why);
  g_free (why);

  if (end == START_RUNS) {
    GstProcChannel *ch = NULL;

    /* what the controller set in the child before, before any item */
    g_mutex_lock (&self->lock);
    if (self->channel)
      ch = gst_proc_channel_ref (self->channel);
    g_mutex_unlock (&self->lock);
    if (ch) {
      gst_proc_child_status_replay (self->children, ch);
      gst_proc_channel_unref (ch);
    }
  } else if (error) {
    GstElement *element = self->element;

    GST_ELEMENT_ERROR (element, CORE, FAILED, ("%s", error), (NULL));
  }

  g_mutex_lock (&self->lock);
  pid = self->pid;
  self->start_failed = end != START_RUNS;
  self->starting = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  self->cb.changed (self->user_data);
  /* (a pool offers the replica to its dispatcher here: before the state
   * says it, so that a replica not `starting` takes items) */
  g_atomic_int_dec_and_test (&n_starting);
  self->cb.starting (FALSE, TRUE, self->user_data);

  if (end == START_RUNS)
    GST_INFO_OBJECT (self->element, "child %d runs its worker", (gint) pid);
  g_free (error);
  return NULL;
}

/**
 * gst_proc_child_spawn:
 *
 * Starts a child and returns at once: await_child(), on a thread of its
 * own, waits until it runs the worker. Not with the owner's lock.
 *
 * Returns: %FALSE, with @error, if it cannot even be spawned.
 */
gboolean
gst_proc_child_spawn (GstProcChild * self, GError ** error)
{
  GThread *thread;
  GError *err = NULL;

  if (!launch_child (self, error))
    goto fail;
  self->cb.starting (TRUE, FALSE, self->user_data);
  /* stored as it is made (it takes the lock first): a child that says
   * hello and dies at once has its restart thread stored after it */
  g_mutex_lock (&self->lock);
  thread = g_thread_try_new ("worker-process-start", await_child, self, &err);
  if (thread)
    self->start_thread = thread;
  g_mutex_unlock (&self->lock);
  if (!thread) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "Worker process %s: no thread to start its child: %s",
        GST_OBJECT_NAME (self->element), err->message);
    g_clear_error (&err);
    gst_proc_child_stop (self);
    goto fail;
  }
  return TRUE;

fail:
  g_mutex_lock (&self->lock);
  self->starting = FALSE;
  self->start_failed = TRUE;
  g_mutex_unlock (&self->lock);
  self->cb.starting (FALSE, FALSE, self->user_data);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* what the owner reads (it may hold its lock) */

/* The running child's channel (a reference), or NULL: none, dead, or
 * (@said_hello) not started yet; its @pid. */
GstProcChannel *
gst_proc_child_dup_channel (GstProcChild * self, gboolean said_hello,
    GPid * pid)
{
  GstProcChannel *ch = NULL;

  g_mutex_lock (&self->lock);
  if (self->channel && !self->dead && (!said_hello || self->hello)) {
    ch = gst_proc_channel_ref (self->channel);
    if (pid)
      *pid = self->pid;
  }
  g_mutex_unlock (&self->lock);
  return ch;
}

#define GETTER(type, name, expr) \
type \
name (GstProcChild * self) \
{ \
  type v; \
  g_mutex_lock (&self->lock); \
  v = (expr); \
  g_mutex_unlock (&self->lock); \
  return v; \
}

/* spawned, its hello awaited */
GETTER (gboolean, gst_proc_child_is_starting, self->starting)
/* the last start did not run (said) */
GETTER (gboolean, gst_proc_child_start_failed, self->start_failed)
/* died, was killed or closed */
GETTER (gboolean, gst_proc_child_is_dead, self->dead)
/* a channel and not dead */
GETTER (gboolean, gst_proc_child_is_running, self->channel && !self->dead)
/* the last child's process id (0 when none) */
GETTER (GPid, gst_proc_child_get_pid, self->pid)
/* how it ended, or NULL */
GETTER (gchar *, gst_proc_child_dup_death, g_strdup (self->death))
/* children opened so far */
GETTER (guint, gst_proc_child_generation, self->child_gen)
/* its worker pushes from threads of its own */
GETTER (gboolean, gst_proc_child_has_threads, self->threads)
/* restarts after crashes so far */
GETTER (guint, gst_proc_child_restarts, self->restarts)

/* ---------------------------------------------------------------------- */

static void
gst_proc_child_finalize (GObject * object)
{
  GstProcChild *self = GST_PROC_CHILD (object);

  g_free (self->start_program);
  g_free (self->failed);
  g_free (self->death);
  g_free (self->restart_death);
  g_free (self->bye);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_proc_child_parent_class)->finalize (object);
}

static void
gst_proc_child_class_init (GstProcChildClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_proc_child_finalize;
}

static void
gst_proc_child_init (GstProcChild * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->listener = -1;
}

/**
 * gst_proc_child_new:
 * @element: the owner (not referenced: it stops the child before it goes)
 * @children: the owner's record of the workers inside its children
 * @callbacks: how it talks to its owner (copied)
 *
 * Returns: a child with no process yet (gst_proc_child_spawn()).
 */
GstProcChild *
gst_proc_child_new (GstElement * element, GstProcChildStatus * children,
    const GstProcChildCallbacks * callbacks, gpointer user_data)
{
  GstProcChild *self = g_object_new (GST_TYPE_PROC_CHILD, NULL);

  self->element = element;
  self->children = children;
  self->cb = *callbacks;
  self->user_data = user_data;
  return self;
}
