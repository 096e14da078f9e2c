package io.odestream.job;

import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.RegistryServing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Promotes shadow winners in the model registry (the candidate was published there before it was shadowed). */
public final class RegistryPromoter implements ShadowPromoter {
    private final ModelRegistry registry;

    public RegistryPromoter(ModelRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry is required: connect one with ModelRegistry.connect(...)");
        }
        this.registry = registry;
    }

    /**
     * A factory that connects inside the task: the registry's topics on {@code bootstrapServers} and
     * the trusted public keys in {@code trustedDir}. Plain strings, so the factory serialises.
     */
    public static ShadowPromoter.Factory factory(String bootstrapServers, String modelsTopic, String servingTopic,
                                                 String trustedDir) {
        return () -> {
            RegistryConfig config = new RegistryConfig(bootstrapServers, modelsTopic, servingTopic,
                    Duration.ofSeconds(30), Map.of());
            ArtifactVerifier verifier = new ArtifactVerifier(TrustedKeys.fromDirectory(Path.of(trustedDir)));
            return new RegistryPromoter(ModelRegistry.connect(config, verifier));
        };
    }

    @Override
    public String promote(String modelId, long version, String reason) {
        RegistryServing serving = registry.promote(modelId, version, "shadow mode: " + reason);
        return "promoted " + modelId + " v" + serving.getServingVersion() + " in the registry";
    }

    @Override
    public void close() {
        registry.close();
    }
}
