package io.facegate.pipeline.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bound services of one kind, best first by {@code service.ranking} (then lowest
 * {@code service.id}), with a use count per service.
 *
 * <p>A frame {@link #acquire() acquires} each stage service once and {@link Entry#release()
 * releases} it when done, so a frame never switches service midway. {@link #remove} waits (bounded)
 * until no frame uses the service any more: DS calls it while the service is unregistering, before
 * the providing component is deactivated, so a model is never closed under a running frame.
 *
 * @param <T> service type
 */
final class Ranked<T> {

    /** One bound service. */
    static final class Entry<T> {
        private final Ranked<T> owner;
        final T service;
        final long serviceId;
        private int ranking;
        private int users;
        private volatile boolean removed;

        private Entry(Ranked<T> owner, T service, long serviceId, int ranking) {
            this.owner = owner;
            this.service = service;
            this.serviceId = serviceId;
            this.ranking = ranking;
        }

        /** @return whether the service has been unbound since it was acquired */
        boolean removed() {
            return removed;
        }

        /** Ends one use. */
        void release() {
            synchronized (owner) {
                users--;
                owner.notifyAll();
            }
        }
    }

    private final String kind;
    private final List<Entry<T>> entries = new ArrayList<>();

    Ranked(String kind) {
        this.kind = kind;
    }

    static int ranking(Map<String, ?> props) {
        Object r = props == null ? null : props.get("service.ranking");
        return r instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, ?> props) {
        Object id = props == null ? null : props.get("service.id");
        return id instanceof Long l ? l : id instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }

    synchronized void add(T service, Map<String, ?> props) {
        entries.add(new Entry<>(this, service, serviceId(props), ranking(props)));
    }

    /** A changed {@code service.ranking}. */
    synchronized void update(T service, Map<String, ?> props) {
        Entry<T> e = find(service);
        if (e != null) {
            e.ranking = ranking(props);
        }
    }

    /**
     * Unbinds the service: no new frame gets it; waits until frames using it are done.
     *
     * @param service   the unbound service
     * @param timeoutMs how long to wait for frames still using it
     * @return whether no frame uses it any more (false after a timeout)
     */
    synchronized boolean remove(T service, long timeoutMs) {
        Entry<T> e = find(service);
        if (e == null) {
            return true;
        }
        entries.remove(e);
        e.removed = true;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        boolean interrupted = false;
        try {
            while (e.users > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left);
                } catch (InterruptedException ie) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Entry<T> find(T service) {
        for (Entry<T> e : entries) {
            if (e.service == service) {
                return e;
            }
        }
        return null;
    }

    private Entry<T> bestEntry() {
        Entry<T> best = null;
        for (Entry<T> e : entries) {
            if (best == null || e.ranking > best.ranking || (e.ranking == best.ranking && e.serviceId < best.serviceId)) {
                best = e;
            }
        }
        return best;
    }

    /** @return the best service now, counted as in use until released; null if none is bound */
    synchronized Entry<T> acquire() {
        Entry<T> best = bestEntry();
        if (best != null) {
            best.users++;
        }
        return best;
    }

    /** @return the best service now, not counted as in use; null if none */
    synchronized T peek() {
        Entry<T> best = bestEntry();
        return best == null ? null : best.service;
    }

    synchronized int size() {
        return entries.size();
    }

    String kind() {
        return kind;
    }
}
