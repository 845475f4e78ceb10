package io.facegate.mqtt.internal;

import io.facegate.api.FaceGateException;
import io.facegate.api.Gallery;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Pipeline;
import io.facegate.api.PipelineStatus;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import io.facegate.api.deploy.DeployJob;
import io.facegate.api.deploy.DeployListener;
import io.facegate.api.deploy.Deployments;
import io.facegate.api.operations.GatewayOperations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's MQTT side, assembled from small parts: every {@link RecognitionEvent} of the pipeline is durably
 * stored in the {@link EventOutbox} before {@link #recognized} returns (so before its frame is acknowledged), the
 * {@link EventForwarder} publishes the outbox in order and removes what the broker acknowledged, the
 * {@link MqttTransport} keeps the connection, the {@link CommandDispatcher} answers commands, and the
 * {@link StatusPublisher} keeps the retained health status current.
 *
 * <p>Registered as the pipeline's durable listener ({@code facegate.listener.type=mqtt}); the distribution's
 * pipeline waits for it ({@code required_listener = mqtt}). Configured by PID {@value #PID} (Karaf:
 * {@code etc/io.facegate.mqtt.cfg}); a change restarts the component (new connection, same outbox).
 */
@Component(service = {RecognitionListener.class, DeployListener.class}, immediate = true, configurationPid = MqttGatewayComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "facegate.listener.type=mqtt")
@Designate(ocd = MqttGatewayComponent.Config.class)
public final class MqttGatewayComponent implements RecognitionListener, DeployListener {
    static final String PID = "io.facegate.mqtt";
    private static final Logger LOG = LoggerFactory.getLogger(MqttGatewayComponent.class);
    /** Replies waiting for the connection; beyond this the oldest is dropped (and logged). */
    private static final int PENDING_REPLIES = 256;
    private static final long REPLY_INFLIGHT_WAIT_S = 10;

    /**
     * Configuration of the MQTT side. Keys are spelled as in the {@code .cfg} file ({@code __} in a method name is a
     * literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate MQTT",
            description = "Recognition events through a durable outbox, commands and the gateway's health over MQTT"
                    + " 3.1.1")
    public @interface Config {
        /** @return the broker */
        @AttributeDefinition(name = "broker_url", description = "Broker URL: tcp://host[:port], ssl://host[:port],"
                + " ws://host[:port]/path or wss://...; default: the embedded broker")
        String broker__url() default PublisherSettings.DEFAULT_BROKER_URL;

        /** @return user name */
        @AttributeDefinition(required = false, description = "User name; empty = anonymous")
        String username() default "";

        /** @return password */
        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Password; only with a user name. Prefer password_file")
        String password() default "";

        /** @return password file */
        @AttributeDefinition(name = "password_file", required = false, description = "A file (mode 0600) holding the"
                + " password, read at every connect attempt; only with a user name")
        String password__file() default "";

        /** @return gateway id */
        @AttributeDefinition(name = "gateway_id", required = false,
                description = "This gateway's id, one topic level: 1-64 of A-Z a-z 0-9 . _ -; default: the host name")
        String gateway__id() default "";

        /** @return client id */
        @AttributeDefinition(name = "client_id", required = false,
                description = "MQTT client id; default facegate-<gateway_id>. Must be unique on the broker")
        String client__id() default "";

        /** @return topic prefix */
        @AttributeDefinition(name = "topic_prefix", description = "First topic level(s) of every topic")
        String topic__prefix() default PublisherSettings.DEFAULT_TOPIC_PREFIX;

        /** @return groups */
        @AttributeDefinition(required = false, description = "Groups this gateway belongs to: it also executes the"
                + " commands on <topic_prefix>/group/<group>/cmd/<command>")
        String[] groups() default {};

        /** @return QoS of event messages */
        @AttributeDefinition(description = "QoS of the event messages: 1 or 2 (an event leaves the outbox only when"
                + " the broker acknowledged it)")
        int qos() default PublisherSettings.DEFAULT_QOS;

        /** @return in-flight bound */
        @AttributeDefinition(name = "max_inflight",
                description = "Event messages sent and not yet acknowledged by the broker (1..65000)")
        int max__inflight() default PublisherSettings.DEFAULT_MAX_INFLIGHT;

        /** @return keep-alive */
        @AttributeDefinition(name = "keepalive_s",
                description = "MQTT keep-alive in seconds; also how fast a dead connection is noticed (0 = off, ..65535)")
        int keepalive__s() default PublisherSettings.DEFAULT_KEEPALIVE_S;

        /** @return connect timeout */
        @AttributeDefinition(name = "connect_timeout_s", description = "Connect timeout in seconds (1..300)")
        int connect__timeout__s() default PublisherSettings.DEFAULT_CONNECT_TIMEOUT_S;

        /** @return first reconnect delay */
        @AttributeDefinition(name = "reconnect_min_delay_ms",
                description = "Wait after the first failed connect; doubled after each failure (10..3600000)")
        long reconnect__min__delay__ms() default PublisherSettings.DEFAULT_RECONNECT_MIN_DELAY_MS;

        /** @return longest reconnect delay */
        @AttributeDefinition(name = "reconnect_max_delay_ms",
                description = "Longest wait between two connect attempts (reconnect_min_delay_ms..3600000)")
        long reconnect__max__delay__ms() default PublisherSettings.DEFAULT_RECONNECT_MAX_DELAY_MS;

        /** @return trust store */
        @AttributeDefinition(name = "trust_store_file", required = false, description = "PKCS12/JKS trust store with"
                + " the CA of the broker (ssl://, wss://); empty = the JVM's trusted CAs")
        String trust__store__file() default "";

        /** @return trust store password file */
        @AttributeDefinition(name = "trust_store_password_file", required = false,
                description = "A 0600 file with the trust store's password; empty = none")
        String trust__store__password__file() default "";

        /** @return key store */
        @AttributeDefinition(name = "key_store_file", required = false, description = "PKCS12 key store with this"
                + " gateway's client certificate and key, for brokers that require mutual TLS")
        String key__store__file() default "";

        /** @return key store password file */
        @AttributeDefinition(name = "key_store_password_file", required = false,
                description = "A 0600 file with the key store's password")
        String key__store__password__file() default "";

        /** @return heartbeat */
        @AttributeDefinition(name = "heartbeat_s", description = "The retained status is republished on every change"
                + " and at least this often, s (1..86400)")
        int heartbeat__s() default PublisherSettings.DEFAULT_HEARTBEAT_S;

        /** @return stall time */
        @AttributeDefinition(name = "stall_s", description = "Frames queued with none processed for this long make"
                + " the gateway degraded, s (1..86400)")
        int stall__s() default 60;

        /** @return command size limit */
        @AttributeDefinition(name = "command_max_bytes", description = "Largest command payload handled; larger ones"
                + " get a 413 reply (1024..268435456). The broker's own limit applies first")
        int command__max__bytes() default PublisherSettings.DEFAULT_COMMAND_MAX_BYTES;

        /** @return outbox folder */
        @AttributeDefinition(name = "outbox_dir", required = false,
                description = "Folder of the persistent event outbox; default ${karaf.data}/facegate/outbox")
        String outbox__dir() default "";

        /** @return outbox bound */
        @AttributeDefinition(name = "outbox_max_bytes", description = "Bound of the outbox on disk, bytes"
                + " (65536..2^40)")
        long outbox__max__bytes() default PublisherSettings.DEFAULT_OUTBOX_MAX_BYTES;

        /** @return overflow policy */
        @AttributeDefinition(name = "outbox_overflow", description = "When the outbox is full: drop_oldest (default)"
                + " or drop_newest; every drop is counted in the status")
        String outbox__overflow() default "drop_oldest";

        /** @return Home Assistant discovery */
        @AttributeDefinition(name = "homeassistant_discovery", description = "Publish Home Assistant MQTT discovery"
                + " configs (retained) so the gateway appears as a device; names of enrolled people become visible"
                + " to every reader of the discovery topics")
        boolean homeassistant__discovery() default false;

        /** @return Home Assistant discovery prefix */
        @AttributeDefinition(name = "homeassistant_prefix", description = "Home Assistant's discovery prefix")
        String homeassistant__prefix() default "homeassistant";
    }

    private final PublisherSettings settings;
    private final EventOutbox outbox;
    private final MqttTransport transport;
    private final EventForwarder forwarder;
    private final CommandDispatcher commands;
    private final StatusPublisher status;
    private final HomeAssistantPublisher homeAssistant;
    private final Deque<byte[][]> pendingReplies = new ArrayDeque<>();

    private volatile Pipeline pipeline;
    private volatile Gallery gallery;
    private volatile GatewayOperations operations;
    private volatile Deployments deployments;

    /**
     * Validates the configuration, opens the outbox (recovering what a crash left) and starts connecting in the
     * background.
     *
     * @param config the typed configuration
     * @throws IllegalArgumentException on a bad value, naming the key
     * @throws IllegalStateException if the outbox cannot be opened
     */
    @Activate
    public MqttGatewayComponent(Config config) {
        settings = PublisherSettings.from(config);
        try {
            outbox = EventOutbox.open(settings.outboxDir(), settings.outboxMaxBytes(), settings.outboxOverflow());
        } catch (IOException e) {
            throw new IllegalStateException("outbox_dir: cannot open the outbox in " + settings.outboxDir() + ": "
                    + e.getMessage(), e);
        }
        CommandHandlers handlers = new CommandHandlers(() -> operations, this::currentStatus,
                new DeployCommands(() -> deployments, settings.gatewayId(), settings.groups()));
        commands = new CommandDispatcher(settings, handlers, this::reply);
        HomeAssistantPublisher ha = new HomeAssistantPublisher(settings, this::transport, () -> gallery);
        homeAssistant = ha.active() ? ha : null;
        List<String> subscriptions = new ArrayList<>(commands.subscriptions());
        if (homeAssistant != null) {
            subscriptions.addAll(homeAssistant.subscriptions());
        }
        byte[] will = Json.bytes(HealthReport.offline(settings.gatewayId(), settings.clientId(), "connection_lost",
                null));
        transport = new MqttTransport(settings, will, subscriptions, new MqttTransport.Listener() {
            @Override
            public void connected() {
                onConnected();
            }

            @Override
            public void connectionLost() {
                forwarder().connectionLost();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (homeAssistant != null && homeAssistant.handles(topic)) {
                    homeAssistant.arrived(topic, message.getPayload());
                } else {
                    commands.onMessage(topic, message.getPayload());
                }
            }
        });
        forwarder = new EventForwarder(outbox, transport, settings.eventsTopic(), settings.qos(),
                settings.maxInflight());
        status = new StatusPublisher(transport, settings.statusTopic(), this::snapshot, () -> pipelineStatus(),
                settings.heartbeatSeconds(), settings.stallSeconds());
        LOG.info("MQTT for gateway '{}' starting: events to {} through the outbox in {} ({} waiting), commands on"
                + " {}, status on {} ({})", settings.gatewayId(), settings.eventsTopic(), settings.outboxDir(),
                outbox.stats().depth(), commands.subscriptions(), settings.statusTopic(), settings);
        forwarder.start();
        commands.start();
        status.start();
        transport.start();
    }

    private EventForwarder forwarder() {
        return forwarder;
    }

    private MqttTransport transport() {
        return transport;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetPipeline")
    void setPipeline(Pipeline p) {
        pipeline = p;
    }

    void unsetPipeline(Pipeline p) {
        if (pipeline == p) {
            pipeline = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetGallery")
    void setGallery(Gallery g) {
        gallery = g;
        status.publishSoon();
        if (homeAssistant != null) {
            homeAssistant.galleryBound();
        }
    }

    void unsetGallery(Gallery g) {
        if (gallery == g) {
            gallery = null;
        }
        status.publishSoon();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetOperations")
    void setOperations(GatewayOperations o) {
        operations = o;
    }

    void unsetOperations(GatewayOperations o) {
        if (operations == o) {
            operations = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetDeployments")
    void setDeployments(Deployments d) {
        deployments = d;
    }

    void unsetDeployments(Deployments d) {
        if (deployments == d) {
            deployments = null;
        }
    }

    /** A deployment job changed: its state goes to {@code <prefix>/<gateway>/notify/deploy/<job_id>}. */
    @Override
    public void changed(DeployJob job) {
        if (transport == null || !transport.isConnected()) {
            return; // the job's state stays available to deploy/status
        }
        try {
            transport.publish(settings.deployNotifyTopic(job.jobId()), Json.bytes(DeployCommands.job(job)),
                    MqttTransport.CONTROL_QOS, false, null);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("deploy notification of job {} not sent: {}", job.jobId(), MqttTransport.describe(e));
        }
    }

    /**
     * Stores the event durably in the outbox; returns once it is on disk.
     *
     * @throws FaceGateException if it cannot be stored (the pipeline then keeps the frame's input as failed)
     */
    @Override
    public void recognized(RecognitionEvent event) {
        String id = UUID.randomUUID().toString();
        byte[] payload = EventJson.event(settings.gatewayId(), id, event).getBytes(StandardCharsets.UTF_8);
        try {
            outbox.append(id, payload);
        } catch (IOException | IllegalArgumentException e) {
            throw new FaceGateException("outbox: " + e.getMessage(), e);
        }
        forwarder.wake();
        if (homeAssistant != null) {
            homeAssistant.recognized(event);
        }
    }

    private void onConnected() {
        forwarder.wake();
        status.publishSoon();
        if (homeAssistant != null) {
            homeAssistant.connected();
        }
        List<byte[][]> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(pendingReplies);
            pendingReplies.clear();
        }
        // once each: a reply that fails again waits for the next connection, it never spins here
        for (byte[][] r : waiting) {
            reply(new String(r[0], StandardCharsets.UTF_8), r[1]);
        }
    }

    /** Publishes a reply, or keeps it until the connection is back; replies never compete with events for room. */
    private void reply(String topic, byte[] payload) {
        // a burst of replies can fill Paho's in-flight window while connected: wait for acks (this holds back the
        // command worker, whose bounded queue then answers 503) rather than park the reply until a reconnect
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_INFLIGHT_WAIT_S);
        for (long backoffMs = 5; transport != null && transport.isConnected(); backoffMs = Math.min(backoffMs * 2, 200)) {
            try {
                transport.publish(topic, payload, MqttTransport.CONTROL_QOS, false, null);
                return;
            } catch (IllegalArgumentException e) {
                LOG.warn("reply on {} cannot be published and is dropped: {}", topic, e.getMessage());
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > giveUp) {
                    LOG.debug("reply on {} kept for the next connection: {}", topic, MqttTransport.describe(e));
                    break;
                }
            } catch (RuntimeException e) {
                LOG.debug("reply on {} kept for the next connection: {}", topic, MqttTransport.describe(e));
                break;
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            if (pendingReplies.size() >= PENDING_REPLIES) {
                pendingReplies.poll();
                LOG.warn("more than {} replies wait for the connection; the oldest is dropped", PENDING_REPLIES);
            }
            pendingReplies.add(new byte[][] {topic.getBytes(StandardCharsets.UTF_8), payload});
        }
    }

    private PipelineStatus pipelineStatus() {
        Pipeline p = pipeline;
        try {
            return p == null ? null : p.status();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private HealthReport.Inputs snapshot(long stalledSeconds) {
        Gallery g = gallery;
        GalleryHealth gh = null;
        int people = -1;
        if (g != null) {
            try {
                gh = g.health();
                people = g.people().size();
            } catch (RuntimeException e) {
                gh = new GalleryHealth(GalleryHealth.FAILED, 0, 0, e.toString());
            }
        }
        return new HealthReport.Inputs(settings.gatewayId(), settings.clientId(), pipelineStatus(), stalledSeconds,
                gh, people, outbox.stats(), forwarder.published(), transport.connects(), commands.received());
    }

    private com.google.gson.JsonObject currentStatus() {
        return status.current();
    }

    /** @return whether connected to the broker now, for tests */
    boolean connected() {
        return transport.isConnected();
    }

    /** @return events the broker acknowledged since start, for tests */
    long published() {
        return forwarder.published();
    }

    /** @return the outbox, for tests */
    EventOutbox outbox() {
        return outbox;
    }

    /** @return the validated settings, for tests */
    PublisherSettings settings() {
        return settings;
    }

    /**
     * Stops taking commands, lets the events in flight be acknowledged (up to 1 s), replaces the retained status
     * with {@code offline}/{@code shutdown}, disconnects and closes the outbox. What was not acknowledged stays in
     * the outbox for the next start.
     */
    @Deactivate
    void deactivate() {
        commands.close();
        status.close();
        forwarder.close(1000);
        transport.close(Json.bytes(HealthReport.offline(settings.gatewayId(), settings.clientId(), "shutdown",
                Instant.now())));
        try {
            outbox.close();
        } catch (IOException e) {
            LOG.warn("outbox close: {}", e.getMessage());
        }
        OutboxStats s = outbox.stats();
        LOG.info("MQTT for gateway '{}' stopped: {} events published, {} left in the outbox, {} dropped",
                settings.gatewayId(), forwarder.published(), s.depth(), s.dropped());
    }
}
