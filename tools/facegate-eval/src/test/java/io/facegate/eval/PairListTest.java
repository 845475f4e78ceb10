package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairListTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void lfwPairsUseTheFilesOwnSetsAsFolds() throws Exception {
        Path root = Path.of("/data/lfw");
        Path file = write("pairs.txt", "2\t2\n"
                + "Abel_Pacheco\t1\t4\nZico\t2\t3\n"
                + "Ann_Veneman\t1\tBo_Derek\t12\nA_B\t1\tC_D\t2\n"
                + "X\t1\t2\nY\t3\t4\n"
                + "X\t1\tY\t1\nZ\t10\tW\t100\n");
        PairList list = PairList.readLfw(file, root);
        assertEquals(2, list.folds());
        assertEquals("lfw-pairs", list.format());
        assertEquals(8, list.pairs().size());
        assertEquals(List.of(0, 0, 0, 0, 1, 1, 1, 1), list.pairs().stream().map(PairList.Pair::fold).toList());
        assertEquals(List.of(true, true, false, false, true, true, false, false),
                list.pairs().stream().map(PairList.Pair::same).toList());
        PairList.Pair p = list.pairs().get(0);
        assertEquals(root.resolve("Abel_Pacheco/Abel_Pacheco_0001.jpg"), p.a());
        assertEquals(root.resolve("Abel_Pacheco/Abel_Pacheco_0004.jpg"), p.b());
        assertEquals(root.resolve("Bo_Derek/Bo_Derek_0012.jpg"), list.pairs().get(2).b());
        assertEquals(root.resolve("W/W_0100.jpg"), list.pairs().get(7).b());

        PairList first = list.firstFolds(1);
        assertEquals(4, first.pairs().size());
        assertEquals(1, first.folds());
    }

    @Test
    void lfwPairsRejectMalformedFilesNamingTheLine() throws Exception {
        Path shortFile = write("short.txt", "2 1\nA 1 2\nA 1 B 1\nC 1 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairList.readLfw(shortFile, tmp));
        assertTrue(e.getMessage().endsWith("announces 2 x (1 same + 1 different) pairs but has 3"), e.getMessage());

        Path badNumber = write("bad.txt", "1 1\nA 1 2\nA 1 B\n");
        e = assertThrows(IllegalArgumentException.class, () -> PairList.readLfw(badNumber, tmp));
        assertTrue(e.getMessage().contains("bad.txt:3: image number 'B' is not an integer"), e.getMessage());

        Path badFields = write("fields.txt", "1 1\nA 1 2\nA 1 B 2 3\n");
        e = assertThrows(IllegalArgumentException.class, () -> PairList.readLfw(badFields, tmp));
        assertTrue(e.getMessage().contains("fields.txt:3: expected 3 or 4 fields, got 5"), e.getMessage());

        Path badHeader = write("header.txt", "ten 300\n");
        e = assertThrows(IllegalArgumentException.class, () -> PairList.readLfw(badHeader, tmp));
        assertTrue(e.getMessage().contains("header.txt:1: expected a header"), e.getMessage());
    }

    @Test
    void csvAcceptsHeaderAndYesNoOrOneZeroAndResolvesAgainstTheRoot() throws Exception {
        Path file = write("pairs.csv", "file_a,file_b,same\na/1.jpg,a/2.jpg,Yes\na/1.jpg,b/1.jpg,no\n"
                + "/abs/x.jpg,b/2.jpg,1\nb/1.jpg,b/2.jpg,0\n");
        PairList list = PairList.readCsv(file, tmp, 2, 7);
        assertEquals("csv", list.format());
        assertEquals(4, list.pairs().size());
        assertEquals(List.of(true, false, true, false), list.pairs().stream().map(PairList.Pair::same).toList());
        assertEquals(tmp.resolve("a/1.jpg"), list.pairs().get(0).a());
        assertEquals(Path.of("/abs/x.jpg"), list.pairs().get(2).a());
        // stratified: each of the 2 folds holds one same and one different pair
        for (int f = 0; f < 2; f++) {
            int fold = f;
            assertEquals(1, list.pairs().stream().filter(p -> p.fold() == fold && p.same()).count());
            assertEquals(1, list.pairs().stream().filter(p -> p.fold() == fold && !p.same()).count());
        }
    }

    @Test
    void csvRejectsABadLabelNamingTheLine() throws Exception {
        Path file = write("bad.csv", "a.jpg,b.jpg,1\na.jpg,c.jpg,maybe\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairList.readCsv(file, tmp, 2, 1));
        assertTrue(e.getMessage().contains("bad.csv:2: expected 'file_a,file_b,same'"), e.getMessage());
    }

    @Test
    void stratifiedFoldsAreBalancedAndReproducible() {
        int[] classes = new int[40];
        Arrays.fill(classes, 0, 23, 1); // 23 same, 17 different
        int[] a = PairList.stratifiedFolds(classes, 10, 42);
        for (int f = 0; f < 10; f++) {
            int same = 0;
            int diff = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == f) {
                    same += classes[i];
                    diff += 1 - classes[i];
                }
            }
            assertTrue(same == 2 || same == 3, "fold " + f + " has " + same + " same pairs");
            assertTrue(diff == 1 || diff == 2, "fold " + f + " has " + diff + " different pairs");
        }
        assertTrue(Arrays.equals(a, PairList.stratifiedFolds(classes, 10, 42)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(PairList.stratifiedFolds(classes, 10, 43)));
        assertFalse(Arrays.stream(a).anyMatch(f -> f < 0 || f >= 10));
    }
}
