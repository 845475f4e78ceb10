package io.facegate.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import io.facegate.gpio.ActuationListener;
import io.facegate.gpio.GpioActuation;
import java.time.Instant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pulsed output per factory configuration {@value #FACTORY_PID}, e.g. {@code etc/io.facegate.gpio.output-door.cfg}
 * with {@code pin = 17}, {@code allow = alice,bob}: a {@link RecognitionListener} that pulses its pin when an event
 * fires its {@link TriggerDecision}, within its {@link PulseGate}, and reports each pulse to every
 * {@link ActuationListener}. Fail secure: the pin is released when the output starts, when it stops and when Pi4J
 * shuts down.
 */
@Component(configurationPid = OutputComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecognitionListener.class, property = "facegate.listener.type=gpio")
@Designate(ocd = OutputComponent.Config.class, factory = true)
public final class OutputComponent implements RecognitionListener {
    static final String FACTORY_PID = "io.facegate.gpio.output";
    private static final Logger LOG = LoggerFactory.getLogger(OutputComponent.class);

    /**
     * Configuration of one output. Keys are spelled as in the {@code .cfg} file ({@code __} in a method name is a
     * literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate GPIO output",
            description = "A door relay, LED or buzzer pulsed on recognition events; one configuration per pin")
    public @interface Config {
        /** @return name */
        @AttributeDefinition(required = false, description = "Name in logs and actuation reports: 1-64 of"
                + " A-Z a-z 0-9 . _ -; default <kind>-bcm<pin>")
        String name() default "";

        /** @return kind */
        @AttributeDefinition(description = "What is wired to the pin (reported only; all are pulsed the same way)",
                options = {@Option(label = "relay", value = "relay"), @Option(label = "led", value = "led"),
                        @Option(label = "buzzer", value = "buzzer")})
        String kind() default "relay";

        /** @return pin */
        @AttributeDefinition(description = "BCM GPIO number, 2..27 (required)")
        int pin() default -1;

        /** @return active level */
        @AttributeDefinition(name = "active_high", description = "true: active = 3.3 V; false: active = 0 V (most"
                + " optocoupler relay modules switch on when IN is pulled low)")
        boolean active__high() default true;

        /** @return trigger */
        @AttributeDefinition(required = false, description = "recognised: fire for a face that allow and"
                + " min_similarity admit; unknown: for a face they do not admit. Default: recognised for a relay,"
                + " unknown for an LED or buzzer", options = {@Option(label = "recognised", value = "recognised"),
                        @Option(label = "unknown", value = "unknown")})
        String trigger() default "";

        /** @return allow-list */
        @AttributeDefinition(required = false, description = "Enrolled people admitted, comma-separated, exactly"
                + " as enrolled; * for every enrolled person. Required with trigger recognised")
        String[] allow() default {};

        /** @return minimum similarity */
        @AttributeDefinition(name = "min_similarity", description = "Lowest similarity admitted, on top of the"
                + " gallery's threshold (-1..1; 0 = whatever the gallery recognised)")
        float min__similarity() default 0f;

        /** @return liveness switch */
        @AttributeDefinition(name = "require_live", description = "Accepted but NOT enforced: recognition events"
                + " carry no liveness result yet, so a photo of an allowed person opens the door")
        boolean require__live() default false;

        /** @return pulse length */
        @AttributeDefinition(name = "pulse_ms", description = "How long the pin stays active, ms (10..60000)")
        long pulse__ms() default OutputSettings.DEFAULT_PULSE_MS;

        /** @return gap */
        @AttributeDefinition(name = "min_gap_ms", description = "Least time from the end of one pulse to the start"
                + " of the next, ms (0..3600000); triggers in between are ignored")
        long min__gap__ms() default OutputSettings.DEFAULT_MIN_GAP_MS;

        /** @return debounce count */
        @AttributeDefinition(name = "debounce_frames", description = "It fires only once the same person (for"
                + " unknown: any refused face) was matched in this many events within debounce_window_ms (1..10;"
                + " 1 = at once)")
        int debounce__frames() default OutputSettings.DEFAULT_DEBOUNCE_FRAMES;

        /** @return debounce window */
        @AttributeDefinition(name = "debounce_window_ms", description = "The window of debounce_frames, ms"
                + " (1..60000)")
        long debounce__window__ms() default OutputSettings.DEFAULT_DEBOUNCE_WINDOW_MS;

        /** @return sources */
        @AttributeDefinition(required = false, description = "Source ids (facegate.source.id) whose events count,"
                + " comma-separated; empty = every source")
        String[] sources() default {};

        /** @return max event age */
        @AttributeDefinition(name = "max_event_age_ms", description = "Events captured longer ago are ignored, ms"
                + " (0 = no limit, ..3600000): a backlog or an old file never opens the door")
        long max__event__age__ms() default OutputSettings.DEFAULT_MAX_EVENT_AGE_MS;
    }

    private final OutputSettings settings;
    private final Gpio gpio;
    private final Scheduler scheduler;
    private final TriggerDecision decision;
    private final MatchDebounce debounce;
    private final PulseGate gate;
    private final PulsedPin pin;
    private final ActuationNotifier notifier = new ActuationNotifier();

    /**
     * Claims the pin and releases it.
     *
     * @param config the output's configuration
     * @param gpio   the bundle's pins
     * @throws IllegalArgumentException on a bad value, naming the key
     * @throws IllegalStateException    if the pin is taken or cannot be opened
     */
    @Activate
    public OutputComponent(Config config, @Reference(name = "gpio") Gpio gpio) {
        this(OutputSettings.from(config), gpio);
    }

    OutputComponent(OutputSettings settings, Gpio gpio) {
        this.settings = settings;
        this.gpio = gpio;
        this.scheduler = gpio.scheduler();
        this.decision = new TriggerDecision(settings);
        this.debounce = new MatchDebounce(settings.debounceFrames(), settings.debounceWindow());
        this.gate = new PulseGate(settings.pulse(), settings.minGap());
        boolean activeHigh = settings.activeHigh();
        DigitalOutput output = gpio.openOutput(settings.pin(), settings.name(),
                activeHigh ? DigitalState.LOW : DigitalState.HIGH);
        try {
            pin = new PulsedPin(settings.name(), output, activeHigh, scheduler);
        } catch (RuntimeException e) {
            gpio.release(settings.pin());
            throw e;
        }
        LOG.info("GPIO output started, released: {}", settings);
        if (settings.requireLive()) {
            LOG.warn("GPIO output '{}': require_live = true is NOT enforced: recognition events carry no liveness"
                    + " result yet, so a photo or screen showing an allowed person fires it", settings.name());
        }
    }

    @Reference(name = "listener", service = ActuationListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeListener")
    void addListener(ActuationListener listener) {
        notifier.add(listener);
    }

    void removeListener(ActuationListener listener) {
        notifier.remove(listener);
    }

    /** Releases the pin and gives it back; Pi4J's shutdown level is the inactive one as well. */
    @Deactivate
    void deactivate() {
        pin.close();
        gpio.release(settings.pin());
        LOG.info("GPIO output '{}' (BCM {}) stopped, released", settings.name(), settings.pin());
    }

    /** Decides on the pipeline's thread; a pulse only drives a pin and schedules its release, so it is quick. */
    @Override
    public void recognized(RecognitionEvent event) {
        if (!decision.watches(event.sourceId())) {
            return;
        }
        TriggerDecision.Match match = decision.pick(event);
        if (match == null) {
            return;
        }
        Instant now = scheduler.now();
        if (!decision.fresh(event, now)) {
            LOG.debug("GPIO output '{}': {} #{} captured at {} is older than max_event_age_ms; not fired",
                    settings.name(), event.sourceId(), event.sequence(), event.captured());
            return;
        }
        GpioActuation actuation;
        synchronized (gate) {
            long nanos = scheduler.nanoTime();
            // unknown counts any refused face alike: strangers have no name to tell them apart
            String key = settings.trigger() == Trigger.RECOGNISED ? match.who() : null;
            if (!debounce.confirm(key, nanos)) {
                LOG.debug("GPIO output '{}': {} for {} not confirmed yet (debounce_frames)", settings.name(),
                        match.why(), match.who());
                return;
            }
            PulseGate.Decision d = gate.tryStart(nanos);
            if (d != PulseGate.Decision.START) {
                LOG.debug("GPIO output '{}': {} for {} not fired: {}", settings.name(), match.why(), match.who(), d);
                return;
            }
            if (!pin.pulse(settings.pulse())) {
                return;
            }
            actuation = new GpioActuation(settings.name(), settings.kind(), settings.pin(), match.why(), match.who(),
                    match.similarity(), event.sourceId(), event.sequence(), now, settings.pulse());
        }
        notifier.publish(actuation);
    }
}
