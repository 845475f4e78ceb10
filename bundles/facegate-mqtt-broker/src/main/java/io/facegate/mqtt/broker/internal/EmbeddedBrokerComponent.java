package io.facegate.mqtt.broker.internal;

import io.moquette.broker.Server;
import io.moquette.broker.SessionLoops;
import io.moquette.broker.config.MemoryConfig;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Listens on {@code 127.0.0.1:1883} by default (this machine only), keeps everything in memory, and lets in only
 * the users of its password store, each with the rights of its role ({@link TopicPolicy}). At the first start it
 * generates the users {@code gateway}, {@code operator} and {@code reader} with random passwords
 * ({@link CredentialFiles}). Optionally also listens with TLS. Configured by PID {@value #PID} (Karaf:
 * {@code etc/io.facegate.mqtt.broker.cfg}); runs with the defaults when there is none. To use an external broker
 * instead, uninstall this bundle's feature and point the publisher ({@code io.facegate.mqtt}, {@code broker_url})
 * at it.
 */
@Component(service = {}, immediate = true, configurationPid = EmbeddedBrokerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EmbeddedBrokerComponent.Config.class)
public final class EmbeddedBrokerComponent {
    static final String PID = "io.facegate.mqtt.broker";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerComponent.class);
    /** How often the session loops are checked, ms. */
    static final long LOOP_WATCH_MS = 500;

    /**
     * Configuration of the embedded broker. Keys are spelled as in the {@code .cfg} file
     * ({@code __} in a method name is a literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate embedded MQTT broker",
            description = "MQTT 3.1.1 broker (Moquette) running inside the gateway")
    public @interface Config {
        /** @return listen address */
        @AttributeDefinition(description = "Address every listener binds to: 127.0.0.1 = this machine only"
                + " (default), 0.0.0.0 = every interface (then prefer the TLS listener and port=0)")
        String host() default BrokerSettings.DEFAULT_HOST;

        /** @return port */
        @AttributeDefinition(description = "Plain TCP port (1..65535); 0 = no plain listener (needs ssl_port)")
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
                description = "Let clients connect without user name; they may subscribe as a reader, never publish")
        boolean allow__anonymous() default false;

        /** @return credentials folder */
        @AttributeDefinition(name = "credentials_dir", required = false,
                description = "Folder of the generated facegate-mqtt-<user>.secret files and of the password store"
                        + " facegate-mqtt-broker.passwd; default ${karaf.etc}")
        String credentials__dir() default "";

        /** @return topic prefix */
        @AttributeDefinition(name = "topic_prefix",
                description = "First topic level(s) of the gateways' topics; must equal the client's topic_prefix")
        String topic__prefix() default BrokerSettings.DEFAULT_TOPIC_PREFIX;

        /** @return gateway id */
        @AttributeDefinition(name = "gateway_id", required = false,
                description = "The one gateway id the gateway user may publish and receive commands for; empty ="
                        + " any (one topic level)")
        String gateway__id() default "";

        /** @return more operators */
        @AttributeDefinition(name = "operator_users", required = false,
                description = "More users with the operator's rights (comma-separated); missing ones get generated"
                        + " credentials like the built-in users")
        String[] operator__users() default {};

        /** @return more readers */
        @AttributeDefinition(name = "reader_users", required = false,
                description = "More users with the reader's rights (comma-separated); missing ones get generated"
                        + " credentials like the built-in users")
        String[] reader__users() default {};

        /** @return client id prefix of the gateway */
        @AttributeDefinition(name = "gateway_client_id_prefix", required = false,
                description = "Client ids beginning with this are refused to every user but gateway (no session"
                        + " take-over); empty = none")
        String gateway__client__id__prefix() default BrokerSettings.DEFAULT_GATEWAY_CLIENT_ID_PREFIX;

        /** @return old password file */
        @AttributeDefinition(name = "password_file", required = false,
                description = "Extra users, user:sha256hex or user:pbkdf2-sha256:... lines (0600); each needs a role")
        String password__file() default "";

        /** @return message size bound */
        @AttributeDefinition(name = "max_message_bytes",
                description = "Largest MQTT packet accepted, bytes (1024..268435455); larger ones close the connection")
        int max__message__bytes() default BrokerSettings.DEFAULT_MAX_MESSAGE_BYTES;

        /** @return TLS port */
        @AttributeDefinition(name = "ssl_port", description = "TLS listener port (1..65535); 0 = no TLS listener")
        int ssl__port() default 0;

        /** @return key store */
        @AttributeDefinition(name = "keystore_file", required = false,
                description = "PKCS12 file with the broker's private key and certificate chain (TLS)")
        String keystore__file() default "";

        /** @return key store password file */
        @AttributeDefinition(name = "keystore_password_file", required = false,
                description = "0600 file holding the keystore_file password (also the key's)")
        String keystore__password__file() default "";

        /** @return client certificates required */
        @AttributeDefinition(name = "client_auth",
                description = "TLS clients must present a certificate trusted by truststore_file")
        boolean client__auth() default false;

        /** @return trust store */
        @AttributeDefinition(name = "truststore_file", required = false,
                description = "PKCS12 file with the CA certificates of the clients (client_auth)")
        String truststore__file() default "";

        /** @return trust store password file */
        @AttributeDefinition(name = "truststore_password_file", required = false,
                description = "0600 file holding the truststore_file password")
        String truststore__password__file() default "";
    }

    private final BrokerSettings settings;
    private final Server server;
    /** Restarts a session loop that a throwing command ended (Moquette 0.17 never does). */
    private final ScheduledExecutorService loopWatch;

    /**
     * Starts the broker; returns once it listens.
     *
     * @param context this bundle's context, for {@code karaf.data} and {@code karaf.etc}
     * @param config  the typed configuration
     * @throws IllegalArgumentException on a bad value or file, naming the key
     * @throws IllegalStateException if the broker cannot start (e.g. the port is taken)
     */
    @Activate
    public EmbeddedBrokerComponent(BundleContext context, Config config) {
        this(BrokerSettings.from(config, property(context, "karaf.data"), property(context, "karaf.etc")));
    }

    /** Starts a broker with validated settings. */
    EmbeddedBrokerComponent(BrokerSettings settings) {
        this.settings = settings;
        boolean loopback = settings.loopbackOnly();
        SecureRandom random = new SecureRandom();
        Map<String, TopicPolicy.Role> roles = settings.roles();
        PasswordStore legacy = settings.passwordFile() == null ? null
                : PasswordStore.load("password_file", settings.passwordFile());
        List<String> managed = roles.keySet().stream()
                .filter(u -> legacy == null || !legacy.users().containsKey(u)).toList();
        PasswordStore store = CredentialFiles.ensure(settings.credentialsDir(), managed, random);
        Map<String, PasswordHash> users = new HashMap<>(store.users());
        if (legacy != null) {
            for (Map.Entry<String, PasswordHash> e : legacy.users().entrySet()) {
                if (users.put(e.getKey(), e.getValue()) != null) {
                    throw new IllegalArgumentException("password_file " + legacy.file() + ": user '" + e.getKey()
                            + "' is also in " + store.file() + "; keep it in one of them");
                }
            }
        }
        for (String user : users.keySet()) {
            if (!roles.containsKey(user)) {
                throw new IllegalArgumentException("user '" + user + "' of the password store has no role: add it"
                        + " to operator_users or reader_users, or remove its line");
            }
        }
        TopicPolicy policy = new TopicPolicy(settings.topicPrefix(), settings.gatewayLevel(), roles,
                settings.allowAnonymous());
        WillGuard willGuard = new WillGuard(policy);
        StoreAuthenticator authenticator = new StoreAuthenticator(users, BrokerSettings.GATEWAY_USER,
                settings.gatewayClientIdPrefix(), willGuard::admit);
        SslContext ssl = settings.tls() == null ? null : TlsContexts.serverContext(settings.tls());
        if (!loopback && settings.allowAnonymous()) {
            LOG.warn("MQTT broker listens on {} (not loopback) and lets anonymous clients in: anyone on the network"
                    + " can read the recognition events. Set allow_anonymous=false.", settings.host());
        }
        if (!loopback && settings.port() != 0) {
            LOG.warn("MQTT broker: passwords travel unencrypted on {}:{}, which is not a loopback address. Prefer"
                    + " the TLS listener (ssl_port) and port=0.", settings.host(), settings.port());
        }
        AtomicReference<Server> started = new AtomicReference<>();
        Server s = new Server();
        SessionLoops loops;
        try {
            s.startServer(new MemoryConfig(settings.moquetteProperties()),
                    List.of(new RetainedWillFix(started::get, policy, willGuard)), () -> ssl, authenticator, policy);
            willGuard.attach(s); // until then every login is refused
            loops = SessionLoops.of(s);
        } catch (IOException | RuntimeException e) {
            try {
                s.stopServer(); // startServer leaves its thread pools running when the bind fails
            } catch (RuntimeException ignored) {
                // nothing more to free
            }
            throw new IllegalStateException("MQTT broker cannot start on " + settings.host() + ":" + ports()
                    + " (port taken by another broker?): " + rootMessage(e), e);
        }
        started.set(s);
        this.server = s;
        loopWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "facegate-broker-loop-watch");
            t.setDaemon(true);
            return t;
        });
        loopWatch.scheduleWithFixedDelay(() -> loops.restartEnded(name -> LOG.error("MQTT broker: session loop {}"
                + " ended on an error (logged before by Moquette); started it again, its clients are served again",
                name)), LOOP_WATCH_MS, LOOP_WATCH_MS, TimeUnit.MILLISECONDS);
        LOG.info("MQTT broker listening on {}:{}, {} users ({})", settings.host(), ports(), authenticator.users(),
                settings);
    }

    /** @return the plain TCP port, 0 when there is none */
    int port() {
        return settings.port();
    }

    /** @return the TLS port, 0 when there is none */
    int sslPort() {
        return settings.tls() == null ? 0 : settings.tls().port();
    }

    /** @return the validated settings */
    BrokerSettings settings() {
        return settings;
    }

    /** Stops the broker and frees its ports. */
    @Deactivate
    void deactivate() {
        loopWatch.shutdownNow(); // first: stopping the broker ends its loops on purpose
        try {
            loopWatch.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stopServer();
        LOG.info("MQTT broker on {}:{} stopped", settings.host(), ports());
    }

    private String ports() {
        String plain = settings.port() == 0 ? "" : Integer.toString(settings.port());
        String tls = settings.tls() == null ? "" : settings.tls().port() + " (TLS)";
        return plain.isEmpty() ? tls : tls.isEmpty() ? plain : plain + "+" + tls;
    }

    private static String property(BundleContext context, String key) {
        return context == null ? System.getProperty(key) : context.getProperty(key);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
