/**
 * Frame sources: the watched folder ({@link io.facegate.camera.internal.FolderCamera}).
 * Private to the bundle; consumers use the {@link io.facegate.api.FrameSource} services.
 */
package io.facegate.camera.internal;
