package io.facegate.gallery.internal;

import static io.facegate.gallery.internal.FakeEmbedder.face;
import static io.facegate.gallery.internal.FakeEmbedder.photos;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.facegate.api.Embedding;
import io.facegate.api.FaceGateException;
import io.facegate.api.GalleryHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Biometric data at rest: file modes, forgetting without a trace, encryption. */
class AtRestTest {
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long ZOE = 3;
    static final String ZOE_NAME = "Zoë Forgetme";
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path tmp;

    final FakeEmbedder modelA = new FakeEmbedder("fake-a", 112, 128, 0.7f, 11);
    final FakeEmbedder modelB = new FakeEmbedder("fake-b", 96, 96, 0.6f, 22);
    private final List<FileGallery> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileGallery::deactivate);
    }

    FileGallery open(Path dir, Path key, AtomicFiles files) {
        FileGallery g = new FileGallery(GallerySettings.parse(dir.toString(), null,
                key == null ? "" : key.toString(), null, null), files);
        opened.add(g);
        return g;
    }

    FileGallery open(Path dir, Path key) {
        return open(dir, key, FileGalleryTest.FAST);
    }

    static Embedding probe(FakeEmbedder m, long person) {
        return m.probe(face(person, 777, 112));
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** Writes a key file, mode 0600: base64 with a line break, or the raw bytes. */
    static Path keyFile(Path file, byte[] key, boolean base64) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, base64 ? (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII)
                : key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static List<Path> allFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (Path f : allFiles(dir)) {
            if (!f.getFileName().toString().equals(GalleryStore.LOCK)) {
                out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Every byte form the name could take in a file, worked out here rather than taken from the
     * code under test: UTF-8, ISO-8859-1, UTF-16 both ways, properties escapes with lower- and
     * upper-case hex, and each word of five or more letters on its own (in ASCII and UTF-16).
     */
    static List<byte[]> forms(String name) {
        List<byte[]> out = new ArrayList<>();
        out.add(name.getBytes(StandardCharsets.UTF_8));
        out.add(name.getBytes(StandardCharsets.ISO_8859_1));
        out.add(name.getBytes(StandardCharsets.UTF_16LE));
        out.add(name.getBytes(StandardCharsets.UTF_16BE));
        StringBuilder lower = new StringBuilder();
        StringBuilder upper = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                lower.append(String.format("\\u%04x", (int) c));
                upper.append(String.format("\\u%04X", (int) c));
            } else {
                lower.append(c);
                upper.append(c);
            }
        }
        out.add(lower.toString().getBytes(StandardCharsets.US_ASCII));
        out.add(upper.toString().getBytes(StandardCharsets.US_ASCII));
        for (String word : name.split(" ")) {
            if (word.length() >= 5) {
                out.add(word.getBytes(StandardCharsets.UTF_8));
                out.add(word.getBytes(StandardCharsets.UTF_16LE));
                out.add(word.getBytes(StandardCharsets.UTF_16BE));
            }
        }
        return out;
    }

    /** Scans every byte of every file under {@code dir} (and every file name) for the name. */
    static void assertNameNowhere(Path dir, String name, String where) throws IOException {
        List<byte[]> forms = forms(name);
        for (Path f : allFiles(dir)) {
            byte[] data = Files.readAllBytes(f);
            byte[] path = dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8);
            for (byte[] form : forms) {
                if (indexOf(data, form) >= 0 || indexOf(path, form) >= 0) {
                    fail(where + ": '" + new String(form, StandardCharsets.ISO_8859_1) + "' of " + name + " found in "
                            + f + " at byte " + indexOf(data, form));
                }
            }
        }
    }

    static void assertOwnerOnly(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
            }
        }
    }

    /** Flips a byte of an embedding file of the person, so the next start quarantines it. */
    static void damageVectors(Path dir, FakeEmbedder m, String personId) throws IOException {
        Path f = dir.resolve(RecoveryTest.EMBEDDINGS(m)).resolve(personId + GalleryStore.VECTORS_SUFFIX);
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x55;
        Files.write(f, b);
    }

    // ------------------------------------------------------------------ file modes

    @Test
    void everyFileAndDirectoryIsReadableByTheGatewaysUserOnly() throws Exception {
        Path dir = tmp.resolve("data/facegate/gallery");
        FileGallery g = open(dir, null);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.bindEmbedder(modelB);
        assertTrue(g.awaitReembedding(Duration.ofSeconds(120)));
        String bob = g.snapshot().byName("Bob").id();
        g.deactivate();
        damageVectors(dir, modelA, bob); // the next start creates quarantine/
        FileGallery again = open(dir, null);
        assertFalse(again.loadProblems().isEmpty());
        assertTrue(Files.isDirectory(dir.resolve(GalleryStore.QUARANTINE)));
        assertTrue(allFiles(dir).size() >= 9, allFiles(dir).toString());
        assertOwnerOnly(dir);
        assertOwnerOnly(tmp.resolve("data/facegate")); // parents the gallery created, too
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("data"))));
    }

    @Test
    void widerModesLeftByAnOlderVersionAreTightenedAtStartup() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir, null);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.deactivate();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        FileGallery again = open(dir, null);
        assertEquals(List.of("Alice", "Bob"), again.people());
        assertEquals(List.of(), again.loadProblems());
        assertOwnerOnly(dir);
    }

    // ------------------------------------------------------------------ forget

    /**
     * The person is in the index, in its backup, in a quarantined (damaged) index, in a quarantined
     * embedding file, and under an earlier name: after forget, no file holds any of it, while the
     * quarantine keeps what belongs to others.
     */
    @Test
    void forgetLeavesNoTraceOfTheNameAnywhereInTheDirectory() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir, null);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll(ZOE_NAME, photos(ZOE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        String zid = g.snapshot().byName(ZOE_NAME).id();
        String bid = g.snapshot().byName("Bob").id();
        g.deactivate();
        // damage the index (its first line: the rest, with every name, stays readable) and Zoë's embeddings
        Path index = dir.resolve(GalleryStore.INDEX);
        byte[] b = Files.readAllBytes(index);
        b[3] ^= 1;
        Files.write(index, b);
        damageVectors(dir, modelA, zid);

        FileGallery again = open(dir, null);
        assertEquals(List.of("Alice", ZOE_NAME), again.people(), "restored from the backup");
        List<Path> quarantined = allFiles(dir.resolve(GalleryStore.QUARANTINE));
        assertTrue(quarantined.stream().anyMatch(p -> p.toString().contains(zid)), quarantined.toString());
        assertTrue(quarantined.stream().anyMatch(p -> p.toString().contains(bid)), "Bob's crop is quarantined");
        assertTrue(quarantined.stream().anyMatch(p -> {
            try {
                return indexOf(Files.readAllBytes(p), "Forgetme".getBytes(StandardCharsets.US_ASCII)) >= 0;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }), "the quarantined index names her: " + quarantined);
        again.bindEmbedder(modelA);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        String renamed = "Zelda Renamedperson";
        assertTrue(again.rename(ZOE_NAME, renamed)); // the backup now holds her former name

        assertFalse(again.health().problem().contains("Forgetme"), again.health().problem());
        assertTrue(again.forget(renamed));
        assertFalse(String.valueOf(again.health().problem()).contains(zid), again.health().problem());
        for (String name : List.of(ZOE_NAME, renamed)) {
            assertNameNowhere(dir, name, "after forget");
        }
        for (Path f : allFiles(dir)) {
            assertFalse(f.toString().contains(zid), "a file of hers is left: " + f);
            assertEquals(-1, indexOf(Files.readAllBytes(f), zid.getBytes(StandardCharsets.US_ASCII)), f.toString());
        }
        assertFalse(Files.exists(dir.resolve("crops").resolve(zid)));
        // the quarantine still holds what is not hers: Bob's crop, and the damaged index without her lines
        List<Path> left = allFiles(dir.resolve(GalleryStore.QUARANTINE));
        assertTrue(left.stream().anyMatch(p -> p.toString().contains(bid) && p.toString().endsWith(".png")),
                left.toString());
        Path qIndex = left.stream().filter(p -> p.getFileName().toString().endsWith(GalleryStore.INDEX)).findFirst()
                .orElseThrow();
        assertTrue(Files.readString(qIndex).contains("person." + bid + ".name=Bob"), Files.readString(qIndex));
        assertEquals("Alice", again.identify(probe(modelA, ALICE)).name());
        assertFalse(again.identify(probe(modelA, ZOE)).known());
        again.deactivate();

        FileGallery third = open(dir, null);
        assertEquals(List.of("Alice"), third.people());
        assertEquals(List.of(), third.loadProblems());
        assertNameNowhere(dir, ZOE_NAME, "after a restart");
    }

    @Test
    void aBackupLeftByAnOlderVersionThatNamesAForgottenPersonIsReplacedAtStartup() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir, null);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll(ZOE_NAME, photos(ZOE, 1, 112));
        g.deactivate();
        // what the previous version's forget left: the index without her, the backup with her
        Path index = dir.resolve(GalleryStore.INDEX);
        Path prev = dir.resolve(GalleryStore.INDEX_PREV);
        Files.copy(index, prev, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        GalleryState s = GalleryState.EMPTY.withPerson(g.snapshot().byName("Alice"), null, Map.of());
        Files.write(index, IndexCodec.encode(s.people().values()));

        FileGallery again = open(dir, null);
        assertEquals(List.of("Alice"), again.people());
        assertNameNowhere(dir, ZOE_NAME, "after the start");
        assertEquals("Alice", again.identify(probe(modelA, ALICE)).name());
    }

    // ------------------------------------------------------------------ encryption

    @Test
    void withAKeyNoFileHoldsAPngANameOrAPlainIndexAndARestartReadsEverythingBack() throws Exception {
        Path dir = tmp.resolve("g");
        Path key = keyFile(tmp.resolve("etc/gallery.key"), randomKey(), true);
        FileGallery g = open(dir, key);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll(ZOE_NAME, photos(ZOE, 1, 112));
        g.enroll("Bob", photos(BOB, 1, 112)); // the backup index now exists too
        assertTrue(g.forget("Bob"));
        g.deactivate();

        List<Path> files = allFiles(dir);
        assertTrue(files.size() >= 7, files.toString());
        for (Path f : files) {
            byte[] data = Files.readAllBytes(f);
            for (String plain : List.of("FGEM", "IHDR", "IDAT", "facegate", "person.", "crc32", "Alice")) {
                assertEquals(-1, indexOf(data, plain.getBytes(StandardCharsets.US_ASCII)), plain + " in " + f);
            }
            assertEquals(-1, indexOf(data, PNG_SIGNATURE), "PNG signature in " + f);
        }
        assertNameNowhere(dir, ZOE_NAME, "encrypted");
        assertOwnerOnly(dir);

        FileGallery again = open(dir, key);
        assertEquals(List.of("Alice", ZOE_NAME), again.people());
        assertEquals(List.of(), again.loadProblems());
        assertEquals(ZOE_NAME, again.identify(probe(modelA, ZOE)).name());
        // the crops decrypt too: re-embedding for another model reads every one of them
        again.bindEmbedder(modelB);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertEquals(3, again.snapshot().vectorCount(modelB.model().key()));
        assertEquals("Alice", again.identify(probe(modelB, ALICE)).name());
        assertEquals(GalleryHealth.OK, again.health().state());
        assertNull(again.health().problem());
    }

    @Test
    void theSameKeyRawOrBase64OpensTheSameGallery() throws Exception {
        Path dir = tmp.resolve("g");
        byte[] k = randomKey();
        FileGallery g = open(dir, keyFile(tmp.resolve("raw.key"), k, false));
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.deactivate();
        FileGallery again = open(dir, keyFile(tmp.resolve("b64.key"), k, true));
        assertEquals(List.of("Alice"), again.people());
        assertEquals(List.of(), again.loadProblems());
    }

    @Test
    void aWrongKeyOrNoKeyFailsTheGalleryAndChangesNoByte() throws Exception {
        Path dir = tmp.resolve("g");
        Path right = keyFile(tmp.resolve("right.key"), randomKey(), true);
        FileGallery g = open(dir, right);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.deactivate();
        Map<String, byte[]> before = contents(dir);

        Path wrong = keyFile(tmp.resolve("wrong.key"), randomKey(), true);
        for (Path key : new Path[] {wrong, null}) {
            FileGallery bad = open(dir, key);
            GalleryHealth h = bad.health();
            assertEquals(GalleryHealth.FAILED, h.state(), String.valueOf(key));
            assertTrue(h.problem().contains(key == null ? "is not set" : "another key")
                    && h.problem().contains("encryption_key_file"), h.problem());
            assertEquals(List.of(), bad.people());
            assertEquals(List.of(), bad.summaries());
            bad.bindEmbedder(modelA);
            assertThrows(FaceGateException.class, () -> bad.enroll("Eve", photos(ZOE, 1, 112)));
            assertThrows(FaceGateException.class, () -> bad.forget("Alice"));
            assertFalse(bad.identify(probe(modelA, ALICE)).known());
            bad.deactivate();
            Map<String, byte[]> after = contents(dir);
            assertEquals(before.keySet(), after.keySet(), "no file added, moved or removed");
            before.forEach((f, data) -> assertArrayEquals(data, after.get(f), f + " unchanged"));
        }

        FileGallery again = open(dir, right);
        assertEquals(List.of("Alice", "Bob"), again.people());
        assertEquals(List.of(), again.loadProblems());
        assertEquals("Bob", again.identify(probe(modelA, BOB)).name());
    }

    @Test
    void turningEncryptionOnEncryptsAPlainGalleryInPlaceEvenAfterAnInterruption() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir, null);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.enroll(ZOE_NAME, photos(ZOE, 1, 112));
        String zid = g.snapshot().byName(ZOE_NAME).id();
        g.deactivate();
        damageVectors(dir, modelA, zid);
        FileGallery plain = open(dir, null); // quarantines it: a plain file in quarantine/
        assertFalse(plain.loadProblems().isEmpty());
        plain.deactivate();
        int plainFiles = contents(dir).size();

        // the disk fills up after three files are encrypted
        Path key = keyFile(tmp.resolve("k"), randomKey(), true);
        AtomicInteger writes = new AtomicInteger();
        FileGallery interrupted = open(dir, key, new AtomicFiles((target, stage) -> {
            if (stage.equals("write") && writes.incrementAndGet() > 3) {
                throw new IOException("No space left on device");
            }
        }, false));
        assertEquals(GalleryHealth.FAILED, interrupted.health().state());
        assertTrue(interrupted.health().problem().contains("No space left"), interrupted.health().problem());
        interrupted.deactivate();
        Map<String, byte[]> mixed = contents(dir);
        assertEquals(plainFiles, mixed.size(), "nothing lost");
        long sealed = mixed.values().stream().filter(FileCipher::isSealed).count();
        assertEquals(3, sealed, "three files were encrypted before the failure");

        FileGallery again = open(dir, key);
        assertEquals(List.of("Alice", "Bob", ZOE_NAME), again.people());
        assertEquals(List.of(), again.loadProblems());
        Map<String, byte[]> after = contents(dir);
        assertEquals(plainFiles, after.size());
        after.forEach((f, data) -> assertTrue(FileCipher.isSealed(data), f + " is encrypted"));
        assertNameNowhere(dir, ZOE_NAME, "after the migration");
        assertEquals("Bob", again.identify(probe(modelA, BOB)).name());
        again.bindEmbedder(modelA);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120))); // Zoë's quarantined vectors: re-embedded
        assertEquals(ZOE_NAME, again.identify(probe(modelA, ZOE)).name());
        again.bindEmbedder(modelB);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertEquals(4, again.snapshot().vectorCount(modelB.model().key()), "every crop decrypts");
        // forgetting in an encrypted gallery purges her quarantined (encrypted) file too
        assertTrue(again.forget(ZOE_NAME));
        for (Path f : allFiles(dir)) {
            assertFalse(f.toString().contains(zid), f.toString());
        }
    }

    @Test
    void encryptedFilesCannotBeSwappedBetweenPeople() throws Exception {
        Path dir = tmp.resolve("g");
        Path key = keyFile(tmp.resolve("k"), randomKey(), true);
        FileGallery g = open(dir, key);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        GalleryState s = g.snapshot();
        g.deactivate();
        GalleryState.Person alice = s.byName("Alice");
        GalleryState.Person bob = s.byName("Bob");
        Path vectors = dir.resolve(RecoveryTest.EMBEDDINGS(modelA));
        Files.copy(vectors.resolve(alice.id() + ".emb"), vectors.resolve(bob.id() + ".emb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path crops = dir.resolve("crops");
        Files.copy(crops.resolve(alice.id()).resolve(alice.photos().get(0).id() + ".png"),
                crops.resolve(bob.id()).resolve(bob.photos().get(0).id() + ".png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        FileGallery again = open(dir, key);
        assertEquals(List.of("Alice", "Bob"), again.people());
        String report = String.join("\n", again.loadProblems());
        assertTrue(report.contains(bob.id() + ".emb") && report.contains("authentication"), report);
        assertEquals("Alice", again.identify(probe(modelA, ALICE)).name());
        assertFalse("Bob".equals(again.identify(probe(modelA, ALICE)).name()), "Alice's vectors never count as Bob's");
        again.bindEmbedder(modelA); // Bob's vectors are re-embedded from his crop, which is Alice's: refused
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertNotEquals("Bob", again.identify(probe(modelA, ALICE)).name());
        assertEquals(0, again.snapshot().vectorCount(modelA.model().key(), bob.id()));
        GalleryHealth h = again.health();
        assertEquals(GalleryHealth.OK, h.state(), h.toString());
        assertTrue(h.problem() != null && h.problem().contains("authentication"), h.toString());
    }

    @Test
    void unusableKeyFilesRefuseActivationNamingTheKeyAndNeverShowingIt() throws Exception {
        Path dir = tmp.resolve("g");
        byte[] k = randomKey();
        String b64 = Base64.getEncoder().encodeToString(k);
        Path open = keyFile(tmp.resolve("open.key"), k, true);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path groupReadable = keyFile(tmp.resolve("group.key"), k, true);
        Files.setPosixFilePermissions(groupReadable, PosixFilePermissions.fromString("rw-r-----"));
        Path shortKey = keyFile(tmp.resolve("short.key"), new byte[24], true);
        Path notBase64 = keyFile(tmp.resolve("text.key"), new byte[0], false);
        Files.writeString(notBase64, b64.substring(0, 20) + "-_!" + b64.substring(23));
        for (Path bad : List.of(open, groupReadable, shortKey, notBase64, tmp.resolve("missing.key"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FileGallery(FileGalleryTest.configWithKey(dir.toString(), bad.toString())), bad.toString());
            assertTrue(e.getMessage().startsWith("encryption_key_file: ") && e.getMessage().contains(bad.toString()),
                    e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(b64.substring(0, 8)), "the key leaks: " + t);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FileGallery(FileGalleryTest.configWithKey(dir.toString(), open.toString())));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(Files.exists(dir), "nothing was created");
        // 0400 is fine too
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("r--------"));
        FileGallery g = new FileGallery(FileGalleryTest.configWithKey(dir.toString(), open.toString()));
        opened.add(g);
        assertEquals(GalleryHealth.OK, g.health().state());
    }

    @Test
    void theKeyFilePathResolvesAgainstKarafEtc() {
        Path data = tmp.resolve("data");
        Path etc = tmp.resolve("etc");
        assertEquals(etc.resolve("gallery.key"),
                GallerySettings.parse("", null, "gallery.key", data.toString(), etc.toString()).keyFile());
        assertEquals(etc.resolve("keys/g.key"),
                GallerySettings.parse("", null, "${karaf.etc}/keys/g.key", data.toString(), etc.toString()).keyFile());
        assertEquals(data.resolve("g.key"),
                GallerySettings.parse("", null, "${karaf.data}/g.key", data.toString(), etc.toString()).keyFile());
        assertNull(GallerySettings.parse("", null, "  ", data.toString(), etc.toString()).keyFile());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GallerySettings.parse("", null, "${nope}/k", data.toString(), etc.toString()));
        assertTrue(e.getMessage().contains("encryption_key_file"), e.getMessage());
    }
}
