package io.facegate.gpio.internal;

import java.util.function.Supplier;

/**
 * Runs code with another thread context class loader. Pi4J looks for its plugins with
 * {@link java.util.ServiceLoader#load(Class)}, which reads {@code META-INF/services} through the context class
 * loader; in OSGi that is whatever the calling thread brought (SCR's, Karaf's), which does not see the plugin jars
 * embedded in this bundle.
 */
final class ContextClassLoader {
    private ContextClassLoader() {
    }

    /**
     * @param loader the loader to install while {@code body} runs
     * @param body   the code
     * @param <T>    its result type
     * @return what {@code body} returned
     */
    static <T> T with(ClassLoader loader, Supplier<T> body) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return body.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }
}
