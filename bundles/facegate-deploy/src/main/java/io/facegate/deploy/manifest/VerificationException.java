package io.facegate.deploy.manifest;

import java.util.Objects;

/** A manifest, envelope or artifact was refused: the {@link Reason} for machines, the message for people. */
public final class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /**
     * @param reason  why
     * @param message what exactly, naming the field or value concerned; never key material
     */
    public VerificationException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why it was refused */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason.code() + ": " + getMessage();
    }
}
