package io.facegate.mqtt.broker.internal;

import io.moquette.broker.ClientDescriptor;
import io.moquette.broker.Server;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes last wills with the retain flag retained. Moquette 0.17 publishes a will to the current subscribers but
 * ignores its retain flag ({@code PostOffice.fireWill}), so a gateway's retained {@code online} status would
 * outlive a lost connection. After Moquette has fired the will of a client whose connection was lost, this
 * publishes the same will again as a retained message, unless the client is already connected again. Live
 * subscribers therefore see such a will twice; a status message is idempotent.
 *
 * <p>A will on a topic its client may not publish is removed by the {@link WillGuard} and never retained here;
 * for anonymous clients (which Moquette lets in without asking the authenticator) this class asks the guard to
 * check the will once the client is connected.
 */
final class RetainedWillFix extends AbstractInterceptHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedWillFix.class);
    private static final Class<?>[] TYPES = {InterceptConnectMessage.class, InterceptDisconnectMessage.class,
        InterceptConnectionLostMessage.class};

    /** A remembered retained will. */
    private record Will(String topic, byte[] payload, MqttQoS qos) {
    }

    private final Map<String, Will> wills = new ConcurrentHashMap<>();
    private final Supplier<Server> server;
    private final TopicPolicy policy;
    private final WillGuard guard;

    /**
     * @param server the running broker, once started
     * @param policy the ACL that a will's topic must pass to be retained
     * @param guard  checks the wills of anonymous clients
     */
    RetainedWillFix(Supplier<Server> server, TopicPolicy policy, WillGuard guard) {
        this.server = server;
        this.policy = policy;
        this.guard = guard;
    }

    @Override
    public String getID() {
        return "facegate-retained-will";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return TYPES.clone();
    }

    @Override
    public void onConnect(InterceptConnectMessage msg) {
        if (msg.isWillFlag() && msg.getWillTopic() != null && !policy.mayPublish(msg.getUsername(),
                msg.getWillTopic())) {
            wills.remove(msg.getClientID());
            if (msg.getUsername() == null) {
                guard.checkLate(msg.getClientID(), null);
            }
        } else if (msg.isWillFlag() && msg.isWillRetain() && msg.getWillTopic() != null) {
            wills.put(msg.getClientID(), new Will(msg.getWillTopic(), msg.getWillMessage(),
                    MqttQoS.valueOf(msg.getWillQos())));
        } else {
            wills.remove(msg.getClientID());
        }
    }

    @Override
    public void onDisconnect(InterceptDisconnectMessage msg) {
        wills.remove(msg.getClientID()); // a clean DISCONNECT discards the will (MQTT 3.1.2-10)
    }

    @Override
    public void onConnectionLost(InterceptConnectionLostMessage msg) {
        String clientId = msg.getClientID();
        Will will = wills.remove(clientId);
        Server s = server.get();
        if (will == null || s == null) {
            return;
        }
        try {
            for (ClientDescriptor c : s.listConnectedClients()) {
                if (clientId.equals(c.getClientID())) {
                    return; // already back: its new session has published its own state
                }
            }
            s.internalPublish(MqttMessageBuilders.publish()
                    .topicName(will.topic())
                    .retained(true)
                    // Moquette drops retained QoS 0 messages instead of storing them
                    .qos(will.qos() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_LEAST_ONCE : will.qos())
                    .payload(Unpooled.wrappedBuffer(will.payload()))
                    .build(), "facegate-broker");
            LOG.debug("Retained the last will of {} on {}", clientId, will.topic());
        } catch (RuntimeException e) {
            LOG.warn("Could not retain the last will of {} on {}: {}", clientId, will.topic(), e.toString());
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        LOG.warn("MQTT broker session loop error", error);
    }
}
