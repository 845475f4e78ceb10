package io.facegate.shell.internal;

import io.facegate.api.Pipeline;
import io.facegate.api.PipelineStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:status */
@Service
@Command(scope = "facegate", name = "status", description = "Pipeline counters: queue, fps, latencies, frames")
public class StatusCommand implements Action {
    @Reference
    Pipeline pipeline;

    @Override
    public Object execute() {
        System.out.print(format(pipeline.status()));
        return null;
    }

    static String format(PipelineStatus s) {
        return String.format("""
                running          %s
                model            %s
                queue            %d / %d
                frames received  %d
                frames processed %d
                frames failed    %d
                frames dropped   %d
                faces detected   %d
                frames/s         %.2f
                latency p50      %.1f ms
                latency p99      %.1f ms
                """, s.running(), s.activeModel() == null ? "none (waiting for an embedder)" : s.activeModel(),
                s.queueDepth(), s.queueCapacity(), s.framesReceived(), s.framesProcessed(), s.framesFailed(),
                s.framesDropped(), s.facesDetected(), s.framesPerSecond(), s.latencyP50Millis(), s.latencyP99Millis());
    }
}
