package io.facegate.operations.internal;

import io.facegate.api.image.ImageDecoder;
import io.facegate.api.operations.OperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes configurations through Configuration Admin the way a {@code .cfg} file would, and keeps them only if the
 * components they configure accept them: after each change it waits (bounded) until Service Component Runtime
 * reports the component configured with the new values and active (or satisfied), or failed. On a failure or a
 * timeout it restores every configuration it touched, in reverse order: the previous properties, or no
 * configuration where there was none. One change at a time.
 */
final class ConfigChanger {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigChanger.class);
    private static final List<String> BOOKKEEPING = List.of("service.pid", "service.factoryPid",
            "service.bundleLocation");

    /**
     * The new values of one configuration.
     *
     * @param pid        the configuration PID
     * @param properties property to canonical string value, or to null to remove it (back to the default)
     * @param label      what the operator asked for, e.g. {@code detect.min_face_size=40}, for messages
     */
    record Change(String pid, Map<String, String> properties, String label) {
        /** Copies the map, keeping nulls and order. */
        Change {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }
    }

    /**
     * One configuration changed, with what it takes to restore it.
     *
     * @param before     its properties before, or null if there was no configuration
     * @param restored   the touched properties' previous values (null: unset)
     * @param created    the {@code .cfg} file this change creates (once the component took it), or null
     * @param properties the properties it was updated with
     */
    private record Applied(Change change, Configuration config, Hashtable<String, Object> before,
                           Map<String, String> restored, Path created, Map<String, Object> properties) {
    }

    /** How waiting for a component ended: ok, or an error code with the message. */
    private record Outcome(int code, String message) {
        static final Outcome OK = new Outcome(0, null);

        boolean ok() {
            return code == 0;
        }
    }

    private final ConfigurationAdmin cm;
    private final ComponentStates components;
    private final Path etc;
    private final long timeoutMs;
    private final long settleMs;
    private final long pollMs;

    /**
     * @param cm         Configuration Admin
     * @param components what SCR says about the components
     * @param etc        Karaf's {@code etc} folder, where new configurations get their {@code .cfg} file; null for
     *                   none (outside Karaf)
     * @param timeoutMs  how long one change waits for its components
     * @param settleMs   how long a component's state must stay the same before it counts as settled, where SCR
     *                   gives no clearer sign (e.g. a component without a service)
     * @param pollMs     how often SCR is asked
     */
    ConfigChanger(ConfigurationAdmin cm, ComponentStates components, Path etc, long timeoutMs, long settleMs,
                  long pollMs) {
        this.cm = Objects.requireNonNull(cm, "cm");
        this.components = Objects.requireNonNull(components, "components");
        this.etc = etc;
        this.timeoutMs = timeoutMs;
        this.settleMs = settleMs;
        this.pollMs = pollMs;
    }

    /**
     * @param pid a configuration PID
     * @return a copy of its properties, or null if there is no such configuration
     * @throws IOException if Configuration Admin cannot read it
     */
    Map<String, Object> properties(String pid) throws IOException {
        Configuration c = find(pid);
        Dictionary<String, Object> props = c == null ? null : c.getProperties();
        return props == null ? null : copy(props);
    }

    /**
     * @param pid a configuration PID
     * @return the default properties of the components it configures (their description's properties)
     */
    Map<String, Object> componentDefaults(String pid) {
        Map<String, Object> out = new HashMap<>();
        for (ComponentStates.Description d : components.describe(pid)) {
            d.properties().forEach(out::putIfAbsent);
        }
        return out;
    }

    /**
     * Applies the changes in order, each validated by its components; all or nothing.
     *
     * @param changes one per PID
     * @throws OperationException 503 if no enabled component uses a PID (nothing changed then); 400 with the
     *                            component's reason if it refused the values; 500 on a timeout or a failure of
     *                            Configuration Admin; in every case all touched configurations are restored
     */
    synchronized void apply(List<Change> changes) throws OperationException {
        for (Change c : changes) {
            if (components.describe(c.pid()).isEmpty()) {
                throw new OperationException(OperationException.UNAVAILABLE, c.label() + ": no component uses"
                        + " configuration " + c.pid() + " (is its bundle installed and started?), so it cannot be"
                        + " validated; nothing was changed");
            }
        }
        Deque<Applied> applied = new ArrayDeque<>();
        for (Change c : changes) {
            List<ComponentStates.State> before = components.of(c.pid());
            Applied a;
            try {
                a = write(c);
            } catch (IOException | RuntimeException e) {
                boolean touched = !applied.isEmpty();
                String restore = rollback(applied);
                throw new OperationException(OperationException.INTERNAL_ERROR, c.label() + ": cannot update"
                        + " configuration " + c.pid() + ": " + ImageDecoder.describe(e)
                        + (restore.isEmpty() ? (touched ? "; the previous settings were restored" : "")
                        : restore), e);
            }
            if (a == null) {
                continue; // already so
            }
            applied.push(a);
            Outcome o = await(c.pid(), c.properties(), before);
            if (o.ok() && a.created() != null) {
                // only now that the component took the values: a refused change never reaches etc/, and FileInstall,
                // finding the file, sees the configuration it describes and leaves it as it is
                applied.pop();
                applied.push(createFile(a));
            }
            if (!o.ok()) {
                String restore = rollback(applied);
                int code = restore.isEmpty() ? o.code() : OperationException.INTERNAL_ERROR;
                throw new OperationException(code, c.label() + ": " + o.message()
                        + (restore.isEmpty() ? "; the previous settings were restored" : restore));
            }
            LOG.info("configuration {} changed: {}", c.pid(), c.label());
        }
    }

    private Applied write(Change c) throws IOException {
        Configuration existing = find(c.pid());
        Dictionary<String, Object> props = existing == null ? null : existing.getProperties();
        Hashtable<String, Object> before = props == null ? null : copy(props);
        Hashtable<String, Object> next = before == null ? new Hashtable<>() : new Hashtable<>(before);
        Map<String, String> restored = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, String> e : c.properties().entrySet()) {
            Object old = next.get(e.getKey());
            restored.put(e.getKey(), old == null ? null : text(old));
            if (e.getValue() == null) {
                changed |= next.remove(e.getKey()) != null;
            } else if (old == null || !e.getValue().equals(text(old))) {
                next.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        if (!changed) {
            return null;
        }
        Path create = null;
        if (etc != null && !next.containsKey(CfgFiles.FILENAME) && plain(next)) {
            Path file = etc.resolve(c.pid() + ".cfg");
            if (!Files.exists(file)) {
                create = file;
                next.put(CfgFiles.FILENAME, CfgFiles.key(file));
            }
        }
        // "?": the multi-location FileInstall uses too, so the configuration stays usable by the bundle it is for
        Configuration target = existing != null ? existing : cm.getConfiguration(c.pid(), "?");
        target.update(next);
        return new Applied(c, target, before, restored, create, next);
    }

    /** @return the change with its new file written, or without one if it cannot be written */
    private Applied createFile(Applied a) {
        try {
            CfgFiles.write(a.created(), a.properties());
            return a;
        } catch (IOException e) {
            LOG.warn("configuration {} changed, but {} could not be written ({}); the change lives in"
                    + " Configuration Admin's store only", a.change().pid(), a.created(), ImageDecoder.describe(e));
            return new Applied(a.change(), a.config(), a.before(), a.restored(), null, a.properties());
        }
    }

    /** @return "" if every configuration was restored, else "; restoring failed: ..." */
    private String rollback(Deque<Applied> applied) {
        boolean interrupted = Thread.interrupted();
        List<String> problems = new ArrayList<>();
        try {
            while (!applied.isEmpty()) {
                Applied a = applied.pop();
                String pid = a.change().pid();
                List<ComponentStates.State> before = components.of(pid);
                try {
                    if (a.created() != null) {
                        // the file first: FileInstall must not find it again without its configuration
                        Files.deleteIfExists(a.created());
                    }
                    if (a.before() == null) {
                        a.config().delete();
                    } else {
                        a.config().update(a.before());
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add(pid + ": " + ImageDecoder.describe(e));
                    continue;
                }
                LOG.info("configuration {} restored after a refused change ({})", pid, a.change().label());
                if (!interrupted) {
                    Outcome o = await(pid, a.restored(), before);
                    if (!o.ok()) {
                        LOG.warn("configuration {} restored, but its component has not settled: {}", pid, o.message());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return problems.isEmpty() ? "" : "; restoring failed: " + String.join("; ", problems);
    }

    /**
     * Waits until every component configured by {@code pid} runs with the expected values and has settled.
     *
     * @param expected property to value (null: unset, i.e. the component's default)
     * @param before   the components' states before the change, to tell a new failure from an old one
     */
    private Outcome await(String pid, Map<String, String> expected, List<ComponentStates.State> before) {
        Map<String, Map<String, Object>> defaults = new HashMap<>();
        for (ComponentStates.Description d : components.describe(pid)) {
            defaults.put(d.name(), d.properties());
        }
        Map<String, ComponentStates.State> was = new HashMap<>();
        for (ComponentStates.State s : before) {
            was.put(s.component(), s);
        }
        // SCR keeps a failure until the next successful activation, so a component that failed before shows
        // that failure, with the new properties, until it is activated again: only its settled state counts
        Set<String> failedBefore = new HashSet<>();
        for (ComponentStates.State s : before) {
            if (s.failure() != null) {
                failedBefore.add(s.component());
            }
        }
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000L;
        List<ComponentStates.State> last = null;
        long stableSince = start;
        while (true) {
            long now = System.nanoTime();
            List<ComponentStates.State> states = components.of(pid);
            boolean configured = !states.isEmpty() && states.stream()
                    .allMatch(s -> runsWith(s, expected, defaults.getOrDefault(s.component(), Map.of())));
            if (!configured) {
                for (ComponentStates.State s : states) {
                    if (s.failure() != null) {
                        failedBefore.add(s.component());
                    }
                }
                last = null;
            } else {
                for (ComponentStates.State s : states) {
                    if (s.state() == ComponentStates.State.FAILED_ACTIVATION && !failedBefore.contains(s.component())) {
                        return refused(s);
                    }
                }
                // a new service registered by an active component: it has been restarted with the new values
                if (states.stream().allMatch(s -> s.state() == ComponentStates.State.ACTIVE && s.serviceId() != null
                        && (was.get(s.component()) == null
                        || !s.serviceId().equals(was.get(s.component()).serviceId())))) {
                    return Outcome.OK;
                }
                if (!states.equals(last)) {
                    last = states;
                    stableSince = now;
                } else if (now - stableSince >= settleMs * 1_000_000L) {
                    Outcome settled = settled(states);
                    if (settled != null) {
                        return settled;
                    }
                }
            }
            if (now - deadline >= 0) {
                return new Outcome(OperationException.INTERNAL_ERROR, pid + ": "
                        + String.join(", ", defaults.keySet()) + " did not restart with the new values within "
                        + timeoutMs + " ms (states " + states.stream().map(s -> s.component() + "=" + s.state())
                        .toList() + ")");
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(OperationException.INTERNAL_ERROR, "interrupted while waiting for " + pid);
            }
        }
    }

    /** @return the outcome of states that stopped changing, or null to keep waiting */
    private static Outcome settled(List<ComponentStates.State> states) {
        for (ComponentStates.State s : states) {
            if (s.state() == ComponentStates.State.FAILED_ACTIVATION) {
                return refused(s);
            }
        }
        boolean usable = states.stream().allMatch(s -> s.state() == ComponentStates.State.ACTIVE
                || s.state() == ComponentStates.State.SATISFIED
                || s.state() == ComponentStates.State.UNSATISFIED_REFERENCE);
        return usable ? Outcome.OK : null;
    }

    private static Outcome refused(ComponentStates.State s) {
        return new Outcome(OperationException.BAD_REQUEST, "refused by " + s.component() + ": "
                + Failures.summarize(s.failure()));
    }

    private static boolean runsWith(ComponentStates.State s, Map<String, String> expected,
                                    Map<String, Object> defaults) {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Object actual = s.properties().get(e.getKey());
            if (e.getValue() == null) {
                Object def = defaults.get(e.getKey());
                if (!(actual == null ? def == null : def != null && text(def).equals(text(actual)))) {
                    return false;
                }
            } else if (actual == null || !e.getValue().equals(text(actual))) {
                return false;
            }
        }
        return true;
    }

    /** @return a property value as a {@code .cfg} file would hold it */
    static String text(Object value) {
        if (value instanceof String[] a) {
            return String.join(",", a);
        }
        if (value instanceof Float f) {
            return new java.math.BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Double d && Double.isFinite(d)) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** Whether a file can say exactly what the configuration holds: strings only, nothing FileInstall substitutes. */
    private static boolean plain(Map<String, Object> props) {
        for (Map.Entry<String, Object> e : props.entrySet()) {
            if (BOOKKEEPING.contains(e.getKey())) {
                continue;
            }
            if (!(e.getValue() instanceof String s) || s.contains("${")) {
                return false;
            }
        }
        return true;
    }

    private Configuration find(String pid) throws IOException {
        try {
            Configuration[] found = cm.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a configuration PID: " + pid, e);
        }
    }

    private static Hashtable<String, Object> copy(Dictionary<String, Object> props) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
            String k = keys.nextElement();
            if (!BOOKKEEPING.contains(k)) {
                out.put(k, props.get(k));
            }
        }
        return out;
    }
}
