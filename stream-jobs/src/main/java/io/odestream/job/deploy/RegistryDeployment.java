package io.odestream.job.deploy;

import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.PromotionRefusedException;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.ServingActor;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Candidates go to the model registry, signed: published always; promoted too in
 * {@link Mode#AUTO} (the serving job swaps to it through the models topic), left for an operator's
 * {@code odestream models promote VERSION} in {@link Mode#MANUAL}. An automatic promotion obeys the
 * operators' pins, holds and rollbacks ({@link io.odestream.registry.ServingControl}): when they forbid
 * it, the candidate stays published and the round says why.
 */
public final class RegistryDeployment implements ModelDeployment {

    /** Whether a published candidate is promoted at once. */
    public enum Mode {
        AUTO,
        MANUAL
    }


    private final ModelRegistry registry;
    private final ArtifactSigner signer;
    private final String modelId;
    private final Mode mode;

    /** How the fine-tuning job appears in the serving history. */
    static final ServingActor FINE_TUNING = ServingActor.automation("fine-tuning");

    public RegistryDeployment(ModelRegistry registry, ArtifactSigner signer, String modelId, Mode mode) {
        if (registry == null || signer == null || modelId == null || mode == null) {
            throw new IllegalArgumentException("registry, signer, modelId and mode are required");
        }
        this.registry = registry;
        this.signer = signer;
        this.modelId = modelId;
        this.mode = mode;
    }

    /**
     * A factory that connects inside the task: the registry's topics on {@code bootstrapServers},
     * the signing key {@code keyDir/keyName.key|.pub}, the trusted public keys in {@code trustedDir}.
     * Plain strings, so the factory serialises.
     */
    public static Factory factory(String bootstrapServers, String modelsTopic, String servingTopic, String keyDir,
                                  String keyName, String trustedDir, String modelId, Mode mode) {
        return factory(bootstrapServers, Map.of(), modelsTopic, servingTopic, keyDir, keyName, trustedDir, modelId, mode);
    }

    /** As the factory above, with the Kafka client's security settings (SASL/TLS from {@code --kafka-config}). */
    public static Factory factory(String bootstrapServers, Map<String, String> security, String modelsTopic,
                                  String servingTopic, String keyDir, String keyName, String trustedDir, String modelId,
                                  Mode mode) {
        Map<String, String> settings = new HashMap<>(security);
        return () -> new RegistryDeployment(ModelRegistry.connect(RegistryConfig.defaults(bootstrapServers)
                .withTopics(modelsTopic, servingTopic).withClientProperties(settings),
                new ArtifactVerifier(TrustedKeys.fromDirectory(Path.of(trustedDir)))),
                ArtifactSigner.fromFiles(Path.of(keyDir), keyName), modelId, mode);
    }

    @Override
    public Optional<ModelArtifact> serving() {
        return registry.snapshot().served(modelId);
    }

    @Override
    public long nextVersion() {
        return registry.snapshot().latest(modelId).map(a -> a.getVersion() + 1).orElse(1L);
    }

    @Override
    public String deploy(ModelArtifact candidate, String reason) {
        ModelArtifact signed = signer.sign(candidate);
        registry.publish(signed); // returns once the version is readable, so promote sees it
        if (mode == Mode.MANUAL) {
            return "published " + modelId + " v" + signed.getVersion() + " (manual mode: promote it with "
                    + "`odestream models promote " + signed.getVersion() + "`)";
        }
        try {
            registry.promote(modelId, signed.getVersion(), FINE_TUNING, "fine-tuning: " + reason);
        } catch (PromotionRefusedException refused) {
            return "published " + modelId + " v" + signed.getVersion() + ", not promoted: " + refused.getMessage();
        }
        return "published and promoted " + modelId + " v" + signed.getVersion();
    }

    @Override
    public void close() {
        registry.close();
    }
}
