package io.facegate.pipeline.internal;

import io.facegate.api.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** The bounded queue between the source readers and the workers. */
final class FrameQueue {

    /** A queued frame, the source to acknowledge it to, and when the pipeline received it. */
    record Item(Frame frame, FacePipeline.SourceHandle source, long receivedNanos) {
    }

    private final int capacity;
    private final ArrayDeque<Item> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();

    FrameQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Adds a frame, waiting for room while the queue is full; with {@code dropOldest}, evicts the
     * oldest queued frame of the same source instead of waiting (if it has one queued).
     *
     * @param item       the frame
     * @param dropOldest the source's overflow policy
     * @return the evicted frame, or null
     * @throws InterruptedException if interrupted while waiting; the item was not queued
     */
    Item put(Item item, boolean dropOldest) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Item evicted = null;
            while (items.size() >= capacity) {
                if (dropOldest) {
                    for (Iterator<Item> it = items.iterator(); it.hasNext(); ) {
                        Item queued = it.next();
                        if (queued.source() == item.source()) {
                            it.remove();
                            evicted = queued;
                            break;
                        }
                    }
                    if (evicted != null) {
                        break;
                    }
                }
                notFull.await();
            }
            items.addLast(item);
            notEmpty.signal();
            return evicted;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param timeout how long to wait
     * @param unit    its unit
     * @return the oldest frame, or null if none arrived in time
     * @throws InterruptedException if interrupted while waiting
     */
    Item poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            Item it = items.pollFirst();
            notFull.signal();
            return it;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param which the frames to take out
     * @return them, oldest first
     */
    List<Item> removeIf(Predicate<Item> which) {
        lock.lock();
        try {
            List<Item> out = new ArrayList<>();
            for (Iterator<Item> it = items.iterator(); it.hasNext(); ) {
                Item i = it.next();
                if (which.test(i)) {
                    it.remove();
                    out.add(i);
                }
            }
            if (!out.isEmpty()) {
                notFull.signalAll();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity;
    }
}
