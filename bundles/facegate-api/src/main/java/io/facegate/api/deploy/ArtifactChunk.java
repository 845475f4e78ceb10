package io.facegate.api.deploy;

import java.util.List;
import java.util.Objects;

/**
 * One piece of an artifact in transfer.
 *
 * @param jobId     the operator's id of this deployment (one topic level)
 * @param envelope  the signed manifest envelope, as sent
 * @param index     0-based index of this chunk
 * @param count     number of chunks of the artifact
 * @param data      the chunk's bytes
 * @param gatewayId the id of the gateway that received it, for the manifest's target
 * @param groups    the groups of that gateway
 */
public record ArtifactChunk(String jobId, byte[] envelope, int index, int count, byte[] data, String gatewayId,
                            List<String> groups) {
    /** @throws NullPointerException when a part is missing */
    public ArtifactChunk {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(gatewayId, "gatewayId");
        groups = List.copyOf(groups);
    }
}
