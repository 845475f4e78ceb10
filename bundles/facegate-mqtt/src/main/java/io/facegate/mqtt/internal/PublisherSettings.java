package io.facegate.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of the MQTT publisher. Every rule fails fast with an
 * {@link IllegalArgumentException} whose message names the configuration key, so a bad
 * {@code etc/io.facegate.mqtt.cfg} shows up in the log at activation, not later.
 *
 * @param brokerUrl           {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://} URL of the broker
 * @param username            user name, or {@code null} for an anonymous connection
 * @param password            password, or {@code null}; only with a user name
 * @param gatewayId           this gateway's id, one topic level
 * @param clientId            MQTT client id
 * @param topicPrefix         first topic level(s), without leading or trailing slash
 * @param qos                 QoS of the event messages, 0..2
 * @param queueCapacity       bound of the queue between the pipeline and the publisher thread
 * @param maxInflight         most event messages sent and not yet acknowledged
 * @param keepAliveSeconds    MQTT keep-alive interval, 0 = off
 * @param connectTimeoutSeconds TCP + MQTT connect timeout
 * @param reconnectMinDelayMs first wait after a failed connect; doubled after each failure
 * @param reconnectMaxDelayMs longest wait between two connect attempts
 */
record PublisherSettings(String brokerUrl, String username, String password, String gatewayId, String clientId,
                         String topicPrefix, int qos, int queueCapacity, int maxInflight, int keepAliveSeconds,
                         int connectTimeoutSeconds, long reconnectMinDelayMs, long reconnectMaxDelayMs) {

    static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    static final String DEFAULT_TOPIC_PREFIX = "facegate";
    static final int DEFAULT_QOS = 1;
    static final int DEFAULT_QUEUE_CAPACITY = 1000;
    static final int DEFAULT_MAX_INFLIGHT = 64;
    static final int DEFAULT_KEEPALIVE_S = 30;
    static final int DEFAULT_CONNECT_TIMEOUT_S = 10;
    static final long DEFAULT_RECONNECT_MIN_DELAY_MS = 1000;
    static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;

    static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
    /** One topic level usable as a gateway id: also a safe file name and log token. */
    static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_CLIENT_ID_CHARS = 128;
    private static final int MAX_PREFIX_CHARS = 200;

    /** Validates and normalises. */
    PublisherSettings {
        brokerUrl = validateBrokerUrl(brokerUrl);
        username = blankToNull(username);
        password = password == null || password.isEmpty() ? null : password;
        if (password != null && username == null) {
            // MQTT 3.1.1, 3.1.2.9: a password flag without a user name flag is a protocol violation
            throw new IllegalArgumentException("password is set but username is empty; MQTT 3.1.1 allows a password"
                    + " only together with a user name");
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
        clientId = blankToNull(clientId);
        if (clientId == null) {
            clientId = "facegate-" + gatewayId;
        }
        if (clientId.length() > MAX_CLIENT_ID_CHARS || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("client_id must be 1-" + MAX_CLIENT_ID_CHARS
                    + " printable ASCII characters without spaces, got '" + clientId + "'");
        }
        topicPrefix = validateTopicPrefix(topicPrefix);
        requireRange("qos", qos, 0, 2);
        requireRange("queue_capacity", queueCapacity, 1, 1_000_000);
        requireRange("max_inflight", maxInflight, 1, 65_000);
        requireRange("keepalive_s", keepAliveSeconds, 0, 65_535);
        requireRange("connect_timeout_s", connectTimeoutSeconds, 1, 300);
        requireRange("reconnect_min_delay_ms", reconnectMinDelayMs, 10, 3_600_000);
        requireRange("reconnect_max_delay_ms", reconnectMaxDelayMs, reconnectMinDelayMs, 3_600_000);
    }

    /**
     * @param config the typed DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad key
     */
    static PublisherSettings from(MqttPublisherComponent.Config config) {
        return new PublisherSettings(config.broker__url(), config.username(), config.password(),
                config.gateway__id(), config.client__id(), config.topic__prefix(), config.qos(),
                config.queue__capacity(), config.max__inflight(), config.keepalive__s(), config.connect__timeout__s(),
                config.reconnect__min__delay__ms(), config.reconnect__max__delay__ms());
    }

    /** @return {@code <prefix>/<gateway>/events} */
    String eventsTopic() {
        return topicPrefix + "/" + gatewayId + "/events";
    }

    /** @return {@code <prefix>/<gateway>/status}, retained, carries the last will */
    String statusTopic() {
        return topicPrefix + "/" + gatewayId + "/status";
    }

    /** @return the settings with the password masked, for logs */
    @Override
    public String toString() {
        return "broker_url=" + brokerUrl + ", username=" + (username == null ? "" : username)
                + ", password=" + (password == null ? "" : "********") + ", gateway_id=" + gatewayId
                + ", client_id=" + clientId + ", topic_prefix=" + topicPrefix + ", qos=" + qos
                + ", queue_capacity=" + queueCapacity + ", max_inflight=" + maxInflight
                + ", keepalive_s=" + keepAliveSeconds + ", connect_timeout_s=" + connectTimeoutSeconds
                + ", reconnect_min_delay_ms=" + reconnectMinDelayMs + ", reconnect_max_delay_ms=" + reconnectMaxDelayMs;
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

    private static String validateTopicPrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("topic_prefix is required, e.g. " + DEFAULT_TOPIC_PREFIX);
        }
        prefix = prefix.trim();
        if (prefix.length() > MAX_PREFIX_CHARS) {
            throw new IllegalArgumentException("topic_prefix is longer than " + MAX_PREFIX_CHARS + " characters");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("topic_prefix must not start or end with '/' nor contain an empty"
                    + " level, got '" + prefix + "'");
        }
        if (prefix.startsWith("$")) {
            throw new IllegalArgumentException("topic_prefix must not start with '$' (reserved for the broker's own"
                    + " topics), got '" + prefix + "'");
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
