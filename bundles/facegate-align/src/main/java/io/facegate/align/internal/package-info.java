/**
 * Implementation of {@link io.facegate.api.FaceAligner}: a 5-point
 * similarity transform onto the ArcFace template and a bilinear warp.
 * Private to the bundle; consumers use the service.
 */
package io.facegate.align.internal;
