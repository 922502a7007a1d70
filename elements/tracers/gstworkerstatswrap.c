/* gst-workers: the workerstats tracer's wrappers: what each chain call
 * counts (see gstworkerstatstracer.c for the tracer and its documentation)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstworkerstatsstate.h"

#define GST_CAT_DEFAULT gst_worker_stats_debug

GMutex stats_lock;
GPtrArray *all_threads;
GPtrArray *all_elements;
GQuark stats_quark;
GQuark pad_quark;
gint epoch;
guint threads_changed;
GstClockTime first_entry;
guint64 first_entry_ticks;
gboolean use_counter;
GstPadChainListFunction default_chain_list;

static PadInfo *free_pad_infos; /* stats_lock */

static void thread_state_free (gpointer data);
/* the fast way to a thread's state (initial-exec: no call to reach it);
 * thread_key frees it when the thread ends */
static __thread ThreadState *thread_state_tls
    __attribute__ ((tls_model ("initial-exec")));
static GPrivate thread_key = G_PRIVATE_INIT (thread_state_free);

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

void
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

void
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

gboolean
on_linked (GSignalInvocationHint * hint, guint n_values,
    const GValue * values, gpointer data)
{
  GstPad *pad = g_value_get_object (&values[0]);

  if (pad && GST_PAD_DIRECTION (pad) == GST_PAD_SINK)
    wrap_pad (pad);
  return TRUE;
}

