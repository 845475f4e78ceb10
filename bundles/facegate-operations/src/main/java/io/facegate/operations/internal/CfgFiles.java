package io.facegate.operations.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Karaf's {@code etc/<pid>.cfg} files, as Apache Felix FileInstall reads and writes them. FileInstall links a
 * configuration to its file through the property {@value #FILENAME} and writes every later change of that
 * configuration back to the file, but only to a file that exists: so a configuration the gateway creates gets its
 * file here, once, the way Karaf's own {@code config:edit} does.
 */
final class CfgFiles {
    /** The property linking a configuration to its file: the file's URI, as FileInstall spells it. */
    static final String FILENAME = "felix.fileinstall.filename";

    private CfgFiles() {
    }

    /**
     * @param file a configuration file
     * @return the value of {@value #FILENAME} for it
     */
    static String key(Path file) {
        return file.toAbsolutePath().toFile().toURI().toString();
    }

    /**
     * Writes a new {@code .cfg} file atomically (a temporary name FileInstall does not watch, then a rename), in
     * ISO-8859-1 as FileInstall reads it. The comment on top is followed by an empty line, so FileInstall keeps it
     * as the file's header when it rewrites the file (a comment right above a property goes with that property).
     *
     * @param file  the file
     * @param props the properties; bookkeeping ones ({@code service.pid}, {@value #FILENAME}) are left out
     * @throws IOException if it cannot be written
     */
    static void write(Path file, Map<String, ?> props) throws IOException {
        List<String> keys = new ArrayList<>(props.keySet());
        keys.removeAll(List.of("service.pid", "service.factoryPid", "service.bundleLocation", FILENAME));
        keys.sort(null);
        StringBuilder text = new StringBuilder(
                "# created by facegate-operations (a settings change); Karaf keeps it in sync with the configuration\n\n");
        for (String k : keys) {
            text.append(escape(k, true)).append(" = ").append(escape(String.valueOf(props.get(k)), false)).append('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Escapes as {@code java.util.Properties} does, with every character outside printable ASCII as {@code \\uXXXX}. */
    static String escape(String s, boolean key) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
