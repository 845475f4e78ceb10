package io.moquette.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moquette.broker.config.MemoryConfig;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real Moquette 0.17 broker whose session loop is ended by a throwing command, then restarted. */
class SessionLoopsTest {
    @Test
    @Timeout(60)
    void aLoopThatACommandEndedRunsTheCommandsQueuedMeanwhileOnceRestarted() throws Exception {
        Properties p = new Properties();
        try (ServerSocket free = new ServerSocket(0)) {
            p.setProperty("port", Integer.toString(free.getLocalPort()));
        }
        p.setProperty("host", "127.0.0.1");
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "false");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        try {
            PostOffice postOffice = SessionLoops.field(Server.class, server, "dispatcher", PostOffice.class);
            SessionLoops loops = SessionLoops.of(server);
            assertEquals(0, loops.restartEnded(n -> { }), "all loops run after the start");

            postOffice.routeCommand("client-a", "boom", () -> {
                throw new IllegalStateException("a command that fails");
            });
            CountDownLatch ran = new CountDownLatch(1);
            postOffice.routeCommand("client-a", "after", () -> {
                ran.countDown();
                return "client-a";
            });
            assertFalse(ran.await(1, TimeUnit.SECONDS), "Moquette 0.17 ends the loop: the next command waits");
            List<String> restarted = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (restarted.isEmpty() && System.nanoTime() < deadline) {
                loops.restartEnded(restarted::add);
                Thread.sleep(50);
            }
            assertEquals(1, restarted.size(), "the one loop that ended: " + restarted);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the queued command ran on the new loop");
            assertEquals(0, loops.restartEnded(n -> { }), "nothing more to restart");
        } finally {
            server.stopServer();
        }
    }
}
