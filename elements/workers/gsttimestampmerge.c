/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-timestampmerge
 * @title: timestampmerge
 *
 * A worker with several inputs (worker 3 of the design) that merges them
 * by timestamp. The sink pad of the lowest number (`sink_0`, whatever the
 * order the pads were requested or linked in) is the primary stream; for
 * each primary item, timestampmerge chooses one item from each
 * other input and passes the primary item on, unchanged, with the chosen
 * items attached as a #GstWorkerMergeMeta under their input's pad name.
 * Downstream workers read them with gst_buffer_get_merged_item():
 *
 * |[<!-- language="C" -->
 * GstBuffer *odom = gst_buffer_get_merged_item (detection, "sink_1");
 * ]|
 *
 * ## Which item
 *
 * Times are running times, so inputs with different segments compare
 * correctly; items without a timestamp are an error. With `mode=nearest`
 * (the default) the chosen item is the nearer of the last item before the
 * primary's time and the first item at or after it; on a tie, the earlier
 * one. This is the Python system's rule ("advance odometry until
 * prev.ts <= det.ts <= cur.ts, take the nearer") with its tie made
 * deterministic. With `mode=latest-before` it is the latest item at or
 * before the primary's time. Of several items with the same timestamp on
 * one input, the first is used and the others are dropped.
 *
 * An item farther than `max-distance` from the primary item is never
 * chosen. A primary item for which some input has no item to choose is
 * *unmatched* (counted in that pad's `unmatched`): it is passed on with no
 * entry for that input, or dropped if `drop-unmatched` is set.
 *
 * ## Deterministic
 *
 * In a non-live pipeline, timestampmerge never decides on a timeout: it
 * waits until the choice cannot change any more, that is until the input
 * has an item at or after the primary's time, or is at EOS, or has sent a
 * GAP event that rules out anything nearer. The output is the same whatever
 * the queue sizes and the scheduling. A GAP event means "no item in this
 * time range", so an input that stays silent (a detector that found
 * nothing) does not stall the merge: it sends GAP events. In nearest mode
 * a gap settles the choice only once it reaches as far past the primary's
 * time as the previous item is before it (or past `max-distance`): set
 * `max-distance`, or use latest-before, when an input may stay silent
 * long. A GAP on the primary input is no item to merge: it goes on
 * downstream as a GAP.
 *
 * In a live pipeline, the merge waits for each primary item at most the
 * pipeline latency plus its `latency` property, then chooses among the
 * items that arrived. Set `latency` to how late the other inputs' items
 * arrive after the primary's (in nearest mode, plus `max-distance`).
 *
 * Like any #GstAggregator, it waits for items on every sink pad it has:
 * request each pad only for an input that will be linked (a merge with no
 * input at all waits for ever, as GStreamer allows pads to come later).
 *
 * ## Items not chosen, and the end of the stream
 *
 * Every input item is either passed on (primary), attached to at least one
 * output (an item can be nearest to several primary items), or dropped and
 * counted in the worker's `items-dropped` and the pad's `dropped`: items
 * passed over, unmatched primary items when `drop-unmatched` is set, and
 * what is left on the other inputs when the primary ends. So, once every
 * input is at EOS: `items-in` = `items-out` + `items-dropped` + the sum of
 * the pads' `attached`.
 *
 * When the primary input ends with nothing pending, the output ends at
 * once (EOS goes downstream), whatever the other inputs still hold: in a
 * feedback loop, the other inputs' EOS comes back only through that EOS.
 * Items still arriving on the other inputs are then dropped and counted
 * until each of them is at EOS.
 *
 * The output caps are the primary's; the other inputs accept anything.
 * Attached items keep their own caps; their timestamps are expressed in
 * the output's segment. An attached item keeps the items an earlier merge
 * attached to it, but those come without theirs: in a feedback loop the
 * item coming round carries the previous output, which carries the item
 * before it, and so on, and every output would otherwise hold every item
 * made since the start. A buffer carries one #GstWorkerMergeMeta: a second
 * merge downstream adds its items to the first one's, under its own pad
 * names; request distinct names (`m2.sink_2`) to keep both.
 *
 * ## Example launch lines
 *
 * |[
 * gst-launch-1.0 -m timestampmerge name=m max-distance=10000000 ! \
 *     testworkersink  testworkersrc num-buffers=100 interval=33333333 ! m. \
 *     testworkersrc num-buffers=330 interval=10000000 ! m.
 * ]| Merges each of 100 frames (30 per second) with the odometry sample (100
 * per second) nearest in time, using the test workers of the tests
 * (`meson devenv -C build` finds them; else add `build/tests/elements` to
 * GST_PLUGIN_PATH).
 *
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=60 ! timestampmerge name=m \
 *     mode=latest-before ! videoconvert ! fakesink \
 *     audiotestsrc num-buffers=50 ! m.
 * ]| Attaches to each video frame the last audio buffer that started at or
 * before it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerselements.h"
#include "gsttimestampmerge.h"

GST_DEBUG_CATEGORY_STATIC (timestamp_merge_debug);
#define GST_CAT_DEFAULT timestamp_merge_debug

#define DEFAULT_MODE GST_TIMESTAMP_MERGE_MODE_NEAREST
#define DEFAULT_MAX_DISTANCE GST_CLOCK_TIME_NONE
#define DEFAULT_DROP_UNMATCHED FALSE

enum
{
  PROP_0,
  PROP_MODE,
  PROP_MAX_DISTANCE,
  PROP_DROP_UNMATCHED,
};

/* ---------------------------------------------------------------------- */
/* the pad */

struct _GstTimestampMergePad
{
  GstAggregatorPad parent;

  /* aggregate thread only */
  GstBuffer *prev;              /* last item taken, before the primary's time */
  GstClockTime prev_rt;
  gboolean prev_attached;
  GstBuffer *head_attached;     /* the queued head item, if attached (a ref) */
  GstClockTime horizon;         /* no item will come before this running time */
  gint reset;                   /* atomic: flushed, state to be reset */

  /* protected by the object lock */
  guint64 attached;
  guint64 dropped;
  guint64 unmatched;
};

enum
{
  PROP_PAD_0,
  PROP_PAD_ATTACHED,
  PROP_PAD_DROPPED,
  PROP_PAD_UNMATCHED,
};

G_DEFINE_TYPE (GstTimestampMergePad, gst_timestamp_merge_pad,
    GST_TYPE_AGGREGATOR_PAD);

static void
gst_timestamp_merge_pad_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTimestampMergePad *pad = GST_TIMESTAMP_MERGE_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PAD_ATTACHED:
      g_value_set_uint64 (value, pad->attached);
      break;
    case PROP_PAD_DROPPED:
      g_value_set_uint64 (value, pad->dropped);
      break;
    case PROP_PAD_UNMATCHED:
      g_value_set_uint64 (value, pad->unmatched);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

/* Called with the streaming threads stopped, or from the aggregate
 * thread. */
static void
merge_pad_reset (GstTimestampMergePad * pad)
{
  gst_clear_buffer (&pad->prev);
  gst_clear_buffer (&pad->head_attached);
  pad->prev_rt = GST_CLOCK_TIME_NONE;
  pad->prev_attached = FALSE;
  pad->horizon = GST_CLOCK_TIME_NONE;
}

static GstFlowReturn
gst_timestamp_merge_pad_flush (GstAggregatorPad * aggpad, GstAggregator * agg)
{
  /* may run while the aggregate thread works: it resets the pad itself */
  g_atomic_int_set (&GST_TIMESTAMP_MERGE_PAD (aggpad)->reset, 1);
  return GST_FLOW_OK;
}

static void
gst_timestamp_merge_pad_finalize (GObject * object)
{
  merge_pad_reset (GST_TIMESTAMP_MERGE_PAD (object));
  G_OBJECT_CLASS (gst_timestamp_merge_pad_parent_class)->finalize (object);
}

static void
gst_timestamp_merge_pad_class_init (GstTimestampMergePadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstAggregatorPadClass *aggpad_class = GST_AGGREGATOR_PAD_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  gobject_class->get_property = gst_timestamp_merge_pad_get_property;
  gobject_class->finalize = gst_timestamp_merge_pad_finalize;
  aggpad_class->flush = GST_DEBUG_FUNCPTR (gst_timestamp_merge_pad_flush);

  g_object_class_install_property (gobject_class, PROP_PAD_ATTACHED,
      g_param_spec_uint64 ("attached", "Attached",
          "Items of this input attached to at least one output", 0,
          G_MAXUINT64, 0, ro));
  g_object_class_install_property (gobject_class, PROP_PAD_DROPPED,
      g_param_spec_uint64 ("dropped", "Dropped",
          "Items of this input dropped: never chosen, left over at the "
          "primary's end, or (primary) unmatched with drop-unmatched", 0,
          G_MAXUINT64, 0, ro));
  g_object_class_install_property (gobject_class, PROP_PAD_UNMATCHED,
      g_param_spec_uint64 ("unmatched", "Unmatched",
          "Primary items for which this input had no item within "
          "max-distance", 0, G_MAXUINT64, 0, ro));
}

static void
gst_timestamp_merge_pad_init (GstTimestampMergePad * pad)
{
  merge_pad_reset (pad);
}

/* ---------------------------------------------------------------------- */
/* the element */

struct _GstTimestampMerge
{
  GstWorkerAggregator parent;

  /* protected by the object lock */
  GstTimestampMergeMode mode;
  GstClockTime max_distance;
  gboolean drop_unmatched;

  /* aggregate thread only */
  gboolean primary_done;        /* the primary ended: drain the others */
  gboolean segment_changed;     /* the primary has a new segment */
  gboolean warned_order;

  /* protected by the object lock */
  guint32 last_seek_seqnum;
};

static GstStaticPadTemplate sink_template =
GST_STATIC_PAD_TEMPLATE ("sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

GType
gst_timestamp_merge_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TIMESTAMP_MERGE_MODE_NEAREST,
        "The item nearest in time (on a tie, the earlier)", "nearest"},
    {GST_TIMESTAMP_MERGE_MODE_LATEST_BEFORE,
        "The latest item at or before the primary's time", "latest-before"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTimestampMergeMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

G_DEFINE_TYPE (GstTimestampMerge, gst_timestamp_merge,
    GST_TYPE_WORKER_AGGREGATOR);
GST_ELEMENT_REGISTER_DEFINE (timestampmerge, "timestampmerge", GST_RANK_NONE,
    GST_TYPE_TIMESTAMP_MERGE);

/* A sink pad's number: N of sink_N. */
static guint64
pad_number (gconstpointer pad)
{
  const gchar *name = GST_OBJECT_NAME (pad);

  return g_str_has_prefix (name, "sink_") ?
      g_ascii_strtoull (name + 5, NULL, 10) : G_MAXUINT64;
}

static gint
compare_pad_numbers (gconstpointer a, gconstpointer b)
{
  guint64 na = pad_number (a), nb = pad_number (b);

  return na < nb ? -1 : na > nb ? 1 : 0;
}

/* The sink pads, reffed, by number: sink_0 first, whatever order they
 * were requested in. With the object lock. */
static GList *
pads_by_number_locked (GstTimestampMerge * self)
{
  GList *pads = g_list_copy_deep (GST_ELEMENT (self)->sinkpads,
      (GCopyFunc) gst_object_ref, NULL);

  return g_list_sort (pads, compare_pad_numbers);
}

/* The primary is the sink pad of the lowest number (sink_0). Returns a
 * ref. */
static GstTimestampMergePad *
get_primary (GstTimestampMerge * self)
{
  GstTimestampMergePad *pad = NULL;
  GList *pads;

  GST_OBJECT_LOCK (self);
  pads = pads_by_number_locked (self);
  GST_OBJECT_UNLOCK (self);
  if (pads)
    pad = gst_object_ref (pads->data);
  g_list_free_full (pads, gst_object_unref);
  return pad;
}

static gboolean
is_primary (GstTimestampMerge * self, GstAggregatorPad * pad)
{
  GstTimestampMergePad *primary = get_primary (self);
  gboolean ret = primary == (gpointer) pad;

  gst_clear_object (&primary);
  return ret;
}

/* The other sink pads, reffed, by number. */
static GList *
get_secondaries (GstTimestampMerge * self)
{
  GList *pads;

  GST_OBJECT_LOCK (self);
  pads = pads_by_number_locked (self);
  GST_OBJECT_UNLOCK (self);
  if (pads) {
    gst_object_unref (pads->data);
    pads = g_list_delete_link (pads, pads);
  }
  return pads;
}

static inline GstClockTime
buffer_time (GstBuffer * buf)
{
  return GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
      GST_BUFFER_DTS (buf);
}

static GstClockTime
running_time (GstAggregatorPad * pad, GstClockTime ts)
{
  GstClockTime rt;

  GST_OBJECT_LOCK (pad);
  rt = pad->segment.format == GST_FORMAT_TIME ?
      gst_segment_to_running_time (&pad->segment, GST_FORMAT_TIME, ts) :
      GST_CLOCK_TIME_NONE;
  GST_OBJECT_UNLOCK (pad);
  return rt;
}

static inline gboolean
is_gap (GstBuffer * buf)
{
  /* the aggregator turns GAP events into empty buffers flagged GAP */
  return GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP) &&
      gst_buffer_get_size (buf) == 0;
}

static inline GstClockTime
abs_diff (GstClockTime a, GstClockTime b)
{
  return a > b ? a - b : b - a;
}

/* Drops an input item by decision, counted. */
static void
drop_item (GstTimestampMerge * self, GstTimestampMergePad * pad,
    GstBuffer * buf)
{
  GST_LOG_OBJECT (pad, "dropping %" GST_PTR_FORMAT, buf);
  GST_OBJECT_LOCK (pad);
  pad->dropped++;
  GST_OBJECT_UNLOCK (pad);
  gst_worker_aggregator_drop (GST_WORKER_AGGREGATOR (self), buf);
}

static void
release_prev (GstTimestampMerge * self, GstTimestampMergePad * pad)
{
  if (pad->prev && !pad->prev_attached)
    drop_item (self, pad, g_steal_pointer (&pad->prev));
  gst_clear_buffer (&pad->prev);
  pad->prev_attached = FALSE;
  pad->prev_rt = GST_CLOCK_TIME_NONE;
}

/* Takes a popped, non-gap item as the pad's new previous item, or drops it
 * if it is not after the current one (same timestamp: the first wins). */
static void
take_prev (GstTimestampMerge * self, GstTimestampMergePad * pad,
    GstBuffer * buf, GstClockTime rt)
{
  gboolean was_attached = pad->head_attached == buf;

  gst_clear_buffer (&pad->head_attached);
  if (pad->prev && rt <= pad->prev_rt) {
    if (rt < pad->prev_rt && !self->warned_order) {
      GST_WARNING_OBJECT (pad, "timestamps go backwards, dropping items");
      self->warned_order = TRUE;
    }
    if (was_attached)
      gst_buffer_unref (buf);
    else
      drop_item (self, pad, buf);
    return;
  }
  release_prev (self, pad);
  pad->prev = buf;
  pad->prev_rt = rt;
  pad->prev_attached = was_attached;
  if (!GST_CLOCK_TIME_IS_VALID (pad->horizon) || rt > pad->horizon)
    pad->horizon = rt;
}

/* Whether what the pad's GAPs told rules out any later item being chosen
 * for a primary item at @t. */
static gboolean
horizon_settles (GstTimestampMergePad * pad, GstClockTime t,
    GstTimestampMergeMode mode, GstClockTime max_distance)
{
  GstClockTime h = pad->horizon;

  if (!GST_CLOCK_TIME_IS_VALID (h) || h <= t)
    return FALSE;
  /* any later item is at or after h, so after t */
  if (mode == GST_TIMESTAMP_MERGE_MODE_LATEST_BEFORE)
    return TRUE;
  if (GST_CLOCK_TIME_IS_VALID (max_distance) && h - t > max_distance)
    return TRUE;
  /* a later item can only tie with the previous one, and ties go to the
   * earlier */
  return pad->prev && h - t >= abs_diff (t, pad->prev_rt);
}

typedef enum
{
  SETTLED,
  NEED_DATA,
  SETTLE_ERROR,
} SettleResult;

/* Takes items from @pad until the choice for a primary item at @t cannot
 * change. On SETTLED, *next is the queued item at or after @t (a ref), if
 * there is one. */
static SettleResult
settle (GstTimestampMerge * self, GstTimestampMergePad * pad, GstClockTime t,
    GstTimestampMergeMode mode, GstClockTime max_distance, gboolean timeout,
    GstBuffer ** next, GstClockTime * next_rt)
{
  GstAggregatorPad *aggpad = GST_AGGREGATOR_PAD (pad);

  *next = NULL;
  *next_rt = GST_CLOCK_TIME_NONE;

  for (;;) {
    GstBuffer *head = gst_aggregator_pad_peek_buffer (aggpad);
    GstClockTime ts, rt;

    if (!head) {
      if (gst_aggregator_pad_is_eos (aggpad) ||
          horizon_settles (pad, t, mode, max_distance) || timeout)
        return SETTLED;
      return NEED_DATA;
    }

    ts = buffer_time (head);
    rt = running_time (aggpad, ts);

    if (is_gap (head)) {
      GstClockTime end = rt;

      if (GST_CLOCK_TIME_IS_VALID (rt) &&
          GST_BUFFER_DURATION_IS_VALID (head))
        end = rt + GST_BUFFER_DURATION (head);
      if (GST_CLOCK_TIME_IS_VALID (end) &&
          (!GST_CLOCK_TIME_IS_VALID (pad->horizon) || end > pad->horizon))
        pad->horizon = end;
      GST_LOG_OBJECT (pad, "gap up to %" GST_TIME_FORMAT, GST_TIME_ARGS (end));
      gst_buffer_unref (head);
      /* a gap reaching past t stays queued while it settles the choice */
      if (GST_CLOCK_TIME_IS_VALID (end) && end > t &&
          horizon_settles (pad, t, mode, max_distance))
        return SETTLED;
      gst_buffer_unref (gst_aggregator_pad_pop_buffer (aggpad));
      continue;
    }

    if (!GST_CLOCK_TIME_IS_VALID (ts)) {
      gst_buffer_unref (head);
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("Input %s of %s has an item without a timestamp: timestampmerge "
              "merges items by timestamp.", GST_PAD_NAME (pad),
              GST_OBJECT_NAME (self)), ("buffer without PTS and DTS"));
      return SETTLE_ERROR;
    }
    if (!GST_CLOCK_TIME_IS_VALID (rt)) {
      GST_DEBUG_OBJECT (pad, "item outside the segment");
      gst_buffer_unref (head);
      drop_item (self, pad, gst_aggregator_pad_pop_buffer (aggpad));
      continue;
    }

    if (rt >= t) {
      *next = head;
      *next_rt = rt;
      return SETTLED;
    }

    gst_buffer_unref (head);
    take_prev (self, pad, gst_aggregator_pad_pop_buffer (aggpad), rt);
  }
}

/* The item of @pad for a primary item at @t, or NULL; sets *rt. */
static GstBuffer *
choose (GstTimestampMergePad * pad, GstClockTime t, GstTimestampMergeMode mode,
    GstClockTime max_distance, GstBuffer * next, GstClockTime next_rt,
    GstClockTime * rt)
{
  GstBuffer *chosen = NULL;

  if (mode == GST_TIMESTAMP_MERGE_MODE_LATEST_BEFORE) {
    if (next && next_rt == t) {
      chosen = next;
      *rt = next_rt;
    } else if (pad->prev && pad->prev_rt <= t) {
      chosen = pad->prev;
      *rt = pad->prev_rt;
    }
  } else if (pad->prev && (!next ||
          abs_diff (t, pad->prev_rt) <= abs_diff (next_rt, t))) {
    chosen = pad->prev;
    *rt = pad->prev_rt;
  } else if (next) {
    chosen = next;
    *rt = next_rt;
  }

  if (chosen && GST_CLOCK_TIME_IS_VALID (max_distance) &&
      abs_diff (*rt, t) > max_distance)
    chosen = NULL;
  return chosen;
}

/* @item, or a copy of it whose merged items carry no merged items of
 * their own. In a feedback loop, the item coming round was made from the
 * previous output, which carries the item before, and so on: without this
 * bound every output would hold every item made since the start. */
static GstBuffer *
bound_history (GstBuffer * item)
{
  GstWorkerMergeMeta *meta = gst_buffer_get_worker_merge_meta (item);
  GstBuffer *copy;
  guint i, n = meta ? gst_worker_merge_meta_get_n_items (meta) : 0;

  for (i = 0; i < n; i++)
    if (gst_buffer_get_worker_merge_meta (gst_worker_merge_meta_get_nth_item
            (meta, i, NULL)))
      break;
  if (i == n)
    return gst_buffer_ref (item);

  copy = gst_buffer_copy (item);
  meta = gst_buffer_get_worker_merge_meta (copy);
  for (i = 0; i < n; i++) {
    const gchar *name;
    GstBuffer *nested = gst_worker_merge_meta_get_nth_item (meta, i, &name);
    GstWorkerMergeMeta *nested_meta = gst_buffer_get_worker_merge_meta
        (nested);

    if (nested_meta) {
      GstBuffer *flat = gst_buffer_copy (nested);

      gst_buffer_remove_meta (flat, (GstMeta *)
          gst_buffer_get_worker_merge_meta (flat));
      gst_worker_merge_meta_add_item (meta, name, flat);
      gst_buffer_unref (flat);
    }
  }
  return copy;
}

/* An attached item, its timestamps in the output's segment. */
static GstBuffer *
retime (GstBuffer * chosen, GstClockTime rt, const GstSegment * out_segment)
{
  GstBuffer *item = bound_history (chosen);
  GstClockTime pts, old = buffer_time (item);
  GstBuffer *copy;

  pts = gst_segment_position_from_running_time (out_segment, GST_FORMAT_TIME,
      rt);
  if (!GST_CLOCK_TIME_IS_VALID (pts) || pts == old)
    return item;

  copy = gst_buffer_make_writable (item);
  if (GST_BUFFER_DTS_IS_VALID (copy)) {
    GstClockTimeDiff shift = GST_CLOCK_DIFF (old, pts);
    gint64 dts = (gint64) GST_BUFFER_DTS (copy) + shift;

    GST_BUFFER_DTS (copy) = dts >= 0 ? (GstClockTime) dts : 0;
  }
  if (GST_BUFFER_PTS_IS_VALID (copy))
    GST_BUFFER_PTS (copy) = pts;
  return copy;
}

typedef struct
{
  GstTimestampMergePad *pad;
  GstBuffer *next;
  GstClockTime next_rt;
  GstBuffer *chosen;            /* not reffed: pad->prev or next */
  GstClockTime chosen_rt;
} Choice;

static void
choices_free (Choice * c, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    gst_clear_buffer (&c[i].next);
    gst_clear_object (&c[i].pad);
  }
  g_free (c);
}

static void
reset_flushed_pads (GstTimestampMerge * self)
{
  GList *l;

  GST_OBJECT_LOCK (self);
  for (l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstTimestampMergePad *pad = l->data;

    if (g_atomic_int_compare_and_exchange (&pad->reset, 1, 0))
      merge_pad_reset (pad);
  }
  GST_OBJECT_UNLOCK (self);
}

/* Drops what the other inputs hold, counted. Returns EOS once all of them
 * are at EOS. */
static GstFlowReturn
drain_secondaries (GstTimestampMerge * self)
{
  GList *pads = get_secondaries (self), *l;
  gboolean all_eos = TRUE;

  for (l = pads; l; l = l->next) {
    GstTimestampMergePad *pad = l->data;
    GstAggregatorPad *aggpad = l->data;
    GstBuffer *buf;

    while ((buf = gst_aggregator_pad_pop_buffer (aggpad))) {
      if (is_gap (buf) || buf == pad->head_attached)
        gst_buffer_unref (buf);
      else
        drop_item (self, pad, buf);
      gst_clear_buffer (&pad->head_attached);
    }
    release_prev (self, pad);
    if (!gst_aggregator_pad_is_eos (aggpad))
      all_eos = FALSE;
  }
  g_list_free_full (pads, gst_object_unref);

  if (all_eos) {
    GST_DEBUG_OBJECT (self, "all inputs drained");
    return GST_FLOW_EOS;
  }
  return GST_AGGREGATOR_FLOW_NEED_DATA;
}

/* The primary ended with nothing pending: drop what the other inputs hold
 * and end the output now, without waiting for their EOS (in a feedback
 * loop it comes back through this very EOS). Runs in the aggregate
 * thread. */
static void
end_primary (GstTimestampMerge * self, GstEvent * eos)
{
  GstAggregator *agg = GST_AGGREGATOR (self);
  GstPad *srcpad = GST_AGGREGATOR_SRC_PAD (agg);
  GstCaps *caps;
  GstEvent *started;

  if (self->primary_done)
    return;
  self->primary_done = TRUE;
  GST_DEBUG_OBJECT (self, "primary ended, ending the output");
  drain_secondaries (self);

  /* stream-start, caps and segment must precede EOS: let the base class
   * push whatever is pending */
  started = gst_pad_get_sticky_event (srcpad, GST_EVENT_STREAM_START, 0);
  if (!started || self->segment_changed) {
    GstTimestampMergePad *primary = get_primary (self);

    if (primary && self->segment_changed) {
      GstSegment segment;

      GST_OBJECT_LOCK (primary);
      segment = GST_AGGREGATOR_PAD (primary)->segment;
      GST_OBJECT_UNLOCK (primary);
      if (segment.format == GST_FORMAT_TIME)
        gst_aggregator_update_segment (agg, &segment);
    }
    gst_clear_object (&primary);
    self->segment_changed = FALSE;

    caps = gst_pad_get_current_caps (srcpad);
    if (caps) {
      gst_aggregator_set_src_caps (agg, caps);
      gst_caps_unref (caps);
    } else {
      gst_aggregator_negotiate (agg);
    }
    gst_clear_event (&started);
    started = gst_pad_get_sticky_event (srcpad, GST_EVENT_STREAM_START, 0);
  }

  if (started) {
    GstEvent *out = gst_event_new_eos ();

    if (eos)
      gst_event_set_seqnum (out, gst_event_get_seqnum (eos));
    gst_pad_push_event (srcpad, out);
    gst_event_unref (started);
  }
  /* else nothing went out yet, not even caps: the base class sends
   * stream-start and EOS once aggregate() returns EOS */
}

static GstFlowReturn
gst_timestamp_merge_aggregate (GstWorkerAggregator * base, gboolean timeout)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (base);
  GstAggregator *agg = GST_AGGREGATOR (base);
  GstTimestampMergePad *primary;
  GstTimestampMergeMode mode;
  GstClockTime max_distance, t, ts, end;
  GstFlowReturn ret;
  gboolean drop_unmatched, unmatched = FALSE, need_data = FALSE;
  GstBuffer *pbuf, *out;
  GstWorkerMergeMeta *meta = NULL;
  GstSegment out_segment;
  GList *pads, *l;
  Choice *choices;
  guint n, i;

  reset_flushed_pads (self);

  if (self->primary_done)
    return drain_secondaries (self);

  primary = get_primary (self);
  if (!primary)
    return GST_AGGREGATOR_FLOW_NEED_DATA;

  pbuf = gst_aggregator_pad_peek_buffer (GST_AGGREGATOR_PAD (primary));
  if (!pbuf) {
    gboolean eos = gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (primary));

    gst_object_unref (primary);
    if (!eos)
      return GST_AGGREGATOR_FLOW_NEED_DATA;
    end_primary (self, NULL);
    return drain_secondaries (self);
  }

  if (is_gap (pbuf)) {
    /* nothing to merge: the output has nothing either, from its start on
     * (before it, a GAP would come before the stream's segment) */
    GstPad *srcpad = GST_AGGREGATOR_SRC_PAD (agg);
    GstEvent *segment = gst_pad_get_sticky_event (srcpad, GST_EVENT_SEGMENT,
        0);

    GST_LOG_OBJECT (primary, "gap at %" GST_TIME_FORMAT,
        GST_TIME_ARGS (GST_BUFFER_PTS (pbuf)));
    if (segment && GST_BUFFER_PTS_IS_VALID (pbuf))
      gst_pad_push_event (srcpad, gst_event_new_gap (GST_BUFFER_PTS (pbuf),
              GST_BUFFER_DURATION (pbuf)));
    gst_clear_event (&segment);
    gst_buffer_unref (pbuf);
    gst_buffer_unref (gst_aggregator_pad_pop_buffer (GST_AGGREGATOR_PAD
            (primary)));
    gst_object_unref (primary);
    return GST_FLOW_OK;
  }

  ts = buffer_time (pbuf);
  if (!GST_CLOCK_TIME_IS_VALID (ts)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Input %s of %s has an item without a timestamp: timestampmerge "
            "merges items by timestamp.", GST_PAD_NAME (primary),
            GST_OBJECT_NAME (self)), ("buffer without PTS and DTS"));
    gst_buffer_unref (pbuf);
    gst_object_unref (primary);
    return GST_FLOW_ERROR;
  }
  t = running_time (GST_AGGREGATOR_PAD (primary), ts);
  if (!GST_CLOCK_TIME_IS_VALID (t)) {
    GST_DEBUG_OBJECT (primary, "primary item outside the segment");
    gst_buffer_unref (pbuf);
    drop_item (self, primary,
        gst_aggregator_pad_pop_buffer (GST_AGGREGATOR_PAD (primary)));
    gst_object_unref (primary);
    return GST_FLOW_OK;
  }

  GST_OBJECT_LOCK (self);
  mode = self->mode;
  max_distance = self->max_distance;
  drop_unmatched = self->drop_unmatched;
  GST_OBJECT_UNLOCK (self);

  pads = get_secondaries (self);
  n = g_list_length (pads);
  choices = g_new0 (Choice, n);
  for (l = pads, i = 0; l; l = l->next, i++) {
    SettleResult res;

    choices[i].pad = l->data;
    res = settle (self, choices[i].pad, t, mode, max_distance, timeout,
        &choices[i].next, &choices[i].next_rt);
    if (res == SETTLE_ERROR) {
      g_list_free (pads);
      choices_free (choices, n);
      gst_buffer_unref (pbuf);
      gst_object_unref (primary);
      return GST_FLOW_ERROR;
    }
    if (res == NEED_DATA)
      need_data = TRUE;
  }
  g_list_free (pads);           /* the refs moved to choices */

  if (need_data) {
    GST_LOG_OBJECT (self, "waiting for the other inputs at %" GST_TIME_FORMAT,
        GST_TIME_ARGS (t));
    choices_free (choices, n);
    gst_buffer_unref (pbuf);
    gst_object_unref (primary);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }

  for (i = 0; i < n; i++) {
    Choice *c = &choices[i];

    c->chosen = choose (c->pad, t, mode, max_distance, c->next, c->next_rt,
        &c->chosen_rt);
    if (!c->chosen) {
      GST_LOG_OBJECT (c->pad, "nothing to merge at %" GST_TIME_FORMAT,
          GST_TIME_ARGS (t));
      GST_OBJECT_LOCK (c->pad);
      c->pad->unmatched++;
      GST_OBJECT_UNLOCK (c->pad);
      unmatched = TRUE;
    }
  }

  gst_buffer_unref (pbuf);
  pbuf = gst_aggregator_pad_pop_buffer (GST_AGGREGATOR_PAD (primary));

  if (unmatched && drop_unmatched) {
    drop_item (self, primary, pbuf);
    choices_free (choices, n);
    gst_object_unref (primary);
    return GST_FLOW_OK;
  }

  if (self->segment_changed) {
    GST_OBJECT_LOCK (primary);
    out_segment = GST_AGGREGATOR_PAD (primary)->segment;
    GST_OBJECT_UNLOCK (primary);
    gst_aggregator_update_segment (agg, &out_segment);
    self->segment_changed = FALSE;
  } else {
    GST_OBJECT_LOCK (primary);
    out_segment = GST_AGGREGATOR_PAD (primary)->segment;
    GST_OBJECT_UNLOCK (primary);
  }

  out = gst_buffer_make_writable (pbuf);
  for (i = 0; i < n; i++) {
    Choice *c = &choices[i];
    GstBuffer *item;
    gboolean first_time;

    if (!c->chosen)
      continue;
    if (!meta)
      meta = gst_buffer_add_worker_merge_meta (out);
    item = retime (c->chosen, c->chosen_rt, &out_segment);
    gst_worker_merge_meta_add_item (meta, GST_PAD_NAME (c->pad), item);
    gst_buffer_unref (item);

    if (c->chosen == c->pad->prev) {
      first_time = !c->pad->prev_attached;
      c->pad->prev_attached = TRUE;
    } else {
      first_time = c->pad->head_attached != c->chosen;
      gst_buffer_replace (&c->pad->head_attached, c->chosen);
    }
    if (first_time) {
      GST_OBJECT_LOCK (c->pad);
      c->pad->attached++;
      GST_OBJECT_UNLOCK (c->pad);
    }
  }
  choices_free (choices, n);
  gst_object_unref (primary);

  if (!gst_pad_has_current_caps (GST_AGGREGATOR_SRC_PAD (agg))) {
    gst_aggregator_negotiate (agg);
    if (!gst_pad_has_current_caps (GST_AGGREGATOR_SRC_PAD (agg))) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("%s has no caps to give its output: its first input sent items "
              "without caps, or downstream refused them.",
              GST_OBJECT_NAME (self)), (NULL));
      gst_buffer_unref (out);
      return GST_FLOW_NOT_NEGOTIATED;
    }
  }

  end = GST_BUFFER_PTS (out);
  if (GST_CLOCK_TIME_IS_VALID (end) && GST_BUFFER_DURATION_IS_VALID (out))
    end += GST_BUFFER_DURATION (out);
  gst_aggregator_selected_samples (agg, GST_BUFFER_PTS (out),
      GST_BUFFER_DTS (out), GST_BUFFER_DURATION (out), NULL);
  ret = gst_aggregator_finish_buffer (agg, out);

  /* for position queries */
  GST_OBJECT_LOCK (agg);
  if (GST_CLOCK_TIME_IS_VALID (end))
    GST_AGGREGATOR_PAD (GST_AGGREGATOR_SRC_PAD (agg))->segment.position = end;
  GST_OBJECT_UNLOCK (agg);
  return ret;
}

static gboolean
gst_timestamp_merge_sink_event (GstAggregator * agg, GstAggregatorPad * pad,
    GstEvent * event)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      /* the output has the primary's caps; the others' stay with them.
       * The same caps again (a funnel upstream repeats them at each
       * switch) renegotiate nothing: a renegotiation sends an allocation
       * query, which waits in a queue downstream, while prerolling, for
       * ever. */
      if (is_primary (self, pad)) {
        GstPad *srcpad = GST_AGGREGATOR_SRC_PAD (agg);
        GstCaps *caps, *current = gst_pad_get_current_caps (srcpad);

        gst_event_parse_caps (event, &caps);
        if (!current || !gst_caps_is_equal (caps, current))
          gst_pad_mark_reconfigure (srcpad);
        gst_clear_caps (&current);
      }
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_SEGMENT:
      if (is_primary (self, pad))
        self->segment_changed = TRUE;
      break;
    case GST_EVENT_EOS:
      if (is_primary (self, pad)) {
        GstEvent *eos = gst_event_ref (event);

        ret = GST_AGGREGATOR_CLASS (gst_timestamp_merge_parent_class)
            ->sink_event (agg, pad, event);
        /* serialized: every primary item before it is out */
        end_primary (self, eos);
        gst_event_unref (eos);
        return ret;
      }
      break;
    default:
      break;
  }
  return GST_AGGREGATOR_CLASS (gst_timestamp_merge_parent_class)->sink_event
      (agg, pad, event);
}

static gboolean
gst_timestamp_merge_sink_query (GstAggregator * agg, GstAggregatorPad * pad,
    GstQuery * query)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);

  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    GstCaps *filter, *caps;

    gst_query_parse_caps (query, &filter);
    if (is_primary (self, pad)) {
      /* the primary's caps go out unchanged */
      caps = gst_pad_peer_query_caps (GST_AGGREGATOR_SRC_PAD (agg), filter);
    } else {
      caps = gst_pad_get_pad_template_caps (GST_PAD (pad));
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full (filter, caps,
            GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (caps);
        caps = tmp;
      }
    }
    gst_query_set_caps_result (query, caps);
    gst_caps_unref (caps);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS (gst_timestamp_merge_parent_class)->sink_query
      (agg, pad, query);
}

static gboolean
gst_timestamp_merge_src_query (GstAggregator * agg, GstQuery * query)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);

  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    GstTimestampMergePad *primary = get_primary (self);
    GstCaps *filter, *caps;

    gst_query_parse_caps (query, &filter);
    if (primary) {
      caps = gst_pad_peer_query_caps (GST_PAD (primary), filter);
      gst_object_unref (primary);
    } else {
      caps = filter ? gst_caps_ref (filter) : gst_caps_new_any ();
    }
    gst_query_set_caps_result (query, caps);
    gst_caps_unref (caps);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS (gst_timestamp_merge_parent_class)->src_query
      (agg, query);
}

static gboolean
gst_timestamp_merge_src_event (GstAggregator * agg, GstEvent * event)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK) {
    guint32 seqnum = gst_event_get_seqnum (event);
    gboolean seen;

    /* a pipeline's seek reaches a merge once per sink downstream (a tee,
     * a feedback loop); GstAggregator 1.22 drops the repeats but leaks
     * them: drop them here */
    GST_OBJECT_LOCK (self);
    seen = self->last_seek_seqnum == seqnum;
    self->last_seek_seqnum = seqnum;
    GST_OBJECT_UNLOCK (self);
    if (seen) {
      GST_DEBUG_OBJECT (self, "seek %u already handled", seqnum);
      gst_event_unref (event);
      return TRUE;
    }
  }
  return GST_AGGREGATOR_CLASS (gst_timestamp_merge_parent_class)->src_event
      (agg, event);
}

static GstFlowReturn
gst_timestamp_merge_update_src_caps (GstAggregator * agg, GstCaps * downstream,
    GstCaps ** ret)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);
  GstTimestampMergePad *primary = get_primary (self);
  GstCaps *caps = primary ? gst_pad_get_current_caps (GST_PAD (primary)) :
      NULL;

  if (!caps) {
    gst_clear_object (&primary);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }
  if (!gst_caps_can_intersect (caps, downstream)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("%s cannot pass on the items of its input %s: downstream does not "
            "accept their caps.", GST_OBJECT_NAME (self),
            GST_PAD_NAME (primary)),
        ("primary caps %" GST_PTR_FORMAT ", downstream %" GST_PTR_FORMAT,
            caps, downstream));
    gst_caps_unref (caps);
    gst_object_unref (primary);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  gst_object_unref (primary);
  *ret = caps;
  return GST_FLOW_OK;
}

static GstClockTime
gst_timestamp_merge_get_next_time (GstAggregator * agg)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);
  GstTimestampMergePad *primary;
  GstClockTime t = GST_CLOCK_TIME_NONE;
  GstBuffer *buf;

  if (self->primary_done)
    return GST_CLOCK_TIME_NONE;
  primary = get_primary (self);
  if (!primary)
    return GST_CLOCK_TIME_NONE;
  /* live: wait for the others until the primary item's time + latency */
  buf = gst_aggregator_pad_peek_buffer (GST_AGGREGATOR_PAD (primary));
  if (buf) {
    GstClockTime ts = buffer_time (buf);

    if (GST_CLOCK_TIME_IS_VALID (ts))
      t = running_time (GST_AGGREGATOR_PAD (primary), ts);
    gst_buffer_unref (buf);
  }
  gst_object_unref (primary);
  return t;
}

static void
reset_all (GstTimestampMerge * self)
{
  GList *l;

  GST_OBJECT_LOCK (self);
  for (l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstTimestampMergePad *pad = l->data;

    g_atomic_int_set (&pad->reset, 0);
    merge_pad_reset (pad);
    GST_OBJECT_LOCK (pad);
    pad->attached = pad->dropped = pad->unmatched = 0;
    GST_OBJECT_UNLOCK (pad);
  }
  GST_OBJECT_UNLOCK (self);
  self->primary_done = FALSE;
  self->segment_changed = FALSE;
  self->warned_order = FALSE;
  GST_OBJECT_LOCK (self);
  self->last_seek_seqnum = GST_SEQNUM_INVALID;
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_timestamp_merge_start (GstAggregator * agg)
{
  reset_all (GST_TIMESTAMP_MERGE (agg));
  return TRUE;
}

static gboolean
gst_timestamp_merge_stop (GstAggregator * agg)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);
  GList *l;

  /* the streaming threads are stopped: free what the pads hold */
  GST_OBJECT_LOCK (self);
  for (l = GST_ELEMENT (self)->sinkpads; l; l = l->next)
    merge_pad_reset (l->data);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstFlowReturn
gst_timestamp_merge_flush (GstAggregator * agg)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (agg);

  /* every pad got FLUSH_STOP (and reset itself); the task is stopped */
  self->primary_done = FALSE;
  self->segment_changed = TRUE;
  return GST_FLOW_OK;
}

static void
gst_timestamp_merge_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (object);

  switch (prop_id) {
    case PROP_MODE:
      GST_OBJECT_LOCK (self);
      self->mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_DISTANCE:
      GST_OBJECT_LOCK (self);
      self->max_distance = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DROP_UNMATCHED:
      GST_OBJECT_LOCK (self);
      self->drop_unmatched = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      /* the worker properties */
      G_OBJECT_CLASS (gst_timestamp_merge_parent_class)->set_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_timestamp_merge_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTimestampMerge *self = GST_TIMESTAMP_MERGE (object);

  switch (prop_id) {
    case PROP_MODE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->mode);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_DISTANCE:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->max_distance);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DROP_UNMATCHED:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->drop_unmatched);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (gst_timestamp_merge_parent_class)->get_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_timestamp_merge_class_init (GstTimestampMergeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);
  GstWorkerAggregatorClass *worker_class = GST_WORKER_AGGREGATOR_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (timestamp_merge_debug, "timestampmerge", 0,
      "merge of several inputs by timestamp");

  gobject_class->set_property = gst_timestamp_merge_set_property;
  gobject_class->get_property = gst_timestamp_merge_get_property;

  /**
   * GstTimestampMerge:mode:
   *
   * How the item of each other input is chosen for a primary item.
   */
  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "How the item of each other input is chosen for a primary item",
          GST_TYPE_TIMESTAMP_MERGE_MODE, DEFAULT_MODE, flags));
  /**
   * GstTimestampMerge:max-distance:
   *
   * Largest distance in time, in nanoseconds, between a primary item and
   * an item chosen for it; -1 (the default) for no limit.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_DISTANCE,
      g_param_spec_uint64 ("max-distance", "Maximum distance",
          "Largest distance in time (ns) between a primary item and an "
          "item chosen for it; farther items are never chosen "
          "(-1 = no limit)", 0, G_MAXUINT64, DEFAULT_MAX_DISTANCE, flags));
  /**
   * GstTimestampMerge:drop-unmatched:
   *
   * What to do with a primary item for which an input has no item within
   * `max-distance`: pass it on without that input's entry (%FALSE, the
   * default) or drop it, counted in `items-dropped`.
   */
  g_object_class_install_property (gobject_class, PROP_DROP_UNMATCHED,
      g_param_spec_boolean ("drop-unmatched", "Drop unmatched",
          "Drop (counted) a primary item for which some input has no item "
          "within max-distance, instead of passing it on without that "
          "input's entry", DEFAULT_DROP_UNMATCHED, flags));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_TIMESTAMP_MERGE_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_set_static_metadata (element_class, "Timestamp merge",
      "Generic", "Passes each item of the first input on with the "
      "item of each other input nearest in time attached",
      "gst-workers");

  agg_class->sink_event = GST_DEBUG_FUNCPTR (gst_timestamp_merge_sink_event);
  agg_class->sink_query = GST_DEBUG_FUNCPTR (gst_timestamp_merge_sink_query);
  agg_class->src_query = GST_DEBUG_FUNCPTR (gst_timestamp_merge_src_query);
  agg_class->src_event = GST_DEBUG_FUNCPTR (gst_timestamp_merge_src_event);
  agg_class->update_src_caps =
      GST_DEBUG_FUNCPTR (gst_timestamp_merge_update_src_caps);
  agg_class->get_next_time =
      GST_DEBUG_FUNCPTR (gst_timestamp_merge_get_next_time);
  agg_class->start = GST_DEBUG_FUNCPTR (gst_timestamp_merge_start);
  agg_class->stop = GST_DEBUG_FUNCPTR (gst_timestamp_merge_stop);
  agg_class->flush = GST_DEBUG_FUNCPTR (gst_timestamp_merge_flush);
  worker_class->aggregate = GST_DEBUG_FUNCPTR (gst_timestamp_merge_aggregate);

  gst_type_mark_as_plugin_api (GST_TYPE_TIMESTAMP_MERGE_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TIMESTAMP_MERGE_PAD, 0);
}

static void
gst_timestamp_merge_init (GstTimestampMerge * self)
{
  self->mode = DEFAULT_MODE;
  self->max_distance = DEFAULT_MAX_DISTANCE;
  self->drop_unmatched = DEFAULT_DROP_UNMATCHED;
  self->last_seek_seqnum = GST_SEQNUM_INVALID;
}
