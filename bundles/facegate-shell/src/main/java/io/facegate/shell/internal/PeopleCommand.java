package io.facegate.shell.internal;

import io.facegate.api.Gallery;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:people */
@Service
@Command(scope = "facegate", name = "people", description = "Lists the enrolled people")
public class PeopleCommand implements Action {
    @Reference
    Gallery gallery;

    @Override
    public Object execute() {
        gallery.people().forEach(System.out::println);
        return null;
    }
}
