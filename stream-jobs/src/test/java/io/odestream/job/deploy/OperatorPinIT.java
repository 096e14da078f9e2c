package io.odestream.job.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.LatentOdeModel;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.ServingActor;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's rollback and hold stick against the two automated promoters, on the real registry
 * (embedded broker): AUTO fine-tuning ({@link RegistryDeployment}) and shadow mode
 * ({@link RegistryPromoter}) publish but do not promote while a pin stands, promote again after
 * {@code release}, and never bring back the lineage that was rolled back.
 */
class OperatorPinIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String MODEL = TestModels.MODEL_ID;
    private static final ServingActor ALICE = ServingActor.operator("alice");

    @Test
    void automatedPromotionIsRefusedWhilePinnedAndAllowedAfterRelease() {
        RegistryConfig config = RegistryConfig.defaults(KAFKA.bootstrapServers())
                .withTopics("models-pin", "serving-pin");
        try (ModelRegistry registry = ModelRegistry.connect(config, TestModels.VERIFIER)) {
            ModelArtifact v1 = TestModels.signed(1, 11);
            registry.publish(v1);
            registry.promote(MODEL, 1, ALICE, "initial");
            RegistryDeployment fineTuning = new RegistryDeployment(registry, ArtifactSigner.of(TestModels.KEYS), MODEL,
                    RegistryDeployment.Mode.AUTO);
            RegistryPromoter shadow = new RegistryPromoter(registry);

            assertEquals("published and promoted " + MODEL + " v2", fineTuning.deploy(child(v1, 2), "round 1"));
            ModelArtifact v2 = registry.snapshot().served(MODEL).orElseThrow();

            RegistryServing back = registry.rollback(MODEL, null, ALICE, "v2 drifts");
            assertEquals(1, back.getServingVersion());

            // pinned: fine-tuning publishes a child of the served v1 but does not promote it
            String refused = fineTuning.deploy(child(v1, 3), "round 2");
            assertTrue(refused.startsWith("published " + MODEL + " v3, not promoted: "), refused);
            assertTrue(refused.contains("pinned to version 1"), refused);
            assertTrue(shadow.promote(MODEL, 3, "won").startsWith("not promoted: "), "shadow mode obeys the pin too");
            assertEquals(1, servedVersion(registry), "the rollback sticks");

            registry.release(MODEL, ALICE, "investigation done");
            // the rolled-back v2 and its descendants stay out, after the release as before it
            String descendant = fineTuning.deploy(child(v2, 4), "round 3 (from the old served version)");
            assertTrue(descendant.contains("version 4 descends from version 2, which was rolled back"), descendant);
            assertTrue(shadow.promote(MODEL, 2, "won").contains("version 2 was rolled back"));
            assertEquals(1, servedVersion(registry));

            // v3 descends from v1, the version rolled back to: automation may promote it now
            assertEquals("promoted " + MODEL + " v3 in the registry", shadow.promote(MODEL, 3, "won"));
            assertEquals(3, servedVersion(registry));

            // a hold pins the served version for a maintenance window, without moving it
            registry.hold(MODEL, ALICE, "broker upgrade");
            assertTrue(fineTuning.deploy(child(v1, 5), "round 4").contains("pinned to version 3 by a hold by alice"));
            registry.release(MODEL, ALICE, "upgrade done");
            assertEquals("published and promoted " + MODEL + " v6", fineTuning.deploy(child(v1, 6), "round 5"));

            List<RegistryServingChange> history = registry.snapshot().serving(MODEL).orElseThrow().getHistory();
            assertEquals(List.of(RegistryServingAction.PROMOTED, RegistryServingAction.PROMOTED,
                    RegistryServingAction.ROLLED_BACK, RegistryServingAction.RELEASED, RegistryServingAction.PROMOTED,
                    RegistryServingAction.HELD, RegistryServingAction.RELEASED, RegistryServingAction.PROMOTED),
                    history.stream().map(RegistryServingChange::getAction).toList());
            assertEquals(List.of("alice", "fine-tuning", "alice", "alice", "shadow mode", "alice", "alice",
                    "fine-tuning"), history.stream().map(RegistryServingChange::getChangedBy).toList(),
                    "who made each change");
            assertEquals(List.of(false, true, false, false, true, false, false, true),
                    history.stream().map(RegistryServingChange::getAutomated).toList());
            assertEquals("broker upgrade", history.get(5).getReason());
        }
    }

    private static long servedVersion(ModelRegistry registry) {
        return registry.snapshot().serving(MODEL).orElseThrow().getServingVersion();
    }

    /** An unsigned fine-tuned child of {@code parent}, as a round makes it. */
    private static ModelArtifact child(ModelArtifact parent, long version) {
        LatentOdeModel model = LatentOdeModel.fromArtifact(parent);
        model.parameters().values()[0] += 0.01 * version;
        return model.toArtifact(parent.getModelId(), version, parent.getVersion(), Map.of("validation_loss", 1.0),
                Map.of("trainer", "test"));
    }
}
