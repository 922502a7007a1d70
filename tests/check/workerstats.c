/* gst-workers: the workerstats tracer on stock pipelines
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <gst/gst.h>
#include <gst/check/gstcheck.h>

/* every workerstats line logged, parsed */
static GMutex lines_lock;
static GPtrArray *lines;
static guint unparsed;

static void
collect (GstDebugCategory * category, GstDebugLevel level, const gchar * file,
    const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *text;
  GstStructure *s;

  if (level != GST_LEVEL_TRACE ||
      !g_str_equal (gst_debug_category_get_name (category), "GST_TRACER")) {
    gst_debug_log_default (category, level, file, function, line, object,
        message, NULL);
    return;
  }
  text = gst_debug_message_get (message);
  if (!g_str_has_prefix (text, "workerstats-element,") &&
      !g_str_has_prefix (text, "workerstats-queue,"))
    return;
  /* in the tracer's thread: no check macros here */
  s = gst_structure_from_string (text, NULL);
  g_mutex_lock (&lines_lock);
  if (s)
    g_ptr_array_add (lines, s);
  else
    unparsed++;
  g_mutex_unlock (&lines_lock);
}

static void
clear_lines (void)
{
  g_mutex_lock (&lines_lock);
  fail_unless_equals_int (unparsed, 0);
  g_ptr_array_set_size (lines, 0);
  g_mutex_unlock (&lines_lock);
}

/* The lines of one element (record "element") or queue ("queue"). */
static GPtrArray *
lines_of (const gchar * record, const gchar * name)
{
  GPtrArray *out = g_ptr_array_new ();
  gchar *type = g_strdup_printf ("workerstats-%s", record);
  guint i;

  g_mutex_lock (&lines_lock);
  for (i = 0; i < lines->len; i++) {
    GstStructure *s = g_ptr_array_index (lines, i);

    if (gst_structure_has_name (s, type) &&
        g_strcmp0 (gst_structure_get_string (s, record), name) == 0)
      g_ptr_array_add (out, s);
  }
  g_mutex_unlock (&lines_lock);
  g_free (type);
  return out;
}

static guint64
u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s in %"
      GST_PTR_FORMAT, field, s);
  return v;
}

/* A field of the last line of @rows (the last sample). */
static guint64
last_u64 (GPtrArray * rows, const gchar * field)
{
  fail_unless (rows->len > 0, "no lines");
  return u64 (g_ptr_array_index (rows, rows->len - 1), field);
}

static gdouble
dbl (const GstStructure * s, const gchar * field)
{
  gdouble v = 0;

  fail_unless (gst_structure_get_double (s, field, &v), "no %s", field);
  return v;
}

static void
run_to_eos (const gchar * description)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (description, &err);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  bus = gst_element_get_bus (pipeline);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  /* PAUSED -> READY logs the last sample */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

/* A fast element before a full queue waits on it; the slow one after it
 * is busy; counts and the queue's peak are exact. */
GST_START_TEST (test_blocked_upstream_busy_downstream)
{
  GPtrArray *fast, *slow, *sink, *q, *qe, *src;
  GstStructure *last;
  gdouble fast_blocked = 0, slow_busy = 0, sink_idle = 0;
  gdouble src_downstream = 0;
  guint64 slow_proc = 0;
  guint peak = 0, i;
  gboolean blocked_on_q = FALSE;

  clear_lines ();
  run_to_eos ("fakesrc name=src0 num-buffers=200 sizetype=fixed "
      "filltype=nothing ! identity name=fast ! queue name=q max-size-buffers=3 "
      "max-size-bytes=0 max-size-time=0 ! identity name=slow sleep-time=3000 "
      "! fakesink name=sink sync=false");

  fast = lines_of ("element", "fast");
  slow = lines_of ("element", "slow");
  sink = lines_of ("element", "sink");
  q = lines_of ("queue", "q");
  qe = lines_of ("element", "q");
  fail_unless (fast->len >= 3, "only %u samples of fast", fast->len);
  fail_unless (q->len >= 3);
  /* the first test of the process: the first interval starts with the
   * first item, not with the tracer (at 0, before gst_init() read the
   * registry) */
  last = g_ptr_array_index (fast, 0);
  fail_unless (u64 (last, "ts") > u64 (last, "period"),
      "the first interval starts with the tracer");

  /* the last sample: every item through every element */
  last = g_ptr_array_index (fast, fast->len - 1);
  fail_unless_equals_uint64 (u64 (last, "items-in"), 200);
  fail_unless_equals_uint64 (u64 (last, "items-out"), 200);
  last = g_ptr_array_index (slow, slow->len - 1);
  fail_unless_equals_uint64 (u64 (last, "items-in"), 200);
  fail_unless_equals_uint64 (u64 (last, "items-out"), 200);
  last = g_ptr_array_index (sink, sink->len - 1);
  fail_unless_equals_uint64 (u64 (last, "items-in"), 200);
  last = g_ptr_array_index (q, q->len - 1);
  fail_unless_equals_uint64 (u64 (last, "items-in"), 200);
  fail_unless_equals_uint64 (u64 (last, "items-out"), 200);
  fail_unless_equals_int (g_value_get_uint (gst_structure_get_value (last,
              "level-buffers")), 0);
  fail_unless_equals_int (g_value_get_uint (gst_structure_get_value (last,
              "max-size-buffers")), 3);

  for (i = 0; i < fast->len; i++) {
    GstStructure *s = g_ptr_array_index (fast, i);
    gdouble b = dbl (s, "blocked");

    fail_unless (b >= 0 && b <= 1.0001);
    if (b > fast_blocked)
      fast_blocked = b;
    if (g_str_equal (gst_structure_get_string (s, "blocked-on"), "q"))
      blocked_on_q = TRUE;
    fail_unless (dbl (s, "busy") + dbl (s, "blocked") + dbl (s,
            "downstream") + dbl (s, "idle") < 1.0001);
  }
  for (i = 0; i < slow->len; i++) {
    GstStructure *s = g_ptr_array_index (slow, i);

    slow_busy = MAX (slow_busy, dbl (s, "busy"));
    slow_proc = MAX (slow_proc, u64 (s, "proc-time-avg"));
  }
  for (i = 0; i < sink->len; i++)
    sink_idle = MAX (sink_idle, dbl (g_ptr_array_index (sink, i), "idle"));
  /* the source's push waits while fast waits on q: downstream for the
   * source (fast's waits are its blocked time: its shares stay within 1,
   * checked above) */
  src = lines_of ("element", "src0");
  for (i = 0; i < src->len; i++)
    src_downstream = MAX (src_downstream, dbl (g_ptr_array_index (src, i),
            "downstream"));
  g_ptr_array_unref (src);
  fail_unless (src_downstream > 0.3, "src0 downstream at most %.2f",
      src_downstream);
  for (i = 0; i < q->len; i++) {
    guint p = 0;

    gst_structure_get_uint (g_ptr_array_index (q, i), "peak-buffers", &p);
    peak = MAX (peak, p);
  }
  GST_INFO ("fast blocked %.2f, slow busy %.2f (%" G_GUINT64_FORMAT
      " ns an item), sink idle %.2f, q peak %u", fast_blocked, slow_busy,
      slow_proc, sink_idle, peak);
  fail_unless (fast_blocked > 0.5, "fast blocked at most %.2f", fast_blocked);
  fail_unless (blocked_on_q);
  fail_unless (slow_busy > 0.5, "slow busy at most %.2f", slow_busy);
  fail_unless (slow_proc >= 3 * GST_MSECOND, "slow took %" G_GUINT64_FORMAT
      " ns an item", slow_proc);
  fail_unless (sink_idle > 0.5, "sink idle at most %.2f", sink_idle);
  fail_unless_equals_int (peak, 3);
  /* the queue itself does no work to speak of */
  fail_unless (qe->len > 0);

  g_ptr_array_unref (fast);
  g_ptr_array_unref (slow);
  g_ptr_array_unref (sink);
  g_ptr_array_unref (q);
  g_ptr_array_unref (qe);
}

GST_END_TEST;

/* Bins are seen through: the elements inside are counted, the bins and
 * their ghost pads are not elements of the report. */
GST_START_TEST (test_bins_and_ghost_pads)
{
  GPtrArray *inner, *bin, *sink, *gq;

  clear_lines ();
  run_to_eos ("fakesrc num-buffers=50 ! queue name=gq ! "
      "( name=b identity name=inner ) ! fakesink name=sink2");
  /* the queue's thread pushes into the bin: the queue is its root */
  gq = lines_of ("queue", "gq");
  fail_unless (gq->len > 0);
  fail_unless_equals_uint64 (last_u64 (gq, "items-out"), 50);
  g_ptr_array_unref (gq);
  inner = lines_of ("element", "inner");
  bin = lines_of ("element", "b");
  sink = lines_of ("element", "sink2");
  fail_unless (inner->len > 0);
  fail_unless_equals_int (bin->len, 0);
  fail_unless_equals_uint64 (last_u64 (inner, "items-in"), 50);
  fail_unless_equals_uint64 (last_u64 (inner, "items-out"), 50);
  fail_unless_equals_uint64 (last_u64 (sink, "items-in"), 50);
  fail_unless (g_str_has_suffix (gst_structure_get_string (g_ptr_array_index
              (inner, 0), "path"), "/b/inner"));
  g_ptr_array_unref (inner);
  g_ptr_array_unref (bin);
  g_ptr_array_unref (sink);
}

GST_END_TEST;

/* Buffer lists count their buffers. */
GST_START_TEST (test_buffer_lists)
{
  GstElement *pipeline, *src, *sink;
  GstBufferList *list;
  GstFlowReturn ret;
  GPtrArray *rows;
  guint i;

  clear_lines ();
  pipeline = gst_parse_launch ("appsrc name=src format=time ! queue name=lq "
      "! fakesink name=lsink", NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "lsink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (i = 0; i < 3; i++) {
    guint j;

    list = gst_buffer_list_new ();
    for (j = 0; j < 4; j++)
      gst_buffer_list_add (list, gst_buffer_new_allocate (NULL, 8, NULL));
    g_signal_emit_by_name (src, "push-buffer-list", list, &ret);
    gst_buffer_list_unref (list);
    fail_unless_equals_int (ret, GST_FLOW_OK);
  }
  g_signal_emit_by_name (src, "end-of-stream", &ret);
  gst_message_unref (gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
          GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS));
  gst_element_set_state (pipeline, GST_STATE_NULL);

  rows = lines_of ("queue", "lq");
  fail_unless (rows->len > 0);
  fail_unless_equals_uint64 (last_u64 (rows, "items-in"), 12);
  g_ptr_array_unref (rows);
  rows = lines_of ("element", "lsink");
  fail_unless_equals_uint64 (last_u64 (rows, "items-in"), 12);
  g_ptr_array_unref (rows);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The element driving a thread is found behind ghost pads: a source in a
 * bin counts its items out. */
GST_START_TEST (test_source_in_bin)
{
  GPtrArray *src, *after;

  clear_lines ();
  run_to_eos ("( name=sb fakesrc name=bsrc num-buffers=30 ) ! "
      "identity name=after ! fakesink");
  src = lines_of ("element", "bsrc");
  after = lines_of ("element", "after");
  fail_unless (src->len > 0);
  fail_unless_equals_uint64 (last_u64 (src, "items-out"), 30);
  fail_unless_equals_uint64 (last_u64 (after, "items-in"), 30);
  g_ptr_array_unref (src);
  g_ptr_array_unref (after);
}

GST_END_TEST;

static GstPadProbeReturn
drop_odd (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint *n = user_data;

  return (*n)++ % 2 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* A push that a probe drops never reaches the next element: neither out
 * of the pusher nor into the receiver. */
GST_START_TEST (test_dropped_pushes)
{
  GstElement *pipeline, *dropper;
  GPtrArray *pusher, *rows;
  GstPad *pad;
  guint n = 0;

  clear_lines ();
  pipeline = gst_parse_launch ("fakesrc num-buffers=40 ! identity name=pusher "
      "! identity name=dropper ! fakesink", NULL);
  dropper = gst_bin_get_by_name (GST_BIN (pipeline), "dropper");
  pad = gst_element_get_static_pad (dropper, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, drop_odd, &n, NULL);
  gst_object_unref (pad);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_message_unref (gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
          GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS));
  gst_element_set_state (pipeline, GST_STATE_NULL);

  pusher = lines_of ("element", "pusher");
  rows = lines_of ("element", "dropper");
  fail_unless (pusher->len > 0 && rows->len > 0);
  fail_unless_equals_uint64 (last_u64 (pusher, "items-in"), 40);
  fail_unless_equals_uint64 (last_u64 (pusher, "items-out"), 20);
  fail_unless_equals_uint64 (last_u64 (rows, "items-in"), 20);
  fail_unless_equals_uint64 (last_u64 (rows, "items-out"), 20);
  g_ptr_array_unref (pusher);
  g_ptr_array_unref (rows);
  gst_object_unref (dropper);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* testrelay: an element fed by pushes that pushes from a thread of its
 * own (as processreplica's reader, a jitterbuffer): what comes in waits in
 * a GAsyncQueue for its src pad's task. */
typedef struct
{
  GstElement parent;
  GstPad *sinkpad, *srcpad;
  GAsyncQueue *items;           /* buffers, the EOS event, or &relay_stop */
} TestRelay;

typedef struct
{
  GstElementClass parent_class;
} TestRelayClass;

static GType test_relay_get_type (void);
G_DEFINE_TYPE (TestRelay, test_relay, GST_TYPE_ELEMENT);

static gint relay_stop;

static GstStaticPadTemplate relay_sink_template =
GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate relay_src_template =
GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

static GstFlowReturn
relay_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  g_async_queue_push (((TestRelay *) parent)->items, buffer);
  return GST_FLOW_OK;
}

static gboolean
relay_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_async_queue_push (((TestRelay *) parent)->items, event);
    return TRUE;
  }
  return gst_pad_event_default (pad, parent, event);
}

static void
relay_loop (gpointer data)
{
  TestRelay *self = data;
  gpointer item = g_async_queue_pop (self->items);

  if (item == &relay_stop) {
    gst_pad_pause_task (self->srcpad);
  } else if (GST_IS_EVENT (item)) {
    gst_pad_push_event (self->srcpad, item);
    gst_pad_pause_task (self->srcpad);
  } else {
    gst_pad_push (self->srcpad, item);
  }
}

static gboolean
relay_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  TestRelay *self = (TestRelay *) parent;

  if (active)
    return gst_pad_start_task (pad, relay_loop, self, NULL);
  g_async_queue_push (self->items, &relay_stop);
  return gst_pad_stop_task (pad);
}

static void
test_relay_finalize (GObject * object)
{
  TestRelay *self = (TestRelay *) object;
  gpointer item;

  while ((item = g_async_queue_try_pop (self->items)))
    if (item != &relay_stop)
      gst_mini_object_unref (item);
  g_async_queue_unref (self->items);
  G_OBJECT_CLASS (test_relay_parent_class)->finalize (object);
}

static void
test_relay_class_init (TestRelayClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_relay_finalize;
  gst_element_class_add_static_pad_template (element_class,
      &relay_sink_template);
  gst_element_class_add_static_pad_template (element_class,
      &relay_src_template);
  gst_element_class_set_static_metadata (element_class, "Test relay",
      "Generic", "Pushes what comes in from a thread of its own", "tests");
}

static void
test_relay_init (TestRelay * self)
{
  self->items = g_async_queue_new ();
  self->sinkpad = gst_pad_new_from_static_template (&relay_sink_template,
      "sink");
  gst_pad_set_chain_function (self->sinkpad, relay_chain);
  gst_pad_set_event_function (self->sinkpad, relay_event);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->srcpad = gst_pad_new_from_static_template (&relay_src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad, relay_activate_mode);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

/* An element fed by pushes waits in the thread it drives for what comes
 * in: idle there, not busy (a source waiting for its device is busy). */
GST_START_TEST (test_fed_thread_idle)
{
  GPtrArray *relay;
  gdouble busy = 0;
  guint i;

  clear_lines ();
  run_to_eos ("fakesrc num-buffers=60 ! identity sleep-time=2000 ! "
      "testrelay name=relay ! fakesink sync=false");
  relay = lines_of ("element", "relay");
  fail_unless (relay->len > 0);
  fail_unless_equals_uint64 (last_u64 (relay, "items-in"), 60);
  fail_unless_equals_uint64 (last_u64 (relay, "items-out"), 60);
  for (i = 0; i < relay->len; i++) {
    GstStructure *s = g_ptr_array_index (relay, i);

    busy = MAX (busy, dbl (s, "busy"));
    fail_unless (dbl (s, "busy") + dbl (s, "downstream") + dbl (s,
            "blocked") < 1.0001, "shares over 1: %" GST_PTR_FORMAT, s);
  }
  fail_unless (busy < 0.5, "the relay busy %.2f of an interval", busy);
  g_ptr_array_unref (relay);
}

GST_END_TEST;

static Suite *
workerstats_suite (void)
{
  Suite *s = suite_create ("workerstats");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_blocked_upstream_busy_downstream);
  tcase_add_test (tc, test_bins_and_ghost_pads);
  tcase_add_test (tc, test_buffer_lists);
  tcase_add_test (tc, test_source_in_bin);
  tcase_add_test (tc, test_dropped_pushes);
  tcase_add_test (tc, test_fed_thread_idle);
  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int ret;

  /* the tracer is made by gst_init(), from the environment; a first
   * argument "workerstats(...)" gives other parameters (meson runs the
   * tests again with clock=monotonic) */
  if (argc > 1 && g_str_has_prefix (argv[1], "workerstats(")) {
    g_setenv ("GST_TRACERS", argv[1], TRUE);
    argv[1] = argv[0];
    argv++;
    argc--;
  } else {
    g_setenv ("GST_TRACERS", "workerstats(period=50)", TRUE);
  }
  /* one process: the lines logged by the pipelines are collected here */
  g_setenv ("CK_FORK", "no", TRUE);
  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_structure_free);
  gst_check_init (&argc, &argv);
  gst_element_register (NULL, "testrelay", GST_RANK_NONE,
      test_relay_get_type ());
  gst_debug_set_threshold_for_name ("GST_TRACER", GST_LEVEL_TRACE);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (collect, NULL, NULL);
  s = workerstats_suite ();
  ret = gst_check_run_suite (s, "workerstats", __FILE__);
  gst_debug_remove_log_function (collect);
  if (unparsed) {
    g_printerr ("%u workerstats lines did not parse\n", unparsed);
    ret = 1;
  }
  return ret;
}
