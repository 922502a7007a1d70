/* gst-workers: the worker pool's order book
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * The order book is what a pool's dispatcher and collector share. It holds
 * one slot per dispatched item (and per in-band event, and one "drain" slot
 * per replica at EOS), in dispatch order. Each replica handles its slots in
 * that order; the mark the dispatcher sent after each slot ends it (a drain
 * slot ends with the replica's EOS). The collector lets a replica's outputs
 * through only while that replica's oldest unended slot is the oldest
 * unended slot of all: the outputs of input k before those of input k + 1.
 *
 * A mark ends a slot in one of two ways, decided per replica at its first
 * mark of a run (gstpoolentry.c): a replica that holds no items and runs no
 * thread of its own has emitted everything an item makes when it returns
 * from it, so its marks never enter it: a "return" mark goes straight
 * behind it (it cannot drop, hold or merge what it never sees). Other
 * replicas (encoders with latency, queues inside) pass the marks through,
 * in order with their data, as GStreamer elements pass serialized events.
 *
 * It also counts the items waiting in each replica's input queue, so the
 * dispatcher gives each item to a replica whose queue has room.
 *
 * Replicas come and go while the pool runs (its `size` changed in PAUSED or
 * PLAYING): every per-replica array has room for the pool's largest size,
 * and each index has a state. A new replica is JOINING while the pool
 * builds it, READY once built and linked, JOINED while the dispatcher
 * joins it to the stream, ACTIVE once it has joined it (its own thread, in order with the pool's other
 * events). A replica being retired takes no more items (RETIRING): after
 * its last one, a drain slot and an EOS end it, so whatever it still emits
 * leaves in its place; its EOS at the collector makes it RETIRED, and the
 * pool removes it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpoolorder.h"

typedef enum
{
  SLOT_ITEM,
  SLOT_EVENT,
  SLOT_DRAIN,
} SlotKind;

typedef struct
{
  guint64 index;
  guint replica;
  SlotKind kind;
  gboolean done;
  guint outputs;                /* what the collector let out for it */
} Slot;

typedef enum
{
  REPLICA_UNUSED,
  REPLICA_JOINING,              /* being built by the pool */
  REPLICA_READY,                /* built and linked: the dispatcher joins it */
  REPLICA_JOINED,               /* the dispatcher is joining it */
  REPLICA_ACTIVE,               /* takes items */
  REPLICA_RETIRING,             /* takes none; ends with its EOS */
  REPLICA_RETIRED,              /* ended: the pool removes it */
} ReplicaState;

struct _GstPoolOrder
{
  guint n;                      /* room for replicas (the largest size);
                                 * fixed */
  GstPoolOrderDispatch dispatch;        /* fixed */
  guint id;                     /* tells our marks from another pool's */

  GMutex lock;
  GCond room_cond;              /* a queue got room, or flushing */
  GCond turn_cond;              /* the head moved, or flushing */

  /* protected by lock */
  GQueue slots;                 /* every unfinished slot, oldest first */
  GQueue *pending;              /* per replica: its unended slots */
  guint *level;                 /* per replica: items in its input queue */
  guint *limit;                 /* per replica: its input queue's bound */
  gboolean *hello_seen;         /* per replica */
  gboolean *idle;               /* per replica: waiting on an empty queue */
  GstPoolOrderEnds *ends;       /* per replica: how its slots end */
  GstPad **replica_sinks;       /* per replica: its own pads, reffed */
  GstPad **replica_srcs;
  ReplicaState *state;          /* per replica */
  gboolean *eos_due;            /* per replica: retiring, the dispatcher
                                 * has its EOS to send */
  gint pushing;                 /* the replica the dispatcher is handing an
                                 * item or event to, or -1 */
  gboolean pushing_all;         /* the dispatcher is sending EOS to every
                                 * active replica */
  guint rotation;               /* the replica to try first */
  guint last;                   /* the replica of the last item */
  guint64 next_index;
  gboolean flushing;
  gboolean run_started;
  gboolean draining;            /* drain slots added (EOS dispatched) */
  gboolean finished;            /* all slots ended after EOS, reported */
  guint32 eos_seqnum;

  GstFlowReturn downstream;     /* what the pool's output was refused
                                 * with (an error, not-linked or EOS), or
                                 * OK: every replica stops on it */
  gboolean broken;              /* a replica broke the contract */
  gboolean broken_claimed;       /* someone is posting the error */
  gboolean broken_taken;        /* the error is posted: everyone stops */
  guint broken_replica;
  gchar *broken_message;

  /* fixed once set */
  GstPoolOrderRetiredFunc retired_func;
  gpointer retired_data;
};

static void
gst_pool_order_clear (GstPoolOrder * order)
{
  g_queue_clear_full (&order->slots, g_free);
  for (guint r = 0; r < order->n; r++) {
    g_queue_clear (&order->pending[r]);
    gst_clear_object (&order->replica_sinks[r]);
    gst_clear_object (&order->replica_srcs[r]);
  }
  g_free (order->pending);
  g_free (order->replica_sinks);
  g_free (order->replica_srcs);
  g_free (order->level);
  g_free (order->limit);
  g_free (order->hello_seen);
  g_free (order->idle);
  g_free (order->state);
  g_free (order->eos_due);
  g_free (order->ends);
  g_free (order->broken_message);
  g_mutex_clear (&order->lock);
  g_cond_clear (&order->room_cond);
  g_cond_clear (&order->turn_cond);
}

/**
 * gst_pool_order_new:
 * @n_replicas: the replicas the pool starts with (indices 0 to
 *   @n_replicas - 1, active)
 * @capacity: the most replicas the pool can ever have at once
 */
GstPoolOrder *
gst_pool_order_new (guint n_replicas, guint capacity,
    GstPoolOrderDispatch dispatch)
{
  static gint next_id = 0;
  GstPoolOrder *order;

  g_return_val_if_fail (n_replicas > 0, NULL);
  g_return_val_if_fail (capacity >= n_replicas, NULL);

  /* add_drains' mask has a bit per replica */
  g_return_val_if_fail (capacity <= 64, NULL);

  order = g_atomic_rc_box_new0 (GstPoolOrder);
  order->n = capacity;
  order->dispatch = dispatch;
  order->id = (guint) g_atomic_int_add (&next_id, 1);

  g_mutex_init (&order->lock);
  g_cond_init (&order->room_cond);
  g_cond_init (&order->turn_cond);
  g_queue_init (&order->slots);
  order->pending = g_new0 (GQueue, capacity);
  order->level = g_new0 (guint, capacity);
  order->limit = g_new0 (guint, capacity);
  order->hello_seen = g_new0 (gboolean, capacity);
  order->idle = g_new0 (gboolean, capacity);
  order->ends = g_new0 (GstPoolOrderEnds, capacity);
  order->replica_sinks = g_new0 (GstPad *, capacity);
  order->replica_srcs = g_new0 (GstPad *, capacity);
  order->state = g_new0 (ReplicaState, capacity);
  order->eos_due = g_new0 (gboolean, capacity);
  order->pushing = -1;
  for (guint r = 0; r < capacity; r++) {
    g_queue_init (&order->pending[r]);
    order->limit[r] = 1;
    order->idle[r] = TRUE;
    order->state[r] = r < n_replicas ? REPLICA_ACTIVE : REPLICA_UNUSED;
  }
  return order;
}

GstPoolOrder *
gst_pool_order_ref (GstPoolOrder * order)
{
  return g_atomic_rc_box_acquire (order);
}

void
gst_pool_order_unref (GstPoolOrder * order)
{
  g_atomic_rc_box_release_full (order, (GDestroyNotify) gst_pool_order_clear);
}

/* Returns: how many replicas the pool can have at once: the size of every
 * per-replica array. */
guint
gst_pool_order_get_capacity (GstPoolOrder * order)
{
  return order->n;
}

static void notify_retired (GstPoolOrder * order, gboolean retired);

/* Forgets every slot: a new run (READY to PAUSED) or after a flush. A
 * replica being retired lost its last items to the flush: it is retired
 * now. */
void
gst_pool_order_reset (GstPoolOrder * order)
{
  gboolean retired = FALSE;

  g_mutex_lock (&order->lock);
  g_queue_clear_full (&order->slots, g_free);
  for (guint r = 0; r < order->n; r++) {
    g_queue_clear (&order->pending[r]);
    order->level[r] = 0;
    order->hello_seen[r] = FALSE;
    order->idle[r] = TRUE;
    order->ends[r] = GST_POOL_ORDER_ENDS_UNDECIDED;
    if (order->state[r] == REPLICA_RETIRING) {
      order->state[r] = REPLICA_RETIRED;
      retired = TRUE;
    }
    order->eos_due[r] = FALSE;
  }
  order->pushing = -1;
  order->pushing_all = FALSE;
  order->rotation = 0;
  order->last = 0;
  order->next_index = 0;
  order->flushing = FALSE;
  order->run_started = FALSE;
  order->draining = FALSE;
  order->finished = FALSE;
  order->eos_seqnum = GST_SEQNUM_INVALID;
  order->downstream = GST_FLOW_OK;
  order->broken = FALSE;
  order->broken_claimed = FALSE;
  order->broken_taken = FALSE;
  g_clear_pointer (&order->broken_message, g_free);
  g_cond_broadcast (&order->room_cond);
  g_cond_broadcast (&order->turn_cond);
  g_mutex_unlock (&order->lock);
  notify_retired (order, retired);
}

/* Wakes every wait and makes new ones fail. */
void
gst_pool_order_set_flushing (GstPoolOrder * order, gboolean flushing)
{
  g_mutex_lock (&order->lock);
  order->flushing = flushing;
  if (!flushing)
    order->downstream = GST_FLOW_OK;
  g_cond_broadcast (&order->room_cond);
  g_cond_broadcast (&order->turn_cond);
  g_mutex_unlock (&order->lock);
}

static void
break_contract_locked (GstPoolOrder * order, guint replica,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);

static void
break_contract_locked (GstPoolOrder * order, guint replica,
    const gchar * format, ...)
{
  va_list args;

  if (order->broken)
    return;
  order->broken = TRUE;
  order->broken_replica = replica;
  va_start (args, format);
  order->broken_message = g_strdup_vprintf (format, args);
  va_end (args);
  /* the others stop once the error is out (gst_pool_order_take_error()),
   * so that it is the first error the application sees */
}

/**
 * gst_pool_order_take_error:
 *
 * Returns: %TRUE, once, if a replica broke the pool's contract; then
 * @replica and @message (free it) say which and how: post the error, then
 * call gst_pool_order_error_posted(). Other callers wait until it is
 * posted (or a flush starts), then get %FALSE.
 */
gboolean
gst_pool_order_take_error (GstPoolOrder * order, guint * replica,
    gchar ** message)
{
  gboolean ret = FALSE;

  g_mutex_lock (&order->lock);
  if (order->broken && !order->broken_claimed) {
    order->broken_claimed = TRUE;
    *replica = order->broken_replica;
    *message = g_strdup (order->broken_message);
    ret = TRUE;
  }
  /* another thread posts it: the error this caller returns upstream must
   * not reach a source, which posts an error of its own, before it */
  while (!ret && order->broken && !order->broken_taken && !order->flushing)
    g_cond_wait (&order->turn_cond, &order->lock);
  g_mutex_unlock (&order->lock);
  return ret;
}

/**
 * gst_pool_order_error_posted:
 *
 * The error of gst_pool_order_take_error() is on the bus: now every wait
 * of the pool fails, so that no other element's error comes first.
 */
void
gst_pool_order_error_posted (GstPoolOrder * order)
{
  g_mutex_lock (&order->lock);
  order->broken_taken = TRUE;
  g_cond_broadcast (&order->room_cond);
  g_cond_broadcast (&order->turn_cond);
  g_mutex_unlock (&order->lock);
}

/**
 * gst_pool_order_set_downstream_flow:
 *
 * The pool's output was refused with @ret (an error, not-linked or EOS;
 * other values are ignored): every wait of the pool ends and returns it,
 * so the dispatcher gives it upstream even when every replica's input
 * queue is full and would never drain (a replica whose output stopped
 * reads no more).
 */
void
gst_pool_order_set_downstream_flow (GstPoolOrder * order, GstFlowReturn ret)
{
  if (ret == GST_FLOW_OK || ret == GST_FLOW_FLUSHING)
    return;
  g_mutex_lock (&order->lock);
  if (order->downstream == GST_FLOW_OK && !order->flushing) {
    order->downstream = ret;
    g_cond_broadcast (&order->room_cond);
    g_cond_broadcast (&order->turn_cond);
  }
  g_mutex_unlock (&order->lock);
}

/* ---------------------------------------------------------------------- */
/* dispatch side */

/* The bound of a replica's input queue (0: unbounded), kept in step with
 * its max-size-buffers, which an application or the controller may grow. */
void
gst_pool_order_set_limit (GstPoolOrder * order, guint replica, guint limit)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  order->limit[replica] = limit ? limit : G_MAXUINT;
  g_cond_broadcast (&order->room_cond);
  g_mutex_unlock (&order->lock);
}

/* Returns %TRUE once per run: the dispatcher then says hello to every
 * replica before anything else. */
gboolean
gst_pool_order_begin_run (GstPoolOrder * order)
{
  gboolean first;

  g_mutex_lock (&order->lock);
  first = !order->run_started;
  order->run_started = TRUE;
  g_mutex_unlock (&order->lock);
  return first;
}

/* Returns: whether the run started (the replicas had their hello). */
gboolean
gst_pool_order_run_started (GstPoolOrder * order)
{
  gboolean started;

  g_mutex_lock (&order->lock);
  started = order->run_started;
  g_mutex_unlock (&order->lock);
  return started;
}

static gint
pick_locked (GstPoolOrder * order)
{
  guint r;

  if (order->flushing || order->broken_taken ||
      order->downstream != GST_FLOW_OK)
    return -1;
  if (order->dispatch == GST_POOL_ORDER_DISPATCH_ROUND_ROBIN) {
    /* the rotation's replica, passing over those that are not active (the
     * pool was resized) */
    for (guint i = 0; i < order->n; i++) {
      r = (order->rotation + i) % order->n;
      if (order->state[r] == REPLICA_ACTIVE)
        return order->level[r] < order->limit[r] ? (gint) r : -1;
    }
    return -1;
  }
  /* the replica that had the previous item, if it is idle again: a stream
   * that one replica keeps up with stays on it, so an element that holds
   * an item's mark until its next input (a video encoder) gets that input
   * at once and nothing waits for the mark */
  r = order->last;
  if (order->state[r] == REPLICA_ACTIVE && order->idle[r] &&
      order->level[r] < order->limit[r])
    return r;
  /* else an idle one, else any with room, in rotation: a replica busy with
   * a slow item is passed over */
  for (guint i = 0; i < order->n; i++) {
    r = (order->rotation + i) % order->n;
    if (order->state[r] == REPLICA_ACTIVE && order->idle[r] &&
        order->level[r] < order->limit[r])
      return r;
  }
  for (guint i = 0; i < order->n; i++) {
    r = (order->rotation + i) % order->n;
    if (order->state[r] == REPLICA_ACTIVE &&
        order->level[r] < order->limit[r])
      return r;
  }
  return -1;
}

/* A replica to join, or a retired one's EOS to send: work for the
 * dispatcher. */
static gboolean
has_reshape_locked (GstPoolOrder * order)
{
  for (guint r = 0; r < order->n; r++)
    if (order->state[r] == REPLICA_READY || order->eos_due[r])
      return TRUE;
  return FALSE;
}

/* Returns: the replica the next item goes to, or -1 if none has room. It
 * cannot be retired until gst_pool_order_pushed(). */
gint
gst_pool_order_pick (GstPoolOrder * order)
{
  gint r;

  g_mutex_lock (&order->lock);
  r = pick_locked (order);
  if (r >= 0)
    order->pushing = r;
  g_mutex_unlock (&order->lock);
  return r;
}

/* The dispatcher handed the item or event it picked a replica for (and its
 * mark) to that replica's queue, or gave up. */
void
gst_pool_order_pushed (GstPoolOrder * order)
{
  g_mutex_lock (&order->lock);
  order->pushing = -1;
  order->pushing_all = FALSE;
  g_cond_broadcast (&order->room_cond);
  g_mutex_unlock (&order->lock);
}

/* Returns: the replica the rotation would take next: the first active
 * one from the rotation's place (which can be the number after the
 * highest replica, or a retired one's). */
guint
gst_pool_order_next (GstPoolOrder * order)
{
  guint r = 0;

  g_mutex_lock (&order->lock);
  for (guint i = 0; i < order->n; i++) {
    r = (order->rotation + i) % order->n;
    if (order->state[r] == REPLICA_ACTIVE)
      break;
  }
  g_mutex_unlock (&order->lock);
  return r;
}

/* Waits until a replica has room, a new one is ready to join or a retired
 * one's EOS is due, or @timeout_us passed. Returns: %FALSE
 * if cut short by a flush, a state change, a broken contract or the
 * output's refusal. */
gboolean
gst_pool_order_wait_room (GstPoolOrder * order, gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean ret;

  g_mutex_lock (&order->lock);
  while (!order->flushing && !order->broken_taken &&
      order->downstream == GST_FLOW_OK && pick_locked (order) < 0 &&
      !has_reshape_locked (order))
    if (!g_cond_wait_until (&order->room_cond, &order->lock, end))
      break;
  ret = !order->flushing && !order->broken_taken &&
      order->downstream == GST_FLOW_OK;
  g_mutex_unlock (&order->lock);
  return ret;
}

static guint64
add_slot_locked (GstPoolOrder * order, guint replica, SlotKind kind)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->index = order->next_index++;
  slot->replica = replica;
  slot->kind = kind;
  g_queue_push_tail (&order->slots, slot);
  g_queue_push_tail (&order->pending[replica], slot);
  return slot->index;
}

/* Records an item given to @replica. Returns: its index, for its mark. */
guint64
gst_pool_order_add_item (GstPoolOrder * order, guint replica)
{
  guint64 index;

  g_return_val_if_fail (replica < order->n, 0);

  g_mutex_lock (&order->lock);
  index = add_slot_locked (order, replica, SLOT_ITEM);
  order->level[replica]++;
  order->idle[replica] = FALSE;
  order->last = replica;
  order->rotation = (replica + 1) % order->n;
  order->pushing = replica;
  g_mutex_unlock (&order->lock);
  return index;
}

/* Records an in-band event; it goes to the replica that had the last item,
 * so the rotation (and which items each replica sees) does not change.
 * Returns: its index, for its mark. */
guint64
gst_pool_order_add_event (GstPoolOrder * order, guint * replica)
{
  guint64 index;

  g_mutex_lock (&order->lock);
  *replica = order->last;
  /* the last item's replica retired: the first active one */
  for (guint r = 0; order->state[*replica] != REPLICA_ACTIVE && r < order->n;
      r++)
    *replica = r;
  index = add_slot_locked (order, *replica, SLOT_EVENT);
  order->pushing = *replica;
  g_mutex_unlock (&order->lock);
  return index;
}

/* At EOS: what the replicas emit while draining comes after every item, in
 * replica order. (A replica being retired whose EOS went out has its drain
 * slot already; one whose EOS is due drains with the others.) None can be
 * retired until gst_pool_order_pushed(): the dispatcher sends EOS to each
 * replica of the returned mask (bit r for replica r). */
guint64
gst_pool_order_add_drains (GstPoolOrder * order, guint32 eos_seqnum)
{
  guint64 mask = 0;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n; r++)
    if (order->state[r] == REPLICA_ACTIVE || order->eos_due[r]) {
      add_slot_locked (order, r, SLOT_DRAIN);
      order->eos_due[r] = FALSE;
      mask |= G_GUINT64_CONSTANT (1) << r;
    }
  order->draining = TRUE;
  order->pushing_all = TRUE;
  order->eos_seqnum = eos_seqnum;
  g_mutex_unlock (&order->lock);
  return mask;
}

/* An item left @replica's input queue. */
void
gst_pool_order_dequeued (GstPoolOrder * order, guint replica)
{
  g_mutex_lock (&order->lock);
  if (order->level[replica] > 0)
    order->level[replica]--;
  g_cond_broadcast (&order->room_cond);
  g_mutex_unlock (&order->lock);
}

/* @replica finished what it had and waits on its empty input queue (the
 * queue's "underrun"). */
void
gst_pool_order_idle (GstPoolOrder * order, guint replica)
{
  g_mutex_lock (&order->lock);
  if (order->level[replica] == 0)
    order->idle[replica] = TRUE;
  g_mutex_unlock (&order->lock);
}

/* Returns: the replica whose outputs go out now (0 if none). */
guint
gst_pool_order_head_replica (GstPoolOrder * order)
{
  Slot *head;
  guint r;

  g_mutex_lock (&order->lock);
  head = g_queue_peek_head (&order->slots);
  r = head ? head->replica : 0;
  g_mutex_unlock (&order->lock);
  return r;
}

GstEvent *
gst_pool_order_new_mark (GstPoolOrder * order, guint64 index)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new (GST_POOL_ORDER_MARK_NAME,
          "pool", G_TYPE_UINT, order->id,
          "index", G_TYPE_UINT64, index, NULL));
}

GstEvent *
gst_pool_order_new_hello (GstPoolOrder * order)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new (GST_POOL_ORDER_MARK_NAME,
          "pool", G_TYPE_UINT, order->id,
          "hello", G_TYPE_BOOLEAN, TRUE, NULL));
}

/* The mark that ends slot @index behind a replica that returned from it. */
GstEvent *
gst_pool_order_new_return (GstPoolOrder * order, guint64 index)
{
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new (GST_POOL_ORDER_MARK_NAME,
          "pool", G_TYPE_UINT, order->id,
          "index", G_TYPE_UINT64, index,
          "return", G_TYPE_BOOLEAN, TRUE, NULL));
}

/* ---------------------------------------------------------------------- */
/* collect side */

/* Returns: which of this pool's marks @event is, with its @index (a nested
 * pool's marks are ordinary events here). */
GstPoolOrderMark
gst_pool_order_parse_mark (GstPoolOrder * order, GstEvent * event,
    guint64 * index)
{
  const GstStructure *s;
  guint id;

  *index = 0;
  if (GST_EVENT_TYPE (event) != GST_EVENT_CUSTOM_DOWNSTREAM)
    return GST_POOL_ORDER_MARK_NONE;
  s = gst_event_get_structure (event);
  if (!gst_structure_has_name (s, GST_POOL_ORDER_MARK_NAME) ||
      !gst_structure_get_uint (s, "pool", &id) || id != order->id)
    return GST_POOL_ORDER_MARK_NONE;
  if (gst_structure_has_field (s, "hello"))
    return GST_POOL_ORDER_MARK_HELLO;
  if (!gst_structure_get_uint64 (s, "index", index))
    return GST_POOL_ORDER_MARK_NONE;
  return gst_structure_has_field (s, "return") ? GST_POOL_ORDER_MARK_RETURN :
      GST_POOL_ORDER_MARK_END;
}

/* How @replica's slots end from now on in this run. */
void
gst_pool_order_set_ends (GstPoolOrder * order, guint replica,
    GstPoolOrderEnds ends)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  order->ends[replica] = ends;
  g_cond_broadcast (&order->turn_cond);
  g_mutex_unlock (&order->lock);
}

GstPoolOrderEnds
gst_pool_order_get_ends (GstPoolOrder * order, guint replica)
{
  GstPoolOrderEnds ends;

  g_return_val_if_fail (replica < order->n, GST_POOL_ORDER_ENDS_UNDECIDED);

  g_mutex_lock (&order->lock);
  ends = order->ends[replica];
  g_mutex_unlock (&order->lock);
  return ends;
}

void
gst_pool_order_hello (GstPoolOrder * order, guint replica)
{
  g_mutex_lock (&order->lock);
  order->hello_seen[replica] = TRUE;
  g_cond_broadcast (&order->turn_cond);
  g_mutex_unlock (&order->lock);
}

static GstFlowReturn
state_locked (GstPoolOrder * order)
{
  if (order->broken_taken)
    return GST_FLOW_ERROR;
  if (order->flushing)
    return GST_FLOW_FLUSHING;
  return order->downstream;
}

/* Waits until the outputs @replica emits now may go out: until its oldest
 * unended slot is the oldest of all. */
GstFlowReturn
gst_pool_order_wait_turn (GstPoolOrder * order, guint replica)
{
  GstFlowReturn ret;

  g_mutex_lock (&order->lock);
  while ((ret = state_locked (order)) == GST_FLOW_OK) {
    Slot *mine = g_queue_peek_head (&order->pending[replica]);

    /* a replica whose marks go through it must pass them: the hello
     * before its first output */
    if (order->ends[replica] == GST_POOL_ORDER_ENDS_BY_MARKS &&
        order->run_started && !order->hello_seen[replica]) {
      break_contract_locked (order, replica, "it emitted output before the "
          "pool's first event reached its end: it drops or reorders "
          "serialized custom events, which the pool needs to keep order");
      ret = GST_FLOW_ERROR;
      break;
    }
    if (mine && mine == g_queue_peek_head (&order->slots)) {
      /* what goes out now is one of its outputs */
      mine->outputs++;
      break;
    }
    g_cond_wait (&order->turn_cond, &order->lock);
  }
  g_mutex_unlock (&order->lock);
  return ret;
}

/* Drops the ended slots at the head. Returns: %TRUE once, when the last
 * slot after EOS has ended. */
static gboolean
advance_locked (GstPoolOrder * order)
{
  Slot *head;
  gboolean moved = FALSE;

  while ((head = g_queue_peek_head (&order->slots)) && head->done) {
    g_free (g_queue_pop_head (&order->slots));
    moved = TRUE;
  }
  if (moved)
    g_cond_broadcast (&order->turn_cond);
  if (order->draining && !head && !order->finished) {
    order->finished = TRUE;
    return TRUE;
  }
  return FALSE;
}

static const gchar *
slot_kind_name (Slot * slot)
{
  return slot->kind == SLOT_ITEM ? "item" : "event";
}

/* @replica ended slot @index (its @mark arrived). @finished is set when
 * that was the last slot after EOS: then push EOS. @empty is set when it
 * was an item that made no output at all. */
GstFlowReturn
gst_pool_order_end (GstPoolOrder * order, guint replica,
    GstPoolOrderMark mark, guint64 index, gboolean * finished,
    gboolean * empty)
{
  GstFlowReturn ret;
  Slot *mine;

  *finished = FALSE;
  *empty = FALSE;
  g_mutex_lock (&order->lock);
  if ((ret = state_locked (order)) != GST_FLOW_OK)
    goto done;
  /* a replica that ends its slots by returning from them may still emit
   * the marks that went into it before that was decided */
  if (mark == GST_POOL_ORDER_MARK_END &&
      order->ends[replica] == GST_POOL_ORDER_ENDS_BY_RETURNS)
    goto done;

  mine = g_queue_peek_head (&order->pending[replica]);
  if (!mine || mine->kind == SLOT_DRAIN || mine->index > index) {
    break_contract_locked (order, replica, "it ended input %" G_GUINT64_FORMAT
        " twice, or one it was never given", index);
    ret = GST_FLOW_ERROR;
    goto done;
  }
  if (mine->index < index) {
    break_contract_locked (order, replica, "it lost the end of %s %"
        G_GUINT64_FORMAT ": it drops serialized custom events, which the "
        "pool needs to keep order", slot_kind_name (mine), mine->index);
    ret = GST_FLOW_ERROR;
    goto done;
  }
  g_queue_pop_head (&order->pending[replica]);
  mine->done = TRUE;
  *empty = mine->kind == SLOT_ITEM && mine->outputs == 0;
  *finished = advance_locked (order);

done:
  g_mutex_unlock (&order->lock);
  return ret;
}

/* @replica sent EOS: its drain slot ended. */
GstFlowReturn
gst_pool_order_replica_eos (GstPoolOrder * order, guint replica,
    gboolean * finished)
{
  GstFlowReturn ret;
  gboolean retired = FALSE;
  Slot *mine;

  *finished = FALSE;
  g_mutex_lock (&order->lock);
  if ((ret = state_locked (order)) != GST_FLOW_OK)
    goto done;

  mine = g_queue_peek_head (&order->pending[replica]);
  if ((!order->draining && order->state[replica] != REPLICA_RETIRING) ||
      !mine) {
    break_contract_locked (order, replica, "it ended its stream (EOS) "
        "before the pool's input did");
    ret = GST_FLOW_ERROR;
    goto done;
  }
  if (!mine || mine->kind != SLOT_DRAIN) {
    break_contract_locked (order, replica, "it reached EOS with %u inputs "
        "not ended: it drops serialized custom events, which the pool needs "
        "to keep order", g_queue_get_length (&order->pending[replica]) - 1);
    ret = GST_FLOW_ERROR;
    goto done;
  }
  g_queue_pop_head (&order->pending[replica]);
  mine->done = TRUE;
  if (order->state[replica] == REPLICA_RETIRING) {
    order->state[replica] = REPLICA_RETIRED;
    retired = TRUE;
  }
  *finished = advance_locked (order);

done:
  g_mutex_unlock (&order->lock);
  notify_retired (order, retired);
  return ret;
}

/* Returns: %GST_FLOW_ERROR after a broken contract, %GST_FLOW_FLUSHING while
 * flushing, what the output was refused with, else %GST_FLOW_OK. */
GstFlowReturn
gst_pool_order_get_flow (GstPoolOrder * order)
{
  GstFlowReturn ret;

  g_mutex_lock (&order->lock);
  ret = state_locked (order);
  g_mutex_unlock (&order->lock);
  return ret;
}

/* Returns: %TRUE once every slot ended after EOS. */
gboolean
gst_pool_order_is_finished (GstPoolOrder * order)
{
  gboolean finished;

  g_mutex_lock (&order->lock);
  finished = order->finished;
  g_mutex_unlock (&order->lock);
  return finished;
}

guint32
gst_pool_order_get_eos_seqnum (GstPoolOrder * order)
{
  guint32 seqnum;

  g_mutex_lock (&order->lock);
  seqnum = order->eos_seqnum;
  g_mutex_unlock (&order->lock);
  return seqnum;
}

/* ---------------------------------------------------------------------- */
/* caps */

/* The replicas' own pads, for caps queries that must not cross the queues
 * around them: a queue answers a caps query in the order of preference of
 * the query's filter, and upstream would then pick another format than it
 * picks for one element. */
void
gst_pool_order_set_replica_pads (GstPoolOrder * order, guint replica,
    GstPad * sink, GstPad * src)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  gst_object_replace ((GstObject **) & order->replica_sinks[replica],
      GST_OBJECT (sink));
  gst_object_replace ((GstObject **) & order->replica_srcs[replica],
      GST_OBJECT (src));
  g_mutex_unlock (&order->lock);
}

/**
 * gst_pool_order_query_caps:
 * @direction: %GST_PAD_SINK for what the replicas accept, %GST_PAD_SRC for
 *   what they emit
 *
 * Answers a caps query with what every replica allows: the intersection,
 * in the first replica's order of preference.
 */
gboolean
gst_pool_order_query_caps (GstPoolOrder * order, GstPadDirection direction,
    GstQuery * query)
{
  GstCaps *filter, *result = NULL;
  GstPad **pads = g_new0 (GstPad *, order->n);

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n; r++) {
    GstPad *pad = direction == GST_PAD_SINK ? order->replica_sinks[r] :
        order->replica_srcs[r];

    pads[r] = pad ? gst_object_ref (pad) : NULL;
  }
  g_mutex_unlock (&order->lock);

  gst_query_parse_caps (query, &filter);
  for (guint r = 0; r < order->n; r++) {
    GstCaps *caps;

    if (!pads[r])
      continue;
    caps = gst_pad_query_caps (pads[r], filter);
    if (result) {
      GstCaps *both = gst_caps_intersect_full (result, caps,
          GST_CAPS_INTERSECT_FIRST);

      gst_caps_unref (result);
      gst_caps_unref (caps);
      result = both;
    } else {
      result = caps;
    }
    gst_object_unref (pads[r]);
  }
  g_free (pads);
  if (!result)
    result = filter ? gst_caps_ref (filter) : gst_caps_new_any ();
  gst_query_set_caps_result (query, result);
  gst_caps_unref (result);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* replicas that come and go */

/* Called without the lock. */
static void
notify_retired (GstPoolOrder * order, gboolean retired)
{
  if (retired && order->retired_func)
    order->retired_func (order, order->retired_data);
}

/**
 * gst_pool_order_set_retired_func:
 *
 * @func is called (from a streaming thread, or the one that reset the
 * order) when a replica being retired has ended: the pool then removes it
 * (not from that thread). Set once, before the pool runs.
 */
void
gst_pool_order_set_retired_func (GstPoolOrder * order,
    GstPoolOrderRetiredFunc func, gpointer user_data)
{
  order->retired_func = func;
  order->retired_data = user_data;
}

/* Returns: whether @replica takes items (it has a pad on the dispatcher
 * and a place in the rotation). */
gboolean
gst_pool_order_is_active (GstPoolOrder * order, guint replica)
{
  gboolean ret;

  g_return_val_if_fail (replica < order->n, FALSE);

  g_mutex_lock (&order->lock);
  ret = order->state[replica] == REPLICA_ACTIVE;
  g_mutex_unlock (&order->lock);
  return ret;
}

/* Returns: whether @replica is linked to the dispatcher: it takes items,
 * or it is being retired and still holds some. */
gboolean
gst_pool_order_is_linked (GstPoolOrder * order, guint replica)
{
  gboolean ret;

  g_return_val_if_fail (replica < order->n, FALSE);

  g_mutex_lock (&order->lock);
  ret = order->state[replica] == REPLICA_ACTIVE ||
      order->state[replica] == REPLICA_RETIRING;
  g_mutex_unlock (&order->lock);
  return ret;
}

/* Returns: the replicas that take items, or will once joined: what the
 * pool's size counts. */
guint
gst_pool_order_count_live (GstPoolOrder * order)
{
  guint n = 0;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n; r++)
    if (order->state[r] == REPLICA_JOINING ||
        order->state[r] == REPLICA_READY ||
        order->state[r] == REPLICA_JOINED || order->state[r] == REPLICA_ACTIVE)
      n++;
  g_mutex_unlock (&order->lock);
  return n;
}

/* Returns: the index of a new replica (JOINING: the pool builds it), or
 * -1 if the pool is full. */
gint
gst_pool_order_reserve_replica (GstPoolOrder * order)
{
  gint ret = -1;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n && ret < 0; r++) {
    if (order->state[r] != REPLICA_UNUSED)
      continue;
    g_queue_clear (&order->pending[r]);
    order->level[r] = 0;
    order->limit[r] = 1;
    order->hello_seen[r] = FALSE;
    order->idle[r] = TRUE;
    order->ends[r] = GST_POOL_ORDER_ENDS_UNDECIDED;
    order->state[r] = REPLICA_JOINING;
    ret = r;
  }
  g_mutex_unlock (&order->lock);
  return ret;
}

/* The pool built and linked @replica: the dispatcher joins it to the
 * stream (gst_pool_order_take_ready()) before its next item. */
void
gst_pool_order_replica_ready (GstPoolOrder * order, guint replica)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  if (order->state[replica] == REPLICA_JOINING)
    order->state[replica] = REPLICA_READY;
  g_cond_broadcast (&order->room_cond);
  g_mutex_unlock (&order->lock);
}

/* Returns: a replica ready to join (the dispatcher then calls
 * gst_pool_order_activate_replica(), and gst_pool_order_pushed() once it
 * said hello), or -1. */
gint
gst_pool_order_take_ready (GstPoolOrder * order)
{
  gint ret = -1;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n && ret < 0; r++)
    if (order->state[r] == REPLICA_READY) {
      order->state[r] = REPLICA_JOINED;
      order->pushing = r;
      ret = r;
    }
  g_mutex_unlock (&order->lock);
  return ret;
}

/* The dispatcher joined @replica to the stream: it takes items. It
 * cannot be retired until gst_pool_order_pushed(): the dispatcher may
 * have its hello to send. */
void
gst_pool_order_activate_replica (GstPoolOrder * order, guint replica)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  /* (retiring already, if the pool shrank meanwhile) */
  if (order->state[replica] == REPLICA_JOINED)
    order->state[replica] = REPLICA_ACTIVE;
  g_cond_broadcast (&order->room_cond);
  g_mutex_unlock (&order->lock);
}

/**
 * gst_pool_order_retire_replica:
 *
 * Stops giving items to the live replica of the highest index and waits
 * until the dispatcher is not handing it one. Its outputs keep their place:
 * the dispatcher sends it EOS (gst_pool_order_take_eos_due()) behind a
 * drain slot, which ends when that EOS reaches the collector; then it is
 * RETIRED and the retired function runs. A replica that never
 * joined the stream is RETIRED at once.
 *
 * Returns: the replica, or -1 if none is live.
 */
gint
gst_pool_order_retire_replica (GstPoolOrder * order)
{
  gboolean retired = FALSE;
  gint ret = -1;

  g_mutex_lock (&order->lock);
  for (guint r = order->n; r > 0 && ret < 0; r--)
    if (order->state[r - 1] == REPLICA_ACTIVE ||
        order->state[r - 1] == REPLICA_READY ||
        order->state[r - 1] == REPLICA_JOINED)
      ret = r - 1;
  if (ret >= 0 && order->state[ret] == REPLICA_READY) {
    order->state[ret] = REPLICA_RETIRED;
    retired = TRUE;
  } else if (ret >= 0) {
    order->state[ret] = REPLICA_RETIRING;
    while ((order->pushing == ret || order->pushing_all) && !order->flushing)
      g_cond_wait (&order->room_cond, &order->lock);
    /* after the pool's EOS, it drains with the others (or has drained);
     * else the dispatcher sends its EOS (and adds its drain slot) */
    if (!order->draining) {
      order->eos_due[ret] = TRUE;
    } else if (g_queue_is_empty (&order->pending[ret])) {
      order->state[ret] = REPLICA_RETIRED;
      retired = TRUE;
    }
    g_cond_broadcast (&order->room_cond);
  }
  g_mutex_unlock (&order->lock);
  notify_retired (order, retired);
  return ret;
}

/* Returns: a retiring replica the dispatcher must now send EOS into, or
 * -1. What it emits as it drains comes here, after every item given to
 * the pool so far. */
gint
gst_pool_order_take_eos_due (GstPoolOrder * order)
{
  gint ret = -1;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n && ret < 0; r++)
    if (order->eos_due[r]) {
      order->eos_due[r] = FALSE;
      add_slot_locked (order, r, SLOT_DRAIN);
      ret = r;
    }
  g_mutex_unlock (&order->lock);
  return ret;
}

/* Returns: a replica the pool can remove, or -1. */
gint
gst_pool_order_take_retired (GstPoolOrder * order)
{
  gint ret = -1;

  g_mutex_lock (&order->lock);
  for (guint r = 0; r < order->n && ret < 0; r++)
    if (order->state[r] == REPLICA_RETIRED)
      ret = r;
  g_mutex_unlock (&order->lock);
  return ret;
}

/* The pool removed @replica (retired, or never finished joining): its
 * index is free again. */
void
gst_pool_order_release_replica (GstPoolOrder * order, guint replica)
{
  g_return_if_fail (replica < order->n);

  g_mutex_lock (&order->lock);
  order->state[replica] = REPLICA_UNUSED;
  order->eos_due[replica] = FALSE;
  g_queue_clear (&order->pending[replica]);
  order->level[replica] = 0;
  gst_clear_object (&order->replica_sinks[replica]);
  gst_clear_object (&order->replica_srcs[replica]);
  g_mutex_unlock (&order->lock);
}

/* Adds `items-discarded` (*@discarded, under @owner's object lock) to
 * @stats, and `discarded-reason` (@why) when there are some: the items a
 * pool's dispatcher or collector took and dropped unsent when a stop (or
 * a flush) came. */
void
gst_pool_order_add_discarded (GstObject * owner, guint64 * discarded,
    GstStructure * stats, const gchar * why)
{
  guint64 n;

  GST_OBJECT_LOCK (owner);
  n = *discarded;
  GST_OBJECT_UNLOCK (owner);
  gst_structure_set (stats, "items-discarded", G_TYPE_UINT64, n, NULL);
  if (n)
    gst_structure_set (stats, "discarded-reason", G_TYPE_STRING, why, NULL);
}
