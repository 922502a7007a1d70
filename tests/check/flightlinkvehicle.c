/* gst-workers: the vehicle flightlink's tests play, and their helpers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A vehicle played by the test over UDP on loopback (and a serial line, a
 * pseudo-terminal): it sends MAVLink frames written with the codec and
 * reads what flightlink writes. Besides: flightlink in a harness, its
 * stats, its messages, command items, and a test clock to advance.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "flightlinkvehicle.h"

/* ---------------------------------------------------------------------- */
/* the vehicle */


Vehicle *
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
Vehicle *
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

void
vehicle_free (Vehicle * v)
{
  g_clear_object (&v->socket);
  g_clear_object (&v->flightlink);
  if (v->fd >= 0)
    close (v->fd);
  g_free (v);
}

void
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
void
frame_append (GByteArray * out, guint version, guint8 seq, guint8 sysid,
    guint8 compid, guint32 msgid, gconstpointer msg)
{
  guint8 frame[MAVLINK_MAX_FRAME_LEN];
  gsize n = mavlink_message_encode (frame, version, seq, sysid, compid,
      mavlink_message_info (msgid), msg);

  fail_unless (n > 0);
  g_byte_array_append (out, frame, n);
}

void
vehicle_send_from (Vehicle * v, guint version, guint8 sysid, guint8 compid,
    guint32 msgid, gconstpointer msg)
{
  GByteArray *out = g_byte_array_new ();

  frame_append (out, version, v->seq++, sysid, compid, msgid, msg);
  vehicle_send_bytes (v, out->data, out->len);
  g_byte_array_unref (out);
}

void
vehicle_send (Vehicle * v, guint version, guint8 sysid, guint32 msgid,
    gconstpointer msg)
{
  vehicle_send_from (v, version, sysid, 1, msgid, msg);
}

const MavlinkHeartbeat vehicle_heartbeat = {
  .type = 2,                    /* quadrotor */
  .autopilot = 3,               /* ArduPilot */
  .base_mode = 81,
  .custom_mode = 4,             /* guided */
  .system_status = 4,
  .mavlink_version = 3,
};

const MavlinkGlobalPositionInt global_position = {
  .time_boot_ms = 123456, .lat = 434712345, .lon = -805412345,
  .alt = 350250, .relative_alt = 30125, .vx = 150, .vy = -75, .vz = 10,
  .hdg = 9000,
};

const MavlinkAttitude attitude = {
  .time_boot_ms = 123460, .roll = 0.125, .pitch = -0.0625, .yaw = 1.5,
};

const MavlinkLocalPositionNed local_position = {
  .time_boot_ms = 123470, .x = 12.5, .y = -3.25, .z = -40, .vx = 0.5,
  .vy = 0.25, .vz = -0.125,
};

/* Reads what flightlink wrote until a frame that is not one of its
 * heartbeats comes (or, with @heartbeats, one that is), within
 * @timeout_ms. */

gboolean
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

gboolean
vehicle_recv (Vehicle * v, MavlinkFrame * frame, guint timeout_ms,
    gboolean heartbeats)
{
  return vehicle_recv_what (v, frame, timeout_ms, heartbeats ?
      RECV_HEARTBEATS : RECV_OTHERS);
}

/* ---------------------------------------------------------------------- */
/* helpers */

GstStructure *
get_stats (GstElement * fl)
{
  GstStructure *s = NULL;

  g_object_get (fl, "stats", &s, NULL);
  fail_unless (s != NULL);
  return s;
}

guint64
stat_u64 (GstElement * fl, const gchar * field)
{
  GstStructure *s = get_stats (fl);
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

gchar *
stat_string (GstElement * fl, const gchar * field)
{
  GstStructure *s = get_stats (fl);
  gchar *v = g_strdup (gst_structure_get_string (s, field));

  gst_structure_free (s);
  return v;
}

/* Waits (at most 10 s) until the stats field @field reaches @value: the
 * reader thread has taken in what the vehicle sent. */
void
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

void
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
GstHarness *
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

GstHarness *
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

GstOdometry
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

/* Pulls @h's events until EOS; fails if none comes. */
void
pull_eos (GstHarness * h)
{
  GstEvent *ev;

  while ((ev = gst_harness_pull_event (h)) &&
      GST_EVENT_TYPE (ev) != GST_EVENT_EOS)
    gst_event_unref (ev);
  fail_unless (ev != NULL);
  gst_event_unref (ev);
}

GstClockTime
harness_running_time (GstHarness * h)
{
  GstClock *clock = GST_CLOCK (gst_harness_get_testclock (h));
  GstClockTime t = gst_clock_get_time (clock) -
      gst_element_get_base_time (h->element);

  gst_object_unref (clock);
  return t;
}

GstBuffer *
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
GstMessage *
pop_message (GstBus * bus, GstMessageType types, guint ms)
{
  return gst_bus_timed_pop_filtered (bus, ms * GST_MSECOND, types);
}

/* Pops the next message of @type within @ms and checks its GError text. */
void
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
GstClock *test_clock;

/* Fires every clock entry due up to @t. */
void
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

/* A frame of flightlink's, in @version, with its default ids. */
void
check_target (const MavlinkFrame * f, guint version)
{
  fail_unless_equals_int (f->version, version);
  fail_unless_equals_int (f->sysid, 1);
  fail_unless_equals_int (f->compid, 191);
}
