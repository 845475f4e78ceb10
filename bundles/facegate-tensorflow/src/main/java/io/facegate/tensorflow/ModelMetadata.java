package io.facegate.tensorflow;

import io.facegate.api.ChannelOrder;
import io.facegate.api.ModelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The {@value #FILE_NAME} file that sits beside every SavedModel facegate
 * ships: what the model is and how to feed it.
 *
 * @param id             model id
 * @param version        model version
 * @param inputSize      side of the square input, or 0 for fully convolutional nets
 * @param channelOrder   channel order at the input
 * @param inputMean      subtracted from every 0..255 sample
 * @param inputScale     divisor after the mean
 * @param transposed     whether the net expects width and height swapped (Caffe-ported MTCNN)
 * @param inputs         signature input names
 * @param outputs        signature output names
 * @param embeddingSize  embedding length, 0 if not an embedder
 * @param threshold      recommended cosine threshold, NaN if not an embedder
 */
public record ModelMetadata(String id, String version, int inputSize, ChannelOrder channelOrder,
                            float inputMean, float inputScale, boolean transposed,
                            List<String> inputs, List<String> outputs, int embeddingSize, float threshold) {

    /** Name of the metadata file inside a model directory. */
    public static final String FILE_NAME = "facegate-model.properties";

    /** Copies the name lists. */
    public ModelMetadata {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * @param in the properties file
     * @return the parsed metadata
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the key that is missing or malformed
     */
    public static ModelMetadata read(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        return parse(p);
    }

    /**
     * @param text properties text
     * @return the parsed metadata
     * @throws IllegalArgumentException naming the key that is missing or malformed
     */
    public static ModelMetadata parse(String text) {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable model metadata", e);
        }
        return parse(p);
    }

    private static ModelMetadata parse(Properties p) {
        return new ModelMetadata(
                required(p, "model.id"),
                required(p, "model.version"),
                intValue(p, "model.input.size", 0),
                ChannelOrder.valueOf(p.getProperty("model.channel.order", "RGB").trim()),
                floatValue(p, "model.input.mean", 127.5f),
                floatValue(p, "model.input.scale", 128f),
                Boolean.parseBoolean(p.getProperty("model.input.transposed", "false").trim()),
                list(p, "model.inputs"),
                list(p, "model.outputs"),
                intValue(p, "model.embedding.size", 0),
                floatValue(p, "model.recommended.threshold", Float.NaN));
    }

    /**
     * @return the API view of an embedding model
     * @throws IllegalStateException if this model is not an embedder
     */
    public ModelInfo toModelInfo() {
        if (embeddingSize <= 0 || inputSize <= 0 || Float.isNaN(threshold)) {
            throw new IllegalStateException("model " + id + " is not an embedding model"
                    + " (needs model.input.size, model.embedding.size, model.recommended.threshold)");
        }
        return new ModelInfo(id, version, inputSize, channelOrder, inputMean, inputScale, embeddingSize, threshold);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("model metadata lacks " + key);
        }
        return v.trim();
    }

    private static int intValue(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model metadata " + key + " is not an integer: " + v);
        }
    }

    private static float floatValue(Properties p, String key, float fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model metadata " + key + " is not a number: " + v);
        }
    }

    private static List<String> list(Properties p, String key) {
        String v = required(p, key);
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
