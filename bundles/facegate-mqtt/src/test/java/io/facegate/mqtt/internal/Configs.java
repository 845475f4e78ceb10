package io.facegate.mqtt.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds a typed DS configuration as SCR would: the annotation defaults, overridden by .cfg-style keys. */
final class Configs {
    private Configs() {
    }

    /**
     * @param keyValues alternating keys (as in the .cfg file, e.g. {@code broker_url}) and values
     * @return the configuration
     */
    static MqttGatewayComponent.Config publisher(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int k = 0; k < keyValues.length; k += 2) {
            values.put((String) keyValues[k], keyValues[k + 1]);
        }
        for (Method m : MqttGatewayComponent.Config.class.getDeclaredMethods()) {
            values.putIfAbsent(m.getName().replace("__", "_"), m.getDefaultValue());
        }
        return (MqttGatewayComponent.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {MqttGatewayComponent.Config.class}, (proxy, method, args) -> {
                    String key = method.getName().replace("__", "_");
                    if (method.getName().equals("annotationType")) {
                        return MqttGatewayComponent.Config.class;
                    }
                    if (!values.containsKey(key)) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(key);
                });
    }
}
