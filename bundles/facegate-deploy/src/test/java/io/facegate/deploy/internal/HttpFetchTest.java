package io.facegate.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HTTP server on loopback that breaks, stalls, ignores ranges and refuses, as servers do. */
class HttpFetchTest {
    private static final byte[] CONTENT = new byte[3 * 1024 * 1024 + 123];

    static {
        new Random(7).nextBytes(CONTENT);
    }

    /** What the server does to the request with this number (0-based); requests after the list are served well. */
    private final List<String> script = new CopyOnWriteArrayList<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private URI url;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/model.jar", this::serve);
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/model.jar?token=secret");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange x) throws IOException {
        int n = requests.getAndIncrement();
        String range = x.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "-" : range);
        String act = n < script.size() ? script.get(n) : "ok";
        if (act.startsWith("status ")) {
            x.sendResponseHeaders(Integer.parseInt(act.substring(7)), -1);
            x.close();
            return;
        }
        long from = 0;
        if (range != null && !act.equals("ignore-range")) {
            from = Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
        }
        int end = act.startsWith("cut ") ? Integer.parseInt(act.substring(4)) : CONTENT.length;
        if (act.equals("longer")) {
            x.sendResponseHeaders(200, CONTENT.length + 10);
            try (OutputStream out = x.getResponseBody()) {
                out.write(CONTENT);
                out.write(new byte[10]);
            }
            return;
        }
        x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (CONTENT.length - 1) + "/" + CONTENT.length);
        x.sendResponseHeaders(from > 0 ? 206 : 200, CONTENT.length - from);
        OutputStream out = x.getResponseBody();
        try {
            out.write(CONTENT, (int) from, (int) Math.max(0, Math.min(end, CONTENT.length) - from));
            out.flush();
            if (act.startsWith("cut ")) {
                x.getHttpContext().getServer(); // the connection is dropped below, mid-body
                throw new IOException("cut");
            }
            if (act.equals("stall")) {
                Thread.sleep(3000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                out.close();
            } catch (IOException ignored) {
                // the client went away: that is the case under test
            }
        }
    }

    private HttpFetch fetch() {
        return new HttpFetch(2000, 500, 3, 10);
    }

    @Test
    void aCleanDownloadHoldsTheContent() throws Exception {
        Path part = dir.resolve("a.part");
        List<Long> progress = new CopyOnWriteArrayList<>();
        fetch().fetch(url, part, CONTENT.length, progress::add);
        assertArrayEquals(CONTENT, Files.readAllBytes(part));
        assertEquals(CONTENT.length, progress.get(progress.size() - 1));
        assertTrue(progress.size() >= 3, "progress every MiB: " + progress);
    }

    @Test
    void aBrokenTransferResumesWithARangeRequest() throws Exception {
        script.add("cut 1500000");
        script.add("status 503");
        Path part = dir.resolve("b.part");
        fetch().fetch(url, part, CONTENT.length, p -> { });
        assertArrayEquals(CONTENT, Files.readAllBytes(part));
        assertEquals("-", ranges.get(0));
        assertTrue(ranges.get(1).startsWith("bytes=") && !ranges.get(1).equals("bytes=0-"), ranges.toString());
        assertEquals(ranges.get(1), ranges.get(2), "the 503 is retried from the same place");
    }

    @Test
    void aTransferLeftOnDiskBeforeARestartResumes() throws Exception {
        Path part = dir.resolve("c.part");
        Files.write(part, java.util.Arrays.copyOf(CONTENT, 1_000_000));
        fetch().fetch(url, part, CONTENT.length, p -> { });
        assertArrayEquals(CONTENT, Files.readAllBytes(part));
        assertEquals(List.of("bytes=1000000-"), ranges);
    }

    @Test
    void aServerThatIgnoresTheRangeSendsItAllAgain() throws Exception {
        script.add("ignore-range");
        Path part = dir.resolve("d.part");
        Files.write(part, java.util.Arrays.copyOf(CONTENT, 1_000_000));
        fetch().fetch(url, part, CONTENT.length, p -> { });
        assertArrayEquals(CONTENT, Files.readAllBytes(part));
    }

    @Test
    void aStalledServerIsRetriedAfterTheReadTimeout() throws Exception {
        script.add("stall");
        Path part = dir.resolve("e.part");
        fetch().fetch(url, part, CONTENT.length, p -> { });
        assertArrayEquals(CONTENT, Files.readAllBytes(part));
    }

    @Test
    void notFoundIsRefusedAtOnceAndMoreThanSignedIsRefused() {
        script.add("status 404");
        IOException e = assertThrows(HttpFetch.Refused.class,
                () -> fetch().fetch(url, dir.resolve("f.part"), CONTENT.length, p -> { }));
        assertTrue(e.getMessage().contains("HTTP 404") && !e.getMessage().contains("secret"), e.getMessage());
        assertEquals(1, requests.get());
        script.add("longer");
        assertThrows(HttpFetch.Refused.class,
                () -> fetch().fetch(url, dir.resolve("g.part"), CONTENT.length, p -> { }));
    }

    @Test
    void aServerThatKeepsFailingEndsTheFetchAfterTheAttempts() {
        for (int i = 0; i < 10; i++) {
            script.add("status 500");
        }
        IOException e = assertThrows(IOException.class,
                () -> fetch().fetch(url, dir.resolve("h.part"), CONTENT.length, p -> { }));
        assertTrue(e.getMessage().startsWith("no progress in 3 attempts"), e.getMessage());
        assertEquals(3, requests.get());
    }

    @Test
    void theDescriptionHasNoCredentialsNorToken() {
        assertEquals("https://host:8443/a/b.jar",
                HttpFetch.describe(URI.create("https://user:pw@host:8443/a/b.jar?sig=abc")));
    }
}
