/* gst-workers: benchmark runner
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * workerbench [--warmup=F] [--timeout=S] PIPELINE-DESCRIPTION
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
 *   heartbeats   worker-heartbeat messages posted on the bus
 *
 * The Python model's runner (python/chain.py) prints the same fields with
 * the same definitions, so run.py compares like with like. Exit status 1:
 * the pipeline failed, lost, duplicated or reordered items, or timed out.
 *
 * With --exists, exits with 0 if the element factory is there (as this
 * process sees it: a sanitized build's plugins load only into a sanitized
 * process), 1 if not.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
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

static GOptionEntry entries[] = {
  {"warmup", 'w', 0, G_OPTION_ARG_DOUBLE, &warmup,
      "Fraction of the items left out of the figures (default 0.1)", "F"},
  {"timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "Fail if the run has not ended after S seconds (default 600)", "S"},
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
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
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
  GstElement *pipeline, *src, *sink;
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
  GST_ELEMENT_REGISTER (benchworker, NULL);

  desc = g_strjoinv (" ", description);
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &err);
  if (!pipeline) {
    g_printerr ("workerbench: bad pipeline: %s\n", err->message);
    return 2;
  }
  src = find_one (GST_BIN (pipeline), GST_TYPE_BENCH_SRC, &n_src);
  sink = find_one (GST_BIN (pipeline), GST_TYPE_BENCH_SINK, &n_sink);
  if (!src || !sink) {
    g_printerr ("workerbench: the pipeline needs one benchsrc and one "
        "benchsink (it has %u and %u)\n", n_src, n_sink);
    return 2;
  }
  g_object_set (sink, "source", src, NULL);

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  ok = run (pipeline, &heartbeats);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  cpu = cpu_seconds () - cpu0;

  if (ok) {
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
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return ok ? 0 : 1;
}
