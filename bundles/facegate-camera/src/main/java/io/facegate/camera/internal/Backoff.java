package io.facegate.camera.internal;

/**
 * Exponential reconnect delays: {@code min}, then doubling up to {@code max}; back to {@code min}
 * after {@link #reset()} (a session that delivered frames). Pure; not thread-safe.
 */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private long nextMs;

    /**
     * @param minMs first delay, &gt;= 0
     * @param maxMs largest delay, &gt;= minMs
     */
    Backoff(long minMs, long maxMs) {
        if (minMs < 0 || maxMs < minMs) {
            throw new IllegalArgumentException("need 0 <= min <= max, got " + minMs + ", " + maxMs);
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.nextMs = minMs;
    }

    /** @return the delay before the next attempt, ms; each call doubles the following one */
    long next() {
        long d = nextMs;
        nextMs = Math.min(maxMs, Math.max(1, nextMs) * 2);
        return d;
    }

    /** Starts over at the minimum. */
    void reset() {
        nextMs = minMs;
    }
}
