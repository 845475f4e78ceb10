package io.facegate.push;

import com.google.gson.JsonObject;

/**
 * What one gateway must be sent so that its job goes on by itself: the chunks of an artifact, or the one request of
 * a rollback, an uninstall or a download from a URL. Asked again after every reply, so it always answers from where
 * the gateway says it stands.
 */
interface Delivery {
    /** @return the command's last level: {@code install}, {@code rollback} or {@code uninstall} */
    String verb();

    /**
     * @param job the job as the gateway last reported it, or {@code null} if it has none yet
     * @return the fields of the next request, or {@code null} once the gateway needs nothing more
     */
    JsonObject next(JsonObject job);

    /** @return what {@code request} carries, for messages: "chunk 3" */
    String describe(JsonObject request);

    /** @return whether a refused out-of-order request is resolved by going on from where the gateway stands */
    boolean resumes();

    /**
     * @param code a reply's code other than 200
     * @return whether it is the gateway's final no, with its reason (exit 2, "refused"), rather than a failure to be
     *         looked into (exit 1, "error")
     */
    boolean refuses(int code);

    /** @return how much of the delivery {@code job} has, 0 to 1 */
    double done(JsonObject job);

    /** @return a short progress label for {@code job}: "3/19" */
    String label(JsonObject job);
}
