package io.facegate.mqtt.broker.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Typed DS configurations as SCR builds them (annotation defaults overridden by .cfg keys), free ports, and the
 * generated passwords.
 */
final class BrokerConfigs {
    private BrokerConfigs() {
    }

    static EmbeddedBrokerComponent.Config config(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int k = 0; k < keyValues.length; k += 2) {
            values.put((String) keyValues[k], keyValues[k + 1]);
        }
        for (Method m : EmbeddedBrokerComponent.Config.class.getDeclaredMethods()) {
            values.putIfAbsent(m.getName().replace("__", "_"), m.getDefaultValue());
        }
        return (EmbeddedBrokerComponent.Config) Proxy.newProxyInstance(BrokerConfigs.class.getClassLoader(),
                new Class<?>[] {EmbeddedBrokerComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return EmbeddedBrokerComponent.Config.class;
                    }
                    String key = method.getName().replace("__", "_");
                    if (!values.containsKey(key)) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(key);
                });
    }

    static BrokerSettings settings(Object... keyValues) {
        return BrokerSettings.from(config(keyValues), null, null);
    }

    /** @return the password the broker generated for a user in {@code credentialsDir} */
    static String password(Path credentialsDir, String user) {
        try {
            return Files.readString(CredentialFiles.secretFile(credentialsDir, user), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the loopback port can be bound right now */
    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
