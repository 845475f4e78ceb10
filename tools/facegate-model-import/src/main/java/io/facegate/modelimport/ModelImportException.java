package io.facegate.modelimport;

/** Base class of the importer's user-facing errors: the message alone must tell what is wrong. */
public class ModelImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelImportException(String message) {
    super(message);
  }
}
