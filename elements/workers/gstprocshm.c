/* gst-workers: memory in memfd files, for frames that cross processes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each memory is its own memfd file, mapped once (KEEP_MAPPED): a process
 * replica proposes this allocator upstream (allocation query), so that the
 * frames it is given can be handed to its child as a file descriptor, with
 * no copy of their bytes. GStreamer 1.24 has the same as GstShmAllocator;
 * 1.22 does not.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "gstprocshm.h"

#define GST_PROC_SHM_ALLOCATOR_NAME "gstworkershm"

struct _GstProcShmAllocator
{
  GstFdAllocator parent;
};

G_DEFINE_TYPE (GstProcShmAllocator, gst_proc_shm_allocator,
    GST_TYPE_FD_ALLOCATOR);

static GstMemory *
shm_alloc (GstAllocator * allocator, gsize size, GstAllocationParams * params)
{
  gsize maxsize = params->prefix + size + params->padding;
  GstMemory *mem;
  int fd;

  fd = memfd_create ("gst-worker-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    GST_WARNING_OBJECT (allocator, "memfd_create: %s", g_strerror (errno));
    return NULL;
  }
  if (ftruncate (fd, maxsize ? maxsize : 1) < 0) {
    GST_WARNING_OBJECT (allocator, "ftruncate %" G_GSIZE_FORMAT ": %s",
        maxsize, g_strerror (errno));
    close (fd);
    return NULL;
  }
  mem = gst_fd_allocator_alloc (allocator, fd, maxsize,
      GST_FD_MEMORY_FLAG_KEEP_MAPPED);
  if (!mem) {
    close (fd);
    return NULL;
  }
  gst_memory_resize (mem, params->prefix, size);
  return mem;
}

static void
gst_proc_shm_allocator_class_init (GstProcShmAllocatorClass * klass)
{
  GST_ALLOCATOR_CLASS (klass)->alloc = shm_alloc;
}

static void
gst_proc_shm_allocator_init (GstProcShmAllocator * self)
{
  GST_ALLOCATOR (self)->mem_type = GST_ALLOCATOR_FD;
}

/* Returns: (transfer full): the one shared-memory allocator, registered as
 * "gstworkershm". */
GstAllocator *
gst_proc_shm_allocator_get (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GstAllocator *a = g_object_new (GST_TYPE_PROC_SHM_ALLOCATOR, NULL);

    gst_object_ref_sink (a);
    gst_allocator_register (GST_PROC_SHM_ALLOCATOR_NAME, a);
    g_once_init_leave (&done, 1);
  }
  return gst_allocator_find (GST_PROC_SHM_ALLOCATOR_NAME);
}
