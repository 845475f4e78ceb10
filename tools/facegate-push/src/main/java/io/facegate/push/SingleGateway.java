package io.facegate.push;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * A one-request job ({@link SingleRequest}) on one gateway: sends the request, then follows the job to its end and
 * prints the gateway's final report; a download shows its bytes on stderr meanwhile. Exit 0 only for {@code done}.
 */
final class SingleGateway {
    private SingleGateway() {
    }

    static int run(Args a, String broker, String gateway, String job, long timeoutMs, Delivery delivery,
            PrintStream out, PrintStream err) throws UsageException, IOException {
        try (GatewaySession session = GatewaySession.open(a, broker, Push.prefix(a) + "/" + gateway, job)) {
            JsonObject reply = session.request(delivery.verb(), delivery.next(null), timeoutMs);
            if (reply == null || reply.get("code").getAsInt() != 200) {
                return Push.refused(reply, gateway, delivery::refuses, out, err);
            }
            JsonObject first = reply.getAsJsonObject("result");
            DownloadBar bar = new DownloadBar(err);
            bar.accept(first);
            JsonObject end = session.awaitEnd(first, timeoutMs, bar);
            bar.finish();
            return Push.report(end, out);
        } catch (MqttException e) {
            err.println("error: MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
            return PushCli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushCli.FAILED;
        }
    }

    /** The gateway's download as a bar, from the first {@code receiving} state on; silent for other jobs. */
    private static final class DownloadBar implements Consumer<JsonObject> {
        private final PrintStream err;
        private boolean drawn;

        DownloadBar(PrintStream err) {
            this.err = err;
        }

        @Override
        public void accept(JsonObject job) {
            if (drawn || "receiving".equals(job.get("state").getAsString())) {
                Push.progress(err, job.get("received").getAsLong(), job.get("size").getAsLong());
                drawn = true;
            }
        }

        void finish() {
            if (drawn) {
                err.println();
            }
        }
    }
}
