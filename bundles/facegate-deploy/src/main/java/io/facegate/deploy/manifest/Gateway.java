package io.facegate.deploy.manifest;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** The verifying gateway itself: its id and the groups it belongs to, for the target check. */
public final class Gateway {
    private final String id;
    private final Set<String> groups;

    private Gateway(String id, Set<String> groups) {
        this.id = id;
        this.groups = groups;
    }

    /**
     * @param id     this gateway's id (the MQTT {@code gateway_id}), 1-64 of {@code A-Z a-z 0-9 . _ -}
     * @param groups the groups it is in, each of the same syntax; may be empty
     * @return the gateway
     * @throws IllegalArgumentException if the id or a group is not one topic level
     */
    public static Gateway of(String id, Collection<String> groups) {
        Target.gateway(id); // validates
        Set<String> g = new LinkedHashSet<>();
        for (String group : Objects.requireNonNull(groups, "groups")) {
            g.add(Target.group(group).value());
        }
        return new Gateway(id, Collections.unmodifiableSet(g));
    }

    /** @return this gateway's id */
    public String id() {
        return id;
    }

    /** @return its groups, unmodifiable, in the order given */
    public Set<String> groups() {
        return groups;
    }

    /**
     * @param target a manifest's target
     * @return whether it names this gateway, or a group this gateway is in
     */
    public boolean isAddressedBy(Target target) {
        return switch (target.scope()) {
            case GATEWAY -> target.value().equals(id);
            case GROUP -> groups.contains(target.value());
        };
    }

    @Override
    public String toString() {
        return "gateway " + id + (groups.isEmpty() ? "" : " in " + groups);
    }
}
