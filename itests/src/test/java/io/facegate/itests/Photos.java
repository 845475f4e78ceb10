package io.facegate.itests;

import static org.junit.Assume.assumeTrue;

import io.facegate.api.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** The shared demo photos, read inside the container; tests skip when they are absent. */
final class Photos {
    private Photos() {
    }

    static Path demo(String name) {
        Path file = Path.of(System.getProperty("facegate.data.dir", ""), "demo", name);
        assumeTrue("skipped: demo photos not found (facegate.data.dir=" + System.getProperty("facegate.data.dir")
                + ")", Files.isRegularFile(file));
        return file;
    }

    static RgbImage read(String name) throws IOException {
        return RgbImage.of(ImageIO.read(demo(name).toFile()));
    }

    /** Drops a photo into the camera inbox the way a camera would: written aside, renamed in. */
    static void drop(String name, String as) throws IOException {
        Path inbox = Path.of(System.getProperty(FacegateTestSupport.INBOX));
        Path partial = inbox.resolve("." + as + ".part");
        Files.copy(demo(name), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, inbox.resolve(as), StandardCopyOption.ATOMIC_MOVE);
    }
}
