package io.facegate.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** {@code deploy/rollback}: one request with the rollback envelope; once the gateway has the job, nothing more. */
final class RollbackRequest implements Delivery {
    private final JsonElement envelope;

    RollbackRequest(JsonElement envelope) {
        this.envelope = envelope;
    }

    @Override
    public String verb() {
        return "rollback";
    }

    @Override
    public JsonObject next(JsonObject job) {
        if (job != null) {
            return null;
        }
        JsonObject r = new JsonObject();
        r.add("envelope", envelope);
        return r;
    }

    @Override
    public String describe(JsonObject request) {
        return "the rollback request";
    }

    @Override
    public boolean resumes() {
        return false;
    }

    @Override
    public double done(JsonObject job) {
        return job == null ? 0 : 1;
    }

    @Override
    public String label(JsonObject job) {
        return job == null ? "-" : job.get("state").getAsString();
    }
}
