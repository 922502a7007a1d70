/* gst-workers: the workerstats tracer's state, shared by its wrappers
 * (gstworkerstatswrap.c: what each chain call counts) and its samples
 * (gstworkerstatstracer.c: the tracer object, the samples, the log)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: not installed.
 */
#pragma once

#include <time.h>

#include <gst/gst.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_worker_stats_debug);

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

extern GMutex stats_lock;
extern GPtrArray *all_threads;  /* stats_lock */
extern GPtrArray *all_elements; /* stats_lock */
extern GQuark stats_quark;
extern GQuark pad_quark;
extern gint epoch;              /* atomic: sample interval number */
extern guint threads_changed;   /* stats_lock: threads came or went */
extern GstClockTime first_entry;        /* stats_lock: the first chain call,
                                         * ns, 0: none yet */
extern guint64 first_entry_ticks;       /* stats_lock: the same, ticks */
extern gboolean use_counter;    /* set before the first pad is wrapped */
extern GstPadChainListFunction default_chain_list;      /* a pad's own,
                                                         * never wrapped */

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

/* gstworkerstatswrap.c */
void totals_add (Totals * a, const Totals * b);
void pop_frame (ThreadState * t, GstClockTime now, gboolean done);
gboolean on_linked (GSignalInvocationHint * hint, guint n_values,
    const GValue * values, gpointer data);

/* gstworkerstatstracer.c */
void clock_pair (guint64 * ticks, GstClockTime * ns);
void last_sample (void);

G_END_DECLS
