package io.facegate.shell.internal;

import io.facegate.api.ModelInfo;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:models */
@Service
@Command(scope = "facegate", name = "models",
        description = "Lists the installed face models, best-ranked first; * marks the one in use")
public class ModelsCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Override
    public Object execute() throws CommandFailure {
        List<ModelSummary> models;
        try {
            models = operations.models();
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        if (models.isEmpty()) {
            System.out.println("no face model installed");
        }
        for (ModelSummary s : models) {
            ModelInfo m = s.model();
            System.out.printf("%s %-24s v%-4s input %dx%d  %d-d  threshold %.2f  ranking %d  bundle %s%n",
                    s.active() ? "*" : " ", m.id(), m.version(), m.inputSize(), m.inputSize(), m.embeddingSize(),
                    m.recommendedThreshold(), s.ranking(), s.bundle());
        }
        return null;
    }
}
