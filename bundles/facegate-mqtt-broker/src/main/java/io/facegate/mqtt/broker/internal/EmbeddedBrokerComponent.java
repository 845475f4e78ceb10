package io.facegate.mqtt.broker.internal;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 broker (Moquette 0.17) inside the gateway, so that it works with nothing else installed.
 * Listens on {@code 127.0.0.1:1883} by default (this machine only), keeps everything in memory, lets anonymous
 * clients in. Configured by PID {@value #PID} (Karaf: {@code etc/io.facegate.mqtt.broker.cfg}); runs with the
 * defaults when there is none. To use an external broker instead, uninstall this bundle's feature and point the
 * publisher ({@code io.facegate.mqtt}, {@code broker_url}) at it.
 */
@Component(service = {}, immediate = true, configurationPid = EmbeddedBrokerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EmbeddedBrokerComponent.Config.class)
public final class EmbeddedBrokerComponent {
    static final String PID = "io.facegate.mqtt.broker";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerComponent.class);

    /**
     * Configuration of the embedded broker. Keys are spelled as in the {@code .cfg} file
     * ({@code __} in a method name is a literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate embedded MQTT broker",
            description = "MQTT 3.1.1 broker (Moquette) running inside the gateway")
    public @interface Config {
        /** @return listen address */
        @AttributeDefinition(description = "Address to listen on: 127.0.0.1 = this machine only (default),"
                + " 0.0.0.0 = every interface (then set allow_anonymous=false and a password_file)")
        String host() default BrokerSettings.DEFAULT_HOST;

        /** @return port */
        @AttributeDefinition(description = "TCP port (1..65535)")
        int port() default BrokerSettings.DEFAULT_PORT;

        /** @return persistence */
        @AttributeDefinition(description = "Keep sessions, subscriptions, queued and retained messages on disk"
                + " across restarts (H2 MVStore under data_dir). Off: all in memory, nothing written")
        boolean persistence() default false;

        /** @return store folder */
        @AttributeDefinition(name = "data_dir", required = false,
                description = "Store folder when persistence is on; default ${karaf.data}/facegate/broker")
        String data__dir() default "";

        /** @return anonymous allowed */
        @AttributeDefinition(name = "allow_anonymous",
                description = "Let clients connect without user name; false needs a password_file")
        boolean allow__anonymous() default true;

        /** @return password file */
        @AttributeDefinition(name = "password_file", required = false,
                description = "File of user:sha256hex lines (hex SHA-256 of the password); empty = no passwords")
        String password__file() default "";

        /** @return message size bound */
        @AttributeDefinition(name = "max_message_bytes",
                description = "Largest MQTT packet accepted, bytes (1024..268435455); larger ones close the connection")
        int max__message__bytes() default BrokerSettings.DEFAULT_MAX_MESSAGE_BYTES;
    }

    private final BrokerSettings settings;
    private final Server server;

    /**
     * Starts the broker; returns once it listens.
     *
     * @param context this bundle's context, for {@code karaf.data}
     * @param config  the typed configuration
     * @throws IllegalArgumentException on a bad value, naming the key
     * @throws IllegalStateException if the broker cannot start (e.g. the port is taken)
     */
    @Activate
    public EmbeddedBrokerComponent(BundleContext context, Config config) {
        this(BrokerSettings.from(config, context == null ? System.getProperty("karaf.data")
                : context.getProperty("karaf.data")));
    }

    /** Starts a broker with validated settings. */
    EmbeddedBrokerComponent(BrokerSettings settings) {
        this.settings = settings;
        boolean loopback = settings.loopbackOnly();
        IAuthenticator authenticator = null;
        if (settings.passwordFile() != null) {
            PasswordFileAuthenticator pf = PasswordFileAuthenticator.load(settings.passwordFile());
            LOG.info("MQTT broker: {} users from {}", pf.users(), settings.passwordFile());
            authenticator = pf;
        }
        if (!loopback && settings.allowAnonymous()) {
            LOG.warn("MQTT broker listens on {} (not loopback) and lets anonymous clients in: anyone on the network"
                    + " can read the recognition events. Set allow_anonymous=false and a password_file.",
                    settings.host());
        }
        AtomicReference<Server> started = new AtomicReference<>();
        Server s = new Server();
        try {
            s.startServer(new MemoryConfig(settings.moquetteProperties()), List.of(new RetainedWillFix(started::get)),
                    null, authenticator, null);
        } catch (IOException | RuntimeException e) {
            try {
                s.stopServer(); // startServer leaves its thread pools running when the bind fails
            } catch (RuntimeException ignored) {
                // nothing more to free
            }
            throw new IllegalStateException("MQTT broker cannot start on " + settings.host() + ":" + settings.port()
                    + " (port taken by another broker?): " + rootMessage(e), e);
        }
        started.set(s);
        this.server = s;
        LOG.info("MQTT broker listening on {}:{} ({})", settings.host(), settings.port(), settings);
    }

    /** @return the port the broker listens on */
    int port() {
        return settings.port();
    }

    /** @return the validated settings */
    BrokerSettings settings() {
        return settings;
    }

    /** Stops the broker and frees its port. */
    @Deactivate
    void deactivate() {
        server.stopServer();
        LOG.info("MQTT broker on {}:{} stopped", settings.host(), settings.port());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
