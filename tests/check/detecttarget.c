/* gst-workers: detecttarget tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include <string.h>

/* A brightness image the tests draw on, then turn into a frame. */
typedef struct
{
  guint w, h;
  guint8 *px;
} Image;

static Image *
image_new (guint w, guint h, guint8 background)
{
  Image *img = g_new0 (Image, 1);

  img->w = w;
  img->h = h;
  img->px = g_malloc (w * h);
  memset (img->px, background, w * h);
  return img;
}

static void
image_free (Image * img)
{
  g_free (img->px);
  g_free (img);
}

static void
image_rect (Image * img, guint x, guint y, guint w, guint h, guint8 v)
{
  guint i, j;

  for (j = y; j < y + h; j++)
    for (i = x; i < x + w; i++)
      img->px[j * img->w + i] = v;
}

static void
image_set (Image * img, guint x, guint y, guint8 v)
{
  img->px[y * img->w + x] = v;
}

/* A frame of @format whose brightness is @img: luma for YUV (chroma
 * neutral), R = G = B for RGB (BT.601 luma of grey is the grey exactly),
 * the padding of xRGB-like formats set to 255 so it must be ignored. */
static GstBuffer *
image_to_frame (const Image * img, GstVideoFormat format, GstVideoInfo * info)
{
  GstVideoFrame frame;
  GstBuffer *buf;
  guint x, y, p;

  gst_video_info_set_format (info, format, img->w, img->h);
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  fail_unless (gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE));
  if (GST_VIDEO_INFO_IS_RGB (info)) {
    guint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0);
    const GstVideoFormatInfo *fi = info->finfo;

    for (y = 0; y < img->h; y++) {
      guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);

      memset (row, 255, img->w * ps);
      for (x = 0; x < img->w; x++) {
        guint8 v = img->px[y * img->w + x];

        row[x * ps + GST_VIDEO_FORMAT_INFO_POFFSET (fi, 0)] = v;
        row[x * ps + GST_VIDEO_FORMAT_INFO_POFFSET (fi, 1)] = v;
        row[x * ps + GST_VIDEO_FORMAT_INFO_POFFSET (fi, 2)] = v;
      }
    }
  } else {
    for (y = 0; y < img->h; y++)
      memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), img->px + y * img->w,
          img->w);
    for (p = 1; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++)
      for (y = 0; y < (guint) GST_VIDEO_FRAME_COMP_HEIGHT (&frame, p); y++)
        memset ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, p) +
            y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p), 128,
            GST_VIDEO_FRAME_COMP_WIDTH (&frame, p) *
            GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, p));
  }
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = 0;
  return buf;
}

static GstHarness *
detect_harness (GstVideoFormat format, guint width, guint height)
{
  GstHarness *h = gst_harness_new ("detecttarget");
  GstVideoInfo info;
  GstCaps *caps;

  gst_video_info_set_format (&info, format, width, height);
  caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (h, caps);
  return h;
}

/* Pushes @img through @h and returns the frame that came out. */
static GstBuffer *
detect_image (GstHarness * h, const Image * img, GstVideoFormat format)
{
  GstVideoInfo info;

  fail_unless_equals_int (gst_harness_push (h, image_to_frame (img, format,
              &info)), GST_FLOW_OK);
  return gst_harness_pull (h);
}

typedef struct
{
  guint x, y, w, h;
  gdouble cx, cy, area, confidence;
} Expected;

static guint
count_targets (GstBuffer * buf)
{
  gpointer state = NULL;
  guint n = 0;

  while (gst_buffer_iterate_meta_filtered (buf, &state,
          GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
    n++;
  return n;
}

static GstVideoRegionOfInterestMeta *
nth_target (GstBuffer * buf, guint n)
{
  gpointer state = NULL;
  GstMeta *m;
  guint i = 0;

  while ((m = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    if (i++ == n)
      return (GstVideoRegionOfInterestMeta *) m;
  return NULL;
}

static void
assert_targets (GstBuffer * buf, const Expected * exp, guint n)
{
  guint i;

  fail_unless_equals_int (count_targets (buf), n);
  for (i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *m = nth_target (buf, i);
    GstStructure *s = gst_video_region_of_interest_meta_get_param (m,
        "detection");
    gdouble v;

    fail_unless_equals_string (g_quark_to_string (m->roi_type), "target");
    fail_unless_equals_int (m->id, i);
    fail_unless_equals_int (m->x, exp[i].x);
    fail_unless_equals_int (m->y, exp[i].y);
    fail_unless_equals_int (m->w, exp[i].w);
    fail_unless_equals_int (m->h, exp[i].h);
    fail_unless (s != NULL);
    fail_unless (gst_structure_get_double (s, "x", &v));
    fail_unless_equals_float (v, exp[i].cx);
    fail_unless (gst_structure_get_double (s, "y", &v));
    fail_unless_equals_float (v, exp[i].cy);
    fail_unless (gst_structure_get_double (s, "area", &v));
    fail_unless_equals_float (v, exp[i].area);
    fail_unless (gst_structure_get_double (s, "confidence", &v));
    fail_unless_equals_float (v, exp[i].confidence);
  }
}

/* Three uniform spots, one lone pixel (too small), in raster order. */
GST_START_TEST (test_gray_spots_exact)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_GRAY8, 320, 240);
  Image *img = image_new (320, 240, 0);
  Expected exp[] = {
    {10, 10, 3, 3, 11.0, 11.0, 9, 11.0 / 56},
    {100, 50, 10, 6, 104.5, 52.5, 60, 1.0},
    {200, 150, 5, 5, 202.0, 152.0, 25, 31.0 / 56},
  };
  GstBuffer *out;

  image_rect (img, 100, 50, 10, 6, 255);
  image_rect (img, 200, 150, 5, 5, 230);
  image_rect (img, 10, 10, 3, 3, 210);
  image_set (img, 300, 20, 255);
  image_rect (img, 50, 200, 8, 8, 199);        /* just below the threshold */
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  assert_targets (out, exp, G_N_ELEMENTS (exp));
  gst_buffer_unref (out);
  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The centroid is weighted by brightness above the threshold, I - t + 1. */
GST_START_TEST (test_weighted_centroid)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_GRAY8, 64, 32);
  Image *img = image_new (64, 32, 0);
  Expected exp[1];
  GstBuffer *out;

  /* a 3x2 spot: weights 2 11 56 over 56 56 2 */
  image_set (img, 10, 20, 201);
  image_set (img, 11, 20, 210);
  image_set (img, 12, 20, 255);
  image_set (img, 10, 21, 255);
  image_set (img, 11, 21, 255);
  image_set (img, 12, 21, 201);
  exp[0].x = 10;
  exp[0].y = 20;
  exp[0].w = 3;
  exp[0].h = 2;
  exp[0].cx = (2 * 10 + 11 * 11 + 56 * 12 + 56 * 10 + 56 * 11 + 2 * 12) /
      183.0;
  exp[0].cy = (69 * 20 + 114 * 21) / 183.0;
  exp[0].area = 6;
  exp[0].confidence = 183.0 / (6 * 56);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  assert_targets (out, exp, 1);
  gst_buffer_unref (out);
  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* 8-connectivity: diagonal neighbours join; a U joined only at its
 * bottom is one target; a one-pixel gap separates. */
GST_START_TEST (test_connectivity)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_GRAY8, 100, 60);
  Image *img = image_new (100, 60, 0);
  GstVideoRegionOfInterestMeta *m;
  GstBuffer *out;
  gdouble area;

  gst_harness_set (h, "detecttarget", "min-fill", 0.0, "max-elongation",
      100.0, "min-area", 1, NULL);
  /* U: arms at x 10-11 and 20-21, rows 10-19, bottom row 20 */
  image_rect (img, 10, 10, 2, 10, 255);
  image_rect (img, 20, 10, 2, 10, 255);
  image_rect (img, 10, 20, 12, 1, 255);
  /* a diagonal staircase */
  image_set (img, 40, 10, 255);
  image_set (img, 41, 11, 255);
  image_set (img, 42, 12, 255);
  /* an inverted diagonal */
  image_set (img, 52, 10, 255);
  image_set (img, 51, 11, 255);
  image_set (img, 50, 12, 255);
  /* two squares a column apart */
  image_rect (img, 60, 40, 4, 4, 255);
  image_rect (img, 65, 40, 4, 4, 255);

  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 5);
  m = nth_target (out, 0);
  fail_unless (m->x == 10 && m->y == 10 && m->w == 12 && m->h == 11);
  fail_unless (gst_structure_get_double
      (gst_video_region_of_interest_meta_get_param (m, "detection"), "area",
          &area));
  fail_unless_equals_float (area, 52);
  m = nth_target (out, 1);
  fail_unless (m->x == 40 && m->y == 10 && m->w == 3 && m->h == 3);
  m = nth_target (out, 2);
  fail_unless (m->x == 50 && m->y == 10 && m->w == 3 && m->h == 3);
  m = nth_target (out, 3);
  fail_unless (m->x == 60 && m->y == 40 && m->w == 4 && m->h == 4);
  m = nth_target (out, 4);
  fail_unless (m->x == 65 && m->y == 40 && m->w == 4 && m->h == 4);
  gst_buffer_unref (out);
  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

static gdouble
target_field (GstBuffer * buf, guint n, const gchar * field)
{
  GstVideoRegionOfInterestMeta *m = nth_target (buf, n);
  gdouble v = -1;

  fail_unless (m != NULL);
  fail_unless (gst_structure_get_double
      (gst_video_region_of_interest_meta_get_param (m, "detection"), field,
          &v));
  return v;
}

GST_START_TEST (test_filters)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_GRAY8, 200, 100);
  Image *img = image_new (200, 100, 0);
  GstBuffer *out;

  image_rect (img, 10, 10, 2, 2, 255);  /* area 4 */
  image_rect (img, 30, 10, 10, 10, 255);        /* area 100 */
  image_rect (img, 60, 10, 20, 2, 255); /* a line: elongation 10 */
  image_rect (img, 100, 10, 12, 12, 255);       /* a hollow square */
  image_rect (img, 101, 11, 10, 10, 0);
  image_rect (img, 130, 10, 6, 4, 255); /* elongation 1.5 */

  /* defaults: min-area 4, fill 0.5, elongation 3 */
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 3);
  fail_unless_equals_float (target_field (out, 0, "area"), 4);
  fail_unless_equals_float (target_field (out, 1, "area"), 100);
  fail_unless_equals_float (target_field (out, 2, "area"), 24);
  fail_unless (fabs (target_field (out, 2, "elongation") - 1.5) < 1e-9);
  fail_unless_equals_float (target_field (out, 2, "fill"), 1.0);
  gst_buffer_unref (out);

  /* area bounds */
  gst_harness_set (h, "detecttarget", "min-area", 5, "max-area", 99, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 1);
  fail_unless_equals_float (target_field (out, 0, "area"), 24);
  gst_buffer_unref (out);

  /* shape filters off: the line and the hollow square are targets too */
  gst_harness_set (h, "detecttarget", "min-area", 1, "max-area", 0,
      "min-fill", 0.0, "max-elongation", 10.5, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 5);
  fail_unless (fabs (target_field (out, 2, "elongation") - 10.0) < 1e-9);
  fail_unless_equals_float (target_field (out, 3, "fill"), 44.0 / 144);
  gst_buffer_unref (out);

  /* just under the line's elongation */
  gst_harness_set (h, "detecttarget", "max-elongation", 9.99, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 4);
  gst_buffer_unref (out);

  /* the two largest, still in raster order */
  gst_harness_set (h, "detecttarget", "max-targets", 2, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 2);
  fail_unless_equals_float (target_field (out, 0, "area"), 100);
  fail_unless_equals_float (target_field (out, 1, "area"), 44);
  gst_buffer_unref (out);

  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The same spots in every supported format give the same targets. */
GST_START_TEST (test_formats)
{
  const GstVideoFormat formats[] = {
    GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12,
    GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_Y41B,
    GST_VIDEO_FORMAT_Y42B, GST_VIDEO_FORMAT_Y444, GST_VIDEO_FORMAT_RGB,
    GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR, GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_ARGB, GST_VIDEO_FORMAT_ABGR,
  };
  Expected exp[] = {
    {3, 2, 4, 4, 4.5, 3.5, 16, 1.0},
    {70, 30, 7, 5, 73.0, 32.0, 35, 1.0},
    {150, 60, 9, 9, 154.0, 64.0, 81, 40.0 / 56},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    /* an odd width: rows do not end on 8-pixel blocks */
    GstHarness *h = detect_harness (formats[i], 171, 90);
    Image *img = image_new (171, 90, 20);
    GstBuffer *out;

    image_rect (img, 3, 2, 4, 4, 255);
    image_rect (img, 70, 30, 7, 5, 255);
    image_rect (img, 150, 60, 9, 9, 239);
    out = detect_image (h, img, formats[i]);
    GST_INFO ("format %s", gst_video_format_to_string (formats[i]));
    assert_targets (out, exp, G_N_ELEMENTS (exp));
    gst_buffer_unref (out);
    image_free (img);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* RGB brightness is BT.601 luma: pure green (luma 149) is a target at
 * threshold 149, not 150; pure red (luma 77) never at those. */
GST_START_TEST (test_rgb_luma)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_RGB, 64, 32);
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf, *out;
  guint x, y;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 64, 32);
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_memset (buf, 0, 0, info.size);
  fail_unless (gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE));
  for (y = 4; y < 8; y++)
    for (x = 4; x < 8; x++) {
      guint8 *p = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x * 3;

      p[1] = 255;               /* green */
      p[30 * 3] = 255;          /* red, 30 pixels right */
    }
  gst_video_frame_unmap (&frame);

  gst_harness_set (h, "detecttarget", "threshold", 149, NULL);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (buf)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless_equals_int (count_targets (out), 1);
  fail_unless_equals_int (nth_target (out, 0)->x, 4);
  fail_unless_equals_float (target_field (out, 0, "confidence"), 1.0 / 107);
  gst_buffer_unref (out);

  gst_harness_set (h, "detecttarget", "threshold", 150, NULL);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless_equals_int (count_targets (out), 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Adaptive: on a textured background (90/110 stripes, 4 pixels wide: mean
 * 100, standard deviation 10) a fixed threshold of 105 finds the 20 bright
 * stripes (the spot touches one), the adaptive one (100 + 4 * 10 = 140)
 * only the spot. */
GST_START_TEST (test_adaptive_threshold)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_GRAY8, 160, 120);
  Image *img = image_new (160, 120, 0);
  GstBuffer *out;
  guint x;

  for (x = 0; x < 160; x++)
    image_rect (img, x, 0, 1, 120, (x / 4) % 2 ? 110 : 90);
  image_rect (img, 81, 41, 3, 3, 180);

  gst_harness_set (h, "detecttarget", "threshold", 105, "min-fill", 0.0,
      "max-elongation", 1000.0, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 20);
  gst_buffer_unref (out);

  gst_harness_set (h, "detecttarget", "threshold", 1, "threshold-mode", 1,
      NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 1);
  fail_unless_equals_int (nth_target (out, 0)->x, 81);
  fail_unless_equals_float (target_field (out, 0, "x"), 82.0);
  gst_buffer_unref (out);

  /* `threshold` is the floor of the adaptive one */
  gst_harness_set (h, "detecttarget", "threshold", 181, NULL);
  out = detect_image (h, img, GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (count_targets (out), 0);
  gst_buffer_unref (out);

  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A reference labelling: flood fill from each unvisited bright pixel in
 * raster order. */
typedef struct
{
  guint x0, y0, x1, y1;
  guint64 area, sw, swx, swy;
} RefComp;

static GArray *
reference_label (const Image * img, guint t)
{
  GArray *comps = g_array_new (FALSE, FALSE, sizeof (RefComp));
  guint8 *seen = g_malloc0 (img->w * img->h);
  guint *stack = g_new (guint, img->w * img->h);
  guint i;

  for (i = 0; i < img->w * img->h; i++) {
    RefComp c = { G_MAXUINT, G_MAXUINT, 0, 0, 0, 0, 0, 0 };
    guint top = 0;

    if (seen[i] || img->px[i] < t)
      continue;
    seen[i] = 1;
    stack[top++] = i;
    while (top) {
      guint k = stack[--top], x = k % img->w, y = k / img->w;
      guint wgt = img->px[k] - t + 1;
      gint dx, dy;

      c.x0 = MIN (c.x0, x);
      c.y0 = MIN (c.y0, y);
      c.x1 = MAX (c.x1, x + 1);
      c.y1 = MAX (c.y1, y + 1);
      c.area++;
      c.sw += wgt;
      c.swx += wgt * x;
      c.swy += wgt * y;
      for (dy = -1; dy <= 1; dy++)
        for (dx = -1; dx <= 1; dx++) {
          gint nx = x + dx, ny = y + dy;
          guint n;

          if (nx < 0 || ny < 0 || nx >= (gint) img->w || ny >= (gint) img->h)
            continue;
          n = ny * img->w + nx;
          if (!seen[n] && img->px[n] >= t) {
            seen[n] = 1;
            stack[top++] = n;
          }
        }
    }
    g_array_append_val (comps, c);
  }
  g_free (seen);
  g_free (stack);
  return comps;
}

/* Random frames, random thresholds on both sides of 128, against the
 * reference labelling: the same components, boxes, areas, centroids. */
GST_START_TEST (test_random_frames_match_reference)
{
  GRand *r = g_rand_new_with_seed (5);
  guint round;

  for (round = 0; round < 40; round++) {
    guint w = g_rand_int_range (r, 1, 140), ht = g_rand_int_range (r, 1, 60);
    guint t = round % 4 == 0 ? 128 : (round % 4 == 1 ? 129 :
        g_rand_int_range (r, 1, 256));
    gdouble p = g_rand_double_range (r, 0.05, 0.6);
    GstHarness *h = detect_harness (round % 2 ? GST_VIDEO_FORMAT_GRAY8 :
        GST_VIDEO_FORMAT_BGRx, w, ht);
    Image *img = image_new (w, ht, 0);
    GArray *ref;
    GstBuffer *out;
    guint i;

    for (i = 0; i < w * ht; i++)
      img->px[i] = g_rand_double (r) < p ? g_rand_int_range (r, t, 256) :
          g_rand_int_range (r, 0, t);
    gst_harness_set (h, "detecttarget", "threshold", t, "min-area", 1,
        "min-fill", 0.0, "max-elongation", G_MAXDOUBLE, "max-targets", 0,
        NULL);
    out = detect_image (h, img, round % 2 ? GST_VIDEO_FORMAT_GRAY8 :
        GST_VIDEO_FORMAT_BGRx);
    ref = reference_label (img, t);
    fail_unless_equals_int (count_targets (out), ref->len);
    for (i = 0; i < ref->len; i++) {
      RefComp *c = &g_array_index (ref, RefComp, i);
      GstVideoRegionOfInterestMeta *m = nth_target (out, i);

      fail_unless_equals_int (m->x, c->x0);
      fail_unless_equals_int (m->y, c->y0);
      fail_unless_equals_int (m->w, c->x1 - c->x0);
      fail_unless_equals_int (m->h, c->y1 - c->y0);
      fail_unless_equals_float (target_field (out, i, "area"), c->area);
      fail_unless_equals_float (target_field (out, i, "x"),
          (gdouble) c->swx / c->sw);
      fail_unless_equals_float (target_field (out, i, "y"),
          (gdouble) c->swy / c->sw);
    }
    g_array_unref (ref);
    gst_buffer_unref (out);
    image_free (img);
    gst_harness_teardown (h);
  }
  g_rand_free (r);
}

GST_END_TEST;

/* In place: the frame's memory goes through untouched, a frame without
 * targets gets no meta, and allocation queries reach downstream. */
GST_START_TEST (test_zero_copy)
{
  GstHarness *h = detect_harness (GST_VIDEO_FORMAT_I420, 64, 48);
  Image *img = image_new (64, 48, 0);
  GstAllocator *alloc = gst_allocator_find (NULL), *got = NULL;
  GstAllocationParams params, got_params;
  GstVideoInfo info;
  GstBuffer *in, *out;
  GstMemory *mem;
  GstQuery *query;
  GstCaps *caps;

  in = image_to_frame (img, GST_VIDEO_FORMAT_I420, &info);
  mem = gst_buffer_peek_memory (in, 0);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_peek_memory (out, 0) == mem);
  fail_unless_equals_int (count_targets (out), 0);
  gst_buffer_unref (out);

  image_rect (img, 8, 8, 4, 4, 255);
  in = image_to_frame (img, GST_VIDEO_FORMAT_I420, &info);
  mem = gst_buffer_peek_memory (in, 0);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_peek_memory (out, 0) == mem);
  fail_unless_equals_int (count_targets (out), 1);
  gst_buffer_unref (out);

  /* what downstream proposes is what upstream is told */
  gst_allocation_params_init (&params);
  params.align = 63;
  params.prefix = 17;
  gst_harness_set_propose_allocator (h, gst_object_ref (alloc), &params);
  caps = gst_video_info_to_caps (&info);
  query = gst_query_new_allocation (caps, TRUE);
  fail_unless (gst_pad_peer_query (h->srcpad, query));
  fail_unless (gst_query_get_n_allocation_params (query) >= 1);
  gst_query_parse_nth_allocation_param (query, 0, &got, &got_params);
  fail_unless (got == alloc);
  fail_unless_equals_int (got_params.align, 63);
  fail_unless_equals_int (got_params.prefix, 17);
  gst_object_unref (got);
  gst_query_unref (query);
  gst_caps_unref (caps);
  gst_object_unref (alloc);

  image_free (img);
  gst_harness_teardown (h);
}

GST_END_TEST;

static void
assert_format_error (GstMessage * msg, const gchar * format)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  fail_unless (msg != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
      "detect");
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  fail_unless (strstr (err->message, "detect cannot find targets in ") !=
      NULL, "%s", err->message);
  fail_unless (strstr (err->message, format) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "videoconvert") != NULL);
  g_error_free (err);
  g_free (dbg);
}

/* Unsupported frames fail at negotiation, with the element saying why. */
GST_START_TEST (test_unsupported_format)
{
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  GstHarness *h;
  GstCaps *caps;

  /* a source that insists on YUY2 */
  pipe = gst_parse_launch ("appsrc caps=video/x-raw,format=YUY2,width=64,"
      "height=48,framerate=30/1 ! detecttarget name=detect ! fakesink", NULL);
  fail_unless (pipe != NULL);
  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  assert_format_error (msg, "YUY2");
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);

  /* caps pushed straight at it */
  h = gst_harness_new ("detecttarget");
  gst_object_set_name (GST_OBJECT (h->element), "detect");
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  fail_unless (gst_pad_push_event (h->srcpad,
          gst_event_new_stream_start ("s")));
  /* a sticky event is stored; the refusal shows on the first frame */
  caps = gst_caps_from_string ("video/x-raw,format=UYVY,width=64,height=48,"
      "framerate=30/1");
  gst_pad_push_event (h->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_TIME);
    gst_pad_push_event (h->srcpad, gst_event_new_segment (&seg));
  }
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_allocate (NULL,
              64 * 48 * 2, NULL)), GST_FLOW_NOT_NEGOTIATED);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  assert_format_error (msg, "UYVY");
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);

  /* videoconvert in between makes it work */
  pipe = gst_parse_launch ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=YUY2,width=64,height=48 ! videoconvert ! "
      "detecttarget ! fakesink", NULL);
  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
detecttarget_suite (void)
{
  Suite *s = suite_create ("detecttarget");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_gray_spots_exact);
  tcase_add_test (tc, test_weighted_centroid);
  tcase_add_test (tc, test_connectivity);
  tcase_add_test (tc, test_filters);
  tcase_add_test (tc, test_formats);
  tcase_add_test (tc, test_rgb_luma);
  tcase_add_test (tc, test_adaptive_threshold);
  tcase_add_test (tc, test_random_frames_match_reference);
  tcase_add_test (tc, test_zero_copy);
  tcase_add_test (tc, test_unsupported_format);
  return s;
}

GST_CHECK_MAIN (detecttarget);
