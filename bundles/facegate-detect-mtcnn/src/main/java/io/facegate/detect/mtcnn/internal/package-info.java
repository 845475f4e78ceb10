/**
 * Implementation of the MTCNN {@link io.facegate.api.FaceDetector}: the cascade
 * algorithm in pure Java behind {@link io.facegate.detect.mtcnn.internal.MtcnnNets},
 * and the TensorFlow-backed nets. Private to the bundle; consumers use the service.
 *
 * <p>Coordinates throughout: pixel {@code (i, j)} is centred on {@code (i, j)};
 * a box {@code [x1, x2] x [y1, y2]} is a continuous extent, so an image of
 * width {@code W} spans {@code [-0.5, W - 0.5]}.
 */
package io.facegate.detect.mtcnn.internal;
