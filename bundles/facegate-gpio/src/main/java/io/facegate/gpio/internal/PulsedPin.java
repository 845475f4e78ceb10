package io.facegate.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output pin that is active only for pulses: driven to the active level, released (driven to the inactive
 * level) by a timer. Released when created and when closed. Thread-safe: pulses come from the pipeline's thread,
 * releases from the timer's.
 */
final class PulsedPin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PulsedPin.class);

    private final String name;
    private final DigitalOutput output;
    private final DigitalState active;
    private final DigitalState inactive;
    private final Scheduler scheduler;
    private Scheduler.Cancellable pendingRelease;
    /** Counts pulses, so a release timer that lost the race with a newer pulse does not cut it short. */
    private long generation;
    private boolean closed;

    /**
     * Releases the pin at once.
     *
     * @param name       for logs
     * @param output     the claimed pin
     * @param activeHigh whether the active level is high
     * @param scheduler  the release timer
     */
    PulsedPin(String name, DigitalOutput output, boolean activeHigh, Scheduler scheduler) {
        this.name = name;
        this.output = output;
        this.active = activeHigh ? DigitalState.HIGH : DigitalState.LOW;
        this.inactive = activeHigh ? DigitalState.LOW : DigitalState.HIGH;
        this.scheduler = scheduler;
        synchronized (this) {
            drive(inactive);
        }
    }

    /**
     * Drives the pin active and schedules its release; a pulse while one runs restarts its length.
     *
     * @param length how long it stays active
     * @return whether the pin was driven (false once closed or when the driver failed)
     */
    synchronized boolean pulse(Duration length) {
        if (closed) {
            return false;
        }
        cancelRelease();
        long mine = ++generation;
        if (!drive(active)) {
            drive(inactive);
            return false;
        }
        pendingRelease = scheduler.schedule(length, () -> releaseIf(mine));
        return true;
    }

    /** Drives the pin inactive now and forgets a pending release. */
    synchronized void release() {
        cancelRelease();
        generation++;
        drive(inactive);
    }

    /** Releases the pin for good; later pulses are refused. */
    @Override
    public synchronized void close() {
        closed = true;
        release();
    }

    private synchronized void releaseIf(long pulse) {
        if (pulse == generation) {
            pendingRelease = null;
            drive(inactive);
        }
    }

    private void cancelRelease() {
        if (pendingRelease != null) {
            pendingRelease.cancel();
            pendingRelease = null;
        }
    }

    private boolean drive(DigitalState level) {
        try {
            output.state(level);
            return true;
        } catch (RuntimeException e) {
            // Pi4J's IOException is unchecked; the pin's level is now unknown
            LOG.error("GPIO output '{}' (BCM {}): driving it {} failed: {}", name, output.address(), level,
                    e.toString());
            return false;
        }
    }
}
