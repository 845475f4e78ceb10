package io.facegate.api.operations;

import io.facegate.api.ModelInfo;
import java.util.Objects;

/**
 * One installed embedding model.
 *
 * @param model   what the model is
 * @param ranking its service ranking: the best-ranked one is used
 * @param bundle  symbolic name of the bundle that registered it
 * @param active  whether the pipeline uses it
 */
public record ModelSummary(ModelInfo model, int ranking, String bundle, boolean active) {
    /** @throws NullPointerException without a model */
    public ModelSummary {
        Objects.requireNonNull(model, "model");
    }
}
