package io.odestream.job.deploy;

import io.odestream.job.shadow.ShadowPromoter;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.PromotionRefusedException;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.ServingActor;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.RegistryServing;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Promotes shadow winners in the model registry (the candidate was published there before it was
 * shadowed), as an automated change: an operator's pin, hold or rollback refuses it
 * ({@link io.odestream.registry.ServingControl}), and the verdict says so.
 */
public final class RegistryPromoter implements ShadowPromoter {
    /** How shadow mode appears in the serving history. */
    static final ServingActor SHADOW_MODE = ServingActor.automation("shadow mode");

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
        return factory(bootstrapServers, Map.of(), modelsTopic, servingTopic, trustedDir);
    }

    /**
     * As {@link #factory(String, String, String, String)}, with the Kafka client's security settings
     * (SASL/TLS from the job's {@code --kafka-config}), so that promotion works on a secured cluster.
     */
    public static ShadowPromoter.Factory factory(String bootstrapServers, Map<String, String> security,
                                                 String modelsTopic, String servingTopic, String trustedDir) {
        Map<String, String> settings = new HashMap<>(security);
        return () -> new RegistryPromoter(connect(bootstrapServers, settings, modelsTopic, servingTopic, trustedDir));
    }

    /** The registry a job's task connects to: its topics, the client's security settings, the trusted keys. */
    static ModelRegistry connect(String bootstrapServers, Map<String, String> security, String modelsTopic,
                                 String servingTopic, String trustedDir) {
        return ModelRegistry.connect(RegistryConfig.defaults(bootstrapServers)
                .withTopics(modelsTopic, servingTopic).withClientProperties(security),
                new ArtifactVerifier(TrustedKeys.fromDirectory(Path.of(trustedDir))));
    }

    @Override
    public String promote(String modelId, long version, String reason) {
        RegistryServing serving;
        try {
            serving = registry.promote(modelId, version, SHADOW_MODE, "shadow mode: " + reason);
        } catch (PromotionRefusedException refused) {
            return "not promoted: " + refused.getMessage();
        }
        return "promoted " + modelId + " v" + serving.getServingVersion() + " in the registry";
    }

    @Override
    public void close() {
        registry.close();
    }
}
