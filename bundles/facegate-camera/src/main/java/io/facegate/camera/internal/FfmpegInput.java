package io.facegate.camera.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one ffmpeg session reads, resolved for that session (an {@code input_file} and a
 * {@code password_file} are read again on every attempt).
 *
 * @param kind     how it is read
 * @param target   what ffmpeg (or, for {@link Kind#HTTP} with credentials, Java) opens: a path or URL;
 *                 for HTTP never with user info, which is moved into {@code user} and {@code password}
 * @param user     HTTP user name, or null
 * @param password HTTP password, or null; never logged
 * @param display  the input with credentials hidden, for logs, frame origins and the default source id
 */
record FfmpegInput(Kind kind, String target, String user, String password, String display) {

    /** Input kinds that ffmpeg is given differently. */
    enum Kind {
        /** {@code /dev/...}: a V4L2 camera (input format {@code v4l2} by default for {@code /dev/video*}) */
        DEVICE,
        /** no URL scheme: a path; a regular file is read at its native rate ({@code -re}), optionally looped */
        FILE,
        /** {@code rtsp://}, {@code rtsps://}: TCP transport by default */
        RTSP,
        /** {@code http://}, {@code https://}: fetched by Java when there are credentials, else by ffmpeg */
        HTTP,
        /** any other URL scheme ffmpeg knows ({@code udp://}, {@code srt://}, {@code rtmp://}, ...) */
        URL
    }

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://.*", Pattern.DOTALL);

    /**
     * @param raw      a device, path or URL
     * @param user     HTTP user name from the configuration, or null
     * @param password HTTP password from {@code password_file}, or null
     * @return the input, with HTTP credentials taken out of the URL
     * @throws IllegalArgumentException if an HTTP URL cannot be parsed
     */
    static FfmpegInput parse(String raw, String user, String password) {
        String input = raw.strip();
        Kind kind = kindOf(input);
        String display = Redact.credentials(input);
        if (kind != Kind.HTTP) {
            return new FfmpegInput(kind, input, null, null, display);
        }
        int authority = input.indexOf("://") + 3;
        int authorityEnd = authority;
        while (authorityEnd < input.length() && "/?#".indexOf(input.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int at = input.lastIndexOf('@', authorityEnd - 1);
        String u = user;
        String p = password;
        String target = input;
        if (at >= authority) {
            String info = input.substring(authority, at);
            int colon = info.indexOf(':');
            u = decode(colon < 0 ? info : info.substring(0, colon));
            p = colon < 0 ? "" : decode(info.substring(colon + 1));
            target = input.substring(0, authority) + input.substring(at + 1);
        }
        try {
            if (new URI(target).getHost() == null) {
                throw new IllegalArgumentException("no host in URL " + display);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + display + " (" + e.getReason() + ")");
        }
        return new FfmpegInput(kind, target, u, p, display);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * @param input a device, path or URL
     * @return its kind
     */
    static Kind kindOf(String input) {
        var m = SCHEME.matcher(input);
        if (!m.matches()) {
            return input.startsWith("/dev/") ? Kind.DEVICE : Kind.FILE;
        }
        return switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "rtsp", "rtsps" -> Kind.RTSP;
            case "http", "https" -> Kind.HTTP;
            default -> Kind.URL;
        };
    }

    /**
     * @param input a device, path or URL
     * @return whether it carries user info ({@code scheme://user:password@host})
     */
    static boolean hasCredentials(String input) {
        return !Redact.credentials(input).equals(input);
    }

    /** @return whether Java fetches the stream and pipes it into ffmpeg, keeping credentials off its command line */
    boolean javaFetch() {
        return kind == Kind.HTTP && user != null;
    }

    @Override
    public String toString() {
        return "FfmpegInput[" + kind + " " + display + (user == null ? "" : ", user " + user) + "]";
    }
}
