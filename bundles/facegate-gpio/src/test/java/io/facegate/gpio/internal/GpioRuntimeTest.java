package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.facegate.gpio.GpioActuation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DS constructors with the real timer thread: the one place where time is not moved by hand. */
class GpioRuntimeTest {

    @Test
    void aPulseIsReleasedByTheRealTimer() throws InterruptedException {
        GpioRuntime gpio = new GpioRuntime(Configs.gpio("mock"));
        try {
            Configs.Output c = Configs.Output.relay(17, "alice");
            c.pulseMs = 80;
            OutputComponent door = new OutputComponent(c, gpio);
            List<GpioActuation> seen = new ArrayList<>();
            door.addListener(seen::add);
            DigitalOutput pin = gpio.context().registry().get(GpioRuntime.id(17), DigitalOutput.class);

            door.recognized(Faces.event(1, Instant.now(), Faces.known("alice", 0.9f)));
            assertEquals(DigitalState.HIGH, pin.state());
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (pin.state() == DigitalState.HIGH && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(DigitalState.LOW, pin.state(), "released within a second");
            assertEquals(1, seen.size());
            door.deactivate();
        } finally {
            gpio.deactivate();
        }
    }

    @Test
    void autoFailsActivationWithAClearMessageOnAMachineWithoutGpio() {
        assumeFalse(BoardInfoHelper.runningOnRaspberryPi());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new GpioRuntime(Configs.gpio("auto")));
        assertTrue(e.getMessage().contains("Set provider = mock in io.facegate.gpio"), e.getMessage());
    }
}
