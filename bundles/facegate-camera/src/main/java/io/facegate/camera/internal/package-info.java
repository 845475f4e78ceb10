/**
 * Frame sources: the watched folder ({@link io.facegate.camera.internal.FolderCamera}) and live cameras through
 * ffmpeg ({@link io.facegate.camera.internal.FfmpegCamera}).
 * Private to the bundle; consumers use the {@link io.facegate.api.FrameSource} services.
 */
package io.facegate.camera.internal;
