package io.facegate.camera.internal;

import java.util.regex.Pattern;

/**
 * Hides credentials in URLs ({@code rtsp://user:secret@cam/} becomes {@code rtsp://***@cam/}) before logging.
 * The user info runs to the last {@code @} before the path, so a raw {@code @} in a password is hidden too.
 */
final class Redact {
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s'\"]*@");

    private Redact() {
    }

    /**
     * @param text a URL, an ffmpeg message quoting one, or null
     * @return the text with every URL's user info replaced by {@code ***}
     */
    static String credentials(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1***@");
    }
}
