/* gst-workers: --tune=auto against fixed pool sizes, on a load that changes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chain `source ! queue ! workerpool ! queue ! sink` whose pool worker's
 * work per item changes while it runs (phases: light, heavy, light). Each
 * pool size from 1 to --max runs the phases, and so does the controller's
 * tune=auto starting from size 1; rounds interleave them. Per phase: items
 * per second at the sink over the whole phase and over its second half
 * (once auto had time to settle), the median over the rounds; auto's ratio
 * to the best fixed size is the median of the per-round ratios. The target
 * (the design's "tuned accordingly", issue 14): auto reaches >= 90% of the
 * best fixed size in each phase, over the settled half. Times never fail
 * the run; a wrong output does (every item at the sink, once, in order).
 *
 *   tunebench [--phase-ms=3000] [--rounds=3] [--max=4] [--smoke]
 */
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/worker/worker.h>

#define SINK_NS 2400000         /* the sink's work per item: 416 items/s */

typedef struct
{
  const gchar *name;
  guint64 work_ns;              /* the pool worker's work per item */
} Phase;

/* light: one replica keeps up with the sink; heavy: four are needed */
static const Phase phases[] = {
  {"light", 2000000},
  {"heavy", 9600000},
  {"light again", 2000000},
};

#define N_PHASES G_N_ELEMENTS (phases)

static gint current_work_us;    /* atomic: new replicas take it */

static void
set_work (GstElement * e, guint64 ns)
{
  GstElementFactory *f = gst_element_get_factory (e);

  if (f && g_str_equal (GST_OBJECT_NAME (f), "testworker"))
    g_object_set (e, "process-time", ns, NULL);
}

static void
on_added (GstBin * pipe, GstBin * bin, GstElement * e, gpointer data)
{
  set_work (e, (guint64) g_atomic_int_get (&current_work_us) * 1000);
}

static void
set_work_all (GstElement * pipe, guint64 ns)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipe));
  GValue item = G_VALUE_INIT;

  g_atomic_int_set (&current_work_us, (gint) (ns / 1000));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    set_work (g_value_get_object (&item), ns);
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
}

static guint64
sink_count (GstElement * pipe, const gchar * prop)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  guint64 n = 0;

  g_object_get (sink, prop, &n, NULL);
  gst_object_unref (sink);
  return n;
}

/* Runs the controller's context for @ms. */
static void
spin (GMainContext * ctx, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end) {
    while (g_main_context_iteration (ctx, FALSE));
    g_usleep (2000);
  }
}

typedef struct
{
  gdouble whole[N_PHASES];      /* items/s over the phase */
  gdouble settled[N_PHASES];    /* over its second half */
  guint final_size;
} Result;

/* One run: pool size @size, or tune=auto from size 1 when @size is 0. */
static gboolean
run (guint size, guint max, guint phase_ms, Result * res)
{
  GMainContext *ctx = g_main_context_default ();
  gchar *desc = g_strdup_printf ("testworkersrc name=src "
      "num-buffers=100000000 ! queue max-size-buffers=10 max-size-bytes=0 "
      "max-size-time=0 ! workerpool name=p size=%u worker=\"testworker\" ! "
      "queue max-size-buffers=10 max-size-bytes=0 max-size-time=0 ! "
      "testworkersink name=out consume-time=%u", size ? size : 1, SINK_NS);
  GError *err = NULL;
  GstWorkerController *ctrl =
      gst_worker_controller_new_from_description (desc, &err);
  GstPipeline *pipe;
  GstElement *pool;
  GstStructure *report;
  gint outcome = -1;
  guint64 out, src_out = 0;
  gboolean ok = TRUE;

  g_free (desc);
  if (!ctrl) {
    g_printerr ("tunebench: %s\n", err->message);
    return FALSE;
  }
  pipe = gst_worker_controller_get_pipeline (ctrl);
  g_signal_connect (pipe, "deep-element-added", G_CALLBACK (on_added), NULL);
  set_work_all (GST_ELEMENT (pipe), phases[0].work_ns);
  if (!size)
    g_object_set (ctrl, "tune", GST_WORKER_TUNE_MODE_AUTO,
        "tune-max-replicas", max, NULL);
  if (!gst_worker_controller_start (ctrl, &err)) {
    g_printerr ("tunebench: %s\n", err->message);
    return FALSE;
  }
  while (sink_count (GST_ELEMENT (pipe), "count") == 0)
    spin (ctx, 10);

  for (guint i = 0; i < N_PHASES; i++) {
    guint64 c0, c1, c2;

    set_work_all (GST_ELEMENT (pipe), phases[i].work_ns);
    c0 = sink_count (GST_ELEMENT (pipe), "count");
    spin (ctx, phase_ms / 2);
    c1 = sink_count (GST_ELEMENT (pipe), "count");
    spin (ctx, phase_ms - phase_ms / 2);
    c2 = sink_count (GST_ELEMENT (pipe), "count");
    res->whole[i] = (c2 - c0) * 1000.0 / phase_ms;
    res->settled[i] = (c2 - c1) * 1000.0 / (phase_ms - phase_ms / 2);
  }
  pool = gst_bin_get_by_name (GST_BIN (pipe), "p");
  g_object_get (pool, "size", &res->final_size, NULL);
  gst_object_unref (pool);

  gst_worker_controller_exit_drain (ctrl, 20000);
  while (!gst_worker_controller_is_finished (ctrl))
    spin (ctx, 10);
  report = gst_worker_controller_get_report (ctrl);
  gst_structure_get_enum (report, "outcome",
      GST_TYPE_WORKER_CONTROLLER_OUTCOME, &outcome);
  {
    const GValue *workers = gst_structure_get_value (report, "workers");

    for (guint i = 0; i < gst_value_array_get_size (workers); i++) {
      const GstStructure *w =
          gst_value_get_structure (gst_value_array_get_value (workers, i));

      if (g_str_equal (gst_structure_get_string (w, "name"), "src"))
        gst_structure_get_uint64 (w, "items-out", &src_out);
    }
  }
  out = sink_count (GST_ELEMENT (pipe), "count");
  if (outcome != GST_WORKER_CONTROLLER_OUTCOME_DRAINED || out != src_out ||
      sink_count (GST_ELEMENT (pipe), "out-of-order") ||
      sink_count (GST_ELEMENT (pipe), "gaps")) {
    g_printerr ("tunebench: wrong output with %s: outcome %d, %"
        G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " items\n",
        size ? "a fixed size" : "tune=auto", outcome, out, src_out);
    ok = FALSE;
  }
  gst_structure_free (report);
  gst_object_unref (pipe);
  gst_object_unref (ctrl);
  return ok;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
median (gdouble * v, guint n)
{
  qsort (v, n, sizeof (gdouble), (GCompareFunc) compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  gint phase_ms = 3000, rounds = 3, max = 4;
  gboolean smoke = FALSE, met = TRUE;
  GOptionEntry entries[] = {
    {"phase-ms", 0, 0, G_OPTION_ARG_INT, &phase_ms, "Each phase's length",
        "MS"},
    {"rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (medians)", "N"},
    {"max", 0, 0, G_OPTION_ARG_INT, &max, "Largest pool size", "N"},
    {"smoke", 0, 0, G_OPTION_ARG_NONE, &smoke, "Once, short (CI)", NULL},
    {NULL}
  };
  GOptionContext *octx = g_option_context_new ("- tune=auto vs fixed sizes");
  GError *err = NULL;
  guint n_configs;
  Result *res;

  g_option_context_add_main_entries (octx, entries, NULL);
  g_option_context_add_group (octx, gst_init_get_option_group ());
  if (!g_option_context_parse (octx, &argc, &argv, &err)) {
    g_printerr ("tunebench: %s\n", err->message);
    return 2;
  }
  g_option_context_free (octx);
  if (smoke) {
    phase_ms = 600;
    rounds = 1;
    max = 2;
  }
  if (phase_ms < 100 || rounds < 1 || max < 1 || max > 16) {
    g_printerr ("tunebench: bad --phase-ms, --rounds or --max\n");
    return 2;
  }
  /* configs: sizes 1..max, then auto (index max) */
  n_configs = max + 1;
  res = g_new0 (Result, n_configs * rounds);

  g_print ("tunebench: %u phases of %d ms (pool work per item: ",
      (guint) N_PHASES, phase_ms);
  for (guint p = 0; p < N_PHASES; p++)
    g_print ("%s%s %.1f ms", p ? ", " : "", phases[p].name,
        phases[p].work_ns / 1e6);
  g_print ("; sink %.1f ms), sizes 1..%d and tune=auto, %d rounds\n",
      SINK_NS / 1e6, max, rounds);

  for (gint r = 0; r < rounds; r++) {
    for (guint k = 0; k < n_configs; k++) {
      /* interleaved: the order turns each round */
      guint c = (k + r) % n_configs;

      if (!run (c < (guint) max ? c + 1 : 0, max, phase_ms,
              &res[r * n_configs + c]))
        return 1;
    }
  }

  g_print ("%-12s", "phase");
  for (gint c = 0; c < max; c++)
    g_print ("  size=%d", c + 1);
  g_print ("     auto  auto/best (whole)  auto/best (settled)"
      "  fixed/best-other (settled)\n");
  for (guint p = 0; p < N_PHASES; p++) {
    gdouble *v = g_new (gdouble, rounds), *rw = g_new (gdouble, rounds),
        *rs = g_new (gdouble, rounds), *fo = g_new (gdouble, rounds * max);
    gdouble ratio_w, ratio_s;

    g_print ("%-12s", phases[p].name);
    for (guint c = 0; c < n_configs; c++) {
      for (gint r = 0; r < rounds; r++)
        v[r] = res[r * n_configs + c].settled[p];
      g_print (" %8.0f", median (v, rounds));
    }
    for (gint r = 0; r < rounds; r++) {
      Result *row = &res[r * n_configs];
      gdouble best_w = 0, best_s = 0;

      for (gint c = 0; c < max; c++) {
        best_w = MAX (best_w, row[c].whole[p]);
        best_s = MAX (best_s, row[c].settled[p]);
      }
      rw[r] = best_w > 0 ? row[max].whole[p] / best_w : 0;
      rs[r] = best_s > 0 ? row[max].settled[p] / best_s : 0;
      /* the yardstick of noise: each fixed size against the best of the
       * other fixed sizes, scored as auto is */
      for (gint c = 0; c < max; c++) {
        gdouble other = 0;

        for (gint o = 0; o < max; o++)
          if (o != c)
            other = MAX (other, row[o].settled[p]);
        fo[r * max + c] = other > 0 ? row[c].settled[p] / other : 0;
      }
    }
    ratio_w = median (rw, rounds);
    ratio_s = median (rs, rounds);
    met = met && ratio_s >= 0.9;
    g_print ("  %17.2f  %19.2f", ratio_w, ratio_s);
    if (max > 1) {
      gdouble best_fo = 0;

      /* the best fixed size's median: what a fixed size that fits the
       * phase scores against the others */
      for (gint c = 0; c < max; c++) {
        for (gint r = 0; r < rounds; r++)
          v[r] = fo[r * max + c];
        best_fo = MAX (best_fo, median (v, rounds));
      }
      g_print ("  %26.2f", best_fo);
    }
    g_print ("\n");
    g_free (v);
    g_free (rw);
    g_free (rs);
    g_free (fo);
  }
  g_print ("(items/s at the sink over each phase's second half, medians; "
      "auto's final sizes:");
  for (gint r = 0; r < rounds; r++)
    g_print (" %u", res[r * n_configs + max].final_size);
  g_print (")\ntarget: tune=auto >= 0.90 of the best fixed size in every "
      "phase (settled): %s\n", met ? "met" : "NOT met");
  g_free (res);
  return 0;
}
