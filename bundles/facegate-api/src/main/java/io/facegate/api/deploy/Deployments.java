package io.facegate.api.deploy;

import io.facegate.api.operations.OperationException;
import java.net.URI;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's deployment agent. An artifact arrives in chunks, each with the job's signed envelope; the agent
 * checks the signature, target and release before it stores a byte, checks size and SHA-256 once the last chunk
 * is in, installs the artifact while frames keep flowing, health-checks it and rolls back to the previous revision
 * by itself when the check fails. Every step is persisted: after a power loss the job resumes or says how it ended.
 * Progress goes to every {@link DeployListener}. Thread-safe.
 */
@ProviderType
public interface Deployments {
    /** @return the artifacts this agent installed, and the facegate bundles and models on the gateway */
    List<DeployedArtifact> installed();

    /**
     * Takes the next chunk of a job's artifact. Chunks come in order; a job whose transfer broke resumes with the
     * chunk {@link DeployJob#nextChunk()} names.
     *
     * @param chunk the chunk, with the job's envelope
     * @return the job after this chunk
     * @throws OperationException 400 malformed request; 403 refused envelope (the reason code is the message's first
     *                            word: unsigned, unknown_key, revoked_key, bad_signature, wrong_target,
     *                            stale_release, ...); 409 out-of-order chunk or a job id reused for another artifact;
     *                            413 artifact larger than allowed; 503 no space or agent busy
     */
    DeployJob receive(ArtifactChunk chunk) throws OperationException;

    /**
     * Starts a job whose artifact the gateway downloads itself from an http(s) URL, instead of receiving it in
     * chunks. The envelope is checked before anything is downloaded; the download resumes where it broke (also
     * after a restart), and the artifact is checked, installed and health-checked as a received one.
     *
     * @param jobId     the operator's id of this job
     * @param envelope  the signed envelope of the artifact's manifest
     * @param url       where the artifact is, {@code http} or {@code https}
     * @param gatewayId this gateway's id, for the manifest's target
     * @param groups    this gateway's groups
     * @return the job, {@code receiving} while the download runs
     * @throws OperationException 400 malformed request or URL; 403 refused envelope (as for {@link #receive}); 409 a
     *                            job id reused for another artifact; 413 artifact larger than allowed
     * @since 1.1
     */
    DeployJob fetch(String jobId, byte[] envelope, URI url, String gatewayId, List<String> groups)
            throws OperationException;

    /**
     * Removes a bundle or model bundle, by a signed manifest with {@code "uninstall": true} that names its
     * symbolic name, the version installed now and a new release number. The pipeline is health-checked after the
     * removal; when it fails, the removed revision is put back ({@code rolled_back}). A removed artifact that this
     * agent had installed can come back by a signed rollback to its release while the gateway keeps it.
     *
     * @param jobId     the operator's id of this job
     * @param envelope  the signed envelope of the uninstall manifest
     * @param gatewayId this gateway's id, for the manifest's target
     * @param groups    this gateway's groups
     * @return the job
     * @throws OperationException 400 if the manifest is not an uninstall, or names a bundle the gateway cannot do
     *                            without; 403 refused envelope; 404 no such bundle at that version; 409 a job id
     *                            reused
     * @since 1.1
     */
    DeployJob uninstall(String jobId, byte[] envelope, String gatewayId, List<String> groups) throws OperationException;

    /**
     * Goes back to an earlier release that this gateway accepted and still keeps, without a transfer: the envelope's
     * manifest has {@code "rollback": true} and names that release and its SHA-256, and is signed afresh (created
     * after every manifest accepted for that name, so a captured rollback cannot be replayed). It is installed and
     * health-checked like any artifact.
     *
     * @param jobId     the operator's id of this job
     * @param envelope  the signed envelope of the rollback manifest
     * @param gatewayId this gateway's id, for the manifest's target
     * @param groups    this gateway's groups
     * @return the job
     * @throws OperationException 400 if the manifest is not a rollback; 403 refused envelope (as for
     *                            {@link #receive}); 404 if this gateway does not keep that release; 409 a job id reused
     */
    DeployJob rollback(String jobId, byte[] envelope, String gatewayId, List<String> groups) throws OperationException;

    /**
     * @param jobId a job id
     * @return its state
     * @throws OperationException 404 if this agent has no such job
     */
    DeployJob status(String jobId) throws OperationException;
}
