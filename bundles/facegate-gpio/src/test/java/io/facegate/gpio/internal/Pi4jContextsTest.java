package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.pi4j.Pi4J;
import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class Pi4jContextsTest {

    /** A context class loader like the one an OSGi thread brings: it sees none of the embedded plugin jars. */
    private static <T> T onABlindThread(Supplier<T> body) {
        try (URLClassLoader blind = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            return ContextClassLoader.with(blind, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mockHasPi4JsOwnMockDigitalProviders() {
        Context c = Pi4jContexts.open(ProviderChoice.MOCK, getClass().getClassLoader());
        try {
            assertEquals(Set.of("mock-digital-output"), c.providers().all(IOType.DIGITAL_OUTPUT).keySet());
            assertEquals(Set.of("mock-digital-input"), c.providers().all(IOType.DIGITAL_INPUT).keySet());
        } finally {
            c.shutdown();
        }
    }

    @Test
    void withoutTheBundlesLoaderPi4JFindsNoPlugin() {
        // the problem Pi4jContexts works around: ServiceLoader reads the thread's context class loader
        Context c = onABlindThread(() -> Pi4J.newContextBuilder().autoDetect().build());
        try {
            assertEquals(Set.of(), c.providers().all(IOType.DIGITAL_OUTPUT).keySet());
        } finally {
            c.shutdown();
        }
    }

    @Test
    void autoFindsThePluginsThroughTheBundlesLoaderAndRefusesMockPins() {
        assumeFalse(BoardInfoHelper.runningOnRaspberryPi(), "on a Pi, Pi4J skips its mock plugin");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> onABlindThread(
                () -> Pi4jContexts.open(ProviderChoice.AUTO, Pi4jContextsTest.class.getClassLoader())));
        // "only its mock provider" proves discovery worked despite the blind thread
        assertTrue(e.getMessage().startsWith("provider = auto: this machine (board 'Unknown'"), e.getMessage());
        assertTrue(e.getMessage().contains("has no GPIO that Pi4J can drive (it offers only its mock DIGITAL_OUTPUT"
                + " provider [mock-digital-output]"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Set provider = mock in io.facegate.gpio to run without GPIO on purpose"));
    }

    @Test
    void autoOnAMachineWithoutAnyProviderNamesWhatIsMissing() {
        Context empty = onABlindThread(() -> Pi4J.newContextBuilder().autoDetect().build());
        try {
            String problem = Pi4jContexts.hardwareProblem(empty);
            assertTrue(problem.startsWith("provider = auto: Pi4J found no DIGITAL_OUTPUT provider on this machine"),
                    problem);
            assertTrue(problem.contains("pi4j-plugin-raspberrypi and pi4j-plugin-gpiod"), problem);
        } finally {
            empty.shutdown();
        }
    }

    @Test
    void theContextClassLoaderIsRestoredEvenOnFailure() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        assertThrows(IllegalStateException.class, () -> onABlindThread(() -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(before, Thread.currentThread().getContextClassLoader());
    }
}
