package io.facegate.mqtt.broker.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of the embedded broker. Every rule fails fast with an
 * {@link IllegalArgumentException} naming the configuration key.
 *
 * @param host                  address every listener binds to
 * @param port                  plain TCP port; 0 = no plain listener (then {@code tls} is required)
 * @param persistence           whether sessions, subscriptions, queued and retained messages survive a restart
 * @param dataDir               where the store lives when {@code persistence} is on
 * @param allowAnonymous        whether clients without user name may connect (and subscribe, never publish)
 * @param passwordFile          an extra password file (the old {@code password_file} option), or {@code null}
 * @param maxMessageBytes       largest MQTT packet accepted
 * @param credentialsDir        where the generated secrets and the password store live
 * @param topicPrefix           first topic level(s) of the gateways' topics, as the client's {@code topic_prefix}
 * @param gatewayId             the one gateway id the gateway user may use, or {@code null} for any
 * @param operatorUsers         users with the operator's rights besides {@code operator}
 * @param readerUsers           users with the reader's rights besides {@code reader}
 * @param gatewayClientIdPrefix client ids beginning with this are kept for the gateway user; empty = none
 * @param tls                   the TLS listener, or {@code null} when off
 */
record BrokerSettings(String host, int port, boolean persistence, Path dataDir, boolean allowAnonymous,
                      Path passwordFile, int maxMessageBytes, Path credentialsDir, String topicPrefix,
                      String gatewayId, List<String> operatorUsers, List<String> readerUsers,
                      String gatewayClientIdPrefix, Tls tls) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 1883;
    /** Room for an enrol command with a few phone photos in base64 (the gateway's command_max_bytes is 4 MiB). */
    static final int DEFAULT_MAX_MESSAGE_BYTES = 8 << 20;
    static final String DEFAULT_TOPIC_PREFIX = "facegate";
    static final String DEFAULT_GATEWAY_CLIENT_ID_PREFIX = "facegate-";
    /** MQTT's largest remaining length. */
    static final int MAX_MESSAGE_BYTES = 268_435_455;
    static final String GATEWAY_USER = "gateway";
    static final String OPERATOR_USER = "operator";
    static final String READER_USER = "reader";
    private static final Set<String> BUILT_IN = Set.of(GATEWAY_USER, OPERATOR_USER, READER_USER);
    /** A user name: also part of a file name, so no separators. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** One topic level usable as a gateway id, as the client validates it. */
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_PREFIX_CHARS = 200;

    /**
     * The TLS listener.
     *
     * @param port                   its port
     * @param keystoreFile           PKCS12 store with the broker's private key and certificate chain
     * @param keystorePasswordFile   0600 file with the store's password (also the key's)
     * @param clientAuth             whether clients must present a certificate that {@code truststoreFile} trusts
     * @param truststoreFile         PKCS12 store with the CA certificates of the clients, or {@code null}
     * @param truststorePasswordFile 0600 file with its password, or {@code null} (store read without integrity check)
     */
    record Tls(int port, Path keystoreFile, Path keystorePasswordFile, boolean clientAuth, Path truststoreFile,
               Path truststorePasswordFile) {
        /** Validates. */
        Tls {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("ssl_port must be within 1..65535 (0 = no TLS listener), got "
                        + port);
            }
            keystoreFile = requireReadable("keystore_file", keystoreFile, "ssl_port is set");
            keystorePasswordFile = requireReadable("keystore_password_file", keystorePasswordFile,
                    "ssl_port is set");
            if (clientAuth) {
                truststoreFile = requireReadable("truststore_file", truststoreFile, "client_auth=true");
            } else if (truststoreFile != null || truststorePasswordFile != null) {
                throw new IllegalArgumentException("truststore_file and truststore_password_file are used only with"
                        + " client_auth=true");
            }
            if (truststorePasswordFile != null) {
                truststorePasswordFile = requireReadable("truststore_password_file", truststorePasswordFile, "");
            }
        }

        @Override
        public String toString() {
            return "ssl_port=" + port + ", keystore_file=" + keystoreFile + ", client_auth=" + clientAuth
                    + (clientAuth ? ", truststore_file=" + truststoreFile : "");
        }
    }

    /** Validates and normalises. */
    BrokerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required, e.g. 127.0.0.1 (loopback only) or 0.0.0.0 (all)");
        }
        host = host.trim();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be within 1..65535 (0 = no plain listener), got " + port);
        }
        if (port == 0 && tls == null) {
            throw new IllegalArgumentException("port=0 (no plain listener) needs ssl_port, else nobody could connect");
        }
        if (tls != null && tls.port() == port) {
            throw new IllegalArgumentException("ssl_port must differ from port, both are " + port);
        }
        if (maxMessageBytes < 1024 || maxMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("max_message_bytes must be within 1024.." + MAX_MESSAGE_BYTES
                    + ", got " + maxMessageBytes);
        }
        if (persistence && dataDir == null) {
            throw new IllegalArgumentException("data_dir is required when persistence is on");
        }
        if (dataDir != null) {
            dataDir = dataDir.toAbsolutePath().normalize();
        }
        if (passwordFile != null) {
            passwordFile = requireReadable("password_file", passwordFile, "");
        }
        if (credentialsDir == null) {
            throw new IllegalArgumentException("credentials_dir is required");
        }
        credentialsDir = credentialsDir.toAbsolutePath().normalize();
        topicPrefix = validateTopicPrefix(topicPrefix);
        if (gatewayId != null && (!GATEWAY_ID.matcher(gatewayId).matches() || gatewayId.equals("group"))) {
            throw new IllegalArgumentException("gateway_id must be empty (any gateway) or 1-64 letters, digits, '.',"
                    + " '_' or '-' starting with a letter or digit, and not 'group'; got '" + gatewayId + "'");
        }
        operatorUsers = List.copyOf(operatorUsers);
        readerUsers = List.copyOf(readerUsers);
        Set<String> seen = new LinkedHashSet<>();
        checkUsers("operator_users", operatorUsers, seen);
        checkUsers("reader_users", readerUsers, seen);
        if (gatewayClientIdPrefix == null || !gatewayClientIdPrefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("gateway_client_id_prefix must be printable ASCII without spaces"
                    + " (empty = no client id kept for the gateway)");
        }
    }

    /**
     * @param config    the typed DS configuration
     * @param karafData the Karaf data folder ({@code karaf.data}), or {@code null} outside Karaf
     * @param karafEtc  the Karaf configuration folder ({@code karaf.etc}), or {@code null} outside Karaf
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad key
     */
    static BrokerSettings from(EmbeddedBrokerComponent.Config config, String karafData, String karafEtc) {
        Path dataDir = path(config.data__dir());
        if (dataDir == null) {
            dataDir = Path.of(isBlank(karafData) ? "data" : karafData, "facegate", "broker");
        }
        Path credentialsDir = path(config.credentials__dir());
        if (credentialsDir == null) {
            credentialsDir = Path.of(isBlank(karafEtc) ? "etc" : karafEtc);
        }
        Tls tls = config.ssl__port() == 0 ? null : new Tls(config.ssl__port(), path(config.keystore__file()),
                path(config.keystore__password__file()), config.client__auth(), path(config.truststore__file()),
                path(config.truststore__password__file()));
        if (config.ssl__port() == 0 && (path(config.keystore__file()) != null || config.client__auth())) {
            throw new IllegalArgumentException("keystore_file and client_auth need ssl_port (0 = no TLS listener)");
        }
        String gatewayId = config.gateway__id();
        return new BrokerSettings(config.host(), config.port(), config.persistence(), dataDir,
                config.allow__anonymous(), path(config.password__file()), config.max__message__bytes(),
                credentialsDir, config.topic__prefix(), isBlank(gatewayId) ? null : gatewayId.trim(),
                names(config.operator__users()), names(config.reader__users()),
                config.gateway__client__id__prefix() == null ? "" : config.gateway__client__id__prefix().trim(), tls);
    }

    /** @return every user with its role: the three built-in ones first, then the configured ones */
    Map<String, TopicPolicy.Role> roles() {
        Map<String, TopicPolicy.Role> roles = new LinkedHashMap<>();
        roles.put(GATEWAY_USER, TopicPolicy.Role.GATEWAY);
        roles.put(OPERATOR_USER, TopicPolicy.Role.OPERATOR);
        roles.put(READER_USER, TopicPolicy.Role.READER);
        operatorUsers.forEach(u -> roles.put(u, TopicPolicy.Role.OPERATOR));
        readerUsers.forEach(u -> roles.put(u, TopicPolicy.Role.READER));
        return roles;
    }

    /** @return the gateway id level of the gateway user's topics: its id, or {@code +} */
    String gatewayLevel() {
        return gatewayId == null ? "+" : gatewayId;
    }

    /**
     * Resolves the listen address once, so a typo fails at activation.
     *
     * @return the address
     * @throws IllegalArgumentException if the host does not resolve
     */
    InetAddress address() {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' is not an address of this machine: "
                    + e.getMessage());
        }
    }

    /** @return whether only this machine can connect */
    boolean loopbackOnly() {
        return address().isLoopbackAddress();
    }

    /** @return Moquette's configuration; TLS material is handed over separately, never as properties */
    Properties moquetteProperties() {
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", port == 0 ? "disabled" : Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        if (tls != null) {
            p.setProperty("ssl_port", Integer.toString(tls.port()));
            p.setProperty("need_client_auth", Boolean.toString(tls.clientAuth()));
        }
        p.setProperty("allow_anonymous", Boolean.toString(allowAnonymous));
        p.setProperty("password_file", ""); // authentication is done by StoreAuthenticator
        p.setProperty("authenticator_class", "");
        p.setProperty("authorizator_class", "");
        p.setProperty("netty.mqtt.message_size", Integer.toString(maxMessageBytes));
        p.setProperty("netty.epoll", "false"); // NIO only: the epoll natives are not in this bundle
        p.setProperty("use_metrics", "false");
        p.setProperty("use_bugsnag", "false");
        // Moquette 0.17 sends usage data to its authors' server unless told not to; a gateway never does
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("persistence_enabled", Boolean.toString(persistence));
        if (persistence) {
            p.setProperty("data_path", dataDir.toString());
            // h2 keeps queued messages in the one MVStore file; "segmented" would preallocate 64 MB pages
            p.setProperty("persistent_queue_type", "h2");
        }
        return p;
    }

    @Override
    public String toString() {
        return "host=" + host + ", port=" + port + (tls == null ? "" : ", " + tls) + ", persistence=" + persistence
                + (persistence ? ", data_dir=" + dataDir : "") + ", allow_anonymous=" + allowAnonymous
                + ", credentials_dir=" + credentialsDir + ", topic_prefix=" + topicPrefix
                + ", gateway_id=" + (gatewayId == null ? "" : gatewayId) + ", operator_users=" + operatorUsers
                + ", reader_users=" + readerUsers + ", gateway_client_id_prefix=" + gatewayClientIdPrefix
                + (passwordFile == null ? "" : ", password_file=" + passwordFile)
                + ", max_message_bytes=" + maxMessageBytes;
    }

    private static void checkUsers(String key, List<String> users, Set<String> seen) {
        for (String u : users) {
            if (!USER.matcher(u).matches()) {
                throw new IllegalArgumentException(key + ": user names are 1-64 letters, digits, '.', '_' or '-'"
                        + " starting with a letter or digit; got '" + u + "'");
            }
            if (BUILT_IN.contains(u)) {
                throw new IllegalArgumentException(key + ": '" + u + "' is a built-in user with its own role");
            }
            if (!seen.add(u)) {
                throw new IllegalArgumentException(key + ": user '" + u + "' is listed twice (in operator_users or"
                        + " reader_users)");
            }
        }
    }

    private static String validateTopicPrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("topic_prefix is required, e.g. " + DEFAULT_TOPIC_PREFIX);
        }
        prefix = prefix.trim();
        if (prefix.length() > MAX_PREFIX_CHARS) {
            throw new IllegalArgumentException("topic_prefix is longer than " + MAX_PREFIX_CHARS + " characters");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//") || prefix.startsWith("$")) {
            throw new IllegalArgumentException("topic_prefix must not start with '/' or '$', end with '/' nor"
                    + " contain an empty level, got '" + prefix + "'");
        }
        for (String level : TopicFilters.levels(prefix)) {
            if (level.equals(".") || level.equals("..")) {
                throw new IllegalArgumentException("topic_prefix must not have '.' or '..' levels, got '" + prefix
                        + "'");
            }
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '+' || c == '#' || c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                throw new IllegalArgumentException("topic_prefix must not contain the MQTT wildcards '+' or '#',"
                        + " control characters or unpaired surrogates, got '" + prefix + "'");
            }
        }
        return prefix;
    }

    private static Path requireReadable(String key, Path file, String because) {
        if (file == null) {
            throw new IllegalArgumentException(key + " is required" + (because.isEmpty() ? "" : " when " + because));
        }
        Path p = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(key + " " + p + " does not exist or is not readable");
        }
        return p;
    }

    /** A {@code .cfg} file gives a list as one comma-separated string; a {@code .config} file as an array. */
    private static List<String> names(String[] values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String name : v.split("[,\\s]+")) {
                    if (!name.isEmpty()) {
                        out.add(name);
                    }
                }
            }
        }
        return out;
    }

    private static Path path(String value) {
        return isBlank(value) ? null : Path.of(value.trim());
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
