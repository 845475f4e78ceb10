/** The model extender: FaceEmbedder services for model bundles that carry only data. Not exported. */
package io.facegate.models.internal;
