package io.facegate.shell.internal;

import io.facegate.api.Gallery;
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
    Gallery gallery;

    @Argument(index = 0, name = "name", required = true, description = "the person's name")
    String name;

    @Override
    public Object execute() {
        System.out.println(gallery.forget(name) ? "forgot " + name : name + " is not enrolled");
        return null;
    }
}
