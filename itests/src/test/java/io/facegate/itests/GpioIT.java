package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.Gallery;
import io.facegate.gpio.ActuationListener;
import io.facegate.gpio.ActuationReason;
import io.facegate.gpio.GpioActuation;
import io.facegate.gpio.OutputKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.ServiceRegistration;

/**
 * The door relay inside the distribution, on Pi4J's own mock provider: a frame of Obama, who is on the door's
 * allow-list, drives the relay for its pulse; Biden's frame does not, and drives the LED for unknown faces instead.
 * Every actuation reaches the {@link ActuationListener}s (what facegate-mqtt will publish).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GpioIT extends FacegateTestSupport {
    @Inject
    @Filter(timeout = 60_000)
    private FaceDetector detector;

    @Inject
    @Filter(timeout = 60_000)
    private FaceAligner aligner;

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Override
    protected List<Option> extraOptions() {
        return List.of(
                // what each output decided and why, in the log of a failed run
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.gpio.name", "io.facegate.gpio"),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.gpio.level", "DEBUG"),
                editConfigurationFilePut("etc/io.facegate.gpio.cfg", "provider", "mock"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "name", "door"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "kind", "relay"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "pin", "17"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "allow", "Obama"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "pulse_ms", "700"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-door.cfg", "min_gap_ms", "0"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "name", "led"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "kind", "led"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "pin", "27"),
                // "unknown" fires for every face that is not admitted: Obama is admitted, so he does not light it
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "allow", "Obama"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "pulse_ms", "300"),
                editConfigurationFilePut("etc/io.facegate.gpio.output-led.cfg", "min_gap_ms", "0"));
    }

    @Test
    public void obamaOpensTheDoorAndBidenLightsTheLedForUnknownFaces() throws Exception {
        List<AlignedFace> crops = new ArrayList<>();
        for (String photo : List.of("obama.jpg", "obama2.jpg")) {
            List<DetectedFace> faces = detector.detect(Photos.read(photo));
            crops.add(aligner.align(Photos.read(photo), faces.get(0), 112));
        }
        gallery.enroll("Obama", crops);

        List<GpioActuation> seen = new CopyOnWriteArrayList<>();
        ServiceRegistration<ActuationListener> reg = bundleContext.registerService(ActuationListener.class,
                seen::add, null);
        try {
            Photos.drop("obama3.jpg", "gpio-obama3.jpg");
            GpioActuation door = await(seen, "door");
            assertEquals(OutputKind.RELAY, door.kind());
            assertEquals(17, door.pin());
            assertEquals("Obama", door.who());
            assertEquals(ActuationReason.ALLOWED, door.why());
            assertEquals(Duration.ofMillis(700), door.pulse());
            Thread.sleep(1000);
            assertTrue("Obama does not light the LED: " + seen, seen.stream().noneMatch(a -> a.output().equals("led")));

            seen.clear();
            Photos.drop("biden.jpg", "gpio-biden.jpg");
            GpioActuation led = await(seen, "led");
            assertEquals(OutputKind.LED, led.kind());
            assertEquals(ActuationReason.UNKNOWN_FACE, led.why());
            assertNull(led.who());
            Thread.sleep(2000); // the door would have been driven by now, with the same frame
            assertTrue("Biden does not open the door: " + seen, seen.stream().noneMatch(a -> a.output().equals("door")));
        } finally {
            reg.unregister();
        }
    }

    private static GpioActuation await(List<GpioActuation> seen, String output) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (GpioActuation a : seen) {
                if (a.output().equals(output)) {
                    return a;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no actuation of " + output + " within 120 s: " + seen);
    }
}
