package io.facegate.modelimport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Packs a model folder (SavedModel + {@code facegate-model.properties}) into a model bundle: a jar with
 * {@code models/<id>/} and the {@code Facegate-Model} header that the gateway's model extender serves, and no code.
 */
public final class ModelBundleWriter {
  private static final Pattern OSGI_VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");
  private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /**
   * What to write.
   *
   * @param modelDir      the model folder
   * @param jar           the bundle jar to write (replaced if it exists)
   * @param symbolicName  the bundle's symbolic name, or {@code null} for {@code facegate-model-<id>}
   * @param bundleVersion the bundle's version, or {@code null} for the model version (when it is an OSGi version)
   * @param ranking       the embedder's default {@code service.ranking}
   * @param pid           its configuration PID, or {@code null} for the extender's default
   */
  public record Request(Path modelDir, Path jar, String symbolicName, String bundleVersion, int ranking, String pid) {}

  private ModelBundleWriter() {}

  /**
   * @param r what to write
   * @return the bundle's symbolic name and version, {@code name:version}
   * @throws ModelImportException if the folder is not a model folder or a name is invalid
   * @throws IOException on a file error
   */
  public static String write(Request r) throws IOException {
    Path props = r.modelDir().resolve("facegate-model.properties");
    if (!Files.isRegularFile(props) || !Files.isRegularFile(r.modelDir().resolve("saved_model.pb"))) {
      throw new ModelImportException(r.modelDir() + " is not a model folder: it needs saved_model.pb and"
          + " facegate-model.properties (convert a TFLite model first, or give the TFLite file)");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(props)) {
      p.load(in);
    }
    String id = p.getProperty("model.id");
    String modelVersion = p.getProperty("model.version");
    if (id == null || modelVersion == null) {
      throw new ModelImportException(props + " lacks model.id or model.version");
    }
    String name = r.symbolicName() != null ? r.symbolicName() : "facegate-model-" + id;
    if (!SYMBOLIC_NAME.matcher(name).matches()) {
      throw new ModelImportException("--symbolic-name must be dotted tokens of A-Z a-z 0-9 _ -, got '" + name + "'");
    }
    String version = r.bundleVersion() != null ? r.bundleVersion() : modelVersion;
    if (!OSGI_VERSION.matcher(version).matches()) {
      throw new ModelImportException("bundle version '" + version + "' is not major[.minor[.micro]]: give"
          + " --bundle-version");
    }
    Manifest mf = new Manifest();
    Attributes a = mf.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Bundle-ManifestVersion", "2");
    a.putValue("Bundle-SymbolicName", name);
    a.putValue("Bundle-Version", version);
    a.putValue("Bundle-Name", "facegate model " + id + ":" + modelVersion);
    a.putValue("Facegate-Model", "models/" + id + ";ranking=" + r.ranking() + (r.pid() == null ? "" : ";pid="
        + r.pid()));
    a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=facegate.model)(version>=1.0)"
        + "(!(version>=2.0)))\"");
    Path tmp = r.jar().resolveSibling(r.jar().getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, mf)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(r.modelDir())) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        jar.putNextEntry(new JarEntry("models/" + id + "/" + r.modelDir().relativize(f).toString().replace('\\', '/')));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    }
    Files.move(tmp, r.jar(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return name + ":" + version;
  }
}
