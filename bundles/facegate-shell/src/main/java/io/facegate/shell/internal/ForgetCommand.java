package io.facegate.shell.internal;

import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:forget NAME */
@Service
@Command(scope = "facegate", name = "forget", description = "Removes a person and their photos from the gallery")
public class ForgetCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Argument(index = 0, name = "name", required = true, description = "the person's name")
    String name;

    @Override
    public Object execute() throws CommandFailure {
        try {
            operations.forget(name);
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        System.out.println("forgot " + name.strip());
        return null;
    }
}
