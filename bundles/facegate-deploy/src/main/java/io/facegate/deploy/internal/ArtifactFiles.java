package io.facegate.deploy.internal;

import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ReleaseLedger;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's files: transfers in {@code incoming/<job>.part}; under {@code artifacts/<name>/} the jar of every
 * accepted release ({@code <release>.jar}, the last {@value #KEPT_RELEASES} kept for rollbacks), the revision that
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

    /** Deletes the jars of releases older than the last {@value #KEPT_RELEASES} accepted ones. */
    void prune(String name, List<ReleaseLedger.Accepted> history) {
        Set<String> keep = new HashSet<>(Set.of("current.jar"));
        for (int k = Math.max(0, history.size() - KEPT_RELEASES); k < history.size(); k++) {
            keep.add(history.get(k).release() + ".jar");
        }
        try (Stream<Path> files = Files.list(artifacts.resolve(name))) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.matches("\\d+\\.jar") && !keep.contains(n)) {
                    deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not prune the artifacts of {}: {}", name, e.toString());
        }
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
