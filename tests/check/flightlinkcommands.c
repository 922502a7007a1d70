/* gst-workers: flightlink, the flight-controller link worker: commands
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Command items out: acknowledged commands and their results, the PX4
 * setpoint stream, completion, the vehicle's state, pausing, waiting for
 * the vehicle, flushing, the end of stream; against a vehicle played by
 * the test (flightlinkvehicle.c).
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "flightlinkvehicle.h"
#include "testpipeline.h"

/* Commands the vehicle acknowledges: each waits for its COMMAND_ACK, is
 * sent again (confirmation counting) when none comes, and its result goes
 * out as an item on the results pad and a bus message; a refusal is never
 * sent again; silence ends in "timed out" after the last attempt. Nothing
 * arms or changes mode but these commands. */
typedef struct
{
  GstHarness *h;
  GstFlightCommandType type;
  GstFlightCommandFlags flags;
} PushArgs;

static gpointer
push_command_thread (gpointer data)
{
  PushArgs *a = data;

  return GINT_TO_POINTER (gst_harness_push (a->h, command_buffer (a->type,
              a->flags)));
}

static GThread *
push_async (PushArgs * a, GstHarness * h, GstFlightCommandType type,
    GstFlightCommandFlags flags)
{
  a->h = h;
  a->type = type;
  a->flags = flags;
  return g_thread_new ("push", push_command_thread, a);
}

static void
vehicle_ack (Vehicle * v, guint16 command, guint8 result)
{
  MavlinkCommandAck ack = { command, result, 0, 0, 1, 191 };

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_COMMAND_ACK, &ack);
}

static void
expect_command_long (Vehicle * v, guint16 command, guint8 confirmation,
    MavlinkCommandLong * cl)
{
  MavlinkFrame f;

  fail_unless (vehicle_recv (v, &f, 5000 * test_timeout_scale (), FALSE),
      "no command %u", command);
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_LONG, cl),
      "message %u, not COMMAND_LONG %u", f.msgid, command);
  fail_unless_equals_int (cl->command, command);
  fail_unless_equals_int (cl->confirmation, confirmation);
}

static void
expect_result (GstHarness * hr, GstFlightCommandType type, guint32 command,
    GstFlightCommandOutcome outcome, guint32 mav_result, guint32 attempts)
{
  GstBuffer *buf = gst_harness_pull (hr);
  GstFlightCommandResult res;

  fail_unless (buf != NULL);
  fail_unless (gst_flight_command_result_from_buffer (buf, &res));
  fail_unless_equals_int (res.type, type);
  fail_unless_equals_int (res.mav_command, command);
  fail_unless_equals_string (gst_flight_command_outcome_to_string
      (res.outcome), gst_flight_command_outcome_to_string (outcome));
  fail_unless_equals_int (res.mav_result, mav_result);
  fail_unless_equals_int (res.attempts, attempts);
  gst_buffer_unref (buf);
}

/* The command counts of a link's element: sent, retried, timed out,
 * accepted, refused. */
static void
expect_command_counts (GstElement * e, guint64 sent, guint64 retried,
    guint64 timed_out, guint64 accepted, guint64 refused)
{
  fail_unless_equals_uint64 (stat_u64 (e, "commands-sent"), sent);
  fail_unless_equals_uint64 (stat_u64 (e, "commands-retried"), retried);
  fail_unless_equals_uint64 (stat_u64 (e, "commands-timed-out"), timed_out);
  fail_unless_equals_uint64 (stat_u64 (e, "commands-accepted"), accepted);
  fail_unless_equals_uint64 (stat_u64 (e, "commands-refused"), refused);
}

/* A flightlink on UDP with its results pad and a bus of its own, the
 * vehicle (@hb) found. */
typedef struct
{
  GstHarness *h, *hr;
  GstBus *bus;
  Vehicle *v;
} AckedLink;

static void
acked_link_start (AckedLink * l, const gchar * extra,
    const MavlinkHeartbeat * hb)
{
  l->h = harness_udp (extra, &l->v);
  l->hr = gst_harness_new_with_element (l->h->element, NULL, "results");
  l->bus = gst_bus_new ();
  gst_element_set_bus (l->h->element, l->bus);
  vehicle_send (l->v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, hb);
  wait_vehicle (l->h->element, "ok");
}

static void
acked_link_stop (AckedLink * l)
{
  gst_element_set_bus (l->h->element, NULL);
  gst_object_unref (l->bus);
  gst_harness_teardown (l->hr);
  gst_harness_teardown (l->h);
  vehicle_free (l->v);
}

GST_START_TEST (test_command_acks)
{
  MavlinkCommandLong cl;
  MavlinkFrame f;
  PushArgs a;
  GThread *t;
  GstMessage *msg;
  AckedLink l;
  GstHarness *h, *hr;
  GstBus *bus;
  Vehicle *v;
  gchar *acked;

  /* answers the test gives are waited for 3 s (times the tests' timeout
   * scale): more than a loaded machine holds the test's or the element's
   * thread, so no attempt goes out that the test does not expect */
  acked = g_strdup_printf ("command-timeout=%u command-retries=2 "
      "vehicle-timeout=0", 3000 * test_timeout_scale ());
  acked_link_start (&l, acked, &vehicle_heartbeat);
  g_free (acked);
  h = l.h;
  hr = l.hr;
  bus = l.bus;
  v = l.v;
  /* nothing arms or changes mode by itself */
  fail_if (vehicle_recv (v, &f, 300, FALSE));

  /* arm: the first attempt goes unanswered, the second is accepted */
  t = push_async (&a, h, GST_FLIGHT_COMMAND_ARM, 0);
  expect_command_long (v, 400, 0, &cl);
  fail_unless_equals_float (cl.param1, 1);
  expect_command_long (v, 400, 1, &cl);
  vehicle_ack (v, 400, 0);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_ARM, 400, GST_FLIGHT_COMMAND_ACCEPTED,
      0, 2);
  msg = pop_message (bus, GST_MESSAGE_ELEMENT, 5000);
  while (msg && !gst_message_has_name (msg, "flightlink-command-result")) {
    gst_message_unref (msg);
    msg = pop_message (bus, GST_MESSAGE_ELEMENT, 5000);
  }
  fail_unless (msg != NULL);
  {
    const GstStructure *st = gst_message_get_structure (msg);

    fail_unless_equals_string (gst_structure_get_string (st, "command"),
        "arm");
    fail_unless_equals_string (gst_structure_get_string (st, "outcome"),
        "accepted");
  }
  gst_message_unref (msg);

  /* guided (ArduCopter: mode 4), denied: reported, never sent again */
  t = push_async (&a, h, GST_FLIGHT_COMMAND_GUIDED, 0);
  expect_command_long (v, 176, 0, &cl);
  fail_unless_equals_float (cl.param1, 1);
  fail_unless_equals_float (cl.param2, 4);
  vehicle_ack (v, 176, 2);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_GUIDED, 176,
      GST_FLIGHT_COMMAND_REFUSED, 2, 1);
  expect_message (bus, GST_MESSAGE_WARNING, 5000,
      "The vehicle refused command 176 (MAV_RESULT 2).");
  fail_if (vehicle_recv (v, &f, 1200, FALSE));

  expect_command_counts (h->element, 2, 1, 0, 1, 1);
  acked_link_stop (&l);

  /* takeoff to 30 m, in progress, then never answered: three attempts,
   * timed out (a link of its own with a short timeout: however late the
   * test answers, every attempt times out) */
  acked_link_start (&l, "command-timeout=300 command-retries=2 "
      "vehicle-timeout=0", &vehicle_heartbeat);
  h = l.h;
  hr = l.hr;
  bus = l.bus;
  v = l.v;
  t = push_async (&a, h, GST_FLIGHT_COMMAND_TAKEOFF,
      GST_FLIGHT_COMMAND_HAS_LOCAL);
  expect_command_long (v, 22, 0, &cl);
  fail_unless_equals_float (cl.param7, 30);
  vehicle_ack (v, 22, 5);
  expect_command_long (v, 22, 1, &cl);
  expect_command_long (v, 22, 2, &cl);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_TAKEOFF, 22,
      GST_FLIGHT_COMMAND_TIMED_OUT, 0, 3);
  expect_message (bus, GST_MESSAGE_WARNING, 5000,
      "The vehicle did not answer the takeoff command (MAV_CMD 22) after 3 "
      "attempts.");
  fail_if (vehicle_recv (v, &f, 500, FALSE));

  expect_command_counts (h->element, 1, 2, 1, 0, 0);

  acked_link_stop (&l);
}

GST_END_TEST;

/* Waits for @n setpoints (SET_POSITION_TARGET_LOCAL_NED) to @x within @ms
 * each (the ones of the setpoint streamed before it may come first). */
static void
expect_setpoints (Vehicle * v, guint n, guint ms, gfloat x)
{
  MavlinkSetPositionTargetLocalNed l;
  MavlinkFrame f;
  guint i = 0;

  while (i < n) {
    fail_unless (vehicle_recv (v, &f, ms, FALSE), "setpoint %u of %u", i, n);
    fail_unless (mavlink_frame_decode (&f,
            MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED, &l),
        "message %u, not a setpoint", f.msgid);
    if (l.x == x)
      i++;
    else
      fail_unless (i == 0, "setpoint to %f after one to %f", l.x, x);
  }
}

/* PX4: a goto's setpoint is streamed (OFFBOARD needs >= 2 Hz) until a
 * land; OFFBOARD is asked for only after a stream of a hold setpoint, and
 * refused while no position is known to hold. */
GST_START_TEST (test_px4_setpoint_stream)
{
  MavlinkHeartbeat px4 = vehicle_heartbeat;
  MavlinkLocalPositionNed here = local_position;
  MavlinkCommandLong cl;
  GstHarness *h;
  MavlinkFrame f;
  GstBus *bus;
  PushArgs a;
  GThread *t;
  gint64 start;
  Vehicle *v;

  px4.autopilot = 12;
  h = harness_udp ("setpoint-rate=10", &v);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &px4);
  wait_vehicle (h->element, "ok");
  {
    gchar *fam = stat_string (h->element, "autopilot");

    fail_unless_equals_string (fam, "px4");
    g_free (fam);
  }

  /* no position yet: OFFBOARD cannot be entered */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_GUIDED, 0)), GST_FLOW_OK);
  expect_message (bus, GST_MESSAGE_WARNING, 5000, "Cannot send a guided "
      "command to the vehicle: PX4 enters OFFBOARD only with a setpoint "
      "stream, and no local position is known yet to hold.");

  /* with a position: a hold setpoint streamed for 1 s, then the mode */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &here);
  wait_stat_u64 (h->element, "telemetry-messages", 1);
  start = g_get_monotonic_time ();
  t = push_async (&a, h, GST_FLIGHT_COMMAND_GUIDED, 0);
  expect_setpoints (v, 5, 1000, 12.5);
  for (;;) {
    fail_unless (vehicle_recv (v, &f, 2000, FALSE));
    if (f.msgid != MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED)
      break;
  }
  fail_unless (g_get_monotonic_time () - start >= 900 * 1000);
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_LONG, &cl));
  fail_unless_equals_int (cl.command, 176);
  fail_unless_equals_float (cl.param2, 6);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);

  /* a goto: its setpoint, then the same again at 10 Hz */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_GOTO,
              GST_FLIGHT_COMMAND_HAS_LOCAL)), GST_FLOW_OK);
  expect_setpoints (v, 6, 1000, 10.5);
  fail_unless (stat_u64 (h->element, "setpoints-sent") >= 6 + 6);

  /* land: the stream stops */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_LAND, 0)), GST_FLOW_OK);
  for (;;) {
    fail_unless (vehicle_recv (v, &f, 2000, FALSE));
    if (f.msgid != MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED)
      break;
  }
  fail_unless_equals_int (f.msgid, MAVLINK_MSG_ID_COMMAND_LONG);
  fail_if (vehicle_recv (v, &f, 500, FALSE));

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* Holds the system clock's one thread (a slow callback there: a bus sync
 * handler that works on a worker's heartbeat) for 1.5 s. */
static gboolean
hold_clock_thread (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  gint *held = user_data;

  g_atomic_int_set (held, 1);
  g_usleep (1500 * 1000);
  g_atomic_int_set (held, 2);
  return TRUE;
}

/* PX4: the setpoint stream goes on while the system clock's thread is
 * held (it has a thread of its own): held 1.5 s, the vehicle would leave
 * OFFBOARD. */
GST_START_TEST (test_px4_setpoint_stream_not_held_by_clock)
{
  MavlinkHeartbeat px4 = vehicle_heartbeat;
  MavlinkLocalPositionNed here = local_position;
  GstClock *sysclock;
  GstClockID id;
  GstHarness *h;
  MavlinkFrame f;
  gint held = 0;
  guint during = 0;
  Vehicle *v;

  px4.autopilot = 12;
  h = harness_udp ("setpoint-rate=10", &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &px4);
  wait_vehicle (h->element, "ok");
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &here);
  wait_stat_u64 (h->element, "telemetry-messages", 1);
  /* a goto's setpoint, streamed */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_GOTO,
              GST_FLIGHT_COMMAND_HAS_LOCAL)), GST_FLOW_OK);
  expect_setpoints (v, 3, 1000, 10.5);

  sysclock = gst_system_clock_obtain ();
  id = gst_clock_new_single_shot_id (sysclock, gst_clock_get_time (sysclock));
  fail_unless_equals_int (gst_clock_id_wait_async (id, hold_clock_thread,
          &held, NULL), GST_CLOCK_OK);
  while (!g_atomic_int_get (&held))
    g_usleep (1000);
  /* 15 at 10 Hz; a stream on the held thread sends none */
  while (g_atomic_int_get (&held) == 1)
    if (vehicle_recv (v, &f, 100, FALSE) &&
        f.msgid == MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED &&
        g_atomic_int_get (&held) == 1)
      during++;
  fail_unless (during >= 5, "%u setpoints while the clock's thread was "
      "held 1.5 s", during);
  gst_clock_id_unref (id);
  gst_object_unref (sysclock);

  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* Pops element messages until one named @name comes (within 5 s). */
static GstStructure *
expect_element_message (GstBus * bus, const gchar * name)
{
  GstMessage *msg;
  GstStructure *s;

  while ((msg = pop_message (bus, GST_MESSAGE_ELEMENT, 5000)) &&
      !gst_message_has_name (msg, name))
    gst_message_unref (msg);
  fail_unless (msg != NULL, "no %s message", name);
  s = gst_structure_copy (gst_message_get_structure (msg));
  gst_message_unref (msg);
  return s;
}

/* telemetry-rate asks the vehicle for its messages once it is found; its
 * state (mode, arming, landed state, battery, GPS fix) is posted as it
 * changes; local positions count from its home once HOME_POSITION came. */
/* completion-timeout: an accepted takeoff is done at 95 % of its height,
 * an accepted land once the vehicle is disarmed on the ground; the next
 * command waits until then. A takeoff that does not climb in time: a
 * warning that says where the vehicle is, and a timed-out result. */
GST_START_TEST (test_command_completion)
{
  MavlinkHeartbeat armed = vehicle_heartbeat, disarmed = vehicle_heartbeat;
  MavlinkLocalPositionNed up = local_position;
  MavlinkExtendedSysState landed = { 0 };
  MavlinkCommandLong cl;
  MavlinkFrame f;
  PushArgs a, b;
  GThread *t, *t2;
  AckedLink l;
  GstHarness *h, *hr;
  GstBus *bus;
  Vehicle *v;

  armed.base_mode |= 128;
  acked_link_start (&l, "command-timeout=2000 completion-timeout=30000 "
      "vehicle-timeout=0", &armed);
  h = l.h;
  hr = l.hr;
  bus = l.bus;
  v = l.v;

  /* takeoff to 30 m, accepted; a goto after it waits for the climb */
  t = push_async (&a, h, GST_FLIGHT_COMMAND_TAKEOFF,
      GST_FLIGHT_COMMAND_HAS_LOCAL);
  expect_command_long (v, 22, 0, &cl);
  fail_unless_equals_float (cl.param7, 30);
  vehicle_ack (v, 22, 0);
  t2 = push_async (&b, h, GST_FLIGHT_COMMAND_GOTO,
      GST_FLIGHT_COMMAND_HAS_LOCAL);
  up.z = -10;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &up);
  wait_stat_u64 (h->element, "telemetry-messages", 1);
  up.z = -28.4;                 /* 94.7 %: not yet */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &up);
  wait_stat_u64 (h->element, "telemetry-messages", 2);
  fail_if (vehicle_recv (v, &f, 300, FALSE), "message %u during the climb",
      f.msgid);
  fail_unless (gst_harness_try_pull (hr) == NULL);
  up.z = -28.6;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &up);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_TAKEOFF, 22,
      GST_FLIGHT_COMMAND_ACCEPTED, 0, 1);
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless_equals_int (f.msgid,
      MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t2)), GST_FLOW_OK);

  /* land, accepted: done once disarmed on the ground, not before */
  landed.landed_state = 4;      /* landing */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_EXTENDED_SYS_STATE, &landed);
  t = push_async (&a, h, GST_FLIGHT_COMMAND_LAND, 0);
  expect_command_long (v, 21, 0, &cl);
  vehicle_ack (v, 21, 0);
  landed.landed_state = 1;      /* on the ground, still armed */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_EXTENDED_SYS_STATE, &landed);
  for (;;) {
    GstStructure *st = expect_element_message (bus,
        "flightlink-vehicle-state");
    gboolean on = !g_strcmp0 (gst_structure_get_string (st, "landed-state"),
        "on-ground");

    gst_structure_free (st);
    if (on)
      break;
  }
  fail_unless (gst_harness_try_pull (hr) == NULL);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &disarmed);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_LAND, 21,
      GST_FLIGHT_COMMAND_ACCEPTED, 0, 1);

  acked_link_stop (&l);

  /* a takeoff that never gets up */
  acked_link_start (&l, "command-timeout=2000 completion-timeout=300 "
      "vehicle-timeout=0", &armed);
  h = l.h;
  hr = l.hr;
  bus = l.bus;
  v = l.v;
  up.z = -2;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &up);
  wait_stat_u64 (h->element, "telemetry-messages", 1);
  t = push_async (&a, h, GST_FLIGHT_COMMAND_TAKEOFF,
      GST_FLIGHT_COMMAND_HAS_LOCAL);
  expect_command_long (v, 22, 0, &cl);
  vehicle_ack (v, 22, 0);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  expect_result (hr, GST_FLIGHT_COMMAND_TAKEOFF, 22,
      GST_FLIGHT_COMMAND_TIMED_OUT, 0, 1);
  expect_message (bus, GST_MESSAGE_WARNING, 5000, "The vehicle accepted the "
      "takeoff but did not reach 30.0 m above home within 300 ms: it is "
      "2.0 m above home.");

  acked_link_stop (&l);
}

GST_END_TEST;

GST_START_TEST (test_vehicle_state_and_home)
{
  MavlinkHeartbeat hb = vehicle_heartbeat;
  MavlinkHomePosition home = {.latitude = 434700000,.longitude = -805400000,
    .altitude = 330000,.x = 2,.y = -1,.z = 0.5
  };
  MavlinkExtendedSysState ext = {.landed_state = 1 };
  MavlinkSysStatus sys = {.battery_remaining = 87,.voltage_battery = 15200 };
  MavlinkGpsRawInt gps = {.fix_type = 3,.satellites_visible = 12 };
  GstStructure *st;
  GstHarness *h;
  MavlinkFrame f;
  GstOdometry o;
  GstBus *bus;
  guint n_interval = 0, n_stream = 0, i, u = 0;
  gboolean armed = TRUE;
  gint battery = 0;
  Vehicle *v;

  h = harness_udp ("telemetry-rate=20 timestamp-mode=arrival", &v);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &hb);
  wait_vehicle (h->element, "ok");

  /* ArduPilot: 7 SET_MESSAGE_INTERVAL, 3 REQUEST_DATA_STREAM */
  for (i = 0; i < 10; i++) {
    fail_unless (vehicle_recv (v, &f, 5000, FALSE));
    if (f.msgid == MAVLINK_MSG_ID_COMMAND_LONG)
      n_interval++;
    else if (f.msgid == MAVLINK_MSG_ID_REQUEST_DATA_STREAM)
      n_stream++;
  }
  fail_unless_equals_int (n_interval, 7);
  fail_unless_equals_int (n_stream, 3);

  st = expect_element_message (bus, "flightlink-vehicle-state");
  fail_unless (gst_structure_get_boolean (st, "armed", &armed));
  fail_if (armed);
  fail_unless (gst_structure_get_uint (st, "mode", &u));
  fail_unless_equals_int (u, 4);
  fail_unless_equals_string (gst_structure_get_string (st, "autopilot"),
      "ardupilot");
  gst_structure_free (st);

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HOME_POSITION, &home);
  expect_message (bus, GST_MESSAGE_INFO, 5000, "The vehicle's home: latitude "
      "43.4700000, longitude -80.5400000, altitude 330.00 m.");
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &local_position);
  o = pull_odometry (h, NULL);
  fail_unless_equals_float (o.north, 10.5);
  fail_unless_equals_float (o.east, -2.25);
  fail_unless_equals_float (o.down, -40.5);

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_EXTENDED_SYS_STATE, &ext);
  st = expect_element_message (bus, "flightlink-vehicle-state");
  fail_unless_equals_string (gst_structure_get_string (st, "landed-state"),
      "on-ground");
  gst_structure_free (st);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_SYS_STATUS, &sys);
  st = expect_element_message (bus, "flightlink-vehicle-state");
  fail_unless (gst_structure_get_int (st, "battery-remaining", &battery));
  fail_unless_equals_int (battery, 87);
  gst_structure_free (st);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_GPS_RAW_INT, &gps);
  st = expect_element_message (bus, "flightlink-vehicle-state");
  fail_unless (gst_structure_get_uint (st, "gps-fix", &u));
  fail_unless_equals_int (u, 3);
  gst_structure_free (st);
  hb.base_mode |= 128;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &hb);
  st = expect_element_message (bus, "flightlink-vehicle-state");
  fail_unless (gst_structure_get_boolean (st, "armed", &armed));
  fail_unless (armed);
  gst_structure_free (st);
  /* the same again changes nothing */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_SYS_STATUS, &sys);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &hb);
  wait_stat_u64 (h->element, "frames-received", 9);
  fail_if (pop_message (bus, GST_MESSAGE_ELEMENT, 200) != NULL);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

GST_START_TEST (test_paused_holds)
{
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  g_object_set (h->element, "paused", TRUE, NULL);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  wait_stat_u64 (h->element, "frames-received", 2);
  g_usleep (50 * 1000);
  fail_if (gst_harness_try_pull (h) != NULL);
  fail_unless_equals_int (gst_worker_get_state (GST_WORKER (h->element)),
      GST_WORKER_STATE_PAUSED);
  g_object_set (h->element, "paused", FALSE, NULL);
  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* commands */

/* Each command becomes the documented MAVLink message, to the vehicle. */
GST_START_TEST (test_commands_out)
{
  GstFlightCommandFlags global = GST_FLIGHT_COMMAND_HAS_GLOBAL;
  GstFlightCommandFlags local = GST_FLIGHT_COMMAND_HAS_LOCAL;
  GstFlightCommandFlags yaw = GST_FLIGHT_COMMAND_HAS_YAW;
  MavlinkSetPositionTargetGlobalInt g;
  MavlinkSetPositionTargetLocalNed l;
  MavlinkCommandLong cl;
  MavlinkCommandInt ci;
  MavlinkFrame f;
  GstHarness *h;
  GstBus *bus;
  GstMessage *msg;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  /* goto, global, with yaw */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_GOTO, global | local | yaw)),
      GST_FLOW_OK);
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  check_target (&f, 2);
  fail_unless (mavlink_frame_decode (&f,
          MAVLINK_MSG_ID_SET_POSITION_TARGET_GLOBAL_INT, &g));
  fail_unless_equals_int (g.target_system, 1);
  fail_unless_equals_int (g.target_component, 1);
  fail_unless_equals_int (g.coordinate_frame, 5);
  fail_unless_equals_int (g.type_mask, 2552);
  fail_unless_equals_int (g.lat_int, 434712345);
  fail_unless_equals_int (g.lon_int, -805412345);
  fail_unless_equals_float (g.alt, 350.25);
  fail_unless_equals_float (g.yaw, (gfloat) (G_PI / 2));
  fail_unless_equals_float (g.vx, 0);

  /* goto, local, no yaw */
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_GOTO, local));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless (mavlink_frame_decode (&f,
          MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED, &l));
  fail_unless_equals_int (l.coordinate_frame, 1);
  fail_unless_equals_int (l.type_mask, 2552 | 1024);
  fail_unless_equals_float (l.x, 10.5);
  fail_unless_equals_float (l.y, -20.25);
  fail_unless_equals_float (l.z, -30);

  /* loiter at a global position, with yaw */
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_LOITER,
          global | yaw));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_INT, &ci));
  fail_unless_equals_int (ci.target_system, 1);
  fail_unless_equals_int (ci.command, 17);
  fail_unless_equals_int (ci.frame, 0);
  fail_unless_equals_int (ci.x, 434712345);
  fail_unless_equals_int (ci.y, -805412345);
  fail_unless_equals_float (ci.z, 350.25);
  fail_unless_equals_float (ci.param4, 90);

  /* land at a local position */
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_LAND, local));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_INT, &ci));
  fail_unless_equals_int (ci.command, 21);
  fail_unless_equals_int (ci.frame, 1);
  fail_unless_equals_int (ci.x, 105000);
  fail_unless_equals_int (ci.y, -202500);
  fail_unless_equals_float (ci.z, -30);
  fail_unless (isnan (ci.param4));

  /* land here, with yaw */
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_LAND, yaw));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_LONG, &cl));
  fail_unless_equals_int (cl.target_system, 1);
  fail_unless_equals_int (cl.target_component, 1);
  fail_unless_equals_int (cl.command, 21);
  fail_unless_equals_float (cl.param4, 90);
  fail_unless (isnan (cl.param5) && isnan (cl.param6) && isnan (cl.param7));

  /* a goto without a position cannot be sent: a warning, counted */
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_GOTO, yaw)), GST_FLOW_OK);
  msg = pop_message (bus, GST_MESSAGE_WARNING, 5000);
  fail_unless (msg != NULL);
  {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    fail_unless_equals_string (err->message, "Cannot send a goto command to "
        "the vehicle: a goto needs a global or a local position.");
    g_error_free (err);
  }
  gst_message_unref (msg);

  /* return */
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_RETURN, 0));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_LONG, &cl));
  fail_unless_equals_int (cl.command, 20);
  fail_unless_equals_float (cl.param1, 0);
  fail_unless_equals_float (cl.param7, 0);

  /* sequence numbers count up, heartbeats included */
  /* items-in: the command items; items-out: odometry only */
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-sent"), 6);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-in"), 7);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 0);

  /* the vehicle's answers are counted; a refusal is a warning */
  {
    MavlinkCommandAck ok = { 21, 0, 0, 0, 1, 191 };
    MavlinkCommandAck refused = { 20, 4, 0, 0, 1, 191 };
    MavlinkCommandAck other = { 20, 4, 0, 0, 42, 191 };

    vehicle_send (v, 2, 1, MAVLINK_MSG_ID_COMMAND_ACK, &ok);
    vehicle_send (v, 2, 1, MAVLINK_MSG_ID_COMMAND_ACK, &other);
    vehicle_send (v, 1, 1, MAVLINK_MSG_ID_COMMAND_ACK, &refused);
    expect_message (bus, GST_MESSAGE_WARNING, 5000,
        "The vehicle refused command 20 (MAV_RESULT 4).");
    fail_unless_equals_uint64 (stat_u64 (h->element, "commands-accepted"), 1);
    fail_unless_equals_uint64 (stat_u64 (h->element, "commands-refused"), 1);
  }

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* Commands wait for the vehicle's first heartbeat; they go in the version
 * it speaks (mavlink-version=auto), or the one asked for. */
static gpointer
push_thread (gpointer data)
{
  GstHarness *h = data;

  return GINT_TO_POINTER (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_RETURN, 0)));
}

GST_START_TEST (test_commands_wait_for_vehicle)
{
  MavlinkFrame f;
  GstHarness *h;
  GThread *t;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  t = g_thread_new ("push", push_thread, h);
  /* no vehicle: nothing is sent, not even a heartbeat (nowhere to) */
  fail_if (vehicle_recv (v, &f, 300, FALSE));
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-sent"), 0);

  vehicle_send (v, 1, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)), GST_FLOW_OK);
  /* flightlink's heartbeat first (its 1 Hz tick had nowhere to send one
   * yet), then the command */
  fail_unless (vehicle_recv_what (v, &f, 5000, RECV_ANY));
  check_target (&f, 1);
  fail_unless_equals_int (f.msgid, MAVLINK_MSG_ID_HEARTBEAT);
  fail_unless (vehicle_recv_what (v, &f, 5000, RECV_ANY));
  check_target (&f, 1);
  fail_unless_equals_int (f.msgid, MAVLINK_MSG_ID_COMMAND_LONG);
  /* and its heartbeat, once a second, in MAVLink 1 as well */
  fail_unless (vehicle_recv (v, &f, 3000, TRUE));
  check_target (&f, 1);
  gst_harness_teardown (h);
  vehicle_free (v);

  h = harness_udp ("mavlink-version=2 system-id=42 component-id=7", &v);
  vehicle_send (v, 1, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_RETURN, 0));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless_equals_int (f.version, 2);
  fail_unless_equals_int (f.sysid, 42);
  fail_unless_equals_int (f.compid, 7);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* A flush wakes a command waiting for the vehicle; after it, commands go
 * again. */
GST_START_TEST (test_flush_wakes_command)
{
  MavlinkFrame f;
  GstHarness *h;
  GThread *t;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  t = g_thread_new ("push", push_thread, h);
  /* most likely waiting by now; if not, the flush refuses it anyway */
  g_usleep (50 * 1000);
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (t)),
      GST_FLOW_FLUSHING);
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_harness_set_src_caps_str (h, GST_FLIGHT_COMMAND_CAPS);

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  fail_unless_equals_int (gst_harness_push (h,
          command_buffer (GST_FLIGHT_COMMAND_LAND, 0)), GST_FLOW_OK);
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  fail_unless_equals_int (f.msgid, MAVLINK_MSG_ID_COMMAND_LONG);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-sent"), 1);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* A command item that is not one is an error. */
GST_START_TEST (test_malformed_command)
{
  GstHarness *h;
  GstBus *bus;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_allocate (NULL, 10, NULL)), GST_FLOW_ERROR);
  expect_message (bus, GST_MESSAGE_ERROR, 1000,
      "Received something that is not a flight command item.");
  /* taken, and lost with the error: counted */
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-in"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-sent"), 0);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* end of stream, flushing, shutting down */

static void
push_command (GstElement * appsrc, GstFlightCommandType type)
{
  GstBuffer *buf = command_buffer (type, 0);
  GstFlowReturn ret;

  /* push-buffer takes its own ref */
  g_signal_emit_by_name (appsrc, "push-buffer", buf, &ret);
  gst_buffer_unref (buf);
  fail_unless_equals_int (ret, GST_FLOW_OK);
}

static GstBuffer *
pull_appsink (GstElement * appsink)
{
  GstSample *sample = NULL;
  GstBuffer *buf = NULL;

  g_signal_emit_by_name (appsink, "try-pull-sample", 5 * GST_SECOND, &sample);
  if (sample) {
    buf = gst_buffer_ref (gst_sample_get_buffer (sample));
    gst_sample_unref (sample);
  }
  return buf;
}

static void
wait_appsink_eos (GstElement * appsink)
{
  gboolean eos = FALSE;

  while (!eos) {
    g_usleep (1000);
    g_object_get (appsink, "eos", &eos, NULL);
  }
}

/* An EOS sent to the pipeline ends the telemetry at once, but the
 * pipeline's EOS waits for the commands before the sink pad's EOS to be
 * written; an EOS on the sink pad alone leaves the telemetry running; at
 * the end, commands for a vehicle never heard are dropped, with a warning,
 * rather than waited for. */
GST_START_TEST (test_eos_waits_for_commands)
{
  GstElement *pipe, *fl, *cmds, *odo, *slow;
  GstBuffer *buf;
  GstBus *bus;
  GstMessage *msg;
  MavlinkFrame f;
  Vehicle *v;
  gint port;
  guint i;

  pipe = gst_parse_launch ("appsrc name=cmds format=time "
      "caps=" GST_FLIGHT_COMMAND_CAPS " ! identity name=slow "
      "! queue ! flightlink name=fl address=127.0.0.1 port=0 "
      "command-timeout=0 heartbeat-interval=0 ! appsink name=odo sync=false",
      NULL);
  fl = gst_bin_get_by_name (GST_BIN (pipe), "fl");
  cmds = gst_bin_get_by_name (GST_BIN (pipe), "cmds");
  odo = gst_bin_get_by_name (GST_BIN (pipe), "odo");
  slow = gst_bin_get_by_name (GST_BIN (pipe), "slow");
  bus = gst_element_get_bus (pipe);

  /* 1. the vehicle is there; the commands are slow to come (150 ms each):
   * the telemetry ends at once, the pipeline when all three are sent */
  g_object_set (slow, "sleep-time", 150000, NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  v = vehicle_new_udp (port);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (fl, "ok");
  for (i = 0; i < 3; i++)
    push_command (cmds, GST_FLIGHT_COMMAND_RETURN);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  wait_appsink_eos (odo);
  fail_unless (stat_u64 (fl, "commands-sent") < 3);
  msg = pop_message (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR, 10000);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (stat_u64 (fl, "commands-sent"), 3);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-in"), 3);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-out"), 0);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-dropped"), 0);
  for (i = 0; i < 3; i++) {
    fail_unless (vehicle_recv (v, &f, 5000, FALSE));
    fail_unless_equals_int (f.msgid, MAVLINK_MSG_ID_COMMAND_LONG);
  }
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  vehicle_free (v);
  g_object_set (slow, "sleep-time", 0, NULL);

  /* 2. the commands end first; telemetry goes on until the pipeline's
   * EOS */
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  v = vehicle_new_udp (port);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  push_command (cmds, GST_FLIGHT_COMMAND_RETURN);
  {
    GstFlowReturn ret;

    g_signal_emit_by_name (cmds, "end-of-stream", &ret);
  }
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  buf = pull_appsink (odo);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  fail_unless (pop_message (bus, GST_MESSAGE_EOS, 100) == NULL);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  msg = pop_message (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR, 10000);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-in"), 1);
  fail_unless_equals_uint64 (stat_u64 (fl, "commands-sent"), 1);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-out"), 1);
  fail_unless_equals_uint64 (stat_u64 (fl, "telemetry-messages"), 1);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-dropped"), 0);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  vehicle_free (v);

  /* 3. no vehicle ever: the waiting commands are dropped at the end */
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  push_command (cmds, GST_FLIGHT_COMMAND_LAND);
  push_command (cmds, GST_FLIGHT_COMMAND_RETURN);
  fail_unless (pop_message (bus, GST_MESSAGE_EOS, 100) == NULL);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  for (i = 0; i < 2; i++) {
    GError *err = NULL;
    gchar *expected = g_strdup_printf ("Dropped a %s command at the end of "
        "the stream: no vehicle was ever heard.", i ? "return" : "land");

    msg = pop_message (bus, GST_MESSAGE_WARNING, 10000);
    fail_unless (msg != NULL);
    gst_message_parse_warning (msg, &err, NULL);
    fail_unless_equals_string (err->message, expected);
    g_error_free (err);
    g_free (expected);
    gst_message_unref (msg);
  }
  msg = pop_message (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR, 10000);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-dropped"), 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "commands-dropped"), 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-in"), 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-out"), 0);
  fail_unless_equals_uint64 (stat_u64 (fl, "commands-sent"), 0);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (fl);
  gst_object_unref (cmds);
  gst_object_unref (odo);
  gst_object_unref (slow);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Telemetry read while the src pad is not linked: counted, dropped. */
GST_START_TEST (test_counts_unlinked_src)
{
  GstElement *fl;
  gint port = 0;
  Vehicle *v;

  fl = gst_element_factory_make ("flightlink", NULL);
  fail_unless (fl != NULL);
  g_object_set (fl, "address", "127.0.0.1", "port", 0, "heartbeat-interval",
      0, NULL);
  fail_unless (gst_element_set_state (fl, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  v = vehicle_new_udp (port);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &local_position);
  wait_stat_u64 (fl, "telemetry-dropped", 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "telemetry-messages"), 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-dropped"), 2);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-out"), 0);
  fail_unless_equals_uint64 (stat_u64 (fl, "items-in"), 0);
  fail_unless_equals_uint64 (stat_u64 (fl, "frames-received"), 3);
  fail_unless_equals_int (gst_element_set_state (fl, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (fl);
  vehicle_free (v);
}

GST_END_TEST;

/* With nothing linked to its sink pad, the end of the telemetry ends it. */
GST_START_TEST (test_eos_unlinked_sink)
{
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;

  pipe = gst_parse_launch ("flightlink address=127.0.0.1 port=0 "
      "heartbeat-interval=0 ! fakesink", NULL);
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  msg = pop_message (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR, 10000);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* Going to NULL never hangs: a command waiting for the vehicle, telemetry
 * blocked on a full downstream, and a paused worker. */
GST_START_TEST (test_stop_while_blocked)
{
  GstElement *pipe, *fl, *cmds;
  MavlinkAttitude at = attitude;
  Vehicle *v;
  gint port;
  guint i;

  /* a command waiting for a vehicle that never comes */
  pipe = gst_parse_launch ("appsrc name=cmds caps=" GST_FLIGHT_COMMAND_CAPS
      " ! flightlink name=fl address=127.0.0.1 port=0 ! fakesink", NULL);
  cmds = gst_bin_get_by_name (GST_BIN (pipe), "cmds");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  push_command (cmds, GST_FLIGHT_COMMAND_LAND);
  g_usleep (50 * 1000);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (cmds);
  gst_object_unref (pipe);

  /* telemetry pushed into a sink that takes nothing more */
  pipe = gst_parse_launch ("flightlink name=fl address=127.0.0.1 port=0 "
      "! queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 "
      "! appsink max-buffers=1 sync=false", NULL);
  fl = gst_bin_get_by_name (GST_BIN (pipe), "fl");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  v = vehicle_new_udp (port);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  for (i = 0; i < 10; i++) {
    at.time_boot_ms = i;
    vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &at);
  }
  /* the reader blocks on the full queue */
  while (gst_worker_get_state (GST_WORKER (fl)) != GST_WORKER_STATE_BLOCKED)
    g_usleep (1000);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  /* again, paused */
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  vehicle_free (v);
  v = vehicle_new_udp (port);
  g_object_set (fl, "paused", TRUE, NULL);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &at);
  wait_stat_u64 (fl, "frames-received", 2);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  gst_object_unref (fl);
  gst_object_unref (pipe);
  vehicle_free (v);
}

GST_END_TEST;

static Suite *
flightlinkcommands_suite (void)
{
  Suite *s = suite_create ("flightlinkcommands");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_command_acks);
  tcase_add_test (tc, test_px4_setpoint_stream);
  tcase_add_test (tc, test_px4_setpoint_stream_not_held_by_clock);
  tcase_add_test (tc, test_command_completion);
  tcase_add_test (tc, test_vehicle_state_and_home);
  tcase_add_test (tc, test_paused_holds);
  tcase_add_test (tc, test_commands_out);
  tcase_add_test (tc, test_commands_wait_for_vehicle);
  tcase_add_test (tc, test_flush_wakes_command);
  tcase_add_test (tc, test_malformed_command);
  tcase_add_test (tc, test_eos_waits_for_commands);
  tcase_add_test (tc, test_eos_unlinked_sink);
  tcase_add_test (tc, test_counts_unlinked_src);
  tcase_add_test (tc, test_stop_while_blocked);
  return s;
}

GST_CHECK_MAIN (flightlinkcommands);
