package io.facegate.api.deploy;

import java.time.Instant;
import java.util.Objects;

/**
 * A deployment as the agent knows it.
 *
 * @param jobId     the operator's id
 * @param name      artifact name from the manifest (a bundle symbolic name)
 * @param version   artifact version from the manifest
 * @param kind      {@code bundle} or {@code model}
 * @param release   the manifest's release number
 * @param state     one of {@link #RECEIVING}, {@link #VERIFIED}, {@link #INSTALLING}, {@link #HEALTH_CHECKING},
 *                  {@link #DONE}, {@link #FAILED}, {@link #ROLLED_BACK}
 * @param reason    why it failed or was rolled back (a reason code first), or {@code null}
 * @param received  bytes received so far
 * @param size      bytes of the artifact
 * @param nextChunk the index of the chunk the agent expects next
 * @param updated   when the state last changed
 */
public record DeployJob(String jobId, String name, String version, String kind, long release, String state,
                        String reason, long received, long size, int nextChunk, Instant updated) {
    /** Chunks are arriving. */
    public static final String RECEIVING = "receiving";
    /** All bytes are in; size and SHA-256 match the signed manifest. */
    public static final String VERIFIED = "verified";
    /** The artifact is being installed. */
    public static final String INSTALLING = "installing";
    /** Installed; the agent checks that it works. */
    public static final String HEALTH_CHECKING = "health_checking";
    /** Installed and healthy. */
    public static final String DONE = "done";
    /** Refused or failed before the running revision was touched. */
    public static final String FAILED = "failed";
    /** Installed, failed its health check, and the previous revision was restored. */
    public static final String ROLLED_BACK = "rolled_back";

    /** @throws NullPointerException without a job id or state */
    public DeployJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
    }

    /** @return whether the job has ended */
    public boolean finished() {
        return DONE.equals(state) || FAILED.equals(state) || ROLLED_BACK.equals(state);
    }
}
