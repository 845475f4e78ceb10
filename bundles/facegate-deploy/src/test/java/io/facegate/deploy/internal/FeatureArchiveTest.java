package io.facegate.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureArchiveTest {
    private static final String FEATURES = """
            <features name="extra-1.2.0" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
              <feature name="facegate-extra" version="1.2.0" install="auto">
                <feature>scr</feature>
                <bundle>mvn:io.facegate.extra/facegate-extra/1.2.0</bundle>
              </feature>
              <feature name="facegate-extra-tools" version="1.2">
                <bundle>mvn:io.facegate.extra/facegate-extra-tools/1.2.0</bundle>
              </feature>
            </features>
            """;

    @TempDir
    Path dir;

    private Path zip(Map<String, String> entries) throws IOException {
        Path kar = dir.resolve("a.kar");
        try (OutputStream out = Files.newOutputStream(kar); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return kar;
    }

    @Test
    void readsTheTopLevelFeaturesOfTheRepositoriesInAKar() throws IOException {
        FeatureArchive a = FeatureArchive.read(zip(Map.of(
                "repository/io/facegate/extra/extra/1.2.0/extra-1.2.0-features.xml", FEATURES,
                "repository/io/facegate/extra/facegate-extra/1.2.0/facegate-extra-1.2.0.pom",
                "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"/>",
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")));
        assertEquals(List.of(new FeatureArchive.Feature("facegate-extra", "1.2.0"),
                new FeatureArchive.Feature("facegate-extra-tools", "1.2")), a.features());
        assertTrue(a.declares("facegate-extra", "1.2.0"));
        assertTrue(a.declares("facegate-extra-tools", "1.2.0"), "OSGi version equality: 1.2 is 1.2.0");
        assertFalse(a.declares("facegate-extra", "1.3.0"));
        assertFalse(a.declares("scr", "0.0.0"), "a feature it depends on is not one it declares");
    }

    @Test
    void anArchiveWithoutAFeatureRepositoryOrNoZipIsRefused() throws IOException {
        IOException e = assertThrows(IOException.class, () -> FeatureArchive.read(zip(Map.of(
                "features.xml", FEATURES))));
        assertTrue(e.getMessage().startsWith("no feature repository"), e.getMessage());
        Path text = dir.resolve("t.kar");
        Files.writeString(text, "not a zip");
        assertThrows(IOException.class, () -> FeatureArchive.read(text));
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityIsEverResolved() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE f [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<features xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\"><feature name=\"&x;\"/></features>";
        IOException e = assertThrows(IOException.class, () -> FeatureArchive.read(zip(Map.of(
                "repository/x/features.xml", xxe))));
        assertTrue(e.getMessage().contains("no readable XML"), e.getMessage());
    }
}
