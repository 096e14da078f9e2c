package io.odestream.registry.testing;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * A registry on a test broker with a fresh signing key that is the only trusted one: what the
 * integration tests that publish, promote or serve models set up. Shipped to the other modules in
 * connectors' test-jar, beside {@link io.odestream.kafka.broker.testing.KafkaBrokerExtension}.
 */
public record TestRegistry(KeyPair pair, ArtifactSigner signer, ArtifactVerifier verifier, RegistryConfig config) {

    /** The registry on {@code modelsTopic} and {@code servingTopic} at {@code bootstrapServers}. */
    public static TestRegistry on(String bootstrapServers, String modelsTopic, String servingTopic) {
        KeyPair pair = SigningKeys.generate();
        return new TestRegistry(pair, ArtifactSigner.of(pair), new ArtifactVerifier(TrustedKeys.of(pair.getPublic())),
                RegistryConfig.defaults(bootstrapServers).withTopics(modelsTopic, servingTopic));
    }

    /** The registry on the models and serving topics of {@code kafka} (its prefix). */
    public static TestRegistry on(KafkaSettings kafka) {
        return on(kafka.bootstrapServers(), kafka.topicName(OdeTopic.MODELS), kafka.topicName(OdeTopic.MODEL_SERVING));
    }

    /** Writes the key pair to {@code dir} as {@code name.key} and {@code name.pub}, for code that reads key files. */
    public TestRegistry writeKeys(Path dir, String name) throws IOException {
        SigningKeys.write(pair, dir, name);
        return this;
    }

    /** Signs and publishes {@code artifact} and promotes it: the registry serves it from now on. */
    public void serve(io.odestream.schema.ModelArtifact artifact, String reason) {
        try (ModelRegistry r = connect()) {
            r.publish(signer.sign(artifact));
            r.promote(artifact.getModelId(), artifact.getVersion(), reason);
        }
    }

    /** Connects (creating the topics if needed) with the verifier that trusts only this key. */
    public ModelRegistry connect() {
        return ModelRegistry.connect(config, verifier);
    }
}
