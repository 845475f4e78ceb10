package io.facegate.itests;

import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A {@link RecognitionListener} registered inside the gateway: records every
 * event the pipeline emits, typed and in emission order (the pipeline calls
 * listeners on its worker thread, before the frame is acknowledged).
 */
final class EventRecorder implements RecognitionListener, AutoCloseable {
    private final List<RecognitionEvent> events = new ArrayList<>();
    private final ServiceRegistration<RecognitionListener> registration;

    EventRecorder(BundleContext context) {
        registration = context.registerService(RecognitionListener.class, this, null);
    }

    @Override
    public void recognized(RecognitionEvent event) {
        synchronized (events) {
            events.add(event);
            events.notifyAll();
        }
    }

    /** @return all events so far, in the order they were emitted */
    List<RecognitionEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** @return how many events were recorded so far */
    int size() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Waits until {@code count} events match, or the timeout passes; returns the matches. */
    List<RecognitionEvent> await(Predicate<RecognitionEvent> match, int count, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (events) {
            while (true) {
                List<RecognitionEvent> hits = events.stream().filter(match).toList();
                long left = deadline - System.nanoTime();
                if (hits.size() >= count || left <= 0) {
                    return hits;
                }
                events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the test bundle is stopping
        }
    }
}
