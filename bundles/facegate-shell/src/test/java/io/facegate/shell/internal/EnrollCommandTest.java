package io.facegate.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command around fake stages: which photos it enrols, what it tells the operator. */
class EnrollCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream console;

    @BeforeEach
    void captureConsole() {
        console = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(console);
    }

    private static DetectedFace face(float x, float size) {
        Point p = new Point(x + size / 2, size / 2);
        return new DetectedFace(new BoundingBox(x, 0, size, size), 0.99f, new FaceLandmarks(p, p, p, p, p));
    }

    private Path png(String name, int width) throws Exception {
        Path file = dir.resolve(name);
        ImageIO.write(new BufferedImage(width, 40, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        return file;
    }

    /** Records what reaches the gallery. */
    static final class RecordingGallery implements Gallery {
        final List<AlignedFace> enrolled = new ArrayList<>();

        @Override
        public void enroll(String name, List<AlignedFace> faces) {
            enrolled.addAll(faces);
        }

        @Override
        public boolean forget(String name) {
            return false;
        }

        @Override
        public List<String> people() {
            return List.of();
        }

        @Override
        public Identity identify(Embedding embedding) {
            return Identity.unknown(-1, 0.5f);
        }
    }

    @Test
    void enrolsTheLargestFaceOfEachUsablePhotoAndReportsTheRest() throws Exception {
        Path group = png("group.png", 60);   // the fake detector finds two faces in wide photos
        Path empty = png("empty.png", 30);   // and none in narrow ones
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not a photo");
        RecordingGallery gallery = new RecordingGallery();
        List<DetectedFace> chosen = new ArrayList<>();

        EnrollCommand cmd = new EnrollCommand();
        cmd.detector = image -> image.width() > 40 ? List.of(face(0, 10), face(20, 30)) : List.of();
        cmd.aligner = (image, face, size) -> {
            chosen.add(face);
            return new AlignedFace(new RgbImage(size, size, new byte[size * size * 3]), face);
        };
        cmd.gallery = gallery;
        cmd.name = "Ada";
        cmd.files = List.of(group.toString(), empty.toString(), text.toString(), dir.resolve("gone.jpg").toString());
        cmd.execute();

        assertEquals(1, gallery.enrolled.size());
        assertEquals(112, gallery.enrolled.get(0).size());
        assertEquals(30f, chosen.get(0).box().width(), "the largest face is enrolled");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("group.png: 2 faces, enrolling the largest"), printed);
        assertTrue(printed.contains("skipped " + empty + ": no face found"), printed);
        assertTrue(printed.contains("skipped " + text + ": not an image format this gateway can decode"), printed);
        assertTrue(printed.contains("skipped " + dir.resolve("gone.jpg") + ": no such file"), printed);
        assertTrue(printed.contains("enrolled Ada from 1 of 4 photo(s)"), printed);
    }

    @Test
    void enrolsNothingWithoutAUsablePhoto() throws Exception {
        RecordingGallery gallery = new RecordingGallery();
        EnrollCommand cmd = new EnrollCommand();
        cmd.detector = image -> List.of();
        cmd.gallery = gallery;
        cmd.name = "Ada";
        cmd.files = List.of(png("empty.png", 30).toString());
        cmd.execute();
        assertEquals(List.of(), gallery.enrolled);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nothing enrolled: no usable photo of Ada"));
    }
}
