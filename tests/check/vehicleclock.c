/* gst-workers: the vehicle's clock on the running time, unit-tested
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vehicle-clock.c with made-up times: no link, no element, no waiting.
 */
#include <gst/check/gstcheck.h>
#include "vehicle-clock.h"

#define MS GST_MSECOND

static GstClockTime
stamp (VehicleClock * c, guint32 boot_ms, GstClockTime arrival,
    VehicleClockStamp * st)
{
  VehicleClockStamp local;

  vehicle_clock_stamp (c, boot_ms, arrival, st ? st : &local);
  return st ? st->pts : local.pts;
}

/* The smallest offset maps: a message read late keeps its vehicle time. */
GST_START_TEST (test_smallest_offset)
{
  VehicleClock c;
  VehicleClockStamp st;

  vehicle_clock_init (&c, TRUE);
  fail_unless_equals_uint64 (stamp (&c, 1000, 10000 * MS, NULL), 10000 * MS);
  /* read 300 ms late: still its vehicle time */
  fail_unless_equals_uint64 (stamp (&c, 1100, 10400 * MS, NULL), 10100 * MS);
  /* less delayed: a new mapping, 50 ms earlier */
  fail_unless_equals_uint64 (stamp (&c, 1200, 10150 * MS, &st), 10150 * MS);
  fail_if (st.rebooted);
  fail_unless_equals_uint64 (stamp (&c, 1300, 10300 * MS, NULL), 10250 * MS);
}

GST_END_TEST;

/* PTS never go back; a reboot (a step back of more than 1 s) starts a new
 * mapping and says so. */
GST_START_TEST (test_reboot_and_monotonic)
{
  VehicleClock c;
  VehicleClockStamp st;

  vehicle_clock_init (&c, TRUE);
  stamp (&c, 5000, 20000 * MS, NULL);
  stamp (&c, 5500, 20500 * MS, NULL);
  /* a step back of 1000 ms is not a reboot */
  stamp (&c, 4500, 20600 * MS, &st);
  fail_if (st.rebooted);
  fail_unless (st.kept_last);
  fail_unless_equals_uint64 (st.pts, 20500 * MS);
  /* more than 1 s back: a reboot */
  stamp (&c, 100, 21000 * MS, &st);
  fail_unless (st.rebooted);
  fail_unless_equals_int (st.previous_boot_ms, 5500);
  fail_unless_equals_uint64 (st.pts, 21000 * MS);
  fail_unless_equals_uint64 (stamp (&c, 200, 21100 * MS, &st), 21100 * MS);
  fail_if (st.rebooted);
}

GST_END_TEST;

/* arrival: the arrival time, never going back */
GST_START_TEST (test_arrival)
{
  VehicleClock c;
  VehicleClockStamp st;

  vehicle_clock_init (&c, FALSE);
  fail_unless_equals_uint64 (stamp (&c, 0, 300 * MS, NULL), 300 * MS);
  fail_unless_equals_uint64 (stamp (&c, 0, 200 * MS, &st), 300 * MS);
  fail_unless (st.kept_last);
  fail_unless_equals_uint64 (stamp (&c, 99999, 400 * MS, NULL), 400 * MS);
  fail_unless_equals_uint64 (stamp (&c, 1, GST_CLOCK_TIME_NONE, NULL),
      GST_CLOCK_TIME_NONE);
}

GST_END_TEST;

/* A vehicle crystal 100 ppm slow (and one 100 ppm fast), an hour of
 * messages at 10 Hz read 1 ms after they were measured, but one in ten
 * 5 to 50 ms late: the PTS stay within 2 ms of the time each message was
 * measured (plus the 1 ms of the link). With the smallest offset ever
 * kept, the slow clock's PTS end 360 ms early. */
static void
check_drift (gdouble ppm)
{
  VehicleClock c;
  GstClockTimeDiff worst = 0;
  guint i;

  vehicle_clock_init (&c, TRUE);
  for (i = 0; i < 36000; i++) {
    GstClockTime measured = 7 * GST_SECOND + i * 100 * MS;
    guint32 boot_ms = (guint32) (i * 100 * (1.0 + ppm * 1e-6) + 0.5);
    GstClockTime delay = 1 * MS + (i % 10 == 3 ? (5 + i % 46) * MS : 0);
    GstClockTime pts = stamp (&c, boot_ms, measured + delay, NULL);
    GstClockTimeDiff err = GST_CLOCK_DIFF (measured + 1 * MS, pts);

    if (i > 100 && ABS (err) > worst)
      worst = ABS (err);
  }
  GST_INFO ("%+.0f ppm: worst error %" G_GINT64_FORMAT " us", ppm,
      worst / 1000);
  fail_unless (worst <= 2 * MS, "%+.0f ppm: PTS off by %" G_GINT64_FORMAT
      " us", ppm, worst / 1000);
}

GST_START_TEST (test_drift)
{
  check_drift (-100);
  check_drift (100);
  check_drift (0);
}

GST_END_TEST;

/* A loaded machine: for 20 s every message is read 800 ms late (flightlink
 * blocked pushing into a full queue while the frames it is merged with lag
 * behind), then on time again. The clocks did not move apart: the PTS stay
 * within a few ms of when each message was measured. Following the late
 * reads' offset, they would take times up to 800 ms later, and each frame
 * would be paired with where the vehicle was 800 ms before (6.4 m at
 * 8 m/s: targets where there are none). */
GST_START_TEST (test_late_reads_are_not_drift)
{
  VehicleClock c;
  GstClockTimeDiff worst = 0;

  vehicle_clock_init (&c, TRUE);
  for (guint i = 0; i < 50 * 40; i++) {
    GstClockTime measured = 3 * GST_SECOND + i * 20 * MS;
    GstClockTime delay = (i >= 50 * 10 && i < 50 * 30) ? 800 * MS : 1 * MS;
    GstClockTime pts = stamp (&c, i * 20, measured + delay, NULL);
    GstClockTimeDiff err = GST_CLOCK_DIFF (measured + 1 * MS, pts);

    if (ABS (err) > worst)
      worst = ABS (err);
  }
  fail_unless (worst <= 5 * MS, "PTS off by %" G_GINT64_FORMAT " ms",
      worst / GST_MSECOND);
}

GST_END_TEST;

/* A message older than the newest of its stream (reordered, up to 1 s)
 * is stale; a reboot's older times are not; streams are apart. */
GST_START_TEST (test_stale)
{
  VehicleClock c;

  vehicle_clock_init (&c, FALSE);
  fail_unless (vehicle_clock_take (&c, 0, 5000));
  fail_unless (vehicle_clock_take (&c, 0, 5000));
  fail_unless (vehicle_clock_take (&c, 0, 5010));
  fail_if (vehicle_clock_take (&c, 0, 4610));
  fail_if (vehicle_clock_take (&c, 0, 4010));
  /* another stream: its own order */
  fail_unless (vehicle_clock_take (&c, 1, 4600));
  fail_unless (vehicle_clock_take (&c, 1, 4620));
  fail_if (vehicle_clock_take (&c, 1, 4610));
  /* more than 1 s back: a reboot, taken */
  fail_unless (vehicle_clock_take (&c, 0, 100));
  fail_if (vehicle_clock_take (&c, 0, 50));
  fail_unless (vehicle_clock_take (&c, 0, 150));
}

GST_END_TEST;

static Suite *
vehicleclock_suite (void)
{
  Suite *s = suite_create ("vehicleclock");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_smallest_offset);
  tcase_add_test (tc, test_reboot_and_monotonic);
  tcase_add_test (tc, test_arrival);
  tcase_add_test (tc, test_drift);
  tcase_add_test (tc, test_late_reads_are_not_drift);
  tcase_add_test (tc, test_stale);
  return s;
}

GST_CHECK_MAIN (vehicleclock);
