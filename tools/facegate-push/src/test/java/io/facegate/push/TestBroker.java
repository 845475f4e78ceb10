package io.facegate.push;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/** A real MQTT 3.1.1 broker (Moquette, in memory, anonymous) on a loopback port, for tests. */
final class TestBroker implements AutoCloseable {
    private final Server server = new Server();
    private final int port;

    private TestBroker(int port) {
        this.port = port;
    }

    static TestBroker started() {
        TestBroker b = new TestBroker(freePort());
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(b.port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(1024 * 1024));
        p.setProperty("buffer_flush_millis", "0"); // every packet at once: tests wait on round trips
        try {
            b.server.startServer(new MemoryConfig(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stopServer();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
