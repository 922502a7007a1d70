/* gst-workers: timestampmerge and the merge meta
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include "testitem.h"

/* ---------------------------------------------------------------------- */
/* the merge meta and null tokens (library API) */

GST_START_TEST (test_meta_add_get)
{
  GstBuffer *buf = test_item_new (0, 0, GST_MSECOND);
  GstBuffer *a = test_item_new (10, 0, GST_MSECOND);
  GstBuffer *b = test_item_new (20, 0, GST_MSECOND);
  GstBuffer *c = test_item_new (30, 0, GST_MSECOND);
  GstWorkerMergeMeta *meta;
  const gchar *name = NULL;

  fail_unless (gst_buffer_get_worker_merge_meta (buf) == NULL);
  fail_unless (gst_buffer_get_merged_item (buf, "sink_1") == NULL);

  meta = gst_buffer_add_worker_merge_meta (buf);
  fail_unless (meta != NULL);
  fail_unless (gst_buffer_add_worker_merge_meta (buf) == meta);
  fail_unless (gst_buffer_get_worker_merge_meta (buf) == meta);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (meta), 0);

  gst_worker_merge_meta_add_item (meta, "sink_2", a);
  gst_worker_merge_meta_add_item (meta, "sink_1", b);
  /* the meta holds its own references */
  ASSERT_MINI_OBJECT_REFCOUNT (a, "a", 2);
  ASSERT_MINI_OBJECT_REFCOUNT (b, "b", 2);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (meta), 2);
  fail_unless (gst_worker_merge_meta_get_item (meta, "sink_1") == b);
  fail_unless (gst_worker_merge_meta_get_item (meta, "sink_2") == a);
  fail_unless (gst_worker_merge_meta_get_item (meta, "sink_3") == NULL);
  fail_unless (gst_worker_merge_meta_get_item (meta, "never-seen-name") ==
      NULL);
  fail_unless (gst_buffer_get_merged_item (buf, "sink_1") == b);

  /* insertion order */
  fail_unless (gst_worker_merge_meta_get_nth_item (meta, 0, &name) == a);
  fail_unless_equals_string (name, "sink_2");
  fail_unless (gst_worker_merge_meta_get_nth_item (meta, 1, &name) == b);
  fail_unless_equals_string (name, "sink_1");

  /* replacing keeps the place and drops the old reference */
  gst_worker_merge_meta_add_item (meta, "sink_2", c);
  ASSERT_MINI_OBJECT_REFCOUNT (a, "a", 1);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (meta), 2);
  fail_unless (gst_worker_merge_meta_get_nth_item (meta, 0, NULL) == c);

  gst_buffer_unref (buf);
  ASSERT_MINI_OBJECT_REFCOUNT (b, "b", 1);
  ASSERT_MINI_OBJECT_REFCOUNT (c, "c", 1);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_buffer_unref (c);
}

GST_END_TEST;

GST_START_TEST (test_meta_copied_with_buffer)
{
  GstBuffer *buf = test_item_new (0, 0, GST_MSECOND);
  GstBuffer *a = test_item_new (10, 0, GST_MSECOND);
  GstBuffer *b = test_item_new (20, 0, GST_MSECOND);
  GstBuffer *copy;
  GstWorkerMergeMeta *meta, *cmeta;

  meta = gst_buffer_add_worker_merge_meta (buf);
  gst_worker_merge_meta_add_item (meta, "sink_1", a);

  copy = gst_buffer_copy (buf);
  cmeta = gst_buffer_get_worker_merge_meta (copy);
  fail_unless (cmeta != NULL);
  fail_unless (cmeta != meta);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (cmeta), 1);
  fail_unless (gst_worker_merge_meta_get_item (cmeta, "sink_1") == a);
  ASSERT_MINI_OBJECT_REFCOUNT (a, "a", 3);

  /* the copies are independent */
  gst_worker_merge_meta_add_item (cmeta, "sink_1", b);
  fail_unless (gst_worker_merge_meta_get_item (meta, "sink_1") == a);
  fail_unless (gst_worker_merge_meta_get_item (cmeta, "sink_1") == b);

  /* a deep copy too, and a region copy */
  gst_buffer_unref (copy);
  copy = gst_buffer_copy_deep (buf);
  fail_unless (gst_buffer_get_merged_item (copy, "sink_1") == a);
  gst_buffer_unref (copy);
  copy = gst_buffer_copy_region (buf, GST_BUFFER_COPY_ALL, 0, 4);
  fail_unless (gst_buffer_get_merged_item (copy, "sink_1") == a);
  gst_buffer_unref (copy);

  gst_buffer_unref (buf);
  ASSERT_MINI_OBJECT_REFCOUNT (a, "a", 1);
  ASSERT_MINI_OBJECT_REFCOUNT (b, "b", 1);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
}

GST_END_TEST;

GST_START_TEST (test_meta_api_registered)
{
  const GstMetaInfo *info = GST_WORKER_MERGE_META_INFO;

  fail_unless (info != NULL);
  fail_unless (info->api == GST_WORKER_MERGE_META_API_TYPE);
  fail_unless (gst_meta_api_type_has_tag (GST_WORKER_MERGE_META_API_TYPE,
          g_quark_from_static_string ("video")) == FALSE);
  fail_unless (gst_meta_get_info ("GstWorkerMergeMeta") == info);
}

GST_END_TEST;

GST_START_TEST (test_null_token)
{
  GstBuffer *tok = gst_worker_null_token_new (5 * GST_MSECOND);
  GstBuffer *item = test_item_new (1, 0, GST_MSECOND);
  GstBuffer *copy;

  fail_unless (gst_worker_buffer_is_null_token (tok));
  fail_unless_equals_int (gst_buffer_get_size (tok), 0);
  fail_unless_equals_int (gst_buffer_n_memory (tok), 0);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (tok), 5 * GST_MSECOND);
  fail_if (GST_BUFFER_FLAG_IS_SET (tok, GST_BUFFER_FLAG_GAP));
  fail_if (gst_worker_buffer_is_null_token (item));

  copy = gst_buffer_copy (tok);
  fail_unless (gst_worker_buffer_is_null_token (copy));
  gst_buffer_unref (copy);
  gst_buffer_unref (tok);
  gst_buffer_unref (item);
}

GST_END_TEST;

static Suite *
timestampmerge_suite (void)
{
  Suite *s = suite_create ("timestampmerge");
  TCase *tc_meta = tcase_create ("meta");

  suite_add_tcase (s, tc_meta);
  tcase_add_test (tc_meta, test_meta_add_get);
  tcase_add_test (tc_meta, test_meta_copied_with_buffer);
  tcase_add_test (tc_meta, test_meta_api_registered);
  tcase_add_test (tc_meta, test_null_token);
  return s;
}

GST_CHECK_MAIN (timestampmerge);
