package io.facegate.push;

import com.google.gson.JsonObject;
import io.facegate.deploy.manifest.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whom a group push goes to. A gateway's retained status does not name its groups, and an offline member cannot
 * answer the roll call, so only the operator knows who must end {@code done}: either by name ({@code --members},
 * also a way to update part of a group first) or by count ({@code --expect N}, checked against the roll call
 * before anything is sent).
 */
final class Membership {
    /**
     * @param members  the gateways the push goes to, in report order
     * @param unlisted gateways that answered for the group but are not in {@code --members}: not sent, reported
     * @param silent   gateways of {@code --members} that did not answer the roll call: tried all the same
     * @param refusal  why nothing is sent ({@code --expect} not met), or {@code null}
     */
    record Plan(List<String> members, List<String> unlisted, List<String> silent, String refusal) {
    }

    private final List<String> named;
    private final int expected;

    private Membership(List<String> named, int expected) {
        this.named = named;
        this.expected = expected;
    }

    /** @return the membership {@code --members} or {@code --expect} gives; exactly one of them is required */
    static Membership of(Args a) throws UsageException {
        List<String> named = a.list("--members");
        String expect = a.get("--expect");
        if (!named.isEmpty() && expect != null) {
            throw new UsageException("give --members or --expect, not both");
        }
        if (named.isEmpty() && expect == null) {
            throw new UsageException("--group needs --members ID,ID or --expect N (a gateway's status does not say"
                    + " its groups, and one that is offline cannot answer: say whom to expect)");
        }
        for (String g : named) {
            try {
                Target.gateway(g);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--members: '" + g + "' must be 1-64 of A-Z a-z 0-9 . _ -");
            }
        }
        if (named.stream().distinct().count() != named.size()) {
            throw new UsageException("--members names a gateway twice");
        }
        return new Membership(named, expect == null ? -1 : Push.positive(a, "--expect", 1));
    }

    /** @param answered who answered the roll call */
    Plan plan(Map<String, JsonObject> answered) {
        if (!named.isEmpty()) {
            List<String> unlisted = answered.keySet().stream().filter(g -> !named.contains(g)).sorted().toList();
            List<String> silent = named.stream().filter(g -> !answered.containsKey(g)).toList();
            return new Plan(named, unlisted, silent, null);
        }
        List<String> found = new ArrayList<>(answered.keySet());
        found.sort(null);
        if (found.size() != expected) {
            String who = found.isEmpty() ? "" : ": " + String.join(", ", found);
            return new Plan(List.of(), List.of(), List.of(), "expected " + expected + " member(s), "
                    + found.size() + " answered the roll call" + who + "; nothing sent (name the members with"
                    + " --members to push to them, or give the late ones a longer --roll-call-s)");
        }
        return new Plan(found, List.of(), List.of(), null);
    }
}
