package io.facegate.deploy.manifest;

import io.facegate.deploy.internal.AtomicWrite;
import static io.facegate.deploy.manifest.Fixtures.manifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseLedgerTest {
    private static final KeyPair KEY = Keys.generate();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("data/facegate/deploy/releases.json");
    }

    private static Manifest release(long n) {
        return manifest(KEY).release(n).sha256(String.format("%064x", n)).version("1.0." + n)
                .created(Fixtures.CREATED.plusSeconds(n)).build();
    }

    @Test
    void startsEmptyOnAFileOnlyTheOwnerCanReadAndSurvivesAReopen() throws Exception {
        ReleaseLedger ledger = ReleaseLedger.open(file());
        assertTrue(Files.exists(file()), "written at once, so an unwritable folder shows at start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));
        assertEquals(OptionalLong.empty(), ledger.highestRelease(Fixtures.NAME));
        ledger.record(release(3));
        ledger.record(release(7));
        ledger.record(release(3).toBuilder().rollback(true).created(Fixtures.CREATED.plusSeconds(100)).build());

        ReleaseLedger again = ReleaseLedger.open(file());
        assertEquals(7, again.highestRelease(Fixtures.NAME).getAsLong());
        assertEquals(ledger.history(Fixtures.NAME), again.history(Fixtures.NAME));
        assertEquals(List.of(false, false, true), again.history(Fixtures.NAME).stream()
                .map(ReleaseLedger.Accepted::rollback).toList());
        assertEquals("1.0.7", again.history(Fixtures.NAME).get(1).version());
        VerificationException e = assertThrows(VerificationException.class, () -> again.check(release(7)));
        assertEquals(Reason.STALE_RELEASE, e.reason());
    }

    @Test
    void recordRefusesWhatTheRuleRefuses() throws Exception {
        ReleaseLedger ledger = ReleaseLedger.open(file());
        ledger.record(release(5));
        byte[] before = Files.readAllBytes(file());
        VerificationException e = assertThrows(VerificationException.class, () -> ledger.record(release(4)));
        assertEquals(Reason.STALE_RELEASE, e.reason());
        assertTrue(e.getMessage().contains("not newer than the highest accepted release 5"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"half-written", "written", "synced"})
    void aFailedWriteChangesNothingOnDiskNorInMemory(String step) throws Exception {
        ReleaseLedger.open(file()).record(release(1));
        byte[] before = Files.readAllBytes(file());
        ReleaseLedger ledger = ReleaseLedger.open(file(), s -> {
            if (s.equals(step)) {
                throw new IOException("simulated failure at " + s);
            }
        });
        IOException e = assertThrows(IOException.class, () -> ledger.record(release(2)));
        assertTrue(e.getMessage().contains(step), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
        assertFalse(Files.exists(AtomicWrite.temp(file())), "no temporary file left");
        assertEquals(1, ledger.highestRelease(Fixtures.NAME).getAsLong(), "memory unchanged");
        assertEquals(1, ReleaseLedger.open(file()).highestRelease(Fixtures.NAME).getAsLong());
    }

    @Test
    void aWriteCutShortByACrashIsIgnoredAtTheNextOpen() throws Exception {
        ReleaseLedger.open(file()).record(release(1));
        byte[] committed = Files.readAllBytes(file());
        // what a power cut in the middle of the next write leaves
        Files.write(AtomicWrite.temp(file()), "{\"schema\":1,\"releases\":{\"io.fa".getBytes(StandardCharsets.UTF_8));
        ReleaseLedger ledger = ReleaseLedger.open(file());
        assertFalse(Files.exists(AtomicWrite.temp(file())));
        assertArrayEquals(committed, Files.readAllBytes(file()));
        ledger.record(release(2));
        assertEquals(2, ReleaseLedger.open(file()).highestRelease(Fixtures.NAME).getAsLong());
    }

    static Stream<String> corruptFiles() {
        String sha = "a".repeat(64);
        String entry = "{\"release\":%d,\"sha256\":\"%s\",\"version\":\"1\",\"created\":\"%s\","
                + "\"rollback\":%s}";
        return Stream.of(
                "",
                "{\"schema\":1,\"releases\":{\"io.fa",
                "garbage",
                "{\"schema\":2,\"releases\":{}}",
                "{\"schema\":1}",
                "{\"schema\":1,\"releases\":{},\"releases\":{}}",
                "{\"schema\":1,\"releases\":{\"a b\":[]}}",
                "{\"schema\":1,\"releases\":{\"n\":[" + entry.formatted(2, "x", "2026-01-01T00:00:00Z", false)
                        + "]}}",
                // release 1 after 2 without being a rollback: not a history this class writes
                "{\"schema\":1,\"releases\":{\"n\":[" + entry.formatted(2, sha, "2026-01-01T00:00:00Z", false) + ","
                        + entry.formatted(1, sha, "2026-01-02T00:00:00Z", false) + "]}}",
                // a rollback to a release never accepted
                "{\"schema\":1,\"releases\":{\"n\":[" + entry.formatted(2, sha, "2026-01-01T00:00:00Z", false) + ","
                        + entry.formatted(1, sha, "2026-01-02T00:00:00Z", true) + "]}}");
    }

    @ParameterizedTest
    @MethodSource("corruptFiles")
    void aCorruptFileIsAnErrorAndIsLeftAsItIs(String content) throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), content);
        IOException e = assertThrows(IOException.class, () -> ReleaseLedger.open(file()));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("not reset automatically"), e.getMessage());
        assertEquals(content, Files.readString(file()));
    }

    @Test
    void aLedgerOthersCanWriteIsRefused() throws Exception {
        ReleaseLedger.open(file()).record(release(1));
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-rw-r--"));
        IOException e = assertThrows(IOException.class, () -> ReleaseLedger.open(file()));
        assertTrue(e.getMessage().contains("writable by group or others"), e.getMessage());
    }

    @Test
    void anInMemoryLedgerAppliesTheSameRuleAndWritesNothing() throws Exception {
        ReleaseLedger ledger = ReleaseLedger.inMemory();
        ledger.record(release(2));
        assertThrows(VerificationException.class, () -> ledger.record(release(2)));
        assertEquals(java.util.Set.of(Fixtures.NAME), ledger.names());
        assertTrue(ledger.file().isEmpty());
    }
}
