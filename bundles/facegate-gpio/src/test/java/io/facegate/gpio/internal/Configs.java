package io.facegate.gpio.internal;

import java.lang.annotation.Annotation;

/** Configurations as DS builds them from a {@code .cfg} file, with the metatype defaults. */
final class Configs {
    private Configs() {
    }

    static GpioRuntime.Config gpio(String provider) {
        return new GpioRuntime.Config() {
            @Override
            public String provider() {
                return provider;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return GpioRuntime.Config.class;
            }
        };
    }

    /** An output configuration; fields start at the metatype defaults. */
    static final class Output implements OutputComponent.Config {
        String name = "";
        String kind = "relay";
        int pin = -1;
        boolean activeHigh = true;
        String trigger = "";
        String[] allow = {};
        float minSimilarity = 0f;
        boolean requireLive;
        long pulseMs = OutputSettings.DEFAULT_PULSE_MS;
        long minGapMs = OutputSettings.DEFAULT_MIN_GAP_MS;
        int debounceFrames = OutputSettings.DEFAULT_DEBOUNCE_FRAMES;
        long debounceWindowMs = OutputSettings.DEFAULT_DEBOUNCE_WINDOW_MS;
        String[] sources = {};
        long maxEventAgeMs = OutputSettings.DEFAULT_MAX_EVENT_AGE_MS;

        static Output relay(int pin, String... allow) {
            Output o = new Output();
            o.pin = pin;
            o.allow = allow;
            return o;
        }

        static Output led(int pin, String... allow) {
            Output o = relay(pin, allow);
            o.kind = "led";
            return o;
        }

        OutputSettings settings() {
            return OutputSettings.from(this);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public int pin() {
            return pin;
        }

        @Override
        public boolean active__high() {
            return activeHigh;
        }

        @Override
        public String trigger() {
            return trigger;
        }

        @Override
        public String[] allow() {
            return allow;
        }

        @Override
        public float min__similarity() {
            return minSimilarity;
        }

        @Override
        public boolean require__live() {
            return requireLive;
        }

        @Override
        public long pulse__ms() {
            return pulseMs;
        }

        @Override
        public long min__gap__ms() {
            return minGapMs;
        }

        @Override
        public int debounce__frames() {
            return debounceFrames;
        }

        @Override
        public long debounce__window__ms() {
            return debounceWindowMs;
        }

        @Override
        public String[] sources() {
            return sources;
        }

        @Override
        public long max__event__age__ms() {
            return maxEventAgeMs;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return OutputComponent.Config.class;
        }
    }

    /** A motion input configuration; fields start at the metatype defaults. */
    static final class Motion implements MotionComponent.Config {
        String name = "";
        int pin = -1;
        String pull = "down";
        boolean activeHigh = true;
        long debounceMs = MotionSettings.DEFAULT_DEBOUNCE_MS;
        long burstS = MotionSettings.DEFAULT_BURST_S;

        static Motion pir(int pin) {
            Motion m = new Motion();
            m.pin = pin;
            return m;
        }

        MotionSettings settings() {
            return MotionSettings.from(this);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int pin() {
            return pin;
        }

        @Override
        public String pull() {
            return pull;
        }

        @Override
        public boolean active__high() {
            return activeHigh;
        }

        @Override
        public long debounce__ms() {
            return debounceMs;
        }

        @Override
        public long burst__s() {
            return burstS;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return MotionComponent.Config.class;
        }
    }
}
