package io.facegate.api;

/**
 * A pipeline stage could not do its work for a reason other than bad
 * arguments: a model failed to load, inference failed, storage is full.
 */
public class FaceGateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for an operator */
    public FaceGateException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for an operator
     * @param cause   the underlying failure
     */
    public FaceGateException(String message, Throwable cause) {
        super(message, cause);
    }
}
