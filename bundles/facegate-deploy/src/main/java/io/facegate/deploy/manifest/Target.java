package io.facegate.deploy.manifest;

import java.util.Objects;

/** Whom a manifest addresses: one gateway by id, or every gateway of one group. */
public final class Target {
    /** What {@link #value()} names. */
    public enum Scope {
        /** A gateway id. */
        GATEWAY("gateway"),
        /** A group name. */
        GROUP("group");

        private final String field;

        Scope(String field) {
            this.field = field;
        }

        /** @return the field name inside the manifest's {@code target} object */
        public String field() {
            return field;
        }
    }

    private final Scope scope;
    private final String value;

    private Target(Scope scope, String value) {
        Objects.requireNonNull(value, scope.field);
        if (!Syntax.topicLevel(value)) {
            throw new IllegalArgumentException("target " + scope.field + " '" + value
                    + "' must be 1-64 of A-Z a-z 0-9 . _ - (one topic level)");
        }
        this.scope = scope;
        this.value = value;
    }

    /**
     * @param id a gateway id, 1-64 of {@code A-Z a-z 0-9 . _ -}
     * @return the target of that one gateway
     * @throws IllegalArgumentException if the id is not one topic level
     */
    public static Target gateway(String id) {
        return new Target(Scope.GATEWAY, id);
    }

    /**
     * @param group a group name, 1-64 of {@code A-Z a-z 0-9 . _ -}
     * @return the target of every gateway in that group
     * @throws IllegalArgumentException if the group is not one topic level
     */
    public static Target group(String group) {
        return new Target(Scope.GROUP, group);
    }

    /** @return whether {@link #value()} is a gateway id or a group */
    public Scope scope() {
        return scope;
    }

    /** @return the gateway id or group name */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Target t && t.scope == scope && t.value.equals(value);
    }

    @Override
    public int hashCode() {
        return scope.hashCode() * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return scope.field + " " + value;
    }
}
