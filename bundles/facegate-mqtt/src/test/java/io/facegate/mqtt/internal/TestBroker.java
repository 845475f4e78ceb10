package io.facegate.mqtt.internal;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/** A real MQTT 3.1.1 broker (Moquette, in memory) on a loopback port, for tests. */
final class TestBroker implements AutoCloseable {
    private final int port;
    private Server server;

    TestBroker(int port) {
        this.port = port;
    }

    /** @return a loopback port that was free a moment ago */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestBroker started() {
        TestBroker b = new TestBroker(freePort());
        b.start();
        return b;
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    synchronized TestBroker start() {
        if (server != null) {
            throw new IllegalStateException("already running");
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(256 * 1024));
        Server s = new Server();
        try {
            s.startServer(new MemoryConfig(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = s;
        return this;
    }

    synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
