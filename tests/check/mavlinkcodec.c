/* gst-workers: the MAVLink codec of the mavlink plugin
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <string.h>
#include "mavlink-codec.h"

/* ---------------------------------------------------------------------- */
/* captured frames: written by node-mavlink 2.3.0 (an independent
 * implementation, the one tests/interop runs), system 1 component 1 */

/* HEARTBEAT v2, seq 7: quadrotor, ArduPilot, base_mode 81, custom_mode 4 */
static const guint8 cap_heartbeat_v2[] = {
  0xfd, 0x09, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00,
  0x00, 0x00, 0x02, 0x03, 0x51, 0x04, 0x03, 0x38, 0x1c
};

/* the same HEARTBEAT as MAVLink 1, seq 8 */
static const guint8 cap_heartbeat_v1[] = {
  0xfe, 0x09, 0x08, 0x01, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0x03,
  0x51, 0x04, 0x03, 0x82, 0x82
};

/* GLOBAL_POSITION_INT v2, seq 9: t 123456 ms, 43.4712345, -80.5412345,
 * alt 350250 mm, rel 30125 mm, v 150/-75/10 cm/s, hdg 9000 */
static const guint8 cap_global_position_v2[] = {
  0xfd, 0x1c, 0x00, 0x00, 0x09, 0x01, 0x01, 0x21, 0x00, 0x00, 0x40, 0xe2,
  0x01, 0x00, 0x19, 0x2f, 0xe9, 0x19, 0x07, 0x62, 0xfe, 0xcf, 0x2a, 0x58,
  0x05, 0x00, 0xad, 0x75, 0x00, 0x00, 0x96, 0x00, 0xb5, 0xff, 0x0a, 0x00,
  0x28, 0x23, 0x52, 0x36
};

/* ATTITUDE v1, seq 10: t 123460 ms, roll 0.125, pitch -0.0625, yaw 1.5 */
static const guint8 cap_attitude_v1[] = {
  0xfe, 0x1c, 0x0a, 0x01, 0x01, 0x1e, 0x44, 0xe2, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x3e, 0x00, 0x00, 0x80, 0xbd, 0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0xfc
};

/* the same ATTITUDE as MAVLink 2, seq 11: payload zero-truncated to 16 */
static const guint8 cap_attitude_v2[] = {
  0xfd, 0x10, 0x00, 0x00, 0x0b, 0x01, 0x01, 0x1e, 0x00, 0x00, 0x44, 0xe2,
  0x01, 0x00, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x00, 0x80, 0xbd, 0x00, 0x00,
  0xc0, 0x3f, 0x5e, 0x03
};

/* LOCAL_POSITION_NED v2, seq 12: t 123470, 12.5, -3.25, -40, v 0: 16 bytes */
static const guint8 cap_local_position_v2[] = {
  0xfd, 0x10, 0x00, 0x00, 0x0c, 0x01, 0x01, 0x20, 0x00, 0x00, 0x4e, 0xe2,
  0x01, 0x00, 0x00, 0x00, 0x48, 0x41, 0x00, 0x00, 0x50, 0xc0, 0x00, 0x00,
  0x20, 0xc2, 0x67, 0xfe
};

/* the HEARTBEAT, seq 13, signed (link 5, key sha256("gst-workers")) */
static const guint8 cap_heartbeat_signed[] = {
  0xfd, 0x09, 0x01, 0x00, 0x0d, 0x01, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00,
  0x00, 0x00, 0x02, 0x03, 0x51, 0x04, 0x03, 0x2a, 0xa0, 0x05, 0x00, 0xe0,
  0x6f, 0x9e, 0x75, 0x19, 0x2c, 0xe3, 0x40, 0x19, 0xb4, 0xef
};

/* COMMAND_ACK v1, seq 15, with its extension fields (node-mavlink writes
 * them in MAVLink 1 too): command 21, accepted, target 255/191 */
static const guint8 cap_command_ack_v1[] = {
  0xfe, 0x0a, 0x0f, 0x01, 0x01, 0x4d, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0xff, 0xbf, 0xd5, 0x6a
};

/* STATUSTEXT v2, seq 16: severity 6 "EKF2 IMU0 is using GPS", truncated */
static const guint8 cap_statustext_v2[] = {
  0xfd, 0x17, 0x00, 0x00, 0x10, 0x01, 0x01, 0xfd, 0x00, 0x00, 0x06, 0x45,
  0x4b, 0x46, 0x32, 0x20, 0x49, 0x4d, 0x55, 0x30, 0x20, 0x69, 0x73, 0x20,
  0x75, 0x73, 0x69, 0x6e, 0x67, 0x20, 0x47, 0x50, 0x53, 0x6a, 0x7a
};

/* ---------------------------------------------------------------------- */
/* helpers */

typedef struct
{
  MavlinkParser parser;
  GArray *frames;               /* MavlinkFrame */
} Parsed;

/* Feeds @data in pieces of @chunk bytes (0: all at once), collecting the
 * frames; @at_end after the last piece. */
static void
parse (Parsed * p, const guint8 * data, gsize len, gsize chunk,
    gboolean at_end)
{
  MavlinkFrame frame;

  if (!p->frames) {
    mavlink_parser_init (&p->parser);
    p->frames = g_array_new (FALSE, FALSE, sizeof (MavlinkFrame));
  }
  if (chunk == 0)
    chunk = MAX (len, 1);
  while (len > 0) {
    gsize piece = MIN (chunk, len);

    while (piece > 0) {
      gsize n = mavlink_parser_feed (&p->parser, data, piece);

      data += n;
      len -= n;
      piece -= n;
      while (mavlink_parser_next (&p->parser, &frame, at_end && len == 0) ==
          MAVLINK_PARSE_FRAME)
        g_array_append_val (p->frames, frame);
    }
  }
  if (at_end)
    while (mavlink_parser_next (&p->parser, &frame, TRUE) ==
        MAVLINK_PARSE_FRAME)
      g_array_append_val (p->frames, frame);
}

static void
parsed_clear (Parsed * p)
{
  g_clear_pointer (&p->frames, g_array_unref);
}

static const MavlinkFrame *
nth_frame (Parsed * p, guint n)
{
  fail_unless (n < p->frames->len, "only %u frames", p->frames->len);
  return &g_array_index (p->frames, MavlinkFrame, n);
}

/* Concatenates byte arrays: cat (&len, a, sizeof a, b, sizeof b, NULL). */
static guint8 *
cat (gsize * out_len, ...)
{
  GByteArray *all = g_byte_array_new ();
  const guint8 *part;
  va_list args;

  va_start (args, out_len);
  while ((part = va_arg (args, const guint8 *))) {
    gsize n = va_arg (args, gsize);

    g_byte_array_append (all, part, n);
  }
  va_end (args);
  *out_len = all->len;
  return g_byte_array_free (all, FALSE);
}

#define BYTES(a) (const guint8 *) (a), sizeof (a)

static void
check_heartbeat (const MavlinkFrame * f, guint version, guint seq)
{
  MavlinkHeartbeat hb;

  fail_unless_equals_int (f->version, version);
  fail_unless_equals_int (f->seq, seq);
  fail_unless_equals_int (f->sysid, 1);
  fail_unless_equals_int (f->compid, 1);
  fail_unless_equals_int (f->msgid, MAVLINK_MSG_ID_HEARTBEAT);
  fail_unless (mavlink_frame_decode (f, MAVLINK_MSG_ID_HEARTBEAT, &hb));
  fail_unless_equals_int (hb.type, 2);
  fail_unless_equals_int (hb.autopilot, 3);
  fail_unless_equals_int (hb.base_mode, 81);
  fail_unless_equals_int (hb.custom_mode, 4);
  fail_unless_equals_int (hb.system_status, 4);
  fail_unless_equals_int (hb.mavlink_version, 3);
}

static void
check_attitude (const MavlinkFrame * f, guint version, guint seq)
{
  MavlinkAttitude at;

  fail_unless_equals_int (f->version, version);
  fail_unless_equals_int (f->seq, seq);
  fail_unless (mavlink_frame_decode (f, MAVLINK_MSG_ID_ATTITUDE, &at));
  fail_unless_equals_int (at.time_boot_ms, 123460);
  fail_unless_equals_float (at.roll, 0.125);
  fail_unless_equals_float (at.pitch, -0.0625);
  fail_unless_equals_float (at.yaw, 1.5);
  fail_unless_equals_float (at.rollspeed, 0);
  fail_unless_equals_float (at.yawspeed, 0);
}

/* ---------------------------------------------------------------------- */
/* checksums, CRC_EXTRA and layouts */

GST_START_TEST (test_crc_check_value)
{
  /* CRC-16/MCRF4XX check value */
  fail_unless_equals_int (mavlink_crc_calculate (MAVLINK_CRC_INIT,
          (const guint8 *) "123456789", 9), 0x6f91);
  fail_unless_equals_int (mavlink_crc_calculate (MAVLINK_CRC_INIT, NULL, 0),
      0xffff);
}

GST_END_TEST;

static gint
compare_size_desc (gconstpointer a, gconstpointer b)
{
  const MavlinkField *fa = *(const MavlinkField * const *) a;
  const MavlinkField *fb = *(const MavlinkField * const *) b;

  return (gint) mavlink_type_size (fb->type) -
      (gint) mavlink_type_size (fa->type);
}

/* The MAVLink generator's CRC_EXTRA: X.25 over "NAME ", then for each
 * field without the extensions, in wire order (sorted by type size,
 * largest first, stable), "type " and "name ", and the array length byte
 * for an array; the 16 bits folded to 8. Also the payload lengths. */
static guint8
derive_crc_extra (const MavlinkMessageInfo * info, guint * min_len,
    guint * max_len)
{
  GPtrArray *base = g_ptr_array_new ();
  guint16 crc = MAVLINK_CRC_INIT;
  gchar *s;
  guint i;

  *min_len = *max_len = 0;
  for (i = 0; i < info->n_fields; i++) {
    const MavlinkField *f = &info->fields[i];
    guint size = mavlink_type_size (f->type) * MAX (f->array_length, 1);

    *max_len += size;
    if (!f->extension) {
      *min_len += size;
      g_ptr_array_add (base, (gpointer) f);
    }
  }
  /* g_ptr_array_sort () is a stable merge sort */
  g_ptr_array_sort (base, compare_size_desc);

  s = g_strdup_printf ("%s ", info->name);
  crc = mavlink_crc_calculate (crc, (const guint8 *) s, strlen (s));
  g_free (s);
  for (i = 0; i < base->len; i++) {
    const MavlinkField *f = g_ptr_array_index (base, i);

    s = g_strdup_printf ("%s %s ", mavlink_type_name (f->type), f->name);
    crc = mavlink_crc_calculate (crc, (const guint8 *) s, strlen (s));
    g_free (s);
    if (f->array_length)
      crc = mavlink_crc_accumulate (crc, f->array_length);
  }
  g_ptr_array_unref (base);
  return (crc & 0xff) ^ (crc >> 8);
}

GST_START_TEST (test_crc_extra_derived_from_fields)
{
  guint i;

  fail_unless_equals_int (mavlink_message_count (), 15);
  for (i = 0; i < mavlink_message_count (); i++) {
    const MavlinkMessageInfo *info = mavlink_message_info_nth (i);
    guint min_len, max_len;
    guint8 crc = derive_crc_extra (info, &min_len, &max_len);

    GST_INFO ("%s: CRC_EXTRA %u, length %u..%u", info->name, crc, min_len,
        max_len);
    fail_unless_equals_int (crc, info->crc_extra);
    fail_unless_equals_int (min_len, info->min_length);
    fail_unless_equals_int (max_len, info->max_length);
    fail_unless (mavlink_message_info (info->id) == info);
  }
  /* the published values, for the record */
  fail_unless_equals_int (mavlink_message_info (0)->crc_extra, 50);
  fail_unless_equals_int (mavlink_message_info (30)->crc_extra, 39);
  fail_unless_equals_int (mavlink_message_info (32)->crc_extra, 185);
  fail_unless_equals_int (mavlink_message_info (33)->crc_extra, 104);
  fail_unless_equals_int (mavlink_message_info (75)->crc_extra, 158);
  fail_unless_equals_int (mavlink_message_info (76)->crc_extra, 152);
  fail_unless_equals_int (mavlink_message_info (77)->crc_extra, 143);
  fail_unless_equals_int (mavlink_message_info (84)->crc_extra, 143);
  fail_unless_equals_int (mavlink_message_info (86)->crc_extra, 5);
  fail_unless_equals_int (mavlink_message_info (253)->crc_extra, 83);
  fail_unless_equals_int (mavlink_message_info (1)->crc_extra, 124);
  fail_unless_equals_int (mavlink_message_info (24)->crc_extra, 24);
  fail_unless_equals_int (mavlink_message_info (66)->crc_extra, 148);
  fail_unless_equals_int (mavlink_message_info (242)->crc_extra, 104);
  fail_unless_equals_int (mavlink_message_info (245)->crc_extra, 130);
  fail_unless (mavlink_message_info (2) == NULL);
  fail_unless (mavlink_message_info (254) == NULL);
  fail_unless (mavlink_message_info (0xffffff) == NULL);
}

GST_END_TEST;

/* A wrong field list gives a different CRC_EXTRA: the derivation is not
 * a constant. */
GST_START_TEST (test_crc_extra_sensitive)
{
  const MavlinkMessageInfo *hb = mavlink_message_info (0);
  MavlinkField fields[6];
  MavlinkMessageInfo info = *hb;
  guint min_len, max_len;

  memcpy (fields, hb->fields, sizeof (fields));
  info.fields = fields;
  fail_unless_equals_int (derive_crc_extra (&info, &min_len, &max_len), 50);
  fields[0].name = "typ";
  fail_if (derive_crc_extra (&info, &min_len, &max_len) == 50);
  fields[0].name = "type";
  fields[3].type = MAVLINK_TYPE_INT32;
  fail_if (derive_crc_extra (&info, &min_len, &max_len) == 50);
}

GST_END_TEST;

/* Wire offsets from the MAVLink documentation's serialization rules,
 * written out by hand. */
GST_START_TEST (test_wire_layout)
{
  MavlinkGlobalPositionInt gp = { 0x11111111, 0x22222222, 0x33333333,
    0x44444444, 0x55555555, 0x6666, 0x7777, 0x0808, 0x0909
  };
  MavlinkHeartbeat hb = { 1, 2, 3, 0x04040404, 5, 6 };
  MavlinkCommandLong cl = { 1, 2, 0x0303, 4, 1, 2, 3, 4, 5, 6, 7 };
  MavlinkCommandAck ack = { 0x0101, 2, 3, 0x04040404, 5, 6 };
  MavlinkStatustext st = { 7, "hello", 0x0809, 10 };
  guint8 p[MAVLINK_MAX_PAYLOAD_LEN];
  const guint8 gp_wire[28] = {
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33,
    0x44, 0x44, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x66, 0x66, 0x77, 0x77,
    0x08, 0x08, 0x09, 0x09
  };
  const guint8 hb_wire[9] = { 4, 4, 4, 4, 1, 2, 3, 5, 6 };
  const guint8 ack_wire[10] = { 1, 1, 2, 3, 4, 4, 4, 4, 5, 6 };
  gfloat f;

  memset (p, 0xee, sizeof (p));
  mavlink_message_pack (mavlink_message_info (33), &gp, p);
  fail_unless (memcmp (p, gp_wire, sizeof (gp_wire)) == 0);
  fail_unless_equals_int (p[28], 0xee);

  mavlink_message_pack (mavlink_message_info (0), &hb, p);
  fail_unless (memcmp (p, hb_wire, sizeof (hb_wire)) == 0);

  /* COMMAND_LONG: 7 floats, command, target system, component,
   * confirmation */
  mavlink_message_pack (mavlink_message_info (76), &cl, p);
  memcpy (&f, p + 24, 4);
  fail_unless_equals_float (GFLOAT_FROM_LE (f), 7);
  fail_unless_equals_int (p[28], 3);
  fail_unless_equals_int (p[29], 3);
  fail_unless_equals_int (p[30], 1);
  fail_unless_equals_int (p[31], 2);
  fail_unless_equals_int (p[32], 4);

  /* extensions are not sorted: they follow in definition order */
  mavlink_message_pack (mavlink_message_info (77), &ack, p);
  fail_unless (memcmp (p, ack_wire, sizeof (ack_wire)) == 0);

  /* an array: severity, text[50], then id, chunk_seq */
  mavlink_message_pack (mavlink_message_info (253), &st, p);
  fail_unless_equals_int (p[0], 7);
  fail_unless (memcmp (p + 1, "hello\0", 6) == 0);
  fail_unless_equals_int (p[51], 9);
  fail_unless_equals_int (p[52], 8);
  fail_unless_equals_int (p[53], 10);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* captured frames */

GST_START_TEST (test_captured_frames)
{
  Parsed p = { 0 };
  MavlinkGlobalPositionInt gp;
  MavlinkLocalPositionNed lp;
  MavlinkCommandAck ack;
  MavlinkStatustext st;
  guint8 *all;
  gsize len;

  all = cat (&len, BYTES (cap_heartbeat_v2), BYTES (cap_heartbeat_v1),
      BYTES (cap_global_position_v2), BYTES (cap_attitude_v1),
      BYTES (cap_attitude_v2), BYTES (cap_local_position_v2),
      BYTES (cap_heartbeat_signed), BYTES (cap_command_ack_v1),
      BYTES (cap_statustext_v2), NULL);
  parse (&p, all, len, 0, TRUE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 9);
  check_heartbeat (nth_frame (&p, 0), 2, 7);
  check_heartbeat (nth_frame (&p, 1), 1, 8);

  fail_unless (mavlink_frame_decode (nth_frame (&p, 2), 33, &gp));
  fail_unless_equals_int (gp.time_boot_ms, 123456);
  fail_unless_equals_int (gp.lat, 434712345);
  fail_unless_equals_int (gp.lon, -805412345);
  fail_unless_equals_int (gp.alt, 350250);
  fail_unless_equals_int (gp.relative_alt, 30125);
  fail_unless_equals_int (gp.vx, 150);
  fail_unless_equals_int (gp.vy, -75);
  fail_unless_equals_int (gp.vz, 10);
  fail_unless_equals_int (gp.hdg, 9000);

  check_attitude (nth_frame (&p, 3), 1, 10);
  /* zero-truncated MAVLink 2 payload: 16 of 28 bytes on the wire */
  fail_unless_equals_int (nth_frame (&p, 4)->payload_length, 16);
  check_attitude (nth_frame (&p, 4), 2, 11);

  fail_unless (mavlink_frame_decode (nth_frame (&p, 5), 32, &lp));
  fail_unless_equals_int (lp.time_boot_ms, 123470);
  fail_unless_equals_float (lp.x, 12.5);
  fail_unless_equals_float (lp.y, -3.25);
  fail_unless_equals_float (lp.z, -40);
  fail_unless_equals_float (lp.vz, 0);

  /* signed: accepted on its checksum, signature kept, not verified */
  check_heartbeat (nth_frame (&p, 6), 2, 13);
  fail_unless (nth_frame (&p, 6)->is_signed);
  fail_unless_equals_int (nth_frame (&p, 6)->signature[0], 5);

  fail_unless (mavlink_frame_decode (nth_frame (&p, 7), 77, &ack));
  fail_unless_equals_int (ack.command, 21);
  fail_unless_equals_int (ack.result, 0);
  fail_unless_equals_int (ack.target_system, 255);
  fail_unless_equals_int (ack.target_component, 191);

  fail_unless (mavlink_frame_decode (nth_frame (&p, 8), 253, &st));
  fail_unless_equals_int (st.severity, 6);
  fail_unless_equals_string (st.text, "EKF2 IMU0 is using GPS");
  fail_unless_equals_int (st.id, 0);

  fail_unless_equals_int (p.parser.stats.frames, 9);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);
  fail_unless_equals_int (p.parser.stats.garbage_bytes, 0);
  parsed_clear (&p);
}

GST_END_TEST;

/* The same stream fed one byte at a time, and in every chunk size up to
 * 64: the same frames. */
GST_START_TEST (test_any_chunking)
{
  guint8 *all;
  gsize len, chunk;

  all = cat (&len, BYTES (cap_heartbeat_v2), BYTES (cap_attitude_v1),
      BYTES (cap_heartbeat_signed), BYTES (cap_attitude_v2),
      BYTES (cap_global_position_v2), BYTES (cap_heartbeat_v1), NULL);
  for (chunk = 1; chunk <= 64; chunk++) {
    Parsed p = { 0 };

    parse (&p, all, len, chunk, FALSE);
    fail_unless_equals_int (p.frames->len, 6);
    check_heartbeat (nth_frame (&p, 0), 2, 7);
    check_attitude (nth_frame (&p, 1), 1, 10);
    check_heartbeat (nth_frame (&p, 2), 2, 13);
    check_attitude (nth_frame (&p, 3), 2, 11);
    fail_unless_equals_int (nth_frame (&p, 4)->msgid, 33);
    check_heartbeat (nth_frame (&p, 5), 1, 8);
    fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);
    parsed_clear (&p);
  }
  g_free (all);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* bad input */

GST_START_TEST (test_garbage_between_frames)
{
  static const guint8 garbage1[] = { 0x00, 0x13, 0x37, 0x42 };
  /* start bytes whose frames cannot be: a MAVLink 2 header with an unknown
   * incompatibility flag, then a lone 0xfe before a non-start byte */
  static const guint8 garbage2[] = { 0xfd, 0x05, 0x80, 0x00, 0x01, 0x02,
    0x03, 0x04, 0x05, 0x06, 0x07
  };
  Parsed p = { 0 };
  guint8 *all;
  gsize len;

  all = cat (&len, BYTES (garbage1), BYTES (cap_heartbeat_v2),
      BYTES (garbage2), BYTES (cap_attitude_v1), BYTES (garbage1), NULL);
  parse (&p, all, len, 3, TRUE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 2);
  check_heartbeat (nth_frame (&p, 0), 2, 7);
  check_attitude (nth_frame (&p, 1), 1, 10);
  fail_unless_equals_int (p.parser.stats.garbage_bytes,
      2 * sizeof (garbage1) + sizeof (garbage2));
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);
  parsed_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_corrupt_frames)
{
  guint8 bad_payload[sizeof (cap_global_position_v2)];
  guint8 bad_crc[sizeof (cap_heartbeat_v1)];
  Parsed p = { 0 };
  guint8 *all;
  gsize len;

  /* a flipped payload bit, and a flipped checksum bit */
  memcpy (bad_payload, cap_global_position_v2, sizeof (bad_payload));
  bad_payload[14] ^= 0x10;
  memcpy (bad_crc, cap_heartbeat_v1, sizeof (bad_crc));
  bad_crc[sizeof (bad_crc) - 1] ^= 0x01;

  all = cat (&len, BYTES (bad_payload), BYTES (cap_attitude_v2),
      BYTES (bad_crc), BYTES (cap_heartbeat_v2), NULL);
  parse (&p, all, len, 7, TRUE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 2);
  check_attitude (nth_frame (&p, 0), 2, 11);
  check_heartbeat (nth_frame (&p, 1), 2, 7);
  fail_unless_equals_int (p.parser.stats.bad_crc, 2);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 2);
  /* the rest of each bad frame, after its start byte, is garbage */
  fail_unless_equals_int (p.parser.stats.garbage_bytes,
      sizeof (bad_payload) - 1 + sizeof (bad_crc) - 1);
  parsed_clear (&p);
}

GST_END_TEST;

/* A frame cut short in a stream: the bytes of the next frame complete it,
 * its checksum fails, and the next frame is found inside it. */
GST_START_TEST (test_truncated_in_stream)
{
  Parsed p = { 0 };
  guint8 *all;
  gsize len;

  all = cat (&len, cap_global_position_v2, (gsize) 20,
      BYTES (cap_heartbeat_v2), BYTES (cap_attitude_v1), NULL);
  parse (&p, all, len, 1, FALSE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 2);
  check_heartbeat (nth_frame (&p, 0), 2, 7);
  check_attitude (nth_frame (&p, 1), 1, 10);
  fail_unless_equals_int (p.parser.stats.bad_crc, 1);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 1);
  parsed_clear (&p);
}

GST_END_TEST;

/* A false start byte whose header announces a long frame (of a message we
 * know or not) does not hold up, in a stream, a good frame that follows:
 * the good frame is returned as soon as it is complete. */
GST_START_TEST (test_false_start_does_not_wait)
{
  static const guint8 false_unknown[] = { 0x42, 0xfe, 0xf0, 0x01, 0x01,
    0x01, 0x01
  };
  static const guint8 false_known[] = { 0xfd, 0xf0, 0x00, 0x00, 0x01, 0x01,
    0x01, 0x1e, 0x00, 0x00
  };
  Parsed p = { 0 };
  guint8 *all;
  gsize len;

  all = cat (&len, BYTES (false_unknown), BYTES (cap_heartbeat_v2),
      BYTES (false_known), BYTES (cap_attitude_v1), NULL);
  parse (&p, all, len, 1, FALSE);
  g_free (all);
  fail_unless_equals_int (p.frames->len, 2);
  check_heartbeat (nth_frame (&p, 0), 2, 7);
  check_attitude (nth_frame (&p, 1), 1, 10);
  fail_unless_equals_int (p.parser.stats.truncated, 1);
  fail_unless_equals_int (p.parser.stats.garbage_bytes,
      sizeof (false_unknown) + sizeof (false_known) - 1);
  fail_unless_equals_int (p.parser.end - p.parser.start, 0);
  parsed_clear (&p);
}

GST_END_TEST;

/* Frames cut short by the end of the data (a datagram) count as
 * truncated; a header cut short cannot be told from garbage. */
GST_START_TEST (test_truncated_at_end)
{
  Parsed p = { 0 }, q = { 0 };
  guint8 *all;
  gsize len;

  all = cat (&len, BYTES (cap_heartbeat_v2), cap_attitude_v1, (gsize) 30,
      NULL);
  parse (&p, all, len, 0, TRUE);
  g_free (all);
  fail_unless_equals_int (p.frames->len, 1);
  check_heartbeat (nth_frame (&p, 0), 2, 7);
  fail_unless_equals_int (p.parser.stats.truncated, 1);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 1);
  fail_unless_equals_int (p.parser.stats.garbage_bytes, 29);

  /* the next datagram is parsed afresh */
  parse (&p, BYTES (cap_heartbeat_v1), 0, TRUE);
  fail_unless_equals_int (p.frames->len, 2);
  check_heartbeat (nth_frame (&p, 1), 1, 8);
  parsed_clear (&p);

  parse (&q, cap_heartbeat_v2, 6, 0, TRUE);
  fail_unless_equals_int (q.frames->len, 0);
  fail_unless_equals_int (mavlink_parser_bad_frames (&q.parser), 0);
  fail_unless_equals_int (q.parser.stats.garbage_bytes, 6);
  parsed_clear (&q);
}

GST_END_TEST;

GST_START_TEST (test_mixed_versions)
{
  static const guint versions[] = { 1, 2, 1, 2, 1, 2, 1 };
  Parsed p = { 0 };
  guint8 *all;
  gsize len;
  guint i;

  all = cat (&len, BYTES (cap_heartbeat_v1), BYTES (cap_heartbeat_v2),
      BYTES (cap_attitude_v1), BYTES (cap_attitude_v2),
      BYTES (cap_command_ack_v1), BYTES (cap_heartbeat_signed),
      BYTES (cap_heartbeat_v1), NULL);
  parse (&p, all, len, 5, FALSE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 7);
  for (i = 0; i < 7; i++)
    fail_unless_equals_int (nth_frame (&p, i)->version, versions[i]);
  check_heartbeat (nth_frame (&p, 6), 1, 8);
  parsed_clear (&p);
}

GST_END_TEST;

/* A MAVLink 1 frame must hold at least the message without extensions:
 * a header announcing a shorter payload is not a frame, even with a good
 * checksum, and the parser does not wait for its bytes. */
GST_START_TEST (test_v1_bad_length)
{
  const MavlinkMessageInfo *info = mavlink_message_info (30);
  guint8 frame[6 + 20 + 2] = { 0xfe, 20, 0, 1, 1, 30 };
  Parsed p = { 0 };
  guint16 crc;
  guint8 *all;
  gsize len;

  crc = mavlink_crc_calculate (MAVLINK_CRC_INIT, frame + 1, 5 + 20);
  crc = mavlink_crc_accumulate (crc, info->crc_extra);
  frame[26] = crc & 0xff;
  frame[27] = crc >> 8;

  all = cat (&len, BYTES (frame), BYTES (cap_heartbeat_v1), NULL);
  parse (&p, all, len, 0, TRUE);
  g_free (all);
  fail_unless_equals_int (p.frames->len, 1);
  check_heartbeat (nth_frame (&p, 0), 1, 8);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);
  fail_unless_equals_int (p.parser.stats.garbage_bytes, sizeof (frame));
  parsed_clear (&p);
}

GST_END_TEST;

/* A MAVLink 2 payload longer than ours (fields of a newer definition) is
 * accepted; the extra bytes are ignored. */
GST_START_TEST (test_v2_longer_payload)
{
  const MavlinkMessageInfo *info = mavlink_message_info (0);
  guint8 frame[10 + 12 + 2] = { 0xfd, 12, 0, 0, 3, 1, 1, 0, 0, 0,
    4, 0, 0, 0, 2, 3, 81, 4, 3, 0xaa, 0xbb, 0xcc
  };
  Parsed p = { 0 };
  guint16 crc;

  crc = mavlink_crc_calculate (MAVLINK_CRC_INIT, frame + 1, 9 + 12);
  crc = mavlink_crc_accumulate (crc, info->crc_extra);
  frame[22] = crc & 0xff;
  frame[23] = crc >> 8;
  parse (&p, BYTES (frame), 0, TRUE);
  fail_unless_equals_int (p.frames->len, 1);
  check_heartbeat (nth_frame (&p, 0), 2, 3);
  parsed_clear (&p);
}

GST_END_TEST;

/* Frames of messages we do not know: taken (and skipped) when the next
 * byte starts a frame or the data ends there; a start byte followed by a
 * "frame" that is not is garbage. */
GST_START_TEST (test_unknown_messages)
{
  /* SYSTEM_TIME-like id 2, 3-byte payload, any checksum */
  static const guint8 unknown[] = { 0xfd, 0x03, 0x00, 0x00, 0x01, 0x01, 0x01,
    0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc, 0x12, 0x34
  };
  static const guint8 not_a_frame[] = { 0xfe, 0x01, 0x00, 0x01, 0x01, 0x02,
    0x00, 0x00, 0x00, 0x99
  };
  Parsed p = { 0 };
  guint8 *all;
  gsize len;

  all = cat (&len, BYTES (unknown), BYTES (cap_heartbeat_v2),
      BYTES (not_a_frame), BYTES (cap_heartbeat_v1), BYTES (unknown), NULL);
  parse (&p, all, len, 4, TRUE);
  g_free (all);

  fail_unless_equals_int (p.frames->len, 4);
  fail_unless (nth_frame (&p, 0)->info == NULL);
  fail_unless_equals_int (nth_frame (&p, 0)->msgid, 2);
  check_heartbeat (nth_frame (&p, 1), 2, 7);
  check_heartbeat (nth_frame (&p, 2), 1, 8);
  fail_unless (nth_frame (&p, 3)->info == NULL);
  fail_unless_equals_int (p.parser.stats.unknown_frames, 2);
  fail_unless_equals_int (p.parser.stats.frames, 2);
  fail_unless_equals_int (p.parser.stats.garbage_bytes, sizeof (not_a_frame));
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);
  parsed_clear (&p);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* encoding */

GST_START_TEST (test_encode_matches_capture)
{
  MavlinkHeartbeat hb = { 2, 3, 81, 4, 4, 3 };
  MavlinkAttitude at = { 123460, 0.125, -0.0625, 1.5, 0, 0, 0 };
  guint8 out[MAVLINK_MAX_FRAME_LEN];
  gsize n;

  n = mavlink_message_encode (out, 2, 7, 1, 1, mavlink_message_info (0), &hb);
  fail_unless_equals_int (n, sizeof (cap_heartbeat_v2));
  fail_unless (memcmp (out, cap_heartbeat_v2, n) == 0);
  n = mavlink_message_encode (out, 1, 8, 1, 1, mavlink_message_info (0), &hb);
  fail_unless_equals_int (n, sizeof (cap_heartbeat_v1));
  fail_unless (memcmp (out, cap_heartbeat_v1, n) == 0);
  /* MAVLink 2 drops the trailing zero bytes */
  n = mavlink_message_encode (out, 2, 11, 1, 1, mavlink_message_info (30),
      &at);
  fail_unless_equals_int (n, sizeof (cap_attitude_v2));
  fail_unless (memcmp (out, cap_attitude_v2, n) == 0);
  n = mavlink_message_encode (out, 1, 10, 1, 1, mavlink_message_info (30),
      &at);
  fail_unless_equals_int (n, sizeof (cap_attitude_v1));
  fail_unless (memcmp (out, cap_attitude_v1, n) == 0);
}

GST_END_TEST;

/* An all-zero payload keeps its first byte. */
GST_START_TEST (test_encode_all_zero)
{
  MavlinkCommandAck ack = { 0 };
  guint8 out[MAVLINK_MAX_FRAME_LEN];
  Parsed p = { 0 };
  MavlinkCommandAck back = { 1, 1, 1, 1, 1, 1 };
  gsize n;

  n = mavlink_message_encode (out, 2, 0, 9, 8, mavlink_message_info (77),
      &ack);
  fail_unless_equals_int (n, 10 + 1 + 2);
  fail_unless_equals_int (out[1], 1);
  parse (&p, out, n, 0, TRUE);
  fail_unless_equals_int (p.frames->len, 1);
  fail_unless (mavlink_frame_decode (nth_frame (&p, 0), 77, &back));
  fail_unless (memcmp (&back, &ack, sizeof (ack)) == 0);
  parsed_clear (&p);
}

GST_END_TEST;

/* Every message, both versions, through the encoder and the parser. */
GST_START_TEST (test_encode_roundtrip_all)
{
  guint i, v;

  for (i = 0; i < mavlink_message_count (); i++) {
    const MavlinkMessageInfo *info = mavlink_message_info_nth (i);

    for (v = 1; v <= 2; v++) {
      guint8 msg[256], back[256], out[MAVLINK_MAX_FRAME_LEN];
      Parsed p = { 0 };
      guint j, k;
      gsize n;

      /* a distinct value in every byte of every field */
      memset (msg, 0, sizeof (msg));
      for (j = 0; j < info->n_fields; j++) {
        const MavlinkField *f = &info->fields[j];
        gsize size = mavlink_type_size (f->type) * MAX (f->array_length, 1);

        if (v == 1 && f->extension)
          continue;
        for (k = 0; k < size; k++)
          msg[f->offset + k] = (guint8) (j * 16 + k + 1);
      }

      n = mavlink_message_encode (out, v, 42, 3, 4, info, msg);
      fail_unless (n > 0);
      parse (&p, out, n, 0, TRUE);
      fail_unless_equals_int (p.frames->len, 1);
      fail_unless_equals_int (nth_frame (&p, 0)->seq, 42);
      fail_unless_equals_int (nth_frame (&p, 0)->sysid, 3);
      fail_unless_equals_int (nth_frame (&p, 0)->compid, 4);
      fail_unless (mavlink_frame_decode (nth_frame (&p, 0), info->id, back));
      fail_unless (mavlink_frame_decode (nth_frame (&p, 0), info->id + 1,
              back) == FALSE);
      fail_unless (memcmp (msg, back, info->struct_size) == 0,
          "%s v%u does not round-trip", info->name, v);
      parsed_clear (&p);
    }
  }
}

GST_END_TEST;

/* A long stream of random frames and garbage, cut at random: every frame
 * is found, every garbage byte counted. */
GST_START_TEST (test_random_stream)
{
  GRand *rand = g_rand_new_with_seed (20240607);
  GByteArray *stream = g_byte_array_new ();
  GArray *expected = g_array_new (FALSE, FALSE, sizeof (guint32));
  Parsed p = { 0 };
  guint64 garbage = 0;
  gsize off = 0;
  guint i;

  for (i = 0; i < 2000; i++) {
    const MavlinkMessageInfo *info =
        mavlink_message_info_nth (g_rand_int_range (rand, 0,
            mavlink_message_count ()));
    guint8 msg[256], out[MAVLINK_MAX_FRAME_LEN];
    guint j;
    gsize n;

    for (j = 0; j < info->struct_size; j++)
      msg[j] = g_rand_int (rand);
    n = mavlink_message_encode (out, g_rand_boolean (rand) ? 2 : 1, i, 1, 1,
        info, msg);
    g_byte_array_append (stream, out, n);
    g_array_append_val (expected, info->id);
    /* garbage without start bytes now and then */
    if (g_rand_int_range (rand, 0, 4) == 0) {
      guint k, ng = g_rand_int_range (rand, 1, 40);

      for (k = 0; k < ng; k++) {
        guint8 b = g_rand_int_range (rand, 0, 0xfd);

        g_byte_array_append (stream, &b, 1);
      }
      garbage += ng;
    }
  }

  while (off < stream->len) {
    gsize chunk = g_rand_int_range (rand, 1, 700);

    chunk = MIN (chunk, stream->len - off);

    parse (&p, stream->data + off, chunk, 0, FALSE);
    off += chunk;
  }
  parse (&p, NULL, 0, 0, TRUE);

  fail_unless_equals_int (p.frames->len, expected->len);
  for (i = 0; i < expected->len; i++) {
    fail_unless_equals_int (nth_frame (&p, i)->msgid,
        g_array_index (expected, guint32, i));
    fail_unless_equals_int (nth_frame (&p, i)->seq, i & 0xff);
  }
  fail_unless_equals_int (p.parser.stats.garbage_bytes, garbage);
  fail_unless_equals_int (mavlink_parser_bad_frames (&p.parser), 0);

  parsed_clear (&p);
  g_array_unref (expected);
  g_byte_array_unref (stream);
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
mavlinkcodec_suite (void)
{
  Suite *s = suite_create ("mavlinkcodec");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_crc_check_value);
  tcase_add_test (tc, test_crc_extra_derived_from_fields);
  tcase_add_test (tc, test_crc_extra_sensitive);
  tcase_add_test (tc, test_wire_layout);
  tcase_add_test (tc, test_captured_frames);
  tcase_add_test (tc, test_any_chunking);
  tcase_add_test (tc, test_garbage_between_frames);
  tcase_add_test (tc, test_corrupt_frames);
  tcase_add_test (tc, test_truncated_in_stream);
  tcase_add_test (tc, test_truncated_at_end);
  tcase_add_test (tc, test_false_start_does_not_wait);
  tcase_add_test (tc, test_mixed_versions);
  tcase_add_test (tc, test_v1_bad_length);
  tcase_add_test (tc, test_v2_longer_payload);
  tcase_add_test (tc, test_unknown_messages);
  tcase_add_test (tc, test_encode_matches_capture);
  tcase_add_test (tc, test_encode_all_zero);
  tcase_add_test (tc, test_encode_roundtrip_all);
  tcase_add_test (tc, test_random_stream);
  return s;
}

GST_CHECK_MAIN (mavlinkcodec);
