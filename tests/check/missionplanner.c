/* gst-workers: missionplanner tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>
#include <string.h>
#include "testpipeline.h"

#define T(n) ((GstClockTime) (n) * GST_SECOND / 10)

/* The planner with a harness on each of its two inputs and three outputs.
 * Items are pushed in time order, one on each input per step, so that each
 * push finds the other input holding a later item (or a GAP), and the
 * planner can go on; a push waits until the input's previous item was
 * taken. */
typedef struct
{
  GstHarness *est;              /* estimates -> src (the commands) */
  GstHarness *odo;              /* odometry -> visits */
  GstHarness *route;            /* route */
  gchar *gaps[3];               /* the GAP times on src, visits, route */
} Planner;

static void
planner_init (Planner * p)
{
  memset (p, 0, sizeof (*p));
  p->est = gst_harness_new_with_padnames ("missionplanner", "estimates",
      "src");
  p->odo = gst_harness_new_with_element (p->est->element, "odometry",
      "visits");
  p->route = gst_harness_new_with_element (p->est->element, NULL, "route");
  gst_harness_set_src_caps_str (p->est, GST_TARGET_ESTIMATE_CAPS);
  gst_harness_set_src_caps_str (p->odo, GST_ODOMETRY_CAPS);
}

static void
planner_clear (Planner * p)
{
  gst_harness_teardown (p->route);
  gst_harness_teardown (p->odo);
  gst_harness_teardown (p->est);
  g_free (p->gaps[0]);
  g_free (p->gaps[1]);
  g_free (p->gaps[2]);
}

static void
push_odometry (Planner * p, gdouble north, gdouble east, GstClockTime pts)
{
  GstOdometry odo;

  gst_odometry_init (&odo);
  odo.fields = GST_ODOMETRY_HAS_LOCAL;
  odo.north = north;
  odo.east = east;
  odo.down = -20;
  fail_unless_equals_int (gst_harness_push (p->odo,
          gst_odometry_to_buffer (&odo, pts)), GST_FLOW_OK);
}

static void
push_estimate (Planner * p, guint32 id, gdouble north, gdouble east,
    GstClockTime pts)
{
  GstTargetEstimate est;

  gst_target_estimate_init (&est);
  est.id = id;
  est.count = 5 + id;
  est.flags = GST_TARGET_ESTIMATE_CONFIRMED;
  est.north = north;
  est.east = east;
  fail_unless_equals_int (gst_harness_push (p->est,
          gst_target_estimate_to_buffer (&est, pts)), GST_FLOW_OK);
}

static void
push_estimate_gap (Planner * p, GstClockTime pts)
{
  fail_unless (gst_harness_push_event (p->est, gst_event_new_gap (pts,
              GST_CLOCK_TIME_NONE)));
}

/* The GAP events @h received up to its EOS, as their times. */
static gchar *
gaps_until_eos (GstHarness * h)
{
  GString *s = g_string_new (NULL);
  GstEvent *ev;

  while ((ev = gst_harness_pull_event (h))
      && GST_EVENT_TYPE (ev) != GST_EVENT_EOS) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts, dur;

      gst_event_parse_gap (ev, &ts, &dur);
      fail_if (GST_CLOCK_TIME_IS_VALID (dur));
      g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, s->len ? " " : "",
          ts / T (1));
    }
    gst_event_unref (ev);
  }
  fail_unless (ev != NULL, "no EOS");
  gst_event_unref (ev);
  return g_string_free (s, FALSE);
}

/* Both inputs end; so does each output, after all it had. */
static void
push_eos (Planner * p)
{
  fail_unless (gst_harness_push_event (p->odo, gst_event_new_eos ()));
  fail_unless (gst_harness_push_event (p->est, gst_event_new_eos ()));
  p->gaps[0] = gaps_until_eos (p->est);
  p->gaps[1] = gaps_until_eos (p->odo);
  p->gaps[2] = gaps_until_eos (p->route);
}

/* The commands received, as "type:target@time(north,east)" words. */
static gchar *
commands (Planner * p)
{
  GString *s = g_string_new (NULL);
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (p->est))) {
    GstFlightCommand cmd;

    fail_unless (gst_flight_command_from_buffer (buf, &cmd));
    g_string_append_printf (s, "%s%d:%u@%" G_GUINT64_FORMAT, s->len ? " " :
        "", cmd.type, cmd.target_id, GST_BUFFER_PTS (buf) / T (1));
    if (cmd.flags & GST_FLIGHT_COMMAND_HAS_LOCAL)
      g_string_append_printf (s, "(%g,%g,%g)", cmd.north, cmd.east, cmd.down);
    gst_buffer_unref (buf);
  }
  return g_string_free (s, FALSE);
}

/* The visits received, as "id@time". */
static gchar *
visits (Planner * p)
{
  GString *s = g_string_new (NULL);
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (p->odo))) {
    GstTargetEstimate est;

    fail_unless (gst_target_estimate_from_buffer (buf, &est));
    g_string_append_printf (s, "%s%u@%" G_GUINT64_FORMAT, s->len ? " " : "",
        est.id, GST_BUFFER_PTS (buf) / T (1));
    gst_buffer_unref (buf);
  }
  return g_string_free (s, FALSE);
}

/* The routes received, as "[north,east ...]@time". */
static gchar *
routes (Planner * p)
{
  GString *s = g_string_new (NULL);
  GstBuffer *buf;

  while ((buf = gst_harness_try_pull (p->route))) {
    GstGroundTarget *t = NULL;
    GstClockTime frame_time;
    guint n, i;

    fail_unless (gst_ground_targets_from_buffer (buf, &frame_time, &t, &n));
    g_string_append_printf (s, "%s[", s->len ? " " : "");
    for (i = 0; i < n; i++)
      g_string_append_printf (s, "%s%g,%g", i ? " " : "", t[i].north,
          t[i].east);
    g_string_append_printf (s, "]@%" G_GUINT64_FORMAT,
        GST_BUFFER_PTS (buf) / T (1));
    g_free (t);
    gst_buffer_unref (buf);
  }
  return g_string_free (s, FALSE);
}

#define assert_str(expr, expected) G_STMT_START { \
  gchar *_s = (expr); \
  fail_unless_equals_string (_s, expected); \
  g_free (_s); \
} G_STMT_END

/* A short mission: the drone is sent to the nearest target and kept on it
 * while a nearer one is found; passing over that one visits it on the
 * way; once both are visited it loiters where it is; a target found
 * afterwards starts the mission again. */
static void
fly_mission (Planner * p)
{
  /* t0: at home, target 1 found 10 m north */
  push_odometry (p, 0, 0, T (0));
  push_estimate (p, 1, 10, 0, T (0));
  /* t1: target 2 found on the way, nearer the drone than target 1 */
  push_odometry (p, 2, 0, T (1));
  push_estimate (p, 2, 3, -1, T (1));
  /* t2: the drone passes over target 2; nothing new on estimates */
  push_odometry (p, 3, -0.5, T (2));
  push_estimate_gap (p, T (2));
  /* t3: at target 1; its estimate then moves a little: too late */
  push_odometry (p, 10, 0.5, T (3));
  push_estimate (p, 1, 10.25, 0, T (3));
  /* t4: target 3 found behind */
  push_odometry (p, 9, 0, T (4));
  push_estimate (p, 3, -20, 0, T (4));
  push_eos (p);
}

GST_START_TEST (test_mission)
{
  Planner p;

  planner_init (&p);
  fly_mission (&p);
  /* GOTO 1 at 20 m up; LOITER where the drone is; GOTO 3 */
  assert_str (commands (&p), "1:1@0(10,0,-20) 2:0@3(10,0.5,-20) "
      "1:3@4(-20,0,-20)");
  assert_str (visits (&p), "2@2 1@3");
  /* target 1 first (sent there), then the nearest of the others; each
   * change once */
  assert_str (routes (&p), "[10,0]@0 [10,0 3,-1]@1 [10,0]@2 []@3 "
      "[-20,0]@4");
  planner_clear (&p);
}

GST_END_TEST;

/* Each input item (or GAP) that gives an output nothing is a GAP there at
 * its time: sinks preroll, and a merge downstream need not wait. */
GST_START_TEST (test_gaps_without_news)
{
  Planner p;

  planner_init (&p);
  fly_mission (&p);
  /* per step, odometry then estimate: t0 nothing, GOTO; t1 nothing, a new
   * route; t2 a visit, the GAP; t3 visit and LOITER, a late move; t4
   * nothing, GOTO */
  fail_unless_equals_string (p.gaps[0], "0 1 1 2 2 3 4");
  fail_unless_equals_string (p.gaps[1], "0 0 1 1 2 3 4 4");
  fail_unless_equals_string (p.gaps[2], "0 1 2 3 4");
  planner_clear (&p);
}

GST_END_TEST;

/* The estimate of the target the drone is sent to moves: sent there
 * again; the same estimate again changes nothing. */
GST_START_TEST (test_target_moves)
{
  Planner p;

  planner_init (&p);
  push_odometry (&p, 0, 0, T (0));
  push_estimate (&p, 1, 10, 0, T (0));
  push_odometry (&p, 1, 0, T (1));
  push_estimate (&p, 1, 12, 0, T (1));
  push_odometry (&p, 2, 0, T (2));
  push_estimate (&p, 1, 12, 0, T (2));
  push_eos (&p);
  assert_str (commands (&p), "1:1@0(10,0,-20) 1:1@1(12,0,-20)");
  assert_str (visits (&p), "");
  assert_str (routes (&p), "[10,0]@0 [12,0]@1");
  planner_clear (&p);
}

GST_END_TEST;

/* done-command and command-down are what it sends; arrival-radius is
 * how near counts as a visit. */
GST_START_TEST (test_properties)
{
  Planner p;

  planner_init (&p);
  g_object_set (p.est->element, "command-down", -35.0, "arrival-radius",
      5.0, NULL);
  gst_util_set_object_arg (G_OBJECT (p.est->element), "done-command",
      "return");
  push_odometry (&p, 0, 0, T (0));
  push_estimate (&p, 1, 10, 0, T (0));
  /* 4.5 m away: visited with a radius of 5 m */
  push_odometry (&p, 5.5, 0, T (1));
  push_estimate_gap (&p, T (1));
  push_eos (&p);
  /* RETURN carries no position */
  assert_str (commands (&p), "1:1@0(10,0,-35) 4:0@1");
  assert_str (visits (&p), "1@1");
  planner_clear (&p);

  planner_init (&p);
  gst_util_set_object_arg (G_OBJECT (p.est->element), "done-command",
      "none");
  push_odometry (&p, 0, 0, T (0));
  push_estimate (&p, 1, 10, 0, T (0));
  /* 4.5 m away: not visited with the default radius of 2 m */
  push_odometry (&p, 5.5, 0, T (1));
  push_estimate_gap (&p, T (1));
  push_odometry (&p, 9, 0, T (2));
  push_estimate_gap (&p, T (2));
  push_eos (&p);
  assert_str (commands (&p), "1:1@0(10,0,-20)");
  assert_str (visits (&p), "1@2");
  planner_clear (&p);
}

GST_END_TEST;

static void
push_global_odometry (Planner * p, GstClockTime pts)
{
  GstOdometry odo;

  gst_odometry_init (&odo);
  odo.fields = GST_ODOMETRY_HAS_GLOBAL;
  odo.latitude = 47.0;
  odo.longitude = 8.0;
  fail_unless_equals_int (gst_harness_push (p->odo,
          gst_odometry_to_buffer (&odo, pts)), GST_FLOW_OK);
}

/* Odometry without a local position is read and changes nothing: a
 * target half a metre from home is not visited. */
GST_START_TEST (test_odometry_without_position)
{
  Planner p;

  planner_init (&p);
  push_global_odometry (&p, T (0));
  push_estimate (&p, 1, 0.5, 0, T (0));
  push_global_odometry (&p, T (1));
  push_estimate_gap (&p, T (1));
  push_eos (&p);
  assert_str (commands (&p), "1:1@0(0.5,0,-20)");
  assert_str (visits (&p), "");
  fail_unless_equals_string (p.gaps[1], "0 0 1 1");
  planner_clear (&p);
}

GST_END_TEST;

static void
expect_error (Planner * p, GstBus * bus, const gchar * text)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  GError *err = NULL;

  fail_unless (msg != NULL, "no error for %s", text);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, text) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, GST_ELEMENT_NAME (p->est->element)) !=
      NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
}

/* A corrupt item on either input, or one without a timestamp, is an
 * error naming the element and the problem. */
GST_START_TEST (test_bad_items)
{
  Planner p;
  GstBus *bus;
  GstBuffer *buf;

  planner_init (&p);
  bus = gst_bus_new ();
  gst_element_set_bus (p.est->element, bus);
  push_odometry (&p, 0, 0, T (0));
  buf = gst_buffer_new_allocate (NULL, 30, NULL);
  gst_buffer_memset (buf, 0, 0x5a, 30);
  GST_BUFFER_PTS (buf) = T (1);
  gst_harness_push (p.est, buf);
  fail_unless (gst_harness_push_event (p.odo, gst_event_new_eos ()));
  expect_error (&p, bus, "corrupt target estimate (30 bytes");
  gst_element_set_bus (p.est->element, NULL);
  gst_object_unref (bus);
  planner_clear (&p);

  planner_init (&p);
  bus = gst_bus_new ();
  gst_element_set_bus (p.est->element, bus);
  buf = gst_buffer_new_allocate (NULL, 7, NULL);
  gst_buffer_memset (buf, 0, 0x01, 7);
  GST_BUFFER_PTS (buf) = T (0);
  gst_harness_push (p.odo, buf);
  fail_unless (gst_harness_push_event (p.est, gst_event_new_eos ()));
  expect_error (&p, bus, "corrupt odometry item (7 bytes");
  gst_element_set_bus (p.est->element, NULL);
  gst_object_unref (bus);
  planner_clear (&p);

  planner_init (&p);
  bus = gst_bus_new ();
  gst_element_set_bus (p.est->element, bus);
  push_odometry (&p, 0, 0, GST_CLOCK_TIME_NONE);
  fail_unless (gst_harness_push_event (p.est, gst_event_new_eos ()));
  expect_error (&p, bus, "without a timestamp");
  gst_element_set_bus (p.est->element, NULL);
  gst_object_unref (bus);
  planner_clear (&p);
}

GST_END_TEST;

/* The worker counts: every input item in, every output item out. */
GST_START_TEST (test_stats)
{
  Planner p;
  GstStructure *s;
  guint64 in = 0, out = 0;

  planner_init (&p);
  fly_mission (&p);
  s = gst_worker_get_stats (GST_WORKER (p.est->element));
  fail_unless (gst_structure_get_uint64 (s, "items-in", &in));
  fail_unless (gst_structure_get_uint64 (s, "items-out", &out));
  /* 5 odometry + 4 estimates (the GAP is no item); 3 commands, 2 visits,
   * 5 routes */
  fail_unless_equals_uint64 (in, 9);
  fail_unless_equals_uint64 (out, 10);
  gst_structure_free (s);
  planner_clear (&p);
}

GST_END_TEST;

static GstPadProbeReturn
collect (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_ptr_array_add (user_data, gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER
          (info)));
  return GST_PAD_PROBE_OK;
}

static GPtrArray *
watch_output (GstElement * w6, const gchar * name)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GstPad *pad = gst_element_get_static_pad (w6, name);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, collect, items, NULL);
  gst_object_unref (pad);
  return items;
}

static guint64
stat_u64 (GstElement * bin, const gchar * name, const gchar * field)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  fail_unless (e != NULL);
  s = gst_worker_get_stats (GST_WORKER (e));
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  gst_object_unref (e);
  return v;
}

/* pipelines/w6-missionplanner.pipeline runs as its comment says: the
 * commands, the visits and the routes of a simulated survey. */
GST_START_TEST (test_worker6_pipeline)
{
  /* the targets of the file, as numbered by clusterestimate */
  const gdouble truth[4][2] = { {0, 0}, {-20, -10}, {10, -30}, {25, 10} };
  const struct
  {
    gint type;
    guint target;
    GstClockTime t;
  } want_cmds[] = {
    {GST_FLIGHT_COMMAND_GOTO, 1, T (21)},
    {GST_FLIGHT_COMMAND_GOTO, 3, T (317)},
    {GST_FLIGHT_COMMAND_LOITER, 0, T (527)},
  };
  const guint want_visits[][2] = { {2, 96}, {1, 317}, {3, 527} };
  gchar *path = g_build_filename (PIPELINES_DIR, "w6-missionplanner.pipeline",
      NULL);
  GError *err = NULL;
  gchar *desc = test_pipeline_read (path, &err);
  GstElement *pipe, *w6;
  GPtrArray *cmds, *seen, *routes, *ests;
  GstElement *estimate;
  GstMessage *msg;
  GstGroundTarget *t;
  GstClockTime frame_time;
  guint i, n;

  fail_unless (desc != NULL, "%s", err ? err->message : "");
  pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL && err == NULL, "%s", err ? err->message : "");
  w6 = gst_bin_get_by_name (GST_BIN (pipe), "w6");
  cmds = watch_output (w6, "src");
  seen = watch_output (w6, "visits");
  routes = watch_output (w6, "route");
  estimate = gst_bin_get_by_name (GST_BIN (pipe), "estimate");
  ests = watch_output (estimate, "src");
  gst_object_unref (estimate);
  msg = test_pipeline_run (pipe, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  fail_unless_equals_int (cmds->len, G_N_ELEMENTS (want_cmds));
  for (i = 0; i < cmds->len; i++) {
    GstBuffer *buf = g_ptr_array_index (cmds, i);
    GstFlightCommand c;

    fail_unless (gst_flight_command_from_buffer (buf, &c));
    fail_unless_equals_int (c.type, want_cmds[i].type);
    fail_unless_equals_int (c.target_id, want_cmds[i].target);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), want_cmds[i].t);
    if (c.type == GST_FLIGHT_COMMAND_GOTO)
      fail_unless (hypot (c.north - truth[c.target_id][0],
              c.east - truth[c.target_id][1]) < 0.5, "GOTO %u to (%f, %f)",
          c.target_id, c.north, c.east);
  }
  fail_unless_equals_int (seen->len, G_N_ELEMENTS (want_visits));
  for (i = 0; i < seen->len; i++) {
    GstBuffer *buf = g_ptr_array_index (seen, i);
    GstTargetEstimate e;

    fail_unless (gst_target_estimate_from_buffer (buf, &e));
    fail_unless_equals_int (e.id, want_visits[i][0]);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), T (want_visits[i][1]));
  }
  /* the last route is empty, when the last target was visited; the first
   * one has target 1 only */
  fail_unless (routes->len >= 2);
  fail_unless (gst_ground_targets_from_buffer (g_ptr_array_index (routes, 0),
          &frame_time, &t, &n));
  fail_unless_equals_int (n, 1);
  g_free (t);
  fail_unless (gst_ground_targets_from_buffer (g_ptr_array_index (routes,
              routes->len - 1), &frame_time, &t, &n));
  fail_unless_equals_int (n, 0);
  g_free (t);

  /* drained: every odometry item read, every output item written */
  fail_unless_equals_uint64 (stat_u64 (pipe, "w6", "items-in"),
      760 + ests->len);
  fail_unless_equals_uint64 (stat_u64 (pipe, "w6", "items-out"),
      cmds->len + seen->len + routes->len);
  fail_unless_equals_uint64 (stat_u64 (pipe, "commands", "items-out"),
      cmds->len);
  fail_unless_equals_uint64 (stat_u64 (pipe, "visits", "items-out"),
      seen->len);

  g_ptr_array_unref (cmds);
  g_ptr_array_unref (seen);
  g_ptr_array_unref (routes);
  g_ptr_array_unref (ests);
  gst_object_unref (w6);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (path);
}

GST_END_TEST;

static Suite *
missionplanner_suite (void)
{
  Suite *s = suite_create ("missionplanner");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mission);
  tcase_add_test (tc, test_gaps_without_news);
  tcase_add_test (tc, test_target_moves);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_odometry_without_position);
  tcase_add_test (tc, test_bad_items);
  tcase_add_test (tc, test_stats);
  tcase_add_test (tc, test_worker6_pipeline);
  return s;
}

GST_CHECK_MAIN (missionplanner);
