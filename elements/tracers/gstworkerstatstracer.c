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
 *   own thread (a source, an aggregator, a demuxer's loop), the time
 *   between two of its pushes. 0: no item in the interval.
 * - `busy`: share of the interval in the element's own code (as above: for
 *   an element that drives a thread, this includes the time it waits in
 *   that thread, for its device or clock or, for an aggregator, its
 *   inputs); `downstream`: in elements it pushed to in its own thread;
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
 * no longer seen.
 *
 * Cost: with any GStreamer hook registered, GStreamer 1.22 looks its
 * hook table up twice at every pad push, chain call and object and buffer
 * ref and unref; on a chain of no-op elements passing 64-byte items that
 * alone costs more than the elements (the stock `factories` tracer, which
 * does nothing per item, adds 66% to `benchsrc ! identity x4 ! benchsink`,
 * counted in instructions with callgrind). workerstats does not pay that:
 * it adds two clock reads and its counting to each chain call, about 290
 * instructions, 14% on that chain of no-op elements (about 330 a chain
 * call with queues between the elements, whose levels it counts; `make
 * bench`: the `tracer` benchmark, timed and counted). Elements that do
 * real work per item (a converter, an encoder, a detector) hide it.
 *
 * Data pulled in pull mode
 * (gst_pad_pull_range()) and event handling are counted as the caller's
 * time.
 *
 * Parameters: `period` (milliseconds, default 100, at least 1).
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
  PadInfo *next_free;           /* stats_lock */
};

/* What a thread is in. A frame stays in the stack array after it is
 * popped: the next item entering at that depth through the same pad finds
 * it there, what it is already set (no search, no lookup). */
typedef struct
{
  /* what it is: set when another pad enters at this depth */
  gconstpointer pad;            /* the pad entered */
  gconstpointer peer;           /* a root: the pad's peer */
  PadInfo *info;                /* not a root: the pad's */
  gconstpointer owner;          /* the element of the slot */
  gint slot;                    /* -1: no stats */
  FrameKind kind;
  gboolean wait_always;         /* a channel that says nothing: all waits */
  gboolean channel;             /* its element is a channel */
  ElementStats *levels;         /* its element, if it has queue levels */

  /* this entry */
  gboolean waiting;
  GstClockTime entry;
  GstClockTime child;           /* in the frames it entered, ended */
  GstClockTime blocked;         /* of that, waiting for room in a queue */
  GstClockTime wait_start;      /* a channel: waiting for room since */
} Frame;

typedef struct
{
  ElementStats *e;
  gconstpointer element;        /* e->element, one load nearer */
  Totals t;
  guint64 proc_max;             /* in interval max_epoch */
  guint max_epoch;
  ElementStats *blocked_on;     /* in interval blocked_epoch */
  guint blocked_epoch;
} Slot;

/* Written only by its thread, between write_begin() and write_end(); a
 * sample copies it and retries while seq is odd or moved (a seqlock): the
 * streaming threads never wait for the sampler. */
typedef struct
{
  guint seq;
  gint root_slot;               /* the element driving this thread */
  GstClockTime last_exit;       /* when it was last back at the top level */
  guint depth, n_slots;
  Frame stack[MAX_DEPTH];
  Slot slots[MAX_SLOTS];
} ThreadState;

static GMutex stats_lock;
static GPtrArray *all_threads;  /* stats_lock */
static GPtrArray *all_elements; /* stats_lock */
static GQuark stats_quark;
static GQuark pad_quark;
static PadInfo *free_pad_infos; /* stats_lock */
static gint epoch;              /* atomic: sample interval number */
static GstClockTime start_time; /* when the tracer started */
static guint threads_changed;   /* stats_lock: threads came or went */
static GstClockTime first_entry;        /* stats_lock: the first chain call,
                                         * 0: none yet */
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
  guint64 last_mark;            /* stats_lock: activity() at it */
  GstPluginFeature *factory;     /* unowned: its weak ref */
  guint linked_signal;
  gulong linked_hook;           /* emission hook on GstPad::linked */
};

G_DEFINE_TYPE (GstWorkerStatsTracer, gst_worker_stats_tracer, GST_TYPE_TRACER);

static GstTracerRecord *element_record, *queue_record;

/* The tracer's clock: the monotonic clock, read inline (the wrappers
 * read it twice per chain call). */
static inline GstClockTime
now_ts (void)
{
#ifdef CLOCK_MONOTONIC
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return GST_TIMESPEC_TO_TIME (ts);
#else
  return gst_util_get_timestamp ();
#endif
}

static inline void
write_begin (ThreadState * t)
{
  __atomic_store_n (&t->seq, t->seq + 1, __ATOMIC_RELAXED);
  __atomic_thread_fence (__ATOMIC_RELEASE);
}

static inline void
write_end (ThreadState * t)
{
  __atomic_store_n (&t->seq, t->seq + 1, __ATOMIC_RELEASE);
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

  t->root_slot = -1;
  g_mutex_lock (&stats_lock);
  if (!first_entry)
    first_entry = now_ts ();
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
proc_update (ThreadState * t, Slot * s, GstClockTime v)
{
  guint ep = (guint) g_atomic_int_get (&epoch);

  s->t.proc_sum += v;
  s->t.proc_count++;
  if (s->max_epoch != ep) {
    s->max_epoch = ep;
    s->proc_max = 0;
  }
  if (v > s->proc_max)
    s->proc_max = v;
}

/* The driving element's time at the top level since its last push: a
 * source waiting for its device is busy; a queue's thread is idle. */
static inline void
root_time (ThreadState * t, GstClockTime now, gboolean done)
{
  GstClockTime gap;
  Slot *s;

  if (t->root_slot < 0)
    return;
  s = &t->slots[t->root_slot];
  if (s->e->channel)
    return;
  gap = t->last_exit && now > t->last_exit ? now - t->last_exit : 0;
  s->t.busy += gap;
  if (done)
    proc_update (t, s, gap);
}

/* The time a queue made its pusher wait goes to the element below it
 * (ghost pads passed). */
static inline void
blame (ThreadState * t, GstClockTime wait, ElementStats * queue)
{
  gint i = (gint) t->depth - 1;
  Slot *s;

  while (i >= 0 && t->stack[i].kind == FRAME_TRANSPARENT)
    i--;
  if (i < 0 || t->stack[i].slot < 0)
    return;
  s = &t->slots[t->stack[i].slot];
  s->t.blocked += wait;
  s->blocked_on = queue;
  s->blocked_epoch = (guint) g_atomic_int_get (&epoch);
}

/* The top frame ends at @now: its element's own time is what it did not
 * spend in the frames it entered (or, a queue, waiting for room); those
 * are its downstream time, the waits its blocked time. @done: really
 * ended (not a sample's look at a frame still open): counts an item. */
static inline void
pop_frame (ThreadState * t, GstClockTime now, gboolean done)
{
  Frame *f = &t->stack[--t->depth];
  Frame *up = t->depth ? &t->stack[t->depth - 1] : NULL;
  GstClockTime incl = now > f->entry ? now - f->entry : 0;
  GstClockTime wait = 0, own;
  Slot *s;

  if (f->waiting && now > f->wait_start)
    wait = now - f->wait_start;
  if (up) {
    up->child += incl;
    up->blocked += f->kind == FRAME_TRANSPARENT ? f->blocked : wait;
  }
  if (f->slot < 0)
    return;
  s = &t->slots[f->slot];
  own = incl - MIN (incl, f->child + wait);
  s->t.busy += own;
  if (f->kind == FRAME_CHANNEL) {
    if (wait)
      blame (t, wait, s->e);
    return;
  }
  /* a queue's own thread pushing is no work of the queue */
  if (!f->channel)
    s->t.downstream += f->child - MIN (f->child, f->blocked);
  if (f->kind == FRAME_ELEMENT && done)
    proc_update (t, s, own);
}

/* ---------------------------------------------------------------------- */
/* hooks */

static inline void
level_add (ElementStats * e, gint n)
{
  gint level = g_atomic_int_add (&e->level, n) + n;
  gint peak;

  while (level > (peak = g_atomic_int_get (&e->peak)) &&
      !g_atomic_int_compare_and_exchange (&e->peak, peak, level));
}

/* Whether @slot (from a frame left at this depth) still holds @owner's
 * stats: its element may be gone and the slot given to another. */
static inline gboolean
slot_holds (ThreadState * t, gint slot, gconstpointer owner)
{
  return slot < 0 || (t->slots[slot].element == owner &&
      g_atomic_int_get (&t->slots[slot].e->alive));
}

/* The slot of the element that pushes into @pad from a thread's top
 * level: its peer's, followed through ghost pads into and out of bins
 * (-1: none). */
static __attribute__ ((noinline)) gint
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
  f->slot = slot;
  f->owner = e ? e->element : NULL;
  f->kind = e ? kind : FRAME_TRANSPARENT;
  f->channel = e && e->channel;
  f->wait_always = kind == FRAME_CHANNEL && !e->overrun_signal;
  f->levels = e && e->levels ? e : NULL;
}

/* The root frame at a thread's top level, for a push into @pad: its
 * peer's element drives the thread. */
static __attribute__ ((noinline)) void
root_frame_set (ThreadState * t, GstPad * pad, gconstpointer peer)
{
  Frame *f = &t->stack[0];

  frame_set (t, f, root_slot (t, pad), FRAME_ROOT, pad);
  f->peer = peer;
}

/* The frame at @depth for an entry through @pad; FALSE: not our pad. */
static __attribute__ ((noinline)) gboolean
pad_frame_set (ThreadState * t, guint depth, GstPad * pad)
{
  Frame *f = &t->stack[depth];
  PadInfo *info = g_object_get_qdata (G_OBJECT (pad), pad_quark);
  gint slot;

  if (!info)
    return FALSE;
  slot = pad_slot (t, pad);
  f->info = info;
  frame_set (t, f, slot, slot >= 0 && t->slots[slot].e->channel ?
      FRAME_CHANNEL : FRAME_ELEMENT, pad);
  return TRUE;
}

/* The pad's functions, as the tracer found them when it wrapped them. */
static inline PadInfo *
pad_info (GstPad * pad)
{
  return g_object_get_qdata (G_OBJECT (pad), pad_quark);
}

/* @pad's chain function is called with @n items: the thread enters the
 * pad's element, pushed by the element it is in (at the top level: by the
 * pad's peer's element, the one driving the thread, which gets a root
 * frame for its push). Returns the frame, NULL: too deep, not counted. */
static inline Frame *
enter (ThreadState * t, GstPad * pad, guint n)
{
  guint d = t->depth;
  GstClockTime now;
  Frame *f, *top;

  if (G_UNLIKELY (d + 2 > MAX_DEPTH))
    return NULL;
  if (d == 0) {
    gconstpointer peer = GST_PAD_PEER (pad);

    f = &t->stack[0];
    if (G_UNLIKELY (f->pad != pad || f->peer != peer ||
            !slot_holds (t, f->slot, f->owner)))
      root_frame_set (t, pad, peer);
    d = 1;
  }
  /* the frame left at this depth by the last item knows the pad */
  f = &t->stack[d];
  if (G_UNLIKELY (f->pad != pad || f->info->pad != pad ||
          !slot_holds (t, f->slot, f->owner)) &&
      !pad_frame_set (t, d, pad))
    return NULL;

  now = now_ts ();
  write_begin (t);
  if (t->depth == 0) {
    /* the driving element pushes: its time since its last push */
    top = &t->stack[0];
    t->root_slot = top->slot;
    root_time (t, now, TRUE);
    top->entry = now;
    top->child = top->blocked = 0;
    top->waiting = FALSE;
    t->depth = 1;
  } else {
    top = &t->stack[t->depth - 1];
  }
  if (top->slot >= 0)
    t->slots[top->slot].t.items_out += n;
  t->depth++;
  f->entry = f->wait_start = now;
  f->child = f->blocked = 0;
  f->waiting = f->wait_always;
  if (f->slot >= 0)
    t->slots[f->slot].t.items_in += n;
  write_end (t);
  if (f->levels)
    level_add (f->levels, n);
  if (top->levels)
    level_add (top->levels, -(gint) n);
  return f;
}

/* The chain function returned; back at the top level, the root's push is
 * over too. */
static inline void
leave (ThreadState * t)
{
  GstClockTime now = now_ts ();

  write_begin (t);
  pop_frame (t, now, TRUE);
  if (t->depth == 1) {
    pop_frame (t, now, TRUE);
    t->last_exit = now;
  }
  write_end (t);
}

static void
on_overrun (GstElement * queue, gpointer user_data)
{
  ElementStats *e = user_data;
  ThreadState *t = thread_state_tls;
  Frame *f;

  if (!t || t->depth == 0)
    return;
  f = &t->stack[t->depth - 1];
  if (f->kind != FRAME_CHANNEL || t->slots[f->slot].e != e || f->waiting)
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

/* The wrappers: a frame around the element's own function. */
static GstFlowReturn
traced_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  ThreadState *t = thread_state ();
  Frame *f = enter (t, pad, 1);
  PadInfo *info;
  GstFlowReturn ret;

  if (G_LIKELY (f)) {
    ret = f->info->chain (pad, parent, buffer);
    leave (t);
    return ret;
  }
  info = pad_info (pad);
  if (G_UNLIKELY (!info)) {
    gst_buffer_unref (buffer);
    return not_wrapped (pad);
  }
  return info->chain (pad, parent, buffer);
}

static GstFlowReturn
traced_chain_list (GstPad * pad, GstObject * parent, GstBufferList * list)
{
  ThreadState *t = thread_state ();
  Frame *f = enter (t, pad, gst_buffer_list_length (list));
  PadInfo *info;
  GstFlowReturn ret;

  if (G_LIKELY (f)) {
    ret = f->info->chain_list (pad, parent, list);
    leave (t);
    return ret;
  }
  info = pad_info (pad);
  if (G_UNLIKELY (!info)) {
    gst_buffer_list_unref (list);
    return not_wrapped (pad);
  }
  return info->chain_list (pad, parent, list);
}

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
  if (!GST_PAD_CHAINFUNC (pad) || GST_PAD_CHAINFUNC (pad) == traced_chain) {
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
  __atomic_store_n (&GST_PAD_CHAINFUNC (pad), traced_chain, __ATOMIC_RELEASE);
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

static gboolean
snapshot (ThreadState * t, ThreadState * copy)
{
  guint tries, s1, n_slots, depth;

  for (tries = 0; tries < 100000; tries++) {
    s1 = __atomic_load_n (&t->seq, __ATOMIC_ACQUIRE);
    if (s1 & 1) {
      if (tries > 100)
        g_thread_yield ();
      continue;
    }
    copy->root_slot = t->root_slot;
    copy->last_exit = t->last_exit;
    n_slots = MIN (t->n_slots, MAX_SLOTS);
    depth = MIN (t->depth, MAX_DEPTH);
    memcpy (copy->slots, t->slots, n_slots * sizeof (Slot));
    memcpy (copy->stack, t->stack, depth * sizeof (Frame));
    __atomic_thread_fence (__ATOMIC_ACQUIRE);
    if (__atomic_load_n (&t->seq, __ATOMIC_RELAXED) == s1) {
      copy->n_slots = n_slots;
      copy->depth = depth;
      copy->seq = s1;
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
  GstClockTime now, period;
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
  if (self->last_sample < first_entry)
    self->last_sample = first_entry;
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
  now = now_ts ();
  period = now > self->last_sample ? now - self->last_sample : 0;
  self->last_sample = now;

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
    if (copy->depth == 0)
      root_time (copy, now, FALSE);
    while (copy->depth > 0)
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
    row.d.busy = sub (e->cur.busy, e->prev.busy);
    row.d.blocked = sub (e->cur.blocked, e->prev.blocked);
    row.d.downstream = sub (e->cur.downstream, e->prev.downstream);
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
    gst_tracer_record_log (element_record, (guint64) (now - start_time), e->name,
        e->path ? e->path : e->name, e->factory, (guint64) period,
        r->d.items_in, r->d.items_out,
        r->d.proc_count ? r->d.proc_sum / r->d.proc_count : (guint64) 0,
        r->proc_max, busy, downstream, blocked, idle, r->blocked_on);

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
      gst_tracer_record_log (queue_record, (guint64) (now - start_time), e->name,
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
  start_time = self->last_sample = now_ts ();
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
