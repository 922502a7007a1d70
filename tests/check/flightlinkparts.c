/* gst-workers: flightlink's parts without the element: its settings, its
 * results, its writer
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "flightlink-results.h"
#include "flightlink-settings.h"
#include "flightlink-writer.h"
#include "mavlink-codec.h"

/* the plugin's category, which the parts log in */
GST_DEBUG_CATEGORY (flight_link_debug);

/* ---------------------------------------------------------------------- */
/* the settings, on an object of their own */

#define TEST_TYPE_HOLDER (test_holder_get_type ())
G_DECLARE_FINAL_TYPE (TestHolder, test_holder, TEST, HOLDER, GObject)

struct _TestHolder
{
  GObject parent;
  FlightLinkSettings *settings;
};

G_DEFINE_TYPE (TestHolder, test_holder, G_TYPE_OBJECT);

static void
test_holder_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  if (!flight_link_settings_set_property (TEST_HOLDER (object)->settings,
          prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
test_holder_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  if (!flight_link_settings_get_property (TEST_HOLDER (object)->settings,
          prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
test_holder_finalize (GObject * object)
{
  flight_link_settings_free (TEST_HOLDER (object)->settings);
  G_OBJECT_CLASS (test_holder_parent_class)->finalize (object);
}

static void
test_holder_class_init (TestHolderClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = test_holder_set_property;
  gobject_class->get_property = test_holder_get_property;
  gobject_class->finalize = test_holder_finalize;
  flight_link_settings_install (gobject_class);
}

static void
test_holder_init (TestHolder * self)
{
  self->settings = flight_link_settings_new ();
}

GST_START_TEST (test_settings_ids)
{
  GObjectClass *klass = g_type_class_ref (TEST_TYPE_HOLDER);
  GParamSpec **specs;
  guint n, i;

  /* after the worker core's ids, one each, up to the last */
  specs = g_object_class_list_properties (klass, &n);
  fail_unless_equals_int (n,
      FLIGHT_LINK_SETTINGS_PROP_LAST - GST_WORKER_CORE_PROP_LAST);
  for (i = 0; i < n; i++) {
    fail_unless (specs[i]->param_id > GST_WORKER_CORE_PROP_LAST);
    fail_unless (specs[i]->param_id <= FLIGHT_LINK_SETTINGS_PROP_LAST);
    fail_unless (specs[i]->flags & G_PARAM_WRITABLE, "%s",
        specs[i]->name);
    fail_unless (specs[i]->flags & GST_PARAM_MUTABLE_READY, "%s",
        specs[i]->name);
  }
  g_free (specs);
  fail_unless_equals_int (g_object_class_find_property (klass,
          "address")->param_id, FLIGHT_LINK_PROP_ADDRESS);
  fail_unless_equals_int (g_object_class_find_property (klass,
          "goto-command")->param_id, FLIGHT_LINK_PROP_GOTO_COMMAND);
  fail_unless (g_object_class_find_property (klass, "bad-frames") == NULL);
  fail_unless (g_object_class_find_property (klass, "bound-port") == NULL);
  g_type_class_unref (klass);
}

GST_END_TEST;

GST_START_TEST (test_settings_values_and_copies)
{
  TestHolder *h = g_object_new (TEST_TYPE_HOLDER, NULL);
  FlightLinkLinkConfig link;
  FlightLinkRunConfig run;
  GValue v = G_VALUE_INIT;

  /* the defaults, as the element documents them */
  flight_link_settings_get_link (h->settings, &link);
  fail_unless_equals_string (link.address, "0.0.0.0");
  fail_unless_equals_int (link.port, 14550);
  fail_unless (link.remote_address == NULL && link.device == NULL);
  fail_unless_equals_int (link.remote_port, 0);
  fail_unless_equals_int (link.baud, 57600);
  flight_link_link_config_clear (&link);
  fail_unless (link.address == NULL);

  flight_link_settings_get_run (h->settings, &run);
  fail_unless_equals_int (run.system_id, 1);
  fail_unless_equals_int (run.component_id, 191);
  fail_unless_equals_int (run.target_system, 0);
  fail_unless_equals_int (run.vehicle_timeout, 3000);
  fail_unless_equals_int (run.version, GST_FLIGHT_LINK_VERSION_AUTO);
  fail_unless_equals_int (run.timestamp_mode,
      GST_FLIGHT_LINK_TIMESTAMP_VEHICLE);
  fail_unless_equals_int (run.autopilot, GST_FLIGHT_LINK_AUTOPILOT_AUTO);
  fail_unless_equals_int (run.command_timeout, 1000);
  fail_unless_equals_int (run.command_retries, 3);
  fail_unless_equals_int (run.completion_timeout, 0);
  fail_unless_equals_int (run.setpoint_rate, 5);
  fail_unless_equals_int (run.telemetry_rate, 0);
  fail_unless_equals_int (run.goto_command, GST_FLIGHT_LINK_GOTO_SETPOINT);

  /* every property set lands in its own field, and reads back */
  g_object_set (h, "address", "127.0.0.2", "port", 0, "remote-address",
      "127.0.0.3", "remote-port", 14551, "device", "/dev/ttyX", "baud",
      921600, "system-id", 2, "component-id", 3, "target-system", 4,
      "target-component", 5, "vehicle-timeout", 6, "mavlink-version",
      GST_FLIGHT_LINK_VERSION_1, "timestamp-mode",
      GST_FLIGHT_LINK_TIMESTAMP_ARRIVAL, "autopilot",
      GST_FLIGHT_LINK_AUTOPILOT_PX4, "command-timeout", 7, "command-retries",
      8, "completion-timeout", 9, "setpoint-rate", 10, "telemetry-rate", 11,
      "goto-command", GST_FLIGHT_LINK_GOTO_REPOSITION, NULL);
  flight_link_settings_get_run (h->settings, &run);
  fail_unless_equals_int (run.system_id, 2);
  fail_unless_equals_int (run.component_id, 3);
  fail_unless_equals_int (run.target_system, 4);
  fail_unless_equals_int (run.target_component, 5);
  fail_unless_equals_int (run.vehicle_timeout, 6);
  fail_unless_equals_int (run.version, GST_FLIGHT_LINK_VERSION_1);
  fail_unless_equals_int (run.timestamp_mode,
      GST_FLIGHT_LINK_TIMESTAMP_ARRIVAL);
  fail_unless_equals_int (run.autopilot, GST_FLIGHT_LINK_AUTOPILOT_PX4);
  fail_unless_equals_int (run.command_timeout, 7);
  fail_unless_equals_int (run.command_retries, 8);
  fail_unless_equals_int (run.completion_timeout, 9);
  fail_unless_equals_int (run.setpoint_rate, 10);
  fail_unless_equals_int (run.telemetry_rate, 11);
  fail_unless_equals_int (run.goto_command, GST_FLIGHT_LINK_GOTO_REPOSITION);

  /* the link's copy is the caller's own */
  flight_link_settings_get_link (h->settings, &link);
  g_object_set (h, "address", "10.0.0.1", "device", NULL, NULL);
  fail_unless_equals_string (link.address, "127.0.0.2");
  fail_unless_equals_string (link.remote_address, "127.0.0.3");
  fail_unless_equals_string (link.device, "/dev/ttyX");
  fail_unless_equals_int (link.port, 0);
  fail_unless_equals_int (link.remote_port, 14551);
  fail_unless_equals_int (link.baud, 921600);
  flight_link_link_config_clear (&link);

  g_value_init (&v, G_TYPE_STRING);
  fail_unless (flight_link_settings_get_property (h->settings,
          FLIGHT_LINK_PROP_ADDRESS, &v));
  fail_unless_equals_string (g_value_get_string (&v), "10.0.0.1");
  g_value_unset (&v);

  /* not one of the settings: left to the element */
  g_value_init (&v, G_TYPE_UINT64);
  fail_if (flight_link_settings_get_property (h->settings,
          FLIGHT_LINK_SETTINGS_PROP_LAST + 1, &v));
  fail_if (flight_link_settings_set_property (h->settings,
          GST_WORKER_CORE_PROP_PAUSED, &v));
  g_value_unset (&v);
  g_object_unref (h);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* the results, on a pad of an owner with a bus */

typedef struct
{
  GstElement *owner;
  GstPad *pad;
  GstWorkerCore *core;
  GstHarness *h;
  GstBus *bus;
  FlightLinkResults *r;
} ResultsFixture;

static void
results_setup (ResultsFixture * f)
{
  f->owner = gst_pipeline_new ("owner");
  f->pad = gst_pad_new ("results", GST_PAD_SRC);
  gst_element_add_pad (f->owner, f->pad);
  f->core = gst_worker_core_new (f->owner);
  f->h = gst_harness_new_empty ();
  gst_harness_add_element_src_pad (f->h, f->pad);
  fail_unless (gst_pad_set_active (f->pad, TRUE));
  f->bus = gst_element_get_bus (f->owner);
  f->r = flight_link_results_new (f->owner, f->pad, f->core);
  flight_link_results_reset (f->r, 250, 4000);
}

static void
results_teardown (ResultsFixture * f)
{
  flight_link_results_free (f->r);
  gst_harness_teardown (f->h);
  gst_worker_core_free (f->core);
  gst_bus_set_flushing (f->bus, TRUE);
  gst_object_unref (f->bus);
  gst_object_unref (f->owner);
}

/* The pad's first events: stream-start, caps, segment, gap. */
static void
expect_sticky (GstHarness * h)
{
  static const GstEventType types[] = { GST_EVENT_STREAM_START,
    GST_EVENT_CAPS, GST_EVENT_SEGMENT, GST_EVENT_GAP
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    GstEvent *e = gst_harness_pull_event (h);

    fail_unless (e != NULL);
    fail_unless_equals_int (GST_EVENT_TYPE (e), types[i]);
    if (types[i] == GST_EVENT_CAPS) {
      GstCaps *caps, *want;

      gst_event_parse_caps (e, &caps);
      want = gst_caps_from_string (GST_FLIGHT_COMMAND_RESULT_CAPS);
      fail_unless (gst_caps_is_equal (caps, want));
      gst_caps_unref (want);
    }
    gst_event_unref (e);
  }
}

static GstMessage *
pop (GstBus * bus, GstMessageType type)
{
  GstMessage *m = gst_bus_pop_filtered (bus, type);

  fail_unless (m != NULL, "no %s message", gst_message_type_get_name (type));
  return m;
}

static gchar *
message_text (GstMessage * m)
{
  GError *err = NULL;
  gchar *text;

  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    gst_message_parse_error (m, &err, NULL);
  else
    gst_message_parse_warning (m, &err, NULL);
  text = g_strdup (err->message);
  g_error_free (err);
  return text;
}

static void
expect_counts (FlightLinkResults * r, GstWorkerCore * core, guint64 sent,
    guint64 dropped)
{
  guint64 s, d;
  GstStructure *stats;
  guint64 in, out, core_dropped;

  flight_link_results_counts (r, &s, &d);
  fail_unless_equals_uint64 (s, sent);
  fail_unless_equals_uint64 (d, dropped);
  stats = gst_worker_core_get_stats (core);
  fail_unless (gst_structure_get (stats, "items-in", G_TYPE_UINT64, &in,
          "items-out", G_TYPE_UINT64, &out, "items-dropped", G_TYPE_UINT64,
          &core_dropped, NULL));
  fail_unless_equals_uint64 (in, sent + dropped);
  fail_unless_equals_uint64 (out, 0);
  fail_unless_equals_uint64 (core_dropped, dropped);
  gst_structure_free (stats);
}

GST_START_TEST (test_results_accepted)
{
  ResultsFixture f;
  GstFlightCommand cmd = { 0 };
  FlightLinkExecution ex = { 0 };
  GstFlightCommandResult res;
  const GstStructure *s;
  GstMessage *m;
  GstBuffer *buf;
  guint attempts;

  results_setup (&f);
  cmd.type = GST_FLIGHT_COMMAND_ARM;
  cmd.target_id = 9;
  ex.sent = TRUE;
  ex.res.type = GST_FLIGHT_COMMAND_ARM;
  ex.res.target_id = 9;
  ex.res.mav_command = 400;
  ex.res.outcome = GST_FLIGHT_COMMAND_ACCEPTED;
  ex.res.attempts = 2;
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "the link"), GST_FLOW_OK);

  expect_sticky (f.h);
  buf = gst_harness_pull (f.h);
  fail_unless (gst_flight_command_result_from_buffer (buf, &res));
  fail_unless_equals_int (res.type, GST_FLIGHT_COMMAND_ARM);
  fail_unless_equals_int (res.target_id, 9);
  fail_unless_equals_int (res.mav_command, 400);
  fail_unless_equals_int (res.outcome, GST_FLIGHT_COMMAND_ACCEPTED);
  fail_unless_equals_int (res.attempts, 2);
  gst_buffer_unref (buf);

  m = pop (f.bus, GST_MESSAGE_ELEMENT);
  s = gst_message_get_structure (m);
  fail_unless (gst_structure_has_name (s, "flightlink-command-result"));
  fail_unless_equals_string (gst_structure_get_string (s, "command"), "arm");
  fail_unless_equals_string (gst_structure_get_string (s, "outcome"),
      "accepted");
  fail_unless (gst_structure_get_uint (s, "attempts", &attempts));
  fail_unless_equals_int (attempts, 2);
  gst_message_unref (m);
  fail_unless (gst_bus_pop (f.bus) == NULL);
  expect_counts (f.r, f.core, 1, 0);

  /* a setpoint has no answer: counted, no result */
  cmd.type = GST_FLIGHT_COMMAND_GOTO;
  memset (&ex, 0, sizeof (ex));
  ex.sent = TRUE;
  ex.info = mavlink_message_info (MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED);
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "the link"), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (f.h), 0);
  fail_unless (gst_bus_pop (f.bus) == NULL);
  expect_counts (f.r, f.core, 2, 0);
  results_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_results_not_sent_and_failed)
{
  ResultsFixture f;
  GstFlightCommand cmd = { 0 };
  FlightLinkExecution ex = { 0 };
  GstFlightCommandResult res;
  GstMessage *m;
  GstBuffer *buf;
  gchar *text;

  results_setup (&f);
  /* cannot be expressed: a warning, a "not-sent" result, dropped */
  cmd.type = GST_FLIGHT_COMMAND_GUIDED;
  ex.why = "no guided mode on this autopilot";
  ex.res.type = GST_FLIGHT_COMMAND_GUIDED;
  ex.res.outcome = GST_FLIGHT_COMMAND_NOT_SENT;
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "the link"), GST_FLOW_OK);
  m = pop (f.bus, GST_MESSAGE_WARNING);
  text = message_text (m);
  fail_unless_equals_string (text, "Cannot send a guided command to the "
      "vehicle: no guided mode on this autopilot.");
  g_free (text);
  gst_message_unref (m);
  expect_sticky (f.h);
  buf = gst_harness_pull (f.h);
  fail_unless (gst_flight_command_result_from_buffer (buf, &res));
  fail_unless_equals_int (res.outcome, GST_FLIGHT_COMMAND_NOT_SENT);
  gst_buffer_unref (buf);
  gst_message_unref (pop (f.bus, GST_MESSAGE_ELEMENT));
  expect_counts (f.r, f.core, 0, 1);

  /* the write failed: an error naming the link, no result */
  memset (&ex, 0, sizeof (ex));
  cmd.type = GST_FLIGHT_COMMAND_LAND;
  ex.error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
      "broken pipe");
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "UDP 127.0.0.1:1"), GST_FLOW_ERROR);
  fail_unless (ex.error == NULL);
  m = pop (f.bus, GST_MESSAGE_ERROR);
  text = message_text (m);
  fail_unless_equals_string (text, "Could not send a land command over UDP "
      "127.0.0.1:1: broken pipe.");
  g_free (text);
  gst_message_unref (m);
  fail_unless_equals_int (gst_harness_buffers_in_queue (f.h), 0);
  expect_counts (f.r, f.core, 0, 2);

  /* sent, then flushing: counted, nothing told */
  memset (&ex, 0, sizeof (ex));
  ex.sent = TRUE;
  ex.res.outcome = GST_FLIGHT_COMMAND_ACCEPTED;
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_FLUSHING, "the link"), GST_FLOW_FLUSHING);
  fail_unless (gst_bus_pop (f.bus) == NULL);
  fail_unless_equals_int (gst_harness_buffers_in_queue (f.h), 0);
  expect_counts (f.r, f.core, 1, 2);
  results_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_results_timeouts)
{
  ResultsFixture f;
  GstFlightCommand cmd = { 0 };
  FlightLinkExecution ex = { 0 };
  GstFlightCommandResult res;
  const GstStructure *details;
  GstMessage *m;
  GstBuffer *buf;
  gchar *text;
  guint attempts;

  results_setup (&f);
  /* no answer: a warning with the attempts, a "timed-out" result */
  cmd.type = GST_FLIGHT_COMMAND_ARM;
  ex.sent = TRUE;
  ex.res.type = GST_FLIGHT_COMMAND_ARM;
  ex.res.mav_command = 400;
  ex.res.outcome = GST_FLIGHT_COMMAND_TIMED_OUT;
  ex.res.attempts = 4;
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "the link"), GST_FLOW_OK);
  m = pop (f.bus, GST_MESSAGE_WARNING);
  text = message_text (m);
  fail_unless_equals_string (text, "The vehicle did not answer the arm "
      "command (MAV_CMD 400) after 4 attempts.");
  g_free (text);
  gst_message_parse_warning_details (m, &details);
  fail_unless (gst_structure_get_uint (details, "attempts", &attempts));
  fail_unless_equals_int (attempts, 4);
  gst_message_unref (m);
  gst_message_unref (pop (f.bus, GST_MESSAGE_ELEMENT));
  expect_sticky (f.h);
  buf = gst_harness_pull (f.h);
  fail_unless (gst_flight_command_result_from_buffer (buf, &res));
  fail_unless_equals_int (res.outcome, GST_FLIGHT_COMMAND_TIMED_OUT);
  gst_buffer_unref (buf);

  /* accepted, not done within completion-timeout: where it is */
  memset (&ex, 0, sizeof (ex));
  cmd.type = GST_FLIGHT_COMMAND_TAKEOFF;
  cmd.down = -12.5;
  ex.sent = TRUE;
  ex.where = g_strdup ("3.0 m above home");
  ex.res.type = GST_FLIGHT_COMMAND_TAKEOFF;
  ex.res.outcome = GST_FLIGHT_COMMAND_TIMED_OUT;
  fail_unless_equals_int (flight_link_results_tell (f.r, &cmd, &ex,
          GST_FLOW_OK, "the link"), GST_FLOW_OK);
  fail_unless (ex.where == NULL);
  m = pop (f.bus, GST_MESSAGE_WARNING);
  text = message_text (m);
  fail_unless_equals_string (text, "The vehicle accepted the takeoff but "
      "did not reach 12.5 m above home within 4000 ms: 3.0 m above home.");
  g_free (text);
  gst_message_unref (m);
  gst_message_unref (pop (f.bus, GST_MESSAGE_ELEMENT));
  buf = gst_harness_pull (f.h);
  gst_buffer_unref (buf);
  expect_counts (f.r, f.core, 2, 0);
  results_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_results_events_once_then_eos)
{
  ResultsFixture f;
  GstEvent *e;

  results_setup (&f);
  flight_link_results_start (f.r);
  flight_link_results_start (f.r);
  flight_link_results_end (f.r);
  expect_sticky (f.h);
  e = gst_harness_pull_event (f.h);
  fail_unless_equals_int (GST_EVENT_TYPE (e), GST_EVENT_EOS);
  gst_event_unref (e);
  fail_unless_equals_int (gst_harness_events_in_queue (f.h), 0);

  /* a new run starts the stream again */
  fail_unless (gst_pad_set_active (f.pad, FALSE));
  fail_unless (gst_pad_set_active (f.pad, TRUE));
  flight_link_results_reset (f.r, 250, 0);
  flight_link_results_end (f.r);
  expect_sticky (f.h);
  e = gst_harness_pull_event (f.h);
  fail_unless_equals_int (GST_EVENT_TYPE (e), GST_EVENT_EOS);
  gst_event_unref (e);
  results_teardown (&f);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* the writer, on a UDP link to a socket of the test */

static GSocket *
bind_receiver (guint16 * port)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0), *bound;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, NULL);

  fail_unless (sock != NULL);
  fail_unless (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_set_timeout (sock, 10);
  g_object_unref (bound);
  g_object_unref (addr);
  g_object_unref (lo);
  return sock;
}

/* One datagram, one frame: its header. */
static void
receive_frame (GSocket * sock, guint version, guint8 seq, guint32 msgid)
{
  guint8 buf[MAVLINK_MAX_FRAME_LEN];
  MavlinkParser parser;
  MavlinkFrame frame;
  gssize n;

  n = g_socket_receive (sock, (gchar *) buf, sizeof (buf), NULL, NULL);
  fail_unless (n > 0);
  mavlink_parser_init (&parser);
  mavlink_parser_feed (&parser, buf, n);
  fail_unless_equals_int (mavlink_parser_next (&parser, &frame, TRUE),
      MAVLINK_PARSE_FRAME);
  fail_unless_equals_int (frame.version, version);
  fail_unless_equals_int (frame.seq, seq);
  fail_unless_equals_int (frame.sysid, 7);
  fail_unless_equals_int (frame.compid, 42);
  fail_unless_equals_int (frame.msgid, msgid);
}

GST_START_TEST (test_writer_numbers_in_our_ids)
{
  const MavlinkMessageInfo *hb_info =
      mavlink_message_info (MAVLINK_MSG_ID_HEARTBEAT);
  MavlinkHeartbeat hb = { 0 };
  MavlinkOutMessage out[3];
  FlightLinkTransport *link;
  FlightLinkWriter *w;
  GError *err = NULL;
  gchar *debug = NULL;
  GSocketAddress *peer;
  GSocket *sock;
  guint16 port;
  guint i;

  sock = bind_receiver (&port);
  link = flight_link_transport_open_udp ("127.0.0.1", 0, "127.0.0.1", port,
      &err, &debug);
  fail_unless (link != NULL, "%s", err ? err->message : "");
  peer = flight_link_transport_fixed_peer (link);
  w = flight_link_writer_new (NULL);

  /* closed: nothing written, nothing numbered */
  fail_if (flight_link_writer_send (w, 2, hb_info, &hb, peer, TRUE, &err));
  fail_unless (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CLOSED));
  g_clear_error (&err);

  flight_link_writer_set_link (w, link);
  flight_link_writer_set_ids (w, 7, 42);
  fail_unless (flight_link_writer_send (w, 2, hb_info, &hb, peer, TRUE,
          &err));
  receive_frame (sock, 2, 0, MAVLINK_MSG_ID_HEARTBEAT);
  fail_unless (flight_link_writer_send (w, 1, hb_info, &hb, peer, FALSE,
          &err));
  receive_frame (sock, 1, 1, MAVLINK_MSG_ID_HEARTBEAT);

  /* several at once: numbered on */
  for (i = 0; i < G_N_ELEMENTS (out); i++) {
    memset (&out[i], 0, sizeof (out[i]));
    out[i].info = i == 1 ?
        mavlink_message_info (MAVLINK_MSG_ID_COMMAND_LONG) : hb_info;
  }
  fail_unless_equals_int (flight_link_writer_send_all (w, 2, out, 3, peer),
      3);
  receive_frame (sock, 2, 2, MAVLINK_MSG_ID_HEARTBEAT);
  receive_frame (sock, 2, 3, MAVLINK_MSG_ID_COMMAND_LONG);
  receive_frame (sock, 2, 4, MAVLINK_MSG_ID_HEARTBEAT);

  /* closed again, then reopened: the numbers run on */
  flight_link_writer_set_link (w, NULL);
  fail_unless_equals_int (flight_link_writer_send_all (w, 2, out, 3, peer),
      0);
  flight_link_writer_set_link (w, link);
  fail_unless (flight_link_writer_send (w, 2, hb_info, &hb, peer, TRUE,
          &err));
  receive_frame (sock, 2, 5, MAVLINK_MSG_ID_HEARTBEAT);

  flight_link_writer_free (w);
  flight_link_transport_free (link);
  g_object_unref (sock);
}

GST_END_TEST;

static Suite *
flightlinkparts_suite (void)
{
  Suite *s = suite_create ("flightlinkparts");
  TCase *tc = tcase_create ("general");

  GST_DEBUG_CATEGORY_INIT (flight_link_debug, "flightlink", 0,
      "flightlink's parts under test");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_settings_ids);
  tcase_add_test (tc, test_settings_values_and_copies);
  tcase_add_test (tc, test_results_accepted);
  tcase_add_test (tc, test_results_not_sent_and_failed);
  tcase_add_test (tc, test_results_timeouts);
  tcase_add_test (tc, test_results_events_once_then_eos);
  tcase_add_test (tc, test_writer_numbers_in_our_ids);
  return s;
}

GST_CHECK_MAIN (flightlinkparts);
