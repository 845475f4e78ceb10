package io.facegate.gallery.internal;

import java.io.IOException;

/** A gallery file exists but its content is damaged, truncated or not what it claims to be. */
final class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptFileException(String message) {
        super(message);
    }
}
