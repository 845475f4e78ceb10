package io.facegate.deploy.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {
    private static final KeyPair ALICE = Keys.generate();
    private static final KeyPair BOB = Keys.generate();

    @TempDir
    Path etc;
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = etc.resolve(TrustedKeys.DEFAULT_DIRECTORY);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Keys.writePublic(dir.resolve("alice.pub"), ALICE.getPublic());
        Keys.writePublic(dir.resolve("whatever-name.pub"), BOB.getPublic());
        Files.writeString(dir.resolve("README.txt"), "not a key");
        Files.writeString(dir.resolve("carol.pub.disabled"), "not a key either");
    }

    @Test
    void loadsEveryPubFileByComputedKeyId() throws Exception {
        TrustedKeys keys = TrustedKeys.load(dir, List.of(Keys.keyId(BOB.getPublic()).toUpperCase()));
        assertEquals(Set.of(Keys.keyId(ALICE.getPublic()), Keys.keyId(BOB.getPublic())), keys.keyIds());
        assertArrayEquals(ALICE.getPublic().getEncoded(),
                keys.lookup(Keys.keyId(ALICE.getPublic())).orElseThrow().getEncoded());
        assertTrue(keys.isRevoked(Keys.keyId(BOB.getPublic())), "revoked ids are case-insensitive");
        assertFalse(keys.isRevoked(Keys.keyId(ALICE.getPublic())));
        assertTrue(keys.lookup("0000000000000000").isEmpty());
    }

    @Test
    void aBrokenKeyFileIsAnErrorNamingIt() throws Exception {
        Files.writeString(dir.resolve("broken.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> TrustedKeys.load(dir, List.of()));
        assertTrue(e.getMessage().contains("broken.pub"), e.getMessage());
    }

    @Test
    void keysOrAFolderOthersCanWriteAreRefused() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("alice.pub"), PosixFilePermissions.fromString("rw-rw-r--"));
        IOException e = assertThrows(IOException.class, () -> TrustedKeys.load(dir, List.of()));
        assertTrue(e.getMessage().contains("alice.pub is writable by group or others"), e.getMessage());
        Files.setPosixFilePermissions(dir.resolve("alice.pub"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        e = assertThrows(IOException.class, () -> TrustedKeys.load(dir, List.of()));
        assertTrue(e.getMessage().contains("writable by group or others"), e.getMessage());
    }

    @Test
    void aMissingFolderOrABadRevokedIdIsAnError() {
        assertThrows(IOException.class, () -> TrustedKeys.load(etc.resolve("nope"), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedKeys.load(dir, List.of("abc")));
        assertTrue(e.getMessage().contains("'abc'"), e.getMessage());
    }
}
