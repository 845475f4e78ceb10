package io.facegate.eval;

import io.facegate.api.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON fragments shared by the commands' summaries. */
final class Reports {
    private Reports() {
    }

    /**
     * @param keyValues alternating keys and values
     * @return an insertion-ordered map (unlike {@link Map#of}, which scrambles the order and refuses nulls)
     */
    static Map<String, Object> map(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static Map<String, Object> model(ModelInfo m) {
        return map("id", m.id(), "version", m.version(), "inputSize", m.inputSize(),
                "embeddingSize", m.embeddingSize(), "recommendedThreshold", m.recommendedThreshold());
    }

    /** @return distinct images, embedded ones, the count per failure category, and every unusable file */
    static Map<String, Object> images(FaceEncoder.Run run) {
        Map<String, Object> failures = new LinkedHashMap<>();
        int unreadable = 0;
        for (Map.Entry<Failure, Integer> e : run.failures().entrySet()) {
            failures.put(e.getKey().key(), e.getValue());
            unreadable += e.getKey().unreadable() ? e.getValue() : 0;
        }
        List<Object> unusable = new ArrayList<>();
        run.byFile().forEach((file, e) -> {
            if (!e.ok()) {
                unusable.add(map("file", file.toString(), "failure", e.failure().key()));
            }
        });
        return map("distinct", run.byFile().size(), "embedded", run.embedded(), "unreadable", unreadable,
                "failures", failures, "unusable", unusable);
    }

    static Map<String, Object> timing(FaceEncoder.Run run) {
        double total = run.prepareSeconds() + run.embedSeconds();
        return map("prepareSeconds", run.prepareSeconds(), "embedSeconds", run.embedSeconds(),
                "msPerImage", 1000 * total / Math.max(1, run.byFile().size()));
    }
}
