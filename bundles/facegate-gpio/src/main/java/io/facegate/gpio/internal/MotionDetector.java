package io.facegate.gpio.internal;

import java.time.Duration;

/**
 * Turns the levels of a motion sensor (PIR) into {@link MotionWake}s. Debounced: the line must stay active for
 * {@code debounce} before it counts, so a spike (a relay coil switching next to the sensor's cable) wakes nobody.
 * While the line stays active the wake is repeated every half burst, so a sensor that holds its output high for as
 * long as someone moves (HC-SR501 in repeat-trigger mode) keeps the sources awake. Thread-safe; time comes from the
 * {@link Scheduler}, so tests step through it by hand.
 */
final class MotionDetector implements AutoCloseable {
    private final String input;
    private final int pin;
    private final Duration debounce;
    private final Duration burst;
    private final Duration renewEvery;
    private final Scheduler scheduler;
    private final MotionListener listener;

    private boolean active;
    private boolean motion;
    private boolean closed;
    private Scheduler.Cancellable timer;
    /** Invalidates a timer that fired while a newer level change held the lock. */
    private long generation;

    /**
     * @param input     the input's name
     * @param pin       its BCM number
     * @param debounce  how long the line must stay active; zero to count every rising level at once
     * @param burst     how long each wake lasts
     * @param scheduler the timer
     * @param listener  who receives the wakes
     */
    MotionDetector(String input, int pin, Duration debounce, Duration burst, Scheduler scheduler,
                   MotionListener listener) {
        this.input = input;
        this.pin = pin;
        this.debounce = debounce;
        this.burst = burst;
        this.renewEvery = burst.dividedBy(2);
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /**
     * The sensor's line changed (or was read at start).
     *
     * @param nowActive whether it is at its active level
     */
    void level(boolean nowActive) {
        MotionWake wake = null;
        synchronized (this) {
            if (closed || nowActive == active) {
                return;
            }
            active = nowActive;
            cancelTimer();
            if (!nowActive) {
                motion = false;
            } else if (debounce.isZero()) {
                wake = startMotion();
            } else {
                long mine = generation;
                timer = scheduler.schedule(debounce, () -> confirm(mine));
            }
        }
        emit(wake);
    }

    /** @return whether motion is confirmed and the line still active */
    synchronized boolean inMotion() {
        return motion;
    }

    /** Stops the timers; later levels are ignored. */
    @Override
    public synchronized void close() {
        closed = true;
        cancelTimer();
    }

    private void confirm(long expected) {
        MotionWake wake;
        synchronized (this) {
            if (closed || expected != generation || !active) {
                return;
            }
            wake = startMotion();
        }
        emit(wake);
    }

    private void renew(long expected) {
        MotionWake wake;
        synchronized (this) {
            if (closed || expected != generation || !motion) {
                return;
            }
            wake = wakeNow();
            scheduleRenewal();
        }
        emit(wake);
    }

    private MotionWake startMotion() {
        motion = true;
        MotionWake wake = wakeNow();
        scheduleRenewal();
        return wake;
    }

    private void scheduleRenewal() {
        long mine = ++generation;
        timer = scheduler.schedule(renewEvery, () -> renew(mine));
    }

    private MotionWake wakeNow() {
        return new MotionWake(input, pin, scheduler.now(), burst);
    }

    private void cancelTimer() {
        generation++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Outside the lock: the listener may take its time without blocking Pi4J's next edge. */
    private void emit(MotionWake wake) {
        if (wake != null) {
            listener.motion(wake);
        }
    }
}
