/* gst-workers: benchmark runner
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * workerbench [--warmup=F] [--timeout=S] PIPELINE-DESCRIPTION
 * workerbench --from=ELEMENT[:PAD] --to=ELEMENT[:PAD] [...] PIPELINE
 * workerbench --exists=FACTORY
 *
 * Runs one pipeline with one benchsrc and one benchsink to EOS, checks that
 * every item arrived, in order (benchsink fails the run otherwise), and
 * prints one line of JSON:
 *
 *   items        items made by the source (num-buffers)
 *   measured     items after the warm-up, which the figures cover
 *   items_per_s  arrival rate at the sink, from item W (the first after the
 *                warm-up fraction) to the last
 *   latency_us   {median, p99, max} of arrival minus creation time, over
 *                the same items (nearest-rank percentiles)
 *   seconds      wall time from PLAYING to EOS
 *   cpu_percent  process CPU time (user + system) over that wall time
 *   peak_rss_kb  the process's peak resident memory (getrusage's ru_maxrss)
 *   heartbeats   worker-heartbeat messages posted on the bus
 *
 * The Python model's runner (python/chain.py) prints the same fields with
 * the same definitions, so run.py compares like with like. Exit status 1:
 * the pipeline failed, lost, duplicated or reordered items, or timed out.
 *
 * With --from and --to, the pipeline needs no benchsrc or benchsink: items
 * are timed by buffer probes, as they leave one pad (by default FROM's
 * "src") and reach another (by default TO's "sink"), and matched by
 * timestamp. Every item that left must arrive, once, in timestamp order:
 * for pipelines with their own source and sink (the autonomy system),
 * between two points where items are one for one.
 *
 * With --exists, exits with 0 if the element factory is there (as this
 * process sees it: a sanitized build's plugins load only into a sanitized
 * process), 1 if not.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <gst/gst.h>
#include <gst/worker/worker.h>
#include <json-glib/json-glib.h>

#include "gstbenchelements.h"
#include "gstbenchsink.h"
#include "gstbenchsrc.h"

static gdouble warmup = 0.1;
static gint timeout_s = 600;
static gchar **description;
static gchar *exists;
static gboolean check_only;
static gchar *from_spec;
static gchar *to_spec;

/* benchworker, the no-op worker, is in the test plugin beside this
 * program's folder (build/tests/elements): found whatever GST_PLUGIN_PATH
 * says. */
static void
scan_test_plugin (void)
{
  g_autofree gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree gchar *dir = NULL;
  g_autofree gchar *plugins = NULL;

  if (!exe)
    return;
  dir = g_path_get_dirname (exe);
  plugins = g_build_filename (dir, "..", "elements", NULL);
  if (g_file_test (plugins, G_FILE_TEST_IS_DIR))
    gst_registry_scan_path (gst_registry_get (), plugins);
}

static GOptionEntry entries[] = {
  {"warmup", 'w', 0, G_OPTION_ARG_DOUBLE, &warmup,
      "Fraction of the items left out of the figures (default 0.1)", "F"},
  {"timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "Fail if the run has not ended after S seconds (default 600)", "S"},
  {"from", 0, 0, G_OPTION_ARG_STRING, &from_spec,
      "Time items as they leave ELEMENT's pad PAD (default src)",
      "ELEMENT[:PAD]"},
  {"to", 0, 0, G_OPTION_ARG_STRING, &to_spec,
      "Time items as they reach ELEMENT's pad PAD (default sink)",
      "ELEMENT[:PAD]"},
  {"check-only", 0, 0, G_OPTION_ARG_NONE, &check_only,
      "Check the items, print only their number and the heartbeats' (for "
      "counting instructions: no sorting of latencies)", NULL},
  {"exists", 0, 0, G_OPTION_ARG_STRING, &exists,
      "Only tell whether element FACTORY exists (exit status 0 or 1)",
      "FACTORY"},
  {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &description,
      NULL, "PIPELINE-DESCRIPTION"},
  {NULL}
};

/* the one element of @type in @bin, or NULL (with @count set) */
static GstElement *
find_one (GstBin * bin, GType type, guint * count)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue item = G_VALUE_INIT;
  GstElement *found = NULL;
  gboolean done = FALSE;

  *count = 0;
  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);
        if (G_TYPE_CHECK_INSTANCE_TYPE (e, type)) {
          (*count)++;
          gst_object_replace ((GstObject **) & found, GST_OBJECT (e));
        }
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        *count = 0;
        gst_clear_object (&found);
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  if (*count != 1)
    gst_clear_object (&found);
  return found;
}

static gint
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array */
static gint64
percentile (const gint64 * sorted, gsize n, gdouble p)
{
  gsize rank = (gsize) ceil (p * n);

  return sorted[CLAMP (rank, 1, n) - 1];
}

static gdouble
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The process's peak resident memory so far, in kB. */
static gint64
peak_rss_kb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void
print_figures (guint64 n, const gint64 * created, const gint64 * arrived,
    gdouble seconds, gdouble cpu, guint heartbeats)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gint64 *lat = NULL;
  guint64 s = (guint64) (n * CLAMP (warmup, 0.0, 0.9)), m, i;
  gint64 span;

  if (check_only) {
    g_print ("{\"items\":%" G_GUINT64_FORMAT ",\"heartbeats\":%u}\n", n,
        heartbeats);
    return;
  }

  /* figures from item s on; at least two items to time */
  s = MIN (s, n - 2);
  m = n - s;
  span = MAX (arrived[n - 1] - arrived[s], 1);
  lat = g_new (gint64, m);
  for (i = 0; i < m; i++)
    lat[i] = arrived[s + i] - created[s + i];
  qsort (lat, m, sizeof (gint64), cmp_i64);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "items");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "measured");
  json_builder_add_int_value (b, m);
  json_builder_set_member_name (b, "items_per_s");
  json_builder_add_double_value (b, (m - 1) / (span / 1e9));
  json_builder_set_member_name (b, "latency_us");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "median");
  json_builder_add_double_value (b, percentile (lat, m, 0.5) / 1e3);
  json_builder_set_member_name (b, "p99");
  json_builder_add_double_value (b, percentile (lat, m, 0.99) / 1e3);
  json_builder_set_member_name (b, "max");
  json_builder_add_double_value (b, lat[m - 1] / 1e3);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  json_builder_set_member_name (b, "cpu_percent");
  json_builder_add_double_value (b, 100.0 * cpu / MAX (seconds, 1e-9));
  json_builder_set_member_name (b, "heartbeats");
  json_builder_add_int_value (b, heartbeats);
  json_builder_set_member_name (b, "peak_rss_kb");
  json_builder_add_int_value (b, peak_rss_kb ());
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  /* now, at EOS: run.py times the end of the measured items by it */
  fflush (stdout);
}

/* --from and --to: timestamps and times of the buffers through a pad */
typedef struct
{
  GMutex lock;
  GArray *pts;                  /* GstClockTime */
  GArray *times;                /* gint64, monotonic ns */
} Tap;

static GstPadProbeReturn
tap_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Tap *tap = user_data;
  gint64 now = (gint64) gst_util_get_timestamp ();
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&tap->lock);
  g_array_append_val (tap->pts, pts);
  g_array_append_val (tap->times, now);
  g_mutex_unlock (&tap->lock);
  return GST_PAD_PROBE_OK;
}

static Tap *
tap_new (void)
{
  Tap *tap = g_new0 (Tap, 1);

  g_mutex_init (&tap->lock);
  tap->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  tap->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  return tap;
}

static void
tap_free (Tap * tap)
{
  g_array_unref (tap->pts);
  g_array_unref (tap->times);
  g_mutex_clear (&tap->lock);
  g_free (tap);
}

/* Puts a tap on ELEMENT[:PAD] of @bin (elements inside bins too). */
static gboolean
add_tap (GstBin * bin, const gchar * spec, const gchar * default_pad,
    Tap * tap)
{
  g_auto (GStrv) parts = g_strsplit (spec, ":", 2);
  GstElement *e = gst_bin_get_by_name (bin, parts[0]);
  GstPad *pad;

  if (!e) {
    g_printerr ("workerbench: no element named %s\n", parts[0]);
    return FALSE;
  }
  pad = gst_element_get_static_pad (e, parts[1] ? parts[1] : default_pad);
  gst_object_unref (e);
  if (!pad) {
    g_printerr ("workerbench: %s has no pad %s\n", parts[0],
        parts[1] ? parts[1] : default_pad);
    return FALSE;
  }
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, tap_probe, tap, NULL);
  gst_object_unref (pad);
  return TRUE;
}

/* Matches what arrived at @to with what left @from, by timestamp, into
 * creation and arrival times in arrival order. FALSE, with the reason, if
 * an item is missing, came twice, came out of order or came from nowhere. */
static gboolean
match_taps (Tap * from, Tap * to, gint64 ** created, gint64 ** arrived,
    guint64 * n)
{
  g_autoptr (GHashTable) left = g_hash_table_new (g_int64_hash,
      g_int64_equal);
  guint i;

  for (i = 0; i < from->pts->len; i++) {
    GstClockTime *pts = &g_array_index (from->pts, GstClockTime, i);

    if (!GST_CLOCK_TIME_IS_VALID (*pts) ||
        !g_hash_table_insert (left, pts, &g_array_index (from->times, gint64,
                i))) {
      g_printerr ("workerbench: item %u left --from with no timestamp or "
          "the one of another item\n", i);
      return FALSE;
    }
  }
  if (to->pts->len != from->pts->len) {
    g_printerr ("workerbench: %u of %u items arrived\n", to->pts->len,
        from->pts->len);
    return FALSE;
  }
  *n = to->pts->len;
  *created = g_new (gint64, MAX (*n, 1));
  *arrived = g_new (gint64, MAX (*n, 1));
  for (i = 0; i < to->pts->len; i++) {
    GstClockTime pts = g_array_index (to->pts, GstClockTime, i);
    gint64 *t = g_hash_table_lookup (left, &pts);

    if (!t || (i > 0 && pts <= g_array_index (to->pts, GstClockTime, i - 1))) {
      g_printerr ("workerbench: item %u (timestamp %" GST_TIME_FORMAT ") %s\n",
          i, GST_TIME_ARGS (pts), t ? "arrived out of order" :
          "never left --from");
      g_clear_pointer (created, g_free);
      g_clear_pointer (arrived, g_free);
      return FALSE;
    }
    (*created)[i] = *t;
    (*arrived)[i] = g_array_index (to->times, gint64, i);
  }
  return TRUE;
}

/* Runs to EOS. Returns FALSE on an error or the timeout. */
static gboolean
run (GstElement * pipeline, guint * heartbeats)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  gboolean ok = FALSE, done = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    g_printerr ("workerbench: the pipeline did not start\n");

  while (!done) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *msg;

    if (left <= 0) {
      g_printerr ("workerbench: no EOS after %d s\n", timeout_s);
      break;
    }
    msg = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (!msg)
      continue;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        ok = done = TRUE;
        break;
      case GST_MESSAGE_ERROR:{
        g_autoptr (GError) err = NULL;
        g_autofree gchar *dbg = NULL;

        gst_message_parse_error (msg, &err, &dbg);
        g_printerr ("workerbench: ERROR from %s: %s (%s)\n",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
            dbg ? dbg : "");
        done = TRUE;
        break;
      }
      default:
        if (gst_worker_message_is_heartbeat (msg))
          (*heartbeats)++;
        break;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return ok;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree gchar *desc = NULL;
  GstElement *pipeline, *src = NULL, *sink = NULL;
  Tap *from = NULL, *to = NULL;
  guint n_src, n_sink, heartbeats = 0;
  gdouble cpu0, seconds, cpu;
  gint64 t0;
  guint64 n, got;
  gboolean ok;

  ctx = g_option_context_new ("PIPELINE-DESCRIPTION");
  g_option_context_set_summary (ctx, "Runs one benchmark pipeline (with a "
      "benchsrc and a benchsink) to EOS and prints its figures as JSON.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("workerbench: %s\n", err->message);
    return 2;
  }
  if (exists) {
    GstElementFactory *f = gst_element_factory_find (exists);

    if (f)
      gst_object_unref (f);
    return f ? 0 : 1;
  }
  if (!description || !description[0]) {
    g_printerr ("workerbench: no pipeline description\n");
    return 2;
  }

  GST_ELEMENT_REGISTER (benchsrc, NULL);
  GST_ELEMENT_REGISTER (benchsink, NULL);
  scan_test_plugin ();

  desc = g_strjoinv (" ", description);
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &err);
  if (!pipeline) {
    g_printerr ("workerbench: bad pipeline: %s\n", err->message);
    return 2;
  }
  if (from_spec || to_spec) {
    from = tap_new ();
    to = tap_new ();
    if (!from_spec || !to_spec ||
        !add_tap (GST_BIN (pipeline), from_spec, "src", from) ||
        !add_tap (GST_BIN (pipeline), to_spec, "sink", to)) {
      g_printerr ("workerbench: --from and --to name two pads\n");
      return 2;
    }
  } else {
    src = find_one (GST_BIN (pipeline), GST_TYPE_BENCH_SRC, &n_src);
    sink = find_one (GST_BIN (pipeline), GST_TYPE_BENCH_SINK, &n_sink);
    if (!src || !sink) {
      g_printerr ("workerbench: the pipeline needs one benchsrc and one "
          "benchsink (it has %u and %u)\n", n_src, n_sink);
      return 2;
    }
    g_object_set (sink, "source", src, NULL);
  }

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  ok = run (pipeline, &heartbeats);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  cpu = cpu_seconds () - cpu0;

  if (ok && from) {
    g_autofree gint64 *created = NULL;
    g_autofree gint64 *arrived = NULL;

    ok = match_taps (from, to, &created, &arrived, &n);
    if (ok && n < 2) {
      g_printerr ("workerbench: %" G_GUINT64_FORMAT " items arrived (need at "
          "least 2)\n", n);
      ok = FALSE;
    }
    if (ok)
      print_figures (n, created, arrived, seconds, cpu, heartbeats);
  } else if (ok) {
    n = gst_bench_src_get_n_items (GST_BENCH_SRC (src));
    got = gst_bench_sink_get_count (GST_BENCH_SINK (sink));
    if (got != n || n < 2) {
      g_printerr ("workerbench: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
          " items arrived%s\n", got, n, n < 2 ? " (need at least 2)" : "");
      ok = FALSE;
    } else {
      print_figures (n, gst_bench_src_get_created (GST_BENCH_SRC (src)),
          gst_bench_sink_get_arrived (GST_BENCH_SINK (sink)), seconds, cpu,
          heartbeats);
    }
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_clear_object (&src);
  gst_clear_object (&sink);
  gst_object_unref (pipeline);
  if (from) {
    tap_free (from);
    tap_free (to);
  }
  /* ends the streaming threads GStreamer keeps for reuse, so nothing runs
   * while the process exits (LeakSanitizer's scan crashes otherwise) */
  gst_deinit ();
  return ok ? 0 : 1;
}
