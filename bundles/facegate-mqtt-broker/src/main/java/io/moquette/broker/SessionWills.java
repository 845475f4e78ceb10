package io.moquette.broker;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * facegate's hold on the last wills of Moquette 0.17's sessions. Moquette 0.17 publishes a will when its client's
 * connection is lost without asking the ACL (fixed in Moquette 0.18.1, which is not available to this build), so any
 * authenticated client could have a forged event delivered as its will. This class lives in Moquette's package only
 * to reach its package-private session types; the compiler checks every use against the pinned Moquette version.
 */
public final class SessionWills {
    private final PostOffice postOffice;
    private final SessionRegistry sessions;

    private SessionWills(PostOffice postOffice, SessionRegistry sessions) {
        this.postOffice = postOffice;
        this.sessions = sessions;
    }

    /**
     * @param server a started broker
     * @return access to its sessions' wills
     * @throws IllegalStateException if this Moquette version does not have the expected internals
     */
    public static SessionWills of(Server server) {
        return new SessionWills(SessionLoops.field(Server.class, server, "dispatcher", PostOffice.class),
                SessionLoops.field(Server.class, server, "sessions", SessionRegistry.class));
    }

    /**
     * Queues, on the session loop of {@code clientId}, the removal of that session's will unless its topic passes
     * {@code allowed}. A session loop runs its commands in order, so when this is called after Moquette queued the
     * CONNECT of the client, the check runs after the session took the will from that CONNECT and before any
     * connection-lost command of that connection can fire it.
     *
     * @param clientId the client id of the session
     * @param allowed  whether the client may publish on a topic
     * @param dropped  told the topic of a will that was removed
     * @return whether the check could be queued
     */
    public boolean dropWillUnless(String clientId, Predicate<String> allowed, Consumer<String> dropped) {
        PostOffice.RouteResult result = postOffice.routeCommand(clientId, "facegate will check", () -> {
            Session session = sessions.retrieve(clientId);
            if (session != null && session.hasWill() && !allowed.test(session.getWill().topic)) {
                String topic = session.getWill().topic;
                session.update(session.isClean(), null);
                dropped.accept(topic);
            }
            return clientId;
        });
        return result.isSuccess();
    }
}
