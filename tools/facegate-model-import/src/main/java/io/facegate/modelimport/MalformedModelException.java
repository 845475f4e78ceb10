package io.facegate.modelimport;

/** The input is not a well-formed TFLite flatbuffer (truncated, bad offsets, wrong identifier). */
public class MalformedModelException extends ModelImportException {
  private static final long serialVersionUID = 1L;

  public MalformedModelException(String message) {
    super(message);
  }
}
