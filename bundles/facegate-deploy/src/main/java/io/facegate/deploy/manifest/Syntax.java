package io.facegate.deploy.manifest;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value syntaxes of manifest fields, in one place for the parser, the builder and the ledger. */
final class Syntax {
    static final int MAX_NAME = 255;
    static final int MAX_VERSION = 128;
    static final HexFormat HEX = HexFormat.of();

    /** OSGi symbolic name: token ( '.' token )*, token = [A-Za-z0-9_-]+. */
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    /** OSGi version: major[.minor[.micro[.qualifier]]]. */
    private static final Pattern VERSION = Pattern.compile(
            "([0-9]+)(\\.([0-9]+)(\\.([0-9]+)(\\.[A-Za-z0-9_-]+)?)?)?");
    /** One MQTT topic level, as gateway ids and groups are. */
    private static final Pattern TOPIC_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    private Syntax() {
    }

    static boolean symbolicName(String s) {
        return s.length() <= MAX_NAME && SYMBOLIC_NAME.matcher(s).matches();
    }

    static boolean version(String s) {
        if (s.length() > MAX_VERSION) {
            return false;
        }
        Matcher m = VERSION.matcher(s);
        if (!m.matches()) {
            return false;
        }
        // OSGi versions are ints: 2147483648 would fail at installation, so it fails here
        for (int g : new int[] {1, 3, 5}) {
            String n = m.group(g);
            if (n != null && (n.length() > 10 || Long.parseLong(n) > Integer.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    static boolean topicLevel(String s) {
        return TOPIC_LEVEL.matcher(s).matches();
    }

    static boolean sha256(String s) {
        return SHA256.matcher(s).matches();
    }

    static boolean keyId(String s) {
        return KEY_ID.matcher(s).matches();
    }
}
