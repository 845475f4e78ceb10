package io.facegate.gpio.internal;

import com.pi4j.context.Context;
import com.pi4j.io.IO;
import com.pi4j.io.IOType;
import com.pi4j.io.exception.IOAlreadyExistsException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's one Pi4J context (one per JVM: two contexts would fight over the same chip), configured by PID
 * {@value #PID}, e.g. {@code etc/io.facegate.gpio.cfg} with {@code provider = mock}. A delayed component: it starts
 * when the first output or input needs it, so installing the bundle on a machine without GPIO and without any
 * output configuration logs nothing. Shuts the context down on deactivation, after DS has stopped every output
 * and input (they depend on it), so every output has been released first.
 */
@Component(service = Gpio.class, configurationPid = GpioRuntime.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GpioRuntime.Config.class)
public final class GpioRuntime implements Gpio {
    static final String PID = "io.facegate.gpio";
    private static final Logger LOG = LoggerFactory.getLogger(GpioRuntime.class);

    /** Configuration of the Pi4J runtime. */
    @ObjectClassDefinition(name = "facegate GPIO", description = "The Pi4J runtime behind every GPIO output and input")
    public @interface Config {
        /** @return the provider */
        @AttributeDefinition(description = "auto: the board's real Pi4J provider (fails with a clear message on a"
                + " machine without GPIO); mock: Pi4J's mock pins, connected to nothing, for tests",
                options = {@Option(label = "auto", value = "auto"), @Option(label = "mock", value = "mock")})
        String provider() default "auto";
    }

    private final Scheduler scheduler;
    private final Context context;

    /**
     * @param config the typed configuration
     * @throws IllegalArgumentException on a bad value
     * @throws IllegalStateException    with {@code provider = auto} on a machine without GPIO
     */
    @Activate
    public GpioRuntime(Config config) {
        this(GpioSettings.from(config), new ExecutorScheduler("facegate-gpio"));
    }

    /** For tests: a manual scheduler. */
    GpioRuntime(GpioSettings settings, Scheduler scheduler) {
        this.scheduler = scheduler;
        try {
            context = Pi4jContexts.open(settings.provider(), GpioRuntime.class.getClassLoader());
        } catch (RuntimeException e) {
            closeScheduler();
            throw e;
        }
        LOG.info("GPIO runtime started with provider = {}: digital output {}, digital input {}",
                settings.provider().key(), context.providers().all(IOType.DIGITAL_OUTPUT).keySet(),
                context.providers().all(IOType.DIGITAL_INPUT).keySet());
    }

    @Deactivate
    void deactivate() {
        closeScheduler();
        try {
            // drives every output still held to its shutdown (inactive) level
            if (!context.isShutdown()) {
                context.shutdown();
            }
        } catch (RuntimeException e) {
            LOG.warn("Pi4J context shutdown failed: {}", e.toString());
        }
        LOG.info("GPIO runtime stopped");
    }

    private void closeScheduler() {
        if (scheduler instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing the GPIO timer failed", e);
            }
        }
    }

    @Override
    public synchronized DigitalOutput openOutput(int pin, String name, DigitalState inactive) {
        try {
            return context.create(DigitalOutput.newConfigBuilder(context)
                    .id(id(pin)).name(name).address(pin).initial(inactive).shutdown(inactive));
        } catch (IOAlreadyExistsException e) {
            throw taken(pin, name, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("pin BCM " + pin + " ('" + name + "') cannot be opened as an output: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized DigitalInput openInput(int pin, String name, PullResistance pull) {
        try {
            return context.create(DigitalInput.newConfigBuilder(context)
                    .id(id(pin)).name(name).address(pin).pull(pull));
        } catch (IOAlreadyExistsException e) {
            throw taken(pin, name, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("pin BCM " + pin + " ('" + name + "') cannot be opened as an input: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void release(int pin) {
        String id = id(pin);
        try {
            if (context.registry().exists(id)) {
                context.shutdown(id);
            }
        } catch (RuntimeException e) {
            LOG.warn("releasing pin BCM {} failed: {}", pin, e.toString());
        }
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /** @return the Pi4J context, for tests that look at the mock pins */
    Context context() {
        return context;
    }

    /** One Pi4J id per pin, so two configurations naming the same pin collide with a clear message. */
    static String id(int pin) {
        return "bcm" + pin;
    }

    private IllegalStateException taken(int pin, String name, RuntimeException e) {
        String holder = "another GPIO configuration";
        try {
            IO<?, ?, ?> io = context.registry().get(id(pin));
            holder = "'" + io.name() + "'";
        } catch (RuntimeException ignored) {
            // the holder's name is a nicety
        }
        return new IllegalStateException("pin BCM " + pin + " ('" + name + "') is already used by " + holder, e);
    }
}
