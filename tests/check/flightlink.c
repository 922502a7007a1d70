/* gst-workers: flightlink, the flight-controller link worker: telemetry, the vehicle, the link
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Telemetry items and their times, the vehicle's choice, its heartbeat
 * and its loss, a serial line, the errors that name the link; against a
 * vehicle played by the test (flightlinkvehicle.c).
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "flightlinkvehicle.h"

/* ---------------------------------------------------------------------- */
/* telemetry */

/* Each telemetry message gives one odometry item: a snapshot, PTS (with
 * timestamp-mode=arrival) the running time at reception, source time the
 * vehicle's. */
GST_START_TEST (test_telemetry_items)
{
  GstClockTime pts, rt;
  GByteArray *dgram;
  GstHarness *h;
  GstOdometry o;
  gchar *state;
  Vehicle *v;

  h = harness_udp ("timestamp-mode=arrival", &v);
  gst_harness_set_time (h, 5 * GST_SECOND);
  rt = harness_running_time (h);

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  /* two messages in one datagram */
  dgram = g_byte_array_new ();
  frame_append (dgram, 2, 1, 1, 1, MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
      &global_position);
  frame_append (dgram, 2, 2, 1, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  vehicle_send_bytes (v, dgram->data, dgram->len);
  g_byte_array_unref (dgram);

  o = pull_odometry (h, &pts);
  fail_unless_equals_uint64 (pts, rt);
  fail_unless_equals_int (o.fields,
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
  fail_unless_equals_uint64 (o.source_time_us, 123456000);
  fail_unless_equals_float (o.latitude, 434712345 / 1e7);
  fail_unless_equals_float (o.longitude, -805412345 / 1e7);
  fail_unless_equals_float (o.altitude, 350.25);
  fail_unless_equals_float (o.vn, 1.5);
  fail_unless_equals_float (o.ve, -0.75);
  fail_unless_equals_float (o.vd, 0.1);

  o = pull_odometry (h, &pts);
  fail_unless_equals_uint64 (pts, rt);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_GLOBAL |
      GST_ODOMETRY_HAS_VELOCITY | GST_ODOMETRY_HAS_ATTITUDE);
  fail_unless_equals_uint64 (o.source_time_us, 123460000);
  fail_unless_equals_float (o.roll, 0.125);
  fail_unless_equals_float (o.pitch, -0.0625);
  fail_unless_equals_float (o.yaw, 1.5);
  fail_unless_equals_float (o.latitude, 434712345 / 1e7);

  /* another system's telemetry is not the vehicle's; MAVLink 1 is read */
  gst_harness_set_time (h, 6 * GST_SECOND);
  vehicle_send (v, 2, 2, MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
      &global_position);
  vehicle_send (v, 1, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &local_position);
  o = pull_odometry (h, &pts);
  fail_unless_equals_uint64 (pts, rt + GST_SECOND);
  fail_unless_equals_int (o.fields, 0xf);
  fail_unless_equals_uint64 (o.source_time_us, 123470000);
  fail_unless_equals_float (o.north, 12.5);
  fail_unless_equals_float (o.east, -3.25);
  fail_unless_equals_float (o.down, -40);
  fail_unless_equals_float (o.vn, 0.5);
  fail_unless_equals_float (o.ve, 0.25);
  fail_unless_equals_float (o.vd, -0.125);
  fail_unless_equals_float (o.roll, 0.125);
  fail_if (gst_harness_try_pull (h) != NULL);

  /* an item is counted when its push returns */
  wait_stat_u64 (h->element, "items-out", 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-messages"), 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-dropped"), 0);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-in"), 0);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 0);
  fail_unless_equals_uint64 (stat_u64 (h->element, "frames-received"), 5);
  fail_unless_equals_uint64 (stat_u64 (h->element, "bad-frames"), 0);
  state = stat_string (h->element, "vehicle");
  fail_unless_equals_string (state, "ok");
  g_free (state);
  {
    GstStructure *s = get_stats (h->element);
    guint sys = 0, comp = 0;

    fail_unless (gst_structure_get_uint (s, "vehicle-system-id", &sys));
    fail_unless (gst_structure_get_uint (s, "vehicle-component-id", &comp));
    fail_unless_equals_int (sys, 1);
    fail_unless_equals_int (comp, 1);
    gst_structure_free (s);
  }

  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* PLAYING -> PAUSED -> PLAYING, three times: PAUSED takes the telemetry
 * task out of its read to wait for PLAYING (the core's source gate),
 * PLAYING again it reads on: a message sent while PAUSED comes out. An
 * EOS sent in PAUSED ends the telemetry. */
GST_START_TEST (test_pause_play_telemetry)
{
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;
  guint i;

  h = harness_udp ("timestamp-mode=arrival", &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  for (i = 0; i < 3; i++) {
    fail_unless_equals_int (gst_element_set_state (h->element,
            GST_STATE_PAUSED), GST_STATE_CHANGE_NO_PREROLL);
    vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
    fail_unless_equals_int (gst_element_set_state (h->element,
            GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
    o = pull_odometry (h, NULL);
    fail_unless (o.fields & GST_ODOMETRY_HAS_ATTITUDE);
    fail_unless_equals_float (o.yaw, 1.5);
  }
  fail_unless_equals_int (gst_element_set_state (h->element,
          GST_STATE_PAUSED), GST_STATE_CHANGE_NO_PREROLL);
  fail_unless (gst_element_send_event (h->element, gst_event_new_eos ()));
  pull_eos (h);
  fail_if (gst_harness_try_pull (h) != NULL);
  wait_stat_u64 (h->element, "items-out", 3);

  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* At test-clock time @at (running time @rt0 + @at), the vehicle sends one
 * datagram of ATTITUDE messages stamped with the vehicle times @boot_ms
 * (0-terminated); their items must have the PTS @pts (in ms after
 * @rt0). */
static void
send_attitudes_at (GstHarness * h, Vehicle * v, GstClockTime rt0,
    GstClockTime at_ms, const guint32 * boot_ms, const GstClockTime * pts_ms)
{
  GByteArray *dgram = g_byte_array_new ();
  guint i;

  gst_harness_set_time (h, rt0 + at_ms * GST_MSECOND);
  for (i = 0; boot_ms[i]; i++) {
    MavlinkAttitude a = attitude;

    a.time_boot_ms = boot_ms[i];
    frame_append (dgram, 2, v->seq++, 1, 1, MAVLINK_MSG_ID_ATTITUDE, &a);
  }
  vehicle_send_bytes (v, dgram->data, dgram->len);
  g_byte_array_unref (dgram);
  for (i = 0; boot_ms[i]; i++) {
    GstClockTime pts;
    GstOdometry o = pull_odometry (h, &pts);

    fail_unless_equals_uint64 (o.source_time_us, boot_ms[i] * 1000ull);
    fail_unless_equals_uint64 (pts, rt0 + pts_ms[i] * GST_MSECOND);
  }
}

#define AT(h, v, rt0, at, ...) G_STMT_START { \
  const guint32 boot[] = { __VA_ARGS__, 0 }; \
  send_attitudes_at (h, v, rt0, at, boot, expect); \
} G_STMT_END

/* timestamp-mode=vehicle (the default): the vehicle's time of each
 * message, mapped to the running time by the smallest offset seen; a
 * delayed datagram keeps its vehicle time; a reboot starts a new mapping,
 * with a warning; PTS never go back. */
GST_START_TEST (test_vehicle_timestamps)
{
  GstHarness *h;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  const GstStructure *details = NULL;
  GstClockTime rt0;
  guint prev = 0, now = 0;
  gint mode = -1;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  g_object_get (h->element, "timestamp-mode", &mode, NULL);
  fail_unless_equals_int (mode, 1);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_time (h, 10 * GST_SECOND);
  rt0 = harness_running_time (h);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  /* the first message defines the mapping: running time - 1000 ms */
  {
    const GstClockTime expect[] = { 0 };
    AT (h, v, rt0, 0, 1000);
  }
  {
    const GstClockTime expect[] = { 100 };
    AT (h, v, rt0, 100, 1100);
  }
  /* a datagram read 300 ms late: its vehicle times, not its arrival */
  {
    const GstClockTime expect[] = { 200, 300 };
    AT (h, v, rt0, 500, 1200, 1300);
  }
  /* a message less delayed than the first: the new mapping is running
   * time - 1050 ms, for it and the next ones */
  {
    const GstClockTime expect[] = { 550 };
    AT (h, v, rt0, 550, 1600);
  }
  {
    const GstClockTime expect[] = { 650 };
    AT (h, v, rt0, 700, 1700);
  }
  /* an older message (reordered): its values are no longer the
   * vehicle's latest: dropped, counted */
  {
    MavlinkAttitude a = attitude;

    a.time_boot_ms = 1500;
    gst_harness_set_time (h, rt0 + 710 * GST_MSECOND);
    vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &a);
    wait_stat_u64 (h->element, "telemetry-dropped", 1);
  }
  fail_if (pop_message (bus, GST_MESSAGE_WARNING, 0) != NULL);

  /* the vehicle rebooted: its clock went back to 200 ms; a new mapping,
   * running time - 200 ms, improved by the next message */
  {
    const GstClockTime expect[] = { 2000 };
    AT (h, v, rt0, 2000, 200);
  }
  msg = pop_message (bus, GST_MESSAGE_WARNING, 5000);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless_equals_string (err->message, "The vehicle's clock went back "
      "from 1700 ms to 200 ms: it rebooted. Timestamps follow its new clock.");
  g_error_free (err);
  gst_message_parse_warning_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_uint (details, "previous-time-ms", &prev));
  fail_unless (gst_structure_get_uint (details, "time-ms", &now));
  fail_unless_equals_int (prev, 1700);
  fail_unless_equals_int (now, 200);
  gst_message_unref (msg);
  {
    const GstClockTime expect[] = { 2090, 2095 };
    AT (h, v, rt0, 2100, 290, 295);
  }
  {
    const GstClockTime expect[] = { 2150 };
    AT (h, v, rt0, 2150, 350);
  }
  fail_if (pop_message (bus, GST_MESSAGE_WARNING, 0) != NULL);
  fail_if (gst_harness_try_pull (h) != NULL);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* The vehicle sends one tick's three messages, each in its own datagram,
 * all stamped @boot_ms, with values made of @k. */
static void
send_tick (Vehicle * v, guint32 boot_ms, gdouble k)
{
  MavlinkAttitude a = attitude;
  MavlinkGlobalPositionInt g = global_position;
  MavlinkLocalPositionNed l = local_position;

  a.time_boot_ms = g.time_boot_ms = l.time_boot_ms = boot_ms;
  a.yaw = k;
  g.lat = 434700000 + (gint32) (k * 1000);
  l.x = k;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &a);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_GLOBAL_POSITION_INT, &g);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED, &l);
}

/* The item of the tick sent by send_tick (@boot_ms, @k): every part, from
 * all three messages; PTS @pts. */
static void
pull_tick (GstHarness * h, guint32 boot_ms, gdouble k, GstClockTime pts)
{
  GstClockTime got;
  GstOdometry o = pull_odometry (h, &got);

  fail_unless_equals_uint64 (got, pts);
  fail_unless_equals_uint64 (o.source_time_us, boot_ms * 1000ull);
  fail_unless_equals_int (o.fields, 0xf);
  fail_unless_equals_float (o.yaw, k);
  fail_unless_equals_float (o.latitude, (434700000 + k * 1000) / 1e7);
  fail_unless_equals_float (o.north, k);
}

/* timestamp-mode=vehicle: the messages of one vehicle time make one item,
 * with the parts of all of them and that time's PTS. The next vehicle
 * time's first message pushes it; so does 100 ms on the element's clock
 * without a message for it, and the end of the telemetry. */
GST_START_TEST (test_vehicle_time_items)
{
  GstClockTime rt0;
  GstClockID id;
  GstHarness *h;
  Vehicle *v;

  test_clock = gst_test_clock_new ();
  gst_system_clock_set_default (test_clock);
  h = harness_udp (NULL, &v);
  gst_harness_set_time (h, 10 * GST_SECOND);
  rt0 = harness_running_time (h);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  /* tick 1000 ms, at rt0: held, not pushed */
  send_tick (v, 1000, 0.5);
  wait_stat_u64 (h->element, "telemetry-messages", 3);
  fail_if (gst_harness_try_pull (h) != NULL);

  /* tick 1020 ms, 20 ms later: its first message pushes tick 1000's
   * item, which has all three messages' values */
  gst_harness_set_time (h, 10 * GST_SECOND + 20 * GST_MSECOND);
  advance_to (50 * GST_MSECOND);
  send_tick (v, 1020, 0.75);
  pull_tick (h, 1000, 0.5, rt0);
  wait_stat_u64 (h->element, "telemetry-messages", 6);
  fail_if (gst_harness_try_pull (h) != NULL);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-merged"), 2);

  /* silence: the timer set at tick 1000's first message (clock time 0)
   * goes off at 100 ms, 50 ms after tick 1020's last message, and waits
   * on until 150 ms */
  advance_to (100 * GST_MSECOND);
  fail_unless (gst_test_clock_peek_next_pending_id (GST_TEST_CLOCK
          (test_clock), &id));
  fail_unless_equals_uint64 (gst_clock_id_get_time (id),
      150 * GST_MSECOND);
  gst_clock_id_unref (id);
  g_usleep (20 * 1000);
  fail_if (gst_harness_try_pull (h) != NULL);
  advance_to (150 * GST_MSECOND);
  pull_tick (h, 1020, 0.75, rt0 + 20 * GST_MSECOND);
  wait_stat_u64 (h->element, "items-out", 2);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-merged"), 4);

  /* tick 1040 ms: the end of the telemetry pushes it before the EOS */
  gst_harness_set_time (h, 10 * GST_SECOND + 40 * GST_MSECOND);
  send_tick (v, 1040, 1.25);
  wait_stat_u64 (h->element, "telemetry-messages", 9);
  fail_if (gst_harness_try_pull (h) != NULL);
  fail_unless (gst_element_send_event (h->element, gst_event_new_eos ()));
  pull_tick (h, 1040, 1.25, rt0 + 40 * GST_MSECOND);
  pull_eos (h);
  fail_if (gst_harness_try_pull (h) != NULL);

  /* nine messages: three items, six merged, none dropped */
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-merged"), 6);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-dropped"), 0);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 0);

  gst_harness_teardown (h);
  vehicle_free (v);
  gst_system_clock_set_default (NULL);
  gst_clear_object (&test_clock);
}

GST_END_TEST;

/* timestamp-mode=arrival: one item per message, even of one vehicle
 * time, each pushed at once. */
GST_START_TEST (test_arrival_item_per_message)
{
  GstClockTime pts, rt;
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;

  h = harness_udp ("timestamp-mode=arrival", &v);
  gst_harness_set_time (h, 5 * GST_SECOND);
  rt = harness_running_time (h);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  send_tick (v, 1000, 0.5);
  o = pull_odometry (h, &pts);
  fail_unless_equals_uint64 (pts, rt);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE);
  o = pull_odometry (h, &pts);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE |
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
  o = pull_odometry (h, &pts);
  fail_unless_equals_int (o.fields, 0xf);
  fail_unless_equals_uint64 (o.source_time_us, 1000000);
  fail_unless_equals_uint64 (pts, rt);
  wait_stat_u64 (h->element, "items-out", 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-messages"), 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-merged"), 0);
  fail_if (gst_harness_try_pull (h) != NULL);

  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* Heartbeats from a ground station do not make a vehicle; target-system
 * picks one; telemetry before the vehicle is known is not used. */
GST_START_TEST (test_vehicle_choice)
{
  MavlinkHeartbeat gcs = { .type = 6, .autopilot = 8 };
  MavlinkHeartbeat gimbal = { .type = 26, .autopilot = 8 };
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;
  guint id;

  h = harness_udp ("target-system=7", &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  vehicle_send (v, 2, 7, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  vehicle_send (v, 2, 9, MAVLINK_MSG_ID_HEARTBEAT, &gcs);
  /* system 7's gimbal and ground station beat first: neither is the
   * autopilot */
  vehicle_send_from (v, 2, 7, 154, MAVLINK_MSG_ID_HEARTBEAT, &gimbal);
  vehicle_send_from (v, 2, 7, 190, MAVLINK_MSG_ID_HEARTBEAT, &gcs);
  wait_stat_u64 (h->element, "frames-received", 5);
  fail_if (gst_harness_try_pull (h) != NULL);
  {
    gchar *state = stat_string (h->element, "vehicle");

    fail_unless_equals_string (state, "waiting");
    g_free (state);
  }

  vehicle_send (v, 2, 7, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  fail_unless_equals_uint64 (stat_u64 (h->element, "frames-received"), 6);
  {
    GstStructure *st = get_stats (h->element);

    fail_unless (gst_structure_get_uint (st, "vehicle-component-id", &id));
    fail_unless_equals_int (id, 1);
    gst_structure_free (st);
  }
  /* the autopilot's telemetry makes the items, the gimbal's does not */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  vehicle_send_from (v, 2, 7, 154, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  vehicle_send (v, 2, 7, MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
      &global_position);
  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields,
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
  fail_if (gst_harness_try_pull (h) != NULL);
  gst_harness_teardown (h);
  vehicle_free (v);

  /* target-component names the component, whatever it is */
  h = harness_udp ("target-system=7 target-component=154", &v);
  vehicle_send (v, 2, 7, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  vehicle_send_from (v, 2, 7, 154, MAVLINK_MSG_ID_HEARTBEAT, &gimbal);
  wait_vehicle (h->element, "ok");
  {
    GstStructure *st = get_stats (h->element);

    fail_unless (gst_structure_get_uint (st, "vehicle-component-id", &id));
    fail_unless_equals_int (id, 154);
    gst_structure_free (st);
  }
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* Garbage, a corrupt frame and one cut short at the end of the datagram
 * are counted; the good frame among them still gives its item. */
GST_START_TEST (test_bad_frames_counted)
{
  static const guint8 garbage[] = { 0x00, 0x13, 0x37, 0x42, 0x99 };
  GByteArray *dgram = g_byte_array_new (), *good = g_byte_array_new ();
  GstHarness *h;
  GstOdometry o;
  guint64 bad = 0;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  /* garbage, a frame with a flipped payload bit, garbage, a good frame, a
   * frame cut after 12 bytes */
  frame_append (good, 2, 1, 1, 1, MAVLINK_MSG_ID_LOCAL_POSITION_NED,
      &local_position);
  g_byte_array_append (dgram, garbage, sizeof (garbage));
  g_byte_array_append (dgram, good->data, good->len);
  dgram->data[sizeof (garbage) + 12] ^= 0x01;
  g_byte_array_append (dgram, garbage, sizeof (garbage));
  frame_append (dgram, 2, 2, 1, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  g_byte_array_append (dgram, good->data, 12);
  vehicle_send_bytes (v, dgram->data, dgram->len);

  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE);
  fail_unless_equals_float (o.yaw, 1.5);
  fail_if (gst_harness_try_pull (h) != NULL);

  /* the item went before the end of the datagram was parsed */
  wait_stat_u64 (h->element, "bad-frames", 2);
  g_object_get (h->element, "bad-frames", &bad, NULL);
  fail_unless_equals_uint64 (bad, 2);
  fail_unless_equals_uint64 (stat_u64 (h->element, "bad-frames"), 2);
  /* the two garbage runs, the corrupt frame's and the cut frame's bytes
   * after their start bytes */
  fail_unless_equals_uint64 (stat_u64 (h->element, "garbage-bytes"),
      2 * sizeof (garbage) + good->len - 1 + 12 - 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "frames-received"), 2);

  g_byte_array_unref (good);
  g_byte_array_unref (dgram);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* A value that is not finite makes no item. */
GST_START_TEST (test_invalid_values)
{
  MavlinkAttitude bad = attitude;
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  bad.roll = NAN;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &bad);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
      &global_position);
  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields,
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
  wait_stat_u64 (h->element, "items-out", 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-messages"), 2);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-in"), 0);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* `paused` holds telemetry; resuming lets it go. */
/* A message read late (reordered by 400 ms) does not put its old values
 * in the newest item: it is dropped and counted. */
GST_START_TEST (test_late_message_dropped)
{
  MavlinkAttitude late = attitude;
  MavlinkGlobalPositionInt g = global_position;
  GstHarness *h;
  GstOdometry o;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");

  send_tick (v, 2000, 1.0);
  late.time_boot_ms = 1600;
  late.yaw = 9;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_ATTITUDE, &late);
  g.time_boot_ms = 2020;
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_GLOBAL_POSITION_INT, &g);
  wait_stat_u64 (h->element, "telemetry-messages", 5);
  fail_unless (gst_element_send_event (h->element, gst_event_new_eos ()));

  o = pull_odometry (h, NULL);
  fail_unless_equals_uint64 (o.source_time_us, 2000000);
  fail_unless_equals_float (o.yaw, 1.0);
  o = pull_odometry (h, NULL);
  fail_unless_equals_uint64 (o.source_time_us, 2020000);
  fail_unless_equals_float (o.yaw, 1.0);
  pull_eos (h);
  fail_if (gst_harness_try_pull (h) != NULL);
  fail_unless_equals_uint64 (stat_u64 (h->element, "telemetry-dropped"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "items-out"), 2);

  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* The autopilot's STATUSTEXTs reach the user: warnings up to
 * MAV_SEVERITY_WARNING, infos for NOTICE and INFO, DEBUG not at all. */
GST_START_TEST (test_statustext_to_user)
{
  MavlinkStatustext prearm = { .severity = 4 }, mode = { .severity = 6 };
  MavlinkStatustext debug = { .severity = 7 }, full = { .severity = 2 };
  const GstStructure *details = NULL;
  GstHarness *h;
  GstMessage *msg;
  GstBus *bus;
  guint severity = 0;
  Vehicle *v;

  h = harness_udp (NULL, &v);
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  wait_vehicle (h->element, "ok");
  expect_message (bus, GST_MESSAGE_INFO, 5000,
      "Found the vehicle: system 1, component 1, MAVLink 2.");

  g_strlcpy (prearm.text, "PreArm: GPS not healthy", sizeof (prearm.text));
  g_strlcpy (mode.text, "Mode GUIDED", sizeof (mode.text));
  g_strlcpy (debug.text, "EKF3 IMU0 tilt alignment", sizeof (debug.text));
  memset (full.text, 'x', sizeof (full.text));
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_STATUSTEXT, &debug);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_STATUSTEXT, &prearm);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_STATUSTEXT, &mode);
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_STATUSTEXT, &full);

  msg = pop_message (bus, GST_MESSAGE_WARNING, 5000);
  fail_unless (msg != NULL);
  gst_message_parse_warning_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_uint (details, "severity", &severity));
  fail_unless_equals_int (severity, 4);
  fail_unless_equals_string (gst_structure_get_string (details, "text"),
      "PreArm: GPS not healthy");
  gst_message_unref (msg);
  expect_message (bus, GST_MESSAGE_INFO, 5000, "The vehicle says: Mode "
      "GUIDED");
  /* 50 characters, no terminating zero */
  {
    gchar *want = g_strnfill (50, 'x'), *text;

    text = g_strdup_printf ("The vehicle says: %s", want);
    expect_message (bus, GST_MESSAGE_WARNING, 5000, text);
    g_free (text);
    g_free (want);
  }
  fail_if (pop_message (bus, GST_MESSAGE_WARNING | GST_MESSAGE_INFO, 100));

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  vehicle_free (v);
}

GST_END_TEST;

/* flightlink is not a ground station: its system id is the vehicle's own
 * (1) unless set, and its component the onboard computer's. */
GST_START_TEST (test_default_ids)
{
  GstElement *fl = gst_element_factory_make ("flightlink", NULL);
  guint sysid = 0, compid = 0;

  g_object_get (fl, "system-id", &sysid, "component-id", &compid, NULL);
  fail_unless_equals_int (sysid, 1);
  fail_unless_equals_int (compid, 191);
  gst_object_unref (fl);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* heartbeats, on a test clock */

/* Takes every message from the bus: counts the warnings, keeps the first
 * warning and the last worker heartbeat. */
typedef struct
{
  guint warnings;
  GstMessage *warning;
  GstMessage *heartbeat;
} Drained;

static void
drain_bus (GstBus * bus, Drained * d)
{
  GstMessage *msg;

  memset (d, 0, sizeof (*d));
  while ((msg = gst_bus_pop (bus))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING && !d->warnings++) {
      d->warning = msg;
    } else if (gst_worker_message_is_heartbeat (msg)) {
      gst_message_replace (&d->heartbeat, msg);
      gst_message_unref (msg);
    } else {
      gst_message_unref (msg);
    }
  }
}

static void
drained_clear (Drained * d)
{
  gst_clear_message (&d->warning);
  gst_clear_message (&d->heartbeat);
}

static const gchar *
heartbeat_vehicle (Drained * d)
{
  fail_unless (d->heartbeat != NULL);
  return gst_structure_get_string (gst_message_get_structure (d->heartbeat),
      "vehicle");
}

/* flightlink sends its heartbeat once a second once it knows the vehicle,
 * reports the vehicle lost after vehicle-timeout (a warning, and in its
 * worker heartbeats), and back when it returns. */
GST_START_TEST (test_heartbeat_and_vehicle_loss)
{
  GstElement *pipe, *fl;
  MavlinkHeartbeat hb;
  MavlinkFrame f;
  Drained d;
  GstMessage *msg;
  GError *err = NULL;
  GstBus *bus;
  Vehicle *v;
  gint port;
  guint sysid = 0, timeout = 0;
  const GstStructure *details;
  gchar *state;
  guint i;

  test_clock = gst_test_clock_new ();
  gst_system_clock_set_default (test_clock);

  pipe = gst_parse_launch ("flightlink name=fl address=127.0.0.1 port=0 "
      "vehicle-timeout=2500 heartbeat-interval=1000 ! fakesink", NULL);
  fl = gst_bin_get_by_name (GST_BIN (pipe), "fl");
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);
  v = vehicle_new_udp (port);

  /* t = 0: a tick with no vehicle: nothing sent */
  advance_to (0);
  fail_if (vehicle_recv (v, &f, 100, TRUE));

  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  /* the receiving thread posts this after it says "ok", and may be held
   * up between the two: wait for it, or it can come after "back" below */
  expect_message (bus, GST_MESSAGE_INFO, 5000,
      "Found the vehicle: system 1, component 1, MAVLink 2.");
  wait_vehicle (fl, "ok");

  /* t = 1 s, 2 s: our heartbeats; the vehicle is still there */
  for (i = 1; i <= 2; i++) {
    advance_to (i * GST_SECOND);
    fail_unless (vehicle_recv (v, &f, 5000, TRUE));
    check_target (&f, 2);
    fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_HEARTBEAT, &hb));
    fail_unless_equals_int (hb.type, 18);
    fail_unless_equals_int (hb.autopilot, 8);
    fail_unless_equals_int (hb.system_status, 4);
    fail_unless_equals_int (hb.mavlink_version, 3);
  }
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 0);
  fail_unless_equals_string (heartbeat_vehicle (&d), "ok");
  drained_clear (&d);
  fail_unless_equals_uint64 (stat_u64 (fl, "vehicle-heartbeat-age"),
      2 * GST_SECOND);

  /* t = 3 s: 3 s since the vehicle's heartbeat, more than 2.5 s: lost */
  advance_to (3 * GST_SECOND);
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 1);
  msg = gst_message_ref (d.warning);
  drained_clear (&d);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless_equals_string (err->message,
      "Lost the vehicle's heartbeat: nothing from system 1 for 2500 ms.");
  g_error_free (err);
  gst_message_parse_warning_details (msg, &details);
  fail_unless (gst_structure_get_uint (details, "system-id", &sysid));
  fail_unless (gst_structure_get_uint (details, "timeout-ms", &timeout));
  fail_unless_equals_int (sysid, 1);
  fail_unless_equals_int (timeout, 2500);
  gst_message_unref (msg);
  state = stat_string (fl, "vehicle");
  fail_unless_equals_string (state, "lost");
  g_free (state);
  /* reported once; the worker heartbeat of t = 4 s says so too */
  advance_to (4 * GST_SECOND);
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 0);
  fail_unless_equals_string (heartbeat_vehicle (&d), "lost");
  drained_clear (&d);

  /* it comes back */
  vehicle_send (v, 2, 1, MAVLINK_MSG_ID_HEARTBEAT, &vehicle_heartbeat);
  expect_message (bus, GST_MESSAGE_INFO, 5000,
      "The vehicle's heartbeat is back (system 1).");
  wait_vehicle (fl, "ok");

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (fl);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  vehicle_free (v);
  gst_system_clock_set_default (NULL);
  gst_clear_object (&test_clock);
}

GST_END_TEST;

/* No vehicle at all: one warning vehicle-timeout after PLAYING, naming
 * the link, then silence; the heartbeat says "waiting". */
GST_START_TEST (test_no_vehicle_heard)
{
  Drained d = { 0 };
  GstElement *pipe, *fl;
  GstMessage *msg;
  GError *err = NULL;
  GstBus *bus;
  gint port;
  guint timeout = 0;
  const GstStructure *details;
  gchar *state, *expected;

  test_clock = gst_test_clock_new ();
  gst_system_clock_set_default (test_clock);

  pipe = gst_parse_launch ("flightlink name=fl address=127.0.0.1 port=0 "
      "vehicle-timeout=2500 heartbeat-interval=1000 ! fakesink", NULL);
  fl = gst_bin_get_by_name (GST_BIN (pipe), "fl");
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (fl, "bound-port", &port, NULL);

  /* t = 0, 1 s, 2 s: nothing yet */
  advance_to (0);
  advance_to (1 * GST_SECOND);
  advance_to (2 * GST_SECOND);
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 0);
  fail_unless_equals_string (heartbeat_vehicle (&d), "waiting");
  drained_clear (&d);

  /* t = 3 s: 2.5 s passed with no vehicle */
  advance_to (3 * GST_SECOND);
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 1);
  msg = gst_message_ref (d.warning);
  drained_clear (&d);
  gst_message_parse_warning (msg, &err, NULL);
  expected = g_strdup_printf ("No vehicle heard: no heartbeat on UDP "
      "127.0.0.1:%d for 2500 ms.", port);
  fail_unless_equals_string (err->message, expected);
  g_free (expected);
  g_error_free (err);
  gst_message_parse_warning_details (msg, &details);
  fail_unless (gst_structure_get_uint (details, "timeout-ms", &timeout));
  fail_unless_equals_int (timeout, 2500);
  gst_message_unref (msg);
  state = stat_string (fl, "vehicle");
  fail_unless_equals_string (state, "waiting");
  g_free (state);

  /* said once */
  advance_to (4 * GST_SECOND);
  advance_to (8 * GST_SECOND);
  drain_bus (bus, &d);
  fail_unless_equals_int (d.warnings, 0);
  drained_clear (&d);

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (fl);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  gst_system_clock_set_default (NULL);
  gst_clear_object (&test_clock);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* a serial line */

GST_START_TEST (test_serial_line)
{
  static const guint8 garbage[] = { 0x55, 0xaa, 0x00, 0xfe };
  GByteArray *stream = g_byte_array_new ();
  MavlinkCommandLong cl;
  MavlinkFrame f;
  GstHarness *h;
  GstOdometry o;
  gchar *device, *desc;
  Vehicle *v;
  guint i;

  v = vehicle_new_pty (&device);
  desc = g_strdup_printf ("flightlink device=%s baud=115200 "
      "command-timeout=0 "
      "heartbeat-interval=0", device);
  h = harness_flightlink (desc);
  g_free (desc);
  gst_harness_set_src_caps_str (h, GST_FLIGHT_COMMAND_CAPS);
  gst_harness_play (h);

  /* a stream of frames and garbage, written a byte at a time */
  g_byte_array_append (stream, garbage, sizeof (garbage));
  frame_append (stream, 2, 0, 1, 1, MAVLINK_MSG_ID_HEARTBEAT,
      &vehicle_heartbeat);
  g_byte_array_append (stream, garbage, sizeof (garbage));
  frame_append (stream, 1, 1, 1, 1, MAVLINK_MSG_ID_ATTITUDE, &attitude);
  frame_append (stream, 2, 2, 1, 1, MAVLINK_MSG_ID_GLOBAL_POSITION_INT,
      &global_position);
  for (i = 0; i < stream->len; i++)
    vehicle_send_bytes (v, stream->data + i, 1);

  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE);
  fail_unless_equals_float (o.pitch, -0.0625);
  o = pull_odometry (h, NULL);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_ATTITUDE |
      GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
  fail_unless_equals_float (o.longitude, -805412345 / 1e7);
  fail_unless_equals_uint64 (stat_u64 (h->element, "garbage-bytes"),
      2 * sizeof (garbage));

  gst_harness_push (h, command_buffer (GST_FLIGHT_COMMAND_RETURN, 0));
  fail_unless (vehicle_recv (v, &f, 5000, FALSE));
  check_target (&f, 2);
  fail_unless (mavlink_frame_decode (&f, MAVLINK_MSG_ID_COMMAND_LONG, &cl));
  fail_unless_equals_int (cl.command, 20);
  fail_unless (vehicle_recv (v, &f, 3000, TRUE));

  gst_harness_teardown (h);
  vehicle_free (v);
  g_byte_array_unref (stream);
  g_free (device);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* errors name the address or the device */

static gchar *
state_change_error (const gchar * desc)
{
  GstElement *pipe = gst_pipeline_new (NULL);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  gst_bin_add (GST_BIN (pipe), gst_parse_launch (desc, NULL));
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return text;
}

GST_START_TEST (test_open_errors)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *local;
  GSocket *taken = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  gchar *desc, *text, *expected;
  gint port;

  fail_unless (g_socket_bind (taken, addr, FALSE, NULL));
  local = g_socket_get_local_address (taken, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  desc = g_strdup_printf ("flightlink address=127.0.0.1 port=%d", port);
  text = state_change_error (desc);
  expected = g_strdup_printf ("Could not bind to UDP 127.0.0.1:%d: the "
      "port is in use.", port);
  fail_unless_equals_string (text, expected);
  g_free (expected);
  g_free (text);
  g_free (desc);

  text = state_change_error ("flightlink device=/nonexistent/ttyACM7");
  fail_unless_equals_string (text,
      "Serial device /nonexistent/ttyACM7 does not exist.");
  g_free (text);

  text = state_change_error ("flightlink device=/dev/null");
  fail_unless_equals_string (text, "/dev/null is not a serial device.");
  g_free (text);

  text = state_change_error ("flightlink device=/dev/null baud=12345");
  fail_unless_equals_string (text,
      "Unsupported baud rate 12345 for serial device /dev/null.");
  g_free (text);

  text = state_change_error ("flightlink port=0 remote-address=127.0.0.1");
  fail_unless_equals_string (text,
      "remote-address and remote-port must be set together.");
  g_free (text);

  g_object_unref (local);
  g_object_unref (taken);
  g_object_unref (addr);
  g_object_unref (lo);
}

GST_END_TEST;

/* With remote-address, flightlink writes there from the start. */
GST_START_TEST (test_remote_address)
{
  GstHarness *h;
  MavlinkFrame f;
  Vehicle *v = vehicle_new_udp (1);
  GSocketAddress *local = g_socket_get_local_address (v->socket, NULL);
  gchar *desc;

  desc = g_strdup_printf ("flightlink address=127.0.0.1 port=0 "
      "heartbeat-interval=0 remote-address=127.0.0.1 remote-port=%u",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  h = harness_flightlink (desc);
  g_free (desc);
  gst_harness_play (h);
  fail_unless (vehicle_recv (v, &f, 3000, TRUE));
  check_target (&f, 2);
  gst_harness_teardown (h);
  g_object_unref (local);
  vehicle_free (v);
}

GST_END_TEST;

static Suite *
flightlink_suite (void)
{
  Suite *s = suite_create ("flightlink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_telemetry_items);
  tcase_add_test (tc, test_pause_play_telemetry);
  tcase_add_test (tc, test_vehicle_timestamps);
  tcase_add_test (tc, test_vehicle_time_items);
  tcase_add_test (tc, test_late_message_dropped);
  tcase_add_test (tc, test_statustext_to_user);
  tcase_add_test (tc, test_default_ids);
  tcase_add_test (tc, test_arrival_item_per_message);
  tcase_add_test (tc, test_vehicle_choice);
  tcase_add_test (tc, test_bad_frames_counted);
  tcase_add_test (tc, test_invalid_values);
  tcase_add_test (tc, test_heartbeat_and_vehicle_loss);
  tcase_add_test (tc, test_no_vehicle_heard);
  tcase_add_test (tc, test_serial_line);
  tcase_add_test (tc, test_open_errors);
  tcase_add_test (tc, test_remote_address);
  return s;
}

GST_CHECK_MAIN (flightlink);
