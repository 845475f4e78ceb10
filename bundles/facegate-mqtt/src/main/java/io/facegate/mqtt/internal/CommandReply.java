package io.facegate.mqtt.internal;

import com.google.gson.JsonElement;
import io.facegate.api.operations.OperationException;

/**
 * What a command answers, before it is written as the reply message.
 *
 * @param code    200 on success, else an {@link OperationException} code (400, 404, 409, 413, 500, 503)
 * @param message one line for the operator
 * @param result  the command's result, or {@code null}
 */
record CommandReply(int code, String message, JsonElement result) {
    static CommandReply ok(JsonElement result) {
        return new CommandReply(200, "ok", result);
    }

    static CommandReply error(int code, String message) {
        return new CommandReply(code, message, null);
    }

    /** @return {@code ok} for 2xx, else {@code error} */
    String status() {
        return code >= 200 && code < 300 ? "ok" : "error";
    }
}
