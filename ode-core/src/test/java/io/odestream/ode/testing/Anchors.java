package io.odestream.ode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The torchdiffeq reference cases bundled as test resources ({@code src/test/resources/anchors/},
 * provenance in the README there), read from the classpath so the tests run from a plain clone.
 * ode-djl's tests reach the same files through ode-core's test-jar.
 */
public final class Anchors {
    private Anchors() {
    }

    /** The parsed JSON of {@code anchors/<name>} on the test classpath, e.g. {@code mlp_case.json}. */
    public static JsonNode json(String name) {
        String resource = "/anchors/" + name;
        try (InputStream in = Anchors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("reference case " + resource + " is not on the test classpath; it lives "
                        + "in ode-core/src/test/resources/anchors/ (other modules get it from ode-core's test-jar)");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read reference case " + resource, e);
        }
    }
}
