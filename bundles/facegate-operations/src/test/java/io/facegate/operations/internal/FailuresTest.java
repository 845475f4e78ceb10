package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The operator's line out of SCR's failure text. */
class FailuresTest {

    @Test
    void takesTheFirstMessageThatIsNotAWrapper() {
        String trace = """
                org.osgi.service.component.ComponentException: java.lang.IllegalArgumentException: x
                \tat org.apache.felix.scr.impl.inject.internal.ComponentConstructorImpl.newInstance(ComponentConstructorImpl.java:326)
                Caused by: java.lang.reflect.InvocationTargetException
                \tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)
                Caused by: java.lang.IllegalArgumentException: minFaceSize must be >= 12 (P-Net's window), got 5
                \tat io.facegate.detect.mtcnn.internal.MtcnnSettings.<init>(MtcnnSettings.java:33)
                Caused by: java.nio.file.InvalidPathException: deeper
                """;
        assertEquals("minFaceSize must be >= 12 (P-Net's window), got 5", Failures.summarize(trace));
    }

    @Test
    void fallsBackToTheFirstLine() {
        assertEquals("java.lang.IllegalStateException", Failures.summarize("java.lang.IllegalStateException\n\tat x"));
        assertEquals("activation failed (no reason given)", Failures.summarize(null));
        assertEquals("a plain message", Failures.summarize("a plain message"));
    }
}
