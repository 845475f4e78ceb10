package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSettingsTest {

    @TempDir
    Path tmp;

    /** A configuration as DS would build it from a .cfg file. */
    record Cfg(String directory, String done__directory, String failed__directory, long poll__interval__ms,
               String[] extensions, long settle__ms, String source__id, long max__pixels, long retention__max__age__h,
               long retention__max__mb)
            implements FolderCamera.Config {
        Cfg(String directory) {
            this(directory, "", "", 1000, new String[] {"jpg", "jpeg", "png", "bmp", "gif"}, 500, "", 40_000_000);
        }

        Cfg(String directory, String done, String failed, long poll, String[] extensions, long settle, String id,
            long maxPixels) {
            this(directory, done, failed, poll, extensions, settle, id, maxPixels, 168, 1024);
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return FolderCamera.Config.class;
        }
    }

    @Test
    void defaultsPutDoneAndFailedInsideTheInbox() {
        FolderSettings s = FolderSettings.from(new Cfg(tmp.resolve("in/../inbox").toString()));
        Path inbox = tmp.resolve("inbox").toAbsolutePath();
        assertEquals(inbox, s.inbox());
        assertEquals(inbox.resolve("done"), s.done());
        assertEquals(inbox.resolve("failed"), s.failed());
        assertEquals("folder:" + inbox, s.sourceId());
        assertEquals(List.of("bmp", "gif", "jpeg", "jpg", "png"), s.sortedExtensions());
        assertEquals(500, s.settleMs());
    }

    @Test
    void retentionDefaultsToAWeekAndAGibibyteAndZeroMeansNoLimit() {
        String in = tmp.resolve("in").toString();
        assertEquals(new Retention(java.time.Duration.ofDays(7), 1L << 30), FolderSettings.from(new Cfg(in)).retention());
        Cfg unlimited = new Cfg(in, "", "", 1000, new String[] {"jpg"}, 500, "", 1000, 0, 0);
        assertEquals(new Retention(java.time.Duration.ZERO, 0), FolderSettings.from(unlimited).retention());
        assertThrows(IllegalArgumentException.class, () -> FolderSettings.from(
                new Cfg(in, "", "", 1000, new String[] {"jpg"}, 500, "", 1000, -1, 0)));
    }

    @Test
    void explicitValuesAndACfgStyleExtensionList() {
        FolderSettings s = FolderSettings.from(new Cfg(tmp.resolve("in").toString(), tmp.resolve("ok").toString(),
                tmp.resolve("ko").toString(), 250, new String[] {"JPG, .png webp"}, 0, "cam-door", 1000));
        assertEquals(tmp.resolve("ok").toAbsolutePath(), s.done());
        assertEquals(tmp.resolve("ko").toAbsolutePath(), s.failed());
        assertEquals("cam-door", s.sourceId());
        assertEquals(Set.of("jpg", "png", "webp"), s.extensions());
        assertEquals(250, s.pollIntervalMs());
    }

    @Test
    void badValuesFailFastNamingTheKey() {
        String in = tmp.resolve("in").toString();
        String[] ext = {"jpg"};
        assertEquals("directory is required", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(null))).getMessage());
        assertEquals("directory is required", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(" "))).getMessage());
        assertEquals("poll_interval_ms must be within 10..3600000, got 0", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "", "", 0, ext, 0, "", 10))).getMessage());
        assertEquals("settle_ms must be within 0..600000, got -1", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "", "", 100, ext, -1, "", 10))).getMessage());
        assertEquals("max_pixels must be within 1..715827879, got 0", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "", "", 100, ext, 0, "", 0))).getMessage());
        assertEquals("extensions must name at least one file extension", assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "", "", 100, new String[] {" , "}, 0, "", 10))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "", "", 100, new String[] {"j*g"}, 0, "", 10)));
        assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, in, "", 100, ext, 0, "", 10)), "done = inbox");
        assertThrows(IllegalArgumentException.class,
                () -> FolderSettings.from(new Cfg(in, "/x/same", "/x/same", 100, ext, 0, "", 10)));
    }
}
