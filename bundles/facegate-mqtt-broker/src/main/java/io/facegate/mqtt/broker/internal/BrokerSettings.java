package io.facegate.mqtt.broker.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The validated configuration of the embedded broker. Every rule fails fast with an
 * {@link IllegalArgumentException} naming the configuration key.
 *
 * @param host            address to listen on
 * @param port            TCP port
 * @param persistence     whether sessions, subscriptions, queued and retained messages survive a restart
 * @param dataDir         where the store lives when {@code persistence} is on
 * @param allowAnonymous  whether clients without user name may connect
 * @param passwordFile    {@code user:sha256hex} lines, or {@code null}
 * @param maxMessageBytes largest MQTT packet accepted
 */
record BrokerSettings(String host, int port, boolean persistence, Path dataDir, boolean allowAnonymous,
                      Path passwordFile, int maxMessageBytes) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 1883;
    static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
    /** MQTT's largest remaining length. */
    static final int MAX_MESSAGE_BYTES = 268_435_455;

    /** Validates. */
    BrokerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required, e.g. 127.0.0.1 (loopback only) or 0.0.0.0 (all)");
        }
        host = host.trim();
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be within 1..65535, got " + port);
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
            passwordFile = passwordFile.toAbsolutePath().normalize();
            if (!Files.isReadable(passwordFile)) {
                throw new IllegalArgumentException("password_file " + passwordFile + " does not exist or is not"
                        + " readable");
            }
        }
        if (!allowAnonymous && passwordFile == null) {
            throw new IllegalArgumentException("allow_anonymous=false needs a password_file, else nobody could"
                    + " connect");
        }
    }

    /**
     * @param config   the typed DS configuration
     * @param karafData the Karaf data folder ({@code karaf.data}), or {@code null} outside Karaf
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad key
     */
    static BrokerSettings from(EmbeddedBrokerComponent.Config config, String karafData) {
        String dir = config.data__dir();
        Path dataDir;
        if (dir != null && !dir.isBlank()) {
            dataDir = Path.of(dir.trim());
        } else {
            dataDir = Path.of(karafData == null || karafData.isBlank() ? "data" : karafData, "facegate", "broker");
        }
        String pw = config.password__file();
        return new BrokerSettings(config.host(), config.port(), config.persistence(), dataDir,
                config.allow__anonymous(), pw == null || pw.isBlank() ? null : Path.of(pw.trim()),
                config.max__message__bytes());
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

    /** @return Moquette's configuration */
    Properties moquetteProperties() {
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", Boolean.toString(allowAnonymous));
        p.setProperty("password_file", ""); // authentication is done by PasswordFileAuthenticator
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
        return "host=" + host + ", port=" + port + ", persistence=" + persistence
                + (persistence ? ", data_dir=" + dataDir : "") + ", allow_anonymous=" + allowAnonymous
                + ", password_file=" + (passwordFile == null ? "" : passwordFile)
                + ", max_message_bytes=" + maxMessageBytes;
    }
}
