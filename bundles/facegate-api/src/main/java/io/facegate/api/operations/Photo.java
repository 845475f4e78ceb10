package io.facegate.api.operations;

import java.util.Objects;

/**
 * An encoded image handed to an operation.
 *
 * @param label how the operator named it (a file name, or {@code photo[2]}), for the per-photo results
 * @param bytes the encoded image (JPEG, PNG, ...), not copied: do not change it afterwards
 */
public record Photo(String label, byte[] bytes) {
    /** @throws NullPointerException without a label or bytes */
    public Photo {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(bytes, "bytes");
    }
}
