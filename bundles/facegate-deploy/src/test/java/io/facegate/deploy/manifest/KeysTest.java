package io.facegate.deploy.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIdIsTheStartOfTheSha256OfTheX509Encoding() throws Exception {
        PublicKey key = Keys.generate().getPublic();
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        assertEquals(HexFormat.of().formatHex(hash).substring(0, 16), Keys.keyId(key));
        assertEquals(44, key.getEncoded().length, "Ed25519 SubjectPublicKeyInfo");
    }

    @Test
    void keyFilesRoundTripAndThePrivateOneIsOwnerOnly() throws Exception {
        KeyPair pair = Keys.generate();
        Path pub = dir.resolve("op.pub");
        Path key = dir.resolve("op.key");
        Keys.writePublic(pub, pair.getPublic());
        Keys.writePrivate(key, pair.getPrivate());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));

        PublicKey readPub = Keys.readPublic(pub);
        PrivateKey readKey = Keys.readPrivate(key);
        assertArrayEquals(pair.getPublic().getEncoded(), readPub.getEncoded());
        assertEquals(Keys.keyId(pair.getPublic()), Keys.keyId(readPub));
        byte[] data = {1, 2, 3};
        assertTrue(ManifestVerifier.signatureValid(pair.getPublic(), data, Fixtures.signRaw(data, readKey)));
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("op.key");
        Keys.writePrivate(key, Keys.generate().getPrivate());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> Keys.readPrivate(key));
        assertTrue(e.getMessage().contains("accessible by group or others (rw-r--r--)"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        Keys.readPrivate(key);
    }

    @Test
    void existingFilesAreNeverReplaced() throws Exception {
        Path key = dir.resolve("op.key");
        Files.writeString(key, "keep me");
        assertThrows(FileAlreadyExistsException.class, () -> Keys.writePrivate(key, Keys.generate().getPrivate()));
        assertThrows(FileAlreadyExistsException.class, () -> Keys.writePublic(key, Keys.generate().getPublic()));
        assertEquals("keep me", Files.readString(key));
    }

    @Test
    void otherAlgorithmsAndOtherPemAreRefused() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        PublicKey p256 = ec.generateKeyPair().getPublic();
        String ecPem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(p256.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThrows(IllegalArgumentException.class, () -> Keys.parsePublicPem(ecPem));
        assertThrows(IllegalArgumentException.class, () -> Keys.keyId(p256));
        PublicKey ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPublic();
        assertThrows(IllegalArgumentException.class, () -> Keys.keyId(ed448));
        String ed448Pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(ed448.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThrows(IllegalArgumentException.class, () -> Keys.parsePublicPem(ed448Pem));

        String pub = Keys.publicPem(Keys.generate().getPublic());
        assertThrows(IllegalArgumentException.class, () -> Keys.parsePublicPem(pub + pub));
        assertThrows(IllegalArgumentException.class, () -> Keys.parsePublicPem(pub.replace("M", "!")));
        Path key = dir.resolve("enc.key");
        Files.writeString(key, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        IOException e = assertThrows(IOException.class, () -> Keys.readPrivate(key));
        assertTrue(e.getMessage().contains("encrypted private keys are not supported"), e.getMessage());
        Path swapped = dir.resolve("pub-as.key");
        Files.writeString(swapped, pub);
        Files.setPosixFilePermissions(swapped, PosixFilePermissions.fromString("rw-------"));
        assertThrows(IOException.class, () -> Keys.readPrivate(swapped));
    }

    @Test
    void theSignerRefusesAMismatchedPairAndAManifestNamingAnotherKey() throws Exception {
        KeyPair a = Keys.generate();
        KeyPair b = Keys.generate();
        assertThrows(InvalidKeyException.class, () -> new ManifestSigner(a.getPrivate(), b.getPublic()));
        ManifestSigner signer = new ManifestSigner(a.getPrivate(), a.getPublic());
        assertEquals(Keys.keyId(a.getPublic()), signer.keyId());
        assertThrows(IllegalArgumentException.class, () -> signer.sign(Fixtures.manifest(b).build()));
        SignedManifest s = signer.sign(Fixtures.manifest(a).build());
        assertTrue(ManifestVerifier.signatureValid(a.getPublic(), s.manifestBytes(), s.signature()));
        assertEquals(64, s.signature().length);
    }
}
