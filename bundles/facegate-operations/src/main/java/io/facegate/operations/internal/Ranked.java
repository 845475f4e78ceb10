package io.facegate.operations.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The bound services of one kind, best first by {@code service.ranking}, then lowest {@code service.id} (the order
 * the pipeline chooses by), each with a count of the operations using it.
 *
 * <p>An operation {@link #acquire() acquires} a service and closes the {@link Lease} when done. {@link #remove} waits
 * (bounded) until no operation uses the service: DS calls it while the service unregisters, before its component is
 * deactivated, so a model is never closed under a running detection or embedding.
 *
 * @param <T> service type
 */
final class Ranked<T> {

    /**
     * One bound service as operators see it.
     *
     * @param service   the service
     * @param ranking   its {@code service.ranking}
     * @param serviceId its {@code service.id}
     * @param bundleId  its {@code service.bundleid}, or -1 if unknown
     */
    record Bound<T>(T service, int ranking, long serviceId, long bundleId) {
    }

    /** One use of a service; closing it ends the use (once). */
    static final class Lease<T> implements AutoCloseable {
        private final Ranked<T> owner;
        private final Entry<T> entry;
        private boolean closed;

        private Lease(Ranked<T> owner, Entry<T> entry) {
            this.owner = owner;
            this.entry = entry;
        }

        /** @return the service */
        T service() {
            return entry.service;
        }

        @Override
        public void close() {
            synchronized (owner) {
                if (!closed) {
                    closed = true;
                    entry.users--;
                    owner.notifyAll();
                }
            }
        }
    }

    private static final class Entry<T> {
        final T service;
        final long serviceId;
        final long bundleId;
        int ranking;
        int users;

        Entry(T service, long serviceId, long bundleId, int ranking) {
            this.service = service;
            this.serviceId = serviceId;
            this.bundleId = bundleId;
            this.ranking = ranking;
        }
    }

    private static final Comparator<Entry<?>> BEST_FIRST = Comparator.<Entry<?>>comparingInt(e -> -e.ranking)
            .thenComparingLong(e -> e.serviceId);

    private final List<Entry<T>> entries = new ArrayList<>();

    static int ranking(Map<String, ?> props) {
        Object r = props == null ? null : props.get("service.ranking");
        return r instanceof Integer i ? i : 0;
    }

    private static long longProperty(Map<String, ?> props, String key, long otherwise) {
        Object v = props == null ? null : props.get(key);
        return v instanceof Number n ? n.longValue() : otherwise;
    }

    /**
     * @param service a newly bound service
     * @param props   its service properties
     */
    synchronized void add(T service, Map<String, ?> props) {
        entries.add(new Entry<>(service, longProperty(props, "service.id", Long.MAX_VALUE),
                longProperty(props, "service.bundleid", -1), ranking(props)));
        entries.sort(BEST_FIRST);
    }

    /**
     * @param service a bound service whose properties changed
     * @param props   its new properties
     */
    synchronized void update(T service, Map<String, ?> props) {
        for (Entry<T> e : entries) {
            if (e.service == service) {
                e.ranking = ranking(props);
            }
        }
        entries.sort(BEST_FIRST);
    }

    /**
     * Unbinds a service: no new operation gets it; waits until the operations using it are done.
     *
     * @param service   the service going away
     * @param timeoutMs how long to wait for operations still using it
     * @return whether no operation uses it any more (false after the timeout)
     */
    synchronized boolean remove(T service, long timeoutMs) {
        Entry<T> found = null;
        for (Entry<T> e : entries) {
            if (e.service == service) {
                found = e;
            }
        }
        if (found == null) {
            return true;
        }
        entries.remove(found);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        boolean interrupted = false;
        try {
            while (found.users > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
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

    /** @return the best service, counted as in use until the lease is closed; null if none is bound */
    synchronized Lease<T> acquire() {
        if (entries.isEmpty()) {
            return null;
        }
        Entry<T> best = entries.get(0);
        best.users++;
        return new Lease<>(this, best);
    }

    /** @return every bound service, best first */
    synchronized List<Bound<T>> all() {
        List<Bound<T>> out = new ArrayList<>(entries.size());
        for (Entry<T> e : entries) {
            out.add(new Bound<>(e.service, e.ranking, e.serviceId, e.bundleId));
        }
        return out;
    }
}
