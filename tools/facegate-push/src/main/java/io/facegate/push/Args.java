package io.facegate.push;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The options ({@code --name value} or {@code --flag}) and operands of one command. */
final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final List<String> operands = new ArrayList<>();

    private Args() {}

    /**
      * @param args   what follows the command name
      * @param valued options that take a value
      * @param flags  options without one
      * @return the parsed arguments
      * @throws UsageException on an unknown option, a missing value or an option given twice
      */
    static Args parse(String[] args, Set<String> valued, Set<String> flags) throws UsageException {
        Args a = new Args();
        boolean operandsOnly = false;
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            if (operandsOnly || !s.startsWith("--")) {
                a.operands.add(s);
            } else if (s.equals("--")) {
                operandsOnly = true;
            } else if (flags.contains(s)) {
                a.put(s, "true");
            } else if (valued.contains(s)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(s + " needs a value");
                }
                a.put(s, args[++i]);
            } else {
                throw new UsageException("unknown option " + s);
            }
        }
        return a;
    }

    private void put(String option, String value) throws UsageException {
        if (options.put(option, value) != null) {
            throw new UsageException(option + " given twice");
        }
    }

    String get(String option) {
        return options.get(option);
    }

    String required(String option) throws UsageException {
        String v = options.get(option);
        if (v == null) {
            throw new UsageException(option + " is required");
        }
        return v;
    }

    boolean flag(String option) {
        return options.containsKey(option);
    }

    /** @return a comma-separated option as a list, empty if absent; blank items are dropped */
    List<String> list(String option) {
        String v = options.get(option);
        if (v == null) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * @param name what the operand is, for the message
     * @return the one operand, or {@code null} if there is none
     * @throws UsageException on more than one
     */
    String optionalOperand(String name) throws UsageException {
        if (operands.size() > 1) {
            throw new UsageException("expected at most one " + name + ", got " + operands.size() + " operands");
        }
        return operands.isEmpty() ? null : operands.get(0);
    }

    boolean hasOperands() {
        return !operands.isEmpty();
    }

    List<String> operands(int count, String names) throws UsageException {
        if (operands.size() != count) {
            throw new UsageException("expected " + names + ", got " + operands.size() + " operand(s)");
        }
        return operands;
    }
}
