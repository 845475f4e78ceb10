package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.facegate.api.Frame;
import io.facegate.api.RgbImage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LiveFrameQueueTest {
    private static final RgbImage IMAGE = new RgbImage(1, 1, new byte[3]);

    private static Frame frame(long seq) {
        return new Frame("cam", seq, Instant.now(), "test", IMAGE);
    }

    @Test
    void dropOldestKeepsTheNewestFrames() throws Exception {
        LiveFrameQueue q = new LiveFrameQueue(2, true);
        assertEquals(LiveFrameQueue.Result.QUEUED, q.put(frame(1), () -> false));
        assertEquals(LiveFrameQueue.Result.QUEUED, q.put(frame(2), () -> false));
        assertEquals(LiveFrameQueue.Result.QUEUED_DROPPING_OLDEST, q.put(frame(3), () -> false));
        assertEquals(2, q.size());
        assertEquals(2, q.poll(0).sequence());
        assertEquals(3, q.poll(0).sequence());
        assertNull(q.poll(1_000_000));
    }

    @Test
    void blockWaitsForRoomUntilCancelled() throws Exception {
        LiveFrameQueue q = new LiveFrameQueue(1, false);
        q.put(frame(1), () -> false);
        boolean[] cancel = {false};
        Thread consumer = new Thread(() -> {
            try {
                Thread.sleep(150);
                q.poll(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        assertEquals(LiveFrameQueue.Result.QUEUED, q.put(frame(2), () -> cancel[0]), "waited for the consumer");
        consumer.join();
        cancel[0] = true;
        assertEquals(LiveFrameQueue.Result.NOT_QUEUED, q.put(frame(3), () -> cancel[0]));
        assertEquals(2, q.poll(0).sequence());
    }

    @Test
    void closeEmptiesAndRefuses() throws Exception {
        LiveFrameQueue q = new LiveFrameQueue(3, true);
        q.put(frame(1), () -> false);
        q.close();
        assertNull(q.poll(1_000_000_000L), "returns at once");
        assertEquals(LiveFrameQueue.Result.NOT_QUEUED, q.put(frame(2), () -> false));
    }
}
