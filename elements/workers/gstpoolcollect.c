/* gst-workers: the worker pool's collector
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * Inside a workerpool: one sink pad per replica (behind that replica's
 * output queue), one src pad. Each output queue's thread brings its
 * replica's outputs here and waits until they are next in input order (the
 * order book); then it pushes them downstream, preceded by the replica's
 * sticky events (stream-start, caps, segment, tags) when they differ from
 * what went downstream last. Marks (those that went through a replica, or
 * those sent behind it when it returned from an item) end items and are
 * never forwarded. EOS
 * goes downstream once every replica has drained.
 *
 * It is a worker (#GstWorker, named `<pool>_collect`): `items-in` counts
 * the outputs the replicas emitted, `items-out` those that left the pool,
 * `items-dropped` the items that a replica of stock elements (no worker
 * in it, which would count its own) ended with no output at all;
 * `items-discarded` the outputs it took in and dropped, unsent, because
 * the pool stopped (an exit, an error) or flushed while they waited for an
 * earlier item (a stop's report counts them);
 * `blocked` means downstream is full; `paused` holds the pool's output.
 *
 * The pool adds and removes sink pads as it adds and retires replicas
 * while it runs; a retiring replica's EOS ends it, and goes no further.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gstpoolcollect.h"

#define GST_CAT_DEFAULT gst_worker_pool_debug

struct _GstPoolCollect
{
  GstElement parent;

  /* fixed after construction */
  GstPad *srcpad;
  guint n;                      /* room for replicas */
  GstPoolOrder *order;
  GstWorkerCore *core;
  GstElement *pool;             /* not reffed: our parent */
  gchar *description;
  gchar *prefix;                /* the pool's name: replicas are
                                 * <prefix>_r<i> */

  /* protected by the object lock */
  GstPad **sinkpads;            /* per replica, or NULL */
  gboolean flush_forwarded;
  gboolean *flush_stopped;
  guint n_flush_stopped;
  guint32 last_oob_seqnum;
  gboolean *codec_checked;      /* per replica, this run: looked for a
                                 * codec that keeps state */
  gboolean codec_warned;        /* this run */
  gboolean empty_warned;        /* this run */
  guint64 discarded;            /* this run: outputs taken in and dropped
                                 * while they waited for their turn (a stop,
                                 * an error or a flush came first) */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%u",
    GST_PAD_SINK, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void gst_pool_collect_worker_init (GstWorkerInterface * iface);

G_DEFINE_TYPE_WITH_CODE (GstPoolCollect, gst_pool_collect, GST_TYPE_ELEMENT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_pool_collect_worker_init));

static GstWorkerCore *
gst_pool_collect_get_core (GstWorker * worker)
{
  return GST_POOL_COLLECT (worker)->core;
}

/* the outputs it dropped unsent (see the top of the file) */
static void
gst_pool_collect_add_stats (GstWorker * worker, GstStructure * stats)
{
  GstPoolCollect *self = GST_POOL_COLLECT (worker);

  gst_pool_order_add_discarded (GST_OBJECT (self), &self->discarded, stats,
      "finished out of order, they waited for an earlier item");
}

static void
gst_pool_collect_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_pool_collect_get_core;
  iface->add_stats = gst_pool_collect_add_stats;
}

static guint
replica_of (GstPad * pad)
{
  return GPOINTER_TO_UINT (gst_pad_get_element_private (pad));
}

/* Posts, once, the error of a replica that broke the pool's contract. */
static void
report_broken (GstPoolCollect * self)
{
  gchar *message = NULL;
  guint r = 0;

  if (!gst_pool_order_take_error (self->order, &r, &message))
    return;
  GST_ELEMENT_ERROR (self->pool, STREAM, FAILED,
      ("Worker pool %s: replica %s_r%u (\"%s\") cannot be used in a pool: "
          "%s.", GST_OBJECT_NAME (self->pool), self->prefix, r,
          self->description, message),
      ("the pool stopped instead of reordering its outputs or waiting for "
          "ever"));
  g_free (message);
  gst_pool_order_error_posted (self->order);
}

/* ---------------------------------------------------------------------- */
/* sticky events */

static gboolean
same_sticky (GstEvent * a, GstEvent * b)
{
  const GstStructure *sa, *sb;

  if (a == b)
    return TRUE;
  if (GST_EVENT_TYPE (a) != GST_EVENT_TYPE (b))
    return FALSE;

  switch (GST_EVENT_TYPE (a)) {
    case GST_EVENT_CAPS:{
      GstCaps *ca, *cb;

      gst_event_parse_caps (a, &ca);
      gst_event_parse_caps (b, &cb);
      return gst_caps_is_equal (ca, cb);
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *ga, *gb;

      gst_event_parse_segment (a, &ga);
      gst_event_parse_segment (b, &gb);
      return gst_segment_is_equal (ga, gb);
    }
    case GST_EVENT_TAG:{
      GstTagList *ta, *tb;

      gst_event_parse_tag (a, &ta);
      gst_event_parse_tag (b, &tb);
      return gst_tag_list_get_scope (ta) == gst_tag_list_get_scope (tb) &&
          gst_tag_list_is_equal (ta, tb);
    }
    default:
      sa = gst_event_get_structure (a);
      sb = gst_event_get_structure (b);
      return sa && sb && gst_structure_is_equal (sa, sb);
  }
}

typedef struct
{
  GstEvent *event;
  gboolean found;
} FindSticky;

static gboolean
find_same_sticky (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  FindSticky *find = user_data;

  if (same_sticky (*event, find->event)) {
    find->found = TRUE;
    return FALSE;
  }
  return TRUE;
}

static gboolean
forward_sticky (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  GstPoolCollect *self = user_data;
  FindSticky find = { *event, FALSE };

  if (GST_EVENT_TYPE (*event) == GST_EVENT_EOS)
    return TRUE;
  gst_pad_sticky_events_foreach (self->srcpad, find_same_sticky, &find);
  if (!find.found) {
    GST_DEBUG_OBJECT (pad, "forwarding %" GST_PTR_FORMAT, *event);
    gst_pad_push_event (self->srcpad, gst_event_ref (*event));
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* data */

static GstFlowReturn
wait_turn (GstPoolCollect * self, guint replica)
{
  GstFlowReturn ret = gst_pool_order_wait_turn (self->order, replica);

  if (ret == GST_FLOW_ERROR)
    report_broken (self);
  /* a paused collector holds the pool's output */
  if (ret == GST_FLOW_OK && !gst_worker_core_wait_unpaused (self->core))
    ret = GST_FLOW_FLUSHING;
  return ret;
}

static GstFlowReturn
gst_pool_collect_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstPoolCollect *self = GST_POOL_COLLECT (parent);
  GstFlowReturn ret;

  gst_worker_core_count (self->core, 1, 0, 0);
  ret = wait_turn (self, replica_of (pad));
  if (ret != GST_FLOW_OK) {
    GST_DEBUG_OBJECT (pad, "output discarded: %s", gst_flow_get_name (ret));
    gst_buffer_unref (buf);
    GST_OBJECT_LOCK (self);
    self->discarded++;
    GST_OBJECT_UNLOCK (self);
    return ret;
  }

  /* only the replica whose turn it is gets here; the stream lock orders
   * its pushes with the events other threads send downstream. Busy from
   * its turn on (its sticky events, the stream lock, the push): a stop's
   * freeze waits for it, and counts it held if it passes nothing on (its
   * push refused, flushing); idle meanwhile, it was counted by no one */
  gst_worker_core_enter_push (self->core);
  GST_PAD_STREAM_LOCK (self->srcpad);
  gst_pad_sticky_events_foreach (pad, forward_sticky, self);
  ret = gst_pad_push (self->srcpad, buf);
  GST_PAD_STREAM_UNLOCK (self->srcpad);
  gst_worker_core_leave_push (self->core);

  if (ret == GST_FLOW_OK) {
    gst_worker_core_count (self->core, 0, 1, 0);
  } else {
    GST_DEBUG_OBJECT (pad, "push returned %s", gst_flow_get_name (ret));
    /* the other replicas, and the dispatcher, stop on it too */
    gst_pool_order_set_downstream_flow (self->order, ret);
  }
  return ret;
}

static void
push_eos (GstPoolCollect * self, GstPad * pad)
{
  GstEvent *eos = gst_event_new_eos ();
  guint32 seqnum = gst_pool_order_get_eos_seqnum (self->order);

  if (seqnum != GST_SEQNUM_INVALID)
    gst_event_set_seqnum (eos, seqnum);
  GST_DEBUG_OBJECT (self, "every replica drained: EOS");
  GST_PAD_STREAM_LOCK (self->srcpad);
  gst_pad_sticky_events_foreach (pad, forward_sticky, self);
  gst_pad_push_event (self->srcpad, eos);
  GST_PAD_STREAM_UNLOCK (self->srcpad);
}

/* ---------------------------------------------------------------------- */
/* replicas that cannot be split */

/* The codec base classes: their subclasses may keep state from frame to
 * frame (references, overlaps), which a replica that sees every size-th
 * frame does not have. By name: the codec libraries need not be loaded. */
static const gchar *const codec_bases[] = {
  "GstVideoDecoder", "GstVideoEncoder", "GstAudioDecoder", "GstAudioEncoder",
};

/* Whether @caps (a codec's coded side) are a format whose frames stand
 * alone: images, or sample-by-sample audio codecs. */
static gboolean
caps_intra_only (GstCaps * caps)
{
  const gchar *media;

  if (!caps || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;
  media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  return g_str_has_prefix (media, "image/") ||
      g_str_equal (media, "audio/x-alaw") ||
      g_str_equal (media, "audio/x-mulaw");
}

typedef struct
{
  gboolean has_worker;          /* a worker counts its own drops */
  gboolean threads;             /* an element pushes from a thread of its
                                 * own (a queue): outputs come after the
                                 * item returned */
  GstElement *codec;            /* reffed: a codec that keeps state (or the
                                 * replica whose child process runs it) */
  const gchar *codec_kind;      /* "decoder" or "encoder" */
  gchar *coded;                 /* its coded format, or NULL if not known */
  gchar *codec_name;            /* the codec's factory and type when in a */
  gchar *codec_type;            /* child process, else NULL */
} ReplicaKind;

/* What a replica in a child process (a processreplica) is made of, found
 * in this process on its description built here and never started (see
 * gst_pool_collect_keep_model()); kept on the replica. */
static GQuark
model_quark (void)
{
  return g_quark_from_static_string ("gst-pool-replica-model");
}

/* Adds what @e, a replica in a child process of model @model, is to
 * @kind: the coded side of its codec is its own pad's. */
static void
inspect_model (GstElement * e, const GstStructure * model, ReplicaKind * kind)
{
  gboolean decoder = FALSE;
  GstPad *coded;
  GstCaps *caps;

  gst_structure_get_boolean (model, "has-worker", &kind->has_worker);
  if (kind->codec || !gst_structure_has_field (model, "codec"))
    return;
  gst_structure_get_boolean (model, "decoder", &decoder);
  coded = gst_element_get_static_pad (e, decoder ? "sink" : "src");
  caps = coded ? gst_pad_get_current_caps (coded) : NULL;
  if (!caps_intra_only (caps)) {
    kind->codec = gst_object_ref (e);
    kind->codec_kind = decoder ? "decoder" : "encoder";
    if (caps)
      kind->coded = g_strdup (gst_structure_get_name
          (gst_caps_get_structure (caps, 0)));
    kind->codec_name = g_strdup (gst_structure_get_string (model, "codec"));
    kind->codec_type = g_strdup (gst_structure_get_string (model,
            "codec-type"));
  }
  gst_clear_caps (&caps);
  gst_clear_object (&coded);
}

/* The elements that push from a thread of their own once they run (a
 * description built and never started has no pad task to see yet). */
static const gchar *threaded_bases[] = {
  "GstQueue", "GstQueue2", "GstMultiQueue", "GstAggregator"
};

/* Adds what element @v is to @user_data, a ReplicaKind. */
static void
inspect_element (const GValue * v, gpointer user_data)
{
  ReplicaKind *kind = user_data;
  GstElement *e = g_value_get_object (v);
  const GstStructure *model = g_object_get_qdata (G_OBJECT (e),
      model_quark ());

  if (model) {
    inspect_model (e, model, kind);
    return;
  }
  if (GST_IS_WORKER (e))
    kind->has_worker = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (threaded_bases); i++) {
    GType base = g_type_from_name (threaded_bases[i]);

    if (base && g_type_is_a (G_OBJECT_TYPE (e), base))
      kind->threads = TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (codec_bases) && !kind->codec; i++) {
    GType base = g_type_from_name (codec_bases[i]);
    gboolean decoder = strstr (codec_bases[i], "Decoder") != NULL;
    GstPad *coded;
    GstCaps *caps;

    if (!base || !g_type_is_a (G_OBJECT_TYPE (e), base))
      continue;
    coded = gst_element_get_static_pad (e, decoder ? "sink" : "src");
    caps = coded ? gst_pad_get_current_caps (coded) : NULL;
    if (!caps_intra_only (caps)) {
      kind->codec = gst_object_ref (e);
      kind->codec_kind = decoder ? "decoder" : "encoder";
      if (caps)
        kind->coded = g_strdup (gst_structure_get_name
            (gst_caps_get_structure (caps, 0)));
    }
    gst_clear_caps (&caps);
    gst_clear_object (&coded);
  }
}

/* What @bin (an element, or a bin and the elements inside) is made of. */
static void
inspect_tree (GstElement * bin, ReplicaKind * kind)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_ELEMENT);
  g_value_set_object (&v, bin);
  inspect_element (&v, kind);
  g_value_unset (&v);
  if (GST_IS_BIN (bin)) {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));

    /* a resync starts again: what was found stays found */
    gst_iterator_foreach (it, inspect_element, kind);
    gst_iterator_free (it);
  }
}

/* What replica @r is made of. */
static void
inspect_replica (GstPoolCollect * self, guint r, ReplicaKind * kind)
{
  gchar *name = g_strdup_printf ("%s_r%u", self->prefix, r);
  GstElement *bin = gst_bin_get_by_name (GST_BIN (self->pool), name);

  memset (kind, 0, sizeof (*kind));
  g_free (name);
  if (!bin)
    return;
  inspect_tree (bin, kind);
  gst_object_unref (bin);
}

/**
 * gst_pool_collect_keep_model:
 * @replica: a replica that runs its worker in a child process
 * @built: the same worker's description, built in this process (not
 *   started)
 *
 * Keeps on @replica what @built is made of (a worker that counts its own
 * drops, a codec that may keep state from frame to frame), so that the
 * collector checks a replica in a child process as it checks one here.
 */
void
gst_pool_collect_keep_model (GstElement * replica, GstElement * built)
{
  ReplicaKind kind;
  GstStructure *model;

  memset (&kind, 0, sizeof (kind));
  inspect_tree (built, &kind);
  model = gst_structure_new ("pool-replica-model",
      "has-worker", G_TYPE_BOOLEAN, kind.has_worker,
      "threads", G_TYPE_BOOLEAN, kind.threads, NULL);
  if (kind.codec) {
    GstElementFactory *f = gst_element_get_factory (kind.codec);

    gst_structure_set (model, "codec", G_TYPE_STRING, f ?
        GST_OBJECT_NAME (f) : GST_OBJECT_NAME (kind.codec),
        "codec-type", G_TYPE_STRING, G_OBJECT_TYPE_NAME (kind.codec),
        "decoder", G_TYPE_BOOLEAN, g_str_equal (kind.codec_kind, "decoder"),
        NULL);
  }
  g_object_set_qdata_full (G_OBJECT (replica), model_quark (), model,
      (GDestroyNotify) gst_structure_free);
  gst_clear_object (&kind.codec);
  g_free (kind.coded);
}

/**
 * gst_pool_collect_model_runs_threads:
 * @replica: a replica of a pool
 *
 * Returns: whether @replica runs its worker in a child process and that
 * worker has an element that pushes from a thread of its own (a queue):
 * the child then emits an item's outputs after it returned from the item,
 * which a pad task of the replica here does not show.
 */
gboolean
gst_pool_collect_model_runs_threads (GstElement * replica)
{
  const GstStructure *model = g_object_get_qdata (G_OBJECT (replica),
      model_quark ());
  gboolean threads = FALSE;

  if (model)
    gst_structure_get_boolean (model, "threads", &threads);
  return threads;
}

static void
replica_kind_clear (ReplicaKind * kind)
{
  gst_clear_object (&kind->codec);
  g_clear_pointer (&kind->coded, g_free);
  g_clear_pointer (&kind->codec_name, g_free);
  g_clear_pointer (&kind->codec_type, g_free);
}

/* Says, once a run, that replica @r's codec cannot be split over
 * replicas. */
static void
warn_codec (GstPoolCollect * self, guint r, ReplicaKind * kind)
{
  gboolean warn;

  GST_OBJECT_LOCK (self);
  warn = !self->codec_warned;
  self->codec_warned = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (!warn)
    return;
  GST_ELEMENT_WARNING (self->pool, STREAM, FAILED,
      ("Worker pool %s: its worker %s (%s) is a %s of %s, which keeps "
          "state from frame to frame: a replica sees only some of the "
          "frames, so what it makes is wrong or missing. Do not pool a "
          "decoder or encoder of such a format: run it on its own (or "
          "size=1).", GST_OBJECT_NAME (self->pool),
          kind->codec_name ? kind->codec_name : GST_OBJECT_NAME (kind->codec),
          kind->codec_type ? kind->codec_type :
          G_OBJECT_TYPE_NAME (kind->codec),
          kind->codec_kind, kind->coded ? kind->coded :
          "a format of several frames"),
      ("replica %s_r%u", self->prefix, r));
}

/* The first item replica @r ended this run: a codec that keeps state in
 * it, once its format is known, is said at once. */
static void
check_codec (GstPoolCollect * self, guint r)
{
  ReplicaKind kind;
  gboolean check;

  GST_OBJECT_LOCK (self);
  check = !self->codec_checked[r] && !self->codec_warned;
  self->codec_checked[r] = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (!check)
    return;
  inspect_replica (self, r, &kind);
  if (kind.codec && kind.coded)
    warn_codec (self, r, &kind);
  replica_kind_clear (&kind);
}

/* Replica @r ended an item without any output. A worker in it counted
 * that (a drop by its decision, or one output for several inputs); stock
 * elements count nothing, so the collector counts it as dropped, and
 * says so once a run: nothing leaves the pool without a word. */
static void
item_made_nothing (GstPoolCollect * self, guint r, guint64 index)
{
  ReplicaKind kind;
  gboolean warn;

  inspect_replica (self, r, &kind);
  if (kind.has_worker) {
    replica_kind_clear (&kind);
    return;
  }
  GST_DEBUG_OBJECT (self, "replica %u made nothing of item %" G_GUINT64_FORMAT
      ": dropped", r, index);
  gst_worker_core_count (self->core, 0, 0, 1);
  if (kind.codec) {
    warn_codec (self, r, &kind);
    replica_kind_clear (&kind);
    return;
  }
  GST_OBJECT_LOCK (self);
  warn = !self->empty_warned;
  self->empty_warned = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (warn)
    GST_ELEMENT_WARNING (self->pool, STREAM, FAILED,
        ("Worker pool %s: replica %s_r%u (\"%s\") made no output for an "
            "item: counted as dropped by %s_collect (once per run said).",
            GST_OBJECT_NAME (self->pool), self->prefix, r,
            self->description, self->prefix),
        ("item %" G_GUINT64_FORMAT, index));
  replica_kind_clear (&kind);
}

static gboolean
handle_mark (GstPoolCollect * self, GstPad * pad, GstPoolOrderMark mark,
    guint64 index)
{
  guint r = replica_of (pad);
  gboolean finished, empty;
  GstFlowReturn ret;

  if (mark == GST_POOL_ORDER_MARK_HELLO) {
    GST_DEBUG_OBJECT (pad, "hello from replica %u", r);
    gst_pool_order_hello (self->order, r);
    return TRUE;
  }
  GST_LOG_OBJECT (pad, "replica %u ended %" G_GUINT64_FORMAT, r, index);
  ret = gst_pool_order_end (self->order, r, mark, index, &finished, &empty);
  if (ret == GST_FLOW_ERROR)
    report_broken (self);
  if (ret == GST_FLOW_OK) {
    check_codec (self, r);
    if (empty)
      item_made_nothing (self, r, index);
  }
  if (finished)
    push_eos (self, pad);
  return ret == GST_FLOW_OK;
}

static gboolean
handle_flush_start (GstPoolCollect * self, GstEvent * event)
{
  gboolean forward;

  GST_OBJECT_LOCK (self);
  forward = !self->flush_forwarded;
  self->flush_forwarded = TRUE;
  GST_OBJECT_UNLOCK (self);

  /* wakes the threads waiting for their turn or paused */
  gst_pool_order_set_flushing (self->order, TRUE);
  gst_worker_core_set_flushing (self->core, TRUE);
  if (forward)
    return gst_pad_push_event (self->srcpad, event);
  gst_event_unref (event);
  return TRUE;
}

/* Downstream sees one flush: it ends when every replica's has. */
static gboolean
handle_flush_stop (GstPoolCollect * self, GstPad * pad, GstEvent * event)
{
  guint r = replica_of (pad);
  gboolean forward;
  gboolean res;

  GST_OBJECT_LOCK (self);
  if (!self->flush_stopped[r]) {
    self->flush_stopped[r] = TRUE;
    self->n_flush_stopped++;
  }
  forward = self->n_flush_stopped >= GST_ELEMENT (self)->numsinkpads;
  if (forward) {
    self->flush_forwarded = FALSE;
    self->n_flush_stopped = 0;
    memset (self->flush_stopped, 0, self->n * sizeof (gboolean));
  }
  GST_OBJECT_UNLOCK (self);

  if (!forward) {
    gst_event_unref (event);
    return TRUE;
  }
  gst_worker_core_set_flushing (self->core, FALSE);
  GST_PAD_STREAM_LOCK (self->srcpad);
  res = gst_pad_push_event (self->srcpad, event);
  GST_PAD_STREAM_UNLOCK (self->srcpad);
  return res;
}

static gboolean
gst_pool_collect_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstPoolCollect *self = GST_POOL_COLLECT (parent);
  guint r = replica_of (pad);
  gboolean finished, forward, res;
  GstPoolOrderMark mark;
  guint64 index;

  mark = gst_pool_order_parse_mark (self->order, event, &index);
  if (mark != GST_POOL_ORDER_MARK_NONE) {
    gst_event_unref (event);
    return handle_mark (self, pad, mark, index);
  }

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      return handle_flush_start (self, event);
    case GST_EVENT_FLUSH_STOP:
      return handle_flush_stop (self, pad, event);
    case GST_EVENT_EOS:
      gst_event_unref (event);
      if (gst_pool_order_replica_eos (self->order, r, &finished) ==
          GST_FLOW_ERROR) {
        report_broken (self);
        return FALSE;
      }
      if (finished)
        push_eos (self, pad);
      return TRUE;
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      /* kept on the pad; goes downstream before this replica's next
       * output if it differs from the current caps */
      gst_event_parse_caps (event, &caps);
      res = !gst_pad_is_linked (self->srcpad) ||
          gst_pad_peer_query_accept_caps (self->srcpad, caps);
      if (!res)
        GST_DEBUG_OBJECT (pad, "downstream refuses %" GST_PTR_FORMAT, caps);
      gst_event_unref (event);
      return res;
    }
    default:
      break;
  }

  if (GST_EVENT_IS_STICKY (event)) {
    /* kept on the pad, forwarded with the next output */
    gst_event_unref (event);
    return TRUE;
  }

  if (!GST_EVENT_IS_SERIALIZED (event)) {
    /* out of band: the same event reaches us through every replica */
    guint32 seqnum = gst_event_get_seqnum (event);

    GST_OBJECT_LOCK (self);
    forward = self->last_oob_seqnum != seqnum;
    self->last_oob_seqnum = seqnum;
    GST_OBJECT_UNLOCK (self);
    if (!forward) {
      gst_event_unref (event);
      return TRUE;
    }
    return gst_pad_push_event (self->srcpad, event);
  }

  /* in-band (gap, custom, ...): an output like a buffer */
  if (wait_turn (self, r) != GST_FLOW_OK) {
    gst_event_unref (event);
    return FALSE;
  }
  GST_PAD_STREAM_LOCK (self->srcpad);
  gst_pad_sticky_events_foreach (pad, forward_sticky, self);
  res = gst_pad_push_event (self->srcpad, event);
  GST_PAD_STREAM_UNLOCK (self->srcpad);
  return res;
}

static gboolean
gst_pool_collect_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstPoolCollect *self = GST_POOL_COLLECT (parent);

  /* caps: what every replica can emit; other queries go to the first
   * replica that answers */
  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS)
    return gst_pool_order_query_caps (self->order, GST_PAD_SRC, query);
  return gst_pad_query_default (pad, parent, query);
}

static void
reset_flush_state (GstPoolCollect * self)
{
  GST_OBJECT_LOCK (self);
  self->flush_forwarded = FALSE;
  self->n_flush_stopped = 0;
  memset (self->flush_stopped, 0, self->n * sizeof (gboolean));
  self->last_oob_seqnum = GST_SEQNUM_INVALID;
  memset (self->codec_checked, 0, self->n * sizeof (gboolean));
  self->codec_warned = self->empty_warned = FALSE;
  self->discarded = 0;
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
gst_pool_collect_change_state (GstElement * element,
    GstStateChange transition)
{
  GstPoolCollect *self = GST_POOL_COLLECT (element);

  gst_worker_core_change_state (self->core, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    reset_flush_state (self);
  return GST_ELEMENT_CLASS (gst_pool_collect_parent_class)->change_state
      (element, transition);
}

static void
gst_pool_collect_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_set_property (GST_POOL_COLLECT (object)->core, prop_id,
          value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_pool_collect_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  if (!gst_worker_core_get_property (GST_POOL_COLLECT (object)->core, prop_id,
          value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_pool_collect_finalize (GObject * object)
{
  GstPoolCollect *self = GST_POOL_COLLECT (object);

  gst_worker_core_free (self->core);
  if (self->order)
    gst_pool_order_unref (self->order);
  for (guint r = 0; r < self->n; r++)
    gst_clear_object (&self->sinkpads[r]);
  g_free (self->sinkpads);
  g_free (self->flush_stopped);
  g_free (self->codec_checked);
  g_free (self->description);
  g_free (self->prefix);
  G_OBJECT_CLASS (gst_pool_collect_parent_class)->finalize (object);
}

static void
gst_pool_collect_class_init (GstPoolCollectClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_pool_collect_set_property;
  gobject_class->get_property = gst_pool_collect_get_property;
  gobject_class->finalize = gst_pool_collect_finalize;
  gst_worker_core_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_pool_collect_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Worker pool collector", "Generic",
      "Emits the outputs of a workerpool's replicas in input order",
      "gst-workers");
}

static void
gst_pool_collect_init (GstPoolCollect * self)
{
  self->core = gst_worker_core_new (GST_ELEMENT (self));
  self->last_oob_seqnum = GST_SEQNUM_INVALID;

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  /* upstream events: to every replica */
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_pool_collect_src_query));
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

/* Adds replica @r's pad (active at once if we are). Returns: (transfer
 * none): the pad */
static GstPad *
add_sinkpad (GstPoolCollect * self, guint r)
{
  gchar *pad_name = g_strdup_printf ("sink_%u", r);
  GstPad *pad = gst_pad_new_from_static_template (&sink_template, pad_name);

  g_free (pad_name);
  gst_pad_set_element_private (pad, GUINT_TO_POINTER (r));
  gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (gst_pool_collect_chain));
  gst_pad_set_event_function (pad,
      GST_DEBUG_FUNCPTR (gst_pool_collect_sink_event));
  /* caps and allocation queries from the replicas go downstream */
  GST_PAD_SET_PROXY_CAPS (pad);
  GST_PAD_SET_PROXY_ALLOCATION (pad);
  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->sinkpads[r], GST_OBJECT (pad));
  GST_OBJECT_UNLOCK (self);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

/**
 * gst_pool_collect_new:
 * @order: (transfer none): the pool's order book; its active replicas get
 *   a pad each
 * @pool: the workerpool, named in errors
 * @description: the replicas' description, for errors
 *
 * Returns: (transfer floating): a collector
 */
GstElement *
gst_pool_collect_new (const gchar * name, GstPoolOrder * order,
    GstElement * pool, const gchar * description)
{
  GstPoolCollect *self = g_object_new (GST_TYPE_POOL_COLLECT, "name", name,
      NULL);

  self->order = gst_pool_order_ref (order);
  self->n = gst_pool_order_get_capacity (order);
  self->pool = pool;
  self->description = g_strdup (description);
  self->prefix = gst_object_get_name (GST_OBJECT (pool));
  self->flush_stopped = g_new0 (gboolean, self->n);
  self->codec_checked = g_new0 (gboolean, self->n);
  self->sinkpads = g_new0 (GstPad *, self->n);
  for (guint r = 0; r < self->n; r++)
    if (gst_pool_order_is_active (order, r))
      add_sinkpad (self, r);
  return GST_ELEMENT (self);
}

/* Returns: (transfer none) (nullable): replica @replica's pad */
GstPad *
gst_pool_collect_get_sinkpad (GstPoolCollect * self, guint replica)
{
  g_return_val_if_fail (replica < self->n, NULL);
  return self->sinkpads[replica];
}

/* Returns: (transfer none): the pad of a replica the pool adds while it
 * runs */
GstPad *
gst_pool_collect_add_replica (GstPoolCollect * self, guint replica)
{
  g_return_val_if_fail (replica < self->n, NULL);
  return add_sinkpad (self, replica);
}

/* Removes replica @replica's pad (it retired, or never joined). */
void
gst_pool_collect_remove_replica (GstPoolCollect * self, guint replica)
{
  GstPad *pad;

  g_return_if_fail (replica < self->n);

  GST_OBJECT_LOCK (self);
  pad = self->sinkpads[replica];
  self->sinkpads[replica] = NULL;
  GST_OBJECT_UNLOCK (self);
  if (pad) {
    gst_element_remove_pad (GST_ELEMENT (self), pad);
    gst_object_unref (pad);
  }
}
