/* gst-workers: workerpool, duplicated workers that keep input order
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-workerpool
 * @title: workerpool
 *
 * `size` copies ("replicas") of a worker, each in its own thread behind its
 * own bounded queue (or, with `isolation=process`, each in a child process
 * of its own), that together behave as one element: the design's
 * duplicated workers (5-1, 5-2) without giving up the Kahn promise.
 *
 * - Each input item goes to a replica whose input queue has room, not in
 *   strict rotation, so one slow item does not stall the others: to the
 *   replica that had the previous item if it is idle again (a live stream
 *   that one replica keeps up with stays on it and gets no added latency),
 *   else to an idle one, else to the next one with room. With
 *   `dispatch=round-robin`, item i goes to replica i mod `size`.
 * - **Output order equals input order**, whatever the replica emits per
 *   input (none, one or several): every output of input k leaves the pool
 *   before any output of input k + 1. What replicas emit when they drain at
 *   EOS comes last, replica 0's first.
 * - Caps negotiation, allocation queries, EOS (every replica drains),
 *   flushing seeks and state changes behave as they do for one element.
 *
 * `worker` is a bin description, as for gst-launch-1.0, with exactly one
 * free input and one free output: one element (`worker=jpegenc`) or several
 * (`worker="videoconvert ! jpegenc"`). Inside the pool (a #GstBin):
 *
 * |[
 *  <pool>_dispatch --src_i--> <pool>_r<i>_in (queue) --> <pool>_r<i>
 *     (the replica, a bin) --> <pool>_r<i>_out (queue) --sink_i-->
 *     <pool>_collect
 * ]|
 *
 * The elements of replica i are renamed `<pool>_r<i>_<name>` (an element
 * named by the description keeps its name after the prefix; others get
 * their factory's), so heartbeats tell replicas apart. With
 * `isolation=process` replica i is a `processreplica` element named
 * `<pool>_r<i>` (the same queues around it), which runs the description
 * in its child; a worker controller lists the workers inside that child as
 * `<pool>_r<i>/NAME`, with the child's `pid`. The dispatcher and the
 * collector are workers too: `<pool>_dispatch` counts in `items-in` the
 * items that entered the pool and reports `blocked` when every replica's
 * queue is full; `<pool>_collect` counts in `items-out` the items that left
 * it. For replicas that emit one output per input, dispatch's `items-in`
 * equals collect's `items-out` plus the replicas' `items-dropped` once the
 * pool has drained; an item a replica of stock elements (no worker in it,
 * which would count its own drops) ended with no output is counted in
 * collect's `items-dropped`, and the pool posts a warning, once a run.
 * Pausing `<pool>_dispatch` holds the pool's input.
 *
 * Never pool an element that keeps state from item to item, such as a
 * decoder or encoder of a format with reference frames (vp8dec, x264enc):
 * a replica sees only some of the frames, so what it makes is wrong or
 * missing. The pool posts a warning when a replica holds a
 * `GstVideoDecoder`, `GstVideoEncoder`, `GstAudioDecoder` or
 * `GstAudioEncoder` of a format that is not one of stand-alone images
 * (jpegdec or pngdec pool well); with `isolation=process` too (what the
 * replicas are made of is found on the description built in this
 * process, the format on the replica's pads).
 *
 * How order is kept: after each item the dispatcher sends a mark (a
 * serialized custom downstream event) to the same replica; the collector
 * lets a replica's outputs through only while that replica's oldest
 * unfinished item is the oldest of the whole pool, and the mark finishes
 * it. Any element works as a replica, whatever it does with serialized
 * events (a video or audio decoder holds them until its next frame, others
 * merge or drop them): a replica that reports no latency and runs no thread
 * of its own has emitted all that an item makes once it returned from it,
 * so the mark does not enter it but follows those outputs into its output
 * queue. A replica that holds items (it reports a latency, as an encoder
 * with look-ahead does) or has threads of its own (a queue inside it, also
 * in a child process) passes the marks along with its data, as GStreamer
 * elements pass serialized events; one that drops them then is detected:
 * the pool posts an error instead of reordering or hanging. Such a replica
 * holds an item's end until its next input or EOS, as it holds the item's
 * outputs.
 *
 * Sticky events (stream-start, caps, segment, tags) reach every replica.
 * Other serialized events (gap, custom events) are in-band items: the
 * replica that had the previous item handles them, and what it makes of
 * them leaves in their place. Upstream events (seeks, QoS) go upstream
 * once. `queue-size` bounds both the queue in front of each replica and
 * the one behind it.
 *
 * `size` can change while the pool runs (PAUSED or PLAYING): the output is
 * the same as with any fixed size. A new replica is built, started, and
 * joined to the stream (the stream's sticky events, then its first item)
 * by the dispatcher before its next item: it takes items at once. A
 * replica being retired (the highest numbered first) takes no more items;
 * the dispatcher sends it EOS after its last one (at once when no item is
 * being dispatched; while the dispatcher is paused, when it resumes), what
 * it emits
 * as it drains leaves in its place, and once that EOS is out the pool
 * removes it: nothing it took is lost or reordered. Its workers' counts
 * stay with its workers (`<pool>_r<i>_*`), which an application that wants
 * them keeps a reference to (the pool's `deep-element-added` signal). A
 * replica added later takes the lowest free number. With
 * `dispatch=round-robin` the rotation goes over the replicas there are.
 *
 * Replicas that keep state from item to item (one output per 7 inputs, a
 * running average) see only the items given to them. With
 * `dispatch=round-robin`, replica r sees inputs r, r + size, r + 2 size...
 * on every run, so the output is the same on every run: it is what `size`
 * copies of the worker, each running on every size-th item, emit, ordered
 * by the input that made each output. With `dispatch=free`, the output is
 * ordered the same way but which inputs a stateful replica combines
 * depends on timing.
 *
 * Encode frames to JPEG on three threads, in order:
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! \
 *     workerpool size=3 worker="videoconvert ! jpegenc" ! \
 *     multifilesink location=frame%05d.jpg
 * ]|
 *
 * From an application, while it runs: `g_object_set (pool, "size", 4,
 * NULL);`.
 *
 * With `isolation=process` each replica is a processreplica: the pool
 * gives it its `start-timeout`, `hang-timeout`, `max-restarts` and
 * `restart-delay` (when built, and at once when they change). Values set
 * on one replica, or on an element inside a replica in a thread, through
 * the pool's child proxy (`p_r0::hang-timeout=1000`,
 * `p_r0::p_r0_jpegenc::quality=50`) are kept when the pool builds its
 * replicas again (after a property changed in NULL or READY), until the
 * pool's own property of that name is set. So is what a worker controller
 * set inside a replica while it ran (gst-worker-launch's `set p_r0_w
 * PROPERTY=VALUE` in a thread, `set p_r0/w PROPERTY=VALUE` in a child
 * process): values stay with the replica's number. A value set alike on
 * every replica there is (p_r0/w and p_r1/w) is given to the replicas a
 * larger `size` adds, while the pool runs or when it builds them again.
 *
 * The replicas are built when the pool is first used (linked, started,
 * its children looked up, or a property set after it was made), not
 * while it is made with its properties (gst_parse_launch()): GStreamer
 * 1.22's parser keeps a reference to a child that exists when it sets
 * `p_r0::hang-timeout=777` on it, which leaked the replica; it sets the
 * value as the replica is added instead. A description's `p_r0::nosuch=1`
 * is an error when the pool starts, and so is a value on a replica the
 * pool does not have (`p_r5::hang-timeout=10` with `size=2`: the parser
 * would keep it, unused, for a p_r5 that may come).
 *
 * Show the pool's heartbeats (`p_dispatch`, `p_collect`) for three seconds
 * of live video:
 * |[
 * gst-launch-1.0 -m videotestsrc is-live=true num-buffers=90 ! \
 *     workerpool name=p size=2 worker=jpegenc ! fakesink \
 *     | grep worker-heartbeat
 * ]|
 *
 * Limits: a serialized query from upstream in mid-stream (an allocation
 * query after a renegotiation) goes to replica 0 and waits, as it would for
 * one element, until replica 0 has processed what it holds; with replicas
 * that hold an item's end until their next input (video encoders) and
 * queues that are full, this waits until the stream moves on. Replicas'
 * sometimes pads (decodebin) are not supported.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/worker/worker.h>
#include "gstworkerselements.h"
#include "gstworkerpool.h"
#include "gstpoolorder.h"
#include "gstpooldispatch.h"
#include "gstpoolcollect.h"
#include "gstpoolentry.h"
#include "gstpoolsettings.h"
#include "gstpoolreplica.h"
#include "gstprocessreplica.h"

GST_DEBUG_CATEGORY (gst_worker_pool_debug);
#define GST_CAT_DEFAULT gst_worker_pool_debug

#define DEFAULT_SIZE 2
#define MAX_SIZE 64
#define DEFAULT_WORKER NULL
#define DEFAULT_QUEUE_SIZE 4
#define DEFAULT_DISPATCH GST_WORKER_POOL_DISPATCH_FREE
#define DEFAULT_ISOLATION GST_WORKER_POOL_ISOLATION_THREAD
#define DEFAULT_START_TIMEOUT 30000
/* processreplica's */
#define DEFAULT_MAX_RESTARTS 5
#define DEFAULT_RESTART_DELAY 10
#define MAX_RESTART_DELAY 2000
#define DEFAULT_HANG_TIMEOUT 0

enum
{
  PROP_0,
  PROP_SIZE,
  PROP_WORKER,
  PROP_QUEUE_SIZE,
  PROP_DISPATCH,
  PROP_ISOLATION,
  PROP_START_TIMEOUT,
  PROP_MAX_RESTARTS,
  PROP_RESTART_DELAY,
  PROP_HANG_TIMEOUT,
};

struct _GstWorkerPool
{
  GstBin parent;

  GstPad *sinkpad;              /* ghost pads; fixed */
  GstPad *srcpad;

  /* protected by the object lock */
  guint size;
  gchar *worker;
  guint queue_size;
  GstWorkerPoolDispatch dispatch;
  GstWorkerPoolIsolation isolation;
  guint start_timeout;          /* ms, for processreplica */
  guint max_restarts;           /* for processreplica */
  guint restart_delay;          /* ms, for processreplica */
  guint hang_timeout;           /* ms, for processreplica */
  gboolean dirty;               /* changed since the last build */
  gboolean constructed;         /* its construction is over: a property
                                 * set in NULL builds at once */

  GstPoolSettings *settings;    /* fixed; own lock: what was set on the
                                 * replicas, given to them when rebuilt */

  GMutex build_lock;
  /* protected by build_lock; only changed in NULL and READY */
  gboolean built;
  gchar *built_name;
  gchar *built_worker;          /* owns the description last built */
  GstWorkerPoolIsolation built_isolation;
  GError *build_error;          /* why the last build failed */
  GstPoolOrder *order;          /* also read under the object lock */
  GPtrArray *children;          /* the elements the build added, reffed */
  GstElement *dispatcher;       /* not reffed: in children */
  GstElement *collector;        /* not reffed: in children */
  GstElement *replica_in[MAX_SIZE];     /* per replica, in children, */
  GstElement *replica[MAX_SIZE];        /* or NULL */
  GstElement *replica_out[MAX_SIZE];

  /* atomic */
  gint error_seen;              /* an error went out of the pool this run */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

GType
gst_worker_pool_dispatch_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_WORKER_POOL_DISPATCH_FREE,
        "An idle replica (the previous item's first), else the next one "
          "with room", "free"},
    {GST_WORKER_POOL_DISPATCH_ROUND_ROBIN,
        "Item i to replica i mod size (the same on every run)", "round-robin"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstWorkerPoolDispatch", values));
  return type;
}

GType
gst_worker_pool_isolation_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_WORKER_POOL_ISOLATION_THREAD,
        "Each replica in a thread of this process", "thread"},
    {GST_WORKER_POOL_ISOLATION_PROCESS,
          "Each replica in a child process of its own (processreplica): "
          "crashes contained and restarted", "process"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstWorkerPoolIsolation", values));
  return type;
}

static void gst_worker_pool_child_proxy_init (gpointer g_iface,
    gpointer iface_data);

G_DEFINE_TYPE_WITH_CODE (GstWorkerPool, gst_worker_pool, GST_TYPE_BIN,
    G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
        gst_worker_pool_child_proxy_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (workerpool, "workerpool",
    GST_RANK_NONE, GST_TYPE_WORKER_POOL,
    GST_DEBUG_CATEGORY_INIT (gst_worker_pool_debug, "workerpool", 0,
        "ordered pool of duplicated workers"));

/* ---------------------------------------------------------------------- */
/* building the replicas */

static GstElement *
make_queue (const gchar * name, guint size)
{
  GstElement *queue = gst_element_factory_make ("queue", name);

  if (queue)
    g_object_set (queue, "max-size-buffers", size, "max-size-bytes", 0,
        "max-size-time", (guint64) 0, NULL);
  return queue;
}

static void remove_replica_locked (GstWorkerPool * self, guint r);
static void on_replica_retired (GstPoolOrder * order, gpointer user_data);

static void
add_child (GstWorkerPool * self, GstElement * child)
{
  g_ptr_array_add (self->children, gst_object_ref (child));
  gst_bin_add (GST_BIN (self), child);
}

static void
teardown_locked (GstWorkerPool * self)
{
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->sinkpad), NULL);
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), NULL);
  for (guint i = 0; i < self->children->len; i++) {
    GstElement *child = g_ptr_array_index (self->children, i);

    gst_element_set_state (child, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), child);
  }
  g_ptr_array_set_size (self->children, 0);
  self->dispatcher = self->collector = NULL;
  memset (self->replica_in, 0, sizeof (self->replica_in));
  memset (self->replica, 0, sizeof (self->replica));
  memset (self->replica_out, 0, sizeof (self->replica_out));
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->order, gst_pool_order_unref);
  GST_OBJECT_UNLOCK (self);
  self->built = FALSE;
}

static gboolean
link_pads (GstPad * src, GstPad * sink)
{
  GstPadLinkReturn ret = gst_pad_link (src, sink);

  if (GST_PAD_LINK_FAILED (ret)) {
    GST_ERROR ("linking %s:%s to %s:%s: %s", GST_DEBUG_PAD_NAME (src),
        GST_DEBUG_PAD_NAME (sink), gst_pad_link_get_name (ret));
    return FALSE;
  }
  return TRUE;
}

/* The numbers of the replicas there are (what they have kept first), in
 * @peers (MAX_SIZE of them); returns how many. */
static guint
list_replicas_locked (GstWorkerPool * self, guint * peers)
{
  guint n = 0;

  for (guint r = 0; r < MAX_SIZE; r++)
    if (self->replica[r]) {
      gst_pool_settings_take (self->settings, self->replica[r]);
      peers[n++] = r;
    }
  return n;
}

/* Adds replica @r's input queue, worker bin and output queue to the pool,
 * linked to each other and to @collect_sink, with the watches that keep
 * the order book's count of its input queue. Returns: %FALSE, with
 * build_error set, if they cannot be made or linked (then nothing was
 * added). */
static gboolean
add_replica_locked (GstWorkerPool * self, guint r, GstPad * collect_sink)
{
  gchar *name = g_strdup_printf ("%s_r%u", self->built_name, r);
  gchar *in_name = g_strdup_printf ("%s_in", name);
  gchar *out_name = g_strdup_printf ("%s_out", name);
  GstElement *replica, *in = NULL, *out = NULL;
  GError *err = NULL;
  guint queue_size;
  gboolean ok = FALSE, added = FALSE;
  GstPad *pad;

  GST_OBJECT_LOCK (self);
  queue_size = self->queue_size;
  GST_OBJECT_UNLOCK (self);

  replica = self->built_isolation == GST_WORKER_POOL_ISOLATION_PROCESS ?
      gst_pool_replica_make_process (self->built_worker, name, &err) :
      gst_pool_replica_make (self->built_worker, name, &err);
  if (!replica) {
    g_propagate_prefixed_error (&self->build_error, err,
        "the worker \"%s\" cannot be built: ", self->built_worker);
    goto done;
  }
  in = make_queue (in_name, queue_size);
  out = make_queue (out_name, queue_size);
  if (!in || !out) {
    g_set_error_literal (&self->build_error, GST_CORE_ERROR,
        GST_CORE_ERROR_MISSING_PLUGIN, "the 'queue' element is missing "
        "(GStreamer's coreelements plugin)");
    goto done;
  }
  add_child (self, in);
  add_child (self, replica);
  add_child (self, out);
  /* the pool and children hold them now */
  gst_object_unref (replica);
  added = TRUE;
  /* the pool's values for a child process, then what was set on this
   * replica (and inside it) before it was built again */
  gst_pool_settings_give (self->settings, replica);
  self->replica_in[r] = in;
  self->replica[r] = replica;
  self->replica_out[r] = out;

  ok = gst_element_link_pads (in, "src", replica, "sink") &&
      gst_element_link_pads (replica, "src", out, "sink");
  pad = gst_element_get_static_pad (out, "src");
  ok = ok && link_pads (pad, collect_sink);
  gst_object_unref (pad);
  if (!ok) {
    g_set_error (&self->build_error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "replica %s could not be linked inside the pool", name);
    remove_replica_locked (self, r);
    goto done;
  }

  {
    /* the replica's own free pads: caps queries through a ghost pad come
     * back in the order of the query's filter */
    GstPad *ghost_sink = gst_element_get_static_pad (replica, "sink");
    GstPad *ghost_src = gst_element_get_static_pad (replica, "src");
    GstPad *rsink = GST_IS_GHOST_PAD (ghost_sink) ?
        gst_ghost_pad_get_target (GST_GHOST_PAD (ghost_sink)) :
        gst_object_ref (ghost_sink);
    GstPad *rsrc = GST_IS_GHOST_PAD (ghost_src) ?
        gst_ghost_pad_get_target (GST_GHOST_PAD (ghost_src)) :
        gst_object_ref (ghost_src);

    gst_pool_order_set_replica_pads (self->order, r, rsink, rsrc);
    gst_object_unref (rsink);
    gst_object_unref (rsrc);
    gst_object_unref (ghost_sink);
    gst_object_unref (ghost_src);
  }
  gst_pool_order_set_limit (self->order, r, queue_size);
  gst_pool_entry_watch (self->order, r, in, replica, out);
  gst_pool_entry_watch_queue (self->order, r, in);

done:
  if (!ok && !added) {
    /* not added: ours (the queues floating) */
    if (replica)
      gst_object_unref (replica);
    if (in)
      gst_object_unref (gst_object_ref_sink (in));
    if (out)
      gst_object_unref (gst_object_ref_sink (out));
  }
  g_free (name);
  g_free (in_name);
  g_free (out_name);
  return ok;
}

/* Builds (again) the pool's inside from its properties. */
static gboolean
build_locked (GstWorkerPool * self)
{
  guint size;
  gchar *worker, *name;
  GstWorkerPoolDispatch dispatch;
  GstWorkerPoolIsolation isolation;
  GstPoolOrder *order;
  guint r, peers[MAX_SIZE], n_peers;

  GST_OBJECT_LOCK (self);
  size = self->size;
  worker = g_strdup (self->worker);
  dispatch = self->dispatch;
  isolation = self->isolation;
  self->dirty = FALSE;
  name = g_strdup (GST_OBJECT_NAME (self));
  GST_OBJECT_UNLOCK (self);

  /* what was set on the replicas there were, for the new ones */
  n_peers = list_replicas_locked (self, peers);
  teardown_locked (self);
  g_clear_error (&self->build_error);
  g_free (self->built_name);
  self->built_name = name;
  g_free (self->built_worker);
  self->built_worker = worker;

  if (!worker || !*worker) {
    g_set_error_literal (&self->build_error, GST_CORE_ERROR,
        GST_CORE_ERROR_FAILED, "no worker to duplicate: set the 'worker' "
        "property, e.g. worker=\"videoconvert ! jpegenc\"");
    /* not yet an error: a description may set `size` before `worker`;
     * posted at READY if still so */
    GST_INFO_OBJECT (self, "%s", self->build_error->message);
    return FALSE;
  }

  self->built_isolation = isolation;
  order = gst_pool_order_new (size, MAX_SIZE,
      dispatch == GST_WORKER_POOL_DISPATCH_ROUND_ROBIN ?
      GST_POOL_ORDER_DISPATCH_ROUND_ROBIN : GST_POOL_ORDER_DISPATCH_FREE);
  gst_pool_order_set_retired_func (order, on_replica_retired, self);
  GST_OBJECT_LOCK (self);
  self->order = order;
  GST_OBJECT_UNLOCK (self);
  {
    gchar *dname = g_strdup_printf ("%s_dispatch", name);
    gchar *cname = g_strdup_printf ("%s_collect", name);

    self->dispatcher = gst_pool_dispatch_new (dname, self->order,
        GST_ELEMENT (self), worker);
    self->collector = gst_pool_collect_new (cname, self->order,
        GST_ELEMENT (self), worker);
    g_free (dname);
    g_free (cname);
  }
  add_child (self, self->dispatcher);
  add_child (self, self->collector);

  for (r = 0; r < size; r++) {
    GstPad *pad;
    gboolean ok;

    /* a replica there was not before: what was set alike on each */
    gst_pool_settings_share (self->settings, name, r, peers, n_peers);
    if (!add_replica_locked (self, r,
            gst_pool_collect_get_sinkpad (GST_POOL_COLLECT (self->collector),
                r))) {
      GST_WARNING_OBJECT (self, "%s", self->build_error->message);
      teardown_locked (self);
      return FALSE;
    }
    pad = gst_element_get_static_pad (self->replica_in[r], "sink");
    ok = link_pads (gst_pool_dispatch_get_srcpad (GST_POOL_DISPATCH
            (self->dispatcher), r), pad);
    gst_object_unref (pad);
    if (!ok) {
      g_set_error (&self->build_error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
          "replica %s_r%u could not be linked inside the pool", name, r);
      teardown_locked (self);
      return FALSE;
    }
  }

  {
    GstPad *target = gst_element_get_static_pad (self->dispatcher, "sink");

    gst_ghost_pad_set_target (GST_GHOST_PAD (self->sinkpad), target);
    gst_object_unref (target);
    target = gst_element_get_static_pad (self->collector, "src");
    gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), target);
    gst_object_unref (target);
  }
  self->built = TRUE;
  GST_DEBUG_OBJECT (self, "built %u replicas of \"%s\"", size, worker);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* resizing while the pool runs */

/* Takes replica @r's elements out of the pool; its pads on the dispatcher
 * and the collector go too. */
static void
remove_replica_locked (GstWorkerPool * self, guint r)
{
  GstElement *parts[3] = { self->replica_in[r], self->replica[r],
    self->replica_out[r]
  };

  gst_pool_settings_take (self->settings, self->replica[r]);
  gst_pool_dispatch_remove_replica (GST_POOL_DISPATCH (self->dispatcher), r);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
    if (!parts[i])
      continue;
    gst_element_set_locked_state (parts[i], TRUE);
    gst_element_set_state (parts[i], GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), parts[i]);
    g_ptr_array_remove (self->children, parts[i]);
  }
  gst_pool_collect_remove_replica (GST_POOL_COLLECT (self->collector), r);
  self->replica_in[r] = self->replica[r] = self->replica_out[r] = NULL;
  gst_pool_order_release_replica (self->order, r);
}

/* Removes the replicas that retired (not in a streaming thread: setting
 * a replica's queues to NULL joins their threads). */
static void
remove_retired (GstElement * element, gpointer user_data)
{
  GstWorkerPool *self = GST_WORKER_POOL (element);
  GstPoolOrder *order = user_data;
  gint r;

  g_mutex_lock (&self->build_lock);
  /* a rebuild since: its teardown removed everything */
  if (self->order == order) {
    while ((r = gst_pool_order_take_retired (order)) >= 0) {
      GST_DEBUG_OBJECT (self, "replica %d retired: removing it", r);
      remove_replica_locked (self, r);
    }
  }
  g_mutex_unlock (&self->build_lock);
}

static void
on_replica_retired (GstPoolOrder * order, gpointer user_data)
{
  GstWorkerPool *self = user_data;

  gst_element_call_async (GST_ELEMENT (self), remove_retired,
      gst_pool_order_ref (order), (GDestroyNotify) gst_pool_order_unref);
}

/* Adds a replica to the running pool: built, linked after its input
 * queue and started here; the dispatcher joins it to the stream before
 * its next item (a replica in a child process: once the child runs). */
static gboolean
grow_locked (GstWorkerPool * self)
{
  GstPad *collect_sink, *in_sink;
  gint r = gst_pool_order_reserve_replica (self->order);
  guint peers[MAX_SIZE], n_peers;

  if (r < 0)
    return FALSE;
  /* what was set alike on each replica there is */
  n_peers = list_replicas_locked (self, peers);
  gst_pool_settings_share (self->settings, self->built_name, r, peers,
      n_peers);
  collect_sink = gst_pool_collect_add_replica (GST_POOL_COLLECT
      (self->collector), r);
  g_clear_error (&self->build_error);
  if (!add_replica_locked (self, r, collect_sink)) {
    GST_ELEMENT_WARNING (self, CORE, FAILED,
        ("Worker pool %s: cannot add a replica: %s.", self->built_name,
            self->build_error->message), (NULL));
    gst_pool_collect_remove_replica (GST_POOL_COLLECT (self->collector), r);
    gst_pool_order_release_replica (self->order, r);
    return FALSE;
  }
  in_sink = gst_element_get_static_pad (self->replica_in[r], "sink");
  if (self->built_isolation == GST_WORKER_POOL_ISOLATION_PROCESS)
    gst_pool_dispatch_offer_when_started (GST_POOL_DISPATCH
        (self->dispatcher), r, in_sink, self->replica[r]);
  /* downstream first, so that nothing reaches an element not started */
  gst_element_sync_state_with_parent (self->replica_out[r]);
  gst_element_sync_state_with_parent (self->replica[r]);
  gst_element_sync_state_with_parent (self->replica_in[r]);
  if (self->built_isolation != GST_WORKER_POOL_ISOLATION_PROCESS)
    gst_pool_dispatch_offer_replica (GST_POOL_DISPATCH (self->dispatcher), r,
        in_sink);
  gst_object_unref (in_sink);
  GST_DEBUG_OBJECT (self, "replica %d added", r);
  return TRUE;
}

/* Stops giving items to a replica; once every item it took is out (its
 * EOS, which the dispatcher sends after its last item, reaches the
 * collector), remove_retired() removes it. */
static void
shrink_locked (GstWorkerPool * self)
{
  gint r = gst_pool_order_retire_replica (self->order);

  if (r >= 0)
    GST_DEBUG_OBJECT (self, "retiring replica %d", r);
}

/* Joins and retires replicas now, out of any streaming thread: a retired
 * replica gets its EOS even while no item comes in. */
static void
reshape_now (GstElement * element, gpointer user_data)
{
  GstWorkerPool *self = GST_WORKER_POOL (element);
  GstElement *dispatcher;

  g_mutex_lock (&self->build_lock);
  dispatcher = self->dispatcher ? gst_object_ref (self->dispatcher) : NULL;
  g_mutex_unlock (&self->build_lock);
  if (dispatcher) {
    gst_pool_dispatch_reshape_now (GST_POOL_DISPATCH (dispatcher));
    gst_object_unref (dispatcher);
  }
}

/* Brings the running pool to its `size`. */
static void
resize_live (GstWorkerPool * self)
{
  guint size, live = 0;
  gboolean changed = FALSE;

  g_mutex_lock (&self->build_lock);
  GST_OBJECT_LOCK (self);
  size = self->size;
  GST_OBJECT_UNLOCK (self);
  if (self->built && self->order) {
    live = gst_pool_order_count_live (self->order);
    GST_DEBUG_OBJECT (self, "resizing from %u to %u replicas", live, size);
    changed = live != size;
    for (; live < size; live++)
      if (!grow_locked (self))
        break;
    for (; live > size; live--)
      shrink_locked (self);
  }
  g_mutex_unlock (&self->build_lock);
  if (changed)
    gst_element_call_async (GST_ELEMENT (self), reshape_now, NULL, NULL);
}

/* Builds if the properties or the pool's name changed since the last build.
 * Returns: %FALSE, having posted an error, if the pool cannot be built. */
static gboolean
ensure_built (GstWorkerPool * self)
{
  gboolean dirty, ok;
  GError *err = NULL;

  g_mutex_lock (&self->build_lock);
  GST_OBJECT_LOCK (self);
  dirty = self->dirty || g_strcmp0 (self->built_name,
      GST_OBJECT_NAME (self)) != 0;
  GST_OBJECT_UNLOCK (self);
  if (dirty)
    build_locked (self);
  ok = self->built;
  if (!ok && self->build_error)
    err = g_error_copy (self->build_error);
  g_mutex_unlock (&self->build_lock);

  if (ok && !gst_pool_settings_check (self->settings, &err)) {
    /* (what gst-worker-launch shows after the message) */
    GST_ELEMENT_ERROR (self, CORE, FAILED,
        ("Worker pool %s: %s.", GST_OBJECT_NAME (self), err->message),
        ("set by the launch description through the pool's child proxy "
            "(NAME::PROPERTY=VALUE), checked as the pool starts"));
    g_clear_error (&err);
    return FALSE;
  }

  if (ok)
    return TRUE;

  if (err && err->domain == GST_PARSE_ERROR &&
      err->code == GST_PARSE_ERROR_NO_SUCH_ELEMENT)
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("Worker pool %s: %s.", GST_OBJECT_NAME (self), err->message),
        (NULL));
  else
    GST_ELEMENT_ERROR (self, CORE, FAILED,
        ("Worker pool %s: %s.", GST_OBJECT_NAME (self),
            err ? err->message : "it could not be built"), (NULL));
  g_clear_error (&err);
  return FALSE;
}

/* Builds now a pool whose properties changed in NULL while it was a new,
 * floating object (see gst_worker_pool_set_property()), at its first use:
 * a caps query on its pads (a link), a look-up of its children once it is
 * owned (@floating_too FALSE), a state change (ensure_built()). */
static void
build_if_pending (GstWorkerPool * self, gboolean floating_too)
{
  gboolean pending;

  GST_OBJECT_LOCK (self);
  /* dirty is cleared as a build starts: none from inside a build */
  pending = self->dirty && GST_STATE (self) == GST_STATE_NULL &&
      GST_STATE_PENDING (self) == GST_STATE_VOID_PENDING &&
      (floating_too || !g_object_is_floating (self));
  GST_OBJECT_UNLOCK (self);
  if (!pending)
    return;
  g_mutex_lock (&self->build_lock);
  GST_OBJECT_LOCK (self);
  pending = self->dirty;
  GST_OBJECT_UNLOCK (self);
  if (pending)
    build_locked (self);
  g_mutex_unlock (&self->build_lock);
}

/* The pool's child proxy (`p_r0::hang-timeout=1000`) sees its replicas
 * once they are built. */
static GstChildProxyInterface *parent_child_proxy;

static GObject *
gst_worker_pool_get_child_by_name (GstChildProxy * proxy, const gchar * name)
{
  GstWorkerPool *self = GST_WORKER_POOL (proxy);
  GObject *child;

  build_if_pending (self, FALSE);
  child = parent_child_proxy->get_child_by_name (proxy, name);
  /* `p_r5::hang-timeout=10` in a description, p_r5 being none of its
   * replicas: an error at the start (gst_pool_settings_check()) */
  gst_pool_settings_looked_up (self->settings, name, child != NULL);
  return child;
}

static GObject *
gst_worker_pool_get_child_by_index (GstChildProxy * proxy, guint index)
{
  build_if_pending (GST_WORKER_POOL (proxy), FALSE);
  return parent_child_proxy->get_child_by_index (proxy, index);
}

static guint
gst_worker_pool_get_children_count (GstChildProxy * proxy)
{
  build_if_pending (GST_WORKER_POOL (proxy), FALSE);
  return parent_child_proxy->get_children_count (proxy);
}

static void
gst_worker_pool_child_proxy_init (gpointer g_iface, gpointer iface_data)
{
  GstChildProxyInterface *iface = g_iface;

  parent_child_proxy = g_type_interface_peek_parent (iface);
  iface->get_child_by_name = gst_worker_pool_get_child_by_name;
  iface->get_child_by_index = gst_worker_pool_get_child_by_index;
  iface->get_children_count = gst_worker_pool_get_children_count;
}

/* ---------------------------------------------------------------------- */
/* the pool as an element */

/* Before GStreamer refuses caps the replicas do not accept, say so. */
static GstPadProbeReturn
check_input_caps (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstWorkerPool *self = GST_WORKER_POOL (user_data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  gchar *worker;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  if (gst_pad_query_accept_caps (pad, caps))
    return GST_PAD_PROBE_OK;

  GST_OBJECT_LOCK (self);
  worker = g_strdup (self->worker);
  GST_OBJECT_UNLOCK (self);
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
      ("Worker pool %s: its workers (\"%s\") do not accept the input "
          "format.", GST_OBJECT_NAME (self), worker),
      ("caps %" GST_PTR_FORMAT, caps));
  g_free (worker);
  return GST_PAD_PROBE_OK;
}

/* Caps queries on the pool's pads: what every replica allows, in the
 * replicas' own order of preference. (A ghost pad answers in the order of
 * the query's filter, so upstream would pick another format than it picks
 * for one element.) */
static gboolean
gst_worker_pool_pad_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstWorkerPool *self = GST_WORKER_POOL (parent);
  GstPoolOrder *order = NULL;
  gboolean res;

  /* a link made before the pool starts sees the replicas' caps */
  build_if_pending (self, TRUE);
  if (GST_QUERY_TYPE (query) != GST_QUERY_CAPS)
    return gst_pad_query_default (pad, parent, query);

  GST_OBJECT_LOCK (self);
  if (self->order)
    order = gst_pool_order_ref (self->order);
  GST_OBJECT_UNLOCK (self);
  if (!order)
    return gst_pad_query_default (pad, parent, query);
  res = gst_pool_order_query_caps (order, GST_PAD_DIRECTION (pad), query);
  gst_pool_order_unref (order);
  return res;
}

static gboolean
is_internal_queue (GstWorkerPool * self, GstObject * src)
{
  GstElementFactory *factory;

  if (!GST_IS_ELEMENT (src) || GST_OBJECT_PARENT (src) != GST_OBJECT (self))
    return FALSE;
  factory = gst_element_get_factory (GST_ELEMENT (src));
  return factory && g_strcmp0 (GST_OBJECT_NAME (factory), "queue") == 0;
}

/* The pool's internal queues report a stream that stopped as "Internal data
 * stream error". After an error from inside the pool that says nothing
 * new; a failed negotiation gets an error that names the pool. */
static void
gst_worker_pool_handle_message (GstBin * bin, GstMessage * message)
{
  GstWorkerPool *self = GST_WORKER_POOL (bin);

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    if (is_internal_queue (self, GST_MESSAGE_SRC (message))) {
      const GstStructure *details = NULL;
      gint flow = GST_FLOW_ERROR;

      gst_message_parse_error_details (message, &details);
      if (details)
        gst_structure_get_int (details, "flow-return", &flow);
      if (g_atomic_int_get (&self->error_seen)) {
        GST_DEBUG_OBJECT (self, "dropping %" GST_PTR_FORMAT, message);
        gst_message_unref (message);
        return;
      }
      if (flow == GST_FLOW_NOT_NEGOTIATED) {
        gchar *worker;

        GST_OBJECT_LOCK (self);
        worker = g_strdup (self->worker);
        GST_OBJECT_UNLOCK (self);
        GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
            ("Worker pool %s: its workers (\"%s\") and the elements after "
                "the pool could not agree on a format.",
                GST_OBJECT_NAME (self), worker),
            ("%s stopped: not-negotiated",
                GST_OBJECT_NAME (GST_MESSAGE_SRC (message))));
        g_free (worker);
        gst_message_unref (message);
        return;
      }
    }
    g_atomic_int_set (&self->error_seen, 1);
  }
  GST_BIN_CLASS (gst_worker_pool_parent_class)->handle_message (bin, message);
}

static gboolean
gst_worker_pool_post_message (GstElement * element, GstMessage * message)
{
  if (gst_pool_settings_take_warning (GST_WORKER_POOL (element)->settings,
          message))
    return TRUE;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    g_atomic_int_set (&GST_WORKER_POOL (element)->error_seen, 1);
  return GST_ELEMENT_CLASS (gst_worker_pool_parent_class)->post_message
      (element, message);
}

static GstStateChangeReturn
gst_worker_pool_change_state (GstElement * element, GstStateChange transition)
{
  GstWorkerPool *self = GST_WORKER_POOL (element);

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!ensure_built (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* properties changed in READY take effect now */
      if (!ensure_built (self))
        return GST_STATE_CHANGE_FAILURE;
      g_atomic_int_set (&self->error_seen, 0);
      gst_pool_order_reset (self->order);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* wake the threads that wait for room or for their turn, before the
       * pads they hold are deactivated */
      gst_pool_order_set_flushing (self->order, TRUE);
      break;
    default:
      break;
  }
  return GST_ELEMENT_CLASS (gst_worker_pool_parent_class)->change_state
      (element, transition);
}

/* The pool's value of @property (one of process_properties) replaces what
 * was set on its replicas: now on those that run in child processes, and
 * on those built later. */
static void
forward_to_replicas (GstWorkerPool * self, const gchar * property)
{
  gst_pool_settings_forget (self->settings, property);
  g_mutex_lock (&self->build_lock);
  if (self->built && self->built_isolation ==
      GST_WORKER_POOL_ISOLATION_PROCESS)
    for (guint r = 0; r < MAX_SIZE; r++)
      if (self->replica[r])
        gst_pool_settings_give_own (self->settings, self->replica[r],
            property);
  g_mutex_unlock (&self->build_lock);
}

static void
gst_worker_pool_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstWorkerPool *self = GST_WORKER_POOL (object);
  gboolean build_now, live_resize = FALSE;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SIZE:
      self->size = g_value_get_uint (value);
      /* a running pool grows or shrinks now (and is built with that size
       * when it next starts) */
      live_resize = GST_STATE (self) >= GST_STATE_PAUSED;
      break;
    case PROP_WORKER:
      g_free (self->worker);
      self->worker = g_value_dup_string (value);
      /* the same for every replica again */
      gst_pool_settings_forget (self->settings, "worker");
      break;
    case PROP_QUEUE_SIZE:
      self->queue_size = g_value_get_uint (value);
      break;
    case PROP_DISPATCH:
      self->dispatch = g_value_get_enum (value);
      break;
    case PROP_ISOLATION:
      self->isolation = g_value_get_enum (value);
      break;
    case PROP_START_TIMEOUT:
    case PROP_MAX_RESTARTS:
    case PROP_RESTART_DELAY:
    case PROP_HANG_TIMEOUT:
      if (prop_id == PROP_START_TIMEOUT)
        self->start_timeout = g_value_get_uint (value);
      else if (prop_id == PROP_MAX_RESTARTS)
        self->max_restarts = g_value_get_uint (value);
      else if (prop_id == PROP_RESTART_DELAY)
        self->restart_delay = g_value_get_uint (value);
      else
        self->hang_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      /* given to the replicas there are at once (no rebuild) */
      forward_to_replicas (self, pspec->name);
      return;
    default:
      GST_OBJECT_UNLOCK (self);
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
  }
  self->dirty = TRUE;
  /* in NULL, build right away (an application then finds the replicas by
   * name) -- but not the values given at construction (all properties
   * are construct ones), as gst_parse_launch() gives them: right after,
   * it sets `p_r0::hang-timeout=777` through the child proxy, and
   * GStreamer 1.22's parser never drops the reference it takes on a
   * child that exists then (it does on one added later: child-added).
   * The pool's first use builds it (build_if_pending()). */
  build_now = GST_STATE (self) == GST_STATE_NULL &&
      GST_STATE_PENDING (self) == GST_STATE_VOID_PENDING && self->constructed;
  if (GST_STATE (self) > GST_STATE_READY && !live_resize)
    GST_WARNING_OBJECT (self, "%s changes when the pool next leaves READY",
        pspec->name);
  GST_OBJECT_UNLOCK (self);

  if (live_resize)
    resize_live (self);

  if (build_now) {
    g_mutex_lock (&self->build_lock);
    build_locked (self);
    g_mutex_unlock (&self->build_lock);
  }
}

static void
gst_worker_pool_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstWorkerPool *self = GST_WORKER_POOL (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;
    case PROP_WORKER:
      g_value_set_string (value, self->worker);
      break;
    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;
    case PROP_DISPATCH:
      g_value_set_enum (value, self->dispatch);
      break;
    case PROP_ISOLATION:
      g_value_set_enum (value, self->isolation);
      break;
    case PROP_START_TIMEOUT:
      g_value_set_uint (value, self->start_timeout);
      break;
    case PROP_MAX_RESTARTS:
      g_value_set_uint (value, self->max_restarts);
      break;
    case PROP_RESTART_DELAY:
      g_value_set_uint (value, self->restart_delay);
      break;
    case PROP_HANG_TIMEOUT:
      g_value_set_uint (value, self->hang_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_worker_pool_constructed (GObject * object)
{
  GstWorkerPool *self = GST_WORKER_POOL (object);

  G_OBJECT_CLASS (gst_worker_pool_parent_class)->constructed (object);
  GST_OBJECT_LOCK (self);
  self->constructed = TRUE;
  GST_OBJECT_UNLOCK (self);
}

static void
gst_worker_pool_dispose (GObject * object)
{
  GstWorkerPool *self = GST_WORKER_POOL (object);

  g_mutex_lock (&self->build_lock);
  g_ptr_array_set_size (self->children, 0);
  g_mutex_unlock (&self->build_lock);
  G_OBJECT_CLASS (gst_worker_pool_parent_class)->dispose (object);
}

static void
gst_worker_pool_finalize (GObject * object)
{
  GstWorkerPool *self = GST_WORKER_POOL (object);

  g_ptr_array_unref (self->children);
  gst_pool_settings_free (self->settings);
  g_clear_pointer (&self->order, gst_pool_order_unref);
  g_clear_error (&self->build_error);
  g_free (self->built_name);
  g_free (self->built_worker);
  g_free (self->worker);
  g_mutex_clear (&self->build_lock);
  G_OBJECT_CLASS (gst_worker_pool_parent_class)->finalize (object);
}

/* what the blurbs of the values given to the replicas add */
#define REPLICA_OWN(example) " (setting it replaces what was set on the " \
  "replicas themselves, e.g. " example ", which a replica otherwise " \
  "keeps, also when the pool builds its replicas again)"

static void
gst_worker_pool_class_init (GstWorkerPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  /* construct properties: what a description gives is set before
   * gst_worker_pool_constructed() */
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      G_PARAM_CONSTRUCT | GST_PARAM_MUTABLE_READY;
  const GParamFlags live_flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      G_PARAM_CONSTRUCT | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_worker_pool_set_property;
  gobject_class->get_property = gst_worker_pool_get_property;
  gobject_class->constructed = gst_worker_pool_constructed;
  gobject_class->dispose = gst_worker_pool_dispose;
  gobject_class->finalize = gst_worker_pool_finalize;

  g_object_class_install_property (gobject_class, PROP_SIZE,
      g_param_spec_uint ("size", "Size",
          "Number of replicas of the worker, each in its own thread (or "
          "process, isolation=process); "
          "changed while the pool runs, new replicas take items at once and "
          "a retired one goes once every item it took is out; what was set "
          "on a replica or inside it (p_r0::..., a controller's set "
          "p_r0/NAME or p_r0_NAME) stays with its number, and what was set "
          "alike on every replica is given to the replicas added; the "
          "replicas are p_r0 to p_r<size-1>: a description's value on "
          "another (p_r5::hang-timeout=10 with size=2) is an error when the "
          "pool starts",
          1, MAX_SIZE, DEFAULT_SIZE, live_flags));
  g_object_class_install_property (gobject_class, PROP_WORKER,
      g_param_spec_string ("worker", "Worker",
          "The worker to duplicate, as a gst-launch-1.0 bin description "
          "with one free input and one free output, e.g. \"jpegenc\" or "
          "\"videoconvert ! jpegenc\" (required; what was set on a "
          "replica's elements through the child proxy, "
          "p_r0::p_r0_jpegenc::quality=50, is kept when the pool builds its "
          "replicas again)", DEFAULT_WORKER, flags));
  g_object_class_install_property (gobject_class, PROP_QUEUE_SIZE,
      g_param_spec_uint ("queue-size", "Queue size",
          "Bound, in items, of the queue in front of each replica (and of "
          "the one behind it)", 1, G_MAXINT, DEFAULT_QUEUE_SIZE, flags));
  g_object_class_install_property (gobject_class, PROP_DISPATCH,
      g_param_spec_enum ("dispatch", "Dispatch",
          "How each item's replica is chosen: free (an idle one, else the "
          "next one with room) or round-robin (item i to replica i mod size; "
          "for workers that keep state from item to item)",
          GST_TYPE_WORKER_POOL_DISPATCH,
          DEFAULT_DISPATCH, flags));
  g_object_class_install_property (gobject_class, PROP_ISOLATION,
      g_param_spec_enum ("isolation", "Isolation",
          "Where the replicas run: thread (threads of this process) or "
          "process (each in a child process of its own, a processreplica "
          "named <pool>_r<i>: a crash is contained and restarted)",
          GST_TYPE_WORKER_POOL_ISOLATION, DEFAULT_ISOLATION, flags));
  g_object_class_install_property (gobject_class, PROP_START_TIMEOUT,
      g_param_spec_uint ("start-timeout", "Start timeout",
          "With isolation=process: milliseconds each replica's child may "
          "take to start (build and run its worker) before it is killed "
          "and restarted as after a crash (max-restarts); given to each "
          "processreplica" REPLICA_OWN ("p_r0::start-timeout=60000"), 1,
          G_MAXINT,
          DEFAULT_START_TIMEOUT, live_flags));
  g_object_class_install_property (gobject_class, PROP_MAX_RESTARTS,
      g_param_spec_uint ("max-restarts", "Max restarts",
          "With isolation=process: crashes of a replica's child in a row, "
          "without an item finished, after which the replica gives up with "
          "an error; given to each processreplica"
          REPLICA_OWN ("p_r0::max-restarts=10"), 0, G_MAXINT,
          DEFAULT_MAX_RESTARTS, live_flags));
  g_object_class_install_property (gobject_class, PROP_RESTART_DELAY,
      g_param_spec_uint ("restart-delay", "Restart delay",
          "With isolation=process: milliseconds before a crashed child is "
          "started again, doubled at each crash in a row (at most 2000); "
          "given to each processreplica"
          REPLICA_OWN ("p_r0::restart-delay=100"), 0, MAX_RESTART_DELAY,
          DEFAULT_RESTART_DELAY, live_flags));
  g_object_class_install_property (gobject_class, PROP_HANG_TIMEOUT,
      g_param_spec_uint ("hang-timeout", "Hang timeout",
          "With isolation=process: milliseconds a replica's child may hold "
          "one item before it is killed and restarted (0: no limit); given "
          "to each processreplica"
          REPLICA_OWN ("p_r0::hang-timeout=1000"), 0, G_MAXINT,
          DEFAULT_HANG_TIMEOUT, live_flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Worker pool",
      "Generic/Bin",
      "Duplicates a worker over several threads or processes; outputs keep "
      "input order",
      "gst-workers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_worker_pool_change_state);
  element_class->post_message =
      GST_DEBUG_FUNCPTR (gst_worker_pool_post_message);
  bin_class->handle_message =
      GST_DEBUG_FUNCPTR (gst_worker_pool_handle_message);

  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_POOL_DISPATCH, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_WORKER_POOL_ISOLATION, 0);
}

static void
gst_worker_pool_init (GstWorkerPool * self)
{
  g_mutex_init (&self->build_lock);
  self->size = DEFAULT_SIZE;
  self->worker = g_strdup (DEFAULT_WORKER);
  self->queue_size = DEFAULT_QUEUE_SIZE;
  self->dispatch = DEFAULT_DISPATCH;
  self->isolation = DEFAULT_ISOLATION;
  self->start_timeout = DEFAULT_START_TIMEOUT;
  self->max_restarts = DEFAULT_MAX_RESTARTS;
  self->restart_delay = DEFAULT_RESTART_DELAY;
  self->hang_timeout = DEFAULT_HANG_TIMEOUT;
  self->dirty = TRUE;
  self->settings = gst_pool_settings_new (GST_ELEMENT (self));
  self->children = g_ptr_array_new_with_free_func (gst_object_unref);

  self->sinkpad = gst_ghost_pad_new_no_target_from_template ("sink",
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
          "sink"));
  gst_pad_add_probe (self->sinkpad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      check_input_caps, self, NULL);
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_worker_pool_pad_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->srcpad = gst_ghost_pad_new_no_target_from_template ("src",
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
          "src"));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_worker_pool_pad_query));
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}
