package io.facegate.shell.internal;

import io.facegate.api.operations.Photo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Reads the photo files the console names, never more than the operations accept: the bytes go to
 * {@link io.facegate.api.operations.GatewayOperations}, which decodes them through the gateway's guarded decoder.
 */
final class PhotoFiles {
    /** The operations' default {@code max_image_bytes}, used when their service does not say. */
    static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;
    /** The service property (the operations' configuration key) that holds their limit. */
    static final String MAX_BYTES_PROPERTY = "max_image_bytes";

    private PhotoFiles() {
    }

    /**
     * A file read, or why not.
     *
     * @param photo   the photo, labelled with the file name as the operator typed it, or null
     * @param problem why it was not read, or null
     */
    record Read(Photo photo, String problem) {
    }

    /**
     * @param context the shell bundle's context, or null
     * @return the {@code max_image_bytes} of the operations service, or the default
     */
    static long maxBytes(BundleContext context) {
        ServiceReference<?> ref = context == null ? null
                : context.getServiceReference("io.facegate.api.operations.GatewayOperations");
        Object v = ref == null ? null : ref.getProperty(MAX_BYTES_PROPERTY);
        if (v instanceof Number n && n.longValue() > 0) {
            return n.longValue();
        }
        try {
            return v == null ? DEFAULT_MAX_BYTES : Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_BYTES;
        }
    }

    /**
     * @param file     as the operator typed it
     * @param maxBytes the most bytes read
     * @return the photo or why not; never throws for a bad file
     */
    static Read read(String file, long maxBytes) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            return new Read(null, "no such file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            // one byte more than allowed tells a file at the limit from a larger one without reading it all
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                return new Read(null, "larger than max_image_bytes=" + maxBytes);
            }
            return new Read(new Photo(file, bytes), null);
        } catch (IOException | RuntimeException e) {
            return new Read(null, "cannot read: " + e.getMessage());
        }
    }
}
