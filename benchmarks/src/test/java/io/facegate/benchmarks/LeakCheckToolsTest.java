package io.facegate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Embedding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the leak check and fixtures; nothing here loads a model. */
class LeakCheckToolsTest {

    @Test
    void parsesProcStatus() {
        RssSampler.Rss rss = RssSampler.parse(List.of("Name:\tjava", "VmPeak:\t 9000000 kB", "VmRSS:\t  123456 kB",
                "RssAnon:\t   65536 kB", "RssFile:\t   57920 kB"));
        assertEquals(123456, rss.vmRssKb());
        assertEquals(65536, rss.rssAnonKb());
        assertEquals(64.0, rss.rssAnonMb(), 1e-9);
    }

    @Test
    void procStatusWithoutVmRssIsAnError() {
        assertThrows(IllegalStateException.class, () -> RssSampler.parse(List.of("Name:\tjava")));
    }

    @Test
    void readsOwnRssOnLinux() {
        if (RssSampler.available()) {
            assertTrue(RssSampler.sample().vmRssKb() > 0);
        }
    }

    @Test
    void slopeIsMbPer10kCalls() {
        Slope s = new Slope();
        for (int calls = 10_000; calls <= 100_000; calls += 10_000) {
            s.add(calls, 500 + calls * 0.0002 + (calls % 20_000 == 0 ? 0.1 : -0.1));
        }
        assertEquals(2.0, s.mbPer10kCalls(), 0.05);
        Slope flat = new Slope();
        flat.add(1, 5);
        assertEquals(0, flat.mbPer10kCalls());
    }

    @Test
    void defaultsFollowCalls() {
        LeakCheck.Options o = LeakCheck.Options.parse();
        assertEquals(100_000, o.calls());
        assertEquals(LeakCheck.Mode.FULL, o.mode());
        assertEquals(2_000, o.sampleEvery());
        assertEquals(10_000, o.warmup());
        LeakCheck.Options e = LeakCheck.Options.parse("--calls", "500", "--mode", "embed", "--batch", "8", "--strict",
                "--frame", "original", "--max-growth-mb", "8", "--inject-leak-kb", "64", "--max-live-native", "0");
        assertEquals(LeakCheck.Mode.EMBED, e.mode());
        assertEquals(10, e.sampleEvery());
        assertEquals(50, e.warmup());
        assertEquals(8, e.batch());
        assertTrue(e.strict());
        assertEquals(64, e.injectLeakKb());
        assertEquals(0, o.injectLeakKb());
        assertEquals(16, o.maxLiveNativeGrowth());
        assertEquals(0, e.maxLiveNativeGrowth());
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--calls", "ten"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--mode", "detect"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--calls", "100", "--warmup", "100"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--frame", "640"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--calls"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--nope", "1"));
        assertThrows(IllegalArgumentException.class, () -> LeakCheck.Options.parse("--inject-leak-kb", "-1"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(LeakCheck.EXIT_USAGE, LeakCheck.run("--batch", "0"));
        } finally {
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("--batch must be within 1..256") && printed.contains("usage:"), printed);
    }

    @Test
    void comparesResultsWithTheFirstCall() {
        Embedding a = new Embedding("m", "1", new float[] {1, 0});
        Embedding b = new Embedding("m", "1", new float[] {0, 1});
        assertNull(LeakCheck.compare(List.of(a), List.of(new Embedding("m", "1", new float[] {2, 0}))));
        assertTrue(LeakCheck.compare(List.of(a), List.of(b)).contains("cosine"));
        assertTrue(LeakCheck.compare(List.of(a), List.of()).contains("0 embeddings"));
    }

    @Test
    void growthIsJudgedByTheFloorNotBySpikes() {
        // a burst in the last sample is not growth
        assertEquals(0.0, LeakCheck.floorGrowth(List.of(900.0, 901.0, 900.0, 902.0, 900.0, 900.0, 900.0, 900.0, 900.0,
                930.0)), 1e-9);
        // a lifted floor is
        assertEquals(20.0, LeakCheck.floorGrowth(List.of(900.0, 900.0, 900.0, 900.0, 900.0, 910.0, 920.0, 920.0, 920.0,
                920.0, 920.0)), 1e-9);
        assertEquals(5.0, LeakCheck.floorGrowth(List.of(900.0, 905.0)), 1e-9);
    }

    @Test
    void parsesFrameSizes() {
        int[] wh = Fixtures.parseSize("1280X720");
        assertEquals(1280, wh[0]);
        assertEquals(720, wh[1]);
        assertThrows(IllegalArgumentException.class, () -> Fixtures.parseSize("0x5"));
    }

    @Test
    void describesTheDetectorDefaultsWithoutLoadingModels() {
        String d = Fixtures.describeDetectorSettings();
        for (String name : Fixtures.DETECTOR_SETTINGS) {
            assertTrue(d.contains(name + "=") && !d.contains(name + "=?"), d);
        }
    }
}
