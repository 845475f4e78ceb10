package io.facegate.shell.internal;

import io.facegate.api.PersonSummary;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:people */
@Service
@Command(scope = "facegate", name = "people",
        description = "Lists the enrolled people: photos, and per model how many are embedded")
public class PeopleCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Override
    public Object execute() throws CommandFailure {
        List<PersonSummary> people;
        try {
            people = operations.people();
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        if (people.isEmpty()) {
            System.out.println("no one is enrolled");
        }
        int width = people.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (PersonSummary p : people) {
            StringBuilder line = new StringBuilder(String.format("%-" + width + "s  %d photo(s)", p.name(),
                    p.photos()));
            for (Map.Entry<String, Integer> e : new TreeMap<>(p.embeddings()).entrySet()) {
                line.append("  ").append(e.getKey()).append(' ').append(e.getValue()).append('/').append(p.photos());
            }
            System.out.println(line);
        }
        return null;
    }
}
