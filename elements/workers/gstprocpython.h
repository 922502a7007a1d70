/* gst-workers: the Python interpreter of Python workers, from C
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_PROC_PYTHON_H__
#define __GST_PROC_PYTHON_H__

#include <glib.h>

G_BEGIN_DECLS

gboolean gst_proc_python_run (const gchar * code);

void gst_proc_python_line_buffered (void);

void gst_proc_python_flush (void);

G_END_DECLS

#endif /* __GST_PROC_PYTHON_H__ */
