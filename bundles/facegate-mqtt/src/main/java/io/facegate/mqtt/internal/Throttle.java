package io.facegate.mqtt.internal;

/** Lets one log message through per period and counts the ones held back. */
final class Throttle {
    private final long periodNs;
    private long lastNs;
    private long suppressed;
    private boolean any;

    /** @param periodNs at most one message per this many nanoseconds */
    Throttle(long periodNs) {
        this.periodNs = periodNs;
    }

    /** @return -1 to stay silent, else how many messages were suppressed since the last one let through */
    synchronized long allow() {
        long now = System.nanoTime();
        if (!any || now - lastNs >= periodNs) {
            any = true;
            lastNs = now;
            long s = suppressed;
            suppressed = 0;
            return s;
        }
        suppressed++;
        return -1;
    }

    /** Forgets the past: the next message goes through. */
    synchronized void reset() {
        any = false;
        suppressed = 0;
    }
}
