package io.facegate.modelimport;

/** The model is valid TFLite but uses something this importer does not convert (an op, a quantised tensor, ...). */
public class UnsupportedModelException extends ModelImportException {
  private static final long serialVersionUID = 1L;

  public UnsupportedModelException(String message) {
    super(message);
  }
}
