package io.facegate.mqtt.broker.internal;

import io.moquette.broker.Server;
import io.moquette.broker.SessionWills;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the last will of a client that may not publish on the will's topic, before the will can be fired.
 * Moquette 0.17 fires wills without asking the ACL. {@link StoreAuthenticator} calls {@link #admit} while Moquette
 * handles the CONNECT on a Netty I/O thread; the check is handed to that thread's event loop, which runs it once the
 * CONNECT has been queued on the client's session loop, so it lands there after the CONNECT and before anything that
 * connection's loss can queue (see {@link SessionWills#dropWillUnless}).
 */
final class WillGuard {
    private static final Logger LOG = LoggerFactory.getLogger(WillGuard.class);

    private final TopicPolicy policy;
    private final AtomicReference<SessionWills> wills = new AtomicReference<>();

    /** @param policy the ACL a will's topic must pass */
    WillGuard(TopicPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param server the broker, once it is started
     * @throws IllegalStateException if its wills cannot be reached
     */
    void attach(Server server) {
        wills.set(SessionWills.of(server));
    }

    /**
     * Called for a client whose credentials are valid, on the Netty thread that handles its CONNECT.
     *
     * @param clientId its client id
     * @param username its user name; {@code null} for an anonymous client
     * @return whether its will will be checked; {@code false} refuses the connection (fail closed)
     */
    boolean admit(String clientId, String username) {
        SessionWills w = wills.get();
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (w == null || loop == null) {
            LOG.warn("MQTT broker: refused client {} (user {}): its last will cannot be checked yet", clientId,
                    username);
            return false;
        }
        loop.execute(() -> check(w, clientId, username));
        return true;
    }

    /**
     * Checks from any thread: for anonymous clients, which Moquette lets in without asking the authenticator, this
     * runs after the connection is established, so a client that drops at once may still have its will fired.
     *
     * @param clientId its client id
     * @param username its user name, {@code null} when anonymous
     */
    void checkLate(String clientId, String username) {
        SessionWills w = wills.get();
        if (w != null) {
            check(w, clientId, username);
        }
    }

    private void check(SessionWills w, String clientId, String username) {
        boolean queued = w.dropWillUnless(clientId, topic -> policy.mayPublish(username, topic),
                topic -> LOG.warn("MQTT broker: removed the last will of client {} (user {}) on {}, where it may"
                        + " not publish", clientId, username == null ? "anonymous" : "'" + username + "'", topic));
        if (!queued) {
            LOG.error("MQTT broker: the last will of client {} could not be checked (session loop full); it may be"
                    + " fired unchecked if that connection is lost", clientId);
        }
    }
}
