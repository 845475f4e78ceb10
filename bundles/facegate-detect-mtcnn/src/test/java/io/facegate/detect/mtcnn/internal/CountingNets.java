package io.facegate.detect.mtcnn.internal;

import java.util.ArrayList;
import java.util.List;

/** Wraps nets and records every call, to check how the cascade batches its work. */
final class CountingNets implements MtcnnNets {
    final MtcnnNets delegate;
    final List<int[]> pnetInputs = new ArrayList<>();
    final List<Integer> rnetBatches = new ArrayList<>();
    final List<Integer> onetBatches = new ArrayList<>();
    boolean closed;

    CountingNets(MtcnnNets delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized PNetOutput pnet(float[] input, int height, int width) {
        pnetInputs.add(new int[] {height, width});
        return delegate.pnet(input, height, width);
    }

    @Override
    public synchronized RNetOutput rnet(float[] batch, int n) {
        rnetBatches.add(n);
        return delegate.rnet(batch, n);
    }

    @Override
    public synchronized ONetOutput onet(float[] batch, int n) {
        onetBatches.add(n);
        return delegate.onet(batch, n);
    }

    @Override
    public void close() {
        closed = true;
    }
}
