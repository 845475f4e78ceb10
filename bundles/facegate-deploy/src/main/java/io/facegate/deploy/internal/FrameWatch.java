package io.facegate.deploy.internal;

import io.facegate.api.PipelineStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last step of a health check: whether the pipeline processes the frames that come after an update without
 * failures. Compares two snapshots of the pipeline's counters, the one taken when the new revision came up and a
 * later one; pure, so the decision is tested without a pipeline or threads.
 */
final class FrameWatch {
    /** What a comparison says. */
    enum Verdict {
        /** Enough frames were processed after the update, none failed. */
        HEALTHY,
        /** A frame failed after the update. */
        FAILING,
        /** Not enough frames yet. */
        WAITING
    }

    private final PipelineStatus before;
    private final int frames;

    /**
     * @param before the pipeline's counters when the new revision came up
     * @param frames how many frames must be processed after it
     */
    FrameWatch(PipelineStatus before, int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        this.before = before;
        this.frames = frames;
    }

    /**
     * @param now the pipeline's counters now
     * @return the verdict so far
     */
    Verdict verdict(PipelineStatus now) {
        if (now.framesFailed() > before.framesFailed()) {
            return Verdict.FAILING;
        }
        return now.framesProcessed() - before.framesProcessed() >= frames ? Verdict.HEALTHY : Verdict.WAITING;
    }

    /**
     * @param now the pipeline's counters when it failed
     * @return why, for the job's reason: how many frames failed and the stages' errors that are new since the update
     */
    String failure(PipelineStatus now) {
        long failed = now.framesFailed() - before.framesFailed();
        long processed = now.framesProcessed() - before.framesProcessed();
        Map<String, String> fresh = new TreeMap<>();
        now.lastErrors().forEach((stage, error) -> {
            if (!error.equals(before.lastErrors().get(stage))) {
                fresh.put(stage, error);
            }
        });
        return failed + " of the " + (failed + processed) + " frames after the update failed"
                + (fresh.isEmpty() ? "" : " (" + fresh + ")");
    }

    /**
     * @param now the pipeline's counters when the wait for frames ran out
     * @return what the pipeline has been waiting for since the update (a stage service it lost), or {@code null}
     *         when it waits for nothing new: then frames just did not come
     */
    String stalled(PipelineStatus now) {
        List<String> missing = new ArrayList<>(now.waitingFor());
        missing.removeAll(before.waitingFor());
        return missing.isEmpty() ? null : "frames wait for " + String.join(", ", missing) + " since the update";
    }

    /** @return how many frames the watch waits for */
    int frames() {
        return frames;
    }
}
