package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordStoreTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    @Test
    void pbkdf2HashesAreSaltedAndVerify() {
        PasswordHash a = PasswordHash.pbkdf2("s3cret", RANDOM);
        PasswordHash b = PasswordHash.pbkdf2("s3cret", RANDOM);
        assertNotEquals(a.format(), b.format(), "a fresh salt each time");
        assertTrue(a.format().startsWith("pbkdf2-sha256:10000:"), a.format());
        assertFalse(a.format().contains("s3cret"));
        PasswordHash parsed = PasswordHash.parse(a.format());
        assertTrue(parsed.verify(bytes("s3cret")));
        assertFalse(parsed.verify(bytes("s3cret ")));
        assertFalse(parsed.verify(new byte[0]));
        assertFalse(parsed.verify(new byte[] {(byte) 0xff, (byte) 0xfe}), "not UTF-8");
        assertEquals(a.format(), parsed.format());
        assertEquals("pbkdf2-sha256", parsed.toString(), "toString never shows the hash");
    }

    @Test
    void moquettesUnsaltedSha256IsStillRead() {
        String hex = HexFormat.of().formatHex(PasswordHash.sha256(bytes("s3cret")));
        PasswordHash h = PasswordHash.parse(hex);
        assertTrue(h.verify(bytes("s3cret")));
        assertFalse(h.verify(bytes("nope")));
        assertEquals(hex, h.format());
    }

    @Test
    void storeLinesAndErrors() {
        String line = PasswordStore.line("gateway", PasswordHash.pbkdf2("pw", RANDOM));
        PasswordStore s = PasswordStore.parse("password store", tmp, List.of("# comment", "", line.strip(),
                "legacy:" + HexFormat.of().formatHex(PasswordHash.sha256(bytes("x")))));
        assertEquals(List.of("gateway", "legacy"), List.copyOf(s.users().keySet()));
        assertTrue(s.users().get("legacy").verify(bytes("x")));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PasswordStore.parse("password_file", tmp, List.of("alice:not-a-hash-but-maybe-a-password")));
        assertTrue(bad.getMessage().startsWith("password_file " + tmp + " line 1: expected pbkdf2-sha256"),
                bad.getMessage());
        assertFalse(bad.getMessage().contains("not-a-hash"), "the line's content is never repeated");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordStore.parse("f", tmp,
                List.of(line, line))).getMessage().contains("line 2: user 'gateway' appears twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordStore.parse("f", tmp,
                List.of(":abc"))).getMessage().contains("line 1: expected user:<hash>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordStore.parse("f", tmp,
                List.of("u:pbkdf2-sha256:5:AAAAAAAAAAA:AAAA"))).getMessage().contains("iterations"));
    }

    @Test
    void aStoreOthersCanReadIsRefused() throws Exception {
        Path f = Files.writeString(tmp.resolve("p.passwd"), PasswordStore.line("u", PasswordHash.pbkdf2("p", RANDOM)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordStore.load("password_file", f));
        assertTrue(e.getMessage().contains("accessible by group or others rw-r--r--: chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertTrue(PasswordStore.load("password_file", f).users().get("u").verify(bytes("p")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
