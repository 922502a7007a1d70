/* gst-workers: the worker core's source gate (gst_worker_core_wait_playing,
 * gst_worker_core_request_eos, the wake function)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A core on a plain element, its state changes told to it the way an
 * element's change_state does; a thread plays the element's streaming
 * task. Every test waits for conditions (the thread's result, a test
 * clock's pending wait), never for a time.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>

typedef struct
{
  GstElement *element;
  GstWorkerCore *core;
  GstClock *clock;              /* a GstTestClock */

  GMutex lock;
  GCond cond;
  guint wakes;                  /* calls of the wake function */
} Gate;

static void
count_wake (GstWorkerCore * core, gpointer user_data)
{
  Gate *g = user_data;

  fail_unless (core == g->core);
  g_mutex_lock (&g->lock);
  g->wakes++;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static guint
wakes (Gate * g)
{
  guint n;

  g_mutex_lock (&g->lock);
  n = g->wakes;
  g_mutex_unlock (&g->lock);
  return n;
}

/* a core in PAUSED (a run started), no heartbeats, a test clock at 0 */
static void
gate_setup (Gate * g)
{
  GValue v = G_VALUE_INIT;

  g_mutex_init (&g->lock);
  g_cond_init (&g->cond);
  g->wakes = 0;
  g->element = gst_element_factory_make ("fakesink", NULL);
  fail_unless (g->element != NULL);
  g->core = gst_worker_core_new (g->element);
  g_value_init (&v, G_TYPE_UINT);
  g_value_set_uint (&v, 0);
  fail_unless (gst_worker_core_set_property (g->core,
          GST_WORKER_CORE_PROP_HEARTBEAT_INTERVAL, &v));
  gst_worker_core_set_wake_func (g->core, count_wake, g);
  g->clock = gst_test_clock_new ();
  fail_unless (gst_element_set_clock (g->element, g->clock));
  gst_element_set_base_time (g->element, 0);
  gst_worker_core_change_state (g->core, GST_STATE_CHANGE_READY_TO_PAUSED);
}

static void
gate_teardown (Gate * g)
{
  gst_worker_core_change_state (g->core, GST_STATE_CHANGE_PAUSED_TO_READY);
  gst_worker_core_free (g->core);
  gst_object_unref (g->element);
  gst_object_unref (g->clock);
  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
}

/* the streaming task: one wait of the gate */
typedef struct
{
  Gate *g;
  GstClockTime running_time;
} Wait;

static gpointer
wait_thread (gpointer data)
{
  Wait *w = data;
  GstFlowReturn ret = gst_worker_core_wait_playing (w->g->core,
      w->running_time);

  g_free (w);
  return GINT_TO_POINTER (ret);
}

static GThread *
start_wait (Gate * g, GstClockTime running_time)
{
  Wait *w = g_new0 (Wait, 1);

  w->g = g;
  w->running_time = running_time;
  return g_thread_new ("gate-wait", wait_thread, w);
}

static GstFlowReturn
join_wait (GThread * t)
{
  return (GstFlowReturn) GPOINTER_TO_INT (g_thread_join (t));
}

/* PAUSED: the task waits for PLAYING; an EOS asked ends the wait with EOS
 * (whenever the thread got there: before or during its wait) */
GST_START_TEST (test_eos_while_waiting_for_playing)
{
  Gate g;
  GThread *t;

  gate_setup (&g);
  t = start_wait (&g, GST_CLOCK_TIME_NONE);
  fail_if (gst_worker_core_eos_requested (g.core));
  gst_worker_core_request_eos (g.core, FALSE);
  fail_unless_equals_int (join_wait (t), GST_FLOW_EOS);
  fail_unless (gst_worker_core_eos_requested (g.core));
  fail_unless_equals_int (wakes (&g), 1);

  /* from now on, at once, PLAYING or not */
  fail_unless_equals_int (gst_worker_core_wait_playing (g.core,
          GST_CLOCK_TIME_NONE), GST_FLOW_EOS);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  fail_unless_equals_int (gst_worker_core_wait_playing (g.core,
          GST_SECOND), GST_FLOW_EOS);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);

  /* the next run starts without it */
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_READY);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_READY_TO_PAUSED);
  fail_if (gst_worker_core_eos_requested (g.core));
  t = start_wait (&g, GST_CLOCK_TIME_NONE);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  fail_unless_equals_int (join_wait (t), GST_FLOW_OK);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
  gate_teardown (&g);
}

GST_END_TEST;

/* flushing ends a wait for PLAYING and wins over an EOS asked: the pads
 * are going; once it stops, the EOS asked is there again */
GST_START_TEST (test_flushing_while_waiting)
{
  Gate g;
  GThread *t;

  gate_setup (&g);
  t = start_wait (&g, GST_CLOCK_TIME_NONE);
  gst_worker_core_set_flushing (g.core, TRUE);
  fail_unless_equals_int (join_wait (t), GST_FLOW_FLUSHING);
  fail_unless_equals_int (wakes (&g), 1);

  gst_worker_core_request_eos (g.core, FALSE);
  fail_unless_equals_int (gst_worker_core_wait_playing (g.core,
          GST_CLOCK_TIME_NONE), GST_FLOW_FLUSHING);
  gst_worker_core_set_flushing (g.core, FALSE);
  fail_unless_equals_int (wakes (&g), 2);       /* the EOS; not the stop */
  fail_unless_equals_int (gst_worker_core_wait_playing (g.core,
          GST_CLOCK_TIME_NONE), GST_FLOW_EOS);

  /* going to READY flushes too */
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_READY);
  fail_unless_equals_int (gst_worker_core_wait_playing (g.core,
          GST_CLOCK_TIME_NONE), GST_FLOW_FLUSHING);
  fail_unless_equals_int (wakes (&g), 3);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_READY_TO_PAUSED);
  gate_teardown (&g);
}

GST_END_TEST;

/* the wake function: called when the gate closes (EOS asked, flushing,
 * leaving PLAYING), not when it opens */
GST_START_TEST (test_wake_function)
{
  Gate g;

  gate_setup (&g);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  fail_unless_equals_int (wakes (&g), 0);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
  fail_unless_equals_int (wakes (&g), 1);
  gst_worker_core_set_flushing (g.core, TRUE);
  fail_unless_equals_int (wakes (&g), 2);
  gst_worker_core_set_flushing (g.core, FALSE);
  fail_unless_equals_int (wakes (&g), 2);
  gst_worker_core_request_eos (g.core, FALSE);
  fail_unless_equals_int (wakes (&g), 3);

  /* none set: nothing called */
  gst_worker_core_set_wake_func (g.core, NULL, NULL);
  gst_worker_core_request_eos (g.core, TRUE);
  fail_unless_equals_int (wakes (&g), 3);
  gate_teardown (&g);
}

GST_END_TEST;

/* a live source's wait: PLAYING, then the clock; leaving PLAYING cuts the
 * clock wait short, and it waits again, for the same running time from
 * the new base time, once PLAYING again: three cycles */
GST_START_TEST (test_pause_play_cycles)
{
  GstTestClock *tc;
  GstClockID id;
  GstClockTime base = 0;
  GThread *t;
  Gate g;
  guint i;

  gate_setup (&g);
  tc = GST_TEST_CLOCK (g.clock);
  t = start_wait (&g, GST_SECOND);
  for (i = 0; i < 3; i++) {
    gst_element_set_base_time (g.element, base);
    gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
    gst_test_clock_wait_for_next_pending_id (tc, &id);
    fail_unless_equals_uint64 (gst_clock_id_get_time (id), base + GST_SECOND);
    gst_clock_id_unref (id);
    gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
    fail_unless_equals_int (wakes (&g), i + 1);
    /* the clock went on while PAUSED */
    base += 10 * GST_SECOND;
    gst_test_clock_set_time (tc, base);
  }
  /* PLAYING again: the clock reaches it */
  gst_element_set_base_time (g.element, base);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  gst_test_clock_wait_for_next_pending_id (tc, &id);
  fail_unless_equals_uint64 (gst_clock_id_get_time (id), base + GST_SECOND);
  gst_clock_id_unref (id);
  gst_test_clock_set_time (tc, base + GST_SECOND);
  id = gst_test_clock_process_next_clock_id (tc);
  fail_unless (id != NULL);
  gst_clock_id_unref (id);
  fail_unless_equals_int (join_wait (t), GST_FLOW_OK);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
  gate_teardown (&g);
}

GST_END_TEST;

/* waiting for the clock: an EOS asked ends the wait at once */
GST_START_TEST (test_eos_while_waiting_for_the_clock)
{
  GstTestClock *tc;
  GThread *t;
  Gate g;

  gate_setup (&g);
  tc = GST_TEST_CLOCK (g.clock);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  t = start_wait (&g, GST_SECOND);
  gst_test_clock_wait_for_next_pending_id (tc, NULL);
  gst_worker_core_request_eos (g.core, FALSE);
  fail_unless_equals_int (join_wait (t), GST_FLOW_EOS);
  fail_unless_equals_uint64 (gst_clock_get_time (g.clock), 0);

  /* and flushing does, even after an EOS asked */
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_READY);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_READY_TO_PAUSED);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_PLAYING);
  t = start_wait (&g, GST_SECOND);
  gst_test_clock_wait_for_next_pending_id (tc, NULL);
  gst_worker_core_set_flushing (g.core, TRUE);
  fail_unless_equals_int (join_wait (t), GST_FLOW_FLUSHING);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PLAYING_TO_PAUSED);
  gate_teardown (&g);
}

GST_END_TEST;

/* `paused` holds items; an EOS asked that ends the worker ends the hold,
 * one that ends only its source side does not */
static gpointer
begin_item_thread (gpointer data)
{
  GstWorkerCore *core = data;
  gboolean ok = gst_worker_core_begin_item (core, 1);

  if (ok)
    gst_worker_core_end_item (core);
  return GINT_TO_POINTER (ok);
}

GST_START_TEST (test_eos_and_the_pause)
{
  GThread *t;
  Gate g;

  gate_setup (&g);
  gst_worker_core_set_paused (g.core, TRUE);
  t = g_thread_new ("item", begin_item_thread, g.core);
  gst_worker_core_request_eos (g.core, FALSE);
  gst_worker_core_set_paused (g.core, FALSE);
  /* had the EOS ended the hold, begin_item would have said FALSE */
  fail_unless (GPOINTER_TO_INT (g_thread_join (t)));

  gst_worker_core_set_paused (g.core, TRUE);
  t = g_thread_new ("item", begin_item_thread, g.core);
  gst_worker_core_request_eos (g.core, TRUE);
  fail_if (GPOINTER_TO_INT (g_thread_join (t)));
  fail_if (gst_worker_core_wait_unpaused (g.core));

  /* the next run holds again */
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_PAUSED_TO_READY);
  gst_worker_core_change_state (g.core, GST_STATE_CHANGE_READY_TO_PAUSED);
  gst_worker_core_set_paused (g.core, FALSE);
  fail_unless (gst_worker_core_wait_unpaused (g.core));
  gate_teardown (&g);
}

GST_END_TEST;

static Suite *
workergate_suite (void)
{
  Suite *s = suite_create ("workergate");
  TCase *tc = tcase_create ("gate");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_eos_while_waiting_for_playing);
  tcase_add_test (tc, test_flushing_while_waiting);
  tcase_add_test (tc, test_wake_function);
  tcase_add_test (tc, test_pause_play_cycles);
  tcase_add_test (tc, test_eos_while_waiting_for_the_clock);
  tcase_add_test (tc, test_eos_and_the_pause);
  return s;
}

GST_CHECK_MAIN (workergate);
