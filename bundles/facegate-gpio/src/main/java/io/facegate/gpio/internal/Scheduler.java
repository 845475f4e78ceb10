package io.facegate.gpio.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Time for the GPIO logic: the wall clock for reports, a monotonic clock for intervals, and delayed tasks. The
 * bundle uses {@link ExecutorScheduler}; tests advance a manual one, so pulses and debouncing run without threads.
 */
interface Scheduler {
    /** @return wall-clock time, for actuation reports and event ages */
    Instant now();

    /** @return a monotonic time in nanoseconds, for intervals (immune to clock changes) */
    long nanoTime();

    /**
     * Runs a task once after a delay.
     *
     * @param delay how long to wait, not negative
     * @param task  what to run; exceptions are logged
     * @return a handle to cancel it
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    interface Cancellable {
        /** Cancels the task if it has not started; a no-op afterwards. */
        void cancel();
    }
}
