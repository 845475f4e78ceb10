package io.facegate.tensorflow;

import io.facegate.api.FaceGateException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps native TensorFlow handles from being freed under a running inference:
 * any number of {@link #run runs} proceed together, {@link #close} waits for
 * them and then refuses new ones. Freeing a session while it runs crashes the
 * JVM, and a model bundle can be stopped at any moment by an operator.
 */
public final class CloseGuard {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private boolean closed;

    /** @param what what is guarded, for the error after close, e.g. {@code model mobilefacenet-112} */
    public CloseGuard(String what) {
        this.what = what;
    }

    /**
     * @param work an inference using the guarded handles
     * @param <T>  its result
     * @return the result of {@code work}
     * @throws FaceGateException if the handles are already closed
     */
    public <T> T run(Supplier<T> work) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new FaceGateException(what + " is closed (its bundle was stopped or updated)");
            }
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Waits for running inferences, then frees the handles, once.
     *
     * @param release frees the native handles
     */
    public void close(Runnable release) {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release.run();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
