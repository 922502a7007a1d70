/* gst-workers: the worker pool's order book
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The pool's debug category ("workerpool"), defined in gstworkerpool.c and
 * used by its dispatcher and collector too. */
GST_DEBUG_CATEGORY_EXTERN (gst_worker_pool_debug);

/* Shared by a pool's dispatcher and collector; private to the pool. */
typedef struct _GstPoolOrder GstPoolOrder;

/* Name of the serialized custom downstream event the dispatcher sends
 * through a replica after each item ("mark"), and once before the first
 * one ("hello"); and of the one that ends an item behind the replica once
 * the replica returned from it ("return", gstpoolentry.c). */
#define GST_POOL_ORDER_MARK_NAME "GstWorkerPoolMark"

typedef enum {
  GST_POOL_ORDER_MARK_NONE,     /* not one of this pool's */
  GST_POOL_ORDER_MARK_HELLO,
  GST_POOL_ORDER_MARK_END,      /* went through the replica */
  GST_POOL_ORDER_MARK_RETURN,   /* sent behind the replica */
} GstPoolOrderMark;

/* How a replica's items end (decided at its first mark, each run). */
typedef enum {
  GST_POOL_ORDER_ENDS_UNDECIDED,
  GST_POOL_ORDER_ENDS_BY_MARKS,   /* the marks that went through it */
  GST_POOL_ORDER_ENDS_BY_RETURNS, /* when it returned from each item */
} GstPoolOrderEnds;

typedef enum {
  GST_POOL_ORDER_DISPATCH_FREE,
  GST_POOL_ORDER_DISPATCH_ROUND_ROBIN,
} GstPoolOrderDispatch;

GstPoolOrder *gst_pool_order_new (guint n_replicas, guint capacity,
    GstPoolOrderDispatch dispatch);
GstPoolOrder *gst_pool_order_ref (GstPoolOrder * order);
void gst_pool_order_unref (GstPoolOrder * order);
guint gst_pool_order_get_capacity (GstPoolOrder * order);

void gst_pool_order_reset (GstPoolOrder * order);
void gst_pool_order_set_flushing (GstPoolOrder * order, gboolean flushing);
GstFlowReturn gst_pool_order_get_flow (GstPoolOrder * order);
void gst_pool_order_set_downstream_flow (GstPoolOrder * order,
    GstFlowReturn ret);

/* dispatch side */
void gst_pool_order_set_limit (GstPoolOrder * order, guint replica,
    guint limit);
gboolean gst_pool_order_begin_run (GstPoolOrder * order);
gboolean gst_pool_order_run_started (GstPoolOrder * order);
gint gst_pool_order_pick (GstPoolOrder * order);
void gst_pool_order_pushed (GstPoolOrder * order);
guint gst_pool_order_next (GstPoolOrder * order);
gboolean gst_pool_order_wait_room (GstPoolOrder * order, gint64 timeout_us);
guint64 gst_pool_order_add_item (GstPoolOrder * order, guint replica);
guint64 gst_pool_order_add_event (GstPoolOrder * order, guint * replica);
guint64 gst_pool_order_add_drains (GstPoolOrder * order, guint32 eos_seqnum);
void gst_pool_order_dequeued (GstPoolOrder * order, guint replica);
void gst_pool_order_idle (GstPoolOrder * order, guint replica);
guint gst_pool_order_head_replica (GstPoolOrder * order);

GstEvent *gst_pool_order_new_mark (GstPoolOrder * order, guint64 index);
GstEvent *gst_pool_order_new_hello (GstPoolOrder * order);
GstEvent *gst_pool_order_new_return (GstPoolOrder * order, guint64 index);
GstPoolOrderMark gst_pool_order_parse_mark (GstPoolOrder * order,
    GstEvent * event, guint64 * index);
void gst_pool_order_set_ends (GstPoolOrder * order, guint replica,
    GstPoolOrderEnds ends);
GstPoolOrderEnds gst_pool_order_get_ends (GstPoolOrder * order,
    guint replica);

/* collect side */
GstFlowReturn gst_pool_order_wait_turn (GstPoolOrder * order, guint replica);
GstFlowReturn gst_pool_order_end (GstPoolOrder * order, guint replica,
    GstPoolOrderMark mark, guint64 index, gboolean * finished,
    gboolean * empty);
GstFlowReturn gst_pool_order_replica_eos (GstPoolOrder * order, guint replica,
    gboolean * finished);
void gst_pool_order_hello (GstPoolOrder * order, guint replica);
guint32 gst_pool_order_get_eos_seqnum (GstPoolOrder * order);
gboolean gst_pool_order_is_finished (GstPoolOrder * order);

/* caps queries through every replica */
void gst_pool_order_set_replica_pads (GstPoolOrder * order, guint replica,
    GstPad * sink, GstPad * src);
gboolean gst_pool_order_query_caps (GstPoolOrder * order,
    GstPadDirection direction, GstQuery * query);

/* the dispatcher's and collector's items dropped unsent at a stop, in
 * their stats */
void gst_pool_order_add_discarded (GstObject * owner, guint64 * discarded,
    GstStructure * stats, const gchar * why);

/* a replica that broke the contract */
gboolean gst_pool_order_take_error (GstPoolOrder * order, guint * replica,
    gchar ** message);
void gst_pool_order_error_posted (GstPoolOrder * order);

/* replicas that come and go (the pool resized while it runs) */
typedef void (*GstPoolOrderRetiredFunc) (GstPoolOrder * order,
    gpointer user_data);

void gst_pool_order_set_retired_func (GstPoolOrder * order,
    GstPoolOrderRetiredFunc func, gpointer user_data);
gboolean gst_pool_order_is_active (GstPoolOrder * order, guint replica);
gboolean gst_pool_order_is_linked (GstPoolOrder * order, guint replica);
guint gst_pool_order_count_live (GstPoolOrder * order);
gint gst_pool_order_reserve_replica (GstPoolOrder * order);
void gst_pool_order_replica_ready (GstPoolOrder * order, guint replica);
gint gst_pool_order_take_ready (GstPoolOrder * order);
void gst_pool_order_activate_replica (GstPoolOrder * order, guint replica);
gint gst_pool_order_retire_replica (GstPoolOrder * order);
gint gst_pool_order_take_eos_due (GstPoolOrder * order);
gint gst_pool_order_take_retired (GstPoolOrder * order);
void gst_pool_order_release_replica (GstPoolOrder * order, guint replica);

G_END_DECLS
