package io.facegate.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP/1.1 file server on loopback for one artifact, with {@code Range} support, written on a socket so it
 * runs inside the OSGi framework without the JDK's internal HTTP server. It can cut its first answer off after a
 * number of bytes, as a broken download does. Records the {@code Range} header of every request.
 */
final class ArtifactServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("(?i)^range:\\s*bytes=(\\d+)-\\s*$");

    private final byte[] content;
    private final long cutFirstAfter;
    private final ServerSocket socket;
    private final Thread thread;
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    /**
     * @param content       what is served at every path
     * @param cutFirstAfter bytes after which the first answer's connection is closed; {@code -1} never
     */
    ArtifactServer(byte[] content, long cutFirstAfter) throws IOException {
        this.content = content.clone();
        this.cutFirstAfter = cutFirstAfter;
        this.socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "itest-artifact-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the URL of {@code name} on this server */
    String url(String name) {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/" + name;
    }

    /** @return the Range header of each request so far ({@code -} when none) */
    List<String> ranges() {
        return List.copyOf(ranges);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                long from = 0;
                String range = "-";
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    Matcher m = RANGE.matcher(line);
                    if (m.matches()) {
                        from = Long.parseLong(m.group(1));
                        range = "bytes=" + from + "-";
                    }
                }
                boolean first = ranges.isEmpty();
                ranges.add(range);
                String head = (from > 0 ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + from + "-"
                        + (content.length - 1) + "/" + content.length + "\r\n" : "HTTP/1.1 200 OK\r\n")
                        + "Content-Length: " + (content.length - from) + "\r\nConnection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                long end = first && cutFirstAfter >= 0 ? Math.min(content.length, cutFirstAfter) : content.length;
                out.write(content, (int) from, (int) Math.max(0, end - from));
                out.flush();
            } catch (IOException e) {
                // a client that went away, or the socket closed by close()
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
