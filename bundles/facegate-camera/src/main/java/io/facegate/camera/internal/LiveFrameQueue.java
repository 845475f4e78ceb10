package io.facegate.camera.internal;

import io.facegate.api.Frame;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The small bounded queue between a live source's reader thread and {@code next()}. When it is full,
 * {@code drop_oldest} throws the oldest frame away (a live camera's consumer wants the newest picture,
 * not a growing lag); {@code block} makes the reader wait, which stalls ffmpeg's pipe (for files
 * whose every frame matters).
 */
final class LiveFrameQueue {
    /** How often a blocked {@link #put} looks at its cancel condition. */
    private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int capacity;
    private final boolean dropOldest;
    private final ArrayDeque<Frame> frames;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean closed;

    /**
     * @param capacity   frames held at most, &gt;= 1
     * @param dropOldest true to evict the oldest frame when full, false to wait for room
     */
    LiveFrameQueue(int capacity, boolean dropOldest) {
        this.capacity = capacity;
        this.dropOldest = dropOldest;
        this.frames = new ArrayDeque<>(capacity);
    }

    /** What became of a frame handed to {@link #put}. */
    enum Result { QUEUED, QUEUED_DROPPING_OLDEST, NOT_QUEUED }

    /**
     * @param frame  the newest frame
     * @param cancel checked while waiting for room (block mode): true gives up
     * @return whether it was queued, and whether an older frame was dropped for it
     * @throws InterruptedException if interrupted while waiting for room
     */
    Result put(Frame frame, BooleanSupplier cancel) throws InterruptedException {
        lock.lock();
        try {
            boolean dropped = false;
            while (!closed && frames.size() >= capacity) {
                if (dropOldest) {
                    frames.removeFirst();
                    dropped = true;
                } else {
                    if (cancel.getAsBoolean()) {
                        return Result.NOT_QUEUED;
                    }
                    notFull.awaitNanos(CANCEL_CHECK_NANOS);
                }
            }
            if (closed) {
                return Result.NOT_QUEUED;
            }
            frames.addLast(frame);
            notEmpty.signal();
            return dropped ? Result.QUEUED_DROPPING_OLDEST : Result.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param timeoutNanos how long to wait at most
     * @return the oldest queued frame, or null if none came in time or the queue is closed
     * @throws InterruptedException if interrupted while waiting
     */
    Frame poll(long timeoutNanos) throws InterruptedException {
        long nanos = timeoutNanos;
        lock.lockInterruptibly();
        try {
            while (frames.isEmpty()) {
                if (closed || nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            Frame f = frames.removeFirst();
            notFull.signal();
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** @return frames queued now */
    int size() {
        lock.lock();
        try {
            return frames.size();
        } finally {
            lock.unlock();
        }
    }

    /** Empties the queue and wakes every waiter; later puts are refused and polls return null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            frames.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
