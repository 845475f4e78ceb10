package io.facegate.shell.internal;

import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.ModelInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** facegate:models */
@Service
@Command(scope = "facegate", name = "models", description = "Lists the installed face models; * marks the one in use")
public class ModelsCommand implements Action {
    @Reference
    BundleContext context;

    @Override
    public Object execute() throws InvalidSyntaxException {
        List<ServiceReference<FaceEmbedder>> embedders =
                new ArrayList<>(context.getServiceReferences(FaceEmbedder.class, null));
        // ServiceReference order is ranking, then age: the pipeline's choice comes last
        embedders.sort(null);
        ServiceReference<FaceEmbedder> active = embedders.isEmpty() ? null : embedders.get(embedders.size() - 1);
        System.out.println("embedders:");
        for (ServiceReference<FaceEmbedder> ref : embedders) {
            FaceEmbedder e = context.getService(ref);
            try {
                ModelInfo m = e.model();
                System.out.printf("%s %-24s v%-4s input %dx%d  %d-d  threshold %.2f  ranking %s  bundle %s%n",
                        ref.equals(active) ? "*" : " ", m.id(), m.version(), m.inputSize(), m.inputSize(),
                        m.embeddingSize(), m.recommendedThreshold(), ref.getProperty("service.ranking"),
                        ref.getBundle().getSymbolicName());
            } finally {
                context.ungetService(ref);
            }
        }
        Collection<ServiceReference<FaceDetector>> detectors = context.getServiceReferences(FaceDetector.class, null);
        System.out.println("detectors:");
        for (ServiceReference<FaceDetector> ref : detectors) {
            System.out.printf("  %s  bundle %s%n", ref.getProperty(FaceDetector.PROP_DETECTOR_ID),
                    ref.getBundle().getSymbolicName());
        }
        return null;
    }
}
