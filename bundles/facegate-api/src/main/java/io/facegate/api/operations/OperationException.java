package io.facegate.api.operations;

/**
 * A refused or failed operation, with a code in the style of HTTP (and of Eclipse Kura's request/response
 * conventions): 400 bad request, 404 not found, 409 conflict, 413 too large, 500 internal error, 503 a needed
 * service is missing.
 */
public class OperationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Bad request: malformed or invalid input. */
    public static final int BAD_REQUEST = 400;
    /** Refused: the request is well formed but not allowed (e.g. an artifact whose signature does not hold). */
    public static final int FORBIDDEN = 403;
    /** The named thing does not exist. */
    public static final int NOT_FOUND = 404;
    /** The request conflicts with the current state. */
    public static final int CONFLICT = 409;
    /** The request is larger than allowed. */
    public static final int TOO_LARGE = 413;
    /** The gateway failed. */
    public static final int INTERNAL_ERROR = 500;
    /** A service the operation needs is not available (yet). */
    public static final int UNAVAILABLE = 503;

    private final int code;

    /**
     * @param code    one of the codes above
     * @param message one line for the operator
     */
    public OperationException(int code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code    one of the codes above
     * @param message one line for the operator
     * @param cause   the underlying failure
     */
    public OperationException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** @return the code */
    public int code() {
        return code;
    }
}
