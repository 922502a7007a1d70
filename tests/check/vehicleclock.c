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

static Suite *
vehicleclock_suite (void)
{
  Suite *s = suite_create ("vehicleclock");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_smallest_offset);
  tcase_add_test (tc, test_reboot_and_monotonic);
  tcase_add_test (tc, test_arrival);
  return s;
}

GST_CHECK_MAIN (vehicleclock);
