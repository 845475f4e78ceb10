package io.facegate.gallery.internal;

import io.facegate.api.RgbImage;
import io.facegate.gallery.internal.GalleryState.ModelVectors;
import io.facegate.gallery.internal.GalleryState.Person;
import io.facegate.gallery.internal.GalleryState.Photo;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.Set;
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
 * files, which the next {@link #load()} deletes. A removal writes the new index
 * to {@code .prev} first and then to the index, so no index file names a removed
 * person once the removal committed ({@link #commitRemoval}).
 *
 * <p>Files are created 0600, directories 0700 ({@link OwnerOnly}). With a key
 * ({@link FileCipher}) every file but {@code .lock} is sealed with AES-256-GCM,
 * bound to its relative path ({@link #bindingOf}); a plain gallery is encrypted
 * in place at the first start with a key. Not thread-safe: the gallery calls it
 * under its write lock.
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

    /** What the index and its backup are bound to when sealed: the same, since a rename turns one into the other. */
    static final String INDEX_BINDING = INDEX;

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
    private final FileCipher cipher;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /**
     * Opens (creating if needed) a gallery directory and locks it against a second user.
     *
     * @param root   the gallery directory
     * @param files  how to write files
     * @param cipher how to seal files ({@link FileCipher#NONE}: plain)
     * @throws IOException if the directory cannot be created or written, or another gallery holds it
     */
    GalleryStore(Path root, AtomicFiles files, FileCipher cipher) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.crops = this.root.resolve(CROPS);
        this.embeddings = this.root.resolve(EMBEDDINGS);
        this.quarantine = this.root.resolve(QUARANTINE);
        this.files = files;
        this.cipher = cipher;
        OwnerOnly.createDirectories(this.root);
        OwnerOnly.createDirectories(crops);
        OwnerOnly.createDirectories(embeddings);
        if (!Files.isWritable(this.root)) {
            throw new IOException("gallery directory " + this.root + " is not writable");
        }
        Path lockFile = this.root.resolve(LOCK);
        lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                OwnerOnly.file(lockFile));
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
     * to {@code quarantine/} and reported, and everything else still loads. Before
     * anything is moved or deleted, the files are checked against the configured key:
     * an encrypted gallery without a key, or with another key, is refused untouched.
     *
     * @return the state and a report
     * @throws WrongKeyException if the files are encrypted and no key or another key is configured
     * @throws IOException       if the directory itself cannot be read or written
     */
    Loaded load() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int tightened = OwnerOnly.tighten(root, problems);
        if (tightened > 0) {
            notes.add("restricted " + tightened + " existing file(s) and directories to the gateway's user"
                    + " (0600 / 0700)");
        }
        removeTemporaryFiles(notes);
        checkKeyAndMigrate(notes);

        Path index = root.resolve(INDEX);
        Path prev = root.resolve(INDEX_PREV);
        Map<String, Person> people = null;
        IndexSource source;
        if (Files.exists(index)) {
            try {
                people = readIndex(index);
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
                    OwnerOnly.createDirectories(dir);
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
        } else {
            scrubBackup(prev, state, notes);
        }
        return new Loaded(state, problems, notes);
    }

    private Map<String, Person> readIndex(Path file) throws IOException {
        return IndexCodec.decode(cipher.open(INDEX_BINDING, Files.readAllBytes(file)));
    }

    /**
     * The backup may name people the index does not (an older version kept the index before a
     * removal there), or be unreadable: then it is replaced by the current index, so no removed
     * person's name survives in it.
     */
    private void scrubBackup(Path prev, GalleryState state, List<String> notes) throws IOException {
        if (!Files.exists(prev)) {
            return;
        }
        String why;
        try {
            Map<String, Person> backup = readIndex(prev);
            long gone = backup.keySet().stream().filter(id -> !state.people().containsKey(id)).count();
            if (gone == 0) {
                return;
            }
            why = "it named " + gone + " person(s) no longer enrolled";
        } catch (IOException e) {
            why = "it was unreadable (" + e.getMessage() + ")";
        }
        byte[] data = cipher.seal(INDEX_BINDING, IndexCodec.encode(state.people().values()));
        files.write(prev, data);
        notes.add("replaced " + prev.getFileName() + " by a copy of the index: " + why);
    }

    private Map<String, Person> tryBackup(Path prev, List<String> problems) {
        if (!Files.exists(prev)) {
            return null;
        }
        try {
            return readIndex(prev);
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
                            c = EmbeddingCodec.decode(cipher.open(bindingOf(f), Files.readAllBytes(f)));
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

    /**
     * Compares the files with the configured key before anything is moved or deleted. Without a key,
     * any encrypted file (outside quarantine) refuses the gallery; with a key, a gallery whose
     * encrypted files all carry another key's check is refused, and plain files (a gallery that used
     * no key so far, or a migration a crash interrupted) are encrypted in place, each atomically.
     */
    private void checkKeyAndMigrate(List<String> notes) throws IOException {
        int ours = 0;
        int foreign = 0;
        List<Path> plain = new ArrayList<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && !p.getFileName().toString().equals(LOCK)).toList();
        }
        for (Path f : all) {
            byte[] head;
            try (InputStream in = Files.newInputStream(f)) {
                head = in.readNBytes(FileCipher.HEADER);
            }
            FileCipher.Kind kind = cipher.classify(head);
            boolean quarantined = f.startsWith(quarantine);
            if (kind == FileCipher.Kind.PLAIN) {
                plain.add(f);
            } else if (!quarantined) {
                if (kind == FileCipher.Kind.OURS) {
                    ours++;
                } else {
                    foreign++;
                }
            }
        }
        if (!cipher.encrypting()) {
            if (foreign > 0) {
                throw new WrongKeyException("the gallery in " + root + " is encrypted (" + foreign + " file(s)), but "
                        + FileCipher.CONFIG_KEY + " is not set; set it to the gallery's key file (nothing was changed)");
            }
            return;
        }
        if (ours == 0 && foreign > 0) {
            throw new WrongKeyException("the gallery in " + root + " is encrypted with another key than the one in "
                    + FileCipher.CONFIG_KEY + " (" + foreign + " file(s)); nothing was changed");
        }
        for (Path f : plain) {
            files.write(f, cipher.seal(bindingOf(f), Files.readAllBytes(f)));
        }
        if (!plain.isEmpty()) {
            notes.add("encrypted " + plain.size() + " plain file(s) with the key of " + FileCipher.CONFIG_KEY);
        }
    }

    private void removeTemporaryFiles(List<String> notes) throws IOException {
        List<Path> temps;
        // quarantine too: only this class writes there (encryption, purges), through AtomicFiles
        try (Stream<Path> s = Files.walk(root)) {
            temps = s.filter(p -> AtomicFiles.isTemp(p) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
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
        files.writeKeepingBackup(root.resolve(INDEX), root.resolve(INDEX_PREV),
                cipher.seal(INDEX_BINDING, IndexCodec.encode(people)));
    }

    /**
     * Commits the removal of people: the new index goes to {@code .prev} first (the backup stops
     * naming them while the index still does, so a crash in between leaves them enrolled), then to
     * the index (the commit). After this returns no index file names anyone not in {@code after}.
     *
     * @param before everybody enrolled now, to restore the backup if the commit fails
     * @param after  everybody who stays
     * @throws IOException if it could not be written; the index then still names everybody in {@code before}
     */
    void commitRemoval(Collection<Person> before, Collection<Person> after) throws IOException {
        byte[] data = cipher.seal(INDEX_BINDING, IndexCodec.encode(after));
        Path prev = root.resolve(INDEX_PREV);
        files.write(prev, data);
        try {
            files.write(root.resolve(INDEX), data);
        } catch (IOException | RuntimeException e) {
            try {
                files.write(prev, cipher.seal(INDEX_BINDING, IndexCodec.encode(before)));
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed); // the backup then holds the intended state: still a valid fallback
            }
            throw e;
        }
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
            OwnerOnly.createDirectories(dir);
            files.syncDirectory(crops);
        }
        Path f = cropPath(personId, photoId);
        files.write(f, cipher.seal(bindingOf(f), png));
    }

    /**
     * @param personId a person
     * @param photoId  one of their photos
     * @return the decoded crop
     * @throws IOException if it is missing or damaged ({@link CorruptFileException})
     */
    RgbImage readCrop(String personId, String photoId) throws IOException {
        Path f = cropPath(personId, photoId);
        byte[] data = Files.readAllBytes(f);
        byte[] png;
        try {
            png = cipher.open(bindingOf(f), data);
        } catch (CorruptFileException e) {
            throw new CorruptFileException("crop " + f + ": " + e.getMessage());
        }
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
            OwnerOnly.createDirectories(dir);
            files.syncDirectory(embeddings);
        }
        files.write(f, cipher.seal(bindingOf(f), EmbeddingCodec.encode(meta, personId, vectors)));
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
                    if (files.delete(f)) {
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
     * Deletes what {@code quarantine/} holds of a person (see {@link QuarantinePurge}).
     *
     * @param personId the person's id
     * @param name     their name
     * @return what could not be deleted or rewritten
     */
    List<String> purgeQuarantine(String personId, String name) {
        try {
            QuarantinePurge.Result r = new QuarantinePurge(quarantine, cipher, files, this::bindingOf)
                    .purge(personId, name);
            return r.problems();
        } catch (IOException | RuntimeException e) {
            return List.of("could not purge " + quarantine + ": " + e);
        }
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
            OwnerOnly.createDirectories(quarantine);
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

    private void deleteTree(Path p, List<Path> failed) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    files.delete(x);
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

    /**
     * What a sealed file is bound to: its path relative to the gallery, with {@code /}; the index and
     * its backup share {@link #INDEX_BINDING}.
     *
     * @param file a file of the gallery
     * @return its binding
     */
    String bindingOf(Path file) {
        Path rel = root.relativize(file.toAbsolutePath().normalize());
        if (rel.toString().equals(INDEX) || rel.toString().equals(INDEX_PREV)) {
            return INDEX_BINDING;
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            sb.append(sb.length() == 0 ? "" : "/").append(part);
        }
        return sb.toString();
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
