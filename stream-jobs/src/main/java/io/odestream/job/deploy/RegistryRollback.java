package io.odestream.job.deploy;

import io.odestream.job.health.DegradedModelAction;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.ServingActor;
import io.odestream.schema.RegistryServing;
import java.util.HashMap;
import java.util.Map;

/**
 * Rolls a degraded served version back in the model registry, as the health guard: to the version
 * promoted before it, pinned there like an operator's rollback ({@link io.odestream.registry.ServingControl}),
 * recorded in the serving history with who ({@value #GUARD_NAME}, automated) and why. Only while the
 * degraded version is still the one served: every subtask's guard may find it degraded, and the
 * first rollback is the one that counts.
 */
public final class RegistryRollback implements DegradedModelAction {
    static final String GUARD_NAME = "model-health guard";
    /** How the guard appears in the serving history. */
    static final ServingActor GUARD = ServingActor.automation(GUARD_NAME);

    private final ModelRegistry registry;

    public RegistryRollback(ModelRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry is required: connect one with ModelRegistry.connect(...)");
        }
        this.registry = registry;
    }

    /**
     * A factory that connects inside the task (plain strings: it serialises), with the Kafka client's
     * security settings from the job's {@code --kafka-config}.
     */
    public static DegradedModelAction.Factory factory(String bootstrapServers, Map<String, String> security,
                                                      String modelsTopic, String servingTopic, String trustedDir) {
        Map<String, String> settings = new HashMap<>(security);
        return () -> new RegistryRollback(RegistryPromoter.connect(bootstrapServers, settings, modelsTopic,
                servingTopic, trustedDir));
    }

    @Override
    public String act(String modelId, long version, String reason) {
        long served = registry.snapshot().serving(modelId).map(RegistryServing::getServingVersion).orElse(-1L);
        if (served != version) {
            return "not rolled back: serving moved on to version " + served + " already";
        }
        RegistryServing now = registry.rollback(modelId, null, GUARD, "degraded: " + reason);
        return "rolled back to version " + now.getServingVersion() + " (pinned until `odestream models release`)";
    }

    @Override
    public void close() {
        registry.close();
    }
}
