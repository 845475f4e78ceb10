package io.facegate.gpio.internal;

/** BCM pin numbers usable on the 40-pin header of a Raspberry Pi. */
final class Pins {
    /** BCM 0 and 1 are the HAT ID EEPROM's I2C bus: the firmware reads them at boot. */
    static final int FIRST = 2;
    static final int LAST = 27;

    private Pins() {
    }

    /**
     * @param key the configuration key, for the message
     * @param pin the configured BCM number
     * @throws IllegalArgumentException if it is not a header GPIO
     */
    static void check(String key, int pin) {
        if (pin < FIRST || pin > LAST) {
            throw new IllegalArgumentException(key + " must be a BCM GPIO number within " + FIRST + ".." + LAST
                    + " (required; BCM 0 and 1 are reserved for HAT EEPROMs), got " + pin);
        }
    }
}
