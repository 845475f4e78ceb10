package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pairs protocol's arithmetic on score sets small enough to work out by hand. */
class VerificationTest {
    private static final double EPS = 1e-12;

    @Test
    void accuracyCountsScoresAtTheThresholdAsSame() {
        double[] s = {0.9, 0.8, 0.3, 0.1};
        boolean[] y = {true, true, false, false};
        assertEquals(1.0, Verification.accuracy(s, y, 0.5), EPS);
        assertEquals(0.75, Verification.accuracy(s, y, 0.85), EPS);
        assertEquals(1.0, Verification.accuracy(s, y, 0.8), EPS);
        assertEquals(0.5, Verification.accuracy(s, y, 2), EPS);
    }

    @Test
    void bestThresholdSeparatesSeparableScoresAtTheMidpoint() {
        double[] s = {0.9, 0.8, 0.3, 0.1};
        boolean[] y = {true, true, false, false};
        assertEquals(0.55, Verification.bestThreshold(s, y), EPS);
    }

    @Test
    void bestThresholdTakesTheLowestOfEqualBestSplits() {
        // splits: t=0.15 -> 4/5 right, t=0.35 -> 4/5 right, every other split fewer
        double[] s = {0.1, 0.2, 0.3, 0.4, 0.5};
        boolean[] y = {false, true, false, true, true};
        double t = Verification.bestThreshold(s, y);
        assertEquals(0.15, t, EPS);
        assertEquals(0.8, Verification.accuracy(s, y, t), EPS);
    }

    @Test
    void bestThresholdNeverSplitsTiedScores() {
        // the two 0.5s must fall on the same side: best is 3/4, first reached at t = 0.3
        double[] s = {0.5, 0.5, 0.9, 0.1};
        boolean[] y = {true, false, true, false};
        double t = Verification.bestThreshold(s, y);
        assertEquals(0.3, t, EPS);
        assertEquals(0.75, Verification.accuracy(s, y, t), EPS);
    }

    @Test
    void bestThresholdCanAcceptOrRejectEverything() {
        assertEquals(0.2, Verification.bestThreshold(new double[] {0.2, 0.7}, new boolean[] {true, true}), EPS);
        double allDifferent = Verification.bestThreshold(new double[] {0.2, 0.7}, new boolean[] {false, false});
        assertEquals(1.0, Verification.accuracy(new double[] {0.2, 0.7}, new boolean[] {false, false}, allDifferent));
    }

    @Test
    void crossValidationChoosesEachThresholdOnTheOtherFolds() {
        // fold 2 is the hard one: its different pair scores above its same pair
        double[] s = {0.9, 0.2, 0.8, 0.3, 0.6, 0.65};
        boolean[] y = {true, false, true, false, true, false};
        int[] fold = {0, 0, 1, 1, 2, 2};
        Verification.CrossValidation cv = Verification.crossValidate(s, y, fold, 3);

        List<Verification.FoldResult> f = cv.folds();
        assertEquals(3, f.size());
        // held out 0: trained on {0.3-, 0.6+, 0.65-, 0.8+}: best 3/4 first at (0.3+0.6)/2
        assertEquals(0.45, f.get(0).threshold(), EPS);
        assertEquals(1.0, f.get(0).accuracy(), EPS);
        // held out 1: trained on {0.2-, 0.6+, 0.65-, 0.9+}
        assertEquals(0.4, f.get(1).threshold(), EPS);
        assertEquals(1.0, f.get(1).accuracy(), EPS);
        // held out 2: trained on the separable folds -> 0.55, which accepts 0.65 wrongly
        assertEquals(0.55, f.get(2).threshold(), EPS);
        assertEquals(0.5, f.get(2).accuracy(), EPS);
        assertEquals(2, f.get(2).pairs());

        assertEquals(2.5 / 3, cv.meanAccuracy(), EPS);
        assertEquals(Math.sqrt(1.0 / 18), cv.stdAccuracy(), EPS); // population std of {1, 1, 0.5}
        assertEquals(1.4 / 3, cv.meanThreshold(), EPS);
        assertEquals(Math.sqrt(1.0 / 12) / Math.sqrt(3), cv.standardError(), EPS); // sample std / sqrt(n)
    }

    @Test
    void crossValidationNeedsTwoFoldsAndPairsInEach() {
        double[] s = {0.9, 0.2};
        boolean[] y = {true, false};
        assertThrows(IllegalArgumentException.class, () -> Verification.crossValidate(s, y, new int[] {0, 0}, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Verification.crossValidate(s, y, new int[] {0, 0}, 2));
        assertEquals("fold 0 has no training pairs", e.getMessage());
    }

    @Test
    void tarAtFarAllowsFloorOfFarTimesNegativesFalseAccepts() {
        double[] s = new double[1004];
        boolean[] y = new boolean[1004];
        for (int i = 0; i < 1000; i++) {
            s[i] = i / 1000.0; // negatives 0.000 .. 0.999
        }
        double[] pos = {0.9995, 0.999, 0.5, 0.95};
        for (int i = 0; i < 4; i++) {
            s[1000 + i] = pos[i];
            y[1000 + i] = true;
        }
        Verification.TarAtFar r = Verification.tarAtFar(s, y, 1e-3);
        // one false accept allowed: 0.999 passes, 0.998 must not
        assertEquals(1, r.falseAccepts());
        assertEquals(1e-3, r.actualFar(), EPS);
        assertEquals(Math.nextUp(0.998), r.threshold(), 0);
        assertEquals(0.5, r.tar(), EPS); // 0.9995 and 0.999
    }

    @Test
    void tarAtFarRaisesTheThresholdAboveTiedNegatives() {
        // one false accept allowed of ten, but the top two negatives tie: accepting one accepts both
        double[] s = {0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.95};
        boolean[] y = new boolean[12];
        y[10] = true;
        y[11] = true;
        Verification.TarAtFar r = Verification.tarAtFar(s, y, 0.1);
        assertEquals(0, r.falseAccepts());
        assertEquals(0.5, r.tar(), EPS);
        assertEquals(1.0, Verification.tarAtFar(s, y, 1).tar(), EPS);
    }

    @Test
    void rocAucIsTheProbabilityThatSamePairsOutscoreDifferentOnes() {
        boolean[] y = {true, true, false, false};
        assertEquals(1.0, Verification.rocAuc(new double[] {0.9, 0.8, 0.3, 0.1}, y), EPS);
        assertEquals(0.0, Verification.rocAuc(new double[] {0.1, 0.2, 0.8, 0.9}, y), EPS);
        assertEquals(0.5, Verification.rocAuc(new double[] {0.5, 0.5, 0.5, 0.5}, y), EPS);
        // pos {0.8, 0.4} vs neg {0.6, 0.2}: 3 of 4 orderings right
        assertEquals(0.75, Verification.rocAuc(new double[] {0.8, 0.4, 0.6, 0.2}, y), EPS);
        // a tie counts one half: pos {0.5} vs neg {0.5, 0.1} -> (0.5 + 1) / 2
        assertEquals(0.75, Verification.rocAuc(new double[] {0.5, 0.5, 0.1}, new boolean[] {true, false, false}), EPS);
    }

    @Test
    void rocAucAndTarNeedBothClasses() {
        double[] s = {0.3, 0.4};
        boolean[] y = {true, true};
        assertThrows(IllegalArgumentException.class, () -> Verification.rocAuc(s, y));
        assertThrows(IllegalArgumentException.class, () -> Verification.tarAtFar(s, y, 0.1));
    }
}
