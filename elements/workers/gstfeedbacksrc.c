/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-feedbacksrc
 * @title: feedbacksrc
 * @see_also: feedbacksink, timestampmerge
 *
 * The exit of a feedback loop: emits, in order, the items that reached the
 * `feedbacksink` with the same `channel` in the same top-level pipeline
 * (see feedbacksink for the channel itself). Item timestamps are running
 * times, in a segment starting at 0, plus `ts-offset`.
 *
 * ## Caps
 *
 * The two halves are not linked, so caps are not negotiated across the
 * loop. feedbacksrc announces its `caps` property from the start, and
 * feedbacksink makes its upstream produce them. Without it, feedbacksrc
 * learns the caps from the items: caps events reaching feedbacksink travel
 * through the channel in order, and feedbacksrc announces them when they
 * change.
 *
 * ## Initial items
 *
 * A loop whose upstream worker reads its feedback input before it writes
 * anything never starts: every worker waits for another (Kahn's network
 * needs initial tokens on such a cycle). `initial-items=N` emits N *null
 * tokens* before anything arrives, and again after a flushing seek: empty
 * buffers timestamped 0 that gst_worker_buffer_is_null_token() recognises
 * (workers reading the loop treat them as "nothing yet"). They need fixed
 * `caps`. With no initial items, such a loop deadlocks: the workers stay
 * idle, each waiting for input, and nothing comes out.
 *
 * `ts-offset` shifts the items coming round the loop (not the null tokens):
 * an item made from step k goes back to be used at step k+1, so with
 * `timestampmerge` at the top of the loop, `ts-offset` is one step and the
 * null token stands for step 0. Round the step up (33333334 at 30 frames
 * per second): frame times are rounded down, and an item timestamped even
 * 1 ns before its step leaves the merge waiting for the next one, which
 * only the step itself can produce.
 *
 * ## End of stream
 *
 * feedbacksrc ignores EOS sent to it as a source (by gst-launch-1.0 -e or a
 * pipeline's exit): the loop must not end while the forward path still
 * sends items into it. It ends (pushes EOS) once its feedbacksink has
 * received EOS and everything in the channel has been emitted; so the EOS
 * sent to the pipeline ends the forward path, which ends the loop, and
 * nothing is lost. For that, the worker the loop feeds back into must end
 * its output when its forward input ends (timestampmerge does); a merge
 * that waits for all its inputs to end would wait for ever.
 *
 * A flushing seek that reaches feedbacksrc (through the merge it feeds)
 * flushes the channel: the items in it, and the ones written before the
 * flush goes round the loop to feedbacksink, are dropped and counted.
 *
 * ## Example launch line
 *
 * |[
 * gst-launch-1.0 -e videotestsrc num-buffers=100 ! \
 *     video/x-raw,framerate=30/1 ! timestampmerge name=m ! tee name=t \
 *     t. ! queue ! fakesink \
 *     t. ! queue ! videoconvert ! videoscale ! feedbacksink channel=prev \
 *     feedbacksrc channel=prev initial-items=1 ts-offset=33333334 \
 *       caps=video/x-raw,format=GRAY8,width=64,height=48,framerate=30/1 ! \
 *     queue ! m.
 * ]| Each frame goes on with a small grey copy of the frame before it
 * attached (a null token for the first one).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerselements.h"
#include "gstfeedbacksrc.h"
#include "gstfeedbackchannel.h"

GST_DEBUG_CATEGORY_STATIC (feedback_src_debug);
#define GST_CAT_DEFAULT feedback_src_debug

#define DEFAULT_CHANNEL NULL
#define DEFAULT_CAPS NULL
#define DEFAULT_INITIAL_ITEMS 0
#define DEFAULT_TS_OFFSET 0

enum
{
  PROP_0,
  PROP_CHANNEL,
  PROP_CAPS,
  PROP_INITIAL_ITEMS,
  PROP_TS_OFFSET,
};

struct _GstFeedbackSrc
{
  GstWorkerSrc parent;

  /* protected by the object lock */
  gchar *channel_name;
  GstCaps *caps;
  guint initial_items;
  gint64 ts_offset;
  GstFeedbackChannel *channel;  /* bound from NULL->READY to READY->NULL */
  guint tokens_left;            /* null tokens still to emit */
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstFeedbackSrc, gst_feedback_src, GST_TYPE_WORKER_SRC);
GST_ELEMENT_REGISTER_DEFINE (feedbacksrc, "feedbacksrc", GST_RANK_NONE,
    GST_TYPE_FEEDBACK_SRC);

static GstFeedbackChannel *
get_channel (GstFeedbackSrc * self)
{
  GstFeedbackChannel *ch;

  GST_OBJECT_LOCK (self);
  ch = self->channel ? gst_feedback_channel_ref (self->channel) : NULL;
  GST_OBJECT_UNLOCK (self);
  return ch;
}

static inline GstWorkerCore *
core_of (GstFeedbackSrc * self)
{
  return gst_worker_get_core (GST_WORKER (self));
}

/* Items the src read from the channel but drops, by its documented
 * decision: counted in and dropped. */
static void
count_dropped (GstFeedbackSrc * self, guint n)
{
  if (n) {
    GST_DEBUG_OBJECT (self, "%u items dropped from the channel", n);
    gst_worker_core_count (core_of (self), n, 0, n);
  }
}

static GstBuffer *
shift (GstBuffer * buf, gint64 offset)
{
  if (!offset)
    return buf;
  buf = gst_buffer_make_writable (buf);
  if (GST_BUFFER_PTS_IS_VALID (buf))
    GST_BUFFER_PTS (buf) = MAX ((gint64) GST_BUFFER_PTS (buf) + offset, 0);
  if (GST_BUFFER_DTS_IS_VALID (buf))
    GST_BUFFER_DTS (buf) = MAX ((gint64) GST_BUFFER_DTS (buf) + offset, 0);
  return buf;
}

static GstFlowReturn
gst_feedback_src_produce (GstWorkerSrc * base, GstBuffer ** buf)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (base);
  GstFeedbackChannel *ch;
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean token = FALSE;
  gint64 offset;

  GST_OBJECT_LOCK (self);
  if (self->tokens_left) {
    self->tokens_left--;
    token = TRUE;
  }
  offset = self->ts_offset;
  ch = self->channel ? gst_feedback_channel_ref (self->channel) : NULL;
  GST_OBJECT_UNLOCK (self);

  if (token) {
    GST_DEBUG_OBJECT (self, "null token");
    *buf = gst_worker_null_token_new (0);
    g_clear_pointer (&ch, gst_feedback_channel_unref);
    return GST_FLOW_OK;
  }
  if (!ch)
    return GST_FLOW_FLUSHING;

  for (;;) {
    GstMiniObject *obj;
    GstFeedbackResult res = gst_feedback_channel_read (ch, &obj,
        core_of (self));

    if (res == GST_FEEDBACK_FLUSHING) {
      ret = GST_FLOW_FLUSHING;
      break;
    }
    if (res == GST_FEEDBACK_END) {
      GST_DEBUG_OBJECT (self, "feedbacksink at EOS, channel drained");
      ret = GST_FLOW_EOS;
      break;
    }
    if (GST_IS_EVENT (obj)) {
      GstCaps *caps, *current;
      gboolean same;

      gst_event_parse_caps (GST_EVENT (obj), &caps);
      current = gst_pad_get_current_caps (GST_BASE_SRC_PAD (self));
      same = current && gst_caps_is_equal (current, caps);
      gst_clear_caps (&current);
      if (!same && !gst_base_src_set_caps (GST_BASE_SRC (self), caps)) {
        GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
            ("Downstream of %s does not accept the caps of the items coming "
                "round the loop.", GST_OBJECT_NAME (self)),
            ("caps %" GST_PTR_FORMAT, caps));
        gst_mini_object_unref (obj);
        ret = GST_FLOW_NOT_NEGOTIATED;
        break;
      }
      gst_mini_object_unref (obj);
      continue;
    }
    *buf = shift (GST_BUFFER (obj), offset);
    break;
  }
  gst_feedback_channel_unref (ch);
  return ret;
}

/* The src's own events, as they leave: EOS ends the channel, a flush
 * (a flushing seek) empties it and re-arms the initial items. */
static GstPadProbeReturn
watch_events (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstFeedbackSrc *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstFeedbackChannel *ch = get_channel (self);

  if (!ch)
    return GST_PAD_PROBE_OK;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      count_dropped (self, gst_feedback_channel_src_done (ch));
      break;
    case GST_EVENT_FLUSH_START:
      count_dropped (self, gst_feedback_channel_src_flush (ch,
              gst_event_get_seqnum (event)));
      break;
    case GST_EVENT_FLUSH_STOP:
      GST_OBJECT_LOCK (self);
      self->tokens_left = self->initial_items;
      GST_OBJECT_UNLOCK (self);
      gst_feedback_channel_src_restart (ch);
      break;
    default:
      break;
  }
  gst_feedback_channel_unref (ch);
  return GST_PAD_PROBE_OK;
}

static GstCaps *
gst_feedback_src_get_caps (GstBaseSrc * src, GstCaps * filter)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (src);
  GstCaps *caps;

  /* never asks the loop: that is the query recursion a cycle would make */
  GST_OBJECT_LOCK (self);
  caps = self->caps ? gst_caps_ref (self->caps) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (!caps)
    caps = gst_pad_get_current_caps (GST_BASE_SRC_PAD (src));
  if (!caps)
    caps = gst_pad_get_pad_template_caps (GST_BASE_SRC_PAD (src));
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

static gboolean
gst_feedback_src_start (GstBaseSrc * src)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (src);
  GstFeedbackChannel *ch = get_channel (self);
  GstCaps *caps;
  guint initial;

  GST_OBJECT_LOCK (self);
  caps = self->caps ? gst_caps_ref (self->caps) : NULL;
  initial = self->initial_items;
  self->tokens_left = initial;
  GST_OBJECT_UNLOCK (self);

  if (!ch || !gst_feedback_channel_has_sink (ch)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No feedbacksink with channel '%s' in this pipeline: %s would "
            "have nothing to emit.", ch ? gst_feedback_channel_get_name (ch) :
            "", GST_OBJECT_NAME (self)), (NULL));
    goto fail;
  }
  if (initial && (!caps || !gst_caps_is_fixed (caps))) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("%s needs fixed caps (its caps property) to emit initial items.",
            GST_OBJECT_NAME (self)), ("caps %" GST_PTR_FORMAT, caps));
    goto fail;
  }
  gst_feedback_channel_src_start (ch);
  gst_clear_caps (&caps);
  gst_feedback_channel_unref (ch);
  return TRUE;

fail:
  gst_clear_caps (&caps);
  if (ch)
    gst_feedback_channel_unref (ch);
  return FALSE;
}

static gboolean
gst_feedback_src_stop (GstBaseSrc * src)
{
  GstFeedbackChannel *ch = get_channel (GST_FEEDBACK_SRC (src));

  if (ch) {
    gst_feedback_channel_src_stop (ch);
    gst_feedback_channel_unref (ch);
  }
  return TRUE;
}

static gboolean
gst_feedback_src_unlock (GstBaseSrc * src)
{
  GstFeedbackChannel *ch = get_channel (GST_FEEDBACK_SRC (src));

  if (ch) {
    gst_feedback_channel_src_set_flushing (ch, TRUE);
    gst_feedback_channel_unref (ch);
  }
  return GST_BASE_SRC_CLASS (gst_feedback_src_parent_class)->unlock (src);
}

static gboolean
gst_feedback_src_unlock_stop (GstBaseSrc * src)
{
  GstFeedbackChannel *ch = get_channel (GST_FEEDBACK_SRC (src));

  if (ch) {
    gst_feedback_channel_src_set_flushing (ch, FALSE);
    gst_feedback_channel_unref (ch);
  }
  return GST_BASE_SRC_CLASS (gst_feedback_src_parent_class)->unlock_stop (src);
}

static gboolean
gst_feedback_src_is_seekable (GstBaseSrc * src)
{
  /* so that a merge fed by the loop can complete a flushing seek */
  return TRUE;
}

static gboolean
gst_feedback_src_do_seek (GstBaseSrc * src, GstSegment * segment)
{
  /* a seek only flushes the loop: its items keep running times */
  segment->rate = 1.0;
  segment->applied_rate = 1.0;
  segment->start = segment->time = segment->position = 0;
  segment->stop = GST_CLOCK_TIME_NONE;
  return TRUE;
}

static gboolean
gst_feedback_src_send_event (GstElement * element, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    /* a pipeline's EOS reaches every source: the loop ends when its
     * feedbacksink does, not before */
    GST_DEBUG_OBJECT (element, "ignoring EOS sent to the loop");
    gst_event_unref (event);
    return TRUE;
  }
  return GST_ELEMENT_CLASS (gst_feedback_src_parent_class)->send_event
      (element, event);
}

static gboolean
bind_channel (GstFeedbackSrc * self)
{
  GError *err = NULL;
  GstFeedbackChannel *ch;
  GstCaps *caps;
  gchar *name;

  GST_OBJECT_LOCK (self);
  name = g_strdup (self->channel_name);
  GST_OBJECT_UNLOCK (self);

  if (!name || !*name) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("%s has no channel: set its channel property to the name of the "
            "feedbacksink's channel.", GST_OBJECT_NAME (self)), (NULL));
    g_free (name);
    return FALSE;
  }
  ch = gst_feedback_channel_bind (GST_ELEMENT (self),
      GST_BASE_SRC_PAD (self), name, FALSE, &err);
  g_free (name);
  if (!ch) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY, ("%s", err->message), (NULL));
    g_error_free (err);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->channel = ch;
  caps = self->caps ? gst_caps_ref (self->caps) : NULL;
  GST_OBJECT_UNLOCK (self);
  gst_feedback_channel_set_src_caps (ch, caps);
  gst_clear_caps (&caps);
  return TRUE;
}

static void
unbind_channel (GstFeedbackSrc * self)
{
  GstFeedbackChannel *ch;

  GST_OBJECT_LOCK (self);
  ch = g_steal_pointer (&self->channel);
  GST_OBJECT_UNLOCK (self);
  if (ch)
    gst_feedback_channel_unbind (ch, GST_ELEMENT (self));
}

static GstStateChangeReturn
gst_feedback_src_change_state (GstElement * element, GstStateChange transition)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !bind_channel (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (gst_feedback_src_parent_class)->change_state
      (element, transition);

  if (transition == GST_STATE_CHANGE_READY_TO_NULL ||
      (transition == GST_STATE_CHANGE_NULL_TO_READY &&
          ret == GST_STATE_CHANGE_FAILURE))
    unbind_channel (self);
  return ret;
}

static void
gst_feedback_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (object);

  switch (prop_id) {
    case PROP_CHANNEL:
      GST_OBJECT_LOCK (self);
      g_free (self->channel_name);
      self->channel_name = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CAPS:{
      const GstCaps *caps = gst_value_get_caps (value);
      GstFeedbackChannel *ch;

      GST_OBJECT_LOCK (self);
      gst_caps_replace (&self->caps, (GstCaps *) caps);
      ch = self->channel ? gst_feedback_channel_ref (self->channel) : NULL;
      GST_OBJECT_UNLOCK (self);
      if (ch) {
        gst_feedback_channel_set_src_caps (ch, (GstCaps *) caps);
        gst_feedback_channel_unref (ch);
      }
      break;
    }
    case PROP_INITIAL_ITEMS:
      GST_OBJECT_LOCK (self);
      self->initial_items = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TS_OFFSET:
      GST_OBJECT_LOCK (self);
      self->ts_offset = g_value_get_int64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (gst_feedback_src_parent_class)->set_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_feedback_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (object);

  switch (prop_id) {
    case PROP_CHANNEL:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->channel_name);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CAPS:
      GST_OBJECT_LOCK (self);
      gst_value_set_caps (value, self->caps);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INITIAL_ITEMS:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->initial_items);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TS_OFFSET:
      GST_OBJECT_LOCK (self);
      g_value_set_int64 (value, self->ts_offset);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_CLASS (gst_feedback_src_parent_class)->get_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_feedback_src_finalize (GObject * object)
{
  GstFeedbackSrc *self = GST_FEEDBACK_SRC (object);

  unbind_channel (self);
  g_free (self->channel_name);
  gst_clear_caps (&self->caps);
  G_OBJECT_CLASS (gst_feedback_src_parent_class)->finalize (object);
}

static void
gst_feedback_src_class_init (GstFeedbackSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstWorkerSrcClass *worker_class = GST_WORKER_SRC_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  GST_DEBUG_CATEGORY_INIT (feedback_src_debug, "feedbacksrc", 0,
      "exit of a feedback loop");

  gobject_class->set_property = gst_feedback_src_set_property;
  gobject_class->get_property = gst_feedback_src_get_property;
  gobject_class->finalize = gst_feedback_src_finalize;

  /**
   * GstFeedbackSrc:channel:
   *
   * Name of the channel: the items of the feedbacksink with the same
   * channel name in the same top-level pipeline come out here.
   */
  g_object_class_install_property (gobject_class, PROP_CHANNEL,
      g_param_spec_string ("channel", "Channel",
          "Name of the channel; the items of the feedbacksink with the same "
          "channel in the same pipeline come out here", DEFAULT_CHANNEL,
          flags));
  /**
   * GstFeedbackSrc:caps:
   *
   * Caps of the items coming round the loop, announced from the start
   * (required, fixed, for initial-items); unset, they are learned from the
   * items.
   */
  g_object_class_install_property (gobject_class, PROP_CAPS,
      g_param_spec_boxed ("caps", "Caps",
          "Caps of the items coming round the loop, announced from the start "
          "(needed, fixed, for initial-items); unset, learned from the items",
          GST_TYPE_CAPS, flags));
  /**
   * GstFeedbackSrc:initial-items:
   *
   * Null tokens emitted before anything comes round the loop (and again
   * after a flushing seek), so that a loop whose upstream worker reads
   * before it writes can start.
   */
  g_object_class_install_property (gobject_class, PROP_INITIAL_ITEMS,
      g_param_spec_uint ("initial-items", "Initial items",
          "Null tokens (empty buffers timestamped 0, see "
          "gst_worker_buffer_is_null_token()) emitted before anything comes "
          "round the loop, so that a loop whose upstream worker reads before "
          "it writes can start", 0, G_MAXUINT, DEFAULT_INITIAL_ITEMS, flags));
  /**
   * GstFeedbackSrc:ts-offset:
   *
   * Nanoseconds added to the timestamps of the items coming round the loop
   * (not to the null tokens): typically one step, so that an item made at
   * step k is timestamped for step k+1, where it is used.
   */
  g_object_class_install_property (gobject_class, PROP_TS_OFFSET,
      g_param_spec_int64 ("ts-offset", "Timestamp offset",
          "Nanoseconds added to the timestamps of the items coming round the "
          "loop (typically one step: made at step k, used at step k+1)",
          G_MININT64, G_MAXINT64, DEFAULT_TS_OFFSET, flags));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Feedback source",
      "Generic/Source", "Exit of a feedback loop: emits the items of the "
      "feedbacksink of the same channel", "gst-workers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_feedback_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_feedback_src_send_event);
  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_feedback_src_get_caps);
  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_feedback_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_feedback_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_feedback_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_feedback_src_unlock_stop);
  basesrc_class->is_seekable = GST_DEBUG_FUNCPTR (gst_feedback_src_is_seekable);
  basesrc_class->do_seek = GST_DEBUG_FUNCPTR (gst_feedback_src_do_seek);
  worker_class->produce = GST_DEBUG_FUNCPTR (gst_feedback_src_produce);
}

static void
gst_feedback_src_init (GstFeedbackSrc * self)
{
  self->channel_name = g_strdup (DEFAULT_CHANNEL);
  self->initial_items = DEFAULT_INITIAL_ITEMS;
  self->ts_offset = DEFAULT_TS_OFFSET;
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_pad_add_probe (GST_BASE_SRC_PAD (self),
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      watch_events, self, NULL);
}
