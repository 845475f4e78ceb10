package io.facegate.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** Loopback TCP ports of the processes a test starts. */
final class Ports {
    private Ports() {
    }

    /** @return a port free on this machine now */
    static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** @return whether something accepts TCP connections on 127.0.0.1:port */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * Waits until the port accepts connections ({@code open}) or refuses them.
     *
     * @throws IllegalStateException if it does not within the timeout
     */
    static void await(int port, boolean open, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (listening(port) != open) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("127.0.0.1:" + port + (open ? " still refuses connections"
                        : " still accepts connections") + " after " + timeout + " " + unit);
            }
            Thread.sleep(50);
        }
    }
}
