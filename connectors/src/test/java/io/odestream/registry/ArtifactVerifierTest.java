package io.odestream.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.Rejection;
import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactVerifierTest {
    private final KeyPair trusted = SigningKeys.generate();
    private final KeyPair stranger = SigningKeys.generate();
    private final ArtifactSigner signer = ArtifactSigner.of(trusted);
    private final ArtifactVerifier verifier = new ArtifactVerifier(TrustedKeys.of(trusted.getPublic()));

    private final ModelArtifact signed = signer.sign(TestArtifacts.unsigned("m", 2, 1L));

    @Test
    void aSignedUntouchedArtifactPasses() {
        assertTrue(verifier.check(signed).isEmpty());
        assertEquals(SigningKeys.keyId(trusted.getPublic()), signed.getSigningKeyId());
        verifier.verify(signed);
    }

    @Test
    void anUnsignedArtifactIsRejected() {
        assertRejected(TestArtifacts.unsigned("m", 2, 1L), Rejection.Reason.UNSIGNED, "is not signed");
        ModelArtifact keyIdWithoutSignature = ModelArtifact.newBuilder(signed).setSignature(null).build();
        assertRejected(keyIdWithoutSignature, Rejection.Reason.UNSIGNED, "is not signed");
    }

    @Test
    void aTamperedParameterWithTheOldChecksumIsAChecksumMismatch() {
        ModelArtifact tampered = ModelArtifact.newBuilder(signed).build();
        List<Double> p = new ArrayList<>(tampered.getParameters());
        p.set(1, p.get(1) + 1e-12);
        tampered.setParameters(p);
        assertRejected(tampered, Rejection.Reason.CHECKSUM_MISMATCH, "corrupt or was modified");
    }

    @Test
    void aTamperedParameterWithARecomputedChecksumIsABadSignature() {
        ModelArtifact tampered = ModelArtifact.newBuilder(signed).build();
        List<Double> p = new ArrayList<>(tampered.getParameters());
        p.set(0, 99.0);
        tampered.setParameters(p);
        tampered.setChecksum(ArtifactDigest.sha256Hex(tampered));
        assertRejected(tampered, Rejection.Reason.BAD_SIGNATURE, "does not match");
    }

    @Test
    void relabellingIdentityOrMetricsBreaksTheSignature() {
        assertRejected(ModelArtifact.newBuilder(signed).setVersion(3).build(), Rejection.Reason.BAD_SIGNATURE, "version 3");
        assertRejected(ModelArtifact.newBuilder(signed).setParentVersion(null).build(), Rejection.Reason.BAD_SIGNATURE, "");
        assertRejected(ModelArtifact.newBuilder(signed).setModelId("other").build(), Rejection.Reason.BAD_SIGNATURE, "'other'");
        Map<String, Double> metrics = new HashMap<>(signed.getMetrics());
        metrics.put("val_nll", 0.0001);
        assertRejected(ModelArtifact.newBuilder(signed).setMetrics(metrics).build(), Rejection.Reason.BAD_SIGNATURE, "");
    }

    @Test
    void aSignatureByAnUntrustedKeyIsAnUnknownKey() {
        ModelArtifact bySomeoneElse = ArtifactSigner.of(stranger).sign(TestArtifacts.unsigned("m", 2, 1L));
        assertRejected(bySomeoneElse, Rejection.Reason.UNKNOWN_KEY, SigningKeys.keyId(stranger.getPublic()));
    }

    @Test
    void aForeignSignatureClaimingTheTrustedKeyIdIsABadSignature() {
        ModelArtifact forged = ArtifactSigner.of(stranger).sign(TestArtifacts.unsigned("m", 2, 1L));
        forged.setSigningKeyId(signed.getSigningKeyId());
        assertRejected(forged, Rejection.Reason.BAD_SIGNATURE, "does not match");
        ModelArtifact garbage = ModelArtifact.newBuilder(signed).setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
        assertRejected(garbage, Rejection.Reason.BAD_SIGNATURE, "does not match");
    }

    @Test
    void signingDoesNotModifyItsInputAndRecomputesAStaleChecksum() {
        ModelArtifact input = TestArtifacts.unsigned("m", 1, null);
        input.setChecksum("stale");
        ModelArtifact out = signer.sign(input);
        assertEquals("stale", input.getChecksum());
        assertEquals(null, input.getSignature());
        assertEquals(ArtifactDigest.sha256Hex(input), out.getChecksum());
        verifier.verify(out);
    }

    @Test
    void keysRoundTripThroughPemFilesAndKeepTheirId(@TempDir Path dir) throws Exception {
        SigningKeys.write(trusted, dir, "ci");
        assertTrue(Files.readString(dir.resolve("ci.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("ci.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertArrayEquals(trusted.getPublic().getEncoded(), SigningKeys.readPublicKey(dir.resolve("ci.pub")).getEncoded());
        ModelArtifact fromFileSigner = ArtifactSigner.fromFiles(dir, "ci").sign(TestArtifacts.unsigned("m", 1, null));
        new ArtifactVerifier(TrustedKeys.fromDirectory(dir)).verify(fromFileSigner);
        assertThrows(java.io.IOException.class, () -> SigningKeys.write(trusted, dir, "ci"), "no silent overwrite");
    }

    @Test
    void badKeyFilesNameTheFile(@TempDir Path dir) throws Exception {
        Path notAKey = Files.writeString(dir.resolve("x.pub"), "hello");
        KeyFileException e = assertThrows(KeyFileException.class, () -> SigningKeys.readPublicKey(notAKey));
        assertTrue(e.getMessage().contains(notAKey.toString()), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertTrue(assertThrows(KeyFileException.class, () -> TrustedKeys.fromDirectory(empty)).getMessage().contains("no *.pub"));
    }

    private void assertRejected(ModelArtifact artifact, Rejection.Reason reason, String messagePart) {
        ArtifactRejectedException e = assertThrows(ArtifactRejectedException.class, () -> verifier.verify(artifact));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("model '" + artifact.getModelId() + "' version " + artifact.getVersion()),
                "names the artifact: " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
