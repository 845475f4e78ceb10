package io.facegate.shell.internal;

import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:config-set KEY VALUE [KEY VALUE ...] [--reset KEY ...] */
@Service
@Command(scope = "facegate", name = "config-set", description = "Changes settings (see facegate:config); all or"
        + " nothing: each is validated by the component it configures and every change is undone if one is refused")
public class ConfigSetCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Argument(index = 0, name = "settings", multiValued = true,
            description = "pairs of a setting and its new value, e.g. detect.min_face_size 40")
    List<String> pairs;

    @Option(name = "--reset", aliases = "-r", multiValued = true,
            description = "a setting to return to its default (may be repeated)")
    List<String> reset;

    @Override
    public Object execute() throws CommandFailure {
        List<String> args = pairs == null ? List.of() : pairs;
        if (args.size() % 2 != 0) {
            throw CommandFailure.of("expected pairs of KEY VALUE, got " + args.size() + " argument(s)");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            values.put(args.get(i), args.get(i + 1));
        }
        if (reset != null) {
            reset.forEach(k -> values.put(k, null));
        }
        if (values.isEmpty()) {
            throw CommandFailure.of("nothing to change: give KEY VALUE pairs or --reset KEY (facegate:config lists"
                    + " them)");
        }
        List<Setting> after;
        try {
            after = operations.configure(values);
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        List<Setting> changed = new ArrayList<>();
        for (Setting s : after) {
            if (values.containsKey(s.key())) {
                changed.add(s);
            }
        }
        System.out.print(ConfigCommand.format(changed, false));
        return null;
    }
}
