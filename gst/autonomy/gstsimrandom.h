/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The simulated flight's random numbers: every stream a function of the
 * seed and of what it is for (the salt), so a flight is the same on every
 * run. Internal to the library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIM_SALT_TEXTURE 0x74657874u
#define SIM_SALT_NOISE_TABLE 0x6e6f6973u
#define SIM_SALT_FRAME 0x6672616du
#define SIM_SALT_TELEMETRY 0x74656c65u
#define SIM_SALT_WOBBLE 0x776f6262u

G_GNUC_INTERNAL
GRand *  sim_rand_for (guint seed, guint32 salt, guint64 index);

G_GNUC_INTERNAL
gdouble  sim_rand_gauss (GRand * r);

G_END_DECLS
