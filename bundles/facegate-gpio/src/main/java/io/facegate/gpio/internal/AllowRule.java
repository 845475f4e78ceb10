package io.facegate.gpio.internal;

import io.facegate.api.Identity;
import io.facegate.gpio.ActuationReason;
import java.util.Set;

/**
 * Who an output admits: enrolled people named on its list (or everyone enrolled, {@code *}) whose similarity is
 * at least {@code minSimilarity}. The gallery's own threshold has already decided who is enrolled at all; this is
 * the output's stricter bar on top of it. Names match exactly, case included, as the gallery spells them.
 *
 * @param names         the allowed names; empty admits nobody
 * @param everyone      {@code *}: every enrolled person
 * @param minSimilarity the lowest similarity admitted
 */
record AllowRule(Set<String> names, boolean everyone, float minSimilarity) {
    /** The list entry that admits every enrolled person. */
    static final String EVERYONE = "*";

    /** Copies the names. */
    AllowRule {
        names = Set.copyOf(names);
    }

    /**
     * @param identity one face's match
     * @return {@link ActuationReason#ALLOWED} if admitted, otherwise why not
     */
    ActuationReason judge(Identity identity) {
        if (!identity.known()) {
            return ActuationReason.UNKNOWN_FACE;
        }
        if (!everyone && !names.contains(identity.name())) {
            return ActuationReason.NOT_ALLOWED;
        }
        if (identity.similarity() < minSimilarity) {
            return ActuationReason.BELOW_MIN_SIMILARITY;
        }
        return ActuationReason.ALLOWED;
    }

    /** @return whether it admits nobody */
    boolean admitsNobody() {
        return !everyone && names.isEmpty();
    }

    @Override
    public String toString() {
        return (everyone ? EVERYONE : String.join(",", names.stream().sorted().toList()))
                + " (min_similarity " + minSimilarity + ")";
    }
}
