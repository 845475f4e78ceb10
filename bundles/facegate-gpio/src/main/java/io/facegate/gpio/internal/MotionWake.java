package io.facegate.gpio.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Someone is there: camera sources should capture for {@code burst} from {@code at}. A later wake extends the
 * burst; none arrives for the end of motion, a burst simply runs out.
 *
 * @param input the motion input's configured name
 * @param pin   its BCM number
 * @param at    when the motion was confirmed (or renewed)
 * @param burst how long to stay awake from {@code at}
 */
record MotionWake(String input, int pin, Instant at, Duration burst) {
}
