package io.facegate.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.FaceGateException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CloseGuardTest {

    @Test
    void closeWaitsForARunningInference() throws Exception {
        CloseGuard guard = new CloseGuard("model m");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean releasedWhileRunning = new AtomicBoolean();
        AtomicBoolean inferenceDone = new AtomicBoolean();
        Thread inference = new Thread(() -> guard.run(() -> {
            running.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inferenceDone.set(true);
            return null;
        }));
        inference.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> guard.close(() -> releasedWhileRunning.set(!inferenceDone.get())));
        closer.start();
        closer.join(200);
        assertTrue(closer.isAlive(), "close must wait while an inference runs");
        finish.countDown();
        closer.join(10_000);
        inference.join(10_000);
        assertFalse(releasedWhileRunning.get(), "handles freed under a running inference");
    }

    @Test
    void refusesWorkAfterCloseAndReleasesOnce() {
        CloseGuard guard = new CloseGuard("model m");
        AtomicInteger releases = new AtomicInteger();
        guard.close(releases::incrementAndGet);
        guard.close(releases::incrementAndGet);
        assertEquals(1, releases.get());
        FaceGateException e = assertThrows(FaceGateException.class, () -> guard.run(() -> 1));
        assertEquals("model m is closed (its bundle was stopped or updated)", e.getMessage());
    }
}
