package io.facegate.deploy.internal;

import io.facegate.deploy.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's files: transfers in {@code incoming/<job>.part}; under {@code artifacts/<name>/} the jar of every
 * accepted release ({@code <release>.jar}, the {@value #KEPT_RELEASES} highest that did not fail kept for rollbacks), the revision that
 * ran before a job ({@code previous-<job>.jar} and the location it was installed from), and the jar this agent
 * installed last ({@code current.jar}).
 */
final class ArtifactFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactFiles.class);
    /** Releases per artifact whose jars stay on disk for a rollback. */
    static final int KEPT_RELEASES = 3;

    private final Path incoming;
    private final Path artifacts;

    /**
     * @param work the agent's work folder
     * @throws IOException if its folders cannot be created
     */
    ArtifactFiles(Path work) throws IOException {
        this.incoming = Files.createDirectories(work.resolve("incoming"));
        this.artifacts = Files.createDirectories(work.resolve("artifacts"));
    }

    Path part(String jobId) {
        return incoming.resolve(jobId + ".part");
    }

    Path artifact(Manifest m) {
        return artifacts.resolve(m.name()).resolve(m.release() + ".jar");
    }

    /** @return where a feature archive is installed from: Karaf names a KAR after its file */
    Path karFile(String name) throws IOException {
        return Files.createDirectories(artifacts.resolve(name)).resolve(name + ".kar");
    }

    Path previous(String name, String jobId) {
        return artifacts.resolve(name).resolve("previous-" + jobId + ".jar");
    }

    /** Moves a verified transfer to its release's place. */
    Path store(String jobId, Manifest m) throws IOException {
        Path jar = artifact(m);
        Files.createDirectories(jar.getParent());
        Files.move(part(jobId), jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    /** Keeps the revision running now, and the location it came from, before it is replaced. */
    void keepRunning(Bundle b, Path previous) throws IOException {
        try (InputStream in = runningRevision(b)) {
            Files.copy(in, previous, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(locationOf(previous), b.getLocation());
    }

    /** Forgets what this agent installed last of a bundle that was removed; its release jars stay for a rollback. */
    void removed(String name) {
        deleteQuietly(artifacts.resolve(name).resolve("current.jar"));
    }

    /** Records what this agent installed last, for the next job's {@link #keepRunning}. */
    void installed(Manifest m) {
        try {
            Files.copy(artifact(m), artifacts.resolve(m.name()).resolve("current.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("{} serves, but a later rollback will restore the revision it was installed from: {}",
                    m.name(), e.toString());
        }
    }

    /**
     * @return the jar of the revision that runs now: the last artifact this agent installed for it when its
     *         version matches, else what the bundle was installed from (an update keeps the location)
     */
    private InputStream runningRevision(Bundle b) throws IOException {
        Path current = artifacts.resolve(b.getSymbolicName()).resolve("current.jar");
        if (Files.exists(current)) {
            try (JarFile jf = new JarFile(current.toFile())) {
                String v = jf.getManifest().getMainAttributes().getValue("Bundle-Version");
                if (v != null && Version.parseVersion(v).equals(b.getVersion())) {
                    return Files.newInputStream(current);
                }
            }
        }
        return new URL(b.getLocation()).openStream(); // Karaf resolves mvn: and file: locations
    }

    /**
     * Deletes the jars of all but the {@value #KEPT_RELEASES} highest releases on disk. Releases that failed their
     * health check are deleted when they fail ({@link #forget}), so they never take the place of one that served.
     */
    void prune(String name) {
        try (Stream<Path> files = Files.list(artifacts.resolve(name))) {
            List<Path> releases = files.filter(f -> f.getFileName().toString().matches("\\d{1,19}\\.jar"))
                    .sorted(Comparator.comparingLong(ArtifactFiles::releaseOf).reversed()).toList();
            releases.stream().skip(KEPT_RELEASES).forEach(ArtifactFiles::deleteQuietly);
        } catch (IOException e) {
            LOG.debug("could not prune the artifacts of {}: {}", name, e.toString());
        }
    }

    /** Deletes a release's jar: it failed, and a failed release is never installed again. */
    void forget(Manifest m) {
        deleteQuietly(artifact(m));
    }

    private static long releaseOf(Path jar) {
        String n = jar.getFileName().toString();
        return Long.parseLong(n.substring(0, n.length() - ".jar".length()));
    }

    static Path locationOf(Path previous) {
        return previous.resolveSibling(previous.getFileName().toString().replaceAll("\\.jar$", ".location"));
    }

    static void deletePrevious(Path previous) {
        deleteQuietly(previous);
        deleteQuietly(locationOf(previous));
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", p, e.toString());
        }
    }
}
