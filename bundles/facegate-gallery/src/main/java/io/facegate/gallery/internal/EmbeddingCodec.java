package io.facegate.gallery.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * One person's embeddings of one model, as a self-describing binary file.
 * All numbers little-endian:
 *
 * <pre>
 * bytes  "FGEM"                 magic
 * u16    1                      format
 * u16    0                      reserved
 * str    model id               str = u16 length + UTF-8 bytes
 * str    model version
 * str    person id              (the file name, checked on load)
 * i32    dimension
 * f32    the model's recommended threshold
 * i32    count
 * count x { i64 photo id, f32 x dimension }    unit-length vectors
 * u32    CRC-32 of every byte before it
 * </pre>
 */
final class EmbeddingCodec {
    static final int FORMAT = 1;
    private static final byte[] MAGIC = {'F', 'G', 'E', 'M'};
    private static final int MAX_DIMENSION = 65536;
    private static final int MAX_STRING = 1024;

    /**
     * A decoded file.
     *
     * @param meta     the model
     * @param personId whose vectors
     * @param vectors  photo id to vector, in file order
     */
    record Content(ModelMeta meta, String personId, Map<String, float[]> vectors) {
    }

    private EmbeddingCodec() {
    }

    static byte[] encode(ModelMeta meta, String personId, Map<String, float[]> vectors) {
        byte[] id = meta.id().getBytes(StandardCharsets.UTF_8);
        byte[] version = meta.version().getBytes(StandardCharsets.UTF_8);
        byte[] person = personId.getBytes(StandardCharsets.UTF_8);
        int d = meta.dimension();
        int size = 4 + 2 + 2 + 2 + id.length + 2 + version.length + 2 + person.length + 4 + 4 + 4
                + vectors.size() * (8 + 4 * d) + 4;
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putShort((short) FORMAT).putShort((short) 0);
        putString(buf, id);
        putString(buf, version);
        putString(buf, person);
        buf.putInt(d).putFloat(meta.recommendedThreshold()).putInt(vectors.size());
        vectors.forEach((photoId, v) -> {
            if (v.length != d) {
                throw new IllegalArgumentException("vector of " + v.length + " values for a " + d + "-d model");
            }
            buf.putLong(Ids.toLong(photoId));
            for (float f : v) {
                buf.putFloat(f);
            }
        });
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /**
     * @param data a file's bytes
     * @return its content
     * @throws CorruptFileException if the file is truncated, damaged, or holds invalid vectors
     */
    static Content decode(byte[] data) throws CorruptFileException {
        if (data.length < 4 + 4 + 4) {
            throw new CorruptFileException("embedding file truncated (" + data.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 4);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int stored = buf.getInt(data.length - 4);
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                throw new CorruptFileException("not a facegate embedding file (bad magic)");
            }
        }
        if (stored != (int) crc.getValue()) {
            throw new CorruptFileException("embedding file checksum mismatch (truncated or damaged)");
        }
        try {
            buf.position(MAGIC.length);
            int format = Short.toUnsignedInt(buf.getShort());
            buf.getShort();
            if (format != FORMAT) {
                throw new CorruptFileException("unsupported embedding file format " + format);
            }
            String id = getString(buf);
            String version = getString(buf);
            String person = getString(buf);
            int d = buf.getInt();
            float threshold = buf.getFloat();
            int count = buf.getInt();
            if (d <= 0 || d > MAX_DIMENSION || count < 0) {
                throw new CorruptFileException("embedding file has dimension " + d + " and count " + count);
            }
            long expected = (long) buf.position() + (long) count * (8 + 4L * d) + 4;
            if (expected != data.length) {
                throw new CorruptFileException("embedding file is " + data.length + " bytes, header says " + expected);
            }
            ModelMeta meta;
            try {
                meta = new ModelMeta(id, version, d, threshold);
            } catch (IllegalArgumentException e) {
                throw new CorruptFileException("embedding file header: " + e.getMessage());
            }
            if (id.isBlank() || version.isBlank() || !Ids.isValid(person)) {
                throw new CorruptFileException("embedding file header names model '" + id + ":" + version
                        + "' and person '" + person + "'");
            }
            Map<String, float[]> vectors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String photoId = Ids.fromLong(buf.getLong());
                float[] v = new float[d];
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    v[j] = buf.getFloat();
                    norm += (double) v[j] * v[j];
                }
                if (!(Math.abs(norm - 1) < 1e-3)) {
                    throw new CorruptFileException("embedding file holds a vector of norm " + Math.sqrt(norm)
                            + " (expected unit length)");
                }
                if (vectors.put(photoId, v) != null) {
                    throw new CorruptFileException("embedding file holds photo " + photoId + " twice");
                }
            }
            return new Content(meta, person, vectors);
        } catch (BufferUnderflowException e) {
            throw new CorruptFileException("embedding file truncated");
        }
    }

    private static void putString(ByteBuffer buf, byte[] s) {
        if (s.length > MAX_STRING) {
            throw new IllegalArgumentException("string too long for an embedding file header: " + s.length + " bytes");
        }
        buf.putShort((short) s.length).put(s);
    }

    private static String getString(ByteBuffer buf) throws CorruptFileException {
        int n = Short.toUnsignedInt(buf.getShort());
        if (n > MAX_STRING || n > buf.remaining()) {
            throw new CorruptFileException("embedding file header has a string of " + n + " bytes");
        }
        byte[] b = new byte[n];
        buf.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptFileException("embedding file header is not UTF-8");
        }
    }
}
