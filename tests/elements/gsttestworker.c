/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-testworker
 * @title: testworker
 *
 * A one-input test worker on #GstWorkerTransform with configurable rates,
 * work time, hangs, errors and crashes (`crash-after`, `crash-on-seq`: the
 * whole process dies of `crash-signal`, for processreplica's tests;
 * `start-gate`: its start to READY waits until a file exists, a start the
 * test holds).
 *
 * |[
 * gst-launch-1.0 testworkersrc num-buffers=70 ! queue ! \
 *     testworker inputs-per-output=7 ! testworkersink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdlib.h>
#include <gst/worker/worker.h>
#include "gsttestworkers.h"

GST_DEBUG_CATEGORY_STATIC (test_worker_debug);
#define GST_CAT_DEFAULT test_worker_debug

#define GST_TYPE_TEST_WORKER (gst_test_worker_get_type ())
G_DECLARE_FINAL_TYPE (GstTestWorker, gst_test_worker, GST, TEST_WORKER,
    GstWorkerTransform);

struct _GstTestWorker
{
  GstWorkerTransform parent;

  GMutex lock;
  GCond cond;

  /* protected by the object lock */
  guint inputs_per_output;
  guint outputs_per_input;
  guint64 process_time;
  guint64 push_error_delay;
  guint64 random_delay;
  guint seed;
  gint64 hang_after;
  gint64 error_after;
  gint64 max_errors;
  gint64 crash_after;
  gint64 crash_on_seq;
  gint crash_signal;
  gint64 drop_every;
  gint64 pts_offset;
  gboolean emit_partial;
  gboolean drop_events;
  gchar *start_gate;

  /* streaming thread; not reset by a restart (a new start) */
  guint64 n_errors;

  /* streaming thread */
  guint64 n_in;
  guint pending;
  guint64 last_seq;
  GstClockTime group_pts;
  GstClockTime group_dur;

  /* protected by lock */
  gboolean stopping;
};

enum
{
  PROP_0,
  PROP_INPUTS_PER_OUTPUT,
  PROP_OUTPUTS_PER_INPUT,
  PROP_PROCESS_TIME,
  PROP_PUSH_ERROR_DELAY,
  PROP_RANDOM_DELAY,
  PROP_SEED,
  PROP_HANG_AFTER,
  PROP_ERROR_AFTER,
  PROP_MAX_ERRORS,
  PROP_CRASH_AFTER,
  PROP_CRASH_ON_SEQ,
  PROP_CRASH_SIGNAL,
  PROP_DROP_EVERY,
  PROP_PTS_OFFSET,
  PROP_EMIT_PARTIAL,
  PROP_DROP_EVENTS,
  PROP_START_GATE,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstTestWorker, gst_test_worker, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (testworker, "testworker", GST_RANK_NONE,
    GST_TYPE_TEST_WORKER);

/* Sleeps, unless the element is stopping. */
static void
test_worker_sleep (GstTestWorker * self, guint64 ns)
{
  gint64 end = g_get_monotonic_time () + ns / 1000;

  g_mutex_lock (&self->lock);
  while (!self->stopping && g_cond_wait_until (&self->cond, &self->lock, end));
  g_mutex_unlock (&self->lock);
}

static void
test_worker_hang (GstTestWorker * self)
{
  GST_INFO_OBJECT (self, "hanging until stopped");
  g_mutex_lock (&self->lock);
  while (!self->stopping)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

static GstFlowReturn
test_worker_work (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstTestWorker *self = GST_TEST_WORKER (base);
  guint n_in, m_out;
  guint64 ptime, rdelay, seq = 0;
  gint64 hang_after, error_after, max_errors, drop_every, pts_offset;
  gint64 crash_after, crash_on_seq;
  gint crash_signal;
  guint seed;
  GstFlowReturn ret = GST_FLOW_OK;
  guint k;

  GST_OBJECT_LOCK (self);
  n_in = self->inputs_per_output;
  m_out = self->outputs_per_input;
  ptime = self->process_time;
  rdelay = self->random_delay;
  seed = self->seed;
  hang_after = self->hang_after;
  error_after = self->error_after;
  max_errors = self->max_errors;
  crash_after = self->crash_after;
  crash_on_seq = self->crash_on_seq;
  crash_signal = self->crash_signal;
  drop_every = self->drop_every;
  pts_offset = self->pts_offset;
  GST_OBJECT_UNLOCK (self);

  if (pts_offset && GST_BUFFER_PTS_IS_VALID (inbuf)) {
    gint64 pts = (gint64) GST_BUFFER_PTS (inbuf) + pts_offset;

    inbuf = gst_buffer_make_writable (inbuf);
    GST_BUFFER_PTS (inbuf) = pts > 0 ? pts : 0;
  }

  self->n_in++;
  test_item_get_seq (inbuf, &seq);
  self->last_seq = seq;

  if ((crash_after >= 0 && self->n_in > (guint64) crash_after) ||
      (crash_on_seq >= 0 && seq == (guint64) crash_on_seq)) {
    /* the whole process dies, as a worker with a bug would */
    GST_INFO_OBJECT (self, "crashing with signal %d", crash_signal);
    if (crash_signal == SIGABRT)
      abort ();
    /* the process dies of this very signal, whatever handler it has (a
     * sanitizer's SIGSEGV handler would turn it into an abort) */
    signal (crash_signal, SIG_DFL);
    raise (crash_signal);
  }
  if (hang_after >= 0 && self->n_in > (guint64) hang_after) {
    test_worker_hang (self);
    gst_buffer_unref (inbuf);
    return GST_FLOW_FLUSHING;
  }
  if (error_after >= 0 && self->n_in > (guint64) error_after &&
      (max_errors < 0 || self->n_errors < (guint64) max_errors)) {
    self->n_errors++;
    gst_buffer_unref (inbuf);
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Test worker failed on purpose."),
        ("error-after=%" G_GINT64_FORMAT " reached", error_after));
    return GST_FLOW_ERROR;
  }

  if (ptime)
    test_worker_sleep (self, ptime);
  if (rdelay) {
    /* the same delay for the same item, whatever the run */
    GRand *r = g_rand_new_with_seed (seed ^ (guint32) (seq * 2654435761u));
    test_worker_sleep (self, g_rand_int_range (r, 0, (gint32) MIN (rdelay,
                G_MAXINT32)));
    g_rand_free (r);
  }

  if (drop_every > 0 && self->n_in % drop_every == 0) {
    gst_worker_transform_drop (base, inbuf);
    return GST_FLOW_OK;
  }

  if (n_in > 1) {
    /* one output per n_in inputs: the last input's item, spanning the
     * group */
    if (self->pending == 0) {
      self->group_pts = GST_BUFFER_PTS (inbuf);
      self->group_dur = 0;
    }
    if (GST_BUFFER_DURATION_IS_VALID (inbuf))
      self->group_dur += GST_BUFFER_DURATION (inbuf);
    if (++self->pending < n_in) {
      gst_buffer_unref (inbuf);
      return GST_FLOW_OK;
    }
    self->pending = 0;
    gst_buffer_unref (inbuf);
    return gst_worker_transform_push (base,
        test_item_new (seq, self->group_pts, self->group_dur));
  }

  if (m_out <= 1)
    return gst_worker_transform_push (base, inbuf);

  /* m_out outputs per input, splitting its time span */
  for (k = 0; k < m_out && ret == GST_FLOW_OK; k++) {
    GstClockTime pts = GST_BUFFER_PTS (inbuf), dur = GST_BUFFER_DURATION (inbuf);
    GstClockTime kdur = GST_CLOCK_TIME_IS_VALID (dur) ? dur / m_out :
        GST_CLOCK_TIME_NONE;

    ret = gst_worker_transform_push (base, test_item_new (seq * m_out + k,
            GST_CLOCK_TIME_IS_VALID (pts) && GST_CLOCK_TIME_IS_VALID (kdur) ?
            pts + k * kdur : pts, kdur));
  }
  gst_buffer_unref (inbuf);
  return ret;
}

/* An error that pushing returned (a worker after it failed) comes back
 * push-error-delay late. */
static GstFlowReturn
gst_test_worker_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstTestWorker *self = GST_TEST_WORKER (base);
  guint64 errors = self->n_errors, delay;
  GstFlowReturn ret = test_worker_work (base, inbuf);

  GST_OBJECT_LOCK (self);
  delay = self->push_error_delay;
  GST_OBJECT_UNLOCK (self);
  if (ret < GST_FLOW_EOS && self->n_errors == errors && delay)
    test_worker_sleep (self, delay);
  return ret;
}

static GstFlowReturn
gst_test_worker_drain (GstWorkerTransform * base)
{
  GstTestWorker *self = GST_TEST_WORKER (base);
  gboolean emit_partial;

  GST_OBJECT_LOCK (self);
  emit_partial = self->emit_partial;
  GST_OBJECT_UNLOCK (self);

  /* a partial group is emitted, numbered by its last input... */
  if (self->pending && emit_partial) {
    self->pending = 0;
    return gst_worker_transform_push (base, test_item_new (self->last_seq,
            self->group_pts, self->group_dur));
  }
  /* ... or dropped by decision, and counted */
  if (self->pending) {
    GST_DEBUG_OBJECT (self, "dropping %u inputs of a partial group",
        self->pending);
    gst_worker_core_count (gst_worker_get_core (GST_WORKER (self)), 0, 0,
        self->pending);
    self->pending = 0;
  }
  return GST_FLOW_OK;
}

static void
gst_test_worker_flush (GstWorkerTransform * base)
{
  GST_TEST_WORKER (base)->pending = 0;
}

static gboolean
gst_test_worker_start (GstBaseTransform * trans)
{
  GstTestWorker *self = GST_TEST_WORKER (trans);

  self->n_in = 0;
  self->pending = 0;
  return TRUE;
}

static gboolean
gst_test_worker_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstTestWorker *self = GST_TEST_WORKER (trans);
  gboolean drop_events;

  GST_OBJECT_LOCK (self);
  drop_events = self->drop_events;
  GST_OBJECT_UNLOCK (self);
  if (drop_events && GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM) {
    GST_DEBUG_OBJECT (self, "dropping %" GST_PTR_FORMAT, event);
    gst_event_unref (event);
    return TRUE;
  }

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START) {
    g_mutex_lock (&self->lock);
    self->stopping = TRUE;
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    g_mutex_lock (&self->lock);
    self->stopping = FALSE;
    g_mutex_unlock (&self->lock);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_test_worker_parent_class)->sink_event
      (trans, event);
}

static GstStateChangeReturn
gst_test_worker_change_state (GstElement * element, GstStateChange transition)
{
  GstTestWorker *self = GST_TEST_WORKER (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    gchar *gate;

    GST_OBJECT_LOCK (self);
    gate = g_strdup (self->start_gate);
    GST_OBJECT_UNLOCK (self);
    /* held until the test opens the gate (the file exists) */
    while (gate && !g_file_test (gate, G_FILE_TEST_EXISTS))
      g_usleep (5000);
    g_free (gate);
  } else if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    g_mutex_lock (&self->lock);
    self->stopping = TRUE;
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
  } else if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    g_mutex_lock (&self->lock);
    self->stopping = FALSE;
    g_mutex_unlock (&self->lock);
  }
  return GST_ELEMENT_CLASS (gst_test_worker_parent_class)->change_state
      (element, transition);
}

static void
gst_test_worker_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTestWorker *self = GST_TEST_WORKER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INPUTS_PER_OUTPUT:
      self->inputs_per_output = g_value_get_uint (value);
      break;
    case PROP_OUTPUTS_PER_INPUT:
      self->outputs_per_input = g_value_get_uint (value);
      break;
    case PROP_PROCESS_TIME:
      self->process_time = g_value_get_uint64 (value);
      break;
    case PROP_PUSH_ERROR_DELAY:
      self->push_error_delay = g_value_get_uint64 (value);
      break;
    case PROP_RANDOM_DELAY:
      self->random_delay = g_value_get_uint64 (value);
      break;
    case PROP_SEED:
      self->seed = g_value_get_uint (value);
      break;
    case PROP_HANG_AFTER:
      self->hang_after = g_value_get_int64 (value);
      break;
    case PROP_ERROR_AFTER:
      self->error_after = g_value_get_int64 (value);
      break;
    case PROP_MAX_ERRORS:
      self->max_errors = g_value_get_int64 (value);
      break;
    case PROP_CRASH_AFTER:
      self->crash_after = g_value_get_int64 (value);
      break;
    case PROP_CRASH_ON_SEQ:
      self->crash_on_seq = g_value_get_int64 (value);
      break;
    case PROP_CRASH_SIGNAL:
      self->crash_signal = g_value_get_int (value);
      break;
    case PROP_DROP_EVERY:
      self->drop_every = g_value_get_int64 (value);
      break;
    case PROP_PTS_OFFSET:
      self->pts_offset = g_value_get_int64 (value);
      break;
    case PROP_EMIT_PARTIAL:
      self->emit_partial = g_value_get_boolean (value);
      break;
    case PROP_START_GATE:
      g_free (self->start_gate);
      self->start_gate = g_value_dup_string (value);
      break;
    case PROP_DROP_EVENTS:
      self->drop_events = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_test_worker_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTestWorker *self = GST_TEST_WORKER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INPUTS_PER_OUTPUT:
      g_value_set_uint (value, self->inputs_per_output);
      break;
    case PROP_OUTPUTS_PER_INPUT:
      g_value_set_uint (value, self->outputs_per_input);
      break;
    case PROP_PROCESS_TIME:
      g_value_set_uint64 (value, self->process_time);
      break;
    case PROP_PUSH_ERROR_DELAY:
      g_value_set_uint64 (value, self->push_error_delay);
      break;
    case PROP_RANDOM_DELAY:
      g_value_set_uint64 (value, self->random_delay);
      break;
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    case PROP_HANG_AFTER:
      g_value_set_int64 (value, self->hang_after);
      break;
    case PROP_ERROR_AFTER:
      g_value_set_int64 (value, self->error_after);
      break;
    case PROP_MAX_ERRORS:
      g_value_set_int64 (value, self->max_errors);
      break;
    case PROP_CRASH_AFTER:
      g_value_set_int64 (value, self->crash_after);
      break;
    case PROP_CRASH_ON_SEQ:
      g_value_set_int64 (value, self->crash_on_seq);
      break;
    case PROP_CRASH_SIGNAL:
      g_value_set_int (value, self->crash_signal);
      break;
    case PROP_DROP_EVERY:
      g_value_set_int64 (value, self->drop_every);
      break;
    case PROP_PTS_OFFSET:
      g_value_set_int64 (value, self->pts_offset);
      break;
    case PROP_EMIT_PARTIAL:
      g_value_set_boolean (value, self->emit_partial);
      break;
    case PROP_START_GATE:
      g_value_set_string (value, self->start_gate);
      break;
    case PROP_DROP_EVENTS:
      g_value_set_boolean (value, self->drop_events);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_test_worker_finalize (GObject * object)
{
  GstTestWorker *self = GST_TEST_WORKER (object);

  g_free (self->start_gate);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_test_worker_parent_class)->finalize (object);
}

static void
gst_test_worker_class_init (GstTestWorkerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (test_worker_debug, "testworker", 0,
      "test-only worker");

  gobject_class->set_property = gst_test_worker_set_property;
  gobject_class->get_property = gst_test_worker_get_property;
  gobject_class->finalize = gst_test_worker_finalize;

  g_object_class_install_property (gobject_class, PROP_INPUTS_PER_OUTPUT,
      g_param_spec_uint ("inputs-per-output", "Inputs per output",
          "Emit one output per this many inputs", 1, G_MAXUINT, 1, flags));
  g_object_class_install_property (gobject_class, PROP_OUTPUTS_PER_INPUT,
      g_param_spec_uint ("outputs-per-input", "Outputs per input",
          "Emit this many outputs per input", 1, G_MAXUINT, 1, flags));
  g_object_class_install_property (gobject_class, PROP_PROCESS_TIME,
      g_param_spec_uint64 ("process-time", "Process time",
          "Nanoseconds of work per item", 0, G_MAXUINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_PUSH_ERROR_DELAY,
      g_param_spec_uint64 ("push-error-delay", "Push error delay",
          "Nanoseconds to wait before returning an error that pushing an "
          "output returned (the worker after this one failed)", 0,
          G_MAXUINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_RANDOM_DELAY,
      g_param_spec_uint64 ("random-delay", "Random delay",
          "Up to this many nanoseconds of extra work per item, the same for "
          "the same item and seed", 0, G_MAXUINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_SEED,
      g_param_spec_uint ("seed", "Seed", "Seed of random-delay", 0,
          G_MAXUINT, 0, flags));
  g_object_class_install_property (gobject_class, PROP_HANG_AFTER,
      g_param_spec_int64 ("hang-after", "Hang after",
          "Hang in processing after this many items (-1 = never)", -1,
          G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_ERROR_AFTER,
      g_param_spec_int64 ("error-after", "Error after",
          "Fail with an error after this many items (-1 = never)", -1,
          G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_ERRORS,
      g_param_spec_int64 ("max-errors", "Max errors",
          "Fail with error-after's error at most this many times in the "
          "element's life, across restarts (each run, a restart's too, "
          "counts its items for error-after anew; -1 = no limit)", -1,
          G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_CRASH_AFTER,
      g_param_spec_int64 ("crash-after", "Crash after",
          "Kill the whole process with crash-signal on the next item after "
          "this many (-1 = never; in a processreplica, counted per child)",
          -1, G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_CRASH_ON_SEQ,
      g_param_spec_int64 ("crash-on-seq", "Crash on sequence number",
          "Kill the whole process with crash-signal whenever the item of "
          "this sequence number comes (-1 = never)", -1, G_MAXINT64, -1,
          flags));
  g_object_class_install_property (gobject_class, PROP_CRASH_SIGNAL,
      g_param_spec_int ("crash-signal", "Crash signal",
          "The signal a crash raises: 11 (SIGSEGV), 6 (SIGABRT: abort()), "
          "9 (SIGKILL); the process's own handlers (a sanitizer's) are "
          "bypassed", 1, 64, SIGSEGV, flags));
  g_object_class_install_property (gobject_class, PROP_DROP_EVERY,
      g_param_spec_int64 ("drop-every", "Drop every",
          "Drop every n-th item by decision, counted (0 = never)", 0,
          G_MAXINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_PTS_OFFSET,
      g_param_spec_int64 ("pts-offset", "PTS offset",
          "Nanoseconds added to every item's timestamp, as a worker that "
          "predicts the next step does", G_MININT64, G_MAXINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_EMIT_PARTIAL,
      g_param_spec_boolean ("emit-partial", "Emit partial",
          "At EOS, emit a partial group of inputs-per-output (numbered by "
          "its last input) instead of dropping it", FALSE, flags));
  g_object_class_install_property (gobject_class, PROP_DROP_EVENTS,
      g_param_spec_boolean ("drop-events", "Drop events",
          "Swallow serialized custom downstream events (a misbehaving "
          "element, for tests)", FALSE, flags));
  g_object_class_install_property (gobject_class, PROP_START_GATE,
      g_param_spec_string ("start-gate", "Start gate",
          "A file whose existence the start to READY waits for (a start "
          "the test holds; NULL: none)", NULL, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Test worker",
      "Filter/Test", "Test-only worker with configurable rates and faults",
      "gst-workers");

  element_class->change_state = gst_test_worker_change_state;
  trans_class->start = gst_test_worker_start;
  trans_class->sink_event = gst_test_worker_sink_event;
  trans_class->passthrough_on_same_caps = FALSE;
  worker_class->process = gst_test_worker_process;
  worker_class->drain = gst_test_worker_drain;
  worker_class->flush = gst_test_worker_flush;
}

static void
gst_test_worker_init (GstTestWorker * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->inputs_per_output = 1;
  self->outputs_per_input = 1;
  self->hang_after = -1;
  self->error_after = -1;
  self->max_errors = -1;
  self->crash_after = -1;
  self->crash_on_seq = -1;
  self->crash_signal = SIGSEGV;
}
