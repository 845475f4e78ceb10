package io.facegate.camera.internal;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A tiny MJPEG camera for tests: {@code multipart/x-mixed-replace} JPEGs on {@code /stream}, optionally
 * behind Basic authentication; {@code /silent} (never authenticated) answers the headers and then nothing.
 */
final class MjpegServer implements AutoCloseable {
    static final int WIDTH = 160;
    static final int HEIGHT = 120;

    private final String user;
    private final String password;
    private final long frameIntervalMs;
    private final List<byte[]> jpegs = new ArrayList<>();
    private final AtomicInteger streams = new AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean running;
    private int port;

    /**
     * @param user     Basic user, or null for no authentication
     * @param password its password
     * @param fps      frames per second streamed
     */
    MjpegServer(String user, String password, int fps) {
        this.user = user;
        this.password = password;
        this.frameIntervalMs = 1000 / fps;
        for (int i = 0; i < 8; i++) {
            jpegs.add(jpeg(i));
        }
    }

    /** A picture with a white box in a different place per index, so every frame is motion. */
    private static byte[] jpeg(int index) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                img.setRGB(x, y, 0x204060);
            }
        }
        for (int y = 30; y < 70; y++) {
            for (int x = 10 + index * 15; x < 40 + index * 15; x++) {
                img.setRGB(x, y, 0xffffff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Starts on a free port the first time, on the same port afterwards. */
    synchronized MjpegServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        port = server.getAddress().getPort();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mjpeg-test-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HttpContext stream = server.createContext("/stream", this::stream);
        HttpContext silent = server.createContext("/silent", this::silent);
        if (user != null) {
            BasicAuthenticator auth = new BasicAuthenticator("camera") {
                @Override
                public boolean checkCredentials(String u, String p) {
                    return user.equals(u) && password.equals(p);
                }
            };
            stream.setAuthenticator(auth);
        }
        running = true;
        server.start();
        return this;
    }

    /** Stops listening and cuts every stream, like a camera losing power. */
    synchronized void stop() {
        running = false;
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    int port() {
        return port;
    }

    /** @return how many streams were served */
    int streams() {
        return streams.get();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void stream(HttpExchange ex) throws IOException {
        streams.incrementAndGet();
        ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; running; i++) {
                byte[] jpeg = jpegs.get(i % jpegs.size());
                out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(jpeg);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(frameIntervalMs);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or the server stopped
        } finally {
            ex.close();
        }
    }

    private void silent(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=frame");
        ex.sendResponseHeaders(200, 0);
        try {
            while (running) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            // stopping
        } finally {
            ex.close();
        }
    }
}
