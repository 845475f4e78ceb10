package io.facegate.operations.internal;

import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.Gallery;
import io.facegate.api.PersonSummary;
import io.facegate.api.image.ImageDecoder;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import io.facegate.api.operations.Setting;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link GatewayOperations}, which the console commands and the MQTT commands both call.
 *
 * <p>It follows the stage services as the pipeline does: every bound detector, aligner, embedder and gallery, the
 * best-ranked one used (highest {@code service.ranking}, then lowest {@code service.id}), so an operation uses the
 * model the pipeline uses and follows a model swap. An operation holds the services it uses until it is done; a
 * service going away waits for it (bounded), so a model is never closed under a running operation.
 *
 * <p>Images go through the gateway's guarded {@link ImageDecoder} ({@code max_pixels}) after a size check
 * ({@code max_image_bytes}). Settings are the {@link Whitelist}, changed through Configuration Admin by
 * {@link ConfigChanger}.
 */
@Component(name = OperationsComponent.PID, configurationPid = OperationsComponent.PID,
        service = GatewayOperations.class, immediate = true)
@Designate(ocd = OperationsConfig.class)
public final class OperationsComponent implements GatewayOperations {
    /** Component name and configuration PID. */
    public static final String PID = "io.facegate.operations";
    /** How long a stage service going away waits for the operations using it. */
    static final long UNBIND_WAIT_MS = 30_000;
    /** How long a component's state must stay unchanged to count as settled when SCR gives no clearer sign. */
    static final long SETTLE_MS = 500;
    static final long POLL_MS = 25;

    private static final Logger LOG = LoggerFactory.getLogger(OperationsComponent.class);

    private final OperationsSettings settings;
    private final FaceWork work;
    private final Whitelist whitelist;
    private final ConfigChanger changer;
    private final LongFunction<String> bundleNames;

    private final Ranked<FaceDetector> detectors = new Ranked<>();
    private final Ranked<FaceAligner> aligners = new Ranked<>();
    private final Ranked<FaceEmbedder> embedders = new Ranked<>();
    private final Ranked<Gallery> galleries = new Ranked<>();

    /**
     * @param context this bundle's context: bundle names, Karaf's {@code etc} folder
     * @param config  the configuration
     * @param cm      Configuration Admin, where settings are changed
     * @param scr     Service Component Runtime, which says whether a component took its new settings
     * @throws IllegalArgumentException on a bad configuration value, naming its key
     */
    @Activate
    public OperationsComponent(BundleContext context, OperationsConfig config,
                               @Reference(name = "configurationAdmin") ConfigurationAdmin cm,
                               @Reference(name = "componentRuntime") ServiceComponentRuntime scr) {
        this(OperationsSettings.from(config), Whitelist.DEFAULT, cm, new ScrComponentStates(scr),
                etcFolder(context.getProperty("karaf.etc")), id -> bundleName(context, id));
    }

    /**
     * For tests: everything injected.
     *
     * @param settings    validated settings
     * @param whitelist   the settings operators may change
     * @param cm          Configuration Admin
     * @param components  what SCR says about components
     * @param etc         where new {@code .cfg} files go, or null
     * @param bundleNames bundle id to symbolic name
     */
    OperationsComponent(OperationsSettings settings, Whitelist whitelist, ConfigurationAdmin cm,
                        ComponentStates components, Path etc, LongFunction<String> bundleNames) {
        this.settings = settings;
        this.work = new FaceWork(settings.maxPixels(), settings.maxImageBytes());
        this.whitelist = whitelist;
        this.changer = new ConfigChanger(cm, components, etc, settings.configureTimeoutMs(), SETTLE_MS, POLL_MS);
        this.bundleNames = bundleNames;
        LOG.info("operations ready: max_pixels={}, max_photos={}, max_image_bytes={}", settings.maxPixels(),
                settings.maxPhotos(), settings.maxImageBytes());
    }

    private static Path etcFolder(String karafEtc) {
        try {
            return karafEtc == null || karafEtc.isBlank() ? null : Path.of(karafEtc).toAbsolutePath();
        } catch (InvalidPathException e) {
            LOG.warn("karaf.etc is not a usable path ({}): settings changes get no .cfg file", karafEtc);
            return null;
        }
    }

    private static String bundleName(BundleContext context, long id) {
        Bundle b = id < 0 ? null : context.getBundle(id);
        return b == null ? "bundle " + id : b.getSymbolicName();
    }

    // ---- stage services, followed like the pipeline follows them ----

    @Reference(name = "detector", service = FaceDetector.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindDetector", updated = "updatedDetector")
    void bindDetector(FaceDetector s, Map<String, Object> props) {
        detectors.add(s, props);
    }

    void updatedDetector(FaceDetector s, Map<String, Object> props) {
        detectors.update(s, props);
    }

    void unbindDetector(FaceDetector s) {
        release(detectors, s, "detector");
    }

    @Reference(name = "aligner", service = FaceAligner.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindAligner", updated = "updatedAligner")
    void bindAligner(FaceAligner s, Map<String, Object> props) {
        aligners.add(s, props);
    }

    void updatedAligner(FaceAligner s, Map<String, Object> props) {
        aligners.update(s, props);
    }

    void unbindAligner(FaceAligner s) {
        release(aligners, s, "aligner");
    }

    @Reference(name = "embedder", service = FaceEmbedder.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEmbedder", updated = "updatedEmbedder")
    void bindEmbedder(FaceEmbedder s, Map<String, Object> props) {
        embedders.add(s, props);
    }

    void updatedEmbedder(FaceEmbedder s, Map<String, Object> props) {
        embedders.update(s, props);
    }

    void unbindEmbedder(FaceEmbedder s) {
        release(embedders, s, "embedder");
    }

    @Reference(name = "gallery", service = Gallery.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindGallery", updated = "updatedGallery")
    void bindGallery(Gallery s, Map<String, Object> props) {
        galleries.add(s, props);
    }

    void updatedGallery(Gallery s, Map<String, Object> props) {
        galleries.update(s, props);
    }

    void unbindGallery(Gallery s) {
        release(galleries, s, "gallery");
    }

    private static <T> void release(Ranked<T> ranked, T service, String kind) {
        if (!ranked.remove(service, UNBIND_WAIT_MS)) {
            LOG.warn("{} {} unbound while an operation still used it after {} ms", kind, service, UNBIND_WAIT_MS);
        }
    }

    // ---- operations ----

    @Override
    public List<PersonSummary> people() throws OperationException {
        try (Ranked.Lease<Gallery> g = galleries.acquire()) {
            Gallery gallery = need(g, "gallery");
            return stage("the gallery", gallery::summaries);
        }
    }

    @Override
    public EnrollResult enroll(String name, List<Photo> photos) throws OperationException {
        if (name == null || name.isBlank()) {
            throw new OperationException(OperationException.BAD_REQUEST, "a person name is required");
        }
        if (photos == null || photos.isEmpty()) {
            throw new OperationException(OperationException.BAD_REQUEST, "at least one photo is required");
        }
        if (photos.size() > settings.maxPhotos()) {
            throw new OperationException(OperationException.TOO_LARGE, photos.size() + " photos; at most max_photos="
                    + settings.maxPhotos() + " per enrolment");
        }
        if (photos.stream().anyMatch(Objects::isNull)) {
            throw new OperationException(OperationException.BAD_REQUEST, "a photo is missing");
        }
        try (Ranked.Lease<FaceDetector> d = detectors.acquire();
             Ranked.Lease<FaceAligner> a = aligners.acquire();
             Ranked.Lease<Gallery> g = galleries.acquire()) {
            FaceDetector detector = need(d, "face detector");
            FaceAligner aligner = need(a, "face aligner");
            Gallery gallery = need(g, "gallery");
            FaceWork.Enrolment e = stage("face detection", () -> work.prepareEnrolment(photos, detector, aligner));
            if (e.crops().isEmpty()) {
                List<String> why = new ArrayList<>();
                for (PhotoResult r : e.results()) {
                    why.add(r.label() + ": " + r.problem());
                }
                throw new OperationException(OperationException.BAD_REQUEST, "nothing enrolled: no usable photo of "
                        + name.strip() + " (" + String.join("; ", why) + ")");
            }
            try {
                gallery.enroll(name, e.crops());
            } catch (IllegalArgumentException refused) {
                throw new OperationException(OperationException.BAD_REQUEST, refused.getMessage(), refused);
            } catch (RuntimeException failed) {
                throw new OperationException(OperationException.INTERNAL_ERROR, "the gallery failed: "
                        + ImageDecoder.describe(failed), failed);
            }
            return new EnrollResult(name.strip(), e.crops().size(), e.results());
        }
    }

    @Override
    public void forget(String name) throws OperationException {
        if (name == null || name.isBlank()) {
            throw new OperationException(OperationException.BAD_REQUEST, "a person name is required");
        }
        try (Ranked.Lease<Gallery> g = galleries.acquire()) {
            Gallery gallery = need(g, "gallery");
            if (!stage("the gallery", () -> gallery.forget(name))) {
                throw new OperationException(OperationException.NOT_FOUND, name.strip() + " is not enrolled");
            }
        }
    }

    @Override
    public void rename(String from, String to) throws OperationException {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new OperationException(OperationException.BAD_REQUEST, "both the enrolled name and the new name"
                    + " are required");
        }
        try (Ranked.Lease<Gallery> g = galleries.acquire()) {
            Gallery gallery = need(g, "gallery");
            List<String> people = stage("the gallery", gallery::people);
            if (!people.contains(from.strip())) {
                throw new OperationException(OperationException.NOT_FOUND, from.strip() + " is not enrolled");
            }
            if (!from.strip().equals(to.strip()) && people.contains(to.strip())) {
                throw conflict(to);
            }
            boolean renamed;
            try {
                renamed = gallery.rename(from, to);
            } catch (IllegalArgumentException refused) {
                // the new name may have been enrolled meanwhile
                if (stage("the gallery", gallery::people).contains(to.strip())) {
                    throw conflict(to);
                }
                throw new OperationException(OperationException.BAD_REQUEST, refused.getMessage(), refused);
            } catch (RuntimeException failed) {
                throw new OperationException(OperationException.INTERNAL_ERROR, "the gallery failed: "
                        + ImageDecoder.describe(failed), failed);
            }
            if (!renamed) {
                throw new OperationException(OperationException.NOT_FOUND, from.strip() + " is not enrolled");
            }
        }
    }

    private static OperationException conflict(String to) {
        return new OperationException(OperationException.CONFLICT, to.strip() + " is already enrolled");
    }

    @Override
    public IdentifyResult identify(Photo photo) throws OperationException {
        if (photo == null) {
            throw new OperationException(OperationException.BAD_REQUEST, "a photo is required");
        }
        // decoded before any service is held: decoding a large image takes a while
        FaceWork.Decoded decoded = work.decode(photo);
        if (decoded.image() == null) {
            throw new OperationException(decoded.tooLarge() ? OperationException.TOO_LARGE
                    : OperationException.BAD_REQUEST, photo.label() + ": " + decoded.problem());
        }
        try (Ranked.Lease<FaceDetector> d = detectors.acquire();
             Ranked.Lease<FaceAligner> a = aligners.acquire();
             Ranked.Lease<FaceEmbedder> e = embedders.acquire();
             Ranked.Lease<Gallery> g = galleries.acquire()) {
            FaceDetector detector = need(d, "face detector");
            FaceAligner aligner = need(a, "face aligner");
            FaceEmbedder embedder = need(e, "face embedder (model)");
            Gallery gallery = need(g, "gallery");
            return stage("identification", () -> work.identify(decoded.image(), detector, aligner, embedder, gallery));
        }
    }

    @Override
    public List<ModelSummary> models() throws OperationException {
        List<Ranked.Bound<FaceEmbedder>> bound = embedders.all();
        List<ModelSummary> out = new ArrayList<>(bound.size());
        for (int i = 0; i < bound.size(); i++) {
            Ranked.Bound<FaceEmbedder> b = bound.get(i);
            out.add(new ModelSummary(stage("an embedder", b.service()::model), b.ranking(),
                    bundleNames.apply(b.bundleId()), i == 0));
        }
        return out;
    }

    @Override
    public List<Setting> settings() throws OperationException {
        Map<String, Map<String, Object>> configured = new HashMap<>();
        Map<String, Map<String, Object>> defaults = new HashMap<>();
        List<Setting> out = new ArrayList<>();
        for (SettingSpec s : whitelist.all()) {
            Map<String, Object> props;
            try {
                props = configured.containsKey(s.pid()) ? configured.get(s.pid()) : changer.properties(s.pid());
            } catch (IOException | RuntimeException e) {
                throw new OperationException(OperationException.INTERNAL_ERROR, "cannot read configuration "
                        + s.pid() + ": " + ImageDecoder.describe(e), e);
            }
            configured.put(s.pid(), props);
            Object raw = props == null ? null : props.get(s.property());
            if (raw == null) {
                raw = defaults.computeIfAbsent(s.pid(), changer::componentDefaults).get(s.property());
            }
            out.add(s.toSetting(raw));
        }
        return out;
    }

    @Override
    public List<Setting> configure(Map<String, Object> values) throws OperationException {
        if (values == null || values.isEmpty()) {
            throw new OperationException(OperationException.BAD_REQUEST, "no settings given");
        }
        for (String key : values.keySet()) {
            if (whitelist.find(key) == null) {
                throw new OperationException(OperationException.BAD_REQUEST, "unknown setting '" + key
                        + "'; settings: " + String.join(", ", whitelist.all().stream().map(SettingSpec::key).toList()));
            }
        }
        // grouped by configuration, in table order, every value type-checked before anything changes
        Map<String, Map<String, String>> byPid = new LinkedHashMap<>();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        for (SettingSpec s : whitelist.all()) {
            if (!values.containsKey(s.key())) {
                continue;
            }
            Object v = values.get(s.key());
            String canonical;
            try {
                canonical = v == null ? null : s.canonical(v);
            } catch (IllegalArgumentException wrong) {
                throw new OperationException(OperationException.BAD_REQUEST, wrong.getMessage(), wrong);
            }
            byPid.computeIfAbsent(s.pid(), p -> new LinkedHashMap<>()).put(s.property(), canonical);
            labels.computeIfAbsent(s.pid(), p -> new ArrayList<>())
                    .add(s.key() + "=" + (canonical == null ? "(default)" : canonical));
        }
        List<ConfigChanger.Change> changes = new ArrayList<>();
        byPid.forEach((pid, props) -> changes.add(new ConfigChanger.Change(pid, props,
                String.join(", ", labels.get(pid)))));
        changer.apply(changes);
        return settings();
    }

    // ---- helpers ----

    private static <T> T need(Ranked.Lease<T> lease, String what) throws OperationException {
        if (lease == null) {
            throw new OperationException(OperationException.UNAVAILABLE, "no " + what + " available (yet)");
        }
        return lease.service();
    }

    /** Runs a stage call; its failure (never bad input at this point) is the gateway's: 500. */
    private static <T> T stage(String what, Supplier<T> call) throws OperationException {
        try {
            return Objects.requireNonNull(call.get(), () -> what + " returned nothing");
        } catch (RuntimeException e) {
            throw new OperationException(OperationException.INTERNAL_ERROR, what + " failed: "
                    + ImageDecoder.describe(e), e);
        }
    }
}
