package io.facegate.gallery.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes a forgotten person from {@code quarantine/}: the files moved there
 * keep their person id in their names (crops, embedding files, whole person
 * directories), and quarantined index files name people. Quarantined index
 * files are read leniently (their checksum may be wrong) to find every id that
 * carried the name (an older enrolment of the same name, the id before a
 * rename); files of those ids are deleted, and the lines naming the person or
 * their ids are removed from the index files, which otherwise stay for an
 * operator. An encrypted quarantined index that cannot be decrypted is deleted,
 * since nothing shows it does not name the person. Any other plain file that
 * contains the name is deleted.
 */
final class QuarantinePurge {
    /**
     * @param deleted  files and directories deleted
     * @param scrubbed index files from which lines were removed
     * @param problems what could not be deleted or rewritten
     */
    record Result(int deleted, int scrubbed, List<String> problems) {
    }

    private static final Pattern NAME_LINE = Pattern.compile("person\\.([0-9a-f]{16})\\.name=.*");
    private static final Pattern LOWER_ESCAPE = Pattern.compile("\\\\u([0-9a-f]{4})");

    private final Path quarantine;
    private final FileCipher cipher;
    private final AtomicFiles files;
    private final Function<Path, String> binding;

    /**
     * @param quarantine the quarantine directory
     * @param cipher     how the gallery's files are sealed
     * @param files      how files are written and deleted
     * @param binding    a file's binding ({@link GalleryStore#bindingOf})
     */
    QuarantinePurge(Path quarantine, FileCipher cipher, AtomicFiles files, Function<Path, String> binding) {
        this.quarantine = quarantine;
        this.cipher = cipher;
        this.files = files;
        this.binding = binding;
    }

    /**
     * @param personId the person's id
     * @param name     their name
     * @return what was done
     * @throws IOException if the quarantine cannot be listed
     */
    Result purge(String personId, String name) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(quarantine)) {
            return new Result(0, 0, problems);
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(quarantine)) {
            all = s.filter(p -> !p.equals(quarantine)).sorted(Comparator.reverseOrder()).toList();
        }
        List<byte[]> forms = nameForms(name);
        Set<String> ids = new LinkedHashSet<>();
        ids.add(personId);
        List<Opened> indexes = new ArrayList<>();
        for (Path f : all) {
            if (isIndex(f) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                Opened o = open(f);
                indexes.add(o);
                if (o.plain != null) {
                    ids.addAll(idsNamed(o.plain, name));
                }
            }
        }
        int deleted = 0;
        int scrubbed = 0;
        for (Opened o : indexes) {
            if (o.plain == null) {
                deleted += delete(o.file, problems, "it is encrypted and cannot be read, so it might name the person");
                continue;
            }
            byte[] kept = withoutLines(o.plain, ids, forms);
            if (kept.length != o.plain.length) {
                try {
                    files.write(o.file, o.binding == null ? kept : cipher.seal(o.binding, kept));
                    scrubbed++;
                } catch (IOException e) {
                    deleted += delete(o.file, problems, "it names the person and could not be rewritten (" + e + ")");
                }
            }
        }
        for (Path p : all) {
            if (isIndex(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String rel = quarantine.relativize(p).toString();
            boolean theirs = ids.stream().anyMatch(rel::contains);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (theirs) {
                    deleted += delete(p, problems, null); // emptied already: walked children first
                }
            } else if (theirs || !FileCipher.isSealed(head(p)) && contains(Files.readAllBytes(p), forms)) {
                deleted += delete(p, problems, null);
            }
        }
        files.syncDirectory(quarantine);
        return new Result(deleted, scrubbed, problems);
    }

    /** A quarantined index file; {@code plain} null if it cannot be decrypted. */
    private record Opened(Path file, byte[] plain, String binding) {
    }

    private Opened open(Path f) throws IOException {
        byte[] data = Files.readAllBytes(f);
        if (!FileCipher.isSealed(data)) {
            return new Opened(f, data, null);
        }
        // sealed where it was written (the index binding) or sealed in quarantine by a migration
        for (String b : List.of(GalleryStore.INDEX_BINDING, binding.apply(f))) {
            try {
                return new Opened(f, cipher.open(b, data), b);
            } catch (CorruptFileException e) {
                // try the next binding
            }
        }
        return new Opened(f, null, null);
    }

    private static boolean isIndex(Path p) {
        return p.getFileName().toString().contains(GalleryStore.INDEX);
    }

    private static byte[] head(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(FileCipher.HEADER);
        }
    }

    private int delete(Path p, List<String> problems, String why) {
        try {
            files.delete(p);
            return 1;
        } catch (IOException e) {
            problems.add("could not delete " + p + (why == null ? "" : " (" + why + ")") + ": " + e);
            return 0;
        }
    }

    /** Ids whose name line, read as a properties entry, is exactly {@code name}. */
    static Set<String> idsNamed(byte[] index, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : new String(index, StandardCharsets.ISO_8859_1).split("\n")) {
            Matcher m = NAME_LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(line.strip()));
            } catch (IOException | IllegalArgumentException e) {
                continue; // a damaged line: it does not name anyone readable
            }
            if (name.equals(p.getProperty("person." + m.group(1) + ".name"))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static byte[] withoutLines(byte[] text, Set<String> ids, List<byte[]> forms) {
        List<byte[]> idForms = ids.stream().map(id -> id.getBytes(StandardCharsets.US_ASCII)).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        int start = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int next = Math.min(text.length, end + 1);
            byte[] line = Arrays.copyOfRange(text, start, next);
            if (!contains(line, idForms) && !contains(line, forms)) {
                out.write(line, 0, line.length);
            }
            start = next;
        }
        return out.toByteArray();
    }

    /**
     * @param name a name
     * @return the byte forms in which a file of the gallery, or an older one, may hold it: UTF-8,
     *         ISO-8859-1, and the properties escapes of {@link IndexCodec} (lower- and upper-case hex)
     */
    static List<byte[]> nameForms(String name) {
        List<byte[]> out = new ArrayList<>();
        out.add(name.getBytes(StandardCharsets.UTF_8));
        if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(name)) {
            out.add(name.getBytes(StandardCharsets.ISO_8859_1));
        }
        String escaped = IndexCodec.escape(name);
        out.add(escaped.getBytes(StandardCharsets.US_ASCII));
        Matcher m = LOWER_ESCAPE.matcher(escaped);
        StringBuilder upper = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(upper, Matcher.quoteReplacement("\\u" + m.group(1).toUpperCase(Locale.ROOT)));
        }
        m.appendTail(upper);
        out.add(upper.toString().getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    static boolean contains(byte[] data, List<byte[]> needles) {
        for (byte[] n : needles) {
            if (indexOf(data, n) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] data, byte[] n) {
        if (n.length == 0) {
            return -1;
        }
        outer:
        for (int i = 0; i + n.length <= data.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (data[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
