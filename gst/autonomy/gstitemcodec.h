/* gst-workers: little-endian helpers for fixed item layouts (internal)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <math.h>
#include <string.h>
#include <glib.h>

static inline guint8 *
gst_item_put_u32 (guint8 * p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
  return p + 4;
}

static inline guint8 *
gst_item_put_u64 (guint8 * p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
  return p + 8;
}

static inline guint8 *
gst_item_put_f64 (guint8 * p, gdouble d)
{
  guint64 v;

  memcpy (&v, &d, 8);
  return gst_item_put_u64 (p, v);
}

static inline const guint8 *
gst_item_get_u32 (const guint8 * p, guint32 * v)
{
  memcpy (v, p, 4);
  *v = GUINT32_FROM_LE (*v);
  return p + 4;
}

static inline const guint8 *
gst_item_get_u64 (const guint8 * p, guint64 * v)
{
  memcpy (v, p, 8);
  *v = GUINT64_FROM_LE (*v);
  return p + 8;
}

static inline const guint8 *
gst_item_get_f64 (const guint8 * p, gdouble * d)
{
  guint64 v;

  p = gst_item_get_u64 (p, &v);
  memcpy (d, &v, 8);
  return p;
}
