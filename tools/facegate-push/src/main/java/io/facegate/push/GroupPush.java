package io.facegate.push;

import com.google.gson.JsonObject;
import io.facegate.deploy.manifest.Manifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * {@code push --group}, {@code rollback --group} and {@code uninstall --group}: a roll call on the group's topic
 * learns who is there and where each stands with the job; then every member gets its own requests on its own
 * command topic, all members at once, each paced by its own replies (a slow or flaky gateway delays nobody else,
 * and its resends and resume are the same as for one gateway). Ends with one line per member and exit 0 only if
 * every one ended {@code done}.
 */
final class GroupPush {
    private static final int MAX_THREADS = 64;

    private GroupPush() {
    }

    /** The command line of a group run, checked before a file is read or a byte sent. */
    record Setup(Membership membership, MemberRun.Limits limits, long rollCallMs) {
        static Setup of(Args a) throws UsageException {
            return new Setup(Membership.of(a), new MemberRun.Limits(Push.millis(a, "--reply-s", 30),
                    Push.count(a, "--retries", 3), Push.timeoutMs(a)), Push.millis(a, "--roll-call-s", 3));
        }
    }

    static int push(Args a, String broker, String group, Path artifact, Path envelopeFile, int chunkBytes,
            PrintStream out, PrintStream err) throws UsageException, IOException {
        Setup setup = Setup.of(a);
        Manifest manifest = EnvelopeCheck.check(envelopeFile, EnvelopeCheck.Use.INSTALL, null, group);
        EnvelopeCheck.artifact(manifest, envelopeFile, artifact);
        Delivery delivery = new ChunkedInstall(Push.readEnvelope(envelopeFile), Files.readAllBytes(artifact),
                chunkBytes);
        return run(a, broker, group, setup, Push.jobId(a, "push-"), delivery, out, err);
    }

    /**
     * Sends {@code delivery} to the members of {@code group} and reports how each job ended.
     *
     * @param setup the group options, checked before any file was read
     */
    static int run(Args a, String broker, String group, Setup setup, String job, Delivery delivery,
            PrintStream out, PrintStream err) throws UsageException, IOException {
        String prefix = Push.prefix(a);
        try (BrokerLink link = BrokerLink.connect(a, broker)) {
            Map<String, JsonObject> answered = RollCall.ask(link, prefix, group, job, setup.rollCallMs());
            Membership.Plan plan = setup.membership().plan(answered);
            if (plan.refusal() != null) {
                err.println("error: group " + group + ": " + plan.refusal());
                return PushCli.FAILED;
            }
            for (String g : plan.silent()) {
                err.println(g + ": did not answer the roll call of group " + group + "; trying it all the same");
            }
            List<Outcome> outcomes = deliver(link, prefix, job, delivery, setup.limits(), plan.members(), answered,
                    err);
            report(out, outcomes, plan.unlisted(), group);
            return Outcome.exitCode(outcomes);
        } catch (MqttException e) {
            err.println("error: MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
            return PushCli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushCli.FAILED;
        }
    }

    /** Runs every member's part at once, each on its own session over the one connection. */
    private static List<Outcome> deliver(BrokerLink link, String prefix, String job, Delivery delivery,
            MemberRun.Limits limits, List<String> members, Map<String, JsonObject> answered, PrintStream err)
            throws MqttException, InterruptedException {
        GroupProgress progress = new GroupProgress(err, members, delivery.label(null));
        List<GatewaySession> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_THREADS, members.size()), r -> {
            Thread t = new Thread(r, "push-member");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> runs = new ArrayList<>();
            for (String g : members) {
                GatewaySession s = GatewaySession.open(link, prefix + "/" + g, job);
                sessions.add(s);
                JsonObject known = known(answered.get(g));
                runs.add(pool.submit(() -> new MemberRun(g, s, delivery, limits, progress).run(known)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : runs) {
                outcomes.add(f.get());
            }
            progress.finish();
            err.println("sent " + sessions.stream().mapToLong(GatewaySession::sentBytes).sum()
                    + " bytes of MQTT payload in " + sessions.stream().mapToInt(GatewaySession::requests).sum()
                    + " requests to " + members.size() + " gateway(s)");
            return outcomes;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a member's run broke", e.getCause());
        } finally {
            pool.shutdownNow();
            sessions.forEach(GatewaySession::close);
        }
    }

    /** @return the job from a roll call answer (200), or {@code null} when the gateway has none (404) or is mute */
    private static JsonObject known(JsonObject answer) {
        return answer != null && answer.has("code") && answer.get("code").getAsInt() == 200
                && answer.get("result").isJsonObject() ? answer.getAsJsonObject("result") : null;
    }

    /** One line per member, then the gateways that answered for the group but were not sent anything. */
    private static void report(PrintStream out, List<Outcome> outcomes, List<String> unlisted, String group) {
        int width = outcomes.stream().mapToInt(o -> o.gateway().length()).max().orElse(0);
        for (String g : unlisted) {
            width = Math.max(width, g.length());
        }
        for (Outcome o : outcomes) {
            String line = String.format("%-" + width + "s  %s", o.gateway(), o.state());
            out.println(o.detail().isEmpty() ? line : line + "  " + o.detail());
        }
        for (String g : unlisted) {
            out.println(String.format("%-" + width + "s  not sent  answered for group %s, not in --members", g, group));
        }
        long done = outcomes.stream().filter(o -> o.state() == Outcome.State.DONE).count();
        out.println(done + " of " + outcomes.size() + " gateway(s) done");
    }
}
