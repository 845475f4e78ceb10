package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The whitelist against the real bundles: every setting names a PID and property that the component's generated
 * metatype declares, with the same type, default and bounds, so the table cannot drift from the code.
 */
class WhitelistMetatypeTest {
    /** pid to property to its attribute definition. */
    private static final Map<String, Map<String, Element>> METATYPE = new HashMap<>();

    @BeforeAll
    static void readMetatypeOfTheWhitelistedBundles() throws Exception {
        Enumeration<URL> dirs = WhitelistMetatypeTest.class.getClassLoader().getResources("OSGI-INF/metatype/");
        while (dirs.hasMoreElements()) {
            URL dir = dirs.nextElement();
            if (!"jar".equals(dir.getProtocol())) {
                continue; // this module's own classes
            }
            JarFile jar = ((JarURLConnection) dir.openConnection()).getJarFile();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith("OSGI-INF/metatype/") && entry.getName().endsWith(".xml")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        read(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in));
                    }
                }
            }
        }
    }

    private static void read(Document doc) {
        Map<String, Map<String, Element>> byOcd = new HashMap<>();
        NodeList ocds = doc.getElementsByTagName("OCD");
        for (int i = 0; i < ocds.getLength(); i++) {
            Element ocd = (Element) ocds.item(i);
            Map<String, Element> ads = new HashMap<>();
            NodeList list = ocd.getElementsByTagName("AD");
            for (int j = 0; j < list.getLength(); j++) {
                Element ad = (Element) list.item(j);
                ads.put(ad.getAttribute("id"), ad);
            }
            byOcd.put(ocd.getAttribute("id"), ads);
        }
        NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element d = (Element) designates.item(i);
            Element object = (Element) d.getElementsByTagName("Object").item(0);
            METATYPE.put(d.getAttribute("pid"), byOcd.get(object.getAttribute("ocdref")));
        }
    }

    private static String type(String metatypeType) {
        return switch (metatypeType) {
            case "Integer", "Long", "Short", "Byte" -> SettingSpec.INTEGER;
            case "Float", "Double" -> SettingSpec.NUMBER;
            case "Boolean" -> SettingSpec.BOOLEAN;
            default -> SettingSpec.STRING;
        };
    }

    @Test
    void everySettingMatchesItsComponentsMetatype() {
        for (SettingSpec s : Whitelist.DEFAULT.all()) {
            Map<String, Element> ads = METATYPE.get(s.pid());
            assertNotNull(ads, s.key() + ": no metatype for PID " + s.pid() + " on the test class path");
            Element ad = ads.get(s.property());
            assertNotNull(ad, s.key() + ": " + s.pid() + " has no property " + s.property());
            assertEquals(type(ad.getAttribute("type")), s.type(), s.key() + ": type");
            assertEquals(s.defaultValue(), s.typed(ad.getAttribute("default")), s.key() + ": default");
            if (!ad.getAttribute("min").isEmpty()) {
                assertEquals(0, new BigDecimal(ad.getAttribute("min")).compareTo(s.min()), s.key() + ": min");
            }
            if (!ad.getAttribute("max").isEmpty()) {
                assertEquals(0, new BigDecimal(ad.getAttribute("max")).compareTo(s.max()), s.key() + ": max");
            }
        }
    }
}
