/* gst-workers: pipelines/clusterestimate.pipeline, the design's worker 4
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include <math.h>
#include <string.h>

/* The pipeline file as make run reads it: without its comment lines. */
static gchar *
read_pipeline (const gchar * name)
{
  gchar *path = g_build_filename (PIPELINES_DIR, name, NULL);
  gchar *contents = NULL, **lines, *desc;
  GString *s = g_string_new (NULL);
  guint i;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL), "%s", path);
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i]; i++) {
    const gchar *l = lines[i];

    while (*l == ' ' || *l == '\t')
      l++;
    if (*l != '#')
      g_string_append_printf (s, "%s ", lines[i]);
  }
  desc = g_string_free (s, FALSE);
  g_strfreev (lines);
  g_free (contents);
  g_free (path);
  return desc;
}

static GstPadProbeReturn
collect (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_ptr_array_add (user_data, gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER
          (info)));
  return GST_PAD_PROBE_OK;
}

static guint64
stat_u64 (GstElement * bin, const gchar * name, const gchar * field)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);
  GstStructure *s;
  guint64 v = G_MAXUINT64;

  fail_unless (e != NULL);
  s = gst_worker_get_stats (GST_WORKER (e));
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  gst_object_unref (e);
  return v;
}

/* One input, two outputs of different types: both targets found once,
 * where the camera model puts them, their commands sent, all drained. */
GST_START_TEST (test_worker4_pipeline)
{
  /* the squares' centres: pixels (105.5, 85.5) and (425.5, 305.5) of a
   * 640x480 frame, 90 degrees wide (fx 320, centre (319.5, 239.5)), 30 m
   * up: 30 / 320 m per pixel */
  const gdouble want[2][2] = {
    {(239.5 - 85.5) * 30 / 320, (105.5 - 319.5) * 30 / 320},
    {(239.5 - 305.5) * 30 / 320, (425.5 - 319.5) * 30 / 320},
  };
  gchar *desc = read_pipeline ("clusterestimate.pipeline");
  GPtrArray *ests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GPtrArray *cmds = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err), *w4;
  GstBus *bus;
  GstMessage *msg;
  GstPad *pad;
  guint i, confirmed = 0, finals = 0;

  fail_unless (pipe != NULL && err == NULL, "%s", err ? err->message : "");
  w4 = gst_bin_get_by_name (GST_BIN (pipe), "w4");
  pad = gst_element_get_static_pad (w4, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, collect, ests, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (w4, "commands");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, collect, cmds, NULL);
  gst_object_unref (pad);

  bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);

  for (i = 0; i < ests->len; i++) {
    GstTargetEstimate e;
    const gdouble *w;

    fail_unless (gst_target_estimate_from_buffer (g_ptr_array_index (ests,
                i), &e));
    fail_unless (e.id == 1 || e.id == 2, "false target %u", e.id);
    w = want[e.id - 1];
    fail_unless (hypot (e.north - w[0], e.east - w[1]) < 0.05,
        "target %u at (%f, %f)", e.id, e.north, e.east);
    if (e.flags & GST_TARGET_ESTIMATE_CONFIRMED)
      confirmed++;
    if (e.flags & GST_TARGET_ESTIMATE_FINAL) {
      fail_unless_equals_int (e.count, 300);
      finals++;
    }
  }
  fail_unless_equals_int (confirmed, 2);
  fail_unless_equals_int (finals, 2);
  fail_unless_equals_int (cmds->len, 2);
  for (i = 0; i < cmds->len; i++) {
    GstFlightCommand c;

    fail_unless (gst_flight_command_from_buffer (g_ptr_array_index (cmds, i),
            &c));
    fail_unless_equals_int (c.type, GST_FLIGHT_COMMAND_GOTO);
    fail_unless_equals_int (c.target_id, i + 1);
  }

  /* drained: every frame through every worker, every item written */
  fail_unless_equals_uint64 (stat_u64 (pipe, "detect", "items-in"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "locate", "items-out"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "w4", "items-in"), 300);
  fail_unless_equals_uint64 (stat_u64 (pipe, "w4", "items-out"),
      ests->len + cmds->len);
  fail_unless_equals_uint64 (stat_u64 (pipe, "estimates", "items-out"),
      ests->len);
  fail_unless_equals_uint64 (stat_u64 (pipe, "commands", "items-out"), 2);

  gst_object_unref (w4);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_ptr_array_unref (ests);
  g_ptr_array_unref (cmds);
  g_free (desc);
}

GST_END_TEST;

static Suite *
pipelineworker4_suite (void)
{
  Suite *s = suite_create ("pipelineworker4");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_worker4_pipeline);
  return s;
}

GST_CHECK_MAIN (pipelineworker4);
