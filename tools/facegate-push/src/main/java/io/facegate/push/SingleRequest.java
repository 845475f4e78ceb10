package io.facegate.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A job the gateway runs from one request: {@code deploy/rollback}, {@code deploy/uninstall}, or {@code deploy/install}
 * with a {@code url} (the gateway downloads the artifact itself). Once the gateway has the job nothing more is sent; a
 * request that went unanswered is sent again with a new id, and the gateway answers it with the job as it stands.
 */
final class SingleRequest implements Delivery {
    private final String verb;
    private final JsonObject fields;
    private final String what;

    private SingleRequest(String verb, JsonObject fields, String what) {
        this.verb = verb;
        this.fields = fields;
        this.what = what;
    }

    /** @param envelope a rollback envelope ({@code sign --rollback}) */
    static SingleRequest rollback(JsonElement envelope) {
        return new SingleRequest("rollback", withEnvelope(envelope), "the rollback request");
    }

    /** @param envelope an uninstall envelope ({@code sign --uninstall}) */
    static SingleRequest uninstall(JsonElement envelope) {
        return new SingleRequest("uninstall", withEnvelope(envelope), "the uninstall request");
    }

    /**
     * @param envelope the artifact's envelope
     * @param url      where the gateway downloads the artifact from, http or https
     */
    static SingleRequest fetch(JsonElement envelope, String url) {
        JsonObject r = withEnvelope(envelope);
        r.addProperty("url", url);
        return new SingleRequest("install", r, "the install request (url)");
    }

    private static JsonObject withEnvelope(JsonElement envelope) {
        JsonObject r = new JsonObject();
        r.add("envelope", envelope);
        return r;
    }

    @Override
    public String verb() {
        return verb;
    }

    @Override
    public JsonObject next(JsonObject job) {
        return job == null ? fields.deepCopy() : null;
    }

    @Override
    public String describe(JsonObject request) {
        return what;
    }

    @Override
    public boolean resumes() {
        return false;
    }

    /** Every 4xx: the one request was read and judged, and sending it again would get the same answer. */
    @Override
    public boolean refuses(int code) {
        return code >= 400 && code < 500;
    }

    /** A download counts its bytes; a rollback (received = size) and an uninstall (size 0) are whole at once. */
    @Override
    public double done(JsonObject job) {
        if (job == null) {
            return 0;
        }
        long size = job.get("size").getAsLong();
        if (size <= 0 || GatewaySession.finished(job)) {
            return 1;
        }
        return Math.min(1.0, job.get("received").getAsLong() / (double) size);
    }

    @Override
    public String label(JsonObject job) {
        if (job == null) {
            return "-";
        }
        String state = job.get("state").getAsString();
        return "receiving".equals(state) ? Math.round(100 * done(job)) + "%" : state;
    }
}
