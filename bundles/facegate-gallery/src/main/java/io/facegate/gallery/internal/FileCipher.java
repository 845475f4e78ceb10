package io.facegate.gallery.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional encryption at rest of the gallery's files, AES-256-GCM from the JDK.
 * A sealed file is
 *
 * <pre>
 * bytes  "FGX1"           magic (no plain gallery file starts with it: PNG, "FGEM", "# facegate")
 * 8      key check        first 8 bytes of SHA-256("facegate-gallery key check\0" + key): tells a wrong key from damage
 * 12     nonce            random per write
 * ...    ciphertext and 16-byte GCM tag
 * </pre>
 *
 * with the 24 header bytes and the file's binding (its path relative to the
 * gallery, e.g. {@code crops/<person>/<photo>.png}) as associated data, so a
 * file moved to another person's path, or a header edited, fails to decrypt.
 * The key is never logged and never part of a message or {@link #toString()}.
 */
final class FileCipher {
    /** The configuration key naming the key file, for messages. */
    static final String CONFIG_KEY = "encryption_key_file";
    static final int KEY_BYTES = 32;
    static final int HEADER = 4 + 8 + 12;
    private static final byte[] MAGIC = {'F', 'G', 'X', '1'};
    private static final int TAG_BITS = 128;
    private static final int MAX_KEY_FILE = 4096;

    /** No encryption: files are written as they are. */
    static final FileCipher NONE = new FileCipher(null);

    /** How a file's first bytes relate to this cipher. */
    enum Kind {
        /** not sealed */
        PLAIN,
        /** sealed with this cipher's key */
        OURS,
        /** sealed with another key (or no key is configured) */
        FOREIGN
    }

    private final SecretKeySpec key;
    private final byte[] check;
    private final SecureRandom random = new SecureRandom();

    private FileCipher(byte[] rawKey) {
        if (rawKey == null) {
            key = null;
            check = null;
        } else {
            key = new SecretKeySpec(rawKey, "AES");
            check = keyCheck(rawKey);
        }
    }

    /**
     * Reads a key file: exactly 32 bytes (e.g. {@code head -c 32 /dev/urandom}), or the base64 of 32
     * bytes with optional white space (e.g. {@code openssl rand -base64 32}); readable by its owner only.
     *
     * @param file the key file
     * @return a cipher with that key
     * @throws IllegalArgumentException naming {@value #CONFIG_KEY} if the file is missing, unreadable,
     *                                  accessible by group or others, or does not hold a 32-byte key
     */
    static FileCipher load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(CONFIG_KEY + ": no such file " + file);
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (OwnerOnly.othersHaveAccess(perms)) {
                throw new IllegalArgumentException(CONFIG_KEY + ": " + file + " is accessible by group or others ("
                        + PosixFilePermissions.toString(perms) + "); it must be readable by the gateway's user only:"
                        + " chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new IllegalArgumentException(CONFIG_KEY + ": cannot read the permissions of " + file + ": " + e, e);
        }
        byte[] data = null;
        byte[] raw = null;
        try {
            if (Files.size(file) > MAX_KEY_FILE) {
                throw new IllegalArgumentException(CONFIG_KEY + ": " + file + " is too large for a key file");
            }
            data = Files.readAllBytes(file);
            if (data.length == KEY_BYTES) {
                raw = data.clone();
            } else {
                StringBuilder b64 = new StringBuilder();
                for (byte b : data) {
                    if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                        b64.append((char) (b & 0xff));
                    }
                }
                try {
                    raw = Base64.getDecoder().decode(b64.toString());
                } catch (IllegalArgumentException e) {
                    // no cause, no message: the decoder's message quotes a character of the key
                    raw = null;
                }
                b64.setLength(0);
                if (raw == null || raw.length != KEY_BYTES) {
                    throw new IllegalArgumentException(CONFIG_KEY + ": " + file + " must hold a 32-byte key, as 32 raw"
                            + " bytes (head -c 32 /dev/urandom) or their base64 (openssl rand -base64 32)");
                }
            }
            return new FileCipher(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException(CONFIG_KEY + ": cannot read " + file + ": " + e, e);
        } finally {
            if (data != null) {
                Arrays.fill(data, (byte) 0);
            }
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    /** @return whether files are encrypted */
    boolean encrypting() {
        return key != null;
    }

    /**
     * @param head the first bytes of a file (at least {@link #HEADER} if it is sealed)
     * @return whether it is plain, sealed with this key, or sealed with another (any sealed file if no key is set)
     */
    Kind classify(byte[] head) {
        if (!isSealed(head)) {
            return Kind.PLAIN;
        }
        return check != null && Arrays.equals(head, MAGIC.length, MAGIC.length + 8, check, 0, 8) ? Kind.OURS
                : Kind.FOREIGN;
    }

    /**
     * @param data a file's content (or its start)
     * @return whether it starts like a sealed file
     */
    static boolean isSealed(byte[] data) {
        return data.length >= HEADER && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * @param binding what the file is (its relative path)
     * @param plain   the content
     * @return the bytes to write: sealed if a key is set, else {@code plain} itself
     */
    byte[] seal(String binding, byte[] plain) {
        if (key == null) {
            return plain;
        }
        byte[] out = new byte[HEADER + plain.length + TAG_BITS / 8];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(check, 0, out, MAGIC.length, 8);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, MAGIC.length + 8, 12);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(out, binding));
            int n = c.doFinal(plain, 0, plain.length, out, HEADER);
            if (n != plain.length + TAG_BITS / 8) {
                throw new IllegalStateException("AES-GCM produced " + n + " bytes for " + plain.length);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JRE: " + e, e);
        }
    }

    /**
     * @param binding what the file is (its relative path when it was written)
     * @param data    the file's bytes
     * @return the content
     * @throws CorruptFileException if a key is set and the file is not sealed with it, or fails to authenticate
     *                              (damaged, or not the file {@code binding} says); or if no key is set and the
     *                              file is sealed
     */
    byte[] open(String binding, byte[] data) throws CorruptFileException {
        Kind kind = classify(data);
        if (key == null) {
            if (kind != Kind.PLAIN) {
                throw new CorruptFileException("file is encrypted, but " + CONFIG_KEY + " is not set");
            }
            return data;
        }
        if (kind == Kind.PLAIN) {
            throw new CorruptFileException("file is not encrypted, though " + CONFIG_KEY + " is set");
        }
        if (kind == Kind.FOREIGN) {
            throw new CorruptFileException("file is encrypted with another key than " + CONFIG_KEY + "'s");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, MAGIC.length + 8, 12));
            c.updateAAD(aad(data, binding));
            return c.doFinal(data, HEADER, data.length - HEADER);
        } catch (AEADBadTagException e) {
            throw new CorruptFileException("encrypted file fails authentication (damaged, or moved from another path)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JRE: " + e, e);
        }
    }

    private static byte[] aad(byte[] header, String binding) {
        byte[] b = binding.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(HEADER + b.length).put(header, 0, HEADER).put(b).array();
    }

    private static byte[] keyCheck(byte[] rawKey) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("facegate-gallery key check\0".getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(d.digest(rawKey), 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "FileCipher[off]" : "FileCipher[AES-256-GCM]";
    }
}
