/**
 * The ECA-MobileFaceNet-96 {@link io.facegate.api.FaceEmbedder} component; nothing here is
 * exported, consumers use the service.
 */
package io.facegate.embed.ecamobilefacenet.internal;
