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
#include <time.h>

#include "gstworkerstatstracer.h"

GST_DEBUG_CATEGORY_STATIC (gst_worker_stats_debug);
#define GST_CAT_DEFAULT gst_worker_stats_debug

#define DEFAULT_PERIOD_MS 100
#define MAX_DEPTH 32
#define MAX_SLOTS 64

/* ---------------------------------------------------------------------- */
/* state: one ElementStats per element ever seen, one ThreadState per
 * thread; module-wide, as threads outlive a tracer object */

/* busy: own time not in proc_sum (a queue's, a frame still open): the
 * element's busy time is busy + proc_sum; downstream: time in the frames
 * it entered, waits included: the element's downstream time is
 * downstream - blocked */
typedef struct
{
  guint64 busy, blocked, downstream;
  guint64 items_in, items_out;
  guint64 proc_sum, proc_count;
} Totals;

typedef struct
{
  GWeakRef ref;
  gconstpointer element;        /* identity only, never dereferenced */
  gint alive;                   /* atomic: 0 once the element is gone */
  gboolean channel;             /* a push into it can wait for room */
  gboolean overrun_signal;      /* tells when it waits: queue's "overrun" */
  gboolean levels;              /* has queue's level properties */
  gint fed;                     /* atomic: has a sink pad in push mode:
                                 * the thread it drives waits for what
                                 * comes in (idle), as a queue's */
  gint level, peak;             /* atomic: buffers between its pads */

  /* the rest: stats_lock */
  gchar *name, *path, *factory;
  Totals retired;               /* of threads that ended */
  Totals prev;                  /* at the last sample */
  Totals cur;                   /* being summed by a sample */
  guint64 cur_max;
  const gchar *cur_blocked_on;
  gboolean reported_dead;
} ElementStats;

typedef enum
{
  FRAME_ELEMENT,                /* in an element's chain function */
  FRAME_ROOT,                   /* a thread's first element, pushing */
  FRAME_CHANNEL,                /* in a queue's chain: may wait for room */
  FRAME_TRANSPARENT,            /* no stats: a root behind a ghost pad */
} FrameKind;

/* A sink pad whose chain function the tracer wraps: the element's own
 * functions. Never freed: when its pad goes, it waits on a free list for
 * the next pad (frames may still point at it; they compare @pad). */
typedef struct _PadInfo PadInfo;
struct _PadInfo
{
  gconstpointer pad;            /* atomic: the pad, NULL while free */
  GstPadChainFunction chain;
  GstPadChainListFunction chain_list;   /* NULL: the default (wrapped by
                                         * chaining each buffer) */
  GstPadActivateModeFunction activate_mode;
  gint serial;                  /* atomic: moves as its pad goes */
  PadInfo *next_free;           /* stats_lock */
};

typedef struct _Slot Slot;

/* What a thread is in. A frame stays in the stack array after it is
 * popped: the next item entering at that depth through the same pad finds
 * it there, what it is already set (no search, no lookup). */
typedef struct
{
  /* what it is: set when another pad enters at this depth */
  gconstpointer pad;            /* the pad entered */
  gconstpointer peer;           /* a root: the pad's peer */
  PadInfo *info;                /* not a root: the pad's */
  gint serial;                  /* info->serial when set */
  Slot *slot;                   /* the element's; the thread's dummy for
                                 * a transparent frame */
  FrameKind kind;
  gboolean wait_always;         /* a channel that says nothing: all waits */
  gboolean channel;             /* its element is a channel */
  gboolean special;             /* not an element's frame, or has levels:
                                 * frame_special() at entry */
  ElementStats *levels;         /* its element, if it has queue levels */

  /* this entry */
  gboolean waiting;             /* a channel only: never set for others */
  GstClockTime entry;
  GstClockTime child;           /* in the frames it entered, ended */
  GstClockTime wait_start;      /* a channel: waiting for room since */
} Frame;

struct _Slot
{
  ElementStats *e;
  gconstpointer element;        /* e->element, one load nearer */
  Totals t;
  guint64 proc_max;             /* in interval max_epoch */
  guint max_epoch;
  ElementStats *blocked_on;     /* in interval blocked_epoch */
  guint blocked_epoch;
};

/* Written only by its thread, between write_begin() and write_end(); a
 * sample copies it and retries while seq is odd or moved (a seqlock): the
 * streaming threads never wait for the sampler. The frames are stack[1]
 * to *top; stack[0] is a frame above them all (what is summed there is
 * never read), so a frame always has one above it. */
typedef struct
{
  guint seq;
  Frame *top;                   /* the frame it is in; stack: none */
  Slot *root;                   /* the element driving this thread, or
                                 * NULL */
  GstClockTime last_exit;       /* when it was last back at the top level */
  guint n_slots;
  Frame stack[MAX_DEPTH + 1];
  Slot slots[MAX_SLOTS];
  Slot dummy;                   /* transparent frames' */
} ThreadState;

static GMutex stats_lock;
static GPtrArray *all_threads;  /* stats_lock */
static GPtrArray *all_elements; /* stats_lock */
static GQuark stats_quark;
static GQuark pad_quark;
static PadInfo *free_pad_infos; /* stats_lock */
static gint epoch;              /* atomic: sample interval number */
static GstClockTime start_time; /* when the tracer started, ns */
static guint64 start_ticks;     /* and in the tracer's clock */
static guint threads_changed;   /* stats_lock: threads came or went */
static GstClockTime first_entry;        /* stats_lock: the first chain call,
                                         * ns, 0: none yet */
static guint64 first_entry_ticks;       /* stats_lock: the same, ticks */
static gint active;             /* atomic: one workerstats tracer only */
static gpointer active_tracer;  /* atomic: that one */

static void thread_state_free (gpointer data);
/* the fast way to a thread's state (initial-exec: no call to reach it);
 * thread_key frees it when the thread ends */
static __thread ThreadState *thread_state_tls
    __attribute__ ((tls_model ("initial-exec")));
static GPrivate thread_key = G_PRIVATE_INIT (thread_state_free);

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

/* The monotonic clock, in nanoseconds. */
static inline GstClockTime
mono_now (void)
{
#ifdef CLOCK_MONOTONIC
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return GST_TIMESPEC_TO_TIME (ts);
#else
  return gst_util_get_timestamp ();
#endif
}

/* The processor's own counter, where the kernel keeps its monotonic clock
 * on it (x86's TSC, arm64's virtual counter): one instruction to read,
 * where clock_gettime() is a call and a conversion. */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_COUNTER 1
#define COUNTER_CLOCKSOURCE "tsc"
static inline guint64
counter_now (void)
{
  return __rdtsc ();
}
#elif defined(__aarch64__)
#define HAVE_COUNTER 1
#define COUNTER_CLOCKSOURCE "arch_sys_counter"
static inline guint64
counter_now (void)
{
  guint64 v;

  __asm__ __volatile__ ("isb; mrs %0, cntvct_el0":"=r" (v)::"memory");
  return v;
}
#endif

static gboolean use_counter;    /* set before the first pad is wrapped */

/* The tracer's clock (the wrappers read it twice per chain call): in
 * ticks, the counter's or nanoseconds; converted to nanoseconds only when
 * sampled (ticks_scale()). */
static inline GstClockTime
now_ts (void)
{
#ifdef HAVE_COUNTER
  if (G_LIKELY (use_counter))
    return counter_now ();
#endif
  return mono_now ();
}

/* now_ts() with the choice made at compile time (@counter: a constant) */
static inline __attribute__ ((always_inline)) GstClockTime
clock_read (gboolean counter)
{
#ifdef HAVE_COUNTER
  if (counter)
    return counter_now ();
#endif
  return mono_now ();
}

/* The counter and the monotonic clock read together (the closest of
 * three tries): ticks and nanoseconds at the same moment. */
static void
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

/* Only the thread writes its seq: a plain increment (one instruction on
 * x86), ordered by the fences; readers load it atomically. */
static inline void
write_begin (ThreadState * t)
{
  t->seq++;
  __atomic_thread_fence (__ATOMIC_RELEASE);
}

static inline void
write_end (ThreadState * t)
{
  __atomic_thread_fence (__ATOMIC_RELEASE);
  t->seq++;
}

static void
totals_add (Totals * a, const Totals * b)
{
  a->busy += b->busy;
  a->blocked += b->blocked;
  a->downstream += b->downstream;
  a->items_in += b->items_in;
  a->items_out += b->items_out;
  a->proc_sum += b->proc_sum;
  a->proc_count += b->proc_count;
}

static void
thread_state_free (gpointer data)
{
  ThreadState *t = data;
  guint i;

  g_mutex_lock (&stats_lock);
  for (i = 0; i < t->n_slots; i++)
    totals_add (&t->slots[i].e->retired, &t->slots[i].t);
  g_ptr_array_remove_fast (all_threads, t);
  threads_changed++;
  g_mutex_unlock (&stats_lock);
  thread_state_tls = NULL;
  g_free (t);
}

static __attribute__ ((noinline)) ThreadState *
thread_state_new (void)
{
  ThreadState *t = g_new0 (ThreadState, 1);

  t->top = t->stack;
  t->stack[0].slot = &t->dummy;
  t->stack[0].kind = FRAME_TRANSPARENT;
  g_mutex_lock (&stats_lock);
  if (!first_entry)
    clock_pair (&first_entry_ticks, &first_entry);
  g_ptr_array_add (all_threads, t);
  threads_changed++;
  g_mutex_unlock (&stats_lock);
  g_private_set (&thread_key, t);
  thread_state_tls = t;
  return t;
}

/* The calling thread's state, made at its first chain call. */
static inline ThreadState *
thread_state (void)
{
  ThreadState *t = thread_state_tls;

  return G_LIKELY (t) ? t : thread_state_new ();
}

/* ---------------------------------------------------------------------- */
/* elements */

static void
element_gone (gpointer data, GObject * where_the_object_was)
{
  ElementStats *e = data;

  g_atomic_int_set (&e->alive, 0);
}

static gboolean
type_is (GstElement * element, const gchar * type_name)
{
  GType type = g_type_from_name (type_name);

  return type && g_type_is_a (G_OBJECT_TYPE (element), type);
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

static void on_overrun (GstElement * queue, gpointer user_data);

/* The element's stats, made on first sight. */
static ElementStats *
element_stats (GstElement * element)
{
  ElementStats *e = g_object_get_qdata (G_OBJECT (element), stats_quark);
  GstElementFactory *factory;
  gboolean silent = FALSE;

  if (G_LIKELY (e))
    return e;

  g_mutex_lock (&stats_lock);
  e = g_object_get_qdata (G_OBJECT (element), stats_quark);
  if (e) {
    g_mutex_unlock (&stats_lock);
    return e;
  }
  e = g_new0 (ElementStats, 1);
  e->element = element;
  e->alive = 1;
  g_weak_ref_init (&e->ref, element);
  e->name = gst_object_get_name (GST_OBJECT (element));
  factory = gst_element_get_factory (element);
  e->factory = g_strdup (factory ? GST_OBJECT_NAME (factory) : "");
  if (type_is (element, "GstQueue")) {
    e->channel = e->levels = TRUE;
    g_object_get (element, "silent", &silent, NULL);
    e->overrun_signal = !silent;
  } else if (type_is (element, "GstQueue2")) {
    e->channel = e->levels = TRUE;
  } else if (type_is (element, "GstMultiQueue") ||
      type_is (element, "GstAggregator") ||
      g_str_equal (e->factory, "feedbacksink")) {
    e->channel = TRUE;
  }
  g_object_weak_ref (G_OBJECT (element), element_gone, e);
  g_object_set_qdata (G_OBJECT (element), stats_quark, e);
  g_ptr_array_add (all_elements, e);
  g_mutex_unlock (&stats_lock);

  if (e->overrun_signal)
    g_signal_connect (element, "overrun", G_CALLBACK (on_overrun), e);
  GST_DEBUG ("tracing %s (%s)%s", e->name, e->factory,
      e->channel ? ", a channel" : "");
  return e;
}

/* The element a pad belongs to, or NULL for a ghost or proxy pad. */
static inline GstElement *
pad_element (GstPad * pad)
{
  GstObject *parent = GST_OBJECT_PARENT (pad);

  if (!parent || !GST_IS_ELEMENT (parent) || GST_IS_BIN (parent))
    return NULL;
  return GST_ELEMENT_CAST (parent);
}

/* A thread's slot for the pad's element; -1: a ghost pad, or no room.
 * Called outside write sections (it may write one itself). */
static __attribute__ ((noinline)) gint
pad_slot (ThreadState * t, GstPad * pad)
{
  gconstpointer parent = GST_OBJECT_PARENT (pad);
  GstElement *element;
  ElementStats *e;
  Frame *f;
  guint i;

  for (i = 0; i < t->n_slots; i++) {
    if (t->slots[i].element == parent &&
        g_atomic_int_get (&t->slots[i].e->alive))
      return i;
  }
  element = pad_element (pad);
  if (!element)
    return -1;
  e = element_stats (element);

  if (t->n_slots == MAX_SLOTS) {
    /* reuse the slot of an element that is gone */
    g_mutex_lock (&stats_lock);
    for (i = 0; i < t->n_slots; i++) {
      if (!g_atomic_int_get (&t->slots[i].e->alive))
        break;
    }
    if (i < t->n_slots) {
      write_begin (t);
      /* frames left for the element that was there are stale now (the
       * open ones are of elements alive) */
      for (f = t->top + 1; f < t->stack + MAX_DEPTH + 1; f++)
        f->pad = NULL;
      if (t->root == &t->slots[i])
        t->root = NULL;
      totals_add (&t->slots[i].e->retired, &t->slots[i].t);
      memset (&t->slots[i], 0, sizeof (Slot));
      t->slots[i].e = e;
      t->slots[i].element = e->element;
      write_end (t);
    }
    g_mutex_unlock (&stats_lock);
    return i < t->n_slots ? (gint) i : -1;
  }
  write_begin (t);
  memset (&t->slots[t->n_slots], 0, sizeof (Slot));
  t->slots[t->n_slots].e = e;
  t->slots[t->n_slots].element = e->element;
  t->n_slots++;
  write_end (t);
  return t->n_slots - 1;
}

/* ---------------------------------------------------------------------- */
/* time attribution (inside write sections, or on a sample's copy) */

static inline void
proc_update (Slot * s, GstClockTime v)
{
  guint ep = (guint) g_atomic_int_get (&epoch);

  s->t.proc_sum += v;
  s->t.proc_count++;
  if (G_UNLIKELY (s->max_epoch != ep)) {
    s->max_epoch = ep;
    s->proc_max = 0;
  }
  if (v > s->proc_max)
    s->proc_max = v;
}

/* The driving element's time at the top level since its last push: a
 * source waiting for its device is busy; a queue's thread, or the thread
 * of an element fed by pushes (processreplica's reader, a jitterbuffer),
 * waits for what comes in: idle. */
static inline void
root_time (ThreadState * t, GstClockTime now, gboolean done)
{
  Slot *s = t->root;
  GstClockTime gap;

  if (!s || s->e->channel || g_atomic_int_get (&s->e->fed))
    return;
  gap = t->last_exit && now > t->last_exit ? now - t->last_exit : 0;
  if (done)
    proc_update (s, gap);
  else
    s->t.busy += gap;
}

/* The time a queue made its pusher wait goes to the element below it
 * (ghost pads passed). */
static void
blame (ThreadState * t, GstClockTime wait, ElementStats * queue)
{
  Frame *f = t->top;
  Slot *s;

  while (f > t->stack && f->kind == FRAME_TRANSPARENT)
    f--;
  if (f == t->stack)
    return;
  s = f->slot;
  s->t.blocked += wait;
  s->blocked_on = queue;
  s->blocked_epoch = (guint) g_atomic_int_get (&epoch);
}

/* The top frame ends at @now: its element's own time is what it did not
 * spend in the frames it entered (or, a queue, waiting for room); those
 * are its downstream time, the waits its blocked time. @done: really
 * ended (not a sample's look at a frame still open): counts an item.
 * (element_pop() does the same for an element's frame.) */
static inline __attribute__ ((always_inline)) void
pop_frame_inline (ThreadState * t, GstClockTime now, gboolean done)
{
  Frame *f = t->top--;
  Frame *up = t->top;
  GstClockTime incl = now > f->entry ? now - f->entry : 0;
  GstClockTime wait = 0, own;
  Slot *s = f->slot;

  if (f->waiting && now > f->wait_start)
    wait = now - f->wait_start;
  up->child += incl;
  if (f->kind == FRAME_TRANSPARENT)
    return;
  own = incl - MIN (incl, f->child + wait);
  if (f->kind == FRAME_ELEMENT && done)
    proc_update (s, own);
  else
    s->t.busy += own;
  if (f->kind == FRAME_CHANNEL) {
    if (wait)
      blame (t, wait, s->e);
    return;
  }
  /* a queue's own thread pushing is no work of the queue */
  if (!f->channel)
    s->t.downstream += f->child;
}

static void
pop_frame (ThreadState * t, GstClockTime now, gboolean done)
{
  pop_frame_inline (t, now, done);
}

/* ---------------------------------------------------------------------- */
/* the wrappers */

static inline void
level_add (ElementStats * e, gint n)
{
  gint level = g_atomic_int_add (&e->level, n) + n;
  gint peak;

  while (level > (peak = g_atomic_int_get (&e->peak)) &&
      !g_atomic_int_compare_and_exchange (&e->peak, peak, level));
}

/* Whether @element is fed by pushes into a sink pad (a source has no sink
 * pad, a demuxer's loop pulls) */
static gboolean
element_fed (GstElement * element)
{
  gboolean fed = FALSE;
  GList *l;

  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l && !fed; l = l->next)
    fed = GST_PAD_MODE (l->data) == GST_PAD_MODE_PUSH;
  GST_OBJECT_UNLOCK (element);
  return fed;
}

/* The slot of the element that pushes into @pad from a thread's top
 * level: its peer's, followed through ghost pads into and out of bins
 * (-1: none). */
static gint
root_slot (ThreadState * t, GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);
  gint slot = -1, hops;

  /* a ghost pad's internal pad, or the ghost pad of an internal one: the
   * other side of the bin's edge */
  for (hops = 0; peer && GST_IS_PROXY_PAD (peer) && hops < MAX_DEPTH; hops++) {
    GstProxyPad *internal = gst_proxy_pad_get_internal (GST_PROXY_PAD (peer));

    gst_object_unref (peer);
    peer = internal ? gst_pad_get_peer (GST_PAD (internal)) : NULL;
    if (internal)
      gst_object_unref (internal);
  }
  if (peer) {
    slot = pad_slot (t, peer);
    if (slot >= 0)
      g_atomic_int_set (&t->slots[slot].e->fed,
          element_fed (GST_ELEMENT_CAST (GST_OBJECT_PARENT (peer))));
    gst_object_unref (peer);
  }
  return slot;
}

/* What a frame is: @slot's element entered through @pad. */
static void
frame_set (ThreadState * t, Frame * f, gint slot, FrameKind kind,
    gconstpointer pad)
{
  ElementStats *e = slot >= 0 ? t->slots[slot].e : NULL;

  f->pad = pad;
  f->slot = e ? &t->slots[slot] : &t->dummy;
  f->kind = e ? kind : FRAME_TRANSPARENT;
  f->channel = e && e->channel;
  f->wait_always = kind == FRAME_CHANNEL && !e->overrun_signal;
  f->levels = e && e->levels ? e : NULL;
  f->special = f->kind != FRAME_ELEMENT || f->levels;
  f->waiting = FALSE;
}

/* The frame @f for an entry through @pad; FALSE: not our pad, or too
 * deep. */
static __attribute__ ((noinline)) gboolean
pad_frame_set (ThreadState * t, Frame * f, GstPad * pad)
{
  PadInfo *info;
  gint slot;

  if (f >= t->stack + MAX_DEPTH)
    return FALSE;
  info = g_object_get_qdata (G_OBJECT (pad), pad_quark);
  if (!info)
    return FALSE;
  slot = pad_slot (t, pad);
  f->info = info;
  f->serial = g_atomic_int_get (&info->serial);
  frame_set (t, f, slot, slot >= 0 && t->slots[slot].e->channel ?
      FRAME_CHANNEL : FRAME_ELEMENT, pad);
  return TRUE;
}

/* Whether the frame left at its depth is still the one for @pad: the
 * pad's info was not given up since (the pad gone, another one made at
 * its address; a slot given to another element clears the frames). */
static inline gboolean
frame_current (Frame * f, GstPad * pad)
{
  return f->pad == pad && f->serial == g_atomic_int_get (&f->info->serial);
}

/* The pad's functions, as the tracer found them when it wrapped them. */
static inline PadInfo *
pad_info (GstPad * pad)
{
  return g_object_get_qdata (G_OBJECT (pad), pad_quark);
}

/* A channel's frame, or a queue's levels, at entry */
static inline __attribute__ ((always_inline)) void
frame_special_inline (Frame * top, Frame * f, GstClockTime now, guint n)
{
  f->waiting = f->wait_always;
  f->wait_start = now;
  if (f->levels)
    level_add (f->levels, n);
  if (top->levels)
    level_add (top->levels, -(gint) n);
}

static __attribute__ ((noinline)) void
frame_special (Frame * top, Frame * f, GstClockTime now, guint n)
{
  frame_special_inline (top, f, now, n);
}

/* @f starts for @n items, entered from @top (at entry: inside the write
 * section). */
static inline __attribute__ ((always_inline)) void
frame_start (ThreadState * t, Frame * top, Frame * f, GstClockTime now,
    guint n)
{
  top->slot->t.items_out += n;
  f->slot->t.items_in += n;
  f->entry = now;
  f->child = 0;
  t->top = f;
}

/* enter() at a thread's top level: the pad's peer's element drives the
 * thread; it gets a root frame for its push, and its time since its last
 * push. */
static Frame *
enter_root (ThreadState * t, GstPad * pad, guint n)
{
  Frame *r = &t->stack[1], *f = &t->stack[2];
  gconstpointer peer = GST_PAD_PEER (pad);
  GstClockTime now;

  if (r->pad != pad || r->peer != peer ||
      (r->kind != FRAME_TRANSPARENT &&
          !g_atomic_int_get (&r->slot->e->alive))) {
    frame_set (t, r, root_slot (t, pad), FRAME_ROOT, pad);
    r->peer = peer;
  }
  if (!frame_current (f, pad) && !pad_frame_set (t, f, pad))
    return NULL;
  /* pad_frame_set() may have given a slot to another element */
  if (G_UNLIKELY (r->pad != pad))
    return enter_root (t, pad, n);

  now = now_ts ();
  write_begin (t);
  t->root = r->kind == FRAME_TRANSPARENT ? NULL : r->slot;
  root_time (t, now, TRUE);
  r->entry = now;
  r->child = 0;
  frame_start (t, r, f, now, n);
  if (f->special || r->levels)
    frame_special (r, f, now, n);
  write_end (t);
  return f;
}

/* @pad's chain function is called with @n items: the thread enters the
 * pad's element, pushed by the element it is in (at the top level: by the
 * pad's peer's element, the one driving the thread). Returns the frame,
 * NULL: too deep, not counted. */
static Frame *
enter (ThreadState * t, GstPad * pad, guint n)
{
  Frame *top = t->top, *f = top + 1;
  GstClockTime now;

  if (top == t->stack)
    return enter_root (t, pad, n);
  /* the frame left at this depth by the last item knows the pad */
  if (!frame_current (f, pad) && !pad_frame_set (t, f, pad))
    return NULL;

  now = now_ts ();
  write_begin (t);
  frame_start (t, top, f, now, n);
  /* (a queue's chain function pushes nothing: a queue below the top
   * level is never the one items leave) */
  if (f->special || top->levels)
    frame_special (top, f, now, n);
  write_end (t);
  return f;
}

/* The root's push is over: pop_frame() for it. */
static inline __attribute__ ((always_inline)) void
root_pop (ThreadState * t, Frame * r, GstClockTime now)
{
  GstClockTime incl = now > r->entry ? now - r->entry : 0;
  Slot *s = r->slot;

  t->top = t->stack;
  t->last_exit = now;
  if (G_UNLIKELY (r->kind == FRAME_TRANSPARENT))
    return;
  s->t.busy += incl - MIN (incl, r->child);
  if (!r->channel)
    s->t.downstream += r->child;
}

/* pop_frame() for an element's frame (it never waits, is no channel),
 * ended at @now; inside a write section */
static inline __attribute__ ((always_inline)) void
element_pop (ThreadState * t, Frame * f, GstClockTime now)
{
  GstClockTime incl = now > f->entry ? now - f->entry : 0;
  Slot *s = f->slot;

  t->top = f - 1;
  f[-1].child += incl;
  s->t.downstream += f->child;
  proc_update (s, incl - MIN (incl, f->child));
}

/* @f's chain function returned at @now; back at the top level, the root's
 * push is over too. */
static inline __attribute__ ((always_inline)) void
leave (ThreadState * t, Frame * f, GstClockTime now)
{
  write_begin (t);
  if (G_LIKELY (f->kind == FRAME_ELEMENT))
    element_pop (t, f, now);
  else
    pop_frame (t, now, TRUE);
  if (G_UNLIKELY (t->top == &t->stack[1]))
    root_pop (t, t->top, now);
  write_end (t);
}

static void
on_overrun (GstElement * queue, gpointer user_data)
{
  ElementStats *e = user_data;
  ThreadState *t = thread_state_tls;
  Frame *f;

  if (!t || t->top == t->stack)
    return;
  f = t->top;
  if (f->kind != FRAME_CHANNEL || f->slot->e != e || f->waiting)
    return;
  write_begin (t);
  f->waiting = TRUE;
  f->wait_start = now_ts ();
  write_end (t);
}

/* Our function on a pad the tracer has not wrapped (a function pointer
 * copied from a wrapped pad to another): nothing to call. */
static __attribute__ ((noinline)) GstFlowReturn
not_wrapped (GstPad * pad)
{
  GST_ERROR_OBJECT (pad, "workerstats: no chain function recorded for "
      "this pad; its function was copied from another pad");
  return GST_FLOW_ERROR;
}

/* A chain call not counted (too deep): the element's function alone. */
static __attribute__ ((noinline)) GstFlowReturn
chain_untraced (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  PadInfo *info = pad_info (pad);

  if (G_UNLIKELY (!info)) {
    gst_buffer_unref (buffer);
    return not_wrapped (pad);
  }
  return info->chain (pad, parent, buffer);
}

static __attribute__ ((noinline)) GstFlowReturn
chain_list_untraced (GstPad * pad, GstObject * parent, GstBufferList * list)
{
  PadInfo *info = pad_info (pad);

  if (G_UNLIKELY (!info)) {
    gst_buffer_list_unref (list);
    return not_wrapped (pad);
  }
  return info->chain_list (pad, parent, list);
}

/* The wrappers: a frame around the element's own function. Every case:
 * the thread's first chain call, the top level, a pad new at its depth,
 * queues. */
static __attribute__ ((noinline)) GstFlowReturn
traced_chain_full (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  ThreadState *t = thread_state ();
  Frame *f = enter (t, pad, 1);
  GstFlowReturn ret;

  if (G_UNLIKELY (!f))
    return chain_untraced (pad, parent, buffer);
  ret = f->info->chain (pad, parent, buffer);
  leave (t, f, now_ts ());
  return ret;
}

static GstFlowReturn
traced_chain_list (GstPad * pad, GstObject * parent, GstBufferList * list)
{
  ThreadState *t = thread_state ();
  Frame *f = enter (t, pad, gst_buffer_list_length (list));
  GstFlowReturn ret;

  if (G_UNLIKELY (!f))
    return chain_list_untraced (pad, parent, list);
  ret = f->info->chain_list (pad, parent, list);
  leave (t, f, now_ts ());
  return ret;
}

/* A push from a thread's top level into an element, through the frames
 * the last push left (root_frame_set() and enter_root() made them): the
 * root's time since its last push, a frame for it, one for the element. */
static inline __attribute__ ((always_inline)) GstFlowReturn
root_fast (ThreadState * t, GstPad * pad, GstObject * parent,
    GstBuffer * buffer, gboolean counter)
{
  Frame *r = &t->stack[1], *f = &t->stack[2];
  GstClockTime now;
  GstFlowReturn ret;

  if (G_UNLIKELY (r->pad != pad || r->peer != GST_PAD_PEER (pad) ||
          r->kind != FRAME_ROOT || !g_atomic_int_get (&r->slot->e->alive) ||
          !frame_current (f, pad)))
    return traced_chain_full (pad, parent, buffer);
  now = clock_read (counter);
  write_begin (t);
  t->root = r->slot;
  root_time (t, now, TRUE);
  r->entry = now;
  r->child = 0;
  frame_start (t, r, f, now, 1);
  /* a queue's thread pushing, or a push into a queue */
  if (G_UNLIKELY (f->special || r->levels))
    frame_special_inline (r, f, now, 1);
  write_end (t);
  ret = f->info->chain (pad, parent, buffer);
  now = clock_read (counter);
  write_begin (t);
  if (G_LIKELY (f->kind == FRAME_ELEMENT))
    element_pop (t, f, now);
  else
    pop_frame_inline (t, now, TRUE);
  root_pop (t, r, now);
  write_end (t);
  return ret;
}

/* A short path twice, as a chain function: NAME_counter reads the
 * processor's counter, NAME the monotonic clock (the choice is made as
 * pads are wrapped, not at every read) */
#define CHAIN_FOR_EACH_CLOCK(name, path)                                   \
static __attribute__ ((noinline)) GstFlowReturn                            \
name##_counter (GstPad * pad, GstObject * parent, GstBuffer * buffer)      \
{                                                                          \
  return path (thread_state_tls, pad, parent, buffer, TRUE);               \
}                                                                          \
                                                                           \
static __attribute__ ((noinline)) GstFlowReturn                            \
name (GstPad * pad, GstObject * parent, GstBuffer * buffer)                \
{                                                                          \
  return path (thread_state_tls, pad, parent, buffer, FALSE);              \
}

CHAIN_FOR_EACH_CLOCK (traced_root, root_fast)

/* A push into a channel (a queue) below the top level, through the frame
 * the last item left: chain_fast() checked it. */
static inline __attribute__ ((always_inline)) GstFlowReturn
channel_fast (ThreadState * t, GstPad * pad, GstObject * parent,
    GstBuffer * buffer, gboolean counter)
{
  Frame *top = t->top, *f = top + 1;
  GstClockTime now;
  GstFlowReturn ret;

  now = clock_read (counter);
  write_begin (t);
  frame_start (t, top, f, now, 1);
  frame_special_inline (top, f, now, 1);
  write_end (t);
  ret = f->info->chain (pad, parent, buffer);
  now = clock_read (counter);
  write_begin (t);
  pop_frame_inline (t, now, TRUE);
  write_end (t);
  return ret;
}

CHAIN_FOR_EACH_CLOCK (traced_channel, channel_fast)

/* The common case, kept short: an element's pad entered below the top
 * level through the frame the last item left at that depth; the rest is
 * traced_chain_full()'s (a tail call: the arguments need not be kept
 * across calls, nor registers saved for them). @counter: read the
 * counter (a constant: one wrapper for each clock, chosen as pads are
 * wrapped). */
static inline __attribute__ ((always_inline)) GstFlowReturn
chain_fast (ThreadState * t, GstPad * pad, GstObject * parent,
    GstBuffer * buffer, gboolean counter)
{
  Frame *top, *f;
  GstFlowReturn ret;

  if (G_UNLIKELY (!t))
    return traced_chain_full (pad, parent, buffer);
  top = t->top;
  f = top + 1;
  if (G_UNLIKELY (top == t->stack))
    return counter ? traced_root_counter (pad, parent, buffer) :
        traced_root (pad, parent, buffer);
  if (G_UNLIKELY (!frame_current (f, pad)))
    return traced_chain_full (pad, parent, buffer);
  /* below the top level, not an element's frame: a channel's */
  if (G_UNLIKELY (f->special))
    return counter ? traced_channel_counter (pad, parent, buffer) :
        traced_channel (pad, parent, buffer);
  write_begin (t);
  frame_start (t, top, f, clock_read (counter), 1);
  write_end (t);
  ret = f->info->chain (pad, parent, buffer);
  /* an element's frame, never the first below the root's (enter_root()
   * enters that one) */
  write_begin (t);
  element_pop (t, f, clock_read (counter));
  write_end (t);
  return ret;
}

CHAIN_FOR_EACH_CLOCK (traced_chain, chain_fast)

static void last_sample (void);

/* An element going from PAUSED to READY deactivates its pads: the last
 * sample, before anything is torn down. */
static gboolean
traced_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean activate)
{
  PadInfo *info = pad_info (pad);

  if (!activate && parent && GST_IS_ELEMENT (parent) &&
      GST_STATE_NEXT (parent) == GST_STATE_READY)
    last_sample ();
  if (!info || !info->activate_mode)
    return TRUE;
  return info->activate_mode (pad, parent, mode, activate);
}

/* The default chain-list function chains each buffer (the chain wrapper
 * sees them): only an element's own one is wrapped. */
static GstPadChainListFunction default_chain_list;

static void
pad_info_release (gpointer data)
{
  PadInfo *info = data;

  g_mutex_lock (&stats_lock);
  __atomic_store_n (&info->pad, NULL, __ATOMIC_RELEASE);
  /* frames set for the pad see it is not theirs any more */
  g_atomic_int_inc (&info->serial);
  info->next_free = free_pad_infos;
  free_pad_infos = info;
  g_mutex_unlock (&stats_lock);
}

/* A sink pad of an element was linked: from now on its chain functions
 * run inside the tracer's (no GStreamer hook is registered, so GStreamer
 * does not look up its hook table at every push, ref and unref). */
static void
wrap_pad (GstPad * pad)
{
  GstElement *element = pad_element (pad);
  GstPadChainListFunction chain_list;
  PadInfo *info;

  if (!element || GST_PAD_DIRECTION (pad) != GST_PAD_SINK)
    return;
  element_stats (element);
  GST_OBJECT_LOCK (pad);
  if (!GST_PAD_CHAINFUNC (pad) || GST_PAD_CHAINFUNC (pad) == traced_chain ||
      GST_PAD_CHAINFUNC (pad) == traced_chain_counter) {
    GST_OBJECT_UNLOCK (pad);
    return;
  }
  g_mutex_lock (&stats_lock);
  info = free_pad_infos;
  if (info)
    free_pad_infos = info->next_free;
  else
    info = g_new0 (PadInfo, 1);
  g_mutex_unlock (&stats_lock);
  info->chain = GST_PAD_CHAINFUNC (pad);
  chain_list = GST_PAD_CHAINLISTFUNC (pad);
  info->chain_list = chain_list != default_chain_list ? chain_list : NULL;
  info->activate_mode = GST_PAD_ACTIVATEMODEFUNC (pad);
  __atomic_store_n (&info->pad, pad, __ATOMIC_RELEASE);
  g_object_set_qdata_full (G_OBJECT (pad), pad_quark, info, pad_info_release);
  /* the element's functions stay as they are for a chain call already
   * started; the next one finds the info */
  __atomic_store_n (&GST_PAD_CHAINFUNC (pad),
      use_counter ? traced_chain_counter : traced_chain, __ATOMIC_RELEASE);
  if (info->chain_list)
    __atomic_store_n (&GST_PAD_CHAINLISTFUNC (pad), traced_chain_list,
        __ATOMIC_RELEASE);
  __atomic_store_n (&GST_PAD_ACTIVATEMODEFUNC (pad), traced_activate_mode,
      __ATOMIC_RELEASE);
  GST_OBJECT_UNLOCK (pad);
  GST_DEBUG_OBJECT (pad, "traced");
}

static gboolean
on_linked (GSignalInvocationHint * hint, guint n_values,
    const GValue * values, gpointer data)
{
  GstPad *pad = g_value_get_object (&values[0]);

  if (pad && GST_PAD_DIRECTION (pad) == GST_PAD_SINK)
    wrap_pad (pad);
  return TRUE;
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

static void
sample (GstWorkerStatsTracer * self)
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
    row.report = row.element || !e->reported_dead;
    if (!row.element)
      e->reported_dead = TRUE;
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
static void
last_sample (void)
{
  GstWorkerStatsTracer *self = g_atomic_pointer_get (&active_tracer);
  gboolean moved;

  if (!self)
    return;
  g_mutex_lock (&stats_lock);
  moved = activity () != self->last_mark;
  g_mutex_unlock (&stats_lock);
  if (moved)
    sample (self);
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
