/**
 * What the GPIO bundle did to its outputs, for bundles that report it (facegate-mqtt): every time an output is
 * driven (a door relay pulsed for an allowed person, an LED or buzzer for an unknown face) each registered
 * {@link io.facegate.gpio.ActuationListener} receives one {@link io.facegate.gpio.GpioActuation}.
 */
@Export
@Version("1.0.0")
package io.facegate.gpio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
