package io.facegate.mqtt.broker.internal;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS listener's context from the configured stores, with the JDK's TLS (1.3 and 1.2 only). Moquette's
 * own loader is not used: it takes the passwords as plain configuration values, looks the key store up on the class
 * path first and, with client authentication on, trusts whatever the key store holds. Passwords come from files
 * only their owner can read and are wiped after use.
 */
final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * @param tls the validated TLS settings
     * @return the server context
     * @throws IllegalArgumentException naming the key of a store that cannot be loaded
     */
    static SslContext serverContext(BrokerSettings.Tls tls) {
        char[] keyPassword = SecretFiles.read("keystore_password_file", tls.keystorePasswordFile()).toCharArray();
        try {
            KeyStore keys = load("keystore_file", tls.keystoreFile(), keyPassword);
            if (Collections.list(keys.aliases()).stream().noneMatch(a -> isKeyEntry(keys, a))) {
                throw new IllegalArgumentException("keystore_file " + tls.keystoreFile() + " holds no private key");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyPassword); // PKCS12: the key is protected by the store's password
            SslContextBuilder builder = SslContextBuilder.forServer(kmf)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS);
            if (tls.clientAuth()) {
                char[] trustPassword = tls.truststorePasswordFile() == null ? null
                        : SecretFiles.read("truststore_password_file", tls.truststorePasswordFile()).toCharArray();
                try {
                    KeyStore trust = load("truststore_file", tls.truststoreFile(), trustPassword);
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trust);
                    builder.trustManager(tmf).clientAuth(ClientAuth.REQUIRE);
                } finally {
                    if (trustPassword != null) {
                        Arrays.fill(trustPassword, '\0');
                    }
                }
            }
            return builder.build();
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS listener cannot be set up from keystore_file "
                    + tls.keystoreFile() + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(keyPassword, '\0');
        }
    }

    private static boolean isKeyEntry(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore load(String key, Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            // the JDK's PKCS12 key store also reads JKS files (keystore.type.compat)
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + " " + file + " cannot be loaded (wrong password or not PKCS12?): "
                    + e.getMessage(), e);
        }
    }
}
