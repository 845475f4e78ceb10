package io.facegate.push;

import com.google.gson.JsonObject;
import java.util.Collection;
import java.util.function.IntPredicate;

/**
 * How one gateway's job ended, as the final report says it.
 *
 * @param gateway the gateway id
 * @param state   the end
 * @param detail  the reason or what went wrong; empty for {@code done}
 */
record Outcome(String gateway, State state, String detail) {
    /** The ends, worst last for the exit code. */
    enum State {
        DONE("done"),
        FAILED("failed"),
        ROLLED_BACK("rolled_back"),
        REFUSED("refused"),
        /** the gateway answered, but not with a final state: an error code, or still busy at the timeout */
        ERROR("error"),
        NO_ANSWER("no answer");

        private final String word;

        State(String word) {
            this.word = word;
        }

        @Override
        public String toString() {
            return word;
        }
    }

    /** @return the end a job says, or {@link State#ERROR} if it had not ended by the timeout */
    static Outcome ofJob(String gateway, JsonObject job, long timeoutMs) {
        String s = job.get("state").getAsString();
        String reason = job.has("reason") && !job.get("reason").isJsonNull() ? job.get("reason").getAsString() : "";
        return switch (s) {
            case "done" -> new Outcome(gateway, State.DONE, "");
            case "failed" -> new Outcome(gateway, State.FAILED, reason);
            case "rolled_back" -> new Outcome(gateway, State.ROLLED_BACK, reason);
            default -> new Outcome(gateway, State.ERROR, "still " + s + " after " + timeoutMs / 1000
                    + " s (--timeout-s)");
        };
    }

    /**
     * @param refusal which codes are the gateway's final no ({@link Delivery#refuses(int)}); others are errors
     * @return the end of a job that a gateway refused or could not take: a reply other than 200
     */
    static Outcome ofReply(String gateway, JsonObject reply, IntPredicate refusal) {
        int code = reply.get("code").getAsInt();
        String message = reply.has("message") ? reply.get("message").getAsString() : "";
        return new Outcome(gateway, refusal.test(code) ? State.REFUSED : State.ERROR, code + " " + message);
    }

    /**
     * Same meaning as for one gateway: 0 when every job is {@code done}; 1 when one went unanswered or broke (find
     * out what happened there); otherwise 2, every gateway having said why it refused or failed.
     */
    static int exitCode(Collection<Outcome> all) {
        if (all.stream().allMatch(o -> o.state() == State.DONE)) {
            return PushCli.OK;
        }
        boolean unknown = all.stream().anyMatch(o -> o.state() == State.ERROR || o.state() == State.NO_ANSWER);
        return unknown ? PushCli.FAILED : PushCli.REJECTED;
    }
}
