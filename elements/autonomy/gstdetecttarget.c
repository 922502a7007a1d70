/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-detecttarget
 * @title: detecttarget
 *
 * Finds bright targets in video frames and attaches each one to its frame
 * as a #GstVideoRegionOfInterestMeta of type "target". Frames pass through
 * unchanged (no copy: the element is in place, and allocation queries go
 * to downstream).
 *
 * The detector:
 *
 * 1. brightness: the luma plane of GRAY8 and planar YUV frames; for RGB
 *    frames the BT.601 luma `(77 R + 150 G + 29 B + 128) >> 8`;
 * 2. threshold: pixels at least `threshold` bright, or in the `adaptive`
 *    #GstDetectTargetThresholdMode at least the frame's mean plus
 *    `adaptive-sigma` standard deviations (never below `threshold`);
 * 3. connected components (8-connected) of the bright pixels, labelled
 *    run by run with a union-find over the runs of each row;
 * 4. filters: area (`min-area`, `max-area`), fill ratio of the bounding
 *    box (`min-fill`: a disc fills 0.785 of it) and elongation
 *    (`max-elongation`: the square root of the ratio of the principal
 *    second moments, each pixel counted as a unit square, so a w x h
 *    rectangle has elongation max(w,h)/min(w,h) whatever its rotation);
 * 5. at most `max-targets` of the largest targets per frame.
 *
 * Each ROI meta has the target's bounding box and a parameter structure
 * named "detection" with these `gdouble` fields:
 *
 * - `x`, `y`: the sub-pixel centroid (the centre of the top-left pixel is
 *   0, 0), weighted by the brightness above the threshold, `I - t + 1`, so
 *   pixels barely over the threshold count least; a uniform spot's
 *   centroid is its geometric centre;
 * - `area`: the number of pixels;
 * - `confidence`: the mean of `(I - t + 1) / (256 - t)` over the target's
 *   pixels, from just above 0 for a target barely over the threshold to 1
 *   for a saturated one;
 * - `fill` and `elongation`, as filtered above.
 *
 * The metas of a frame are in raster order of the targets' first pixels,
 * their `id` from 0.
 *
 * Frames in other formats (e.g. YUY2) are refused at caps negotiation
 * with an error naming the format; put `videoconvert` before the element.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc pattern=ball num-buffers=30 ! \
 *     video/x-raw,format=I420,width=640,height=480 ! \
 *     detecttarget min-area=20 ! fakesink silent=false -v
 * ]| Finds the bouncing ball in every frame: fakesink lists the
 * GstVideoRegionOfInterestMeta of each buffer (`jsonlinesenc` prints
 * them).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <gst/video/video.h>
#include "gstdetecttarget.h"
#include "gstautonomyelements.h"

GST_DEBUG_CATEGORY_STATIC (detect_target_debug);
#define GST_CAT_DEFAULT detect_target_debug

#define DEFAULT_THRESHOLD 200
#define DEFAULT_THRESHOLD_MODE GST_DETECT_TARGET_THRESHOLD_FIXED
#define DEFAULT_ADAPTIVE_SIGMA 4.0
#define DEFAULT_MIN_AREA 4
#define DEFAULT_MAX_AREA 0
#define DEFAULT_MIN_FILL 0.5
#define DEFAULT_MAX_ELONGATION 3.0
#define DEFAULT_MAX_TARGETS 64

enum
{
  PROP_0,
  PROP_THRESHOLD,
  PROP_THRESHOLD_MODE,
  PROP_ADAPTIVE_SIGMA,
  PROP_MIN_AREA,
  PROP_MAX_AREA,
  PROP_MIN_FILL,
  PROP_MAX_ELONGATION,
  PROP_MAX_TARGETS,
};

/* A horizontal run of bright pixels, and what it adds to its target. */
typedef struct
{
  guint32 parent;               /* union-find over run indices */
  guint32 comp;                 /* target index, set on the root */
  guint32 y, x0, x1;            /* pixels x0 .. x1 - 1 of row y */
  guint64 sum_w, sum_wx;        /* brightness-above-threshold weights */
} Run;

/* A connected component: sums over its pixels. */
typedef struct
{
  guint32 x0, y0, x1, y1;       /* bounding box, x1/y1 exclusive */
  guint64 area, sum_w, sum_wx, sum_wy;
  gint64 sx, sy, sxx, syy, sxy; /* unweighted moments */
  gdouble cx, cy, fill, elongation, confidence;
} Comp;

/* What one frame is scanned with. */
typedef struct
{
  guint threshold;
  guint min_area, max_area, max_targets;
  gdouble min_fill, max_elongation;
} Params;

struct _GstDetectTarget
{
  GstWorkerTransform parent;

  /* protected by the object lock */
  guint threshold;
  GstDetectTargetThresholdMode threshold_mode;
  gdouble adaptive_sigma;
  guint min_area;
  guint max_area;
  gdouble min_fill;
  gdouble max_elongation;
  guint max_targets;
  gboolean posted_format_error;

  /* streaming thread */
  GstVideoInfo info;
  Run *runs;
  guint n_runs, runs_alloc;
  Comp *comps;
  guint n_comps, comps_alloc;
  guint8 *luma_row;             /* one row of brightness, for RGB frames */
};

#define SUPPORTED_FORMATS "{ GRAY8, I420, YV12, NV12, NV21, Y41B, Y42B, " \
    "Y444, RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, ARGB, ABGR }"

/* *INDENT-OFF* */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (SUPPORTED_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (SUPPORTED_FORMATS)));
/* *INDENT-ON* */

G_DEFINE_TYPE (GstDetectTarget, gst_detect_target, GST_TYPE_WORKER_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (detecttarget, "detecttarget", GST_RANK_NONE,
    GST_TYPE_DETECT_TARGET);

GType
gst_detect_target_threshold_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DETECT_TARGET_THRESHOLD_FIXED,
        "Pixels at least `threshold` bright", "fixed"},
    {GST_DETECT_TARGET_THRESHOLD_ADAPTIVE,
          "Pixels at least the frame's mean plus adaptive-sigma standard "
          "deviations bright, and at least `threshold`", "adaptive"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDetectTargetThresholdMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* --- bright pixel scanning ----------------------------------------------- */

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Whether any of the 8 bytes of @w is >= the threshold, without a branch
 * per byte: each byte's low 7 bits plus a constant carry into its high bit
 * exactly when the byte is bright (no carry crosses bytes). @k is
 * (128 - t) * ONES for t <= 128, (256 - t) * ONES above. */
static inline gboolean
word_has_bright (guint64 w, guint t, guint64 k)
{
  guint64 low = (w & ~HIGHS) + k;

  if (t <= 128)
    return ((w | low) & HIGHS) != 0;
  return ((w & low) & HIGHS) != 0;
}

static inline guint64
bright_constant (guint t)
{
  return (t <= 128 ? 128 - t : 256 - t) * ONES;
}

static gboolean
grow (gpointer * array, guint * alloc, guint need, gsize elem)
{
  guint n;

  if (need <= *alloc)
    return TRUE;
  n = MAX (need, MAX (*alloc * 2, 256));
  *array = g_realloc_n (*array, n, elem);
  *alloc = n;
  return TRUE;
}

static inline guint32
run_find (Run * runs, guint32 i)
{
  while (runs[i].parent != i) {
    runs[i].parent = runs[runs[i].parent].parent;       /* path halving */
    i = runs[i].parent;
  }
  return i;
}

static inline void
run_union (Run * runs, guint32 a, guint32 b)
{
  a = run_find (runs, a);
  b = run_find (runs, b);
  /* the smaller index is the root: roots come first in raster order */
  if (a < b)
    runs[b].parent = a;
  else if (b < a)
    runs[a].parent = b;
}

/* Appends the runs of one row of brightness and joins them to the
 * 8-connected runs of the row above (runs[prev_start .. prev_end)). */
static void
scan_row (GstDetectTarget * self, const guint8 * b, guint width, guint y,
    guint t, guint64 k, guint prev_start, guint prev_end)
{
  guint x = 0, p = prev_start;

  while (x < width) {
    guint x0;
    guint64 sw = 0, swx = 0;
    Run *r;

    /* skip 8 dark pixels at a time */
    while (x + 8 <= width) {
      guint64 w;

      memcpy (&w, b + x, 8);
      if (word_has_bright (w, t, k))
        break;
      x += 8;
    }
    while (x < width && b[x] < t)
      x++;
    if (x >= width)
      break;

    x0 = x;
    while (x < width && b[x] >= t) {
      guint wgt = b[x] - t + 1;

      sw += wgt;
      swx += (guint64) wgt * x;
      x++;
    }

    grow ((gpointer *) & self->runs, &self->runs_alloc, self->n_runs + 1,
        sizeof (Run));
    r = &self->runs[self->n_runs];
    r->parent = self->n_runs;
    r->y = y;
    r->x0 = x0;
    r->x1 = x;
    r->sum_w = sw;
    r->sum_wx = swx;

    /* runs above that end before this one starts (diagonals touch) */
    while (p < prev_end && self->runs[p].x1 < x0)
      p++;
    {
      guint q;

      for (q = p; q < prev_end && self->runs[q].x0 <= x; q++)
        run_union (self->runs, q, self->n_runs);
    }
    self->n_runs++;
  }
}

/* The brightness of one row of a packed RGB frame, in self->luma_row:
 * blocks of 8 pixels whose colour bytes are all below the threshold are
 * dark without computing their luma (luma never exceeds max (R, G, B)). */
static const guint8 *
rgb_row_luma (GstDetectTarget * self, const guint8 * row, guint width,
    guint pstride, guint ro, guint go, guint bo, guint t, guint64 k)
{
  guint8 *out = self->luma_row;
  guint64 mask = ~G_GUINT64_CONSTANT (0);
  guint x = 0;

  if (pstride == 4) {
    guint8 m[8];
    guint i;

    /* ignore the alpha or padding byte */
    for (i = 0; i < 8; i++)
      m[i] = (i % 4 == ro || i % 4 == go || i % 4 == bo) ? 0xff : 0;
    memcpy (&mask, m, 8);
  }

  for (; x + 8 <= width; x += 8) {
    const guint8 *p = row + x * pstride;
    gboolean any = FALSE;
    guint i;

    for (i = 0; i < pstride && !any; i++) {
      guint64 w;

      memcpy (&w, p + 8 * i, 8);
      any = word_has_bright (w & mask, t, k);
    }
    if (!any) {
      memset (out + x, 0, 8);
      continue;
    }
    for (i = 0; i < 8; i++, p += pstride)
      out[x + i] = (77 * p[ro] + 150 * p[go] + 29 * p[bo] + 128) >> 8;
  }
  for (; x < width; x++) {
    const guint8 *p = row + x * pstride;

    out[x] = (77 * p[ro] + 150 * p[go] + 29 * p[bo] + 128) >> 8;
  }
  return out;
}

static inline guint
pixel_luma (const GstVideoFrame * frame, guint x, guint y)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0)
      + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  if (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo)) {
    const guint8 *p = row + x * GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0);

    return (77 * p[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 0)] +
        150 * p[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 1)] +
        29 * p[GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 2)] + 128) >> 8;
  }
  return row[x];
}

/* Mean plus sigma standard deviations of the brightness, sampled on a
 * grid of every 4th pixel of every 4th row. */
static guint
adaptive_threshold (const GstVideoFrame * frame, gdouble sigma, guint floor)
{
  guint w = GST_VIDEO_FRAME_WIDTH (frame), h = GST_VIDEO_FRAME_HEIGHT (frame);
  guint64 n = 0, s = 0, ss = 0;
  gdouble mean, var, t;
  guint x, y;

  for (y = 0; y < h; y += 4)
    for (x = 0; x < w; x += 4) {
      guint v = pixel_luma (frame, x, y);

      n++;
      s += v;
      ss += v * v;
    }
  mean = (gdouble) s / n;
  var = MAX ((gdouble) ss / n - mean * mean, 0.0);
  t = ceil (mean + sigma * sqrt (var));
  return (guint) CLAMP (t, floor, 255);
}

static gint64
sum_range (gint64 a, gint64 b)
{
  /* a + (a + 1) + ... + (b - 1) */
  return (a + b - 1) * (b - a) / 2;
}

static gint64
sum_squares_to (gint64 n)
{
  /* 0² + 1² + ... + n² */
  return n < 0 ? 0 : n * (n + 1) * (2 * n + 1) / 6;
}

/* Labels the runs into components and computes their measures. */
static void
collect_components (GstDetectTarget * self, guint t)
{
  guint i;

  self->n_comps = 0;
  for (i = 0; i < self->n_runs; i++) {
    Run *r = &self->runs[i];
    guint32 root = run_find (self->runs, i);
    gint64 n = r->x1 - r->x0, y = r->y;
    gint64 sx = sum_range (r->x0, r->x1);
    Comp *c;

    if (root == i) {
      grow ((gpointer *) & self->comps, &self->comps_alloc, self->n_comps + 1,
          sizeof (Comp));
      r->comp = self->n_comps++;
      c = &self->comps[r->comp];
      memset (c, 0, sizeof (*c));
      c->x0 = r->x0;
      c->x1 = r->x1;
      c->y0 = c->y1 = r->y;
    } else {
      c = &self->comps[self->runs[root].comp];
    }
    c->x0 = MIN (c->x0, r->x0);
    c->x1 = MAX (c->x1, r->x1);
    c->y1 = MAX (c->y1, r->y);
    c->area += n;
    c->sum_w += r->sum_w;
    c->sum_wx += r->sum_wx;
    c->sum_wy += r->sum_w * r->y;
    c->sx += sx;
    c->sy += n * y;
    c->sxx += sum_squares_to (r->x1 - 1) - sum_squares_to ((gint64) r->x0 - 1);
    c->syy += n * y * y;
    c->sxy += sx * y;
  }

  for (i = 0; i < self->n_comps; i++) {
    Comp *c = &self->comps[i];
    gdouble n = c->area, mx = c->sx / n, my = c->sy / n;
    gdouble vx = c->sxx / n - mx * mx + 1.0 / 12;
    gdouble vy = c->syy / n - my * my + 1.0 / 12;
    gdouble cxy = c->sxy / n - mx * my;
    gdouble half = (vx + vy) / 2;
    gdouble d = sqrt ((vx - vy) * (vx - vy) / 4 + cxy * cxy);

    c->y1++;
    c->cx = (gdouble) c->sum_wx / c->sum_w;
    c->cy = (gdouble) c->sum_wy / c->sum_w;
    c->fill = n / ((gdouble) (c->x1 - c->x0) * (c->y1 - c->y0));
    c->elongation = sqrt ((half + d) / MAX (half - d, 1e-12));
    c->confidence = (gdouble) c->sum_w / (n * (256 - t));
  }
}

static gint
compare_area_desc (gconstpointer a, gconstpointer b)
{
  const Comp *ca = *(const Comp * const *) a, *cb = *(const Comp * const *) b;

  if (ca->area != cb->area)
    return ca->area > cb->area ? -1 : 1;
  return ca < cb ? -1 : 1;
}

static gint
compare_raster (gconstpointer a, gconstpointer b)
{
  const Comp *ca = *(const Comp * const *) a, *cb = *(const Comp * const *) b;

  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

/* Finds the targets of @frame; returns them, in raster order, in a new
 * array of pointers into self->comps. */
static GPtrArray *
detect (GstDetectTarget * self, const GstVideoFrame * frame, const Params * p)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);
  const guint8 *plane = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  gboolean rgb = GST_VIDEO_FORMAT_INFO_IS_RGB (finfo);
  guint t = p->threshold;
  guint64 k = bright_constant (t);
  guint prev_start = 0, prev_end = 0, y, i;
  GPtrArray *found = g_ptr_array_new ();

  self->n_runs = 0;
  if (rgb && !self->luma_row)
    self->luma_row = g_malloc (width);

  for (y = 0; y < height; y++) {
    const guint8 *row = plane + (gssize) y * stride;
    guint start = self->n_runs;

    if (rgb)
      row = rgb_row_luma (self, row, width,
          GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0),
          GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 0),
          GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 1),
          GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 2), t, k);
    scan_row (self, row, width, y, t, k, prev_start, prev_end);
    prev_start = start;
    prev_end = self->n_runs;
  }

  collect_components (self, t);

  for (i = 0; i < self->n_comps; i++) {
    Comp *c = &self->comps[i];

    if (c->area < p->min_area || (p->max_area && c->area > p->max_area))
      continue;
    if (c->fill < p->min_fill || c->elongation > p->max_elongation)
      continue;
    g_ptr_array_add (found, c);
  }
  if (p->max_targets && found->len > p->max_targets) {
    GST_DEBUG_OBJECT (self, "keeping the %u largest of %u targets",
        p->max_targets, found->len);
    g_ptr_array_sort (found, compare_area_desc);
    g_ptr_array_set_size (found, p->max_targets);
    g_ptr_array_sort (found, compare_raster);
  }
  GST_LOG_OBJECT (self, "%u runs, %u components, %u targets (threshold %u)",
      self->n_runs, self->n_comps, found->len, t);
  return found;
}

/* --- element -------------------------------------------------------------- */

static void
attach_targets (GstBuffer * buf, GPtrArray * found)
{
  guint i;

  for (i = 0; i < found->len; i++) {
    const Comp *c = g_ptr_array_index (found, i);
    GstVideoRegionOfInterestMeta *meta;

    meta = gst_buffer_add_video_region_of_interest_meta (buf, "target",
        c->x0, c->y0, c->x1 - c->x0, c->y1 - c->y0);
    meta->id = i;
    meta->parent_id = -1;
    gst_video_region_of_interest_meta_add_param (meta,
        gst_structure_new ("detection",
            "confidence", G_TYPE_DOUBLE, c->confidence,
            "area", G_TYPE_DOUBLE, (gdouble) c->area,
            "x", G_TYPE_DOUBLE, c->cx,
            "y", G_TYPE_DOUBLE, c->cy,
            "fill", G_TYPE_DOUBLE, c->fill,
            "elongation", G_TYPE_DOUBLE, c->elongation, NULL));
  }
}

static GstFlowReturn
gst_detect_target_process (GstWorkerTransform * base, GstBuffer * inbuf)
{
  GstDetectTarget *self = GST_DETECT_TARGET (base);
  GstDetectTargetThresholdMode mode;
  gdouble sigma;
  GstVideoFrame frame;
  GPtrArray *found;
  Params p;

  GST_OBJECT_LOCK (self);
  p.threshold = self->threshold;
  p.min_area = self->min_area;
  p.max_area = self->max_area;
  p.min_fill = self->min_fill;
  p.max_elongation = self->max_elongation;
  p.max_targets = self->max_targets;
  mode = self->threshold_mode;
  sigma = self->adaptive_sigma;
  GST_OBJECT_UNLOCK (self);

  if (!gst_video_frame_map (&frame, &self->info, inbuf, GST_MAP_READ)) {
    gst_buffer_unref (inbuf);
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("A video frame is smaller than its caps say (%ux%u %s).",
            GST_VIDEO_INFO_WIDTH (&self->info),
            GST_VIDEO_INFO_HEIGHT (&self->info),
            GST_VIDEO_INFO_NAME (&self->info)),
        ("gst_video_frame_map failed"));
    return GST_FLOW_ERROR;
  }
  if (mode == GST_DETECT_TARGET_THRESHOLD_ADAPTIVE)
    p.threshold = adaptive_threshold (&frame, sigma, p.threshold);
  found = detect (self, &frame, &p);
  gst_video_frame_unmap (&frame);

  if (found->len) {
    /* a shallow copy at most: metas need a writable buffer, not memory */
    inbuf = gst_buffer_make_writable (inbuf);
    attach_targets (inbuf, found);
  }
  g_ptr_array_unref (found);
  return gst_worker_transform_push (base, inbuf);
}

/* The formats in @caps, for a message. */
static gchar *
describe_formats (GstCaps * caps)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < gst_caps_get_size (caps); i++) {
    const GValue *v = gst_structure_get_value (gst_caps_get_structure (caps,
            i), "format");
    gchar *str = v ? gst_value_serialize (v) : g_strdup ("?");
    GstCapsFeatures *f = gst_caps_get_features (caps, i);

    if (s->len)
      g_string_append (s, ", ");
    g_string_append (s, str);
    if (f && !gst_caps_features_is_any (f) &&
        !gst_caps_features_is_equal (f,
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
      gchar *fs = gst_caps_features_to_string (f);

      g_string_append_printf (s, " in %s", fs);
      g_free (fs);
    }
    g_free (str);
  }
  return g_string_free (s, FALSE);
}

/* Upstream offers only frames we cannot read (a caps query whose filter
 * names only unsupported formats, or caps to accept): say so once, in
 * words, instead of the bare not-negotiated of the source. */
static void
check_offered_caps (GstDetectTarget * self, GstCaps * caps)
{
  GstCaps *templ;
  gboolean all_video = TRUE, can;
  guint i;

  if (!caps || gst_caps_is_any (caps) || gst_caps_is_empty (caps))
    return;
  for (i = 0; i < gst_caps_get_size (caps) && all_video; i++) {
    const GstStructure *s = gst_caps_get_structure (caps, i);
    const GValue *f = gst_structure_get_value (s, "format");

    all_video = gst_structure_has_name (s, "video/x-raw") && f &&
        (G_VALUE_HOLDS_STRING (f) || GST_VALUE_HOLDS_LIST (f));
  }
  if (!all_video)
    return;

  templ = gst_static_pad_template_get_caps (&sink_template);
  can = gst_caps_can_intersect (caps, templ);
  gst_caps_unref (templ);
  if (can)
    return;

  GST_OBJECT_LOCK (self);
  if (self->posted_format_error) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->posted_format_error = TRUE;
  GST_OBJECT_UNLOCK (self);

  {
    gchar *formats = describe_formats (caps);

    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("%s cannot find targets in %s frames: it reads GRAY8, planar YUV "
            "(I420, YV12, NV12, NV21, Y41B, Y42B, Y444) and packed RGB "
            "frames in system memory. Put videoconvert before it.",
            GST_OBJECT_NAME (self), formats),
        ("offered caps %" GST_PTR_FORMAT, caps));
    g_free (formats);
  }
}

static gboolean
gst_detect_target_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstDetectTarget *self = GST_DETECT_TARGET (trans);

  if (direction == GST_PAD_SINK) {
    GstCaps *caps = NULL;

    if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS)
      gst_query_parse_caps (query, &caps);
    else if (GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS)
      gst_query_parse_accept_caps (query, &caps);
    if (caps)
      check_offered_caps (self, caps);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_detect_target_parent_class)->query
      (trans, direction, query);
}

static gboolean
gst_detect_target_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstDetectTarget *self = GST_DETECT_TARGET (trans);

  if (!gst_video_info_from_caps (&self->info, incaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("%s cannot read video caps %" GST_PTR_FORMAT ".",
            GST_OBJECT_NAME (self), incaps), (NULL));
    return FALSE;
  }
  g_clear_pointer (&self->luma_row, g_free);
  GST_DEBUG_OBJECT (self, "frames are %ux%u %s",
      GST_VIDEO_INFO_WIDTH (&self->info), GST_VIDEO_INFO_HEIGHT (&self->info),
      GST_VIDEO_INFO_NAME (&self->info));
  return TRUE;
}

static gboolean
gst_detect_target_stop (GstBaseTransform * trans)
{
  GstDetectTarget *self = GST_DETECT_TARGET (trans);

  g_clear_pointer (&self->runs, g_free);
  g_clear_pointer (&self->comps, g_free);
  g_clear_pointer (&self->luma_row, g_free);
  self->n_runs = self->runs_alloc = 0;
  self->n_comps = self->comps_alloc = 0;
  GST_OBJECT_LOCK (self);
  self->posted_format_error = FALSE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static void
gst_detect_target_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstDetectTarget *self = GST_DETECT_TARGET (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_THRESHOLD:
      self->threshold = g_value_get_uint (value);
      break;
    case PROP_THRESHOLD_MODE:
      self->threshold_mode = g_value_get_enum (value);
      break;
    case PROP_ADAPTIVE_SIGMA:
      self->adaptive_sigma = g_value_get_double (value);
      break;
    case PROP_MIN_AREA:
      self->min_area = g_value_get_uint (value);
      break;
    case PROP_MAX_AREA:
      self->max_area = g_value_get_uint (value);
      break;
    case PROP_MIN_FILL:
      self->min_fill = g_value_get_double (value);
      break;
    case PROP_MAX_ELONGATION:
      self->max_elongation = g_value_get_double (value);
      break;
    case PROP_MAX_TARGETS:
      self->max_targets = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_detect_target_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstDetectTarget *self = GST_DETECT_TARGET (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_THRESHOLD:
      g_value_set_uint (value, self->threshold);
      break;
    case PROP_THRESHOLD_MODE:
      g_value_set_enum (value, self->threshold_mode);
      break;
    case PROP_ADAPTIVE_SIGMA:
      g_value_set_double (value, self->adaptive_sigma);
      break;
    case PROP_MIN_AREA:
      g_value_set_uint (value, self->min_area);
      break;
    case PROP_MAX_AREA:
      g_value_set_uint (value, self->max_area);
      break;
    case PROP_MIN_FILL:
      g_value_set_double (value, self->min_fill);
      break;
    case PROP_MAX_ELONGATION:
      g_value_set_double (value, self->max_elongation);
      break;
    case PROP_MAX_TARGETS:
      g_value_set_uint (value, self->max_targets);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_detect_target_finalize (GObject * object)
{
  GstDetectTarget *self = GST_DETECT_TARGET (object);

  g_free (self->runs);
  g_free (self->comps);
  g_free (self->luma_row);
  G_OBJECT_CLASS (gst_detect_target_parent_class)->finalize (object);
}

static void
gst_detect_target_class_init (GstDetectTargetClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstWorkerTransformClass *worker_class = GST_WORKER_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (detect_target_debug, "detecttarget", 0,
      "bright target detector");

  gobject_class->set_property = gst_detect_target_set_property;
  gobject_class->get_property = gst_detect_target_get_property;
  gobject_class->finalize = gst_detect_target_finalize;

  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_uint ("threshold", "Threshold",
          "Brightness (luma, 0-255) from which a pixel is part of a target; "
          "in adaptive mode the lowest threshold used", 1, 255,
          DEFAULT_THRESHOLD, flags));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD_MODE,
      g_param_spec_enum ("threshold-mode", "Threshold mode",
          "How bright pixels are chosen",
          GST_TYPE_DETECT_TARGET_THRESHOLD_MODE, DEFAULT_THRESHOLD_MODE,
          flags));
  g_object_class_install_property (gobject_class, PROP_ADAPTIVE_SIGMA,
      g_param_spec_double ("adaptive-sigma", "Adaptive sigma",
          "In adaptive mode, how many standard deviations above the frame's "
          "mean brightness a pixel must be", 0.0, 100.0,
          DEFAULT_ADAPTIVE_SIGMA, flags));
  g_object_class_install_property (gobject_class, PROP_MIN_AREA,
      g_param_spec_uint ("min-area", "Minimum area",
          "Smallest target, in pixels", 1, G_MAXUINT, DEFAULT_MIN_AREA,
          flags));
  g_object_class_install_property (gobject_class, PROP_MAX_AREA,
      g_param_spec_uint ("max-area", "Maximum area",
          "Largest target, in pixels (0 = no limit)", 0, G_MAXUINT,
          DEFAULT_MAX_AREA, flags));
  g_object_class_install_property (gobject_class, PROP_MIN_FILL,
      g_param_spec_double ("min-fill", "Minimum fill",
          "Smallest fraction of its bounding box a target fills (a disc "
          "fills 0.785, a ring or a line much less)", 0.0, 1.0,
          DEFAULT_MIN_FILL, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_ELONGATION,
      g_param_spec_double ("max-elongation", "Maximum elongation",
          "Largest elongation of a target: the square root of the ratio of "
          "its principal second moments (1 for a disc or a square, w/h for a "
          "w x h rectangle at any angle)", 1.0, G_MAXDOUBLE,
          DEFAULT_MAX_ELONGATION, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_TARGETS,
      g_param_spec_uint ("max-targets", "Maximum targets",
          "Most targets per frame; the largest are kept (0 = no limit)", 0,
          G_MAXUINT, DEFAULT_MAX_TARGETS, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Target detector",
      "Filter/Analyzer/Video",
      "Finds bright targets in video frames and attaches them as region of "
      "interest metas", "gst-workers");

  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->query = GST_DEBUG_FUNCPTR (gst_detect_target_query);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_detect_target_set_caps);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_detect_target_stop);
  worker_class->process = GST_DEBUG_FUNCPTR (gst_detect_target_process);

  gst_type_mark_as_plugin_api (GST_TYPE_DETECT_TARGET_THRESHOLD_MODE, 0);
}

static void
gst_detect_target_init (GstDetectTarget * self)
{
  self->threshold = DEFAULT_THRESHOLD;
  self->threshold_mode = DEFAULT_THRESHOLD_MODE;
  self->adaptive_sigma = DEFAULT_ADAPTIVE_SIGMA;
  self->min_area = DEFAULT_MIN_AREA;
  self->max_area = DEFAULT_MAX_AREA;
  self->min_fill = DEFAULT_MIN_FILL;
  self->max_elongation = DEFAULT_MAX_ELONGATION;
  self->max_targets = DEFAULT_MAX_TARGETS;
  gst_video_info_init (&self->info);
}
