package io.facegate.push;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttException;

/** The fake gateways of one test, made one by one, connected together and closed together. */
final class FakeGateways implements AutoCloseable {
    private final List<FakeGateway> gateways = new ArrayList<>();
    private final String brokerUrl;
    private final Path trust;

    FakeGateways(String brokerUrl, Path trust) {
        this.brokerUrl = brokerUrl;
        this.trust = trust;
    }

    FakeGateway add(String id, String... groups) throws Exception {
        FakeGateway g = new FakeGateway(brokerUrl, id, List.of(groups), trust);
        gateways.add(g);
        return g;
    }

    /** Connects the gateways made since the last call, all at once (each connect costs Paho ~0.3 s). */
    void start() {
        gateways.parallelStream().forEach(g -> {
            try {
                if (!g.started()) {
                    g.start();
                }
            } catch (MqttException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void close() {
        gateways.parallelStream().forEach(FakeGateway::close);
    }
}
