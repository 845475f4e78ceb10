package io.facegate.benchmarks;

/** Least-squares line through (calls, MB) samples. */
final class Slope {
    private double n;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;

    /**
     * @param calls calls done when sampled
     * @param mb    resident memory then, MB
     */
    void add(double calls, double mb) {
        n++;
        sx += calls;
        sy += mb;
        sxx += calls * calls;
        sxy += calls * mb;
    }

    /** @return number of samples */
    int count() {
        return (int) n;
    }

    /** @return growth in MB per 10,000 calls; 0 with fewer than two distinct samples */
    double mbPer10kCalls() {
        double den = n * sxx - sx * sx;
        if (n < 2 || den == 0) {
            return 0;
        }
        return (n * sxy - sx * sy) / den * 10_000;
    }
}
