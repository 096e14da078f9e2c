package io.odestream.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArtifactDigestTest {

    private static final String SPEC = "{\"latentDim\":4,\"ünits\":\"s\"}";
    private static final double[] PARAMS = {0.5, -1.25, 3.0e-7, Double.POSITIVE_INFINITY};

    /**
     * Reference computed independently with Python's hashlib and struct over the layout the
     * schema documents:
     * {@code s=lambda x:(b:=x.encode()) and struct.pack('>i',len(b))+b;
     * sha256(s(type)+s(spec)+struct.pack('>i',n)+b''.join(struct.pack('>d',p) for p in params))}.
     */
    @Test
    void matchesAnIndependentlyComputedDigest() {
        assertEquals("96139f8aed95b22024c2a0e80317290d90cb37e1248ed5389330c8878be25d49",
                ArtifactDigest.sha256Hex("latent-ode", SPEC, PARAMS));
    }

    @Test
    void theArtifactOverloadDigestsTheSameContent() {
        ModelArtifact a = ModelArtifact.newBuilder().setModelId("m").setVersion(1).setCreatedAt(Instant.ofEpochMilli(1))
                .setModelType("latent-ode").setSpecJson(SPEC).setParameters(List.of(0.5, -1.25, 3.0e-7, Double.POSITIVE_INFINITY))
                .setChecksum("").build();
        assertEquals(ArtifactDigest.sha256Hex("latent-ode", SPEC, PARAMS), ArtifactDigest.sha256Hex(a));
    }

    @Test
    void lengthPrefixesKeepTheSplitBetweenTypeAndSpecUnambiguous() {
        assertNotEquals(ArtifactDigest.sha256Hex("ab", "c", new double[0]), ArtifactDigest.sha256Hex("a", "bc", new double[0]));
    }
}
