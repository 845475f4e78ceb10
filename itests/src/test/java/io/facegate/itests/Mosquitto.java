package io.facegate.itests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto, started by the test as a child process on a loopback port with a configuration file the test
 * writes: anonymous clients allowed (loopback only), sessions kept across restarts in {@code <dir>/db/} (saved every
 * second, so a SIGKILL loses at most the last second), large queues for offline durable subscribers. Killed with
 * SIGKILL by {@link #stop()} (a broker crash, not a clean shutdown) and started again on the same port by
 * {@link #start()}.
 */
final class Mosquitto implements Broker, AutoCloseable {
    /** Where Debian installs it; {@code /usr/sbin} is not on a non-root PATH. */
    private static final List<String> BINARIES = List.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
            "/usr/bin/mosquitto");

    private final Path dir;
    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    /**
     * Writes the configuration; starts nothing.
     *
     * @param dir  folder for its configuration, log and store (created)
     * @param port loopback port to listen on
     */
    Mosquitto(Path dir, int port) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.port = port;
        Path db = Files.createDirectories(dir.resolve("db"));
        config = dir.resolve("mosquitto.conf");
        log = dir.resolve("mosquitto.log");
        Files.writeString(config, String.join("\n",
                "# written by the facegate integration test",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                // started as root, mosquitto would switch to the user 'mosquitto', who cannot write here
                "user " + System.getProperty("user.name"),
                "persistence true",
                "persistence_location " + db + "/",
                "autosave_interval 1",
                "max_queued_messages 100000",
                "max_inflight_messages 100",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                ""), StandardCharsets.UTF_8);
    }

    /** @return the mosquitto binary */
    static String binary() {
        for (String b : BINARIES) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        throw new IllegalStateException("mosquitto is not installed (looked in " + BINARIES + "); on Debian:"
                + " apt-get install mosquitto (.ci/run does)");
    }

    /** @return its loopback port */
    int port() {
        return port;
    }

    @Override
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public String subscriberUser() {
        return null;
    }

    @Override
    public char[] subscriberPassword() {
        return null;
    }

    /**
     * Starts it (again: same port, same store) and waits until it accepts connections.
     *
     * @throws IllegalStateException if it exits or does not listen within 15 s; the message carries its log
     */
    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("mosquitto already runs");
        }
        process = new ProcessBuilder(binary(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Ports.listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("mosquitto did not start on port " + port + "; its log:\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /** Kills it with SIGKILL and waits until it is gone and its port refuses connections. */
    @Override
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mosquitto survived SIGKILL for 10 s");
        }
        process = null;
        Ports.await(port, false, 10, TimeUnit.SECONDS);
    }

    /** Waits (up to 10 s) until mosquitto has saved its store after this call, sessions included. */
    @Override
    public void awaitSessionsSaved() throws InterruptedException {
        Path db = dir.resolve("db").resolve("mosquitto.db");
        FileTime asked = FileTime.fromMillis(System.currentTimeMillis());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if (Files.getLastModifiedTime(db).compareTo(asked) > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // not saved yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not save " + db + " within 10 s; its log:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** @return its log so far */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills it if it runs. */
    @Override
    public synchronized void close() throws InterruptedException {
        stop();
    }
}
