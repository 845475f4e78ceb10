package io.facegate.modelimport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code facegate-model.properties} file that travels with each converted model: what the
 * model is, how to feed it and where it came from. Keys keep a fixed order and there is no
 * timestamp, so rebuilding the same model gives the same file.
 */
public final class ModelMetadata {
  public static final String FILE_NAME = "facegate-model.properties";

  private final Map<String, String> entries = new LinkedHashMap<>();

  /** Adds an entry; keys appear in the file in the order they were added. Null values are skipped. */
  public ModelMetadata put(String key, Object value) {
    if (value != null) {
      entries.put(key, String.valueOf(value));
    }
    return this;
  }

  public Map<String, String> entries() {
    return Map.copyOf(entries);
  }

  public void write(Path dir) throws IOException {
    StringBuilder text = new StringBuilder("# facegate model metadata, written by facegate-model-import\n");
    entries.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
    Files.writeString(dir.resolve(FILE_NAME), text, StandardCharsets.ISO_8859_1);
  }

  public static Properties read(Path dir) throws IOException {
    Properties properties = new Properties();
    try (var in = Files.newInputStream(dir.resolve(FILE_NAME))) {
      properties.load(in);
    }
    return properties;
  }

  /** Escapes a value as {@link Properties#load(java.io.InputStream)} expects it. */
  private static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case ' ' -> out.append(i == 0 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
