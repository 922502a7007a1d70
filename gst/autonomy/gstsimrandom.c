/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The simulated flight's random numbers (see gstsimrandom.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include "gstsimrandom.h"

/* The stream for @salt and @index: the same numbers for the same seed. */
GRand *
sim_rand_for (guint seed, guint32 salt, guint64 index)
{
  guint32 key[4] = { seed, salt, (guint32) index, (guint32) (index >> 32) };

  return g_rand_new_with_seed_array (key, G_N_ELEMENTS (key));
}

/* A standard normal number (Box-Muller). */
gdouble
sim_rand_gauss (GRand * r)
{
  gdouble u1 = g_rand_double (r), u2 = g_rand_double (r);

  return sqrt (-2.0 * log (1.0 - u1)) * cos (2.0 * G_PI * u2);
}
