package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A small real run: the first of LFW-a's ten folds through detect, align and MobileFaceNet. */
class VerifyDataTest {

    @Test
    void firstLfwFoldIsAtLeastNinetyFivePercentAccurate() throws Exception {
        Path lfw = TestData.data("lfw-a");
        VerifyCommand.Config c = new VerifyCommand.Config(lfw.resolve("pairs.txt"), lfw.resolve("images"),
                TestData.models(), EvalCli.DEFAULT_MODEL, false, 10, 1, EvalCli.DEFAULT_SEED, 8, 2, 1e-3);
        VerifyCommand.Report r = VerifyCommand.run(c, new Progress(null, "verify"));
        System.out.print(r.table());

        assertEquals(600, r.pairs().pairs().size());
        assertEquals(1, r.cv().folds().size());
        assertEquals(0.5, r.cv().folds().get(0).threshold(), 1e-6, "one fold uses the model's threshold");
        assertTrue(r.cv().meanAccuracy() >= 0.95, "LFW-a fold 1 accuracy " + r.cv().meanAccuracy());
        assertTrue(r.auc() >= 0.97, "ROC AUC " + r.auc());
        // every image is accounted for: embedded or counted in a category
        int failed = r.encoded().failures().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(r.encoded().byFile().size(), r.encoded().embedded() + failed);
    }
}
