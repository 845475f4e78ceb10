package io.facegate.camera.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URLConnection;

/**
 * An HTTP(S) stream fetched by Java and piped into ffmpeg's stdin, so the camera's password never
 * appears on ffmpeg's command line (which every local user can read in {@code /proc}).
 *
 * <p>{@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: it starts no threads of
 * its own (Java 17's HttpClient keeps a selector thread until it is garbage collected), has a per-read
 * timeout for a stalled stream, and {@link #close()} from another thread unblocks a pending read. Basic
 * and Digest authentication are answered once per connection, so a wrong password costs the camera one
 * failed login per attempt, not a burst of retries.
 */
final class HttpFeed implements AutoCloseable {
    private final HttpURLConnection connection;
    private final InputStream body;
    private final String contentType;
    private volatile boolean closed;

    private HttpFeed(HttpURLConnection connection, InputStream body, String contentType) {
        this.connection = connection;
        this.body = body;
        this.contentType = contentType;
    }

    /**
     * Connects and checks the response.
     *
     * @param in            the input, with user and password
     * @param timeoutMs     connect timeout (at most 5 s) and read timeout
     * @param connecting    told the connection before it connects, so {@link #abort} can cut a slow connect
     * @return the open stream
     * @throws IOException on a network error or a response other than 200, with a message for the last error
     */
    static HttpFeed open(FfmpegInput in, long timeoutMs, java.util.function.Consumer<HttpURLConnection> connecting)
            throws IOException {
        URLConnection c = URI.create(in.target()).toURL().openConnection();
        if (!(c instanceof HttpURLConnection http)) {
            throw new IOException("not an HTTP URL: " + in.display());
        }
        http.setConnectTimeout((int) Math.min(timeoutMs, 5000));
        http.setReadTimeout((int) Math.min(timeoutMs, Integer.MAX_VALUE));
        http.setUseCaches(false);
        http.setRequestProperty("Accept", "multipart/x-mixed-replace, image/jpeg, */*");
        http.setAuthenticator(new OnceAuthenticator(http.getURL().getHost(), in.user(), in.password()));
        connecting.accept(http);
        try {
            int code = http.getResponseCode();
            if (code != HttpURLConnection.HTTP_OK) {
                String msg = http.getResponseMessage();
                throw new IOException("HTTP " + code + (msg == null ? "" : " " + msg) + " from " + in.display()
                        + (code == HttpURLConnection.HTTP_UNAUTHORIZED ? " (check username and password_file)" : ""));
            }
            return new HttpFeed(http, http.getInputStream(), http.getContentType());
        } catch (IOException | RuntimeException e) {
            http.disconnect();
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith("HTTP ")) {
                throw io;
            }
            throw new IOException("cannot fetch " + in.display() + ": " + describe(e), e);
        }
    }

    /** @return the response's content type, or null */
    String contentType() {
        return contentType;
    }

    /**
     * Copies the stream into ffmpeg until either side ends; runs on the session's feeder thread.
     *
     * @param ffmpegStdin ffmpeg's stdin, closed at the end so ffmpeg sees the end of the stream
     * @return why it stopped, or null if the stream ended normally or the feed was closed
     */
    String pump(OutputStream ffmpegStdin) {
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = ffmpegStdin) {
            for (int n; (n = body.read(buf)) >= 0; ) {
                try {
                    out.write(buf, 0, n);
                    out.flush();
                } catch (IOException e) {
                    return null; // ffmpeg went away; its own exit says why
                }
            }
            return closed ? null : "HTTP stream ended";
        } catch (IOException e) {
            return closed ? null : "HTTP stream: " + describe(e);
        }
    }

    /** Disconnects; a {@link #pump} blocked in a read returns. */
    @Override
    public void close() {
        closed = true;
        abort(connection);
    }

    /** @param connection a connection to cut, also while it connects or reads */
    static void abort(HttpURLConnection connection) {
        if (connection != null) {
            connection.disconnect();
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return Redact.credentials(e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m));
    }

    /**
     * Answers the configured host's challenge once (a second one means the password is wrong), and
     * never a host a redirect led to.
     */
    private static final class OnceAuthenticator extends Authenticator {
        private final String host;
        private final String user;
        private final String password;
        private boolean asked;

        OnceAuthenticator(String host, String user, String password) {
            this.host = host;
            this.user = user;
            this.password = password;
        }

        @Override
        protected synchronized PasswordAuthentication getPasswordAuthentication() {
            if (asked || user == null || getRequestorType() != RequestorType.SERVER
                    || !host.equalsIgnoreCase(getRequestingHost())) {
                return null;
            }
            asked = true;
            return new PasswordAuthentication(user, password == null ? new char[0] : password.toCharArray());
        }
    }
}
