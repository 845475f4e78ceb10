package io.facegate.push;

import static io.facegate.push.CliRun.assertLine;
import static io.facegate.push.CliRun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uninstall} and {@code push --url}, one request per gateway, over a real broker against fake gateways. */
class RequestJobTest {
    private static final String NAME = "io.facegate.model.mobilefacenet-112";
    private static final String URL = "https://files.example/models/mobilefacenet-1.1.0.jar?token=t0k";

    /** One for the class: Moquette takes seconds to stop. */
    private static TestBroker broker;
    @TempDir Path dir;
    private FakeGateways gateways;
    private Path key;
    private Path trust;
    private Path artifact;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.started();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void operatorAndArtifact() throws Exception {
        assertEquals(0, cli("keygen", "--out", dir.resolve("keys"), "--name", "alice").code());
        key = dir.resolve("keys/alice.key");
        trust = Files.createDirectory(dir.resolve("facegate-deploy-keys"));
        Files.copy(dir.resolve("keys/alice.pub"), trust.resolve("alice.pub"));
        gateways = new FakeGateways(broker.url(), trust);
        byte[] content = new byte[200_000];
        new Random(13).nextBytes(content);
        artifact = dir.resolve("model.jar");
        Files.write(artifact, content);
    }

    @AfterEach
    void stopGateways() {
        gateways.close();
    }

    @Test
    void anUninstallIsOneRequestFollowedToDone() throws Exception {
        Path envelope = signUninstall("--gateway", "pi4-a");
        FakeGateway a = gateways.add("pi4-a").installed(NAME, "1.1.0");
        gateways.start();

        CliRun r = cli("uninstall", "--broker", broker.url(), "--gateway", "pi4-a", "--timeout-s", "5", envelope);

        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\"state\":\"done\""), r.out());
        assertFalse(a.has(NAME), "removed");
        assertEquals(List.of("deploy/uninstall"), commands(a), "one request, the rest came as notices");
    }

    @Test
    void aBundleOthersImportFromIsRefusedWithTheGatewaysReason() throws Exception {
        Path envelope = signUninstall("--group", "floor-1");
        FakeGateway a = gateways.add("pi4-a", "floor-1").installed(NAME, "1.1.0");
        FakeGateway b = gateways.add("pi4-b", "floor-1").installed(NAME, "1.1.0").importedBy(NAME, "facegate-gallery");
        FakeGateway c = gateways.add("pi4-c", "floor-1").installed(NAME, "1.0.0");
        gateways.start();

        CliRun group = cli("uninstall", "--broker", broker.url(), "--group", "floor-1", "--members", "pi4-a,pi4-b,pi4-c",
                "--roll-call-s", "0.3", "--reply-s", "2", "--timeout-s", "5", envelope);

        assertEquals(2, group.code(), "every member answered, two said no: " + group.out() + group.err());
        assertLine(group.out(), "pi4-a  done");
        assertLine(group.out(), "pi4-b  refused  409 removing " + NAME + " would leave bundles unresolved"
                + " (facegate-gallery imports from it); remove those first");
        assertLine(group.out(), "pi4-c  refused  404 no bundle " + NAME + " 1.1.0");
        assertLine(group.out(), "1 of 3 gateway(s) done");
        assertFalse(a.has(NAME));
        assertTrue(b.has(NAME) && c.has(NAME));
        assertEquals(1, commands(b).stream().filter(x -> x.equals("deploy/uninstall")).count(), "a 409 is not resent");

        // a group's envelope may go to one member; the same refusal, the same exit code
        CliRun one = cli("uninstall", "--broker", broker.url(), "--gateway", "pi4-b", "--timeout-s", "5", envelope);
        assertEquals(2, one.code(), one.out() + one.err());
        assertTrue(one.out().startsWith("409 removing " + NAME), one.out());
    }

    @Test
    void envelopesAndUrlsAreCheckedBeforeAnythingIsSent() throws Exception {
        Path install = sign("--gateway", "pi4-a");
        Path forA = signUninstall("--gateway", "pi4-a");
        Path forGroup = signUninstall("--group", "floor-1");
        FakeGateway a = gateways.add("pi4-a", "floor-1");
        gateways.start();
        Object[][] cases = {
                {"uninstall", "--gateway", "pi4-a", install}, {"is no uninstall manifest: sign it with --uninstall"},
                {"uninstall", "--gateway", "pi4-b", forA}, {"is signed for gateway pi4-a, not gateway pi4-b"},
                {"uninstall", "--group", "floor-2", "--expect", "1", forGroup},
                {"is signed for group floor-1, not group floor-2: sign it with --group floor-2"},
                {"uninstall", "--gateway", "pi4-a", forA, install}, {"expected one ENVELOPE"},
                {"rollback", "--gateway", "pi4-a", forA}, {"is no rollback manifest"},
                {"push", "--gateway", "pi4-a", "--url", URL, "--envelope", forA},
                {"is an uninstall manifest: send it with 'uninstall'"},
                {"push", "--gateway", "pi4-a", "--envelope", forA, artifact}, {"is an uninstall manifest"},
                {"push", "--gateway", "pi4-a", "--url", "ftp://files.example/m.jar", artifact}, {"--url must be"},
                {"push", "--gateway", "pi4-a", "--url", "https://files.example/m.jar#x", artifact}, {"--url must be"},
                {"push", "--gateway", "pi4-a", "--url", URL}, {"needs the ARTIFACT"},
                {"push", "--gateway", "pi4-a", "--url", URL, "--chunk-kib", "64", artifact}, {"--chunk-kib goes with"},
                {"push", "--gateway", "pi4-a", "--url", URL, artifact, artifact}, {"at most one ARTIFACT"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            List<Object> all = new ArrayList<>(List.of(cases[i][0], "--broker", broker.url()));
            all.addAll(Arrays.asList(cases[i]).subList(1, cases[i].length));
            CliRun r = cli(all.toArray());
            assertEquals(64, r.code(), Arrays.toString(cases[i]) + ": " + r.err());
            assertTrue(r.err().contains((String) cases[i + 1][0]), Arrays.toString(cases[i]) + ": " + r.err());
        }
        Files.write(artifact, new byte[1000]);
        CliRun wrong = cli("push", "--broker", broker.url(), "--gateway", "pi4-a", "--url", URL, "--envelope", install,
                artifact);
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("is not the artifact") && wrong.err().contains("truncated: "), wrong.err());
        assertEquals(List.of(), a.received(), "nothing was sent");
    }

    @Test
    void pushUrlIsOneInstallRequestAndTheGatewaysDownloadFollowed() throws Exception {
        sign("--gateway", "pi4-a");
        FakeGateway a = gateways.add("pi4-a");
        gateways.start();

        CliRun r = cli("push", "--broker", broker.url(), "--gateway", "pi4-a", "--url", URL, "--timeout-s", "5", artifact);

        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(List.of(URL), a.urls());
        assertEquals(List.of("deploy/install"), commands(a), "no chunks");
        assertEquals(0, a.artifact().length);
        assertTrue(r.out().contains("\"state\":\"done\""), r.out());
        assertTrue(r.err().contains("] 100000/200000 bytes") && r.err().contains("] 200000/200000 bytes"), r.err());
    }

    @Test
    void aGroupPushUrlReportsEachMembersDownload() throws Exception {
        Path envelope = sign("--group", "floor-1");
        FakeGateway a = gateways.add("pi4-a", "floor-1");
        FakeGateway b = gateways.add("pi4-b", "floor-1").endsAs("failed", "fetch: HTTP 404 Not Found (nothing was changed)");
        gateways.start();

        CliRun r = cli("push", "--broker", broker.url(), "--group", "floor-1", "--members", "pi4-a,pi4-b", "--url", URL,
                "--envelope", envelope, "--roll-call-s", "0.3", "--reply-s", "2", "--timeout-s", "5");

        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("note: no ARTIFACT given"), r.err());
        assertLine(r.out(), "pi4-a  done");
        assertLine(r.out(), "pi4-b  failed  fetch: HTTP 404 Not Found (nothing was changed)");
        assertLine(r.out(), "1 of 2 gateway(s) done");
        for (FakeGateway g : List.of(a, b)) {
            assertEquals(List.of(URL), g.urls());
        }
    }

    /** @return the envelope, at its default place next to the artifact */
    private Path sign(Object... target) {
        List<Object> all = new ArrayList<>(List.of("sign", "--key", key, "--name", NAME, "--version", "1.1.0",
                "--kind", "model", "--release", "3"));
        all.addAll(Arrays.asList(target));
        all.add(artifact);
        CliRun r = cli(all.toArray());
        assertEquals(0, r.code(), r.err());
        return artifact.resolveSibling(artifact.getFileName() + ".signed.json");
    }

    private Path signUninstall(Object... target) {
        Path out = dir.resolve("uninstall-" + target[1] + ".json");
        List<Object> all = new ArrayList<>(List.of("sign", "--uninstall", "--key", key, "--name", NAME, "--version",
                "1.1.0", "--kind", "model", "--release", "4", "--out", out));
        all.addAll(Arrays.asList(target));
        CliRun r = cli(all.toArray());
        assertEquals(0, r.code(), r.err());
        return out;
    }



    /** @return the commands it got on its own topic (not the roll call's group topic) */
    private static List<String> commands(FakeGateway g) {
        return g.received().stream().filter(x -> x.topic().startsWith("facegate/" + g.id() + "/"))
                .map(FakeGateway.Received::command).filter(c -> !c.equals("deploy/status")).toList();
    }


}
