/* gst-workers: clusterestimate tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>
#include <string.h>

typedef struct
{
  GstHarness *h;                /* estimates */
  GstHarness *cmd;              /* commands */
} Fixture;

static void
fixture_init (Fixture * f)
{
  f->h = gst_harness_new ("clusterestimate");
  f->cmd = gst_harness_new_with_element (f->h->element, NULL, "commands");
  gst_harness_set_src_caps_str (f->h, GST_GROUND_TARGETS_CAPS);
}

static void
fixture_clear (Fixture * f)
{
  gst_harness_teardown (f->cmd);
  gst_harness_teardown (f->h);
}

static gdouble
gauss (GRand * r)
{
  gdouble u1 = g_rand_double (r), u2 = g_rand_double (r);

  return sqrt (-2 * log (1 - u1)) * cos (2 * G_PI * u2);
}

/* Pushes one ground targets item of @n points (north, east pairs). */
static void
push_points (Fixture * f, const gdouble * ne, guint n, GstClockTime pts)
{
  GstGroundTarget *t = g_new0 (GstGroundTarget, MAX (n, 1));
  guint i;

  for (i = 0; i < n; i++) {
    t[i].north = ne[2 * i];
    t[i].east = ne[2 * i + 1];
    t[i].confidence = 1.0;
    t[i].area = 10;
  }
  fail_unless_equals_int (gst_harness_push (f->h,
          gst_ground_targets_to_buffer (t, n, pts)), GST_FLOW_OK);
  g_free (t);
}

/* Pushes @items items of @per points at (north, east). */
static void
push_at (Fixture * f, gdouble north, gdouble east, guint items, guint per,
    GstClockTime * pts)
{
  gdouble *ne = g_new (gdouble, 2 * per);
  guint i, k;

  for (i = 0; i < items; i++) {
    for (k = 0; k < per; k++) {
      ne[2 * k] = north;
      ne[2 * k + 1] = east;
    }
    push_points (f, ne, per, *pts);
    *pts += GST_SECOND / 10;
  }
  g_free (ne);
}

static gboolean
pull_estimate (GstHarness * h, GstTargetEstimate * est, GstClockTime * pts)
{
  GstBuffer *buf = gst_harness_try_pull (h);

  if (!buf)
    return FALSE;
  fail_unless (gst_target_estimate_from_buffer (buf, est));
  if (pts)
    *pts = GST_BUFFER_PTS (buf);
  gst_buffer_unref (buf);
  return TRUE;
}

static void
pull_command (GstHarness * h, GstFlightCommand * cmd)
{
  GstBuffer *buf = gst_harness_try_pull (h);

  fail_unless (buf != NULL);
  fail_unless (gst_flight_command_from_buffer (buf, cmd));
  gst_buffer_unref (buf);
}

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *s = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* Three targets (300 detections each, sigma 0.3 m) among 150 outliers
 * spread over 100 x 100 m, shuffled into items of 10: three targets
 * confirmed once each with their command, within 0.25 m (the stability
 * distance), no other target, three final estimates at the end within
 * 0.06 m (the error of the mean of 300 is 0.017 m per axis). */
GST_START_TEST (test_three_targets_with_outliers)
{
  const gdouble centres[3][2] = { {10, 20}, {-15, 5}, {30, -25} };
  GRand *r = g_rand_new_with_seed (42);
  guint n = 3 * 300 + 150, i, confirmed = 0, finals = 0;
  gdouble *ne = g_new (gdouble, 2 * n);
  gint matched[4] = { -1, -1, -1, -1 };
  GstTargetEstimate est;
  GstFlightCommand cmd;
  GstClockTime pts = 0;
  Fixture f;

  fixture_init (&f);
  for (i = 0; i < 900; i++) {
    ne[2 * i] = centres[i % 3][0] + 0.3 * gauss (r);
    ne[2 * i + 1] = centres[i % 3][1] + 0.3 * gauss (r);
  }
  for (; i < n; i++) {
    ne[2 * i] = g_rand_double_range (r, -50, 50);
    ne[2 * i + 1] = g_rand_double_range (r, -50, 50);
  }
  for (i = n - 1; i > 0; i--) {
    guint k = g_rand_int_range (r, 0, i + 1);
    gdouble a = ne[2 * i], b = ne[2 * i + 1];

    ne[2 * i] = ne[2 * k];
    ne[2 * i + 1] = ne[2 * k + 1];
    ne[2 * k] = a;
    ne[2 * k + 1] = b;
  }
  for (i = 0; i < n; i += 10) {
    push_points (&f, ne + 2 * i, MIN (10, n - i), pts);
    pts += GST_SECOND / 30;
  }

  /* while flying: each target confirmed once, maybe updated */
  while (pull_estimate (f.h, &est, NULL)) {
    guint c;

    fail_unless (est.id >= 1 && est.id <= 3, "false target %u", est.id);
    fail_if (est.flags & GST_TARGET_ESTIMATE_FINAL);
    /* early estimates rest on a few dozen detections */
    for (c = 0; c < 3; c++)
      if (hypot (est.north - centres[c][0], est.east - centres[c][1]) < 0.25)
        break;
    fail_unless (c < 3, "estimate %u at (%f, %f) is no target", est.id,
        est.north, est.east);
    if (est.flags & GST_TARGET_ESTIMATE_CONFIRMED) {
      fail_unless (matched[est.id] < 0);
      matched[est.id] = c;
      confirmed++;
      pull_command (f.cmd, &cmd);
      fail_unless_equals_int (cmd.type, GST_FLIGHT_COMMAND_GOTO);
      fail_unless_equals_int (cmd.target_id, est.id);
      fail_unless_equals_int (cmd.flags, GST_FLIGHT_COMMAND_HAS_LOCAL);
      fail_unless_equals_float (cmd.north, est.north);
      fail_unless_equals_float (cmd.east, est.east);
      fail_unless_equals_float (cmd.down, -20.0);
    } else {
      fail_unless_equals_int (matched[est.id], c);
    }
  }
  fail_unless_equals_int (confirmed, 3);
  fail_unless (gst_harness_try_pull (f.cmd) == NULL);
  fail_unless (matched[1] != matched[2] && matched[2] != matched[3] &&
      matched[1] != matched[3]);

  /* at the end: the final estimates */
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  while (pull_estimate (f.h, &est, NULL)) {
    const gdouble *c;

    fail_unless_equals_int (est.flags, GST_TARGET_ESTIMATE_FINAL);
    fail_unless (est.id >= 1 && est.id <= 3);
    c = centres[matched[est.id]];
    fail_unless (hypot (est.north - c[0], est.east - c[1]) < 0.06);
    fail_unless (est.count >= 295 && est.count <= 303, "count %u", est.count);
    fail_unless (fabs (est.std_north - 0.3) < 0.05);
    fail_unless (fabs (est.std_east - 0.3) < 0.05);
    fail_unless (fabs (est.spread - 0.3 * G_SQRT2) < 0.05);
    fail_unless_equals_float (est.spread,
        sqrt (est.std_north * est.std_north + est.std_east * est.std_east));
    fail_unless (est.first_seen < est.last_seen);
    finals++;
  }
  fail_unless_equals_int (finals, 3);
  fail_unless (gst_harness_try_pull (f.cmd) == NULL);
  fail_unless_equals_uint64 (stat_u64 (f.h->element, "items-in"), n / 10);

  g_free (ne);
  g_rand_free (r);
  fixture_clear (&f);
}

GST_END_TEST;

/* A target is confirmed on the stable-updates-th update that leaves it in
 * place, at the time of that input; not again while it stays put. */
GST_START_TEST (test_confirmed_when_stable)
{
  GstTargetEstimate est;
  GstFlightCommand cmd;
  GstClockTime pts = 0, at;
  Fixture f;

  fixture_init (&f);
  gst_harness_set (f.h, "clusterestimate", "stable-updates", 3, NULL);
  push_at (&f, 4, -2, 2, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 0);
  push_at (&f, 4, -2, 1, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 1);
  fail_unless (pull_estimate (f.h, &est, &at));
  fail_unless_equals_uint64 (at, 2 * GST_SECOND / 10);
  fail_unless_equals_int (est.id, 1);
  fail_unless_equals_int (est.flags, GST_TARGET_ESTIMATE_CONFIRMED);
  fail_unless_equals_float (est.north, 4);
  fail_unless_equals_float (est.east, -2);
  fail_unless_equals_int (est.count, 30);
  fail_unless_equals_float (est.spread, 0);
  fail_unless_equals_uint64 (est.first_seen, 0);
  fail_unless_equals_uint64 (est.last_seen, 2 * GST_SECOND / 10);
  pull_command (f.cmd, &cmd);
  fail_unless_equals_int (cmd.target_id, 1);
  fail_unless_equals_uint64 (gst_harness_buffers_received (f.cmd), 1);

  /* items without detections change nothing */
  push_points (&f, NULL, 0, pts);
  push_at (&f, 4, -2, 5, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 1);
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 1);
  fixture_clear (&f);
}

GST_END_TEST;

/* A cluster whose centre keeps moving is not a target yet: detections
 * half a metre further at each update chain into one cluster whose mean
 * moves 0.25 m per update. Once the detections stay in one place, the
 * centre settles and the target is confirmed, once. */
GST_START_TEST (test_moving_cluster_waits)
{
  GstTargetEstimate est;
  GstClockTime pts = 0;
  gdouble sum = 0;
  guint k, count = 0;
  Fixture f;

  fixture_init (&f);
  gst_harness_set (f.h, "clusterestimate", "stable-updates", 3, NULL);
  for (k = 0; k < 10; k++) {
    push_at (&f, 0.5 * k, 0, 1, 10, &pts);
    sum += 10 * 0.5 * k;
    count += 10;
  }
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 0);
  /* the centre then goes 2.45, 2.63, 2.77, 2.89, 3.0 (stable within
   * 0.25 over 3 updates: confirmed), 3.09, 3.18, 3.25 (not yet 0.25 from
   * the estimate emitted) */
  for (k = 0; k < 8; k++) {
    push_at (&f, 4.5, 0, 1, 10, &pts);
    sum += 10 * 4.5;
    count += 10;
  }
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 1);
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 1);
  fail_unless (pull_estimate (f.h, &est, NULL));
  fail_unless_equals_int (est.flags, GST_TARGET_ESTIMATE_CONFIRMED);
  fail_unless_equals_float (est.north, 3.0);

  /* the final estimate is the mean of every detection */
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless (pull_estimate (f.h, &est, NULL));
  fail_unless_equals_int (est.flags, GST_TARGET_ESTIMATE_FINAL);
  fail_unless_equals_int (est.count, count);
  fail_unless_equals_float (est.north, sum / count);
  fail_unless_equals_float (est.north, 3.25);
  fixture_clear (&f);
}

GST_END_TEST;

/* A confirmed target that moves is emitted again (same id, no flag, no
 * command) each time it is stable and more than stable-distance from the
 * last estimate emitted. With 50 detections at 0 then 10 per update at
 * 0.6, the centre is 0.6 j / (5 + j) after j updates: 0.1, 0.171, 0.225,
 * 0.267, 0.3, 0.327, 0.35, 0.369, 0.386; with 2 updates within 0.1 m as
 * stable, the updates go out at j = 2 and j = 5. */
GST_START_TEST (test_updates_when_moved)
{
  GstTargetEstimate est;
  GstClockTime pts = 0, at;
  Fixture f;

  fixture_init (&f);
  gst_harness_set (f.h, "clusterestimate", "stable-updates", 2,
      "stable-distance", 0.1, NULL);
  push_at (&f, 0, 0, 5, 10, &pts);
  fail_unless (pull_estimate (f.h, &est, NULL));
  fail_unless_equals_int (est.flags, GST_TARGET_ESTIMATE_CONFIRMED);
  fail_unless_equals_float (est.north, 0);

  push_at (&f, 0.6, 0, 9, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 3);
  fail_unless (pull_estimate (f.h, &est, &at));
  fail_unless_equals_int (est.id, 1);
  fail_unless_equals_int (est.flags, 0);
  fail_unless (fabs (est.north - 1.2 / 7) < 1e-12);
  fail_unless_equals_uint64 (at, 6 * GST_SECOND / 10);
  fail_unless (pull_estimate (f.h, &est, &at));
  fail_unless_equals_int (est.flags, 0);
  fail_unless (fabs (est.north - 0.3) < 1e-12);
  fail_unless_equals_uint64 (at, 9 * GST_SECOND / 10);
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 1);
  fixture_clear (&f);
}

GST_END_TEST;

/* Seen too briefly to become stable: at EOS the cluster is confirmed and
 * final at once, with its command, at the last input's time. */
GST_START_TEST (test_drain_confirms_late_target)
{
  GstTargetEstimate est;
  GstFlightCommand cmd;
  GstClockTime pts = 0, at;
  Fixture f;

  fixture_init (&f);
  gst_harness_set (f.h, "clusterestimate", "command-down", -35.0, NULL);
  push_at (&f, 7, 7, 2, 10, &pts);
  push_points (&f, NULL, 0, 5 * GST_SECOND);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 0);
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless (pull_estimate (f.h, &est, &at));
  fail_unless_equals_int (est.flags,
      GST_TARGET_ESTIMATE_CONFIRMED | GST_TARGET_ESTIMATE_FINAL);
  fail_unless_equals_int (est.id, 1);
  fail_unless_equals_int (est.count, 20);
  fail_unless_equals_float (est.north, 7);
  fail_unless_equals_uint64 (at, 5 * GST_SECOND);
  pull_command (f.cmd, &cmd);
  fail_unless_equals_int (cmd.target_id, 1);
  fail_unless_equals_float (cmd.down, -35.0);
  fail_unless (pull_estimate (f.h, &est, NULL) == FALSE);
  fixture_clear (&f);
}

GST_END_TEST;

/* done-command: after the last GOTO, at the end of the input, the done
 * command (a LAND where the drone is, at the last item's time); by
 * default nothing, and nothing either when no target was ever found. */
GST_START_TEST (test_done_command_at_end)
{
  GstFlightCommand cmd;
  GstClockTime pts = 0;
  Fixture f;
  gint done = -1;

  /* default: none, the GOTO alone */
  fixture_init (&f);
  g_object_get (f.h->element, "done-command", &done, NULL);
  fail_unless_equals_int (done, 0);
  push_at (&f, 7, 7, 8, 10, &pts);
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 1);
  fixture_clear (&f);

  /* land: the GOTO, then the LAND at the end */
  fixture_init (&f);
  gst_util_set_object_arg (G_OBJECT (f.h->element), "done-command", "land");
  pts = 0;
  push_at (&f, 7, 7, 8, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 1);
  pull_command (f.cmd, &cmd);
  fail_unless_equals_int (cmd.type, GST_FLIGHT_COMMAND_GOTO);
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 2);
  {
    GstBuffer *buf = gst_harness_pull (f.cmd);

    fail_unless (gst_flight_command_from_buffer (buf, &cmd));
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), pts - GST_SECOND / 10);
    gst_buffer_unref (buf);
  }
  fail_unless_equals_int (cmd.type, GST_FLIGHT_COMMAND_LAND);
  fail_unless_equals_int (cmd.flags & GST_FLIGHT_COMMAND_HAS_LOCAL, 0);
  fixture_clear (&f);

  /* land, but no target: nothing */
  fixture_init (&f);
  gst_util_set_object_arg (G_OBJECT (f.h->element), "done-command", "land");
  push_points (&f, NULL, 0, 0);
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 0);
  fixture_clear (&f);
}

GST_END_TEST;

/* takeoff: the take-off commands first, at the first item's time, in the
 * family's order; LAND at the end even with no target found. */
GST_START_TEST (test_takeoff_first)
{
  static const GstFlightCommandType ardupilot[] = { GST_FLIGHT_COMMAND_GUIDED,
    GST_FLIGHT_COMMAND_ARM, GST_FLIGHT_COMMAND_TAKEOFF
  }, px4[] = { GST_FLIGHT_COMMAND_ARM, GST_FLIGHT_COMMAND_TAKEOFF,
    GST_FLIGHT_COMMAND_GUIDED
  };
  const GstFlightCommandType *order;
  GstFlightCommand cmd;
  guint k, i;
  Fixture f;
  gint takeoff = -1;

  fixture_init (&f);
  g_object_get (f.h->element, "takeoff", &takeoff, NULL);
  fail_unless_equals_int (takeoff, 0);
  fixture_clear (&f);

  for (k = 0; k < 2; k++) {
    order = k ? px4 : ardupilot;
    fixture_init (&f);
    gst_util_set_object_arg (G_OBJECT (f.h->element), "takeoff",
        k ? "px4" : "ardupilot");
    gst_util_set_object_arg (G_OBJECT (f.h->element), "done-command", "land");
    g_object_set (f.h->element, "takeoff-height", 35.0, NULL);
    push_points (&f, NULL, 0, 3 * GST_SECOND);
    push_points (&f, NULL, 0, 4 * GST_SECOND);
    fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 3);
    for (i = 0; i < 3; i++) {
      GstBuffer *buf = gst_harness_pull (f.cmd);

      fail_unless (gst_flight_command_from_buffer (buf, &cmd));
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 3 * GST_SECOND);
      fail_unless_equals_int (cmd.type, order[i]);
      if (cmd.type == GST_FLIGHT_COMMAND_TAKEOFF) {
        fail_unless_equals_int (cmd.flags, GST_FLIGHT_COMMAND_HAS_LOCAL);
        fail_unless_equals_float (cmd.down, -35);
      }
      gst_buffer_unref (buf);
    }
    /* no target, but the drone is up: it lands */
    fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
    fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 4);
    pull_command (f.cmd, &cmd);
    fail_unless_equals_int (cmd.type, GST_FLIGHT_COMMAND_LAND);
    fixture_clear (&f);
  }
}

GST_END_TEST;

/* Scattered detections alone never make a target, even at the end. */
GST_START_TEST (test_outliers_only)
{
  GRand *r = g_rand_new_with_seed (3);
  gdouble ne[20];
  GstClockTime pts = 0;
  guint i, k;
  Fixture f;

  fixture_init (&f);
  for (i = 0; i < 50; i++) {
    for (k = 0; k < 20; k++)
      ne[k] = g_rand_double_range (r, -100, 100);
    push_points (&f, ne, 10, pts);
    pts += GST_SECOND;
  }
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 0);
  fail_unless_equals_int (gst_harness_buffers_received (f.cmd), 0);
  g_rand_free (r);
  fixture_clear (&f);
}

GST_END_TEST;

/* Two targets 2.5 m apart with 1 m neighbourhoods stay two. */
GST_START_TEST (test_close_targets_stay_apart)
{
  GRand *r = g_rand_new_with_seed (9);
  gdouble ne[40];
  GstTargetEstimate est;
  GstClockTime pts = 0;
  guint i, k, finals = 0;
  Fixture f;

  fixture_init (&f);
  for (i = 0; i < 30; i++) {
    for (k = 0; k < 20; k++) {
      ne[2 * k] = (k % 2 ? 2.5 : 0) + 0.15 * gauss (r);
      ne[2 * k + 1] = 0.15 * gauss (r);
    }
    push_points (&f, ne, 20, pts);
    pts += GST_SECOND;
  }
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  while (pull_estimate (f.h, &est, NULL)) {
    if (!(est.flags & GST_TARGET_ESTIMATE_FINAL))
      continue;
    finals++;
    fail_unless (fabs (est.north - (est.id == 1 ? 0 : 2.5)) < 0.05 ||
        fabs (est.north - (est.id == 1 ? 2.5 : 0)) < 0.05);
    fail_unless_equals_int (est.count, 300);
  }
  fail_unless_equals_int (finals, 2);
  g_rand_free (r);
  fixture_clear (&f);
}

GST_END_TEST;

/* Two targets 3 m apart, A at (0, 0) and B at (0, 3), seen together in
 * every frame (item), the error of the frame's odometry shifting both
 * alike: east by -1.5, -1, ..., 1.5 m in turn, 10 times over. A's
 * detections run from -1.5 to 1.5 east and B's from 1.5 to 4.5, 0.5 m
 * apart: a single chain for DBSCAN (eps 1 m), whose mean is half-way. Each
 * frame shows two detections 3 m apart, so the cluster is split: two
 * targets, exactly at (0, 0) and (0, 3), with 70 detections each and a
 * spread of 1 m (the RMS shift), two commands, no other target ever. */
GST_START_TEST (test_chained_targets_split)
{
  static const gdouble shift[] = { -1.5, -1, -0.5, 0, 0.5, 1, 1.5 };
  GstTargetEstimate est;
  GstFlightCommand cmd;
  GstClockTime pts = 0;
  guint i, finals = 0, confirmed = 0;
  Fixture f;

  fixture_init (&f);
  for (i = 0; i < 70; i++) {
    gdouble ne[4] = { 0, shift[i % 7], 0, 3 + shift[i % 7] };

    push_points (&f, ne, 2, pts);
    pts += GST_SECOND / 10;
  }
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  while (pull_estimate (f.h, &est, NULL)) {
    gdouble east = est.east < 1.5 ? 0 : 3;

    fail_unless (est.id == 1 || est.id == 2, "false target %u", est.id);
    /* while the first frames come: within the stability distance */
    fail_unless (hypot (est.north, est.east - east) < 0.25,
        "target %u at (%f, %f)", est.id, est.north, est.east);
    if (est.flags & GST_TARGET_ESTIMATE_CONFIRMED) {
      confirmed++;
      pull_command (f.cmd, &cmd);
      fail_unless_equals_int (cmd.target_id, est.id);
      fail_unless_equals_float (cmd.east, est.east);
    }
    if (!(est.flags & GST_TARGET_ESTIMATE_FINAL))
      continue;
    finals++;
    fail_unless_equals_float (est.north, 0);
    fail_unless_equals_float (est.east, east);
    fail_unless_equals_int (est.count, 70);
    fail_unless_equals_float (est.std_north, 0);
    fail_unless_equals_float (est.std_east, 1);
    fail_unless_equals_float (est.spread, 1);
  }
  fail_unless_equals_int (confirmed, 2);
  fail_unless_equals_int (finals, 2);
  fail_unless (gst_harness_try_pull (f.cmd) == NULL);
  fixture_clear (&f);
}

GST_END_TEST;

/* Detections of one frame within eps of each other are one target (a
 * blob the detector saw as two, or several detections of a target in one
 * item): the chain of test_chained_targets_split, with A and B in frames
 * of their own (one detection each in the first 70 frames, two 0.5 m
 * apart in the last 70), is one target at the mean of the 210 detections,
 * 350 / 210 m east. Without a frame that shows both, nothing tells two
 * targets from one long one. */
GST_START_TEST (test_chain_without_frame_evidence)
{
  static const gdouble shift[] = { -1.5, -1, -0.5, 0, 0.5, 1, 1.5 };
  GstTargetEstimate est;
  GstClockTime pts = 0;
  guint i, finals = 0;
  Fixture f;

  fixture_init (&f);
  for (i = 0; i < 140; i++) {
    gdouble east = (i % 2 ? 3 : 0) + shift[i / 2 % 7];
    gdouble ne[4] = { 0, east, 0, east + 0.5 };

    push_points (&f, ne, i < 70 ? 1 : 2, pts);
    pts += GST_SECOND / 10;
  }
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  while (pull_estimate (f.h, &est, NULL)) {
    if (!(est.flags & GST_TARGET_ESTIMATE_FINAL))
      continue;
    finals++;
    fail_unless_equals_int (est.id, 1);
    fail_unless_equals_int (est.count, 210);
    fail_unless_equals_float (est.north, 0);
    fail_unless (fabs (est.east - 350.0 / 210) < 1e-12, "east %f", est.east);
  }
  fail_unless_equals_int (finals, 1);
  fixture_clear (&f);
}

GST_END_TEST;

/* The estimates of a flight, as a pad probe collects them. */
static GstPadProbeReturn
collect_estimate (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GArray *estimates = user_data;
  GstTargetEstimate est;

  fail_unless (gst_target_estimate_from_buffer (GST_PAD_PROBE_INFO_BUFFER
          (info), &est));
  g_array_append_val (estimates, est);
  return GST_PAD_PROBE_OK;
}

/* The real chain, a short flight: flightsimsrc flies a 30 m line there
 * and back (120 frames of 640x360 from 40 m) over two targets 3 m apart,
 * its odometry 0.5 m in error per frame; detecttarget, timestampmerge,
 * geolocate, clusterestimate. DBSCAN alone chains the two (the element
 * used to give a third target half-way, with 240 detections). Two targets,
 * each in all 120 frames, each final estimate within 0.25 m of its
 * target, no other target at any time. */
GST_START_TEST (test_chained_targets_in_flight)
{
  static const gdouble truth[2][2] = { {0, -1.5}, {0, 1.5} };
  GArray *ests = g_array_new (FALSE, FALSE, sizeof (GstTargetEstimate));
  GstElement *pipe, *c;
  GstMessage *msg;
  GstPad *pad;
  guint i, finals = 0;

  pipe = gst_parse_launch ("flightsimsrc name=camera num-buffers=120 "
      "path=line path-length=30 targets=\"0,-1.5;0,1.5\" "
      "position-noise=0.5 attitude-noise=0.2 ! video/x-raw,width=640 "
      "! detecttarget ! timestampmerge name=merge max-distance=50000000 "
      "! geolocate hfov=60 ! clusterestimate name=c ! fakesink async=false "
      "camera.telemetry ! queue ! merge. c.commands ! fakesink async=false",
      NULL);
  fail_unless (pipe != NULL);
  c = gst_bin_get_by_name (GST_BIN (pipe), "c");
  pad = gst_element_get_static_pad (c, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, collect_estimate, ests,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (c);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);

  for (i = 0; i < ests->len; i++) {
    const GstTargetEstimate *est = &g_array_index (ests, GstTargetEstimate,
        i);
    const gdouble *t = truth[est->east < 0 ? 0 : 1];

    fail_unless (est->id == 1 || est->id == 2, "false target %u", est->id);
    fail_unless (hypot (est->north - t[0], est->east - t[1]) < 0.5,
        "target %u at (%f, %f)", est->id, est->north, est->east);
    if (!(est->flags & GST_TARGET_ESTIMATE_FINAL))
      continue;
    finals++;
    fail_unless (hypot (est->north - t[0], est->east - t[1]) < 0.25,
        "target %u at (%f, %f)", est->id, est->north, est->east);
    fail_unless_equals_int (est->count, 120);
  }
  fail_unless_equals_int (finals, 2);
  g_array_unref (ests);
}

GST_END_TEST;

/* With a window of 50 detections, a target seen long ago keeps its last
 * estimate; a new one is found among the latest detections. */
GST_START_TEST (test_max_points_window)
{
  GstTargetEstimate est;
  GstClockTime pts = 0;
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  Fixture f;

  fixture_init (&f);
  gst_harness_set (f.h, "clusterestimate", "max-points", 50, NULL);
  push_at (&f, 0, 0, 10, 10, &pts);
  push_at (&f, 20, 0, 10, 10, &pts);
  fail_unless (gst_harness_push_event (f.h, gst_event_new_eos ()));
  while (pull_estimate (f.h, &est, NULL)) {
    if (!(est.flags & GST_TARGET_ESTIMATE_FINAL))
      continue;
    fail_unless (est.id == 1 || est.id == 2);
    fail_unless_equals_float (est.north, est.id == 1 ? 0 : 20);
    /* the first was last clustered with 10 detections left */
    fail_unless_equals_int (est.count, est.id == 1 ? 10 : 50);
    seen[est.id] = TRUE;
  }
  fail_unless (seen[1] && seen[2]);
  fixture_clear (&f);
}

GST_END_TEST;

/* A corrupt item is an error naming the element, not a crash. */
GST_START_TEST (test_corrupt_item)
{
  Fixture f;
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  GstBuffer *buf;

  fixture_init (&f);
  gst_element_set_bus (f.h->element, bus);
  buf = gst_buffer_new_allocate (NULL, 30, NULL);
  gst_buffer_memset (buf, 0, 0x5a, 30);
  fail_unless_equals_int (gst_harness_push (f.h, buf), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_STREAM_ERROR,
          GST_STREAM_ERROR_DECODE));
  fail_unless (strstr (err->message, "corrupt ground targets item (30 bytes "
          "without a timestamp)") != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (f.h->element, NULL);
  gst_object_unref (bus);
  fixture_clear (&f);
}

GST_END_TEST;

/* The commands output has its own caps; unlinked, its items are counted
 * as dropped and the estimates still flow. */
GST_START_TEST (test_commands_output)
{
  GstHarness *h = gst_harness_new ("clusterestimate");
  GstClockTime pts = 0;
  GstPad *pad;
  Fixture f;

  gst_harness_set_src_caps_str (h, GST_GROUND_TARGETS_CAPS);
  f.h = h;
  push_at (&f, 1, 1, 5, 10, &pts);
  fail_unless_equals_int (gst_harness_buffers_received (h), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 1);
  pad = gst_element_get_static_pad (h->element, "commands");
  fail_unless (pad != NULL);
  {
    GstCaps *caps = gst_pad_get_current_caps (pad);
    GstCaps *expected = gst_caps_from_string (GST_FLIGHT_COMMAND_CAPS);

    fail_unless (caps && gst_caps_is_equal (caps, expected));
    gst_caps_unref (caps);
    gst_caps_unref (expected);
  }
  gst_object_unref (pad);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The times of the GAP events a harness received so far, as "t t t" in
 * tenths of a second. */
static gchar *
gap_times (GstHarness * h)
{
  GString *s = g_string_new (NULL);
  GstEvent *ev;

  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts, dur;

      gst_event_parse_gap (ev, &ts, &dur);
      fail_if (GST_CLOCK_TIME_IS_VALID (dur));
      g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, s->len ? " " : "",
          ts / (GST_SECOND / 10));
    }
    gst_event_unref (ev);
  }
  return g_string_free (s, FALSE);
}

/* An item that brings no news on an output is a GAP there, at its time:
 * a merge downstream need not wait for the next estimate. */
GST_START_TEST (test_gaps_without_news)
{
  GstClockTime pts = 0;
  GstTargetEstimate est;
  GstFlightCommand cmd;
  gchar *gaps;
  Fixture f;

  fixture_init (&f);
  /* 5 items: confirmed at the 5th (stable-updates), with its command */
  push_at (&f, 1, 1, 5, 10, &pts);
  gaps = gap_times (f.h);
  fail_unless_equals_string (gaps, "0 1 2 3");
  g_free (gaps);
  gaps = gap_times (f.cmd);
  fail_unless_equals_string (gaps, "0 1 2 3");
  g_free (gaps);
  fail_unless (pull_estimate (f.h, &est, NULL));
  pull_command (f.cmd, &cmd);

  /* then nothing new: gaps on both */
  push_at (&f, 1, 1, 2, 10, &pts);
  gaps = gap_times (f.h);
  fail_unless_equals_string (gaps, "5 6");
  g_free (gaps);
  gaps = gap_times (f.cmd);
  fail_unless_equals_string (gaps, "5 6");
  g_free (gaps);
  /* and an empty item too */
  push_points (&f, NULL, 0, pts);
  gaps = gap_times (f.h);
  fail_unless_equals_string (gaps, "7");
  g_free (gaps);
  fail_unless_equals_int (gst_harness_buffers_received (f.h), 1);
  fixture_clear (&f);
}

GST_END_TEST;

/* Everything @h and @cmd output so far, appended to @out. */
static void
collect (Fixture * f, GPtrArray * out)
{
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (f->h)))
    g_ptr_array_add (out, buf);
  while ((buf = gst_harness_try_pull (f->cmd))) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_MARKER);  /* a command */
    g_ptr_array_add (out, buf);
  }
}

static void
same_outputs (GPtrArray * a, GPtrArray * b, const gchar * what)
{
  guint i;

  fail_unless_equals_int (a->len, b->len);
  for (i = 0; i < a->len; i++) {
    GstBuffer *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);
    GstMapInfo mx, my;

    fail_unless_equals_uint64 (GST_BUFFER_PTS (x), GST_BUFFER_PTS (y));
    fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (x, GST_BUFFER_FLAG_MARKER),
        GST_BUFFER_FLAG_IS_SET (y, GST_BUFFER_FLAG_MARKER));
    fail_unless (gst_buffer_map (x, &mx, GST_MAP_READ));
    fail_unless (gst_buffer_map (y, &my, GST_MAP_READ));
    fail_unless (mx.size == my.size && memcmp (mx.data, my.data, mx.size) == 0,
        "%s: output %u differs", what, i);
    gst_buffer_unmap (x, &mx);
    gst_buffer_unmap (y, &my);
  }
}

/* One side of the comparison: incremental or batch. */
static void
side_init (Fixture * f, gboolean incremental, gdouble eps, guint min_points,
    guint stable_updates, gdouble stable_distance, guint max_points)
{
  fixture_init (f);
  gst_harness_set (f->h, "clusterestimate", "incremental", incremental,
      "eps", eps, "min-points", min_points, "stable-updates", stable_updates,
      "stable-distance", stable_distance, "max-points", max_points, NULL);
}

/* Pushes the same item to both sides and checks they say the same. */
static void
push_both (Fixture * inc, Fixture * bat, const gdouble * ne, guint n,
    GstClockTime pts, GPtrArray * oi, GPtrArray * ob, const gchar * what)
{
  push_points (inc, ne, n, pts);
  push_points (bat, ne, n, pts);
  collect (inc, oi);
  collect (bat, ob);
  same_outputs (oi, ob, what);
}

static void
end_both (Fixture * inc, Fixture * bat, GPtrArray * oi, GPtrArray * ob,
    const gchar * what)
{
  fail_unless (gst_harness_push_event (inc->h, gst_event_new_eos ()));
  fail_unless (gst_harness_push_event (bat->h, gst_event_new_eos ()));
  collect (inc, oi);
  collect (bat, ob);
  same_outputs (oi, ob, what);
  fixture_clear (inc);
  fixture_clear (bat);
}

/* The incremental clustering gives exactly the batch's outputs (every
 * estimate and command, bit for bit) on random clouds: targets that come
 * and go and move, pairs of targets that one frame shows together (the
 * splits), outliers, duplicates, points on cell corners, a window of
 * points small enough to forget live clusters, parameters changed
 * midway. */
GST_START_TEST (test_incremental_same_as_batch)
{
  GRand *r = g_rand_new_with_seed (16);
  guint round;

  for (round = 0; round < 20; round++) {
    gdouble eps = g_rand_double_range (r, 0.3, 2.0), side = eps / G_SQRT2;
    guint min_points = g_rand_int_range (r, 1, 8);
    static const gdouble distances[] = { 0, 0.1, 0.25, 0.5 };
    Fixture inc, bat;
    GPtrArray *oi = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    GPtrArray *ob = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    gdouble targets[12], ne[2 * 8];
    gchar *what = g_strdup_printf ("round %u", round);
    guint i, k, t, items = g_rand_int_range (r, 100, 250);

    side_init (&inc, TRUE, eps, min_points, g_rand_int_range (r, 1, 6),
        distances[g_rand_int_range (r, 0, 4)], g_rand_int_range (r, 20, 200));
    side_init (&bat, FALSE, eps, min_points, 1, 0, 1);
    /* the same parameters on both sides */
    {
      guint su, mp;
      gdouble sd;

      g_object_get (inc.h->element, "stable-updates", &su,
          "stable-distance", &sd, "max-points", &mp, NULL);
      g_object_set (bat.h->element, "stable-updates", su, "stable-distance",
          sd, "max-points", mp, NULL);
    }
    for (t = 0; t < 6; t++) {
      targets[2 * t] = g_rand_double_range (r, -8, 8);
      targets[2 * t + 1] = g_rand_double_range (r, -8, 8);
    }
    for (i = 0; i < items; i++) {
      guint n = g_rand_int_range (r, 0, 8);

      for (k = 0; k < n; k++) {
        switch (g_rand_int_range (r, 0, 8)) {
          case 0:              /* an outlier */
            ne[2 * k] = g_rand_double_range (r, -15, 15);
            ne[2 * k + 1] = g_rand_double_range (r, -15, 15);
            break;
          case 1:              /* on a cell corner */
            ne[2 * k] = side * g_rand_int_range (r, -10, 10);
            ne[2 * k + 1] = side * g_rand_int_range (r, -10, 10);
            break;
          case 2:              /* the same as the one before */
            if (k > 0) {
              ne[2 * k] = ne[2 * k - 2];
              ne[2 * k + 1] = ne[2 * k - 1];
              break;
            }
            /* fall through */
          default:             /* a target, scattered */
            t = g_rand_int_range (r, 0, 6);
            ne[2 * k] = targets[2 * t] + 0.3 * gauss (r);
            ne[2 * k + 1] = targets[2 * t + 1] + 0.3 * gauss (r);
            break;
        }
      }
      push_both (&inc, &bat, ne, n, i * GST_SECOND / 10, oi, ob, what);
      /* targets move, go, come */
      if (g_rand_int_range (r, 0, 20) == 0) {
        t = g_rand_int_range (r, 0, 6);
        targets[2 * t] += g_rand_double_range (r, -3, 3);
        targets[2 * t + 1] += g_rand_double_range (r, -3, 3);
      }
      if (i == items / 2 && round % 4 == 0) {
        gdouble e2 = g_rand_double_range (r, 0.3, 2.0);

        g_object_set (inc.h->element, "eps", e2, NULL);
        g_object_set (bat.h->element, "eps", e2, NULL);
      }
    }
    end_both (&inc, &bat, oi, ob, what);
    g_ptr_array_unref (oi);
    g_ptr_array_unref (ob);
    g_free (what);
  }
  g_rand_free (r);
}

GST_END_TEST;

/* The same on a survey: rows 15 m apart, a target every 15 m, each item
 * the targets within 10 m of the camera with 0.3 m of noise, a false
 * detection every 7th item; 1,200 items (3 rows), the window of 300 points
 * forgetting old targets as the survey goes on. */
GST_START_TEST (test_incremental_same_as_batch_survey)
{
  GRand *r = g_rand_new_with_seed (1);
  GPtrArray *oi = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GPtrArray *ob = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  Fixture inc, bat;
  guint i;

  side_init (&inc, TRUE, 1.0, 5, 5, 0.25, 300);
  side_init (&bat, FALSE, 1.0, 5, 5, 0.25, 300);
  for (i = 0; i < 1200; i++) {
    gdouble ne[2 * 4], x = (i % 400) * 0.5, y = (i / 400) * 15.0, tx;
    guint k = 0;

    for (tx = 0; tx <= 200; tx += 15)
      if (fabs (tx - x) < 10 && k < 3) {
        ne[2 * k] = y + g_rand_double_range (r, -0.3, 0.3);
        ne[2 * k + 1] = tx + g_rand_double_range (r, -0.3, 0.3);
        k++;
      }
    if (i % 7 == 0) {
      ne[2 * k] = y + g_rand_double_range (r, -10, 10);
      ne[2 * k + 1] = x + g_rand_double_range (r, -10, 10);
      k++;
    }
    push_both (&inc, &bat, ne, k, i * GST_SECOND / 10, oi, ob, "survey");
  }
  fail_unless (oi->len > 50, "only %u outputs", oi->len);
  end_both (&inc, &bat, oi, ob, "survey");
  g_ptr_array_unref (oi);
  g_ptr_array_unref (ob);
  g_rand_free (r);
}

GST_END_TEST;

static Suite *
clusterestimate_suite (void)
{
  Suite *s = suite_create ("clusterestimate");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_three_targets_with_outliers);
  tcase_add_test (tc, test_confirmed_when_stable);
  tcase_add_test (tc, test_moving_cluster_waits);
  tcase_add_test (tc, test_updates_when_moved);
  tcase_add_test (tc, test_drain_confirms_late_target);
  tcase_add_test (tc, test_outliers_only);
  tcase_add_test (tc, test_done_command_at_end);
  tcase_add_test (tc, test_takeoff_first);
  tcase_add_test (tc, test_close_targets_stay_apart);
  tcase_add_test (tc, test_chained_targets_split);
  tcase_add_test (tc, test_chain_without_frame_evidence);
  tcase_add_test (tc, test_chained_targets_in_flight);
  tcase_add_test (tc, test_max_points_window);
  tcase_add_test (tc, test_corrupt_item);
  tcase_add_test (tc, test_commands_output);
  tcase_add_test (tc, test_gaps_without_news);
  tcase_add_test (tc, test_incremental_same_as_batch);
  tcase_add_test (tc, test_incremental_same_as_batch_survey);
  return s;
}

GST_CHECK_MAIN (clusterestimate);
