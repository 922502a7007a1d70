/* gst-workers: fuzz target for the command mapping (libFuzzer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a vehicle and a command item's values, raw: byte 0 the
 * autopilot family (mod 3), byte 1 the vehicle type, byte 2 bit 0 home
 * known, bit 1 goto-command=reposition; then the command's type and flags
 * (guint32 each) and its seven doubles (north, east, down, latitude,
 * longitude, altitude, yaw), then home's altitude, north, east, down;
 * what is missing is zero. Besides crashes and sanitizer reports, it
 * checks that every command either maps, or is refused with a reason, and
 * that a mapped message goes through the codec and back bit for bit, its
 * MAV_CMD readable for the COMMAND_ACK.
 *
 * Built with -DFUZZ_REPLAY_MAIN, it is a plain program that runs the
 * committed corpus (tests/fuzz/corpus/mavlink-commands) as a unit test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mavlink-codec.h"
#include "mavlink-commands.h"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

#define CHECK(cond) \
  G_STMT_START { if (!(cond)) { \
      fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
          #cond); \
      abort (); } } G_STMT_END

/* Takes @n bytes (zeros past the end). */
static void
take (const guint8 ** data, size_t * size, gpointer out, size_t n)
{
  size_t have = MIN (n, *size);

  memset (out, 0, n);
  memcpy (out, *data, have);
  *data += have;
  *size -= have;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  MavlinkTarget target = { 7, 1 };
  GstFlightCommand cmd;
  MavlinkCommandMessage msg, back;
  const MavlinkMessageInfo *info;
  const gchar *why = NULL;
  guint8 head[3], frame[MAVLINK_MAX_FRAME_LEN];
  guint32 type, flags;
  gdouble v[11];
  MavlinkParser parser;
  MavlinkFrame f;
  gsize n;

  take (&data, &size, head, sizeof (head));
  take (&data, &size, &type, sizeof (type));
  take (&data, &size, &flags, sizeof (flags));
  take (&data, &size, v, sizeof (v));
  target.family = head[0] % 3;
  target.vehicle_type = head[1];
  target.have_home = head[2] & 1;
  target.goto_reposition = (head[2] & 2) != 0;
  target.home_altitude = v[7];
  target.home_north = v[8];
  target.home_east = v[9];
  target.home_down = v[10];
  memset (&cmd, 0, sizeof (cmd));
  cmd.type = type;
  cmd.flags = flags;
  cmd.north = v[0];
  cmd.east = v[1];
  cmd.down = v[2];
  cmd.latitude = v[3];
  cmd.longitude = v[4];
  cmd.altitude = v[5];
  cmd.yaw = v[6];

  info = mavlink_command_from_flight_command (&cmd, &target, 1234, &msg,
      &why);
  if (!info) {
    CHECK (why != NULL && *why);
    return 0;
  }
  CHECK (info->struct_size <= sizeof (msg));
  n = mavlink_message_encode (frame, 2, 0, 1, 191, info, &msg);
  CHECK (n > 0 && n <= MAVLINK_MAX_FRAME_LEN);
  mavlink_parser_init (&parser);
  CHECK (mavlink_parser_feed (&parser, frame, n) == n);
  CHECK (mavlink_parser_next (&parser, &f, TRUE) == MAVLINK_PARSE_FRAME);
  CHECK (f.info == info);
  CHECK (mavlink_frame_decode (&f, f.msgid, &back));
  CHECK (memcmp (&msg, &back, info->struct_size) == 0);
  if (info->id == MAVLINK_MSG_ID_COMMAND_LONG ||
      info->id == MAVLINK_MSG_ID_COMMAND_INT)
    CHECK (mavlink_command_number (info, &msg) != 0);
  else
    CHECK (mavlink_command_number (info, &msg) == 0);
  return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Runs every file of the corpus directory once. */
int
main (int argc, char **argv)
{
  GDir *dir;
  const gchar *name;
  guint n = 0;

  if (argc != 2) {
    fprintf (stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 1;
  }
  dir = g_dir_open (argv[1], 0, NULL);
  if (!dir) {
    fprintf (stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  while ((name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (argv[1], name, NULL), *contents;
    gsize len;

    if (g_file_get_contents (path, &contents, &len, NULL)) {
      LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
      g_free (contents);
      n++;
    }
    g_free (path);
  }
  g_dir_close (dir);
  printf ("%u inputs replayed\n", n);
  return n > 0 ? 0 : 1;
}
#endif
