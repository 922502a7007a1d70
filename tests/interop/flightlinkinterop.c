/* gst-workers: flightlink against an independent MAVLink implementation
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs pipelines/b1-flightlink.pipeline (flightlink on an ephemeral port)
 * against vehicle-sim.mjs, a vehicle written with node-mavlink: the
 * simulator checks flightlink's heartbeat and the five commands of
 * pipelines/b1-commands.bin as node-mavlink decodes them; this test checks
 * the odometry items flightlink made of the simulator's telemetry, value by
 * value, the bad frames it counted, and that the pipeline ends on EOS.
 * A command flightlink sends again because its ACK came late (a loaded
 * machine, valgrind) is the simulator's `retransmits`, answered again.
 *
 * usage: flightlinkinterop NODE SIM_SCRIPT HAVE_NPM PIPELINE COMMANDS
 * NODE or HAVE_NPM empty: skipped (exit 77), saying why.
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <gst/check/gstcheck.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>

#include "testpipeline.h"

#define ROUNDS 20

static const gchar *node, *sim_script, *pipeline_file, *commands_file;

typedef struct
{
  GMutex lock;
  GArray *items;                /* GstOdometry */
  GArray *pts;                  /* GstClockTime */
} Items;

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Items * items)
{
  GstOdometry odo;
  GstClockTime pts = GST_BUFFER_PTS (buf);

  fail_unless (gst_odometry_from_buffer (buf, &odo));
  g_mutex_lock (&items->lock);
  g_array_append_val (items->items, odo);
  g_array_append_val (items->pts, pts);
  g_mutex_unlock (&items->lock);
}

static guint
items_len (Items * items)
{
  guint n;

  g_mutex_lock (&items->lock);
  n = items->items->len;
  g_mutex_unlock (&items->lock);
  return n;
}

/* The pipeline file without its comments. */
static gchar *
read_pipeline (const gchar * path)
{
  gchar *text, **lines, *desc;
  GString *s = g_string_new (NULL);
  guint i;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s",
      path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    gchar *l = g_strstrip (lines[i]);

    if (*l && *l != '#')
      g_string_append_printf (s, "%s ", l);
  }
  g_strfreev (lines);
  g_free (text);
  desc = g_string_free (s, FALSE);
  return desc;
}

static GstElement *
get (GstElement * pipe, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);

  fail_unless (e != NULL, "the pipeline has no element named %s", name);
  return e;
}

static guint64
stat_u64 (GstElement * fl, const gchar * field)
{
  GstStructure *s = NULL;
  guint64 v = G_MAXUINT64;

  g_object_get (fl, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
  gst_structure_free (s);
  return v;
}

static gint64
json_int (JsonObject * o, const gchar * member)
{
  fail_unless (json_object_has_member (o, member), "simulator said no %s",
      member);
  return json_object_get_int_member (o, member);
}

/* Telemetry round k of vehicle-sim.mjs, as odometry items. */
static void
check_items (Items * items)
{
  GstClockTime last = 0;
  guint k;

  for (k = 0; k < ROUNDS; k++) {
    GstOdometry *gp = &g_array_index (items->items, GstOdometry, 3 * k);
    GstOdometry *at = &g_array_index (items->items, GstOdometry, 3 * k + 1);
    GstOdometry *lp = &g_array_index (items->items, GstOdometry, 3 * k + 2);
    guint i;

    GST_INFO ("round %u", k);
    fail_unless_equals_uint64 (gp->source_time_us, (1000 + 100 * k) * 1000);
    fail_unless (gp->fields & GST_ODOMETRY_HAS_GLOBAL);
    fail_unless_equals_float (gp->latitude, (434700000 + 1000 * k) / 1e7);
    fail_unless_equals_float (gp->longitude, (-805400000 - 500.0 * k) / 1e7);
    fail_unless_equals_float (gp->altitude, (350000 + 10 * k) / 1000.0);
    fail_unless_equals_float (gp->vn, (100 + k) / 100.0);
    fail_unless_equals_float (gp->ve, -50 / 100.0);
    fail_unless_equals_float (gp->vd, 5 / 100.0);

    fail_unless_equals_uint64 (at->source_time_us,
        (1000 + 100 * k + 10) * 1000);
    fail_unless (at->fields & GST_ODOMETRY_HAS_ATTITUDE);
    fail_unless_equals_float (at->roll, (gfloat) (0.01 * k));
    fail_unless_equals_float (at->pitch, (gfloat) - 0.02);
    fail_unless_equals_float (at->yaw, (gfloat) (1.0 + 0.01 * k));
    fail_unless_equals_float (at->latitude, gp->latitude);

    fail_unless_equals_uint64 (lp->source_time_us,
        (1000 + 100 * k + 20) * 1000);
    fail_unless_equals_int (lp->fields, 0xf);
    fail_unless_equals_float (lp->north, (gfloat) (0.5 * k));
    fail_unless_equals_float (lp->east, (gfloat) (-0.25 * k));
    fail_unless_equals_float (lp->down, -10);
    fail_unless_equals_float (lp->vn, 0.5);
    fail_unless_equals_float (lp->ve, -0.25);
    fail_unless_equals_float (lp->vd, 0);
    fail_unless_equals_float (lp->roll, at->roll);

    for (i = 3 * k; i < 3 * k + 3; i++) {
      GstClockTime pts = g_array_index (items->pts, GstClockTime, i);

      fail_unless (GST_CLOCK_TIME_IS_VALID (pts));
      fail_unless (pts >= last);
      last = pts;
    }
  }
}

GST_START_TEST (test_b1_pipeline_against_node_mavlink)
{
  GstElement *pipe, *b1, *commands, *odometry;
  Items items = { 0 };
  GSubprocess *proc;
  GError *err = NULL;
  gchar *desc, *out = NULL, *port_str, *rounds_str;
  JsonParser *parser;
  JsonObject *res;
  GstBus *bus;
  GstMessage *msg;
  gint port = 0;
  gint64 corrupt, deadline, again, accepted;

  g_mutex_init (&items.lock);
  items.items = g_array_new (FALSE, FALSE, sizeof (GstOdometry));
  items.pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));

  desc = read_pipeline (pipeline_file);
  pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s: %s", pipeline_file,
      err ? err->message : "");
  g_free (desc);
  test_pipeline_watch (pipe);
  b1 = get (pipe, "b1");
  commands = get (pipe, "commands");
  odometry = get (pipe, "odometry");
  /* an ephemeral port, and the command file by its full path */
  g_object_set (b1, "port", 0, NULL);
  g_object_set (commands, "location", commands_file, NULL);
  g_object_set (odometry, "signal-handoffs", TRUE, NULL);
  g_signal_connect (odometry, "handoff", G_CALLBACK (on_handoff), &items);
  bus = gst_element_get_bus (pipe);

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_object_get (b1, "bound-port", &port, NULL);
  fail_unless (port > 0);

  port_str = g_strdup_printf ("%d", port);
  rounds_str = g_strdup_printf ("%d", ROUNDS);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, node,
      sim_script, port_str, rounds_str, NULL);
  fail_unless (proc != NULL, "cannot run %s: %s", node, err ? err->message :
      "");
  fail_unless (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL,
          &err));
  GST_INFO ("simulator: %s", out);
  fail_unless (g_subprocess_get_if_exited (proc) &&
      g_subprocess_get_exit_status (proc) == 0, "the simulator failed: %s",
      out);

  parser = json_parser_new ();
  fail_unless (json_parser_load_from_data (parser, out, -1, NULL));
  res = json_node_get_object (json_parser_get_root (parser));
  fail_unless (json_object_get_boolean_member (res, "ok"));
  fail_unless_equals_int (json_int (res, "telemetry"), 3 * ROUNDS);
  fail_unless_equals_int (json_int (res, "commands"), 5);
  again = json_int (res, "retransmits");
  fail_unless_equals_int (json_int (res, "acks"), 3 + again);
  fail_unless (json_int (res, "heartbeats") >= 1);
  corrupt = json_int (res, "corrupt");
  fail_unless_equals_int (corrupt, 4);

  /* every telemetry message made one item */
  deadline = test_deadline (10);
  while (items_len (&items) < 3 * ROUNDS && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless_equals_int (items_len (&items), 3 * ROUNDS);
  g_mutex_lock (&items.lock);
  check_items (&items);
  g_mutex_unlock (&items.lock);
  fail_unless_equals_uint64 (stat_u64 (b1, "bad-frames"), corrupt);

  /* the pipeline's EOS: telemetry ends, and the commands were done */
  fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (items_len (&items), 3 * ROUNDS);
  /* each command's result is in now; an ACK of a command sent again may
   * still be on its way (nothing waits for it) */
  fail_unless_equals_uint64 (stat_u64 (b1, "commands-sent"), 5);
  fail_unless_equals_uint64 (stat_u64 (b1, "commands-refused"), 0);
  fail_unless_equals_uint64 (stat_u64 (b1, "commands-timed-out"), 0);
  accepted = stat_u64 (b1, "commands-accepted");
  if (again == 0) {
    fail_unless_equals_uint64 (accepted, 3);
  } else {
    fail_unless (accepted >= 3 && accepted <= 3 + again, "%" G_GINT64_FORMAT
        " ACKs accepted, the simulator sent %" G_GINT64_FORMAT, accepted,
        3 + again);
  }

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_object_unref (parser);
  g_object_unref (proc);
  g_free (out);
  g_free (port_str);
  g_free (rounds_str);
  gst_object_unref (bus);
  gst_object_unref (b1);
  gst_object_unref (commands);
  gst_object_unref (odometry);
  gst_object_unref (pipe);
  g_array_unref (items.items);
  g_array_unref (items.pts);
  g_mutex_clear (&items.lock);
}

GST_END_TEST;

static Suite *
flightlinkinterop_suite (void)
{
  Suite *s = suite_create ("flightlinkinterop");
  TCase *tc = tcase_create ("node-mavlink");

  suite_add_tcase (s, tc);
  /* no fork (valgrind): a failed test's pipeline must not keep running */
  tcase_add_checked_fixture (tc, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (tc, test_b1_pipeline_against_node_mavlink);
  return s;
}

int
main (int argc, char **argv)
{
  gchar *module_dir, *installed;
  gboolean have;

  if (argc != 6) {
    g_printerr ("usage: %s NODE SIM_SCRIPT HAVE_NPM PIPELINE COMMANDS\n",
        argv[0]);
    return 1;
  }
  node = argv[1];
  sim_script = argv[2];
  pipeline_file = argv[4];
  commands_file = argv[5];

  if (!*node) {
    g_print ("SKIP: node (nodejs) is not installed: cannot run the "
        "node-mavlink vehicle simulator\n");
    return 77;
  }
  if (!*argv[3]) {
    g_print ("SKIP: npm is not installed: cannot install node-mavlink from "
        "the npm registry\n");
    return 77;
  }
  module_dir = g_path_get_dirname (sim_script);
  installed = g_build_filename (module_dir, "node_modules", "node-mavlink",
      "package.json", NULL);
  have = g_file_test (installed, G_FILE_TEST_EXISTS);
  if (!have)
    g_printerr ("FAIL: node-mavlink is not installed in %s: npm ci failed "
        "when the test was built (see npm-install.log there; no network?)\n",
        module_dir);
  g_free (installed);
  g_free (module_dir);
  if (!have)
    return 1;

  gst_check_init (&argc, &argv);
  return gst_check_run_suite (flightlinkinterop_suite (), "flightlinkinterop",
      __FILE__);
}
