package io.facegate.operations.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Configuration Admin in memory, as far as the settings change uses it: singleton configurations by PID, created
 * by {@code getConfiguration} and stored by {@code update}, listed only once they have properties (as the spec
 * says). Every update and delete is recorded and reported to a listener, as CM reports them to SCR.
 */
final class FakeConfigAdmin implements ConfigurationAdmin {
    private static final Pattern PID_FILTER = Pattern.compile("\\(service\\.pid=([^)]+)\\)");

    /** What happened, in order: "update pid" or "delete pid". */
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Locations asked for when a configuration was created. */
    final List<String> locations = new CopyOnWriteArrayList<>();
    private final Map<String, FakeConfiguration> configs = new LinkedHashMap<>();
    private volatile BiConsumer<String, Dictionary<String, Object>> listener = (pid, props) -> { };

    /** @param l called after every update (with the properties) and delete (with null) */
    void onChange(BiConsumer<String, Dictionary<String, Object>> l) {
        listener = l;
    }

    /** Sets a configuration as if read from a file at start, without events. */
    synchronized void preset(String pid, Map<String, Object> props) {
        FakeConfiguration c = new FakeConfiguration(pid);
        c.props = new Hashtable<>(props);
        c.props.put("service.pid", pid);
        configs.put(pid, c);
    }

    /** @return a copy of the stored properties, or null if there is no such configuration */
    synchronized Map<String, Object> stored(String pid) {
        FakeConfiguration c = configs.get(pid);
        return c == null || c.props == null ? null : new HashMap<>(c.props);
    }

    private final class FakeConfiguration implements Configuration {
        private final String pid;
        private Hashtable<String, Object> props;
        private long changes;

        FakeConfiguration(String pid) {
            this.pid = pid;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            synchronized (FakeConfigAdmin.this) {
                return props == null ? null : new Hashtable<>(props);
            }
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> properties) throws IOException {
            Hashtable<String, Object> copy = new Hashtable<>();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                copy.put(k, properties.get(k));
            }
            copy.put("service.pid", pid);
            synchronized (FakeConfigAdmin.this) {
                props = copy;
                changes++;
                configs.put(pid, this);
            }
            events.add("update " + pid);
            listener.accept(pid, new Hashtable<>(copy));
        }

        @Override
        public void delete() throws IOException {
            synchronized (FakeConfigAdmin.this) {
                configs.remove(pid);
                props = null;
            }
            events.add("delete " + pid);
            listener.accept(pid, null);
        }

        @Override
        public String getFactoryPid() {
            return null;
        }

        @Override
        public void update() throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> properties) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setBundleLocation(String location) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String getBundleLocation() {
            return "?";
        }

        @Override
        public long getChangeCount() {
            return changes;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return EnumSet.noneOf(ConfigurationAttribute.class);
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }
    }

    @Override
    public synchronized Configuration getConfiguration(String pid, String location) {
        FakeConfiguration c = configs.get(pid);
        if (c == null) {
            locations.add(location);
            c = new FakeConfiguration(pid);
            configs.put(pid, c);
        }
        return c;
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public synchronized Configuration[] listConfigurations(String filter) {
        Matcher m = PID_FILTER.matcher(filter == null ? "" : filter);
        if (!m.matches()) {
            throw new UnsupportedOperationException("filter " + filter);
        }
        FakeConfiguration c = configs.get(m.group(1));
        return c == null || c.props == null ? null : new Configuration[] {c};
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        throw new UnsupportedOperationException();
    }
}
