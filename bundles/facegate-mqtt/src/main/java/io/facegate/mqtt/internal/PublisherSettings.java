package io.facegate.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of the gateway's MQTT side: connection, outbox, commands, status. Every rule fails
 * fast with an {@link IllegalArgumentException} whose message names the configuration key, so a bad
 * {@code etc/io.facegate.mqtt.cfg} shows up in the log at activation, not later. Secrets are never held here as
 * values read from files: {@code password_file} and the store password files are read on every connect attempt.
 *
 * @param brokerUrl           {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://} URL of the broker
 * @param username            user name, or {@code null} for an anonymous connection
 * @param password            password, or {@code null}; only with a user name (prefer {@code passwordFile})
 * @param passwordFile        a 0600 file holding the password, or {@code null}; only with a user name
 * @param gatewayId           this gateway's id, one topic level
 * @param clientId            MQTT client id
 * @param topicPrefix         first topic level(s), without leading or trailing slash
 * @param qos                 QoS of the event messages, 1 or 2 (an event is removed from the outbox on the ack)
 * @param maxInflight         most event messages sent and not yet acknowledged
 * @param keepAliveSeconds    MQTT keep-alive interval, 0 = off
 * @param connectTimeoutSeconds TCP + MQTT connect timeout
 * @param reconnectMinDelayMs first wait after a failed connect; doubled after each failure
 * @param reconnectMaxDelayMs longest wait between two connect attempts
 * @param tls                 trust and key stores for ssl:// and wss://, never {@code null}
 * @param heartbeatSeconds    the retained status is republished at least this often
 * @param stallSeconds        frames queued with none processed for this long make the gateway degraded
 * @param groups              the groups this gateway belongs to (one topic level each)
 * @param commandMaxBytes     largest command payload handled; larger ones get a 413 reply
 * @param homeAssistantDiscovery whether to publish Home Assistant discovery
 * @param homeAssistantPrefix discovery prefix for Home Assistant (also used to clean up after switching it off)
 * @param outboxDir           folder of the persistent outbox
 * @param outboxMaxBytes      bound of the outbox on disk
 * @param outboxOverflow      what a full outbox drops
 */
record PublisherSettings(String brokerUrl, String username, String password, Path passwordFile, String gatewayId,
                         String clientId, String topicPrefix, int qos, int maxInflight, int keepAliveSeconds,
                         int connectTimeoutSeconds, long reconnectMinDelayMs, long reconnectMaxDelayMs,
                         TlsSettings tls, int heartbeatSeconds, int stallSeconds, List<String> groups,
                         int commandMaxBytes, boolean homeAssistantDiscovery,
                         String homeAssistantPrefix, Path outboxDir, long outboxMaxBytes,
                         EventOutbox.Overflow outboxOverflow) {

    static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    static final String DEFAULT_TOPIC_PREFIX = "facegate";
    static final int DEFAULT_QOS = 1;
    static final int DEFAULT_MAX_INFLIGHT = 64;
    static final int DEFAULT_KEEPALIVE_S = 30;
    static final int DEFAULT_CONNECT_TIMEOUT_S = 10;
    static final long DEFAULT_RECONNECT_MIN_DELAY_MS = 1000;
    static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;
    static final int DEFAULT_HEARTBEAT_S = 60;
    static final int DEFAULT_COMMAND_MAX_BYTES = 4 << 20;
    static final long DEFAULT_OUTBOX_MAX_BYTES = 64L << 20;

    static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
    /** One topic level usable as a gateway id: also a safe file name and log token. */
    static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_CLIENT_ID_CHARS = 128;
    private static final int MAX_PREFIX_CHARS = 200;

    /**
     * The TLS material of the connection; every path {@code null} when not configured.
     *
     * @param trustStore             PKCS12 or JKS trust store with the broker's CA; {@code null} = the JVM's
     * @param trustStorePasswordFile a 0600 file with the trust store's password, or {@code null}
     * @param keyStore               PKCS12 key store with this gateway's client certificate and key (mutual TLS)
     * @param keyStorePasswordFile   a 0600 file with the key store's password
     */
    record TlsSettings(Path trustStore, Path trustStorePasswordFile, Path keyStore, Path keyStorePasswordFile) {
        /** @return whether anything is configured */
        boolean configured() {
            return trustStore != null || keyStore != null;
        }
    }

    /** Validates and normalises. */
    PublisherSettings {
        brokerUrl = validateBrokerUrl(brokerUrl);
        username = blankToNull(username);
        password = password == null || password.isEmpty() ? null : password;
        if ((password != null || passwordFile != null) && username == null) {
            // MQTT 3.1.1, 3.1.2.9: a password flag without a user name flag is a protocol violation
            throw new IllegalArgumentException("password is set but username is empty; MQTT 3.1.1 allows a password"
                    + " only together with a user name");
        }
        if (password != null && passwordFile != null) {
            throw new IllegalArgumentException("password and password_file are both set; keep one (password_file)");
        }
        if (username != null && username.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalArgumentException("username is longer than 65535 bytes");
        }
        gatewayId = blankToNull(gatewayId);
        if (gatewayId == null) {
            gatewayId = defaultGatewayId();
        } else if (!GATEWAY_ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("gateway_id must be 1-64 letters, digits, '.', '_' or '-' starting"
                    + " with a letter or digit (it is one MQTT topic level), got '" + gatewayId + "'");
        }
        if (gatewayId.equals("group")) {
            throw new IllegalArgumentException("gateway_id must not be 'group': <topic_prefix>/group/... are the"
                    + " group command topics");
        }
        clientId = blankToNull(clientId);
        if (clientId == null) {
            clientId = "facegate-" + gatewayId;
        }
        if (clientId.length() > MAX_CLIENT_ID_CHARS || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("client_id must be 1-" + MAX_CLIENT_ID_CHARS
                    + " printable ASCII characters without spaces, got '" + clientId + "'");
        }
        topicPrefix = validateTopicPrefix(topicPrefix, "topic_prefix");
        requireRange("qos", qos, 1, 2);
        requireRange("max_inflight", maxInflight, 1, 65_000);
        requireRange("keepalive_s", keepAliveSeconds, 0, 65_535);
        requireRange("connect_timeout_s", connectTimeoutSeconds, 1, 300);
        requireRange("reconnect_min_delay_ms", reconnectMinDelayMs, 10, 3_600_000);
        requireRange("reconnect_max_delay_ms", reconnectMaxDelayMs, reconnectMinDelayMs, 3_600_000);
        Objects.requireNonNull(tls, "tls");
        if (tls.keyStore() != null && tls.keyStorePasswordFile() == null) {
            throw new IllegalArgumentException("key_store_file needs key_store_password_file");
        }
        requireFile("trust_store_file", tls.trustStore());
        requireFile("trust_store_password_file", tls.trustStorePasswordFile());
        requireFile("key_store_file", tls.keyStore());
        requireFile("key_store_password_file", tls.keyStorePasswordFile());
        if (tls.configured() && !(brokerUrl.startsWith("ssl:") || brokerUrl.startsWith("wss:"))) {
            throw new IllegalArgumentException("trust_store_file/key_store_file need an ssl:// or wss:// broker_url,"
                    + " got '" + brokerUrl + "'");
        }
        requireRange("heartbeat_s", heartbeatSeconds, 1, 86_400);
        requireRange("stall_s", stallSeconds, 1, 86_400);
        groups = List.copyOf(groups);
        for (String g : groups) {
            if (!GATEWAY_ID.matcher(g).matches()) {
                throw new IllegalArgumentException("groups: each group must be 1-64 letters, digits, '.', '_' or '-'"
                        + " starting with a letter or digit (one topic level), got '" + g + "'");
            }
        }
        requireRange("command_max_bytes", commandMaxBytes, 1024, 256 << 20);
        homeAssistantPrefix = validateTopicPrefix(homeAssistantPrefix, "homeassistant_prefix");
        Objects.requireNonNull(outboxDir, "outbox_dir");
        requireRange("outbox_max_bytes", outboxMaxBytes, 64 << 10, 1L << 40);
        Objects.requireNonNull(outboxOverflow, "outbox_overflow");
    }

    /**
     * @param config the typed DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad key
     */
    static PublisherSettings from(MqttGatewayComponent.Config config) {
        return new PublisherSettings(config.broker__url(), config.username(), config.password(),
                path(config.password__file()), config.gateway__id(), config.client__id(), config.topic__prefix(),
                config.qos(), config.max__inflight(), config.keepalive__s(), config.connect__timeout__s(),
                config.reconnect__min__delay__ms(), config.reconnect__max__delay__ms(),
                new TlsSettings(path(config.trust__store__file()), path(config.trust__store__password__file()),
                        path(config.key__store__file()), path(config.key__store__password__file())),
                config.heartbeat__s(), config.stall__s(), groups(config.groups()), config.command__max__bytes(),
                config.homeassistant__discovery(), config.homeassistant__prefix(),
                outboxDir(config.outbox__dir()), config.outbox__max__bytes(),
                overflow(config.outbox__overflow()));
    }

    /** @return {@code <prefix>/<gateway>/events} */
    String eventsTopic() {
        return topicPrefix + "/" + gatewayId + "/events";
    }

    /** @return {@code <prefix>/<gateway>/status}, retained, carries the last will */
    String statusTopic() {
        return topicPrefix + "/" + gatewayId + "/status";
    }

    /** @return where the progress of a deployment job goes */
    String deployNotifyTopic(String jobId) {
        return topicPrefix + "/" + gatewayId + "/notify/deploy/" + jobId;
    }

    /** @return {@code <prefix>/<gateway>/cmd/}, followed by the command name */
    String commandTopicPrefix() {
        return topicPrefix + "/" + gatewayId + "/cmd/";
    }

    /** @return {@code <prefix>/group/<group>/cmd/} of a group, followed by the command name */
    String groupCommandTopicPrefix(String group) {
        return topicPrefix + "/group/" + group + "/cmd/";
    }

    /** @return {@code <prefix>/<gateway>/reply/} followed by the request id */
    String replyTopicPrefix() {
        return topicPrefix + "/" + gatewayId + "/reply/";
    }

    /** @return the settings with secrets masked, for logs */
    @Override
    public String toString() {
        return "broker_url=" + brokerUrl + ", username=" + (username == null ? "" : username)
                + ", password=" + (password == null ? "" : "********")
                + ", password_file=" + (passwordFile == null ? "" : passwordFile) + ", gateway_id=" + gatewayId
                + ", client_id=" + clientId + ", topic_prefix=" + topicPrefix + ", qos=" + qos
                + ", max_inflight=" + maxInflight + ", keepalive_s=" + keepAliveSeconds
                + ", connect_timeout_s=" + connectTimeoutSeconds + ", reconnect_min_delay_ms=" + reconnectMinDelayMs
                + ", reconnect_max_delay_ms=" + reconnectMaxDelayMs
                + (tls.configured() ? ", trust_store_file=" + tls.trustStore() + ", key_store_file=" + tls.keyStore()
                        : "")
                + ", heartbeat_s=" + heartbeatSeconds + ", stall_s=" + stallSeconds + ", groups=" + groups
                + ", command_max_bytes=" + commandMaxBytes + ", homeassistant_discovery=" + homeAssistantDiscovery
                + ", homeassistant_prefix=" + homeAssistantPrefix
                + ", outbox_dir=" + outboxDir + ", outbox_max_bytes=" + outboxMaxBytes + ", outbox_overflow="
                + outboxOverflow.name().toLowerCase(Locale.ROOT);
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    private static List<String> groups(String[] groups) {
        List<String> out = new ArrayList<>();
        if (groups != null) {
            for (String g : groups) {
                for (String part : g.split(",")) {
                    if (!part.isBlank() && !out.contains(part.trim())) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    private static Path outboxDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String data = System.getProperty("karaf.data");
        return (data == null ? Path.of("data") : Path.of(data)).resolve("facegate").resolve("outbox");
    }

    private static EventOutbox.Overflow overflow(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (EventOutbox.Overflow o : EventOutbox.Overflow.values()) {
            if (o.name().equals(v)) {
                return o;
            }
        }
        throw new IllegalArgumentException("outbox_overflow must be drop_oldest or drop_newest, got '" + value + "'");
    }

    private static void requireFile(String key, Path p) {
        if (p != null && !Files.isRegularFile(p)) {
            throw new IllegalArgumentException(key + ": no such file " + p);
        }
    }

    private static String validateBrokerUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker_url is required, e.g. " + DEFAULT_BROKER_URL);
        }
        url = url.trim();
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker_url is not a URL: '" + url + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("broker_url must start with tcp://, ssl://, ws:// or wss://, got '"
                    + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("broker_url must not carry credentials; set username and password"
                    + " instead");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("broker_url has no host (or an invalid one): '" + url + "'");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535 || (uri.getPort() < 0 && uri.getRawAuthority() != null
                && uri.getRawAuthority().endsWith(":"))) {
            throw new IllegalArgumentException("broker_url has an invalid port: '" + url + "'");
        }
        boolean web = scheme.startsWith("ws");
        String path = uri.getRawPath();
        if (!web && path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("broker_url: only ws:// and wss:// URLs may have a path, got '"
                    + url + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("broker_url must not have a query or fragment, got '" + url + "'");
        }
        if (!web && "/".equals(path)) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    private static String validateTopicPrefix(String prefix, String key) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException(key + " is required, e.g. " + DEFAULT_TOPIC_PREFIX);
        }
        prefix = prefix.trim();
        if (prefix.length() > MAX_PREFIX_CHARS) {
            throw new IllegalArgumentException(key + " is longer than " + MAX_PREFIX_CHARS + " characters");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException(key + " must not start or end with '/' nor contain an empty"
                    + " level, got '" + prefix + "'");
        }
        if (prefix.startsWith("$")) {
            throw new IllegalArgumentException(key + " must not start with '$' (reserved for the broker's own"
                    + " topics), got '" + prefix + "'");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '+' || c == '#' || c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                throw new IllegalArgumentException(key + " must not contain the MQTT wildcards '+' or '#',"
                        + " control characters or unpaired surrogates, got '" + prefix + "'");
            }
        }
        return prefix;
    }

    private static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", got " + value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * The host name as one valid gateway id: {@code HOSTNAME}, else {@code /etc/hostname}, else the JVM's idea of
     * the local host name; characters outside the gateway id alphabet become {@code -}.
     *
     * @return a valid gateway id, {@code gateway} if no host name can be found
     */
    static String defaultGatewayId() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                Path etc = Path.of("/etc/hostname");
                if (Files.isReadable(etc)) {
                    name = Files.readString(etc, StandardCharsets.UTF_8).strip();
                }
            } catch (IOException | RuntimeException e) {
                name = null;
            }
        }
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e) {
                name = null;
            }
        }
        return sanitizeGatewayId(name);
    }

    /**
     * @param name a host name, may be {@code null}
     * @return a valid gateway id derived from it
     */
    static String sanitizeGatewayId(String name) {
        if (name == null) {
            return "gateway";
        }
        String s = name.strip().replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[._-]+", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "gateway" : s;
    }
}
