package io.facegate.deploy.manifest;

import io.facegate.deploy.internal.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;

/**
 * Ed25519 keys, from the JDK only: generation, key ids, PEM files. Public keys are PEM {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo), private keys PEM {@code PRIVATE KEY} (unencrypted PKCS#8) in files only their owner can
 * read.
 */
public final class Keys {
    /** The only signature algorithm of schema 1. */
    public static final String ALGORITHM = "Ed25519";

    private static final String PUBLIC = "PUBLIC KEY";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final int MAX_PEM = 8 * 1024;

    private Keys() {
    }

    /** @return a new Ed25519 key pair from the JDK's default secure random source */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
        }
    }

    /**
     * @param key an Ed25519 public key
     * @return its key id: the first 16 hex characters of SHA-256 over its X.509 (SubjectPublicKeyInfo) encoding
     * @throws IllegalArgumentException if it is not an Ed25519 key
     */
    public static String keyId(PublicKey key) {
        requireEd25519(key);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Syntax.HEX.formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param key an Ed25519 public key
     * @return it as PEM text
     */
    public static String publicPem(PublicKey key) {
        requireEd25519(key);
        return pem(PUBLIC, key.getEncoded());
    }

    /**
     * @param pem PEM text holding one {@code PUBLIC KEY}
     * @return the Ed25519 public key
     * @throws IllegalArgumentException if it holds no such key, or one of another algorithm
     */
    public static PublicKey parsePublicPem(String pem) {
        byte[] der = unpem(pem, PUBLIC);
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
            requireEd25519(key);
            return key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " public key (" + e.getMessage() + ")");
        }
    }

    /**
     * @param file a PEM public key file
     * @return its Ed25519 key
     * @throws IOException if it cannot be read or holds no Ed25519 public key; the message names the file
     */
    public static PublicKey readPublic(Path file) throws IOException {
        try {
            return parsePublicPem(new String(readBounded(file), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /**
     * Writes a public key as PEM; never replaces an existing file.
     *
     * @param file the file to create
     * @param key  an Ed25519 public key
     * @throws IOException if the file exists or cannot be written
     */
    public static void writePublic(Path file, PublicKey key) throws IOException {
        byte[] text = publicPem(key).getBytes(StandardCharsets.US_ASCII);
        try (SeekableByteChannel ch = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            write(ch, text);
        }
    }

    /**
     * Writes a private key as unencrypted PKCS#8 PEM into a new file created mode 0600; never replaces an existing
     * file.
     *
     * @param file the file to create
     * @param key  an Ed25519 private key
     * @throws IOException if the file exists or cannot be written
     */
    public static void writePrivate(Path file, PrivateKey key) throws IOException {
        requireEd25519(key);
        byte[] der = key.getEncoded();
        byte[] text = pem(PRIVATE, der).getBytes(StandardCharsets.US_ASCII);
        try (SeekableByteChannel ch = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.file(file))) {
            write(ch, text);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
    }

    /**
     * Reads a private key, refusing a file that group or others can access at all.
     *
     * @param file a PEM {@code PRIVATE KEY} file, mode 0600 or 0400
     * @return its Ed25519 key
     * @throws IOException if it is accessible by others, unreadable, encrypted or holds no Ed25519 private key; the
     *                     message names the file, never its content
     */
    public static PrivateKey readPrivate(Path file) throws IOException {
        String mode = OwnerOnly.accessibleByOthers(file);
        if (mode != null) {
            throw new IOException("private key " + file + " is accessible by group or others (" + mode
                    + "); refusing to use it: chmod 600 " + file + " (and consider the key exposed)");
        }
        byte[] text = readBounded(file);
        byte[] der = null;
        try {
            der = unpem(new String(text, StandardCharsets.US_ASCII), PRIVATE);
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            requireEd25519(key);
            return key;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException(file + ": not an " + ALGORITHM + " private key (" + e.getMessage() + ")");
        } finally {
            Arrays.fill(text, (byte) 0);
            if (der != null) {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    static void requireEd25519(Key key) {
        if (!(key instanceof EdECKey ed) || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " key: "
                    + (key == null ? "null" : key.getAlgorithm()));
        }
    }

    private static byte[] readBounded(Path file) throws IOException {
        if (Files.size(file) > MAX_PEM) {
            throw new IOException(file + ": more than " + MAX_PEM + " bytes, not a key file");
        }
        return Files.readAllBytes(file);
    }

    private static void write(SeekableByteChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b < 0 || e < 0) {
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw new IllegalArgumentException("encrypted private keys are not supported");
            }
            throw new IllegalArgumentException("no PEM '" + type + "' block");
        }
        if (text.indexOf("-----BEGIN", e) >= 0) {
            throw new IllegalArgumentException("more than one PEM block");
        }
        String body = text.substring(b + begin.length(), e).replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("PEM body is not base64");
        }
    }
}
