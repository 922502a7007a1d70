/* gst-workers: clusterestimate's cost per item, short and long history
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated survey (rows 15 m apart, a target every 15 m, each item the
 * targets within 10 m of the camera with 0.3 m of noise, a false
 * detection every 7th item) into clusterestimate, in one thread (a
 * GstHarness). After H items of history (H = 100, 1,000, 3,000, 10,000),
 * the CPU time of the next --items items, per item: incremental=TRUE
 * (the clusters redone where the detections fell) and incremental=FALSE
 * (all the kept detections reclustered on every item), each on its own
 * element fed the same history, sides alternated round by round. The
 * history is built incrementally on both (the two give the same results;
 * tests/check/clusterestimate.c checks it); the first item after it is
 * not timed. Reported: the medians over the rounds, batch / incremental,
 * and each side's cost at each history over its cost at the shortest.
 * Target (issue 16): the incremental cost per item stays flat, at most
 * 1.5x at 10,000 items of history what it is at 100. Times never fail the
 * run; two sides that say different things do.
 *
 *   clusterbench [--rounds=5] [--items=200] [--smoke]
 */
#include <math.h>
#include <string.h>
#include <time.h>
#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/autonomy/autonomy.h>

#define FLAT_TARGET 1.5

static const guint histories[] = { 100, 1000, 3000, 10000 };

#define N_HIST G_N_ELEMENTS (histories)

typedef struct
{
  GstHarness *h, *cmd;
  GRand *rand;
  guint i;                      /* items pushed */
  guint outputs;
  GChecksum *sum;               /* of the outputs */
} Side;

static void
side_init (Side * s)
{
  s->h = gst_harness_new ("clusterestimate");
  s->cmd = gst_harness_new_with_element (s->h->element, NULL, "commands");
  gst_harness_set_src_caps_str (s->h, GST_GROUND_TARGETS_CAPS);
  s->rand = g_rand_new_with_seed (1);
  s->i = s->outputs = 0;
  s->sum = g_checksum_new (G_CHECKSUM_SHA1);
}

static void
side_clear (Side * s)
{
  g_checksum_free (s->sum);
  g_rand_free (s->rand);
  gst_harness_teardown (s->cmd);
  gst_harness_teardown (s->h);
}

static void
drain_outputs (Side * s, GstHarness * h)
{
  GstBuffer *b;

  while ((b = gst_harness_try_pull (h))) {
    GstMapInfo map;

    gst_buffer_map (b, &map, GST_MAP_READ);
    g_checksum_update (s->sum, map.data, map.size);
    gst_buffer_unmap (b, &map);
    s->outputs++;
    gst_buffer_unref (b);
  }
}

/* The survey's next item. */
static void
push_next (Side * s)
{
  GstGroundTarget t[4];
  guint k = 0, i = s->i++;
  gdouble x = (i % 400) * 0.5, y = (i / 400) * 15.0, tx;

  memset (t, 0, sizeof (t));
  for (tx = 0; tx <= 200; tx += 15)
    if (fabs (tx - x) < 10 && k < 3) {
      t[k].north = y + g_rand_double_range (s->rand, -0.3, 0.3);
      t[k].east = tx + g_rand_double_range (s->rand, -0.3, 0.3);
      t[k].confidence = 1;
      t[k].area = 10;
      k++;
    }
  if (i % 7 == 0) {
    t[k].north = y + g_rand_double_range (s->rand, -10, 10);
    t[k].east = x + g_rand_double_range (s->rand, -10, 10);
    t[k].confidence = 1;
    t[k].area = 10;
    k++;
  }
  if (gst_harness_push (s->h, gst_ground_targets_to_buffer (t, k,
              i * GST_SECOND / 10)) != GST_FLOW_OK)
    g_error ("clusterbench: clusterestimate refused item %u", i);
  drain_outputs (s, s->h);
  drain_outputs (s, s->cmd);
}

static gdouble
thread_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Microseconds of CPU per item over the next @items items. */
static gdouble
time_items (Side * s, guint items)
{
  gdouble t0 = thread_seconds ();
  guint i;

  for (i = 0; i < items; i++)
    push_next (s);
  return (thread_seconds () - t0) * 1e6 / items;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : (x > y);
}

static gdouble
median (gdouble * v, guint n)
{
  qsort (v, n, sizeof (gdouble), compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  gint rounds = 5, items = 200;
  gboolean smoke = FALSE, met;
  GOptionEntry entries[] = {
    {"rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (medians)", "N"},
    {"items", 0, 0, G_OPTION_ARG_INT, &items, "Items timed per history",
        "N"},
    {"smoke", 0, 0, G_OPTION_ARG_NONE, &smoke, "Once, short (CI)", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- clusterestimate's cost "
      "per item, short and long history");
  GError *err = NULL;
  gdouble *inc, *bat, ratio[N_HIST], flat_inc, flat_bat;
  guint n_hist = N_HIST, r, h;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("clusterbench: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (smoke) {
    rounds = 1;
    items = 10;
    n_hist = 2;
  }
  if (rounds < 1 || items < 1) {
    g_printerr ("clusterbench: bad --rounds or --items\n");
    return 2;
  }
  inc = g_new0 (gdouble, N_HIST * rounds);
  bat = g_new0 (gdouble, N_HIST * rounds);

  g_print ("clusterbench: clusterestimate on a simulated survey, CPU time "
      "per item over %d items after H items of history, incremental=TRUE "
      "and FALSE side by side, %d rounds\n", items, rounds);
  for (r = 0; r < (guint) rounds; r++) {
    for (h = 0; h < n_hist; h++) {
      Side a, b;
      guint i;

      side_init (&a);
      side_init (&b);
      for (i = 0; i < histories[h]; i++) {
        push_next (&a);
        push_next (&b);
      }
      g_object_set (b.h->element, "incremental", FALSE, NULL);
      push_next (&a);
      push_next (&b);
      if (r % 2) {
        bat[h * rounds + r] = time_items (&b, items);
        inc[h * rounds + r] = time_items (&a, items);
      } else {
        inc[h * rounds + r] = time_items (&a, items);
        bat[h * rounds + r] = time_items (&b, items);
      }
      if (a.outputs != b.outputs || strcmp (g_checksum_get_string (a.sum),
              g_checksum_get_string (b.sum))) {
        g_printerr ("clusterbench: incremental and batch differ after %u "
            "items (%u and %u outputs)\n", a.i, a.outputs, b.outputs);
        return 1;
      }
      side_clear (&a);
      side_clear (&b);
    }
  }

  g_print ("%-10s %14s %14s %14s %12s %12s\n", "history", "incremental",
      "batch", "batch/incr.", "incr./first", "batch/first");
  for (h = 0; h < n_hist; h++) {
    gdouble rr[64], mi, mb;

    for (r = 0; r < (guint) rounds && r < 64; r++)
      rr[r] = bat[h * rounds + r] / inc[h * rounds + r];
    ratio[h] = median (rr, MIN (rounds, 64));
    mi = median (inc + h * rounds, rounds);
    mb = median (bat + h * rounds, rounds);
    if (h == 0) {
      flat_inc = mi;
      flat_bat = mb;
    }
    g_print ("%-10u %11.1f us %11.1f us %13.2fx %11.2fx %11.2fx\n",
        histories[h], mi, mb, ratio[h], mi / flat_inc, mb / flat_bat);
    if (h == n_hist - 1) {
      flat_inc = mi / flat_inc;
      flat_bat = mb / flat_bat;
    }
  }
  met = flat_inc <= FLAT_TARGET;
  g_print ("(CPU time of the element's thread per item, medians; ratios: "
      "medians of the per-round ratios)\ntarget: incremental at %u items "
      "of history <= %.1fx its cost at %u: %.2fx, %s (batch: %.2fx)\n",
      histories[n_hist - 1], FLAT_TARGET, histories[0], flat_inc,
      met ? "met" : "NOT met", flat_bat);
  g_free (inc);
  g_free (bat);
  return 0;
}
