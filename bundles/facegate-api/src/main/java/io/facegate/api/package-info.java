/**
 * The facegate pipeline API: value types that flow through the pipeline
 * (camera frame, detected face, aligned face, embedding, recognition event)
 * and the services that produce them ({@link io.facegate.api.FrameSource},
 * {@link io.facegate.api.FaceDetector}, {@link io.facegate.api.FaceAligner},
 * {@link io.facegate.api.FaceEmbedder}, {@link io.facegate.api.Gallery}).
 *
 * <p>All value types are immutable and safe to share between threads.
 * Services are registered in the OSGi service registry; implementations are
 * thread-safe.
 */
@Export
@Version("1.2.0")
package io.facegate.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
