package io.facegate.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What a Karaf feature archive (KAR) holds: a zip whose {@code repository/} folder is a Maven repository with the
 * feature repositories (XML) and the bundles they name. Read before the archive is given to Karaf, so that a job
 * whose manifest names a feature the archive does not hold fails before anything changes. The XML is parsed with
 * external entities and DTDs off: the archive is signed, but a parser that fetches URLs is never needed.
 */
final class FeatureArchive {
    /** A feature that a repository in the archive declares. */
    record Feature(String name, String version) {
    }

    private static final String REPOSITORY = "repository/";
    private static final String FEATURES_NS = "http://karaf.apache.org/xmlns/features/";
    private static final long MAX_XML_BYTES = 4 << 20;

    private final List<Feature> features;

    private FeatureArchive(List<Feature> features) {
        this.features = List.copyOf(features);
    }

    /**
     * @param kar the archive
     * @return what it declares
     * @throws IOException if it is no zip, or holds no feature repository, or one that cannot be read
     */
    static FeatureArchive read(Path kar) throws IOException {
        List<Feature> found = new ArrayList<>();
        int repositories = 0;
        try (ZipFile zip = new ZipFile(kar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(REPOSITORY) || !name.endsWith(".xml")
                        || name.contains("..")) {
                    continue;
                }
                if (entry.getSize() > MAX_XML_BYTES) {
                    throw new IOException(name + " is larger than " + MAX_XML_BYTES + " bytes");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Element root = parser().parse(in).getDocumentElement();
                    if (!"features".equals(root.getLocalName()) || root.getNamespaceURI() == null
                            || !root.getNamespaceURI().startsWith(FEATURES_NS)) {
                        continue; // a bundle's pom or other XML in the repository
                    }
                    repositories++;
                    NodeList list = root.getElementsByTagNameNS(root.getNamespaceURI(), "feature");
                    for (int i = 0; i < list.getLength(); i++) {
                        Element f = (Element) list.item(i);
                        if (f.getParentNode() == root) {
                            String version = f.getAttribute("version");
                            found.add(new Feature(f.getAttribute("name"), version.isEmpty() ? "0.0.0" : version));
                        }
                    }
                } catch (SAXException | ParserConfigurationException ex) {
                    throw new IOException(name + " is no readable XML: " + ex.getMessage(), ex);
                }
            }
        }
        if (repositories == 0) {
            throw new IOException("no feature repository under " + REPOSITORY + " (a KAR's layout)");
        }
        return new FeatureArchive(found);
    }

    private static DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
    }

    /** @return the features its repositories declare, in order */
    List<Feature> features() {
        return features;
    }

    /**
     * @param name    a feature name
     * @param version its version, as the manifest has it
     * @return whether the archive declares that feature at that version (OSGi version equality)
     */
    boolean declares(String name, String version) {
        org.osgi.framework.Version v = org.osgi.framework.Version.parseVersion(version);
        return features.stream().anyMatch(f -> f.name().equals(name)
                && org.osgi.framework.Version.parseVersion(f.version()).equals(v));
    }
}
