package io.odestream.registry;

import io.odestream.schema.ArtifactDigest;
import io.odestream.schema.ModelArtifact;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;

/** Signs artifacts with one Ed25519 private key; see {@link SignedArtifactBytes} for what is signed. */
public final class ArtifactSigner {
    private final PrivateKey privateKey;
    private final String keyId;

    public ArtifactSigner(PrivateKey privateKey, String keyId) {
        this.privateKey = privateKey;
        this.keyId = keyId;
    }

    public static ArtifactSigner of(KeyPair pair) {
        return new ArtifactSigner(pair.getPrivate(), SigningKeys.keyId(pair.getPublic()));
    }

    /** Reads {@code dir/name.key} and {@code dir/name.pub} (the key id comes from the public key). */
    public static ArtifactSigner fromFiles(Path dir, String name) {
        return new ArtifactSigner(SigningKeys.readPrivateKey(dir.resolve(name + SigningKeys.PRIVATE_KEY_SUFFIX)),
                SigningKeys.keyId(SigningKeys.readPublicKey(dir.resolve(name + SigningKeys.PUBLIC_KEY_SUFFIX))));
    }

    public String keyId() {
        return keyId;
    }

    /**
     * A signed copy of {@code artifact}. Its checksum is recomputed first, so a signer never
     * vouches for a stale checksum; the input is not modified.
     */
    public ModelArtifact sign(ModelArtifact artifact) {
        ModelArtifact copy = ModelArtifact.newBuilder(artifact)
                .setChecksum(ArtifactDigest.sha256Hex(artifact))
                .setSigningKeyId(keyId)
                .setSignature(null)
                .build();
        try {
            Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
            signature.initSign(privateKey);
            signature.update(SignedArtifactBytes.of(copy));
            copy.setSignature(ByteBuffer.wrap(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign model " + artifact.getModelId() + " version "
                    + artifact.getVersion() + " with key " + keyId + ": " + e.getMessage(), e);
        }
        return copy;
    }
}
