/* gst-workers: numbered test items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testitem.h"

#include <string.h>

GstBuffer *
test_item_new (guint64 seq, GstClockTime pts, GstClockTime dur)
{
  guint64 le = GUINT64_TO_LE (seq);
  GstBuffer *buf = gst_buffer_new_memdup (&le, sizeof (le));

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = dur;
  GST_BUFFER_OFFSET (buf) = seq;
  return buf;
}

gboolean
test_item_get_seq (GstBuffer * buf, guint64 * seq)
{
  guint64 le;

  if (gst_buffer_extract (buf, 0, &le, sizeof (le)) != sizeof (le))
    return FALSE;
  *seq = GUINT64_FROM_LE (le);
  return TRUE;
}

/* Slow test items: their memory maps test_item_set_map_delay() late (a
 * test of what happens while an element reads an item it took). */
typedef struct
{
  GstMemory mem;
  guint8 data[8];
} SlowMemory;

typedef GstAllocator SlowAllocator;
typedef GstAllocatorClass SlowAllocatorClass;

static GType slow_allocator_get_type (void);
G_DEFINE_TYPE (SlowAllocator, slow_allocator, GST_TYPE_ALLOCATOR);

static gint map_delay_us;       /* atomic */

void
test_item_set_map_delay (guint64 ns)
{
  g_atomic_int_set (&map_delay_us, (gint) MIN (ns / 1000, G_MAXINT));
}

static SlowMemory *
slow_memory_new (GstAllocator * allocator, const guint8 * data)
{
  SlowMemory *m = g_new0 (SlowMemory, 1);

  gst_memory_init (GST_MEMORY_CAST (m), GST_MEMORY_FLAG_READONLY, allocator,
      NULL, sizeof (m->data), 0, 0, sizeof (m->data));
  memcpy (m->data, data, sizeof (m->data));
  return m;
}

static gpointer
slow_map (GstMemory * mem, gsize maxsize, GstMapFlags flags)
{
  gint us = g_atomic_int_get (&map_delay_us);

  if (us)
    g_usleep (us);
  return ((SlowMemory *) mem)->data;
}

static void
slow_unmap (GstMemory * mem)
{
}

/* (read-only, 8 bytes: a share is a copy, of the part asked) */
static GstMemory *
slow_share (GstMemory * mem, gssize offset, gssize size)
{
  SlowMemory *m = slow_memory_new (mem->allocator, ((SlowMemory *) mem)->data);

  if (size == -1)
    size = mem->size - offset;
  GST_MEMORY_CAST (m)->offset = mem->offset + offset;
  GST_MEMORY_CAST (m)->size = size;
  return GST_MEMORY_CAST (m);
}

static GstMemory *
slow_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  return NULL;
}

static void
slow_free (GstAllocator * allocator, GstMemory * mem)
{
  g_free (mem);
}

static void
slow_allocator_class_init (SlowAllocatorClass * klass)
{
  klass->alloc = slow_alloc;
  klass->free = slow_free;
}

static void
slow_allocator_init (SlowAllocator * self)
{
  self->mem_type = "TestSlowMemory";
  self->mem_map = slow_map;
  self->mem_unmap = slow_unmap;
  self->mem_share = slow_share;
  GST_OBJECT_FLAG_SET (self, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

GstBuffer *
test_item_new_slow (guint64 seq, GstClockTime pts, GstClockTime dur)
{
  static GstAllocator *allocator;
  guint64 le = GUINT64_TO_LE (seq);
  GstBuffer *buf = gst_buffer_new ();

  if (g_once_init_enter (&allocator))
    g_once_init_leave (&allocator, g_object_new (slow_allocator_get_type (),
            NULL));
  gst_buffer_append_memory (buf, GST_MEMORY_CAST (slow_memory_new (allocator,
              (const guint8 *) &le)));
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = dur;
  GST_BUFFER_OFFSET (buf) = seq;
  return buf;
}
