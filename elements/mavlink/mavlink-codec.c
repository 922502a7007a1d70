/* gst-workers: MAVLink 1/2 framing
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser keeps the bytes it has not consumed and looks for a frame at
 * the first start byte (0xFE for MAVLink 1, 0xFD for MAVLink 2):
 *
 * - a frame of a message we know is accepted when its checksum (X.25 over
 *   the header after the start byte and the payload, then the message's
 *   CRC_EXTRA) matches; otherwise it is a bad frame, and scanning resumes
 *   at the byte after its start byte, so a good frame that began inside
 *   the bad one is still found;
 * - a frame of a message we do not know cannot be checked: it is taken as
 *   a frame (and skipped) only when the byte after it is a start byte or
 *   the data ends right there; otherwise its start byte was garbage;
 * - a MAVLink 2 header with incompatibility flags other than "signed" is
 *   not a frame we can read (MAVLink requires dropping it): its start byte
 *   counts as garbage;
 * - MAVLink 2 payloads shorter than the message (trailing zeros dropped by
 *   the sender) are zero-filled; longer ones (fields of a newer definition)
 *   are accepted and the extra bytes ignored. A MAVLink 1 payload must be
 *   as long as the message without its extension fields, or longer up to
 *   the message with them (some senders put extensions in MAVLink 1 frames,
 *   and the reference C library accepts them): a MAVLink 1 header of a
 *   known message announcing another length is not a frame, its start byte
 *   is garbage (so a false start inside a payload never makes the parser
 *   wait for bytes);
 * - signed MAVLink 2 frames carry 13 signature bytes after the checksum.
 *   The signature is kept in the frame but not verified (there is no key to
 *   verify it with); the checksum still is.
 *
 * A frame still incomplete is waited for, unless a complete frame of a
 * known message with a good checksum already starts inside it: then it was
 * cut short (or, unknown, it was garbage), and a false start byte inside a
 * payload never holds up the frames that follow it. With @at_end, the
 * caller says no byte follows the buffered ones (the end of a UDP datagram,
 * or of the stream): a frame still incomplete is then counted as truncated
 * (or as garbage when its header is incomplete too or its message unknown).
 * Either way scanning goes on after its start byte.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "mavlink-codec.h"

guint16
mavlink_crc_accumulate (guint16 crc, guint8 byte)
{
  guint8 tmp = byte ^ (guint8) (crc & 0xff);

  tmp ^= (guint8) (tmp << 4);
  return (crc >> 8) ^ ((guint16) tmp << 8) ^ ((guint16) tmp << 3) ^
      (tmp >> 4);
}

guint16
mavlink_crc_calculate (guint16 crc, const guint8 * data, gsize len)
{
  gsize i;

  for (i = 0; i < len; i++)
    crc = mavlink_crc_accumulate (crc, data[i]);
  return crc;
}

void
mavlink_parser_init (MavlinkParser * parser)
{
  memset (parser, 0, sizeof (*parser));
}

/**
 * mavlink_parser_feed:
 *
 * Appends bytes to the parser's buffer. Call mavlink_parser_next() until it
 * returns %MAVLINK_PARSE_NEED_DATA, then feed the rest: after that there is
 * always room for more than half the buffer.
 *
 * Returns: how many bytes of @data were taken
 */
gsize
mavlink_parser_feed (MavlinkParser * parser, const guint8 * data, gsize len)
{
  gsize n;

  if (parser->start > 0) {
    memmove (parser->buf, parser->buf + parser->start,
        parser->end - parser->start);
    parser->end -= parser->start;
    parser->start = 0;
  }
  n = MIN (len, sizeof (parser->buf) - parser->end);
  memcpy (parser->buf + parser->end, data, n);
  parser->end += n;
  return n;
}

static inline gboolean
is_stx (guint8 b)
{
  return b == MAVLINK_STX_V1 || b == MAVLINK_STX_V2;
}

typedef enum
{
  HEADER_INCOMPLETE,
  HEADER_INVALID,
  HEADER_OK,
} HeaderResult;

typedef struct
{
  guint version;
  gsize hdr_len;
  guint8 plen;
  guint8 iflags;
  guint32 msgid;
  gsize frame_len;
  const MavlinkMessageInfo *info;
} Header;

/* Reads the header of a candidate frame at @b (a start byte). */
static HeaderResult
parse_header (const guint8 * b, gsize avail, Header * h)
{
  h->version = b[0] == MAVLINK_STX_V2 ? 2 : 1;
  h->hdr_len = h->version == 2 ? MAVLINK_HEADER_LEN_V2 : MAVLINK_HEADER_LEN_V1;
  if (avail < h->hdr_len)
    return HEADER_INCOMPLETE;

  h->plen = b[1];
  h->iflags = 0;
  if (h->version == 2) {
    h->iflags = b[2];
    /* a flag we do not understand: MAVLink says drop the frame */
    if (h->iflags & ~MAVLINK_IFLAG_SIGNED)
      return HEADER_INVALID;
    h->msgid = b[7] | (b[8] << 8) | ((guint32) b[9] << 16);
  } else {
    h->msgid = b[5];
  }
  h->frame_len = h->hdr_len + h->plen + MAVLINK_CHECKSUM_LEN +
      ((h->iflags & MAVLINK_IFLAG_SIGNED) ? MAVLINK_SIGNATURE_LEN : 0);
  h->info = mavlink_message_info (h->msgid);
  /* no MAVLink 1 frame of this message has that length */
  if (h->info && h->version == 1 && (h->plen < h->info->min_length ||
          h->plen > h->info->max_length))
    return HEADER_INVALID;
  return HEADER_OK;
}

/* The checksum of a complete frame of a known message. */
static gboolean
checksum_ok (const guint8 * b, const Header * h)
{
  guint16 crc, wire_crc;

  crc = mavlink_crc_calculate (MAVLINK_CRC_INIT, b + 1, h->hdr_len - 1 +
      h->plen);
  crc = mavlink_crc_accumulate (crc, h->info->crc_extra);
  wire_crc = b[h->hdr_len + h->plen] | (b[h->hdr_len + h->plen + 1] << 8);
  return crc == wire_crc;
}

/* Whether a complete frame of a known message with a good checksum starts
 * in the buffer between @from and @to (excluded). A candidate that such a
 * frame starts inside of was not a frame: the bytes say otherwise. */
static gboolean
good_frame_inside (const MavlinkParser * p, gsize from, gsize to)
{
  gsize i;

  for (i = from; i < to && i < p->end; i++) {
    const guint8 *b = p->buf + i;
    Header h;

    if (!is_stx (*b))
      continue;
    if (parse_header (b, p->end - i, &h) == HEADER_OK && h.info &&
        h.frame_len <= p->end - i && checksum_ok (b, &h))
      return TRUE;
  }
  return FALSE;
}

/**
 * mavlink_parser_next:
 * @frame: (out caller-allocates): the next frame, when one is returned
 * @at_end: %TRUE if no more bytes follow the ones fed so far (end of a
 *   datagram or of the stream)
 *
 * Returns: %MAVLINK_PARSE_FRAME with @frame filled, or
 * %MAVLINK_PARSE_NEED_DATA when the buffered bytes hold no further frame
 * (with @at_end, the buffer is then empty).
 */
MavlinkParseResult
mavlink_parser_next (MavlinkParser * p, MavlinkFrame * frame, gboolean at_end)
{
  for (;;) {
    const guint8 *b;
    gsize avail;
    Header h;

    while (p->start < p->end && !is_stx (p->buf[p->start])) {
      p->start++;
      p->stats.garbage_bytes++;
    }
    avail = p->end - p->start;
    if (avail == 0) {
      p->start = p->end = 0;
      return MAVLINK_PARSE_NEED_DATA;
    }
    b = p->buf + p->start;

    switch (parse_header (b, avail, &h)) {
      case HEADER_INCOMPLETE:
        if (!at_end)
          return MAVLINK_PARSE_NEED_DATA;
        /* cannot tell a header cut short from garbage */
        p->stats.garbage_bytes++;
        p->start++;
        continue;
      case HEADER_INVALID:
        p->stats.garbage_bytes++;
        p->start++;
        continue;
      case HEADER_OK:
        break;
    }

    if (avail < h.frame_len || (!h.info && avail == h.frame_len && !at_end)) {
      /* incomplete (or, unknown, we cannot see what follows it yet): wait,
       * unless the data ends here or a good frame already starts inside */
      if (!at_end && !good_frame_inside (p, p->start + 1,
              p->start + h.frame_len))
        return MAVLINK_PARSE_NEED_DATA;
      if (h.info)
        p->stats.truncated++;
      else
        p->stats.garbage_bytes++;
      p->start++;
      continue;
    }

    if (h.info) {
      if (!checksum_ok (b, &h)) {
        p->stats.bad_crc++;
        p->start++;
        continue;
      }
      p->stats.frames++;
    } else {
      /* unchecked: believe it when a frame start follows (or the data
       * ends) right after it, and no good frame starts inside it */
      if ((avail > h.frame_len && !is_stx (b[h.frame_len])) ||
          good_frame_inside (p, p->start + 1, p->start + h.frame_len)) {
        p->stats.garbage_bytes++;
        p->start++;
        continue;
      }
      p->stats.unknown_frames++;
    }

    memset (frame, 0, sizeof (*frame));
    frame->version = h.version;
    frame->msgid = h.msgid;
    frame->info = h.info;
    frame->payload_length = h.plen;
    if (h.version == 2) {
      frame->incompat_flags = h.iflags;
      frame->compat_flags = b[3];
      frame->seq = b[4];
      frame->sysid = b[5];
      frame->compid = b[6];
    } else {
      frame->seq = b[2];
      frame->sysid = b[3];
      frame->compid = b[4];
    }
    memcpy (frame->payload, b + h.hdr_len, h.plen);
    if (h.iflags & MAVLINK_IFLAG_SIGNED) {
      frame->is_signed = TRUE;
      memcpy (frame->signature, b + h.hdr_len + h.plen + MAVLINK_CHECKSUM_LEN,
          MAVLINK_SIGNATURE_LEN);
    }
    p->start += h.frame_len;
    return MAVLINK_PARSE_FRAME;
  }
}

/**
 * mavlink_parser_bad_frames:
 *
 * Returns: the number of bad frames seen (see #MavlinkParserStats)
 */
guint64
mavlink_parser_bad_frames (const MavlinkParser * parser)
{
  return parser->stats.bad_crc + parser->stats.truncated;
}

/**
 * mavlink_frame_encode:
 * @out: (out caller-allocates): %MAVLINK_MAX_FRAME_LEN bytes
 * @version: 1 or 2
 * @payload: the message in wire order, @info->max_length bytes
 *
 * Frames a payload. MAVLink 2 drops the payload's trailing zero bytes (but
 * never its first byte); MAVLink 1 sends the fields without extensions.
 * Frames are not signed.
 *
 * Returns: the frame's length, or 0 if MAVLink 1 cannot carry the message
 * (id above 255)
 */
gsize
mavlink_frame_encode (guint8 * out, guint version, guint8 seq, guint8 sysid,
    guint8 compid, const MavlinkMessageInfo * info, const guint8 * payload)
{
  gsize plen, hdr_len;
  guint16 crc;

  g_return_val_if_fail (version == 1 || version == 2, 0);

  if (version == 1) {
    if (info->id > 255)
      return 0;
    plen = info->min_length;
    hdr_len = MAVLINK_HEADER_LEN_V1;
    out[0] = MAVLINK_STX_V1;
    out[1] = plen;
    out[2] = seq;
    out[3] = sysid;
    out[4] = compid;
    out[5] = info->id;
  } else {
    plen = info->max_length;
    while (plen > 1 && payload[plen - 1] == 0)
      plen--;
    hdr_len = MAVLINK_HEADER_LEN_V2;
    out[0] = MAVLINK_STX_V2;
    out[1] = plen;
    out[2] = 0;
    out[3] = 0;
    out[4] = seq;
    out[5] = sysid;
    out[6] = compid;
    out[7] = info->id & 0xff;
    out[8] = (info->id >> 8) & 0xff;
    out[9] = (info->id >> 16) & 0xff;
  }
  memcpy (out + hdr_len, payload, plen);
  crc = mavlink_crc_calculate (MAVLINK_CRC_INIT, out + 1, hdr_len - 1 + plen);
  crc = mavlink_crc_accumulate (crc, info->crc_extra);
  out[hdr_len + plen] = crc & 0xff;
  out[hdr_len + plen + 1] = crc >> 8;
  return hdr_len + plen + MAVLINK_CHECKSUM_LEN;
}

/**
 * mavlink_message_encode:
 * @msg: the message's C struct
 *
 * Packs and frames a message (see mavlink_frame_encode()).
 */
gsize
mavlink_message_encode (guint8 * out, guint version, guint8 seq,
    guint8 sysid, guint8 compid, const MavlinkMessageInfo * info,
    gconstpointer msg)
{
  guint8 payload[MAVLINK_MAX_PAYLOAD_LEN] = { 0 };

  mavlink_message_pack (info, msg, payload);
  return mavlink_frame_encode (out, version, seq, sysid, compid, info,
      payload);
}

/**
 * mavlink_frame_decode:
 * @msgid: the message expected
 * @msg: (out caller-allocates): its C struct
 *
 * Returns: %FALSE if @frame does not hold a known message @msgid
 */
gboolean
mavlink_frame_decode (const MavlinkFrame * frame, guint32 msgid, gpointer msg)
{
  if (!frame->info || frame->msgid != msgid)
    return FALSE;
  mavlink_message_unpack (frame->info, frame->payload, msg);
  return TRUE;
}
