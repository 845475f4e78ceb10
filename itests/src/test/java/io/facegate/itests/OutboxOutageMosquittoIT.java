package io.facegate.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * {@link OutboxOutageIT} against Debian's mosquitto instead of the embedded broker (see {@link OutageScenario}):
 * the gateway is pointed at a mosquitto the probe starts on a free loopback port (anonymous:
 * {@code etc/io.facegate.mqtt.cfg} without credentials), and the outage is mosquitto killed with SIGKILL for 60 s,
 * then started again on the same port with its saved store.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OutboxOutageMosquittoIT extends FacegateTestSupport {
    /** System property (inside the container): mosquitto's port. */
    private static final String MOSQUITTO_PORT = "facegate.itest.mosquitto.port";

    @Inject
    @Filter(timeout = 60_000)
    private Pipeline pipeline;

    private Mosquitto mosquitto;

    @Override
    protected List<Option> extraOptions() {
        int port = Ports.free();
        List<Option> options = new ArrayList<>(OutageScenario.options());
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "broker_url", "tcp://127.0.0.1:" + port));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "username", ""));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "password_file", ""));
        options.add(systemProperty(MOSQUITTO_PORT).value(String.valueOf(port)));
        return options;
    }

    @Before
    public void startMosquitto() throws Exception {
        mosquitto = new Mosquitto(Path.of(System.getProperty("karaf.data"), "itest-mosquitto"),
                Integer.parseInt(System.getProperty(MOSQUITTO_PORT)));
        mosquitto.start();
    }

    @After
    public void killMosquitto() throws Exception {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    public void everyEventOfAMinuteLongMosquittoOutageArrivesInOrderAfterTheReconnect() throws Exception {
        OutageScenario.run(getClass().getSimpleName(), mosquitto, GATEWAY_ID, Path.of(System.getProperty(INBOX)),
                pipeline);
    }
}
