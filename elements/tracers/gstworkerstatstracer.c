/* gst-workers: the workerstats tracer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:tracer-workerstats
 * @title: workerstats
 * @short_description: per element processing time, items, busy / blocked /
 *   idle shares, and every queue's level over time, in any pipeline
 *
 * A tracer for any GStreamer application, stock `gst-launch-1.0` included,
 * and any pipeline, worker elements or not. Every `period` milliseconds it
 * logs one `workerstats-element` line per element that handled items and
 * one `workerstats-queue` line per `queue` / `queue2`, as GstTracerRecord
 * lines in the `GST_TRACER` debug category (level TRACE):
 *
 * |[
 * GST_TRACERS="workerstats(period=100)" GST_DEBUG=GST_TRACER:7 \
 *   GST_DEBUG_FILE=trace.log GST_PLUGIN_PATH=$PWD/build/elements \
 *   gst-launch-1.0 videotestsrc num-buffers=300 ! queue ! jpegenc ! fakesink
 * workerstats-plot.py trace.log plots/   # gst/tools/ in the source tree
 * ]|
 *
 * A line (one per element, `ts` the same for every line of a sample):
 *
 * |[
 * workerstats-element, ts=(guint64)1200345678, element=(string)jpegenc0,
 *   path=(string)pipeline0/jpegenc0, factory=(string)jpegenc,
 *   period=(guint64)100012345, items-in=(guint64)120, items-out=(guint64)120,
 *   proc-time-avg=(guint64)2100000, proc-time-max=(guint64)3300000,
 *   busy=(double)0.62, downstream=(double)0.01, blocked=(double)0.0,
 *   idle=(double)0.37, blocked-on=(string)"";
 * workerstats-queue, ts=(guint64)1200345678, queue=(string)queue0,
 *   path=(string)pipeline0/queue0, level-buffers=(uint)3,
 *   peak-buffers=(uint)5, level-bytes=(uint)..., level-time=(guint64)...,
 *   max-size-buffers=(uint)200, max-size-bytes=(uint)10485760,
 *   max-size-time=(guint64)1000000000, items-in=(guint64)123,
 *   items-out=(guint64)120;
 * ]|
 *
 * Each line is a serialized #GstStructure (gst_structure_from_string()
 * reads it back after the `GST_TRACER :0::` prefix). Fields:
 *
 * - `ts`: nanoseconds since the tracer started (in gst_init()), the end
 *   of the sample's interval (the first interval starts with the first
 *   item into an element, not with the tracer);
 *   `period`: the interval's length in nanoseconds.
 * - `items-in`, `items-out`: buffers into the element's sink pads and out
 *   of its src pads since the start (a buffer list counts its buffers),
 *   counted as they reach the next element's chain function (a buffer a
 *   probe drops, or pushed to an unlinked pad, is not out). A list into
 *   an element with a chain-list function of its own (queue, a sink)
 *   counts its buffers, the time in that function as one call.
 * - `proc-time-avg`, `proc-time-max`: the element's own time per item
 *   (its chain function, minus the time spent in the elements it pushed
 *   to) over the interval, in nanoseconds; for an element that drives its
 *   own thread and has no sink pad fed by pushes (a source, a demuxer's
 *   loop), the time between two of its pushes. 0: no item in the
 *   interval.
 * - `busy`: share of the interval in the element's own code (as above: for
 *   a source or a demuxer's loop, this includes the time it waits in its
 *   thread, for its device or clock; an element fed by pushes that
 *   pushes from a thread of its own, as `processreplica` or a
 *   jitterbuffer, waits there for its input: idle, as a queue's thread);
 *   `downstream`: in elements it pushed to in its own thread;
 *   `blocked`: pushing into a full queue (the `queue` said "overrun"),
 *   or waiting in a `queue2`, `multiqueue`, aggregator input or
 *   `feedbacksink` (`blocked-on`: the last one it waited on in the
 *   interval); `idle`: the rest: waiting for input. An element entered
 *   from several threads at once can sum over 1.
 * - `level-*`: the queue's current levels when sampled; `peak-buffers`:
 *   the most buffers it held during the interval (counted on its pads,
 *   set right at each sample from its level: what a leaky or flushed
 *   queue drops is seen at the next sample); `max-size-*`: its limits;
 *   `items-in` / `items-out`: buffers into and out of it since the start.
 *
 * A last sample is logged as the elements of a pipeline leave PAUSED for
 * READY (before anything of theirs is torn down).
 *
 * The child processes of a `processreplica` (a `workerpool
 * isolation=process`) inherit the environment and trace the workers
 * inside them, each into a file of its own beside the parent's:
 * `trace.log` is the parent's, `trace-p_r0-4242.log` that of replica
 * p_r0's child with pid 4242 (a name with GStreamer's `%p` or `%r` is
 * each process's own and is kept).
 *
 * How: the tracer registers no GStreamer hook. As a sink pad of an
 * element is linked (GstPad::linked), its chain function (and its own
 * chain-list function, if it has one) is wrapped: the thread's time is
 * read as the element's function is entered and as it returns. A sink
 * pad whose element sets another chain function after it was linked is
 * no longer seen. The time is read from the processor's counter (x86's
 * TSC, arm64's virtual counter: one instruction) where the kernel keeps
 * its monotonic clock on that counter (then it runs at one rate on every
 * core), else from the monotonic clock; counter ticks are turned into
 * nanoseconds at each sample, by the ticks and nanoseconds since the
 * tracer started (shares need no conversion: ticks over ticks).
 *
 * Cost: with any GStreamer hook registered, GStreamer 1.22 looks its
 * hook table up twice at every pad push, chain call and object and buffer
 * ref and unref; on a chain of no-op elements passing 64-byte items that
 * alone costs more than the elements (the stock `factories` tracer, which
 * does nothing per item, adds 66% to `benchsrc ! identity x4 ! benchsink`,
 * counted in instructions with callgrind). workerstats does not pay that:
 * it adds two counter reads and its counting to each chain call, about 70
 * instructions (120 for a thread's first element, whose driving element's
 * time it counts too): 4.3% on that chain of no-op elements. With a queue
 * before each element it also counts the queues' levels and hears their
 * "overrun" signal (GLib then runs the signal's full emission when a
 * queue is full): its own code about 1,250 instructions per item, about
 * 10% of that chain (`make bench`: the `tracer` benchmark, timed and
 * counted). A sample costs about 50,000 instructions for ten elements,
 * ten times a second by default. Elements that do real work per item (a
 * converter, an encoder, a detector) hide it.
 *
 * Data pulled in pull mode
 * (gst_pad_pull_range()) and event handling are counted as the caller's
 * time.
 *
 * Parameters: `period` (milliseconds, default 100, at least 1); `clock`
 * (`auto`, the default: the processor's counter where it is the kernel's
 * clocksource, else the monotonic clock; `monotonic`: always the
 * monotonic clock, clock_gettime(), about 30 instructions more per chain
 * call).
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkerstatstracer.h"
#include "gstworkerstatsstate.h"

GST_DEBUG_CATEGORY (gst_worker_stats_debug);
#define GST_CAT_DEFAULT gst_worker_stats_debug

#define DEFAULT_PERIOD_MS 100

static GstClockTime start_time; /* when the tracer started, ns */
static guint64 start_ticks;     /* and in the tracer's clock */
static gint active;             /* atomic: one workerstats tracer only */
static gpointer active_tracer;  /* atomic: that one */

struct _GstWorkerStatsTracer
{
  GstTracer parent;

  gboolean enabled;             /* the one active instance */
  guint period_ms;
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean stopping;            /* lock */
  GstClockTime last_sample;     /* stats_lock */
  guint64 last_ticks;           /* stats_lock: the same, ticks */
  gboolean monotonic;           /* the parameter clock=monotonic */
  guint64 last_mark;            /* stats_lock: activity() at it */
  GstPluginFeature *factory;     /* unowned: its weak ref */
  guint linked_signal;
  gulong linked_hook;           /* emission hook on GstPad::linked */
};

G_DEFINE_TYPE (GstWorkerStatsTracer, gst_worker_stats_tracer, GST_TYPE_TRACER);

static GstTracerRecord *element_record, *queue_record;

/* The counter and the monotonic clock read together (the closest of
 * three tries): ticks and nanoseconds at the same moment. */
void
clock_pair (guint64 * ticks, GstClockTime * ns)
{
  guint64 best = G_MAXUINT64, a, b;
  GstClockTime m;
  guint i;

  for (i = 0; i < 3; i++) {
    a = now_ts ();
    m = mono_now ();
    b = now_ts ();
    if (b >= a && b - a < best) {
      best = b - a;
      *ticks = a + (b - a) / 2;
      *ns = m;
    }
  }
  if (best == G_MAXUINT64) {
    *ticks = now_ts ();
    *ns = mono_now ();
  }
}

/* Whether the counter is the kernel's clocksource (then it runs at one
 * rate on every core, through sleep and frequency changes) */
static gboolean
counter_usable (void)
{
#ifdef HAVE_COUNTER
  gchar *source = NULL;
  gboolean ok;

  if (!g_file_get_contents
      ("/sys/devices/system/clocksource/clocksource0/current_clocksource",
          &source, NULL, NULL))
    return FALSE;
  ok = g_str_equal (g_strstrip (source), COUNTER_CLOCKSOURCE);
  g_free (source);
  return ok;
#else
  return FALSE;
#endif
}

static gchar *
element_path (GstObject * obj)
{
  GString *path = g_string_new (NULL);
  GstObject *o = gst_object_ref (obj);

  while (o) {
    gchar *name = gst_object_get_name (o);
    GstObject *parent = gst_object_get_parent (o);

    g_string_prepend (path, name ? name : "?");
    if (parent)
      g_string_prepend_c (path, '/');
    g_free (name);
    gst_object_unref (o);
    o = parent;
  }
  return g_string_free (path, FALSE);
}

/* ---------------------------------------------------------------------- */
/* samples */

typedef struct
{
  ElementStats *e;
  GstElement *element;          /* ref, or NULL: gone */
  Totals d;
  guint64 proc_max;
  gchar *blocked_on;
  gint peak;
  gboolean report;
} Row;

/* @p, a slot pointer of @t's, as the same slot of @copy's */
static Slot *
rebase (ThreadState * t, ThreadState * copy, Slot * p)
{
  if (!p)
    return NULL;
  if (p == &t->dummy)
    return &copy->dummy;
  return &copy->slots[p - t->slots];
}

/* Nanoseconds per tick of the tracer's clock, from the ticks and the
 * nanoseconds since the tracer started (the longer it runs, the closer) */
static gdouble
ticks_scale (guint64 ticks, GstClockTime ns)
{
  static gdouble last = 1.0;

  if (use_counter && ticks > start_ticks && ns > start_time)
    last = (gdouble) (ns - start_time) / (gdouble) (ticks - start_ticks);
  return last;
}

static gboolean
snapshot (ThreadState * t, ThreadState * copy)
{
  guint tries, s1, n_slots, depth, i;
  Frame *top;

  for (tries = 0; tries < 100000; tries++) {
    s1 = __atomic_load_n (&t->seq, __ATOMIC_ACQUIRE);
    if (s1 & 1) {
      if (tries > 100)
        g_thread_yield ();
      continue;
    }
    copy->root = t->root;
    copy->last_exit = t->last_exit;
    n_slots = MIN (t->n_slots, MAX_SLOTS);
    top = t->top;
    depth = MIN ((guint) (top - t->stack), MAX_DEPTH);
    memcpy (copy->slots, t->slots, n_slots * sizeof (Slot));
    memcpy (copy->stack, t->stack, (depth + 1) * sizeof (Frame));
    __atomic_thread_fence (__ATOMIC_ACQUIRE);
    if (__atomic_load_n (&t->seq, __ATOMIC_RELAXED) == s1) {
      copy->n_slots = n_slots;
      copy->top = copy->stack + depth;
      copy->seq = s1;
      copy->root = rebase (t, copy, copy->root);
      for (i = 0; i <= depth; i++)
        copy->stack[i].slot = rebase (t, copy, copy->stack[i].slot);
      return TRUE;
    }
  }
  return FALSE;
}

static guint64
sub (guint64 a, guint64 b)
{
  return a > b ? a - b : 0;
}

/* One sample at a time, all its lines logged before the next one starts:
 * a last sample (a pipeline stopping) that finds nothing moved since a
 * sample the sampler thread took is not over before that sample's lines
 * are out (else they came after the pipeline stopped, or never). */
static GMutex sample_lock;

static void
sample_locked (GstWorkerStatsTracer * self)
{
  GstClockTime now, period, now_ns, period_ns;
  gdouble scale;
  GArray *rows;
  ThreadState *copies;
  gboolean *copied;
  guint i, j, ended, n_threads;

  g_mutex_lock (&stats_lock);
  /* samples start with the first item (not with the tracer, which
   * starts before the registry is read and the pipeline made) */
  if (!first_entry) {
    g_mutex_unlock (&stats_lock);
    return;
  }
  if (self->last_sample < first_entry) {
    self->last_sample = first_entry;
    self->last_ticks = first_entry_ticks;
  }
  rows = g_array_new (FALSE, TRUE, sizeof (Row));
  ended = (guint) g_atomic_int_add (&epoch, 1);
  self->last_mark = threads_changed;
  /* the threads first, then the time: what a thread did before its copy
   * was taken ended before now (read the other way round, a slow copy, as
   * under valgrind, would let a thread count time past now: shares over
   * 1) */
  n_threads = all_threads->len;
  copies = g_new (ThreadState, MAX (n_threads, 1));
  copied = g_new0 (gboolean, MAX (n_threads, 1));
  for (i = 0; i < n_threads; i++) {
    copied[i] = snapshot (g_ptr_array_index (all_threads, i), &copies[i]);
    if (!copied[i])
      GST_WARNING ("a thread never let its counters be read");
    else
      self->last_mark += copies[i].seq;
  }
  /* shares are of ticks; times are said in ns */
  clock_pair (&now, &now_ns);
  period = now > self->last_ticks ? now - self->last_ticks : 0;
  period_ns = now_ns > self->last_sample ? now_ns - self->last_sample : 0;
  self->last_ticks = now;
  self->last_sample = now_ns;
  scale = ticks_scale (now, now_ns);

  for (i = 0; i < all_elements->len; i++) {
    ElementStats *e = g_ptr_array_index (all_elements, i);

    e->cur = e->retired;
    e->cur_max = 0;
    e->cur_blocked_on = NULL;
  }
  for (i = 0; i < n_threads; i++) {
    ThreadState *copy = &copies[i];

    if (!copied[i])
      continue;
    /* what the thread is in counts up to now, as if it left it all */
    if (copy->top == copy->stack)
      root_time (copy, now, FALSE);
    while (copy->top > copy->stack)
      pop_frame (copy, now, FALSE);
    for (j = 0; j < copy->n_slots; j++) {
      Slot *s = &copy->slots[j];

      totals_add (&s->e->cur, &s->t);
      if (s->max_epoch == ended && s->proc_max > s->e->cur_max)
        s->e->cur_max = s->proc_max;
      /* this interval's, or one still going on */
      if (s->blocked_epoch - ended <= 1 && s->blocked_on)
        s->e->cur_blocked_on = s->blocked_on->name;
    }
  }
  for (i = 0; i < all_elements->len; i++) {
    ElementStats *e = g_ptr_array_index (all_elements, i);
    Row row = { e, };

    row.element = g_weak_ref_get (&e->ref);
    /* see Totals */
    row.d.busy = sub (e->cur.busy + e->cur.proc_sum,
        e->prev.busy + e->prev.proc_sum);
    row.d.blocked = sub (e->cur.blocked, e->prev.blocked);
    row.d.downstream = e->channel ? 0 : sub (sub (e->cur.downstream,
            e->prev.downstream), row.d.blocked);
    row.d.items_in = e->cur.items_in;
    row.d.items_out = e->cur.items_out;
    row.d.proc_sum = sub (e->cur.proc_sum, e->prev.proc_sum);
    row.d.proc_count = sub (e->cur.proc_count, e->prev.proc_count);
    row.proc_max = e->cur_max;
    row.blocked_on = g_strdup (e->cur_blocked_on ? e->cur_blocked_on : "-");
    if (e->levels)
      row.peak = g_atomic_int_get (&e->peak);
    /* an element gone was sampled as it left PAUSED (last_sample()); a
     * line after that would repeat it, and could come while gst_deinit()
     * frees the debug categories the log needs (the application's
     * pipelines gone, GStreamer going): none */
    row.report = row.element != NULL;
    e->prev = e->cur;
    g_array_append_val (rows, row);
  }
  g_mutex_unlock (&stats_lock);
  g_free (copies);
  g_free (copied);

  /* outside the lock: names, properties, the log */
  for (i = 0; i < rows->len; i++) {
    Row *r = &g_array_index (rows, Row, i);
    ElementStats *e = r->e;
    gdouble busy, blocked, downstream, idle;

    if (r->element) {
      gchar *name = gst_object_get_name (GST_OBJECT (r->element));
      gchar *path = element_path (GST_OBJECT (r->element));

      g_mutex_lock (&stats_lock);
      g_free (e->name);
      e->name = name;
      g_free (e->path);
      e->path = path;
      g_mutex_unlock (&stats_lock);
    }
    if (!r->report)
      goto next;
    busy = period ? (gdouble) r->d.busy / period : 0;
    blocked = period ? (gdouble) r->d.blocked / period : 0;
    downstream = period ? (gdouble) r->d.downstream / period : 0;
    idle = MAX (0.0, 1.0 - busy - blocked - downstream);
    gst_tracer_record_log (element_record, (guint64) (now_ns - start_time),
        e->name, e->path ? e->path : e->name, e->factory, (guint64) period_ns,
        r->d.items_in, r->d.items_out,
        r->d.proc_count ?
        (guint64) (r->d.proc_sum * scale / r->d.proc_count) : (guint64) 0,
        (guint64) (r->proc_max * scale), busy, downstream, blocked, idle,
        r->blocked_on);

    if (e->levels && r->element) {
      guint lb = 0, lbytes = 0, mb = 0, mbytes = 0;
      guint64 lt = 0, mt = 0;
      gint level;

      g_object_get (r->element, "current-level-buffers", &lb,
          "current-level-bytes", &lbytes, "current-level-time", &lt,
          "max-size-buffers", &mb, "max-size-bytes", &mbytes,
          "max-size-time", &mt, NULL);
      /* counted on its pads, the level misses what the queue dropped
       * (leaky, flushed): set it right; the next interval starts from
       * what it holds now */
      level = g_atomic_int_get (&e->level);
      g_atomic_int_add (&e->level, (gint) lb - level);
      g_atomic_int_set (&e->peak, (gint) lb);
      r->peak = MAX (r->peak, (gint) lb);
      if (mb > 0)
        r->peak = MIN (r->peak, (gint) mb);
      gst_tracer_record_log (queue_record, (guint64) (now_ns - start_time),
          e->name,
          e->path ? e->path : e->name, lb, (guint) MAX (r->peak, 0), lbytes,
          lt, mb, mbytes, mt, r->d.items_in, r->d.items_out);
    }
  next:
    g_clear_object (&r->element);
    g_free (r->blocked_on);
  }
  g_array_free (rows, TRUE);
}

static void
sample (GstWorkerStatsTracer * self)
{
  g_mutex_lock (&sample_lock);
  sample_locked (self);
  g_mutex_unlock (&sample_lock);
}

static gpointer
sampler_thread (gpointer data)
{
  GstWorkerStatsTracer *self = data;
  gint64 next = g_get_monotonic_time () + self->period_ms * 1000;

  g_mutex_lock (&self->lock);
  while (!self->stopping) {
    if (!g_cond_wait_until (&self->cond, &self->lock, next)) {
      g_mutex_unlock (&self->lock);
      sample (self);
      g_mutex_lock (&self->lock);
      next += self->period_ms * 1000;
      if (next < g_get_monotonic_time ())
        next = g_get_monotonic_time () + self->period_ms * 1000;
    }
  }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* What the threads did: it moves with each chain call. stats_lock. */
static guint64
activity (void)
{
  guint64 mark = threads_changed;
  guint i;

  for (i = 0; i < all_threads->len; i++) {
    ThreadState *t = g_ptr_array_index (all_threads, i);

    mark += __atomic_load_n (&t->seq, __ATOMIC_ACQUIRE) & ~1u;
  }
  return mark;
}

/* A sample now, if anything moved since the last one (each element of a
 * pipeline stopping calls this). */
void
last_sample (void)
{
  GstWorkerStatsTracer *self = g_atomic_pointer_get (&active_tracer);
  gboolean moved;

  if (!self)
    return;
  g_mutex_lock (&sample_lock);
  g_mutex_lock (&stats_lock);
  moved = activity () != self->last_mark;
  g_mutex_unlock (&stats_lock);
  if (moved)
    sample_locked (self);
  g_mutex_unlock (&sample_lock);
}

/* ---------------------------------------------------------------------- */
/* the object */

/* A record's fields: name, type, what it is. */
typedef struct
{
  const gchar *name;
  GType type;
  const gchar *description;
} RecordField;

#define MAX_RECORD_FIELDS 16

static const RecordField element_fields[] = {
  {"ts", G_TYPE_UINT64, "end of the interval, ns since the tracer started"},
  {"element", G_TYPE_STRING, "element name"},
  {"path", G_TYPE_STRING, "names from the top-level bin down, '/'-separated"},
  {"factory", G_TYPE_STRING, "factory name"},
  {"period", G_TYPE_UINT64, "length of the interval, ns"},
  {"items-in", G_TYPE_UINT64, "buffers into its sink pads since the start"},
  {"items-out", G_TYPE_UINT64, "buffers out of its src pads since the start"},
  {"proc-time-avg", G_TYPE_UINT64, "own time per item in the interval, ns"},
  {"proc-time-max", G_TYPE_UINT64,
      "longest own time for one item in the interval, ns"},
  {"busy", G_TYPE_DOUBLE, "share of the interval in its own code"},
  {"downstream", G_TYPE_DOUBLE,
      "share of the interval in elements it pushed to, same thread"},
  {"blocked", G_TYPE_DOUBLE,
      "share of the interval waiting for room in a full queue"},
  {"idle", G_TYPE_DOUBLE, "share of the interval waiting for input"},
  {"blocked-on", G_TYPE_STRING,
      "the queue it last waited on in the interval, or -"},
};

static const RecordField queue_fields[] = {
  {"ts", G_TYPE_UINT64, "end of the interval, ns since the tracer started"},
  {"queue", G_TYPE_STRING, "queue name"},
  {"path", G_TYPE_STRING, "names from the top-level bin down, '/'-separated"},
  {"level-buffers", G_TYPE_UINT, "buffers it holds now"},
  {"peak-buffers", G_TYPE_UINT, "most buffers it held in the interval"},
  {"level-bytes", G_TYPE_UINT, "bytes it holds now"},
  {"level-time", G_TYPE_UINT64, "ns of data it holds now"},
  {"max-size-buffers", G_TYPE_UINT, "its limit in buffers (0: none)"},
  {"max-size-bytes", G_TYPE_UINT, "its limit in bytes (0: none)"},
  {"max-size-time", G_TYPE_UINT64, "its limit in ns (0: none)"},
  {"items-in", G_TYPE_UINT64, "buffers into it since the start"},
  {"items-out", G_TYPE_UINT64, "buffers out of it since the start"},
};

/* A record class from its table: gst_tracer_record_new() takes the
 * fields as arguments, ended by a NULL name; the slots past the table's
 * end are NULL. */
static GstTracerRecord *
record_new (const gchar * name, const RecordField * fields, guint n)
{
  const gchar *names[MAX_RECORD_FIELDS] = { NULL, };
  GstStructure *specs[MAX_RECORD_FIELDS] = { NULL, };
  GstTracerRecord *record;
  guint i;

  g_assert (n <= MAX_RECORD_FIELDS);
  for (i = 0; i < n; i++) {
    names[i] = fields[i].name;
    specs[i] = gst_structure_new ("value", "type", G_TYPE_GTYPE,
        fields[i].type, "description", G_TYPE_STRING, fields[i].description,
        NULL);
  }
#define FIELD(i) names[i], GST_TYPE_STRUCTURE, specs[i]
  record = gst_tracer_record_new (name, FIELD (0), FIELD (1), FIELD (2),
      FIELD (3), FIELD (4), FIELD (5), FIELD (6), FIELD (7), FIELD (8),
      FIELD (9), FIELD (10), FIELD (11), FIELD (12), FIELD (13), FIELD (14),
      FIELD (15), NULL);
#undef FIELD
  GST_OBJECT_FLAG_SET (record, GST_OBJECT_FLAG_MAY_BE_LEAKED);
  return record;
}

static void
make_records (void)
{
  element_record = record_new ("workerstats-element.class", element_fields,
      G_N_ELEMENTS (element_fields));
  queue_record = record_new ("workerstats-queue.class", queue_fields,
      G_N_ELEMENTS (queue_fields));
}

/* Bad parameters are said on stderr (a tracer has no bus to post on, and
 * a warning would abort programs run with G_DEBUG=fatal-warnings); the
 * tracer goes on with its defaults. */
static gboolean
parse_params (GstWorkerStatsTracer * self)
{
  gchar *params = NULL, *text;
  GstStructure *s;
  gint period;
  gboolean ok = TRUE;

  g_object_get (self, "params", &params, NULL);
  if (!params)
    return TRUE;
  text = g_strdup_printf ("workerstats,%s", params);
  s = gst_structure_from_string (text, NULL);
  if (!s) {
    g_printerr ("workerstats: cannot read the parameters '%s' (write "
        "workerstats(period=100)); using the defaults\n", params);
    ok = FALSE;
  } else if (gst_structure_has_field (s, "period")) {
    if (!gst_structure_get_int (s, "period", &period) || period < 1) {
      g_printerr ("workerstats: period must be a whole number of "
          "milliseconds, at least 1, not '%s'; using %u\n", params,
          self->period_ms);
      ok = FALSE;
    } else {
      self->period_ms = period;
    }
  }
  if (s && gst_structure_has_field (s, "clock")) {
    const gchar *clock = gst_structure_get_string (s, "clock");

    if (clock && g_str_equal (clock, "monotonic")) {
      self->monotonic = TRUE;
    } else if (!clock || !g_str_equal (clock, "auto")) {
      g_printerr ("workerstats: clock must be auto or monotonic, not '%s'; "
          "using auto\n", params);
      ok = FALSE;
    }
  }
  if (s)
    gst_structure_free (s);
  g_free (text);
  g_free (params);
  return ok;
}

/* gst_deinit(): stop sampling, let go of itself. */
static void
factory_gone (gpointer data, GObject * where_the_object_was)
{
  g_object_unref (data);
}

static void
gst_worker_stats_tracer_constructed (GObject * object)
{
  GstWorkerStatsTracer *self = GST_WORKER_STATS_TRACER (object);
  G_OBJECT_CLASS (gst_worker_stats_tracer_parent_class)->constructed (object);

  parse_params (self);
  if (!g_atomic_int_compare_and_exchange (&active, 0, 1)) {
    g_printerr ("workerstats: only one workerstats tracer per process; "
        "ignoring this one\n");
    return;
  }
  self->enabled = TRUE;
  if (!element_record)
    make_records ();
  use_counter = !self->monotonic && counter_usable ();
  clock_pair (&start_ticks, &start_time);
  GST_INFO ("timing with %s", use_counter ? "the processor's counter" :
      "the monotonic clock");
  self->last_sample = start_time;
  self->last_ticks = start_ticks;
  if (!default_chain_list) {
    GstPad *pad = gst_object_ref_sink (gst_pad_new ("any", GST_PAD_SINK));

    default_chain_list = GST_PAD_CHAINLISTFUNC (pad);
    gst_object_unref (pad);
  }

  /* No GStreamer hook: registering any makes GStreamer look its hook
   * table up twice at every push, chain call and object and buffer ref and
   * unref, which on no-op elements costs more than the elements. Instead
   * each element's sink pads are wrapped as they are linked. */
  self->linked_signal = g_signal_lookup ("linked", GST_TYPE_PAD);
  self->linked_hook = g_signal_add_emission_hook (self->linked_signal, 0,
      on_linked, NULL, NULL);
  g_atomic_pointer_set (&active_tracer, self);

  /* GStreamer keeps a tracer only through its hooks: this one keeps
   * itself, until its factory goes with the registry (gst_deinit()) */
  self->factory = gst_registry_lookup_feature (gst_registry_get (),
      "workerstats");
  if (self->factory) {
    g_object_ref (self);
    g_object_weak_ref (G_OBJECT (self->factory), factory_gone, self);
    gst_object_unref (self->factory);
  }
  self->thread = g_thread_new ("workerstats", sampler_thread, self);
}

static void
gst_worker_stats_tracer_finalize (GObject * object)
{
  GstWorkerStatsTracer *self = GST_WORKER_STATS_TRACER (object);

  if (self->enabled) {
    g_atomic_pointer_set (&active_tracer, NULL);
    g_signal_remove_emission_hook (self->linked_signal, self->linked_hook);
  }
  if (self->thread) {
    g_mutex_lock (&self->lock);
    self->stopping = TRUE;
    g_cond_signal (&self->cond);
    g_mutex_unlock (&self->lock);
    g_thread_join (self->thread);
  }
  if (self->enabled)
    g_atomic_int_set (&active, 0);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_worker_stats_tracer_parent_class)->finalize (object);
}

static void
gst_worker_stats_tracer_class_init (GstWorkerStatsTracerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->constructed = gst_worker_stats_tracer_constructed;
  gobject_class->finalize = gst_worker_stats_tracer_finalize;

  GST_DEBUG_CATEGORY_INIT (gst_worker_stats_debug, "workerstats", 0,
      "workerstats tracer");
  stats_quark = g_quark_from_static_string ("GstWorkerStatsTracer.stats");
  pad_quark = g_quark_from_static_string ("GstWorkerStatsTracer.pad");
  /* the pad class (and its "linked" signal) exists from here on */
  g_type_class_ref (GST_TYPE_PAD);
  all_threads = g_ptr_array_new ();
  all_elements = g_ptr_array_new ();
}

static void
gst_worker_stats_tracer_init (GstWorkerStatsTracer * self)
{
  self->period_ms = DEFAULT_PERIOD_MS;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}
