package io.facegate.modelimport;

import io.facegate.modelimport.Options.Activation;
import io.facegate.modelimport.Options.Padding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a TFLite flatbuffer (schema v3, identifier {@code TFL3}) into a {@link TfliteModel}.
 * Field ids follow the public TFLite schema.fbs.
 */
public final class TfliteReader {
  private static final String FILE_IDENTIFIER = "TFL3";

  // Model
  private static final int MODEL_VERSION = 0;
  private static final int MODEL_OPERATOR_CODES = 1;
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_DESCRIPTION = 3;
  private static final int MODEL_BUFFERS = 4;
  // SubGraph
  private static final int SUBGRAPH_TENSORS = 0;
  private static final int SUBGRAPH_INPUTS = 1;
  private static final int SUBGRAPH_OUTPUTS = 2;
  private static final int SUBGRAPH_OPERATORS = 3;
  // Tensor
  private static final int TENSOR_SHAPE = 0;
  private static final int TENSOR_TYPE = 1;
  private static final int TENSOR_BUFFER = 2;
  private static final int TENSOR_NAME = 3;
  private static final int TENSOR_QUANTIZATION = 4;
  // QuantizationParameters
  private static final int QUANT_SCALE = 2;
  private static final int QUANT_ZERO_POINT = 3;
  // Buffer
  private static final int BUFFER_DATA = 0;
  private static final int BUFFER_OFFSET = 1;
  // Operator
  private static final int OPERATOR_OPCODE_INDEX = 0;
  private static final int OPERATOR_INPUTS = 1;
  private static final int OPERATOR_OUTPUTS = 2;
  private static final int OPERATOR_BUILTIN_OPTIONS = 4;
  // OperatorCode
  private static final int OPCODE_DEPRECATED_BUILTIN_CODE = 0;
  private static final int OPCODE_CUSTOM_CODE = 1;
  private static final int OPCODE_BUILTIN_CODE = 3;

  private TfliteReader() {}

  public static TfliteModel read(Path file) throws IOException {
    return read(ByteBuffer.wrap(Files.readAllBytes(file)));
  }

  public static TfliteModel read(ByteBuffer bytes) {
    FlatBuffer.Table model = new FlatBuffer(bytes).root(FILE_IDENTIFIER);
    int version = model.getInt(MODEL_VERSION, 0);
    if (version != 3) {
      throw new UnsupportedModelException("TFLite schema version " + version + " is not supported (expected 3)");
    }
    List<FlatBuffer.Table> subgraphs = model.getTableVector(MODEL_SUBGRAPHS);
    if (subgraphs.size() != 1) {
      throw new UnsupportedModelException(
          "the model has " + subgraphs.size() + " subgraphs; only single-subgraph models are supported");
    }
    FlatBuffer.Table subgraph = subgraphs.get(0);
    List<FlatBuffer.Table> buffers = model.getTableVector(MODEL_BUFFERS);
    List<FlatBuffer.Table> opcodes = model.getTableVector(MODEL_OPERATOR_CODES);

    List<TfliteModel.Tensor> tensors = new ArrayList<>();
    for (FlatBuffer.Table t : subgraph.getTableVector(SUBGRAPH_TENSORS)) {
      tensors.add(readTensor(tensors.size(), t, buffers));
    }
    List<TfliteModel.Operator> operators = new ArrayList<>();
    for (FlatBuffer.Table op : subgraph.getTableVector(SUBGRAPH_OPERATORS)) {
      operators.add(readOperator(operators.size(), op, opcodes));
    }
    return new TfliteModel(
        version,
        model.getString(MODEL_DESCRIPTION),
        tensors,
        operators,
        subgraph.getIntVector(SUBGRAPH_INPUTS),
        subgraph.getIntVector(SUBGRAPH_OUTPUTS));
  }

  private static TfliteModel.Tensor readTensor(int index, FlatBuffer.Table t, List<FlatBuffer.Table> buffers) {
    String name = t.getString(TENSOR_NAME);
    int bufferIndex = t.getInt(TENSOR_BUFFER, 0);
    if (bufferIndex < 0 || bufferIndex >= Math.max(buffers.size(), 1)) {
      throw new MalformedModelException("tensor #" + index + " '" + name + "' refers to missing buffer " + bufferIndex);
    }
    ByteBuffer data = null;
    if (bufferIndex > 0) {
      FlatBuffer.Table buffer = buffers.get(bufferIndex);
      if (buffer.getLong(BUFFER_OFFSET, 0) != 0) {
        throw new UnsupportedModelException(
            "tensor #" + index + " '" + name + "' keeps its data outside the flatbuffer (large-model format)");
      }
      ByteBuffer bytes = buffer.getBytes(BUFFER_DATA);
      data = bytes == null || !bytes.hasRemaining() ? null : bytes;
    }
    FlatBuffer.Table q = t.getTable(TENSOR_QUANTIZATION);
    // TOCO records min/max value ranges on float inputs (e.g. 0..255); only scale/zero point quantise.
    boolean quantized = q != null && (q.vectorLength(QUANT_SCALE) > 0 || q.vectorLength(QUANT_ZERO_POINT) > 0);
    TfliteModel.Tensor tensor = new TfliteModel.Tensor(
        index, name == null ? "" : name, t.getIntVector(TENSOR_SHAPE), t.getByte(TENSOR_TYPE, (byte) 0), data, quantized);
    if (data != null && (tensor.type() == TfliteModel.TYPE_FLOAT32 || tensor.type() == TfliteModel.TYPE_INT32)
        && data.remaining() != 4 * tensor.elementCount()) {
      throw new MalformedModelException(
          tensor.describe() + " has " + data.remaining() + " bytes of data, expected " + 4 * tensor.elementCount());
    }
    return tensor;
  }

  private static TfliteModel.Operator readOperator(int index, FlatBuffer.Table op, List<FlatBuffer.Table> opcodes) {
    int opcodeIndex = op.getInt(OPERATOR_OPCODE_INDEX, 0);
    if (opcodeIndex < 0 || opcodeIndex >= opcodes.size()) {
      throw new MalformedModelException("operator #" + index + " refers to missing operator code " + opcodeIndex);
    }
    FlatBuffer.Table opcode = opcodes.get(opcodeIndex);
    // Old converters only fill the byte field, new ones both (the byte saturates at 127).
    int code = Math.max(opcode.getByte(OPCODE_DEPRECATED_BUILTIN_CODE, (byte) 0), opcode.getInt(OPCODE_BUILTIN_CODE, 0));
    String custom = code == BuiltinOperator.CUSTOM ? String.valueOf(opcode.getString(OPCODE_CUSTOM_CODE)) : null;
    FlatBuffer.Table options = op.getTable(OPERATOR_BUILTIN_OPTIONS);
    return new TfliteModel.Operator(
        index, code, custom, op.getIntVector(OPERATOR_INPUTS), op.getIntVector(OPERATOR_OUTPUTS),
        readOptions(code, options));
  }

  /** Parses the options of supported ops; absent tables and fields take the schema defaults. */
  private static Options readOptions(int code, FlatBuffer.Table o) {
    return switch (code) {
      case BuiltinOperator.CONV_2D -> new Options.Conv2D(
          padding(o, 0), getInt(o, 1, 0), getInt(o, 2, 0), activation(o, 3), getInt(o, 4, 1), getInt(o, 5, 1));
      case BuiltinOperator.DEPTHWISE_CONV_2D -> new Options.DepthwiseConv2D(
          padding(o, 0), getInt(o, 1, 0), getInt(o, 2, 0), getInt(o, 3, 0), activation(o, 4), getInt(o, 5, 1),
          getInt(o, 6, 1));
      case BuiltinOperator.FULLY_CONNECTED -> new Options.FullyConnected(
          activation(o, 0), o == null ? 0 : o.getByte(1, (byte) 0), o != null && o.getBool(2, false));
      case BuiltinOperator.MAX_POOL_2D -> new Options.Pool2D(
          padding(o, 0), getInt(o, 1, 0), getInt(o, 2, 0), getInt(o, 3, 0), getInt(o, 4, 0), activation(o, 5));
      case BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.DIV ->
          new Options.Arithmetic(activation(o, 0));
      case BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX -> new Options.Reducer(o != null && o.getBool(0, false));
      case BuiltinOperator.RESHAPE -> new Options.Reshape(o == null || !o.has(0) ? null : o.getIntVector(0));
      default -> new Options.None();
    };
  }

  private static int getInt(FlatBuffer.Table o, int id, int defaultValue) {
    return o == null ? defaultValue : o.getInt(id, defaultValue);
  }

  private static Padding padding(FlatBuffer.Table o, int id) {
    int value = o == null ? 0 : o.getByte(id, (byte) 0);
    if (value < 0 || value >= Padding.values().length) {
      throw new MalformedModelException("unknown padding type " + value);
    }
    return Padding.values()[value];
  }

  private static Activation activation(FlatBuffer.Table o, int id) {
    int value = o == null ? 0 : o.getByte(id, (byte) 0);
    if (value < 0 || value >= Activation.values().length) {
      throw new MalformedModelException("unknown fused activation type " + value);
    }
    return Activation.values()[value];
  }
}
