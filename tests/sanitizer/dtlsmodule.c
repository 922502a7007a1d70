/* gst-workers: a loadable module with thread-locals, as a plugin's
 * libraries have: each thread that touches them gets a dynamic TLS block
 * (dtlsexit.c)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>

void dtls_module_touch (void);

static __thread char scratch[48];
static __thread void *held;     /* reachable through the thread's TLS only */

void
dtls_module_touch (void)
{
  scratch[0] = 1;
  if (held == NULL)
    held = malloc (100);
}
