/**
 * The gateway's guarded image decoder, shared by cameras and commands so that every image from outside goes
 * through the same pixel limit and the same clear errors.
 */
@Export
@Version("1.0.0")
package io.facegate.api.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
