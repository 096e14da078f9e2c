package io.odestream.job.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.latent.LatentOdeModel;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.RegistrySnapshot;
import io.odestream.schema.ModelArtifact;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fine-tuning job's way into the real registry (embedded broker): it reads the served version,
 * numbers a candidate above every published version, signs it, publishes it and, in auto mode,
 * promotes it; in manual mode it only publishes.
 */
class RegistryDeploymentIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void autoPromotesManualOnlyPublishesAndBothSign() {
        RegistryConfig config = RegistryConfig.defaults(KAFKA.bootstrapServers())
                .withTopics("models-deployment", "serving-deployment");
        ModelArtifact v1 = TestModels.signed(1, 11);
        try (ModelRegistry registry = ModelRegistry.connect(config, TestModels.VERIFIER)) {
            registry.publish(v1);
            registry.promote(TestModels.MODEL_ID, 1, "initial");
            ArtifactSigner signer = ArtifactSigner.of(TestModels.KEYS);
            RegistryDeployment auto = new RegistryDeployment(registry, signer, TestModels.MODEL_ID,
                    RegistryDeployment.Mode.AUTO);
            assertEquals(v1.getChecksum(), auto.serving().orElseThrow().getChecksum());
            assertEquals(2, auto.nextVersion());

            String done = auto.deploy(candidate(v1, 2), "test");
            assertEquals("published and promoted " + TestModels.MODEL_ID + " v2", done);
            RegistrySnapshot s = registry.snapshot();
            ModelArtifact served = s.served(TestModels.MODEL_ID).orElseThrow();
            assertEquals(2, served.getVersion());
            assertNotNull(served.getSignature(), "the registry only holds signed artifacts; the deployment signed it");
            assertTrue(s.rejected().isEmpty(), s.rejected().toString());

            RegistryDeployment manual = new RegistryDeployment(registry, signer, TestModels.MODEL_ID,
                    RegistryDeployment.Mode.MANUAL);
            assertTrue(manual.deploy(candidate(served, 3), "test").startsWith("published " + TestModels.MODEL_ID
                    + " v3 (manual mode"));
            assertEquals(2, registry.snapshot().served(TestModels.MODEL_ID).orElseThrow().getVersion(),
                    "manual mode leaves serving alone");
            assertEquals(4, manual.nextVersion(), "the next candidate goes above the unpromoted v3");
        }
    }

    /** An unsigned fine-tuned child of {@code parent}, as a round makes it. */
    private static ModelArtifact candidate(ModelArtifact parent, long version) {
        LatentOdeModel model = LatentOdeModel.fromArtifact(parent);
        model.parameters().values()[0] += 0.01;
        return model.toArtifact(parent.getModelId(), version, parent.getVersion(), Map.of("validation_loss", 1.0),
                Map.of("trainer", "test"));
    }
}
