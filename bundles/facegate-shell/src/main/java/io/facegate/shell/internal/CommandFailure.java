package io.facegate.shell.internal;

import io.facegate.api.operations.OperationException;

/**
 * A refused or failed operation, as the console shows it: Karaf prints the message and the command ends with a
 * failure status, so {@code ./gateway shell ...} scripts can tell.
 */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what is wrong with the command line
     * @return the failure
     */
    static CommandFailure of(String message) {
        return new CommandFailure(message, null);
    }

    /**
     * @param e the operation's exception
     * @return the message with its code, e.g. {@code Bob is not enrolled (404)}
     */
    static CommandFailure of(OperationException e) {
        return new CommandFailure(e.getMessage() + " (" + e.code() + ")", e);
    }
}
