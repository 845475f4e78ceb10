/**
 * Implementation of {@link io.facegate.api.Gallery}: a file-backed enrolment
 * store with per-model embeddings and background re-embedding. Private to the
 * bundle; consumers use the service.
 */
package io.facegate.gallery.internal;
