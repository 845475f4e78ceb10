/**
 * The GPIO bundle's inside: the Pi4J runtime ({@link io.facegate.gpio.internal.GpioRuntime}), pulsed outputs
 * driven by recognition events ({@link io.facegate.gpio.internal.OutputComponent}) and the PIR motion input
 * ({@link io.facegate.gpio.internal.MotionComponent}). The per-event decisions are small pure classes
 * ({@link io.facegate.gpio.internal.TriggerDecision}, {@link io.facegate.gpio.internal.AllowRule},
 * {@link io.facegate.gpio.internal.MatchDebounce}, {@link io.facegate.gpio.internal.PulseGate},
 * {@link io.facegate.gpio.internal.MotionDetector}); time goes through
 * a {@link io.facegate.gpio.internal.Scheduler} so tests drive it by hand. Private to the bundle.
 */
package io.facegate.gpio.internal;
