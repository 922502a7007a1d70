/* gst-workers: fuzz target for the MAVLink parser (libFuzzer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first input byte chooses how the rest is fed: bit 0 set, as UDP
 * datagrams (each piece is one, parsed with at_end); clear, as a serial
 * stream. The other bits pick the piece size (1 to 128 bytes). Besides
 * crashes and sanitizer reports, it checks:
 *
 * - the parser never holds more bytes than its buffer, nor returns a frame
 *   longer than MAVLink allows;
 * - a datagram leaves nothing behind;
 * - every frame of a known message, decoded, encoded again (MAVLink 2) and
 *   parsed again, gives the same message back, bit for bit.
 *
 * Built with -DFUZZ_REPLAY_MAIN, it is a plain program that runs the
 * committed corpus (tests/fuzz/corpus/mavlink-parser) as a unit test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mavlink-codec.h"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

#define CHECK(cond) \
  G_STMT_START { if (!(cond)) { \
      fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
          #cond); \
      abort (); } } G_STMT_END

static void
check_roundtrip (const MavlinkFrame * frame)
{
  guint8 msg[256], back[256], out[MAVLINK_MAX_FRAME_LEN];
  const MavlinkMessageInfo *info = frame->info;
  MavlinkParser again;
  MavlinkFrame f2;
  gsize n;

  CHECK (info->struct_size <= sizeof (msg));
  CHECK (mavlink_frame_decode (frame, frame->msgid, msg));
  n = mavlink_message_encode (out, 2, frame->seq, frame->sysid, frame->compid,
      info, msg);
  CHECK (n > 0 && n <= MAVLINK_MAX_FRAME_LEN);

  mavlink_parser_init (&again);
  CHECK (mavlink_parser_feed (&again, out, n) == n);
  CHECK (mavlink_parser_next (&again, &f2, TRUE) == MAVLINK_PARSE_FRAME);
  CHECK (f2.msgid == frame->msgid && f2.info == info);
  CHECK (f2.seq == frame->seq && f2.sysid == frame->sysid &&
      f2.compid == frame->compid);
  CHECK (mavlink_frame_decode (&f2, f2.msgid, back));
  CHECK (memcmp (msg, back, info->struct_size) == 0);
  CHECK (mavlink_parser_next (&again, &f2, TRUE) == MAVLINK_PARSE_NEED_DATA);
  CHECK (mavlink_parser_bad_frames (&again) == 0);
}

static void
drain (MavlinkParser * parser, gboolean at_end)
{
  MavlinkFrame frame;

  while (mavlink_parser_next (parser, &frame, at_end) == MAVLINK_PARSE_FRAME) {
    CHECK (frame.version == 1 || frame.version == 2);
    CHECK (frame.version == 2 || frame.msgid <= 255);
    CHECK (!frame.is_signed || frame.version == 2);
    if (frame.info)
      check_roundtrip (&frame);
  }
  CHECK (parser->start <= parser->end);
  CHECK (parser->end <= sizeof (parser->buf));
  if (at_end)
    CHECK (parser->end == parser->start);
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  MavlinkParser parser;
  gboolean datagrams;
  gsize piece;

  if (size < 1)
    return 0;
  datagrams = data[0] & 1;
  piece = (data[0] >> 1) + 1;
  data++;
  size--;

  mavlink_parser_init (&parser);
  while (size > 0) {
    gsize len = MIN (piece, size);

    while (len > 0) {
      gsize n = mavlink_parser_feed (&parser, data, len);

      data += n;
      size -= n;
      len -= n;
      drain (&parser, datagrams && len == 0);
    }
  }
  drain (&parser, TRUE);
  return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Runs every file of the directories or files given. */
static guint
run_path (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;
  guint n = 0;

  if (!dir) {
    gchar *contents;
    gsize len;

    if (!g_file_get_contents (path, &contents, &len, NULL)) {
      fprintf (stderr, "cannot read %s\n", path);
      exit (1);
    }
    LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
    g_free (contents);
    return 1;
  }
  while ((name = g_dir_read_name (dir))) {
    gchar *file = g_build_filename (path, name, NULL);

    n += run_path (file);
    g_free (file);
  }
  g_dir_close (dir);
  return n;
}

int
main (int argc, char **argv)
{
  guint n = 0;
  int i;

  for (i = 1; i < argc; i++)
    n += run_path (argv[i]);
  printf ("%u inputs, no failure\n", n);
  return n > 0 ? 0 : 1;
}
#endif
