package io.facegate.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-aligned training faces with their teacher targets, read into memory once: 112x112 RGB
 * crops (the teacher's alignment; the student's 96x96 input is warped from them), the teacher's
 * L2-normalised embedding of the crop and of its mirror image, an identity group (-1 when the
 * source has no identities) and whether the face belongs to the validation split.
 */
final class FaceCache {
    static final String FILE_NAME = "faces.bin";
    private static final int MAGIC = 0x46474643; // "FGFC"
    private static final int VERSION = 1;

    /** One cached face. */
    record Face(byte[] rgb, float[] target, float[] flippedTarget, int group, boolean validation) {
    }

    private final int size;
    private final int dims;
    private final List<Face> faces;

    FaceCache(int size, int dims, List<Face> faces) {
        this.size = size;
        this.dims = dims;
        this.faces = List.copyOf(faces);
    }

    int size() {
        return size;
    }

    int dims() {
        return dims;
    }

    List<Face> faces() {
        return faces;
    }

    List<Face> split(boolean validation) {
        return faces.stream().filter(f -> f.validation() == validation).toList();
    }

    /** Writes to a temporary file beside the target, then renames it: a cut-off run leaves no half cache. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(size);
            out.writeInt(dims);
            out.writeInt(faces.size());
            for (Face f : faces) {
                out.writeInt(f.group());
                out.writeBoolean(f.validation());
                out.write(f.rgb());
                for (float v : f.target()) {
                    out.writeFloat(v);
                }
                for (float v : f.flippedTarget()) {
                    out.writeFloat(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @throws IOException if the file is missing, truncated or not a face cache
     */
    static FaceCache read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no face cache at " + file + " (run 'prepare' first)");
        }
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 20))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + " is not a facegate face cache of version " + VERSION);
            }
            int size = in.readInt();
            int dims = in.readInt();
            int count = in.readInt();
            if (size < 16 || size > 1024 || dims < 1 || dims > 4096 || count < 0) {
                throw new IOException(file + " has a corrupt header (size " + size + ", dims " + dims + ", count " + count + ")");
            }
            List<Face> faces = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int group = in.readInt();
                boolean validation = in.readBoolean();
                byte[] rgb = new byte[size * size * 3];
                in.readFully(rgb);
                faces.add(new Face(rgb, readFloats(in, dims), readFloats(in, dims), group, validation));
            }
            return new FaceCache(size, dims, faces);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
