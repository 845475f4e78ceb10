package io.facegate.mqtt.internal;

/** A request field is missing or has the wrong type or value: the reply is a 400 with this message. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
        super(message, null, false, false);
    }
}
