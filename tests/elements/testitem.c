/* gst-workers: numbered test items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testitem.h"

GstBuffer *
test_item_new (guint64 seq, GstClockTime pts, GstClockTime dur)
{
  guint64 le = GUINT64_TO_LE (seq);
  GstBuffer *buf = gst_buffer_new_memdup (&le, sizeof (le));

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = dur;
  GST_BUFFER_OFFSET (buf) = seq;
  return buf;
}

gboolean
test_item_get_seq (GstBuffer * buf, guint64 * seq)
{
  guint64 le;

  if (gst_buffer_extract (buf, 0, &le, sizeof (le)) != sizeof (le))
    return FALSE;
  *seq = GUINT64_FROM_LE (le);
  return TRUE;
}
