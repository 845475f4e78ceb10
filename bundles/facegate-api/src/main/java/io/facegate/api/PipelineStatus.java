package io.facegate.api;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the pipeline's counters, for health checks and the console.
 *
 * <p>Build one with {@link #builder()}: a field added in a later minor version gets a builder method and a
 * default, so code that uses the builder keeps compiling and running. The constructor of each earlier shape stays
 * for the callers compiled against it.
 *
 * @param running         whether the pipeline is processing frames
 * @param activeModel     {@link ModelInfo#key()} of the embedder in use, or {@code null} if none
 * @param queueDepth      frames waiting to be processed
 * @param queueCapacity   bound of the frame queue
 * @param framesReceived  frames taken from sources
 * @param framesProcessed frames that produced an event
 * @param framesFailed    frames whose processing failed (reported, acknowledged as failed)
 * @param framesDropped   frames dropped by the queue's drop policy
 * @param facesDetected   faces found in all processed frames
 * @param framesPerSecond recent processing rate
 * @param latencyP50Millis median frame-to-event latency over the recent window
 * @param latencyP99Millis 99th percentile frame-to-event latency over the recent window
 * @param waitingFor      what frames wait for before they can be processed (missing stage services, a required
 *                        listener), empty when nothing is missing (since 1.1)
 * @param lastErrors      per stage ({@code detect}, {@code align}, {@code embed}, {@code match}, {@code listener}):
 *                        the last error seen, empty when none (since 1.1)
 */
public record PipelineStatus(boolean running, String activeModel, int queueDepth, int queueCapacity,
                             long framesReceived, long framesProcessed, long framesFailed, long framesDropped,
                             long facesDetected, double framesPerSecond,
                             double latencyP50Millis, double latencyP99Millis,
                             List<String> waitingFor, Map<String, String> lastErrors) {
    /** Copies the collections so the snapshot stays immutable. */
    public PipelineStatus {
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
        lastErrors = lastErrors == null ? Map.of() : Map.copyOf(lastErrors);
    }

    /**
     * The 1.0 constructor: nothing waited for, no errors.
     *
     * @param running          see the record
     * @param activeModel      see the record
     * @param queueDepth       see the record
     * @param queueCapacity    see the record
     * @param framesReceived   see the record
     * @param framesProcessed  see the record
     * @param framesFailed     see the record
     * @param framesDropped    see the record
     * @param facesDetected    see the record
     * @param framesPerSecond  see the record
     * @param latencyP50Millis see the record
     * @param latencyP99Millis see the record
     */
    public PipelineStatus(boolean running, String activeModel, int queueDepth, int queueCapacity,
                          long framesReceived, long framesProcessed, long framesFailed, long framesDropped,
                          long facesDetected, double framesPerSecond,
                          double latencyP50Millis, double latencyP99Millis) {
        this(running, activeModel, queueDepth, queueCapacity, framesReceived, framesProcessed, framesFailed,
                framesDropped, facesDetected, framesPerSecond, latencyP50Millis, latencyP99Millis, List.of(), Map.of());
    }

    /**
     * @return a builder for a stopped pipeline: no active model, every count and rate zero, nothing waited for, no
     *         errors
     * @since 1.2
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding this snapshot's fields, to build a changed copy
     * @since 1.2
     */
    public Builder toBuilder() {
        return new Builder().running(running).activeModel(activeModel).queueDepth(queueDepth)
                .queueCapacity(queueCapacity).framesReceived(framesReceived).framesProcessed(framesProcessed)
                .framesFailed(framesFailed).framesDropped(framesDropped).facesDetected(facesDetected)
                .framesPerSecond(framesPerSecond).latencyP50Millis(latencyP50Millis)
                .latencyP99Millis(latencyP99Millis).waitingFor(waitingFor).lastErrors(lastErrors);
    }

    /**
     * Collects the fields of a {@link PipelineStatus}; {@link #build()} copies the collections as the constructor
     * does. Not thread-safe; each {@code build()} returns a new, independent record.
     *
     * @since 1.2
     */
    public static final class Builder {
        private boolean running;
        private String activeModel;
        private int queueDepth;
        private int queueCapacity;
        private long framesReceived;
        private long framesProcessed;
        private long framesFailed;
        private long framesDropped;
        private long facesDetected;
        private double framesPerSecond;
        private double latencyP50Millis;
        private double latencyP99Millis;
        private List<String> waitingFor = List.of();
        private Map<String, String> lastErrors = Map.of();

        private Builder() {
        }

        /**
         * @param running see {@link PipelineStatus#running()}
         * @return this builder
         */
        public Builder running(boolean running) {
            this.running = running;
            return this;
        }

        /**
         * @param activeModel see {@link PipelineStatus#activeModel()}; default {@code null}
         * @return this builder
         */
        public Builder activeModel(String activeModel) {
            this.activeModel = activeModel;
            return this;
        }

        /**
         * @param queueDepth see {@link PipelineStatus#queueDepth()}
         * @return this builder
         */
        public Builder queueDepth(int queueDepth) {
            this.queueDepth = queueDepth;
            return this;
        }

        /**
         * @param queueCapacity see {@link PipelineStatus#queueCapacity()}
         * @return this builder
         */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * @param framesReceived see {@link PipelineStatus#framesReceived()}
         * @return this builder
         */
        public Builder framesReceived(long framesReceived) {
            this.framesReceived = framesReceived;
            return this;
        }

        /**
         * @param framesProcessed see {@link PipelineStatus#framesProcessed()}
         * @return this builder
         */
        public Builder framesProcessed(long framesProcessed) {
            this.framesProcessed = framesProcessed;
            return this;
        }

        /**
         * @param framesFailed see {@link PipelineStatus#framesFailed()}
         * @return this builder
         */
        public Builder framesFailed(long framesFailed) {
            this.framesFailed = framesFailed;
            return this;
        }

        /**
         * @param framesDropped see {@link PipelineStatus#framesDropped()}
         * @return this builder
         */
        public Builder framesDropped(long framesDropped) {
            this.framesDropped = framesDropped;
            return this;
        }

        /**
         * @param facesDetected see {@link PipelineStatus#facesDetected()}
         * @return this builder
         */
        public Builder facesDetected(long facesDetected) {
            this.facesDetected = facesDetected;
            return this;
        }

        /**
         * @param framesPerSecond see {@link PipelineStatus#framesPerSecond()}
         * @return this builder
         */
        public Builder framesPerSecond(double framesPerSecond) {
            this.framesPerSecond = framesPerSecond;
            return this;
        }

        /**
         * @param latencyP50Millis see {@link PipelineStatus#latencyP50Millis()}
         * @return this builder
         */
        public Builder latencyP50Millis(double latencyP50Millis) {
            this.latencyP50Millis = latencyP50Millis;
            return this;
        }

        /**
         * @param latencyP99Millis see {@link PipelineStatus#latencyP99Millis()}
         * @return this builder
         */
        public Builder latencyP99Millis(double latencyP99Millis) {
            this.latencyP99Millis = latencyP99Millis;
            return this;
        }

        /**
         * @param waitingFor see {@link PipelineStatus#waitingFor()}; {@code null} means empty
         * @return this builder
         */
        public Builder waitingFor(List<String> waitingFor) {
            this.waitingFor = waitingFor;
            return this;
        }

        /**
         * @param lastErrors see {@link PipelineStatus#lastErrors()}; {@code null} means empty
         * @return this builder
         */
        public Builder lastErrors(Map<String, String> lastErrors) {
            this.lastErrors = lastErrors;
            return this;
        }

        /** @return the snapshot, with its own copies of the collections */
        public PipelineStatus build() {
            return new PipelineStatus(running, activeModel, queueDepth, queueCapacity, framesReceived,
                    framesProcessed, framesFailed, framesDropped, facesDetected, framesPerSecond, latencyP50Millis,
                    latencyP99Millis, waitingFor, lastErrors);
        }
    }
}
