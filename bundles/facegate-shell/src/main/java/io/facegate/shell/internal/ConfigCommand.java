package io.facegate.shell.internal;

import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Setting;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:config */
@Service
@Command(scope = "facegate", name = "config",
        description = "Lists the settings an operator may change (facegate:config-set), with their values")
public class ConfigCommand implements Action {
    @Reference
    GatewayOperations operations;

    @Override
    public Object execute() throws CommandFailure {
        List<Setting> settings;
        try {
            settings = operations.settings();
        } catch (OperationException e) {
            throw CommandFailure.of(e);
        }
        System.out.print(format(settings, true));
        return null;
    }

    /**
     * @param settings     settings
     * @param descriptions whether to add each one's description and where it lives
     * @return one line per setting ({@code key = value}), each followed by its description if asked for
     */
    static String format(List<Setting> settings, boolean descriptions) {
        int width = settings.stream().mapToInt(s -> s.key().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Setting s : settings) {
            String value = s.value() == null ? "(unknown)" : s.value() instanceof String v && v.isEmpty() ? "\"\""
                    : String.valueOf(s.value());
            out.append(String.format("%-" + width + "s = %s", s.key(), value));
            if (descriptions) {
                out.append(String.format("    (%s, %s/%s)%n    %s", s.type(), s.pid(), s.property(),
                        s.description()));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
