package io.facegate.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One motion sensor per factory configuration {@value #FACTORY_PID}, e.g. {@code etc/io.facegate.gpio.motion-hall.cfg}
 * with {@code pin = 4}: feeds the pin's levels to a {@link MotionDetector}. Its wakes are only logged until
 * facegate-api can wake a frame source (README, "Waking camera sources").
 */
@Component(configurationPid = MotionComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = MotionComponent.Config.class, factory = true)
public final class MotionComponent {
    static final String FACTORY_PID = "io.facegate.gpio.motion";
    private static final Logger LOG = LoggerFactory.getLogger(MotionComponent.class);

    /** Configuration of one motion input. */
    @ObjectClassDefinition(name = "facegate GPIO motion input",
            description = "A PIR motion sensor that wakes camera sources for a burst; one configuration per pin")
    public @interface Config {
        /** @return name */
        @AttributeDefinition(required = false, description = "Name in logs: 1-64 of A-Z a-z 0-9 . _ -;"
                + " default pir-bcm<pin>")
        String name() default "";

        /** @return pin */
        @AttributeDefinition(description = "BCM GPIO number, 2..27 (required)")
        int pin() default -1;

        /** @return pull */
        @AttributeDefinition(description = "Internal resistor: down (a disconnected sensor reads as no motion), up"
                + " or off", options = {@Option(label = "down", value = "down"), @Option(label = "up", value = "up"),
                        @Option(label = "off", value = "off")})
        String pull() default "down";

        /** @return active level */
        @AttributeDefinition(name = "active_high", description = "true: motion is the high level (HC-SR501)")
        boolean active__high() default true;

        /** @return debounce */
        @AttributeDefinition(name = "debounce_ms", description = "The line must stay active this long before it"
                + " counts, ms (0..10000)")
        long debounce__ms() default MotionSettings.DEFAULT_DEBOUNCE_MS;

        /** @return burst */
        @AttributeDefinition(name = "burst_s", description = "Camera sources stay awake this long after motion,"
                + " renewed while it lasts, s (1..3600)")
        long burst__s() default MotionSettings.DEFAULT_BURST_S;
    }

    private final MotionSettings settings;
    private final Gpio gpio;
    private final DigitalInput input;
    private final MotionDetector detector;
    private final DigitalStateChangeListener edges;

    /**
     * @param config the input's configuration
     * @param gpio   the bundle's pins
     * @throws IllegalArgumentException on a bad value, naming the key
     * @throws IllegalStateException    if the pin is taken or cannot be opened
     */
    @Activate
    public MotionComponent(Config config, @Reference(name = "gpio") Gpio gpio) {
        this(MotionSettings.from(config), gpio, MotionComponent::logWake);
    }

    MotionComponent(MotionSettings settings, Gpio gpio, MotionListener listener) {
        this.settings = settings;
        this.gpio = gpio;
        this.detector = new MotionDetector(settings.name(), settings.pin(), settings.debounce(), settings.burst(),
                gpio.scheduler(), listener);
        this.input = gpio.openInput(settings.pin(), settings.name(), settings.pull());
        this.edges = event -> detector.level(isActive(event.state()));
        try {
            input.addListener(edges);
            // someone may already be there
            detector.level(isActive(input.state()));
        } catch (RuntimeException e) {
            detector.close();
            gpio.release(settings.pin());
            throw e;
        }
        LOG.info("GPIO motion input started: {}", settings);
    }

    @Deactivate
    void deactivate() {
        try {
            input.removeListener(edges);
        } catch (RuntimeException e) {
            LOG.debug("removing the edge listener failed", e);
        }
        detector.close();
        gpio.release(settings.pin());
        LOG.info("GPIO motion input '{}' (BCM {}) stopped", settings.name(), settings.pin());
    }

    private boolean isActive(DigitalState state) {
        return settings.activeHigh() ? state == DigitalState.HIGH : state == DigitalState.LOW;
    }

    private static void logWake(MotionWake wake) {
        LOG.info("motion on '{}' (BCM {}): camera sources should stay awake for {} s (not wired yet: no source can"
                + " be woken through facegate-api)", wake.input(), wake.pin(), wake.burst().getSeconds());
    }
}
