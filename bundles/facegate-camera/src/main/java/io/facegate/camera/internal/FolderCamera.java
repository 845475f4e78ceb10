package io.facegate.camera.internal;

import io.facegate.api.Frame;
import io.facegate.api.FrameSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One watched folder per factory configuration {@value #FACTORY_PID}, e.g. the Karaf file
 * {@code etc/io.facegate.camera.folder-inbox.cfg} with {@code directory = /var/facegate/inbox}.
 *
 * <p>Registers a {@link FrameSource} with the service property {@value FrameSource#PROP_SOURCE_ID}
 * (the configured {@code source_id}, by default {@code folder:<absolute inbox>}). The service is a
 * {@link ServiceFactory}: each consuming bundle gets its own view, and when a consumer releases the
 * service (its component stops or restarts) the frames it took and never acknowledged are delivered
 * again instead of waiting for a gateway restart.
 */
@Component(configurationPid = FolderCamera.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = FolderCamera.Config.class, factory = true)
public final class FolderCamera {
    static final String FACTORY_PID = "io.facegate.camera.folder";

    /**
     * Configuration of one watched folder. Keys are spelled as in the {@code .cfg} file
     * ({@code __} in a method name is a literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate folder camera",
            description = "Turns image files dropped into a folder into frames; one configuration per folder")
    public @interface Config {
        /** @return the inbox */
        @AttributeDefinition(description = "Inbox folder watched for new images; created if missing (required)")
        String directory();

        /** @return done folder, blank for the default */
        @AttributeDefinition(name = "done_directory", required = false,
                description = "Where processed images go; default <directory>/done")
        String done__directory() default "";

        /** @return failed folder, blank for the default */
        @AttributeDefinition(name = "failed_directory", required = false,
                description = "Where unreadable or failed images go, each with <file>.reason.txt; default <directory>/failed")
        String failed__directory() default "";

        /** @return rescan period */
        @AttributeDefinition(name = "poll_interval_ms",
                description = "Full rescan period backing up the WatchService, ms (10..3600000)")
        long poll__interval__ms() default FolderSettings.DEFAULT_POLL_INTERVAL_MS;

        /** @return image extensions */
        @AttributeDefinition(description = "File extensions taken as images, case-insensitive; other files are left alone")
        String[] extensions() default {"jpg", "jpeg", "png", "bmp", "gif"};

        /** @return settle time */
        @AttributeDefinition(name = "settle_ms",
                description = "A file is read once its size and mtime have not changed for this long, ms (0..600000)")
        long settle__ms() default FolderSettings.DEFAULT_SETTLE_MS;

        /** @return source id, blank for the default */
        @AttributeDefinition(name = "source_id", required = false,
                description = "Source id of the frames and service property facegate.source.id; default folder:<absolute directory>")
        String source__id() default "";

        /** @return largest decoded image */
        @AttributeDefinition(name = "max_pixels",
                description = "Larger images (width x height) go to failed/ undecoded, protecting memory")
        long max__pixels() default FolderSettings.DEFAULT_MAX_PIXELS;

        /** @return the oldest a kept file may get, hours */
        @AttributeDefinition(name = "retention_max_age_h", description = "Files in done/ and failed/ older than this"
                + " are deleted, hours; 0 keeps them however old")
        long retention__max__age__h() default FolderSettings.DEFAULT_RETENTION_MAX_AGE_H;

        /** @return the most done/ (and, apart, failed/) may hold, MiB */
        @AttributeDefinition(name = "retention_max_mb", description = "done/ and failed/ each hold at most this"
                + " many MiB; the oldest files go first; 0 for no limit")
        long retention__max__mb() default FolderSettings.DEFAULT_RETENTION_MAX_MB;
    }

    private final FolderFrameSource source;
    private final ServiceRegistration<FrameSource> registration;

    /**
     * @param context this bundle's context, to register the source
     * @param config  the folder's configuration
     * @throws IllegalArgumentException on a bad value or a folder that cannot be created
     */
    @Activate
    public FolderCamera(BundleContext context, Config config) {
        FolderSettings settings = FolderSettings.from(config);
        source = new FolderFrameSource(settings, true);
        source.start();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(FrameSource.PROP_SOURCE_ID, settings.sourceId());
        props.put("facegate.source.type", "folder");
        props.put("facegate.source.directory", settings.inbox().toString());
        try {
            registration = context.registerService(FrameSource.class, new Factory(source), props);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        source.close();
    }

    /** One {@link ConsumerView} per consuming bundle. */
    static final class Factory implements ServiceFactory<FrameSource> {
        private final FolderFrameSource source;

        Factory(FolderFrameSource source) {
            this.source = source;
        }

        @Override
        public FrameSource getService(Bundle bundle, ServiceRegistration<FrameSource> registration) {
            return new ConsumerView(source);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<FrameSource> registration, FrameSource service) {
            ((ConsumerView) service).releaseUnacknowledged();
        }
    }

    /** What one consumer sees: the shared source, plus the frames this consumer has not acknowledged. */
    static final class ConsumerView implements FrameSource {
        private final FolderFrameSource source;
        private final Set<Long> unacknowledged = ConcurrentHashMap.newKeySet();

        ConsumerView(FolderFrameSource source) {
            this.source = source;
        }

        @Override
        public String id() {
            return source.id();
        }

        @Override
        public Frame next(Duration timeout) throws InterruptedException {
            Frame f = source.next(timeout);
            if (f != null) {
                unacknowledged.add(f.sequence());
            }
            return f;
        }

        @Override
        public void acknowledge(Frame frame, boolean success, String reason) {
            if (frame != null) {
                unacknowledged.remove(frame.sequence());
            }
            source.acknowledge(frame, success, reason);
        }

        int releaseUnacknowledged() {
            List<Long> seqs = new ArrayList<>(unacknowledged);
            unacknowledged.removeAll(seqs);
            return source.release(seqs);
        }

        @Override
        public String toString() {
            return "FrameSource[" + source.id() + "]";
        }
    }
}
