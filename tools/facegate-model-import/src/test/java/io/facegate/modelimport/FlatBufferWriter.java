package io.facegate.modelimport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-only FlatBuffers writer. Like the real format it builds back to front, so every object is
 * written before the objects that point at it. References are "end offsets": the distance from the
 * end of the finished buffer, which stays fixed while the buffer grows at the front.
 */
final class FlatBufferWriter {
  private byte[] buf = new byte[256];
  private int head = buf.length;
  private List<int[]> tableFields;
  private int tableEnd;

  private int offset() {
    return buf.length - head;
  }

  private void reserve(int bytes) {
    while (head < bytes) {
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, head, bigger, bigger.length - offset(), offset());
      head += bigger.length - buf.length;
      buf = bigger;
    }
  }

  private void putByte(int value) {
    reserve(1);
    buf[--head] = (byte) value;
  }

  private void putShort(int value) {
    reserve(2);
    head -= 2;
    ByteBuffer.wrap(buf, head, 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value);
  }

  private void putInt(int value) {
    reserve(4);
    head -= 4;
    ByteBuffer.wrap(buf, head, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
  }

  private void putLong(long value) {
    reserve(8);
    head -= 8;
    ByteBuffer.wrap(buf, head, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
  }

  /** Writes a forward offset to the object at end offset {@code ref}. */
  private void putRef(int ref) {
    putInt(offset() + 4 - ref);
  }

  int string(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    putByte(0);
    for (int i = bytes.length - 1; i >= 0; i--) {
      putByte(bytes[i]);
    }
    putInt(bytes.length);
    return offset();
  }

  int intVector(int[] values) {
    for (int i = values.length - 1; i >= 0; i--) {
      putInt(values[i]);
    }
    putInt(values.length);
    return offset();
  }

  int floatVector(float[] values) {
    for (int i = values.length - 1; i >= 0; i--) {
      putInt(Float.floatToRawIntBits(values[i]));
    }
    putInt(values.length);
    return offset();
  }

  int byteVector(byte[] values) {
    for (int i = values.length - 1; i >= 0; i--) {
      putByte(values[i]);
    }
    putInt(values.length);
    return offset();
  }

  int refVector(int[] refs) {
    for (int i = refs.length - 1; i >= 0; i--) {
      putRef(refs[i]);
    }
    putInt(refs.length);
    return offset();
  }

  void startTable() {
    tableFields = new ArrayList<>();
    tableEnd = offset();
  }

  void addByte(int id, int value) {
    putByte(value);
    tableFields.add(new int[] {id, offset()});
  }

  void addInt(int id, int value) {
    putInt(value);
    tableFields.add(new int[] {id, offset()});
  }

  void addLong(int id, long value) {
    putLong(value);
    tableFields.add(new int[] {id, offset()});
  }

  void addRef(int id, int ref) {
    putRef(ref);
    tableFields.add(new int[] {id, offset()});
  }

  /** Writes the table's vtable offset and its vtable, and returns the table's reference. */
  int endTable() {
    putInt(0);
    int table = offset();
    int fieldCount = tableFields.stream().mapToInt(f -> f[0] + 1).max().orElse(0);
    int[] entries = new int[fieldCount];
    for (int[] f : tableFields) {
      entries[f[0]] = table - f[1];
    }
    for (int i = fieldCount - 1; i >= 0; i--) {
      putShort(entries[i]);
    }
    putShort(table - tableEnd);
    putShort(4 + 2 * fieldCount);
    int vtable = offset();
    // The table's first word is the signed distance back (to a lower address) to its vtable.
    ByteBuffer.wrap(buf, buf.length - table, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(vtable - table);
    tableFields = null;
    return table;
  }

  byte[] finish(int root, String fileIdentifier) {
    byte[] id = fileIdentifier.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = id.length - 1; i >= 0; i--) {
      putByte(id[i]);
    }
    putRef(root);
    return Arrays.copyOfRange(buf, head, buf.length);
  }
}
