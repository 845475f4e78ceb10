package io.facegate.gallery.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.Gallery;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.PersonSummary;
import io.facegate.api.RgbImage;
import io.facegate.gallery.internal.GalleryState.Person;
import io.facegate.gallery.internal.GalleryState.Photo;
import io.facegate.gallery.internal.ReembedStatus.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery: a file-backed enrolment store ({@link GalleryStore}) and the
 * 1:N open-set matcher.
 *
 * <p><b>Enrolment</b> keeps every aligned crop as a lossless PNG at the size
 * it was given, and embeds it with the best-ranked {@link FaceEmbedder} after
 * a bilinear resize to the model's input size ({@link Crops#resize}). Without
 * an embedder the crops are stored and embedded once one arrives.
 *
 * <p><b>Identification</b> compares the probe only with embeddings of the
 * probe's own model ({@link Embedding#modelKey()}): the similarity to a person
 * is the maximum cosine over their photos, the answer is the best person, and
 * it is known if that similarity is at or above the model's threshold. The
 * threshold is the model's {@link ModelInfo#recommendedThreshold()}, unless the
 * configuration overrides it for the model's key ({@code id:version}) or id.
 * With no embeddings of the probe's model (e.g. right after a model swap,
 * while re-embedding) the answer is unknown with similarity -1.
 *
 * <p><b>Re-embedding</b>: when the active embedder changes (bind, unbind,
 * ranking), one background thread embeds every stored crop that lacks an
 * embedding of the new model, one person at a time, each person committed
 * and visible to {@link #identify} as soon as it is done; identify never
 * waits for it. People not yet re-embedded are simply not matched, i.e. they
 * are unknown like any stranger. Embeddings of other models stay on disk and in
 * memory (they are small), so swapping back to a previous model is instant
 * except for people enrolled meanwhile; they are removed with the person.
 *
 * <p><b>Failure</b>: a bad configuration value (thresholds, paths, the key
 * file) stops activation with a message naming the key. A gallery whose
 * directory cannot be opened or read (not creatable, not writable, held by
 * another gallery, an I/O error, files encrypted with another key or with no
 * key configured) still activates, empty and {@link GalleryHealth#FAILED}: the
 * gateway can then report why; every change is refused and nothing is written,
 * so a failed gallery never overwrites the data it could not read. It is tried
 * again when the component is reactivated (configuration change, bundle
 * restart).
 *
 * <p><b>Threading</b>: readers use an immutable {@link GalleryState} snapshot
 * published through a volatile field; every change is made under one lock,
 * written to disk first, and published only when the disk commit succeeded,
 * so a failed write leaves memory unchanged. Embedding (slow) happens outside
 * the lock.
 */
@Component(service = Gallery.class, configurationPid = FileGallery.PID, immediate = true)
@Designate(ocd = FileGallery.Config.class)
public final class FileGallery implements Gallery {
    static final String PID = "io.facegate.gallery";
    /** Most faces per {@link #enroll} call. */
    static final int MAX_FACES_PER_ENROLMENT = 100;
    /** Most faces handed to the embedder in one call while re-embedding. */
    static final int REEMBED_BATCH = 16;
    /** Most problems kept for {@link #health()} (all are logged). */
    static final int MAX_PROBLEMS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(FileGallery.class);

    /** Configuration of the gallery. */
    @ObjectClassDefinition(name = "facegate gallery",
            description = "Enrolled people (aligned face crops and per-model embeddings) and the 1:N matcher")
    public @interface Config {
        /** @return the gallery directory */
        @AttributeDefinition(name = "Directory", required = false,
                description = "Where the gallery is stored. Empty: ${karaf.data}/facegate/gallery (./data/facegate/gallery"
                        + " outside Karaf). May contain ${karaf.data}; a relative path is resolved against karaf.data.")
        String directory() default "";

        /** @return threshold overrides */
        @AttributeDefinition(name = "Thresholds", required = false,
                description = "Per-model cosine thresholds overriding the model's recommended one, as model=threshold"
                        + " with model a model id (all versions) or id:version, threshold in [-1,1]; several may be"
                        + " given comma-separated; e.g. mobilefacenet-112=0.35")
        String[] thresholds() default {};

        /** @return the key file for encryption at rest, empty for none */
        @AttributeDefinition(name = "Encryption key file", required = false,
                description = "Empty: crops, embeddings and the index are stored unencrypted. Otherwise a file"
                        + " readable by the gateway's user only (chmod 600) holding a 32-byte key, raw or base64"
                        + " (openssl rand -base64 32); every gallery file is then encrypted with AES-256-GCM and an"
                        + " existing plain gallery is encrypted at the next start. May contain ${karaf.etc} or"
                        + " ${karaf.data}; a relative path is resolved against karaf.etc. Keep a copy of the key:"
                        + " without it the gallery cannot be read.")
        String encryption__key__file() default "";
    }

    private final GallerySettings settings;
    /** Null if the gallery failed to open or load ({@link #failure}). */
    private final GalleryStore store;
    /** Why the gallery could not be opened or loaded; null if it is usable. */
    private final String failure;
    private final Object writeLock = new Object();
    private volatile GalleryState state;
    private volatile boolean closed;

    private final AtomicReference<FaceEmbedder> embedder = new AtomicReference<>();
    private final ExecutorService worker;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final AtomicReference<ReembedStatus> status = new AtomicReference<>(ReembedStatus.IDLE);
    private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();
    private final List<String> loadProblems;
    /** Load problems, then problems found while running (unreadable crops), for {@link #health()}; no names. */
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /**
     * @param config the typed configuration
     * @throws IllegalArgumentException on a bad configuration value, naming its key
     */
    @Activate
    public FileGallery(Config config) {
        this(GallerySettings.parse(config.directory(), config.thresholds(), config.encryption__key__file(),
                System.getProperty("karaf.data"), System.getProperty("karaf.etc")), new AtomicFiles());
    }

    /**
     * Opens and loads the gallery; if that fails on the file system, the gallery is
     * {@link GalleryHealth#FAILED} (see the class comment) instead of throwing.
     *
     * @param settings validated settings
     * @param files    how files are written (tests inject failures here)
     * @throws IllegalArgumentException if the key file is unusable, naming {@code encryption_key_file}
     */
    FileGallery(GallerySettings settings, AtomicFiles files) {
        this.settings = settings;
        FileCipher cipher = settings.keyFile() == null ? FileCipher.NONE : FileCipher.load(settings.keyFile());
        GalleryStore opened = null;
        GalleryStore.Loaded loaded = null;
        String failed;
        try {
            opened = new GalleryStore(settings.directory(), files, cipher);
            loaded = opened.load();
            failed = null;
        } catch (WrongKeyException e) {
            failed = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failed = (opened == null ? "cannot open the gallery directory " + settings.directory()
                    : "cannot read the gallery in " + opened.root()) + ": " + e;
        }
        if (failed != null) {
            if (opened != null) {
                closeQuietly(opened);
            }
            store = null;
            failure = failed;
            state = GalleryState.EMPTY;
            loadProblems = List.of();
            LOG.error("gallery {}: FAILED, not usable; it refuses changes and writes nothing: {}",
                    settings.directory(), failed);
        } else {
            store = opened;
            failure = null;
            state = loaded.state();
            loadProblems = List.copyOf(loaded.problems());
            loadProblems.stream().limit(MAX_PROBLEMS).map(this::withoutNames).forEach(problems::add);
            loaded.notes().forEach(n -> LOG.info("gallery {}: {}", store.root(), n));
            loaded.problems().forEach(p -> LOG.error("gallery {}: {}", store.root(), p));
            if (!OwnerOnly.supported(store.root())) {
                LOG.debug("gallery {}: the file system has no POSIX permissions; files are not restricted to the"
                        + " gateway's user", store.root());
            }
            LOG.info("gallery {}: {} people, embeddings of {}{}", store.root(), state.people().size(),
                    state.models().keySet(), cipher.encrypting() ? ", encrypted at rest" : "");
        }
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "facegate-gallery-reembed");
            t.setDaemon(true);
            return t;
        });
        schedulePass();
    }

    // ------------------------------------------------------------------ embedder tracking

    /** @param e the best-ranked embedder (SCR rebinds greedily when a better one appears) */
    @Reference(name = "embedder", service = FaceEmbedder.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEmbedder", updated = "updatedEmbedder")
    void bindEmbedder(FaceEmbedder e) {
        embedder.set(e);
        LOG.info("gallery: embedder {} is active", describe(e));
        schedulePass();
    }

    /** @param e the bound embedder, whose service properties (e.g. ranking) changed */
    void updatedEmbedder(FaceEmbedder e) {
        if (embedder.get() == e) {
            schedulePass();
        }
    }

    /** @param e an embedder going away */
    void unbindEmbedder(FaceEmbedder e) {
        if (embedder.compareAndSet(e, null)) {
            LOG.info("gallery: embedder {} is gone", describe(e));
            schedulePass();
        }
    }

    /** Stops the re-embedding thread and releases the directory. */
    @Deactivate
    void deactivate() {
        synchronized (writeLock) {
            closed = true; // no commit starts after this; a running one has finished
        }
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("gallery: re-embedding thread did not stop within 10 s (embedder busy); it commits nothing more");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStore();
    }

    private void closeStore() {
        if (store != null) {
            closeQuietly(store);
        }
    }

    private static void closeQuietly(GalleryStore s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.warn("gallery: could not release {}: {}", s.root(), e.toString());
        }
    }

    // ------------------------------------------------------------------ Gallery

    @Override
    public void enroll(String name, List<AlignedFace> faces) {
        String n = Names.validate(name);
        if (faces == null || faces.isEmpty()) {
            throw new IllegalArgumentException("no faces to enrol for " + n);
        }
        if (faces.size() > MAX_FACES_PER_ENROLMENT) {
            throw new IllegalArgumentException("at most " + MAX_FACES_PER_ENROLMENT + " faces per enrolment, got "
                    + faces.size());
        }
        for (AlignedFace f : faces) {
            Objects.requireNonNull(f, "faces must not contain null");
            if (f.size() > Crops.MAX_SIZE) {
                throw new IllegalArgumentException("aligned face of " + f.size() + " px exceeds " + Crops.MAX_SIZE);
            }
        }
        ensureOpen();

        // slow work outside the lock: embedding and PNG encoding
        FaceEmbedder e = embedder.get();
        ModelMeta meta = null;
        List<Embedding> embeddings = null;
        if (e != null) {
            ModelInfo model = e.model();
            meta = ModelMeta.of(model);
            List<AlignedFace> resized = new ArrayList<>(faces.size());
            for (AlignedFace f : faces) {
                resized.add(Crops.resize(f, model.inputSize()));
            }
            embeddings = embed(e, model, resized);
        }
        List<byte[]> pngs = new ArrayList<>(faces.size());
        try {
            for (AlignedFace f : faces) {
                pngs.add(Crops.encodePng(f.image()));
            }
        } catch (IOException ex) {
            throw new FaceGateException("could not encode the crops of " + n + ": " + ex.getMessage(), ex);
        }

        synchronized (writeLock) {
            ensureOpen();
            GalleryState before = state;
            Person existing = before.byName(n);
            Set<String> taken = new HashSet<>(before.people().keySet());
            before.people().values().forEach(p -> p.photos().forEach(ph -> taken.add(ph.id())));
            String pid = existing != null ? existing.id() : Ids.next(taken);
            taken.add(pid);
            List<Photo> photos = new ArrayList<>(existing != null ? existing.photos() : List.of());
            Map<String, float[]> vectors = new LinkedHashMap<>();
            List<String> newIds = new ArrayList<>();
            for (int i = 0; i < faces.size(); i++) {
                String photoId = Ids.next(taken);
                taken.add(photoId);
                newIds.add(photoId);
                photos.add(new Photo(photoId, faces.get(i).size(), true));
                if (embeddings != null) {
                    vectors.put(photoId, embeddings.get(i).values());
                }
            }
            GalleryState after;
            try {
                after = before.withPerson(new Person(pid, n, photos), meta, vectors);
            } catch (IllegalArgumentException ex) {
                throw new FaceGateException("embedder " + describe(e) + " is inconsistent with the gallery: "
                        + ex.getMessage(), ex);
            }
            List<String> written = new ArrayList<>();
            boolean vectorsTouched = false;
            try {
                for (int i = 0; i < newIds.size(); i++) {
                    store.writeCrop(pid, newIds.get(i), pngs.get(i));
                    written.add(newIds.get(i));
                }
                if (meta != null) {
                    vectorsTouched = true;
                    store.writeVectors(meta, pid, after.vectors(meta.key(), pid));
                }
                store.writeIndex(after.people().values());
            } catch (IOException | RuntimeException ex) {
                rollbackEnrol(before, existing == null, pid, written, vectorsTouched ? meta : null);
                throw new FaceGateException("could not enrol '" + n + "' in " + store.root() + ": " + ex
                        + "; the gallery is unchanged", ex);
            }
            state = after;
        }
        LOG.info("gallery: enrolled {} face(s) of '{}'{}", faces.size(), n,
                meta == null ? " without embeddings (no embedder yet; they are embedded when one arrives)"
                        : " with " + meta.key());
        FaceEmbedder now = embedder.get();
        if (now != null && (now != e || meta == null)) {
            schedulePass(); // the embedder changed meanwhile: embed the new crops with the active model too
        }
    }

    private void rollbackEnrol(GalleryState before, boolean newPerson, String pid, List<String> crops,
                               ModelMeta vectorsOf) {
        for (String photoId : crops) {
            store.deleteCropQuietly(pid, photoId);
        }
        if (newPerson) {
            store.deletePerson(pid);
        } else if (vectorsOf != null) {
            try {
                store.writeVectors(vectorsOf, pid, before.vectors(vectorsOf.key(), pid));
            } catch (IOException | RuntimeException ex) {
                // the file may list photos the index does not have; load() ignores those
                LOG.debug("gallery: could not restore embeddings of {} after a failed enrolment", pid, ex);
            }
        }
    }

    /**
     * Removes a person without a trace in the gallery directory: first what quarantine holds of
     * them (see {@link QuarantinePurge}), then the commit ({@link GalleryStore#commitRemoval}: the
     * index backup stops naming them before the index does), then their crops and embedding files;
     * deletions a crash interrupts are finished at the next start (unreferenced files are deleted).
     */
    @Override
    public boolean forget(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.strip();
        Person p;
        synchronized (writeLock) {
            ensureOpen();
            GalleryState before = state;
            p = before.byName(n);
            if (p == null) {
                return false;
            }
            GalleryState after = before.withoutPerson(p.id());
            List<String> purge = store.purgeQuarantine(p.id(), p.name());
            if (!purge.isEmpty()) {
                LOG.warn("gallery: removing '{}': quarantined files could not all be purged: {}", n, purge);
            }
            try {
                store.commitRemoval(before.people().values(), after.people().values());
            } catch (IOException ex) {
                throw new FaceGateException("could not remove '" + n + "' from " + store.root() + ": " + ex
                        + "; the gallery is unchanged", ex);
            }
            state = after;
            problems.removeIf(x -> x.contains(p.id())); // moot, and they would keep the id around
            List<Path> left = store.deletePerson(p.id());
            if (!left.isEmpty()) {
                LOG.warn("gallery: '{}' is removed, but files could not be deleted and are deleted at the next start: {}",
                        n, left);
            }
        }
        LOG.info("gallery: removed '{}'", n);
        return true;
    }

    @Override
    public boolean rename(String from, String to) {
        Objects.requireNonNull(from, "from");
        String t = Names.validate(to);
        String f = from.strip();
        synchronized (writeLock) {
            ensureOpen();
            GalleryState before = state;
            Person p = before.byName(f);
            if (p == null) {
                return false;
            }
            if (p.name().equals(t)) {
                return true; // already so called: nothing to write
            }
            if (before.byName(t) != null) {
                throw new IllegalArgumentException("cannot rename '" + f + "' to '" + t + "': that name is enrolled");
            }
            GalleryState after = before.withName(p.id(), t);
            try {
                store.writeIndex(after.people().values()); // names live only in the index: one atomic commit
            } catch (IOException ex) {
                throw new FaceGateException("could not rename '" + f + "' in " + store.root() + ": " + ex
                        + "; the gallery is unchanged", ex);
            }
            state = after;
        }
        LOG.info("gallery: renamed '{}' to '{}'", f, t);
        return true;
    }

    /**
     * Every person with their photo count and, for every model the gallery holds embeddings of and
     * the active one, how many of their photos are embedded for it (0 included).
     */
    @Override
    public List<PersonSummary> summaries() {
        GalleryState s = state;
        Set<String> models = new TreeSet<>();
        s.models().keySet().stream().filter(k -> s.vectorCount(k) > 0).forEach(models::add);
        String active = activeKey();
        if (active != null) {
            models.add(active);
        }
        List<PersonSummary> out = new ArrayList<>();
        for (String name : s.names()) {
            Person p = s.byName(name);
            Map<String, Integer> embedded = new LinkedHashMap<>();
            for (String k : models) {
                embedded.put(k, s.vectorCount(k, p.id()));
            }
            out.add(new PersonSummary(name, p.photos().size(), embedded));
        }
        return out;
    }

    /**
     * {@link GalleryHealth#FAILED} if the gallery could not be opened or loaded (or is closed);
     * {@link GalleryHealth#REEMBEDDING} while some photo with a readable crop has no embedding of the
     * active model ({@code done} photos embedded for it, {@code total} = done + those still to embed;
     * {@code problem} the error if the pass stopped on one); otherwise {@link GalleryHealth#OK} with
     * {@code done == total} = photos embedded for the active model (0 without an embedder). Load
     * problems that were recovered (quarantined or missing files) and unreadable crops found later are
     * the {@code problem} of an OK or re-embedding gallery.
     */
    @Override
    public GalleryHealth health() {
        if (failure != null) {
            return new GalleryHealth(GalleryHealth.FAILED, 0, 0, failure);
        }
        if (closed) {
            return new GalleryHealth(GalleryHealth.FAILED, 0, 0, "the gallery is closed");
        }
        GalleryState s = state;
        String problem = problemSummary();
        String key = activeKey();
        if (key == null) {
            return new GalleryHealth(GalleryHealth.OK, 0, 0, problem);
        }
        int done = s.vectorCount(key);
        int missing = s.missing(key).values().stream().mapToInt(List::size).sum();
        if (missing == 0) {
            return new GalleryHealth(GalleryHealth.OK, done, done, problem);
        }
        ReembedStatus st = status.get();
        if (st.phase() == Phase.FAILED && key.equals(st.modelKey())) {
            problem = "re-embedding with " + key + " stopped: " + st.message()
                    + " (retried on the next embedder change or restart)";
        }
        return new GalleryHealth(GalleryHealth.REEMBEDDING, done, done + missing, problem);
    }

    /** Problems go out in the gateway's status: people appear in them by id, not by name. */
    private String withoutNames(String problem) {
        String out = problem;
        for (Person p : state.people().values()) {
            out = out.replace("'" + p.name() + "'", "person " + p.id());
        }
        return out;
    }

    private String problemSummary() {
        List<String> ps = List.copyOf(problems);
        if (ps.isEmpty()) {
            return null;
        }
        return ps.get(0) + (ps.size() == 1 ? "" : " (and " + (ps.size() - 1) + " more; see the log)");
    }

    /** @return the active embedder's model key, or null without one */
    private String activeKey() {
        FaceEmbedder e = embedder.get();
        if (e == null) {
            return null;
        }
        try {
            return e.model().key();
        } catch (RuntimeException ex) {
            return null; // an embedder going away
        }
    }

    @Override
    public List<String> people() {
        return state.names();
    }

    @Override
    public Identity identify(Embedding embedding) {
        Objects.requireNonNull(embedding, "embedding");
        GalleryState s = state;
        String key = embedding.modelKey();
        float threshold = threshold(embedding.modelId(), key, s);
        GalleryState.Match m = s.best(key, embedding.values());
        if (m.name() == null) {
            if (!s.people().isEmpty() && reportedMissing.add(key)) {
                LOG.warn("gallery: no embeddings of model {} yet (held: {}); its faces are unknown until the gallery"
                        + " is re-embedded with it", key, s.models().keySet());
            }
            return Identity.unknown(-1f, threshold);
        }
        return m.similarity() >= threshold ? Identity.of(m.name(), m.similarity(), threshold)
                : Identity.unknown(m.similarity(), threshold);
    }

    /**
     * Threshold for a model: configured for {@code id:version}, else configured for {@code id}, else
     * the model's recommended one (from the active embedder or the stored embeddings), else 1 (a
     * model the gallery knows nothing about matches nobody anyway).
     */
    float threshold(String modelId, String modelKey, GalleryState s) {
        Float t = settings.override(modelId, modelKey);
        if (t != null) {
            return t;
        }
        FaceEmbedder e = embedder.get();
        if (e != null) {
            try {
                ModelInfo info = e.model();
                if (info.key().equals(modelKey)) {
                    return info.recommendedThreshold();
                }
            } catch (RuntimeException ex) {
                // an embedder going away; fall back to what is stored
            }
        }
        GalleryState.ModelVectors mv = s.models().get(modelKey);
        return mv != null ? mv.meta().recommendedThreshold() : 1f;
    }

    // ------------------------------------------------------------------ re-embedding

    /** Queues a re-embedding pass unless one is already waiting. */
    void schedulePass() {
        if (closed || failure != null || !passQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(() -> {
                passQueued.set(false);
                try {
                    runPass();
                } catch (VirtualMachineError ex) {
                    throw ex; // out of memory: the process must end (-XX:+ExitOnOutOfMemoryError), not carry on
                } catch (RuntimeException | Error ex) {
                    status.set(new ReembedStatus(Phase.FAILED, status.get().modelKey(), 0, 0, ex.toString()));
                    LOG.error("gallery: re-embedding failed", ex);
                }
            });
        } catch (RejectedExecutionException ex) {
            passQueued.set(false); // deactivated meanwhile
        }
    }

    /** Embeds every readable crop that has no embedding of the active model yet. */
    private void runPass() {
        for (int round = 0; round < 100; round++) {
            FaceEmbedder e = embedder.get();
            if (closed) {
                return;
            }
            if (e == null) {
                status.set(new ReembedStatus(Phase.NO_EMBEDDER, null, 0, 0, "no FaceEmbedder bound"));
                return;
            }
            ModelInfo model = e.model();
            ModelMeta meta = ModelMeta.of(model);
            String key = meta.key();
            Map<Person, List<Photo>> work = state.missing(key);
            int total = work.values().stream().mapToInt(List::size).sum();
            if (total == 0) {
                status.set(new ReembedStatus(Phase.DONE, key, 0, 0, state.vectorCount(key) + " embeddings"));
                if (round > 0) {
                    LOG.info("gallery: re-embedding with {} complete, {} embeddings", key, state.vectorCount(key));
                }
                return;
            }
            LOG.info("gallery: re-embedding {} crop(s) of {} people with {}", total, work.size(), key);
            int done = 0;
            status.set(new ReembedStatus(Phase.RUNNING, key, 0, total, ""));
            for (Map.Entry<Person, List<Photo>> w : work.entrySet()) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (embedder.get() != e) {
                    return; // changed again: the pass queued by the bind takes over
                }
                try {
                    done += reembed(e, model, meta, w.getKey(), w.getValue());
                } catch (IOException ex) {
                    status.set(new ReembedStatus(Phase.FAILED, key, done, total, ex.toString()));
                    LOG.error("gallery: re-embedding with {} stopped after {}/{} crops, could not write to {}: {}"
                            + " (retried on the next embedder change or restart)", key, done, total, store.root(), ex);
                    return;
                } catch (RuntimeException ex) {
                    if (closed) {
                        LOG.info("gallery: re-embedding with {} stopped after {}/{} crops by deactivation;"
                                + " it resumes at the next start", key, done, total);
                        return;
                    }
                    status.set(new ReembedStatus(Phase.FAILED, key, done, total, ex.toString()));
                    LOG.error("gallery: re-embedding with {} stopped after {}/{} crops: embedder failed"
                            + " (retried on the next embedder change or restart)", key, done, total, ex);
                    return;
                }
                status.set(new ReembedStatus(Phase.RUNNING, key, done, total, ""));
            }
            // loop: enrolments made meanwhile with another model may have added crops
        }
    }

    /** Embeds and commits one person's missing crops; returns how many crops were handled. */
    private int reembed(FaceEmbedder e, ModelInfo model, ModelMeta meta, Person person, List<Photo> photos)
            throws IOException {
        List<AlignedFace> faces = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Photo ph : photos) {
            RgbImage img;
            try {
                img = store.readCrop(person.id(), ph.id());
            } catch (IOException ex) {
                if (!closed && stillEnrolled(person, ph)) {
                    cropUnreadable(person, ph, ex);
                }
                continue; // else: forgotten meanwhile, nothing to report
            }
            faces.add(Crops.resize(Crops.asAligned(img), model.inputSize()));
            ids.add(ph.id());
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < faces.size(); i += REEMBED_BATCH) {
            List<AlignedFace> batch = faces.subList(i, Math.min(faces.size(), i + REEMBED_BATCH));
            List<Embedding> out = embed(e, model, batch);
            for (int j = 0; j < out.size(); j++) {
                vectors.put(ids.get(i + j), out.get(j).values());
            }
        }
        synchronized (writeLock) {
            if (closed) {
                return 0;
            }
            GalleryState before = state;
            Person now = before.people().get(person.id());
            if (now == null || vectors.isEmpty()) {
                return photos.size(); // forgotten meanwhile, or nothing readable
            }
            vectors.keySet().removeIf(id -> now.photo(id) == null);
            GalleryState after = before.withVectors(meta, now.id(), vectors);
            store.writeVectors(meta, now.id(), after.vectors(meta.key(), now.id()));
            state = after;
        }
        return photos.size();
    }

    private boolean stillEnrolled(Person person, Photo ph) {
        Person now = state.people().get(person.id());
        return now != null && now.photo(ph.id()) != null;
    }

    private void cropUnreadable(Person person, Photo ph, IOException ex) {
        synchronized (writeLock) {
            if (closed || !stillEnrolled(person, ph)) {
                return;
            }
            List<String> problems = new ArrayList<>();
            Path q = ex instanceof CorruptFileException ? store.quarantine(store.cropPath(person.id(), ph.id()), problems)
                    : null;
            state = state.withCropUnavailable(person.id(), ph.id());
            String what = "crop " + ph.id() + " of person " + person.id() + " cannot be read (" + ex.getMessage() + ")"
                    + (q == null ? "" : ", moved to " + q);
            LOG.error("gallery: {} ('{}'); that photo is skipped for this model", what, person.name());
            problems.forEach(p -> LOG.error("gallery: {}", p));
            if (this.problems.size() < MAX_PROBLEMS) {
                this.problems.add(what);
                this.problems.addAll(problems);
            }
        }
    }

    /** Runs the embedder and checks that it returned what its model promises. */
    private static List<Embedding> embed(FaceEmbedder e, ModelInfo model, List<AlignedFace> faces) {
        List<Embedding> out = e.embed(faces);
        if (out == null || out.size() != faces.size()) {
            throw new FaceGateException("embedder " + model.key() + " returned " + (out == null ? "null" : out.size())
                    + " embeddings for " + faces.size() + " faces");
        }
        for (Embedding emb : out) {
            if (!emb.modelKey().equals(model.key()) || emb.dimension() != model.embeddingSize()) {
                throw new FaceGateException("embedder " + model.key() + " (" + model.embeddingSize()
                        + "-d) returned " + emb);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ diagnostics

    /** @return progress of the background re-embedding */
    ReembedStatus reembedStatus() {
        return status.get();
    }

    /**
     * Waits until every re-embedding pass queued so far has finished.
     *
     * @param timeout how long to wait
     * @return whether it finished in time
     */
    boolean awaitReembedding(Duration timeout) throws InterruptedException {
        try {
            worker.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | RejectedExecutionException e) {
            return true;
        }
    }

    /** @return what loading found damaged or missing (also logged at ERROR) */
    List<String> loadProblems() {
        return loadProblems;
    }

    /** @return the current snapshot */
    GalleryState snapshot() {
        return state;
    }

    /** @return the gallery directory */
    Path directory() {
        return store != null ? store.root() : settings.directory();
    }

    private void ensureOpen() {
        if (failure != null) {
            throw new FaceGateException("the gallery failed to load and refuses changes: " + failure);
        }
        if (closed) {
            throw new FaceGateException("the gallery is closed");
        }
    }

    private static String describe(FaceEmbedder e) {
        if (e == null) {
            return "none";
        }
        try {
            return e.model().key();
        } catch (RuntimeException ex) {
            return e.toString();
        }
    }
}
