package io.facegate.deploy.manifest;

/** A document that is not strict JSON, or a field of it that is missing, of the wrong type or invalid. */
final class JsonFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonFormatException(String message) {
        super(message);
    }
}
