package io.facegate.itests;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * Store-and-forward through a 60 s outage of the embedded broker (its bundle stopped), see {@link OutageScenario};
 * {@link OutboxOutageMosquittoIT} runs the same against a killed mosquitto. The broker keeps its sessions across
 * the restart here ({@code persistence = true}) for the test's durable subscriber; the gateway's outbox does not
 * depend on it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OutboxOutageIT extends FacegateTestSupport {
    @Inject
    @Filter(timeout = 60_000)
    private Pipeline pipeline;

    @Override
    protected List<Option> extraOptions() {
        List<Option> options = new ArrayList<>(OutageScenario.options());
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "persistence", "true"));
        return options;
    }

    @Test
    public void everyEventOfAMinuteLongOutageOfTheEmbeddedBrokerArrivesInOrderAfterTheReconnect() throws Exception {
        OutageScenario.run(getClass().getSimpleName(), new EmbeddedBroker(bundleContext), GATEWAY_ID,
                Path.of(System.getProperty(INBOX)), pipeline);
    }
}
