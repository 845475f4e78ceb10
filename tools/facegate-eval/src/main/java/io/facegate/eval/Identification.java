package io.facegate.eval;

import io.facegate.api.Embedding;
import java.util.List;
import java.util.Objects;

/**
 * The arithmetic of the identification protocol. Matching is against every enrolled
 * embedding, not a per-person mean template: the best similarity over a person's photos
 * is that person's score, so one poor enrolment photo does not drag the others down.
 */
final class Identification {
    private Identification() {
    }

    /**
     * @param identity who was enrolled
     * @param embedding one enrolment photo's embedding
     */
    record Enrolled(String identity, Embedding embedding) {
        Enrolled {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(embedding, "embedding");
        }
    }

    /**
     * @param identity   the best-matching enrolled person, or null (empty gallery or failed probe)
     * @param similarity cosine to that person's closest enrolment photo; -1 if there is none
     */
    record Match(String identity, double similarity) {
    }

    /**
     * @param identity  true identity, or null for someone never enrolled
     * @param embedding the probe's embedding, or null when the image was unusable
     */
    record Probe(String identity, Embedding embedding) {
    }

    /**
     * @param gallery enrolled embeddings
     * @param probe   a probe embedding, or null for a failed probe
     * @return the nearest enrolled embedding's person; a failed probe matches nobody at -1,
     *         the worst possible cosine, so it counts as a miss (known) or a rejection (unknown)
     */
    static Match nearest(List<Enrolled> gallery, Embedding probe) {
        String best = null;
        double bestSim = -1;
        if (probe == null) {
            return new Match(null, bestSim);
        }
        for (Enrolled e : gallery) {
            double s = e.embedding().cosine(probe);
            if (best == null || s > bestSim) {
                best = e.identity();
                bestSim = s;
            }
        }
        return new Match(best, bestSim);
    }

    /**
     * @param knownProbes          probes of enrolled people
     * @param rank1Correct         of those, nearest match is the right person (closed set, no threshold)
     * @param knownAccepted        of those, right person and similarity {@code >=} threshold
     * @param unknownProbes        probes of people never enrolled
     * @param unknownRejected      of those, best similarity below the threshold
     * @param threshold            the open-set threshold
     */
    record Result(int knownProbes, int rank1Correct, int knownAccepted, int unknownProbes, int unknownRejected,
                  double threshold) {
        /** @return closed-set rank-1 accuracy over the known probes; NaN without probes */
        double rank1() {
            return knownProbes == 0 ? Double.NaN : rank1Correct / (double) knownProbes;
        }

        /** @return detection-and-identification rate: known probes accepted as the right person */
        double knownAcceptRate() {
            return knownProbes == 0 ? Double.NaN : knownAccepted / (double) knownProbes;
        }

        /** @return fraction of unknown probes rejected; NaN without unknown probes */
        double unknownRejectRate() {
            return unknownProbes == 0 ? Double.NaN : unknownRejected / (double) unknownProbes;
        }

        /** @return right decisions over all probes: known ones accepted as the right person, unknown ones rejected */
        double openSetAccuracy() {
            int all = knownProbes + unknownProbes;
            return all == 0 ? Double.NaN : (knownAccepted + unknownRejected) / (double) all;
        }
    }

    /**
     * @param gallery   enrolled embeddings
     * @param probes    known and unknown probes
     * @param threshold open-set threshold: a best similarity below it means "unknown"
     * @return the counts
     */
    static Result evaluate(List<Enrolled> gallery, List<Probe> probes, double threshold) {
        int known = 0;
        int rank1 = 0;
        int accepted = 0;
        int unknown = 0;
        int rejected = 0;
        for (Probe p : probes) {
            Match m = nearest(gallery, p.embedding());
            boolean accept = m.identity() != null && m.similarity() >= threshold;
            if (p.identity() == null) {
                unknown++;
                rejected += accept ? 0 : 1;
            } else {
                known++;
                boolean right = p.identity().equals(m.identity());
                rank1 += right ? 1 : 0;
                accepted += right && accept ? 1 : 0;
            }
        }
        return new Result(known, rank1, accepted, unknown, rejected, threshold);
    }
}
