package io.facegate.operations.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the operations component (PID {@value OperationsComponent#PID}); keys as in
 * {@code etc/io.facegate.operations.cfg} ({@code __} in a method name is {@code _} in the key).
 */
@ObjectClassDefinition(name = "facegate operations",
        description = "Limits of the operator commands (console and MQTT): image size, photos per enrolment,"
                + " how long a settings change waits for its component")
public @interface OperationsConfig {
    /** @return largest decoded image, width x height */
    @AttributeDefinition(name = "max_pixels", description = "Largest image (width x height) enroll and identify"
            + " decode; a larger one is refused from its header, before any pixel is decoded (1..715827880)")
    long max__pixels() default OperationsSettings.DEFAULT_MAX_PIXELS;

    /** @return photos per enrolment */
    @AttributeDefinition(name = "max_photos", description = "Most photos in one enrolment (1..100)")
    int max__photos() default OperationsSettings.DEFAULT_MAX_PHOTOS;

    /** @return largest encoded image */
    @AttributeDefinition(name = "max_image_bytes", description = "Largest encoded image accepted, bytes"
            + " (1..268435456); the console reads no more than this of a file")
    long max__image__bytes() default OperationsSettings.DEFAULT_MAX_IMAGE_BYTES;

    /** @return how long a settings change waits */
    @AttributeDefinition(name = "configure_timeout_ms", description = "How long a settings change waits for the"
            + " component it configures to restart, or to refuse the values, before restoring them, ms (1000..300000)")
    long configure__timeout__ms() default OperationsSettings.DEFAULT_CONFIGURE_TIMEOUT_MS;
}
