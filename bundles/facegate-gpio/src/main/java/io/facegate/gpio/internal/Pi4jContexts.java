package io.facegate.gpio.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one Pi4J {@link Context} of the bundle for a {@link ProviderChoice}. */
final class Pi4jContexts {
    private static final Logger LOG = LoggerFactory.getLogger(Pi4jContexts.class);
    private static final String MOCK_PACKAGE = "com.pi4j.plugin.mock.";
    private static final List<IOType> NEEDED = List.of(IOType.DIGITAL_OUTPUT, IOType.DIGITAL_INPUT);

    private Pi4jContexts() {
    }

    /**
     * @param choice  where the pins come from
     * @param plugins the class loader that sees Pi4J's plugin jars (this bundle's)
     * @return a context with digital input and output providers
     * @throws IllegalStateException with {@code provider = auto} where Pi4J finds no real GPIO provider
     */
    static Context open(ProviderChoice choice, ClassLoader plugins) {
        return switch (choice) {
            case MOCK -> mock();
            case AUTO -> auto(plugins);
        };
    }

    /** Explicit providers, no discovery: a real plugin embedded later can never take over a mock context. */
    private static Context mock() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
    }

    private static Context auto(ClassLoader plugins) {
        Context context = ContextClassLoader.with(plugins, () -> Pi4J.newContextBuilder().autoDetect().build());
        String problem = hardwareProblem(context);
        if (problem != null) {
            try {
                context.shutdown();
            } catch (RuntimeException e) {
                LOG.debug("shutting down the unusable Pi4J context failed", e);
            }
            throw new IllegalStateException(problem);
        }
        return context;
    }

    /**
     * Pi4J 2.8 falls back to its mock plugin by itself on a machine that is not a Raspberry Pi: pins that drive
     * nothing, a door that never opens and no error. {@code auto} refuses that.
     *
     * @param context an auto-detected context
     * @return why it cannot drive real pins, or {@code null} if it can
     */
    static String hardwareProblem(Context context) {
        for (IOType type : NEEDED) {
            Map<String, ?> providers = context.providers().all(type);
            if (providers.isEmpty()) {
                return "provider = auto: Pi4J found no " + type + " provider on " + board(context)
                        + ". This facegate-gpio embeds only Pi4J's mock plugin; a Raspberry Pi needs"
                        + " pi4j-plugin-raspberrypi and pi4j-plugin-gpiod embedded (bundles/facegate-gpio/README.md)."
                        + " Set provider = mock in io.facegate.gpio to run without GPIO";
            }
            boolean allMock = providers.values().stream()
                    .allMatch(p -> p.getClass().getName().startsWith(MOCK_PACKAGE));
            if (allMock) {
                return "provider = auto: " + board(context) + " has no GPIO that Pi4J can drive (it offers only its"
                        + " mock " + type + " provider " + providers.keySet() + ", whose pins are connected to"
                        + " nothing). Set provider = mock in io.facegate.gpio to run without GPIO on purpose";
            }
        }
        return null;
    }

    private static String board(Context context) {
        try {
            var info = context.boardInfo();
            return "this machine (board '" + info.getBoardModel().getLabel() + "', " + info.getOperatingSystem() + ")";
        } catch (RuntimeException e) {
            return "this machine";
        }
    }
}
