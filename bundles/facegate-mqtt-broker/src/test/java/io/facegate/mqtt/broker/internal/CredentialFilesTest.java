package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> USERS = List.of("gateway", "operator", "reader");
    /** 32 random bytes in unpadded URL-safe Base64. */
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_-]{43}");

    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesPrivateFilesAndTheNextReusesThem() throws Exception {
        Path dir = tmp.resolve("etc/creds");
        PasswordStore store = CredentialFiles.ensure(dir, USERS, RANDOM);

        assertEquals("rwx------", mode(dir), "created folder");
        assertEquals("rw-------", mode(dir.resolve("facegate-mqtt-broker.passwd")));
        String storeText = Files.readString(dir.resolve("facegate-mqtt-broker.passwd"));
        Set<String> passwords = new HashSet<>();
        for (String user : USERS) {
            Path secret = dir.resolve("facegate-mqtt-" + user + ".secret");
            assertEquals("rw-------", mode(secret), user);
            String pw = Files.readString(secret, StandardCharsets.UTF_8);
            assertTrue(PASSWORD.matcher(pw).matches(), "the password only, URL-safe, 256 bits: " + pw.length());
            assertFalse(storeText.contains(pw), "no plain password in the store");
            assertTrue(store.users().get(user).verify(pw.getBytes(StandardCharsets.UTF_8)), user);
            passwords.add(pw);
        }
        assertEquals(3, passwords.size(), "a different password per user");
        assertTrue(storeText.lines().filter(l -> !l.startsWith("#")).allMatch(l -> l.matches(
                "(gateway|operator|reader):pbkdf2-sha256:10000:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}")), storeText);
        assertEquals(Set.of("facegate-mqtt-broker.passwd", "facegate-mqtt-gateway.secret",
                "facegate-mqtt-operator.secret", "facegate-mqtt-reader.secret"), names(dir), "no temporary file left");

        // the next start: nothing is rewritten
        PasswordStore again = CredentialFiles.ensure(dir, USERS, RANDOM);
        assertEquals(storeText, Files.readString(dir.resolve("facegate-mqtt-broker.passwd")));
        for (String user : USERS) {
            assertEquals(store.users().get(user).format(), again.users().get(user).format());
        }
    }

    @Test
    void anExistingFolderKeepsItsModeAndMissingPiecesAreCompleted() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // like Karaf's etc/
        Path gatewaySecret = tmp.resolve("facegate-mqtt-gateway.secret");
        Files.writeString(gatewaySecret, "chosen-by-hand\n");
        Files.setPosixFilePermissions(gatewaySecret, PosixFilePermissions.fromString("r--------"));
        PasswordStore store = CredentialFiles.ensure(tmp, USERS, RANDOM);
        assertEquals("rwxr-xr-x", mode(tmp));
        assertTrue(store.users().get("gateway").verify("chosen-by-hand".getBytes(StandardCharsets.UTF_8)),
                "an existing secret is hashed into the store, not replaced");
        assertEquals("chosen-by-hand\n", Files.readString(gatewaySecret));

        // a user added later (operator_users) gets its own credentials; the others stay as they are
        String before = Files.readString(tmp.resolve("facegate-mqtt-broker.passwd"));
        PasswordStore more = CredentialFiles.ensure(tmp, List.of("gateway", "operator", "reader", "alice"), RANDOM);
        String after = Files.readString(tmp.resolve("facegate-mqtt-broker.passwd"));
        assertTrue(after.startsWith(before), "existing lines kept");
        assertTrue(more.users().get("alice").verify(Files.readAllBytes(tmp.resolve("facegate-mqtt-alice.secret"))));

        // a secret file deleted after it was handed out: the store entry stays, no new password appears
        Files.delete(tmp.resolve("facegate-mqtt-reader.secret"));
        PasswordStore kept = CredentialFiles.ensure(tmp, List.of("gateway", "operator", "reader", "alice"), RANDOM);
        assertEquals(more.users().get("reader").format(), kept.users().get("reader").format());
        assertFalse(Files.exists(tmp.resolve("facegate-mqtt-reader.secret")));

        // a lost store is rebuilt from the secret files
        Files.delete(tmp.resolve("facegate-mqtt-broker.passwd"));
        String operatorPw = Files.readString(tmp.resolve("facegate-mqtt-operator.secret"));
        PasswordStore rebuilt = CredentialFiles.ensure(tmp, USERS, RANDOM);
        assertTrue(rebuilt.users().get("operator").verify(operatorPw.getBytes(StandardCharsets.UTF_8)));
        assertTrue(rebuilt.users().get("reader").verify(Files.readAllBytes(tmp.resolve("facegate-mqtt-reader.secret"))),
                "reader: a new password, its secret was gone");
    }

    @Test
    void aSecretOthersCanReadIsRefused() throws Exception {
        CredentialFiles.ensure(tmp, USERS, RANDOM);
        Path secret = tmp.resolve("facegate-mqtt-operator.secret");
        String pw = Files.readString(secret);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CredentialFiles.ensure(tmp, USERS, RANDOM));
        assertTrue(e.getMessage().startsWith("secret file " + secret + " is accessible by group or others"),
                e.getMessage());
        assertFalse(e.getMessage().contains(pw), "never the password");
        assertEquals(pw, Files.readString(secret), "not replaced");
        assertEquals("rw-r-----", mode(secret), "not silently fixed either");
    }

    @Test
    void passwordsAreRandomUrlSafeText() {
        Set<String> seen = Stream.generate(() -> CredentialFiles.newPassword(RANDOM)).limit(1000)
                .collect(Collectors.toSet());
        assertEquals(1000, seen.size());
        assertTrue(seen.stream().allMatch(p -> PASSWORD.matcher(p).matches()));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
