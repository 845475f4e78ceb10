package io.facegate.gallery.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.gallery.internal.GalleryState.Person;
import io.facegate.gallery.internal.GalleryState.Photo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The index and embedding file formats, names and model directory names. */
class CodecTest {
    private static final String P1 = "0123456789abcdef";
    private static final String P2 = "fedcba9876543210";

    @Test
    void indexRoundTripsAnyValidName() throws Exception {
        List<Person> people = List.of(
                new Person(P1, "Zoë O'Brien = #1: \u4e2d\u6587 \ud83d\ude00 !x",
                        List.of(new Photo("00000000000000aa", 112, true), new Photo("00000000000000bb", 96, true))),
                new Person(P2, "..", List.of(new Photo("00000000000000cc", 2048, true))));
        byte[] data = IndexCodec.encode(people);
        for (byte b : data) {
            assertTrue(b > 0, "pure ASCII");
        }
        Map<String, Person> back = IndexCodec.decode(data);
        assertEquals(2, back.size());
        assertEquals(people.get(0), back.get(P1));
        assertEquals(people.get(1), back.get(P2));
        assertEquals(0, IndexCodec.decode(IndexCodec.encode(List.of())).size());
    }

    @Test
    void indexDetectsTruncationAndDamage() {
        byte[] data = IndexCodec.encode(List.of(new Person(P1, "Alice", List.of(new Photo("00000000000000aa", 112, true))),
                new Person(P2, "Bob", List.of(new Photo("00000000000000bb", 112, true)))));
        for (int cut = 0; cut < data.length; cut++) {
            byte[] part = Arrays.copyOf(data, cut);
            assertThrows(CorruptFileException.class, () -> IndexCodec.decode(part), "truncated to " + cut);
        }
        byte[] flipped = data.clone();
        flipped[60] ^= 1;
        assertThrows(CorruptFileException.class, () -> IndexCodec.decode(flipped));
    }

    @Test
    void indexRefusesWellFormedButInvalidContent() {
        for (String body : new String[] {
            "format=2\n",
            "format=1\nperson.0123456789abcdef.name=A\n",
            "format=1\nperson.xyz.name=A\nperson.xyz.photos=\n",
            "format=1\nperson.0123456789abcdef.name=A\nperson.0123456789abcdef.photos=00000000000000aa/0\n",
            "format=1\nperson.0123456789abcdef.name=a/b\nperson.0123456789abcdef.photos=\n",
            "format=1\nperson.0123456789abcdef.name=A\nperson.0123456789abcdef.photos=00000000000000aa/9\n"
                    + "person.fedcba9876543210.name=A\nperson.fedcba9876543210.photos=00000000000000bb/9\n",
            "format=1\nperson.0123456789abcdef.name=A\nperson.0123456789abcdef.photos=00000000000000aa/9,"
                    + "00000000000000aa/9\n",
            "format=1\nsomething=else\n",
        }) {
            byte[] b = withCrc(body);
            assertThrows(CorruptFileException.class, () -> IndexCodec.decode(b), body);
        }
    }

    private static byte[] withCrc(String body) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        crc.update(b);
        return (body + String.format("crc32=%08x\n", crc.getValue())).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void embeddingFileRoundTripsAndDetectsDamage() throws Exception {
        ModelMeta meta = new ModelMeta("mobilefacenet-112", "1", 3, 0.35f);
        Map<String, float[]> v = new LinkedHashMap<>();
        v.put("00000000000000aa", new float[] {1, 0, 0});
        v.put("ffffffffffffffff", new float[] {0, 0.6f, 0.8f});
        byte[] data = EmbeddingCodec.encode(meta, P1, v);
        EmbeddingCodec.Content c = EmbeddingCodec.decode(data);
        assertEquals(meta, c.meta());
        assertEquals(P1, c.personId());
        assertEquals(v.keySet(), c.vectors().keySet());
        assertArrayEquals(v.get("ffffffffffffffff"), c.vectors().get("ffffffffffffffff"));
        // header is little-endian and names the model
        assertEquals('F', data[0]);
        assertEquals(1, data[4]);
        assertTrue(new String(data, StandardCharsets.ISO_8859_1).contains("mobilefacenet-112"));

        for (int cut = 0; cut < data.length; cut++) {
            byte[] part = Arrays.copyOf(data, cut);
            assertThrows(CorruptFileException.class, () -> EmbeddingCodec.decode(part), "truncated to " + cut);
        }
        for (int i = 0; i < data.length; i += 7) {
            byte[] bad = data.clone();
            bad[i] ^= 0x10;
            assertThrows(CorruptFileException.class, () -> EmbeddingCodec.decode(bad), "byte " + i);
        }
    }

    @Test
    void modelDirectoryNamesAreSafeAndDistinct() {
        assertEquals("mobilefacenet-112_003a1", GalleryStore.modelDirName("mobilefacenet-112:1"));
        assertNotEquals(GalleryStore.modelDirName("a_b:1"), GalleryStore.modelDirName("a/b:1"));
        assertNotEquals(GalleryStore.modelDirName("a:b_003a"), GalleryStore.modelDirName("a_003ab:"));
        for (String key : new String[] {"..:..", ".:x", "../../etc:1", "a\\b:1", "x:" + "y".repeat(300)}) {
            String d = GalleryStore.modelDirName(key);
            assertTrue(d.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") && d.length() <= 100, key + " -> " + d);
        }
        assertNotEquals(GalleryStore.modelDirName("x:" + "y".repeat(300)), GalleryStore.modelDirName("x:" + "y".repeat(301)));
    }

    @Test
    void namesAreStrippedAndChecked() {
        assertEquals("Ada Lovelace", Names.validate("  Ada Lovelace\t"));
        assertEquals("\ud83d\ude00", Names.validate("\ud83d\ude00"));
        assertEquals("x".repeat(Names.MAX_LENGTH), Names.validate("x".repeat(Names.MAX_LENGTH)));
        for (String bad : new String[] {null, "", " ", "a/b", "a\\b", "a\u0000b", "a\u2028b", "\udc00x",
                "x".repeat(Names.MAX_LENGTH + 1)}) {
            assertThrows(IllegalArgumentException.class, () -> Names.validate(bad), String.valueOf(bad));
        }
    }
}
