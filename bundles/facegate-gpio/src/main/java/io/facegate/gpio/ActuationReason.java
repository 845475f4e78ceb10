package io.facegate.gpio;

/** Why an output was driven: how the face that triggered it compared with that output's allow-list. */
public enum ActuationReason {
    /** An enrolled person on the allow-list, at or above its minimum similarity (trigger {@code recognised}). */
    ALLOWED,
    /** The gallery did not recognise the face (trigger {@code unknown}). */
    UNKNOWN_FACE,
    /** An enrolled person who is not on the allow-list (trigger {@code unknown}). */
    NOT_ALLOWED,
    /** An enrolled person on the allow-list whose similarity is under its minimum (trigger {@code unknown}). */
    BELOW_MIN_SIMILARITY
}
