package io.odestream.registry;

import io.odestream.kafka.Rejection;
import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;

/**
 * Decides whether an artifact may be served: it must be signed, its content must hash to its
 * checksum, the signing key must be trusted, and the signature must match
 * {@link SignedArtifactBytes}. The checks run in that order, so the reason names the first
 * thing wrong (a modified parameter shows as CHECKSUM_MISMATCH, or as BAD_SIGNATURE when the
 * modifier also recomputed the checksum).
 */
public final class ArtifactVerifier implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final TrustedKeys trustedKeys;

    public ArtifactVerifier(TrustedKeys trustedKeys) {
        this.trustedKeys = trustedKeys;
    }

    public TrustedKeys trustedKeys() {
        return trustedKeys;
    }

    /** Throws {@link ArtifactRejectedException} unless the artifact is trustworthy. */
    public void verify(ModelArtifact artifact) {
        Optional<Rejection> rejection = check(artifact);
        if (rejection.isPresent()) {
            throw new ArtifactRejectedException(rejection.get());
        }
    }

    /** Empty when the artifact is trustworthy, otherwise why not. */
    public Optional<Rejection> check(ModelArtifact a) {
        String what = "model '" + a.getModelId() + "' version " + a.getVersion();
        if (a.getSignature() == null || a.getSigningKeyId() == null) {
            return reject(a, Rejection.Reason.UNSIGNED, what + " is not signed (signature or signingKeyId is "
                    + "missing); sign it with a trusted key (ArtifactSigner) before publishing it");
        }
        String actual = ArtifactDigest.sha256Hex(a);
        if (!actual.equals(a.getChecksum())) {
            return reject(a, Rejection.Reason.CHECKSUM_MISMATCH, what + " is corrupt or was modified: its spec and "
                    + "parameters hash to " + actual + " but its checksum says " + a.getChecksum()
                    + "; republish it from the original artifact file");
        }
        Optional<PublicKey> key = trustedKeys.get(a.getSigningKeyId());
        if (key.isEmpty()) {
            return reject(a, Rejection.Reason.UNKNOWN_KEY, what + " is signed by key " + a.getSigningKeyId()
                    + ", which is not trusted here (trusted: " + trustedKeys.ids() + "); add that signer's .pub file "
                    + "to the trusted keys if you trust it, or re-sign the artifact with a trusted key");
        }
        boolean valid;
        try {
            Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
            signature.initVerify(key.get());
            signature.update(SignedArtifactBytes.of(a));
            valid = signature.verify(bytes(a.getSignature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false; // a malformed signature is a wrong signature
        }
        if (!valid) {
            return reject(a, Rejection.Reason.BAD_SIGNATURE, what + " has a signature that does not match its "
                    + "fields under key " + a.getSigningKeyId() + ": it was modified after signing or signed by "
                    + "someone else; do not serve it, republish the original signed artifact");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(ModelArtifact a, Rejection.Reason reason, String message) {
        return Optional.of(new Rejection(reason, message));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
