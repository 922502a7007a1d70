/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-testworkersrc
 * @title: testworkersrc
 *
 * A test source worker on #GstWorkerSrc: numbered items 0, 1, 2, ... with
 * timestamps `interval` apart. Live (`is-live`), it gives each item at its
 * time on the pipeline clock, waiting for it as a driver worker waits for
 * its hardware: idle.
 *
 * |[
 * gst-launch-1.0 testworkersrc num-buffers=100 ! testworkersink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/worker/worker.h>
#include "gsttestworkers.h"

#define GST_TYPE_TEST_WORKER_SRC (gst_test_worker_src_get_type ())
G_DECLARE_FINAL_TYPE (GstTestWorkerSrc, gst_test_worker_src, GST,
    TEST_WORKER_SRC, GstWorkerSrc);

struct _GstTestWorkerSrc
{
  GstWorkerSrc parent;

  GMutex lock;
  GCond cond;

  /* protected by the object lock */
  GstClockTime interval;
  guint64 produce_time;
  guint64 map_delay;

  /* streaming thread */
  guint64 seq;

  /* protected by lock */
  gboolean unlocked;
  GstClockID clock_id;          /* the live wait for the next item */
};

enum
{
  PROP_0,
  PROP_INTERVAL,
  PROP_PRODUCE_TIME,
  PROP_MAP_DELAY,
  PROP_IS_LIVE,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEST_ITEM_CAPS));

G_DEFINE_TYPE (GstTestWorkerSrc, gst_test_worker_src, GST_TYPE_WORKER_SRC);
GST_ELEMENT_REGISTER_DEFINE (testworkersrc, "testworkersrc", GST_RANK_NONE,
    GST_TYPE_TEST_WORKER_SRC);

/* Waits until @running_time on the pipeline clock, reported idle: waiting
 * for input, like a camera between frames. FALSE if unlocked. */
static gboolean
gst_test_worker_src_wait_live (GstTestWorkerSrc * self,
    GstClockTime running_time)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstWorkerCore *core = gst_worker_get_core (GST_WORKER (self));
  GstClockID id;
  GstClockReturn ret;

  if (!clock)
    return TRUE;
  id = gst_clock_new_single_shot_id (clock,
      gst_element_get_base_time (GST_ELEMENT (self)) + running_time);
  gst_object_unref (clock);

  g_mutex_lock (&self->lock);
  if (self->unlocked) {
    g_mutex_unlock (&self->lock);
    gst_clock_id_unref (id);
    return FALSE;
  }
  self->clock_id = id;
  g_mutex_unlock (&self->lock);

  gst_worker_core_enter_wait (core, GST_WORKER_STATE_IDLE, NULL);
  ret = gst_clock_id_wait (id, NULL);
  gst_worker_core_leave_wait (core);

  g_mutex_lock (&self->lock);
  self->clock_id = NULL;
  g_mutex_unlock (&self->lock);
  gst_clock_id_unref (id);
  return ret != GST_CLOCK_UNSCHEDULED;
}

static GstFlowReturn
gst_test_worker_src_produce (GstWorkerSrc * base, GstBuffer ** buf)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (base);
  GstClockTime interval;
  guint64 ptime, map_delay;

  GST_OBJECT_LOCK (self);
  interval = self->interval;
  ptime = self->produce_time;
  map_delay = self->map_delay;
  GST_OBJECT_UNLOCK (self);

  if (ptime) {
    gint64 end = g_get_monotonic_time () + ptime / 1000;
    gboolean unlocked;

    g_mutex_lock (&self->lock);
    while (!self->unlocked &&
        g_cond_wait_until (&self->cond, &self->lock, end));
    unlocked = self->unlocked;
    g_mutex_unlock (&self->lock);
    if (unlocked)
      return GST_FLOW_FLUSHING;
  }

  if (gst_base_src_is_live (GST_BASE_SRC (self)) &&
      !gst_test_worker_src_wait_live (self, self->seq * interval))
    return GST_FLOW_FLUSHING;

  *buf = map_delay ? test_item_new_slow (self->seq, self->seq * interval,
      interval) : test_item_new (self->seq, self->seq * interval, interval);
  self->seq++;
  return GST_FLOW_OK;
}

static gboolean
gst_test_worker_src_start (GstBaseSrc * src)
{
  GST_TEST_WORKER_SRC (src)->seq = 0;
  return TRUE;
}

static gboolean
gst_test_worker_src_is_seekable (GstBaseSrc * src)
{
  return TRUE;
}

/* Items are numbered by time: a seek to t restarts at t / interval. */
static gboolean
gst_test_worker_src_do_seek (GstBaseSrc * src, GstSegment * segment)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (src);
  GstClockTime interval;

  GST_OBJECT_LOCK (self);
  interval = self->interval;
  GST_OBJECT_UNLOCK (self);

  self->seq = interval ? segment->start / interval : 0;
  segment->time = segment->start;
  segment->position = self->seq * interval;
  return TRUE;
}

static gboolean
gst_test_worker_src_unlock (GstBaseSrc * src)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (src);

  g_mutex_lock (&self->lock);
  self->unlocked = TRUE;
  g_cond_broadcast (&self->cond);
  if (self->clock_id)
    gst_clock_id_unschedule (self->clock_id);
  g_mutex_unlock (&self->lock);
  return GST_BASE_SRC_CLASS (gst_test_worker_src_parent_class)->unlock (src);
}

static gboolean
gst_test_worker_src_unlock_stop (GstBaseSrc * src)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (src);

  g_mutex_lock (&self->lock);
  self->unlocked = FALSE;
  g_mutex_unlock (&self->lock);
  return GST_BASE_SRC_CLASS (gst_test_worker_src_parent_class)->unlock_stop
      (src);
}

static void
gst_test_worker_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (object);

  switch (prop_id) {
    case PROP_INTERVAL:
      GST_OBJECT_LOCK (self);
      self->interval = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PRODUCE_TIME:
      GST_OBJECT_LOCK (self);
      self->produce_time = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAP_DELAY:
      GST_OBJECT_LOCK (self);
      self->map_delay = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (self);
      test_item_set_map_delay (self->map_delay);
      break;
    case PROP_IS_LIVE:
      gst_base_src_set_live (GST_BASE_SRC (self), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_test_worker_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (object);

  switch (prop_id) {
    case PROP_INTERVAL:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->interval);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PRODUCE_TIME:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->produce_time);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAP_DELAY:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->map_delay);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, gst_base_src_is_live (GST_BASE_SRC (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_test_worker_src_finalize (GObject * object)
{
  GstTestWorkerSrc *self = GST_TEST_WORKER_SRC (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_test_worker_src_parent_class)->finalize (object);
}

static void
gst_test_worker_src_class_init (GstTestWorkerSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_test_worker_src_set_property;
  gobject_class->get_property = gst_test_worker_src_get_property;
  gobject_class->finalize = gst_test_worker_src_finalize;

  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint64 ("interval", "Interval",
          "Nanoseconds between item timestamps", 0, G_MAXUINT64,
          GST_MSECOND, flags));
  g_object_class_install_property (gobject_class, PROP_PRODUCE_TIME,
      g_param_spec_uint64 ("produce-time", "Produce time",
          "Nanoseconds spent producing each item", 0, G_MAXUINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_MAP_DELAY,
      g_param_spec_uint64 ("map-delay", "Map delay",
          "Not 0: items whose memory takes this many nanoseconds (rounded "
          "down to microseconds) to map, each time (the last set in the "
          "process holds for all such items)", 0, G_MAXUINT64, 0, flags));
  g_object_class_install_property (gobject_class, PROP_IS_LIVE,
      g_param_spec_boolean ("is-live", "Is live", "Act as a live source: "
          "give each item at its time on the pipeline clock", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Test source worker",
      "Source/Test", "Test-only source of numbered items", "gst-workers");

  basesrc_class->start = gst_test_worker_src_start;
  basesrc_class->is_seekable = gst_test_worker_src_is_seekable;
  basesrc_class->do_seek = gst_test_worker_src_do_seek;
  basesrc_class->unlock = gst_test_worker_src_unlock;
  basesrc_class->unlock_stop = gst_test_worker_src_unlock_stop;
  GST_WORKER_SRC_CLASS (klass)->produce = gst_test_worker_src_produce;
}

static void
gst_test_worker_src_init (GstTestWorkerSrc * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->interval = GST_MSECOND;
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}
