package io.facegate.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;

/**
 * Boots the real gateway distribution (the tar.gz built by gateway-distro)
 * in a forked Karaf, with the JDK 17 flags of its bin/karaf. Subclasses add
 * options through {@link #extraOptions()}.
 */
public abstract class FacegateTestSupport {

    /** Gateway id the test gateways publish under. */
    protected static final String GATEWAY_ID = "itest";
    /** System property (inside the container): the embedded broker's port. */
    protected static final String MQTT_PORT = "facegate.itest.mqtt.port";
    /** System property (inside the container): the folder camera's inbox. */
    protected static final String INBOX = "facegate.itest.inbox";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    /** Registered by Karaf once the boot features are installed: tests start on a booted gateway. */
    @Inject
    @Filter(timeout = 180_000)
    protected BootFinished bootFinished;

    @Configuration
    public Option[] config() {
        String karaf = System.getProperty("karaf.version");
        String localRepo = System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven().groupId("io.facegate").artifactId("gateway-distro")
                                .type("tar.gz").version(System.getProperty("facegate.version")))
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false)
                        .name("facegate gateway"),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // the gateway resolves nothing remotely; Exam's own probe bundles come from the build's local repository
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository", localRepo),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                // share the unpacked TensorFlow natives between test runs (650 MB)
                vmOption("-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("javacpp.cachedir")),
                vmOption("-Djava.awt.headless=true"),
                systemProperty("facegate.data.dir").value(System.getProperty("facegate.data.dir", "")),
                vmOption("--add-reads=java.xml=java.logging"),
                vmOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
                vmOption("--patch-module"),
                vmOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karaf + ".jar"),
                vmOption("--patch-module"),
                vmOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karaf + ".jar"),
                vmOption("--add-opens"), vmOption("java.base/java.security=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.net=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.lang=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.base/java.util=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.naming/javax.naming.spi=ALL-UNNAMED"),
                vmOption("--add-opens"), vmOption("java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED"),
                vmOption("--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED"),
                vmOption("--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED"),
                vmOption("--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED")));
        // each gateway under test gets its own broker port and camera inbox, told to the probe
        int mqttPort = freePort();
        String inbox = tempDir("facegate-inbox-");
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "port", String.valueOf(mqttPort)));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "broker_url", "tcp://127.0.0.1:" + mqttPort));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "gateway_id", GATEWAY_ID));
        options.add(editConfigurationFilePut("etc/io.facegate.camera.folder-inbox.cfg", "directory", inbox));
        options.add(editConfigurationFilePut("etc/io.facegate.camera.folder-inbox.cfg", "settle_ms", "100"));
        options.add(systemProperty(MQTT_PORT).value(String.valueOf(mqttPort)));
        options.add(systemProperty(INBOX).value(inbox));
        if (Boolean.getBoolean("facegate.itest.keep")) {
            // -Dfacegate.itest.keep=true leaves target/exam/<uuid> behind, logs included, for debugging
            options.add(keepRuntimeFolder());
        }
        options.addAll(extraOptions());
        return options.toArray(new Option[0]);
    }

    /** @return options a test class adds to the gateway it boots */
    protected List<Option> extraOptions() {
        return List.of();
    }

    private static String tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toAbsolutePath().toString();
        } catch (IOException e) {
            throw new IllegalStateException("no temp directory for the test gateway", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the test gateway's console", e);
        }
    }
}
