package io.facegate.gpio;

/** What is wired to an output pin; only reported and logged, every kind is driven the same way (a pulse). */
public enum OutputKind {
    /** A door strike or lock through a relay module. */
    RELAY,
    /** An indicator LED. */
    LED,
    /** A buzzer or sounder. */
    BUZZER
}
