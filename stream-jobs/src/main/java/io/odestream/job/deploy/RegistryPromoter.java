package io.odestream.job.deploy;

import io.odestream.job.shadow.ShadowPromoter;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.PromotionRefusedException;
import io.odestream.registry.ServingActor;
import io.odestream.schema.RegistryServing;
import java.nio.file.Path;

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
        return () -> new RegistryPromoter(ModelRegistry.connect(bootstrapServers, modelsTopic, servingTopic,
                Path.of(trustedDir)));
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
