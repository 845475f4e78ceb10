package io.facegate.mqtt.broker.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * One user's password hash in the password store, in one of two text forms:
 * <ul>
 * <li>{@code pbkdf2-sha256:<iterations>:<salt>:<hash>}: PBKDF2-HMAC-SHA256 of the UTF-8 password with a random
 * 16-byte salt, salt and 32-byte hash in unpadded URL-safe Base64; what the broker writes;</li>
 * <li>{@code <64 hex digits>}: the unsalted SHA-256 of the password (Moquette's own format, {@code printf %s pw |
 * sha256sum}); accepted for users added by hand and for the old {@code password_file}.</li>
 * </ul>
 * {@value #ITERATIONS} iterations: the generated passwords have 256 random bits, so the hash only has to resist
 * guessing for hand-set ones, and every CONNECT pays it on a Netty I/O thread of a small board.
 */
final class PasswordHash {
    static final int ITERATIONS = 10_000;
    static final String PBKDF2 = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MIN_ITERATIONS = 1_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final int iterations; // 0 = unsalted SHA-256
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * @param password the password
     * @param random   source of the salt
     * @return its PBKDF2 hash with a fresh salt
     */
    static PasswordHash pbkdf2(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, pbkdf2(password.toCharArray(), salt, ITERATIONS));
    }

    /**
     * @param text one of the two forms above
     * @return the hash
     * @throws IllegalArgumentException if {@code text} is neither form (the message does not repeat it)
     */
    static PasswordHash parse(String text) {
        if (HEX64.matcher(text).matches()) {
            return new PasswordHash(0, new byte[0], HexFormat.of().parseHex(text));
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 4 || !parts[0].equals(PBKDF2)) {
            throw new IllegalArgumentException("expected " + PBKDF2 + ":<iterations>:<salt>:<hash> or the 64 hex"
                    + " digits of SHA-256(password)");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getUrlDecoder().decode(parts[2]);
            hash = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad number or Base64 in a " + PBKDF2 + " hash");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS || salt.length < 8 || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException(PBKDF2 + " needs " + MIN_ITERATIONS + ".." + MAX_ITERATIONS
                    + " iterations, a salt of 8 or more bytes and a 32-byte hash");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /**
     * @param password the password of a CONNECT, as bytes
     * @return whether it is this password; compares in constant time
     */
    boolean verify(byte[] password) {
        if (iterations == 0) {
            return MessageDigest.isEqual(hash, sha256(password));
        }
        char[] chars = utf8(password);
        if (chars == null || chars.length == 0) {
            pbkdf2(new char[] {'x'}, salt, iterations); // same cost as a wrong password
            return false;
        }
        try {
            return MessageDigest.isEqual(hash, pbkdf2(chars, salt, iterations));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** Spends what a verification costs, so an unknown user name answers as slowly as a wrong password. */
    static void dummyVerify() {
        pbkdf2(new char[] {'x'}, new byte[SALT_BYTES], ITERATIONS);
    }

    /** @return the text form, for the password store */
    String format() {
        if (iterations == 0) {
            return HexFormat.of().formatHex(hash);
        }
        return PBKDF2 + ":" + iterations + ":" + B64.encodeToString(salt) + ":" + B64.encodeToString(hash);
    }

    /** @return never the hash: this may end up in a log */
    @Override
    public String toString() {
        return iterations == 0 ? "sha256" : PBKDF2;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** @return the password as characters, or {@code null} if it is not UTF-8 */
    private static char[] utf8(byte[] password) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(password));
            char[] chars = new char[cb.remaining()];
            cb.get(chars);
            Arrays.fill(cb.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
