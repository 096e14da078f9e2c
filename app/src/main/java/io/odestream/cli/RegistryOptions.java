package io.odestream.cli;

import io.odestream.job.cli.KafkaOptions;
import io.odestream.job.cli.TrustedKeysOption;
import io.odestream.kafka.OdeTopic;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.RegistrySnapshot;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the registry is and whose signatures it trusts; shared by the {@code models} commands. */
final class RegistryOptions {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    TrustedKeysOption keys;

    @Option(names = "--model", paramLabel = "MODEL_ID",
            description = "The model (default: the only model in the registry).")
    String model;

    ModelRegistry connect() {
        Map<String, String> security = new HashMap<>();
        kafka.securityProperties().forEach((k, v) -> security.put((String) k, (String) v));
        RegistryConfig config = RegistryConfig.defaults(kafka.bootstrapServers())
                .withTopics(kafka.topic(OdeTopic.MODELS), kafka.topicPrefix() + RegistryConfig.DEFAULT_SERVING_TOPIC)
                .withClientProperties(security);
        return ModelRegistry.connect(config, new ArtifactVerifier(keys.load()));
    }

    /** --model, or the only model there is. */
    String modelId(RegistrySnapshot snapshot) {
        if (model != null) {
            return model;
        }
        return switch (snapshot.modelIds().size()) {
            case 0 -> throw new CommandFailedException("the registry at " + kafka.bootstrapServers()
                    + " holds no verified model" + (snapshot.rejected().isEmpty() ? ""
                    : " (" + snapshot.rejected().size() + " records were rejected, see `odestream models list`)")
                    + "; publish one with `odestream models publish`");
            case 1 -> snapshot.modelIds().iterator().next();
            default -> throw new CommandFailedException("the registry holds several models " + snapshot.modelIds()
                    + "; choose one with --model");
        };
    }
}
