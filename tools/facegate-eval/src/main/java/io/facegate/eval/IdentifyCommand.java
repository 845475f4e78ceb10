package io.facegate.eval;

import io.facegate.api.Embedding;
import io.facegate.api.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code identify}: the paper's gallery protocol on a folder {@code ROOT/<identity>/<photos>}.
 *
 * <p>Per identity the photos are shuffled with a seed derived from {@code --seed} and the
 * identity's name (so limiting the identities does not change anyone's draw). The first K
 * usable photos in that order are enrolled; the next P photos, usable or not, are probes.
 * An unusable probe matches nobody (similarity -1): a miss for an enrolled person, a
 * rejection for an unknown one. Identities with fewer than K+1 usable photos are skipped
 * and listed. Every photo of a kept identity is processed, since usability is only known
 * afterwards.
 */
final class IdentifyCommand {
    private IdentifyCommand() {
    }

    /**
     * @param root          enrolled identities
     * @param unknown       identities never enrolled, or null
     * @param models        folder of model folders
     * @param modelId       embedder to evaluate
     * @param aligned       input is pre-aligned: resize only, no detection
     * @param enroll        K, photos enrolled per identity
     * @param probes        P, most probes per identity
     * @param seed          seed of the photo draw
     * @param threshold     open-set threshold, NaN for the model's recommended one
     * @param maxIdentities use only the first N identities of each root in name order (0 = all)
     * @param batch         faces per embedder run
     * @param threads       decode/detect threads
     * @param flip          embed each face with its mirror image and use the normalised sum (flip averaging)
     */
    record Config(Path root, Path unknown, Path models, String modelId, boolean aligned, int enroll, int probes,
                  long seed, double threshold, int maxIdentities, int batch, int threads, boolean flip) {
        /** The configuration without flip averaging. */
        Config(Path root, Path unknown, Path models, String modelId, boolean aligned, int enroll, int probes,
               long seed, double threshold, int maxIdentities, int batch, int threads) {
            this(root, unknown, models, modelId, aligned, enroll, probes, seed, threshold, maxIdentities, batch,
                    threads, false);
        }
    }

    /**
     * @param name   identity
     * @param usable photos that produced an embedding; -1 when not processed because the folder
     *               has fewer than K+1 photos anyway
     * @param total  photos in the folder
     */
    record Skipped(String name, int usable, int total) {
        @Override
        public String toString() {
            return name + (usable < 0 ? " (" + total + " photos)" : " (" + usable + "/" + total + " usable)");
        }
    }

    /**
     * @param config             what was run
     * @param model              the embedder's model
     * @param thresholdSource    where the threshold came from
     * @param knownIdentities    identities found under the root (after --max-identities)
     * @param enrolledIdentities identities enrolled
     * @param skipped            identities with fewer than K+1 usable photos
     * @param unknownIdentities  identities found under the unknown root
     * @param failedKnownProbes  known probes whose image was unusable
     * @param failedUnknownProbes unknown probes whose image was unusable
     * @param result             the protocol's counts
     * @param encoded            per-image outcomes and timings
     */
    record Report(Config config, ModelInfo model, String thresholdSource, int knownIdentities, int enrolledIdentities,
                  List<Skipped> skipped, int unknownIdentities, int failedKnownProbes, int failedUnknownProbes,
                  Identification.Result result, FaceEncoder.Run encoded) {

        String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "identify %s on %s (enrol %d, probe up to %d, seed %d%s%s)%n",
                    model.key(), config.root(), config.enroll(), config.probes(), config.seed(),
                    config.aligned() ? ", pre-aligned" : "", config.flip() ? ", flip-averaged" : ""));
            Map<Failure, Integer> failures = encoded.failures();
            Table t = new Table("metric", "value")
                    .row("identities", knownIdentities + " found, " + enrolledIdentities + " enrolled, "
                            + skipped.size() + " skipped (< " + (config.enroll() + 1) + " usable photos)")
                    .row("enrolled photos", enrolledIdentities * config.enroll())
                    .row("known probes", result.knownProbes() + " (" + failedKnownProbes + " unusable)")
                    .row("rank-1 (nearest enrolled photo)", Table.percent(result.rank1()) + " ("
                            + result.rank1Correct() + "/" + result.knownProbes() + ")")
                    .row("threshold (" + thresholdSource + ")", Table.fixed(result.threshold(), 4))
                    .row("known probes accepted as the right person", Table.percent(result.knownAcceptRate())
                            + " (" + result.knownAccepted() + "/" + result.knownProbes() + ")");
            if (config.unknown() != null) {
                t.row("unknown identities", unknownIdentities)
                        .row("unknown probes", result.unknownProbes() + " (" + failedUnknownProbes + " unusable)")
                        .row("unknown probes rejected", Table.percent(result.unknownRejectRate()) + " ("
                                + result.unknownRejected() + "/" + result.unknownProbes() + ")");
            }
            t.row("open-set accuracy", Table.percent(result.openSetAccuracy()))
                    .row("images", encoded.byFile().size() + " processed, " + encoded.embedded() + " embedded");
            for (Failure f : Failure.values()) {
                t.row("  " + f.label(), failures.get(f));
            }
            t.row("time", String.format(Locale.ROOT, "%.1f s decode+detect+align, %.1f s embed",
                    encoded.prepareSeconds(), encoded.embedSeconds()));
            b.append(t);
            if (!skipped.isEmpty()) {
                b.append("skipped: ");
                b.append(String.join(", ", skipped.stream().map(Skipped::toString).toList()));
                b.append('\n');
            }
            return b.toString();
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("command", "identify");
            j.put("model", Reports.model(model));
            j.put("input", Reports.map("root", config.root().toString(),
                    "unknown", config.unknown() == null ? null : config.unknown().toString(),
                    "aligned", config.aligned(), "flip", config.flip(), "enroll", config.enroll(), "probes", config.probes(),
                    "seed", config.seed(), "maxIdentities", config.maxIdentities(), "matching", "nearest enrolled photo"));
            List<Object> skippedJson = new ArrayList<>();
            skipped.forEach(s -> skippedJson.add(Reports.map("name", s.name(),
                    "usable", s.usable() < 0 ? null : s.usable(), "total", s.total())));
            j.put("identities", Reports.map("known", knownIdentities, "enrolled", enrolledIdentities,
                    "skipped", skippedJson, "unknown", unknownIdentities));
            j.put("probes", Reports.map("known", result.knownProbes(), "knownUnusable", failedKnownProbes,
                    "unknown", result.unknownProbes(), "unknownUnusable", failedUnknownProbes));
            j.put("rank1", Reports.map("accuracy", result.rank1(), "correct", result.rank1Correct()));
            j.put("openSet", Reports.map("threshold", result.threshold(), "thresholdSource", thresholdSource,
                    "knownAccepted", result.knownAccepted(), "knownAcceptRate", result.knownAcceptRate(),
                    "unknownRejected", result.unknownRejected(), "unknownRejectRate", result.unknownRejectRate(),
                    "accuracy", result.openSetAccuracy()));
            j.put("images", Reports.images(encoded));
            j.put("timing", Reports.timing(encoded));
            j.put("machine", Machine.describe());
            return j;
        }
    }

    /** An identity folder's photos, shuffled by the identity's own seed. */
    private record Person(String name, List<Path> photos) {
    }

    /**
     * @param c        the configuration
     * @param progress progress reporting
     * @return the report
     * @throws IOException if a root cannot be listed
     * @throws IllegalArgumentException if an identity appears in both roots
     * @throws io.facegate.api.FaceGateException if a model cannot be loaded or fails
     */
    static Report run(Config c, Progress progress) throws IOException {
        List<Person> known = scan(c.root(), c.maxIdentities(), c.seed());
        List<Person> unknown = c.unknown() == null ? List.of() : scan(c.unknown(), c.maxIdentities(), c.seed());
        Set<String> knownNames = new HashSet<>();
        known.forEach(p -> knownNames.add(p.name()));
        for (Person p : unknown) {
            if (knownNames.contains(p.name())) {
                throw new IllegalArgumentException("identity '" + p.name() + "' is under both " + c.root() + " and "
                        + c.unknown() + "; unknown identities must never be enrolled");
            }
        }
        List<Path> files = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Person> candidates = new ArrayList<>();
        for (Person p : known) {
            if (p.photos().size() < c.enroll() + 1) {
                skipped.add(new Skipped(p.name(), -1, p.photos().size())); // too few photos to even try
            } else {
                candidates.add(p);
                files.addAll(p.photos());
            }
        }
        for (Person p : unknown) {
            files.addAll(p.photos().subList(0, Math.min(c.probes(), p.photos().size())));
        }
        FaceEncoder.Run encoded;
        ModelInfo model;
        try (Stages stages = Stages.open(c.models(), c.modelId(), c.aligned(), c.batch(), c.flip());
             FaceEncoder encoder = stages.encoder(c.threads())) {
            model = stages.model();
            encoded = encoder.encode(files, progress);
        }
        List<Identification.Enrolled> gallery = new ArrayList<>();
        List<Identification.Probe> probes = new ArrayList<>();
        int enrolledIdentities = 0;
        int failedKnown = 0;
        for (Person p : candidates) {
            List<Path> usable = p.photos().stream().filter(f -> encoded.byFile().get(f).ok()).toList();
            if (usable.size() < c.enroll() + 1) {
                skipped.add(new Skipped(p.name(), usable.size(), p.photos().size()));
                continue;
            }
            enrolledIdentities++;
            List<Path> enrolled = usable.subList(0, c.enroll());
            for (Path f : enrolled) {
                gallery.add(new Identification.Enrolled(p.name(), encoded.byFile().get(f).embedding()));
            }
            List<Path> rest = p.photos().stream().filter(f -> !enrolled.contains(f)).limit(c.probes()).toList();
            for (Path f : rest) {
                Embedding e = encoded.byFile().get(f).embedding();
                failedKnown += e == null ? 1 : 0;
                probes.add(new Identification.Probe(p.name(), e));
            }
        }
        int failedUnknown = 0;
        for (Person p : unknown) {
            for (Path f : p.photos().subList(0, Math.min(c.probes(), p.photos().size()))) {
                Embedding e = encoded.byFile().get(f).embedding();
                failedUnknown += e == null ? 1 : 0;
                probes.add(new Identification.Probe(null, e));
            }
        }
        boolean recommended = Double.isNaN(c.threshold());
        double threshold = recommended ? model.recommendedThreshold() : c.threshold();
        skipped.sort(Comparator.comparing(Skipped::name));
        return new Report(c, model, recommended ? "model's recommended" : "--threshold", known.size(),
                enrolledIdentities, List.copyOf(skipped), unknown.size(), failedKnown, failedUnknown,
                Identification.evaluate(gallery, probes, threshold), encoded);
    }

    /**
     * @return the identity folders under {@code root} in name order (first {@code max} if positive),
     *         each with its regular, non-hidden files shuffled by a seed of its own
     */
    private static List<Person> scan(Path root, int max, long seed) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("not a folder: " + root);
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).filter(d -> !hidden(d)).sorted().toList();
        }
        if (max > 0 && dirs.size() > max) {
            dirs = dirs.subList(0, max);
        }
        List<Person> people = new ArrayList<>(dirs.size());
        for (Path d : dirs) {
            List<Path> photos;
            try (Stream<Path> s = Files.list(d)) {
                photos = new ArrayList<>(s.filter(Files::isRegularFile).filter(f -> !hidden(f)).sorted().toList());
            }
            String name = d.getFileName().toString();
            Collections.shuffle(photos, new Random(Objects.hash(seed, name)));
            people.add(new Person(name, List.copyOf(photos)));
        }
        return people;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
