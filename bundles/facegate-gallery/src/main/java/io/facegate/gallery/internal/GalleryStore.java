package io.facegate.gallery.internal;

import io.facegate.api.RgbImage;
import io.facegate.gallery.internal.GalleryState.ModelVectors;
import io.facegate.gallery.internal.GalleryState.Person;
import io.facegate.gallery.internal.GalleryState.Photo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The gallery on disk. Layout under the configured directory:
 *
 * <pre>
 * index.properties              who is enrolled and which crops they have ({@link IndexCodec})
 * index.properties.prev         the index before the last change (fallback if the index is damaged)
 * crops/&lt;person&gt;/&lt;photo&gt;.png    the aligned crops, lossless, at the size they were enrolled with
 * embeddings/&lt;model&gt;/&lt;person&gt;.emb one person's vectors of one model ({@link EmbeddingCodec})
 * quarantine/                   damaged or unreferenced files moved aside at startup, for an operator
 * .lock                         held while a gallery uses the directory
 * </pre>
 *
 * {@code <person>} and {@code <photo>} are generated ids ({@link Ids}); names
 * appear only inside the index. {@code <model>} is the model key with every
 * character outside {@code [A-Za-z0-9.-]} escaped ({@link #modelDirName}).
 *
 * <p>Every file is replaced atomically ({@link AtomicFiles}); the index is the
 * commit point. A change writes crops and embedding files first and the index
 * last, so a crash leaves the previous index in force and at most unreferenced
 * files, which the next {@link #load()} deletes. Not thread-safe: the gallery
 * calls it under its write lock.
 */
final class GalleryStore implements Closeable {
    static final String INDEX = "index.properties";
    static final String INDEX_PREV = "index.properties.prev";
    static final String CROPS = "crops";
    static final String EMBEDDINGS = "embeddings";
    static final String QUARANTINE = "quarantine";
    static final String LOCK = ".lock";
    static final String CROP_SUFFIX = ".png";
    static final String VECTORS_SUFFIX = ".emb";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS");

    /**
     * The outcome of {@link #load()}.
     *
     * @param state    what was loaded
     * @param problems what an operator should know: damaged or missing files and what was done about them
     * @param notes    routine recovery (temporary files of an interrupted write removed, ...)
     */
    record Loaded(GalleryState state, List<String> problems, List<String> notes) {
    }

    private enum IndexSource { PRIMARY, BACKUP_AFTER_CRASH, BACKUP_AFTER_DAMAGE, NONE, NONE_DAMAGED }

    private final Path root;
    private final Path crops;
    private final Path embeddings;
    private final Path quarantine;
    private final AtomicFiles files;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /**
     * Opens (creating if needed) a gallery directory and locks it against a second user.
     *
     * @param root  the gallery directory
     * @param files how to write files
     * @throws IOException if the directory cannot be created or written, or another gallery holds it
     */
    GalleryStore(Path root, AtomicFiles files) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.crops = this.root.resolve(CROPS);
        this.embeddings = this.root.resolve(EMBEDDINGS);
        this.quarantine = this.root.resolve(QUARANTINE);
        this.files = files;
        Files.createDirectories(this.root);
        Files.createDirectories(crops);
        Files.createDirectories(embeddings);
        if (!Files.isWritable(this.root)) {
            throw new IOException("gallery directory " + this.root + " is not writable");
        }
        lockChannel = FileChannel.open(this.root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            lockChannel.close();
            throw e;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("gallery directory " + this.root + " is in use by another gallery");
        }
        lock = l;
    }

    /** @return the gallery directory */
    Path root() {
        return root;
    }

    @Override
    public void close() throws IOException {
        if (!lockChannel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    // ------------------------------------------------------------------ load

    /**
     * Reads the gallery. Never throws for damaged content: a damaged file is moved
     * to {@code quarantine/} and reported, and everything else still loads.
     *
     * @return the state and a report
     * @throws IOException only if the directory itself cannot be read or written
     */
    Loaded load() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        removeTemporaryFiles(notes);

        Path index = root.resolve(INDEX);
        Path prev = root.resolve(INDEX_PREV);
        Map<String, Person> people = null;
        IndexSource source;
        if (Files.exists(index)) {
            try {
                people = IndexCodec.decode(Files.readAllBytes(index));
                source = IndexSource.PRIMARY;
            } catch (IOException e) {
                Path q = quarantine(index, problems);
                problems.add("gallery index " + index + " is damaged (" + e.getMessage() + ")"
                        + (q == null ? "" : "; moved to " + q));
                people = tryBackup(prev, problems);
                if (people != null) {
                    source = IndexSource.BACKUP_AFTER_DAMAGE;
                    problems.add("restored the gallery from " + prev + " (the state before the last change:"
                            + " the most recent enrolment or removal may be lost, files of it are quarantined)");
                } else {
                    source = IndexSource.NONE_DAMAGED;
                }
            }
        } else if (Files.exists(prev)) {
            people = tryBackup(prev, problems);
            if (people != null) {
                source = IndexSource.BACKUP_AFTER_CRASH;
                notes.add("an index update was interrupted; continuing from " + prev + ", the last committed state");
            } else {
                source = IndexSource.NONE_DAMAGED;
            }
        } else {
            source = IndexSource.NONE;
        }

        if (people == null) {
            // nothing tells us whose files these are: keep them for an operator, never use them
            for (Path dir : List.of(crops, embeddings)) {
                if (hasEntries(dir)) {
                    Path q = quarantine(dir, problems);
                    problems.add(dir + " has files but " + (source == IndexSource.NONE
                            ? "there is no gallery index" : "no readable gallery index")
                            + "; moved to " + q + " and starting with an empty gallery");
                    Files.createDirectories(dir);
                }
            }
            if (source == IndexSource.NONE_DAMAGED) {
                problems.add("starting with an empty gallery: no readable index; the damaged files are in "
                        + quarantine);
            }
            GalleryState empty = GalleryState.EMPTY;
            writeIndex(empty.people().values());
            return new Loaded(empty, problems, notes);
        }

        // unreferenced files are leftovers of an interrupted enrolment or removal: delete them, except
        // after restoring an older index, when they may be the newest data and go to quarantine
        boolean keepOrphans = source == IndexSource.BACKUP_AFTER_DAMAGE;
        Map<String, Person> checked = checkCrops(people, keepOrphans, problems, notes);
        Map<String, ModelVectors> models = loadEmbeddings(checked, keepOrphans, problems, notes);
        GalleryState state = new GalleryState(checked, models);
        if (source != IndexSource.PRIMARY) {
            writeIndex(state.people().values());
        }
        return new Loaded(state, problems, notes);
    }

    private Map<String, Person> tryBackup(Path prev, List<String> problems) {
        if (!Files.exists(prev)) {
            return null;
        }
        try {
            return IndexCodec.decode(Files.readAllBytes(prev));
        } catch (IOException e) {
            Path q = quarantine(prev, problems);
            problems.add("previous gallery index " + prev + " is damaged too (" + e.getMessage() + ")"
                    + (q == null ? "" : "; moved to " + q));
            return null;
        }
    }

    private Map<String, Person> checkCrops(Map<String, Person> people, boolean keepOrphans,
                                           List<String> problems, List<String> notes) throws IOException {
        Map<String, Person> out = new LinkedHashMap<>();
        for (Person p : people.values()) {
            List<Photo> photos = new ArrayList<>();
            for (Photo ph : p.photos()) {
                Path f = cropPath(p.id(), ph.id());
                boolean ok;
                try {
                    ok = Files.isRegularFile(f) && Files.size(f) > 0;
                } catch (IOException e) {
                    ok = false;
                }
                if (!ok) {
                    problems.add("crop " + f + " of '" + p.name() + "' is missing; that photo cannot be"
                            + " re-embedded for another model (its stored embeddings still count)");
                }
                photos.add(new Photo(ph.id(), ph.size(), ok));
            }
            out.put(p.id(), new Person(p.id(), p.name(), photos));
        }
        int orphans = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(crops)) {
            for (Path dir : dirs) {
                String pid = dir.getFileName().toString();
                Person p = out.get(pid);
                if (p == null || !Files.isDirectory(dir)) {
                    orphans += discard(dir, keepOrphans, problems);
                    continue;
                }
                try (DirectoryStream<Path> fs = Files.newDirectoryStream(dir)) {
                    for (Path f : fs) {
                        String n = f.getFileName().toString();
                        String photoId = n.endsWith(CROP_SUFFIX) ? n.substring(0, n.length() - CROP_SUFFIX.length()) : "";
                        if (p.photo(photoId) == null) {
                            orphans += discard(f, keepOrphans, problems);
                        }
                    }
                }
            }
        }
        if (orphans > 0) {
            notes.add((keepOrphans ? "quarantined " : "deleted ") + orphans
                    + " crop file(s) no enrolled person refers to (interrupted enrolment or removal)");
        }
        return out;
    }

    private Map<String, ModelVectors> loadEmbeddings(Map<String, Person> people, boolean keepOrphans,
                                                     List<String> problems, List<String> notes) throws IOException {
        Map<String, ModelMeta> metas = new HashMap<>();
        Map<String, Map<String, Map<String, float[]>>> vectors = new HashMap<>();
        int orphans = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(embeddings)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    quarantineReported(dir, "is not an embedding directory", problems);
                    continue;
                }
                try (DirectoryStream<Path> fs = Files.newDirectoryStream(dir)) {
                    for (Path f : fs) {
                        String n = f.getFileName().toString();
                        String pid = n.endsWith(VECTORS_SUFFIX) ? n.substring(0, n.length() - VECTORS_SUFFIX.length()) : "";
                        if (!Ids.isValid(pid) || !Files.isRegularFile(f)) {
                            quarantineReported(f, "is not an embedding file", problems);
                            continue;
                        }
                        Person p = people.get(pid);
                        if (p == null) {
                            orphans += discard(f, keepOrphans, problems);
                            continue;
                        }
                        EmbeddingCodec.Content c;
                        try {
                            c = EmbeddingCodec.decode(Files.readAllBytes(f));
                        } catch (IOException e) {
                            quarantineReported(f, "(embeddings of '" + p.name() + "') is damaged: " + e.getMessage()
                                    + "; they will be re-embedded from the crops", problems);
                            continue;
                        }
                        String key = c.meta().key();
                        if (!c.personId().equals(pid) || !modelDirName(key).equals(dir.getFileName().toString())) {
                            quarantineReported(f, "holds embeddings of person " + c.personId() + ", model " + key
                                    + ", not what its path says", problems);
                            continue;
                        }
                        ModelMeta known = metas.putIfAbsent(key, c.meta());
                        if (known != null && known.dimension() != c.meta().dimension()) {
                            metas.put(key, known);
                            quarantineReported(f, "has " + c.meta().dimension() + "-d vectors, other files of "
                                    + key + " are " + known.dimension() + "-d", problems);
                            continue;
                        }
                        Map<String, float[]> mine = new LinkedHashMap<>();
                        c.vectors().forEach((photoId, v) -> {
                            if (p.photo(photoId) != null) {
                                mine.put(photoId, v);
                            }
                        });
                        vectors.computeIfAbsent(key, k -> new HashMap<>()).put(pid, mine);
                    }
                }
            }
        }
        if (orphans > 0) {
            notes.add((keepOrphans ? "quarantined " : "deleted ") + orphans
                    + " embedding file(s) of people no longer enrolled (interrupted enrolment or removal)");
        }
        Map<String, ModelVectors> out = new HashMap<>();
        metas.forEach((key, meta) -> out.put(key, new ModelVectors(meta, vectors.getOrDefault(key, Map.of()))));
        return out;
    }

    private void removeTemporaryFiles(List<String> notes) throws IOException {
        List<Path> temps;
        try (Stream<Path> s = Files.walk(root, 3)) {
            temps = s.filter(p -> !p.startsWith(quarantine) && AtomicFiles.isTemp(p) && Files.isRegularFile(p))
                    .toList();
        }
        for (Path t : temps) {
            Files.deleteIfExists(t);
        }
        if (!temps.isEmpty()) {
            notes.add("removed " + temps.size() + " temporary file(s) of interrupted writes");
        }
    }

    // ------------------------------------------------------------------ write

    /**
     * Commits the index: after this returns, a restart sees exactly {@code people}.
     *
     * @param people everybody enrolled
     * @throws IOException if it could not be written; the previous index is then still in force
     */
    void writeIndex(Collection<Person> people) throws IOException {
        files.writeKeepingBackup(root.resolve(INDEX), root.resolve(INDEX_PREV), IndexCodec.encode(people));
    }

    /**
     * @param personId a person
     * @param photoId  one of their photos
     * @param png      the crop as PNG
     * @throws IOException if it could not be written
     */
    void writeCrop(String personId, String photoId, byte[] png) throws IOException {
        Path dir = crops.resolve(personId);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            files.syncDirectory(crops);
        }
        files.write(cropPath(personId, photoId), png);
    }

    /**
     * @param personId a person
     * @param photoId  one of their photos
     * @return the decoded crop
     * @throws IOException if it is missing or damaged ({@link CorruptFileException})
     */
    RgbImage readCrop(String personId, String photoId) throws IOException {
        Path f = cropPath(personId, photoId);
        byte[] png = Files.readAllBytes(f);
        try {
            return Crops.decodePng(png);
        } catch (IOException e) {
            throw new CorruptFileException("crop " + f + " is damaged: " + e.getMessage());
        }
    }

    /**
     * Replaces one person's vectors of one model; an empty map deletes the file.
     *
     * @param meta     the model
     * @param personId the person
     * @param vectors  all of their vectors of that model, by photo id
     * @throws IOException if it could not be written
     */
    void writeVectors(ModelMeta meta, String personId, Map<String, float[]> vectors) throws IOException {
        Path f = vectorsPath(meta.key(), personId);
        if (vectors.isEmpty()) {
            Files.deleteIfExists(f);
            return;
        }
        Path dir = f.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            files.syncDirectory(embeddings);
        }
        files.write(f, EmbeddingCodec.encode(meta, personId, vectors));
    }

    /**
     * Best effort: removes one crop (rolling back an enrolment that failed).
     *
     * @param personId a person
     * @param photoId  one of their photos
     */
    void deleteCropQuietly(String personId, String photoId) {
        try {
            Files.deleteIfExists(cropPath(personId, photoId));
        } catch (IOException e) {
            // an unreferenced file; load() removes it
        }
    }

    /**
     * Removes every file of a person: crops and the embeddings of all models.
     *
     * @param personId a person no longer in the index
     * @return the files that could not be deleted (load() deletes them at the next start)
     */
    List<Path> deletePerson(String personId) {
        List<Path> failed = new ArrayList<>();
        Path dir = crops.resolve(personId);
        if (Files.isDirectory(dir)) {
            deleteTree(dir, failed);
            files.syncDirectory(crops);
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(embeddings)) {
            for (Path d : dirs) {
                Path f = d.resolve(personId + VECTORS_SUFFIX);
                try {
                    if (Files.deleteIfExists(f)) {
                        files.syncDirectory(d);
                    }
                } catch (IOException e) {
                    failed.add(f);
                }
            }
        } catch (IOException e) {
            failed.add(embeddings);
        }
        return failed;
    }

    /**
     * Moves a damaged file aside into {@code quarantine/}.
     *
     * @param file     a file or directory of the gallery
     * @param problems where to report a failure to move it
     * @return where it went, or null if it could not be moved
     */
    Path quarantine(Path file, List<String> problems) {
        String rel = root.relativize(file.toAbsolutePath().normalize()).toString().replace(file.getFileSystem()
                .getSeparator(), "_");
        String base = LocalDateTime.now().format(STAMP) + "-" + rel;
        try {
            Files.createDirectories(quarantine);
            Path target = quarantine.resolve(base);
            for (int i = 1; Files.exists(target); i++) {
                target = quarantine.resolve(base + "." + i);
            }
            Files.move(file, target);
            files.syncDirectory(file.getParent());
            return target;
        } catch (IOException e) {
            problems.add("could not move " + file + " to " + quarantine + ": " + e + "; it is ignored");
            return null;
        }
    }

    private void quarantineReported(Path f, String what, List<String> problems) {
        Path q = quarantine(f, problems);
        problems.add(f + " " + what + (q == null ? "" : "; moved to " + q));
    }

    private int discard(Path f, boolean keep, List<String> problems) {
        if (keep) {
            return quarantine(f, problems) == null ? 0 : 1;
        }
        List<Path> failed = new ArrayList<>();
        deleteTree(f, failed);
        if (!failed.isEmpty()) {
            problems.add("could not delete unreferenced " + failed);
        }
        return 1;
    }

    private static void deleteTree(Path p, List<Path> failed) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException e) {
                    failed.add(x);
                }
            }
        } catch (IOException e) {
            failed.add(p);
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return s.iterator().hasNext();
        }
    }

    Path cropPath(String personId, String photoId) {
        return crops.resolve(personId).resolve(photoId + CROP_SUFFIX);
    }

    Path vectorsPath(String modelKey, String personId) {
        return embeddings.resolve(modelDirName(modelKey)).resolve(personId + VECTORS_SUFFIX);
    }

    /**
     * The directory name of a model's embeddings: {@code [A-Za-z0-9.-]} kept (but not a
     * leading dot), every other character as {@code _} and 4 hex digits (so the mapping is
     * injective and never yields a separator, a hidden name, {@code .} or {@code ..}); names over 100 characters are shortened and
     * made unique by a hash. The header of every file names the model exactly.
     *
     * @param modelKey {@code id:version}
     * @return a safe directory name
     */
    static String modelDirName(String modelKey) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < modelKey.length(); i++) {
            char c = modelKey.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' && i > 0) {
                sb.append(c);
            } else {
                sb.append('_').append(String.format("%04x", (int) c));
            }
        }
        if (sb.length() > 100) {
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(modelKey.getBytes(StandardCharsets.UTF_8));
                return sb.substring(0, 60) + "_" + HexFormat.of().formatHex(h, 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is always available", e);
            }
        }
        return sb.toString();
    }
}
