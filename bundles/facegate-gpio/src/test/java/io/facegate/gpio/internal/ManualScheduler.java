package io.facegate.gpio.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link Scheduler} whose time moves only when a test says so; due tasks run on the test's thread. */
final class ManualScheduler implements Scheduler {
    static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    /** Monotonic time does not start at zero on a real machine either. */
    private static final long NANO_ORIGIN = 987_654_321_000L;

    private static final class Task {
        final long due;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private long elapsed;
    private long scheduled;

    @Override
    public synchronized Instant now() {
        return START.plusNanos(elapsed);
    }

    @Override
    public synchronized long nanoTime() {
        return NANO_ORIGIN + elapsed;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(elapsed + Math.max(0, delay.toNanos()), scheduled++, task);
        tasks.add(t);
        return () -> {
            synchronized (ManualScheduler.this) {
                t.cancelled = true;
            }
        };
    }

    /** Moves time forward, running every task that falls due on the way, at its due time, in order. */
    synchronized void advance(Duration by) {
        long target = elapsed + by.toNanos();
        while (true) {
            Task next = tasks.stream()
                    .filter(t -> !t.cancelled && t.due <= target)
                    .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            elapsed = Math.max(elapsed, next.due);
            next.body.run();
        }
        elapsed = target;
        tasks.removeIf(t -> t.cancelled);
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** @return tasks scheduled and neither run nor cancelled */
    synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }
}
