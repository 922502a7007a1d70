/* gst-workers: benchmark elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-benchsrc
 * @title: benchsrc
 *
 * The source of every benchmark: `num-buffers` numbered items, as fast as
 * downstream takes them, each stamped with the time it was made.
 *
 * Every item shares one block of memory of `size` bytes (or one raw video
 * frame of `caps`), filled once at start: making an item costs the same
 * whatever its size, and what a benchmark measures is how items travel.
 * Item k has offset k and timestamp k times its duration (the frame
 * duration of `caps`, or 1 ms); #GstBenchSink reads the number back and
 * the creation time from the source.
 *
 * With `targets` N > 0 and raw video caps, the frame is dark with N bright
 * discs (radius 12 pixels) instead: a scene for target detectors.
 *
 * With `downstream-allocator`, the block comes from the allocator
 * downstream proposes (shared memory for a processreplica), as a real
 * camera's frames would.
 *
 * `max-in-flight` bounds the items between the source and the sink: with 1
 * the source waits for each item to arrive before it makes the next, which
 * measures latency with no queueing.
 *
 * The element is registered by the `workerbench` program only:
 * |[
 * workerbench benchsrc num-buffers=1000 size=64 ! queue ! benchsink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>
#include "gstbenchelements.h"
#include "gstbenchsrc.h"

GST_DEBUG_CATEGORY_STATIC (bench_src_debug);
#define GST_CAT_DEFAULT bench_src_debug

#define DEFAULT_SIZE 64
#define DEFAULT_MAX_IN_FLIGHT 0
#define DEFAULT_TARGETS 0
#define TARGET_RADIUS 12
#define DEFAULT_ITEM_CAPS "application/x-bench-item"

/* a bound on the per-item tables, far above any benchmark's needs */
#define MAX_ITEMS (G_GINT64_CONSTANT (1) << 26)

struct _GstBenchSrc
{
  GstPushSrc parent;

  GMutex lock;
  GCond cond;

  /* protected by the object lock */
  guint size;
  GstCaps *caps;
  guint max_in_flight;
  guint targets;
  gboolean downstream_allocator;

  /* set up in start(), then read-only until stop() */
  guint64 n_items;
  GstClockTime duration;
  GstMemory *mem;
  guint window;                 /* max_in_flight of this run */

  /* streaming thread; read by the application after EOS */
  guint64 seq;
  gint64 *created;              /* monotonic ns, per item */

  /* protected by lock */
  guint in_flight;
  gboolean flushing;
};

enum
{
  PROP_0,
  PROP_SIZE,
  PROP_CAPS,
  PROP_MAX_IN_FLIGHT,
  PROP_TARGETS,
  PROP_DOWNSTREAM_ALLOCATOR,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstBenchSrc, gst_bench_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE (benchsrc, "benchsrc", GST_RANK_NONE,
    GST_TYPE_BENCH_SRC);

static GstCaps *
gst_bench_src_item_caps (GstBenchSrc * self)
{
  GstCaps *caps;

  GST_OBJECT_LOCK (self);
  caps = self->caps ? gst_caps_ref (self->caps) :
      gst_caps_new_empty_simple (DEFAULT_ITEM_CAPS);
  GST_OBJECT_UNLOCK (self);
  return caps;
}

static GstCaps *
gst_bench_src_get_caps (GstBaseSrc * base, GstCaps * filter)
{
  GstCaps *caps = gst_bench_src_item_caps (GST_BENCH_SRC (base));

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

/* A pattern with detail at every scale, so encoders do real work. */
static void
fill_pattern (guint8 * data, gsize size)
{
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) ((i * 7) ^ (i >> 9) ^ ((i >> 3) * 0x9e37u >> 8));
}

/* A dark frame with @n bright discs spread over it, in two rows: what the
 * target detector looks for. Chroma is neutral. */
static void
draw_targets (GstMemory * mem, const GstVideoInfo * info, guint n)
{
  GstBuffer *buf = gst_buffer_new ();
  GstVideoFrame frame;
  guint c, i, x, y;

  gst_buffer_append_memory (buf, gst_memory_ref (mem));
  if (!gst_video_frame_map (&frame, (GstVideoInfo *) info, buf,
          GST_MAP_WRITE)) {
    gst_buffer_unref (buf);
    return;
  }
  for (c = 0; c < MIN (GST_VIDEO_FRAME_N_COMPONENTS (&frame), 3); c++) {
    guint8 *data = GST_VIDEO_FRAME_COMP_DATA (&frame, c);
    gint stride = GST_VIDEO_FRAME_COMP_STRIDE (&frame, c);
    gint pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, c);
    guint cw = GST_VIDEO_FRAME_COMP_WIDTH (&frame, c);
    guint ch = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, c);
    gboolean chroma = GST_VIDEO_INFO_IS_YUV (info) && c > 0;

    for (y = 0; y < ch; y++) {
      for (x = 0; x < cw; x++) {
        /* the pixel's centre in full-resolution coordinates */
        gdouble fx = (x + 0.5) * GST_VIDEO_INFO_WIDTH (info) / cw;
        gdouble fy = (y + 0.5) * GST_VIDEO_INFO_HEIGHT (info) / ch;
        guint8 v = 16;

        for (i = 0; i < n && !chroma; i++) {
          gdouble tx = (i + 0.5) * GST_VIDEO_INFO_WIDTH (info) / n;
          gdouble ty = GST_VIDEO_INFO_HEIGHT (info) * (i % 2 ? 0.75 : 0.25);

          if ((fx - tx) * (fx - tx) + (fy - ty) * (fy - ty) <=
              TARGET_RADIUS * TARGET_RADIUS)
            v = 235;
        }
        data[y * stride + x * pstride] = chroma ? 128 : v;
      }
    }
  }
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (buf);
}

static gboolean
gst_bench_src_start (GstBaseSrc * base)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);
  GstCaps *caps = gst_bench_src_item_caps (self);
  GstStructure *s;
  GstVideoInfo info;
  GstMapInfo map;
  gint num_buffers;
  gsize size;
  guint targets;
  gboolean video = FALSE;

  g_object_get (self, "num-buffers", &num_buffers, NULL);
  if (num_buffers <= 0 || num_buffers > MAX_ITEMS) {
    gst_caps_unref (caps);
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The benchmark source needs a number of items (num-buffers) from 1 "
            "to %" G_GINT64_FORMAT ".", MAX_ITEMS),
        ("num-buffers=%d", num_buffers));
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  size = self->size;
  targets = self->targets;
  self->window = self->max_in_flight;
  GST_OBJECT_UNLOCK (self);

  if (!gst_caps_is_fixed (caps)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The benchmark source's caps must name one format."),
        ("caps: %" GST_PTR_FORMAT, caps));
    gst_caps_unref (caps);
    return FALSE;
  }
  self->duration = GST_MSECOND;
  s = gst_caps_get_structure (caps, 0);
  if (gst_structure_has_name (s, "video/x-raw")) {
    if (!gst_video_info_from_caps (&info, caps)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("The benchmark source's caps are not a complete raw video format."),
          ("caps: %" GST_PTR_FORMAT, caps));
      gst_caps_unref (caps);
      return FALSE;
    }
    size = GST_VIDEO_INFO_SIZE (&info);
    video = TRUE;
    if (GST_VIDEO_INFO_FPS_N (&info) > 0 && GST_VIDEO_INFO_FPS_D (&info) > 0)
      self->duration = gst_util_uint64_scale_int (GST_SECOND,
          GST_VIDEO_INFO_FPS_D (&info), GST_VIDEO_INFO_FPS_N (&info));
  }
  gst_caps_unref (caps);

  self->n_items = num_buffers;
  self->seq = 0;
  g_free (self->created);
  self->created = g_new0 (gint64, self->n_items);

  g_clear_pointer (&self->mem, gst_memory_unref);
  self->mem = gst_allocator_alloc (NULL, MAX (size, 1), NULL);
  if (!gst_memory_map (self->mem, &map, GST_MAP_WRITE)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Could not allocate a benchmark item of %" G_GSIZE_FORMAT " bytes.",
            size), (NULL));
    return FALSE;
  }
  fill_pattern (map.data, map.size);
  gst_memory_unmap (self->mem, &map);
  if (targets > 0 && video)
    draw_targets (self->mem, &info, targets);

  g_mutex_lock (&self->lock);
  self->in_flight = 0;
  self->flushing = FALSE;
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "%" G_GUINT64_FORMAT " items of %" G_GSIZE_FORMAT
      " bytes, at most %u in flight", self->n_items, size, self->window);
  return TRUE;
}

/* With downstream-allocator: the block again, from downstream's
 * allocator. */
static gboolean
gst_bench_src_decide_allocation (GstBaseSrc * base, GstQuery * query)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);
  GstAllocator *allocator = NULL;
  gboolean use;

  GST_OBJECT_LOCK (self);
  use = self->downstream_allocator;
  GST_OBJECT_UNLOCK (self);
  if (use && self->mem && gst_query_get_n_allocation_params (query) > 0)
    gst_query_parse_nth_allocation_param (query, 0, &allocator, NULL);
  if (allocator) {
    GstMemory *mem = gst_allocator_alloc (allocator, self->mem->size, NULL);
    GstMapInfo from, to;

    if (mem && gst_memory_map (mem, &to, GST_MAP_WRITE)) {
      gst_memory_map (self->mem, &from, GST_MAP_READ);
      memcpy (to.data, from.data, MIN (from.size, to.size));
      gst_memory_unmap (self->mem, &from);
      gst_memory_unmap (mem, &to);
      gst_memory_unref (self->mem);
      self->mem = mem;
      GST_INFO_OBJECT (self, "items in memory of %" GST_PTR_FORMAT,
          allocator);
    } else if (mem) {
      gst_memory_unref (mem);
    }
    gst_object_unref (allocator);
  }
  return GST_BASE_SRC_CLASS (gst_bench_src_parent_class)->decide_allocation
      (base, query);
}

static gboolean
gst_bench_src_stop (GstBaseSrc * base)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);

  g_clear_pointer (&self->mem, gst_memory_unref);
  return TRUE;
}

static gboolean
gst_bench_src_unlock (GstBaseSrc * base)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);

  g_mutex_lock (&self->lock);
  self->flushing = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
gst_bench_src_unlock_stop (GstBaseSrc * base)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);

  g_mutex_lock (&self->lock);
  self->flushing = FALSE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static GstFlowReturn
gst_bench_src_create (GstPushSrc * base, GstBuffer ** outbuf)
{
  GstBenchSrc *self = GST_BENCH_SRC (base);
  GstBuffer *buf;

  if (self->seq >= self->n_items)
    return GST_FLOW_EOS;

  if (self->window) {
    g_mutex_lock (&self->lock);
    while (self->in_flight >= self->window && !self->flushing)
      g_cond_wait (&self->cond, &self->lock);
    if (self->flushing) {
      g_mutex_unlock (&self->lock);
      return GST_FLOW_FLUSHING;
    }
    self->in_flight++;
    g_mutex_unlock (&self->lock);
  }

  buf = gst_buffer_new ();
  gst_buffer_append_memory (buf, gst_memory_ref (self->mem));
  GST_BUFFER_PTS (buf) = self->seq * self->duration;
  GST_BUFFER_DURATION (buf) = self->duration;
  GST_BUFFER_OFFSET (buf) = self->seq;
  GST_BUFFER_OFFSET_END (buf) = self->seq + 1;

  self->created[self->seq++] = (gint64) gst_util_get_timestamp ();
  *outbuf = buf;
  return GST_FLOW_OK;
}

/**
 * gst_bench_src_get_n_items:
 *
 * Returns: the number of items of the current run (valid from READY to
 * PAUSED on)
 */
guint64
gst_bench_src_get_n_items (GstBenchSrc * self)
{
  return self->n_items;
}

/**
 * gst_bench_src_item_seq:
 * @buf: an item made by this source, or one that kept its timestamp
 * @seq: (out): its number
 *
 * Returns: %FALSE if @buf carries no number of this run
 */
gboolean
gst_bench_src_item_seq (GstBenchSrc * self, GstBuffer * buf, guint64 * seq)
{
  GstClockTime pts = GST_BUFFER_PTS (buf);

  if (!GST_CLOCK_TIME_IS_VALID (pts) || pts % self->duration != 0)
    return FALSE;
  *seq = pts / self->duration;
  return *seq < self->n_items;
}

/**
 * gst_bench_src_item_done:
 *
 * Tells the source an item left the pipeline, making room for another
 * under `max-in-flight`.
 */
void
gst_bench_src_item_done (GstBenchSrc * self)
{
  if (!self->window)
    return;
  g_mutex_lock (&self->lock);
  if (self->in_flight)
    self->in_flight--;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * gst_bench_src_get_created:
 *
 * Returns: (transfer none): the creation time of every item of the run,
 * in ns of the monotonic clock (gst_util_get_timestamp()); read it after
 * EOS and before the source goes back to READY and starts again
 */
const gint64 *
gst_bench_src_get_created (GstBenchSrc * self)
{
  return self->created;
}

static void
gst_bench_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBenchSrc *self = GST_BENCH_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SIZE:
      self->size = g_value_get_uint (value);
      break;
    case PROP_CAPS:
      gst_caps_replace (&self->caps, (GstCaps *) gst_value_get_caps (value));
      break;
    case PROP_MAX_IN_FLIGHT:
      self->max_in_flight = g_value_get_uint (value);
      break;
    case PROP_TARGETS:
      self->targets = g_value_get_uint (value);
      break;
    case PROP_DOWNSTREAM_ALLOCATOR:
      self->downstream_allocator = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_bench_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBenchSrc *self = GST_BENCH_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;
    case PROP_CAPS:
      gst_value_set_caps (value, self->caps);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_TARGETS:
      g_value_set_uint (value, self->targets);
      break;
    case PROP_DOWNSTREAM_ALLOCATOR:
      g_value_set_boolean (value, self->downstream_allocator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_bench_src_finalize (GObject * object)
{
  GstBenchSrc *self = GST_BENCH_SRC (object);

  gst_clear_caps (&self->caps);
  g_clear_pointer (&self->mem, gst_memory_unref);
  g_free (self->created);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (gst_bench_src_parent_class)->finalize (object);
}

static void
gst_bench_src_class_init (GstBenchSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (bench_src_debug, "benchsrc", 0,
      "gst-workers benchmark source");

  gobject_class->set_property = gst_bench_src_set_property;
  gobject_class->get_property = gst_bench_src_get_property;
  gobject_class->finalize = gst_bench_src_finalize;

  g_object_class_install_property (gobject_class, PROP_SIZE,
      g_param_spec_uint ("size", "Size",
          "Bytes per item, unless caps are raw video (then one frame)",
          0, G_MAXINT32, DEFAULT_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CAPS,
      g_param_spec_boxed ("caps", "Caps",
          "Caps of the items (default " DEFAULT_ITEM_CAPS ")",
          GST_TYPE_CAPS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_IN_FLIGHT,
      g_param_spec_uint ("max-in-flight", "Max in flight",
          "Items made and not yet arrived at the benchsink, at most "
          "(0 = as many as the queues hold)",
          0, G_MAXUINT, DEFAULT_MAX_IN_FLIGHT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DOWNSTREAM_ALLOCATOR,
      g_param_spec_boolean ("downstream-allocator", "Downstream allocator",
          "Make the items' block with the allocator downstream proposes",
          FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TARGETS,
      g_param_spec_uint ("targets", "Targets",
          "With raw video caps: 0 for a pattern with detail at every scale, "
          "N for a dark frame with N bright discs of radius 12 pixels",
          0, 64, DEFAULT_TARGETS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Benchmark source", "Source",
      "Numbered, timestamped items for the benchmarks",
      "gst-workers <https://github.com/gst-workers/gst-workers>");

  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_bench_src_get_caps);
  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_bench_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_bench_src_stop);
  basesrc_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_bench_src_decide_allocation);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_bench_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_bench_src_unlock_stop);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_bench_src_create);
}

static void
gst_bench_src_init (GstBenchSrc * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->size = DEFAULT_SIZE;
  self->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  self->targets = DEFAULT_TARGETS;
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}
