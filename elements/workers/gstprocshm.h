/* gst-workers: memory in memfd files, for frames that cross processes
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/allocators/allocators.h>

G_BEGIN_DECLS

#define GST_TYPE_PROC_SHM_ALLOCATOR (gst_proc_shm_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstProcShmAllocator, gst_proc_shm_allocator, GST,
    PROC_SHM_ALLOCATOR, GstFdAllocator);

GstAllocator * gst_proc_shm_allocator_get (void);

G_END_DECLS
