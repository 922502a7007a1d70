/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstodometry.h>
#include <gst/autonomy/gstcameramodel.h>

G_BEGIN_DECLS

/**
 * GstGroundRendererSettings:
 * @seed: the seed of the ground's texture and of the noise
 * @pixel_noise: the standard deviation of the noise added to each pixel's
 *   luma (0: none)
 * @target_radius: the radius of a target's disk, metres
 * @target_luma: the luma of a target (the ground stays below 166)
 * @altitude: the drone's height, metres: how fast the ground scrolls
 * @hfov: the camera's horizontal field of view, degrees
 * @camera_roll: the camera's mount roll, degrees
 * @camera_pitch: the camera's mount pitch, degrees (-90: straight down)
 * @camera_yaw: the camera's mount yaw, degrees
 *
 * How a #GstGroundRenderer renders.
 *
 * Since: 0.2
 */
typedef struct {
  guint seed;
  gdouble pixel_noise;
  gdouble target_radius;
  guint target_luma;
  gdouble altitude;
  gdouble hfov, camera_roll, camera_pitch, camera_yaw;
} GstGroundRendererSettings;

/**
 * GstGroundRenderer:
 *
 * The simulated camera's view of the ground and its targets. Opaque.
 *
 * Since: 0.2
 */
typedef struct _GstGroundRenderer GstGroundRenderer;

/**
 * GST_TYPE_GROUND_RENDERER:
 *
 * The boxed #GType of #GstGroundRenderer.
 *
 * Since: 0.2
 */
#define GST_TYPE_GROUND_RENDERER (gst_ground_renderer_get_type ())
GST_AUTONOMY_API
GType    gst_ground_renderer_get_type (void);

GST_AUTONOMY_API
GstGroundRenderer * gst_ground_renderer_new
                                  (const GstGroundRendererSettings * settings);

GST_AUTONOMY_API
GstGroundRenderer * gst_ground_renderer_copy
                                  (const GstGroundRenderer * self);

GST_AUTONOMY_API
void     gst_ground_renderer_free (GstGroundRenderer * self);

GST_AUTONOMY_API
void     gst_ground_renderer_add_target (GstGroundRenderer * self,
                                         gdouble north, gdouble east);

GST_AUTONOMY_API
guint    gst_ground_renderer_get_n_targets (const GstGroundRenderer * self);

GST_AUTONOMY_API
void     gst_ground_renderer_set_size (GstGroundRenderer * self,
                                       guint width, guint height,
                                       gboolean rgb);

GST_AUTONOMY_API
void     gst_ground_renderer_render_luma (GstGroundRenderer * self,
                                          guint8 * luma, gint stride,
                                          guint64 index, gdouble distance,
                                          const GstOdometry * pose);

GST_AUTONOMY_API
void     gst_ground_renderer_render_chroma (GstGroundRenderer * self,
                                            const guint8 * luma,
                                            gint stride, guint8 * u,
                                            gint ustride, guint8 * v,
                                            gint vstride, gint step);

GST_AUTONOMY_API
void     gst_ground_renderer_render_rgb (GstGroundRenderer * self,
                                         guint8 * out, gint ostride,
                                         gboolean bgrx, guint64 index,
                                         gdouble distance,
                                         const GstOdometry * pose);

G_END_DECLS
