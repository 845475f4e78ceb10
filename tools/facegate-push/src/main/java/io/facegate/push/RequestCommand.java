package io.facegate.push;

import com.google.gson.JsonElement;
import io.facegate.deploy.manifest.Manifest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;

/**
 * The commands whose job the gateway runs from one request: {@code rollback}, {@code uninstall} and
 * {@code push --url}. The command line and the envelope are checked first (nothing goes to a gateway that would
 * refuse it), then {@link SingleGateway} or, with {@code --group}, {@link GroupPush} send it and follow the job.
 */
final class RequestCommand {
    /** The gateway's limit on a {@code url}. */
    private static final int MAX_URL_CHARS = 2048;

    private RequestCommand() {
    }

    /** {@code rollback ENVELOPE}: the gateway reinstalls a kept earlier release; nothing else is sent. */
    static int rollback(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
        return envelopeOnly(argv, EnvelopeCheck.Use.ROLLBACK, SingleRequest::rollback, "rollback-", out, err);
    }

    /** {@code uninstall ENVELOPE}: the gateway removes the bundle the envelope names, at the version it names. */
    static int uninstall(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
        return envelopeOnly(argv, EnvelopeCheck.Use.UNINSTALL, SingleRequest::uninstall, "uninstall-", out, err);
    }

    private static int envelopeOnly(String[] argv, EnvelopeCheck.Use use, Function<JsonElement, SingleRequest> request,
            String jobPrefix, PrintStream out, PrintStream err) throws UsageException, IOException {
        Args a = Args.parse(argv, Push.REQUEST_OPTIONS, Set.of());
        Path envelopeFile = Path.of(a.operands(1, "one ENVELOPE").get(0));
        Targets t = Targets.of(a);
        EnvelopeCheck.check(envelopeFile, use, t.gateway(), t.group());
        return t.run(jobPrefix, request.apply(Push.readEnvelope(envelopeFile)), out, err);
    }

    /**
     * {@code push --url URL [ARTIFACT]}: the gateway downloads the artifact itself. ARTIFACT is optional: given, its
     * hash and size are checked against the envelope before any gateway is asked; without it {@code --envelope} is
     * needed, and only the gateways check what they download.
     *
     * @param a the parsed {@code push} command line
     */
    static int fetch(Args a, PrintStream out, PrintStream err) throws UsageException, IOException {
        String url = url(a.get("--url"));
        if (a.get("--chunk-kib") != null) {
            throw new UsageException("--chunk-kib goes with chunks, not with --url (the gateway downloads)");
        }
        String operand = a.optionalOperand("ARTIFACT");
        Path artifact = operand == null ? null : Path.of(operand);
        if (artifact == null && a.get("--envelope") == null) {
            throw new UsageException("push --url needs the ARTIFACT (checked against its envelope first) or"
                    + " --envelope FILE");
        }
        Path envelopeFile = a.get("--envelope") != null ? Path.of(a.get("--envelope"))
                : artifact.resolveSibling(artifact.getFileName() + ".signed.json");
        Targets t = Targets.of(a);
        Manifest m = EnvelopeCheck.check(envelopeFile, EnvelopeCheck.Use.INSTALL, t.gateway(), t.group());
        if (artifact != null) {
            EnvelopeCheck.artifact(m, envelopeFile, artifact);
        } else {
            err.println("note: no ARTIFACT given: only the gateways check the " + m.size() + " bytes at " + url
                    + " against the envelope");
        }
        return t.run("push-", SingleRequest.fetch(Push.readEnvelope(envelopeFile), url), out, err);
    }

    /** @return {@code url} if the gateway would take it: absolute http or https with a host, no fragment */
    private static String url(String url) throws UsageException {
        try {
            URI u = new URI(url);
            if (url.length() <= MAX_URL_CHARS && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    && u.getHost() != null && u.getRawFragment() == null) {
                return url;
            }
        } catch (URISyntaxException ignored) {
            // below
        }
        throw new UsageException("--url must be an absolute http:// or https:// URL with a host, no #fragment, at"
                + " most " + MAX_URL_CHARS + " characters");
    }

    /** Whom the request goes to, with the options of a group run, all checked before a file is read. */
    private record Targets(Args a, String broker, String gateway, String group, long timeoutMs,
            GroupPush.Setup setup) {
        static Targets of(Args a) throws UsageException {
            String broker = a.required("--broker");
            String group = Push.group(a);
            return new Targets(a, broker, a.get("--gateway"), group, Push.timeoutMs(a),
                    group == null ? null : GroupPush.Setup.of(a));
        }

        int run(String jobPrefix, SingleRequest request, PrintStream out, PrintStream err)
                throws UsageException, IOException {
            String job = Push.jobId(a, jobPrefix);
            return group == null ? SingleGateway.run(a, broker, gateway, job, timeoutMs, request, out, err)
                    : GroupPush.run(a, broker, group, setup, job, request, out, err);
        }
    }
}
