package io.facegate.shell.internal;

import io.facegate.api.DetectedFace;
import io.facegate.api.Identity;
import io.facegate.api.RecognizedFace;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.OperationException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** facegate:identify FILE */
@Service
@Command(scope = "facegate", name = "identify", description = "Detects and identifies the faces of one photo")
public class IdentifyCommand implements Action {
    @Reference
    GatewayOperations operations;
    @Reference
    BundleContext context;

    @Argument(index = 0, name = "file", required = true, description = "a photo")
    String file;

    @Override
    public Object execute() throws CommandFailure {
        PhotoFiles.Read read = PhotoFiles.read(file, PhotoFiles.maxBytes(context));
        if (read.photo() == null) {
            System.out.println(file + ": " + read.problem());
            return null;
        }
        IdentifyResult r;
        try {
            r = operations.identify(read.photo());
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        System.out.printf("%s: %dx%d, %d face(s), model %s%n", file, r.width(), r.height(), r.faces().size(),
                r.model());
        for (RecognizedFace face : r.faces()) {
            DetectedFace f = face.face();
            Identity id = face.identity();
            System.out.printf("  box %.0f,%.0f %.0fx%.0f score %.3f -> %s (similarity %.3f, threshold %.3f)%n",
                    f.box().x(), f.box().y(), f.box().width(), f.box().height(), f.score(),
                    id.known() ? id.name() : "unknown", id.similarity(), id.threshold());
        }
        return null;
    }
}
