package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.FrameSource;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component: its registration, its properties, and that deactivation leaves no process or thread. */
class FfmpegCameraTest {
    @TempDir
    Path tmp;

    /** What the component registered, recorded by a stand-in BundleContext. */
    private static final class Registry {
        Object service;
        final List<Map<String, Object>> properties = new CopyOnWriteArrayList<>();
        volatile boolean unregistered;

        BundleContext context() {
            ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (p, m, args) -> {
                        switch (m.getName()) {
                            case "setProperties" -> {
                                if (unregistered) {
                                    throw new IllegalStateException("unregistered");
                                }
                                properties.add(toMap((Dictionary<?, ?>) args[0]));
                                return null;
                            }
                            case "unregister" -> {
                                if (unregistered) {
                                    throw new IllegalStateException("unregistered");
                                }
                                unregistered = true;
                                return null;
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                    });
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (p, m, args) -> {
                        if (m.getName().equals("registerService") && args[0] == FrameSource.class) {
                            service = args[1];
                            properties.add(toMap((Dictionary<?, ?>) args[2]));
                            return reg;
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }

        Map<String, Object> last() {
            return properties.get(properties.size() - 1);
        }

        private static Map<String, Object> toMap(Dictionary<?, ?> d) {
            Map<String, Object> m = new HashMap<>();
            for (Object k : Collections.list(d.keys())) {
                m.put((String) k, d.get(k));
            }
            return m;
        }
    }

    private static List<Thread> threadsOf(String sourceId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("facegate-ffmpeg-" + sourceId)).toList();
    }

    /** Our ffmpeg children still alive (the pid's command, where the OS tells it, names ffmpeg). */
    private static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(c -> c.info().command().map(cmd -> cmd.contains("ffmpeg")).orElse(true)).toList();
    }

    @Test
    void registersTheSourceAndDeactivationReapsFfmpegAndEndsEveryThread() throws Exception {
        String ffmpeg = FfmpegTools.require();
        Path video = FfmpegTools.video(ffmpeg, tmp.resolve("loop.avi"), "testsrc=size=320x240:rate=25:duration=1");
        Registry registry = new Registry();
        FfmpegCamera camera = new FfmpegCamera(registry.context(), TestConfigs.ffmpeg(Map.of("input", video.toString(),
                "loop", true, "source_id", "door", "ffmpeg_path", ffmpeg, "width", 64, "height", 48)));
        FfmpegFrameSource source = camera.source();
        assertSame(source, registry.service);
        Map<String, Object> first = registry.properties.get(0);
        assertEquals("door", first.get(FrameSource.PROP_SOURCE_ID));
        assertEquals("ffmpeg", first.get("facegate.source.type"));
        assertEquals("drop_oldest", first.get("facegate.source.overflow"), "the pipeline drops this camera's oldest too");
        assertEquals("starting", first.get("facegate.source.state"));

        assertNotNull(source.next(Duration.ofSeconds(20)), "status " + source.status());
        long pid = source.childPid().orElseThrow();
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        assertTrue(child.isAlive());
        assertTrue(liveChildren().stream().anyMatch(c -> c.pid() == pid), "ffmpeg is our child");
        assertFalse(threadsOf("door").isEmpty());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"running".equals(registry.last().get("facegate.source.state")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("running", registry.last().get("facegate.source.state"), "state changes reach the properties");
        assertEquals("door", registry.last().get(FrameSource.PROP_SOURCE_ID));

        camera.deactivate();
        assertTrue(registry.unregistered);
        assertFalse(child.isAlive(), "ffmpeg reaped");
        assertTrue(ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive());
        assertEquals(List.of(), liveChildren(), "no ffmpeg child left");
        assertEquals(List.of(), threadsOf("door"), "no thread left");
        assertEquals(FfmpegCameraStatus.State.STOPPED, source.status().state());
        assertEquals(null, source.next(Duration.ofMillis(10)));
    }

    @Test
    void deactivationDuringBackoffIsPromptAndABadConfigurationRegistersNothing() throws Exception {
        Registry registry = new Registry();
        FfmpegCamera camera = new FfmpegCamera(registry.context(), TestConfigs.ffmpeg(Map.of(
                "input", tmp.resolve("missing.mp4").toString(), "source_id", "broken", "ffmpeg_path",
                FfmpegTools.require(), "reconnect_min_ms", 60_000L, "reconnect_max_ms", 60_000L)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // the service properties follow the state from the supervisor thread: wait for both
        while ((camera.source().status().state() != FfmpegCameraStatus.State.RECONNECTING
                || !String.valueOf(registry.last().get("facegate.source.last_error")).contains("No such file"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(String.valueOf(registry.last().get("facegate.source.last_error")).contains("No such file"),
                registry.last().toString());
        long start = System.nanoTime();
        camera.deactivate();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "not waiting out the 60 s backoff");
        assertEquals(List.of(), threadsOf("broken"));

        Registry none = new Registry();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FfmpegCamera(
                none.context(), TestConfigs.ffmpeg(Map.of("input", "x.mp4", "width", 1))));
        assertTrue(e.getMessage().startsWith("width and height"), e.getMessage());
        assertEquals(null, none.service);
    }
}
