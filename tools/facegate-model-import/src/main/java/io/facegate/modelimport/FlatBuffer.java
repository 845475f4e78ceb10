package io.facegate.modelimport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal reader for the FlatBuffers binary format (little endian, 32-bit offsets) that checks
 * every offset and length against the buffer, so a damaged file fails with a
 * {@link MalformedModelException} instead of an arbitrary runtime exception.
 */
final class FlatBuffer {
  private final ByteBuffer buf;

  FlatBuffer(ByteBuffer source) {
    this.buf = source.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The root table, after checking the 4-byte file identifier that follows the root offset. */
  Table root(String fileIdentifier) {
    check(0, 8, "file header");
    byte[] id = new byte[4];
    for (int i = 0; i < 4; i++) {
      id[i] = buf.get(4 + i);
    }
    String actual = new String(id, StandardCharsets.ISO_8859_1);
    if (!actual.equals(fileIdentifier)) {
      throw new MalformedModelException(
          "not a TFLite model: file identifier is '" + printable(actual) + "', expected '" + fileIdentifier + "'");
    }
    return new Table(follow(0, "root table"));
  }

  private static String printable(String s) {
    return s.chars().allMatch(c -> c >= 32 && c < 127) ? s : "<binary>";
  }

  private void check(long pos, long length, String what) {
    if (pos < 0 || length < 0 || pos + length > buf.limit()) {
      throw new MalformedModelException(
          "corrupt flatbuffer: " + what + " at offset " + pos + " (+" + length + " bytes) lies outside the "
              + buf.limit() + "-byte file");
    }
  }

  private int readInt(int pos, String what) {
    check(pos, 4, what);
    return buf.getInt(pos);
  }

  /** Resolves the unsigned forward offset stored at {@code pos}. */
  private int follow(int pos, String what) {
    long target = pos + Integer.toUnsignedLong(readInt(pos, what));
    check(target, 4, what);
    return (int) target;
  }

  /** A view of one table; field ids are the declaration order in the schema. */
  final class Table {
    private final int pos;
    private final int vtable;
    private final int vtableSize;

    private Table(int pos) {
      this.pos = pos;
      long vt = (long) pos - readInt(pos, "table");
      check(vt, 4, "vtable");
      this.vtable = (int) vt;
      this.vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
      check(vtable, vtableSize, "vtable");
    }

    /** Absolute position of a field, or -1 when the field is absent (its default applies). */
    private int field(int id, int size) {
      int entry = 4 + 2 * id;
      if (entry + 2 > vtableSize) {
        return -1;
      }
      int offset = Short.toUnsignedInt(buf.getShort(vtable + entry));
      if (offset == 0) {
        return -1;
      }
      check((long) pos + offset, size, "field " + id);
      return pos + offset;
    }

    boolean has(int id) {
      return field(id, 1) >= 0;
    }

    byte getByte(int id, byte defaultValue) {
      int p = field(id, 1);
      return p < 0 ? defaultValue : buf.get(p);
    }

    boolean getBool(int id, boolean defaultValue) {
      int p = field(id, 1);
      return p < 0 ? defaultValue : buf.get(p) != 0;
    }

    int getInt(int id, int defaultValue) {
      int p = field(id, 4);
      return p < 0 ? defaultValue : buf.getInt(p);
    }

    long getLong(int id, long defaultValue) {
      int p = field(id, 8);
      return p < 0 ? defaultValue : buf.getLong(p);
    }

    /** A sub-table, or null when absent. */
    Table getTable(int id) {
      int p = field(id, 4);
      return p < 0 ? null : new Table(follow(p, "table field " + id));
    }

    /** A string, or null when absent. */
    String getString(int id) {
      int start = vectorStart(id, 1);
      if (start < 0) {
        return null;
      }
      return StandardCharsets.UTF_8.decode(slice(start, buf.getInt(start - 4))).toString();
    }

    int[] getIntVector(int id) {
      int start = vectorStart(id, 4);
      int[] result = new int[start < 0 ? 0 : buf.getInt(start - 4)];
      for (int i = 0; i < result.length; i++) {
        result[i] = buf.getInt(start + 4 * i);
      }
      return result;
    }

    /** Number of elements of a vector field (any element type), 0 when absent. */
    int vectorLength(int id) {
      int start = vectorStart(id, 1);
      return start < 0 ? 0 : buf.getInt(start - 4);
    }

    /** A byte vector as a read-only little-endian view, or null when absent. */
    ByteBuffer getBytes(int id) {
      int start = vectorStart(id, 1);
      return start < 0 ? null : slice(start, buf.getInt(start - 4));
    }

    List<Table> getTableVector(int id) {
      int start = vectorStart(id, 4);
      int length = start < 0 ? 0 : buf.getInt(start - 4);
      List<Table> result = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        result.add(new Table(follow(start + 4 * i, "element " + i + " of vector field " + id)));
      }
      return result;
    }

    /** Position of the first element of a vector field, after checking it fits; -1 when absent. */
    private int vectorStart(int id, int elementSize) {
      int p = field(id, 4);
      if (p < 0) {
        return -1;
      }
      int lengthPos = follow(p, "vector field " + id);
      long length = Integer.toUnsignedLong(buf.getInt(lengthPos));
      check(lengthPos + 4L, length * elementSize, "vector field " + id);
      return lengthPos + 4;
    }

    private ByteBuffer slice(int start, int length) {
      return buf.slice(start, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
