/* gst-workers: the workers plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-feedbacksink
 * @title: feedbacksink
 * @see_also: feedbacksrc, timestampmerge
 *
 * The entry of a feedback loop: a queue from a downstream worker back to an
 * upstream one inside one pipeline (the design's feedback queue). Items
 * reaching `feedbacksink channel=NAME` come out of the `feedbacksrc` with
 * the same channel name in the same top-level pipeline, in order, with
 * their timestamps turned into running times. Two pipelines may use the
 * same channel name without meeting.
 *
 * The channel is a bounded FIFO of `max-size-buffers` items, set here: when
 * it is full, feedbacksink waits (a Kahn blocking write) and its heartbeat
 * says `blocked`, on `channel NAME`. Flushing and state changes wake it.
 *
 * Linking a pipeline into a cycle makes GStreamer's caps, allocation and
 * latency queries recurse for ever; the two halves of the channel are not
 * linked, and answer those queries themselves: feedbacksink proposes the
 * caps of feedbacksrc's `caps` property (or accepts anything), allocation
 * stops here, and the latency of the loop does not add up.
 *
 * Unlike other sinks, feedbacksink takes items in PAUSED as in PLAYING,
 * as a queue does, and does not preroll (`async` is always false): a loop
 * runs while the rest of the pipeline prerolls. `sync` is false by default.
 *
 * ## End of stream
 *
 * On EOS, feedbacksink waits until feedbacksrc has taken every item and
 * sent its own EOS, and only then posts its EOS. So the pipeline's EOS
 * message (gst-launch-1.0 -e, or a controller's exit) comes once nothing is
 * left in the channel. Items written after feedbacksrc ended (when its
 * downstream stopped taking items) are dropped and counted in
 * `items-dropped`, as are items that a flushing seek made stale.
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
#include "gstfeedbacksink.h"
#include "gstfeedbackchannel.h"

GST_DEBUG_CATEGORY_STATIC (feedback_sink_debug);
#define GST_CAT_DEFAULT feedback_sink_debug

#define DEFAULT_CHANNEL NULL
#define DEFAULT_MAX_SIZE_BUFFERS 10

enum
{
  PROP_0,
  PROP_CHANNEL,
  PROP_MAX_SIZE_BUFFERS,
  PROP_CURRENT_LEVEL_BUFFERS,
};

struct _GstFeedbackSink
{
  GstWorkerSink parent;

  /* protected by the object lock */
  gchar *channel_name;
  guint max_size_buffers;
  GstFeedbackChannel *channel;  /* bound from NULL->READY to READY->NULL */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstFeedbackSink, gst_feedback_sink, GST_TYPE_WORKER_SINK);
GST_ELEMENT_REGISTER_DEFINE (feedbacksink, "feedbacksink", GST_RANK_NONE,
    GST_TYPE_FEEDBACK_SINK);

static GstFeedbackChannel *
get_channel (GstFeedbackSink * self)
{
  GstFeedbackChannel *ch;

  GST_OBJECT_LOCK (self);
  ch = self->channel ? gst_feedback_channel_ref (self->channel) : NULL;
  GST_OBJECT_UNLOCK (self);
  return ch;
}

static inline GstWorkerCore *
core_of (GstFeedbackSink * self)
{
  return gst_worker_get_core (GST_WORKER (self));
}

/* The timestamps the item has in running time: feedbacksrc's segment
 * starts at 0, so running times carry over. NULL if the item is outside
 * the segment. */
static GstBuffer *
to_running_time (GstFeedbackSink * self, GstBuffer * buf)
{
  GstSegment segment;
  GstClockTime pts = GST_BUFFER_PTS (buf), dts = GST_BUFFER_DTS (buf);

  GST_OBJECT_LOCK (self);
  segment = GST_BASE_SINK (self)->segment;
  GST_OBJECT_UNLOCK (self);
  if (segment.format != GST_FORMAT_TIME)
    return buf;

  if (GST_CLOCK_TIME_IS_VALID (pts)) {
    pts = gst_segment_to_running_time (&segment, GST_FORMAT_TIME, pts);
    if (!GST_CLOCK_TIME_IS_VALID (pts)) {
      gst_buffer_unref (buf);
      return NULL;
    }
  }
  if (GST_CLOCK_TIME_IS_VALID (dts))
    dts = gst_segment_to_running_time (&segment, GST_FORMAT_TIME, dts);
  if (pts != GST_BUFFER_PTS (buf) || dts != GST_BUFFER_DTS (buf)) {
    buf = gst_buffer_make_writable (buf);
    GST_BUFFER_PTS (buf) = pts;
    GST_BUFFER_DTS (buf) = dts;
  }
  return buf;
}

/* One item into the channel (transfer full). */
static GstFlowReturn
write_item (GstFeedbackSink * self, GstBuffer * buf)
{
  GstWorkerCore *core = core_of (self);
  GstFeedbackChannel *ch;
  GstFeedbackResult res;

  if (!gst_worker_core_begin_item (core, 1)) {
    gst_worker_sink_drop (GST_WORKER_SINK (self), 1);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  ch = get_channel (self);
  buf = to_running_time (self, buf);
  if (!ch || !buf) {
    GST_DEBUG_OBJECT (self, "item outside the segment, or no channel");
    gst_worker_core_end_item (core);
    gst_worker_sink_drop (GST_WORKER_SINK (self), 1);
    if (buf)
      gst_buffer_unref (buf);
    if (ch)
      gst_feedback_channel_unref (ch);
    return ch ? GST_FLOW_OK : GST_FLOW_FLUSHING;
  }

  res = gst_feedback_channel_write (ch, GST_MINI_OBJECT (buf), core);
  gst_worker_core_end_item (core);
  gst_feedback_channel_unref (ch);

  switch (res) {
    case GST_FEEDBACK_OK:
      gst_worker_core_count (core, 0, 1, 0);
      return GST_FLOW_OK;
    case GST_FEEDBACK_DISCARDED:
      GST_LOG_OBJECT (self, "feedbacksrc ended or flushed: item dropped");
      gst_worker_sink_drop (GST_WORKER_SINK (self), 1);
      return GST_FLOW_OK;
    default:
      gst_worker_sink_drop (GST_WORKER_SINK (self), 1);
      return GST_FLOW_FLUSHING;
  }
}

/* EOS: post it (let GstBaseSink have it) once nothing is left in the
 * loop. Waits outside GstBaseSink's preroll lock, so that a state change
 * meanwhile does not wait for the loop. */
static void
wait_drained (GstFeedbackSink * self)
{
  GstFeedbackChannel *ch = get_channel (self);

  if (ch) {
    GST_DEBUG_OBJECT (self, "EOS: waiting for feedbacksrc to drain");
    gst_feedback_channel_sink_eos (ch, core_of (self));
    gst_feedback_channel_unref (ch);
  }
}

/* Items are taken here, before GstBaseSink, which would hold them in
 * PAUSED for preroll: a back edge must keep flowing like a queue. */
static GstPadProbeReturn
take_items (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstFeedbackSink *self = user_data;
  GstFlowReturn ret = GST_FLOW_OK;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
      wait_drained (self);
    return GST_PAD_PROBE_OK;
  }

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    ret = write_item (self, GST_PAD_PROBE_INFO_BUFFER (info));
  } else {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i, n = gst_buffer_list_length (list);

    for (i = 0; i < n; i++) {
      GstBuffer *buf = gst_buffer_ref (gst_buffer_list_get (list, i));

      if (ret == GST_FLOW_OK)
        ret = write_item (self, buf);
      else
        gst_buffer_unref (buf);
    }
    gst_buffer_list_unref (list);
  }
  GST_PAD_PROBE_INFO_DATA (info) = NULL;
  GST_PAD_PROBE_INFO_FLOW_RETURN (info) = ret;
  return GST_PAD_PROBE_HANDLED;
}

/* Not reached while the probe takes the items; kept for a subclass of
 * GstWorkerSink's contract. */
static GstFlowReturn
gst_feedback_sink_consume (GstWorkerSink * base, GstBuffer * buf)
{
  return write_item (GST_FEEDBACK_SINK (base), gst_buffer_ref (buf));
}

static gboolean
gst_feedback_sink_event (GstBaseSink * sink, GstEvent * event)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (sink);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    GstFeedbackChannel *ch = get_channel (self);

    if (ch) {
      gst_feedback_channel_sink_flush_stop (ch, gst_event_get_seqnum (event));
      gst_feedback_channel_unref (ch);
    }
  }
  return GST_BASE_SINK_CLASS (gst_feedback_sink_parent_class)->event (sink,
      event);
}

static gboolean
gst_feedback_sink_set_caps (GstBaseSink * sink, GstCaps * caps)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (sink);
  GstFeedbackChannel *ch = get_channel (self);
  GstCaps *src_caps;
  GstFeedbackResult res;

  if (!ch)
    return FALSE;
  src_caps = gst_feedback_channel_get_src_caps (ch);
  if (src_caps && !gst_caps_can_intersect (caps, src_caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Items reaching %s have caps that feedbacksrc's caps property on "
            "channel '%s' does not allow.", GST_OBJECT_NAME (self),
            gst_feedback_channel_get_name (ch)),
        ("caps %" GST_PTR_FORMAT ", feedbacksrc caps %" GST_PTR_FORMAT, caps,
            src_caps));
    gst_caps_unref (src_caps);
    gst_feedback_channel_unref (ch);
    return FALSE;
  }
  gst_clear_caps (&src_caps);

  /* the caps travel in order with the items */
  res = gst_feedback_channel_write (ch,
      GST_MINI_OBJECT (gst_event_new_caps (caps)), NULL);
  gst_feedback_channel_unref (ch);
  return res != GST_FEEDBACK_FLUSHING;
}

static GstCaps *
gst_feedback_sink_get_caps (GstBaseSink * sink, GstCaps * filter)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (sink);
  GstFeedbackChannel *ch = get_channel (self);
  GstCaps *caps = NULL;

  /* never asks the other end's peers: that is the query recursion a cycle
   * would make */
  if (ch) {
    caps = gst_feedback_channel_get_src_caps (ch);
    gst_feedback_channel_unref (ch);
  }
  if (!caps)
    caps = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (sink));
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

static gboolean
gst_feedback_sink_unlock (GstBaseSink * sink)
{
  GstFeedbackChannel *ch = get_channel (GST_FEEDBACK_SINK (sink));

  /* a flush or going to READY: the pad is flushing by now, so a blocked
   * write or EOS wait returns; GstBaseSink also unlocks on PLAYING->PAUSED,
   * when they re-check and go on waiting */
  if (ch) {
    gst_feedback_channel_sink_wake (ch);
    gst_feedback_channel_unref (ch);
  }
  return TRUE;
}

static gboolean
bind_channel (GstFeedbackSink * self)
{
  GError *err = NULL;
  GstFeedbackChannel *ch;
  gchar *name;
  guint max;

  GST_OBJECT_LOCK (self);
  name = g_strdup (self->channel_name);
  max = self->max_size_buffers;
  GST_OBJECT_UNLOCK (self);

  if (!name || !*name) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("%s has no channel: set its channel property to the name of the "
            "feedbacksrc's channel.", GST_OBJECT_NAME (self)), (NULL));
    g_free (name);
    return FALSE;
  }
  ch = gst_feedback_channel_bind (GST_ELEMENT (self),
      GST_BASE_SINK_PAD (self), name, TRUE, &err);
  if (!ch) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY, ("%s", err->message), (NULL));
    g_error_free (err);
    g_free (name);
    return FALSE;
  }
  gst_feedback_channel_set_max_buffers (ch, max);
  GST_OBJECT_LOCK (self);
  self->channel = ch;
  GST_OBJECT_UNLOCK (self);
  g_free (name);
  return TRUE;
}

static void
unbind_channel (GstFeedbackSink * self)
{
  GstFeedbackChannel *ch;

  GST_OBJECT_LOCK (self);
  ch = g_steal_pointer (&self->channel);
  GST_OBJECT_UNLOCK (self);
  if (ch)
    gst_feedback_channel_unbind (ch, GST_ELEMENT (self));
}

static GstStateChangeReturn
gst_feedback_sink_change_state (GstElement * element,
    GstStateChange transition)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!bind_channel (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      GstFeedbackChannel *ch = get_channel (self);
      gboolean has_src = ch && gst_feedback_channel_has_src (ch);

      if (!has_src) {
        GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
            ("No feedbacksrc with channel '%s' in this pipeline: the items "
                "%s takes would go nowhere.",
                ch ? gst_feedback_channel_get_name (ch) : "",
                GST_OBJECT_NAME (self)), (NULL));
      }
      if (ch)
        gst_feedback_channel_unref (ch);
      if (!has_src)
        return GST_STATE_CHANGE_FAILURE;
      /* items are taken before GstBaseSink: it never prerolls */
      gst_base_sink_set_async_enabled (GST_BASE_SINK (self), FALSE);
      break;
    }
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (gst_feedback_sink_parent_class)->change_state
      (element, transition);

  if (transition == GST_STATE_CHANGE_READY_TO_NULL ||
      (transition == GST_STATE_CHANGE_NULL_TO_READY &&
          ret == GST_STATE_CHANGE_FAILURE))
    unbind_channel (self);
  return ret;
}

static void
gst_feedback_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (object);

  switch (prop_id) {
    case PROP_CHANNEL:
      GST_OBJECT_LOCK (self);
      g_free (self->channel_name);
      self->channel_name = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_SIZE_BUFFERS:{
      GstFeedbackChannel *ch;

      GST_OBJECT_LOCK (self);
      self->max_size_buffers = g_value_get_uint (value);
      ch = self->channel ? gst_feedback_channel_ref (self->channel) : NULL;
      GST_OBJECT_UNLOCK (self);
      if (ch) {
        gst_feedback_channel_set_max_buffers (ch, g_value_get_uint (value));
        gst_feedback_channel_unref (ch);
      }
      break;
    }
    default:
      G_OBJECT_CLASS (gst_feedback_sink_parent_class)->set_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_feedback_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (object);

  switch (prop_id) {
    case PROP_CHANNEL:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->channel_name);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_SIZE_BUFFERS:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->max_size_buffers);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CURRENT_LEVEL_BUFFERS:{
      GstFeedbackChannel *ch = get_channel (self);

      g_value_set_uint (value, ch ? gst_feedback_channel_get_level (ch) : 0);
      if (ch)
        gst_feedback_channel_unref (ch);
      break;
    }
    default:
      G_OBJECT_CLASS (gst_feedback_sink_parent_class)->get_property (object,
          prop_id, value, pspec);
      break;
  }
}

static void
gst_feedback_sink_finalize (GObject * object)
{
  GstFeedbackSink *self = GST_FEEDBACK_SINK (object);

  unbind_channel (self);
  g_free (self->channel_name);
  G_OBJECT_CLASS (gst_feedback_sink_parent_class)->finalize (object);
}

static void
gst_feedback_sink_class_init (GstFeedbackSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);
  GstWorkerSinkClass *worker_class = GST_WORKER_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (feedback_sink_debug, "feedbacksink", 0,
      "entry of a feedback loop");

  gobject_class->set_property = gst_feedback_sink_set_property;
  gobject_class->get_property = gst_feedback_sink_get_property;
  gobject_class->finalize = gst_feedback_sink_finalize;

  /**
   * GstFeedbackSink:channel:
   *
   * Name of the channel: the feedbacksrc with the same channel name in the
   * same top-level pipeline emits the items.
   */
  g_object_class_install_property (gobject_class, PROP_CHANNEL,
      g_param_spec_string ("channel", "Channel",
          "Name of the channel; the feedbacksrc with the same channel in the "
          "same pipeline emits the items", DEFAULT_CHANNEL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstFeedbackSink:max-size-buffers:
   *
   * Capacity of the channel, in items. When it is full, feedbacksink waits.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_BUFFERS,
      g_param_spec_uint ("max-size-buffers", "Max size buffers",
          "Capacity of the channel, in items; feedbacksink waits while it is "
          "full", 1, G_MAXUINT, DEFAULT_MAX_SIZE_BUFFERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstFeedbackSink:current-level-buffers:
   *
   * Items in the channel now.
   */
  g_object_class_install_property (gobject_class, PROP_CURRENT_LEVEL_BUFFERS,
      g_param_spec_uint ("current-level-buffers", "Current level buffers",
          "Items in the channel now", 0, G_MAXUINT, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class, "Feedback sink",
      "Generic/Sink", "Entry of a feedback loop: items go to the feedbacksrc "
      "of the same channel, through a bounded FIFO", "gst-workers");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_feedback_sink_change_state);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_feedback_sink_event);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_feedback_sink_set_caps);
  basesink_class->get_caps = GST_DEBUG_FUNCPTR (gst_feedback_sink_get_caps);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_feedback_sink_unlock);
  worker_class->consume = GST_DEBUG_FUNCPTR (gst_feedback_sink_consume);
}

static void
gst_feedback_sink_init (GstFeedbackSink * self)
{
  self->channel_name = g_strdup (DEFAULT_CHANNEL);
  self->max_size_buffers = DEFAULT_MAX_SIZE_BUFFERS;
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_async_enabled (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
  gst_pad_add_probe (GST_BASE_SINK_PAD (self),
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, take_items, self, NULL);
}
