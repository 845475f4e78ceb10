package io.facegate.shell.internal;

import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:rename FROM TO */
@Service
@Command(scope = "facegate", name = "rename", description = "Renames an enrolled person, keeping their photos")
public class RenameCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Argument(index = 0, name = "from", required = true, description = "the enrolled name")
    String from;

    @Argument(index = 1, name = "to", required = true, description = "the new name")
    String to;

    @Override
    public Object execute() throws CommandFailure {
        try {
            operations.rename(from, to);
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        System.out.println("renamed " + from.strip() + " to " + to.strip());
        return null;
    }
}
