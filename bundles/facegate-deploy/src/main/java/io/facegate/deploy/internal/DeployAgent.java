package io.facegate.deploy.internal;

import io.facegate.api.Pipeline;
import io.facegate.api.PipelineStatus;
import io.facegate.api.deploy.ArtifactChunk;
import io.facegate.api.deploy.DeployJob;
import io.facegate.api.deploy.DeployListener;
import io.facegate.api.deploy.DeployedArtifact;
import io.facegate.api.deploy.Deployments;
import io.facegate.api.operations.OperationException;
import io.facegate.deploy.manifest.Gateway;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestVerifier;
import io.facegate.deploy.manifest.ReleaseLedger;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.TrustedKeys;
import io.facegate.deploy.manifest.VerificationException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.kar.KarService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment agent ({@link Deployments}): takes signed artifacts in chunks, verifies them, installs them while
 * frames keep flowing, health-checks the new revision and restores the previous one by itself when it fails.
 * Each job's state is written to disk at every step ({@link JobStore}); after a restart a job that was cut short is
 * finished: the new revision is checked and kept or rolled back, or, if it was never installed, the job fails and
 * the previous revision serves. Installs run one at a time on the {@code facegate-deploy} thread.
 */
@Component(service = Deployments.class, immediate = true, configurationPid = DeployAgent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeployAgent.Config.class)
public final class DeployAgent implements Deployments {
    static final String PID = "io.facegate.deploy";
    private static final Logger LOG = LoggerFactory.getLogger(DeployAgent.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String LOCATION_PREFIX = "facegate-deploy:";
    private static final int FETCH_CONNECT_TIMEOUT_MS = 10_000;
    private static final int FETCH_READ_TIMEOUT_MS = 30_000;
    private static final int FETCH_ATTEMPTS = 8;
    private static final long FETCH_BACKOFF_MS = 1_000;
    /** Without these the gateway could not be reached to put anything back: never removed remotely. */
    private static final List<String> NEEDED_FOR_REMOTE_ACCESS = List.of("facegate-deploy", "facegate-api",
            "facegate-mqtt", "facegate-mqtt-broker");

    /** Configuration of the deployment agent. */
    @ObjectClassDefinition(name = "facegate deployment agent",
            description = "Signed remote installs of bundles and model bundles, with health check and rollback")
    public @interface Config {
        /** @return trusted keys folder */
        @AttributeDefinition(name = "keys_dir", required = false, description = "Folder of the trusted Ed25519"
                + " public keys (*.pub, PEM), read for every new job; default ${karaf.etc}/facegate-deploy-keys")
        String keys__dir() default "";

        /** @return revoked key ids */
        @AttributeDefinition(name = "revoked_keys", required = false,
                description = "Key ids (16 hex) no longer trusted, even if their .pub file is still there")
        String[] revoked__keys() default {};

        /** @return work folder */
        @AttributeDefinition(name = "work_dir", required = false, description = "Jobs, transfers, artifacts and"
                + " the release ledger; default ${karaf.data}/facegate/deploy")
        String work__dir() default "";

        /** @return largest artifact */
        @AttributeDefinition(name = "max_artifact_bytes", description = "Largest artifact accepted, bytes")
        long max__artifact__bytes() default 64L << 20;

        /** @return health check timeout */
        @AttributeDefinition(name = "health_timeout_s", description = "How long a new revision has to become"
                + " active and register its services (a model: its FaceEmbedder) before it is rolled back")
        int health__timeout__s() default 60;

        /** @return frames to watch */
        @AttributeDefinition(name = "health_frames", description = "How many frames the pipeline must process"
                + " after an update, none failing, for the update to be kept; 0 skips this part of the check")
        int health__frames() default 3;

        /** @return how long to wait for those frames */
        @AttributeDefinition(name = "health_frames_wait_s", description = "How long to wait for those frames; a"
                + " gateway whose cameras deliver none in this time keeps the update on the other checks")
        int health__frames__wait__s() default 20;
    }

    private final BundleContext context;
    private final Path keysDir;
    private final List<String> revoked;
    private final long maxArtifactBytes;
    private final long healthTimeoutMs;
    private final int healthFrames;
    private final long healthFramesWaitMs;
    private final ArtifactFiles files;
    private final BundleOps bundles;
    private final JobStore store;
    private final ReleaseLedger ledger;
    private final Map<String, JobStore.Stored> jobs = new LinkedHashMap<>();
    private final List<DeployListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService worker = thread("facegate-deploy");
    /** Downloads run beside installs, so that a slow server never holds up a job that is ready. */
    private final ExecutorService downloads = thread("facegate-deploy-fetch");
    private final HttpFetch http = new HttpFetch(FETCH_CONNECT_TIMEOUT_MS, FETCH_READ_TIMEOUT_MS, FETCH_ATTEMPTS,
            FETCH_BACKOFF_MS);

    /**
     * @param context this bundle's context
     * @param config  the configuration
     * @throws IOException if the work folder or the release ledger cannot be opened (a corrupt ledger is never reset)
     */
    @Activate
    public DeployAgent(BundleContext context, Config config) throws IOException {
        this.context = context;
        this.keysDir = config.keys__dir().isBlank()
                ? Path.of(context.getProperty("karaf.etc"), TrustedKeys.DEFAULT_DIRECTORY) : Path.of(config.keys__dir());
        this.revoked = List.of(config.revoked__keys());
        if (config.max__artifact__bytes() < 1024 || config.health__timeout__s() < 1 || config.health__frames() < 0
                || config.health__frames__wait__s() < 1) {
            throw new IllegalArgumentException("max_artifact_bytes must be >= 1024, health_timeout_s >= 1,"
                    + " health_frames >= 0 and health_frames_wait_s >= 1");
        }
        this.healthFrames = config.health__frames();
        this.healthFramesWaitMs = TimeUnit.SECONDS.toMillis(config.health__frames__wait__s());
        this.maxArtifactBytes = config.max__artifact__bytes();
        this.healthTimeoutMs = TimeUnit.SECONDS.toMillis(config.health__timeout__s());
        Path work = config.work__dir().isBlank()
                ? Path.of(context.getProperty("karaf.data"), "facegate", "deploy") : Path.of(config.work__dir());
        this.files = new ArtifactFiles(work);
        this.bundles = new BundleOps(context);
        this.store = new JobStore(work.resolve("jobs"));
        this.ledger = ReleaseLedger.open(work.resolve("releases.json"));
        for (JobStore.Stored s : store.all()) {
            jobs.put(s.job().jobId(), s);
            String state = s.job().state();
            if (DeployJob.VERIFIED.equals(state) || DeployJob.INSTALLING.equals(state)
                    || DeployJob.HEALTH_CHECKING.equals(state)) {
                worker.execute(() -> recover(s.job().jobId()));
            } else if (DeployJob.RECEIVING.equals(state) && s.source() != null) {
                downloads.execute(() -> download(s.job().jobId())); // resumes where the file on disk ends
            }
        }
        LOG.info("deployment agent ready: keys in {}, {} jobs on record, work folder {}", keysDir, jobs.size(), work);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(DeployListener l) {
        listeners.add(l);
    }

    void removeListener(DeployListener l) {
        listeners.remove(l);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Pipeline pipeline;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile KarService karService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FeaturesService featuresService;

    /** @return Karaf's KAR and feature services, or {@code null} while either is missing */
    private Kars kars() {
        KarService k = karService;
        FeaturesService f = featuresService;
        return k == null || f == null ? null : new Kars(k, f, context);
    }

    private static ExecutorService thread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static void checkJobId(String jobId) throws OperationException {
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new OperationException(OperationException.BAD_REQUEST, "job_id must be 1-64 of A-Z a-z 0-9 . _ -"
                    + " starting with a letter or digit");
        }
    }

    /** @return the job this id already names (a retried request), or {@code null} for a new one */
    private JobStore.Stored known(String jobId, byte[] envelope) throws OperationException {
        JobStore.Stored known = jobs.get(jobId);
        if (known != null && !Arrays.equals(known.envelope(), envelope)) {
            throw new OperationException(OperationException.CONFLICT, "job " + jobId
                    + " is another artifact's; use a new job_id");
        }
        return known;
    }

    @Override
    public synchronized DeployJob receive(ArtifactChunk chunk) throws OperationException {
        checkJobId(chunk.jobId());
        if (chunk.count() < 1 || chunk.index() < 0 || chunk.index() >= chunk.count()) {
            throw new OperationException(OperationException.BAD_REQUEST, "chunk index " + chunk.index()
                    + " of " + chunk.count() + " chunks");
        }
        JobStore.Stored known = known(chunk.jobId(), chunk.envelope());
        if (known != null) {
            if (known.source() != null) {
                throw new OperationException(OperationException.CONFLICT, "job " + chunk.jobId()
                        + " downloads its artifact from a URL; it takes no chunks");
            }
            if (!DeployJob.RECEIVING.equals(known.job().state()) || chunk.index() < known.job().nextChunk()) {
                return known.job(); // a retried chunk, or a job that moved on: answered as it stands
            }
            if (chunk.index() > known.job().nextChunk()) {
                throw new OperationException(OperationException.CONFLICT, "job " + chunk.jobId() + " expects chunk "
                        + known.job().nextChunk() + ", got " + chunk.index());
            }
            return append(known, chunk);
        }
        if (chunk.index() != 0) {
            throw new OperationException(OperationException.NOT_FOUND, "no job " + chunk.jobId()
                    + ": a transfer starts with chunk 0");
        }
        Manifest m = verify(chunk);
        requireArtifact(m);
        DeployJob job = new DeployJob(chunk.jobId(), m.name(), m.version(), m.kind().code(), m.release(),
                DeployJob.RECEIVING, null, 0, m.size(), 0, Instant.now());
        JobStore.Stored started = new JobStore.Stored(job, chunk.envelope().clone());
        try {
            Files.deleteIfExists(files.part(job.jobId()));
        } catch (IOException e) {
            throw new OperationException(OperationException.INTERNAL_ERROR, "cannot start the transfer: " + e);
        }
        return append(started, chunk);
    }

    @Override
    public synchronized DeployJob fetch(String jobId, byte[] envelope, URI url, String gatewayId, List<String> groups)
            throws OperationException {
        checkJobId(jobId);
        if (url == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
                || url.getHost() == null || url.getRawFragment() != null) {
            throw new OperationException(OperationException.BAD_REQUEST, "url must be an absolute http or https URL"
                    + " without a fragment");
        }
        JobStore.Stored known = known(jobId, envelope);
        if (known != null) {
            return known.job(); // a retried request: the download runs, or ran
        }
        Manifest m = verify(jobId, envelope, gatewayId, groups);
        requireArtifact(m);
        DeployJob job = new DeployJob(jobId, m.name(), m.version(), m.kind().code(), m.release(),
                DeployJob.RECEIVING, null, 0, m.size(), 0, Instant.now());
        ArtifactFiles.deleteQuietly(files.part(jobId));
        save(new JobStore.Stored(job, envelope.clone(), url.toString()));
        LOG.info("deploy job {}: downloading {} {} ({} bytes) from {}", jobId, m.name(), m.version(), m.size(),
                HttpFetch.describe(url));
        downloads.execute(() -> download(jobId));
        return job;
    }

    @Override
    public synchronized DeployJob uninstall(String jobId, byte[] envelope, String gatewayId, List<String> groups)
            throws OperationException {
        checkJobId(jobId);
        JobStore.Stored known = known(jobId, envelope);
        if (known != null) {
            return known.job(); // a retried request
        }
        Manifest m = verify(jobId, envelope, gatewayId, groups);
        if (!m.uninstall()) {
            throw new OperationException(OperationException.BAD_REQUEST, "deploy/uninstall takes a manifest with"
                    + " \"uninstall\": true");
        }
        if (NEEDED_FOR_REMOTE_ACCESS.contains(m.name()) || m.name().equals(context.getBundle().getSymbolicName())) {
            throw new OperationException(OperationException.BAD_REQUEST, m.name() + " cannot be removed remotely:"
                    + " without it this gateway could not be reached to undo it");
        }
        if (m.kind() == Manifest.Kind.FEATURE) {
            Kars k = kars();
            try {
                if (k == null || !k.installed(m.name())) {
                    throw new OperationException(OperationException.NOT_FOUND, "no feature archive " + m.name()
                            + " was deployed on this gateway");
                }
            } catch (OperationException e) {
                throw e;
            } catch (Exception e) {
                throw new OperationException(OperationException.UNAVAILABLE, "cannot list the feature archives: "
                        + e.getMessage());
            }
            return queueRemoval(jobId, envelope, m);
        }
        Bundle b = bundles.find(m.name());
        if (b == null || !b.getVersion().equals(Version.parseVersion(m.version()))) {
            throw new OperationException(OperationException.NOT_FOUND, "no bundle " + m.name() + " " + m.version()
                    + (b == null ? "" : " (" + b.getVersion() + " is installed)"));
        }
        List<String> stranded = ResolutionCheck.stranded(new Attributes(), context, b);
        if (!stranded.isEmpty()) {
            throw new OperationException(OperationException.CONFLICT, "removing " + m.name() + " would leave"
                    + " bundles unresolved (" + String.join("; ", stranded) + "); remove those first");
        }
        return queueRemoval(jobId, envelope, m);
    }

    private DeployJob queueRemoval(String jobId, byte[] envelope, Manifest m) {
        DeployJob job = new DeployJob(jobId, m.name(), m.version(), m.kind().code(), m.release(),
                DeployJob.VERIFIED, null, 0, 0, 0, Instant.now());
        save(new JobStore.Stored(job, envelope.clone()));
        worker.execute(() -> remove(jobId));
        return job;
    }

    @Override
    public synchronized DeployJob rollback(String jobId, byte[] envelope, String gatewayId, List<String> groups)
            throws OperationException {
        checkJobId(jobId);
        JobStore.Stored known = known(jobId, envelope);
        if (known != null) {
            return known.job(); // a retried request
        }
        Manifest m = verify(jobId, envelope, gatewayId, groups);
        if (!m.rollback()) { // an uninstall manifest is never a rollback (Manifest refuses both)
            throw new OperationException(OperationException.BAD_REQUEST, "deploy/rollback takes a manifest with"
                    + " \"rollback\": true naming an earlier release; send other artifacts with deploy/install");
        }
        Path kept = files.artifact(m);
        try {
            ManifestVerifier.verifyArtifact(m, kept);
        } catch (VerificationException | IOException e) {
            throw new OperationException(OperationException.NOT_FOUND, "this gateway does not keep release "
                    + m.release() + " of " + m.name() + " (" + e.getMessage() + "); send it with deploy/install");
        }
        DeployJob job = new DeployJob(jobId, m.name(), m.version(), m.kind().code(), m.release(), DeployJob.VERIFIED,
                null, m.size(), m.size(), 0, Instant.now());
        DeployJob verified = save(new JobStore.Stored(job, envelope.clone())).job();
        worker.execute(() -> install(jobId));
        return verified;
    }

    private Manifest verify(ArtifactChunk chunk) throws OperationException {
        return verify(chunk.jobId(), chunk.envelope(), chunk.gatewayId(), chunk.groups());
    }

    private Manifest verify(String jobId, byte[] envelope, String gatewayId, List<String> groups)
            throws OperationException {
        Manifest m;
        try {
            TrustedKeys keys = TrustedKeys.load(keysDir, revoked); // read anew: keys are trusted or revoked live
            m = new ManifestVerifier(keys).verify(envelope, Gateway.of(gatewayId, groups), ledger);
        } catch (VerificationException e) {
            LOG.warn("deploy job {} refused: {} {}", jobId, e.reason().code(), e.getMessage());
            throw new OperationException(OperationException.FORBIDDEN, e.reason().code() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new OperationException(OperationException.UNAVAILABLE, "trusted keys in " + keysDir
                    + " unreadable: " + e.getMessage());
        }
        if (m.name().startsWith(".") || m.name().contains("..")) {
            throw new OperationException(OperationException.BAD_REQUEST, "artifact name " + m.name()
                    + " is not a bundle symbolic name");
        }
        if (m.size() > maxArtifactBytes) {
            throw new OperationException(OperationException.TOO_LARGE, "artifact of " + m.size() + " bytes; at most "
                    + maxArtifactBytes + " (max_artifact_bytes)");
        }
        return m;
    }

    private static void requireArtifact(Manifest m) throws OperationException {
        if (m.uninstall() || m.rollback()) {
            throw new OperationException(OperationException.BAD_REQUEST, "a manifest with \""
                    + (m.uninstall() ? "uninstall" : "rollback") + "\": true goes with deploy/"
                    + (m.uninstall() ? "uninstall" : "rollback") + ", not deploy/install");
        }
    }

    private DeployJob append(JobStore.Stored s, ArtifactChunk chunk) throws OperationException {
        DeployJob j = s.job();
        long received = j.received() + chunk.data().length;
        if (received > j.size()) {
            ArtifactFiles.deleteQuietly(files.part(j.jobId()));
            return finish(s, DeployJob.FAILED, "size_mismatch: more than the " + j.size() + " bytes signed");
        }
        try (FileChannel ch = FileChannel.open(files.part(j.jobId()), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(chunk.data()));
            ch.force(false);
        } catch (IOException e) {
            throw new OperationException(OperationException.UNAVAILABLE, "cannot store chunk " + chunk.index() + ": "
                    + e.getMessage());
        }
        boolean last = chunk.index() == chunk.count() - 1;
        DeployJob next = with(j, DeployJob.RECEIVING, null, received, chunk.index() + 1);
        JobStore.Stored updated = save(s.with(next));
        return last ? transferred(updated) : next;
    }

    /** The whole artifact is in: checks its size and hash, keeps it under its release and queues the install. */
    private synchronized DeployJob transferred(JobStore.Stored s) {
        String jobId = s.job().jobId();
        Manifest m = manifest(s.envelope());
        try {
            ManifestVerifier.verifyArtifact(m, files.part(jobId));
        } catch (VerificationException e) {
            ArtifactFiles.deleteQuietly(files.part(jobId));
            return finish(s, DeployJob.FAILED, e.reason().code() + ": " + e.getMessage());
        } catch (IOException e) {
            return finish(s, DeployJob.FAILED, "io: " + e.getMessage());
        }
        try {
            files.store(jobId, m);
        } catch (IOException e) {
            return finish(s, DeployJob.FAILED, "io: " + e.getMessage());
        }
        DeployJob verified = finish(s, DeployJob.VERIFIED, null);
        worker.execute(() -> install(jobId));
        return verified;
    }

    /** Downloads a fetched job's artifact (on the download thread), then checks it as a received one. */
    private void download(String jobId) {
        JobStore.Stored s = stored(jobId);
        Manifest m = manifest(s.envelope());
        try {
            http.fetch(URI.create(s.source()), files.part(jobId), m.size(), held -> progress(jobId, held));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the agent stops: the download resumes after the next start
        } catch (IOException e) {
            ArtifactFiles.deleteQuietly(files.part(jobId));
            LOG.warn("deploy job {}: download from {} failed: {}", jobId, HttpFetch.describe(URI.create(s.source())),
                    e.getMessage());
            transition(jobId, DeployJob.FAILED, "fetch: " + e.getMessage() + " (nothing was changed)");
            return;
        }
        transferred(stored(jobId));
    }

    private synchronized void progress(String jobId, long held) {
        JobStore.Stored s = jobs.get(jobId);
        save(s.with(with(s.job(), DeployJob.RECEIVING, null, held, 0)));
    }

    @Override
    public synchronized DeployJob status(String jobId) throws OperationException {
        JobStore.Stored s = jobs.get(jobId);
        if (s == null) {
            throw new OperationException(OperationException.NOT_FOUND, "no job " + jobId);
        }
        return s.job();
    }

    @Override
    public List<DeployedArtifact> installed() {
        List<DeployedArtifact> out = new ArrayList<>();
        for (Bundle b : bundles.all()) {
            String name = b.getSymbolicName();
            boolean model = b.getHeaders("").get("Facegate-Model") != null;
            if (name == null || !(model || name.startsWith("facegate-") || b.getLocation().startsWith(LOCATION_PREFIX))) {
                continue;
            }
            out.add(new DeployedArtifact(name, b.getVersion().toString(), model ? "model" : "bundle", BundleOps.state(b),
                    ledger.highestRelease(name).orElse(0), b.getBundleId()));
        }
        Kars k = kars();
        if (k != null) {
            try {
                for (String[] f : k.installedFeatures()) {
                    long release = ledger.highestRelease(f[0]).orElse(0);
                    if (f[0].startsWith("facegate") || release > 0) {
                        out.add(new DeployedArtifact(f[0], f[1], "feature", "installed", release, -1));
                    }
                }
            } catch (Exception e) {
                LOG.warn("cannot list the installed features: {}", e.toString());
            }
        }
        return out;
    }

    /** Installs a verified job's artifact, health-checks it and keeps it or rolls back (on the worker thread). */
    private void install(String jobId) {
        JobStore.Stored s = stored(jobId);
        Manifest m = manifest(s.envelope());
        Path jar = files.artifact(m);
        if (m.kind() == Manifest.Kind.FEATURE) {
            installArchive(jobId, m, jar);
            return;
        }
        Attributes main;
        try (JarFile jf = new JarFile(jar.toFile())) {
            main = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes();
        } catch (IOException e) {
            finish(s, DeployJob.FAILED, "not_a_bundle: " + e.getMessage());
            return;
        }
        String refused = refusal(m, main);
        if (refused != null) {
            finish(s, DeployJob.FAILED, refused);
            return;
        }
        Bundle existing = bundles.find(m.name());
        List<String> unresolved = new ArrayList<>(ResolutionCheck.unsatisfied(main, context, existing));
        ResolutionCheck.stranded(main, context, existing)
                .forEach(line -> unresolved.add(line + ", which the new revision does not export"));
        if (!unresolved.isEmpty()) {
            finish(s, DeployJob.FAILED, "unresolvable: " + String.join("; ", unresolved)
                    + " (nothing was changed)");
            return;
        }
        Path previous = files.previous(m.name(), jobId);
        if (existing != null) {
            try {
                // and where the framework had it from: a bundle lost in a power cut is put back under it
                files.keepRunning(existing, previous);
            } catch (IOException e) {
                finish(s, DeployJob.FAILED, "no_previous: cannot keep the running revision for a rollback: "
                        + e.getMessage() + " (nothing was changed)");
                return;
            }
        }
        s = transition(jobId, DeployJob.INSTALLING, null);
        Bundle installed;
        try {
            installed = bundles.put(existing, jar, LOCATION_PREFIX + m.name());
        } catch (BundleException | IOException | RuntimeException e) {
            LOG.warn("deploy job {}: install of {} failed: {}", jobId, m.name(), e.toString());
            rollback(jobId, existing, previous, "install: " + e.getMessage());
            return;
        }
        healthCheck(jobId, m, installed, main, existing, previous);
    }

    private void healthCheck(String jobId, Manifest m, Bundle installed, Attributes main, Bundle existing,
            Path previous) {
        transition(jobId, DeployJob.HEALTH_CHECKING, null);
        List<String> services = new ArrayList<>(ResolutionCheck.declaredServices(main));
        if (m.kind() == Manifest.Kind.MODEL) {
            services.add(HealthCheck.FACE_EMBEDDER);
        }
        String problem;
        try {
            problem = HealthCheck.await(installed, services, healthTimeoutMs);
            if (problem == null) {
                problem = watchFrames(jobId, pipelineStatus());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the agent stops; the job is finished after the restart
        }
        if (problem != null) {
            if (existing == null) {
                BundleOps.uninstallQuietly(installed); // it was new: rolling back is removing it
            }
            rollback(jobId, existing == null ? null : installed, previous, "health_check: " + problem);
            return;
        }
        kept(jobId, m, previous);
    }

    /** The new revision passed its health check: its release is recorded and it stays. */
    private void kept(String jobId, Manifest m, Path previous) {
        try {
            ledger.record(m);
        } catch (VerificationException | IOException e) {
            LOG.error("deploy job {}: {} serves, but its release could not be recorded: {}", jobId, m.name(),
                    e.toString());
        }
        ArtifactFiles.deletePrevious(previous);
        files.installed(m);
        transition(jobId, DeployJob.DONE, null);
        files.prune(m.name());
        LOG.info("deploy job {}: {} {} (release {}) installed and healthy", jobId, m.name(), m.version(),
                m.release());
    }

    /** A release that failed is recorded, so it is never taken again (a fix needs a new number), and not kept. */
    private void recordFailed(String jobId, Manifest m) {
        try {
            ledger.record(m);
        } catch (VerificationException | IOException e) {
            LOG.warn("deploy job {}: release not recorded: {}", jobId, e.toString());
        }
        if (!m.rollback()) {
            files.forget(m);
        }
    }

    /** @return the pipeline's counters now, or {@code null} when this gateway runs no pipeline */
    private PipelineStatus pipelineStatus() {
        Pipeline p = pipeline;
        return p == null ? null : p.status();
    }

    /**
     * Whether the pipeline processes the next frames without a failure, and without waiting for a stage that it
     * did not wait for at {@code before}.
     *
     * @param before the counters before the change, or {@code null} without a pipeline
     * @return {@code null} when it does, or when there is no pipeline or no frame came in time; else what failed
     */
    private String watchFrames(String jobId, PipelineStatus before) throws InterruptedException {
        Pipeline p = pipeline;
        if (healthFrames == 0 || p == null || before == null) {
            return null;
        }
        FrameWatch watch = new FrameWatch(before, healthFrames);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(healthFramesWaitMs);
        while (System.nanoTime() < end) {
            PipelineStatus now = p.status();
            switch (watch.verdict(now)) {
                case HEALTHY:
                    return null;
                case FAILING:
                    return "pipeline: " + watch.failure(now);
                default:
                    Thread.sleep(100);
            }
        }
        String stalled = watch.stalled(p.status());
        if (stalled != null) {
            return "pipeline: " + stalled;
        }
        LOG.info("deploy job {}: the pipeline processed fewer than {} frames in {} s; kept on the other checks",
                jobId, healthFrames, healthFramesWaitMs / 1000);
        return null;
    }

    /**
     * Installs a feature archive (KAR): the feature the manifest names must be in it; a KAR of the same name that
     * is installed is kept and uninstalled first, and comes back when the new one fails to install or fails its
     * health check (the feature installed with all its bundles active, then the pipeline's frames).
     */
    private void installArchive(String jobId, Manifest m, Path kar) {
        Kars k = kars();
        if (k == null) {
            transition(jobId, DeployJob.FAILED, "no_kar_support: Karaf's feature kar is not installed (nothing was"
                    + " changed)");
            return;
        }
        try {
            FeatureArchive archive = FeatureArchive.read(kar);
            if (!archive.declares(m.name(), m.version())) {
                transition(jobId, DeployJob.FAILED, "name_mismatch: the archive declares " + archive.features()
                        + ", the manifest names feature " + m.name() + " " + m.version());
                return;
            }
        } catch (IOException e) {
            transition(jobId, DeployJob.FAILED, "not_a_feature_archive: " + e.getMessage());
            return;
        }
        Path previous = files.previous(m.name(), jobId);
        try {
            Path named = files.karFile(m.name());
            boolean replacing = k.installed(m.name());
            if (replacing) {
                Files.copy(named, previous, StandardCopyOption.REPLACE_EXISTING);
            }
            transition(jobId, DeployJob.INSTALLING, null);
            if (replacing) {
                k.uninstall(m.name());
            }
            Files.copy(kar, named, StandardCopyOption.REPLACE_EXISTING);
            PipelineStatus before = pipelineStatus();
            k.install(named);
            transition(jobId, DeployJob.HEALTH_CHECKING, null);
            String problem = k.awaitHealthy(m.name(), m.version(), healthTimeoutMs);
            if (problem == null) {
                problem = watchFrames(jobId, before);
            }
            if (problem != null) {
                rollbackArchive(jobId, m, k, previous, "health_check: " + problem);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // finished after the restart
        } catch (Exception e) {
            LOG.warn("deploy job {}: install of feature archive {} failed: {}", jobId, m.name(), e.toString());
            rollbackArchive(jobId, m, k, previous, "install: " + e.getMessage());
            return;
        }
        kept(jobId, m, previous);
    }

    /** Uninstalls a feature archive that failed and installs the one it replaced, if there was one. */
    private void rollbackArchive(String jobId, Manifest m, Kars k, Path previous, String reason) {
        String outcome = reason;
        try {
            if (k.installed(m.name())) {
                k.uninstall(m.name());
            }
            if (Files.exists(previous)) {
                Path named = files.karFile(m.name());
                Files.copy(previous, named, StandardCopyOption.REPLACE_EXISTING);
                k.install(named);
            } else {
                Files.deleteIfExists(files.karFile(m.name()));
            }
        } catch (Exception e) {
            outcome = reason + "; the rollback failed too: " + e.getMessage();
            LOG.error("deploy job {}: rollback of feature archive {} failed: {}", jobId, m.name(), e.toString());
        }
        recordFailed(jobId, m);
        ArtifactFiles.deletePrevious(previous);
        transition(jobId, DeployJob.ROLLED_BACK, outcome);
        LOG.warn("deploy job {}: {} rolled back: {}", jobId, m.name(), outcome);
    }

    /**
     * Removes a bundle by a verified uninstall job (on the worker thread), then watches the pipeline; when it fails
     * or stalls, the removed revision, kept before, is installed again. Runs again from the top after a restart.
     */
    private void remove(String jobId) {
        Manifest m = manifest(stored(jobId).envelope());
        if (m.kind() == Manifest.Kind.FEATURE) {
            removeArchive(jobId, m);
            return;
        }
        Path previous = files.previous(m.name(), jobId);
        Bundle b = bundles.find(m.name());
        PipelineStatus before = pipelineStatus(); // before the removal: what the pipeline waits for then is no stall
        if (b != null) {
            try {
                if (!Files.exists(previous)) {
                    files.keepRunning(b, previous);
                }
            } catch (IOException e) {
                transition(jobId, DeployJob.FAILED, "no_previous: cannot keep the revision to be removed: "
                        + e.getMessage() + " (nothing was changed)");
                return;
            }
            transition(jobId, DeployJob.INSTALLING, null);
            try {
                b.uninstall();
            } catch (BundleException | RuntimeException e) {
                ArtifactFiles.deletePrevious(previous);
                transition(jobId, DeployJob.FAILED, "uninstall: " + e.getMessage());
                return;
            }
        }
        transition(jobId, DeployJob.HEALTH_CHECKING, null);
        String problem;
        try {
            problem = watchFrames(jobId, before);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // finished after the restart
        }
        if (problem != null) {
            restoreRemoved(jobId, m, previous, "health_check: " + problem);
            return;
        }
        try {
            ledger.record(m); // the same uninstall is never taken twice
        } catch (VerificationException | IOException e) {
            LOG.error("deploy job {}: {} is removed, but the release could not be recorded: {}", jobId, m.name(),
                    e.toString());
        }
        ArtifactFiles.deletePrevious(previous);
        files.removed(m.name());
        transition(jobId, DeployJob.DONE, null);
        LOG.info("deploy job {}: {} {} removed (release {})", jobId, m.name(), m.version(), m.release());
    }

    /** {@link #remove} for a feature archive: Karaf uninstalls its features; a failed check installs it again. */
    private void removeArchive(String jobId, Manifest m) {
        Kars k = kars();
        if (k == null) {
            transition(jobId, DeployJob.FAILED, "no_kar_support: Karaf's feature kar is not installed");
            return;
        }
        Path previous = files.previous(m.name(), jobId);
        try {
            Path named = files.karFile(m.name());
            PipelineStatus before = pipelineStatus();
            if (k.installed(m.name())) {
                Files.copy(named, previous, StandardCopyOption.REPLACE_EXISTING);
                transition(jobId, DeployJob.INSTALLING, null);
                k.uninstall(m.name());
            }
            transition(jobId, DeployJob.HEALTH_CHECKING, null);
            String problem = watchFrames(jobId, before);
            if (problem != null) {
                Files.copy(previous, named, StandardCopyOption.REPLACE_EXISTING);
                k.install(named);
                recordFailed(jobId, m);
                ArtifactFiles.deletePrevious(previous);
                transition(jobId, DeployJob.ROLLED_BACK, "health_check: " + problem);
                return;
            }
            Files.deleteIfExists(named);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ArtifactFiles.deletePrevious(previous);
            transition(jobId, DeployJob.FAILED, "uninstall: " + e.getMessage());
            return;
        }
        try {
            ledger.record(m);
        } catch (VerificationException | IOException e) {
            LOG.error("deploy job {}: release of the removal not recorded: {}", jobId, e.toString());
        }
        ArtifactFiles.deletePrevious(previous);
        files.removed(m.name());
        transition(jobId, DeployJob.DONE, null);
    }

    private void restoreRemoved(String jobId, Manifest m, Path previous, String reason) {
        String outcome = reason;
        try {
            Bundle back = bundles.install(Files.readString(ArtifactFiles.locationOf(previous)).strip(), previous);
            BundleOps.startQuietly(back);
        } catch (BundleException | IOException | RuntimeException e) {
            outcome = reason + "; putting it back failed too: " + e.getMessage();
            LOG.error("deploy job {}: {} could not be put back: {}", jobId, m.name(), e.toString());
        }
        try {
            ledger.record(m);
        } catch (VerificationException | IOException e) {
            LOG.warn("deploy job {}: release not recorded: {}", jobId, e.toString());
        }
        ArtifactFiles.deletePrevious(previous);
        transition(jobId, DeployJob.ROLLED_BACK, outcome);
        LOG.warn("deploy job {}: removing {} was undone: {}", jobId, m.name(), outcome);
    }

    /** Restores the revision saved before the install, or removes a bundle that was new. */
    private void rollback(String jobId, Bundle bundle, Path previous, String reason) {
        String outcome = reason;
        try {
            if (bundle != null && Files.exists(previous)) {
                bundles.put(bundle, previous, null);
            }
        } catch (BundleException | IOException | RuntimeException e) {
            outcome = reason + "; the rollback failed too: " + e.getMessage();
            LOG.error("deploy job {}: rollback failed: {}", jobId, e.toString());
        }
        Manifest m = manifest(stored(jobId).envelope());
        recordFailed(jobId, m);
        ArtifactFiles.deletePrevious(previous);
        transition(jobId, DeployJob.ROLLED_BACK, outcome);
        LOG.warn("deploy job {}: {} rolled back: {}", jobId, m.name(), outcome);
    }

    /** After a restart: finishes a job that was cut short, so the job says which revision serves. */
    private void recover(String jobId) {
        JobStore.Stored s = stored(jobId);
        if (manifest(s.envelope()).uninstall()) {
            remove(jobId); // takes up where it stopped: removes the bundle if it is still there, then checks
            return;
        }
        if (manifest(s.envelope()).kind() == Manifest.Kind.FEATURE && !DeployJob.VERIFIED.equals(s.job().state())) {
            recoverArchive(jobId);
            return;
        }
        if (DeployJob.VERIFIED.equals(s.job().state())) {
            install(jobId); // nothing was touched yet
            return;
        }
        Manifest m = manifest(s.envelope());
        Bundle b = bundles.find(m.name());
        Path previous = files.previous(m.name(), jobId);
        if (b == null) {
            restoreLost(jobId, m, previous);
            return;
        }
        if (!b.getVersion().equals(Version.parseVersion(m.version()))) {
            BundleOps.startQuietly(b);
            ArtifactFiles.deletePrevious(previous);
            transition(jobId, DeployJob.FAILED, "interrupted: the gateway stopped before the update; the previous"
                    + " revision serves");
            return;
        }
        BundleOps.startQuietly(b);
        Attributes main;
        try (JarFile jf = new JarFile(files.artifact(m).toFile())) {
            main = jf.getManifest().getMainAttributes();
        } catch (IOException e) {
            main = new Attributes();
        }
        healthCheck(jobId, m, b, main, Files.exists(previous) ? b : null, previous);
    }

    /** {@link #recover} for a feature archive cut short while installing or checking. */
    private void recoverArchive(String jobId) {
        Manifest m = manifest(stored(jobId).envelope());
        Kars k = kars();
        Path previous = files.previous(m.name(), jobId);
        if (k == null) {
            transition(jobId, DeployJob.FAILED, "no_kar_support: Karaf's feature kar is not installed");
            return;
        }
        try {
            if (k.installed(m.name()) && FeatureArchive.read(files.karFile(m.name())).declares(m.name(), m.version())) {
                String problem = k.awaitHealthy(m.name(), m.version(), healthTimeoutMs);
                if (problem == null) {
                    kept(jobId, m, previous);
                } else {
                    rollbackArchive(jobId, m, k, previous, "health_check: " + problem);
                }
            } else if (Files.exists(previous)) {
                rollbackArchive(jobId, m, k, previous, "interrupted: the gateway stopped during the update");
            } else {
                transition(jobId, DeployJob.FAILED, "interrupted: the gateway stopped before " + m.name()
                        + " was installed; nothing was changed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            rollbackArchive(jobId, m, k, previous, "interrupted: " + e.getMessage());
        }
    }

    /**
     * The framework lost the bundle in the power cut (it drops a bundle whose half-written revision it cannot load):
     * the revision kept before the update goes back under its old location, so that Karaf finds its feature's
     * bundle where it was.
     */
    private void restoreLost(String jobId, Manifest m, Path previous) {
        Path location = ArtifactFiles.locationOf(previous);
        if (!Files.exists(previous) || !Files.exists(location)) {
            transition(jobId, DeployJob.FAILED, "interrupted: the gateway stopped before " + m.name()
                    + " was installed; nothing was changed");
            return;
        }
        try {
            bundles.install(Files.readString(location).strip(), previous);
        } catch (BundleException | IOException | RuntimeException e) {
            LOG.error("deploy job {}: {} was lost in the power cut and cannot be restored: {}", jobId, m.name(),
                    e.toString());
            transition(jobId, DeployJob.FAILED, "interrupted: the gateway stopped during the update and the"
                    + " previous revision could not be restored: " + e.getMessage());
            return;
        }
        ArtifactFiles.deletePrevious(previous);
        transition(jobId, DeployJob.ROLLED_BACK, "interrupted: the gateway stopped during the update; the previous"
                + " revision was restored");
        LOG.warn("deploy job {}: {} was lost in the power cut; its previous revision was restored", jobId, m.name());
    }

    private String refusal(Manifest m, Attributes main) {
        if (main == null || main.getValue("Bundle-SymbolicName") == null) {
            return "not_a_bundle: the artifact has no OSGi manifest";
        }
        String bsn = main.getValue("Bundle-SymbolicName").split(";")[0].trim();
        if (!bsn.equals(m.name())) {
            return "name_mismatch: the artifact is bundle " + bsn + ", the manifest names " + m.name();
        }
        Version v;
        try {
            v = Version.parseVersion(main.getValue("Bundle-Version"));
        } catch (IllegalArgumentException e) {
            return "version_mismatch: bad Bundle-Version";
        }
        if (!v.equals(Version.parseVersion(m.version()))) {
            return "version_mismatch: the artifact is version " + v + ", the manifest says " + m.version();
        }
        if ((m.kind() == Manifest.Kind.MODEL) != (main.getValue("Facegate-Model") != null)) {
            return "kind_mismatch: a model bundle is exactly a bundle with a Facegate-Model header";
        }
        return null;
    }

    private static Manifest manifest(byte[] envelope) {
        try {
            return Manifest.parse(SignedManifest.parse(envelope).manifestBytes()); // verified when the job began
        } catch (VerificationException e) {
            throw new IllegalStateException("stored envelope unreadable: " + e.getMessage(), e);
        }
    }

    private synchronized JobStore.Stored stored(String jobId) {
        return jobs.get(jobId);
    }

    private synchronized JobStore.Stored transition(String jobId, String state, String reason) {
        JobStore.Stored s = jobs.get(jobId);
        return save(s.with(with(s.job(), state, reason, s.job().received(), s.job().nextChunk())));
    }

    private synchronized DeployJob finish(JobStore.Stored s, String state, String reason) {
        return save(s.with(with(s.job(), state, reason, s.job().received(), s.job().nextChunk()))).job();
    }

    private synchronized JobStore.Stored save(JobStore.Stored s) {
        try {
            store.save(s);
        } catch (IOException e) {
            LOG.error("deploy job {}: state {} not written to disk: {}", s.job().jobId(), s.job().state(),
                    e.toString());
        }
        jobs.put(s.job().jobId(), s);
        for (DeployListener l : listeners) {
            try {
                l.changed(s.job());
            } catch (RuntimeException e) {
                LOG.warn("deploy listener {} failed: {}", l, e.toString());
            }
        }
        return s;
    }

    private static DeployJob with(DeployJob j, String state, String reason, long received, int nextChunk) {
        return new DeployJob(j.jobId(), j.name(), j.version(), j.kind(), j.release(), state, reason, received,
                j.size(), nextChunk, Instant.now());
    }

    /** Ends the install thread; a job in flight is finished after the next start. */
    @Deactivate
    void deactivate() throws InterruptedException {
        http.abort();
        downloads.shutdownNow();
        worker.shutdownNow();
        downloads.awaitTermination(30, TimeUnit.SECONDS);
        worker.awaitTermination(30, TimeUnit.SECONDS);
    }
}
