/* gst-workers: gst-worker-launch's standard output, and its workers'
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __LAUNCH_STDIO_H__
#define __LAUNCH_STDIO_H__

#include <glib.h>

G_BEGIN_DECLS

void launch_stdio_begin (gboolean json_status);

gboolean launch_stdio_is_tty (void);

void launch_stdio_answer (const gchar * json);

void launch_stdio_end (void);

G_END_DECLS

#endif /* __LAUNCH_STDIO_H__ */
