package io.facegate.mqtt.broker.internal;

import io.moquette.broker.security.IAuthenticator;
import java.util.Map;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a CONNECT's user name and password against the password stores, and keeps the client ids that begin with
 * {@code gateway_client_id_prefix} for the gateway user: another user could otherwise take over the gateway's session
 * (MQTT lets a new connection with the same client id replace the old one). Moquette calls this only when the
 * CONNECT carries a user name; anonymous clients are let in or refused by {@code allow_anonymous} alone. A client
 * that passes is handed to {@code admit} (the {@link WillGuard}), which may still refuse it.
 */
final class StoreAuthenticator implements IAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAuthenticator.class);

    private final Map<String, PasswordHash> users;
    private final String gatewayUser;
    private final String reservedClientIdPrefix;
    private final BiPredicate<String, String> admit;

    /**
     * @param users                  every user with its hash
     * @param gatewayUser            the user that may use reserved client ids
     * @param reservedClientIdPrefix client ids beginning with this are the gateway user's; empty = none reserved
     * @param admit                  last say on a client (client id, user name) whose credentials are valid
     */
    StoreAuthenticator(Map<String, PasswordHash> users, String gatewayUser, String reservedClientIdPrefix,
            BiPredicate<String, String> admit) {
        this.users = Map.copyOf(users);
        this.gatewayUser = gatewayUser;
        this.reservedClientIdPrefix = reservedClientIdPrefix;
        this.admit = admit;
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        if (username == null || password == null) {
            return false;
        }
        PasswordHash hash = users.get(username);
        if (hash == null) {
            PasswordHash.dummyVerify(); // as slow as a wrong password: no probing for user names
            return false;
        }
        if (!hash.verify(password)) {
            return false;
        }
        if (!reservedClientIdPrefix.isEmpty() && clientId != null && clientId.startsWith(reservedClientIdPrefix)
                && !username.equals(gatewayUser)) {
            LOG.warn("MQTT broker: user '{}' may not use client id '{}' (ids beginning with '{}' are the gateway's)",
                    username, clientId, reservedClientIdPrefix);
            return false;
        }
        return admit.test(clientId, username);
    }

    /** @return how many users can log in */
    int users() {
        return users.size();
    }
}
