package io.facegate.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checkout's {@code ./gateway} script replacing an unpacked gateway with a new build: what the gateway stored
 * ({@code data/facegate}) and what its user configured ({@code etc/}) survive, also when the script is killed
 * (SIGKILL, as a power cut) before or in the middle of the swap. Runs the real script in a copy of the checkout's
 * layout with small stand-in archives (the script only unpacks them).
 */
class GatewayScriptIT {
    private static final String VERSION = "9.9.9";

    @TempDir
    Path checkout;
    private Path home;

    @BeforeEach
    void layout() throws IOException {
        Files.copy(Path.of("..", "gateway"), checkout.resolve("gateway"));
        Files.writeString(checkout.resolve("pom.xml"), "<project>\n  <version>" + VERSION + "</version>\n</project>\n");
        Files.createDirectories(checkout.resolve("gateway-distro/target"));
        home = checkout.resolve("target/gateway/gateway-distro-" + VERSION);
    }

    /** Writes the stand-in archive of one build: a bin/facegate, two etc files, and a marker naming the build. */
    private void build(String name, Map<String, String> etc) throws Exception {
        Path tree = Files.createTempDirectory(checkout, "tree");
        Path root = tree.resolve("gateway-distro-" + VERSION);
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("bin/facegate"), "#!/bin/sh\necho started\n");
        Files.writeString(root.resolve("build.txt"), name);
        for (Map.Entry<String, String> e : etc.entrySet()) {
            Files.writeString(root.resolve("etc").resolve(e.getKey()), e.getValue());
        }
        Path archive = checkout.resolve("gateway-distro/target/gateway-distro-" + VERSION + ".tar.gz");
        run(new ProcessBuilder("tar", "czf", archive.toString(), "-C", tree.toString(), root.getFileName().toString()));
        // newer than the last unpack, as a fresh build is
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60 * (name.length() + 1))));
    }

    private int gateway(String stopAt) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", checkout.resolve("gateway").toString());
        pb.environment().put("FACEGATE_TEST_UNPACK_ONLY", "1");
        if (stopAt != null) {
            pb.environment().put("FACEGATE_TEST_STOP_AT", stopAt);
        }
        return run(pb);
    }

    private static int run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return p.exitValue();
    }

    /** The first build, then what a running gateway leaves: a gallery, a changed and an added etc file. */
    private void firstBuildInUse() throws Exception {
        build("b1", Map.of("io.facegate.pipeline.cfg", "queue=8\n", "org.apache.karaf.shell.cfg", "port=8101\n"));
        assertEquals(0, gateway(null));
        Files.createDirectories(home.resolve("data/facegate/gallery"));
        Files.writeString(home.resolve("data/facegate/gallery/obama.json"), "{\"name\":\"Obama\"}");
        Files.writeString(home.resolve("etc/io.facegate.pipeline.cfg"), "queue=32\n");
        Path secret = home.resolve("etc/facegate-mqtt-operator.secret");
        Files.writeString(secret, "s3cret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    private void assertSecondBuildKeptEverything() throws IOException {
        assertEquals("b2-new", Files.readString(home.resolve("build.txt")), "the new build is in place");
        assertEquals("{\"name\":\"Obama\"}", Files.readString(home.resolve("data/facegate/gallery/obama.json")));
        assertEquals("queue=32\n", Files.readString(home.resolve("etc/io.facegate.pipeline.cfg")),
                "a customised file stays as the user left it");
        assertEquals("port=8102\n", Files.readString(home.resolve("etc/org.apache.karaf.shell.cfg")),
                "a file the user never changed comes from the new build");
        assertEquals("new\n", Files.readString(home.resolve("etc/added-by-b2.cfg")));
        Path secret = home.resolve("etc/facegate-mqtt-operator.secret");
        assertEquals("s3cret", Files.readString(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertFalse(Files.exists(home.resolveSibling("previous")));
        assertFalse(Files.exists(home.resolveSibling("unpacking")));
    }

    private void secondBuild() throws Exception {
        build("b2-new", Map.of("io.facegate.pipeline.cfg", "queue=16\n", "org.apache.karaf.shell.cfg", "port=8102\n",
                "added-by-b2.cfg", "new\n"));
    }

    @Test
    void aNewBuildKeepsTheGalleryAndTheCustomisedConfiguration() throws Exception {
        firstBuildInUse();
        secondBuild();
        assertEquals(0, gateway(null));
        assertSecondBuildKeptEverything();
    }

    @ParameterizedTest
    @ValueSource(strings = {"copied", "swap"})
    void aPowerCutDuringTheReplacementLosesNothing(String stopAt) throws Exception {
        firstBuildInUse();
        secondBuild();
        assertEquals(137, gateway(stopAt), "killed with SIGKILL at " + stopAt);
        if (stopAt.equals("swap")) {
            assertFalse(Files.exists(home), "cut between the renames: the old gateway is aside, the new not in place");
        }
        assertEquals(0, gateway(null));
        assertSecondBuildKeptEverything();
    }
}
