/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstgroundrenderer
 * @title: GstGroundRenderer
 * @short_description: the simulated camera's view of the ground
 *
 * What `flightsimsrc`'s camera sees: a ground of blotches of several
 * sizes, scrolling down the image as the drone flies forward, bright
 * disks for the targets, each drawn through the #GstCameraModel from the
 * drone's pose (its edge pixels covered in proportion), and noise of a
 * fixed table, offset per frame. Luma, I420 and NV12 chroma, RGB and
 * BGRx; everything a function of the settings, the frame's number and
 * the pose: the same frames on every run.
 *
 * Since: 0.2
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include "gstgroundrenderer.h"
#include "gstsimrandom.h"

#define DEG (G_PI / 180.0)

#define TEXTURE_ROWS 1024       /* a multiple of the largest lattice cell */
#define NOISE_TABLE_LEN (1 << 19)
#define SUBSAMPLES 8            /* per axis, on the edge of a disk */

typedef struct
{
  gdouble north, east;
} GroundPoint;

struct _GstGroundRenderer
{
  GstGroundRendererSettings cfg;
  GArray *targets;              /* GroundPoint */

  /* set up by gst_ground_renderer_set_size() */
  GstCameraModel cam;
  guint8 *texture;              /* width x TEXTURE_ROWS ground luma */
  gint8 *noise;                 /* NOISE_TABLE_LEN + width noise values */
  guint8 *luma;                 /* frame luma, for the RGB formats */
  guint8 lut_r[256], lut_g[256], lut_b[256], lut_u[256], lut_v[256];
};

/* Smooth value noise with cells of @cell pixels, periodic over the rows. */
static void
add_value_noise (gfloat * acc, guint w, guint h, guint cell, gfloat amp,
    GRand * r)
{
  guint nx = w / cell + 2, ny = h / cell;
  gfloat *lattice = g_new (gfloat, nx * ny);
  guint x, y, i;

  for (i = 0; i < nx * ny; i++)
    lattice[i] = g_rand_double_range (r, -1, 1);
  for (y = 0; y < h; y++) {
    guint iy = y / cell, iy1 = (iy + 1) % ny;
    gfloat ty = (gfloat) (y % cell) / cell;

    ty = ty * ty * (3 - 2 * ty);
    for (x = 0; x < w; x++) {
      guint ix = x / cell;
      gfloat tx = (gfloat) (x % cell) / cell, a, b;

      tx = tx * tx * (3 - 2 * tx);
      a = lattice[iy * nx + ix] +
          tx * (lattice[iy * nx + ix + 1] - lattice[iy * nx + ix]);
      b = lattice[iy1 * nx + ix] +
          tx * (lattice[iy1 * nx + ix + 1] - lattice[iy1 * nx + ix]);
      acc[y * w + x] += amp * (a + ty * (b - a));
    }
  }
  g_free (lattice);
}

/* The ground: luma 95 +- 60 in blotches of several sizes, plus grain;
 * never above 165, far below the targets. */
static void
make_texture (GstGroundRenderer * self, guint w)
{
  static const struct
  {
    guint cell;
    gfloat amp;
  } octaves[] = { {256, 28}, {64, 16}, {16, 9}, {4, 5} };
  GRand *r = sim_rand_for (self->cfg.seed, SIM_SALT_TEXTURE, 0);
  gfloat *acc = g_new0 (gfloat, (gsize) w * TEXTURE_ROWS);
  guint i;
  gsize n = (gsize) w * TEXTURE_ROWS;

  for (i = 0; i < G_N_ELEMENTS (octaves); i++)
    add_value_noise (acc, w, TEXTURE_ROWS, octaves[i].cell, octaves[i].amp, r);
  g_free (self->texture);
  self->texture = g_malloc (n);
  for (i = 0; i < n; i++) {
    gfloat v = 95 + acc[i] + g_rand_double_range (r, -6, 6);

    self->texture[i] = (guint8) CLAMP (lrintf (v), 20, 165);
  }
  g_free (acc);
  g_rand_free (r);
}

static void
make_noise_table (GstGroundRenderer * self, guint w)
{
  GRand *r;
  gsize i, n = NOISE_TABLE_LEN + w;

  g_clear_pointer (&self->noise, g_free);
  if (self->cfg.pixel_noise <= 0)
    return;
  r = sim_rand_for (self->cfg.seed, SIM_SALT_NOISE_TABLE, 0);
  self->noise = g_new (gint8, n);
  for (i = 0; i < n; i++) {
    glong v = lrint (self->cfg.pixel_noise * sim_rand_gauss (r));

    self->noise[i] = (gint8) CLAMP (v, -127, 127);
  }
  g_rand_free (r);
}

/* Ground colour as a function of luma: a dry field, fading to neutral for
 * bright pixels, with luma unchanged (BT.601 weights). */
static void
make_colour_tables (GstGroundRenderer * self)
{
  guint y;

  for (y = 0; y < 256; y++) {
    gdouble s = CLAMP ((200.0 - y) / 100.0, 0.0, 1.0);

    self->lut_r[y] = CLAMP (lrint (y + 8 * s), 0, 255);
    self->lut_g[y] = CLAMP (lrint (y - 1 * s), 0, 255);
    self->lut_b[y] = CLAMP (lrint (y - 16 * s), 0, 255);
    self->lut_u[y] = lrint (128 - 9 * s);
    self->lut_v[y] = lrint (128 + 6 * s);
  }
}

/**
 * gst_ground_renderer_copy:
 * @self: a renderer
 *
 * Copies a renderer.
 *
 * Returns: (transfer full): a renderer with the same settings, targets
 *   and size: it renders the same frames
 *
 * Since: 0.2
 */
GstGroundRenderer *
gst_ground_renderer_copy (const GstGroundRenderer * self)
{
  GstGroundRenderer *copy = gst_ground_renderer_new (&self->cfg);

  g_array_append_vals (copy->targets, self->targets->data, self->targets->len);
  if (self->texture)
    gst_ground_renderer_set_size (copy, self->cam.width, self->cam.height,
        self->luma != NULL);
  return copy;
}

G_DEFINE_BOXED_TYPE (GstGroundRenderer, gst_ground_renderer,
    gst_ground_renderer_copy, gst_ground_renderer_free);

/**
 * gst_ground_renderer_new:
 * @settings: how to render
 *
 * Makes a renderer: its colour tables now, its camera, ground and noise
 * when sized.
 *
 * Returns: (transfer full): a new renderer without targets, to size with
 *   gst_ground_renderer_set_size() before rendering and free with
 *   gst_ground_renderer_free()
 *
 * Since: 0.2
 */
GstGroundRenderer *
gst_ground_renderer_new (const GstGroundRendererSettings * settings)
{
  GstGroundRenderer *self;

  g_return_val_if_fail (settings != NULL, NULL);

  self = g_new0 (GstGroundRenderer, 1);
  self->cfg = *settings;
  self->targets = g_array_new (FALSE, FALSE, sizeof (GroundPoint));
  make_colour_tables (self);
  return self;
}

/**
 * gst_ground_renderer_free:
 * @self: (transfer full): a renderer
 *
 * Frees a renderer made with gst_ground_renderer_new().
 *
 * Since: 0.2
 */
void
gst_ground_renderer_free (GstGroundRenderer * self)
{
  g_array_unref (self->targets);
  g_free (self->texture);
  g_free (self->noise);
  g_free (self->luma);
  g_free (self);
}

/**
 * gst_ground_renderer_add_target:
 * @self: a renderer
 * @north: metres north of home
 * @east: metres east of home
 *
 * Adds a target: a disk of `target_radius` on the ground.
 *
 * Since: 0.2
 */
void
gst_ground_renderer_add_target (GstGroundRenderer * self, gdouble north,
    gdouble east)
{
  GroundPoint p = { north, east };

  g_array_append_val (self->targets, p);
}

/**
 * gst_ground_renderer_get_n_targets:
 * @self: a renderer
 *
 * Counts the targets added with gst_ground_renderer_add_target().
 *
 * Returns: the number of targets
 *
 * Since: 0.2
 */
guint
gst_ground_renderer_get_n_targets (const GstGroundRenderer * self)
{
  return self->targets->len;
}

/**
 * gst_ground_renderer_set_size:
 * @self: a renderer
 * @width: image width in pixels
 * @height: image height in pixels
 * @rgb: whether gst_ground_renderer_render_rgb() will be used
 *
 * Sets the camera up for images of @width x @height: its field of view and
 * mount; the ground and the noise are made again for a new width only.
 *
 * Since: 0.2
 */
void
gst_ground_renderer_set_size (GstGroundRenderer * self, guint width,
    guint height, gboolean rgb)
{
  const GstGroundRendererSettings *c = &self->cfg;
  guint w = width, h = height;
  gboolean new_width = !self->texture || self->cam.width != w;

  gst_camera_model_init (&self->cam, w, h, c->hfov * DEG);
  gst_camera_model_set_mount (&self->cam, c->camera_roll * DEG,
      c->camera_pitch * DEG, c->camera_yaw * DEG);
  if (new_width) {
    make_texture (self, w);
    make_noise_table (self, w);
  }
  g_clear_pointer (&self->luma, g_free);
  if (rgb)
    self->luma = g_malloc ((gsize) w * h);
}

/* Solves the 8x8 system @a x = @b in place (Gaussian elimination with
 * partial pivoting). */
static gboolean
solve8 (gdouble a[8][8], gdouble b[8])
{
  gint i, j, k;

  for (i = 0; i < 8; i++) {
    gint p = i;

    for (k = i + 1; k < 8; k++)
      if (fabs (a[k][i]) > fabs (a[p][i]))
        p = k;
    if (fabs (a[p][i]) < 1e-12)
      return FALSE;
    if (p != i) {
      gdouble t;

      for (j = 0; j < 8; j++) {
        t = a[i][j];
        a[i][j] = a[p][j];
        a[p][j] = t;
      }
      t = b[i];
      b[i] = b[p];
      b[p] = t;
    }
    for (k = i + 1; k < 8; k++) {
      gdouble f = a[k][i] / a[i][i];

      for (j = i; j < 8; j++)
        a[k][j] -= f * a[i][j];
      b[k] -= f * b[i];
    }
  }
  for (i = 7; i >= 0; i--) {
    for (j = i + 1; j < 8; j++)
      b[i] -= a[i][j] * b[j];
    b[i] /= a[i][i];
  }
  return TRUE;
}

/* A pinhole camera maps the ground plane to the image by a homography.
 * Fits the one taking pixels near (@uc, @vc) to the ground near the target
 * from four points gst_camera_model_project() maps, in scaled coordinates:
 * pixel (@uc + @ps x, @vc + @ps y) -> ground (target + @gs (X, Y)). */
typedef struct
{
  gdouble h[8];
  gdouble uc, vc, ps, gs;
} Homography;

static gboolean
fit_homography (const GstCameraModel * cam, const GstOdometry * pose,
    const GroundPoint * t, gdouble uc, gdouble vc, gdouble gs, Homography * hm)
{
  static const gdouble corners[4][2] = { {-1, -1}, {1, -1}, {1, 1}, {-1, 1} };
  gdouble a[8][8], x[4], y[4];
  gint i;

  hm->uc = uc;
  hm->vc = vc;
  hm->gs = gs;
  hm->ps = 0;
  for (i = 0; i < 4; i++) {
    gdouble u, v;

    if (!gst_camera_model_project (cam, pose, t->north + gs * corners[i][0],
            t->east + gs * corners[i][1], 0, &u, &v))
      return FALSE;
    x[i] = u - uc;
    y[i] = v - vc;
    hm->ps = MAX (hm->ps, MAX (fabs (x[i]), fabs (y[i])));
  }
  if (hm->ps <= 0)
    return FALSE;
  for (i = 0; i < 4; i++) {
    gdouble X = corners[i][0], Y = corners[i][1];
    gdouble xs = x[i] / hm->ps, ys = y[i] / hm->ps;
    gdouble r0[8] = { xs, ys, 1, 0, 0, 0, -xs * X, -ys * X };
    gdouble r1[8] = { 0, 0, 0, xs, ys, 1, -xs * Y, -ys * Y };

    memcpy (a[2 * i], r0, sizeof (r0));
    memcpy (a[2 * i + 1], r1, sizeof (r1));
    hm->h[2 * i] = X;
    hm->h[2 * i + 1] = Y;
  }
  return solve8 (a, hm->h);
}

/* the ground point (metres from the target) seen at pixel (u, v) */
static inline void
ground_at (const Homography * hm, gdouble u, gdouble v, gdouble * gx,
    gdouble * gy)
{
  const gdouble *h = hm->h;
  gdouble x = (u - hm->uc) / hm->ps, y = (v - hm->vc) / hm->ps;
  gdouble d = h[6] * x + h[7] * y + 1;

  *gx = hm->gs * (h[0] * x + h[1] * y + h[2]) / d;
  *gy = hm->gs * (h[3] * x + h[4] * y + h[5]) / d;
}

static inline gdouble
ground_dist2 (const Homography * hm, gdouble u, gdouble v)
{
  gdouble gx, gy;

  ground_at (hm, u, v, &gx, &gy);
  return gx * gx + gy * gy;
}

/* the largest ground size of a pixel near @u, @v (metres) */
static gdouble
pixel_footprint (const Homography * hm, gdouble u, gdouble v)
{
  gdouble x0, y0, x1, y1, x2, y2;

  ground_at (hm, u, v, &x0, &y0);
  ground_at (hm, u + 1, v, &x1, &y1);
  ground_at (hm, u, v + 1, &x2, &y2);
  return MAX (hypot (x1 - x0, y1 - y0), hypot (x2 - x0, y2 - y0));
}

/* Draws one target disk into the luma plane, with edge pixels covered in
 * proportion (SUBSAMPLES^2 samples). Only its neighbourhood is touched. */
static void
render_target (GstGroundRenderer * self, guint8 * luma, gint stride,
    const GstOdometry * pose, const GroundPoint * t)
{
  const GstCameraModel *cam = &self->cam;
  gdouble r = self->cfg.target_radius, target = self->cfg.target_luma;
  gdouble uc, vc, umin = G_MAXDOUBLE, umax = -G_MAXDOUBLE;
  gdouble vmin = G_MAXDOUBLE, vmax = -G_MAXDOUBLE, mpp, margin, r_in, r_out;
  gint w = cam->width, h = cam->height, x0, x1, y0, y1, x, y, k;
  Homography hm;

  if (!gst_camera_model_project (cam, pose, t->north, t->east, 0, &uc, &vc))
    return;
  /* the image of a slightly larger circle bounds the disk */
  for (k = 0; k < 32; k++) {
    gdouble a = 2 * G_PI * k / 32, u, v;

    if (!gst_camera_model_project (cam, pose, t->north + 1.2 * r * cos (a),
            t->east + 1.2 * r * sin (a), 0, &u, &v))
      return;                   /* reaches behind the camera: not drawn */
    umin = MIN (umin, u);
    umax = MAX (umax, u);
    vmin = MIN (vmin, v);
    vmax = MAX (vmax, v);
  }
  if (umax < -1 || vmax < -1 || umin > w || vmin > h)
    return;
  x0 = MAX (0, (gint) floor (umin) - 1);
  x1 = MIN (w - 1, (gint) ceil (umax) + 1);
  y0 = MAX (0, (gint) floor (vmin) - 1);
  y1 = MIN (h - 1, (gint) ceil (vmax) + 1);

  if (!fit_homography (cam, pose, t, uc, vc, 2 * r, &hm))
    return;
  /* pixels farther than a pixel's footprint from the rim are all in or
   * all out */
  mpp = MAX (pixel_footprint (&hm, uc, vc),
      MAX (MAX (pixel_footprint (&hm, umin, vmin),
              pixel_footprint (&hm, umax, vmin)),
          MAX (pixel_footprint (&hm, umin, vmax),
              pixel_footprint (&hm, umax, vmax))));
  margin = mpp;
  r_in = r > margin ? (r - margin) * (r - margin) : -1;
  r_out = (r + margin) * (r + margin);

  for (y = y0; y <= y1; y++) {
    guint8 *row = luma + (gsize) y * stride;

    for (x = x0; x <= x1; x++) {
      gdouble d2 = ground_dist2 (&hm, x, y), c;

      if (d2 >= r_out)
        continue;
      if (d2 <= r_in) {
        c = 1;
      } else {
        gint i, j, n = 0;

        for (j = 0; j < SUBSAMPLES; j++)
          for (i = 0; i < SUBSAMPLES; i++)
            n += ground_dist2 (&hm, x + (i + 0.5) / SUBSAMPLES - 0.5,
                y + (j + 0.5) / SUBSAMPLES - 0.5) <= r * r;
        if (n == 0)
          continue;
        c = (gdouble) n / (SUBSAMPLES * SUBSAMPLES);
      }
      row[x] = (guint8) lrint (row[x] + c * (target - row[x]));
    }
  }
}

static void
add_noise (guint8 * restrict p, const gint8 * restrict n, guint w)
{
  guint i;

  for (i = 0; i < w; i++) {
    gint v = p[i] + n[i];

    p[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

/**
 * gst_ground_renderer_render_luma: (skip)
 * @self: a renderer, sized
 * @luma: the luma plane to fill, of the size gst_ground_renderer_set_size()
 *   was given
 * @stride: bytes from one row of @luma to the next
 * @index: the frame's number: its noise depends on it
 * @distance: metres flown since the start: the ground scrolls down the
 *   image as the drone flies forward
 * @pose: where the camera's drone is
 *
 * Renders frame @index, seen from @pose, as luma: ground, targets, noise.
 *
 * Since: 0.2
 */
void
gst_ground_renderer_render_luma (GstGroundRenderer * self, guint8 * luma,
    gint stride, guint64 index, gdouble distance, const GstOdometry * pose)
{
  const GstGroundRendererSettings *c = &self->cfg;
  guint w = self->cam.width, h = self->cam.height, y, i;
  gdouble px_per_m = self->cam.fy / c->altitude;
  gint64 scroll;

  /* the ground scrolls down the image as the drone flies forward */
  scroll = (gint64) llround (fmod (distance * px_per_m, TEXTURE_ROWS));
  for (y = 0; y < h; y++) {
    gint64 row = ((gint64) y - scroll) % TEXTURE_ROWS;

    if (row < 0)
      row += TEXTURE_ROWS;
    memcpy (luma + (gsize) y * stride, self->texture + (gsize) row * w, w);
  }

  for (i = 0; i < self->targets->len; i++)
    render_target (self, luma, stride, pose,
        &g_array_index (self->targets, GroundPoint, i));

  if (self->noise) {
    GRand *r = sim_rand_for (c->seed, SIM_SALT_FRAME, index);

    for (y = 0; y < h; y++)
      add_noise (luma + (gsize) y * stride,
          self->noise + g_rand_int_range (r, 0, NOISE_TABLE_LEN), w);
    g_rand_free (r);
  }
}

/**
 * gst_ground_renderer_render_chroma: (skip)
 * @self: a renderer, sized
 * @luma: a luma plane the renderer filled
 * @stride: bytes from one row of @luma to the next
 * @u: the U plane to fill, half the size of @luma each way
 * @ustride: bytes from one row of @u to the next
 * @v: the V plane to fill
 * @vstride: bytes from one row of @v to the next
 * @step: bytes from one U (or V) sample to the next: 1 for I420, 2 for
 *   NV12 (@v is then @u + 1)
 *
 * The colour of the ground: the chroma of 2x2 blocks from their mean
 * luma.
 *
 * Since: 0.2
 */
void
gst_ground_renderer_render_chroma (GstGroundRenderer * self,
    const guint8 * luma, gint stride, guint8 * u, gint ustride, guint8 * v,
    gint vstride, gint step)
{
  guint w = self->cam.width, h = self->cam.height;
  guint cw = (w + 1) / 2, ch = (h + 1) / 2, x, y;

  for (y = 0; y < ch; y++) {
    const guint8 *l0 = luma + (gsize) (2 * y) * stride;
    const guint8 *l1 = luma + (gsize) MIN (2 * y + 1, h - 1) * stride;
    guint8 *urow = u + (gsize) y * ustride, *vrow = v + (gsize) y *vstride;

    for (x = 0; x < cw; x++) {
      guint x0 = 2 * x, x1 = MIN (2 * x + 1, w - 1);
      guint m = (l0[x0] + l0[x1] + l1[x0] + l1[x1] + 2) / 4;

      urow[x * step] = self->lut_u[m];
      vrow[x * step] = self->lut_v[m];
    }
  }
}

/**
 * gst_ground_renderer_render_rgb: (skip)
 * @self: a renderer, sized
 * @out: the packed RGB (3 bytes a pixel) or BGRx (4 bytes) image to
 *   fill
 * @ostride: bytes from one row of @out to the next
 * @bgrx: BGRx rather than RGB
 * @index: the frame's number
 * @distance: metres flown since the start
 * @pose: where the camera's drone is
 *
 * Renders frame @index, seen from @pose, in colour: the luma of
 * gst_ground_renderer_render_luma() coloured like a dry field.
 *
 * Since: 0.2
 */
void
gst_ground_renderer_render_rgb (GstGroundRenderer * self, guint8 * out,
    gint ostride, gboolean bgrx, guint64 index, gdouble distance,
    const GstOdometry * pose)
{
  guint w = self->cam.width, h = self->cam.height, x, y;
  const guint8 *luma = self->luma;

  gst_ground_renderer_render_luma (self, self->luma, w, index, distance, pose);

  for (y = 0; y < h; y++) {
    const guint8 *l = luma + (gsize) y * w;
    guint8 *o = out + (gsize) y * ostride;

    if (bgrx) {
      for (x = 0; x < w; x++, o += 4) {
        o[0] = self->lut_b[l[x]];
        o[1] = self->lut_g[l[x]];
        o[2] = self->lut_r[l[x]];
        o[3] = 0xff;
      }
    } else {
      for (x = 0; x < w; x++, o += 3) {
        o[0] = self->lut_r[l[x]];
        o[1] = self->lut_g[l[x]];
        o[2] = self->lut_b[l[x]];
      }
    }
  }
}
