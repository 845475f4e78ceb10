package io.facegate.itests;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto, started by a test with one TLS listener on a free loopback port that requires a client
 * certificate signed by the test's CA and takes the certificate's CN as the user name. Nothing is persisted;
 * the log goes to a file in the test's folder and is quoted by failures.
 */
final class TlsMosquitto implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private TlsMosquitto(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts mosquitto and waits until its TLS port accepts connections; skips the test if mosquitto is not
     * installed.
     *
     * @param certs the CA and server certificate
     * @param name  a file name stem for its configuration and log, unique per instance
     */
    static TlsMosquitto start(TestCertificates certs, String name) throws IOException, InterruptedException {
        String binary = binary();
        assumeTrue("skipped: mosquitto is not installed (.ci/run installs Debian's)", binary != null);
        int port = freePort();
        Path conf = certs.dir().resolve(name + ".conf");
        Path log = certs.dir().resolve(name + ".log");
        StringBuilder c = new StringBuilder();
        // started as root, mosquitto would switch to the user 'mosquitto', which cannot read the 0700 folder
        c.append("user ").append(System.getProperty("user.name")).append('\n');
        c.append("persistence false\n");
        c.append("log_dest stderr\n"); // unbuffered, unlike stdout into a file
        c.append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        c.append("connection_messages true\n");
        c.append("listener ").append(port).append(" 127.0.0.1\n");
        c.append("cafile ").append(certs.caPem()).append('\n');
        c.append("certfile ").append(certs.serverPem()).append('\n');
        c.append("keyfile ").append(certs.serverKey()).append('\n');
        c.append("require_certificate true\n");
        c.append("use_identity_as_username true\n");
        c.append("allow_anonymous false\n");
        Files.writeString(conf, c.toString(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(List.of(binary, "-c", conf.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        TlsMosquitto m = new TlsMosquitto(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!m.listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                m.close();
                throw new IllegalStateException("mosquitto did not start on 127.0.0.1:" + port + ": " + m.log());
            }
            Thread.sleep(50);
        }
        return m;
    }

    /** @return its TLS URL */
    String url() {
        return "ssl://127.0.0.1:" + port;
    }

    /** @return its log so far */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops mosquitto (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
