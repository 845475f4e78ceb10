package io.facegate.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * Downloads an artifact from an http(s) URL into its transfer file, resuming where the file ends: a broken
 * connection, a stalled server (read timeout) or a 5xx answer is retried with a {@code Range} request after a
 * back-off, and a server that ignores the range sends the whole file again. Never writes more than the signed size.
 * The content is trusted only after the caller checked its SHA-256 against the manifest; this class only moves bytes.
 * One download at a time; {@link #abort()} ends it from another thread.
 */
final class HttpFetch {
    /** A download that retrying cannot fix: a 4xx answer, or more bytes than signed. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final int BUFFER = 64 * 1024;
    private static final long SYNC_EVERY = 1 << 20;

    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final int attempts;
    private final long backoffMs;
    private volatile InputStream open;
    private volatile boolean aborted;

    /**
     * @param connectTimeoutMs time to connect
     * @param readTimeoutMs    time a read may wait for the next bytes before the attempt counts as broken
     * @param attempts         attempts in a row without progress before giving up
     * @param backoffMs        wait before the first retry; doubled for each further one, at most 30 s
     */
    HttpFetch(int connectTimeoutMs, int readTimeoutMs, int attempts, long backoffMs) {
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.attempts = attempts;
        this.backoffMs = backoffMs;
    }

    /**
     * Makes {@code part} hold the first {@code size} bytes of {@code url}'s content.
     *
     * @param url      http or https
     * @param part     the transfer file; what it holds already is kept and the rest requested
     * @param size     the signed size
     * @param progress told the bytes held after every mebibyte, and at the end
     * @throws Refused              on a 4xx answer or more bytes than {@code size}
     * @throws IOException          when {@code attempts} attempts in a row brought no byte
     * @throws InterruptedException if interrupted or {@linkplain #abort() aborted} while waiting to retry
     */
    void fetch(URI url, Path part, long size, LongConsumer progress) throws IOException, InterruptedException {
        IOException last = null;
        int failures = 0;
        long wait = backoffMs;
        while (true) {
            long before = held(part);
            if (before == size) {
                progress.accept(size);
                return;
            }
            try {
                download(url, part, size, progress);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
            if (aborted) {
                throw new InterruptedException("download aborted");
            }
            if (held(part) > before) {
                failures = 0;
                wait = backoffMs;
            } else if (++failures >= attempts) {
                throw new IOException("no progress in " + attempts + " attempts"
                        + (last == null ? ": the server sent fewer bytes than signed" : ": " + last.getMessage()), last);
            }
            if (held(part) < size) {
                Thread.sleep(wait);
                wait = Math.min(wait * 2, 30_000);
            }
        }
    }

    /** Ends a running download: the read in progress fails and no retry follows. */
    void abort() {
        aborted = true;
        InputStream in = open;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }

    private void download(URI url, Path part, long size, LongConsumer progress) throws IOException {
        long have = held(part);
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        try {
            c.setConnectTimeout(connectTimeoutMs);
            c.setReadTimeout(readTimeoutMs);
            c.setInstanceFollowRedirects(true);
            c.setUseCaches(false);
            if (have > 0) {
                c.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int code = c.getResponseCode();
            if (code == HttpURLConnection.HTTP_OK) {
                have = 0; // the whole content: start the file again
            } else if (code == 416 && have >= size) {
                return;
            } else if (code != HttpURLConnection.HTTP_PARTIAL || have == 0) {
                String what = "HTTP " + code + " from " + describe(url);
                if (code >= 400 && code < 500 && code != 408 && code != 429) {
                    throw new Refused(what);
                }
                throw new IOException(what);
            }
            try (InputStream in = c.getInputStream();
                 FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                open = in;
                if (aborted) {
                    return;
                }
                out.truncate(have);
                out.position(have);
                byte[] buffer = new byte[BUFFER];
                long synced = have;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (have + n > size) {
                        throw new Refused("the server sent more than the " + size + " bytes signed");
                    }
                    out.write(ByteBuffer.wrap(buffer, 0, n));
                    have += n;
                    if (have - synced >= SYNC_EVERY) {
                        out.force(false);
                        synced = have;
                        progress.accept(have);
                    }
                }
                out.force(false);
                progress.accept(have);
            } finally {
                open = null;
            }
        } finally {
            c.disconnect();
        }
    }

    private static long held(Path part) throws IOException {
        return Files.exists(part) ? Files.size(part) : 0;
    }

    /** @return the URL without user info and query, which may carry credentials or a pre-signed token */
    static String describe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
