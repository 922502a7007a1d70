/* gst-workers: flight command items as MAVLink messages, table-tested
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * mavlink-commands.c without a link or an element: each row is a command
 * item and the message it must become, field by field (or the reason it
 * cannot be sent); every message also goes through the codec and back.
 */
#include <math.h>
#include <gst/check/gstcheck.h>
#include "mavlink-codec.h"
#include "mavlink-commands.h"

#define GLOBAL GST_FLIGHT_COMMAND_HAS_GLOBAL
#define LOCAL GST_FLIGHT_COMMAND_HAS_LOCAL
#define YAW GST_FLIGHT_COMMAND_HAS_YAW

typedef struct
{
  GstFlightCommandType type;
  GstFlightCommandFlags flags;
  gdouble north, east, latitude;
  guint32 msgid;                /* 0: refused */
  const gchar *why;
  /* the fields checked: the command, or the setpoint's type mask */
  guint16 command_or_mask;
  guint8 frame;
  gint32 x, y;
  gfloat z, param4;             /* NaN: must be NaN */
} Row;

#define N 10.5
#define E (-20.25)
#define LAT 43.4712345

static const Row rows[] = {
  /* goto: a setpoint, global wins over local */
  {GST_FLIGHT_COMMAND_GOTO, GLOBAL | LOCAL | YAW, N, E, LAT,
      MAVLINK_MSG_ID_SET_POSITION_TARGET_GLOBAL_INT, NULL, 2552, 5,
      434712345, -805412345, 350.25, 0},
  {GST_FLIGHT_COMMAND_GOTO, LOCAL, N, E, LAT,
      MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED, NULL, 2552 | 1024, 1,
      0, 0, -30, 0},
  {GST_FLIGHT_COMMAND_GOTO, YAW, N, E, LAT, 0,
      "a goto needs a global or a local position"},
  {GST_FLIGHT_COMMAND_GOTO, GLOBAL, N, E, 91.0, 0,
      "latitude or longitude out of range"},
  /* loiter, land: COMMAND_INT with a position, COMMAND_LONG without */
  {GST_FLIGHT_COMMAND_LOITER, GLOBAL | YAW, N, E, LAT,
      MAVLINK_MSG_ID_COMMAND_INT, NULL, 17, 0, 434712345, -805412345,
      350.25, 90},
  {GST_FLIGHT_COMMAND_LAND, LOCAL, N, E, LAT,
      MAVLINK_MSG_ID_COMMAND_INT, NULL, 21, 1, 105000, -202500, -30, NAN},
  {GST_FLIGHT_COMMAND_LAND, LOCAL, 300000.0, E, LAT, 0,
      "local position out of range"},
  {GST_FLIGHT_COMMAND_LAND, YAW, N, E, LAT,
      MAVLINK_MSG_ID_COMMAND_LONG, NULL, 21, 0, 0, 0, 0, 90},
  {GST_FLIGHT_COMMAND_LOITER, 0, N, E, LAT,
      MAVLINK_MSG_ID_COMMAND_LONG, NULL, 17, 0, 0, 0, 0, NAN},
  {GST_FLIGHT_COMMAND_RETURN, GLOBAL, N, E, LAT,
      MAVLINK_MSG_ID_COMMAND_LONG, NULL, 20, 0, 0, 0, 0, 0},
  {99, 0, N, E, LAT, 0, "unknown command type"},
};

static const MavlinkTarget ardupilot = { 7, 1, MAVLINK_FAMILY_ARDUPILOT, 2 };
static const MavlinkTarget px4 = { 7, 1, MAVLINK_FAMILY_PX4, 2, TRUE, 330 };

static void
check_float (gfloat got, gfloat want, guint row)
{
  if (isnan (want))
    fail_unless (isnan (got), "row %u: %f, not NaN", row, got);
  else
    fail_unless (got == want, "row %u: %f, not %f", row, got, want);
}

GST_START_TEST (test_command_table)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++) {
    const Row *r = &rows[i];
    GstFlightCommand cmd;
    MavlinkCommandMessage m, back;
    const MavlinkMessageInfo *info;
    const gchar *why = NULL;
    guint8 frame[MAVLINK_MAX_FRAME_LEN];
    MavlinkParser parser;
    MavlinkFrame f;
    gsize len;

    gst_flight_command_init (&cmd, r->type);
    cmd.flags = r->flags;
    cmd.north = r->north;
    cmd.east = r->east;
    cmd.down = -30;
    cmd.latitude = r->latitude;
    cmd.longitude = -80.5412345;
    cmd.altitude = 350.25;
    cmd.yaw = G_PI / 2;
    info = mavlink_command_from_flight_command (&cmd, &ardupilot, 4242, &m,
        &why);
    if (!r->msgid) {
      fail_unless (info == NULL, "row %u: sent", i);
      fail_unless_equals_string (why, r->why);
      continue;
    }
    fail_unless (info != NULL, "row %u: refused: %s", i, why);
    fail_unless_equals_int (info->id, r->msgid);

    /* through the codec and back: the same message */
    len = mavlink_message_encode (frame, 2, 0, 1, 191, info, &m);
    fail_unless (len > 0);
    mavlink_parser_init (&parser);
    mavlink_parser_feed (&parser, frame, len);
    fail_unless_equals_int (mavlink_parser_next (&parser, &f, TRUE),
        MAVLINK_PARSE_FRAME);
    fail_unless (mavlink_frame_decode (&f, r->msgid, &back));

    switch (r->msgid) {
      case MAVLINK_MSG_ID_SET_POSITION_TARGET_GLOBAL_INT:
        fail_unless_equals_int (back.global.target_system, 7);
        fail_unless_equals_int (back.global.target_component, 1);
        fail_unless_equals_int (back.global.time_boot_ms, 4242);
        fail_unless_equals_int (back.global.type_mask, r->command_or_mask);
        fail_unless_equals_int (back.global.coordinate_frame, r->frame);
        fail_unless_equals_int (back.global.lat_int, r->x);
        fail_unless_equals_int (back.global.lon_int, r->y);
        check_float (back.global.alt, r->z, i);
        check_float (back.global.yaw, (gfloat) (G_PI / 2), i);
        break;
      case MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED:
        fail_unless_equals_int (back.local.target_system, 7);
        fail_unless_equals_int (back.local.type_mask, r->command_or_mask);
        fail_unless_equals_int (back.local.coordinate_frame, r->frame);
        check_float (back.local.x, N, i);
        check_float (back.local.y, E, i);
        check_float (back.local.z, r->z, i);
        check_float (back.local.yaw, 0, i);
        break;
      case MAVLINK_MSG_ID_COMMAND_INT:
        fail_unless_equals_int (back.command_int.target_system, 7);
        fail_unless_equals_int (back.command_int.target_component, 1);
        fail_unless_equals_int (back.command_int.command, r->command_or_mask);
        fail_unless_equals_int (back.command_int.frame, r->frame);
        fail_unless_equals_int (back.command_int.x, r->x);
        fail_unless_equals_int (back.command_int.y, r->y);
        check_float (back.command_int.z, r->z, i);
        check_float (back.command_int.param4, r->param4, i);
        break;
      case MAVLINK_MSG_ID_COMMAND_LONG:
        fail_unless_equals_int (back.command_long.target_system, 7);
        fail_unless_equals_int (back.command_long.target_component, 1);
        fail_unless_equals_int (back.command_long.command,
            r->command_or_mask);
        fail_unless_equals_int (back.command_long.confirmation, 0);
        check_float (back.command_long.param4, r->param4, i);
        if (r->command_or_mask == 20) {
          check_float (back.command_long.param1, 0, i);
          check_float (back.command_long.param7, 0, i);
        } else {
          check_float (back.command_long.param5, NAN, i);
          check_float (back.command_long.param7, NAN, i);
        }
        break;
      default:
        fail ("row %u: unexpected message %u", i, r->msgid);
    }
  }
}

GST_END_TEST;

/* Every bit pattern of a command item's numbers maps or is refused with a
 * reason: no crash, no NULL reason (a small fuzz over the edges). */
GST_START_TEST (test_command_edges)
{
  static const gdouble values[] = { 0, -0.0, 1e300, -1e300, INFINITY,
    -INFINITY, NAN, 90, -90, 180, -180, 214748.3647, 214748.3648
  };
  guint t, f, a, b;

  for (t = 0; t <= 9; t++)
    for (f = 0; f < 8; f++)
      for (a = 0; a < G_N_ELEMENTS (values); a++)
        for (b = 0; b < G_N_ELEMENTS (values); b++) {
          GstFlightCommand cmd;
          MavlinkCommandMessage m;
          const gchar *why = NULL;

          gst_flight_command_init (&cmd, (GstFlightCommandType) t);
          cmd.type = t;
          cmd.flags = f;
          cmd.north = cmd.latitude = cmd.yaw = values[a];
          cmd.east = cmd.longitude = cmd.down = cmd.altitude = values[b];
          if (!mavlink_command_from_flight_command (&cmd, &px4, 0, &m, &why))
            fail_unless (why != NULL);
        }
}

GST_END_TEST;

/* Arming, takeoff and the guided mode, per autopilot family: each a
 * COMMAND_LONG (or refused, with the reason). */
typedef struct
{
  const gchar *what;
  GstFlightCommandType type;
  GstFlightCommandFlags flags;
  gdouble down, altitude;
  MavlinkAutopilotFamily family;
  guint8 vehicle_type;
  gboolean have_home;
  guint16 command;              /* 0: refused, with why */
  gfloat param1, param2, param7;        /* NaN: must be NaN */
  const gchar *why;
} FamilyRow;

static const FamilyRow family_rows[] = {
  {"arm", GST_FLIGHT_COMMAND_ARM, 0, 0, 0, MAVLINK_FAMILY_GENERIC, 2, FALSE,
      400, 1, 0, 0},
  {"disarm", GST_FLIGHT_COMMAND_DISARM, 0, 0, 0, MAVLINK_FAMILY_PX4, 2,
      FALSE, 400, 0, 0, 0},
  {"takeoff AP", GST_FLIGHT_COMMAND_TAKEOFF, LOCAL, -20, 0,
      MAVLINK_FAMILY_ARDUPILOT, 2, FALSE, 22, 0, 0, 20},
  {"takeoff AP, global, home", GST_FLIGHT_COMMAND_TAKEOFF, GLOBAL, 0, 345,
      MAVLINK_FAMILY_ARDUPILOT, 2, TRUE, 22, 0, 0, 15},
  {"takeoff AP, no height", GST_FLIGHT_COMMAND_TAKEOFF, 0, 0, 0,
      MAVLINK_FAMILY_ARDUPILOT, 2, FALSE, 0, 0, 0, 0,
      "a takeoff needs a height above home: a local position with down "
      "below 0 (or a global altitude once home is known)"},
  {"takeoff PX4, home", GST_FLIGHT_COMMAND_TAKEOFF, LOCAL, -20, 0,
      MAVLINK_FAMILY_PX4, 2, TRUE, 22, 0, 0, 350},
  {"takeoff PX4, no home", GST_FLIGHT_COMMAND_TAKEOFF, LOCAL, -20, 0,
      MAVLINK_FAMILY_PX4, 2, FALSE, 22, 0, 0, NAN},
  {"takeoff PX4, default", GST_FLIGHT_COMMAND_TAKEOFF, 0, 0, 0,
      MAVLINK_FAMILY_PX4, 2, TRUE, 22, 0, 0, NAN},
  {"guided copter", GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0,
      MAVLINK_FAMILY_ARDUPILOT, 2, FALSE, 176, 1, 4, 0},
  {"guided plane", GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0,
      MAVLINK_FAMILY_ARDUPILOT, 1, FALSE, 176, 1, 15, 0},
  {"guided rover", GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0,
      MAVLINK_FAMILY_ARDUPILOT, 10, FALSE, 176, 1, 15, 0},
  {"offboard", GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0, MAVLINK_FAMILY_PX4, 2,
      FALSE, 176, 1, 6, 0},
  {"guided generic", GST_FLIGHT_COMMAND_GUIDED, 0, 0, 0,
      MAVLINK_FAMILY_GENERIC, 2, FALSE, 0, 0, 0, 0,
      "the autopilot is neither ArduPilot nor PX4, and its guided mode is "
      "not known (set the autopilot property)"},
};

GST_START_TEST (test_family_table)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (family_rows); i++) {
    const FamilyRow *r = &family_rows[i];
    MavlinkTarget t = { 7, 1, r->family, r->vehicle_type, r->have_home, 330 };
    GstFlightCommand cmd;
    MavlinkCommandMessage m;
    const MavlinkMessageInfo *info;
    const gchar *why = NULL;

    GST_INFO ("%s", r->what);
    gst_flight_command_init (&cmd, r->type);
    cmd.flags = r->flags;
    cmd.down = r->down;
    cmd.altitude = r->altitude;
    info = mavlink_command_from_flight_command (&cmd, &t, 0, &m, &why);
    if (!r->command) {
      fail_unless (info == NULL, "%s: sent", r->what);
      fail_unless_equals_string (why, r->why);
      continue;
    }
    fail_unless (info != NULL, "%s: %s", r->what, why);
    fail_unless_equals_int (info->id, MAVLINK_MSG_ID_COMMAND_LONG);
    fail_unless_equals_int (mavlink_command_number (info, &m), r->command);
    fail_unless_equals_int (m.command_long.target_system, 7);
    fail_unless_equals_int (m.command_long.target_component, 1);
    check_float (m.command_long.param1, r->param1, i);
    check_float (m.command_long.param2, r->param2, i);
    check_float (m.command_long.param7, r->param7, i);
    mavlink_command_set_confirmation (info, &m, 2);
    fail_unless_equals_int (m.command_long.confirmation, 2);
  }
  /* goto-command=reposition: one COMMAND_INT, global positions only */
  {
    MavlinkTarget t = px4;
    GstFlightCommand cmd;
    MavlinkCommandMessage m;
    const MavlinkMessageInfo *info;
    const gchar *why = NULL;

    t.goto_reposition = TRUE;
    gst_flight_command_init (&cmd, GST_FLIGHT_COMMAND_GOTO);
    cmd.flags = GLOBAL;
    cmd.latitude = LAT;
    cmd.longitude = -80.5412345;
    cmd.altitude = 350.25;
    info = mavlink_command_from_flight_command (&cmd, &t, 0, &m, &why);
    fail_unless (info != NULL);
    fail_unless_equals_int (info->id, MAVLINK_MSG_ID_COMMAND_INT);
    fail_unless_equals_int (mavlink_command_number (info, &m), 192);
    fail_unless_equals_int (m.command_int.frame, 0);
    fail_unless_equals_int (m.command_int.x, 434712345);
    fail_unless_equals_int (m.command_int.y, -805412345);
    check_float (m.command_int.z, 350.25, 0);
    check_float (m.command_int.param1, -1, 0);
    check_float (m.command_int.param2, 1, 0);
    check_float (m.command_int.param4, NAN, 0);
    cmd.flags = LOCAL;
    fail_if (mavlink_command_from_flight_command (&cmd, &t, 0, &m, &why));
    fail_unless_equals_string (why, "a reposition needs a global position");
  }
  /* home known: a local position goes from the EKF origin, a takeoff's
   * height stays */
  {
    MavlinkTarget t = ardupilot;
    GstFlightCommand cmd;
    MavlinkCommandMessage m;
    const gchar *why = NULL;

    t.have_home = TRUE;
    t.home_north = 3;
    t.home_east = -2;
    t.home_down = 0.5;
    gst_flight_command_init (&cmd, GST_FLIGHT_COMMAND_GOTO);
    cmd.flags = LOCAL;
    cmd.north = 10;
    cmd.east = 20;
    cmd.down = -5;
    fail_unless (mavlink_command_from_flight_command (&cmd, &t, 0, &m, &why));
    check_float (m.local.x, 13, 0);
    check_float (m.local.y, 18, 0);
    check_float (m.local.z, -4.5, 0);
    cmd.type = GST_FLIGHT_COMMAND_TAKEOFF;
    fail_unless (mavlink_command_from_flight_command (&cmd, &t, 0, &m, &why));
    check_float (m.command_long.param7, 5, 0);
  }
  fail_unless_equals_int (mavlink_autopilot_family (3),
      MAVLINK_FAMILY_ARDUPILOT);
  fail_unless_equals_int (mavlink_autopilot_family (12), MAVLINK_FAMILY_PX4);
  fail_unless_equals_int (mavlink_autopilot_family (0),
      MAVLINK_FAMILY_GENERIC);
  fail_unless_equals_string (mavlink_result_name (2), "denied");
  fail_unless_equals_string (mavlink_result_name (200), "unknown");
}

GST_END_TEST;

/* Telemetry rates asked for: SET_MESSAGE_INTERVAL for each message, and
 * for ArduPilot REQUEST_DATA_STREAM besides. */
GST_START_TEST (test_rate_requests)
{
  MavlinkOutMessage out[MAVLINK_RATE_REQUESTS_MAX];
  guint n, i;

  fail_unless_equals_int (mavlink_rate_requests (&ardupilot, 0, out), 0);
  n = mavlink_rate_requests (&px4, 20, out);
  fail_unless_equals_int (n, 7);
  for (i = 0; i < n; i++) {
    fail_unless_equals_int (out[i].info->id, MAVLINK_MSG_ID_COMMAND_LONG);
    fail_unless_equals_int (out[i].msg.command_long.command, 511);
    fail_unless_equals_int (out[i].msg.command_long.target_system, 7);
  }
  fail_unless_equals_float (out[0].msg.command_long.param1, 33);
  fail_unless_equals_float (out[0].msg.command_long.param2, 50000);
  fail_unless_equals_float (out[6].msg.command_long.param1, 242);
  fail_unless_equals_float (out[6].msg.command_long.param2, 1000000);

  n = mavlink_rate_requests (&ardupilot, 20, out);
  fail_unless_equals_int (n, 10);
  fail_unless_equals_int (out[7].info->id,
      MAVLINK_MSG_ID_REQUEST_DATA_STREAM);
  fail_unless_equals_int (out[7].msg.request_data_stream.req_stream_id, 6);
  fail_unless_equals_int (out[7].msg.request_data_stream.req_message_rate,
      20);
  fail_unless_equals_int (out[7].msg.request_data_stream.start_stop, 1);
  fail_unless_equals_int (out[9].msg.request_data_stream.req_stream_id, 2);
}

GST_END_TEST;

static Suite *
mavlinkcommands_suite (void)
{
  Suite *s = suite_create ("mavlinkcommands");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_command_table);
  tcase_add_test (tc, test_command_edges);
  tcase_add_test (tc, test_family_table);
  tcase_add_test (tc, test_rate_requests);
  return s;
}

GST_CHECK_MAIN (mavlinkcommands);
