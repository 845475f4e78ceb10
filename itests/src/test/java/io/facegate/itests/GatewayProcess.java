package io.facegate.itests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The built gateway distribution unpacked into a folder and run as a child process of the test, as an operator
 * runs it ({@code bin/karaf daemon}: no console, and the script {@code exec}s the JVM, so the child is the JVM
 * itself, started with the JDK flags of bin/karaf). Unlike a Pax Exam container it can be killed with SIGKILL.
 */
final class GatewayProcess implements AutoCloseable {
    private final Path home;
    private final Map<String, String> environment;
    private Process process;
    private int starts;

    private GatewayProcess(Path home, Map<String, String> environment) {
        this.home = home;
        this.environment = environment;
    }

    /**
     * Unpacks the distribution.
     *
     * @param tarGz       the distribution, {@code gateway-distro-<version>.tar.gz}
     * @param into        an empty or missing folder
     * @param javacpp     where TensorFlow's natives are cached (shared between runs so they are not unpacked again)
     * @return the gateway, not started
     */
    static GatewayProcess unpack(Path tarGz, Path into, Path javacpp) throws IOException, InterruptedException {
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", tarGz.toString(), "-C", into.toString(),
                "--strip-components=1").redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0 || !Files.isExecutable(into.resolve("bin/karaf"))) {
            throw new IllegalStateException("cannot unpack " + tarGz + " into " + into + ": " + out);
        }
        return new GatewayProcess(into, Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                // comes after bin/setenv's own -D on the command line, so it wins
                "KARAF_OPTS", "-Dorg.bytedeco.javacpp.cachedir=" + javacpp,
                // a SIGKILLed gateway leaves its pid in instances/instance.properties
                "CHECK_ROOT_INSTANCE_RUNNING", "false"));
    }

    /**
     * Unpacks the distribution this build made (from the local Maven repository) into {@code into}.
     *
     * @throws IllegalStateException if it was not built
     */
    static GatewayProcess unpackBuilt(Path into) throws IOException, InterruptedException {
        String version = System.getProperty("facegate.version");
        Path distribution = Path.of(System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository"), "io", "facegate", "gateway-distro", version,
                "gateway-distro-" + version + ".tar.gz");
        if (!Files.isRegularFile(distribution)) {
            throw new IllegalStateException("the built distribution is missing: " + distribution);
        }
        return unpack(distribution, into, Path.of(System.getProperty("javacpp.cachedir",
                System.getProperty("user.home") + "/.javacpp/cache")));
    }

    /**
     * Points the gateway at a broker that the test runs (anonymous), as gateway {@code gatewayId}: the embedded
     * broker and the console move to free ports, off the defaults.
     */
    void useBroker(String brokerUrl, String gatewayId) throws IOException {
        configure("org.apache.karaf.shell.cfg", "sshPort", String.valueOf(Ports.free()));
        configure("io.facegate.mqtt.broker.cfg", "port", String.valueOf(Ports.free()));
        configure("io.facegate.mqtt.cfg", "broker_url", brokerUrl);
        configure("io.facegate.mqtt.cfg", "username", "");
        configure("io.facegate.mqtt.cfg", "password_file", "");
        configure("io.facegate.mqtt.cfg", "gateway_id", gatewayId);
        configure("io.facegate.mqtt.cfg", "reconnect_max_delay_ms", "2000");
    }

    /** @return the distribution's folder */
    Path home() {
        return home;
    }

    /** @return {@code data/} */
    Path data() {
        return home.resolve("data");
    }

    /**
     * Sets {@code key = value} in a file under etc/, replacing the key's line or adding one (creating the file).
     *
     * @param file e.g. {@code io.facegate.mqtt.cfg}
     */
    void configure(String file, String key, String value) throws IOException {
        Path cfg = home.resolve("etc").resolve(file);
        List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg, StandardCharsets.UTF_8))
                : new ArrayList<>();
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        String entry = key + " = " + value;
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (line.matcher(lines.get(i)).matches()) {
                lines.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(entry);
        }
        Files.write(cfg, lines, StandardCharsets.UTF_8);
    }

    /** Starts the gateway in the background; its stdout and stderr go to {@code console-<n>.log}. */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the gateway already runs");
        }
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "daemon")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console-" + ++starts + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(environment);
        process = pb.start();
    }

    /** @return the running JVM's command-line arguments, as the operating system shows them */
    synchronized List<String> arguments() {
        return process == null ? List.of() : List.of(process.info().arguments().orElse(new String[0]));
    }

    /** @return whether it runs */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the gateway with SIGKILL, the JVM and whatever it started, and waits until they are all gone: a power
     * cut as far as the gateway can tell.
     */
    synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        // its children are listed while the JVM lives (they cannot be found once it is gone); the JVM dies first
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly(); // SIGKILL on Linux
        all.forEach(ProcessHandle::destroyForcibly);
        all.add(process.toHandle());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle p : all) {
            while (p.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("process " + p.pid() + " survived SIGKILL for 30 s");
                }
                Thread.sleep(20);
            }
        }
        process.waitFor();
        process = null;
    }

    /** @return the last lines of the Karaf log, for failure messages */
    String logTail(int lines) {
        Path log = data().resolve("log/karaf.log");
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }

    /** Kills it if it runs. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
