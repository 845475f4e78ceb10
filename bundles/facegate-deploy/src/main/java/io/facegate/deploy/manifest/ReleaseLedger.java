package io.facegate.deploy.manifest;

import io.facegate.deploy.internal.AtomicWrite;
import io.facegate.deploy.internal.OwnerOnly;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per artifact name, every manifest this gateway accepted: the memory that turns a replayed or older release into
 * {@link Reason#STALE_RELEASE}. Persisted in one JSON file (0600) replaced atomically on every
 * {@link #record(Manifest)}; a file that cannot be read is an error, never silently reset, since an empty ledger
 * would accept every old release again.
 *
 * <p>Release rule: a manifest is accepted if its release is higher than every accepted release of its name. A
 * manifest with {@code rollback} true and a release not higher is accepted only if (name, release, sha256) was
 * accepted before and it was created after every manifest accepted for that name (so a captured rollback cannot
 * be replayed later to downgrade again).
 *
 * <p>Thread-safe; meant for one installer that verifies, installs and records one artifact at a time.
 */
public final class ReleaseLedger {
    /** Suggested location under {@code ${karaf.data}}: only the gateway's user can write there. */
    public static final String DEFAULT_FILE = "facegate/deploy/releases.json";

    private static final int SCHEMA = 1;
    private static final long MAX_FILE = 16L * 1024 * 1024;
    private static final int NESTING_LIMIT = 8;
    private static final Set<String> TOP = Set.of("schema", "releases");
    private static final Set<String> ENTRY = Set.of("release", "sha256", "version", "created", "rollback");

    /**
     * One accepted manifest.
     *
     * @param release  its release number
     * @param sha256   its artifact's SHA-256
     * @param version  its artifact's version
     * @param created  when it was signed
     * @param rollback whether it was accepted as a rollback
     */
    public record Accepted(long release, String sha256, String version, Instant created, boolean rollback) {
        /** @throws IllegalArgumentException if a value is out of the manifest's syntax */
        public Accepted {
            if (release < 1 || !Syntax.sha256(sha256) || !Syntax.version(version)) {
                throw new IllegalArgumentException("invalid release entry " + release + " " + sha256 + " " + version);
            }
            Objects.requireNonNull(created, "created");
        }
    }

    private final Path file;
    private final AtomicWrite.Fault fault;
    /** Name -> accepted manifests in acceptance order; replaced, never changed, so a failed write changes nothing. */
    private Map<String, List<Accepted>> releases;

    private ReleaseLedger(Path file, AtomicWrite.Fault fault, Map<String, List<Accepted>> releases) {
        this.file = file;
        this.fault = fault;
        this.releases = releases;
    }

    /**
     * Opens the ledger file, creating it (and its folders, 0700) empty if it does not exist. A leftover temporary
     * file of an interrupted write is removed: it was never committed.
     *
     * @param file the ledger file, e.g. {@code ${karaf.data}/}{@value #DEFAULT_FILE}
     * @return the ledger
     * @throws IOException if it cannot be created or read, is writable by group or others, or is corrupt (the
     *                     message says so and how to proceed)
     */
    public static ReleaseLedger open(Path file) throws IOException {
        return open(file, AtomicWrite.NONE);
    }

    static ReleaseLedger open(Path file, AtomicWrite.Fault fault) throws IOException {
        Path abs = file.toAbsolutePath();
        OwnerOnly.createDirectories(abs.getParent());
        Files.deleteIfExists(AtomicWrite.temp(abs));
        if (Files.exists(abs)) {
            String mode = OwnerOnly.writableByOthers(abs);
            if (mode != null) {
                throw new IOException("release ledger " + abs + " is writable by group or others (" + mode
                        + "); whoever can change it can re-enable replays: chmod 600 " + abs);
            }
            return new ReleaseLedger(abs, fault, read(abs));
        }
        ReleaseLedger ledger = new ReleaseLedger(abs, fault, new TreeMap<>());
        ledger.persist(ledger.releases);
        return ledger;
    }

    /** @return a ledger kept in memory only, for tools and tests: it forgets everything with the process */
    public static ReleaseLedger inMemory() {
        return new ReleaseLedger(null, AtomicWrite.NONE, new TreeMap<>());
    }

    /** @return the ledger's file; empty for {@link #inMemory()} */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return the artifact names with accepted releases, sorted */
    public synchronized Set<String> names() {
        return Collections.unmodifiableSet(releases.keySet());
    }

    /**
     * @param name an artifact name
     * @return the highest release accepted for it; empty if none
     */
    public synchronized OptionalLong highestRelease(String name) {
        List<Accepted> h = releases.get(name);
        return h == null ? OptionalLong.empty() : OptionalLong.of(highest(h));
    }

    /**
     * @param name an artifact name
     * @return its accepted manifests in the order they were accepted; empty if none
     */
    public synchronized List<Accepted> history(String name) {
        return releases.getOrDefault(name, List.of());
    }

    /**
     * Applies the release rule without recording anything.
     *
     * @param m a manifest
     * @throws VerificationException {@link Reason#STALE_RELEASE} if the rule refuses it
     */
    public synchronized void check(Manifest m) throws VerificationException {
        List<Accepted> h = releases.get(m.name());
        if (h == null || m.release() > highest(h)) {
            return;
        }
        String what = "release " + m.release() + " of " + m.name();
        if (!m.rollback()) {
            throw new VerificationException(Reason.STALE_RELEASE, what + " is not newer than the highest accepted "
                    + "release " + highest(h) + " (a replay or a downgrade; sign a rollback to go back on purpose)");
        }
        boolean known = h.stream().anyMatch(a -> a.release() == m.release() && a.sha256().equals(m.sha256()));
        if (!known) {
            throw new VerificationException(Reason.STALE_RELEASE, "rollback to " + what
                    + ": this gateway never accepted that release with sha256 " + m.sha256());
        }
        Instant latest = h.stream().map(Accepted::created).max(Instant::compareTo).orElseThrow();
        if (!m.created().isAfter(latest)) {
            throw new VerificationException(Reason.STALE_RELEASE, "rollback to " + what + " was created "
                    + m.created() + ", not after the newest accepted manifest of that name (" + latest
                    + "): a replayed rollback");
        }
    }

    /**
     * Records a manifest as accepted, after its artifact was installed; returns once the ledger is on disk.
     *
     * @param m a verified manifest
     * @throws VerificationException {@link Reason#STALE_RELEASE} if the release rule refuses it (e.g. another
     *                               release of that name was recorded since it was verified)
     * @throws IOException           if the ledger cannot be written; then nothing is recorded, in memory nor on disk
     */
    public synchronized void record(Manifest m) throws VerificationException, IOException {
        check(m);
        Map<String, List<Accepted>> next = new TreeMap<>(releases);
        List<Accepted> h = new ArrayList<>(next.getOrDefault(m.name(), List.of()));
        h.add(new Accepted(m.release(), m.sha256(), m.version(), m.created(),
                m.rollback() && !h.isEmpty() && m.release() <= highest(h)));
        next.put(m.name(), Collections.unmodifiableList(h));
        persist(next);
        releases = next;
    }

    private static long highest(List<Accepted> h) {
        long max = 0;
        for (Accepted a : h) {
            max = Math.max(max, a.release());
        }
        return max;
    }

    private void persist(Map<String, List<Accepted>> state) throws IOException {
        if (file == null) {
            return;
        }
        StringWriter text = new StringWriter();
        try (JsonWriter w = new JsonWriter(text)) {
            w.setIndent(" ");
            w.beginObject();
            w.name("schema").value(SCHEMA);
            w.name("releases").beginObject();
            for (Map.Entry<String, List<Accepted>> e : state.entrySet()) {
                w.name(e.getKey()).beginArray();
                for (Accepted a : e.getValue()) {
                    w.beginObject();
                    w.name("release").value(a.release());
                    w.name("sha256").value(a.sha256());
                    w.name("version").value(a.version());
                    w.name("created").value(a.created().toString());
                    w.name("rollback").value(a.rollback());
                    w.endObject();
                }
                w.endArray();
            }
            w.endObject();
            w.endObject();
        }
        text.write('\n');
        AtomicWrite.replace(file, text.toString().getBytes(StandardCharsets.UTF_8), fault);
    }

    private static Map<String, List<Accepted>> read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw corrupt(file, "it has " + size + " bytes, more than " + MAX_FILE);
        }
        try {
            Fields top = new Fields(StrictJson.parseObject(Files.readAllBytes(file), NESTING_LIMIT), "");
            top.only(TOP);
            long schema = top.integer("schema", Long.MIN_VALUE, Long.MAX_VALUE);
            if (schema != SCHEMA) {
                throw new JsonFormatException("unsupported schema " + schema);
            }
            Fields names = top.object("releases");
            Map<String, List<Accepted>> out = new TreeMap<>();
            for (String name : names.keys()) {
                if (!Syntax.symbolicName(name)) {
                    throw new JsonFormatException("'" + name + "' is not an artifact name");
                }
                List<Accepted> h = new ArrayList<>();
                List<Object> entries = names.array(name);
                for (int i = 0; i < entries.size(); i++) {
                    h.add(entry(entries.get(i), "releases." + name + "[" + i + "]", h));
                }
                out.put(name, Collections.unmodifiableList(h));
            }
            return out;
        } catch (JsonFormatException | IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static Accepted entry(Object value, String path, List<Accepted> before) throws JsonFormatException {
        if (!(value instanceof Map<?, ?>)) {
            throw new JsonFormatException(path + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Fields f = new Fields((Map<String, Object>) value, path + ".");
        f.only(ENTRY);
        long release = f.integer("release", 1, Long.MAX_VALUE);
        String sha256 = f.string("sha256", 64);
        String version = f.string("version", Syntax.MAX_VERSION);
        boolean rollback = f.bool("rollback");
        Instant created;
        try {
            created = Instant.parse(f.string("created", 64));
        } catch (DateTimeParseException e) {
            throw new JsonFormatException(f.name("created") + " is not an ISO-8601 instant");
        }
        // the history must be one this class could have written
        long max = highest(before);
        boolean earlier = before.stream().anyMatch(a -> a.release() == release && a.sha256().equals(sha256));
        if (rollback ? !earlier : release <= max) {
            throw new JsonFormatException(path + " (release " + release + ") does not follow from the entries "
                    + "before it");
        }
        return new Accepted(release, sha256, version, created, rollback);
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException("release ledger " + file + " is corrupt (" + why + "). It is not reset "
                + "automatically, since an empty ledger would accept replays of every older release: restore it "
                + "from a backup, or delete it knowing that this re-enables them");
    }
}
