package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FrameSource;
import io.facegate.api.Gallery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Two ffmpeg cameras in the running distribution, each reading a looped video that a real ffmpeg made in the test
 * from a demo photo: events from the camera that films Obama name him, with that camera's source id; the other
 * camera's events do not; removing a camera's configuration ends its ffmpeg child.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FfmpegCameraIT extends FacegateTestSupport {
    private static final String EVENTS = "facegate/" + GATEWAY_ID + "/events";

    @Inject
    @Filter(timeout = 60_000)
    private FaceDetector detector;

    @Inject
    @Filter(timeout = 60_000)
    private FaceAligner aligner;

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Inject
    private ConfigurationAdmin configAdmin;

    private static Path video(String photo, Path dir) throws Exception {
        Path out = dir.resolve(photo.replace(".jpg", ".avi"));
        // 2 s of the still photo at 5 fps, as MJPEG; even sides for the encoder
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i",
                Photos.demo(photo).toString(), "-t", "2", "-r", "5", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
                "-c:v", "mjpeg", "-q:v", "3", out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue("ffmpeg made the test video: " + log, p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
        return out;
    }

    private Configuration camera(String sourceId, Path video) throws Exception {
        Configuration c = configAdmin.createFactoryConfiguration("io.facegate.camera.ffmpeg", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("input", video.toString());
        props.put("source_id", sourceId);
        props.put("loop", "true");
        props.put("max_fps", "2");
        c.update(props);
        return c;
    }

    private static long ffmpegChildren() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false)).count();
    }

    @Test
    public void eventsOfTheCameraThatSeesObamaNameHimWithThatCamerasSourceId() throws Exception {
        List<AlignedFace> crops = new ArrayList<>();
        for (String photo : List.of("obama.jpg", "obama2.jpg")) {
            List<DetectedFace> faces = detector.detect(Photos.read(photo));
            crops.add(aligner.align(Photos.read(photo), faces.get(0), 112));
        }
        gallery.enroll("Obama", crops);

        Path dir = Files.createTempDirectory("ffmpeg-it");
        Configuration door;
        Configuration yard;
        try (MqttRecorder events = new MqttRecorder(EVENTS)) {
            door = camera("door", video("obama3.jpg", dir));
            yard = camera("yard", video("biden.jpg", dir));
            List<String> fromDoor = events.await(m -> m.contains("\"source\":\"door\""), 3, 180, TimeUnit.SECONDS);
            List<String> fromYard = events.await(m -> m.contains("\"source\":\"yard\""), 3, 180, TimeUnit.SECONDS);
            assertEquals(events.messages().toString(), 3, fromDoor.size());
            assertEquals(events.messages().toString(), 3, fromYard.size());
            for (String e : fromDoor) {
                assertTrue(e, e.contains("\"identity\":\"Obama\""));
            }
            for (String e : fromYard) {
                assertTrue(e, !e.contains("\"identity\":\"Obama\"") && e.contains("\"identity\":null"));
            }
        }
        ServiceReference<?>[] sources = bundleContext.getServiceReferences(FrameSource.class.getName(),
                "(facegate.source.id=door)");
        assertTrue("the camera is a FrameSource service", sources != null && sources.length == 1);
        assertEquals("ffmpeg", sources[0].getProperty("facegate.source.type"));
        assertEquals(2, ffmpegChildren());

        door.delete();
        yard.delete();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ffmpegChildren() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("no ffmpeg child is left once the cameras are gone", 0, ffmpegChildren());
    }
}
