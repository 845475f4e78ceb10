package io.facegate.gallery.internal;

import io.facegate.gallery.internal.GalleryState.Person;
import io.facegate.gallery.internal.GalleryState.Photo;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The gallery index: who is enrolled (generated id, name) and which crops each
 * person has. A {@link Properties} file in pure ASCII, written in a fixed order
 * and ending with a CRC-32 line over everything before it, so a truncated or
 * damaged index is detected instead of silently losing the people after the
 * damage:
 *
 * <pre>
 * # facegate gallery index ...
 * format=1
 * person.3f1c0a9b5e2d4c70.name=Ada Lovelace
 * person.3f1c0a9b5e2d4c70.photos=9a0b1c2d3e4f5061/112,0b1c2d3e4f506172/112
 * crc32=1c291ca3
 * </pre>
 *
 * Photos are {@code photoId/cropSize}, in enrolment order.
 */
final class IndexCodec {
    static final int FORMAT = 1;
    private static final String CRC_KEY = "crc32=";

    private IndexCodec() {
    }

    /**
     * @param people the people to write
     * @return the index file's bytes
     */
    static byte[] encode(Collection<Person> people) {
        StringBuilder sb = new StringBuilder();
        sb.append("# facegate gallery index, written atomically by facegate-gallery; do not edit while it runs\n");
        sb.append("format=").append(FORMAT).append('\n');
        people.stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(p -> {
            sb.append("person.").append(p.id()).append(".name=").append(escape(p.name())).append('\n');
            sb.append("person.").append(p.id()).append(".photos=");
            for (int i = 0; i < p.photos().size(); i++) {
                Photo ph = p.photos().get(i);
                sb.append(i == 0 ? "" : ",").append(ph.id()).append('/').append(ph.size());
            }
            sb.append('\n');
        });
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(body);
        String tail = CRC_KEY + String.format("%08x", crc.getValue()) + "\n";
        byte[] out = new byte[body.length + tail.length()];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, tail.length());
        return out;
    }

    /**
     * @param data an index file's bytes
     * @return people by id, every photo marked as available
     * @throws CorruptFileException if the checksum does not match or an entry is malformed
     */
    static Map<String, Person> decode(byte[] data) throws CorruptFileException {
        int end = data.length;
        if (end == 0) {
            throw new CorruptFileException("index is empty");
        }
        if (data[end - 1] != '\n') {
            throw new CorruptFileException("index is truncated (no final line break)");
        }
        int lineStart = end - 1;
        while (lineStart > 0 && data[lineStart - 1] != '\n') {
            lineStart--;
        }
        String last = new String(data, lineStart, end - 1 - lineStart, StandardCharsets.US_ASCII);
        if (!last.startsWith(CRC_KEY)) {
            throw new CorruptFileException("index is truncated (no checksum line at the end)");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, lineStart);
        String expected = String.format("%08x", crc.getValue());
        if (!expected.equals(last.substring(CRC_KEY.length()))) {
            throw new CorruptFileException("index checksum mismatch (file says " + last.substring(CRC_KEY.length())
                    + ", content gives " + expected + ")");
        }
        for (int i = 0; i < lineStart; i++) {
            if (data[i] < 0) {
                throw new CorruptFileException("index contains non-ASCII bytes");
            }
        }
        Properties props = new Properties();
        try {
            props.load(new StringReader(new String(data, 0, lineStart, StandardCharsets.US_ASCII)));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptFileException("index is not a valid properties file: " + e.getMessage());
        }
        if (!String.valueOf(FORMAT).equals(props.getProperty("format"))) {
            throw new CorruptFileException("unsupported index format " + props.getProperty("format")
                    + " (this version reads format " + FORMAT + ")");
        }
        Map<String, String> names = new HashMap<>();
        Map<String, String> photos = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.equals("format")) {
                continue;
            }
            String[] parts = key.split("\\.", -1);
            if (parts.length != 3 || !parts[0].equals("person") || !Ids.isValid(parts[1])
                    || !(parts[2].equals("name") || parts[2].equals("photos"))) {
                throw new CorruptFileException("unexpected index entry " + key);
            }
            (parts[2].equals("name") ? names : photos).put(parts[1], props.getProperty(key));
        }
        if (!names.keySet().equals(photos.keySet())) {
            throw new CorruptFileException("index has people without a name or without photos");
        }
        Map<String, Person> people = new LinkedHashMap<>();
        Set<String> seenNames = new HashSet<>();
        Set<String> seenPhotos = new HashSet<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            String id = e.getKey();
            String name = e.getValue();
            String valid;
            try {
                valid = Names.validate(name);
            } catch (IllegalArgumentException ex) {
                throw new CorruptFileException("index has an invalid name for person " + id + ": " + ex.getMessage());
            }
            if (!valid.equals(name) || !seenNames.add(name)) {
                throw new CorruptFileException("index has an invalid or duplicate name for person " + id);
            }
            List<Photo> list = new ArrayList<>();
            String spec = photos.get(id);
            if (!spec.isEmpty()) {
                for (String item : spec.split(",", -1)) {
                    int slash = item.indexOf('/');
                    String photoId = slash < 0 ? item : item.substring(0, slash);
                    int size;
                    try {
                        size = slash < 0 ? -1 : Integer.parseInt(item.substring(slash + 1));
                    } catch (NumberFormatException ex) {
                        size = -1;
                    }
                    if (!Ids.isValid(photoId) || size < 1 || size > Crops.MAX_SIZE || !seenPhotos.add(photoId)) {
                        throw new CorruptFileException("index has an invalid or duplicate photo '" + item
                                + "' for person " + id);
                    }
                    list.add(new Photo(photoId, size, true));
                }
            }
            people.put(id, new Person(id, name, list));
        }
        return people;
    }

    /** Escapes a value for {@link Properties#load(java.io.Reader)}, in pure ASCII. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\f' -> sb.append("\\f");
                case ' ' -> sb.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
