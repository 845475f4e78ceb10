package io.facegate.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The gateway's embedded broker (bundle {@code facegate-mqtt-broker}), seen from a probe inside the container:
 * stopped and started through its bundle, subscribed to as its {@code reader} user with the password the broker
 * generated at its first start.
 */
final class EmbeddedBroker implements Broker {
    static final String READER = "reader";
    static final String BUNDLE = "facegate-mqtt-broker";

    private final BundleContext context;

    EmbeddedBroker(BundleContext context) {
        this.context = context;
    }

    /** @return the embedded broker's URL (its port is chosen per test gateway by {@link FacegateTestSupport}) */
    static String localUrl() {
        return "tcp://127.0.0.1:" + port();
    }

    private static int port() {
        return Integer.parseInt(System.getProperty(FacegateTestSupport.MQTT_PORT));
    }

    /**
     * @return the reader's password, from {@code ${karaf.etc}/facegate-mqtt-reader.secret}; waits up to 60 s for the
     *         broker to write it at its first start
     */
    static char[] readerPassword() {
        Path secret = Path.of(System.getProperty("karaf.etc"), "facegate-mqtt-" + READER + ".secret");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (Files.size(secret) > 0) {
                    return Files.readString(secret, StandardCharsets.UTF_8).strip().toCharArray();
                }
            } catch (IOException notYet) {
                // the broker has not written it yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the embedded broker wrote no " + secret + " within 60 s");
            }
            sleep(100);
        }
    }

    @Override
    public String url() {
        return localUrl();
    }

    @Override
    public String subscriberUser() {
        return READER;
    }

    @Override
    public char[] subscriberPassword() {
        return readerPassword();
    }

    @Override
    public void awaitSessionsSaved() {
        // with persistence = true the broker writes its store when its bundle stops
    }

    @Override
    public void stop() throws Exception {
        bundle().stop();
        Ports.await(port(), false, 30, TimeUnit.SECONDS);
    }

    @Override
    public void start() throws Exception {
        bundle().start();
        Ports.await(port(), true, 30, TimeUnit.SECONDS);
    }

    private Bundle bundle() {
        return Arrays.stream(context.getBundles()).filter(b -> BUNDLE.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no bundle " + BUNDLE + " in the gateway"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
