/* gst-workers: MAVLink telemetry as odometry values, table-tested
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * mavlink-telemetry.c: each row a message through the codec (encoded,
 * parsed back) and the values and fields it gives, or why it gives none.
 */
#include <math.h>
#include <gst/check/gstcheck.h>
#include "mavlink-telemetry.h"

static MavlinkTelemetryKind
decode (guint32 msgid, gconstpointer msg, MavlinkTelemetry * t)
{
  guint8 buf[MAVLINK_MAX_FRAME_LEN];
  MavlinkParser parser;
  MavlinkFrame f;
  gsize len;

  len = mavlink_message_encode (buf, 2, 0, 1, 1, mavlink_message_info (msgid),
      msg);
  fail_unless (len > 0);
  mavlink_parser_init (&parser);
  mavlink_parser_feed (&parser, buf, len);
  fail_unless_equals_int (mavlink_parser_next (&parser, &f, TRUE),
      MAVLINK_PARSE_FRAME);
  return mavlink_telemetry_decode (&f, t);
}

#define NEAR(a, b) fail_unless (fabs ((a) - (b)) < 1e-6, "%g != %g", \
    (double) (a), (double) (b))

/* GLOBAL_POSITION_INT: degrees E7, mm, cm/s to degrees, m, m/s. */
GST_START_TEST (test_global)
{
  static const struct
  {
    gint32 lat, lon, alt;
    gint16 vx, vy, vz;
    gdouble latitude, longitude, altitude, vn, ve, vd;
  } rows[] = {
    {473977418, 85455939, 488000, 150, -20, 5,
        47.3977418, 8.5455939, 488.0, 1.5, -0.2, 0.05},
    {-337000000, 1511000000, -12345, -32768, 32767, 0,
        -33.7, 151.1, -12.345, -327.68, 327.67, 0.0},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++) {
    MavlinkGlobalPositionInt m = { 0 };
    MavlinkTelemetry t;

    m.time_boot_ms = 1000 + i;
    m.lat = rows[i].lat;
    m.lon = rows[i].lon;
    m.alt = rows[i].alt;
    m.vx = rows[i].vx;
    m.vy = rows[i].vy;
    m.vz = rows[i].vz;
    fail_unless_equals_int (decode (MAVLINK_MSG_ID_GLOBAL_POSITION_INT, &m,
            &t), MAVLINK_TELEMETRY_VALID);
    fail_unless_equals_int (t.time_boot_ms, 1000 + i);
    fail_unless_equals_string (t.what, "GLOBAL_POSITION_INT");
    fail_unless_equals_int (t.values.fields,
        GST_ODOMETRY_HAS_GLOBAL | GST_ODOMETRY_HAS_VELOCITY);
    NEAR (t.values.latitude, rows[i].latitude);
    NEAR (t.values.longitude, rows[i].longitude);
    NEAR (t.values.altitude, rows[i].altitude);
    NEAR (t.values.vn, rows[i].vn);
    NEAR (t.values.ve, rows[i].ve);
    NEAR (t.values.vd, rows[i].vd);
  }
}

GST_END_TEST;

/* LOCAL_POSITION_NED and ATTITUDE: floats as they come; not finite:
 * INVALID, named; other messages: NONE. */
GST_START_TEST (test_local_attitude_invalid)
{
  static const struct
  {
    guint32 msgid;
    gfloat a, b, c, d, e, f;
    MavlinkTelemetryKind kind;
    const gchar *what;
    guint fields;
  } rows[] = {
    {MAVLINK_MSG_ID_LOCAL_POSITION_NED, 1.5, -2.25, -10, 0.5, 0, -1,
        MAVLINK_TELEMETRY_VALID, "LOCAL_POSITION_NED",
        GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_VELOCITY},
    {MAVLINK_MSG_ID_LOCAL_POSITION_NED, NAN, 0, 0, 0, 0, 0,
        MAVLINK_TELEMETRY_INVALID, "LOCAL_POSITION_NED", 0},
    {MAVLINK_MSG_ID_LOCAL_POSITION_NED, 0, 0, 0, 0, 0, INFINITY,
        MAVLINK_TELEMETRY_INVALID, "LOCAL_POSITION_NED", 0},
    {MAVLINK_MSG_ID_ATTITUDE, 0.1, -0.2, 3.0, 9, 9, 9,
        MAVLINK_TELEMETRY_VALID, "ATTITUDE", GST_ODOMETRY_HAS_ATTITUDE},
    /* the rates are not used: not finite is no matter */
    {MAVLINK_MSG_ID_ATTITUDE, 0, 0, 0, NAN, NAN, NAN,
        MAVLINK_TELEMETRY_VALID, "ATTITUDE", GST_ODOMETRY_HAS_ATTITUDE},
    {MAVLINK_MSG_ID_ATTITUDE, 0, -INFINITY, 0, 0, 0, 0,
        MAVLINK_TELEMETRY_INVALID, "ATTITUDE", 0},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++) {
    MavlinkTelemetry t;
    MavlinkTelemetryKind kind;

    if (rows[i].msgid == MAVLINK_MSG_ID_ATTITUDE) {
      MavlinkAttitude m = { 77, rows[i].a, rows[i].b, rows[i].c,
        rows[i].d, rows[i].e, rows[i].f
      };
      kind = decode (rows[i].msgid, &m, &t);
    } else {
      MavlinkLocalPositionNed m = { 77, rows[i].a, rows[i].b, rows[i].c,
        rows[i].d, rows[i].e, rows[i].f
      };
      kind = decode (rows[i].msgid, &m, &t);
    }
    fail_unless_equals_int (kind, rows[i].kind);
    fail_unless_equals_string (t.what, rows[i].what);
    fail_unless_equals_int (t.time_boot_ms, 77);
    if (kind != MAVLINK_TELEMETRY_VALID)
      continue;
    fail_unless_equals_int (t.values.fields, rows[i].fields);
    if (rows[i].msgid == MAVLINK_MSG_ID_ATTITUDE) {
      NEAR (t.values.roll, rows[i].a);
      NEAR (t.values.pitch, rows[i].b);
      NEAR (t.values.yaw, rows[i].c);
    } else {
      NEAR (t.values.north, rows[i].a);
      NEAR (t.values.east, rows[i].b);
      NEAR (t.values.down, rows[i].c);
      NEAR (t.values.vn, rows[i].d);
      NEAR (t.values.ve, rows[i].e);
      NEAR (t.values.vd, rows[i].f);
    }
  }

  {
    MavlinkHeartbeat hb = { 0 };
    MavlinkTelemetry t;

    fail_unless_equals_int (decode (MAVLINK_MSG_ID_HEARTBEAT, &hb, &t),
        MAVLINK_TELEMETRY_NONE);
  }
}

GST_END_TEST;

/* apply: the message's fields replace the item's, the others stay; the
 * local position counts from home. */
GST_START_TEST (test_apply)
{
  static const gdouble home[3] = { 3.0, -2.0, -0.5 };
  MavlinkLocalPositionNed local = { 10, 4.0, 1.0, -5.5, 0.25, 0.5, -0.75 };
  MavlinkAttitude att = { 10, 0.1, 0.2, 0.3, 0, 0, 0 };
  MavlinkGlobalPositionInt glob = { 10, 10000000, 20000000, 30000, 0, 100,
    200, 300, 0
  };
  MavlinkTelemetry t;
  GstOdometry o;

  gst_odometry_init (&o);
  decode (MAVLINK_MSG_ID_LOCAL_POSITION_NED, &local, &t);
  mavlink_telemetry_apply (&t, home, &o);
  fail_unless_equals_int (o.fields,
      GST_ODOMETRY_HAS_LOCAL | GST_ODOMETRY_HAS_VELOCITY);
  NEAR (o.north, 1.0);
  NEAR (o.east, 3.0);
  NEAR (o.down, -5.0);
  NEAR (o.vn, 0.25);

  decode (MAVLINK_MSG_ID_ATTITUDE, &att, &t);
  mavlink_telemetry_apply (&t, home, &o);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_LOCAL |
      GST_ODOMETRY_HAS_VELOCITY | GST_ODOMETRY_HAS_ATTITUDE);
  NEAR (o.north, 1.0);
  NEAR (o.yaw, 0.3);

  /* the global message's velocity replaces the local one's */
  decode (MAVLINK_MSG_ID_GLOBAL_POSITION_INT, &glob, &t);
  mavlink_telemetry_apply (&t, home, &o);
  fail_unless_equals_int (o.fields, GST_ODOMETRY_HAS_LOCAL |
      GST_ODOMETRY_HAS_VELOCITY | GST_ODOMETRY_HAS_ATTITUDE |
      GST_ODOMETRY_HAS_GLOBAL);
  NEAR (o.latitude, 1.0);
  NEAR (o.longitude, 2.0);
  NEAR (o.altitude, 30.0);
  NEAR (o.vn, 1.0);
  NEAR (o.vd, 3.0);
  NEAR (o.east, 3.0);
}

GST_END_TEST;

static Suite *
mavlinktelemetry_suite (void)
{
  Suite *s = suite_create ("mavlinktelemetry");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_global);
  tcase_add_test (tc, test_local_attitude_invalid);
  tcase_add_test (tc, test_apply);
  return s;
}

GST_CHECK_MAIN (mavlinktelemetry);
