package io.facegate.gpio.internal;

import io.facegate.gpio.ActuationListener;
import io.facegate.gpio.GpioActuation;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every actuation and hands it to every {@link ActuationListener}; one failing listener stops no other. */
final class ActuationNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(ActuationNotifier.class);

    private final List<ActuationListener> listeners = new CopyOnWriteArrayList<>();

    void add(ActuationListener listener) {
        listeners.add(listener);
    }

    void remove(ActuationListener listener) {
        listeners.remove(listener);
    }

    /** @param actuation what was just driven */
    void publish(GpioActuation actuation) {
        LOG.info("{}", describe(actuation));
        for (ActuationListener l : listeners) {
            try {
                l.actuated(actuation);
            } catch (RuntimeException e) {
                LOG.warn("actuation listener {} failed on {}: {}", l.getClass().getName(), actuation.output(),
                        e.toString());
            }
        }
    }

    /**
     * @param a an actuation
     * @return one log line
     */
    static String describe(GpioActuation a) {
        String who = a.who() == null ? "unknown face" : "'" + a.who() + "'";
        return String.format(Locale.ROOT, "GPIO %s '%s' (BCM %d) pulsed %d ms: %s, %s, similarity %.3f, %s #%d",
                a.kind().name().toLowerCase(Locale.ROOT), a.output(), a.pin(), a.pulse().toMillis(),
                a.why().name().toLowerCase(Locale.ROOT), who, a.similarity(), a.sourceId(), a.sequence());
    }
}
