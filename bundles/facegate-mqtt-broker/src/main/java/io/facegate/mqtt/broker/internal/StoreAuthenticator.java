package io.facegate.mqtt.broker.internal;

import io.moquette.broker.security.IAuthenticator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a CONNECT's user name and password against the password stores, and keeps the client ids that begin with
 * {@code gateway_client_id_prefix} for the gateway user: another user could otherwise take over the gateway's session
 * (MQTT lets a new connection with the same client id replace the old one). Moquette calls this only when the
 * CONNECT carries a user name; anonymous clients are let in or refused by {@code allow_anonymous} alone.
 */
final class StoreAuthenticator implements IAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAuthenticator.class);

    private final Map<String, PasswordHash> users;
    private final String gatewayUser;
    private final String reservedClientIdPrefix;

    /**
     * @param users                  every user with its hash
     * @param gatewayUser            the user that may use reserved client ids
     * @param reservedClientIdPrefix client ids beginning with this are the gateway user's; empty = none reserved
     */
    StoreAuthenticator(Map<String, PasswordHash> users, String gatewayUser, String reservedClientIdPrefix) {
        this.users = Map.copyOf(users);
        this.gatewayUser = gatewayUser;
        this.reservedClientIdPrefix = reservedClientIdPrefix;
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
        return true;
    }

    /** @return how many users can log in */
    int users() {
        return users.size();
    }
}
