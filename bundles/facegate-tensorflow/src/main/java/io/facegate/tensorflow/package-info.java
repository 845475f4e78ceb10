/**
 * Helpers shared by every TensorFlow-backed facegate bundle: reading a model
 * bundle's metadata and loading its SavedModel from inside an OSGi bundle.
 */
@Export
@Version("1.1.0")
package io.facegate.tensorflow;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
