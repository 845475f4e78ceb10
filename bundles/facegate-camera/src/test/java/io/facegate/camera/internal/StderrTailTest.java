package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrTailTest {
    private static StderrTail drain(String text) {
        StderrTail t = new StderrTail();
        t.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return t;
    }

    @Test
    void keepsTheLastLinesRedacted() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            sb.append("line ").append(i).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        sb.append("Input #0, rtsp, from 'rtsp://admin:s3cret@cam.lan/Streaming/101':\n\n");
        sb.append("no newline at the end");
        StderrTail t = drain(sb.toString());
        assertEquals(StderrTail.MAX_LINES, t.lines().size());
        assertEquals(22, t.total());
        assertEquals("Input #0, rtsp, from 'rtsp://***@cam.lan/Streaming/101':; no newline at the end", t.last(2));
        assertTrue(t.lines().stream().noneMatch(l -> l.contains("s3cret")));
        assertNull(drain("").last(2));
    }

    @Test
    void aHugeLineWithoutBreaksStaysBounded() {
        StderrTail t = new StderrTail();
        InputStream endless = new InputStream() {
            private long left = 50_000_000;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, left);
                if (n <= 0) {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        t.drain(endless);
        assertEquals(1, t.lines().size());
        assertEquals(StderrTail.MAX_LINE, t.lines().get(0).length());
    }

    @Test
    void redactsEveryUrlsUserInfo() {
        assertEquals("rtsp://***@10.0.0.5:554/live", Redact.credentials("rtsp://admin:p@ss@10.0.0.5:554/live"));
        assertEquals("http://cam/x and https://***@h/", Redact.credentials("http://cam/x and https://u:p@h/"));
        assertEquals("/dev/video0", Redact.credentials("/dev/video0"));
        assertNull(Redact.credentials(null));
    }
}
