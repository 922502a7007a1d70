/* gst-workers: timestampmerge and the merge meta
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>
#include "testitem.h"
#include "testpipeline.h"

#define MS GST_MSECOND

/* ---------------------------------------------------------------------- */
/* scripted inputs: each input is fed by its own thread, so the merge sees
 * whatever arrival order the scheduler makes up */

typedef enum
{
  STEP_ITEM,
  STEP_GAP,
  STEP_EOS,
} StepKind;

typedef struct
{
  StepKind kind;
  guint64 seq;
  GstClockTime ts;
  GstClockTime dur;
} Step;

typedef struct
{
  GstHarness *h;
  GArray *steps;
  guint jitter_us;              /* random sleep before each step, 0 = none */
  guint32 seed;
  GThread *thread;
} Feeder;

typedef struct
{
  GstElement *merge;
  GstHarness *out;              /* sink_0 feeds it; collects the output */
  Feeder in[4];
  guint n_in;
} Merge;

static Merge *
merge_new (guint n_in, gboolean live, const gchar * props)
{
  Merge *m = g_new0 (Merge, 1);
  guint i;

  m->n_in = n_in;
  m->out = gst_harness_new_with_padnames ("timestampmerge", "sink_0", "src");
  m->merge = m->out->element;
  if (props) {
    gchar **kv = g_strsplit (props, " ", -1), **p;

    for (p = kv; *p; p++) {
      gchar **pair = g_strsplit (*p, "=", 2);

      gst_util_set_object_arg (G_OBJECT (m->merge), pair[0], pair[1]);
      g_strfreev (pair);
    }
    g_strfreev (kv);
  }
  m->in[0].h = m->out;
  for (i = 1; i < n_in; i++) {
    gchar *name = g_strdup_printf ("sink_%u", i);

    m->in[i].h = gst_harness_new_with_element (m->merge, name, NULL);
    g_free (name);
  }
  for (i = 0; i < n_in; i++) {
    gst_harness_set_live (m->in[i].h, live);
    gst_harness_set_src_caps_str (m->in[i].h, i == 0 ? TEST_ITEM_CAPS :
        TEST_ODD_CAPS);
    m->in[i].steps = g_array_new (FALSE, FALSE, sizeof (Step));
  }
  return m;
}

static void
merge_free (Merge * m)
{
  gint i;

  for (i = m->n_in - 1; i >= 0; i--) {
    g_array_unref (m->in[i].steps);
    gst_harness_teardown (m->in[i].h);
  }
  g_free (m);
}

static void
add_item (Merge * m, guint in, guint64 seq, GstClockTime ts)
{
  Step s = { STEP_ITEM, seq, ts, MS };

  g_array_append_val (m->in[in].steps, s);
}

/* items seq = 0, 1, ... at ts = start + seq * step */
static void
add_items (Merge * m, guint in, guint n, GstClockTime start,
    GstClockTime step)
{
  guint i;

  for (i = 0; i < n; i++)
    add_item (m, in, i, start + i * step);
}

static void
add_gap (Merge * m, guint in, GstClockTime ts, GstClockTime dur)
{
  Step s = { STEP_GAP, 0, ts, dur };

  g_array_append_val (m->in[in].steps, s);
}

static void
add_eos (Merge * m, guint in)
{
  Step s = { STEP_EOS, 0, 0, 0 };

  g_array_append_val (m->in[in].steps, s);
}

static gpointer
feed (gpointer data)
{
  Feeder *f = data;
  GRand *rand = g_rand_new_with_seed (f->seed);
  guint i;

  for (i = 0; i < f->steps->len; i++) {
    Step *s = &g_array_index (f->steps, Step, i);

    if (f->jitter_us)
      g_usleep (g_rand_int_range (rand, 0, f->jitter_us));
    switch (s->kind) {
      case STEP_ITEM:
        fail_unless_equals_int (gst_harness_push (f->h,
                test_item_new (s->seq, s->ts, s->dur)), GST_FLOW_OK);
        break;
      case STEP_GAP:
        fail_unless (gst_harness_push_event (f->h,
                gst_event_new_gap (s->ts, s->dur)));
        break;
      case STEP_EOS:
        fail_unless (gst_harness_push_event (f->h, gst_event_new_eos ()));
        break;
    }
  }
  g_rand_free (rand);
  return NULL;
}

static void
merge_start (Merge * m, guint jitter_us, guint32 seed)
{
  guint i;

  for (i = 0; i < m->n_in; i++) {
    m->in[i].jitter_us = jitter_us;
    m->in[i].seed = seed + i;
    m->in[i].thread = g_thread_new ("feeder", feed, &m->in[i]);
  }
}

static void
merge_join (Merge * m)
{
  guint i;

  for (i = 0; i < m->n_in; i++)
    g_clear_pointer (&m->in[i].thread, g_thread_join);
}

/* "seq:1=seq:2=seq" per output; "-" for no entry, "null" for a null
 * token */
static void
describe (GString * s, GstBuffer * buf, guint n_in)
{
  guint64 seq = G_MAXUINT64;
  guint i;

  fail_unless (test_item_get_seq (buf, &seq));
  if (s->len)
    g_string_append_c (s, ' ');
  g_string_append_printf (s, "%" G_GUINT64_FORMAT, seq);
  for (i = 1; i < n_in; i++) {
    gchar name[16];
    GstBuffer *item;

    g_snprintf (name, sizeof (name), "sink_%u", i);
    item = gst_buffer_get_merged_item (buf, name);
    if (!item)
      g_string_append_printf (s, ":%u=-", i);
    else if (gst_worker_buffer_is_null_token (item))
      g_string_append_printf (s, ":%u=null", i);
    else if (test_item_get_seq (item, &seq))
      g_string_append_printf (s, ":%u=%" G_GUINT64_FORMAT, i, seq);
    else
      g_string_append_printf (s, ":%u=?", i);
  }
}

/* Runs the scripts and returns the output up to EOS. */
static gchar *
merge_run (Merge * m, guint jitter_us, guint32 seed)
{
  GString *s = g_string_new (NULL);
  GstBuffer *buf;

  merge_start (m, jitter_us, seed);
  while (TRUE) {
    buf = NULL;
    fail_unless (gst_harness_pull_until_eos (m->out, &buf));
    if (!buf)
      break;
    describe (s, buf, m->n_in);
    gst_buffer_unref (buf);
  }
  merge_join (m);
  return g_string_free (s, FALSE);
}

/* Pulls exactly @n outputs, failing after 5 s (test_deadline). */
static gchar *
pull_n (Merge * m, guint n)
{
  GString *s = g_string_new (NULL);
  gint64 deadline = test_deadline (5);

  while (n > 0 && g_get_monotonic_time () < deadline) {
    GstBuffer *buf = gst_harness_try_pull (m->out);

    if (!buf) {
      g_usleep (1000);
      continue;
    }
    describe (s, buf, m->n_in);
    gst_buffer_unref (buf);
    n--;
  }
  fail_unless_equals_int (n, 0);
  return g_string_free (s, FALSE);
}

static guint64
stat_u64 (GstElement * e, const gchar * field)
{
  GstStructure *st = gst_worker_get_stats (GST_WORKER (e));
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (st, field, &v));
  gst_structure_free (st);
  return v;
}

static guint64
pad_u64 (GstElement * e, const gchar * pad, const gchar * prop)
{
  GstPad *p = gst_element_get_static_pad (e, pad);
  guint64 v;

  fail_unless (p != NULL);
  g_object_get (p, prop, &v, NULL);
  gst_object_unref (p);
  return v;
}

/* Once every input is at EOS, every input item is out, attached or
 * dropped. The output's EOS may come first (the primary's end ends it):
 * wait, bounded, for the rest. */
static void
wait_merge_accounted (GstElement * merge, guint n_in)
{
  gint64 deadline = test_deadline (5);
  guint64 in, accounted;
  gboolean eos;

  do {
    guint i;

    eos = TRUE;
    for (i = 1; i < n_in; i++) {
      gchar name[16];
      GstPad *pad;

      g_snprintf (name, sizeof (name), "sink_%u", i);
      pad = gst_element_get_static_pad (merge, name);
      /* EOS is taken after the items before it */
      eos &= gst_aggregator_pad_is_eos (GST_AGGREGATOR_PAD (pad));
      gst_object_unref (pad);
    }
    in = stat_u64 (merge, "items-in");
    accounted = stat_u64 (merge, "items-out") +
        stat_u64 (merge, "items-dropped");
    for (i = 1; i < n_in; i++) {
      gchar name[16];

      g_snprintf (name, sizeof (name), "sink_%u", i);
      accounted += pad_u64 (merge, name, "attached");
    }
    if (eos && in == accounted)
      return;
    g_usleep (1000);
  } while (g_get_monotonic_time () < deadline);
  fail_unless (eos, "inputs not at EOS");
  fail_unless_equals_uint64 (accounted, in);
}

static void
wait_accounted (Merge * m)
{
  wait_merge_accounted (m->merge, m->n_in);
}

#define assert_output(m, expected) G_STMT_START {                       \
  gchar *_got = merge_run ((m), 0, 0);                                   \
  fail_unless_equals_string (_got, (expected));                         \
  g_free (_got);                                                        \
  wait_accounted (m);                                                   \
} G_STMT_END

/* ---------------------------------------------------------------------- */
/* which item */

GST_START_TEST (test_nearest)
{
  Merge *m = merge_new (2, FALSE, NULL);

  add_items (m, 0, 5, 0, 10 * MS);      /* 0 10 20 30 40 */
  add_items (m, 1, 17, 0, 3 * MS);      /* 0 3 6 ... 48 */
  add_eos (m, 0);
  add_eos (m, 1);
  /* 10: 9 (d1) vs 12 (d2); 20: 18 (d2) vs 21 (d1); 30: exact;
   * 40: 39 (d1) vs 42 (d2) */
  assert_output (m, "0:1=0 1:1=3 2:1=7 3:1=10 4:1=13");
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "attached"), 5);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "dropped"), 12);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "unmatched"), 0);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-in"), 22);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-out"), 5);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-dropped"), 12);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_nearest_ties_go_to_the_earlier)
{
  Merge *m = merge_new (2, FALSE, NULL);

  add_items (m, 0, 5, 0, 10 * MS);
  add_items (m, 1, 13, 0, 4 * MS);      /* 0 4 8 ... 48 */
  add_eos (m, 0);
  add_eos (m, 1);
  /* 10: 8 and 12 tie: 8; 30: 28 and 32 tie: 28 */
  assert_output (m, "0:1=0 1:1=2 2:1=5 3:1=7 4:1=10");
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_latest_before)
{
  Merge *m = merge_new (2, FALSE, "mode=latest-before");

  add_items (m, 0, 5, 0, 10 * MS);
  add_items (m, 1, 17, 0, 3 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  /* 10: 9; 20: 18; 30: 30 itself; 40: 39 */
  assert_output (m, "0:1=0 1:1=3 2:1=6 3:1=10 4:1=13");
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_latest_before_first_item_later)
{
  Merge *m = merge_new (2, FALSE, "mode=latest-before");

  add_items (m, 0, 4, 0, 10 * MS);
  add_items (m, 1, 3, 15 * MS, 10 * MS);        /* 15 25 35 */
  add_eos (m, 0);
  add_eos (m, 1);
  /* nothing before 0 and 10 */
  assert_output (m, "0:1=- 1:1=- 2:1=0 3:1=1");
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "unmatched"), 2);
  /* 35 arrived and was never chosen */
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "dropped"), 1);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_same_timestamp_first_wins)
{
  Merge *m = merge_new (2, FALSE, NULL);

  add_items (m, 0, 3, 0, 10 * MS);      /* 0 10 20 */
  add_item (m, 1, 0, 0);
  add_item (m, 1, 1, 10 * MS);
  add_item (m, 1, 2, 10 * MS);
  add_item (m, 1, 3, 10 * MS);
  add_item (m, 1, 4, 20 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  assert_output (m, "0:1=0 1:1=1 2:1=4");
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "attached"), 3);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "dropped"), 2);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_one_item_for_several_primaries)
{
  Merge *m = merge_new (2, FALSE, NULL);

  add_items (m, 0, 6, 0, 10 * MS);
  add_item (m, 1, 0, 22 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  assert_output (m, "0:1=0 1:1=0 2:1=0 3:1=0 4:1=0 5:1=0");
  /* attached once, counted once */
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "attached"), 1);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "dropped"), 0);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_three_inputs)
{
  Merge *m = merge_new (3, FALSE, NULL);
  GstBuffer *buf;
  GstWorkerMergeMeta *meta;
  const gchar *name;

  add_items (m, 0, 3, 0, 10 * MS);
  add_items (m, 1, 7, 0, 4 * MS);       /* 0 4 8 ... 24 */
  add_items (m, 2, 3, 1 * MS, 9 * MS);  /* 1 10 19 */
  add_eos (m, 0);
  add_eos (m, 1);
  add_eos (m, 2);
  merge_start (m, 0, 0);
  fail_unless (gst_harness_pull_until_eos (m->out, &buf) && buf);
  meta = gst_buffer_get_worker_merge_meta (buf);
  fail_unless (meta != NULL);
  fail_unless_equals_int (gst_worker_merge_meta_get_n_items (meta), 2);
  gst_worker_merge_meta_get_nth_item (meta, 0, &name);
  fail_unless_equals_string (name, "sink_1");
  gst_worker_merge_meta_get_nth_item (meta, 1, &name);
  fail_unless_equals_string (name, "sink_2");
  gst_buffer_unref (buf);
  fail_unless (gst_harness_pull_until_eos (m->out, &buf) && buf);
  gst_buffer_unref (buf);
  fail_unless (gst_harness_pull_until_eos (m->out, &buf) && buf);
  gst_buffer_unref (buf);
  merge_join (m);
  merge_free (m);

  m = merge_new (3, FALSE, NULL);
  add_items (m, 0, 3, 0, 10 * MS);
  add_items (m, 1, 7, 0, 4 * MS);
  add_items (m, 2, 3, 1 * MS, 9 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  add_eos (m, 2);
  /* 10: 8 / 12 tie -> 8 (seq 2) and 10; 20: 20 (seq 5) and 19 */
  assert_output (m, "0:1=0:2=0 1:1=2:2=1 2:1=5:2=2");
  merge_free (m);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* max-distance */

GST_START_TEST (test_max_distance_pass_alone)
{
  Merge *m = merge_new (2, FALSE, "max-distance=15000000");

  add_items (m, 0, 6, 0, 10 * MS);      /* 0 .. 50 */
  add_item (m, 1, 0, 0);
  add_item (m, 1, 1, 50 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  /* 20: 0 is 20 away, 50 is 30 away; 30: 30 and 20 away */
  assert_output (m, "0:1=0 1:1=0 2:1=- 3:1=- 4:1=1 5:1=1");
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "unmatched"), 2);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-out"), 6);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-dropped"), 0);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_max_distance_drop)
{
  Merge *m = merge_new (2, FALSE,
      "max-distance=15000000 drop-unmatched=true");

  add_items (m, 0, 6, 0, 10 * MS);
  add_item (m, 1, 0, 0);
  add_item (m, 1, 1, 50 * MS);
  add_eos (m, 0);
  add_eos (m, 1);
  assert_output (m, "0:1=0 1:1=0 4:1=1 5:1=1");
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "unmatched"), 2);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_0", "dropped"), 2);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-in"), 8);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-out"), 4);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-dropped"), 2);
  merge_free (m);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* GAP, EOS */

/* A silent input sends GAPs: the merge goes on without its EOS. */
GST_START_TEST (test_gap_silent_input_latest_before)
{
  Merge *m = merge_new (2, FALSE, "mode=latest-before max-distance=15000000");
  gchar *got;

  add_items (m, 0, 4, 0, 10 * MS);      /* 0 10 20 30 */
  add_item (m, 1, 0, 0);
  add_gap (m, 1, 1 * MS, 9 * MS);
  add_gap (m, 1, 10 * MS, 10 * MS);
  add_gap (m, 1, 20 * MS, 10 * MS);
  add_gap (m, 1, 30 * MS, 10 * MS);
  merge_start (m, 0, 0);
  got = pull_n (m, 4);
  fail_unless_equals_string (got, "0:1=0 1:1=0 2:1=- 3:1=-");
  g_free (got);
  merge_join (m);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "unmatched"), 2);
  merge_free (m);
}

GST_END_TEST;

/* In nearest mode a gap settles the choice once it reaches as far past the
 * primary's time as the previous item is before it. */
GST_START_TEST (test_gap_nearest)
{
  Merge *m = merge_new (2, FALSE, NULL);
  gchar *got;

  add_items (m, 0, 3, 0, 10 * MS);      /* 0 10 20 */
  add_item (m, 1, 0, 0);
  add_gap (m, 1, 1 * MS, 19 * MS);      /* settles 10: 20 - 10 >= 10 */
  add_gap (m, 1, 20 * MS, 10 * MS);     /* 30 - 20 < 20: not 20 */
  merge_start (m, 0, 0);
  merge_join (m);
  got = pull_n (m, 2);
  fail_unless_equals_string (got, "0:1=0 1:1=0");
  g_free (got);
  /* the item for 20 could still be at 30 .. 39: no decision */
  g_usleep (100 * 1000);
  fail_unless (gst_harness_try_pull (m->out) == NULL);
  fail_unless (gst_harness_push_event (m->in[1].h,
          gst_event_new_gap (30 * MS, 10 * MS)));
  got = pull_n (m, 1);
  fail_unless_equals_string (got, "2:1=0");
  g_free (got);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_gap_nearest_max_distance)
{
  Merge *m = merge_new (2, FALSE, "max-distance=5000000");
  gchar *got;

  add_items (m, 0, 3, 0, 10 * MS);
  add_item (m, 1, 0, 0);
  add_gap (m, 1, 1 * MS, 19 * MS);
  add_gap (m, 1, 20 * MS, 10 * MS);
  merge_start (m, 0, 0);
  got = pull_n (m, 3);
  fail_unless_equals_string (got, "0:1=0 1:1=- 2:1=-");
  g_free (got);
  merge_join (m);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_secondary_eos)
{
  Merge *m = merge_new (2, FALSE, "max-distance=25000000");

  add_items (m, 0, 6, 0, 10 * MS);
  add_item (m, 1, 0, 0);
  add_item (m, 1, 1, 10 * MS);
  add_eos (m, 1);
  add_eos (m, 0);
  /* after EOS the last item stays the nearest, within max-distance */
  assert_output (m, "0:1=0 1:1=1 2:1=1 3:1=1 4:1=- 5:1=-");
  merge_free (m);
}

GST_END_TEST;

/* The primary's end ends the output at once; what the other input sends
 * afterwards is dropped and counted. */
GST_START_TEST (test_primary_eos_ends_output)
{
  Merge *m = merge_new (2, FALSE, NULL);
  GstBuffer *buf;
  gchar *got;
  gint64 deadline;
  guint i;

  add_items (m, 0, 3, 0, 10 * MS);      /* 0 10 20 */
  add_eos (m, 0);
  add_items (m, 1, 31, 0, 1 * MS);      /* 0 .. 30, no EOS */
  got = merge_run (m, 0, 0);
  fail_unless_equals_string (got, "0:1=0 1:1=10 2:1=20");
  g_free (got);

  /* more items, then EOS on the other input */
  for (i = 31; i < 40; i++)
    fail_unless_equals_int (gst_harness_push (m->in[1].h,
            test_item_new (i, i * MS, MS)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (m->in[1].h, gst_event_new_eos ()));
  /* nothing more comes out, not even a second EOS */
  fail_unless (gst_harness_try_pull (m->out) == NULL);

  /* every item accounted for once the other input is at EOS */
  deadline = test_deadline (60);
  while (pad_u64 (m->merge, "sink_1", "dropped") < 37 &&
      g_get_monotonic_time () < deadline)
    g_usleep (1000);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "attached"), 3);
  fail_unless_equals_uint64 (pad_u64 (m->merge, "sink_1", "dropped"), 37);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-in"), 43);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-out"), 3);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-dropped"), 37);
  buf = gst_harness_try_pull (m->out);
  fail_unless (buf == NULL);
  merge_free (m);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* determinism, live, timestamps, errors */

static Merge *
determinism_script (void)
{
  Merge *m = merge_new (3, FALSE, "max-distance=30000000");
  guint i;

  add_items (m, 0, 40, 0, 10 * MS);
  add_eos (m, 0);
  add_items (m, 1, 140, 1 * MS, 3 * MS);
  add_eos (m, 1);
  add_item (m, 2, 0, 5 * MS);
  add_item (m, 2, 1, 45 * MS);
  add_gap (m, 2, 50 * MS, 40 * MS);
  add_item (m, 2, 2, 95 * MS);
  for (i = 0; i < 10; i++)
    add_gap (m, 2, (100 + 10 * i) * MS, 10 * MS);
  add_item (m, 2, 3, 205 * MS);
  add_eos (m, 2);
  return m;
}

/* The same output whatever order the inputs' items arrive in. */
GST_START_TEST (test_deterministic_arrival_order)
{
  Merge *m = determinism_script ();
  gchar *ref = merge_run (m, 0, 0);
  guint run;

  wait_accounted (m);
  merge_free (m);
  /* 0 -> 5 (d5) and 1 (d1): sink_1 1ms is seq 0 */
  fail_unless (g_str_has_prefix (ref, "0:1=0:2=0 1:1=3:2=0 "), "%s", ref);

  for (run = 1; run <= 8; run++) {
    gchar *got;

    m = determinism_script ();
    got = merge_run (m, 300, run * 7919);
    fail_unless_equals_string (got, ref);
    wait_accounted (m);
    merge_free (m);
    g_free (got);
  }
  g_free (ref);
}

GST_END_TEST;

/* Live: wait for the other input at most the latency, then choose among
 * what arrived. */
GST_START_TEST (test_live_latency)
{
  Merge *m = merge_new (2, TRUE, "latency=20000000");
  GstBuffer *buf;
  gchar *got;

  gst_harness_use_testclock (m->out);

  /* nothing on sink_1: the merge gives up at 0 + 20 ms */
  fail_unless_equals_int (gst_harness_push (m->in[0].h,
          test_item_new (0, 0, 10 * MS)), GST_FLOW_OK);
  fail_unless (gst_harness_crank_single_clock_wait (m->out));
  buf = gst_harness_pull (m->out);
  fail_unless (buf != NULL);
  fail_unless (gst_buffer_get_merged_item (buf, "sink_1") == NULL);
  gst_buffer_unref (buf);
  fail_unless_equals_uint64 (gst_clock_get_time (GST_ELEMENT_CLOCK
          (m->merge)), 20 * MS);

  /* an item before 10, none after yet: at 30 ms, the one before */
  fail_unless_equals_int (gst_harness_push (m->in[1].h,
          test_item_new (0, 5 * MS, MS)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (m->in[0].h,
          test_item_new (1, 10 * MS, 10 * MS)), GST_FLOW_OK);
  fail_unless (gst_harness_crank_single_clock_wait (m->out));
  got = pull_n (m, 1);
  fail_unless_equals_string (got, "1:1=0");
  g_free (got);
  fail_unless_equals_uint64 (gst_clock_get_time (GST_ELEMENT_CLOCK
          (m->merge)), 30 * MS);

  /* the item after 20 is there: no wait */
  fail_unless_equals_int (gst_harness_push (m->in[1].h,
          test_item_new (1, 12 * MS, MS)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (m->in[1].h,
          test_item_new (2, 21 * MS, MS)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (m->in[0].h,
          test_item_new (2, 20 * MS, 10 * MS)), GST_FLOW_OK);
  got = pull_n (m, 1);
  fail_unless_equals_string (got, "2:1=2");
  g_free (got);
  fail_unless_equals_uint64 (gst_clock_get_time (GST_ELEMENT_CLOCK
          (m->merge)), 30 * MS);
  merge_free (m);
}

GST_END_TEST;

/* Times are running times; attached items are retimed into the output's
 * segment; the output has the primary's caps. */
GST_START_TEST (test_running_time_and_caps)
{
  Merge *m = merge_new (2, FALSE, NULL);
  GstSegment seg;
  GstBuffer *buf, *item;
  GstCaps *caps, *expected;

  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = 100 * MS;
  fail_unless (gst_harness_push_event (m->in[1].h,
          gst_event_new_segment (&seg)));
  add_items (m, 0, 2, 0, 10 * MS);      /* rt 0 10 */
  add_items (m, 1, 3, 100 * MS, 5 * MS);        /* rt 0 5 10 */
  add_eos (m, 0);
  add_eos (m, 1);
  merge_start (m, 0, 0);
  fail_unless (gst_harness_pull_until_eos (m->out, &buf) && buf);
  item = gst_buffer_get_merged_item (buf, "sink_1");
  fail_unless (item != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (item), 0);
  gst_buffer_unref (buf);
  fail_unless (gst_harness_pull_until_eos (m->out, &buf) && buf);
  item = gst_buffer_get_merged_item (buf, "sink_1");
  fail_unless (item != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (item), 10 * MS);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 10 * MS);
  gst_buffer_unref (buf);
  merge_join (m);

  caps = gst_pad_get_current_caps (m->out->sinkpad);
  expected = gst_caps_from_string (TEST_ITEM_CAPS);
  fail_unless (caps && gst_caps_is_equal (caps, expected));
  gst_caps_unref (caps);
  gst_caps_unref (expected);
  merge_free (m);
}

GST_END_TEST;

/* The primary is sink_0 whatever the order the pads were requested in:
 * a description that links m.sink_1 before m.sink_0 merges the same way
 * (the primary's 10 items come out, each with a sink_1 item). */
GST_START_TEST (test_primary_is_sink_0_whatever_the_order)
{
  GstElement *pipe = gst_parse_launch ("testworkersrc num-buffers=30 ! "
      "m.sink_1 testworkersrc num-buffers=10 ! m.sink_0 "
      "timestampmerge name=m ! testworkersink name=out", NULL);
  GstElement *m, *out;
  GstBus *bus;
  GstMessage *msg;
  guint64 count = 0;

  fail_unless (pipe != NULL);
  m = gst_bin_get_by_name (GST_BIN (pipe), "m");
  out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  /* the parser requested sink_1 first */
  fail_unless_equals_string (GST_OBJECT_NAME (m->sinkpads->data), "sink_1");
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_object_get (out, "count", &count, NULL);
  fail_unless_equals_uint64 (count, 10);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (m);
  gst_object_unref (out);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* A GAP on the primary input (a sparse stream: clusterestimate's
 * estimates) is no item to merge: it goes on as a GAP, and the items
 * around it are merged as usual. */
GST_START_TEST (test_gap_on_primary)
{
  Merge *m = merge_new (2, FALSE, NULL);
  GstEvent *ev;
  GstClockTime ts = GST_CLOCK_TIME_NONE, dur;
  gchar *got;

  add_item (m, 0, 0, 0);
  add_gap (m, 0, 10 * MS, GST_CLOCK_TIME_NONE);
  add_item (m, 0, 2, 20 * MS);
  add_eos (m, 0);
  add_items (m, 1, 4, 0, 8 * MS);       /* 0 8 16 24 */
  add_eos (m, 1);
  got = merge_run (m, 0, 0);
  fail_unless_equals_string (got, "0:1=0 2:1=2");
  g_free (got);
  wait_accounted (m);
  fail_unless_equals_uint64 (stat_u64 (m->merge, "items-out"), 2);

  while ((ev = gst_harness_try_pull_event (m->out))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP)
      gst_event_parse_gap (ev, &ts, &dur);
    gst_event_unref (ev);
  }
  fail_unless_equals_uint64 (ts, 10 * MS);
  merge_free (m);
}

GST_END_TEST;

/* An item made from an earlier output carries what was merged with it;
 * attached, it keeps that, but not what was merged with that: through a
 * feedback loop every output would otherwise hold every item before it. */
GST_START_TEST (test_attached_history_bounded)
{
  Merge *m = merge_new (2, FALSE, NULL);
  GstBuffer *older = test_item_new (1, 0, MS), *old = test_item_new (2, 0,
      MS), *fed_back = test_item_new (3, 0, MS), *out, *item, *nested;

  gst_worker_merge_meta_add_item (gst_buffer_add_worker_merge_meta (old),
      "sink_1", older);
  gst_worker_merge_meta_add_item (gst_buffer_add_worker_merge_meta
      (fed_back), "sink_1", old);
  fail_unless_equals_int (gst_harness_push (m->in[1].h,
          gst_buffer_ref (fed_back)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (m->in[0].h,
          test_item_new (0, 0, MS)), GST_FLOW_OK);
  out = gst_harness_pull (m->out);
  fail_unless (out != NULL);

  item = gst_buffer_get_merged_item (out, "sink_1");
  fail_unless (item != NULL);
  nested = gst_buffer_get_merged_item (item, "sink_1");
  fail_unless (nested != NULL);
  fail_unless (gst_buffer_get_worker_merge_meta (nested) == NULL);
  {
    guint64 seq = 0;

    fail_unless (test_item_get_seq (item, &seq));
    fail_unless_equals_uint64 (seq, 3);
    fail_unless (test_item_get_seq (nested, &seq));
    fail_unless_equals_uint64 (seq, 2);
  }
  /* the items themselves are left as they were */
  fail_unless (gst_buffer_get_merged_item (fed_back, "sink_1") == old);
  fail_unless (gst_buffer_get_merged_item (old, "sink_1") == older);

  gst_buffer_unref (out);
  gst_buffer_unref (fed_back);
  gst_buffer_unref (old);
  gst_buffer_unref (older);
  merge_free (m);
}

GST_END_TEST;

static GstPadProbeReturn
count_allocation_queries (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  if (GST_QUERY_TYPE (GST_PAD_PROBE_INFO_QUERY (info)) == GST_QUERY_ALLOCATION)
    g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* The primary's caps again (funnel repeats them each time it switches
 * inputs) renegotiate nothing: the allocation query of a renegotiation
 * waits in a downstream queue, and while a sink holds its preroll buffer
 * that is for ever. New caps still go out. */
GST_START_TEST (test_same_caps_again_no_renegotiation)
{
  Merge *m = merge_new (1, FALSE, NULL);
  GstPad *src = gst_element_get_static_pad (m->merge, "src");
  GstCaps *same = gst_caps_from_string (TEST_ITEM_CAPS);
  GstCaps *other = gst_caps_from_string (TEST_ITEM_CAPS ",variant=(int)2");
  GstCaps *caps;
  GstBuffer *buf;
  gint queries = 0, at_start = 0;
  guint i;

  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      count_allocation_queries, &queries, NULL);
  for (i = 0; i < 3; i++) {
    if (i > 0)
      fail_unless (gst_harness_push_event (m->in[0].h,
              gst_event_new_caps (same)));
    fail_unless_equals_int (gst_harness_push (m->in[0].h,
            test_item_new (i, i * MS, MS)), GST_FLOW_OK);
    buf = gst_harness_pull (m->out);
    fail_unless (buf != NULL);
    gst_buffer_unref (buf);
    if (i == 0)
      at_start = g_atomic_int_get (&queries);
  }
  fail_unless (at_start > 0);
  fail_unless_equals_int (g_atomic_int_get (&queries), at_start);

  fail_unless (gst_harness_push_event (m->in[0].h,
          gst_event_new_caps (other)));
  fail_unless_equals_int (gst_harness_push (m->in[0].h,
          test_item_new (3, 3 * MS, MS)), GST_FLOW_OK);
  buf = gst_harness_pull (m->out);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  caps = gst_pad_get_current_caps (m->out->sinkpad);
  fail_unless (caps && gst_caps_is_equal (caps, other));
  fail_unless (g_atomic_int_get (&queries) > at_start);

  gst_caps_unref (caps);
  gst_caps_unref (same);
  gst_caps_unref (other);
  gst_object_unref (src);
  merge_free (m);
}

GST_END_TEST;

GST_START_TEST (test_item_without_timestamp_is_an_error)
{
  Merge *m = merge_new (2, FALSE, NULL);
  GstBus *bus = gst_bus_new ();
  GstBuffer *buf = test_item_new (0, GST_CLOCK_TIME_NONE, MS);
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  gst_element_set_bus (m->merge, bus);
  fail_unless_equals_int (gst_harness_push (m->in[1].h,
          test_item_new (0, 0, MS)), GST_FLOW_OK);
  gst_harness_push (m->in[0].h, buf);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (m->merge));
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "sink_0") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "timestamp") != NULL, "%s",
      err->message);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  gst_element_set_bus (m->merge, NULL);
  gst_object_unref (bus);
  merge_free (m);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* in pipelines */

#define Q "max-size-bytes=0 max-size-time=0 "

static void
run_to_eos (GstElement * pipe)
{
  test_message_expect_eos (test_pipeline_run (pipe, GST_CLOCK_TIME_NONE,
          GST_CLOCK_TIME_NONE));
}

typedef struct
{
  gchar *digest;
  guint64 count, out_of_order, dropped;
} MergeRun;

/* Three inputs through queues of size @q and workers with random delays
 * up to @delay ns; returns what reached the sink. */
static MergeRun
run_three_inputs (guint q0, guint q1, guint q2, guint64 delay, guint seed)
{
  gchar *desc = g_strdup_printf ("timestampmerge name=m "
      "max-distance=30000000 ! queue max-size-buffers=%u " Q
      "! testworkersink name=out "
      "testworkersrc num-buffers=100 interval=10000000 ! queue "
      "max-size-buffers=%u " Q "! testworker random-delay=%" G_GUINT64_FORMAT
      " seed=%u ! m.sink_0 "
      "testworkersrc num-buffers=330 interval=3000000 ! queue "
      "max-size-buffers=%u " Q "! testworker random-delay=%" G_GUINT64_FORMAT
      " seed=%u ! m.sink_1 "
      "testworkersrc num-buffers=40 interval=25000000 ! queue "
      "max-size-buffers=%u " Q "! testworker random-delay=%" G_GUINT64_FORMAT
      " seed=%u ! m.sink_2", q0, q1, delay, seed, q2, delay, seed + 1, q0,
      delay, seed + 2);
  GstElement *pipe = test_pipeline_launch (desc);
  GstElement *out = test_pipeline_get (pipe, "out"), *m =
      test_pipeline_get (pipe, "m");
  MergeRun r;

  run_to_eos (pipe);
  wait_merge_accounted (m, 3);
  g_object_get (out, "digest", &r.digest, "count", &r.count,
      "out-of-order", &r.out_of_order, NULL);
  r.dropped = stat_u64 (m, "items-dropped");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (out);
  gst_object_unref (m);
  gst_object_unref (pipe);
  g_free (desc);
  return r;
}

/* The same items, merged the same way, whatever the queue sizes and the
 * workers' timing. */
GST_START_TEST (test_deterministic_queues_and_delays)
{
  MergeRun ref = run_three_inputs (64, 64, 64, 0, 0);
  static const guint sizes[][3] = { {1, 1, 1}, {1, 16, 2}, {5, 1, 16},
  {16, 3, 1}
  };
  guint i;

  fail_unless_equals_uint64 (ref.count, 100);
  fail_unless_equals_uint64 (ref.out_of_order, 0);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    MergeRun r = run_three_inputs (sizes[i][0], sizes[i][1], sizes[i][2],
        300 * GST_USECOND, 17 * (i + 1));

    fail_unless_equals_uint64 (r.count, ref.count);
    fail_unless_equals_string (r.digest, ref.digest);
    fail_unless_equals_uint64 (r.dropped, ref.dropped);
    g_free (r.digest);
  }
  g_free (ref.digest);
}

GST_END_TEST;

/* The first output after a flush. */
static GstPadProbeReturn
record_first (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GString *s = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
        GST_EVENT_FLUSH_STOP)
      g_string_assign (s, "flushed");
  } else if (g_str_equal (s->str, "flushed")) {
    g_string_truncate (s, 0);
    describe (s, GST_PAD_PROBE_INFO_BUFFER (info), 2);
  }
  return GST_PAD_PROBE_OK;
}

/* A flushing seek restarts the merge cleanly at the new position. */
GST_START_TEST (test_flushing_seek)
{
  GstElement *pipe =
      test_pipeline_launch ("timestampmerge name=m ! testworkersink name=out "
      "testworkersrc interval=10000000 ! queue ! m.sink_0 "
      "testworkersrc interval=3000000 ! queue ! m.sink_1");
  GstElement *out = test_pipeline_get (pipe, "out"), *m =
      test_pipeline_get (pipe, "m");
  GstPad *src = gst_element_get_static_pad (m, "src");
  GString *first_out = g_string_new (NULL);
  guint64 count, last;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, record_first, first_out, NULL);
  fail_unless (gst_element_seek (pipe, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 500 * MS,
          GST_SEEK_TYPE_SET, 1000 * MS));
  run_to_eos (pipe);
  g_object_get (out, "count", &count, "last-seq", &last, NULL);
  /* 50 .. 99; at 500 ms: 498 (seq 166) or 501 (seq 167) */
  fail_unless_equals_uint64 (last, 99);
  fail_unless_equals_uint64 (count, 50);
  fail_unless_equals_string (first_out->str, "50:1=167");
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_string_free (first_out, TRUE);
  gst_object_unref (src);
  gst_object_unref (out);
  gst_object_unref (m);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* pipelines/merge.pipeline: worker 3 of the design. */
GST_START_TEST (test_merge_pipeline_file)
{
  GError *err = NULL;
  gchar *desc = test_pipeline_read (PIPELINES_DIR "/merge.pipeline", &err);
  GstElement *pipe, *out, *w3;
  guint64 count;

  fail_unless (desc != NULL, "%s", err ? err->message : "?");
  pipe = test_pipeline_launch (desc);
  out = test_pipeline_get (pipe, "out");
  w3 = test_pipeline_get (pipe, "w3");
  run_to_eos (pipe);
  wait_merge_accounted (w3, 2);
  g_object_get (out, "count", &count, NULL);
  fail_unless_equals_uint64 (count, 300);
  fail_unless_equals_uint64 (pad_u64 (w3, "sink_1", "unmatched"), 0);
  fail_unless_equals_uint64 (stat_u64 (w3, "items-in"), 300 + 1000);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (out);
  gst_object_unref (w3);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

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
  TCase *tc = tcase_create ("merge");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (tc, test_nearest);
  tcase_add_test (tc, test_nearest_ties_go_to_the_earlier);
  tcase_add_test (tc, test_latest_before);
  tcase_add_test (tc, test_latest_before_first_item_later);
  tcase_add_test (tc, test_same_timestamp_first_wins);
  tcase_add_test (tc, test_one_item_for_several_primaries);
  tcase_add_test (tc, test_three_inputs);
  tcase_add_test (tc, test_max_distance_pass_alone);
  tcase_add_test (tc, test_max_distance_drop);
  tcase_add_test (tc, test_gap_silent_input_latest_before);
  tcase_add_test (tc, test_gap_nearest);
  tcase_add_test (tc, test_gap_nearest_max_distance);
  tcase_add_test (tc, test_secondary_eos);
  tcase_add_test (tc, test_primary_eos_ends_output);
  tcase_add_test (tc, test_deterministic_arrival_order);
  tcase_add_test (tc, test_live_latency);
  tcase_add_test (tc, test_running_time_and_caps);
  tcase_add_test (tc, test_primary_is_sink_0_whatever_the_order);
  tcase_add_test (tc, test_same_caps_again_no_renegotiation);
  tcase_add_test (tc, test_attached_history_bounded);
  tcase_add_test (tc, test_gap_on_primary);
  tcase_add_test (tc, test_item_without_timestamp_is_an_error);
  tcase_add_test (tc, test_deterministic_queues_and_delays);
  tcase_add_test (tc, test_flushing_seek);
  tcase_add_test (tc, test_merge_pipeline_file);

  suite_add_tcase (s, tc_meta);
  tcase_add_checked_fixture (tc_meta, NULL, test_pipeline_stop_leftovers);
  tcase_add_test (tc_meta, test_meta_add_get);
  tcase_add_test (tc_meta, test_meta_copied_with_buffer);
  tcase_add_test (tc_meta, test_meta_api_registered);
  tcase_add_test (tc_meta, test_null_token);
  return s;
}

GST_CHECK_MAIN (timestampmerge);
