/* gst-workers: flightsimsrc tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/video/video.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>

#define DEG (G_PI / 180.0)

/* A harness on `src` and one on `telemetry` of the same element. */
typedef struct
{
  GstHarness *video;
  GstHarness *telemetry;
} Sim;

/* Starts a flightsimsrc with @props, its video limited to @caps; its
 * messages go to @bus if given. */
static Sim
sim_start_full (const gchar * caps, const gchar * props, GstBus * bus)
{
  Sim s;
  GstElement *e;
  gchar *desc = g_strdup_printf ("flightsimsrc %s", props);
  GError *err = NULL;

  e = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (e != NULL && err == NULL);
  if (bus)
    gst_element_set_bus (e, bus);
  s.video = gst_harness_new_with_element (e, NULL, "src");
  s.telemetry = gst_harness_new_with_element (e, NULL, "telemetry");
  gst_object_unref (e);
  if (caps)
    gst_harness_set_sink_caps_str (s.video, caps);
  gst_harness_play (s.video);
  return s;
}

static Sim
sim_start (const gchar * caps, const gchar * props)
{
  return sim_start_full (caps, props, NULL);
}

static void
sim_stop (Sim * s)
{
  gst_harness_teardown (s->telemetry);
  gst_harness_teardown (s->video);
}

static GstOdometry
pull_odometry (GstHarness * h, GstClockTime * pts)
{
  GstBuffer *buf = gst_harness_pull (h);
  GstOdometry odo;

  fail_unless (buf != NULL);
  fail_unless (gst_odometry_from_buffer (buf, &odo));
  if (pts)
    *pts = GST_BUFFER_PTS (buf);
  gst_buffer_unref (buf);
  return odo;
}

static GstCameraModel
camera_for (GstHarness * h, gdouble hfov, gdouble roll, gdouble pitch,
    gdouble yaw)
{
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstVideoInfo info;
  GstCameraModel cam;

  fail_unless (caps != NULL);
  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  gst_camera_model_init (&cam, info.width, info.height, hfov * DEG);
  gst_camera_model_set_mount (&cam, roll * DEG, pitch * DEG, yaw * DEG);
  return cam;
}

/* The same flight rendered with and without targets differs only where
 * the disks are: there a pixel is bg + c (target - bg), c the part of it
 * the disk covers. Measures the coverage-weighted centroid and area of the
 * disk within @radius pixels of (@u, @v) of a GRAY8 frame. */
static gdouble
disk_centroid (GstBuffer * with, GstBuffer * without,
    const GstCameraModel * cam, gdouble u, gdouble v, gdouble radius,
    guint8 target, gdouble * cu, gdouble * cv)
{
  GstMapInfo a, b;
  gint x, y, w = cam->width, h = cam->height, stride = GST_ROUND_UP_4 (w);
  gdouble su = 0, sv = 0, area = 0;

  fail_unless (gst_buffer_map (with, &a, GST_MAP_READ));
  fail_unless (gst_buffer_map (without, &b, GST_MAP_READ));
  for (y = MAX (0, (gint) (v - radius)); y <= MIN (h - 1, (gint) (v + radius));
      y++)
    for (x = MAX (0, (gint) (u - radius));
        x <= MIN (w - 1, (gint) (u + radius)); x++) {
      gint bg = b.data[y * stride + x];
      gdouble c = (gdouble) (a.data[y * stride + x] - bg) / (target - bg);

      su += c * x;
      sv += c * y;
      area += c;
    }
  gst_buffer_unmap (with, &a);
  gst_buffer_unmap (without, &b);
  if (area > 0) {
    *cu = su / area;
    *cv = sv / area;
  }
  return area;
}

typedef struct
{
  gdouble north, east;
} Target;

/* Flies @props twice, with @targets and with none, and checks that every
 * disk fully in view covers the area its rim projects to (with the frame's
 * odometry) within 1 %, centred within 0.02 pixel of that area's centroid
 * and within @tolerance pixels of where its centre projects (perspective
 * moves the two apart). Returns how many disks it checked. */
static guint
check_disks (const gchar * props, const gchar * targets_str,
    const Target * targets, guint n_targets, gdouble radius_m, gdouble hfov,
    gdouble pitch, guint frames, gdouble tolerance)
{
  const gchar *caps = "video/x-raw,format=GRAY8,width=640,height=480";
  gchar *p1 = g_strdup_printf ("%s targets=\"%s\" target-radius=%g", props,
      targets_str, radius_m);
  gchar *p0 = g_strdup_printf ("%s targets=\"\"", props);
  Sim s1 = sim_start (caps, p1), s0 = sim_start (caps, p0);
  GstCameraModel cam;
  guint i, k, checked = 0;

  for (i = 0; i < frames; i++) {
    GstBuffer *with = gst_harness_pull (s1.video);
    GstBuffer *without = gst_harness_pull (s0.video);
    GstClockTime tpts;
    GstOdometry pose = pull_odometry (s1.telemetry, &tpts);

    gst_buffer_unref (gst_harness_pull (s0.telemetry));
    fail_unless (with != NULL && without != NULL);
    fail_unless_equals_uint64 (tpts, GST_BUFFER_PTS (with));
    if (i == 0)
      cam = camera_for (s1.video, hfov, 0, pitch, 0);
    for (k = 0; k < n_targets; k++) {
      gdouble u, v, cu = 0, cv = 0, r_px = 0, area, expected = 0;
      gdouble eu = 0, ev = 0;
      gint j;

      fail_unless (gst_camera_model_project (&cam, &pose, targets[k].north,
              targets[k].east, 0, &u, &v));
      /* the projected rim: its size and the area it encloses */
      for (j = 0; j < 360; j++) {
        gdouble a0 = j * DEG, a1 = (j + 1) * DEG, u0, v0, u1, v1;

        fail_unless (gst_camera_model_project (&cam, &pose,
                targets[k].north + radius_m * cos (a0),
                targets[k].east + radius_m * sin (a0), 0, &u0, &v0));
        fail_unless (gst_camera_model_project (&cam, &pose,
                targets[k].north + radius_m * cos (a1),
                targets[k].east + radius_m * sin (a1), 0, &u1, &v1));
        r_px = MAX (r_px, hypot (u0 - u, v0 - v));
        u0 -= u;
        v0 -= v;
        u1 -= u;
        v1 -= v;
        expected += (u0 * v1 - u1 * v0) / 2;
        eu += (u0 + u1) * (u0 * v1 - u1 * v0);
        ev += (v0 + v1) * (u0 * v1 - u1 * v0);
      }
      /* the centroid of the projected rim's polygon */
      eu = u + eu / (6 * expected);
      ev = v + ev / (6 * expected);
      expected = fabs (expected);
      if (u < r_px + 4 || v < r_px + 4 || u > cam.width - r_px - 5 ||
          v > cam.height - r_px - 5)
        continue;
      area = disk_centroid (with, without, &cam, u, v, r_px + 3, 235, &cu,
          &cv);
      fail_unless (fabs (area - expected) < 0.01 * expected,
          "frame %u target %u: disk of %.1f pixels, expected %.1f", i, k,
          area, expected);
      fail_unless (fabs (cu - eu) < 0.02 && fabs (cv - ev) < 0.02,
          "frame %u target %u: disk centred at (%.3f, %.3f), its rim "
          "projects around (%.3f, %.3f)", i, k, cu, cv, eu, ev);
      fail_unless (fabs (cu - u) < tolerance && fabs (cv - v) < tolerance,
          "frame %u target %u: disk centred at (%.3f, %.3f), its centre "
          "projects to (%.3f, %.3f)", i, k, cu, cv, u, v);
      checked++;
    }
    gst_buffer_unref (with);
    gst_buffer_unref (without);
  }
  sim_stop (&s1);
  sim_stop (&s0);
  g_free (p0);
  g_free (p1);
  return checked;
}

/* With no noise, every target's centre projects (camera model, odometry of
 * the frame's time) onto the centre of its disk. */
GST_START_TEST (test_targets_where_the_camera_model_puts_them)
{
  static const Target targets[] = {
    {-48, 2}, {-45, -4}, {-42, 5}, {-38, 0}, {-35, 6}, {-30, -6},
  };
  const gchar *str = "-48,2;-45,-4;-42,5;-38,0;-35,6;-30,-6";
  guint checked;

  /* straight down, wobbling, flying north along a line */
  checked = check_disks ("num-buffers=30 path=line path-length=100 "
      "altitude=25 speed=8 attitude-wobble=3 pixel-noise=0 attitude-noise=0 "
      "hfov=60", str, targets, G_N_ELEMENTS (targets), 0.6, 60, -90, 30,
      0.05);
  fail_unless (checked > 80, "only %u disks checked", checked);

  /* a camera tilted forward: perspective makes the disks ellipses whose
   * centroid is a little off the image of the centre */
  checked = check_disks ("num-buffers=12 path=line path-length=100 "
      "altitude=25 speed=8 attitude-wobble=2 pixel-noise=0 attitude-noise=0 "
      "hfov=70 camera-pitch=-60", str, targets, G_N_ELEMENTS (targets), 0.6,
      70, -60, 12, 0.5);
  fail_unless (checked > 20, "only %u disks checked", checked);
}

GST_END_TEST;

/* Thresholded as a detector would, the disk seen straight down is where
 * the camera model puts it, and of its size. */
GST_START_TEST (test_target_thresholded)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=640,height=480",
      "num-buffers=1 speed=0 path=line path-length=10 altitude=20 hfov=60 "
      "attitude-wobble=0 pixel-noise=0 attitude-noise=0 targets=\"-5,0\" "
      "target-radius=1");
  GstBuffer *frame = gst_harness_pull (s.video);
  GstCameraModel cam = camera_for (s.video, 60, 0, -90, 0);
  gdouble su = 0, sv = 0, r_px = cam.fx / 20.0;
  GstMapInfo map;
  guint n = 0, x, y;

  /* hovering at the start of the line, right over the target */
  fail_unless (gst_buffer_map (frame, &map, GST_MAP_READ));
  for (y = 0; y < 480; y++)
    for (x = 0; x < 640; x++)
      if (map.data[y * 640 + x] > 200) {
        su += x;
        sv += y;
        n++;
      }
  gst_buffer_unmap (frame, &map);
  fail_unless (fabs (su / n - cam.cx) < 0.1 && fabs (sv / n - cam.cy) < 0.1,
      "centred at (%f, %f)", su / n, sv / n);
  fail_unless (fabs (n - G_PI * r_px * r_px) < 0.05 * G_PI * r_px * r_px);
  gst_buffer_unref (frame);
  sim_stop (&s);
}

GST_END_TEST;

static gchar *
run_digest (const gchar * props, guint frames)
{
  Sim s = sim_start ("video/x-raw,format=I420,width=320,height=240", props);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gchar *digest;
  guint i;

  for (i = 0; i < frames; i++) {
    GstBuffer *frame = gst_harness_pull (s.video);
    GstBuffer *odo = gst_harness_pull (s.telemetry);
    GstMapInfo map;

    fail_unless (gst_buffer_map (frame, &map, GST_MAP_READ));
    g_checksum_update (sum, map.data, map.size);
    gst_buffer_unmap (frame, &map);
    fail_unless (gst_buffer_map (odo, &map, GST_MAP_READ));
    g_checksum_update (sum, map.data, map.size);
    gst_buffer_unmap (odo, &map);
    gst_buffer_unref (frame);
    gst_buffer_unref (odo);
  }
  digest = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  sim_stop (&s);
  return digest;
}

/* The same seed gives the same bytes; another seed other bytes. */
GST_START_TEST (test_reproducible)
{
  const gchar *noisy = "num-buffers=8 pixel-noise=5 attitude-noise=0.5 "
      "position-noise=0.3 attitude-wobble=2 targets=\"-38,-28\"";
  gchar *props[3], *a, *b, *c, *d;

  props[0] = g_strdup_printf ("%s seed=7", noisy);
  props[1] = g_strdup_printf ("%s seed=8", noisy);
  props[2] = g_strdup ("num-buffers=8 pixel-noise=0 attitude-noise=0 "
      "attitude-wobble=0 seed=9");
  a = run_digest (props[0], 8);
  b = run_digest (props[0], 8);
  c = run_digest (props[1], 8);
  fail_unless_equals_string (a, b);
  fail_if (g_str_equal (a, c), "seeds 7 and 8 gave the same bytes");
  d = run_digest (props[2], 8);
  g_free (b);
  b = run_digest (props[2], 8);
  fail_unless_equals_string (b, d);
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (d);
  g_free (props[0]);
  g_free (props[1]);
  g_free (props[2]);
}

GST_END_TEST;

static void
assert_pose (const GstOdometry * o, gdouble n, gdouble e, gdouble d,
    gdouble yaw, gdouble vn, gdouble ve)
{
  const gdouble eps = 1e-9;
  gdouble dyaw = remainder (o->yaw - yaw, 2 * G_PI);

  fail_unless_equals_int (o->fields, GST_ODOMETRY_HAS_LOCAL |
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_ATTITUDE |
      GST_ODOMETRY_HAS_VELOCITY);
  fail_unless (fabs (o->north - n) < eps && fabs (o->east - e) < eps &&
      fabs (o->down - d) < eps, "at (%f, %f, %f), expected (%f, %f, %f)",
      o->north, o->east, o->down, n, e, d);
  fail_unless (fabs (dyaw) < eps, "yaw %f, expected %f", o->yaw, yaw);
  fail_unless (o->roll == 0 && o->pitch == 0);
  fail_unless (fabs (o->vn - vn) < eps && fabs (o->ve - ve) < eps &&
      o->vd == 0);
}

/* Without noise the telemetry is the true pose, at the frames' times. */
GST_START_TEST (test_telemetry_true_pose_line)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "num-buffers=30 path=line path-length=100 speed=5 "
      "altitude=30 attitude-wobble=0 attitude-noise=0 pixel-noise=0 "
      "home-latitude=45 home-longitude=-75 home-altitude=100");
  guint i;

  for (i = 0; i < 30; i++) {
    GstBuffer *frame = gst_harness_pull (s.video);
    GstClockTime pts;
    GstOdometry o = pull_odometry (s.telemetry, &pts);
    gdouble t = i / 10.0, n = -50 + 5 * t;

    fail_unless_equals_uint64 (GST_BUFFER_PTS (frame), i * 100 * GST_MSECOND);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (frame), 100 * GST_MSECOND);
    fail_unless_equals_uint64 (pts, GST_BUFFER_PTS (frame));
    fail_unless_equals_uint64 (o.source_time_us, i * 100000);
    assert_pose (&o, n, 0, -30, 0, 5, 0);
    /* flat earth from home */
    fail_unless (fabs (o.latitude - (45 + n / 6378137.0 / DEG)) < 1e-12);
    fail_unless (fabs (o.longitude + 75) < 1e-12);
    fail_unless (fabs (o.altitude - 130) < 1e-9);
    gst_buffer_unref (frame);
  }
  fail_unless (gst_harness_try_pull (s.telemetry) == NULL);
  sim_stop (&s);
}

GST_END_TEST;

/* Lawnmower of 2 lanes 20 m long, 10 m apart, at 10 m/s and 10 frames/s:
 * 1 m per frame, 50 m of path, then back along it. */
GST_START_TEST (test_telemetry_lawnmower)
{
  static const struct
  {
    guint frame;
    gdouble n, e, yaw;
  } expect[] = {
    {0, -10, -5, 0}, {10, 0, -5, 0}, {25, 10, 0, G_PI / 2},
    {40, 0, 5, G_PI}, {49, -9, 5, G_PI}, {55, -5, 5, 0},
    {75, 10, 0, -G_PI / 2}, {90, 0, -5, G_PI},
  };
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "num-buffers=91 path=lawnmower path-length=20 "
      "path-width=10 lane-spacing=10 speed=10 attitude-wobble=0 "
      "attitude-noise=0 pixel-noise=0");
  guint i, k = 0;

  for (i = 0; i <= 90; i++) {
    GstOdometry o = pull_odometry (s.telemetry, NULL);

    gst_buffer_unref (gst_harness_pull (s.video));
    if (k < G_N_ELEMENTS (expect) && expect[k].frame == i) {
      gdouble yaw = expect[k].yaw;

      assert_pose (&o, expect[k].n, expect[k].e, -40, yaw, 10 * cos (yaw),
          10 * sin (yaw));
      k++;
    }
  }
  fail_unless_equals_int (k, G_N_ELEMENTS (expect));
  sim_stop (&s);
}

GST_END_TEST;

/* A take-off: 1 s on the ground at the line's start, a climb at 10 m/s
 * to 30 m (3 s), then the line at 5 m/s: at frame 40 the path begins. */
GST_START_TEST (test_takeoff)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "num-buffers=51 path=line path-length=100 speed=5 "
      "altitude=30 climb-rate=10 takeoff-time=1 attitude-wobble=0 "
      "attitude-noise=0 pixel-noise=0");
  guint i;

  for (i = 0; i <= 50; i++) {
    GstOdometry o = pull_odometry (s.telemetry, NULL);
    gdouble t = i / 10.0;

    gst_buffer_unref (gst_harness_pull (s.video));
    if (t < 1.0) {
      assert_pose (&o, -50, 0, 0, 0, 0, 0);
      fail_unless_equals_float (o.vd, 0);
    } else if (t < 4.0) {
      /* straight up, nose along the line */
      fail_unless (fabs (o.north + 50) < 1e-9 && fabs (o.east) < 1e-9);
      fail_unless (fabs (o.down + 10 * (t - 1)) < 1e-9, "down %f at %f s",
          o.down, t);
      fail_unless (fabs (o.yaw) < 1e-9 && o.vn == 0 && o.ve == 0);
      fail_unless_equals_float (o.vd, -10);
    } else {
      assert_pose (&o, -50 + 5 * (t - 4), 0, -30, 0, 5, 0);
      fail_unless_equals_float (o.vd, 0);
    }
  }
  sim_stop (&s);
}

GST_END_TEST;

GST_START_TEST (test_telemetry_circle)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "num-buffers=20 path=circle radius=20 speed=4 "
      "path-heading=90 attitude-wobble=0 attitude-noise=0 pixel-noise=0");
  guint i;

  for (i = 0; i < 20; i++) {
    GstOdometry o = pull_odometry (s.telemetry, NULL);
    gdouble theta = G_PI / 2 + 4 * (i / 10.0) / 20;

    gst_buffer_unref (gst_harness_pull (s.video));
    assert_pose (&o, 20 * cos (theta), 20 * sin (theta), -40,
        theta + G_PI / 2, 4 * cos (theta + G_PI / 2),
        4 * sin (theta + G_PI / 2));
  }
  sim_stop (&s);
}

GST_END_TEST;

/* telemetry-per-frame=4: items after the previous frame up to and including
 * each frame's time, so one item before frame 0 and four before each
 * other. */
GST_START_TEST (test_telemetry_rate)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "num-buffers=5 telemetry-per-frame=4 "
      "attitude-noise=0 attitude-wobble=0");
  GstClockTime pts;
  guint i, k;

  pull_odometry (s.telemetry, &pts);
  fail_unless_equals_uint64 (pts, 0);
  for (i = 1; i < 5; i++)
    for (k = 1; k <= 4; k++) {
      pull_odometry (s.telemetry, &pts);
      fail_unless_equals_uint64 (pts, (i - 1) * 100 * GST_MSECOND +
          k * 25 * GST_MSECOND);
    }
  for (i = 0; i < 5; i++)
    gst_buffer_unref (gst_harness_pull (s.video));
  fail_unless (gst_harness_try_pull (s.telemetry) == NULL);
  sim_stop (&s);
}

GST_END_TEST;

/* Reported attitude and position differ from the rendered ones by the
 * configured noise, with about the configured spread. */
GST_START_TEST (test_telemetry_noise)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48",
      "num-buffers=400 path=line path-length=1000 speed=5 "
      "attitude-wobble=0 attitude-noise=2 position-noise=0.5 seed=3");
  gdouble sum_a = 0, sum_p = 0;
  guint i;

  for (i = 0; i < 400; i++) {
    GstOdometry o = pull_odometry (s.telemetry, NULL);
    gdouble n = -500 + 5 * i / 10.0;

    gst_buffer_unref (gst_harness_pull (s.video));
    sum_a += o.roll * o.roll + o.pitch * o.pitch +
        remainder (o.yaw, 2 * G_PI) * remainder (o.yaw, 2 * G_PI);
    sum_p += (o.north - n) * (o.north - n) + o.east * o.east +
        (o.down + 40) * (o.down + 40);
  }
  /* standard deviations, 1200 samples each: within 10 % */
  fail_unless (fabs (sqrt (sum_a / 1200) / DEG - 2) < 0.2);
  fail_unless (fabs (sqrt (sum_p / 1200) - 0.5) < 0.05);
  sim_stop (&s);
}

GST_END_TEST;

/* odometry-meta: each frame carries the odometry item of its time, noise
 * and all. */
GST_START_TEST (test_odometry_meta)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48",
      "num-buffers=5 telemetry-per-frame=2 odometry-meta=true "
      "attitude-noise=1 position-noise=0.5 seed=4");
  guint i;

  for (i = 0; i < 5; i++) {
    GstBuffer *frame = gst_harness_pull (s.video);
    GstOdometryMeta *meta = gst_buffer_get_odometry_meta (frame);
    GstClockTime pts;
    GstOdometry o;

    /* the items after the previous frame; the last is at this one's time */
    if (i > 0)
      pull_odometry (s.telemetry, NULL);
    o = pull_odometry (s.telemetry, &pts);
    fail_unless_equals_uint64 (pts, GST_BUFFER_PTS (frame));
    fail_unless (meta != NULL);
    fail_unless (memcmp (&meta->odometry, &o, sizeof (o)) == 0);
    gst_buffer_unref (frame);
  }
  sim_stop (&s);

  /* off by default */
  s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48",
      "num-buffers=1");
  {
    GstBuffer *frame = gst_harness_pull (s.video);

    fail_unless (gst_buffer_get_odometry_meta (frame) == NULL);
    gst_buffer_unref (frame);
  }
  sim_stop (&s);
}

GST_END_TEST;

typedef struct
{
  const gchar *format;
  guint width, height;
} FormatCase;

/* Every format negotiates, fills a frame of the right size, and draws the
 * target white on a coloured ground. */
GST_START_TEST (test_formats)
{
  static const FormatCase cases[] = {
    {"GRAY8", 64, 48}, {"I420", 65, 49}, {"NV12", 64, 48}, {"RGB", 63, 47},
    {"BGRx", 64, 48},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *caps_str = g_strdup_printf ("video/x-raw,format=%s,width=%u,"
        "height=%u,framerate=5/1", cases[i].format, cases[i].width,
        cases[i].height);
    /* hovering 10 m above a 3 m disk right below */
    Sim s = sim_start (caps_str, "num-buffers=1 speed=0 path=line "
        "path-length=10 altitude=10 targets=\"-5,0\" target-radius=3 "
        "pixel-noise=0 attitude-wobble=0 target-luma=235");
    GstBuffer *frame = gst_harness_pull (s.video);
    GstCaps *caps = gst_pad_get_current_caps (s.video->sinkpad);
    GstVideoInfo info;
    GstVideoFrame vf;
    const guint8 *centre, *corner;
    guint cx = cases[i].width / 2, cy = cases[i].height / 2;

    fail_unless (gst_video_info_from_caps (&info, caps));
    gst_caps_unref (caps);
    fail_unless_equals_string (gst_video_format_to_string (info.finfo->format),
        cases[i].format);
    fail_unless_equals_int (info.width, cases[i].width);
    fail_unless_equals_int (info.fps_n, 5);
    fail_unless_equals_int (gst_buffer_get_size (frame), info.size);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (frame), 200 * GST_MSECOND);
    fail_unless (gst_video_frame_map (&vf, &info, frame, GST_MAP_READ));

    centre = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vf, 0) +
        cy * GST_VIDEO_FRAME_PLANE_STRIDE (&vf, 0) +
        cx * GST_VIDEO_FRAME_COMP_PSTRIDE (&vf, 0);
    corner = GST_VIDEO_FRAME_PLANE_DATA (&vf, 0);
    if (GST_VIDEO_INFO_IS_RGB (&info)) {
      /* white target, ground with more red than blue */
      fail_unless (centre[0] == 235 && centre[1] == 235 && centre[2] == 235);
      if (info.finfo->format == GST_VIDEO_FORMAT_BGRx)
        fail_unless (corner[2] > corner[0] && corner[3] == 0xff);
      else
        fail_unless (corner[0] > corner[2]);
    } else {
      fail_unless_equals_int (centre[0], 235);
      fail_unless (corner[0] <= 165);
      if (info.finfo->format != GST_VIDEO_FORMAT_GRAY8) {
        const guint8 *u = GST_VIDEO_FRAME_COMP_DATA (&vf, 1);
        const guint8 *v = GST_VIDEO_FRAME_COMP_DATA (&vf, 2);
        gint us = GST_VIDEO_FRAME_COMP_STRIDE (&vf, 1);
        gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&vf, 1);

        /* neutral under the target, tinted on the ground */
        fail_unless_equals_int (u[(cy / 2) * us + (cx / 2) * ps], 128);
        fail_unless_equals_int (v[(cy / 2) * us + (cx / 2) * ps], 128);
        fail_unless (u[0] < 128 && v[0] > 128);
      }
    }
    gst_video_frame_unmap (&vf);
    gst_buffer_unref (frame);
    sim_stop (&s);
    g_free (caps_str);
  }
}

GST_END_TEST;

/* Downstream asking for another format mid-flight gets it from the next
 * frame on; the flight and its timestamps go on. Live, so that the test
 * clock says when each frame is made. */
GST_START_TEST (test_renegotiation)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "is-live=true");
  GstClock *clock = gst_element_get_clock (s.video->element);
  GstBuffer *frame;
  guint i;

  for (i = 0; i < 2; i++) {
    gst_test_clock_crank (GST_TEST_CLOCK (clock));
    frame = gst_harness_pull (s.video);
    fail_unless_equals_int (gst_buffer_get_size (frame), 64 * 48);
    gst_buffer_unref (frame);
  }
  /* frame 2 is already on its way, waiting for the clock */
  gst_harness_set_sink_caps_str (s.video, "video/x-raw,format=RGB,width=32,"
      "height=24,framerate=10/1");
  for (; i < 4; i++) {
    gst_test_clock_crank (GST_TEST_CLOCK (clock));
    frame = gst_harness_pull (s.video);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (frame), i * 100 * GST_MSECOND);
    if (i == 3)
      fail_unless_equals_int (gst_buffer_get_size (frame), 32 * 3 * 24);
    gst_buffer_unref (frame);
  }
  gst_object_unref (clock);
  sim_stop (&s);
}

GST_END_TEST;

static gchar *
run_for_error (const gchar * desc, GstStateChangeReturn * state_ret)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *msg;
  gchar *text = NULL;

  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  bus = gst_element_get_bus (pipeline);
  *state_ret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    text = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
        err->message);
    g_error_free (err);
  }
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return text;
}

/* Unconstrained, it makes 1920x1080 at 10 frames/s. A format it does not
 * make fails linking, or negotiation when downstream only says so at run
 * time, with an error naming the formats it makes. */
GST_START_TEST (test_negotiation)
{
  Sim s = sim_start (NULL, "num-buffers=1");
  GstCaps *caps;
  GstVideoInfo info;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  GstElement *pipeline;

  gst_buffer_unref (gst_harness_pull (s.video));
  caps = gst_pad_get_current_caps (s.video->sinkpad);
  fail_unless (gst_video_info_from_caps (&info, caps));
  fail_unless_equals_int (info.width, 1920);
  fail_unless_equals_int (info.height, 1080);
  fail_unless_equals_int (info.fps_n, 10);
  fail_unless_equals_int (info.fps_d, 1);
  fail_unless_equals_int (info.par_n, 1);
  gst_caps_unref (caps);
  /* the telemetry output has its fixed caps */
  gst_buffer_unref (gst_harness_pull (s.telemetry));
  caps = gst_pad_get_current_caps (s.telemetry->sinkpad);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          GST_ODOMETRY_CAPS));
  gst_caps_unref (caps);
  sim_stop (&s);

  pipeline = gst_parse_launch ("flightsimsrc name=cam ! "
      "video/x-raw,format=YUY2 ! fakesink", &err);
  fail_unless (err != NULL);
  fail_unless (strstr (err->message, "could not link cam to fakesink0, cam "
          "can't handle caps video/x-raw, format=(string)YUY2") != NULL,
      "%s", err->message);
  g_clear_error (&err);
  gst_clear_object (&pipeline);

  bus = gst_bus_new ();
  s = sim_start_full ("video/x-raw,format=YUY2", "name=cam", bus);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless_equals_string (err->message, "Downstream of cam takes no video "
      "the simulated camera can make (GRAY8, I420, NV12, RGB or BGRx, 16x16 "
      "to 8192x8192, square pixels).");
  g_error_free (err);
  gst_message_unref (msg);
  sim_stop (&s);
  /* queued messages hold their sources, which hold the bus */
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_bad_targets)
{
  GstStateChangeReturn ret;
  gchar *error = run_for_error ("flightsimsrc name=cam "
      "targets=\"10,20;-15;30,-5\" ! fakesink cam.telemetry ! fakesink", &ret);

  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_string (error, "cam: Invalid targets \"10,20;-15;30,-5\": "
      "target 2, '-15', is not 'north,east' in metres (targets are written "
      "like \"10,20;-15,40\")");
  g_free (error);
}

GST_END_TEST;

/* Pulls events from @h until EOS (fails if none comes). */
static void
pull_until_eos (GstHarness * h)
{
  GstEvent *ev;

  while ((ev = gst_harness_pull_event (h)) &&
      GST_EVENT_TYPE (ev) != GST_EVENT_EOS)
    gst_event_unref (ev);
  fail_unless (ev != NULL);
  gst_event_unref (ev);
}

/* Live: each frame and its telemetry go out when the clock reaches the
 * frame's time; an EOS sent to the element ends both outputs. */
GST_START_TEST (test_live)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "is-live=true");
  GstClock *clock = gst_element_get_clock (s.video->element);
  GstTestClock *tc = GST_TEST_CLOCK (clock);
  GstQuery *q = gst_query_new_latency ();
  GstClockTime min, max, pts;
  gboolean live;
  GstBuffer *frame;
  guint i;

  for (i = 0; i < 3; i++) {
    gst_test_clock_crank (tc);
    fail_unless_equals_uint64 (gst_clock_get_time (clock),
        i * 100 * GST_MSECOND);
    frame = gst_harness_pull (s.video);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (frame), i * 100 * GST_MSECOND);
    pull_odometry (s.telemetry, &pts);
    fail_unless_equals_uint64 (pts, i * 100 * GST_MSECOND);
    gst_buffer_unref (frame);
    /* nothing ahead of the clock */
    gst_test_clock_wait_for_next_pending_id (tc, NULL);
    fail_unless (gst_harness_try_pull (s.video) == NULL);
    fail_unless (gst_harness_try_pull (s.telemetry) == NULL);
  }
  fail_unless (gst_pad_peer_query (s.video->sinkpad, q));
  gst_query_parse_latency (q, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 100 * GST_MSECOND);
  gst_query_unref (q);

  /* waiting for the clock: an EOS wakes it */
  fail_unless (gst_element_send_event (s.video->element, gst_event_new_eos ()));
  pull_until_eos (s.video);
  pull_until_eos (s.telemetry);
  fail_unless (gst_harness_try_pull (s.video) == NULL);
  gst_object_unref (clock);
  sim_stop (&s);
}

GST_END_TEST;

/* Live, PLAYING -> PAUSED -> PLAYING: PAUSED cuts the wait for the next
 * frame's time short and nothing comes out; PLAYING again, the frame
 * goes out; an EOS sent in PAUSED ends both outputs. */
GST_START_TEST (test_live_pause_play)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "is-live=true");
  GstElement *e = s.video->element;
  GstClock *clock = gst_element_get_clock (e);
  GstTestClock *tc = GST_TEST_CLOCK (clock);
  GstClockTime pts;
  GstBuffer *frame;
  guint i;

  for (i = 0; i < 3; i++) {
    gst_test_clock_crank (tc);
    frame = gst_harness_pull (s.video);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (frame), i * 100 * GST_MSECOND);
    gst_buffer_unref (frame);
    pull_odometry (s.telemetry, &pts);
    fail_unless_equals_uint64 (pts, i * 100 * GST_MSECOND);

    /* waiting for the next frame's time; PAUSED ends that wait */
    gst_test_clock_wait_for_next_pending_id (tc, NULL);
    fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
        GST_STATE_CHANGE_NO_PREROLL);
    fail_unless_equals_int (gst_test_clock_peek_id_count (tc), 0);
    gst_test_clock_set_time (tc, gst_clock_get_time (clock) + GST_SECOND);
    fail_unless (gst_harness_try_pull (s.video) == NULL);
    fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PLAYING),
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_test_clock_crank (tc);
  frame = gst_harness_pull (s.video);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (frame), 300 * GST_MSECOND);
  gst_buffer_unref (frame);

  gst_test_clock_wait_for_next_pending_id (tc, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  fail_unless (gst_element_send_event (e, gst_event_new_eos ()));
  pull_until_eos (s.video);
  pull_until_eos (s.telemetry);
  gst_object_unref (clock);
  sim_stop (&s);
}

GST_END_TEST;

/* An EOS sent while the worker's `paused` holds a frame ends the stream:
 * the held frame does not go out. */
GST_START_TEST (test_eos_while_paused)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=10/1", "is-live=true");
  GstElement *e = s.video->element;
  GstClock *clock = gst_element_get_clock (e);
  GstTestClock *tc = GST_TEST_CLOCK (clock);
  GstBuffer *frame;

  gst_test_clock_crank (tc);
  frame = gst_harness_pull (s.video);
  gst_buffer_unref (frame);
  pull_odometry (s.telemetry, NULL);
  g_object_set (e, "paused", TRUE, NULL);
  /* frame 1's time: the task goes on to the pause and is held there */
  gst_test_clock_crank (tc);
  fail_unless (gst_element_send_event (e, gst_event_new_eos ()));
  pull_until_eos (s.video);
  pull_until_eos (s.telemetry);
  fail_unless (gst_harness_try_pull (s.video) == NULL);
  fail_unless (gst_harness_try_pull (s.telemetry) == NULL);
  gst_object_unref (clock);
  sim_stop (&s);
}

GST_END_TEST;

/* It is a worker: statistics count frames in, frames and telemetry out. */
GST_START_TEST (test_worker_stats)
{
  Sim s = sim_start ("video/x-raw,format=GRAY8,width=64,height=48",
      "num-buffers=6 telemetry-per-frame=2");
  GstStructure *st;
  guint64 v;
  guint i;

  fail_unless (GST_IS_WORKER (s.video->element));
  for (i = 0; i < 6; i++)
    gst_buffer_unref (gst_harness_pull (s.video));
  pull_until_eos (s.video);
  st = gst_worker_get_stats (GST_WORKER (s.video->element));
  fail_unless (gst_structure_get_uint64 (st, "items-in", &v));
  fail_unless_equals_uint64 (v, 6);
  fail_unless (gst_structure_get_uint64 (st, "items-out", &v));
  fail_unless_equals_uint64 (v, 6 + 1 + 5 * 2);
  fail_unless (gst_structure_get_uint64 (st, "items-dropped", &v));
  fail_unless_equals_uint64 (v, 0);
  gst_structure_free (st);
  sim_stop (&s);
}

GST_END_TEST;

static void
digest_frame (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    GChecksum * sum)
{
  GstMapInfo map;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  g_checksum_update (sum, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
}

/* Runs `flightsimsrc ! WORKER name=w ! fakesink` to its end; the digest of
 * the frames out of WORKER, and its payload-copies if it counts them (else
 * -1). */
static gchar *
run_through (const gchar * worker, gint * copies)
{
  gchar *desc = g_strdup_printf ("flightsimsrc num-buffers=6 seed=3 "
      "pixel-noise=4 ! video/x-raw,format=I420,width=320,height=240 ! "
      "%s name=w ! fakesink name=out signal-handoffs=true", worker);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  GstElement *pipeline = gst_parse_launch (desc, NULL), *w, *out;
  GstMessage *msg;
  GstStructure *st;
  GstBus *bus;
  gchar *digest;
  guint n;

  fail_unless (pipeline != NULL, "%s", desc);
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_signal_connect (out, "handoff", G_CALLBACK (digest_frame), sum);
  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  w = gst_bin_get_by_name (GST_BIN (pipeline), "w");
  *copies = -1;
  if (GST_IS_WORKER (w)) {
    st = gst_worker_get_stats (GST_WORKER (w));
    if (gst_structure_get_uint (st, "payload-copies", &n))
      *copies = n;
    gst_structure_free (st);
  }
  gst_object_unref (w);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  digest = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  gst_object_unref (out);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (desc);
  return digest;
}

/* Its frames are filled in the memory downstream proposes: through a
 * processreplica (shared memory) they cross to the child with no copy,
 * and come back the same bytes as through a worker in this process. */
GST_START_TEST (test_frames_in_downstream_allocator)
{
  gint copies;
  gchar *in_thread = run_through ("identity", &copies);
  gchar *in_child = run_through ("processreplica worker=identity", &copies);

  fail_unless_equals_int (copies, 0);
  fail_unless_equals_string (in_child, in_thread);
  g_free (in_thread);
  g_free (in_child);
}

GST_END_TEST;

/* Stock behaviour, checked: a camera that is not there fails at start-up
 * naming the device. */
GST_START_TEST (test_missing_camera_device)
{
  GstStateChangeReturn ret;
  gchar *error = run_for_error ("v4l2src name=camera device=/dev/video99 ! "
      "fakesink", &ret);

  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (error != NULL);
  fail_unless (strstr (error, "/dev/video99") != NULL, "%s", error);
  g_free (error);
}

GST_END_TEST;

static Suite *
flightsimsrc_suite (void)
{
  Suite *s = suite_create ("flightsimsrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_targets_where_the_camera_model_puts_them);
  tcase_add_test (tc, test_target_thresholded);
  tcase_add_test (tc, test_reproducible);
  tcase_add_test (tc, test_takeoff);
  tcase_add_test (tc, test_telemetry_true_pose_line);
  tcase_add_test (tc, test_telemetry_lawnmower);
  tcase_add_test (tc, test_telemetry_circle);
  tcase_add_test (tc, test_telemetry_rate);
  tcase_add_test (tc, test_telemetry_noise);
  tcase_add_test (tc, test_odometry_meta);
  tcase_add_test (tc, test_formats);
  tcase_add_test (tc, test_negotiation);
  tcase_add_test (tc, test_renegotiation);
  tcase_add_test (tc, test_bad_targets);
  tcase_add_test (tc, test_live);
  tcase_add_test (tc, test_live_pause_play);
  tcase_add_test (tc, test_eos_while_paused);
  tcase_add_test (tc, test_worker_stats);
  tcase_add_test (tc, test_frames_in_downstream_allocator);
  tcase_add_test (tc, test_missing_camera_device);
  return s;
}

GST_CHECK_MAIN (flightsimsrc);
