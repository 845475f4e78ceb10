package io.facegate.api.operations;

import java.util.Objects;

/**
 * One setting an operator may read and change remotely.
 *
 * @param key         the name operators use, e.g. {@code detect.min_face_size}
 * @param pid         the Configuration Admin PID it lives in
 * @param property    the property in that configuration
 * @param type        {@code string}, {@code integer}, {@code number} or {@code boolean}
 * @param value       the current value (the component's default when the configuration does not set it), or
 *                    {@code null} if unknown
 * @param description what it does, with its allowed values
 */
public record Setting(String key, String pid, String property, String type, Object value, String description) {
    /** @throws NullPointerException without key, pid, property or type */
    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(type, "type");
    }
}
