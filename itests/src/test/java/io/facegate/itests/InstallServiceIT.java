package io.facegate.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's {@code bin/install-service}, in the mode that only writes the systemd unit (the rest needs
 * root and a running systemd): the unit runs the gateway in the foreground as its own user, restarts it on failure,
 * starts at boot, sizes the JVM for the board, may write only the gateway's own folders, and hides its processes
 * from other users; systemd's own checker reads it without errors where systemd is installed.
 */
class InstallServiceIT {
    @TempDir
    Path dir;

    private record Run(int code, String out) {
    }

    private static Run run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void theUnitRunsTheGatewayAsItsOwnUserRestartsItAndStartsAtBoot() throws Exception {
        Path home = GatewayProcess.unpackBuilt(dir.resolve("gw")).home();
        Path root = dir.resolve("root");
        Run r = run(List.of(home.resolve("bin/install-service").toString(), "--root", root.toString(),
                "--heap", "512m"));
        assertEquals(0, r.code(), r.out());
        String unit = Files.readString(root.resolve("etc/systemd/system/facegate.service"));
        for (String line : List.of("User=facegate", "ExecStart=" + home + "/bin/karaf daemon", "Restart=on-failure",
                "WantedBy=multi-user.target", "Environment=\"EXTRA_JAVA_OPTS=-Xmx512m -XX:MaxDirectMemorySize=256m\"",
                "ReadWritePaths=" + home + "/data " + home + "/etc " + home + "/instances", "ProtectSystem=strict",
                "ProtectProc=invisible", "NoNewPrivileges=true")) {
            assertTrue(unit.lines().anyMatch(line::equals), "a line '" + line + "' in\n" + unit);
        }
        // bin/setenv adds the flag that makes an OutOfMemoryError end the JVM, for Restart= to act on
        assertTrue(Files.readString(home.resolve("bin/setenv")).contains("-XX:+ExitOnOutOfMemoryError"));

        Run bad = run(List.of(home.resolve("bin/install-service").toString(), "--root", root.toString(),
                "--heap", "lots"));
        assertEquals(64, bad.code(), bad.out());

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (Files.isExecutable(analyze)) {
            // the unit's commands are checked where they are: the real home, not under --root
            Run verify = run(List.of(analyze.toString(), "verify",
                    root.resolve("etc/systemd/system/facegate.service").toString()));
            assertEquals(0, verify.code(), verify.out());
            assertEquals("", verify.out().strip(), "systemd has nothing to say about the unit");
        }
    }
}
