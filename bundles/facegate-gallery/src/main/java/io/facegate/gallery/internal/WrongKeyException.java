package io.facegate.gallery.internal;

import java.io.IOException;

/**
 * The gallery's files are encrypted with another key than the configured one, or encrypted while
 * no key is configured. Nothing may be moved, deleted or rewritten then: the files are fine, the
 * configuration is not.
 */
final class WrongKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    WrongKeyException(String message) {
        super(message);
    }
}
