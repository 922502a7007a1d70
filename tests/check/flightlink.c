/* gst-workers: flightlink, the flight-controller link worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A vehicle played by the test over UDP on loopback (and a serial line, a
 * pseudo-terminal): it sends MAVLink frames written with the codec and
 * reads what flightlink writes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include "mavlink-codec.h"

/* ---------------------------------------------------------------------- */
/* the vehicle */

typedef struct
{
  GSocket *socket;              /* UDP; or */
  gint fd;                      /* a pty master */
  GSocketAddress *flightlink;
  MavlinkParser parser;
  guint8 seq;
} Vehicle;

static Vehicle *
vehicle_new_udp (gint flightlink_port)
{
  Vehicle *v = g_new0 (Vehicle, 1);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);

  v->fd = -1;
  v->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);
  fail_unless (v->socket != NULL);
  fail_unless (g_socket_bind (v->socket, any, FALSE, NULL));
  v->flightlink = g_inet_socket_address_new (lo, flightlink_port);
  mavlink_parser_init (&v->parser);
  g_object_unref (any);
  g_object_unref (lo);
  return v;
}

/* A pseudo-terminal: flightlink opens the returned device. */
static Vehicle *
vehicle_new_pty (gchar ** device)
{
  Vehicle *v = g_new0 (Vehicle, 1);
  struct termios tio;

  v->fd = posix_openpt (O_RDWR | O_NOCTTY);
  fail_unless (v->fd >= 0);
  fail_unless (grantpt (v->fd) == 0 && unlockpt (v->fd) == 0);
  tcgetattr (v->fd, &tio);
  cfmakeraw (&tio);
  tcsetattr (v->fd, TCSANOW, &tio);
  *device = g_strdup (ptsname (v->fd));
  mavlink_parser_init (&v->parser);
  return v;
}

static void
vehicle_free (Vehicle * v)
{
  g_clear_object (&v->socket);
  g_clear_object (&v->flightlink);
  if (v->fd >= 0)
    close (v->fd);
  g_free (v);
}

static void
vehicle_send_bytes (Vehicle * v, const guint8 * data, gsize len)
{
  if (v->socket) {
    fail_unless_equals_int (g_socket_send_to (v->socket, v->flightlink,
            (const gchar *) data, len, NULL, NULL), len);
  } else {
    fail_unless_equals_int (write (v->fd, data, len), len);
  }
}

/* Appends one frame to @out. */
static void
frame_append (GByteArray * out, guint version, guint8 seq, guint8 sysid,
    guint8 compid, guint32 msgid, gconstpointer msg)
{
  guint8 frame[MAVLINK_MAX_FRAME_LEN];
  gsize n = mavlink_message_encode (frame, version, seq, sysid, compid,
      mavlink_message_info (msgid), msg);

  fail_unless (n > 0);
  g_byte_array_append (out, frame, n);
}

static void
vehicle_send_from (Vehicle * v, guint version, guint8 sysid, guint8 compid,
    guint32 msgid, gconstpointer msg)
{
  GByteArray *out = g_byte_array_new ();

  frame_append (out, version, v->seq++, sysid, compid, msgid, msg);
  vehicle_send_bytes (v, out->data, out->len);
  g_byte_array_unref (out);
}

static void
vehicle_send (Vehicle * v, guint version, guint8 sysid, guint32 msgid,
    gconstpointer msg)
{
  vehicle_send_from (v, version, sysid, 1, msgid, msg);
}

static const MavlinkHeartbeat vehicle_heartbeat = {
  .type = 2,                    /* quadrotor */
  .autopilot = 3,               /* ArduPilot */
  .base_mode = 81,
  .custom_mode = 4,             /* guided */
  .system_status = 4,
  .mavlink_version = 3,
};

static const MavlinkGlobalPositionInt global_position = {
  .time_boot_ms = 123456, .lat = 434712345, .lon = -805412345,
  .alt = 350250, .relative_alt = 30125, .vx = 150, .vy = -75, .vz = 10,
  .hdg = 9000,
};

static const MavlinkAttitude attitude = {
  .time_boot_ms = 123460, .roll = 0.125, .pitch = -0.0625, .yaw = 1.5,
};

static const MavlinkLocalPositionNed local_position = {
  .time_boot_ms = 123470, .x = 12.5, .y = -3.25, .z = -40, .vx = 0.5,
  .vy = 0.25, .vz = -0.125,
};

/* Reads what flightlink wrote until a frame that is not one of its
 * heartbeats comes (or, with @heartbeats, one that is), within
 * @timeout_ms. */
typedef enum
{
  RECV_OTHERS,                  /* not its heartbeats */
  RECV_HEARTBEATS,
  RECV_ANY,
} RecvWhat;

static gboolean
vehicle_recv_what (Vehicle * v, MavlinkFrame * frame, guint timeout_ms,
    RecvWhat what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  guint8 buf[2048];

  for (;;) {
    gint64 left;
    gssize n;

    while (mavlink_parser_next (&v->parser, frame, v->socket != NULL) ==
        MAVLINK_PARSE_FRAME) {
      if (!frame->info)
        continue;
      if (what == RECV_ANY ||
          (frame->msgid == MAVLINK_MSG_ID_HEARTBEAT) ==
          (what == RECV_HEARTBEATS))
        return TRUE;
    }
    left = deadline - g_get_monotonic_time ();
    if (left <= 0)
      return FALSE;
    if (v->socket) {
      if (!g_socket_condition_timed_wait (v->socket, G_IO_IN, left, NULL,
              NULL))
        return FALSE;
      n = g_socket_receive (v->socket, (gchar *) buf, sizeof (buf), NULL,
          NULL);
    } else {
      GPollFD pfd = { v->fd, G_IO_IN, 0 };

      if (g_poll (&pfd, 1, left / 1000 + 1) <= 0)
        continue;
      n = read (v->fd, buf, sizeof (buf));
    }
    fail_unless (n > 0);
    fail_unless_equals_int (mavlink_parser_feed (&v->parser, buf, n), n);
  }
}

static gboolean
vehicle_recv (Vehicle * v, MavlinkFrame * frame, guint timeout_ms,
    gboolean heartbeats)
{
  return vehicle_recv_what (v, frame, timeout_ms, heartbeats ?
      RECV_HEARTBEATS : RECV_OTHERS);
}

/* ---------------------------------------------------------------------- */
/* helpers */

static GstStructure *
get_stats (GstElement * fl)
{
  GstStructure *s = NULL;

  g_object_get (fl, "stats", &s, NULL);
  fail_unless (s != NULL);
  return s;
}

static guint64
stat_u64 (GstElement * fl, const gchar * field)
{
  GstStructure *s = get_stats (fl);
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

static gchar *
stat_string (GstElement * fl, const gchar * field)
{
  GstStructure *s = get_stats (fl);
  gchar *v = g_strdup (gst_structure_get_string (s, field));

  gst_structure_free (s);
  return v;
}

/* Waits (at most 10 s) until the stats field @field reaches @value: the
 * reader thread has taken in what the vehicle sent. */
static void
wait_stat_u64 (GstElement * fl, const gchar * field, guint64 value)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (stat_u64 (fl, field) < value) {
    fail_unless (g_get_monotonic_time () < deadline, "%s stays below %"
        G_GUINT64_FORMAT, field, value);
    g_usleep (1000);
  }
  fail_unless_equals_uint64 (stat_u64 (fl, field), value);
}

static void
wait_vehicle (GstElement * fl, const gchar * state)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gchar *s;

  while (g_strcmp0 ((s = stat_string (fl, "vehicle")), state) != 0) {
    g_free (s);
    fail_unless (g_get_monotonic_time () < deadline, "vehicle never %s",
        state);
    g_usleep (1000);
  }
  g_free (s);
}

/* A harness around one flightlink described by @desc. */
static GstHarness *
harness_flightlink (const gchar * desc)
{
  GstElement *fl = gst_parse_launch (desc, NULL);
  GstHarness *h;

  fail_unless (fl != NULL);
  fail_unless (g_str_equal (G_OBJECT_TYPE_NAME (fl), "GstFlightLink"));
  h = gst_harness_new_with_element (fl, "sink", "src");
  gst_object_unref (fl);
  return h;
}

static GstHarness *
harness_udp (const gchar * extra, Vehicle ** v)
{
  gchar *desc = g_strdup_printf ("flightlink address=127.0.0.1 port=0 "
      "command-timeout=0 heartbeat-interval=0 %s", extra ? extra : "");
  GstHarness *h = harness_flightlink (desc);
  gint port = 0;

  g_free (desc);
  gst_harness_set_src_caps_str (h, GST_FLIGHT_COMMAND_CAPS);
  gst_harness_play (h);
  g_object_get (h->element, "bound-port", &port, NULL);
  fail_unless (port > 0);
  *v = vehicle_new_udp (port);
  return h;
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

static GstClockTime
harness_running_time (GstHarness * h)
{
  GstClock *clock = GST_CLOCK (gst_harness_get_testclock (h));
  GstClockTime t = gst_clock_get_time (clock) -
      gst_element_get_base_time (h->element);

  gst_object_unref (clock);
  return t;
}

static GstBuffer *
command_buffer (GstFlightCommandType type, GstFlightCommandFlags flags)
{
  GstFlightCommand cmd;

  gst_flight_command_init (&cmd, type);
  cmd.flags = flags;
  cmd.latitude = 43.4712345;
  cmd.longitude = -80.5412345;
  cmd.altitude = 350.25;
  cmd.north = 10.5;
  cmd.east = -20.25;
  cmd.down = -30;
  cmd.yaw = G_PI / 2;
  return gst_flight_command_to_buffer (&cmd, 0);
}

/* Pops bus messages of @types until one comes, for at most @ms. */
static GstMessage *
pop_message (GstBus * bus, GstMessageType types, guint ms)
{
  return gst_bus_timed_pop_filtered (bus, ms * GST_MSECOND, types);
}

/* Pops the next message of @type within @ms and checks its GError text. */
static void
expect_message (GstBus * bus, GstMessageType type, guint ms,
    const gchar * text)
{
  GstMessage *msg = pop_message (bus, type, ms);
  GError *err = NULL;

  fail_unless (msg != NULL, "no %s message within %u ms",
      gst_message_type_get_name (type), ms);
  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, NULL);
  else if (type == GST_MESSAGE_WARNING)
    gst_message_parse_warning (msg, &err, NULL);
  else
    gst_message_parse_info (msg, &err, NULL);
  fail_unless_equals_string (err->message, text);
  g_error_free (err);
  gst_message_unref (msg);
}

/* The element's own clock (the system clock's default), in the tests that
 * set it; the harness's test clock is the pipeline clock. */
static GstClock *test_clock;

/* Fires every clock entry due up to @t. */
static void
advance_to (GstClockTime t)
{
  GstClockID id;

  gst_test_clock_set_time (GST_TEST_CLOCK (test_clock), t);
  while (gst_test_clock_peek_next_pending_id (GST_TEST_CLOCK (test_clock),
          &id)) {
    gboolean due = gst_clock_id_get_time (id) <= t;

    gst_clock_id_unref (id);
    if (!due)
      break;
    gst_clock_id_unref (gst_test_clock_process_next_clock_id
        (GST_TEST_CLOCK (test_clock)));
  }
}

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
  GstEvent *ev;
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
  while ((ev = gst_harness_pull_event (h)) &&
      GST_EVENT_TYPE (ev) != GST_EVENT_EOS)
    gst_event_unref (ev);
  fail_unless (ev != NULL);
  gst_event_unref (ev);
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
  GstEvent *ev;
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
  while ((ev = gst_harness_pull_event (h)) &&
      GST_EVENT_TYPE (ev) != GST_EVENT_EOS)
    gst_event_unref (ev);
  fail_unless (ev != NULL);
  gst_event_unref (ev);
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

  fail_unless (vehicle_recv (v, &f, 5000, FALSE), "no command %u", command);
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

  acked_link_start (&l, "command-timeout=800 command-retries=2 "
      "vehicle-timeout=0", &vehicle_heartbeat);
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

  /* takeoff to 30 m, in progress, then never answered: three attempts,
   * timed out */
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

  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-sent"), 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-retried"), 3);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-timed-out"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-accepted"), 1);
  fail_unless_equals_uint64 (stat_u64 (h->element, "commands-refused"), 1);

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

static void
check_target (const MavlinkFrame * f, guint version)
{
  fail_unless_equals_int (f->version, version);
  fail_unless_equals_int (f->sysid, 1);
  fail_unless_equals_int (f->compid, 191);
}

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
flightlink_suite (void)
{
  Suite *s = suite_create ("flightlink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_telemetry_items);
  tcase_add_test (tc, test_vehicle_timestamps);
  tcase_add_test (tc, test_vehicle_time_items);
  tcase_add_test (tc, test_late_message_dropped);
  tcase_add_test (tc, test_statustext_to_user);
  tcase_add_test (tc, test_default_ids);
  tcase_add_test (tc, test_command_acks);
  tcase_add_test (tc, test_px4_setpoint_stream);
  tcase_add_test (tc, test_command_completion);
  tcase_add_test (tc, test_vehicle_state_and_home);
  tcase_add_test (tc, test_arrival_item_per_message);
  tcase_add_test (tc, test_vehicle_choice);
  tcase_add_test (tc, test_bad_frames_counted);
  tcase_add_test (tc, test_invalid_values);
  tcase_add_test (tc, test_paused_holds);
  tcase_add_test (tc, test_commands_out);
  tcase_add_test (tc, test_commands_wait_for_vehicle);
  tcase_add_test (tc, test_flush_wakes_command);
  tcase_add_test (tc, test_malformed_command);
  tcase_add_test (tc, test_heartbeat_and_vehicle_loss);
  tcase_add_test (tc, test_no_vehicle_heard);
  tcase_add_test (tc, test_serial_line);
  tcase_add_test (tc, test_open_errors);
  tcase_add_test (tc, test_remote_address);
  tcase_add_test (tc, test_eos_waits_for_commands);
  tcase_add_test (tc, test_eos_unlinked_sink);
  tcase_add_test (tc, test_counts_unlinked_src);
  tcase_add_test (tc, test_stop_while_blocked);
  return s;
}

GST_CHECK_MAIN (flightlink);
