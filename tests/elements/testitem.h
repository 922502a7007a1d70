/* gst-workers: numbered test items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Test items carry their sequence number as 8 little-endian bytes. */
#define TEST_ITEM_CAPS "application/x-worker-test-item"
#define TEST_ODD_CAPS "application/x-worker-test-odd"

GstBuffer *test_item_new (guint64 seq, GstClockTime pts, GstClockTime dur);
gboolean test_item_get_seq (GstBuffer * buf, guint64 * seq);
GstBuffer *test_item_new_slow (guint64 seq, GstClockTime pts,
    GstClockTime dur);
void test_item_set_map_delay (guint64 ns);

G_END_DECLS
