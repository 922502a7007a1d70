/* gst-workers: flightlink flies a mission with vehicles that behave like
 * ArduPilot and like PX4
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vehicle-autopilot.mjs (node-mavlink) plays the autopilot: ArduPilot
 * sends nothing until asked and follows setpoints only in GUIDED; PX4
 * enters OFFBOARD only after a setpoint stream and leaves it when the
 * stream stops. flightlink gets the commands a mission needs, as command
 * items, in each autopilot's order (ArduPilot: guided, arm, takeoff; PX4:
 * arm, takeoff, guided), then a goto to each of two targets (the next
 * once the odometry shows the vehicle there) and a land. Checked: every
 * acknowledged command accepted (its result item), the ArduPilot's first
 * ACK lost and the command sent again, the vehicle at each target and
 * landed, disarmed, a goto before GUIDED ignored by ArduPilot, PX4 never
 * out of OFFBOARD while a goto was on, and the odometry from home.
 *
 * usage: flightlinkautopilots NODE SCRIPT HAVE_NPM
 */
#include <math.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>

#include "testpipeline.h"

static const gchar *node, *script;

typedef struct
{
  GstElement *pipe, *fl, *cmds, *odo, *results;
  GSubprocess *proc;
  GDataInputStream *out;
  GstOdometry last;
} Mission;

static void
push (Mission * m, GstFlightCommandType type, gdouble n, gdouble e,
    gdouble d, gboolean local)
{
  GstFlightCommand cmd;
  GstBuffer *buf;
  GstFlowReturn ret = GST_FLOW_ERROR;

  gst_flight_command_init (&cmd, type);
  if (local) {
    cmd.flags = GST_FLIGHT_COMMAND_HAS_LOCAL;
    cmd.north = n;
    cmd.east = e;
    cmd.down = d;
  }
  buf = gst_flight_command_to_buffer (&cmd, GST_CLOCK_TIME_NONE);
  g_signal_emit_by_name (m->cmds, "push-buffer", buf, &ret);
  gst_buffer_unref (buf);
  fail_unless_equals_int (ret, GST_FLOW_OK);
}

/* The next result item: @type, accepted, after @attempts or more: an ACK
 * later than command-timeout (the vehicle's process held up on a loaded
 * machine) makes flightlink send the command again, as it should; fewer
 * attempts would mean a lost ACK was not made up for. */
static void
expect_accepted (Mission * m, GstFlightCommandType type, guint attempts)
{
  GstSample *s = NULL;
  GstFlightCommandResult res;

  g_signal_emit_by_name (m->results, "try-pull-sample", 20 * GST_SECOND, &s);
  fail_unless (s != NULL, "no result for %s",
      gst_flight_command_type_to_string (type));
  fail_unless (gst_flight_command_result_from_buffer (gst_sample_get_buffer
          (s), &res));
  gst_sample_unref (s);
  GST_INFO ("%s: %s after %u", gst_flight_command_type_to_string (res.type),
      gst_flight_command_outcome_to_string (res.outcome), res.attempts);
  fail_unless_equals_string (gst_flight_command_type_to_string (res.type),
      gst_flight_command_type_to_string (type));
  fail_unless_equals_string (gst_flight_command_outcome_to_string
      (res.outcome), "accepted");
  fail_unless (res.attempts >= attempts, "%s accepted after %u attempts, "
      "expected %u or more", gst_flight_command_type_to_string (type),
      res.attempts, attempts);
}

/* Pulls odometry until the vehicle is within @tol m of @n, @e, @d (from
 * home). Bounded by progress, not by a time: it fails once no item came
 * closer for 30 s (the vehicle flies at 10 m/s or more, items come at
 * 20 Hz), saying what flightlink knew. */
static void
wait_near (Mission * m, gdouble n, gdouble e, gdouble d, gdouble tol)
{
  gint64 stuck_at = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  gdouble best = G_MAXDOUBLE;
  guint items = 0, local = 0;

  for (;;) {
    GstSample *s = NULL;

    g_signal_emit_by_name (m->odo, "try-pull-sample", GST_SECOND, &s);
    if (s) {
      fail_unless (gst_odometry_from_buffer (gst_sample_get_buffer (s),
              &m->last));
      gst_sample_unref (s);
      items++;
      if (m->last.fields & GST_ODOMETRY_HAS_LOCAL) {
        gdouble dist = MAX (fabs (m->last.north - n),
            MAX (fabs (m->last.east - e), fabs (m->last.down - d)));

        local++;
        if (dist < tol)
          return;
        if (dist < best - 0.01) {
          best = dist;
          stuck_at = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
        }
      }
    }
    if (g_get_monotonic_time () >= stuck_at) {
      GstStructure *st = NULL;
      gchar *text;

      g_object_get (m->fl, "stats", &st, NULL);
      text = gst_structure_to_string (st);
      fail ("the vehicle never reached %.1f %.1f %.1f: no item came closer "
          "for 30 s (last at %.2f %.2f %.2f, %u items, %u with a local "
          "position); flightlink: %s", n, e, d, m->last.north, m->last.east,
          m->last.down, items, local, text);
      g_free (text);
      gst_structure_free (st);
    }
  }
}

/* Waits until flightlink's stats have @field (a boolean) @wanted: what
 * the vehicle told it (HOME_POSITION, its heartbeat's armed flag). */
static void
wait_stat (Mission * m, const gchar * field, gboolean wanted)
{
  gint64 deadline = test_deadline (60);

  for (;;) {
    GstStructure *s = NULL;
    gboolean value = !wanted;

    g_object_get (m->fl, "stats", &s, NULL);
    gst_structure_get_boolean (s, field, &value);
    gst_structure_free (s);
    if (value == wanted)
      return;
    fail_unless (g_get_monotonic_time () < deadline, "flightlink's %s never "
        "became %s", field, wanted ? "true" : "false");
    g_usleep (20 * 1000);
  }
}

static void
wait_at (Mission * m, gdouble n, gdouble e, gdouble d)
{
  wait_near (m, n, e, d, 0.5);
}

static JsonObject *
read_json_line (Mission * m, JsonParser * parser)
{
  gchar *line = g_data_input_stream_read_line_utf8 (m->out, NULL, NULL,
      NULL);

  fail_unless (line != NULL, "the vehicle said nothing");
  GST_INFO ("vehicle: %s", line);
  fail_unless (json_parser_load_from_data (parser, line, -1, NULL), "%s",
      line);
  g_free (line);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
fly (const gchar * family)
{
  gboolean ap = g_str_equal (family, "ardupilot");
  JsonParser *parser = json_parser_new ();
  JsonObject *o, *pos;
  GError *err = NULL;
  GstMessage *msg;
  GstBus *bus;
  Mission m = { 0 };
  gchar *port_str;
  gint port = 0;

  m.pipe = gst_parse_launch ("appsrc name=cmds format=time "
      "caps=application/x-flight-command ! queue "
      "! flightlink name=fl address=127.0.0.1 port=0 telemetry-rate=20 "
      "command-timeout=1500 timestamp-mode=arrival "
      "! appsink name=odo sync=false async=false wait-on-eos=false "
      "fl.results ! appsink name=results sync=false async=false", &err);
  fail_unless (m.pipe != NULL, "%s", err ? err->message : "");
  test_pipeline_watch (m.pipe);
  m.fl = gst_bin_get_by_name (GST_BIN (m.pipe), "fl");
  m.cmds = gst_bin_get_by_name (GST_BIN (m.pipe), "cmds");
  m.odo = gst_bin_get_by_name (GST_BIN (m.pipe), "odo");
  m.results = gst_bin_get_by_name (GST_BIN (m.pipe), "results");
  fail_unless (gst_element_set_state (m.pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (m.fl, "bound-port", &port, NULL);
  port_str = g_strdup_printf ("%d", port);
  m.proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, node,
      script, "--family", family, "--port", port_str, "--lose-first-ack",
      ap ? "1" : "0", NULL);
  fail_unless (m.proc != NULL, "%s", err ? err->message : "");
  m.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (m.proc));
  o = read_json_line (&m, parser);
  fail_unless (json_object_has_member (o, "port"));

  if (ap) {
    /* a goto before GUIDED: ArduPilot ignores it */
    push (&m, GST_FLIGHT_COMMAND_GOTO, 5, 5, -5, TRUE);
    push (&m, GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0, FALSE);
    /* its ACK lost: sent again */
    expect_accepted (&m, GST_FLIGHT_COMMAND_GUIDED, 2);
    push (&m, GST_FLIGHT_COMMAND_ARM, 0, 0, 0, FALSE);
    expect_accepted (&m, GST_FLIGHT_COMMAND_ARM, 1);
    push (&m, GST_FLIGHT_COMMAND_TAKEOFF, 0, 0, -5, TRUE);
    expect_accepted (&m, GST_FLIGHT_COMMAND_TAKEOFF, 1);
    wait_at (&m, 0, 0, -5);
  } else {
    /* PX4's takeoff altitude is above sea level: from home */
    wait_stat (&m, "vehicle-home", TRUE);
    push (&m, GST_FLIGHT_COMMAND_ARM, 0, 0, 0, FALSE);
    expect_accepted (&m, GST_FLIGHT_COMMAND_ARM, 1);
    push (&m, GST_FLIGHT_COMMAND_TAKEOFF, 0, 0, -5, TRUE);
    expect_accepted (&m, GST_FLIGHT_COMMAND_TAKEOFF, 1);
    wait_at (&m, 0, 0, -5);
    /* OFFBOARD: only after flightlink's hold setpoints */
    push (&m, GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0, FALSE);
    expect_accepted (&m, GST_FLIGHT_COMMAND_GUIDED, 1);
  }

  /* the survey's targets, one after the other */
  push (&m, GST_FLIGHT_COMMAND_GOTO, 20, 10, -5, TRUE);
  wait_at (&m, 20, 10, -5);
  push (&m, GST_FLIGHT_COMMAND_GOTO, -10, 15, -5, TRUE);
  wait_at (&m, -10, 15, -5);
  /* PX4: the goto's stream goes on while the vehicle waits there */
  g_usleep (G_USEC_PER_SEC);
  push (&m, GST_FLIGHT_COMMAND_LAND, 0, 0, 0, FALSE);
  expect_accepted (&m, GST_FLIGHT_COMMAND_LAND, 1);
  wait_near (&m, -10, 15, 0, 0.001);
  /* down 0 may be a step before the touchdown (landed, disarmed): wait
   * for the heartbeat that says disarmed */
  wait_stat (&m, "vehicle-armed", FALSE);

  /* the end: telemetry and commands */
  {
    GstFlowReturn ret = GST_FLOW_ERROR;

    g_signal_emit_by_name (m.cmds, "end-of-stream", &ret);
    fail_unless_equals_int (ret, GST_FLOW_OK);
  }
  fail_unless (gst_element_send_event (m.pipe, gst_event_new_eos ()));
  bus = gst_element_get_bus (m.pipe);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_object_unref (bus);

  g_subprocess_send_signal (m.proc, SIGTERM);
  o = read_json_line (&m, parser);
  fail_unless (g_subprocess_wait (m.proc, NULL, NULL));
  fail_unless (json_object_get_boolean_member (o, "ok"));
  fail_unless (json_object_get_boolean_member (o, "rates_requested"));
  fail_unless (json_object_get_boolean_member (o, "landed"));
  fail_if (json_object_get_boolean_member (o, "armed"));
  pos = json_object_get_object_member (o, "position");
  fail_unless (fabs (json_object_get_double_member (pos, "north") + 10) <
      0.01);
  fail_unless (fabs (json_object_get_double_member (pos, "east") - 15) <
      0.01);
  if (ap) {
    fail_unless_equals_int (json_object_get_int_member (o,
            "ignored_setpoints"), 1);
  } else {
    fail_unless_equals_int (json_object_get_int_member (o,
            "offboard_entered"), 1);
    fail_unless_equals_int (json_object_get_int_member (o,
            "offboard_lost"), 0);
    /* streamed: at 5 Hz for the 1 s hold and the gotos' seconds */
    fail_unless (json_object_get_int_member (o, "setpoints") >= 10);
  }
  fail_unless_equals_uint64 (json_object_get_int_member (o, "setpoints") -
      json_object_get_int_member (o, "ignored_setpoints") >= 2, TRUE);

  gst_element_set_state (m.pipe, GST_STATE_NULL);
  g_object_unref (m.out);
  g_object_unref (m.proc);
  g_object_unref (parser);
  g_free (port_str);
  gst_object_unref (m.fl);
  gst_object_unref (m.cmds);
  gst_object_unref (m.odo);
  gst_object_unref (m.results);
  gst_object_unref (m.pipe);
}

GST_START_TEST (test_ardupilot_mission)
{
  fly ("ardupilot");
}

GST_END_TEST;

GST_START_TEST (test_px4_mission)
{
  fly ("px4");
}

GST_END_TEST;

static Suite *
flightlinkautopilots_suite (void)
{
  Suite *s = suite_create ("flightlinkautopilots");
  TCase *tc = tcase_create ("node-mavlink");

  suite_add_tcase (s, tc);
  /* no fork (valgrind): a failed test's pipeline must not keep running */
  tcase_add_checked_fixture (tc, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (tc, test_ardupilot_mission);
  tcase_add_test (tc, test_px4_mission);
  return s;
}

int
main (int argc, char **argv)
{
  gchar *module_dir, *installed;
  gboolean have;

  if (argc != 4) {
    g_printerr ("usage: %s NODE SCRIPT HAVE_NPM\n", argv[0]);
    return 1;
  }
  node = argv[1];
  script = argv[2];
  if (!*node) {
    g_print ("SKIP: node (nodejs) is not installed: cannot run the "
        "node-mavlink vehicles\n");
    return 77;
  }
  if (!*argv[3]) {
    g_print ("SKIP: npm is not installed: cannot install node-mavlink from "
        "the npm registry\n");
    return 77;
  }
  module_dir = g_path_get_dirname (script);
  installed = g_build_filename (module_dir, "node_modules", "node-mavlink",
      "package.json", NULL);
  have = g_file_test (installed, G_FILE_TEST_EXISTS);
  if (!have)
    g_printerr ("FAIL: node-mavlink is not installed in %s: npm ci failed "
        "when the test was built (see npm-install.log there)\n", module_dir);
  g_free (installed);
  g_free (module_dir);
  if (!have)
    return 1;

  gst_check_init (&argc, &argv);
  return gst_check_run_suite (flightlinkautopilots_suite (),
      "flightlinkautopilots", __FILE__);
}
