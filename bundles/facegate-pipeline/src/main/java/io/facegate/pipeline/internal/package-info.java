/**
 * The pipeline ({@link io.facegate.pipeline.internal.FacePipeline}): frame sources to recognition
 * events. Private to the bundle; consumers use the {@link io.facegate.api.Pipeline} service and
 * register {@link io.facegate.api.RecognitionListener}s.
 */
package io.facegate.pipeline.internal;
