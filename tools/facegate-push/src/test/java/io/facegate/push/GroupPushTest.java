package io.facegate.push;

import static io.facegate.push.CliRun.assertLine;
import static io.facegate.push.CliRun.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** {@code push --group} and {@code rollback --group} over a real broker, against fake gateways that lose things. */
class GroupPushTest {
    private static final int CHUNK = 64 * 1024;

    /** One for the class: Moquette takes seconds to stop. */
    private static TestBroker broker;
    @TempDir Path dir;
    private FakeGateways gateways;
    private Path key;
    private Path trust;
    private Path artifact;
    private byte[] content;

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
        content = new byte[200_000]; // 4 chunks of 64 KiB, the last one short
        new Random(11).nextBytes(content);
        artifact = dir.resolve("model.jar");
        Files.write(artifact, content);
    }

    @AfterEach
    void stopGateways() {
        gateways.close();
    }

    @Test
    void everyMemberEndsDoneThoughOneLosesAChunkAndOneResumesAnEarlierRun() throws Exception {
        Path envelope = sign("--group", "floor-1");
        FakeGateway a = gateways.add("pi4-a", "floor-1");
        FakeGateway b = gateways.add("pi4-b", "floor-1").dropRequestOnce(1);
        // pi4-c took chunks 0 and 1 in a broken earlier run of the same job, and loses the reply to chunk 2
        FakeGateway c = gateways.add("pi4-c", "floor-1", "entrance")
                .holding("upd-7", envelope, Arrays.copyOf(content, 2 * CHUNK), 2).loseReplyOnce(2);
        FakeGateway e = gateways.add("pi4-e", "floor-1"); // in the group, not named
        FakeGateway other = gateways.add("pi4-z", "floor-2");

        CliRun r = push("--group", "floor-1", "--members", "pi4-a,pi4-b,pi4-c", "--job", "upd-7", "--reply-s", "0.5");

        assertEquals(0, r.code(), r.out() + r.err());
        for (FakeGateway g : List.of(a, b, c)) {
            assertArrayEquals(content, g.artifact(), "every member holds the artifact");
            assertTrue(g.received().stream().filter(x -> x.command().equals("deploy/install"))
                    .allMatch(x -> x.topic().equals("facegate/" + g.id() + "/cmd/deploy/install")),
                    "chunks go to each member's own topic");
        }
        assertTrue(chunks(b).stream().filter(i -> i == 1).count() >= 2, "the lost chunk was sent again: " + chunks(b));
        assertEquals(2, chunks(c).get(0), "resumed where the gateway stood: " + chunks(c));
        assertTrue(chunks(c).stream().filter(i -> i == 2).count() >= 2, "the unanswered chunk was sent again");
        assertTrue(r.err().contains("pi4-b: no reply to chunk 1 within 0.5 s; sending it again (1 of 3)"), r.err());
        assertTrue(r.err().contains("pi4-c: resuming at chunk 2"), r.err());
        assertLine(r.out(), "pi4-a  done");
        assertLine(r.out(), "pi4-b  done");
        assertLine(r.out(), "pi4-c  done");
        assertLine(r.out(), "pi4-e  not sent  answered for group floor-1, not in --members");
        assertLine(r.out(), "3 of 3 gateway(s) done");
        assertEquals(List.of("deploy/status"), e.received().stream().map(FakeGateway.Received::command).toList(),
                "the unnamed member only heard the roll call");
        assertEquals(List.of(), other.received(), "another group hears nothing");
    }

    @Test
    void aMemberThatNeverAnswersIsReportedAndTheExitIsNonZero() throws Exception {
        sign("--group", "floor-1");
        gateways.add("pi4-a", "floor-1");
        gateways.add("pi4-b", "floor-1").endsAs("rolled_back", "health_check: no FaceEmbedder within 60 s");
        long t0 = System.nanoTime();

        CliRun r = push("--group", "floor-1", "--members", "pi4-a,pi4-b,pi4-d", "--reply-s", "0.4", "--retries", "1");

        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "bounded by the roll call and 2 tries of 0.4 s");
        assertTrue(r.err().contains("pi4-d: did not answer the roll call of group floor-1"), r.err());
        assertLine(r.out(), "pi4-a  done");
        assertLine(r.out(), "pi4-b  rolled_back  health_check: no FaceEmbedder within 60 s");
        assertLine(r.out(), "pi4-d  no answer  no reply to chunk 0 in 2 tries of 0.4 s");
        assertLine(r.out(), "1 of 3 gateway(s) done");

        // every member answered, one with a rollback: refused (2), not unknown (1)
        CliRun again = push("--group", "floor-1", "--members", "pi4-a,pi4-b", "--reply-s", "0.4");
        assertEquals(2, again.code(), again.out() + again.err());
    }

    @Test
    void expectChecksTheRollCallBeforeAnythingIsSent() throws Exception {
        sign("--group", "floor-1");
        FakeGateway a = gateways.add("pi4-a", "floor-1");
        FakeGateway b = gateways.add("pi4-b", "floor-1");

        CliRun missing = push("--group", "floor-1", "--expect", "3");
        assertEquals(1, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains("expected 3 member(s), 2 answered the roll call: pi4-a, pi4-b; nothing sent"),
                missing.err());
        for (FakeGateway g : List.of(a, b)) {
            assertTrue(g.received().stream().allMatch(x -> x.command().equals("deploy/status")), "nothing sent");
        }

        CliRun both = push("--group", "floor-1", "--expect", "2");
        assertEquals(0, both.code(), both.out() + both.err());
        assertLine(both.out(), "2 of 2 gateway(s) done");
        assertArrayEquals(content, a.artifact());
        assertArrayEquals(content, b.artifact());
    }

    @Test
    void aGroupRollbackAsksEveryMemberOnce() throws Exception {
        Path back = sign("--group", "floor-1", "--rollback", "--out", dir.resolve("back.json"));
        FakeGateway a = gateways.add("pi4-a", "floor-1");
        FakeGateway b = gateways.add("pi4-b", "floor-1");

        gateways.start();
        CliRun r = cli("rollback", "--broker", broker.url(), "--group", "floor-1", "--members", "pi4-a,pi4-b",
                "--roll-call-s", "0.3", "--reply-s", "2", "--timeout-s", "5", back);

        assertEquals(0, r.code(), r.out() + r.err());
        for (FakeGateway g : List.of(a, b)) {
            assertEquals(1, g.received().stream().filter(x -> x.command().equals("deploy/rollback")).count());
        }
        assertLine(r.out(), "2 of 2 gateway(s) done");
    }

    @Test
    void aSingleGatewayPushStillReportsTheJob() throws Exception {
        sign("--gateway", "pi4-a");
        FakeGateway a = gateways.add("pi4-a");
        gateways.start();
        CliRun r = cli("push", "--broker", broker.url(), "--gateway", "pi4-a", "--chunk-kib", "64", "--timeout-s", "5",
                artifact);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\"state\":\"done\""), r.out());
        assertTrue(r.err().contains("sent "), r.err());
        assertArrayEquals(content, a.artifact());
    }

    @Test
    void aGroupRunChecksItsCommandLineAndFilesBeforeSendingAnything() throws Exception {
        Object[][] cases = {
                {"--group", "floor-1", "--members", "pi4-a"}, {"is signed for gateway pi4-door, not group floor-1"},
                {"--group", "floor-1"}, {"--group needs --members ID,ID or --expect N"},
                {"--group", "floor-1", "--members", "a", "--expect", "1"}, {"--members or --expect, not both"},
                {"--gateway", "pi4-door", "--members", "pi4-a"}, {"--members goes with --group"},
                {"--gateway", "pi4-door", "--group", "floor-1"}, {"exactly one of --gateway ID or --group G"},
                {"--group", "floor-1", "--expect", "1", "--reply-s", "0"}, {"--reply-s must be a number of seconds"},
                {"--group", "floor-1", "--members", "a,a"}, {"--members names a gateway twice"},
        };
        sign("--group", "floor-1");
        Files.write(artifact, Arrays.copyOf(content, 1000));
        CliRun wrong = push("--group", "floor-1", "--members", "pi4-a");
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("is not the artifact") && wrong.err().contains("truncated: "), wrong.err());
        CliRun notBack = cli("rollback", "--broker", broker.url(), "--group", "floor-1", "--expect", "1",
                artifact.resolveSibling(artifact.getFileName() + ".signed.json"));
        assertEquals(64, notBack.code());
        assertTrue(notBack.err().contains("is no rollback manifest"), notBack.err());

        sign("--gateway", "pi4-door");
        for (int i = 0; i < cases.length; i += 2) {
            List<Object> all = new ArrayList<>(List.of("push", "--broker", broker.url()));
            all.addAll(Arrays.asList(cases[i]));
            all.add(artifact);
            CliRun r = cli(all.toArray());
            assertEquals(64, r.code(), Arrays.toString(cases[i]) + ": " + r.err());
            assertTrue(r.err().contains((String) cases[i + 1][0]), Arrays.toString(cases[i]) + ": " + r.err());
        }
    }

    private CliRun push(Object... options) {
        gateways.start();
        List<Object> all = new ArrayList<>(List.of("push", "--broker", broker.url(), "--chunk-kib", "64",
                "--roll-call-s", "0.3", "--timeout-s", "5"));
        all.addAll(Arrays.asList(options));
        all.add(artifact);
        return cli(all.toArray());
    }

    private Path sign(Object... target) {
        List<Object> all = new ArrayList<>(List.of("sign", "--key", key, "--name",
                "io.facegate.model.mobilefacenet-112", "--version", "1.1.0", "--kind", "model", "--release", "3"));
        all.addAll(Arrays.asList(target));
        all.add(artifact);
        CliRun r = cli(all.toArray());
        assertEquals(0, r.code(), r.err());
        int out = all.indexOf("--out");
        return out >= 0 ? (Path) all.get(out + 1) : artifact.resolveSibling(artifact.getFileName() + ".signed.json");
    }



    private static List<Integer> chunks(FakeGateway g) {
        return g.received().stream().filter(x -> x.command().equals("deploy/install")).map(FakeGateway.Received::chunk)
                .toList();
    }


}
