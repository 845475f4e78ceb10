package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProviderChoiceTest {

    @Test
    void autoByDefaultMockOnRequest() {
        assertEquals(ProviderChoice.AUTO, GpioSettings.from(Configs.gpio("auto")).provider());
        assertEquals(ProviderChoice.AUTO, GpioSettings.from(Configs.gpio(" ")).provider());
        assertEquals(ProviderChoice.MOCK, GpioSettings.from(Configs.gpio("Mock")).provider());
        assertEquals("provider must be auto or mock, got 'pigpio'", assertThrows(IllegalArgumentException.class,
                () -> GpioSettings.from(Configs.gpio("pigpio"))).getMessage());
    }
}
