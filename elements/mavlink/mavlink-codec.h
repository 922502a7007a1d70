/* gst-workers: MAVLink 1/2 framing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include "mavlink-messages.h"

G_BEGIN_DECLS

#define MAVLINK_STX_V1 0xfe
#define MAVLINK_STX_V2 0xfd
#define MAVLINK_HEADER_LEN_V1 6         /* with the start byte */
#define MAVLINK_HEADER_LEN_V2 10
#define MAVLINK_CHECKSUM_LEN 2
#define MAVLINK_SIGNATURE_LEN 13
#define MAVLINK_MAX_PAYLOAD_LEN 255
#define MAVLINK_MAX_FRAME_LEN (MAVLINK_HEADER_LEN_V2 + \
    MAVLINK_MAX_PAYLOAD_LEN + MAVLINK_CHECKSUM_LEN + MAVLINK_SIGNATURE_LEN)
#define MAVLINK_IFLAG_SIGNED 0x01
#define MAVLINK_CRC_INIT 0xffff

/* X.25 / CRC-16/MCRF4XX, as MAVLink uses it */
guint16 mavlink_crc_accumulate (guint16 crc, guint8 byte);

guint16 mavlink_crc_calculate (guint16 crc, const guint8 * data, gsize len);

/**
 * MavlinkFrame:
 * @version: 1 or 2
 * @incompat_flags: MAVLink 2 incompatibility flags (only
 *   %MAVLINK_IFLAG_SIGNED is understood)
 * @compat_flags: MAVLink 2 compatibility flags
 * @seq: the sender's sequence number
 * @sysid: sender system id
 * @compid: sender component id
 * @msgid: message id
 * @payload_length: payload bytes on the wire (MAVLink 2 drops trailing
 *   zeros)
 * @payload: the payload, zero-filled past @payload_length
 * @is_signed: a MAVLink 2 signature followed the checksum
 * @signature: the 13 signature bytes (link id, timestamp, signature); not
 *   verified
 * @info: the message's description, or %NULL for a message this codec
 *   does not know (its checksum could not be checked)
 */
typedef struct {
  guint8 version;
  guint8 incompat_flags;
  guint8 compat_flags;
  guint8 seq;
  guint8 sysid;
  guint8 compid;
  guint32 msgid;
  guint8 payload_length;
  guint8 payload[MAVLINK_MAX_PAYLOAD_LEN];
  gboolean is_signed;
  guint8 signature[MAVLINK_SIGNATURE_LEN];
  const MavlinkMessageInfo *info;
} MavlinkFrame;

/**
 * MavlinkParserStats:
 * @frames: frames of known messages with a good checksum
 * @unknown_frames: well-framed messages this codec does not know
 * @bad_crc: frames of known messages whose checksum did not match
 * @truncated: frames of known messages cut short by the end of a datagram
 *   or of the stream
 * @garbage_bytes: bytes skipped that belonged to no frame
 *
 * A *bad frame* is one counted in @bad_crc or @truncated.
 */
typedef struct {
  guint64 frames;
  guint64 unknown_frames;
  guint64 bad_crc;
  guint64 truncated;
  guint64 garbage_bytes;
} MavlinkParserStats;

#define MAVLINK_PARSER_BUFFER_LEN 512

typedef struct {
  guint8 buf[MAVLINK_PARSER_BUFFER_LEN];
  gsize start, end;             /* unparsed bytes are buf[start..end) */
  MavlinkParserStats stats;
} MavlinkParser;

typedef enum {
  MAVLINK_PARSE_NEED_DATA,
  MAVLINK_PARSE_FRAME,
} MavlinkParseResult;

void               mavlink_parser_init (MavlinkParser * parser);

gsize              mavlink_parser_feed (MavlinkParser * parser,
                                        const guint8 * data, gsize len);

MavlinkParseResult mavlink_parser_next (MavlinkParser * parser,
                                        MavlinkFrame * frame,
                                        gboolean at_end);

guint64            mavlink_parser_bad_frames (const MavlinkParser * parser);

gsize              mavlink_frame_encode (guint8 * out, guint version,
                                         guint8 seq, guint8 sysid,
                                         guint8 compid,
                                         const MavlinkMessageInfo * info,
                                         const guint8 * payload);

gsize              mavlink_message_encode (guint8 * out, guint version,
                                           guint8 seq, guint8 sysid,
                                           guint8 compid,
                                           const MavlinkMessageInfo * info,
                                           gconstpointer msg);

gboolean           mavlink_frame_decode (const MavlinkFrame * frame,
                                         guint32 msgid, gpointer msg);

G_END_DECLS
