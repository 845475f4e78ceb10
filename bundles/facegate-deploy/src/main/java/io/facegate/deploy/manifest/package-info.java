/**
 * Signed remote updates, the trust core: the {@link io.facegate.deploy.manifest.Manifest} that travels with every
 * pushed artifact (bundle, model bundle, feature repository), its Ed25519 envelope
 * ({@link io.facegate.deploy.manifest.SignedManifest}, {@link io.facegate.deploy.manifest.ManifestSigner}), and the
 * gateway side: {@link io.facegate.deploy.manifest.TrustedKeys}, the
 * {@link io.facegate.deploy.manifest.ManifestVerifier} and the {@link io.facegate.deploy.manifest.ReleaseLedger}
 * that refuses replays and downgrades.
 *
 * <p>Pure classes: no threads, no services, no OSGi needed to use them; the transfer and the installation build on
 * top. Value types are immutable. Cryptography is the JDK's own (Ed25519, SHA-256). Every refusal is a
 * {@link io.facegate.deploy.manifest.VerificationException} carrying a machine-readable
 * {@link io.facegate.deploy.manifest.Reason}.
 */
@Export
@Version("1.1.0")
package io.facegate.deploy.manifest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
