package io.facegate.modelimport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test-only inverse of {@link TfliteReader}: serialises a {@link TfliteModel} as a TFLite flatbuffer. */
final class TfliteWriter {
  private TfliteWriter() {}

  static byte[] write(TfliteModel model) {
    FlatBufferWriter w = new FlatBufferWriter();
    List<Integer> buffers = new ArrayList<>();
    w.startTable();
    buffers.add(w.endTable());
    List<Integer> tensors = new ArrayList<>();
    for (TfliteModel.Tensor t : model.tensors()) {
      int buffer = 0;
      if (t.data() != null) {
        ByteBuffer data = t.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        int vector = w.byteVector(bytes);
        w.startTable();
        w.addRef(0, vector);
        buffer = buffers.size();
        buffers.add(w.endTable());
      }
      int quantization = -1;
      if (t.quantized()) {
        int scale = w.floatVector(new float[] {0.5f});
        w.startTable();
        w.addRef(2, scale);
        quantization = w.endTable();
      }
      int name = w.string(t.name());
      int shape = w.intVector(t.shape());
      w.startTable();
      w.addRef(0, shape);
      w.addByte(1, t.type());
      w.addInt(2, buffer);
      w.addRef(3, name);
      if (quantization >= 0) {
        w.addRef(4, quantization);
      }
      tensors.add(w.endTable());
    }
    List<Integer> codes = new ArrayList<>();
    List<Integer> operators = new ArrayList<>();
    for (TfliteModel.Operator op : model.operators()) {
      int custom = op.customCode() == null ? -1 : w.string(op.customCode());
      w.startTable();
      w.addByte(0, Math.min(op.builtinCode(), 127));
      if (custom >= 0) {
        w.addRef(1, custom);
      }
      w.addInt(2, 1);
      w.addInt(3, op.builtinCode());
      codes.add(w.endTable());
      int options = options(w, op.options());
      int inputs = w.intVector(op.inputs());
      int outputs = w.intVector(op.outputs());
      w.startTable();
      w.addInt(0, codes.size() - 1);
      w.addRef(1, inputs);
      w.addRef(2, outputs);
      if (options >= 0) {
        w.addRef(4, options);
      }
      operators.add(w.endTable());
    }
    int tensorVector = w.refVector(ints(tensors));
    int inputs = w.intVector(model.inputs());
    int outputs = w.intVector(model.outputs());
    int operatorVector = w.refVector(ints(operators));
    int subgraphName = w.string("main");
    w.startTable();
    w.addRef(0, tensorVector);
    w.addRef(1, inputs);
    w.addRef(2, outputs);
    w.addRef(3, operatorVector);
    w.addRef(4, subgraphName);
    int subgraph = w.endTable();
    int subgraphs = w.refVector(new int[] {subgraph});
    int codeVector = w.refVector(ints(codes));
    int bufferVector = w.refVector(ints(buffers));
    int description = w.string(model.description());
    w.startTable();
    w.addInt(0, model.schemaVersion());
    w.addRef(1, codeVector);
    w.addRef(2, subgraphs);
    w.addRef(3, description);
    w.addRef(4, bufferVector);
    return w.finish(w.endTable(), "TFL3");
  }

  private static int options(FlatBufferWriter w, Options options) {
    if (options instanceof Options.None) {
      return -1;
    }
    int newShape = options instanceof Options.Reshape r && r.newShape() != null ? w.intVector(r.newShape()) : -1;
    w.startTable();
    if (options instanceof Options.Conv2D o) {
      w.addByte(0, o.padding().ordinal());
      w.addInt(1, o.strideW());
      w.addInt(2, o.strideH());
      w.addByte(3, o.activation().ordinal());
      w.addInt(4, o.dilationW());
      w.addInt(5, o.dilationH());
    } else if (options instanceof Options.DepthwiseConv2D o) {
      w.addByte(0, o.padding().ordinal());
      w.addInt(1, o.strideW());
      w.addInt(2, o.strideH());
      w.addInt(3, o.depthMultiplier());
      w.addByte(4, o.activation().ordinal());
      w.addInt(5, o.dilationW());
      w.addInt(6, o.dilationH());
    } else if (options instanceof Options.FullyConnected o) {
      w.addByte(0, o.activation().ordinal());
      w.addByte(1, o.weightsFormat());
      w.addByte(2, o.keepNumDims() ? 1 : 0);
    } else if (options instanceof Options.Pool2D o) {
      w.addByte(0, o.padding().ordinal());
      w.addInt(1, o.strideW());
      w.addInt(2, o.strideH());
      w.addInt(3, o.filterW());
      w.addInt(4, o.filterH());
      w.addByte(5, o.activation().ordinal());
    } else if (options instanceof Options.Arithmetic o) {
      w.addByte(0, o.activation().ordinal());
    } else if (options instanceof Options.Reducer o) {
      w.addByte(0, o.keepDims() ? 1 : 0);
    } else if (newShape >= 0) {
      w.addRef(0, newShape);
    }
    return w.endTable();
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
