package io.facegate.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void parsesClausesAttributesDirectivesAndQuotes() {
        List<Headers.Clause> c = Headers.parse("io.facegate.api;version=\"[1.1,2)\",a.b;c.d;resolution:=optional,"
                + "osgi.extender;filter:=\"(&(osgi.extender=facegate.model)(version>=1.0))\"");
        assertEquals(4, c.size());
        assertEquals("io.facegate.api", c.get(0).name());
        assertEquals(Map.of("version", "[1.1,2)"), c.get(0).attributes());
        assertEquals("c.d", c.get(2).name());
        assertEquals("optional", c.get(2).directives().get("resolution"));
        assertEquals("(&(osgi.extender=facegate.model)(version>=1.0))", c.get(3).directives().get("filter"));
        assertEquals(List.of(), Headers.parse(null));
    }

    @Test
    void readsTheServicesABundleDeclares() {
        Attributes a = new Attributes();
        a.putValue("Provide-Capability", "osgi.service;objectClass:List<String>=\"io.facegate.api.FaceEmbedder\";"
                + "uses:=\"io.facegate.api\",osgi.service;objectClass:List<String>=\"a.B,c.D\",osgi.extender;"
                + "osgi.extender=\"x\"");
        assertEquals(List.of("io.facegate.api.FaceEmbedder", "a.B", "c.D"), ResolutionCheck.declaredServices(a));
    }
}
