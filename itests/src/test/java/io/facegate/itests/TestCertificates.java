package io.facegate.itests;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA made for one test with {@code openssl} (EC P-256, valid two days): a server certificate for
 * {@code 127.0.0.1} (subjectAltName {@code IP:127.0.0.1, DNS:localhost}) and client certificates by common name.
 * PEM files for mosquitto; PKCS12 trust and key stores, each with a random password in a 0600 file, for Java
 * clients. Keys are written unencrypted into a 0700 folder, deleted on {@link #close()}; no secret is ever passed
 * on a command line.
 */
final class TestCertificates implements AutoCloseable {
    /** A PKCS12 store and the 0600 file holding its password. */
    record Store(Path file, Path passwordFile) {
        char[] password() throws IOException {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the CA and the server certificate in a new 0700 folder under {@code parent}; skips the test if
     * openssl is not installed.
     */
    static TestCertificates create(Path parent) throws IOException, InterruptedException {
        assumeTrue("skipped: openssl is not installed (.ci/run installs it)", openssl() != null);
        Path dir = Files.createTempDirectory(parent, "certs-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        TestCertificates c = new TestCertificates(dir);
        c.key("ca");
        c.run("req", "-new", "-key", "ca.key", "-subj", "/CN=facegate itest CA", "-out", "ca.csr");
        c.write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\n");
        c.run("x509", "-req", "-in", "ca.csr", "-signkey", "ca.key", "-days", "2", "-sha256", "-set_serial",
                serial(), "-extfile", "ca.ext", "-out", "ca.pem");
        c.issue("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        return c;
    }

    /** @return the folder of every file */
    Path dir() {
        return dir;
    }

    /** @return the CA certificate (PEM) */
    Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** @return the server certificate (PEM) */
    Path serverPem() {
        return dir.resolve("server.pem");
    }

    /** @return the server's private key (PEM, PKCS#8) */
    Path serverKey() {
        return dir.resolve("server.key");
    }

    /**
     * Issues a client certificate (extendedKeyUsage clientAuth) signed by the CA.
     *
     * @param commonName its CN; also the file name stem, so letters, digits and '-'
     */
    void issueClient(String commonName) throws IOException, InterruptedException {
        issue(commonName, commonName, "extendedKeyUsage=clientAuth\n");
    }

    /** @return a PKCS12 trust store holding the CA certificate only */
    Store trustStore() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("facegate-itest-ca", certificate(caPem()));
        return save(ks, "truststore");
    }

    /** @return a PKCS12 key store with a client's key and certificate chain (client, CA) */
    Store keyStore(String commonName) throws IOException, GeneralSecurityException {
        Store s = new Store(dir.resolve(commonName + ".p12"), dir.resolve(commonName + ".p12.password"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = newPassword(s.passwordFile());
        ks.setKeyEntry(commonName, privateKey(dir.resolve(commonName + ".key")), password,
                new Certificate[] {certificate(dir.resolve(commonName + ".pem")), certificate(caPem())});
        try (OutputStream out = Files.newOutputStream(s.file())) {
            ks.store(out, password);
        }
        return s;
    }

    /**
     * @param commonName a client issued before, or {@code null} for a context without a client certificate
     * @return a TLS context that trusts only this CA and presents that client's certificate
     */
    SSLContext sslContext(String commonName) throws IOException, GeneralSecurityException {
        Store trust = trustStore();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStore.getInstance(trust.file().toFile(), trust.password()));
        KeyManagerFactory kmf = null;
        if (commonName != null) {
            Store keys = keyStore(commonName);
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(KeyStore.getInstance(keys.file().toFile(), keys.password()), keys.password());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Deletes the folder and everything in it. */
    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void issue(String stem, String commonName, String extensions) throws IOException, InterruptedException {
        key(stem);
        run("req", "-new", "-key", stem + ".key", "-subj", "/CN=" + commonName, "-out", stem + ".csr");
        write(stem + ".ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "authorityKeyIdentifier=keyid\n" + extensions);
        run("x509", "-req", "-in", stem + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "2", "-sha256",
                "-set_serial", serial(), "-extfile", stem + ".ext", "-out", stem + ".pem");
    }

    private void key(String stem) throws IOException, InterruptedException {
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", stem + ".key");
    }

    private Store save(KeyStore ks, String stem) throws IOException, GeneralSecurityException {
        Store s = new Store(dir.resolve(stem + ".p12"), dir.resolve(stem + ".p12.password"));
        char[] password = newPassword(s.passwordFile());
        try (OutputStream out = Files.newOutputStream(s.file())) {
            ks.store(out, password);
        }
        return s;
    }

    /** Writes a new random password into a new 0600 file. */
    private static char[] newPassword(Path file) throws IOException {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password, StandardCharsets.UTF_8);
        return password.toCharArray();
    }

    private static Certificate certificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String body = text.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String serial() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        b[0] &= 0x7f; // positive
        return "0x" + HexFormat.of().formatHex(b);
    }

    private void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(openssl());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + args[0] + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed (" + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static String openssl() {
        for (String candidate : List.of("/usr/bin/openssl", "/usr/local/bin/openssl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "openssl"))) {
                    return Path.of(d, "openssl").toString();
                }
            }
        }
        return null;
    }
}
